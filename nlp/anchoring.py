"""Where and when each figure holds: the ``scope`` and ``period`` of dossier counts and
percentages (spec §5).

A figure is data only when a reader knows whose it is and which days it covers. Reports rarely
say both next to the number: the unit is named once in the headline or lead (``Trung tâm Phục vụ
hành chính công xã Hoằng Hóa``) and then called ``Trung tâm``, ``xã``, ``phường``; the time is
set once (``Từ ngày 1/7 đến hết ngày 31/7/2025, …``) and governs the figures that follow until
another time phrase or another matter. So this module reads an article as a discourse: it walks
the figures in text order, keeps the unit and the period in force, and gives each figure

* **scope**: the nearest scope cue before the figure in its sentence (a named unit, read by the
  units extractor and resolved against the gazetteer; an office or level word of
  ``nlp/data/scope_cues.tsv`` standing for the unit the article introduced; ``cả nước`` for the
  nation), else the scope of the figure it splits, else the unit in focus, else the article's main
  unit; ``null`` when the article has none (a pooled figure of several communes);
* **period**: the time phrase of its own clause or sentence (``nlp.timex``), else the period in
  force. A period carries to the next sentences of its paragraph, and to the next paragraph
  unless that one opens another account (reported speech, a survey, ``Về …``:
  ``nlp/data/paragraph_frames.tsv``).

The facts are changed in place: ``data["scope"]``, ``data["period"]`` (spec form), plus the
private ``_scope_code`` (the gazetteer's 2025 code, the province's, or ``VN``) and
``_period_span`` (the char offsets of the time phrase the period came from).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from nlp.document import ArticleDoc, Sentence
from nlp.extractors._quantity_common import Tok, sentence_tokens
from nlp.facts import Fact
from nlp.gazetteer import get_gazetteer
from nlp.lexicon import phrase_words, read_rows
from nlp.timex import (
    TWO_TIER_START,
    Context,
    Period,
    TimePhrase,
    find_phrases,
    is_event_sentence,
    is_target_sentence,
    parse_date,
)

log = logging.getLogger(__name__)

__all__ = ["anchor", "NATION"]

NATION = {"type": "quốc gia", "name": "Việt Nam"}
_LOCAL = ("xã", "phường", "đặc khu")
_OLD_LOCAL = ("thị trấn", "huyện", "quận", "thị xã")
_PROVINCE = ("tỉnh",)
# Words that may stand between an office and the unit it names (``Trung tâm … xã Hoằng Hóa``).
_TYPE_WORDS = frozenset({
    "xã", "phường", "đặc", "khu", "tỉnh", "thành", "phố", "tp", "huyện", "quận", "thị", "trấn",
    "của", "tại", "(", ".",
})
_LOCATOR_GAPS = frozenset({",", "(", "thuộc", "-", "–", "của"})
_BACKLOG_WORDS = frozenset({"tồn", "tồn đọng", "chuyển sang", "chuyển qua", "kỳ trước"})
_CLAUSE_END = frozenset({";"})
_COMPARISON_WORDS = frozenset({"hơn", "bằng", "gấp", "so"})
_SEGMENT_END = frozenset({",", ";", "(", ")", ":"})


# ---- vocabulary ------------------------------------------------------------------------------


@functools.cache
def _cue_table() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Scope cues by their first lowercase token, longest first."""
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for cols in read_rows("scope_cues.tsv"):
        if len(cols) < 2:
            continue
        words = tuple(w.lower() for w in phrase_words(cols[0]))
        if words:
            table.setdefault(words[0], []).append((words, cols[1]))
    for phrases in table.values():
        phrases.sort(key=lambda p: len(p[0]), reverse=True)
    return table


@functools.cache
def _frames() -> tuple[tuple[tuple[str, ...], str, str], ...]:
    rows = []
    for cols in read_rows("paragraph_frames.tsv"):
        if len(cols) >= 3:
            rows.append((tuple(w.lower() for w in phrase_words(cols[0])), cols[1], cols[2]))
    return tuple(rows)


# ---- scope cues ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cue:
    """Something in a sentence that says whose a figure is."""

    start: int
    end: int
    label: str  # "unit" or a label of scope_cues.tsv
    unit: Fact | None = None


