"""Officials: named people with a stated position (spec §2, dev NOTES O1–O13).

Vietnamese news writes a position and a name in a handful of ways, and the rules below follow
them rather than any particular article:

* title before the name: ``Phó Bí thư Tỉnh ủy Lâm Đồng Đặng Hồng Sỹ``; the name is the tail of
  the capitalised run that ends the title, split off with the surname list and the gazetteer of
  place names (``… phường Tương Mai | Võ Xuân Trọng``);
* name, then titles as an apposition: ``đồng chí X, t1, t2``, ``X – t1``, ``X-t1``, ``X (t1)``;
* name, then an appointment cue: ``X giữ chức vụ t``, ``X được … chỉ định giữ chức vụ t``,
  ``(do bà X, t1 làm Trưởng ban)``; a cue after coordinated subjects goes to all of them (O6),
  as does one after the list of a plural honorific (``các đồng chí A và B được bầu giữ chức t``);
* title, a dash or comma, then an honorific and the name: ``(Giám đốc Trung tâm – bà X``, or
  ``đối với`` and the name (``miễn nhiệm chức vụ t khóa I, nhiệm kỳ … đối với ông X``);
* an election verb between a name and its post: ``X (tái) trúng cử / đắc cử (chức danh) t``; a title
  never runs into its holder's appointment (``Chỉ huy trưởng Ban CHQS xã | giữ chức t``);
* a plural title before a colon goes to everyone listed after it (``các Ủy viên Trung ương Đảng:
  A, t1; B, t2``);
* a short reference (``Đồng chí Kiên đồng thời là t``) goes to the one full name of the article
  whose given (or family) name it is;
* a list after ``N đồng chí:`` or ``các ông:`` whose names carry their own appositions shares the
  predicate after it (``Ba đồng chí: A, t1; B, t2; C, t3 được bầu giữ chức t``), and a plural title
  before ``gồm các ông:`` or a colon goes to every name listed (bare names included);
* a career list runs past a term (``t1 khóa XIX, t2``); a bare honorific subject (``Bà đã kinh qua
  các chức vụ t1, t2``) is the person named last before it.

A *title* is a position head from ``data/positions.tsv`` (``Phó Chủ tịch``, ``PBT``, ``TUV``,
``Công chức`` + a civil-servant field such as ``Tư pháp – Hộ tịch`` …)
followed by its organisation and place: organisation heads from ``data/organisations.tsv``,
capitalised words, nouns, a few qualifiers (``thường trực``, ``phụ trách``) and ``(cũ)``. It ends
at a verb, a preposition, an honorific, ``nhiệm kỳ``/``khóa`` (dropped, O5), or a separator
(``,`` ``;`` ``–`` ``-`` ``kiêm``) that is not followed by more of the organisation's name (O2).

Names are matched on syllables, with two allowances for names the surname list cannot vouch for:
a syllable the tokeniser cut at an apostrophe is joined again (``H'Yăm``, ``Siu H’Ngân``), and
after a title a run that is a known place plus 2–4 name syllables gives the name even when its
family name is not listed (``xã Con Cuông | Lô Văn Tuấn``).

underthesea's NER is not used: on these texts it tags a title plus a name as one LOC. Its POS tags
(carried on the spaCy tokens) only decide whether a lowercase word continues a title.

The lexicons are matched by spaCy ``PhraseMatcher`` (built in ``nlp.lexicon``), run once per block
over its Doc span; the rules only read the resulting tables by ``token.i``.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Span

from nlp.document import ArticleDoc, Sentence
from nlp.facts import Fact
from nlp.gazetteer import get_gazetteer
from nlp.lexicon import MatchTable, Phrase, build_lexicon, phrase_words, read_rows
from nlp.normalize import fold

log = logging.getLogger(__name__)

__all__ = ["extract"]

# A title is at most this many tokens long after its head: bounds the work on garbage input.
MAX_TAIL = 25
# Names are 2–4 syllables (a 5th is allowed for compound family names such as Tôn Nữ).
MIN_NAME, MAX_NAME = 2, 5
# Between a person and an appointment cue (``được Thường trực HĐND TP Hà Nội chỉ định``).
MAX_CUE_GAP = 10

_DASHES = {"-", "–", "—", "−"}
_TITLE_SEPS = {",", "kiêm"} | _DASHES
_LEFT_SEPS = {",", ":", "("} | _DASHES


# --------------------------------------------------------------------------- lexicons


@dataclass(frozen=True)
class _Entry:
    """One lexicon phrase: its syllables (folded), what it normalises to, and how it matches."""

    words: tuple[str, ...]
    value: str
    kind: str = ""
    exact: bool = False
    written: tuple[str, ...] = ()  # the phrase's tokens as listed (what an exact entry must equal)


def _entry(phrase: str, value: str, kind: str = "", exact: bool = False) -> _Entry:
    written = phrase_words(phrase)
    return _Entry(tuple(fold(w) for w in written), value, kind, exact, written)


class _Lexicon:
    """Longest-match lookup of lexicon phrases in a token list, by spaCy ``PhraseMatcher``.

    The matcher runs once per block (``_Block.table``) over the block's Doc span; ``match`` and
    ``match_ending`` then only read that table. They are asked about arbitrary token lists (a
    block, or a slice of it such as a candidate name), so a match counts only when it lies inside
    the list; the longest one that does wins, ties going to the entry listed first.
    """

    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries
        # One match key per entry (its index), so that a match names its entry.
        self.matchers = build_lexicon(tuple(Phrase(e.written, str(k), e.exact) for k, e in enumerate(entries)))

    def match(self, toks: list[_Tok], i: int, *, word_start: bool = True) -> _Entry | None:
        """The longest entry that starts at token ``i``, or None.

        ``word_start=False`` skips the test that no underthesea word runs across ``i`` (the one
        test that may segment the sentence): for callers that make it themselves, later, only if
        the entry turns out to matter.
        """
        if i >= len(toks):
            return None
        tok = toks[i]
        # Most tokens start no phrase: answer those from the table before anything else.
        table = tok.block.tables.get(self) or tok.block.table(self)
        hits = table.starts.get(tok.i)
        if not hits:
            return None
        for hit in hits:
            last = i + hit.end - hit.start - 1
            if last < len(toks) and toks[last].i_last == hit.end - 1:
                # Word boundaries cost a segmentation of the sentence: asked only for a real hit.
                return None if word_start and _inside_word(toks, i) else self.entries[int(hit.key)]
        return None

    def match_ending(self, toks: list[_Tok], end: int) -> _Entry | None:
        """The longest entry that ends just before token ``end``.

        A phrase of several syllables is taken even where underthesea runs a word across its start:
        the segmenter joins a name's last syllable with the verb after it (``Lê Dân giữ | chức vụ``),
        and a phrase that long is not matched by chance."""
        if end <= 0 or end > len(toks):
            return None
        tok = toks[end - 1]
        table = tok.block.tables.get(self) or tok.block.table(self)
        for hit in table.ends.get(tok.i_last + 1, ()):
            s = end - (hit.end - hit.start)
            if s >= 0 and toks[s].i == hit.start and (hit.end - hit.start > 1 or not _inside_word(toks, s)):
                return self.entries[int(hit.key)]
        return None


def _inside_word(toks: list[_Tok], i: int) -> bool:
    """Token ``i`` continues an underthesea word (``Môi trường``): no phrase may start there."""
    # The word boundary last: it is the costly test (it may segment the sentence). An acronym
    # (``UBND xã``, ``HĐND phường``) is a word of its own: what follows it starts one.
    if i == 0 or toks[i].cap:
        return False
    before = toks[i - 1].text
    return before.isalpha() and not (len(before) > 1 and before.isupper()) and not toks[i].wstart


@functools.lru_cache(maxsize=1)
def _positions() -> _Lexicon:
    entries = []
    for row in read_rows("positions.tsv"):
        phrase, role = row[0], row[1] if len(row) > 1 else row[0]
        flags = row[2] if len(row) > 2 else ""
        kind = "position-field" if "field" in flags else "position"
        entries.append(_entry(phrase, role, kind, "exact" in flags))
    return _Lexicon(entries)


@functools.lru_cache(maxsize=1)
def _civil_fields() -> _Lexicon:
    """The fields of commune civil servants (``Tư pháp – Hộ tịch``), each dash written any way."""
    entries = []
    for kind, phrase in read_rows("official_cues.tsv"):
        if kind != "civil_field":
            continue
        parts = re.split("|".join(map(re.escape, sorted(_DASHES))), phrase)
        for dashes in itertools.product(sorted(_DASHES), repeat=len(parts) - 1):
            written = parts[0] + "".join(d + p for d, p in zip(dashes, parts[1:], strict=True))
            entries.append(_entry(written, phrase, kind))
    return _Lexicon(entries)


@functools.lru_cache(maxsize=1)
def _organisations() -> _Lexicon:
    entries = []
    for row in read_rows("organisations.tsv"):
        phrase, value, kind = row[0], row[1], row[2]
        entries.append(_entry(phrase, value, kind, kind.startswith("abbr")))
    return _Lexicon(entries)


@functools.lru_cache(maxsize=1)
def _honorifics() -> _Lexicon:
    return _Lexicon([_entry(r[1], r[1], r[0]) for r in read_rows("honorifics.txt")])


@functools.lru_cache(maxsize=1)
def _cues() -> dict[str, _Lexicon]:
    by_kind: dict[str, list[_Entry]] = {}
    for kind, phrase in read_rows("official_cues.tsv"):
        by_kind.setdefault(kind, []).append(_entry(phrase, phrase, kind))
    return {k: _Lexicon(v) for k, v in by_kind.items()}


@functools.lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset(fold(r[0]).split()[0] for r in read_rows("surnames.txt"))


@functools.lru_cache(maxsize=1)
def _name_prefixes() -> frozenset[str]:
    """Prefixes after which a name may have five syllables (``name_prefixes.txt``)."""
    return frozenset(_token_key(r[0]) for r in read_rows("name_prefixes.txt"))


def _max_name(words: list[_Tok]) -> int:
    """The longest name that may start at ``words[0]``: five syllables after an Ê Đê or Jrai
    prefix (``Y Nhơn Niê K’Long``), else four."""
    if words and (words[0].key in _name_prefixes() or words[0].key.split("'")[0] + "'" in _name_prefixes()):
        return MAX_NAME
    return 4


# --------------------------------------------------------------------------- tokens


@functools.lru_cache(maxsize=1 << 16)
def _fold_token(text: str) -> str:
    """``fold`` of one token; memoised because an article repeats its syllables many times."""
    return fold(text)


@functools.lru_cache(maxsize=1 << 16)
def _token_key(text: str) -> str:
    """A token's lookup key: folded, typographic apostrophe made straight (memoised)."""
    return _fold_token(text).replace("’", "'")


