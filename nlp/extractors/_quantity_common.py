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
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from nlp.document import ArticleDoc, Sentence
from nlp.lexicon import DATA_DIR, Phrase, build_lexicon, phrase_words, read_rows

log = logging.getLogger(__name__)

__all__ = [
    "DATA_DIR", "Tok", "Match", "SentView", "load_lexicon", "lexicon_matcher", "qualifier_before",
    "sentence_tokens", "sentence_views",
]


class Tok(NamedTuple):
    """One non-space token of a sentence: its text, lowercase form and char offsets.

    A named tuple, not a dataclass: an article makes thousands and a frozen dataclass's
    ``__init__`` costs several times a tuple's.
    """

    text: str
    low: str
    start: int
    end: int
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
    """The tokens of one sentence and the lexicon matches in it.

    One-syllable matches must be whole underthesea words (``_word_aligned``), and checking that
    may segment the sentence; so a one-syllable match is checked only when a question about the
    view would return it. A sentence whose one-syllable matches no rule reads is never segmented.
    Dropping the matches that fail the check when they are first read gives what dropping them
    all up front would: the matches of one lexicon never overlap, so a table entry (a start, an
    end, a covered position) belongs to one match, and losing that match loses only the entry.
    """

    sentence: Sentence
    toks: list[Tok]
    matches: dict[str, list[Match]] = field(default_factory=dict)
    _starts: dict[str, dict[int, Match]] = field(default_factory=dict)
    _ends: dict[str, dict[int, Match]] = field(default_factory=dict)
    _cover: dict[str, dict[int, Match]] = field(default_factory=dict)
    # One-syllable matches not yet checked: (lexicon, match, its Doc token index).
    unchecked: list[tuple[str, Match, int]] = field(default_factory=list)
    doc: Doc | None = None
    _indexed: bool = False
    # ``id(match)`` → its Doc token index, for the one-syllable matches not checked yet.
    _pending: dict[int, int] = field(default_factory=dict)
    _dropped: set[int] = field(default_factory=set)

    def _ready(self) -> None:
        if not self._indexed:
            self.index()

    def index(self) -> None:
        """Build the lookup tables; the one-syllable matches are checked later, when first read."""
        self._indexed = True
        if self.doc is not None:
            self._pending = {id(m): i for _name, m, i in self.unchecked}
        self.unchecked = []
        for name, ms in self.matches.items():
            self._starts[name] = {m.start: m for m in ms}
            self._ends[name] = {m.end: m for m in ms}
            cover: dict[int, Match] = {}
            for m in ms:
                for k in range(m.start, m.end):
                    cover[k] = m
            self._cover[name] = cover

    def _kept(self, m: Match | None) -> Match | None:
        """``m`` unless it is a one-syllable match that is not a whole word (checked once)."""
        if m is None:
            return None
        key = id(m)
        i = self._pending.pop(key, None)
        if i is not None and self.doc is not None and not _word_aligned(self.doc, i, i + 1):
            self._dropped.add(key)
        return None if key in self._dropped else m

    def starting(self, lexicon: str, k: int) -> Match | None:
        """The match of ``lexicon`` starting at token ``k``."""
        self._ready()
        return self._kept(self._starts.get(lexicon, {}).get(k))

    def ending(self, lexicon: str, k: int) -> Match | None:
        """The match of ``lexicon`` ending just before token ``k`` (its ``end == k``)."""
        self._ready()
        return self._kept(self._ends.get(lexicon, {}).get(k))

    def covering(self, lexicon: str, k: int) -> Match | None:
        """The match of ``lexicon`` that covers token ``k``."""
        self._ready()
        return self._kept(self._cover.get(lexicon, {}).get(k))

    def in_range(self, lexicon: str, start: int, end: int) -> list[Match]:
        """The matches of ``lexicon`` lying inside ``[start, end)``, in text order."""
        self._ready()
        return [m for m in self.matches.get(lexicon, []) if m.start >= start and m.end <= end and self._kept(m)]

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
    """A one-syllable phrase must be a whole underthesea word: ``nhận`` is not in ``xác nhận``.

    underthesea sometimes glues a lowercase word onto an abbreviation or a number before it
    (``TP.HCM nhận``, one word in a headline): a word that starts with such a token and goes on in
    lowercase is two words, so the lowercase syllable still starts one."""
    if end - start != 1:
        return True
    if not doc[start]._.wstart and not _after_glued_abbreviation(doc, start):
        return False
    if end < len(doc):
        nxt = doc[end]
        if nxt.is_alpha and not nxt._.wstart:
            return False
    return True


def _after_glued_abbreviation(doc: Doc, i: int) -> bool:
    """Is the lowercase token ``i`` glued by the segmenter onto an upper-case abbreviation or a
    number right before it (``TP.HCM nhận``, ``UBND giao``)?"""
    tok = doc[i]
    if i == 0 or not tok.text.islower():
        return False
    prev = doc[i - 1]
    if prev.is_space or prev.whitespace_ != " ":
        return False
    text = prev.text
    return (text.isupper() and len(text) >= 2) or text[:1].isdigit()