def _unit_cues(units: list[Fact]) -> dict[int, list[_Cue]]:
    """Every mention of every unit, per sentence."""
    out: dict[int, list[_Cue]] = {}
    for fact in units:
        for start, end, sentence in fact.mentions or [(fact.start, fact.end, fact.sentence)]:
            out.setdefault(sentence, []).append(_Cue(start, end, "unit", fact))
    return out


def _lexicon_cues(toks: list[Tok]) -> list[tuple[int, int, _Cue]]:
    """(first token, end token, cue) for the scope words of a sentence, longest match first."""
    table = _cue_table()
    out: list[tuple[int, int, _Cue]] = []
    k = 0
    while k < len(toks):
        for words, label in table.get(toks[k].low, ()):
            if tuple(t.low for t in toks[k : k + len(words)]) == words:
                end = k + len(words)
                out.append((k, end, _Cue(toks[k].start, toks[end - 1].end, label)))
                k = end
                break
        else:
            k += 1
    return out


def _sentence_cues(text: str, toks: list[Tok], unit_cues: list[_Cue]) -> list[_Cue]:
    """The scope cues of one sentence, in order, with the ones that do not name the figure's
    owner dropped: an office or type word right before the unit it names (the named unit
    speaks), a level word that names a system's owner (``trên Hệ thống … của tỉnh``), and a
    province given as the locator of a commune (``phường Cao Lãnh, tỉnh Đồng Tháp``)."""
    units = sorted(unit_cues, key=lambda c: c.start)
    lex = _lexicon_cues(toks)
    kept: list[_Cue] = []
    for a, _b, cue in lex:
        if cue.label == "system":
            continue
        nxt = next((u for u in units if u.start >= cue.end), None)
        if nxt is not None and nxt.start - cue.end <= 40:
            gap = text[cue.end : nxt.start].lower().split()
            if all(w.strip("()") in _TYPE_WORDS or not w.strip("()") for w in gap):
                continue  # the office of a named unit: the unit is the cue
        if any(u.start <= cue.start < u.end for u in units):
            continue
        if cue.label not in ("nation", "part") and _after_system(lex, a):
            continue
        kept.append(cue)
    for i, u in enumerate(units):
        if i > 0 and _is_locator(text, units[i - 1], u):
            continue
        kept.append(u)
    kept.sort(key=lambda c: c.start)
    return kept


def _after_system(lex: list[tuple[int, int, _Cue]], a: int) -> bool:
    """A system word (``hệ thống``, ``phần mềm``) shortly before token ``a``, same clause."""
    return any(label_end <= a <= label_end + 6 and cue.label == "system" for _s, label_end, cue in lex)


_LEVEL = {"xã": 3, "phường": 3, "đặc khu": 3, "thị trấn": 3, "huyện": 2, "quận": 2, "thị xã": 2, "thành phố": 1,
          "tỉnh": 0}


def _is_locator(text: str, prev: _Cue, cue: _Cue) -> bool:
    """``X, tỉnh Y`` / ``X (tỉnh Y)`` / ``X thuộc tỉnh Y``: Y locates X; X is the subject."""
    if prev.unit is None or cue.unit is None:
        return False
    gap = text[prev.end : cue.start].lower().split()
    if not gap or len(gap) > 4:
        return False
    lower = _LEVEL.get(prev.unit.data.get("type", ""), 3)
    higher = _LEVEL.get(cue.unit.data.get("type", ""), 3)
    if higher >= lower:
        return False
    return any(w.strip() in _LOCATOR_GAPS or w.startswith("(") for w in gap) or gap[0].endswith(",")


# ---- the article's units ---------------------------------------------------------------------


def _scope_of(unit: Fact) -> dict[str, str]:
    return {"type": unit.data["type"], "name": unit.data["name"]}


def _code_of(unit: Fact) -> str | None:
    """The 2025 gazetteer code of a unit (a commune's, a province's); ``None`` for a former unit,
    whose code belongs to the pre-2025 code space."""
    code = unit.data.get("_code")
    if code is None or unit.data.get("_old"):
        return None
    return str(code)


