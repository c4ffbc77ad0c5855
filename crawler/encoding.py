"""Decode an article page to text even when its charset declaration lies or is missing.

Scrapy trusts the ``Content-Type`` header first, then ``<meta charset>``, then guesses UTF-8 or
cp1252.  Old Vietnamese CMSs still serve windows-1258 (tone marks as *combining* characters), some
send a header that contradicts the page, some declare nothing; trusting the declaration then
stores mojibake ("Ã¡" for "á") that no extractor downstream can repair.  So the declared
encodings are candidates, not verdicts: each is decoded strictly and scored for how much the
result looks like Vietnamese text; a declaration that fails to decode cleanly falls back to UTF-8
(valid multi-byte UTF-8 is almost never accidental), windows-1258 and charset_normalizer's guess.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from typing import NamedTuple

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

logger = logging.getLogger(__name__)

# Letters of the Vietnamese alphabet outside ASCII, every tone included (NFC).
_VI_BASE = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
_VI_LETTERS = frozenset(
    unicodedata.normalize("NFC", base + mark)
    for base in _VI_BASE
    for mark in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
) | frozenset("đĐ")
# Typographic characters a Vietnamese page legitimately contains outside ASCII.
_OK_PUNCT = frozenset("\xa0–—‘’“”…•·«»°©®™€×")
_C1_OR_REPLACEMENT = re.compile("[\x80-\x9f\ufffd]")


def _score(text: str) -> float:
    """Share of non-ASCII characters that belong in Vietnamese text (1.0 when all ASCII).

    C1 control characters and U+FFFD count as hard failures: they only appear in text decoded
    with the wrong codec.  Combining marks left over after NFC are also wrong for Vietnamese.
    """
    if _C1_OR_REPLACEMENT.search(text):
        return 0.0
    text = unicodedata.normalize("NFC", text)
    others = [c for c in text if ord(c) > 127 and not c.isspace()]
    if not others:
        return 1.0
    good = sum(1 for c in others if c in _VI_LETTERS or c in _OK_PUNCT)
    return good / len(others)


def _strict(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return body.decode(codecs.lookup(encoding).name)
    except (LookupError, UnicodeDecodeError):
        return None


def _guess(body: bytes) -> str | None:
    """charset_normalizer's best guess (it knows cp1258 and scores language coherence)."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # it comes with requests/scrapy's deps, but stay usable without it
        return None
    best = from_bytes(body[:200_000]).best()
    return best.encoding if best is not None else None


class Decoded(NamedTuple):
    """A decoded page: its text, the codec used, and the first declared one (None: undeclared)."""

    text: str
    encoding: str
    declared: str | None

    @property
    def mismatch(self) -> bool:
        """The page declared an encoding it is not in (worth reporting to the source)."""
        return self.declared is not None and codecs.lookup(self.declared).name != codecs.lookup(self.encoding).name


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML *body* served with header *content_type*: ``(text, encoding, declared)``.

    Every candidate (BOM, header, meta, then UTF-8 and windows-1258) is decoded strictly and
    scored; the best score wins, ties going to the declared encoding, so a truthful declaration
    is always kept and a lying one loses to the codec that yields clean Vietnamese (a Latin-1
    reading of windows-1258 bytes shows Ð/ð/Þ where đ and the tilde belong).  charset_normalizer
    is asked only when no candidate is clean.  Never raises: the last resort decodes with
    replacement characters.
    """
    bom, _ = read_bom(body)
    declared = [
        resolve_encoding(e)
        for e in (bom, http_content_type_encoding(content_type or ""), html_body_declared_encoding(body))
        if e and resolve_encoding(e)
    ]
    candidates = list(dict.fromkeys([*declared, "utf-8", "cp1258"]))
    scored: list[tuple[float, int, str, str]] = []  # score, preference (declared first), encoding, text
    for pref, enc in enumerate(candidates):
        text = _strict(body, enc)
        if text is not None:
            scored.append((_score(text), -pref, enc, text))
    if not scored or max(scored)[0] < 0.98:
        guess = _guess(body)
        if guess and guess not in candidates and (text := _strict(body, guess)) is not None:
            scored.append((_score(text), -len(candidates), guess, text))
    if scored:
        score, _, enc, text = max(scored)
        if declared and enc != declared[0]:
            logger.info("declared charset %s does not decode cleanly; using %s (score %.2f)", declared[0], enc, score)
        return Decoded(text.removeprefix("\ufeff"), enc, declared[0] if declared else None)
    enc = declared[0] if declared else "utf-8"
    return Decoded(body.decode(codecs.lookup(enc).name, errors="replace"), enc, enc)
