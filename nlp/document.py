"""Turn a normalised article text into an analysed document the extractors share.

underthesea does the Vietnamese work (sentence splitting, word segmentation, POS tags); spaCy
carries the result as a ``Doc`` so that the rules can use ``Matcher``/``PhraseMatcher`` and
displacy. The spaCy tokens are syllables and punctuation marks cut by one regular expression,
not underthesea's words: gazetteer names and titles then match syllable by syllable whatever the
segmenter did with them (it mis-segments names), and each token keeps the POS tag of the
underthesea word it lies in. ``doc.text`` is exactly the article text, so ``token.idx`` is an
offset into the stored text.

Word segmentation and POS tagging are the costly steps, and most sentences of an article never
need them: the rules ask where a word starts or what a word's tag is only around a title, a unit
name or a lexicon phrase. So they run lazily, one sentence at a time, the first time a rule asks
about a token of that sentence (``token._.wstart``, ``ArticleDoc.wstart``/``ArticleDoc.tag``),
and segmentation alone is done when only word boundaries are asked for. Most of those questions
need not segment at all: where the segmenter's answer is certain from the few syllables around
the token, it is read from them (``nlp.wordseg.Boundaries``), and the sentence is segmented only
for an answer that is not. Each sentence is analysed on its own text exactly as an eager pass
would, so what a rule reads does not depend on which sentences were analysed before: the facts
are the same as with every sentence tagged (``analyze(..., eager=True)``;
``tests/test_lazy_analysis.py`` checks it on every text we have, ``tests/test_wordseg.py`` every
answer read without segmenting).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import spacy
from spacy.tokens import Doc, Span, Token

from nlp.normalize import fold
from nlp.postag import tag_words
from nlp.wordseg import Boundaries, syllables, words_of

log = logging.getLogger(__name__)

__all__ = ["ArticleDoc", "Sentence", "Word", "analyze", "get_nlp", "TOKEN_RE"]

# A number with thousands dots / decimal commas and an optional ratio part is one token
# ("13.188", "99,2", "4.572/4.572"); then words (letters and digits); then any other mark.
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*(?:/\d+(?:[.,]\d+)*)?(?![\w])|\w+|[^\w\s]")
# The same, captured: ``split`` then returns the white space between tokens and the tokens.
_TOKEN_SPLIT = re.compile(f"({TOKEN_RE.pattern})")

# Sentences longer than this many characters are cut before POS tagging: underthesea's CRF is
# linear, but a megabyte "sentence" of garbage would still take seconds and all our memory.
MAX_SENTENCE_CHARS = 2000

# Where the lazy analysis of a Doc lives (``Doc.user_data``), for the token extension to find.
_ANALYSIS_KEY = "vn_local_press.analysis"


def _token_wstart(token: Token) -> bool:
    """``token._.wstart``: does an underthesea word start at this token (analysed on demand)?"""
    analysis = token.doc.user_data.get(_ANALYSIS_KEY)
    return analysis.wstart(token.i) if analysis is not None else False


Token.set_extension("wstart", getter=_token_wstart, force=True)


@dataclass(frozen=True)
class Word:
    """One underthesea word (one or more syllables) with its POS tag and char offsets."""

    text: str
    start: int
    end: int
    tag: str
    sentence: int


@dataclass
class Sentence:
    """One sentence: its index in the article, char offsets, its spaCy span and the span's text."""

    index: int
    start: int
    end: int
    span: Span
    # ``span.text``, cut from the article text (``span.text`` builds a spaCy Token per token).
    text: str = ""


