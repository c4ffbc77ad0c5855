"""Vietnamese number reading: separators, ratios, scale words and numbers written in words."""

from __future__ import annotations

import pytest

from nlp.numbers import number_words_before, parse_number, parse_number_words, parse_ratio, scale_of


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("13.188", 13188),  # dot groups thousands
        ("1.234.567", 1234567),
        ("99,2", 99.2),  # comma is the decimal mark
        ("5,50", 5.5),
        ("54.9", 54.9),  # a dot not followed by exactly three digits is a decimal point
        ("72.45", 72.45),
        ("02", 2),  # leading zeros are padding
        ("100", 100),
        ("1.234,5", 1234.5),
        ("0,2", 0.2),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "12a", "%", "1..2"])
def test_parse_number_rejects_non_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "pair"),
    [("4.572/4.572", (4572, 4572)), ("146/152", (146, 152)), ("7,5/12", (7.5, 12)), ("12", None), ("a/b", None)],
)
def test_parse_ratio(text: str, pair: tuple | None) -> None:
    assert parse_ratio(text) == pair


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("một trăm", 100),
        ("hai", 2),
        ("mười", 10),
        ("mười lăm", 15),
        ("hai mươi mốt", 21),
        ("chín mươi chín", 99),
        ("ba nghìn hai trăm linh năm", 3205),
        ("hai triệu rưỡi", 2500000),
        ("một trăm rưỡi", 150),
        ("chín mươi chín phẩy năm", 99.5),
        ("năm ngàn", 5000),
    ],
)
def test_parse_number_words(words: str, value: float) -> None:
    assert parse_number_words(words.split()) == value


@pytest.mark.parametrize("words", ["hai ba", "phần", "", "rưỡi"])
def test_parse_number_words_rejects(words: str) -> None:
    assert parse_number_words(words.split()) is None


def test_number_words_before_finds_the_longest_run() -> None:
    words = "tỷ lệ đạt chín mươi phần trăm".split()
    assert number_words_before(words, 5) == (3, 90)
    assert number_words_before("trong năm hai mươi hồ sơ".split(), 4) == (2, 20)
    assert number_words_before("đạt hồ sơ".split(), 1) is None


def test_scale_words() -> None:
    assert scale_of("nghìn") == 1000 and scale_of("ngàn") == 1000
    assert scale_of("triệu") == 1_000_000 and scale_of("Tỷ") == 1_000_000_000
    assert scale_of("hồ") is None
