"""Shared plumbing of the two quantity extractors (``dossiers`` and ``percentages``).

Both read a number and the words around it inside one sentence. This module gives them:
- lexicons loaded from ``nlp/data/*.tsv`` (``phrase<TAB>label``), normalised like article text;
- a spaCy ``PhraseMatcher`` per lexicon (on ``LOWER``), built once per process by ``nlp.lexicon``
  (which every extractor shares, so that all read and match their data files alike), whose matches
  are reduced to the longest non-overlapping ones, so that ``Bộ phận tiếp nhận và trả kết quả``
  (an office, label ``none``) hides the ``tiếp nhận`` inside it;
- a light sentence view: the non-space tokens of a sentence with their char offsets, the
  label of the lexicon phrase starting at each position, and helpers to walk clauses.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from nlp.document import ArticleDoc, Sentence
from nlp.lexicon import DATA_DIR, Phrase, build_lexicon, phrase_words, read_rows

log = logging.getLogger(__name__)

__all__ = ["DATA_DIR", "Tok", "Match", "SentView", "load_lexicon", "lexicon_matcher", "sentence_views"]


@dataclass(frozen=True)
class Tok:
    """One non-space token of a sentence: its text, lowercase form and char offsets."""

    text: str
    low: str
    start: int
    end: int
    wstart: bool
    is_punct: bool
    is_word: bool


@dataclass(frozen=True)
class Match:
    """A lexicon phrase found in a sentence, in sentence-token positions ``[start, end)``."""

    start: int
    end: int
    label: str
    lexicon: str


@dataclass
class SentView:
    """The tokens of one sentence and the lexicon matches in it."""

    sentence: Sentence
    toks: list[Tok]
    matches: dict[str, list[Match]] = field(default_factory=dict)
    _starts: dict[str, dict[int, Match]] = field(default_factory=dict)
    _ends: dict[str, dict[int, Match]] = field(default_factory=dict)
    _cover: dict[str, dict[int, Match]] = field(default_factory=dict)

    def index(self) -> None:
        """Build the lookup tables once the matches are in."""
        for name, ms in self.matches.items():
            self._starts[name] = {m.start: m for m in ms}
            self._ends[name] = {m.end: m for m in ms}
            cover: dict[int, Match] = {}
            for m in ms:
                for k in range(m.start, m.end):
                    cover[k] = m
            self._cover[name] = cover

    def starting(self, lexicon: str, k: int) -> Match | None:
        """The match of ``lexicon`` starting at token ``k``."""
        return self._starts.get(lexicon, {}).get(k)

    def ending(self, lexicon: str, k: int) -> Match | None:
        """The match of ``lexicon`` ending just before token ``k`` (its ``end == k``)."""
        return self._ends.get(lexicon, {}).get(k)

    def covering(self, lexicon: str, k: int) -> Match | None:
        """The match of ``lexicon`` that covers token ``k``."""
        return self._cover.get(lexicon, {}).get(k)

    def in_range(self, lexicon: str, start: int, end: int) -> list[Match]:
        """The matches of ``lexicon`` lying inside ``[start, end)``, in text order."""
        return [m for m in self.matches.get(lexicon, []) if m.start >= start and m.end <= end]

    def low(self, k: int) -> str:
        return self.toks[k].low if 0 <= k < len(self.toks) else ""

    def text_of(self, adoc_text: str, start: int, end: int) -> str:
        """The article text spanning sentence tokens ``[start, end)``."""
        if start >= end or start < 0 or end > len(self.toks):
            return ""
        return adoc_text[self.toks[start].start : self.toks[end - 1].end]


@functools.cache
def load_lexicon(name: str) -> tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]:
    """Rows of ``nlp/data/<name>.tsv``: (phrase tokens, label, extra columns). ``#`` starts a comment."""
    rows: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = []
    for cols in read_rows(f"{name}.tsv"):
        if len(cols) < 2 or not cols[0]:
            log.debug("bad lexicon row in %s: %r", name, "\t".join(cols))
            continue
        toks = tuple(w.lower() for w in phrase_words(cols[0]))
        if toks:
            rows.append((toks, cols[1], tuple(cols[2:])))
    return tuple(rows)


@functools.cache
def lexicon_matcher(name: str) -> PhraseMatcher:
    """A PhraseMatcher over ``LOWER`` with one match label per lexicon label."""
    return build_lexicon(tuple(Phrase(toks, label) for toks, label, _extra in load_lexicon(name))).lower


def _word_aligned(doc: Doc, start: int, end: int) -> bool:
    """A one-syllable phrase must be a whole underthesea word: ``nhận`` is not in ``xác nhận``."""
    if end - start != 1:
        return True
    if not doc[start]._.wstart:
        return False
    if end < len(doc):
        nxt = doc[end]
        if nxt.is_alpha and not nxt._.wstart:
            return False
    return True


def _doc_matches(adoc: ArticleDoc, lexicon: str) -> list[tuple[int, int, str]]:
    """Longest non-overlapping matches of a lexicon over the whole document (doc token indices)."""
    doc = adoc.doc
    matcher = lexicon_matcher(lexicon)
    vocab = doc.vocab
    found = [(s, e, vocab.strings[mid]) for mid, s, e in matcher(doc) if _word_aligned(doc, s, e)]
    # Longest first, then leftmost; keep those not overlapping an already kept one.
    found.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
    taken: set[int] = set()
    kept: list[tuple[int, int, str]] = []
    for s, e, label in found:
        if any(i in taken for i in range(s, e)):
            continue
        kept.append((s, e, label))
        taken.update(range(s, e))
    kept.sort()
    return kept


def sentence_views(adoc: ArticleDoc, lexicons: tuple[str, ...]) -> list[SentView]:
    """One view per sentence with the matches of every named lexicon in sentence positions."""
    all_matches = {name: _doc_matches(adoc, name) for name in lexicons}
    views: list[SentView] = []
    where: dict[int, tuple[int, int]] = {}  # doc token index -> (view, position)
    for sent in adoc.sentences:
        toks: list[Tok] = []
        for t in sent.span:
            if t.is_space:
                continue
            where[t.i] = (len(views), len(toks))
            text = t.text
            toks.append(
                Tok(
                    text=text,
                    low=text.lower(),
                    start=t.idx,
                    end=t.idx + len(text),
                    wstart=bool(t._.wstart),
                    is_punct=not any(ch.isalnum() for ch in text),
                    is_word=any(ch.isalpha() for ch in text),
                )
            )
        views.append(SentView(sentence=sent, toks=toks, matches={name: [] for name in lexicons}))
    for name, ms in all_matches.items():
        for s, e, label in ms:
            a, b = where.get(s), where.get(e - 1)
            if a is None or b is None or a[0] != b[0]:
                continue
            views[a[0]].matches[name].append(Match(a[1], b[1] + 1, label, name))
    for view in views:
        view.index()
    return views