def _province_scope(name: str | None) -> tuple[dict[str, str], str | None] | None:
    """The scope of a 2025 province by name: ``{"type": "tỉnh"|"thành phố", "name": …}``, code."""
    if not name:
        return None
    gaz = get_gazetteer()
    cand = gaz.province(name)
    if cand is None:
        return None
    kind = "thành phố" if gaz.is_central_city(cand.name) else "tỉnh"
    return {"type": kind, "name": cand.name}, (None if cand.is_old else str(cand.code))


def _is_province(unit: Fact) -> bool:
    t = unit.data.get("type")
    if t == "tỉnh":
        return True
    return t == "thành phố" and get_gazetteer().is_central_city(unit.data.get("name", "")) and not unit.data.get("_old")


def _main_unit(adoc: ArticleDoc, units: list[Fact], current_era: bool) -> Fact | None:
    """The unit the article is about: its one commune, ward or special zone, or the one its
    headline or lead names, or the one named clearly more often than any other; else its
    province; else none (a report on several communes, seed-000)."""
    local_types = _LOCAL if current_era else _LOCAL + _OLD_LOCAL + ("thành phố",)
    local = [u for u in units if u.data.get("type") in local_types and not (current_era and u.data.get("_old"))
             and not _is_province(u)]
    if not current_era:
        local = [u for u in local if not _is_province(u)]
    lead_end = _lead_end(adoc)
    chosen = _dominant(local, lead_end)
    if chosen is not None or local:
        return chosen
    provinces = [u for u in units if _is_province(u) and not (current_era and u.data.get("_old"))]
    if not provinces and not current_era:
        provinces = [u for u in units if u.data.get("type") == "tỉnh"]
    return _dominant(provinces, lead_end)


def _lead_end(adoc: ArticleDoc) -> int:
    """Where the headline and lead end: the first paragraph (or first two lines)."""
    text = adoc.text
    cut = text.find("\n\n")
    if 0 <= cut < 400:
        nxt = text.find("\n\n", cut + 2)
        return nxt if nxt > 0 else len(text)
    return cut if cut > 0 else min(len(text), 600)


def _dominant(units: list[Fact], lead_end: int) -> Fact | None:
    if not units:
        return None
    if len(units) == 1:
        return units[0]
    in_lead = [u for u in units if u.start < lead_end]
    if len(in_lead) == 1:
        return in_lead[0]
    ranked = sorted(units, key=lambda u: (-len(u.mentions or [0]), u.start))
    first, second = ranked[0], ranked[1]
    if len(first.mentions or [0]) >= 2 * len(second.mentions or [0]):
        return first
    if in_lead and len(in_lead) <= 2:
        return min(in_lead, key=lambda u: u.start)
    return None


# ---- the walk --------------------------------------------------------------------------------


@dataclass
class _Scope:
    value: dict[str, str] | None
    code: str | None = None


