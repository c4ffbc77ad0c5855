"""``nlp.postag`` is underthesea's POS tagger with faster features: its output must be underthesea's.

Checked sentence by sentence on every text the project ships (demo articles, our two gold sets)
and, where ``../shared`` is beside the checkout, on the dev gold too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import project_texts
from underthesea import pos_tag as underthesea_pos_tag

from nlp.document import _split_sentences
from nlp.normalize import normalize_text
from nlp.postag import _features, pos_tag, segment, tag_words


def _sentences(texts: list[str]) -> list[str]:
    out = []
    for raw in texts:
        text = normalize_text(raw)
        out.extend(text[s:e] for s, e in _split_sentences(text))
    return out


def _assert_same_tags(sentences: list[str]) -> None:
    assert len(sentences) > 100
    differ = [s for s in sentences if pos_tag(s) != underthesea_pos_tag(s)]
    assert not differ, f"{len(differ)} of {len(sentences)} sentences tagged differently, e.g. {differ[0]!r}"


@pytest.mark.slow
def test_tags_equal_underthesea_on_the_projects_texts() -> None:
    _assert_same_tags(_sentences(project_texts()))


@pytest.mark.slow
def test_tags_equal_underthesea_on_the_dev_gold(shared_dir: Path) -> None:
    lines = (shared_dir / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    _assert_same_tags(_sentences([json.loads(line)["text"] for line in lines if line.strip()]))


@pytest.mark.parametrize(
    "sentence",
    [
        "Ông Lê Văn Hòa, Chủ tịch UBND xã Đông Giang cho biết 171 hồ sơ đã được tiếp nhận.",
        "“Xã , phường” –  ( 99,2% ) …",  # punctuation, doubled spaces, quotes: istitle quirks
        "A",
        "1.250 / 3 = ?",
        "H'Yăm Niê, Siu H’Ngân và K'Brếu.",
    ],
)
def test_edge_sentences_tag_like_underthesea(sentence: str) -> None:
    assert pos_tag(sentence) == underthesea_pos_tag(sentence)


def test_features_follow_underthesea_bos_eos_and_istitle() -> None:
    rows = _features(["Hồ Chí Minh", ",", "UBND"])
    first, middle, last = rows
    assert "T[-1].lower=BOS" in first and "T[-2,-1]=BOS" in first
    assert "T[1,2]=EOS" in middle and "T[2]=EOS" in middle
    # underthesea's istitle asks str.istitle of each piece's first letter: "," is not a title.
    assert "T[0].istitle=False" in middle and "T[-1].istitle=True" in middle
    assert "T[-3,-2][1]=BOS" in middle and "T[-2,-1][1]=BOS" in middle
    assert "T[-2,-1][1]=X X" in last


@pytest.mark.parametrize("words", [["A"], ["Chủ tịch", ",", "UBND", "xã", "Đông  Giang", "", "1.250", "%"]])
def test_features_equal_underthesea_transformer(words: list[str]) -> None:
    from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor

    transformer = CRFPOSTagPredictor.Instance().transformer
    assert _features(words) == transformer.transform([[(w, "X") for w in words]])[0][0]


def test_empty_input() -> None:
    assert tag_words([]) == []
    assert segment("") == []
    assert pos_tag("") == underthesea_pos_tag("")