class _Block:
    """The Doc span of one block of tokens, and the lexicon matches in it (computed on first use).

    Every lexicon's matcher runs at most once per block; all lookups in the block read the table.
    """

    def __init__(self, span: Span) -> None:
        self.span = span
        self.tables: dict[_Lexicon, MatchTable] = {}  # read directly on the hot path

    def table(self, lexicon: _Lexicon) -> MatchTable:
        """The matches of ``lexicon`` in this block, running its matcher on the first call."""
        got = self.tables.get(lexicon)
        if got is None:
            got = self.tables[lexicon] = lexicon.matchers.table(self.span)
        return got


@dataclass
class _Tok:
    text: str
    start: int
    end: int
    sentence: int
    analysis: ArticleDoc = field(repr=False, compare=False)  # where word starts and tags are read, lazily
    key: str = ""
    i: int = -1  # the spaCy token index (``token.i``): where the lexicon match tables point
    joined: bool = False  # several Doc tokens joined at an apostrophe (``H'Yăm``): ``i`` is the first
    i_last: int = -1  # the spaCy index of the last Doc token of this one
    block: _Block = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.i_last < 0:
            self.i_last = self.i
        self.key = _token_key(self.text)

    @property
    def tag(self) -> str:
        """The POS tag of the underthesea word this token lies in (its first Doc token's)."""
        return self.analysis.tag(self.i)

    @property
    def wstart(self) -> bool:
        """Does an underthesea word start at this token?"""
        return self.analysis.wstart(self.i)

    @property
    def letters(self) -> str:
        """The text without the apostrophe of a joined syllable (``H'Yăm`` → ``HYăm``)."""
        return self.text.replace("'", "").replace("’", "") if self.joined else self.text

    @property
    def cap(self) -> bool:
        """A capitalised syllable (``Nguyễn``, ``H'Yăm``) or an abbreviation (``UBND``)."""
        t = self.letters
        return t[:1].isupper() and t.isalpha()

    @property
    def title_case(self) -> bool:
        """A name syllable: first letter upper, the rest lower (``Hồng``; single ``A`` too).

        A joined syllable capitalises each piece (``H'Yăm``, ``K'Brếu``).
        """
        if self.joined:
            return all(_is_title_piece(p) for p in _APOSTROPHE.split(self.text))
        return _is_title_piece(self.text)

    @property
    def lower(self) -> bool:
        t = self.letters
        return t[:1].islower() and t.isalpha()


def _is_title_piece(t: str) -> bool:
    return t[:1].isupper() and t.isalpha() and (len(t) == 1 or t[1:].islower())


_APOSTROPHES = ("'", "’")
_APOSTROPHE = re.compile("['’]")


def _join_apostrophes(adoc: ArticleDoc, toks: list[_Tok]) -> list[_Tok]:
    """Rejoin the syllables the tokeniser cuts at an apostrophe: ``H`` ``'`` ``Yăm`` → ``H'Yăm``.

    Ê Đê, Jrai, Ba Na, M'nông … names write a prefix and a syllable with an apostrophe (straight
    or typographic) and no space: ``H'Yăm``, ``Siu H’Ngân``, ``K'Brếu``. Only pieces written
    together join; a quote mark next to a space is punctuation and stays a token.
    """
    out: list[_Tok] = []
    k = 0
    while k < len(toks):
        t = toks[k]
        if (
            k + 2 < len(toks)
            and t.text.isalpha()
            and len(t.text) <= 3
            and toks[k + 1].text in _APOSTROPHES
            and toks[k + 2].text.isalpha()
            and t.end == toks[k + 1].start
            and toks[k + 1].end == toks[k + 2].start
        ):
            last = toks[k + 2]
            out.append(_Tok(adoc.text[t.start : last.end], t.start, last.end, t.sentence, adoc,
                            i=t.i, joined=True, i_last=last.i))
            k += 3
            continue
        out.append(t)
        k += 1
    return out


def _sentence_toks(adoc: ArticleDoc, sent: Sentence) -> list[_Tok]:
    """The non-space tokens of one sentence, syllables cut at an apostrophe joined again."""
    texts, starts = adoc.analysis.tokens, adoc.analysis.starts  # plain lists: no spaCy Token per read
    toks = [
        _Tok(texts[i], starts[i], starts[i] + len(texts[i]), sent.index, adoc, i=i)
        for i in range(sent.span.start, sent.span.end)
        if not texts[i].isspace()
    ]
    return _join_apostrophes(adoc, toks)


