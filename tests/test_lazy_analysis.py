"""Word segmentation and POS tags run lazily, per sentence, only where a rule asks for them.

The promise that makes this safe: the facts are exactly those an eager pass (every sentence
segmented and tagged up front) gives. Checked on every text the project ships and, where
``../shared`` is beside the checkout, on the dev gold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import project_texts

from nlp.document import analyze
from nlp.extract import extract_doc
from nlp.normalize import normalize_text


def _facts(text: str, *, eager: bool) -> dict[str, list[Any]]:
    adoc = analyze(text, eager=eager)
    extraction = extract_doc(adoc)
    return {
        kind: [(f.start, f.end, f.sentence, json.dumps(f.data, ensure_ascii=False, sort_keys=True, default=str),
                f.mentions) for f in facts]
        for kind, facts in extraction.facts.items()
    }


def _assert_lazy_equals_eager(texts: list[str]) -> tuple[int, int, int]:
    segmented = tagged = total = 0
    for text in texts:
        assert _facts(text, eager=False) == _facts(text, eager=True), text[:120]
        adoc = analyze(text)
        extract_doc(adoc)
        s, t = adoc.analysed_sentences
        segmented, tagged, total = segmented + s, tagged + t, total + len(adoc.analysis.ranges)
    return segmented, tagged, total


@pytest.mark.slow
def test_lazy_analysis_gives_the_eager_facts_on_the_projects_texts() -> None:
    segmented, tagged, total = _assert_lazy_equals_eager([normalize_text(t) for t in project_texts()])
    # The point of it: most sentences are never tagged, many never segmented.
    assert tagged < segmented < total
    assert tagged < 0.3 * total and segmented < 0.7 * total, (segmented, tagged, total)


@pytest.mark.slow
def test_lazy_analysis_gives_the_eager_facts_on_the_dev_gold(shared_dir: Path) -> None:
    lines = (shared_dir / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    _assert_lazy_equals_eager([normalize_text(json.loads(line)["text"]) for line in lines if line.strip()])


TEXT = normalize_text(
    "Trời hôm nay đẹp.\n\nÔng Lê Văn Hòa, Chủ tịch UBND xã Đông Thành cho biết xã đã tiếp nhận 1.250 hồ sơ."
)


def test_nothing_is_analysed_until_asked() -> None:
    adoc = analyze(TEXT)
    assert adoc.analysed_sentences == (0, 0)
    hoa = next(t for t in adoc.doc if t.text == "Hòa")
    assert hoa._.wstart is False  # ``Lê Văn Hòa`` is one underthesea word
    assert adoc.analysed_sentences == (1, 0)  # only that sentence, segmented but not tagged
    assert adoc.tag(hoa.i) == "Np"
    assert adoc.analysed_sentences == (1, 1)
    le = next(t for t in adoc.doc if t.text == "Lê")
    assert adoc.wstart(le.i) is True


def test_eager_and_lazy_words_agree() -> None:
    eager = analyze(TEXT, eager=True)
    assert eager.analysed_sentences == (len(eager.analysis.ranges),) * 2
    lazy = analyze(TEXT)
    assert [(w.text, w.start, w.tag) for w in lazy.words] == [(w.text, w.start, w.tag) for w in eager.words]
    assert [(t.i, t._.wstart, lazy.tag(t.i)) for t in lazy.doc] == [
        (t.i, t._.wstart, eager.tag(t.i)) for t in eager.doc
    ]


def test_tag_false_never_runs_underthesea() -> None:
    adoc = analyze(TEXT, tag=False)
    assert all(t._.wstart == (not t.is_space) for t in adoc.doc)
    assert {adoc.tag(t.i) for t in adoc.doc} <= {"X", "CH", "_SP"}
    assert adoc.words == []