@dataclass
class ArticleDoc:
    """The analysed article: text, metadata, the spaCy Doc and its sentences.

    Word boundaries and POS tags are read per token through ``wstart(i)`` and ``tag(i)`` (or
    ``token._.wstart``); ``words`` analyses every sentence and lists underthesea's words.
    """

    text: str
    doc: Doc
    sentences: list[Sentence]
    meta: dict[str, Any] = field(default_factory=dict)
    analysis: _Analysis = field(repr=False, kw_only=True)
    # What the extractors derive from the document and share (token views, match tables): each is
    # built once per article by the first extractor that needs it.
    shared: dict[str, Any] = field(default_factory=dict, repr=False, kw_only=True)

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence holding char ``offset`` (the last one starting at or before it)."""
        lo, hi = 0, len(self.sentences) - 1
        best = 0
        while lo <= hi:
            mid = (lo + hi) // 2
            if self.sentences[mid].start <= offset:
                best = mid
                lo = mid + 1
            else:
                hi = mid - 1
        return self.sentences[best]

    def wstart(self, i: int) -> bool:
        """Does an underthesea word start at Doc token ``i``?"""
        return self.analysis.wstart(i)

    def tag(self, i: int) -> str:
        """The POS tag of the underthesea word holding Doc token ``i``."""
        return self.analysis.tag(i)

    @property
    def words(self) -> list[Word]:
        """Every underthesea word of the article with its tag (tags every sentence)."""
        return self.analysis.words()

    def words_in(self, start: int, end: int) -> list[Word]:
        """The underthesea words that lie inside ``[start, end)``."""
        return [w for w in self.words if w.start >= start and w.end <= end]

    @property
    def analysed_sentences(self) -> tuple[int, int]:
        """How many sentence ranges had word starts read and were tagged so far (for benchmarks
        and tests). A word start is read by segmenting the sentence, or without it where the
        answer is certain (``segmenter_runs`` counts only the former)."""
        return len(self.analysis.segmented | self.analysis.bounded), len(self.analysis.tagged)

    @property
    def segmenter_runs(self) -> int:
        """How many sentence ranges underthesea's segmenter ran on so far."""
        return len(self.analysis.segmented)


@functools.lru_cache(maxsize=1)
def get_nlp() -> spacy.language.Language:
    """A blank Vietnamese spaCy pipeline: we only need its vocab, lexical attributes and Doc."""
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    """Char ranges of the non-empty lines: headlines, captions and list items end sentences."""
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            yield start + lead, start + lead + len(stripped)


# Abbreviations of titles that stand before a name or an organisation, never at a sentence's end.
_TITLE_ABBREVIATION_END = re.compile(r"(?<!\w)(?:PCT|PBT|CT|GĐ|PGĐ|TGĐ|PTGĐ|BS|GS|PGS|TS|PGS\.TS|Đ/c|đ/c)\.$")


def _split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence char ranges: underthesea's ``sent_tokenize`` per line, re-anchored in the text."""
    from underthesea import sent_tokenize

    ranges: list[tuple[int, int]] = []
    for lstart, lend in _line_spans(text):
        line = text[lstart:lend]
        line_first = len(ranges)
        try:
            pieces = sent_tokenize(line) if len(line) > 1 else [line]
        except Exception:  # underthesea on hostile input: keep the line whole
            log.debug("sent_tokenize failed on a line of %d chars", len(line), exc_info=True)
            pieces = [line]
        cursor = 0
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            found = line.find(piece, cursor)
            if found < 0:
                # underthesea changed the characters: fall back on the length from the cursor.
                found = cursor
            end = min(found + len(piece), len(line))
            if end > cursor:
                ranges.append((lstart + found, lstart + end))
                cursor = end
        if cursor < len(line) and line[cursor:].strip():
            rest = line[cursor:]
            lead = len(rest) - len(rest.lstrip())
            ranges.append((lstart + cursor + lead, lend))
        # ``PCT. Hội đồng nhân dân …``: underthesea ends a sentence at a title's abbreviation dot.
        k = line_first
        while k < len(ranges) - 1:
            if _TITLE_ABBREVIATION_END.search(text, ranges[k][0], ranges[k][1]):
                ranges[k : k + 2] = [(ranges[k][0], ranges[k + 1][1])]
            else:
                k += 1
    # Cap each sentence's length so that no single range is unbounded.
    capped: list[tuple[int, int]] = []
    for start, end in ranges:
        while end - start > MAX_SENTENCE_CHARS:
            cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
            cut = cut if cut > start else start + MAX_SENTENCE_CHARS
            capped.append((start, cut))
            start = cut + 1 if text[cut : cut + 1] == " " else cut
        if end > start:
            capped.append((start, end))
    return capped