def _blocks(adoc: ArticleDoc) -> list[list[_Tok]]:
    """Token lists per sentence; a sentence ending in ``và`` is joined to the next one (O6 lists).

    Persons come only from title chains (each starts at a position head) and from honorific
    names, so a block with neither lexicon in it holds none: its tokens are never built (the
    lexicons are matched on the block's Doc span, which needs no tokens).
    """
    texts = adoc.analysis.tokens
    groups: list[list[Sentence]] = []  # the sentences of each block
    pending: list[Sentence] = []
    has_tokens = ends_with_and = False
    for sent in adoc.sentences:
        pending.append(sent)
        last = next((i for i in range(sent.span.end - 1, sent.span.start - 1, -1) if not texts[i].isspace()), -1)
        if last >= 0:
            has_tokens = True
            # Its last token is ``và`` (joined at an apostrophe, a token has another key).
            ends_with_and = _token_key(texts[last]) == "và" and _sentence_toks(adoc, sent)[-1].key == "và"
        if has_tokens and ends_with_and:
            continue
        if has_tokens:
            groups.append(pending)
        pending = []
        has_tokens = ends_with_and = False
    if has_tokens:
        groups.append(pending)
    doc = adoc.doc
    blocks: list[list[_Tok]] = []
    for group in groups:
        first = next(i for s in group for i in range(s.span.start, s.span.end) if not texts[i].isspace())
        last = next(i for s in reversed(group) for i in range(s.span.end - 1, s.span.start - 1, -1)
                    if not texts[i].isspace())
        block = _Block(doc[first : last + 1])
        try:
            empty = not block.table(_positions()).starts and not block.table(_honorifics()).starts
        except Exception:  # ``_scan_block`` meets it again, inside the guard of its block
            empty = False
        if empty:
            continue
        toks = [t for sent in group for t in _sentence_toks(adoc, sent)]
        for t in toks:
            t.block = block
        blocks.append(toks)
    return blocks


# --------------------------------------------------------------------------- titles


@dataclass
class _Title:
    start: int  # token index (incl. a former marker)
    end: int  # exclusive token index
    head: _Entry
    name: tuple[int, int] | None = None  # a person's name split off its end (O1)


@dataclass
class _Chain:
    titles: list[_Title]
    cue: tuple[int, int] | None = None  # the appointment cue before the chain


@dataclass
class _Person:
    name: str
    first: int  # token index of the name
    last: int  # exclusive end of the name
    span_end: int  # end of the apposition that follows the name
    titles: list[tuple[int, int, _Entry]] = field(default_factory=list)
    short: bool = False  # ``đồng chí Kiên``: one syllable of a name the article gives in full
    group: int = -1  # the names listed after one plural honorific (``hai đồng chí A và B``)
    # The items of a list after a plural honorific, each with its own apposition (``Ba đồng chí: A,
    # t1; B, t2; C, t3 được bầu giữ chức t``): a predicate after the list goes to every item.
    listed: int = -1
    pronoun: bool = False  # ``Bà đã kinh qua các chức vụ …``: the person named last before it


def _head_at(toks: list[_Tok], i: int) -> tuple[int, _Entry] | None:
    """A position head at ``i``, optionally after a former marker; returns (length, entry)."""
    positions = _positions()
    former = _cues()["former"].match(toks, i, word_start=False)
    if former is not None:
        # The marker counts only where a word starts (``nguyên`` is no marker in ``tài nguyên``), and
        # that test may segment the sentence. When no head is written after the marker nor at
        # ``i`` itself, there is no head whichever way the test goes: don't ask it.
        if positions.match(toks, i + len(former.words), word_start=False) is None \
                and positions.match(toks, i, word_start=False) is None:
            return None
        if _inside_word(toks, i):
            former = None
    j = i + len(former.words) if former else i
    head = positions.match(toks, j)
    if head is None:
        return None
    # ``chức vụ trưởng ban``: a lowercase head inside another word is not a head.
    if not toks[j].cap and j > 0 and toks[j - 1].text.isalpha() and not toks[j].wstart:
        return None
    size = len(head.words)
    if head.kind == "position-field":
        # ``công chức`` is a position only with its field: ``Công chức Tư pháp – Hộ tịch``; the
        # field's dashes are part of it and never split the title (O2).
        field_ = _civil_fields().match(toks, j + size)
        if field_ is None:
            return None
        size += len(field_.words)
    # "quyền"/"cựu" only before a head; "nguyên" too ("nguyên liệu" never reaches here).
    return (j - i) + size, head


def _is_honorific_at(toks: list[_Tok], i: int) -> _Entry | None:
    e = _honorifics().match(toks, i)
    return e if e is not None and e.kind in ("honorific", "rank", "status") else None


def _cap_run_end(toks: list[_Tok], i: int, stop: int) -> int:
    j = i
    while j < stop and toks[j].title_case:
        j += 1
    return j


def _is_place(words: list[_Tok]) -> bool:
    """A capitalised run that names a unit of any period is not a person's name, and the part of
    a run before a name is a place (``xã Tân Thành Bình | Nguyễn Văn Hữu``)."""
    return get_gazetteer().has_name(" ".join(t.key for t in words))


def _name_ok(words: list[_Tok], *, surname: bool = True) -> bool:
    """2–5 name syllables, the first a family name unless the context vouches for it."""
    if not MIN_NAME <= len(words) <= MAX_NAME or not all(t.title_case for t in words):
        return False
    if surname and not _is_surname(words[0]):
        return False
    # An organisation word does not start a name (``Hội Nông``, ``Ban Dân``, ``Sở Nội``).
    first = words[0]
    if not _is_surname(first) and _organisations().match([first], 0) is not None:
        return False
    if _positions().match(words, 0) is not None or _honorifics().match(words, 0) is not None:
        return False
    return True


def _title_cased(toks: list[_Tok]) -> bool:
    """A headline in Title Case (``Chủ Tịch Xã … Thăm Hộ Nghèo``): capitals no longer mark names."""
    words = [t for t in toks if t.letters.isalpha()]
    return len(words) >= 4 and sum(t.cap for t in words) > 0.7 * len(words)


def _is_surname(tok: _Tok) -> bool:
    """A family name or a name prefix (``Nguyễn``, ``Ksor``, ``H'`` of ``H'Yăm``)."""
    names = _surnames()
    return tok.key in names or (tok.joined and tok.key.split("'")[0] + "'" in names)


def _kind_class(entry: _Entry | None) -> str:
    """``org``, ``named`` or ``place`` for an organisations.tsv entry ('' for none)."""
    if entry is None:
        return ""
    for cls in ("named", "place"):
        if cls in entry.kind:
            return cls
    return "org"


def _split_name(toks: list[_Tok], s: int, e: int, prev_kind: str) -> int | None:
    """Where a person's name starts in the capitalised run ``toks[s:e]`` that ends a title.

    The part before the name must be a known place (``Tương Mai | Võ Xuân Trọng``) or empty.
    A run that is itself a place name holds no name. Returns the name's first token or None.
    """
    run = toks[s:e]
    if not run or _is_place(run):
        return None
    best: tuple[int, int] | None = None  # (score, start)
    for n in range(min(MAX_NAME, len(run)), MIN_NAME - 1, -1):
        k = len(run) - n
        name, prefix = run[k:], run[:k]
        if n > _max_name(name) or not _name_ok(name):
            continue
        if prefix and _is_place(prefix):
            score = 3
        elif not prefix:
            # Right after an organisation that takes a proper name (Công ty, Hội …) a two-syllable
            # run is more likely the organisation's own name; schools and companies named after
            # people (``Trường THCS Nguyễn Du``) always are.
            if (prev_kind == "org" and n < 3) or prev_kind == "named":
                continue
            score = 2
        elif prev_kind == "named" and len(prefix) >= 2:
            score = 1  # ``Trường THPT Lê Quý Đôn | Trần Văn Bình``
        else:
            continue
        score = score * 10 + {3: 3, 4: 2, 2: 1}.get(n, 0)
        if best is None or score > best[0]:
            best = (score, s + k)
    if best is None and prev_kind in ("place", "org") and not _title_cased(toks):
        # A family name the list lacks (``xã Con Cuông | Lô Văn Tuấn``, ``xã Tri Tôn | Néang Sa Vi``):
        # the run is a known place followed by 2–4 name syllables. The longest place wins.
        for n in range(MIN_NAME, min(4, len(run) - 1) + 1):
            k = len(run) - n
            name, prefix = run[k:], run[:k]
            if _is_place(prefix) and _name_ok(name, surname=False) and not _is_place(name) \
                    and (e >= len(toks) or toks[e].wstart):  # ``Tổ Công | tác``: a word goes on
                return s + k
    return best[1] if best else None


