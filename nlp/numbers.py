"""Read numbers the way Vietnamese news writes them.

Vietnamese prose groups thousands with a dot and marks decimals with a comma (``13.188`` =
13188, ``99,2`` = 99.2), but reports copied from spreadsheets also write ``54.9%``: a dot
followed by exactly three digits groups thousands, any other dot is a decimal point. Leading
zeros are only padding (``02 cấp`` = 2). Counts can carry a scale word (``12,5 triệu`` =
12 500 000, ``38 nghìn`` = 38 000) or be written in words (``một trăm phần trăm``,
``hai mươi lăm``). Ratios ``4.572/4.572`` give a numerator and a denominator.

The functions here never raise on bad input: they return ``None`` when a string is not a number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "NUMBER_RE",
    "RATIO_RE",
    "SCALE_WORDS",
    "NUMBER_WORDS",
    "parse_number",
    "parse_ratio",
    "parse_number_words",
    "number_words_before",
    "as_int",
    "scale_of",
]

# One number as the tokenizer cuts it: digits with thousands dots / decimal commas.
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
# A ratio ``N/M`` (both parts numbers) as one token.
RATIO_RE = re.compile(r"(\d+(?:[.,]\d+)*)/(\d+(?:[.,]\d+)*)")

# Scale words multiply the number before them. ``tỉ`` is the northern spelling of ``tỷ``.
SCALE_WORDS: dict[str, int] = {
    "nghìn": 1_000,
    "ngàn": 1_000,
    "triệu": 1_000_000,
    "tỷ": 1_000_000_000,
    "tỉ": 1_000_000_000,
}

# Digits written as words. ``mốt``/``tư``/``lăm``/``nhăm`` are the forms used after tens.
_DIGIT_WORDS: dict[str, int] = {
    "không": 0,
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "nhăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}
_TEN = {"mười"}
_TENS_MULT = {"mươi", "chục"}
_HUNDRED = {"trăm"}
_FILLER = {"linh", "lẻ"}
_HALF = {"rưỡi", "rưởi"}
_POINT = {"phẩy"}

NUMBER_WORDS: frozenset[str] = frozenset(
    set(_DIGIT_WORDS) | _TEN | _TENS_MULT | _HUNDRED | _FILLER | _HALF | _POINT | set(SCALE_WORDS)
)


def as_int(value: float | int | None) -> int | float | None:
    """An integral float becomes an int (``100.0`` → ``100``) so that output reads naturally."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def scaled(value: int | float, scale: int) -> int | float:
    """``value`` times a scale word's multiplier, without binary-float residue: ``4,1 triệu`` is
    4100000, not 4099999.9999999995 (which would no longer read as a whole count)."""
    return as_int(round(float(value) * scale, 6))


def parse_number(text: str) -> int | float | None:
    """Parse one written number: ``13.188`` → 13188, ``99,2`` → 99.2, ``54.9`` → 54.9, ``02`` → 2.

    Rules, in order:
    - both ``.`` and ``,``: the last one is the decimal mark when the other one only groups
      three-digit blocks (``1.234,5`` → 1234.5; ``1,234.5`` → 1234.5);
    - only dots: thousands when every group after a dot has exactly three digits, else the
      (single) dot is a decimal point;
    - only commas: a comma is the Vietnamese decimal mark (``5,50`` → 5.5); several commas that
      all precede three digits group thousands (``1,234,567``).
    """
    try:
        s = (text or "").strip()
        if not s or not NUMBER_RE.fullmatch(s):
            return None
        has_dot, has_comma = "." in s, "," in s
        if has_dot and has_comma:
            last = max(s.rfind("."), s.rfind(","))
            dec_mark = s[last]
            group_mark = "," if dec_mark == "." else "."
            int_part, frac = s[:last], s[last + 1 :]
            groups = int_part.split(group_mark)
            if dec_mark in int_part or any(len(g) != 3 for g in groups[1:]):
                return None
            return as_int(float("".join(groups) + "." + frac))
        if has_dot or has_comma:
            mark = "." if has_dot else ","
            parts = s.split(mark)
            if all(len(p) == 3 for p in parts[1:]) and (mark == "." or len(parts) > 2):
                return int("".join(parts))
            if len(parts) == 2:
                return as_int(float(parts[0] + "." + parts[1]))
            return None
        return int(s)
    except (ValueError, OverflowError):
        return None