def _doc_matches(adoc: ArticleDoc, lexicon: str) -> list[tuple[int, int, str]]:
    """Longest non-overlapping matches of a lexicon over the whole document (doc token indices).

    One-syllable matches are kept whether or not they are whole words; ``SentView`` drops the
    ones that are not when the view is first read. Dropping them after choosing the longest
    matches gives what dropping them before would: a one-syllable match can only shut out
    another one-syllable match at the same token, which is a whole word exactly when it is.
    """
    doc = adoc.doc
    matcher = lexicon_matcher(lexicon)
    vocab = doc.vocab
    found = [(s, e, vocab.strings[mid]) for mid, s, e in matcher(doc)]
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


# A list line: ``- Phường A: …``, ``+ Trực tuyến: …``, ``1. …`` (a breakdown item; a new paragraph's topic).
LIST_LINE = re.compile(r"\s*(?:[-+•*–—]|\d{1,2}[.)]|[a-zđ]\))\s")


@functools.lru_cache(maxsize=1 << 16)
def _make_tok_shape(text: str) -> tuple[str, bool, bool]:
    """(lowercase, is punctuation, is a word) of a token text; memoised (syllables repeat)."""
    return text.lower(), not any(ch.isalnum() for ch in text), any(ch.isalpha() for ch in text)


def sentence_tokens(adoc: ArticleDoc) -> tuple[list[list[Tok]], dict[int, tuple[int, int]]]:
    """The non-space tokens of every sentence, and where each Doc token sits (sentence, position).

    Built once per article and shared by both quantity extractors (``ArticleDoc.shared``).
    """
    got = adoc.shared.get("quantity_tokens")
    if got is not None:
        return got
    texts, starts = adoc.analysis.tokens, adoc.analysis.starts
    per_sentence: list[list[Tok]] = []
    where: dict[int, tuple[int, int]] = {}  # doc token index -> (sentence position, token position)
    for sent in adoc.sentences:
        toks: list[Tok] = []
        v = len(per_sentence)
        for i in range(sent.span.start, sent.span.end):
            text = texts[i]
            if text.isspace():
                continue
            where[i] = (v, len(toks))
            low, is_punct, is_word = _make_tok_shape(text)
            start = starts[i]
            toks.append(Tok(text, low, start, start + len(text), is_punct, is_word))
        per_sentence.append(toks)
    got = adoc.shared["quantity_tokens"] = (per_sentence, where)
    return got


def sentence_views(adoc: ArticleDoc, lexicons: tuple[str, ...]) -> list[SentView]:
    """One view per sentence with the matches of every named lexicon in sentence positions."""
    all_matches = {name: _doc_matches(adoc, name) for name in lexicons}
    per_sentence, where = sentence_tokens(adoc)
    views = [
        SentView(sentence=sent, toks=toks, matches={name: [] for name in lexicons}, doc=adoc.doc)
        for sent, toks in zip(adoc.sentences, per_sentence, strict=True)
    ]
    for name, ms in all_matches.items():
        for s, e, label in ms:
            a, b = where.get(s), where.get(e - 1)
            if a is None or b is None or a[0] != b[0]:
                continue
            match = Match(a[1], b[1] + 1, label, name)
            view = views[a[0]]
            view.matches[name].append(match)
            if e - s == 1:
                view.unchecked.append((name, match, s))
    return views


# Adjectives whose ``hơn`` makes a comparative (``cao hơn 2%``): the figure is a difference, not a bound.
COMPARATIVES = frozenset({"cao", "thấp", "lớn", "nhỏ", "nhiều", "ít"})


@functools.cache
def qualifier_phrases() -> tuple[tuple[tuple[tuple[str, ...], str], ...], tuple[tuple[tuple[str, ...], str], ...]]:
    """The qualifier words of ``percent_qualifiers.tsv`` (spec §4; dossier counts use the same
    words, spec v2 §3): ``(before, after)`` phrase lists, longest first."""
    before: list[tuple[tuple[str, ...], str]] = []
    after: list[tuple[tuple[str, ...], str]] = []
    for toks, qual, extra in load_lexicon("percent_qualifiers"):
        (after if extra and extra[0] == "after" else before).append((toks, qual))
    before.sort(key=lambda r: -len(r[0]))
    after.sort(key=lambda r: -len(r[0]))
    return tuple(before), tuple(after)


@functools.cache
def _qualifiers_ending_with() -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """The ``before`` qualifier phrases by their last word, each list longest first as in
    ``qualifier_phrases`` (the word right before the number picks the few worth comparing)."""
    by_last: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, qual in qualifier_phrases()[0]:
        by_last.setdefault(phrase[-1], []).append((phrase, qual))
    return {word: tuple(phrases) for word, phrases in by_last.items()}


def qualifier_before(lows: list[str], q: int) -> tuple[str, int] | None:
    """The qualifier phrase ending right before position ``q`` (NOTES P16: the word right before
    the number qualifies it) as ``(qualifier, its first position)``; ``None`` when there is none.
    ``cao hơn 2%`` is a comparative, not a bound (NOTES P3): no qualifier."""
    if not 0 < q <= len(lows):
        return None
    for phrase, qual in _qualifiers_ending_with().get(lows[q - 1], ()):
        if len(phrase) <= q and tuple(lows[q - len(phrase) : q]) == phrase:
            if phrase == ("hơn",) and q >= 2 and lows[q - 2] in COMPARATIVES:
                return None
            return qual, q - len(phrase)
    return None


def qualifier_start(lows: list[str], q: int) -> int:
    """Where the qualifier phrase before position ``q`` starts (``q`` when there is none)."""
    got = qualifier_before(lows, q)
    return got[1] if got else q
