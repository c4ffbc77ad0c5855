"""Administrative units named in an article (spec §1, NOTES U1–U13).

A unit is read where the text types it: a type word followed by a capitalised name
(``xã Đông Giang``, ``TP. Thái Nguyên``, ``thị xã Đông Triều``), an organisation head that implies
a type (``Tỉnh ủy Lâm Đồng``), or one type word spreading over an enumeration (``các xã: A, B và
C``). Province names count bare (``tại Hà Tĩnh``) because a province name is unambiguous enough;
commune names count bare only when the article types them somewhere, and then add nothing new.

Where the name ends is the hard part: Vietnamese names and the words after them are both
capitalised (``UBND xã Tân Thành Bình Trần Quan Vinh``). The gazetteer (2025 and pre-2025 units)
gives the longest known name; an unknown capitalised run is kept only when it does not look like
a person's name or an ordinary phrase cut in the middle of a word.

Names of the Central Highlands are looked up through their spelling variants (`Đăk`/`Đắk`,
`Ya`/`Ia`, with or without the apostrophe) and merged into one unit; units whose written parents
run up to a foreign country are not Vietnam's; a province name after a unit that lies in it is that
unit's province, even where a ward carries the province's name (`phường Đông Hà, Quảng Trị`).

The province comes from the text first (``xã X, tỉnh Y``, ``xã X (Y)``, ``… thuộc quận Z``), then
from the gazetteer narrowed by the article's own provinces and the source site's province; when
several provinces remain it is ``None`` and the candidate codes go to ``_candidates``.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from nlp.document import TOKEN_RE, ArticleDoc, get_nlp
from nlp.facts import Fact
from nlp.gazetteer import Candidate, Gazetteer, get_gazetteer, name_key, variant_key
from nlp.normalize import fold, normalize_text

log = logging.getLogger(__name__)

__all__ = ["extract"]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MAX_NAME_TOKENS = 7  # "Bà Rịa - Vũng Tàu", "Nông trường Phong Hải", "Hai Bà Trưng"
PROVINCE_LEVEL = "province"
ABOLISHED = {"huyện", "quận", "thị xã", "thị trấn"}
_ENUM_SEPARATORS = {",", ";", "và", "cùng", "với", "&"}
_DASHES = {"-", "–", "—"}
# Between a unit and the larger unit that holds it: `xã X, tỉnh Y`, `xã X (Y)`, `X thuộc quận Z`.
_PARENT_GLUE = {",", "(", "-", "–", "—", "thuộc", "của", "trực", ":"}


# ---------------------------------------------------------------------------------------- data
def _lines(name: str) -> list[str]:
    path = DATA_DIR / name
    if not path.exists():
        log.warning("data file %s missing", path)
        return []
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


def _tsv(name: str) -> list[list[str]]:
    return [[c.strip() for c in ln.split("\t")] for ln in _lines(name)]


@dataclass(frozen=True)
class _Resources:
    """Matchers and vocabularies, built once per process."""

    matcher: PhraseMatcher
    province_matcher: PhraseMatcher
    type_of: dict[str, tuple[str, str]]  # match label → (type, name prefix)
    head_of: dict[str, str]  # match label → implied type ("" for none)
    alias_unit: dict[str, tuple[str, str]]  # name key of a province alias → (type, unit name)
    blockers: frozenset[str]
    surnames: frozenset[str]
    name_stop: frozenset[str]
    markers: dict[str, str]
    max_marker: int
    province_keys: frozenset[str]
    plural: frozenset[str]  # `các`, `những`, `hai`, `một số`: a plural type phrase
    list_intro: frozenset[str]  # `như`, `gồm`, `là`, `:`, `(`: its names follow
    gap_stop: frozenset[str]  # `của`, `thuộc`, `trên`: the names after it are not its units
    enum_stop: frozenset[str]  # `Trung tâm`, `Công an`: a clause head, not another unit name
    # Spelling-variant key → the gazetteer's name keys (`đăk mil` → `đắk mil`, `ya ly` → `ia li`).
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    descriptors: frozenset[str] = frozenset()  # `vùng cao`, `biên giới`: between a type word and its name
    foreign: frozenset[str] = frozenset()  # `Campuchia`, `Lào`: the units before them are not Vietnam's


def _pattern(text: str) -> Doc:
    nlp = get_nlp()
    words = TOKEN_RE.findall(normalize_text(text))
    return Doc(nlp.vocab, words=words, spaces=[False] * len(words))


@functools.lru_cache(maxsize=1)
def _resources() -> _Resources:
    gaz = get_gazetteer()
    nlp = get_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    type_of: dict[str, tuple[str, str]] = {}
    for i, row in enumerate(_tsv("unit_types.tsv")):
        surface, utype = row[0], row[1]
        prefix = row[2] if len(row) > 2 else ""
        label = f"TYPE{i}"
        type_of[label] = (utype, prefix)
        matcher.add(label, [_pattern(surface)])
    head_of: dict[str, str] = {}
    for i, row in enumerate(_tsv("unit_org_heads.tsv")):
        label = f"HEAD{i}"
        head_of[label] = "" if row[1] == "-" else row[1]
        matcher.add(label, [_pattern(row[0])])

    province_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    alias_unit: dict[str, tuple[str, str]] = {}
    for row in _tsv("unit_province_aliases.tsv"):
        if len(row) >= 4:
            # The reported name is the alias as written unless the file expands it (`TP.HCM`).
            written = fold(row[3]) == fold(row[0])
            alias_unit[name_key(row[0])] = (row[2], "" if written else row[3])
    names = {c.name for c in gaz.provinces} | {c.name for c in gaz.old if c.level == PROVINCE_LEVEL}
    names |= {row[0] for row in _tsv("unit_province_aliases.tsv")}
    province_matcher.add("PROVINCE", [_pattern(n) for n in sorted(names)])
    markers = {name_key(r[0]): r[1] for r in _tsv("unit_markers.tsv")}
    return _Resources(
        matcher=matcher,
        province_matcher=province_matcher,
        type_of=type_of,
        head_of=head_of,
        alias_unit=alias_unit,
        blockers=frozenset(name_key(x) for x in _lines("unit_bare_blockers.txt")),
        surnames=frozenset(name_key(x) for x in _lines("unit_person_surnames.txt")),
        name_stop=frozenset(name_key(x) for x in _lines("unit_name_stop.txt")),
        markers=markers,
        max_marker=max((len(k.split()) for k in markers), default=1),
        province_keys=frozenset(gaz.province_names()),
        plural=frozenset(name_key(x) for x in _lines("unit_plural_words.txt")),
        list_intro=frozenset(name_key(x) for x in _lines("unit_list_intro.txt")),
        gap_stop=frozenset(name_key(x) for x in _lines("unit_list_gap_stop.txt")),
        enum_stop=frozenset(name_key(x) for x in _lines("unit_enum_stop.txt")),
        variants=gaz.variants,
        descriptors=frozenset(name_key(x) for x in _lines("unit_descriptors.txt")),
        foreign=frozenset(name_key(x) for x in _lines("unit_foreign_countries.txt")),
    )


def lookup(gaz: Gazetteer, name: str, utype: str | None = None) -> list[Candidate]:
    return gaz.lookup_any_spelling(name, utype)


# ------------------------------------------------------------------------------------ mentions
@dataclass
class _Mention:
    """One place in the text that names a unit."""

    type: str
    name: str
    start: int  # char offsets of the evidence (the name, or the whole mention when expanded)
    end: int
    tok_start: int  # token span of the whole mention, type word included
    tok_end: int
    typed: bool = True
    period: str | None = None  # "old" | "new" | None
    group: int = -1  # enumeration group: items share a parent
    parent: _Mention | None = None
    province_hint: str | None = None  # a 2025 province given right after the name


@dataclass
class _Unit:
    type: str
    name: str
    mentions: list[_Mention] = field(default_factory=list)


def _is_cap(tok: Token) -> bool:
    return _cap(tok.text)


def _cap(t: str) -> bool:
    return bool(t) and t[0].isalpha() and t[0].isupper()


def _is_word(tok: Token) -> bool:
    return tok.text.isalpha()


def _same_line(doc: Doc, a: int, b: int) -> bool:
    """No line break between tokens a and b (inclusive range a..b-1 joined)."""
    return not any(doc[i].is_space or "\n" in doc[i].whitespace_ for i in range(a, b))


class _Reader:
    """Reads unit names off the token stream of one article."""

    def __init__(self, adoc: ArticleDoc, res: _Resources, gaz: Gazetteer) -> None:
        self.adoc = adoc
        self.doc = adoc.doc
        self.text = adoc.text
        self.res = res
        self.gaz = gaz
        self.keys = gaz.all_name_keys()
        # The Doc's tokens as plain lists: the hot helpers below read these, not spaCy Tokens.
        self.texts = adoc.analysis.tokens
        self.starts = adoc.analysis.starts
        # Type words coordinated with a plural one (`các xã, phường như …`): read with its list.
        self.shared_types: set[int] = set()

    # -- token helpers
    def span_text(self, i: int, j: int) -> str:
        return self.text[self.starts[i] : self.starts[j - 1] + len(self.texts[j - 1])]

    def glued(self, i: int) -> bool:
        """Token i is glued to the next one (no whitespace): `H'leo`, `C-Thái`."""
        return self.doc[i].whitespace_ == ""

    def inside_name(self, i: int) -> bool:
        """Token i continues a capitalised name that starts before it (`Trần Văn Phường`).

        A capitalised word that only opens the sentence (`Tại Hà Tĩnh`) does not count, unless it
        is a family name; all-caps words (`UBND`) are abbreviations, not names.
        """
        prev = _prev_word(self.doc, i)
        if prev is None or prev.whitespace_ != " " or not _is_word(prev) or not _is_cap(prev):
            return False
        if prev.text.isupper() and len(prev.text) > 1:
            return False
        if prev.is_sent_start or (prev.i > 0 and self.doc[prev.i - 1].text in "(\"“'‘:;-–—•*>"):
            return name_key(prev.text) in self.res.surnames
        return True

    def name_end_ok(self, i: int, j: int) -> bool:
        """Tokens i..j-1 sit on one line, separated by single spaces or glued by `-`/`'`."""
        texts = self.texts
        for k in range(i, j):
            # (A token's trailing whitespace is "" or " ": gaps and line breaks are tokens.)
            t = texts[k]
            if t.isspace():
                return False
            if not (t.isalpha() or t.isdigit() or t in _DASHES or t in "'’"):
                return False
        return not (texts[i] in _DASHES or texts[j - 1] in _DASHES)

    def gazetteer_match(self, i: int, province_only: bool = False) -> int:
        """Length in tokens of the longest gazetteer name starting at token i (0 when none)."""
        n = len(self.doc)
        for k in range(min(MAX_NAME_TOKENS, n - i), 0, -1):
            if not self.name_end_ok(i, i + k):
                continue
            key = name_key(self.span_text(i, i + k))
            if (key in self.res.province_keys) if province_only else (
                key in self.keys or variant_key(key) in self.res.variants
            ):
                toks = self.texts[i : i + k]
                if any(_cap(t) for t in toks) and (_cap(toks[0]) or k > 1):
                    # `các xã như Xuân Hòa` is not the district Như Xuân: a lowercase list word
                    # opens the list, it does not start the name (`xã phong Hải` still does).
                    if not _cap(toks[0]) and name_key(toks[0]) in self.res.list_intro:
                        continue
                    return k
        return 0

    def capital_run(self, i: int) -> int:
        """Length of the run of capitalised syllables (or numbers) starting at token i."""
        n = len(self.doc)
        k = 0
        while i + k < n and k < MAX_NAME_TOKENS:
            tok = self.doc[i + k]
            if tok.is_space:
                break
            if _is_cap(tok) and _is_word(tok):
                k += 1
            elif (
                tok.text in "'’-"
                and k > 0
                and self.glued(i + k - 1)
                and self.glued(i + k)
                and i + k + 1 < n
                and _is_word(self.doc[i + k + 1])
            ):
                k += 2  # `Ea H'Leo`, `Cư M'gar`: apostrophe or hyphen inside one name
                continue
            else:
                break
            if self.doc[i + k - 1].whitespace_ not in ("", " "):
                break
        return k

    def read_name(self, i: int, utype: str, strict: bool = False) -> int:
        """Tokens of the unit name starting at token i for a unit of type ``utype`` (0: none)."""
        doc = self.doc
        if i >= len(doc) or doc[i].is_space:
            return 0
        first = doc[i]
        if first.text.isdigit():
            # `Phường 12`, `Quận 3`: numbered urban units; other types take no numbers.
            return 1 if utype in ("phường", "quận") and len(first.text) <= 2 else 0
        if utype == "tỉnh":
            return self.gazetteer_match(i, province_only=True)
        g = self.gazetteer_match(i)
        if g:
            return self._longer_than_known(i, g)
        r = self.capital_run(i)
        if r == 0:
            return 0
        toks = [doc[i + k] for k in range(r)]
        keys = [name_key(t.text) for t in toks]
        if keys[0] in self.res.name_stop:
            return 0
        if all(t.text.isupper() and len(t.text) > 1 for t in toks) and r > 3:
            return 0  # an unknown ALL-CAPS run is a headline, not a name
        # A run that runs into a family name is a unit followed by a person (`xã X Trần Văn A`).
        for k in range(1, r):
            if keys[k] in self.res.surnames and r - k >= 2:
                r = k
                break
        if keys[0] in self.res.surnames and r >= 3:
            return 0  # `UBND tỉnh Bùi Thanh An`: a person, not a place
        if r > 4:
            return 0  # an unknown five-word capitalised run is a Title-Case headline, not a name
        nxt = i + r
        if strict:
            if r < 2 and not self.gaz.has_name(doc[i].text):
                return 0
            if (
                nxt < len(doc)
                and _is_word(doc[nxt])
                and name_key(doc[nxt].text)
                not in ({"và", "thuộc", "của", "cũ", "mới", "cùng", "với"} | set(self.res.markers))
            ):
                return 0
        # The run stops inside a word (`Hội Nông | dân`): an ordinary phrase, not a name. Asked
        # last, as the word boundary may cost segmenting the sentence.
        if nxt < len(doc) and _is_word(doc[nxt]) and not _is_cap(doc[nxt]) and not doc[nxt]._.wstart:
            return 0
        return r

    def _longer_than_known(self, i: int, g: int) -> int:
        """The name's length when the gazetteer knows only its first ``g`` syllables: the whole
        capitalised run when one or two more syllables close it (``xã Quế Trung, huyện …``, a unit
        merged away before the gazetteer's time), else ``g``. A run that goes on into a family name,
        a known place, a word cut in two or a Title-Case headline is not one name."""
        doc = self.doc
        r = self.capital_run(i)
        if r <= g or r - g > 2 or r > 4:
            return g
        ext = [doc[i + k] for k in range(g, r)]
        if name_key(ext[0].text) in self.res.surnames or self.gaz.has_name(" ".join(t.text for t in ext)):
            return g
        if any(t.text.isupper() and len(t.text) > 1 for t in ext):
            return g
        nxt = i + r
        if nxt < len(doc) and (_is_cap(doc[nxt]) or (_is_word(doc[nxt]) and not doc[nxt]._.wstart)):
            return g
        return r

    def marker_after(self, j: int) -> tuple[str | None, int]:
        """`(cũ)`, `cũ`, `(mới)` right after token j-1: the period and the tokens it takes."""
        doc = self.doc
        k = j
        opened = k < len(doc) and doc[k].text == "("
        if opened:
            k += 1
        for size in range(self.res.max_marker, 0, -1):
            if k + size > len(doc):
                continue
            if not all(_is_word(doc[x]) and not _is_cap(doc[x]) or doc[x].text.islower() for x in range(k, k + size)):
                continue
            period = self.res.markers.get(name_key(self.span_text(k, k + size)))
            if period:
                end = k + size
                if opened and end < len(doc) and doc[end].text == ")":
                    end += 1
                return period, end
        return None, j

    # -- enumerations
    def title_case(self, i: int, j: int) -> bool:
        """Every word of tokens i..j-1 starts with a capital, as a proper name is written; the
        syllable glued after an apostrophe may be lowercase (`Cư M’gar`, `Ea H'leo`)."""
        doc = self.doc
        return all(
            _is_cap(t)
            for t in doc[i:j]
            if _is_word(t) and not (t.i > i and doc[t.i - 1].text in "'’" and doc[t.i - 1].whitespace_ == "")
        )

    def phrase_at(self, i: int, vocab: frozenset[str], longest: int = 3) -> int:
        """Tokens of the longest phrase of ``vocab`` starting at token i, on one line (0: none)."""
        doc = self.doc
        firsts = _first_words(vocab)
        if firsts is not None and i < len(doc):
            word = _LEADING_WORD.match(name_key(doc[i].text))
            if word is None or word.group() not in firsts:  # most tokens start no phrase: no span built
                return 0
        for size in range(min(longest, len(doc) - i), 0, -1):
            if _same_line(doc, i, i + size) and name_key(self.span_text(i, i + size)) in vocab:
                return size
        return 0

    def ends_enumeration(self, k: int) -> bool:
        """Token k opens a clause head (`Trung tâm Phục vụ …`, `Công an xã`), not another name.

        A name the gazetteer knows, written in Title Case and not run on into more capitalised
        words, is still a name (`Trung Tâm`, `Hội An`, `Đoàn Kết`).
        """
        if not self.phrase_at(k, self.res.enum_stop):
            return False
        g = self.gazetteer_match(k)
        if not g or not self.title_case(k, k + g):
            return True
        nxt = k + g
        return nxt < len(self.doc) and _is_cap(self.doc[nxt]) and self.doc[nxt - 1].whitespace_ == " "

    def listed_name(self, k: int) -> bool:
        """Token k starts a short Title-Case name that a list goes on from (`Đội Cung, …`,
        `Đội Cung của …`), not a clause head such as `Trung tâm Phục vụ …` or `Hội Nông dân`."""
        doc = self.doc
        r = self.capital_run(k)
        if not 2 <= r <= 4 or any(t.text.isupper() for t in doc[k : k + r]):
            return False
        nxt = k + r
        if nxt >= len(doc) or doc[nxt].is_space or doc[nxt - 1].whitespace_ not in ("", " "):
            return True
        after = doc[nxt].text.lower()
        return after in _ENUM_SEPARATORS | {"(", ")", ".", ";", "của", "thuộc"} or self.marker_after(nxt)[0] is not None

    def type_at(self, k: int) -> tuple[str, int] | None:
        """The unit type word starting at token k and where it ends (`phường`, `đặc khu`)."""
        doc = self.doc
        if k >= len(doc):
            return None
        best: tuple[str, int] | None = None
        for span in self.res.matcher(doc[k : min(k + 4, len(doc))], as_spans=True):
            label = doc.vocab.strings[span.label]
            # Spans over a slice keep the document's token offsets.
            if span.start == k and label in self.res.type_of and (best is None or span.end > best[1]):
                best = (self.res.type_of[label][0], span.end)
        return best

    def plural_before(self, s: int) -> bool:
        """The type word at token s is plural: `các xã`, `những phường`, `03 xã`, `một số xã`."""
        doc = self.doc
        if s == 0 or doc[s - 1].is_space or not _same_line(doc, s - 1, s + 1):
            return False
        prev = doc[s - 1].text
        if prev.isdigit():
            return True
        return any(s - size >= 0 and name_key(self.span_text(s - size, s)) in self.res.plural for size in (1, 2))


def _prev_word(doc: Doc, i: int) -> Token | None:
    return doc[i - 1] if i > 0 and not doc[i - 1].is_space else None


def _blocked(reader: _Reader, i: int) -> bool:
    """A place name at token i preceded by a street/branch/person word, or glued to a prefix."""
    doc = reader.doc
    if i > 0 and doc[i - 1].whitespace_ == "" and doc[i - 1].text in _DASHES | {"'", "’", "/", "@", "#", "."}:
        return True  # `C-Thái Nguyên`, `#LàoCai`, `www.x.Lào`
    for size in (3, 2, 1):
        if i - size < 0:
            continue
        if not _same_line(doc, i - size, i):
            continue
        if name_key(reader.span_text(i - size, i)) in reader.res.blockers:
            return True
    return False


# ----------------------------------------------------------------------------------- scanning
def _typed_mentions(reader: _Reader) -> list[_Mention]:
    doc, res = reader.doc, reader.res
    matches = res.matcher(doc, as_spans=True)
    # Longest match wins where matches overlap (`thị xã` over `xã`, `thị trấn nông trường`).
    matches = sorted(matches, key=lambda s: (s.start, -(s.end - s.start)))
    chosen = []
    last_end = -1
    for span in matches:
        if span.start >= last_end:
            chosen.append(span)
            last_end = span.end
    mentions: list[_Mention] = []
    group = 0
    for span in chosen:
        try:
            if span.start in reader.shared_types:
                continue  # `4 phường, xã: A, B`: the list after coordinated type words is read once
            label = doc.vocab.strings[span.label]
            group += 1
            mentions.extend(_read_typed(reader, span.start, span.end, label, group))
        except Exception:  # one odd spot must not lose the article
            log.debug("unit mention at token %d failed", span.start, exc_info=True)
    return mentions


def _read_typed(reader: _Reader, s: int, e: int, label: str, group: int) -> list[_Mention]:
    doc, res = reader.doc, reader.res
    if label in res.type_of:
        utype, prefix = res.type_of[label]
    else:
        utype, prefix = res.head_of[label], ""
        if not utype:
            return []
    first = doc[s]
    # A capitalised type word inside a person's name: `cụ Trần Văn Phường` (U8).
    if _is_cap(first) and label in res.type_of and reader.inside_name(s):
        return []
    j = e
    # `TP.`, `Tp.`: the abbreviation's dot; `Các xã:` / `xã -`: an enumeration or heading follows.
    if (
        j < len(doc)
        and doc[j].text == "."
        and (first.text.isupper() or first.text in ("Tp", "T"))
        and len(first.text) <= 4
    ):
        j += 1
    if j < len(doc) and doc[j].text == ":":
        j += 1
    if label not in res.type_of and j < len(doc) and doc[j].lower_ == utype.split()[0]:
        return []  # `Quận ủy Quận 4`: the type word after the head reads the unit itself
    out: list[_Mention] = []
    province_only = utype == "tỉnh"
    plural = label in res.type_of and reader.plural_before(s)
    while True:
        # An enumeration goes on over names only: `thành phố Hải Phòng mới, Trung tâm Phục vụ …`
        # and `xã Lao Bảo, xã có …, Công an xã` stop at the clause head. After a plural type word
        # a short Title-Case name that the list goes on from is still a name (`các phường Lê Mao,
        # Đội Cung, Cửa Nam`, U5).
        if out and reader.ends_enumeration(j) and not (plural and reader.listed_name(j)):
            break
        size = reader.read_name(j, utype, strict=bool(out))
        if not size or (out and not reader.title_case(j, j + size)):
            break
        if out and not province_only and not _fits_type(reader.gaz, reader.span_text(j, j + size), utype, plural):
            break  # `TP. Vinh, Thành Vinh có …`: a known name of another type starts a new clause
        if not out and size == 1 and _homograph_start(reader, s, j, label):
            break  # `Xã Đàn là tuyến phố …`: a name that starts with a type word, not a unit
        name_text = _canonical(reader, reader.span_text(j, j + size), utype)
        start, end = doc[j].idx, doc[j + size - 1].idx + len(doc[j + size - 1].text)
        alias = res.alias_unit.get(name_key(name_text))
        if alias and alias[1] not in ("", "-") and alias[0] == utype:
            name_text = alias[1]  # `TP.HCM` → `Hồ Chí Minh`: the evidence is the whole mention
            start = doc[s].idx
        if prefix and not fold(name_text).startswith(fold(prefix)):
            name_text = f"{prefix} {name_text}"
            start = doc[s].idx
        m = _Mention(utype, name_text, start, end, s if not out else j, j + size, group=group)
        period, after = reader.marker_after(j + size)
        m.period = period
        out.append(m)
        # Enumeration: `phường Tân Mai, Giáp Bát và Mai Động`; `Tỉnh ủy Lào Cai – Yên Bái`.
        k = after
        if k < len(doc) and doc[k].text.lower() in _ENUM_SEPARATORS:
            k += 1
        elif province_only and k < len(doc) and doc[k].text in _DASHES:
            k += 1
        else:
            break
        if k < len(doc) and (doc[k].is_space or not _is_cap(doc[k]) and not doc[k].text.isdigit()):
            break
        # The item is itself a province (`xã X, Hà Tĩnh`): province evidence, not another unit, even
        # when a ward has its name, if the unit before lies in that province (`phường Đông Hà,
        # Quảng Trị`: the province, not phường Quảng Trị).
        psize = 0 if province_only else reader.gazetteer_match(k, province_only=True)
        if psize and _province_item(reader, out[-1], reader.span_text(k, k + psize), utype, plural):
            break
        # A type word or head starts its own mention.
        if res.matcher(doc[k : k + 1]) or res.matcher(doc[k : min(k + 3, len(doc))]):
            break
        j = k
    if not out and label in res.type_of and reader.plural_before(s):
        return _deferred_list(reader, e, utype, group)
    if not out and label in res.type_of:
        return _described_unit(reader, e, utype, group)
    return out


def _province_item(reader: _Reader, prev: _Mention, name: str, utype: str, plural: bool = False) -> bool:
    """Is the province name ``name``, listed after the unit ``prev`` of type ``utype``, that unit's
    province rather than another unit of the list? It is when no unit of the type has the name;
    after a singular type word also when ``prev`` lies in that province (`phường Đông Hà, Quảng
    Trị`: a ward named like a province is not the province). After a plural type word the list
    goes on (`các phường Khánh Hậu, Long An`)."""
    if not lookup(reader.gaz, name, utype):
        return True
    if plural:
        return False
    province = reader.gaz.province_2025(name)
    return province is not None and any(c.province == province for c in lookup(reader.gaz, prev.name, utype))


def _described_unit(reader: _Reader, e: int, utype: str, group: int) -> list[_Mention]:
    """A singular type word, descriptive words, then the name (`xã vùng cao Mường Lống`, `xã biên giới
    Ia Mơ`): one unit, read only when the gazetteer knows the name as a unit of that type."""
    doc, res = reader.doc, reader.res
    size = reader.phrase_at(e, res.descriptors)
    if not size:
        return []
    j = e + size
    n = reader.read_name(j, utype, strict=True)
    if not n or not reader.title_case(j, j + n) or not lookup(reader.gaz, reader.span_text(j, j + n), utype):
        return []
    name_text = _canonical(reader, reader.span_text(j, j + n), utype)
    m = _Mention(utype, name_text, doc[j].idx, doc[j + n - 1].idx + len(doc[j + n - 1].text), j, j + n, group=group)
    m.period = reader.marker_after(j + n)[0]
    return [m]


_LEADING_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=64)
def _first_words(vocab: frozenset[str]) -> frozenset[str] | None:
    """The first words of a vocabulary's phrases (keys), so that ``phrase_at`` can tell at once
    that a token starts none of them; None when a phrase starts with no word (then every token
    must be tried)."""
    firsts = set()
    for phrase in vocab:
        word = _LEADING_WORD.match(phrase)
        if word is None:
            return None
        firsts.add(word.group())
    return frozenset(firsts)


def _foreign(reader: _Reader, m: _Mention) -> bool:
    """Do the parents written after the mention run up to a foreign country (`xã Ka Liêng (huyện
    Sa Mây, tỉnh Attapư, Lào)`, `tỉnh Y (Campuchia)`)? Then it is no unit of
    Vietnam. The walk crosses commas, brackets, dashes, type words and capitalised names only."""
    doc, res = reader.doc, reader.res
    if not res.foreign:
        return False
    n = len(doc)
    k = m.tok_end
    limit = min(n, k + 25)
    while k < limit:
        tok = doc[k]
        if tok.is_space or "\n" in tok.whitespace_:
            return False
        if tok.text in (",", "(", ")", "-", "–", "—"):
            k += 1
            continue
        size = reader.phrase_at(k, res.foreign, longest=7)
        if size and not (k + size < n and _is_cap(doc[k + size]) and doc[k + size - 1].whitespace_ == " "):
            return True
        typed = reader.type_at(k)
        if typed is not None:
            k = typed[1] + max(reader.capital_run(typed[1]), 1)
            continue
        if _is_cap(tok):
            k += max(reader.capital_run(k), 1)
            continue
        return False
    return False


def _homograph_start(reader: _Reader, s: int, j: int, label: str) -> bool:
    """A capitalised type word opening a sentence, then one syllable no unit has: the two are one
    name that happens to start with a type word (`Xã Đàn`, a street), not a unit."""
    doc = reader.doc
    first = doc[s]
    if label not in reader.res.type_of or not _is_cap(first) or first.text.isupper():
        return False
    prev = _prev_word(doc, s)
    opens = first.is_sent_start or prev is None or prev.text in "(\"“'‘:;-–—•*>"
    tok = doc[j]
    return opens and _is_word(tok) and not reader.gaz.has_name(tok.text)


def _fits_type(gaz: Gazetteer, name: str, utype: str, plural: bool = False) -> bool:
    """A name that goes on an enumeration of ``utype`` units can be one: unknown to the gazetteer,
    or known at that type's level (a former commune-level unit may be typed with another
    commune-level word, a former district-level one with another district-level word). After a
    plural district-level word, a 2025 commune's name may be a former district's (`các huyện
    Lắk, Krông Ana`); after a singular one it starts a new clause (`huyện A (cũ), Thành Vinh có …`)."""
    found = lookup(gaz, name)
    if not found:
        return gaz.province(name) is None
    if lookup(gaz, name, utype):
        return True
    level = "commune" if utype in ("xã", "phường", "thị trấn") else "district"
    if utype != "đặc khu" and any(c.level == level for c in found):
        return True
    return plural and _district_heir(utype, found)


def _district_heir(utype: str, found: list[Candidate]) -> bool:
    """A former district the gazetteer lacks often lives on in the name of the 2025 commune that
    took its place (`huyện Kỳ Anh` → xã Kỳ Anh): a district-level word may type such a name."""
    return utype in ("huyện", "thị xã", "quận") and any(not c.is_old and c.level == "commune" for c in found)


def _canonical(reader: _Reader, name_text: str, utype: str) -> str:
    """An ALL-CAPS heading name (`PHƯỜNG HẢI CHÂU`) in the gazetteer's spelling (`Hải Châu`)."""
    words = [w for w in name_text.split() if w.isalpha()]
    if not words or not all(w.isupper() for w in words) or all(len(w) == 1 for w in words):
        return name_text
    cands = lookup(reader.gaz, name_text, utype) or lookup(reader.gaz, name_text)
    return cands[0].name if cands and name_key(cands[0].name) == name_key(name_text) else name_text


