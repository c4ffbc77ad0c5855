"""The text normaliser: one spelling for every way the same Vietnamese text can be encoded."""

from __future__ import annotations

import unicodedata

import pytest

from nlp.normalize import fold, normalize_text, strip_diacritics, unify_tone_marks


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Thanh Hoá", "Thanh Hóa"),  # new-style mark moves to the first vowel of an open "oa"
        ("thuỷ lợi", "thủy lợi"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("HOÀ BÌNH", "HÒA BÌNH"),
        ("Hoàng Mai", "Hoàng Mai"),  # closed syllable: both conventions agree, nothing moves
        ("toán học", "toán học"),
        ("quý", "quý"),  # "qu" + vowel is no diphthong
        ("Quỳnh Lưu", "Quỳnh Lưu"),
        ("huyết áp", "huyết áp"),
    ],
)
def test_tone_marks_are_unified(raw: str, expected: str) -> None:
    assert unify_tone_marks(raw) == expected
    assert normalize_text(raw) == expected


def test_nfd_input_gives_nfc_output() -> None:
    nfc = "Trung tâm Phục vụ hành chính công xã Đông Giang tiếp nhận 171 hồ sơ"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    assert normalize_text(nfd) == nfc


def test_invisible_and_control_characters_go_whitespace_collapses() -> None:
    raw = "\ufeffXã\u200b Phong\u00a0\u00a0Hải\x07 \t tổ chức\r\n\r\n\r\n\r\nĐại hội  "
    assert normalize_text(raw) == "Xã Phong Hải tổ chức\n\nĐại hội"


def test_normalize_is_idempotent_and_length_preserving_for_tone_moves() -> None:
    text = "Ủy ban nhân dân tỉnh Thanh Hoá, thuỷ điện Hoà Bình"
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert len(once) == len(unicodedata.normalize("NFC", text))


def test_empty_and_fold() -> None:
    assert normalize_text("") == ""
    assert fold("  Thanh   HOÁ ") == "thanh hóa"
    assert strip_diacritics("Đặng Hồng Sỹ") == "dang hong sy"