class _Scanner:
    """Titles, names and their links in one block of tokens."""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.n = len(toks)
        self.lists: list[tuple[int, int]] = []  # (id, start) of lists after ``N đồng chí:``

    # ---- title tails

    def tail(self, i: int, *, lookahead: bool = True, last: str = "head") -> int:
        """Exclusive end of the organisation/place part of a title that starts at token ``i``.

        ``last`` tracks what the tail consumed last: a lowercase noun continues an organisation
        name (``Trưởng phòng kinh tế``) but not a place name or a number (``… xã Phong Hải ghi
        nhận``, ``… số 4 ghi nhận``: the tagger calls some verbs nouns).
        """
        toks, orgs, cues = self.toks, _organisations(), _cues()
        j = i
        limit = min(self.n, i + MAX_TAIL)
        while j < limit:
            t = toks[j]
            stop = cues["stop"].match(toks, j, word_start=False) if t.lower else None
            if stop is not None and (len(stop.words) > 1 or cues["stop"].match(toks, j) is not None):
                break  # a two-word stop (``nhiệm kỳ``) even where the segmenter glued it to the name
            if j > i and t.lower and cues["appoint"].match(toks, j):
                break  # ``Chỉ huy trưởng Ban CHQS xã | giữ chức …``: a title never holds its appointment
            if _is_honorific_at(toks, j) and (t.lower or t.key in ("ông", "bà", "đồng")):
                break
            if j > i and self._strong_head(j):
                break
            org = orgs.match(toks, j)
            if org is not None and not (
                org.kind == "place" and not (j + len(org.words) < self.n and toks[j + len(org.words)].cap)
                and t.cap
            ):
                j += len(org.words)
                last = "place_type" if _kind_class(org) == "place" else "org"
                continue
            if t.text == "(" and j + 2 < self.n and toks[j + 1].key in ("cũ", "mới") and toks[j + 2].text == ")":
                j += 3
                last = "paren"
                continue
            if t.key == "số" and j + 1 < self.n and toks[j + 1].text[:1].isdigit():
                j += 2
                last = "num"
                continue
            if t.text.isdigit() and len(t.text) <= 3 and (
                last == "place_type" or (last in ("cap", "org") and self._number_ends_name(j))
            ):
                j += 1  # ``Quận ủy quận 8``, ``Quân khu 5``: the number is the unit's name
                last = "num"
                continue
            if t.text == "&" and j > i and toks[j - 1].cap and j + 1 < self.n and toks[j + 1].cap:
                j += 1
                continue
            if t.text == "." and j > 0 and self._abbreviation_dot(j):
                j += 1  # ``PCT. Hội đồng nhân dân``, ``T.Ư Đoàn``: the dot of an abbreviation
                continue
            if t.cap:
                j += 1
                last = "place_name" if last in ("place_type", "place_name") else "cap"
                continue
            if t.lower:
                q = cues["qualifier"].match(toks, j)
                if q is not None:
                    j += len(q.words)
                    last = "lower"
                    continue
                prev = toks[j - 1] if j > i else None
                if prev is not None and last not in ("place_name", "num", "paren") and (
                    (prev.cap and (prev.wstart or not toks[j - 2].cap)) or prev.lower
                ) and not t.wstart:
                    j += 1  # the rest of a word that started in the title (``Đại biểu``)
                    continue
                if t.key == "và":
                    if j > i and any(x.cap for x in toks[i:j]) and j + 1 < self.n and toks[j + 1].cap \
                            and not _is_honorific_at(toks, j + 1) and _head_at(toks, j + 1) is None \
                            and not self._looks_like_name(j + 1):
                        j += 1
                        continue
                    break
                # What the tail read last before the tag: a tag may cost tagging the sentence.
                if last in ("head", "org", "lower", "cap") and t.tag.startswith("N") and t.tag != "Np":
                    j += 1
                    last = "lower"
                    continue
                break
            if lookahead and (t.text == "," or t.text in _DASHES):
                k = self._org_continuation(j, last)
                if k is not None:
                    j = k
                    continue
            break
        # Never end a title on a dangling connector.
        while j > i and toks[j - 1].key in ("và", "&", "số"):
            j -= 1
        return j

    def term_end(self, j: int) -> int:
        """End of the term written after a title ending at ``j`` (``khóa XIX``, ``nhiệm kỳ 2020 -
        2025``, ``khóa XV, nhiệm kỳ 2020-2025``), else ``j``."""
        toks, k = self.toks, j
        while k < self.n:
            m = k + 1 if toks[k].text == "," and k > j else k
            if m < self.n and toks[m].key in ("khóa", "khoá"):
                m += 1
            elif m + 1 < self.n and toks[m].key == "nhiệm" and toks[m + 1].key == "kỳ":
                m += 2
            else:
                break
            start = m
            while m < self.n and (
                toks[m].text.isdigit() or toks[m].text in _DASHES or re.fullmatch(r"[IVXLC]+", toks[m].text)
            ):
                m += 1
            if m == start:
                break
            k = m
        return k

    def _on_behalf(self, i: int) -> bool:
        """Does the head at ``i`` follow ``(thừa) ủy quyền``? ``quyền`` there is no acting marker."""
        toks = self.toks
        k = i + 1 if toks[i].key == "quyền" else i
        return k >= 2 and toks[k - 1].key == "quyền" and toks[k - 2].key in ("ủy", "uỷ")

    def _abbreviation_dot(self, j: int) -> bool:
        """Is the dot at ``j`` written onto an upper-case abbreviation (``PCT.``, ``T.Ư``) with a
        capitalised word right after it? Then it does not end the title."""
        prev, nxt = self.toks[j - 1], self.toks[j + 1] if j + 1 < self.n else None
        return (
            nxt is not None and nxt.cap and prev.text.isupper() and 1 <= len(prev.text) <= 5
            and prev.end == self.toks[j].start
        )

    def _number_ends_name(self, j: int) -> bool:
        """Does the number at ``j`` close a capitalised name (``Quân khu 5;``, ``Phường 12,``)? Not
        when a word goes on after it (``… xã Phong Hải 3 năm liền``)."""
        nxt = self.toks[j + 1] if j + 1 < self.n else None
        return nxt is None or (not nxt.lower and nxt.text not in ("%", "/") and not nxt.text[:1].isdigit())

    def _strong_head(self, j: int) -> bool:
        """A Chủ tịch/Bí thư/Giám đốc head inside a tail starts a new title (missing comma)."""
        h = _head_at(self.toks, j)
        if h is None:
            return False
        role = h[1].value
        return any(role.endswith(r) for r in ("Chủ tịch", "Bí thư", "Giám đốc")) and \
            self.toks[j - 1].text not in ("Đoàn", "Hội")

    def _looks_like_name(self, j: int) -> bool:
        e = _cap_run_end(self.toks, j, self.n)
        run = self.toks[j:e]
        return _name_ok(run[:4]) and not _is_place(run)

    def _org_continuation(self, j: int, last: str = "cap") -> int | None:
        """After a comma or dash inside a title: the end of more organisation name, or None (O2).

        ``Sở Văn hóa, Thể thao và Du lịch``, ``Ban Văn hoá – Xã hội``, ``Trung tâm VH, TT&TT``
        continue; a new head, a name, a place or a lowercase word do not.
        """
        toks = self.toks
        m = j + 1
        if m >= self.n or _head_at(toks, m) is not None:
            return None
        if toks[m].lower and last == "lower" and toks[j].text == ",":
            # A lowercase organisation name lists its fields: ``phòng kinh tế, hạ tầng đô thị``.
            end = self.tail(m, lookahead=False, last="lower")
            seg = toks[m:end]
            if 0 < len(seg) <= 4 and all(x.lower and x.tag.startswith("N") for x in seg):
                return end
            return None
        if not toks[m].cap:
            return self._lower_field(m)
        if _is_honorific_at(toks, m) or _cues()["former"].match(toks, m):
            return None
        org = _organisations().match(toks, m)
        after = m + len(org.words) if org is not None else m
        if org is not None and org.kind in ("place", "abbr-place") and after < self.n and toks[after].cap:
            return None
        if self._looks_like_name(m):
            return None
        end = self.tail(m, lookahead=False, last="cap")
        seg = toks[m:end]
        if not seg or len(seg) > 12 or _is_place(seg):
            return None
        if any(_head_at(toks, k) for k in range(m, end)):
            return None
        return end

    def _lower_field(self, m: int) -> int | None:
        """``Trưởng phòng Công chức, viên chức Sở Nội vụ``: a lowercase field (1–3 nouns) after a
        comma inside a capitalised organisation name continues it when the parent organisation
        follows it at once; the title then runs on through that organisation."""
        toks = self.toks
        # The capitalised organisation must follow the lowercase words at once: look for it first,
        # and ask their tags (which may tag the sentence) only when it is there. A word that is not
        # a noun ends the field before the organisation, on a lowercase word: no field either.
        k = m
        while k < self.n and k - m < 3 and toks[k].lower:
            k += 1
        if k == m or k >= self.n or not toks[k].cap:
            return None
        org = _organisations().match(toks, k)
        if org is None or org.kind in ("place", "abbr-place"):
            return None
        if not all(toks[x].tag.startswith("N") for x in range(m, k)):
            return None
        return self.tail(k, lookahead=False, last="cap")

    # ---- chains

    def chains(self) -> list[_Chain]:
        """All title chains of the block, left to right."""
        out: list[_Chain] = []
        i = 0
        while i < self.n:
            h = _head_at(self.toks, i)
            if h is None:
                i += 1
                continue
            if self._on_behalf(i):
                i += h[0]  # ``Thừa ủy quyền Chủ tịch nước, …``: on behalf of a post, not a title
                continue
            titles: list[_Title] = []
            j = i
            while h is not None:
                hl, head = h
                end = self.tail(j + hl)
                titles.append(_Title(j, end, head))
                h = None
                # A career list goes on past a term (``t1 khóa XIX, t2``, ``t1 nhiệm kỳ 2020-2025, t2``):
                # the term is dropped (O5), the next title is read.
                k = self.term_end(end)
                if k < self.n and self.toks[k].key in _TITLE_SEPS:
                    nxt = _head_at(self.toks, k + 1)
                    if nxt is not None:
                        j = k + 1
                        h = nxt
            chain = _Chain(titles)
            cue = _cues()["appoint"].match_ending(self.toks, i)
            if cue is None and i > 1 and self.toks[i - 1].text == ":":
                cue = _cues()["appoint"].match_ending(self.toks, i - 1)  # ``giữ các chức vụ: t1, t2``
            if cue is not None:
                chain.cue = (i - len(cue.words), i)
            out.append(chain)
            i = titles[-1].end if titles[-1].end > i else i + 1
        return out

    # ---- names

    def left_name(self, s: int) -> tuple[int, int, bool] | None:
        """A name written just before token ``s`` with a separator (``X, t``; ``X – t``; ``X (t``)."""
        toks = self.toks
        if s < 2 or toks[s - 1].text not in _LEFT_SEPS:
            return None
        e = s - 1
        b = e
        while b > 0 and toks[b - 1].title_case:
            b -= 1
        return self._pick_name(b, e)

    def _pick_name(self, b: int, e: int) -> tuple[int, int, bool] | None:
        """The name in the capitalised run ``toks[b:e]`` (honorifics stripped); (start, end, vouched).

        After an honorific the whole run (2–4 syllables) is the name, whatever its first syllable;
        otherwise the longest tail of the run that starts with a family name.
        """
        toks = self.toks
        # Leading honorifics written with a capital (``Ông``, ``Bà``, ``Đại tá``).
        while b < e:
            h = _is_honorific_at(toks, b)
            if h is None or b + len(h.words) > e - MIN_NAME:
                break
            b += len(h.words)
        if e - b < MIN_NAME:
            return None
        if self._honorific_before(b) and e - b <= _max_name(toks[b:e]) and _name_ok(toks[b:e], surname=False):
            return self._check_name(b, e, True)
        for n in range(min(4, e - b), MIN_NAME - 1, -1):
            k = e - n
            if _name_ok(toks[k:e]):
                return self._check_name(k, e, False)
        return None

    def _honorific_before(self, b: int) -> bool:
        for n in (3, 2, 1):
            if b - n >= 0:
                h = _honorifics().match(self.toks, b - n)
                if h is not None and len(h.words) == n and h.kind in ("honorific", "rank"):
                    return True
        return False

    def _check_name(self, b: int, e: int, vouched: bool) -> tuple[int, int, bool] | None:
        toks = self.toks
        if b > 0:
            prev = _organisations().match_ending(toks, b)
            if prev is not None:
                return None  # ``xã Phong Hải``, ``Tỉnh ủy Lào Cai``: a place, not a person
            if self._credit_before(b):
                return None
        if not vouched and _is_place(toks[b:e]):
            return None
        return b, e, vouched

    def _credit_before(self, b: int) -> bool:
        """``Ảnh: X``, ``Bài, ảnh: X``, ``Nguồn: X``: a credit, never an official."""
        toks = self.toks
        if b < 2 or toks[b - 1].text != ":":
            return False
        e = _honorifics().match_ending(toks, b - 1)
        return e is not None and e.kind == "credit"

    def right_name(self, j: int, opens: bool = False) -> tuple[int, int, bool] | None:
        """``Chủ tịch UBND xã, ông X``, ``(Giám đốc Trung tâm – bà X``: an honorific and a name
        right after a chain, after a comma or a dash. A chain that ``opens`` its sentence or
        caption may also be followed by a bare name and its verb (``Giám đốc Sở Y tế tỉnh Kon Tum,
        Rơ Châm Hùng kiểm tra …``): a name with a listed family name, then a lowercase word."""
        toks = self.toks
        k = j + 1 if j < self.n and (toks[j].text == "," or toks[j].text in _DASHES) else j
        k = self._after_doi_voi(j) or k
        h = _is_honorific_at(toks, k)
        if h is None and opens and k > j:
            e = min(_cap_run_end(toks, k, self.n), k + 4)
            if e - k >= MIN_NAME and e < self.n and toks[e].lower and _name_ok(toks[k:e]) \
                    and not _is_place(toks[k:e]) and _head_at(toks, e) is None:
                return k, e, False
            return None
        if h is None or h.kind == "status":
            return None
        b = k + len(h.words)
        e = _cap_run_end(toks, b, self.n)
        e = min(e, b + _max_name(toks[b:e]))
        if e - b < MIN_NAME or not _name_ok(toks[b:e], surname=False):
            return None
        return b, e, True

    def plural_title(self, s: int) -> bool:
        """Is the title at ``s`` written in the plural (``các Phó Chủ tịch …``)?"""
        return s > 0 and self.toks[s - 1].key in ("các", "những")

    def names_listed(self, k: int) -> list[tuple[int, int]]:
        """The further names after the name ending at ``k``, joined by ``,``, ``và`` or a dash,
        each 2–4 syllables starting with a family name."""
        toks, out = self.toks, []
        while k < self.n and (toks[k].text in (",", *_DASHES) or toks[k].key == "và"):
            b = k + 1 + (k + 1 < self.n and toks[k + 1].key == "và")
            e = min(_cap_run_end(toks, b, self.n), b + 4)
            if not MIN_NAME <= e - b or not _name_ok(toks[b:e]) or _is_place(toks[b:e]):
                break
            if e < self.n and toks[e].title_case:
                break  # the run goes on: not a bare name
            out.append((b, e))
            k = e
        return out

    def heads_a_list(self, chain: _Chain) -> int | None:
        """``các Ủy viên Trung ương Đảng: Nguyễn Văn A, t1; Trần Văn B, t2``, ``Các Phó Bí thư Tỉnh ủy
        gồm các ông: A (t1), B (t2)``: a plural title before a colon (or ``gồm``) is held by every
        person of the list after it. Returns where the list starts, else ``None``."""
        first, last = chain.titles[0], chain.titles[-1]
        if last.end >= self.n or first.start == 0:
            return None
        plural = _cues().get("plural")
        if plural is None or self.toks[first.start - 1].key not in ("các", "những") or \
                plural.match(self.toks, first.start - 1) is None:
            return None
        k = last.end
        if self.toks[k].key in ("gồm", "là") or tuple(t.key for t in self.toks[k : k + 2]) == ("bao", "gồm"):
            k += 2 if self.toks[k].key == "bao" else 1
            if k < self.n and self.toks[k].key == "có":
                k += 1
            if k < self.n and self.toks[k].key in ("các", "những"):
                h = _is_honorific_at(self.toks, k + 1)
                k = k + 1 + len(h.words) if h is not None else k
        if k < self.n and self.toks[k].text == ":":
            return k + 1
        return None

    def listed_people(self, k: int) -> list[tuple[int, int]]:
        """The names of a list running from ``k`` to the end of the sentence: an item starts the
        list or follows ``,`` ``;`` ``và``, may open with an honorific, and is a name of 2–5
        syllables that the capitals do not run on from; what follows a name up to the next item
        (an apposition, a bracket) is skipped. The list is vouched for by what introduced it
        (a plural honorific or title), so the family name need not be a listed one."""
        toks, out = self.toks, []
        stop = next((x for x in range(k, self.n) if toks[x].text in (".", "!", "?")), self.n)
        i, expect, depth = k, True, 0
        while i < stop:
            t = toks[i]
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth = max(0, depth - 1)
            elif depth == 0 and expect:
                b = i
                h = _is_honorific_at(toks, b)
                if h is not None:
                    b += len(h.words)
                e = min(_cap_run_end(toks, b, self.n), b + MAX_NAME)
                expect = False
                if e - b >= MIN_NAME and _name_ok(toks[b:e], surname=False) and not _is_place(toks[b:e]) \
                        and _head_at(toks, b) is None and _organisations().match(toks, b) is None \
                        and (e >= self.n or not toks[e].title_case) and not self._credit_before(b) \
                        and (e >= self.n or not toks[e].lower or toks[e].wstart):
                    out.append((b, e))
                    i = e
                    continue
            if depth == 0 and (t.text in (",", ";") or t.key == "và"):
                expect = True
            i += 1
        return out

    def _after_doi_voi(self, j: int) -> int | None:
        """``miễn nhiệm chức vụ Chủ tịch UBND xã khóa I, nhiệm kỳ 2021 - 2026 đối với ông X``: the
        position is the one of the person after ``đối với`` (the term between is dropped, O5).
        Returns the position after ``đối với``, else ``None``."""
        toks = self.toks
        k = j
        while k < min(self.n, j + 12) and (
            toks[k].key in ("khóa", "khoá", "nhiệm", "kỳ") or toks[k].text in (",", *_DASHES)
            or toks[k].text.isdigit() or re.fullmatch(r"[IVXLC]+", toks[k].text)
        ):
            k += 1
        if k + 1 < self.n and toks[k].key == "đối" and toks[k + 1].key == "với":
            return k + 2
        return None

    def honorific_names(self) -> list[tuple[int, int, bool, int]]:
        """Every honorific + name in the block: subjects that an appointment cue can attach to.

        Returns (start, end, short, group). After a plural honorific (``các đồng chí``, ``hai ông``) every
        name of the list that follows is a subject (``các đồng chí A và B được bầu …``, O6). One
        capitalised syllable after an honorific (``Đồng chí Kiên đồng thời là …``) is a short
        reference, resolved later against the full names of the article.
        """
        toks = self.toks
        out: list[tuple[int, int, bool, int]] = []
        i = 0
        while i < self.n:
            # The honorific's word-boundary test (``_inside_word``) is made last, only when a name
            # follows it: most honorific words (``người``, ``ông`` …) open no name, and the test may
            # segment the sentence. Either way a failed test moves on by one token, as before.
            h = _honorifics().match(toks, i, word_start=False)
            if h is None or h.kind not in ("honorific", "rank"):
                i += 1
                continue
            b = i + len(h.words)
            plural = self._plural_before(i)
            if plural and b + 1 < self.n and toks[b].text == "," and (h2 := _is_honorific_at(toks, b + 1)):
                b += 1 + len(h2.words)  # ``các ông, bà A, B``: coordinated honorifics
            if plural and b < self.n and toks[b].text == ":":
                b += 1
                self.lists.append((i, b))  # ``Ba đồng chí: A, t1; B, t2 …``
            e = min(_cap_run_end(toks, b, self.n), b + _max_name(toks[b : b + 1]))
            if e - b >= MIN_NAME and _name_ok(toks[b:e], surname=False) and not self._credit_before(b):
                if _inside_word(toks, i):
                    i += 1
                    continue
                out.append((b, e, False, i if plural else -1))
                i = self._list_names(e, out, i) if plural else e
            elif e - b == 1 and self._short_name_ok(b):
                if _inside_word(toks, i):
                    i += 1
                    continue
                out.append((b, e, True, -1))
                i = e
            else:
                i += 1
        return out

    def _plural_before(self, i: int) -> bool:
        """``các``, ``hai``, ``những`` … right before an honorific: it names several people."""
        plural = _cues().get("plural")
        return plural is not None and i > 0 and any(
            plural.match(self.toks, i - n) is not None and len(plural.match(self.toks, i - n).words) == n
            for n in (1, 2) if i - n >= 0
        )

    def _list_names(self, k: int, out: list[tuple[int, int, bool, int]], group: int) -> int:
        """The further names of a list after a plural honorific, joined by ``,`` or ``và``."""
        toks = self.toks
        while k < self.n and (toks[k].text == "," or toks[k].key == "và"):
            b = k + 1
            if b < self.n and toks[b].key == "và":
                b += 1  # ``A, B, và C``
            if _is_honorific_at(toks, b) is not None:
                return k  # ``và đồng chí C``: the main loop reads it
            e = _cap_run_end(toks, b, self.n)
            name = toks[b:e]
            if not MIN_NAME <= e - b <= _max_name(name) or not _name_ok(name, surname=False) or _is_place(name):
                return k
            out.append((b, e, False, group))
            k = e
        return k

    def _short_name_ok(self, b: int) -> bool:
        """One name syllable after an honorific: not a position, organisation or word start."""
        toks = self.toks
        t = toks[b]
        if not t.title_case or _head_at(toks, b) is not None or _organisations().match(toks, b) is not None:
            return False
        if _is_honorific_at(toks, b) is not None or self._credit_before(b):
            return False
        nxt = toks[b + 1] if b + 1 < self.n else None
        # ``Bí thư``: the syllable starts a longer word, not a name.
        return nxt is None or not nxt.text.isalpha() or (nxt.lower and nxt.wstart)