_MAX_LIST_GAP = 8  # words between a plural type phrase and `như`/`gồm`/`:` before its names
_MAX_BARE_GAP = 3  # words between a plural type phrase and names that follow with no `như`


def _deferred_list(reader: _Reader, e: int, utype: str, group: int) -> list[_Mention]:
    """Names set apart from their plural type word (NOTES U5).

    `các phường lân cận như A, B, C`, `những xã biên giới gồm A và B`, `03 xã (A, B, C)`,
    `các xã, phường như A, B`, `các xã vùng cao A, B`. The words in between are lowercase and
    not a preposition (`các xã thuộc tỉnh Y` names where the communes lie, not communes). With
    `như`/`gồm`/`:`/`(` an unknown name counts with the usual caution; with nothing between but
    a few descriptive words, only names the gazetteer knows as that type count.
    """
    doc, res, gaz = reader.doc, reader.res, reader.gaz
    n = len(doc)
    types = [utype]
    shared: list[int] = []
    k = e
    # `các xã, phường, đặc khu như …`: coordinated type words share the list.
    while k + 1 < n and doc[k].text in {",", "và", "/", "hoặc"}:
        nxt = reader.type_at(k + 1)
        if nxt is None:
            break
        types.append(nxt[0])
        shared.append(k + 1)
        k = nxt[1]
    gap = 0
    intro = False
    located = False  # the gap says where the units lie (`thuộc`, `của`, `nội thành Huế`)
    gap_words: list[str] = []
    while k < n and gap <= _MAX_LIST_GAP:
        tok = doc[k]
        if tok.is_space or "\n" in tok.whitespace_:
            return []
        size = reader.phrase_at(k, res.list_intro, longest=2)
        if size and k + size + 1 < n and doc[k + size].text in (":", ",") and _is_cap(doc[k + size + 1]):
            size += 1  # `bao gồm: Long Hồ, …`, `cũ là, Phú Hội, …`
        if size and k + size < n and (_is_cap(doc[k + size]) or doc[k + size].text.isdigit()):
            intro = True
            k += size
            break
        if tok.text == "," and k + 1 < n and reader.phrase_at(k + 1, res.list_intro, longest=2):
            k += 1
            continue
        # A place inside the gap (`các phường nội thành Huế như …`, `các xã thuộc huyện X gồm …`)
        # is skipped here; it is read as its own mention, and only `như`/`gồm` can follow it.
        place = reader.gazetteer_match(k, province_only=True) if _is_cap(tok) else 0
        typed = reader.type_at(k)
        if typed and not (_is_cap(tok) and reader.inside_name(k)):
            place = typed[1] - k + reader.read_name(typed[1], typed[0])
            if place == typed[1] - k:
                return []
        if place:
            located = True
            gap += 1
            k = reader.marker_after(k + place)[1]  # `huyện X (cũ) như …`
            continue
        if _is_word(tok) and _is_cap(tok):
            break
        if not _is_word(tok):
            return []
        located = located or name_key(tok.text) in res.gap_stop
        gap_words.append(name_key(tok.text))
        gap += 1
        k += 1
    if not intro and (located or not 1 <= gap <= _MAX_BARE_GAP):
        return []
    # `các phường cũ như A, B`: the list is of former units, which the gazetteer may lack.
    said = f" {' '.join(gap_words)} "
    former = any(f" {m} " in said for m, period in res.markers.items() if period == "old")
    out: list[_Mention] = []
    known = False
    j = k
    while j < n:
        if reader.ends_enumeration(j):
            break
        size = reader.read_name(j, utype, strict=True)
        if not size or not reader.title_case(j, j + size):
            break
        name_text = reader.span_text(j, j + size)
        if (
            utype != "tỉnh"
            and reader.gazetteer_match(j, province_only=True) == size
            and (not out or all(_province_item(reader, out[-1], name_text, t, plural=True) for t in types))
        ):
            break  # `các xã miền núi Hà Giang`: where they lie, not one of them (`…, Hòa Bình, …` in a
            # running list of communes is the commune Hòa Bình)
        item_type = _list_item_type(gaz, name_text, types, known_only=not intro)
        if item_type is None:
            break
        known = known or bool(lookup(gaz, name_text)) or gaz.province(name_text) is not None
        name_text = _canonical(reader, name_text, item_type)
        m = _Mention(item_type, name_text, doc[j].idx, doc[j + size - 1].idx + len(doc[j + size - 1].text), j, j + size)
        m.group = group
        m.period, after = reader.marker_after(j + size)
        out.append(m)
        k = after
        if k < n and doc[k].text.lower() in _ENUM_SEPARATORS:
            k += 1
        else:
            break
        if k >= n or doc[k].is_space or not _is_cap(doc[k]) or reader.type_at(k):
            break
        if res.matcher(doc[k : min(k + 3, n)]):
            break
        j = k
    # Unknown names count only beside a known one or when the text calls them former units:
    # `các xã có đồng bào như Sán Dìu, Khơ Mú` lists peoples, not communes.
    if not out or not (known or former):
        return []
    reader.shared_types.update(shared)
    return out