class _Anchorer:
    """Walks an article's figures in text order with the unit and the period in force."""

    def __init__(self, adoc: ArticleDoc, facts: dict[str, list[Fact]]) -> None:
        self.adoc = adoc
        self.text = adoc.text
        self.article_date = parse_date(adoc.meta.get("date"))
        self.current_era = self.article_date is None or self.article_date >= TWO_TIER_START
        self.units = list(facts.get("units") or [])
        self.figures = sorted(
            [f for kind in ("dossiers", "percentages") for f in facts.get(kind) or []], key=lambda f: f.start
        )
        self.phrases = find_phrases(self.text)
        self.unit_cues = _unit_cues(self.units)
        self.main = _main_unit(adoc, self.units, self.current_era)
        self.tokens, _where = sentence_tokens(adoc)

    # -- scope --
    def _usable(self, unit: Fact, at: int) -> bool:
        """A unit may be a figure's scope: a former unit only in an article from before
        1 July 2025 (after it, the work is the new unit's, NOTES S2–S3)."""
        return not (self.current_era and unit.data.get("_old"))

    def _latest_unit(self, at: int, want: Iterable[str], province: bool = False) -> Fact | None:
        """The unit of one of the ``want`` types named last before ``at`` (the one the article
        has introduced)."""
        best: tuple[int, Fact] | None = None
        for unit in self.units:
            if province and not _is_province(unit):
                continue
            if not province and unit.data.get("type") not in want:
                continue
            if not self._usable(unit, at):
                continue
            for start, _end, _s in unit.mentions or [(unit.start, unit.end, unit.sentence)]:
                if start < at and (best is None or start > best[0]):
                    best = (start, unit)
        return best[1] if best else None

    def _unit_scope(self, unit: Fact | None) -> _Scope | None:
        if unit is None:
            return None
        return _Scope(_scope_of(unit), _code_of(unit))

    def _province(self, at: int) -> _Scope | None:
        named = self._latest_unit(at, (), province=True)
        if named is not None:
            return self._unit_scope(named)
        main = self.main
        if main is not None:
            if _is_province(main):
                return self._unit_scope(main)
            got = _province_scope(main.data.get("province"))
            if got:
                return _Scope(*got)
        got = _province_scope(self.adoc.meta.get("province"))
        return _Scope(*got) if got else None

    def _local(self, at: int, types: tuple[str, ...]) -> _Scope | None:
        unit = self._latest_unit(at, types)
        if unit is None and self.main is not None and self.main.data.get("type") in types:
            unit = self.main
        if unit is None and types != _LOCAL:
            unit = self._latest_unit(at, _LOCAL) or (
                self.main if self.main is not None and self.main.data.get("type") in _LOCAL else None
            )
        if unit is None and not self.current_era:
            unit = self._latest_unit(at, _OLD_LOCAL + ("thành phố",))
        if unit is None:
            return self._province(at) if self.main is not None and _is_province(self.main) else None
        return self._unit_scope(unit)

    def _resolve_cue(self, cue: _Cue) -> _Scope | None | str:
        """A cue's scope; ``"part"`` for a part of a figure (keeps the scope in force)."""
        label = cue.label
        if label == "unit":
            assert cue.unit is not None
            return self._unit_scope(cue.unit) if self._usable(cue.unit, cue.start) else "skip"
        if label == "nation":
            return _Scope(dict(NATION), "VN")
        if label == "part":
            return "part"
        if label in _LOCAL:
            return self._local(cue.start, (label,))
        if label == "local":
            return self._local(cue.start, _LOCAL)
        if label == "province":
            return self._province(cue.start)
        if label == "city":
            prov = self._province(cue.start)
            if prov is not None and prov.value and prov.value["type"] == "thành phố":
                return prov
            unit = self._latest_unit(cue.start, ("thành phố",))
            return self._unit_scope(unit) if unit is not None else prov
        return "skip"

    def scope_for(self, fig: Fact, cues: list[_Cue], inherited: _Scope | None) -> tuple[_Scope | None, bool]:
        """The figure's scope, and whether a cue of its own sentence gave it."""
        for cue in reversed([c for c in cues if c.end <= fig.start and not self._compared(c, fig)]):
            got = self._resolve_cue(cue)
            if got == "skip":
                continue
            if got == "part":
                return inherited, False
            return got, True  # type: ignore[return-value]
        return inherited, False

    def _compared(self, cue: _Cue, fig: Fact) -> bool:
        """Is the cue the other side of a comparison made after an earlier figure (``đạt 64,2%,
        cao hơn mức bình quân chung của tỉnh``)? Then it is not the next figure's owner."""
        earlier = [f for f in self.figures if f.end <= cue.start and f is not fig]
        if not earlier:
            return False
        gap = self.text[earlier[-1].end : cue.start].lower()
        if any(ch in gap for ch in ".;") or len(gap) > 80:
            return False
        return any(w in gap.split() for w in _COMPARISON_WORDS) or "so với" in gap

    # -- period --
    def _governing(self, sentence: Sentence) -> list[TimePhrase]:
        """The phrases of a sentence that may date its figures: not a comparison's base, a
        document's date, words in brackets about something else, an event's day, a name's term
        (except in a target sentence), and a label followed by the dates it stands for (``trong
        tháng 01/2025 (từ ngày 15/12/2024 đến ngày 14/01/2025)``: written dates win)."""
        event = None
        target = None
        out: list[TimePhrase] = []
        for p in self.phrases:
            if p.end <= sentence.start or p.start >= sentence.end:
                continue
            if p.role in ("comparison", "document", "aside"):
                continue
            if p.role == "attribute":
                if target is None:
                    target = is_target_sentence(sentence.text)
                if not target:
                    continue
            if p.form == "day" and not p.text.lower().startswith("riêng"):
                if event is None:
                    event = is_event_sentence(sentence.text)
                if event:
                    continue
            if p.form == "before":
                # ``HS tồn đọng … trước ngày 1/7``: a backlog the new unit cleared (NOTES T8).
                day = p.spans[0].bounds(self.article_date.year if self.article_date else None)
                if self._backlog(sentence) and day and day[0] == TWO_TIER_START:
                    p.form = "backlog"
                else:
                    continue
            if out and p.form in ("range", "day", "upto") and self.text[out[-1].end : p.start].strip() == "(":
                # The dates stand where the label stands (for which figure they date).
                label = out[-1]
                out[-1] = dataclasses.replace(p, start=label.start, text=self.text[label.start : p.end])
                continue
            out.append(p)
        return out

    def _backlog(self, sentence: Sentence) -> bool:
        low = sentence.text.lower()
        return any(w in low for w in _BACKLOG_WORDS)

    def _choose(
        self, fig: Fact, phrases: list[TimePhrase], sentence: Sentence, prev: Fact | None
    ) -> TimePhrase | Fact | None:
        """What dates a figure: the nearest phrase before it in its clause; else a phrase right
        after it in its segment; else the figure before it in the sentence (a breakdown, a list);
        else the nearest phrase before it in the sentence; in a target sentence, else the phrase
        after it. ``None``: the period in force."""
        before = [p for p in phrases if p.end <= fig.start]
        if before:
            p = before[-1]
            if not any(ch in _CLAUSE_END for ch in self.text[p.end : fig.start]):
                return p
        after = [p for p in phrases if p.start >= fig.end]
        if after:
            p = after[0]
            gap = self.text[fig.end : p.start]
            if not any(ch in _SEGMENT_END for ch in gap) and not any(
                f is not fig and fig.end <= f.start < p.start for f in self.figures
            ):
                return p
        if prev is not None:
            return prev
        if before:
            return before[-1]
        if after and is_target_sentence(sentence.text):
            return after[0]
        return None

    def _opens_account(self, sentence: Sentence, first_fig: Fact | None, paragraph_start: bool) -> bool:
        """Does ``sentence`` open another account (NOTES T5)? At a paragraph's start: reported
        speech, a survey, ``Về …``/``Đối với …``; anywhere: a survey or another matter named
        before its first figure (``Kết quả đánh giá … mức độ hài lòng``)."""
        stop = first_fig.start if first_fig is not None and first_fig.start < sentence.end else sentence.end
        toks = [t for t in self.tokens[sentence.index] if t.start < stop] if sentence.index < len(self.tokens) else []
        lows = [t.low for t in toks]
        for words, label, where in _frames():
            if label == "speech" and not paragraph_start:
                continue
            n = len(words)
            if where == "start":
                if tuple(lows[:n]) == words and (words != ("về",) or "," in lows[:12]):
                    return True
                continue
            for k in range(len(lows) - n + 1):
                if tuple(lows[k : k + n]) == words:
                    return True
        return False

    def _split_of(self, fig: Fact) -> Fact | None:
        """The earlier figure a ratio splits (``15.418/21.560 hồ sơ`` after ``tiếp nhận 21.560 hồ
        sơ``): its numbers add up to that figure, so it has its period and scope (NOTES T4)."""
        total = fig.data.get("total")
        if fig.kind != "dossiers" or not total:
            return None
        for other in self.figures:
            if other.start >= fig.start:
                break
            if other.kind == "dossiers" and other.data.get("count") == total and other.data.get("total") is None:
                return other
        return None

    # -- the walk --
    def run(self) -> None:
        if not self.figures:
            return
        sentences = self.adoc.sentences
        by_sentence: dict[int, list[Fact]] = {}
        for fig in self.figures:
            by_sentence.setdefault(self.adoc.sentence_at(fig.start).index, []).append(fig)
        current: Period | None = None
        current_span: tuple[int, int] | None = None
        focus: _Scope | None = self._unit_scope(self.main) if self.main is not None else None
        # Full dates a later phrase may take its year from: not a comparison's or a document's.
        phrase_years = [
            (p.start, p.year) for p in self.phrases if p.year is not None and p.role not in ("document", "comparison")
        ]
        done: dict[int, tuple[_Scope | None, Period | None, tuple[int, int] | None]] = {}
        prev_end = -1
        for pos, sentence in enumerate(sentences):
            figs = by_sentence.get(sentence.index, [])
            new_paragraph = pos == 0 or "\n\n" in self.text[prev_end : sentence.start]
            prev_end = sentence.end
            if pos > 0 and self._opens_account(sentence, figs[0] if figs else None, new_paragraph):
                current, current_span = None, None
            phrases = self._governing(sentence)
            cues = _sentence_cues(self.text, self.tokens[sentence.index], self.unit_cues.get(sentence.index, []))
            inherited = focus
            resolved: dict[int, Period | None] = {}
            prev: Fact | None = None
            for fig in figs:
                split = self._split_of(fig)
                if split is not None and id(split) in done:
                    scope, period, span = done[id(split)]
                    own = False
                else:
                    got = self._choose(fig, phrases, sentence, prev)
                    if got is None:
                        period, span = current, current_span
                    elif isinstance(got, Fact):
                        _s, period, span = done[id(got)]
                    else:
                        period, span = self._date(got, current, phrase_years, resolved), (got.start, got.end)
                    scope, own = self.scope_for(fig, cues, inherited)
                inherited = scope
                if own and scope is not None and scope.value and scope.value.get("type") != "quốc gia":
                    focus = scope
                done[id(fig)] = (scope, period, span)
                self._set(fig, scope, period, span)
                prev = fig
            # The period in force after the sentence: its last figure's, unless a phrase follows it.
            tail = [p for p in phrases if not figs or p.start >= figs[-1].end]
            if tail:
                current = self._date(tail[-1], current, phrase_years, resolved)
                current_span = (tail[-1].start, tail[-1].end) if current is not None else None
            elif figs:
                _s, current, current_span = done[id(figs[-1])]

    def _date(
        self, p: TimePhrase, current: Period | None, years: list[tuple[int, int]], cache: dict[int, Period | None]
    ) -> Period | None:
        """Date a phrase with the year of the nearest earlier full date and the period in force."""
        if id(p) not in cache:
            hint = None
            for start, year in years:
                if start < p.start:
                    hint = year
            cache[id(p)] = p.resolve(Context(self.article_date, hint, current))
        return cache[id(p)]

    def _set(self, fig: Fact, scope: _Scope | None, period: Period | None, span: tuple[int, int] | None) -> None:
        fig.data["scope"] = dict(scope.value) if scope is not None and scope.value else None
        fig.data["period"] = _period_dict(period)
        fig.data["_scope_code"] = scope.code if scope is not None and scope.value else None
        fig.data["_period_span"] = list(span) if span and fig.data["period"] is not None else None