# --------------------------------------------------------------------------- linking


def _text(adoc: ArticleDoc, toks: list[_Tok], s: int, e: int) -> str:
    return adoc.text[toks[s].start : toks[e - 1].end]


def _gap_ok(toks: list[_Tok], s: int, e: int) -> bool:
    """Tokens between a subject and an appointment cue: ``được``, the appointing body, the verb.

    A comma may close the subject's apposition first (``ông X, t1, được bầu làm t2``).
    """
    if e - s > MAX_CUE_GAP:
        return False
    verbs = _cues().get("appoint_verb")
    k = s + 1 if s < e and toks[s].text == "," else s
    while k < e:
        v = verbs.match(toks, k) if verbs else None
        if v is not None:
            k += len(v.words)
            continue
        org = _organisations().match(toks, k)
        if org is not None:
            k += len(org.words)
            continue
        t = toks[k]
        if t.cap or t.key in ("của", "đã", "vừa", "chính thức", "và") or t.text == ",":
            k += 1  # ``… khóa XV, được bầu``; ``tham gia Ban Chấp hành và giữ chức``
            continue
        if t.key in ("khóa", "khoá", "nhiệm", "kỳ") or t.text.isdigit() or t.text in _DASHES:
            k += 1  # the term of the subject's title (``Chủ tịch HĐND xã khóa IX được bầu …``, O5)
            continue
        return False
    return True