def _list_item_type(gaz: Gazetteer, name: str, types: list[str], known_only: bool) -> str | None:
    """The type of one listed name: the gazetteer's when it knows the name as one of ``types``."""
    for t in types:
        if t == "tỉnh":
            cand = gaz.province(name)
            if cand is not None:
                # `các tỉnh như Hà Nội`: a centrally-run city is typed as one, as when bare.
                return "thành phố" if gaz.is_central_city(cand.name) and not cand.is_old else t
        elif lookup(gaz, name, t):
            return t
    if known_only:
        return None
    found = lookup(gaz, name)
    if found:
        # A former township or commune written with the wrong commune-level word keeps its type.
        commune_level = {"xã", "phường", "thị trấn"}
        if types[0] in commune_level and any(c.level == "commune" and c.type in commune_level for c in found):
            return types[0]
        return types[0] if _district_heir(types[0], found) else None
    return None if len(types) > 1 else types[0]  # an unknown (old) name, after `như`/`gồm`/`:`


def _bare_provinces(reader: _Reader, taken: list[tuple[int, int]]) -> list[_Mention]:
    doc, res, gaz = reader.doc, reader.res, reader.gaz
    out: list[_Mention] = []
    occupied = set()
    for a, b in taken:
        occupied.update(range(a, b))
    for span in res.province_matcher(doc, as_spans=True):
        try:
            if any(i in occupied for i in range(span.start, span.end)):
                continue
            words = [t for t in span if _is_word(t)]
            if not words or not all(_is_cap(t) for t in words):
                continue
            if not reader.name_end_ok(span.start, span.end) and "." not in span.text:
                continue
            # Part of a longer capitalised name: `Điện Biên Phủ`, `Nguyễn Thị Hà Nam`.
            nxt = doc[span.end] if span.end < len(doc) else None
            if nxt is not None and _is_cap(nxt) and _is_word(nxt) and span[-1].whitespace_ == " ":
                continue
            if reader.inside_name(span.start):
                continue  # `Lê Văn Huế`, `Công viên Hòa Bình` written `Công Viên Hòa Bình`
            if _blocked(reader, span.start):
                continue
            key = name_key(span.text)
            cand = gaz.province(span.text)
            if cand is None:
                continue
            utype, uname = res.alias_unit.get(key, ("", ""))
            if utype == "-":
                continue
            if not utype:
                utype = "thành phố" if gaz.is_central_city(cand.name) else "tỉnh"
            uname = uname or span.text
            if utype == "thành phố" and not gaz.is_central_city(cand.name):
                utype = "tỉnh"
            m = _Mention(utype, uname, doc[span.start].idx, span.end_char, span.start, span.end, typed=False)
            period, _ = reader.marker_after(span.end)
            m.period = period
            out.append(m)
        except Exception:
            log.debug("bare province at token %d failed", span.start, exc_info=True)
    return out