def _anchor(sentence: str, pieces: list[str]) -> list[tuple[int, int, int]]:
    """Anchor underthesea's words in their sentence: (index in ``pieces``, start, end).

    A word whose syllables cannot be found in order (underthesea changed the characters beyond
    recognition) is left out; its tokens then get the fallback tag.
    """
    out: list[tuple[int, int, int]] = []
    cursor = 0
    for k, word_text in enumerate(pieces):
        syllables = word_text.split()
        if not syllables:
            continue
        first = _find_piece(sentence, syllables[0], cursor)
        if first < 0:
            continue
        pos = first + len(syllables[0])
        ok = True
        for syl in syllables[1:]:
            nxt = _find_piece(sentence, syl, pos)
            if nxt < 0 or nxt - pos > 3:
                ok = False
                break
            pos = nxt + len(syl)
        if not ok:
            continue
        out.append((k, first, pos))
        cursor = pos
    return out


def _find_piece(sentence: str, piece: str, cursor: int) -> int:
    """Where ``piece`` starts at or after ``cursor`` (skipping only whitespace), else -1.

    underthesea may return letters in another tone-mark placement than the input, so a
    case- and mark-insensitive comparison of the same length is the fallback.
    """
    i = cursor
    while i < len(sentence) and sentence[i].isspace():
        i += 1
    if sentence.startswith(piece, i):
        return i
    candidate = sentence[i : i + len(piece)]
    if len(candidate) == len(piece) and fold(candidate) == fold(piece):
        return i
    found = sentence.find(piece, cursor, cursor + len(piece) + 40)
    return found


def _tokens(text: str) -> tuple[list[str], list[bool], list[int]]:
    """Cut the whole text into spaCy words and spaces so that ``Doc.text == text``.

    Every character ``TOKEN_RE`` does not take is white space, so the text is tokens with runs
    of white space between them: one space after a token is its trailing space, any other white
    space a token of its own. (``re.split`` hands over the runs and tokens without a match object
    each: this runs once per article over every character.)
    """
    words: list[str] = []
    spaces: list[bool] = []
    starts: list[int] = []
    parts = _TOKEN_SPLIT.split(text)  # gap, token, gap, token, …, gap
    add_word, add_space, add_start = words.append, spaces.append, starts.append
    pos = 0
    for gap, token in zip(parts[0::2], [*parts[1::2], None], strict=True):
        if gap:
            if gap[0] == " " and words:
                spaces[-1] = True
                pos += 1
                gap = gap[1:]
            if gap:
                add_word(gap)
                add_space(False)
                add_start(pos)
                pos += len(gap)
        if token is not None:
            add_word(token)
            add_space(False)
            add_start(pos)
            pos += len(token)
    return words, spaces, starts


def _fallback_tag(token_text: str) -> str:
    """The tag of a token no underthesea word covers: space, punctuation, or unknown."""
    if token_text.isspace():
        return "_SP"
    return "CH" if not token_text[0].isalnum() else "X"


