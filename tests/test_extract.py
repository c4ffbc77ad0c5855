"""Whole-article extraction: spec shape, NFD = NFC, and no failure on arbitrary text."""

from __future__ import annotations

import unicodedata

from nlp.extract import extract_article, to_spec
from nlp.facts import KINDS

ARTICLE = (
    "Chiều 12/9, đồng chí Trần Minh Quân, Phó Chủ tịch UBND tỉnh Thanh Hoá, làm việc với xã Hoằng Hoá.\n\n"
    "Trung tâm Phục vụ hành chính công xã đã tiếp nhận 1.236 hồ sơ, trong đó 980 hồ sơ trực tuyến; "
    "giải quyết đúng hạn 1.200/1.236 hồ sơ, đạt 97,1%. Trên 85% cán bộ, công chức sử dụng thành thạo "
    "phần mềm một cửa điện tử."
)

_SHAPES = {
    "units": {"type", "name", "province"},
    "officials": {"name", "titles"},
    "dossiers": {"count", "kind", "channel", "total", "qualifier", "scope", "period"},
    "percentages": {"value", "qualifier", "indicator", "subject", "scope", "period"},
}


def _check_shape(line: dict) -> None:
    assert set(line) == {"id", *KINDS}
    for kind in KINDS:
        assert isinstance(line[kind], list)
        for item in line[kind]:
            assert set(item) == _SHAPES[kind], (kind, item)


def test_nfd_input_gives_the_same_facts_as_nfc() -> None:
    nfc = to_spec("a", extract_article(ARTICLE))
    nfd = to_spec("a", extract_article(unicodedata.normalize("NFD", ARTICLE)))
    assert nfc == nfd
    _check_shape(nfc)
    assert any(d["count"] == 1236 for d in nfc["dossiers"])


def test_offsets_point_into_the_normalised_text() -> None:
    extraction = extract_article(ARTICLE)
    text = extraction.adoc.text
    for kind, facts in extraction.facts.items():
        for fact in facts:
            assert 0 <= fact.start < fact.end <= len(text), (kind, fact)
            sentence = extraction.adoc.sentence_at(fact.start)
            assert sentence.start <= fact.start and fact.end <= sentence.end + 1, (kind, fact)


def test_garbled_diacritics_and_huge_input() -> None:
    garbled = "x\u0301\u0301\u0323 ạ\u0300 Ð0ng Giang h\u1ed3 s\u01a1 " * 2000
    _check_shape(to_spec("g", extract_article(garbled)))
    huge = (ARTICLE + "\n") * 400  # ~170 kB
    _check_shape(to_spec("h", extract_article(huge)))