_MAX_BELONGS_GAP = 15  # tokens between a unit and the `thuộc` + larger unit that holds it


def _level(reader: _Reader, m: _Mention) -> int:
    """3 for a province-level unit, 2 for a district-level one, 1 for a commune-level one."""
    if m.type == "tỉnh" or (m.type == "thành phố" and reader.gaz.is_central_city(m.name)):
        return 3
    return 2 if m.type in ("thành phố", "huyện", "quận", "thị xã") else 1


def _link_parents(reader: _Reader, mentions: list[_Mention]) -> None:
    """Give each mention the larger unit written right after it (`xã X, tỉnh Y`, `X thuộc quận Z`)."""
    doc = reader.doc
    ordered = sorted(mentions, key=lambda m: m.tok_start)
    level = {"tỉnh": 3, "thành phố": 2, "huyện": 2, "quận": 2, "thị xã": 2}
    for idx, m in enumerate(ordered):
        for nxt in ordered[idx + 1 : idx + 3]:
            gap: list[Token] = []
            for k in range(m.tok_end, nxt.tok_start):  # at most 4 words are looked at: not the whole span
                if not doc[k].is_space:
                    gap.append(doc[k])
                    if len(gap) > 3:
                        break
            if len(gap) > 3 or not all(
                t.text in _PARENT_GLUE or t.text == ")" or fold(t.text) in reader.res.markers for t in gap
            ):
                continue
            if m.group == nxt.group and m.group >= 0:
                continue
            mine = level.get(m.type, 1)
            theirs = level.get(nxt.type, 1)
            if nxt.type == "thành phố" and reader.gaz.is_central_city(nxt.name):
                theirs = 3
            if m.type == "thành phố" and reader.gaz.is_central_city(m.name):
                mine = 3
            if theirs > mine:
                m.parent = nxt
                break
    # `xã X, một xã ven biển thuộc huyện Z (cũ)`, `xã X (nay là xã Y) thuộc huyện Z`: a larger unit
    # after `thuộc` holds the smaller units before it in its sentence that have no parent yet.
    adoc = reader.adoc
    for idx, big in enumerate(ordered):
        if big.tok_start == 0 or fold(doc[big.tok_start - 1].text) != "thuộc":
            continue
        big_level = _level(reader, big)
        if big_level < 2:
            continue
        sent = adoc.sentence_at(big.start).index if adoc.sentences else 0
        for m in reversed(ordered[:idx]):
            if big.tok_start - m.tok_end > _MAX_BELONGS_GAP:
                break
            if adoc.sentences and adoc.sentence_at(m.start).index != sent:
                break
            if _level(reader, m) >= big_level:
                break  # `xã A, huyện B thuộc tỉnh C`: B's parent, and A already has B
            if m.parent is None:
                m.parent = big
    # An enumeration shares its last item's parent: `phường A, B, C thuộc quận Z`.
    by_group: dict[int, list[_Mention]] = {}
    for m in ordered:
        if m.group >= 0:
            by_group.setdefault(m.group, []).append(m)
    for items in by_group.values():
        parent = next((m.parent for m in reversed(items) if m.parent is not None), None)
        for m in items:
            if m.parent is None:
                m.parent = parent