def _coordinated(toks: list[_Tok], a_end: int, b_start: int) -> bool:
    """Two subjects joined by ``và`` or a comma, list dashes and honorifics only (O6)."""
    seen = False
    k = a_end
    while k < b_start:
        t = toks[k]
        if t.key == "và" or t.text == ",":
            seen = True
            k += 1
            continue
        if t.text in _DASHES or t.text in ("+", "*", "•"):
            k += 1
            continue
        h = _is_honorific_at(toks, k)
        if h is not None:
            k += len(h.words)
            continue
        return False
    return seen


def _scan_block(adoc: ArticleDoc, toks: list[_Tok]) -> list[tuple[_Person, list[_Tok]]]:
    # Persons come only from title chains (each starts at a position head) and from honorific
    # names: a block with neither lexicon in it has none, and need not be scanned token by token.
    block = toks[0].block
    if not block.table(_positions()).starts and not block.table(_honorifics()).starts:
        return []
    sc = _Scanner(toks)
    chains = sc.chains()
    persons: list[_Person] = []

    def person(b: int, e: int, span_end: int, short: bool = False) -> _Person:
        for p in persons:
            # ``Chá A Páo`` read from a list, ``A Páo`` from its apposition: one person.
            if p.first == b or (p.first < b < p.last and e == p.last):
                p.span_end = max(p.span_end, span_end)
                return p
        p = _Person(_text(adoc, toks, b, e), b, e, span_end, short=short)
        persons.append(p)
        return p

    # Subjects named with an honorific, even before any title is known.
    for b, e, short, group in sc.honorific_names():
        person(b, e, e, short).group = group
    for lid, start in sc.lists:
        for b, e in sc.listed_people(start):
            person(b, e, e).listed = lid

    shared: list[tuple[int, list[_Title]]] = []  # (list start, titles) of ``các Ủy viên …: A, t1; B, t2``
    for chain in chains:
        titles = chain.titles
        list_start = sc.heads_a_list(chain)
        if list_start is not None:
            shared.append((list_start, titles))
            for b, e in sc.listed_people(list_start):
                person(b, e, e)
            continue
        left = sc.left_name(titles[0].start) if chain.cue is None else None
        if left is None and chain.cue is None:
            # ``Đồng chí Kiên, Chủ tịch UBND xã``: a short reference with its apposition.
            s0 = titles[0].start
            short_p = next((p for p in persons if p.short and p.last == s0 - 1 and s0 >= 1
                            and toks[s0 - 1].text in _LEFT_SEPS), None)
            if short_p is not None:
                left = (short_p.first, short_p.last, True)
        subjects_first = chain.cue is not None and _cue_subjects(toks, persons, chain.cue[0])
        if left is None and not subjects_first:
            # Title before the name: split names off the capitalised runs that end titles.
            for t in titles:
                run_end = t.end
                run_start = run_end
                while run_start > t.start and toks[run_start - 1].title_case:
                    run_start -= 1
                head_end = t.start + (_head_at(toks, t.start) or (0, None))[0]
                run_start = max(run_start, head_end)
                prev = _organisations().match_ending(toks, run_start)
                k = _split_name(toks, run_start, run_end, _kind_class(prev))
                if k is not None:
                    t.name = (k, run_end)
                    t.end = k
        owner: _Person | None = None
        if left is not None:
            owner = person(left[0], left[1], titles[-1].end)
            # ``hai đồng chí A và B – Phó Chủ tịch UBND xã``: the apposition after the last name
            # of a plural list belongs to every name of it.
            owners = [owner]
            if owner.group >= 0 and not any(p.group == owner.group and p.first > owner.first for p in persons):
                owners = [p for p in persons if p.group == owner.group]
            for o in owners:
                o.span_end = max(o.span_end, titles[-1].end)
                for t in titles:
                    o.titles.append((t.start, t.end, t.head))
            continue
        if chain.cue is not None:
            subjects = _cue_subjects(toks, persons, chain.cue[0])
            for p in subjects:
                p.span_end = max(p.span_end, titles[-1].end)
                for t in titles:
                    p.titles.append((t.start, t.end, t.head))
            if subjects:
                continue
            pro = _pronoun_subject(toks, chain.cue[0])
            if pro is not None:
                p = _Person("", pro, pro, titles[-1].end, pronoun=True)
                persons.append(p)
                for t in titles:
                    p.titles.append((t.start, t.end, t.head))
                continue
        pending: list[_Title] = []
        for t in titles:
            pending.append(t)
            if t.name is not None:
                owner = person(t.name[0], t.name[1], t.name[1])
                for p in pending:
                    owner.titles.append((p.start, p.end, p.head))
                if sc.plural_title(titles[0].start):
                    # ``các Phó Chủ tịch UBND tỉnh A, B và C``: every name of the list holds it (O6).
                    for b, e in sc.names_listed(t.name[1]):
                        other = person(b, e, e)
                        for p in pending:
                            other.titles.append((p.start, p.end, p.head))
                pending = []
        if pending and owner is not None:
            # ``t1 Name – t2``: the titles after the name are its apposition.
            for p in pending:
                owner.titles.append((p.start, p.end, p.head))
            owner.span_end = max(owner.span_end, pending[-1].end)
        elif pending:
            s0 = titles[0].start
            opens = s0 == 0 or toks[s0 - 1].text in ("|", "-", "–", "—", "*", "•", "+")
            right = sc.right_name(titles[-1].end, opens=opens)
            if right is not None:
                owner = person(right[0], right[1], right[1])
                for p in pending:
                    owner.titles.append((p.start, p.end, p.head))
    for start, titles in shared:
        # Every person named in the list, up to the end of its sentence, holds the shared title (O6).
        end = next((k for k in range(start, len(toks)) if toks[k].text in (".", "!", "?")), len(toks))
        for p in persons:
            if start <= p.first < end:
                p.titles[:0] = [(t.start, t.end, t.head) for t in titles]
    return [(p, toks) for p in persons]


