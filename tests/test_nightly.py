"""The nightly job on the bundled sample site: crawl → process → signals → report, under a lock.

One night is shared by the module: the demo site plus a source whose port is closed (a site that
is down), so the night must report that source and exit 1. A second night then finds nothing new.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from db.store import Store
from demo.server import demo_source, load_articles
from monitor.lock import AlreadyRunning, RunLock, lock_path_for
from monitor.nightly import EXIT_LOCKED, main, run_nightly
from monitor.report import failed_sources

pytestmark = pytest.mark.slow

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 0}
NIGHT = date(2025, 10, 15)


def _closed_port() -> int:
    """A 127.0.0.1 port nobody listens on (bound, read, released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dead_source() -> dict[str, Any]:
    base = f"http://127.0.0.1:{_closed_port()}"
    return {"name": "dead", "province": "Cao Bằng", "homepage": base + "/", "feeds": [base + "/rss.xml"],
            "sitemaps": [], "sections": [], "allowed_domains": ["127.0.0.1"]}


@pytest.fixture(scope="module")
def site(demo_site: str) -> str:
    return demo_site


@pytest.fixture(scope="module")
def night(site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("nightly")
    db_path, reports = tmp / "news.db", tmp / "reports"
    result = run_nightly(db_path, sources=[demo_source(site), _dead_source()], reports_dir=reports,
                         crawl_settings=FAST, night=NIGHT)
    return {"db": db_path, "reports": reports, "result": result}


def test_a_source_that_is_down_makes_the_night_exit_1(night: dict[str, Any]) -> None:
    result = night["result"]
    assert result.errors == []
    assert result.exit_code == 1
    assert any("dead" in s["source"] or "unavailable" in s["source"] for s in result.failed_sources)
    assert all(s["source"] != "demo" or s["status"] != "failed" for s in result.failed_sources)


def test_the_runs_table_has_the_nightly_row(night: dict[str, Any]) -> None:
    articles = len(load_articles())
    with Store(night["db"]) as store:
        row = store.latest_run("nightly")
        kinds = [r[0] for r in store.db.execute("SELECT kind FROM runs ORDER BY id")]
    assert row is not None and row["id"] == night["result"].run_id
    assert kinds[:3] == ["nightly", "crawl", "process"]  # the nightly row wraps the steps' own rows
    assert row["status"] == "partial" and row["finished_at"]
    assert row["articles_new"] == articles and row["articles_processed"] == articles
    assert row["facts_written"] > 0
    counts = row["counts"]
    assert counts["exit_code"] == 1
    assert set(counts["sources"]) == {"demo", "dead"}
    assert counts["relevance"]["scored"] == articles
    assert counts["stories"]["linked"] == articles
    assert counts["failed_sources"] and counts["errors"] == []
    assert counts["crawl"]["articles_fetched"] == articles


def test_every_article_gets_its_signals(night: dict[str, Any]) -> None:
    with Store(night["db"]) as store:
        missing = store.db.execute(
            "SELECT count(*) FROM articles WHERE relevance IS NULL OR story_id IS NULL").fetchone()[0]
        dong_giang = store.db.execute(
            "SELECT relevance FROM articles WHERE text LIKE '%171 hồ sơ%'").fetchone()[0]
        festival = store.db.execute(
            "SELECT relevance FROM articles WHERE title LIKE '%Festival%'").fetchone()[0]
    assert missing == 0
    assert dong_giang > festival


def test_the_reports_name_provinces_facts_and_the_failed_source(night: dict[str, Any]) -> None:
    reports: Path = night["reports"]
    names = sorted(p.name for p in reports.iterdir())
    assert names == ["latest.html", "latest.md", "night-2025-10-15.html", "night-2025-10-15.md"]
    md = (reports / "night-2025-10-15.md").read_text(encoding="utf-8")
    html = (reports / "night-2025-10-15.html").read_text(encoding="utf-8")
    assert (reports / "latest.md").read_text(encoding="utf-8") == md
    for text in (md, html):
        assert "Lâm Đồng" in text  # the demo paper's province
        assert "New facts per kind" in text
        assert "Sources that failed" in text and "failed" in text
    assert f"| Lâm Đồng | {len(load_articles())} |" in md
    dossiers = [line for line in md.splitlines() if line.startswith("| dossiers |")]
    assert dossiers and int(dossiers[0].split("|")[2]) > 0
    assert "](http://127.0.0.1:" in md  # relevant articles are linked
    assert '<a href="http://127.0.0.1:' in html and "<table>" in html


def test_a_second_night_finds_nothing_new_and_exits_0(site: str, night: dict[str, Any]) -> None:
    result = run_nightly(night["db"], sources=[demo_source(site)], reports_dir=night["reports"],
                         crawl_settings=FAST, night=date(2025, 10, 16))
    assert result.exit_code == 0, result.summary()
    assert result.new_articles == 0
    assert result.relevance == {"scored": 0} and result.stories == {"linked": 0, "joined": 0, "merged": 0}
    md = (night["reports"] / "latest.md").read_text(encoding="utf-8")
    assert "# Night of 2025-10-16" in md and "None: every source answered." in md


def test_an_overlapping_run_exits_at_once(tmp_path: Path) -> None:
    db_path = tmp_path / "news.db"
    with RunLock(db_path):  # "the other run"
        assert lock_path_for(db_path).read_text().strip() == str(os.getpid())
        with pytest.raises(AlreadyRunning) as caught:
            run_nightly(db_path, sources=[_dead_source()], reports_dir=tmp_path / "r")
        assert caught.value.pid == os.getpid()
        assert str(os.getpid()) in str(caught.value)
        assert main(["--db", str(db_path), "--reports-dir", str(tmp_path / "r")]) == EXIT_LOCKED
    assert not db_path.exists()  # nothing was opened, let alone crawled
    assert not (tmp_path / "r").exists()
    with RunLock(db_path):  # released: it can be taken again
        pass


def test_summary_is_json(night: dict[str, Any]) -> None:
    summary = json.loads(json.dumps(night["result"].summary(), default=str))
    assert summary["exit_code"] == 1 and summary["new_articles"] == len(load_articles())


def test_failed_sources_with_and_without_per_source_counts() -> None:
    per_source = {"sources": {
        "down": {"fetched": 0, "new": 0, "skipped": 0, "failed": 0, "errors": {"ConnectionRefusedError": 3}},
        "flaky": {"fetched": 12, "new": 4, "skipped": 0, "failed": 1, "errors": {"HttpError": 1}},
        "quiet": {"fetched": 0, "new": 0, "skipped": 0, "failed": 0, "errors": {}, "listings_unchanged": 2},
        "polite": {"fetched": 0, "new": 0, "skipped": 0, "failed": 0, "errors": {"robots_forbidden": 2}},
    }}
    rows, any_failed = failed_sources({"counts": per_source})  # a runs row, counts inside
    assert any_failed
    assert {r["source"]: r["status"] for r in rows} == {"down": "failed", "flaky": "degraded"}
    rows, any_failed = failed_sources({"sources": {"flaky": per_source["sources"]["flaky"]}})
    assert rows and not any_failed  # degraded only: the night is still fine
    # older crawls: sources is a list of names; a failed listing is the sign of a site down
    assert failed_sources({"sources": ["a", "b"], "listings_failed": 2, "errors": {"X": 2}})[1]
    assert failed_sources({"sources": ["a", "b"], "listings_failed": 0}) == ([], False)
    assert failed_sources(None) == ([], False)