class _Analysis:
    """underthesea's words and tags for one Doc, computed one sentence at a time on first use.

    Token ``i`` belongs to the sentence range holding its first character, if any. A sentence is
    segmented (``word_tokenize``) when a word boundary in it is first asked for, and tagged
    (the POS CRF over those same words) when a tag is first asked for: together that is exactly
    ``underthesea.pos_tag`` of the sentence. Tokens outside every sentence, and tokens no word
    covers, get the fallback: a space is no word start, anything else starts a word.
    """

    def __init__(
        self,
        text: str,
        ranges: list[tuple[int, int]],
        tokens: list[str],
        starts: list[int],
        spaces: list[bool],
        *,
        enabled: bool = True,
    ) -> None:
        self.enabled = enabled  # False: never run underthesea (every token gets the fallback)
        self.text = text
        self.ranges = ranges
        # The Doc's tokens as plain lists (text, char offset, followed by one space): the rules'
        # hot loops read these instead of creating a spaCy ``Token`` per access.
        self.tokens = tokens
        self.starts = starts
        self.spaces = spaces
        n = len(tokens)
        self._wstart: list[bool | None] = [None] * n
        self._tag: list[str | None] = [None] * n
        self._sentence_of = [-1] * n
        self._token_span: list[tuple[int, int]] = [(0, 0)] * len(ranges)
        self._pieces: dict[int, list[str]] = {}
        self._anchored: dict[int, list[tuple[int, int, int]]] = {}
        self._tags: dict[int, list[str]] = {}
        # underthesea's syllables of a sentence, and the word starts known from them without
        # segmenting it (``nlp.wordseg.Boundaries``; None where it cannot tell).
        self._syllables: dict[int, list[str]] = {}
        self._boundaries: dict[int, Boundaries | None] = {}
        self.segmented: set[int] = set()
        self.tagged: set[int] = set()
        self.bounded: set[int] = set()  # sentences with a word start answered without segmenting
        r = 0
        first = [n] * len(ranges)
        last = [0] * len(ranges)
        for i, start in enumerate(starts):
            while r < len(ranges) and ranges[r][1] <= start:
                r += 1
            if r == len(ranges):
                break
            if ranges[r][0] <= start:
                self._sentence_of[i] = r
                first[r] = min(first[r], i)
                last[r] = i + 1
        for r in range(len(ranges)):
            self._token_span[r] = (first[r], max(first[r], last[r]))

    def wstart(self, i: int) -> bool:
        got = self._wstart[i]
        if got is None:
            r = self._sentence_of[i]
            if r >= 0 and r not in self.segmented and self.enabled and not self.tokens[i].isspace():
                # Most questions have an answer the CRF cannot change: no need to segment for it.
                certain = self._certain_wstart(r, i)
                if certain is not None:
                    self._wstart[i] = certain
                    self.bounded.add(r)
                    return certain
            got = self._fill(i, self._wstart, self.segmented, self._segment, not self.tokens[i].isspace())
        return got

    def _sentence_syllables(self, r: int) -> list[str]:
        """underthesea's syllables of sentence ``r`` (cut once, for the oracle and the segmenter)."""
        got = self._syllables.get(r)
        if got is None:
            start, end = self.ranges[r]
            got = self._syllables[r] = syllables(self.text[start:end])
        return got

    def _certain_wstart(self, r: int, i: int) -> bool | None:
        """Does a word start at token ``i`` of sentence ``r``, when that is certain without
        segmenting the sentence (``nlp.wordseg.Boundaries``)? None when it is not."""
        start, end = self.ranges[r]
        try:
            if r not in self._boundaries:
                self._boundaries[r] = Boundaries(self.text[start:end], self._sentence_syllables(r))
            bounds = self._boundaries[r]
            return bounds.at(self.starts[i] - start) if bounds is not None else None
        except Exception:  # underthesea on hostile input: let the segmentation path handle it
            log.debug("word-boundary oracle failed on sentence %d", r, exc_info=True)
            self._boundaries[r] = None
            return None

    def tag(self, i: int) -> str:
        got = self._tag[i]
        if got is None:
            got = self._fill(i, self._tag, self.tagged, self._tag_sentence, _fallback_tag(self.tokens[i]))
        return got

    def _fill(self, i: int, values: list[Any], done: set[int], run: Any, fallback: Any) -> Any:
        """Analyse token ``i``'s sentence with ``run`` unless ``done``; the fallback otherwise."""
        r = self._sentence_of[i]
        if r >= 0 and r not in done:
            run(r)
        if values[i] is None:  # outside every sentence, or no word covers it
            values[i] = fallback
        return values[i]

    def _covering_words(self, r: int) -> Iterator[tuple[int, int, tuple[int, int, int] | None]]:
        """Each token of sentence ``r``: (token index, start in the sentence, anchored word holding it)."""
        start = self.ranges[r][0]
        words = iter(self._anchored[r])
        current = next(words, None)
        a, b = self._token_span[r]
        for i in range(a, b):
            tok_start = self.starts[i] - start
            while current is not None and current[2] <= tok_start:
                current = next(words, None)
            holding = current if current is not None and current[1] <= tok_start < current[2] else None
            yield i, tok_start, holding

    def _segment(self, r: int) -> None:
        """Segment sentence ``r`` and set the word starts of its tokens."""
        self.segmented.add(r)
        start, end = self.ranges[r]
        sentence = self.text[start:end]
        try:
            pieces = words_of(self._sentence_syllables(r)) if self.enabled else []
        except Exception:  # underthesea on hostile input: the sentence keeps the fallback
            log.debug("word_tokenize failed on sentence %d", r, exc_info=True)
            pieces = []
        self._pieces[r] = pieces
        self._anchored[r] = _anchor(sentence, pieces)
        for i, tok_start, word in self._covering_words(r):
            self._wstart[i] = tok_start == word[1] if word else not self.tokens[i].isspace()

    def _tag_sentence(self, r: int) -> None:
        """POS-tag the words of sentence ``r`` (segmenting it first if needed)."""
        if r not in self.segmented:
            self._segment(r)
        self.tagged.add(r)
        pieces = self._pieces[r]
        try:
            tags = tag_words(pieces)
        except Exception:
            log.debug("pos tagging failed on sentence %d", r, exc_info=True)
            tags = [_fallback_tag(p) for p in pieces]
        self._tags[r] = tags
        for i, _tok_start, word in self._covering_words(r):
            self._tag[i] = tags[word[0]] if word else _fallback_tag(self.tokens[i])

    def analyse_all(self) -> None:
        """Segment and tag every sentence (what an eager pass does)."""
        for r in range(len(self.ranges)):
            if r not in self.tagged:
                self._tag_sentence(r)

    def words(self) -> list[Word]:
        """Every anchored word with its tag, in text order."""
        self.analyse_all()
        out: list[Word] = []
        for r, (start, _end) in enumerate(self.ranges):
            tags = self._tags[r]
            for k, s, e in self._anchored[r]:
                out.append(Word(self.text[start + s : start + e], start + s, start + e, tags[k], r))
        return out