def _period_dict(period: Period | None) -> dict[str, str | None] | None:
    if period is None:
        return None
    start, end = period
    return {"start": start.isoformat() if isinstance(start, date) else None,
            "end": end.isoformat() if isinstance(end, date) else None}


def anchor(adoc: ArticleDoc, facts: dict[str, list[Fact]]) -> None:
    """Set ``scope`` and ``period`` on every dossier and percentage fact, in place.

    Every figure gets both keys (``None`` when the article does not say); a failure here is
    logged and leaves ``None`` in them, so that the figures themselves are never lost.
    """
    figures = [f for kind in ("dossiers", "percentages") for f in facts.get(kind) or []]
    for fig in figures:
        fig.data.setdefault("scope", None)
        fig.data.setdefault("period", None)
    if not figures:
        return
    try:
        _Anchorer(adoc, facts).run()
    except Exception:
        log.warning("scope/period failed on %s", adoc.meta.get("id") or adoc.meta.get("url") or "an article")
        log.debug("traceback", exc_info=True)


def describe(data: dict[str, Any]) -> str:
    """A short human form of a figure's scope and period (for logs and the CLI)."""
    scope = data.get("scope")
    period = data.get("period")
    where = f"{scope['type']} {scope['name']}" if scope else "?"
    when = f"{period.get('start') or '…'} – {period.get('end') or '…'}" if period else "?"
    return f"{where}, {when}"