# --------------------------------------------------------------------------------- resolution
def _candidates(gaz: Gazetteer, unit: _Unit) -> tuple[list[Candidate], list[Candidate]]:
    """2025 and old gazetteer candidates for a unit of this type and name."""
    t = unit.type
    if t in ("tỉnh",):
        cand = gaz.province(unit.name)
        return ([cand], []) if cand and not cand.is_old else ([], [cand] if cand else [])
    if t == "thành phố" and gaz.is_central_city(unit.name):
        cand = gaz.province(unit.name)
        return ([cand] if cand else []), []
    found = lookup(gaz, unit.name, t if unit.name.isdigit() else None)  # `quận 4` is named `Quận 4`
    if t in ("xã", "phường", "đặc khu"):
        new = [c for c in found if not c.is_old and c.type == t]
        old = [c for c in found if c.is_old and c.level == "commune" and c.type == t]
        if t == "đặc khu":
            old = [c for c in found if c.is_old and c.level == "district"]
        return new, old
    if t == "thị trấn":
        return [], [c for c in found if c.is_old and c.level == "commune" and c.type == t]
    old = [c for c in found if c.is_old and c.level == "district" and c.type == t]
    if not old:
        old = [c for c in found if c.is_old and c.level == "district"]
    return [], old


def _pick(cands: list[Candidate], context: set[str]) -> list[Candidate]:
    """The candidates lying in one of the article's provinces."""
    return [c for c in cands if c.province in context]


