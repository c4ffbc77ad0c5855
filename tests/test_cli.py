"""The command line: every command has --help and is in the README; extract keeps its line count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT
from conftest import run_pipeline as _run

import pipeline

COMMANDS = ["crawl", "process", "run", "nightly", "merge", "demo", "extract", "evaluate", "export", "serve", "show",
            "sources", "stats"]




def test_every_command_has_help_and_is_documented_in_the_readme(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = pipeline.build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    assert sorted(subparsers.choices) == sorted(COMMANDS)
    for name in COMMANDS:
        with pytest.raises(SystemExit) as exit_info:
            pipeline.main([name, "--help"])
        assert exit_info.value.code == 0
        assert "usage:" in capsys.readouterr().out
        assert f"pipeline.py {name}" in readme, f"README does not show `pipeline.py {name}`"


def test_evaluate_help_states_the_first_blind_readings(capsys: pytest.CaptureFixture[str]) -> None:
    """A researcher reading ``evaluate --help`` learns the error rates of new articles, which are the
    first readings recorded with each set, not the 1.000 of the sets the rules were tuned on."""
    first = json.loads((ROOT / "tests" / "data" / "real" / "first_reading.json").read_text(encoding="utf-8"))
    with pytest.raises(SystemExit):
        pipeline.main(["evaluate", "--help"])
    text = capsys.readouterr().out
    assert "What to expect on new articles" in text
    for kind in ("units", "dossiers", "percentages"):
        assert f"{first[kind]['f1']:.3f}" in text, kind
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{first['dossiers']['f1']:.3f}" in readme.split("What to expect on new articles")[1][:3000]


def test_extract_writes_one_line_per_input_line_even_for_hostile_input(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "ok", "text": "Trung tâm Phục vụ hành chính công xã Đông Giang tiếp nhận 171 hồ sơ."},
                   ensure_ascii=False),
        json.dumps({"id": "empty", "text": ""}),
        "{not json",
        "",
        json.dumps(["a", "list"]),
        json.dumps({"id": 7, "text": None}),
        json.dumps({"id": "garbage", "text": "\x00\ud7ff\u0301\u0301%%% 1/0 hồ sơ " * 200}),
        json.dumps({"id": "nfd", "text": "xa\u0303 \u0110ông Giang"}),
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = _run("extract", str(src), "-o", str(out), "-q")
    assert result.returncode == 0, result.stderr[-2000:]
    produced = out.read_text(encoding="utf-8").splitlines()
    assert len(produced) == len(lines)
    records = [json.loads(line) for line in produced]
    assert [r["id"] for r in records] == ["ok", "empty", None, None, None, 7, "garbage", "nfd"]
    for record in records:
        assert set(record) == {"id", "units", "officials", "dossiers", "percentages"}
        assert all(isinstance(record[k], list) for k in ("units", "officials", "dossiers", "percentages"))
    assert "line 3" in result.stderr  # the unreadable line is reported, not silently dropped


def test_stats_json_has_the_documented_shape(tmp_path: Path) -> None:
    from db.store import Store

    Store(tmp_path / "new.db").close()
    result = _run("stats", "--json", "--db", str(tmp_path / "new.db"))
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["articles"] == 0
    assert stats["published"] == {"first": None, "last": None, "undated": 0} and stats["last_crawl"] is None
    assert set(stats["facts"]) == {"units", "officials", "dossiers", "percentages"}
    assert stats["runs"] == []


def test_sources_json_lists_the_registry() -> None:
    result = _run("sources", "--json")
    assert result.returncode == 0, result.stderr
    sources = json.loads(result.stdout)
    assert sources and all({"name", "province", "homepage"} <= set(s) for s in sources)


def test_missing_input_file_is_a_clear_error(tmp_path: Path) -> None:
    result = _run("extract", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2
    assert "nope.jsonl" in result.stderr