def _pronoun_subject(toks: list[_Tok], cue_start: int) -> int | None:
    """``Bà đã kinh qua các chức vụ …``, ``Năm 2019, bà được điều động làm …``: a clause whose
    subject is a bare honorific (no name after it) right before an appointment cue, opening the
    sentence or following a comma. Returns the honorific's position, else ``None``."""
    for h in range(cue_start - 1, -1, -1):
        if h > 0 and toks[h - 1].text != ",":
            continue
        e = _is_honorific_at(toks, h)
        if e is None or e.kind != "honorific":
            continue
        b = h + len(e.words)
        if b < cue_start and toks[b].title_case:
            return None  # a name follows: not a pronoun
        return h if _gap_ok(toks, b, cue_start) else None
    return None


def _cue_subjects(toks: list[_Tok], persons: list[_Person], cue_start: int) -> list[_Person]:
    """The person (and the persons coordinated with it) an appointment cue follows."""
    before = sorted((p for p in persons if p.span_end <= cue_start), key=lambda p: p.first)
    if not before:
        return []
    last = max(before, key=lambda p: p.span_end)
    if not _gap_ok(toks, last.span_end, cue_start):
        return []
    if last.listed >= 0:
        return [p for p in before if p.listed == last.listed]
    group = [last]
    idx = before.index(last)
    while idx > 0:
        prev = before[idx - 1]
        if prev.span_end <= group[0].first and _coordinated(toks, prev.span_end, group[0].first):
            group.insert(0, prev)
            idx -= 1
        else:
            break
    return group


