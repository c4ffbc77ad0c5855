"""The scorer follows the spec: keys per kind, one-to-one duplicates, attributes on matched pairs."""

from __future__ import annotations

import pytest

from nlp.evaluate import score, title_found


def test_units_match_on_type_and_name_after_folding() -> None:
    gold = [{"id": "a", "units": [{"type": "xã", "name": "Đông Giang", "province": "Lâm Đồng"},
                                  {"type": "tỉnh", "name": "Thanh Hóa", "province": "Thanh Hóa"}]}]
    pred = {"a": {"units": [{"type": "Xã", "name": "ĐÔNG GIANG", "province": None},
                            {"type": "tỉnh", "name": "Thanh Hoá", "province": "Thanh Hóa"},
                            {"type": "xã", "name": "Phong Hải", "province": None}]}}
    ks = score(gold, pred)["units"]
    assert (ks.gold, ks.predicted, ks.matched) == (2, 3, 2)
    assert ks.precision == pytest.approx(2 / 3)
    assert ks.recall == 1.0
    assert ks.attribute("province") == 0.5


def test_duplicates_match_one_to_one() -> None:
    gold = [{"id": "a", "dossiers": [{"count": 5, "kind": "received", "channel": None, "total": None}] * 2}]
    pred = {"a": {"dossiers": [{"count": 5, "kind": "received", "channel": None, "total": None}] * 3}}
    ks = score(gold, pred)["dossiers"]
    assert ks.matched == 2 and len(ks.false_positives) == 1


def test_percent_values_compare_as_numbers() -> None:
    gold = [{"id": "a", "percentages": [{"value": 99.2, "qualifier": "exact", "indicator": "on_time"}]}]
    pred = {"a": {"percentages": [{"value": 99.20, "qualifier": "exact", "indicator": "other"}]}}
    ks = score(gold, pred)["percentages"]
    assert ks.matched == 1 and ks.attribute("indicator") == 0.0


@pytest.mark.parametrize(
    ("gold_title", "predicted", "found"),
    [
        ("Phó Bí thư Tỉnh ủy Lâm Đồng", ["Phó Bí thư Tỉnh ủy Lâm Đồng"], True),
        ("Phó Bí thư Tỉnh ủy Lâm Đồng", ["Phó Bí thư Tỉnh ủy"], True),  # contained, 5 syllables
        ("Chủ tịch UBND xã", ["Chủ tịch UBND xã Đông Giang"], True),
        ("TUV", ["TUV, Bí thư"], False),  # one syllable: only an exact match finds it
        ("Giám đốc Sở Nội vụ", ["Phó Chủ tịch"], False),
    ],
)
def test_title_recall_rule(gold_title: str, predicted: list[str], found: bool) -> None:
    assert title_found(gold_title, predicted) is found


def test_missing_prediction_line_counts_as_no_items() -> None:
    gold = [{"id": "a", "officials": [{"name": "Võ Văn A", "titles": ["Chủ tịch"]}]}]
    ks = score(gold, {})["officials"]
    assert ks.recall == 0.0 and ks.precision == 0.0
