"""Whose figure is it: the ``scope`` of a dossier count or a percentage (spec §5).

The unit is rarely named next to the number. Reports name it once (``Trung tâm Phục vụ hành chính
công xã Hoằng Hóa``) and then write ``Trung tâm``, ``xã``, ``phường``, ``toàn tỉnh``; a national
round-up writes ``cả nước``; a ranking names each place next to its figure. So a figure's scope is
read from *scope cues* in its sentence:

* the units the units extractor found (resolved against the 2025 gazetteer), mention by mention;
* the words of ``nlp/data/scope_cues.tsv``: an office or a type word standing for the unit the
  article introduced (``Trung tâm``, ``của phường``), the province (``toàn tỉnh``, ``các sở,
  ngành``), the nation (``cả nước``, ``Chính phủ``), a part of a figure (``cấp xã``, ``các xã,
  phường``: it keeps the scope of the figure it splits), or no single unit (``có nơi``).

:class:`ScopeReader` gives the cues of a sentence and the scope one cue stands for; the walk over
the article (which figure is in focus, which one a part splits) is ``nlp.anchoring``'s.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from nlp.document import ArticleDoc
from nlp.extractors._quantity_common import Tok
from nlp.facts import Fact
from nlp.gazetteer import get_gazetteer
from nlp.lexicon import phrase_words, read_rows
from nlp.timex import TWO_TIER_START

log = logging.getLogger(__name__)

__all__ = ["NATION", "Cue", "Scope", "ScopeReader"]

NATION = {"type": "quốc gia", "name": "Việt Nam"}
LOCAL_TYPES = ("xã", "phường", "đặc khu")
_OLD_LOCAL = ("thị trấn", "huyện", "quận", "thị xã")
# Words that may stand between an office and the unit it names (``Trung tâm … xã Hoằng Hóa``).
_TYPE_WORDS = frozenset({
    "xã", "phường", "đặc", "khu", "tỉnh", "thành", "phố", "tp", "huyện", "quận", "thị", "trấn",
    "của", "tại", "(", ".",
})
_LOCATOR_GAPS = frozenset({",", "(", "thuộc", "-", "–", "của"})
# Before a type word, these make it plural (``các xã``, ``100% xã``, ``mỗi phường``): no single unit.
_PLURAL = frozenset({"các", "những", "nhiều", "mọi", "mỗi", "từng", "%", "toàn", "bộ"})
# Before an office, these make it a place or an object (``tại Trung tâm``), not the figure's owner.
_PREPOSITIONS = frozenset({"tại", "ở", "về", "cho", "với", "đến", "tới", "vào", "từ", "trong"})
# Before a national office (``gửi Văn phòng Chính phủ``, ``trình Thủ tướng``), these make it the
# addressee of a report: the report's figures are its sender's.
_ADDRESSED = _PREPOSITIONS | {"gửi", "trình", "lên"}
# Joining an enumeration of units (``xã A, xã B và xã C``).
_ENUM_GAPS = frozenset({",", "và", "cùng"})
# A ranking word this many tokens before a nation word makes it the ranking's field; a clause mark
# between them ends the ranking.
_RANK_REACH = 8
_CLAUSE_MARKS = frozenset({".", ";", ":"})
# The first word in brackets that makes the unit after it an address (``(đặt tại phường X)``).
_ADDRESS_WORDS = frozenset({"đặt", "tại", "trụ", "địa", "tọa", "toạ", "nằm", "ở"})
_PHOTO_CREDIT = re.compile(r"(?:^|[\s(.|])Ảnh(?: minh họa| minh hoạ)?\s*:")
_SENTENCE_ENDS = frozenset('.!?:;…"”)')
# The last word between an unnamed commune and the province that places it (``phường ở Huế``).
_LOCATING = frozenset({"ở", "tại", "thuộc"})
# A number of units as a figure's subject (``hai xã``, ``37 xã, phường``): no single unit.
_SOME_UNITS = frozenset({"nhiều", "một"})
_NUMBER_WORDS = frozenset({"hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"})
_COUNTED_NOUNS = frozenset({"xã", "phường", "địa", "phương", "đặc", "khu", "thị", "trấn"})
_COUNTED_FIRST = frozenset({"xã", "phường", "địa", "đặc", "thị"})
_NOT_A_COUNT = frozenset({"năm", "tháng", "ngày", "quý", "số", "thứ", "của"})
_LEVEL = {"xã": 3, "phường": 3, "đặc khu": 3, "thị trấn": 3, "huyện": 2, "quận": 2, "thị xã": 2, "thành phố": 1,
          "tỉnh": 0}


@functools.cache
def _cue_table() -> dict[str, list[tuple[tuple[str, ...], str, tuple[str, ...] | None]]]:
    """Scope words by their first lowercase token, longest first."""
    table: dict[str, list[tuple[tuple[str, ...], str, tuple[str, ...] | None]]] = {}
    for cols in read_rows("scope_cues.tsv"):
        if len(cols) < 2:
            continue
        written = tuple(phrase_words(cols[0]))
        words = tuple(w.lower() for w in written)
        if words:
            cased = written if len(cols) > 2 and cols[2] == "cased" else None
            table.setdefault(words[0], []).append((words, cols[1], cased))
    for phrases in table.values():
        phrases.sort(key=lambda p: len(p[0]), reverse=True)
    return table


@dataclass(frozen=True)
class Cue:
    """Something in a sentence that says whose a figure is: a unit mention or a scope word."""

    start: int
    end: int
    label: str  # "unit" or a label of scope_cues.tsv
    unit: Fact | None = None


@dataclass(frozen=True)
class Scope:
    """A figure's scope in the spec's form, with the gazetteer code the database keeps."""

    value: dict[str, str] | None
    code: str | None = None

    @property
    def is_nation(self) -> bool:
        return bool(self.value) and self.value.get("type") == NATION["type"]


NO_SCOPE = Scope(None)


def _unit_scope(unit: Fact) -> Scope:
    """A unit's scope; the code is the 2025 gazetteer's (a former unit's code belongs to the
    pre-2025 code space, so it is left out)."""
    code = unit.data.get("_code")
    keep = code is not None and not unit.data.get("_old")
    return Scope({"type": unit.data["type"], "name": unit.data["name"]}, str(code) if keep else None)


def _province_scope(name: str | None) -> Scope | None:
    """The scope of a province by name: ``{"type": "tỉnh"|"thành phố", "name": …}``."""
    if not name:
        return None
    gaz = get_gazetteer()
    cand = gaz.province(name)
    if cand is None:
        return None
    kind = "thành phố" if gaz.is_central_city(cand.name) else "tỉnh"
    return Scope({"type": kind, "name": cand.name}, None if cand.is_old else str(cand.code))


def is_province(unit: Fact) -> bool:
    t = unit.data.get("type")
    if t == "tỉnh":
        return True
    return t == "thành phố" and get_gazetteer().is_central_city(unit.data.get("name", "")) and not unit.data.get("_old")


def _level(unit: Fact | None) -> int:
    if unit is None:
        return 3
    return 0 if is_province(unit) else _LEVEL.get(unit.data.get("type", ""), 3)


class ScopeReader:
    """The scope cues of an article and what each stands for."""

    def __init__(self, adoc: ArticleDoc, units: list[Fact], tokens: list[list[Tok]], current_era: bool) -> None:
        self.adoc = adoc
        self.text = adoc.text
        self.units = units
        self.tokens = tokens
        self.current_era = current_era
        # The mentions that may name a figure's owner: not an address in brackets (``Trung tâm …
        # (đặt tại phường X)``, ``tại Nhà văn hóa … (phường X)``).
        self.mentions: dict[int, list[tuple[int, int, int]]] = {}
        for fact in units:
            kept = [m for m in fact.mentions or [(fact.start, fact.end, fact.sentence)] if not self._address(m[0])]
            if kept:
                self.mentions[id(fact)] = kept
        self._add_bare_mentions(units)
        self.units = [u for u in units if id(u) in self.mentions]
        self.unit_cues: dict[int, list[Cue]] = {}
        for fact in self.units:
            for start, end, sentence in self.mentions[id(fact)]:
                self.unit_cues.setdefault(sentence, []).append(Cue(start, end, "unit", fact))
        self.captions = _captions(self.text)
        self.main = self._main()

    def _add_bare_mentions(self, units: list[Fact]) -> None:
        """A commune the article types once is the same commune where its name stands alone
        (``Mường Phăng (Điện Biên) nâng …`` in the headline of an article on ``xã Mường Phăng``;
        spec §1): those places name it too. Only a name no other unit of the article shares."""
        names: dict[str, list[Fact]] = {}
        for fact in units:
            names.setdefault(str(fact.data.get("name", "")), []).append(fact)
        taken = [(m[0], m[1]) for fact in units for m in fact.mentions or [(fact.start, fact.end, fact.sentence)]]
        for name, facts in names.items():
            fact = facts[0]
            if len(facts) > 1 or id(fact) not in self.mentions or fact.data.get("type") not in LOCAL_TYPES or \
                    fact.data.get("_old") or len(name.split()) < 2:
                continue
            at = self.text.find(name)
            while at >= 0:
                end = at + len(name)
                whole = (at == 0 or not self.text[at - 1].isalnum()) and (
                    end >= len(self.text) or not self.text[end].isalnum())
                if whole and not any(a <= at < b or at <= a < end for a, b in taken):
                    self.mentions[id(fact)].append((at, end, self.adoc.sentence_at(at).index))
                at = self.text.find(name, end)
            self.mentions[id(fact)].sort()

    def _address(self, start: int) -> bool:
        """Is the unit named at ``start`` an address in brackets: where an office or a venue stands
        (``(đặt tại phường X)``, ``tại Nhà văn hóa … (phường X)``), not whose figures they are?"""
        text = self.text
        open_at = text.rfind("(", max(0, start - 60), start)
        if open_at < 0 or ")" in text[open_at:start]:
            return False
        inside = text[open_at + 1 : start].lower().split()
        if inside[:1] and inside[0] in _ADDRESS_WORDS:
            return True
        if any(w not in _TYPE_WORDS for w in inside):
            return False
        # ``(phường X)`` alone: an address when a venue introduced by ``tại`` stands right before it.
        clause = text[max(0, open_at - 120) : open_at]
        cut = max(clause.rfind(ch) for ch in ",;.\n")
        words = clause[cut + 1 :].lower().split()
        return "tại" in words[-10:]

    def _first(self, unit: Fact, lead_end: int | None = None) -> int:
        """Where a unit is first named (outside photo captions when ``lead_end`` asks for the lead)."""
        starts = [m[0] for m in self.mentions[id(unit)]]
        if lead_end is not None:
            starts = [s for s in starts if not any(a <= s < b for a, b in self.captions)] or [len(self.text)]
        return min(starts)

    # -- the article's own unit --
    def _lead_end(self) -> int:
        """Where the headline and lead end: the first two paragraphs when the first is short."""
        text = self.text
        cut = text.find("\n\n")
        if 0 <= cut < 400:
            nxt = text.find("\n\n", cut + 2)
            return nxt if nxt > 0 else len(text)
        return cut if cut > 0 else min(len(text), 600)

    def _main(self) -> Scope | None:
        """What the article is about: its one commune, ward or special zone, or the one its lead
        names, or the one named clearly more often than any other; a national round-up's nation
        (the lead says ``cả nước`` and names no commune); else its province; else none (a report
        on several communes, seed-000)."""
        era_ok = [u for u in self.units if not (self.current_era and u.data.get("_old"))]
        local_types = LOCAL_TYPES if self.current_era else LOCAL_TYPES + _OLD_LOCAL + ("thành phố",)
        local = [u for u in era_ok if u.data.get("type") in local_types and not is_province(u)]
        lead_end = self._lead_end()
        in_lead = [u for u in local if self._first(u, lead_end) < lead_end]
        if len(in_lead) == 1:
            return _unit_scope(in_lead[0])
        if not in_lead:
            if self._lead_has_nation(lead_end):
                return Scope(dict(NATION), "VN")
            provinces = [u for u in era_ok if is_province(u) and self._first(u, lead_end) < lead_end]
            chosen = self._dominant(provinces, lead_end)
            if chosen is not None:
                return _unit_scope(chosen)
        chosen = self._dominant(local, lead_end)
        if chosen is not None:
            return _unit_scope(chosen)
        if local:
            return None
        provinces = [u for u in era_ok if is_province(u)] or (
            [] if self.current_era else [u for u in self.units if u.data.get("type") == "tỉnh"]
        )
        chosen = self._dominant(provinces, lead_end)
        return _unit_scope(chosen) if chosen is not None else None

    def _dominant(self, units: list[Fact], lead_end: int) -> Fact | None:
        """The unit of a list the article is about: the one its lead names (photo captions aside),
        or the one named at least twice as often as any other."""
        if not units:
            return None
        if len(units) == 1:
            return units[0]
        in_lead = [u for u in units if self._first(u, lead_end) < lead_end]
        if len(in_lead) == 1:
            return in_lead[0]
        count = {id(u): len(self.mentions[id(u)]) for u in units}
        ranked = sorted(units, key=lambda u: (-count[id(u)], self._first(u)))
        first, second = ranked[0], ranked[1]
        if count[id(first)] >= 2 * count[id(second)]:
            return first
        if in_lead and len(in_lead) <= 2:
            return min(in_lead, key=lambda u: self._first(u))
        return None

    def _lead_has_nation(self, lead_end: int) -> bool:
        for sent in self.adoc.sentences:
            if sent.start >= lead_end:
                break
            if any(c.label == "nation" for c in self._lexicon_cues(self.tokens[sent.index])):
                return True
        return False

    # -- cues --
    def _lexicon_cues(self, toks: list[Tok]) -> list[Cue]:
        """The scope words of a sentence, longest match first; a type word after a plural word
        (``các xã``, ``100% phường``) is a part, not the unit in focus."""
        table = _cue_table()
        out: list[Cue] = []
        k = 0
        rank_at = -100  # the token after the last ranking word (``xếp thứ 3 cả nước``)
        while k < len(toks):
            if toks[k].low in _CLAUSE_MARKS:
                rank_at = -100
            counted = self._counted_units(toks, k)
            if counted:
                out.append(Cue(toks[k].start, toks[counted - 1].end, "counted"))
                k = counted
                continue
            for words, label, cased in table.get(toks[k].low, ()):
                if tuple(t.low for t in toks[k : k + len(words)]) == words and (
                    cased is None or tuple(t.text for t in toks[k : k + len(words)]) == cased
                ):
                    end = k + len(words)
                    if label == "rank":
                        rank_at = end
                        k = end
                        break
                    if label == "nation" and k - rank_at <= _RANK_REACH:
                        k = end  # the field of a ranking, not whose figure it is
                        break
                    # ``bố trí công chức tại Trung tâm``: an office after a preposition is a place, not
                    # whose figure it is.
                    if label == "local" and k > 0 and toks[k - 1].low in _PREPOSITIONS:
                        k = end
                        break
                    # ``Báo cáo … gửi Văn phòng Chính phủ``: an office addressed, not the figure's owner
                    # (the nation's offices are named with capitals; ``trong cả nước`` is the nation).
                    if label == "nation" and k > 0 and toks[k].text[:1].isupper() and toks[k - 1].low in _ADDRESSED:
                        k = end
                        break
                    # ``xã hội`` (society) names no commune.
                    if words == ("xã",) and end < len(toks) and toks[end].low == "hội":
                        k = end
                        break
                    # ``toàn bộ xã`` is every commune; ``cán bộ xã`` is the commune's staff.
                    if label in LOCAL_TYPES + ("province", "city") and k > 0 and toks[k - 1].low in _PLURAL and \
                            len(words) == 1 and not (toks[k - 1].low == "bộ" and (k < 2 or toks[k - 2].low != "toàn")):
                        label = "part"
                    # ``UBND các xã, phường``: the offices of many units.
                    if label in LOCAL_TYPES + ("local", "province", "city") and end < len(toks) and \
                            toks[end].low in {"các", "những"}:
                        label = "part"
                    out.append(Cue(toks[k].start, toks[end - 1].end, label))
                    k = end
                    break
            else:
                k += 1
        return out

    @staticmethod
    def _counted_units(toks: list[Tok], k: int) -> int:
        """``hai xã cũ cùng giảm …``, ``37 xã, phường nhận chưa tới …``, ``nhiều xã, phường đạt …``: a number of
        units as the subject, each with its own figure or sharing one; no single unit (NOTES S1). The
        end of the phrase, or 0. After a preposition (``tại 12 xã, phường``) the units are where a
        figure was counted, and ``100% xã`` is everyone a target is set for: neither counts."""
        low = toks[k].low
        if not (toks[k].text.isdigit() or low in _SOME_UNITS or low in _NUMBER_WORDS):
            return 0
        if toks[k].text.isdigit() and len(toks[k].text) == 4:
            return 0  # a year (``năm 2026 phường phấn đấu``)
        if k > 0 and (toks[k - 1].low in _PREPOSITIONS or toks[k - 1].low in _NOT_A_COUNT or (
                toks[k - 1].low in {"/", ",", "."} and toks[k - 1].end == toks[k].start)):
            return 0
        j = k + 1
        if j < len(toks) and toks[j].low == "số":  # ``một số xã``
            j += 1
        if j >= len(toks) or toks[j].low not in _COUNTED_FIRST or (toks[j].low == "địa" and (
                j + 1 >= len(toks) or toks[j + 1].low != "phương")):
            return 0
        n = 0
        while j + n < len(toks) and n < 5 and (toks[j + n].low in _COUNTED_NOUNS or
                                                (n > 0 and toks[j + n].low == "," and j + n + 1 < len(toks)
                                                 and toks[j + n + 1].low in _COUNTED_NOUNS)):
            n += 1
        if n == 0 or toks[j + n - 1].low == ",":
            return 0
        words = tuple(t.low for t in toks[j : j + n])
        if words in {("thành",), ("đặc",), ("địa",), ("đơn",)}:
            return 0
        return j + n

    def sentence_cues(self, index: int) -> list[Cue]:
        """The scope cues of sentence ``index``, in order, without those that do not name a
        figure's owner: an office or type word right before the unit it names (the named unit
        speaks), a level word naming a system's owner (``trên Hệ thống … của tỉnh``), a province
        that locates a commune (``phường Cao Lãnh, tỉnh Đồng Tháp``)."""
        toks = self.tokens[index] if index < len(self.tokens) else []
        units = sorted(self.unit_cues.get(index, []), key=lambda c: c.start)
        lex = self._lexicon_cues(toks)
        kept: list[Cue] = []
        for n, cue in enumerate(lex):
            if cue.label == "system":
                continue
            nxt = next((u for u in units if u.start >= cue.end), None)
            if nxt is not None and nxt.start - cue.end <= 40:
                gap = self.text[cue.end : nxt.start].lower().split()
                if all(w.strip("()") in _TYPE_WORDS or not w.strip("()") for w in gap):
                    continue
            if any(u.start <= cue.start < u.end for u in units):
                continue
            if cue.label not in ("nation", "part", "none") and any(
                c.label == "system" and 0 <= cue.start - c.end <= 40 and not any(
                    ch in self.text[c.end : cue.start] for ch in ",;.")
                for c in lex[:n]
            ):
                continue
            kept.append(cue)
        words = sorted(kept, key=lambda c: c.start)
        for i, u in enumerate(units):
            if i > 0 and self._is_locator(units[i - 1], u):
                continue
            if self._locates_word(words, u):
                continue
            kept.append(u)
        kept.sort(key=lambda c: c.start)
        # ``Trên địa bàn tỉnh Phú Thọ, …, 148 xã, phường tiếp nhận …``: after the province, its communes
        # are a part of its figure; alone, a number of units has no single scope.
        out: list[Cue] = []
        for cue in kept:
            if cue.label == "counted":
                province_before = any(c.label in ("province", "city") or (c.unit is not None and is_province(c.unit))
                                      for c in out)
                cue = Cue(cue.start, cue.end, "part" if province_before else "none")
            out.append(cue)
        return out

    def _locates_word(self, words: list[Cue], cue: Cue) -> bool:
        """``Công chức phường ở Huế …``, ``Một phường ở Cần Thơ …``: a province placing an unnamed
        commune or office right before it locates it; the commune is the subject."""
        if cue.unit is None or not is_province(cue.unit):
            return False
        before = [c for c in words if c.end <= cue.start]
        if not before or before[-1].label not in LOCAL_TYPES + ("local",):
            return False
        gap_text = self.text[before[-1].end : cue.start]
        gap = gap_text.lower().split()
        return bool(gap) and len(gap) <= 4 and gap[-1] in _LOCATING and not any(
            ch.isdigit() or ch in ",;.()" for ch in gap_text)

    def _is_locator(self, prev: Cue, cue: Cue) -> bool:
        """``X, tỉnh Y`` / ``X (tỉnh Y)`` / ``X thuộc tỉnh Y``: Y locates X, X is the subject."""
        gap_text = self.text[prev.end : cue.start]
        gap = gap_text.lower().split()
        if not gap or len(gap) > 4 or any(ch.isdigit() for ch in gap_text):
            return False
        if _level(cue.unit) >= _level(prev.unit):
            return False
        return any(w.strip() in _LOCATOR_GAPS or w.startswith("(") for w in gap) or gap[0].endswith(",")

    def pooled(self, cue: Cue, cues: list[Cue]) -> bool:
        """Is the unit one item of an enumeration of several units of its type (``Ba xã Mèo Vạc,
        Khâu Vai, Sơn Vĩ … cùng tiếp nhận``)? Their figure is pooled: no single scope (NOTES S1)."""
        if cue.unit is None:
            return False
        k = cues.index(cue)
        prev = cues[k - 1] if k > 0 else None
        if prev is None or prev.unit is None or prev.unit is cue.unit:
            return False
        if prev.unit.data.get("type") != cue.unit.data.get("type"):
            return False
        gap = self.text[prev.end : cue.start].lower().split()
        return bool(gap) and len(gap) <= 2 and all(w.strip(",") in _ENUM_GAPS or w == "," for w in gap)

    def enumeration(self, cue: Cue, cues: list[Cue]) -> list[Cue]:
        """The unit mentions of the enumeration ending with ``cue`` (``tỉnh Gia Lai và Đắk Lắk``)."""
        k = cues.index(cue)
        run = [cue]
        while k > 0:
            prev = cues[k - 1]
            gap = self.text[prev.end : run[0].start].lower().split()
            if prev.unit is None or not gap or len(gap) > 3 or not all(
                w.strip(",") in _ENUM_GAPS | {"tỉnh", "xã", "phường", "thành", "phố"} or w == "," for w in gap
            ):
                break
            run.insert(0, prev)
            k -= 1
        return run

    # -- what a cue stands for --
    def usable(self, unit: Fact, period_end: date | None) -> bool:
        """A former unit is a figure's scope only for days before 1 July 2025 (NOTES S2); after
        it, the work is the new unit's (S3)."""
        if not (self.current_era and unit.data.get("_old")):
            return True
        return period_end is not None and period_end < TWO_TIER_START

    def _latest_unit(self, at: int, want: Iterable[str], province: bool = False, since: int = 0) -> Fact | None:
        """The unit of a ``want`` type named last before ``at`` (the one the article introduced)."""
        best: tuple[int, Fact] | None = None
        for unit in self.units:
            if province and not is_province(unit):
                continue
            if not province and unit.data.get("type") not in want:
                continue
            if self.current_era and unit.data.get("_old"):
                continue
            for start, _end, _s in self.mentions[id(unit)]:
                if since <= start < at and (best is None or start > best[0]):
                    best = (start, unit)
        return best[1] if best else None

    def _named_between(self, start: int, end: int, want: Iterable[str]) -> list[Fact]:
        """The units of a ``want`` type named in ``[start, end)`` (former units aside)."""
        return [u for u in self.units if u.data.get("type") in want and not (self.current_era and u.data.get("_old"))
                and any(start <= m[0] < end for m in self.mentions[id(u)])]

    def province(self, at: int) -> Scope | None:
        named = self._latest_unit(at, (), province=True)
        if named is not None:
            return _unit_scope(named)
        main = self.main
        if main is not None and main.value and main.value["type"] in ("tỉnh", "thành phố"):
            return main
        for unit in self.units:
            if main is not None and main.value and unit.data.get("name") == main.value["name"] and \
                    unit.data.get("type") == main.value["type"]:
                got = _province_scope(unit.data.get("province"))
                if got:
                    return got
        return _province_scope(self.adoc.meta.get("province"))

    def local(
        self, at: int, types: tuple[str, ...], focus: Scope | None, since: int = 0, recent: int | None = None
    ) -> Scope | None:
        """The commune, ward or special zone an office or type word stands for: the one the text
        has just introduced (the only one named since the start of the paragraph before, ``recent``:
        ``Trung tâm … xã Chư Păh bố trí …`` then ``Trung tâm tiếp nhận …``), else the one in
        focus, else the article's own, else the one named last in the paragraph (``since``); in a
        province's article, the province."""
        if recent is not None:
            named = {id(u): u for u in self._named_between(recent, at, LOCAL_TYPES)}
            if len(named) == 1:
                unit = next(iter(named.values()))
                if unit.data.get("type") in types:
                    return _unit_scope(unit)
        for candidate in (focus, self.main):
            if candidate is not None and candidate.value and candidate.value["type"] in types:
                return candidate
        unit = self._latest_unit(at, types, since=since)
        if unit is None and types != LOCAL_TYPES:
            for candidate in (focus, self.main):
                if candidate is not None and candidate.value and candidate.value["type"] in LOCAL_TYPES:
                    return candidate
            unit = self._latest_unit(at, LOCAL_TYPES, since=since)
        if unit is None and not self.current_era:
            unit = self._latest_unit(at, _OLD_LOCAL + ("thành phố",))
        if unit is not None:
            return _unit_scope(unit)
        if self.main is not None and self.main.value and self.main.value["type"] in ("tỉnh", "thành phố"):
            return self.main
        return None

    def resolve(
        self, cue: Cue, focus: Scope | None, period_end: date | None, paragraph_start: int = 0,
        previous_paragraph: int | None = None,
    ) -> Scope | str | None:
        """What a cue stands for: a scope, ``None`` (no single unit), ``"part"`` (keeps the
        scope of the figure it splits) or ``"skip"`` (not an owner: read on)."""
        label = cue.label
        if label == "unit":
            assert cue.unit is not None
            return _unit_scope(cue.unit) if self.usable(cue.unit, period_end) else "skip"
        if label == "nation":
            return Scope(dict(NATION), "VN")
        if label == "part":
            return "part"
        if label == "none":
            return NO_SCOPE
        if label in LOCAL_TYPES:
            return self.local(cue.start, (label,), focus, paragraph_start, previous_paragraph) or "skip"
        if label == "local":
            return self.local(cue.start, LOCAL_TYPES, focus, paragraph_start, previous_paragraph) or "skip"
        if label == "province":
            return self.province(cue.start)
        if label == "city":
            prov = self.province(cue.start)
            if prov is not None and prov.value and prov.value["type"] == "thành phố":
                return prov
            unit = self._latest_unit(cue.start, ("thành phố",))
            return _unit_scope(unit) if unit is not None else prov
        return "skip"


def _captions(text: str) -> list[tuple[int, int]]:
    """The photo captions of a text, as char spans: a line after the first that credits a photo
    (``Ảnh: …``) or a short line that ends with no sentence mark. A unit named there is shown, not
    what the article is about."""
    out: list[tuple[int, int]] = []
    at = text.find("\n") + 1 if "\n" in text else len(text)
    while at < len(text):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        line = text[at:end].strip()
        if line and (_PHOTO_CREDIT.search(line) or (len(line) < 220 and line[-1] not in _SENTENCE_ENDS)):
            out.append((at, end))
        at = end + 1
    return out
