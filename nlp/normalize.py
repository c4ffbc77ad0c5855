"""Text normalisation for Vietnamese news text.

Vietnamese text reaches us in several encodings of the same letters: NFC or NFD, the
"old" (``hòa``) or "new" (``hoà``) tone-mark placement, with zero-width joiners, soft hyphens,
CRLF line ends and non-breaking spaces. Every later step (gazetteer lookup, matching, scoring)
needs one spelling, so the text is normalised once, before it is stored, and fact offsets point
into the normalised text.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["normalize_text", "fold", "unify_tone_marks", "strip_diacritics"]

# Zero-width and formatting characters that carry no letters: ZWSP, ZWNJ, ZWJ, word joiner,
# BOM, soft hyphen, bidi marks, variation selectors.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\ufe00-\ufe0f]")
# C0/C1 control characters except tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")

# Tone marks as combining characters (NFD): grave, acute, hook above, tilde, dot below.
_TONES = "\u0300\u0301\u0309\u0303\u0323"
_TONE_RE = re.compile(f"[{_TONES}]")

# The diphthongs whose tone placement differs between the two conventions when they end the
# syllable: oa, oe, uy. Traditional (and gazetteer) spelling puts the mark on the first vowel:
# "hòa", "thủy", "Thanh Hóa", "khỏe". The new spelling puts it on the second: "hoà", "thuỷ".
# With a final consonant (hoàng, toán, huyết) both conventions agree, so only open syllables move.
_DIPHTHONG = re.compile(
    r"(?<![qQ])([oOuU])([aAeEyY])([" + _TONES + r"])(?![^\W\d_])",
)
_WORDCHAR_AFTER = re.compile(r"[^\W\d_]")


def unify_tone_marks(text: str) -> str:
    """Move tone marks of open ``oa``/``oe``/``uy`` syllables to the first vowel (``hoà`` → ``hòa``).

    Works on NFD so that marks are separate code points, and returns NFC. The pairs must match:
    ``o`` goes with ``a``/``e`` and ``u`` with ``y``; ``qu`` + vowel is not a diphthong.
    """
    decomposed = unicodedata.normalize("NFD", text)

    def _move(match: re.Match[str]) -> str:
        first, second, tone = match.group(1), match.group(2), match.group(3)
        pair = (first.lower(), second.lower())
        if pair not in {("o", "a"), ("o", "e"), ("u", "y")}:
            return match.group(0)
        return first + tone + second

    moved = _DIPHTHONG.sub(_move, decomposed)
    return unicodedata.normalize("NFC", moved)


def normalize_text(text: str) -> str:
    """Return the canonical form of an article text. Idempotent.

    NFC, one tone-mark convention, no invisible or control characters, one space between words,
    ``\\n`` line ends, at most one blank line between paragraphs, no spaces at line ends.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = unify_tone_marks(text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


@functools.lru_cache(maxsize=1 << 17)
def fold(text: str) -> str:
    """The comparison key for names and phrases: normalised, case-folded, single-spaced.

    Memoised: the rules fold the same syllables and names thousands of times per article.
    """
    return " ".join(normalize_text(text).casefold().split())


def strip_diacritics(text: str) -> str:
    """ASCII-ish folding (``Hà Nội`` → ``ha noi``) for fuzzy keys and URL slugs."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