def parse_ratio(text: str) -> tuple[int | float, int | float] | None:
    """``4.572/4.572`` → (4572, 4572); ``None`` when the text is not exactly a ratio of numbers."""
    m = RATIO_RE.fullmatch((text or "").strip())
    if not m:
        return None
    a, b = parse_number(m.group(1)), parse_number(m.group(2))
    if a is None or b is None:
        return None
    return a, b


def scale_of(word: str) -> int | None:
    """The multiplier of a scale word (``nghìn`` → 1000), else ``None``."""
    return SCALE_WORDS.get((word or "").lower())


def parse_number_words(words: Sequence[str]) -> int | float | None:
    """Read a number written in words: ``một trăm`` → 100, ``hai mươi lăm`` → 25,
    ``ba nghìn hai trăm linh năm`` → 3205, ``hai triệu rưỡi`` → 2500000, ``chín mươi chín phẩy
    năm`` → 99.5. Returns ``None`` when the words do not form a number."""
    ws = [w.lower() for w in words if w and w.strip()]
    if not ws or any(w not in NUMBER_WORDS for w in ws):
        return None
    total = 0.0
    group = 0  # value below the current scale (hundreds, tens, units)
    pending: int | None = None  # a digit waiting for its multiplier
    last_mult = 1
    decimals: list[int] | None = None
    seen_value = False
    try:
        for w in ws:
            if decimals is not None:
                if w in _DIGIT_WORDS:
                    decimals.append(_DIGIT_WORDS[w])
                    continue
                return None
            if w in _DIGIT_WORDS:
                if pending is not None:  # two digits in a row: "hai ba" is not a number
                    return None
                pending = _DIGIT_WORDS[w]
                seen_value = True
            elif w in _TEN:
                if pending is not None:  # "hai mười" is not a number
                    return None
                group += 10
                last_mult = 10
                seen_value = True
            elif w in _TENS_MULT:
                group += (pending if pending is not None else 1) * 10
                pending = None
                last_mult = 10
                seen_value = True
            elif w in _HUNDRED:
                group += (pending if pending is not None else 1) * 100
                pending = None
                last_mult = 100
                seen_value = True
            elif w in _FILLER:
                continue
            elif w in _HALF:
                if not seen_value:
                    return None
                group_val = group + (pending or 0)
                if last_mult >= 1000:
                    total += last_mult / 2
                else:
                    group = group_val + last_mult // 2 if last_mult > 1 else group_val
                    pending = None
            elif w in SCALE_WORDS:
                scale = SCALE_WORDS[w]
                value = group + (pending or 0)
                if value == 0 and total > 0 and pending is None:
                    total *= scale  # "nghìn tỷ"
                else:
                    total += (value if (value or pending == 0) else 1) * scale
                group, pending = 0, None
                last_mult = scale
                seen_value = True
            elif w in _POINT:
                group += pending or 0
                pending = None
                decimals = []
        if not seen_value:
            return None
        value = total + group + (pending or 0)
        if decimals:
            value += float("0." + "".join(str(d) for d in decimals))
        return as_int(float(value))
    except (ValueError, OverflowError):
        return None


def number_words_before(words: Sequence[str], end: int, *, max_words: int = 8) -> tuple[int, int | float] | None:
    """Read the longest run of number words ending just before index ``end`` of ``words``.

    Returns ``(start_index, value)`` or ``None``. Used when a number is written in words before
    ``phần trăm`` or ``hồ sơ``; callers decide whether such a run may be a number there, since
    ``năm``, ``ba`` or ``tư`` are also ordinary words.
    """
    start = end
    while start > 0 and end - start < max_words and words[start - 1].lower() in NUMBER_WORDS:
        start -= 1
    # Shrink from the left until the run parses ("năm hai mươi" is not a number, "hai mươi" is).
    while start < end:
        value = parse_number_words(words[start:end])
        if value is not None:
            return start, value
        start += 1
    return None