def _resolve(gaz: Gazetteer, unit: _Unit, context: set[str], wide: set[str], resolved: dict[int, str | None]) -> dict:
    data: dict = {"type": unit.type, "name": unit.name, "province": None}
    new, old = _candidates(gaz, unit)
    if not new and not old and unit.type in ("xã", "phường", "thị trấn"):
        # The press often types a former township as a commune (``xã Diễn Thành`` for the old
        # thị trấn): a pre-2025 commune-level unit of another type still gives the lineage.
        old = [c for c in lookup(gaz, unit.name) if c.is_old and c.level == "commune"]
    marked_old = all(m.period == "old" for m in unit.mentions) and any(m.period for m in unit.mentions)
    is_old = (
        unit.type in ABOLISHED
        or (unit.type == "thành phố" and not gaz.is_central_city(unit.name))
        or (unit.type == "tỉnh" and not new and bool(old))
        or marked_old
        or (not new and bool(old))
    )
    # 1. The text: a province-level unit is its own province; a parent written beside it.
    province: str | None = None
    if unit.type == "tỉnh" or (unit.type == "thành phố" and gaz.is_central_city(unit.name)):
        cand = gaz.province(unit.name)
        province = cand.province if cand else None
    if province is None:
        for m in unit.mentions:
            if m.parent is not None and resolved.get(id(m.parent)):
                province = resolved[id(m.parent)]
                break
    chosen: list[Candidate] = []
    if province is not None:
        chosen = [c for c in (new or old) if c.province == province] or [c for c in old if c.province == province]
    else:
        # 2. The gazetteer, narrowed by the article's provinces (U9, U12).
        for pool, ctx in ((new, context), (old, context), (new, wide), (old, wide)):
            hit = _pick(pool, ctx)
            if hit and len({c.province for c in hit}) == 1:
                chosen = hit
                break
        if not chosen:
            pool = new or old
            commune = unit.type in ("xã", "phường", "thị trấn")
            if commune and not new and old and len(wide) == 1 and not _pick(old, wide):
                # Only former units elsewhere carry the name, and the article is about one province:
                # a commune merged away before the gazetteer's time there (`các xã Quỳnh Trang,
                # Quỳnh Bảo` of Thái Bình, not the old Quỳnh Trang of Nghệ An).
                province = next(iter(wide))
            elif pool and len({c.province for c in pool}) == 1:
                chosen = pool
            elif not new and not old and len(wide) == 1:
                # A pre-merger unit the gazetteer lacks: the article's one province (U9).
                province = next(iter(wide))
            elif not new and not old and unit.type in ("xã", "phường") and gaz.province(unit.name) is not None:
                # A ward or commune named like a province that the gazetteer lacks (`phường Bắc
                # Ninh`): it is not the province, but lies in it (its 2025 successor).
                province = gaz.province_2025(unit.name)
            elif not new and not old and unit.type in ABOLISHED:
                # A former district the gazetteer lacks whose name a 2025 unit carries on in one
                # province only (`thị xã Cửa Lò` → phường Cửa Lò): that province.
                heirs = {c.province for c in lookup(gaz, unit.name) if not c.is_old}
                if len(heirs) == 1:
                    province = heirs.pop()
        if chosen:
            province = chosen[0].province
    data["province"] = province
    data["_old"] = bool(is_old)
    if chosen and len(chosen) == 1:
        data["_code"] = chosen[0].code
    if is_old:
        succ = sorted({s for c in (chosen or ([] if province else old)) if c.is_old for s in c.successors})
        if succ:
            data["_successors"] = succ
    if province is None:
        data["_candidates"] = [c.code for c in (new or old)][:50]
    return data