# --------------------------------------------------------------------------- output


def _title_parts(toks: list[_Tok], s: int, e: int) -> tuple[str | None, str | None]:
    """The organisation and the place a title gives (``UBND`` / ``xã Phong Hải``), normalised."""
    orgs = _organisations()
    org: str | None = None
    place: str | None = None
    k = s
    while k < e:
        m = orgs.match(toks, k)
        if m is None:
            k += 1
            continue
        if m.kind in ("place", "abbr-place"):
            b = k + len(m.words)
            r = _cap_run_end(toks, b, e)
            if r > b and place is None:
                place = m.value + " " + " ".join(t.text for t in toks[b:r])
            k = max(r, b)
            continue
        if org is None:
            org = m.value
        k += len(m.words)
        r = _cap_run_end(toks, k, e)
        if place is None and r > k and _is_place(toks[k:r]):
            place = " ".join(t.text for t in toks[k:r])  # ``Tỉnh ủy Lâm Đồng``
    return org, place


def _clean_title(text: str) -> str:
    text = text.strip().rstrip(",;:–-—(").strip()
    # Balance a dangling "(" left by a trailing-parenthesis title.
    if text.count("(") > text.count(")"):
        text = text[: text.rfind("(")].strip()
    return text


def _same_position(a: str, b: str) -> bool:
    """O3: one written form extends the other from the start (``Bí thư Đảng ủy`` ⊂ ``… xã X``)."""
    fa, fb = fold(a), fold(b)
    short, long_ = (fa, fb) if len(fa) <= len(fb) else (fb, fa)
    return long_ == short or long_.startswith(short + " ")


def extract(adoc: ArticleDoc) -> list[Fact]:
    """Officials of one article: one Fact per person, titles merged, offsets at the name."""
    merged: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    found: list[tuple[_Person, list[_Tok]]] = []
    for toks in _blocks(adoc):
        try:
            found.extend(_scan_block(adoc, toks))
        except Exception:
            log.debug("officials: block at %d failed", toks[0].start if toks else -1, exc_info=True)
            continue
    full_names = {fold(p.name): p.name for p, _ in found if not p.short and not p.pronoun}
    last_named: str | None = None
    for p, btoks in found:
        if p.pronoun:
            # ``Bà Hoàng Thị Yến quê ở … Bà đã kinh qua các chức vụ …``: the person named last.
            if last_named is None:
                continue
            p.name = last_named
        elif not p.short:
            last_named = p.name
        if not p.titles:
            continue
        if p.short:
            # ``Đồng chí Kiên đồng thời là …``: the one full name of the article it abbreviates.
            name = _expand_short(p.name, full_names)
            if name is None:
                continue
            p.name = name
        key = fold(p.name)
        entry = merged.get(key)
        if entry is None:
            entry = {"name": p.name, "titles": [], "_roles": [], "_organisations": [], "_places": []}
            merged[key] = entry
            order.append(key)
        for s, e, head in p.titles:
            if e <= s:
                continue
            title = _clean_title(_text(adoc, btoks, s, e))
            if not title:
                continue
            org, place = _title_parts(btoks, s, e)
            _add_title(entry, title, head.value, org, place)
    _merge_cut_names(merged, order)
    facts: list[Fact] = []
    for key in order:
        data = merged[key]
        if not data["titles"]:
            continue
        mentions = _mentions(adoc, data["name"])
        if not mentions:
            continue
        start, end, sent = mentions[0]
        facts.append(Fact("officials", data, start, end, sent, mentions))
    return facts


def _merge_cut_names(merged: dict[str, dict[str, Any]], order: list[str]) -> None:
    """A name of three or more syllables that begins another name of the article, with a title
    the two share, is that person's name cut short (a caption's ``Phó Chủ tịch UBND xã Phạm Thị
    Kim`` beside ``Phạm Thị Kim Oanh``): its titles go to the full name."""
    for key in list(order):
        words = key.split()
        if len(words) < 3:
            continue
        longer = [k for k in order if k != key and k.startswith(key + " ")]
        if len(longer) != 1:
            continue
        short, full = merged[key], merged[longer[0]]
        if not any(_same_position(a, b) for a in short["titles"] for b in full["titles"]):
            continue
        for i, title in enumerate(short["titles"]):
            _add_title(full, title, short["_roles"][i], short["_organisations"][i], short["_places"][i])
        order.remove(key)
        del merged[key]


def _expand_short(short: str, full_names: dict[str, str]) -> str | None:
    """The full name a one-syllable reference stands for: its given name (``Kiên`` for
    ``Trương Văn Kiên``) or else its family name, when exactly one person of the article fits."""
    key = fold(short)
    for pos in (-1, 0):
        hits = {k for k in full_names if k.split()[pos] == key}
        if len(hits) == 1:
            return full_names[hits.pop()]
        if hits:
            return None
    return None


def _add_title(entry: dict[str, Any], title: str, role: str, org: str | None, place: str | None) -> None:
    """Merge one title into a person's entry, keeping the longest written form (O3)."""
    for i, old in enumerate(entry["titles"]):
        if _same_position(old, title):
            if len(title) > len(old):
                entry["titles"][i] = title
                entry["_organisations"][i] = org or entry["_organisations"][i]
                entry["_places"][i] = place or entry["_places"][i]
            return
    entry["titles"].append(title)
    entry["_roles"].append(role)
    entry["_organisations"].append(org)
    entry["_places"].append(place)


def _mentions(adoc: ArticleDoc, name: str) -> list[tuple[int, int, int]]:
    """Every (start, end, sentence) where the name is written, in text order."""
    out = []
    try:
        pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
        for m in pattern.finditer(adoc.text):
            out.append((m.start(), m.end(), adoc.sentence_at(m.start()).index))
    except Exception:
        log.debug("officials: mentions of %r failed", name, exc_info=True)
    return out