def analyze(
    text: str, meta: dict[str, Any] | None = None, *, tag: bool = True, eager: bool = False
) -> ArticleDoc:
    """Analyse a normalised article text: a spaCy Doc, its sentences, and lazy words and tags.

    ``tag=False`` never runs underthesea's segmenter or tagger (every non-space token starts a
    word; tags are the fallback), for callers that only need tokens and sentences. ``eager=True``
    segments and tags every sentence at once, as before the analysis became lazy: the reference
    the lazy analysis is tested against.
    """
    nlp = get_nlp()
    words, spaces, starts = _tokens(text)
    sent_ranges = _split_sentences(text)
    # Sentence starts are handed to the Doc constructor: setting ``token.is_sent_start`` one
    # token at a time rescans the Doc each time (quadratic).
    range_starts = {s for s, _ in sent_ranges}
    sent_starts = [i == 0 or start in range_starts for i, start in enumerate(starts)]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, sent_starts=sent_starts)
    # The Doc's text is its words and their spaces; check that on the lists (``doc.text`` would
    # build a spaCy Token for every token, a third of this function's time).
    assert "".join(w + " " if sp else w for w, sp in zip(words, spaces, strict=True)) == text, (
        "token cut must reproduce the text"
    )
    analysis = _Analysis(text, sent_ranges, words, starts, spaces, enabled=tag)
    doc.user_data[_ANALYSIS_KEY] = analysis
    if eager:
        analysis.analyse_all()

    sentences: list[Sentence] = []
    char_to_token = {start: i for i, start in enumerate(starts)}
    for index, (s, e) in enumerate(sent_ranges):
        first = char_to_token.get(s)
        span = doc.char_span(s, e, alignment_mode="expand")
        if first is None or span is None:
            continue
        sentences.append(Sentence(index, s, e, span, text[span.start_char : span.end_char]))
    return ArticleDoc(text=text, doc=doc, sentences=sentences, meta=dict(meta or {}), analysis=analysis)