# ----------------------------------------------------------------------------------- extract
def extract(adoc: ArticleDoc) -> list[Fact]:
    """The article's administrative units, one Fact per distinct (type, folded name)."""
    try:
        if not adoc.text or len(adoc.doc) == 0:
            return []
        gaz = get_gazetteer()
        res = _resources()
        reader = _Reader(adoc, res, gaz)
        typed = _typed_mentions(reader)
        taken = [(m.tok_start, m.tok_end) for m in typed]
        typed = [m for m in typed if not _foreign(reader, m)]
        bare = _bare_provinces(reader, taken)
        mentions = sorted(typed + bare, key=lambda m: m.start)
        _link_parents(reader, mentions)
        return _facts(adoc, reader, gaz, mentions)
    except Exception:
        log.debug("units extractor failed", exc_info=True)
        return []


def _facts(adoc: ArticleDoc, reader: _Reader, gaz: Gazetteer, mentions: list[_Mention]) -> list[Fact]:
    units: dict[tuple[str, str], _Unit] = {}
    typed_names: dict[str, list[_Unit]] = {}
    # One unit per type and name, spelling variants of a name folded (`Đăk Mil`, `Đắk Mil`).
    for m in mentions:
        if m.typed:
            key = (m.type, variant_key(name_key(m.name)))
            unit = units.setdefault(key, _Unit(m.type, m.name))
            unit.mentions.append(m)
            typed_names.setdefault(name_key(m.name), []).append(unit)
    for m in mentions:
        if m.typed:
            continue
        key = (m.type, variant_key(name_key(m.name)))
        if key in units:
            units[key].mentions.append(m)
            continue
        # A bare old-province name that the article types as another unit adds nothing (U10).
        cand = gaz.province(m.name)
        others = typed_names.get(name_key(m.name))
        if others and cand is not None and cand.is_old:
            others[0].mentions.append(m)
            continue
        units.setdefault(key, _Unit(m.type, m.name)).mentions.append(m)

    # Provinces the article itself names, and the source site's province.
    context: set[str] = set()
    for u in units.values():
        if u.type == "tỉnh" or (u.type == "thành phố" and gaz.is_central_city(u.name)):
            p = gaz.province_2025(u.name)
            if p:
                context.add(p)
    site = adoc.meta.get("province") if adoc.meta else None
    if site:
        p = gaz.province_2025(str(site))
        if p:
            context.add(p)

    resolved: dict[int, str | None] = {}
    results: dict[tuple[str, str], dict] = {}
    # Provinces first, then districts, then communes: parents resolve before their children.
    order = sorted(
        units.items(), key=lambda kv: {"tỉnh": 0, "thành phố": 1, "huyện": 2, "quận": 2, "thị xã": 2}.get(kv[0][0], 3)
    )
    for _round in range(2):
        for key, unit in order:
            # The provinces the other units resolved to: a unit's own first guess is no evidence
            # for itself (``xã Quang Sơn … huyện Đô Lương``: Nghệ An, not the one 2025 Quang Sơn).
            wide = context | {d["province"] for k, d in results.items() if k != key and d.get("province")}
            try:
                data = _resolve(gaz, unit, context, wide, resolved)
            except Exception:
                log.debug("resolving %s failed", key, exc_info=True)
                data = {"type": unit.type, "name": unit.name, "province": None}
            results[key] = data
            for m in unit.mentions:
                resolved[id(m)] = data.get("province")

    facts: list[Fact] = []
    for key, unit in units.items():
        ms = sorted(unit.mentions, key=lambda m: m.start)
        first = ms[0]
        facts.append(
            Fact(
                kind="units",
                data=results[key],
                start=first.start,
                end=first.end,
                sentence=adoc.sentence_at(first.start).index if adoc.sentences else 0,
                mentions=[(m.start, m.end, adoc.sentence_at(m.start).index if adoc.sentences else 0) for m in ms],
            )
        )
    facts.sort(key=lambda f: f.start)
    return facts
