"""Phrase lexicons: the project's word lists in ``nlp/data``, matched with spaCy's ``PhraseMatcher``.

The extractors keep their vocabulary (positions, organisations, cue words …) in small data
files rather than in code, so that a reviewer can extend them without touching a rule. This
module is the one place that reads those files and turns them into matchers, so that every
extractor agrees on three things:

* the file format: tab-separated columns, ``#`` comments and blank lines skipped, cells stripped;
* how a phrase is cut into tokens: exactly as ``nlp.document`` cuts article text (one token per
  syllable or mark, after the same normalisation), otherwise a pattern could never line up
  with the Doc it is matched against;
* how a phrase matches: case-insensitively (``LOWER``), except entries flagged exact
  (abbreviations such as ``UBND``, ``TUV``: ``tuv`` is not a title), which must be written as
  listed and so go to a second matcher on ``ORTH``.

Matchers are built once per process (``build_lexicon`` is cached); a ``MatchTable`` is the
result of one matcher run over a Doc or Span, indexed by start and by end token.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from nlp.document import TOKEN_RE, get_nlp
from nlp.normalize import normalize_text

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"

__all__ = [
    "DATA_DIR",
    "Hit",
    "MatchTable",
    "Phrase",
    "PhraseLexicon",
    "build_lexicon",
    "phrase_words",
    "read_rows",
]


def read_rows(name: str | Path) -> list[list[str]]:
    """The tab-separated rows of ``nlp/data/<name>`` (or of a file given by path), cells stripped.

    ``#`` at the start of a line makes it a comment; blank lines are skipped. Rows are not
    checked here: each file has its own columns, and its reader knows which are required.
    """
    rows: list[list[str]] = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append([c.strip() for c in line.split("\t")])
    return rows


def phrase_words(phrase: str) -> tuple[str, ...]:
    """A lexicon phrase cut into tokens as written, the way article text is cut into Doc tokens."""
    return tuple(TOKEN_RE.findall(normalize_text(phrase)))


@dataclass(frozen=True)
class Phrase:
    """One pattern: its tokens as written, the key its matches report, and whether case counts."""

    words: tuple[str, ...]
    key: str
    exact: bool = False


@dataclass(frozen=True)
class Hit:
    """One match in Doc token indices ``[start, end)``."""

    start: int
    end: int
    key: str

    def __len__(self) -> int:
        return self.end - self.start


@dataclass
class MatchTable:
    """All matches of one lexicon over one Doc or Span, looked up by start or end token.

    Every match is kept, not only the longest, because callers look phrases up inside token
    lists that may stop before a long match ends; candidates come longest first, and among
    equally long ones in the order their keys were first listed (the data file's order).
    """

    hits: list[Hit]
    starts: dict[int, list[Hit]] = field(default_factory=dict)
    ends: dict[int, list[Hit]] = field(default_factory=dict)

    def starting(self, i: int) -> list[Hit]:
        """Matches that start at Doc token ``i``, longest first."""
        return self.starts.get(i, [])

    def ending(self, end: int) -> list[Hit]:
        """Matches that end just before Doc token ``end`` (``hit.end == end``), longest first."""
        return self.ends.get(end, [])

    def longest_at(self, i: int) -> Hit | None:
        """The longest match starting at Doc token ``i``."""
        found = self.starts.get(i)
        return found[0] if found else None

    def longest_ending(self, end: int) -> Hit | None:
        """The longest match ending just before Doc token ``end``."""
        found = self.ends.get(end)
        return found[0] if found else None


class PhraseLexicon:
    """The spaCy matchers of one lexicon: ``LOWER`` for ordinary phrases, ``ORTH`` for exact ones."""

    def __init__(self, phrases: Iterable[Phrase], vocab: Vocab | None = None) -> None:
        self.vocab = vocab if vocab is not None else get_nlp().vocab
        self.lower = PhraseMatcher(self.vocab, attr="LOWER")
        self.orth: PhraseMatcher | None = None
        self.order: dict[str, int] = {}  # key -> rank of its first phrase (file order breaks ties)
        by_key: dict[tuple[bool, str], list[Doc]] = {}
        for phrase in phrases:
            if not phrase.words:
                log.debug("empty lexicon phrase for key %r skipped", phrase.key)
                continue
            self.order.setdefault(phrase.key, len(self.order))
            # A LOWER pattern must be lowercase itself: its tokens are compared as they are.
            words = list(phrase.words) if phrase.exact else [w.lower() for w in phrase.words]
            by_key.setdefault((phrase.exact, phrase.key), []).append(Doc(self.vocab, words=words))
        for (exact, key), docs in by_key.items():
            if exact:
                if self.orth is None:
                    self.orth = PhraseMatcher(self.vocab, attr="ORTH")
                self.orth.add(key, docs)
            else:
                self.lower.add(key, docs)

    def __call__(self, doclike: Doc | Span) -> list[Hit]:
        """Every match (overlapping ones too) in Doc token indices, in no particular order."""
        strings = self.vocab.strings
        hits = [Hit(s, e, strings[mid]) for mid, s, e in self.lower(doclike)]
        if self.orth is not None:
            hits.extend(Hit(s, e, strings[mid]) for mid, s, e in self.orth(doclike))
        return hits

    def table(self, doclike: Doc | Span) -> MatchTable:
        """Run the matchers once over ``doclike`` and index the matches by start and end token."""
        order = self.order
        hits = sorted(self(doclike), key=lambda h: (h.start, -len(h), order.get(h.key, 0)))
        table = MatchTable(hits)
        for h in hits:
            table.starts.setdefault(h.start, []).append(h)
        for h in sorted(hits, key=lambda h: (h.end, -len(h), order.get(h.key, 0))):
            table.ends.setdefault(h.end, []).append(h)
        return table


@functools.cache
def build_lexicon(phrases: tuple[Phrase, ...]) -> PhraseLexicon:
    """The matchers for a tuple of phrases, built once per process and shared.

    Callers pass the same tuple (from their own cached loader) every time; building a
    ``PhraseMatcher`` costs far more than hashing its phrases.
    """
    lexicon = PhraseLexicon(phrases)
    log.debug("built phrase lexicon: %d phrases, %d keys", len(phrases), len(lexicon.order))
    return lexicon
