"""Turn a normalised article text into an analysed document the extractors share.

underthesea does the Vietnamese work (sentence splitting, word segmentation, POS tags); spaCy
carries the result as a ``Doc`` so that the rules can use ``Matcher``/``PhraseMatcher`` and
displacy. The spaCy tokens are syllables and punctuation marks cut by one regular expression,
not underthesea's words: gazetteer names and titles then match syllable by syllable whatever the
segmenter did with them (it mis-segments names), and each token keeps the POS tag of the
underthesea word it lies in. ``doc.text`` is exactly the article text, so ``token.idx`` is an
offset into the stored text.
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

log = logging.getLogger(__name__)

__all__ = ["ArticleDoc", "Sentence", "Word", "analyze", "get_nlp", "TOKEN_RE"]

# A number with thousands dots / decimal commas and an optional ratio part is one token
# ("13.188", "99,2", "4.572/4.572"); then words (letters and digits); then any other mark.
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*(?:/\d+(?:[.,]\d+)*)?(?![\w])|\w+|[^\w\s]")

# Sentences longer than this many characters are cut before POS tagging: underthesea's CRF is
# linear, but a megabyte "sentence" of garbage would still take seconds and all our memory.
MAX_SENTENCE_CHARS = 2000

if not Token.has_extension("wstart"):
    Token.set_extension("wstart", default=False)


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
    """One sentence: its index in the article, char offsets, and its spaCy span."""

    index: int
    start: int
    end: int
    span: Span

    @property
    def text(self) -> str:
        return self.span.text


@dataclass
class ArticleDoc:
    """The analysed article: text, metadata, the spaCy Doc, sentences and underthesea words."""

    text: str
    doc: Doc
    sentences: list[Sentence]
    words: list[Word]
    meta: dict[str, Any] = field(default_factory=dict)

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

    def words_in(self, start: int, end: int) -> list[Word]:
        """The underthesea words that lie inside ``[start, end)``."""
        return [w for w in self.words if w.start >= start and w.end <= end]


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


def _split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence char ranges: underthesea's ``sent_tokenize`` per line, re-anchored in the text."""
    from underthesea import sent_tokenize

    ranges: list[tuple[int, int]] = []
    for lstart, lend in _line_spans(text):
        line = text[lstart:lend]
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


def _tag_sentence(text: str, start: int, end: int, index: int) -> list[Word]:
    """POS-tag one sentence with underthesea and anchor each word at its char offsets."""
    from underthesea import pos_tag

    sentence = text[start:end]
    try:
        tagged = pos_tag(sentence)
    except Exception:
        log.debug("pos_tag failed on sentence %d", index, exc_info=True)
        return []
    words: list[Word] = []
    cursor = 0
    for word_text, tag in tagged:
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
        words.append(Word(sentence[first:pos], start + first, start + pos, tag, index))
        cursor = pos
    return words


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
    """Cut the whole text into spaCy words and spaces so that ``Doc.text == text``."""
    words: list[str] = []
    spaces: list[bool] = []
    starts: list[int] = []
    pos = 0
    for match in TOKEN_RE.finditer(text):
        gap = text[pos : match.start()]
        if gap:
            if gap.startswith(" ") and words and not spaces[-1]:
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
                starts.append(match.start() - len(gap))
        words.append(match.group(0))
        spaces.append(False)
        starts.append(match.start())
        pos = match.end()
    tail = text[pos:]
    if tail:
        if tail.startswith(" ") and words and not spaces[-1]:
            spaces[-1] = True
            tail = tail[1:]
        if tail:
            words.append(tail)
            spaces.append(False)
            starts.append(len(text) - len(tail))
    return words, spaces, starts


def analyze(text: str, meta: dict[str, Any] | None = None, *, tag: bool = True) -> ArticleDoc:
    """Analyse a normalised article text: sentences, words with POS tags, and a spaCy Doc.

    ``tag=False`` skips underthesea's POS tagging (the costly step) for callers that only need
    tokens and sentences.
    """
    nlp = get_nlp()
    words, spaces, starts = _tokens(text)
    sent_ranges = _split_sentences(text)

    tagged: list[Word] = []
    if tag:
        for index, (s, e) in enumerate(sent_ranges):
            tagged.extend(_tag_sentence(text, s, e, index))

    # Sentence starts and POS tags per token, computed first and handed to the Doc constructor:
    # setting ``token.is_sent_start`` one token at a time rescans the Doc each time (quadratic).
    range_starts = {s for s, _ in sent_ranges}
    sent_starts: list[bool] = []
    tags: list[str] = []
    word_starts: list[bool] = []
    word_iter = iter(tagged)
    current = next(word_iter, None)
    for i, (word, start) in enumerate(zip(words, starts, strict=True)):
        sent_starts.append(i == 0 or start in range_starts)
        while current is not None and current.end <= start:
            current = next(word_iter, None)
        if current is not None and current.start <= start < current.end:
            tags.append(current.tag)
            word_starts.append(start == current.start)
        elif word.isspace():
            tags.append("_SP")
            word_starts.append(False)
        else:
            tags.append("CH" if not word[0].isalnum() else "X")
            word_starts.append(True)
    doc = Doc(nlp.vocab, words=words, spaces=spaces, tags=tags, sent_starts=sent_starts)
    assert doc.text == text, "token cut must reproduce the text"
    for token, is_word_start in zip(doc, word_starts, strict=True):
        if is_word_start:
            token._.wstart = True

    sentences: list[Sentence] = []
    char_to_token = {start: i for i, start in enumerate(starts)}
    for index, (s, e) in enumerate(sent_ranges):
        first = char_to_token.get(s)
        span = doc.char_span(s, e, alignment_mode="expand")
        if first is None or span is None:
            continue
        sentences.append(Sentence(index, s, e, span))
    return ArticleDoc(text=text, doc=doc, sentences=sentences, words=tagged, meta=dict(meta or {}))
