"""Time expressions of Vietnamese reports, read as the days they cover (spec §5 ``period``).

A provincial report dates its figures in many ways: ``từ ngày 1/7 đến hết ngày 31/7/2025``,
``1 – 31/8/2025``, ``tháng 10-2025``, ``Quý III/2025``, ``6 tháng đầu năm``, ``9 tháng``,
``năm 2024``, ``tính đến ngày 6/8``, ``đến nay``, ``hiện còn``, ``sau 45 ngày vận hành`` (of the
two-tier local government, which started on 2025-07-01), ``trong 5 năm qua``, ``phấn đấu đến năm
2030``. This module finds those phrases in a text and says which days each covers; which figure a
phrase governs is the business of ``nlp.anchoring``.

The vocabulary lives in ``nlp/data/timex/`` (see its README), as HeidelTime keeps its hand-made
Vietnamese resources apart from its rules; the rules here are the grammar of the phrases:

* :func:`find_phrases` cuts a text into tokens and, at each token, tries the phrase forms from the
  longest to the shortest (a range before its two dates, ``6 tháng đầu năm`` before ``6 tháng``).
  Each :class:`TimePhrase` keeps its char offsets, its form and a *role*: ``period`` (it dates
  figures), ``comparison`` (``so với tháng trước``: a base, not the figure's days), ``document``
  (``Nghị quyết số 188/NQ-CP ngày 11/10/2024``), ``open`` (``thời gian tới``: no period),
  ``same`` (``Cùng kỳ, …``: the period in force), ``aside`` (inside brackets that qualify other
  words) or ``attribute`` (``Đại hội … nhiệm kỳ 2025 – 2030``: part of a name).
* :meth:`TimePhrase.resolve` turns a phrase into ``(start, end)`` dates with a
  :class:`Context`: the article's date, the year of the nearest earlier full date (a phrase that
  omits its year takes it, else the latest such span not after the article's date), and the
  period in force (for ``trong tháng``, ``cuối tháng``, ``cùng kỳ``).

Nothing here raises on odd input: a phrase that cannot be dated resolves to ``None``.
"""

from __future__ import annotations

import calendar
import functools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from nlp.lexicon import phrase_words, read_rows

log = logging.getLogger(__name__)

__all__ = [
    "TWO_TIER_START",
    "Context",
    "Span",
    "TimePhrase",
    "find_phrases",
    "parse_date",
    "is_event_sentence",
    "is_target_sentence",
    "tokens_from",
]

# The day the two-tier local government started (Resolutions 202/2025/QH15 and after).
TWO_TIER_START = date(2025, 7, 1)

Period = tuple[date | None, date | None]


# ---- vocabulary ------------------------------------------------------------------------------


@functools.cache
def _phrases(name: str) -> tuple[tuple[str, ...], ...]:
    """The phrases of ``nlp/data/timex/<name>.tsv`` (first column) as lowercase token tuples,
    longest first, so that a reader trying them in order takes the longest match."""
    rows = [tuple(w.lower() for w in phrase_words(cols[0])) for cols in read_rows(f"timex/{name}.tsv") if cols]
    return tuple(sorted({r for r in rows if r}, key=len, reverse=True))


@functools.cache
def _values(name: str) -> dict[str, tuple[tuple[tuple[str, ...], int], ...]]:
    """``phrase → int`` tables (number words, month words, quarter numerals), indexed by the
    phrase's first word, longest phrase first (a reader asks at every number and word)."""
    rows: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for cols in read_rows(f"timex/{name}.tsv"):
        if len(cols) >= 2 and cols[1].lstrip("-").isdigit():
            words = tuple(w.lower() for w in phrase_words(cols[0]))
            if words:
                rows.setdefault(words[0], []).append((words, int(cols[1])))
    return {first: tuple(sorted(found, key=lambda r: -len(r[0]))) for first, found in rows.items()}


@functools.cache
def _unit_kinds() -> dict[str, str]:
    return {cols[0].lower(): cols[1] for cols in read_rows("timex/units.tsv") if len(cols) >= 2}


# ---- tokens ----------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+|[^\w\s]", re.UNICODE)


class _Tok(NamedTuple):
    """A word, a run of digits or one mark, with its char offsets. The reader reads only these
    four fields, so the sentence tokens the quantity extractors already made serve as well
    (``tokens_from``)."""

    text: str
    low: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(0), m.group(0).lower(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


_COMPOSITE = re.compile(r"\d+|\D")


def tokens_from(sentences: Iterable[Iterable[Any]]) -> list[Any]:
    """The reader's tokens from already-cut sentence tokens (``nlp.extractors._quantity_common``):
    the document's tokenizer keeps ``1/7``, ``1.7`` or ``13.636`` as one token, which is cut here
    into digits and marks, as ``find_phrases`` would cut them."""
    out: list[Any] = []
    for toks in sentences:
        for t in toks:
            text = t.text
            if text[:1].isdigit() and not text.isdigit():
                for m in _COMPOSITE.finditer(text):
                    piece = m.group(0)
                    out.append(_Tok(piece, piece.lower(), t.start + m.start(), t.start + m.end()))
            else:
                out.append(t)
    return out


# ---- spans -----------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: date, months: int) -> date:
    """``d`` moved by whole months, the day clipped to the month's length."""
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class Span:
    """A named stretch of the calendar, possibly without its year.

    ``kind``: ``day`` (``day``, ``month``), ``month``, ``quarter`` (``n``), ``half`` (``n`` = 1
    or 2), ``first_months`` (the first ``n`` months: ``9 tháng``, ``6 tháng đầu năm``),
    ``last_months`` (``6 tháng cuối năm``), ``year``, ``years`` (``year`` … ``year2``),
    ``year_start`` (``đầu năm``: 1 January, as a day).
    """

    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    n: int | None = None
    year2: int | None = None

    def with_year(self, year: int) -> Span:
        return Span(self.kind, year, self.month, self.day, self.n, self.year2)

    def bounds(self, year: int | None = None) -> Period | None:
        """First and last day of the span in ``year`` (its own year when it states one)."""
        y = self.year if self.year is not None else year
        if y is None:
            return None
        k = self.kind
        if k == "day" and self.month and self.day:
            d = _safe_date(y, self.month, self.day)
            return (d, d) if d else None
        if k == "year_start":
            return date(y, 1, 1), date(y, 1, 1)
        if k == "month" and self.month:
            return date(y, self.month, 1), _month_end(y, self.month)
        if k == "quarter" and self.n and 1 <= self.n <= 4:
            first = 3 * (self.n - 1) + 1
            return date(y, first, 1), _month_end(y, first + 2)
        if k == "half" and self.n in (1, 2):
            return (date(y, 1, 1), date(y, 6, 30)) if self.n == 1 else (date(y, 7, 1), date(y, 12, 31))
        if k == "first_months" and self.n and 1 <= self.n <= 12:
            return date(y, 1, 1), _month_end(y, self.n)
        if k == "last_months" and self.n and 1 <= self.n <= 12:
            return date(y, 13 - self.n, 1), date(y, 12, 31)
        if k == "year":
            return date(y, 1, 1), date(y, 12, 31)
        if k == "years" and self.year2:
            return date(y, 1, 1), date(self.year2, 12, 31)
        return None


@dataclass
class Context:
    """What a phrase needs to be dated: the article's date, the year of the nearest earlier full
    date in the article, and the period in force (for ``trong tháng``, ``cuối tháng``, ``cùng kỳ``)."""

    article_date: date | None = None
    year_hint: int | None = None
    current: Period | None = None
    report: Period | None = None  # the report's own period (``kỳ báo cáo``), for ``trong kỳ``


def _year_for(span: Span, ctx: Context) -> int | None:
    """The year of a span that omits it (spec §5): the nearest earlier full date's, else the
    latest year in which the span starts on or before the article's date."""
    if span.year is not None:
        return span.year
    if ctx.year_hint is not None:
        return ctx.year_hint
    if ctx.article_date is None:
        return None
    for y in (ctx.article_date.year, ctx.article_date.year - 1):
        got = span.bounds(y)
        if got and got[0] and got[0] <= ctx.article_date:
            return y
    return ctx.article_date.year - 1


def _span_bounds(span: Span, ctx: Context) -> Period | None:
    return span.bounds(_year_for(span, ctx))


# ---- phrases ---------------------------------------------------------------------------------


@dataclass
class TimePhrase:
    """One time expression: where it is, its form, its role, and how to date it."""

    start: int
    end: int
    text: str
    form: str
    role: str = "period"
    spans: tuple[Span, ...] = ()
    amount: int | None = None  # durations: how many units
    unit: str | None = None  # durations: day, week, month, quarter, year
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def year(self) -> int | None:
        """The latest year the phrase writes out (a full date for later phrases to take from)."""
        years = [s.year2 or s.year for s in self.spans if s.year is not None]
        return max(years) if years else None

    @property
    def full_date_year(self) -> int | None:
        """The year of a full date the phrase writes (day, month and year): what a later phrase
        that omits its year takes it from (spec §5)."""
        years = [s.year for s in self.spans if s.kind == "day" and s.year is not None]
        return max(years) if years else None

    def resolve(self, ctx: Context) -> Period | None:
        """The ``(start, end)`` days the phrase covers; ``None`` when it gives no period or
        cannot be dated. An open side is ``None`` (``tính đến 6/8`` → ``(None, 2025-08-06)``)."""
        try:
            return _RESOLVERS[self.form](self, ctx)
        except (KeyError, ValueError, OverflowError):
            log.debug("cannot resolve %r", self.text, exc_info=True)
            return None


def _resolve_span(p: TimePhrase, ctx: Context) -> Period | None:
    return _span_bounds(p.spans[0], ctx)


def _resolve_range(p: TimePhrase, ctx: Context) -> Period | None:
    a, b = p.spans
    if b.kind == "now":
        first = _span_bounds(a, ctx)
        return (first[0], ctx.article_date) if first else None
    # A start that states its year gives it to an end that omits it (``từ đầu năm 2026 đến hết
    # tháng 8``); the end gives its year to a start that omits it (``từ 15/12 đến 14/1/2025``).
    if b.year is None and a.year is not None:
        first = a.bounds()
        b_year = a.year
        last = b.bounds(b_year)
        if first and last and last[1] and first[0] and last[1] < first[0]:
            last = b.bounds(b_year + 1)
        return (first[0], last[1]) if first and last else None
    b_year = _year_for(b, ctx)
    last = b.bounds(b_year)
    if last is None:
        return None
    if a.year is None and b_year is not None:
        first = a.bounds(b_year)
        if first and first[0] and last[1] and first[0] > last[1]:
            first = a.bounds(b_year - 1)
    else:
        first = _span_bounds(a, ctx)
    return (first[0], last[1]) if first else None


def _resolve_since(p: TimePhrase, ctx: Context) -> Period | None:
    first = _span_bounds(p.spans[0], ctx)
    return (first[0], ctx.article_date) if first else None


def _resolve_upto(p: TimePhrase, ctx: Context) -> Period | None:
    last = _span_bounds(p.spans[0], ctx)
    return (None, last[1]) if last else None


def _resolve_now(p: TimePhrase, ctx: Context) -> Period | None:
    return None, ctx.article_date


def _resolve_two_tier_since(p: TimePhrase, ctx: Context) -> Period | None:
    if ctx.article_date is not None and ctx.article_date < TWO_TIER_START:
        return None  # an earlier reorganisation
    return TWO_TIER_START, ctx.article_date


def _after(start: date, amount: int, unit: str) -> date:
    """The last day of ``amount`` units counted from ``start`` (inclusive)."""
    if unit == "day":
        return start + timedelta(days=amount - 1)
    if unit == "week":
        return start + timedelta(days=7 * amount - 1)
    months = {"month": 1, "quarter": 3, "year": 12}[unit] * amount
    return _add_months(start, months) - timedelta(days=1)


def _resolve_two_tier_span(p: TimePhrase, ctx: Context) -> Period | None:
    if not p.amount or not p.unit:
        return None
    return TWO_TIER_START, _after(TWO_TIER_START, p.amount, p.unit)


def _resolve_back(p: TimePhrase, ctx: Context) -> Period | None:
    """``trong 5 năm qua``: the units counted back from the article's date (NOTES T7)."""
    if ctx.article_date is None or not p.amount or not p.unit:
        return None
    end = ctx.article_date
    if p.unit == "day":
        start = end - timedelta(days=p.amount - 1)
    elif p.unit == "week":
        start = end - timedelta(days=7 * p.amount - 1)
    else:
        months = {"month": 1, "quarter": 3, "year": 12}[p.unit] * p.amount
        start = _add_months(end, -months) + timedelta(days=1)
    return start, end


def _resolve_first_day(p: TimePhrase, ctx: Context) -> Period | None:
    return TWO_TIER_START, TWO_TIER_START


def _resolve_same(p: TimePhrase, ctx: Context) -> Period | None:
    """``cùng kỳ``, ``cùng thời gian``: the report's period, else the one in force (the figure
    compared in the same sentence, when there is one, is ``nlp.anchoring``'s to give)."""
    return ctx.report or ctx.current


def _current_month(ctx: Context) -> tuple[int, int] | None:
    """The month of the period in force (its end, else its start), else the article's month."""
    for period in (ctx.current, ctx.report):
        if period is not None:
            d = period[1] or period[0]
            if d is not None:
                return d.year, d.month
    if ctx.article_date is not None:
        return ctx.article_date.year, ctx.article_date.month
    return None


def _resolve_this_month(p: TimePhrase, ctx: Context) -> Period | None:
    """``trong tháng`` (no number): the month of the period in force."""
    ym = _current_month(ctx)
    return (date(ym[0], ym[1], 1), _month_end(*ym)) if ym else None


def _resolve_this_quarter(p: TimePhrase, ctx: Context) -> Period | None:
    """``trong quý`` (no numeral): the quarter of the period in force."""
    ym = _current_month(ctx)
    if not ym:
        return None
    first = 3 * ((ym[1] - 1) // 3) + 1
    return date(ym[0], first, 1), _month_end(ym[0], first + 2)


def _resolve_month_end(p: TimePhrase, ctx: Context) -> Period | None:
    """``tính đến cuối tháng``: up to the last day of the month in force."""
    ym = _current_month(ctx)
    return (None, _month_end(*ym)) if ym else None


def _resolve_year_end(p: TimePhrase, ctx: Context) -> Period | None:
    """``đến cuối năm`` (no year): up to 31 December of the year in force."""
    year = p.extra.get("year")
    if year is None:
        d = (ctx.current[1] or ctx.current[0]) if ctx.current else None
        year = d.year if d else (ctx.year_hint or (ctx.article_date.year if ctx.article_date else None))
    return (None, date(year, 12, 31)) if year else None


def _resolve_year_in_force(p: TimePhrase, ctx: Context) -> Period | None:
    """``trong năm`` (no number): the year of the period in force (its end, else its start), else
    the article's year."""
    ym = _current_month(ctx)
    return (date(ym[0], 1, 1), date(ym[0], 12, 31)) if ym else None


def _resolve_this_year(p: TimePhrase, ctx: Context) -> Period | None:
    if ctx.article_date is None:
        return None
    y = ctx.article_date.year + p.extra.get("offset", 0)
    return date(y, 1, 1), date(y, 12, 31)


def _resolve_last_term(p: TimePhrase, ctx: Context) -> Period | None:
    """``nhiệm kỳ qua``: the term ending in the article's year (else where the term the article
    names begins), as long as that term (else five years), in whole years (NOTES T3)."""
    named = p.extra.get("term")
    length = named[1] if named and 3 <= named[1] <= 6 else 5
    end = ctx.article_date.year if ctx.article_date else (named[0] if named else None)
    if end is None:
        return None
    return date(end - length, 1, 1), date(end, 12, 31)


def _resolve_none(p: TimePhrase, ctx: Context) -> Period | None:
    return None


def _resolve_backlog(p: TimePhrase, ctx: Context) -> Period | None:
    """Dossiers left from before 1 July 2025 and cleared by the new unit (NOTES T8)."""
    return TWO_TIER_START, ctx.article_date


_RESOLVERS: dict[str, Callable[[TimePhrase, Context], Period | None]] = {
    "span": _resolve_span,
    "day": _resolve_span,
    "range": _resolve_range,
    "since": _resolve_since,
    "upto": _resolve_upto,
    "now": _resolve_now,
    "two_tier_since": _resolve_two_tier_since,
    "two_tier_span": _resolve_two_tier_span,
    "back": _resolve_back,
    "first_day": _resolve_first_day,
    "same": _resolve_same,
    "this_month": _resolve_this_month,
    "this_quarter": _resolve_this_quarter,
    "month_end": _resolve_month_end,
    "year_end": _resolve_year_end,
    "this_year": _resolve_this_year,
    "year_in_force": _resolve_year_in_force,
    "report": _resolve_same,
    "last_term": _resolve_last_term,
    "open": _resolve_none,
    "before": _resolve_none,
    "backlog": _resolve_backlog,
}


# ---- the grammar -----------------------------------------------------------------------------

_DASHES = frozenset({"-", "–", "—", "~"})
_TO_WORDS = frozenset({"đến", "tới"})
_DATE_SEPS = frozenset({"/", "-", ".", "–"})
_YEAR_SEPS = _DATE_SEPS | {"năm", ","}
# What may follow a number that starts a time phrase (besides a date separator without a space).
_AFTER_NUMBER = frozenset({"tháng", "ngày", "năm", "tuần", "quý", "-", "–", "—", "~", "đến", "tới"})
# Words that may stand right before a day written without its year (``ngày 1/7``, ``từ 1-7``):
# without one, ``1.7`` or ``3-4`` is more likely a number or a range than a date.
_DAY_CUES = frozenset({
    "ngày", "từ", "đến", "tới", "hết", "trước", "sau", "hôm", "sáng", "chiều", "tối", "trưa", "đêm",
    "khuya", "riêng", "đầu", "giữa", "cuối", "qua", "với", "kể", "tính", "và", "cho",
})
# Adjectives whose superlative (``cao nhất kể từ ngày 1/7``) makes a record's range, not a period.
_SUPERLATIVE_HEADS = frozenset({"cao", "thấp", "nhiều", "lớn", "ít", "nhỏ", "tốt"})
# Before ``nhiệm kỳ``: the words that make the term the time of what is said, not a name's part.
_TERM_PREPOSITIONS = frozenset({"cho", "trong", "qua", "của", "suốt", "hết", "cả", "toàn", "đầu", "cuối"})
# After ``trong năm``, words that make it another year or no year (``trong năm qua``, ``năm học``).
_NOT_THIS_YEAR = frozenset({"qua", "tới", "nay", "trước", "sau", "học", "ngoái", "mới", "đầu", "cuối", "kế", "vừa",
                            "đó", "này"})
# The 2025 reorganisation by its own name (``sau sáp nhập``), and the nouns such a phrase describes
# rather than dates (``các xã sau sáp nhập``).
_MERGE_WORDS = frozenset({"sáp", "sắp", "hợp"})
_UNIT_NOUNS = frozenset({"xã", "phường", "tỉnh", "huyện", "thành", "phố", "đặc", "khu", "vị", "phương", "quận"})
_QUALIFIERS = frozenset({"gần", "hơn", "khoảng", "trên", "tròn", "chưa", "đầy", "suốt", "sau"})
# An unstated number of days or months (``sau nhiều tháng``, ``những tháng đầu tiên``).
_SOME = frozenset({"nhiều", "những", "mấy", "các"})


# Each reader, in the order they are tried (longest form first), with the tokens it can start with
# ("#": a number; "*": a number word; "open"/"now": the first words of those data files).
_READERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("open_phrase", frozenset({"open"})),
    ("range_phrase", frozenset({"#", "từ", "kể", "tính", "ngày", "đầu"})),
    ("since_phrase", frozenset({"kể", "tính", "bắt", "từ"})),
    ("upto_phrase", frozenset({"tính", "cho", "đến", "tới"})),
    ("two_tier_phrase", frozenset({"#", "*", "sau", "qua", "trong", "ngày", "tháng", "tuần"} | _QUALIFIERS | _SOME)),
    ("back_phrase", frozenset({"#", "*", "trong"})),
    ("now_phrase", frozenset({"now"})),
    ("relative_phrase", frozenset({"trong", "kỳ", "cùng", "nay", "năm", "sau"})),
    ("backlog_phrase", frozenset({"trước"})),
    ("last_term_phrase", frozenset({"nhiệm"})),
    ("span_phrase", frozenset({"#", "*", "riêng", "ngày", "tháng", "quý", "nửa", "giai", "nhiệm", "thời", "năm"})),
)


@functools.cache
def _readers_for(key: str) -> tuple[str, ...]:
    """The readers that can start at a token (``"#"`` for a number)."""
    kinds = {key}
    if key in _values("number_words"):
        kinds.add("*")
    if key in {p[0] for p in _phrases("open")}:
        kinds.add("open")
    if key in {p[0] for p in _phrases("now")}:
        kinds.add("now")
    return tuple(name for name, starts in _READERS if starts & kinds)


class _Reader:
    """Reads the time phrases of one text, token by token."""

    def __init__(self, text: str, tokens: list[Any] | None = None) -> None:
        self.text = text
        self.toks = _tokens(text) if tokens is None else tokens
        self.lows = [t.low for t in self.toks]
        self.n = len(self.toks)

    # -- small helpers --
    def low(self, i: int) -> str:
        return self.lows[i] if 0 <= i < self.n else ""

    def adjacent(self, i: int) -> bool:
        """Token ``i`` touches token ``i + 1`` (no space between)."""
        return i + 1 < self.n and self.toks[i].end == self.toks[i + 1].start

    def phrase_at(self, i: int, phrases: tuple[tuple[str, ...], ...]) -> int | None:
        """The end of the longest listed phrase starting at token ``i``."""
        for p in phrases:
            if tuple(self.lows[i : i + len(p)]) == p:
                return i + len(p)
        return None

    def value_at(self, i: int, table: dict[str, tuple[tuple[tuple[str, ...], int], ...]]) -> tuple[int, int] | None:
        """(end, value) of the longest phrase of ``table`` at ``i``."""
        for p, v in table.get(self.low(i), ()):
            if tuple(self.lows[i : i + len(p)]) == p:
                return i + len(p), v
        return None

    def number_at(self, i: int) -> tuple[int, int] | None:
        """A whole number written in digits or words at ``i``: (end, value)."""
        if i < self.n and self.toks[i].text.isdigit():
            # ``1.000`` as a count is not a duration; keep plain integers only.
            if self.adjacent(i) and self.low(i + 1) in {".", ","} and self.toks[i + 2 : i + 3] and \
                    self.toks[i + 2].text.isdigit() and self.adjacent(i + 1):
                return None
            return i + 1, int(self.toks[i].text)
        return self.value_at(i, _values("number_words"))

    def year_at(self, i: int) -> int | None:
        t = self.toks[i] if 0 <= i < self.n else None
        if t is not None and t.text.isdigit() and len(t.text) == 4 and t.text[:2] in ("19", "20"):
            return int(t.text)
        return None

    # -- atoms --
    def numeric_date(self, i: int, need_cue: bool) -> tuple[int, Span] | None:
        """``1/7``, ``01-7``, ``1.7``, ``01/7/2025``, ``1.7.2025`` (no spaces inside)."""
        if i + 2 >= self.n:
            return None
        t = self.toks[i]
        if not (t.text.isdigit() and len(t.text) <= 2) or not self.adjacent(i) or self.low(i + 1) not in _DATE_SEPS:
            return None
        if not self.adjacent(i + 1) or i + 2 >= self.n:
            return None
        if not self.toks[i + 2].text.isdigit() or len(self.toks[i + 2].text) > 2:
            return None
        # Not part of a longer number (``4.572/4.572``, ``1.846``, ``3,5``).
        if i > 0 and self.toks[i - 1].end == t.start and self.low(i - 1) in {".", ",", "/"}:
            return None
        day, month = int(t.text), int(self.toks[i + 2].text)
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return None
        sep = self.low(i + 1)
        end = i + 3
        year = None
        if self.adjacent(i + 2) and self.low(i + 3) == sep and self.adjacent(i + 3):
            year = self.year_at(i + 4)
            if year is None:
                return None
            end = i + 5
        elif self.adjacent(i + 2) and self.low(i + 3) in {".", ",", "/"} and self.adjacent(i + 3) and \
                i + 4 < self.n and self.toks[i + 4].text.isdigit():
            return None  # ``1.234.567``, ``3.172/3.172``
        if year is None and need_cue and self.low(i - 1) not in _DAY_CUES:
            return None
        if year is None and sep == "." and self.low(i - 1) not in _DAY_CUES:
            return None
        return end, Span("day", year, month, day)

    def word_date(self, i: int) -> tuple[int, Span] | None:
        """``15 tháng 8``, ``1 tháng 7 năm 2025``."""
        t = self.toks[i] if i < self.n else None
        if t is None or not t.text.isdigit() or len(t.text) > 2 or self.low(i + 1) != "tháng":
            return None
        got = self.month_number(i + 2)
        if got is None:
            return None
        j, month = got
        day = int(t.text)
        if not 1 <= day <= 31:
            return None
        j, year = self.year_suffix(j)
        return j, Span("day", year, month, day)

    def day(self, i: int, need_cue: bool = True) -> tuple[int, Span] | None:
        return self.word_date(i) or self.numeric_date(i, need_cue)

    def month_number(self, i: int) -> tuple[int, int] | None:
        t = self.toks[i] if i < self.n else None
        if t is not None and t.text.isdigit() and len(t.text) <= 2 and 1 <= int(t.text) <= 12:
            return i + 1, int(t.text)
        got = self.value_at(i, _values("month_words"))
        # ``9 tháng năm 2025``, ``tháng năm nay``: ``năm`` is the year there, not May.
        if got is not None and self.low(got[0] - 1) == "năm" and (
            self.year_at(got[0]) is not None or self.low(got[0]) in {"nay", "trước", "ngoái", "sau", "qua"}
        ):
            return None
        return got

    def year_suffix(self, j: int) -> tuple[int, int | None]:
        """An optional year after a day, month or quarter: ``/2025``, ``-2025``, ``năm 2025``, ``, 2025``."""
        year = self.year_at(j + 1)
        if year is not None and self.low(j) in _YEAR_SEPS:
            return j + 2, year
        return j, None

    def month(self, i: int) -> tuple[int, Span] | None:
        """``tháng 8``, ``tháng 10-2025``, ``tháng 01/2025``, ``tháng mười năm 2025``."""
        if self.low(i) != "tháng" or (i > 0 and self.number_at(i - 1) is not None and self.toks[i - 1].text.isdigit()):
            return None
        got = self.month_number(i + 1)
        if got is None:
            return None
        j, month = got
        # ``tháng 5 năm nay`` / ``tháng 5 năm trước``: the year relative to the article.
        j, year = self.year_suffix(j)
        return j, Span("month", year, month)

    def quarter(self, i: int) -> tuple[int, Span] | None:
        """``quý III``, ``Quý III/2025``, ``quý 3 năm 2025``, ``quý một``."""
        if self.low(i) != "quý" or i + 1 >= self.n:
            return None
        got = self.value_at(i + 1, _values("quarters"))
        if got is None:
            return None
        j, q = got
        j, year = self.year_suffix(j)
        return j, Span("quarter", year, n=q)

    def part_of_year(self, i: int) -> tuple[int, Span] | None:
        """``6 tháng đầu năm (2025)``, ``sáu tháng cuối năm``, ``nửa đầu năm``, ``9 tháng (năm 2025)``."""
        if self.low(i) == "nửa" and self.low(i + 1) in {"đầu", "cuối"} and self.low(i + 2) == "năm":
            j, year = self.year_after_nam(i + 3)
            return j, Span("half", year, n=1 if self.low(i + 1) == "đầu" else 2)
        got = self.number_at(i)
        if got is None:
            return None
        j, n = got
        if self.low(j) != "tháng" or not 1 <= n <= 12:
            return None
        j += 1
        if self.low(j) in {"đầu", "cuối"} and self.low(j + 1) == "năm":
            first = self.low(j) == "đầu"
            k, year = self.year_after_nam(j + 2)
            if n == 6:
                return k, Span("half", year, n=1 if first else 2)
            return k, Span("first_months" if first else "last_months", year, n=n)
        if self.low(j) == "năm" and self.year_at(j + 1) is not None:
            return j + 2, Span("first_months", self.year_at(j + 1), n=n)
        if self.low(j) in {"/", "-"} and self.year_at(j + 1) is not None:
            return j + 2, Span("first_months", self.year_at(j + 1), n=n)
        # ``trong 8 tháng, …``, ``Tính chung 10 tháng, …``: the months so far this year.
        if (self.low(i - 1) == "trong" or (self.low(i - 2), self.low(i - 1)) == ("tính", "chung")) and \
                self.low(j) in {",", ".", ";"}:
            return j, Span("first_months", None, n=n)
        return None

    def year_after_nam(self, j: int) -> tuple[int, int | None]:
        """After ``… năm``: an optional year (``6 tháng đầu năm 2025``)."""
        y = self.year_at(j)
        return (j + 1, y) if y is not None else (j, None)

    def year(self, i: int) -> tuple[int, Span] | None:
        """``năm 2025``, ``giai đoạn 2021 – 2023``, ``nhiệm kỳ 2025-2030``, ``2024-2025``."""
        j = i
        if self.low(j) in {"giai", "nhiệm", "thời"} and self.low(j + 1) in {"đoạn", "kỳ"}:
            j += 2
        elif self.low(j) == "năm":
            j += 1
        y1 = self.year_at(j)
        if y1 is None:
            return None
        if self.low(j + 1) in _DASHES | _TO_WORDS and self.year_at(j + 2) is not None:
            y2 = self.year_at(j + 2)
            if y2 is not None and y1 < y2 <= y1 + 20:
                return j + 3, Span("years", y1, year2=y2)
        if j == i:  # a bare four-digit number is a year only in a range (above)
            return None
        return j + 1, Span("year", y1)

    def calendar_span(self, i: int, need_cue: bool = True) -> tuple[int, Span] | None:
        """Any dated span: a day, a month, a quarter, a part of a year, a year."""
        return (
            self.part_of_year(i)
            or self.day(i, need_cue)
            or self.quarter(i)
            or self.month(i)
            or self.year(i)
        )

    def end_point(self, i: int) -> tuple[int, Span] | None:
        """What a range or ``tính đến`` ends on: ``(hết) (ngày) 31/7/2025``, ``hết tháng 8``,
        ``cuối năm 2025``, ``hết năm 2025``, ``năm 2030``, ``nay`` (a span ``now``)."""
        j = i
        if self.low(j) == "giữa" and self.low(j + 1) == "tháng":
            # ``đến giữa tháng 8``: the middle of the month, its 15th.
            got = self.month(j + 1)
            if got is not None:
                return got[0], Span("day", got[1].year, got[1].month, 15)
        if self.low(j) in {"hết", "cuối"}:
            j += 1
        if self.low(j) == "ngày":
            j += 1
        if self.low(j) in {"nay", "hiện"} and (self.low(j) == "nay" or self.low(j + 1) in {"nay", "tại"}):
            return j + (1 if self.low(j) == "nay" else 2), Span("now")
        got = self.calendar_span(j, need_cue=False)
        if got is None and self.low(j) == "năm" and self.year_at(j + 1) is not None:
            return j + 2, Span("year", self.year_at(j + 1))
        return got

    # -- phrases --
    def phrase(self, i: int) -> TimePhrase | None:
        """The phrase starting at token ``i``: the readers are tried from the longest form to the
        shortest, only those that can start with this token (``_READERS``)."""
        if self.toks[i].text.isdigit():
            # A number starts a time phrase only as a date, a duration or a year (``1/7``,
            # ``45 ngày``, ``2024-2025``): most numbers of a report are counts, and are skipped.
            if self.low(i + 1) not in _AFTER_NUMBER and not (self.adjacent(i) and self.low(i + 1) in _DATE_SEPS):
                return None
            key = "#"
        else:
            key = self.lows[i]
        for name in _readers_for(key):
            got = getattr(self, name)(i)
            if got is not None:
                return got
        return None

    def make(self, i: int, j: int, form: str, spans: tuple[Span, ...] = (), **kw: Any) -> TimePhrase:
        start, end = self.toks[i].start, self.toks[j - 1].end
        return TimePhrase(start, end, self.text[start:end], form, spans=spans, **kw)

    def open_phrase(self, i: int) -> TimePhrase | None:
        j = self.phrase_at(i, _phrases("open"))
        return self.make(i, j, "open", role="open") if j else None

    def range_phrase(self, i: int) -> TimePhrase | None:
        """``từ (ngày) A đến (hết) (ngày) B``, ``A - B`` (``1 – 31/8/2025``, ``1/7 - 30/9``),
        ``từ tháng 7 đến tháng 9``, ``từ đầu năm (2026) đến hết tháng 8``, ``từ 1/7 đến nay``."""
        j = i
        opened = False
        if self.low(j) in {"từ", "kể", "tính"}:
            if self.low(j) in {"kể", "tính"}:
                if self.low(j + 1) != "từ":
                    return None
                j += 1
            j += 1
            opened = True
        if opened and self.low(j) in {"khi", "lúc"}:
            k = self.start_event(j + 1)
            if k is not None:
                while k < self.n and self.low(k) not in _TO_WORDS and self.low(k) not in {",", ";", "."} \
                        and k - j < 14:
                    k += 1
                if self.low(k) in _TO_WORDS:
                    second = self.end_point(k + 1)
                    if second is not None:
                        return self.make(i, second[0], "range", (Span("day", 2025, 7, 1), second[1]))
            return None
        if self.low(j) == "ngày":
            j += 1
        first = self.start_point(j, opened)
        if first is None:
            # ``1 – 31/8/2025``: a bare day before a dash and a full date.
            t = self.toks[j] if j < self.n else None
            if t is not None and t.text.isdigit() and len(t.text) <= 2 and self.low(j + 1) in _DASHES | _TO_WORDS:
                k = j + 2 + (1 if self.low(j + 2) == "ngày" else 0)
                second = self.day(k, need_cue=False)
                if second is not None and second[1].month and 1 <= int(t.text) <= 31:
                    a = Span("day", None, second[1].month, int(t.text))
                    if a.bounds(2000) and int(t.text) < (second[1].day or 0):
                        return self.make(i, second[0], "range", (a, second[1]))
            return None
        k, a = first
        if self.low(k) not in _DASHES | _TO_WORDS:
            return None
        second = self.end_point(k + 1)
        if second is None:
            return None
        m, b = second
        if not opened and (a.kind != "day" or a.month is None or b.kind not in {"day", "now"}):
            return None  # ``3 - 4``: a bare range of numbers, not of dates
        return self.make(i, m, "range", (a, b))

    def start_point(self, j: int, opened: bool) -> tuple[int, Span] | None:
        """What a range or ``từ`` starts on: a day, month, quarter, year, or ``đầu năm (Y)``."""
        if self.low(j) == "đầu" and self.low(j + 1) == "năm":
            k, year = self.year_after_nam(j + 2)
            return k, Span("year_start", year)
        if self.low(j) == "đầu" and self.low(j + 1) == "tháng":
            got = self.month(j + 1)
            if got:
                return got[0], Span("day", got[1].year, got[1].month, 1)
        return self.calendar_span(j, need_cue=not opened)

    def since_phrase(self, i: int) -> TimePhrase | None:
        """``từ (ngày) X`` with no end: X … the article's date (NOTES T2); ``(kể) từ khi vận hành
        chính quyền địa phương hai cấp``: 2025-07-01 … the article's date."""
        j = i
        if self.low(j) in {"kể", "tính", "bắt"}:
            if self.low(j + 1) not in {"từ", "đầu"}:
                return None
            j += 1
            if self.low(j) == "đầu":
                j += 1
                if self.low(j) != "từ":
                    return None
        if self.low(j) != "từ":
            return None
        j += 1
        if self.low(j) in {"khi", "lúc", "sau"}:
            k = self.start_event(j + 1)
            if k is not None:
                return self.make(i, k, "two_tier_since")
            return None
        if self.low(j) == "ngày":
            j += 1
        got = self.start_point(j, opened=True)
        if got is None:
            return None
        k, span = got
        return self.make(i, k, "since", (span,))

    def start_event(self, j: int) -> int | None:
        """The end of a two-tier start phrase at ``j`` (``vận hành mô hình chính quyền …``)."""
        if self.low(j) in {"chính", "bắt"} and self.low(j + 1) in {"thức", "đầu"}:
            k = self.phrase_at(j + 2, _phrases("start_events"))
            if k is not None:
                return k
        return self.phrase_at(j, _phrases("start_events"))

    def upto_phrase(self, i: int) -> TimePhrase | None:
        """``tính đến (ngày) 6/8/2025``, ``đến hết năm 2025``, ``đến năm 2030``, ``tính đến cuối
        tháng``, ``(số liệu) đến 22/01/2025``: an open start."""
        j = i
        if self.low(j) == "tính":
            j += 1
        elif self.low(j) == "cho":
            j += 1
        if self.low(j) not in _TO_WORDS:
            return None
        j += 1
        # ``đến cuối tháng``, ``đến hết tháng``: the month in force.
        if self.low(j) in {"cuối", "hết"} and self.low(j + 1) == "tháng" and self.month_number(j + 2) is None:
            return self.make(i, j + 2, "month_end")
        if self.low(j) in {"cuối", "hết"} and self.low(j + 1) == "năm" and self.year_at(j + 2) is None:
            return self.make(i, j + 2, "year_end")
        got = self.end_point(j)
        if got is None:
            return None
        k, span = got
        if span.kind == "now":
            return self.make(i, k, "now")
        return self.make(i, k, "upto", (span,))

    def two_tier_phrase(self, i: int) -> TimePhrase | None:
        """``sau 45 ngày vận hành``, ``sau hai tháng đi vào hoạt động``, ``6 tháng đầu vận hành``,
        ``tháng đầu tiên vận hành``, ``ngày đầu tiên``: counted from 2025-07-01."""
        j = i
        if self.low(j) in {"sau", "qua", "trong"}:
            j += 1
        while self.low(j) in _QUALIFIERS and self.low(j) != "sau":
            j += 1
        if self.low(j) in _SOME and self.low(j + 1) in {"ngày", "tháng", "tuần", "năm"}:
            # ``sau nhiều tháng vận hành``, ``trong những tháng đầu tiên đi vào hoạt động``: no length is stated,
            # so the account runs from the start to the article's date.
            k = j + 2
            if self.low(k) == "đầu":
                k += 2 if self.low(k + 1) == "tiên" else 1
            m = self.start_event(k)
            if m is None and self.low(k) == "đi" and self.low(k + 1) == "vào":
                m = self.start_event(k + 2)
            return self.make(i, m, "two_tier_since") if m is not None else None
        if self.low(j) in {"ngày", "tháng", "tuần"} and self.low(j + 1) == "đầu" and self.low(j + 2) == "tiên":
            unit = _unit_kinds()[self.low(j)]
            k = self.start_event(j + 3)
            if unit == "day":
                return self.make(i, k or j + 3, "first_day")
            if k is not None:
                return self.make(i, k, "two_tier_span", amount=1, unit=unit)
            # ``Tháng đầu tiên, phường nhận …``: counted from the start where the article has
            # already counted from it (``nlp.anchoring`` checks that).
            return self.make(i, j + 3, "two_tier_span", amount=1, unit=unit, extra={"bare": True})
        got = self.number_at(j)
        if got is None:
            return None
        k, amount = got
        unit = _unit_kinds().get(self.low(k))
        if unit is None or amount <= 0 or amount > 400:
            return None
        k += 1
        if self.low(k) == "đầu":
            k += 1
            if self.low(k) == "tiên":
                k += 1
        m = self.start_event(k)
        if m is None and self.low(k) == "đi" and self.low(k + 1) == "vào":
            m = self.start_event(k + 2)
        if m is None:
            # ``Sau 45 ngày, …``, ``sau một năm, …``: counted from the start only where the article
            # has already counted from it (``nlp.anchoring`` checks that).
            if self.low(i) == "sau" and self.low(k) in {",", "?", "."} | {"là", "thì"}:
                return self.make(i, k, "two_tier_span", amount=amount, unit=unit, extra={"bare": True})
            return None
        return self.make(i, m, "two_tier_span", amount=amount, unit=unit)

    def back_phrase(self, i: int) -> TimePhrase | None:
        """``(trong) 5 năm qua``, ``3 tháng gần đây``: counted back from the article's date."""
        j = i + 1 if self.low(i) == "trong" else i
        got = self.number_at(j)
        if got is None:
            return None
        k, amount = got
        unit = _unit_kinds().get(self.low(k))
        if unit is None:
            return None
        k += 1
        if self.low(k) == "qua" or (self.low(k) == "vừa" and self.low(k + 1) == "qua"):
            return self.make(i, k + (1 if self.low(k) == "qua" else 2), "back", amount=amount, unit=unit)
        if self.low(k) == "gần" and self.low(k + 1) in {"đây", "nhất"}:
            return self.make(i, k + 2, "back", amount=amount, unit=unit)
        return None

    def now_phrase(self, i: int) -> TimePhrase | None:
        j = self.phrase_at(i, _phrases("now"))
        if j is None:
            return None
        if self.low(i) == "hiện" and i > 0 and (self.low(i - 1),) in set(_phrases("now_blockers")):
            return None
        return self.make(i, j, "now")

    def relative_phrase(self, i: int) -> TimePhrase | None:
        """``trong tháng``, ``cuối tháng`` (the month in force), ``năm nay``, ``Cùng kỳ, …``."""
        if self.low(i) == "trong" and self.low(i + 1) == "tháng" and self.month_number(i + 2) is None \
                and self.number_at(i + 2) is None:
            return self.make(i, i + 2, "this_month")
        # ``mục tiêu trong năm là 90%``: the year of the period in force.
        if self.low(i) == "trong" and self.low(i + 1) == "năm" and self.year_at(i + 2) is None \
                and self.low(i + 2) not in _NOT_THIS_YEAR and not (i + 2 < self.n and self.toks[i + 2].text.isdigit()):
            return self.make(i, i + 2, "year_in_force")
        if self.low(i) == "trong" and self.low(i + 1) == "quý" and self.value_at(i + 2, _values("quarters")) is None:
            return self.make(i, i + 2, "this_quarter")
        if self.low(i) == "sau":
            # ``sau sáp nhập (hành chính)``, ``sau khi chính thức vận hành chính quyền 2 cấp``: from
            # 2025-07-01 (an adverb; ``xã A sau sáp nhập``, ``các xã sau sắp xếp`` name units).
            j = i + 2 if self.low(i + 1) == "khi" else i + 1
            while self.low(j) in {"chính", "thức", "thực", "hiện"} and j < i + 6:
                j += 1
            k = self.phrase_at(j, _phrases("start_events"))
            if k is not None and (k - j >= 2 or self.low(j) in _MERGE_WORDS) and \
                    not (i > 0 and (self.toks[i - 1].text[:1].isupper() or self.low(i - 1) in _UNIT_NOUNS)):
                if self.low(k) == "hành" and self.low(k + 1) == "chính":
                    k += 2
                return self.make(i, k, "two_tier_since")
        if self.low(i) == "sau" and self.low(i + 1) == "khi":
            # ``sau khi huyện Tam Đảo (cũ) kết thúc hoạt động``: from 2025-07-01 (NOTES T8).
            for k in range(i + 2, min(self.n, i + 12)):
                if self.low(k) in {".", ";"}:
                    break
                end = self.phrase_at(k, _phrases("end_events"))
                if end is not None:
                    return self.make(i, end, "two_tier_since")
        # ``trong kỳ``, ``kỳ này``, ``kỳ báo cáo này``: the report's own period.
        if self.low(i) == "trong" and self.low(i + 1) == "kỳ" and self.low(i + 2) not in {"trước", "năm", "tới"}:
            j = i + 2 + (2 if (self.low(i + 2), self.low(i + 3)) == ("báo", "cáo") else 0)
            return self.make(i, j + (1 if self.low(j) == "này" else 0), "report")
        if self.low(i) == "kỳ" and (self.low(i + 1) == "này" or (self.low(i + 1), self.low(i + 2), self.low(i + 3))
                                     == ("báo", "cáo", "này")):
            return self.make(i, i + (2 if self.low(i + 1) == "này" else 4), "report")
        # ``(Trong) cùng kỳ (báo cáo)``, ``cùng thời gian``: the same days as the figure compared.
        j = i + 1 if self.low(i) == "trong" else i
        if self.low(j) == "cùng" and (
            (self.low(j + 1) == "kỳ" and self.low(j + 2) not in {"năm", "trước"} and self.year_at(j + 2) is None)
            or (self.low(j + 1), self.low(j + 2)) in {("thời", "gian"), ("thời", "điểm")}
        ):
            k = j + (2 if self.low(j + 1) == "kỳ" else 3)
            if (self.low(k), self.low(k + 1)) == ("báo", "cáo"):
                k += 2
            return self.make(i, k, "same", role="same")
        if self.low(i) == "nay" and (i == 0 or self.low(i - 1) in {",", ";", ".", ":", "và", "còn"}):
            return self.make(i, i + 1, "now")
        if self.low(i) == "năm" and self.low(i + 1) == "nay":
            return self.make(i, i + 2, "this_year")
        return None

    def backlog_phrase(self, i: int) -> TimePhrase | None:
        """``trước (ngày) X``: before a day. Dated by ``nlp.anchoring`` only as a backlog."""
        if self.low(i) != "trước":
            return None
        j = i + 1 + (1 if self.low(i + 1) == "ngày" else 0)
        got = self.day(j, need_cue=False)
        if got is None:
            return None
        return self.make(i, got[0], "before", (got[1],))

    def last_term_phrase(self, i: int) -> TimePhrase | None:
        """``nhiệm kỳ qua``, ``nhiệm kỳ vừa qua``, ``nhiệm kỳ trước``: the term that ends now (NOTES
        T3: a term is a span of whole years)."""
        if self.low(i) != "nhiệm" or self.low(i + 1) != "kỳ":
            return None
        j = i + 2
        if self.low(j) == "vừa" and self.low(j + 1) == "qua":
            return self.make(i, j + 2, "last_term")
        if self.low(j) in {"qua", "trước"}:
            return self.make(i, j + 1, "last_term")
        return None

    def span_phrase(self, i: int) -> TimePhrase | None:
        j = i
        if self.low(j) == "riêng":
            j += 1
        if self.low(j) == "ngày":
            got = self.day(j + 1, need_cue=False)
            if got is not None:
                return self.make(i, got[0], "day", (got[1],))
        got = self.calendar_span(j)
        if got is None:
            return None
        k, span = got
        return self.make(i, k, "day" if span.kind == "day" else "span", (span,))

    # -- roles --
    def role_of(self, p: TimePhrase, i: int) -> str:
        """``comparison`` after ``so với``/``cùng kỳ``; ``document`` for a document's date."""
        if p.role != "period":
            return p.role
        before = self.lows[max(0, i - 3) : i]
        for cue in _phrases("comparison_cues"):
            if tuple(before[-len(cue) :]) == cue:
                return "comparison"
        # ``So với kỳ báo cáo tháng 9``, ``cao nhất kể từ ngày 1/7``: a few words may come between.
        k = i - 1
        while k >= 0 and i - k <= 6 and self.low(k) not in {",", ";", ".", ":", "(", ")"}:
            if (self.low(k), self.low(k + 1)) == ("so", "với") or (
                self.low(k) == "nhất" and self.low(k - 1) in _SUPERLATIVE_HEADS
            ):
                return "comparison"
            k -= 1
        if p.form == "day" and (self._dates_document(i) or self._stamped(i, p)):
            return "document"
        if self._in_aside(i):
            return "aside"
        # ``Đại hội … lần thứ I, nhiệm kỳ 2025 – 2030``: the term names the congress; only a
        # target (``chỉ tiêu cho nhiệm kỳ …``) or a term the sentence is about (``trong nhiệm kỳ``)
        # dates figures. ``nlp.anchoring`` lets a target sentence use it anyway.
        if self.low(i) == "nhiệm" and p.form != "last_term" and self.low(i - 1) not in _TERM_PREPOSITIONS and i > 0 \
                and self.low(i - 1) not in {".", "\n"} and not self._fronted_term(i, p):
            return "attribute"
        return p.role

    def _fronted_term(self, i: int, p: TimePhrase) -> bool:
        """``Theo báo cáo, nhiệm kỳ 2020 – 2025, xã có …``: a term set off by commas before its
        clause says when, unlike the term after a name (``… lần thứ I, nhiệm kỳ 2025 – 2030 đã …``,
        ``… khóa XV, nhiệm kỳ …,``)."""
        if self.low(i - 1) != ",":
            return False
        j = i
        while j < self.n and self.toks[j].start < p.end:
            j += 1
        if self.low(j) != ",":
            return False
        return not any(w in {"thứ", "khóa", "khoá"} for w in self.lows[max(0, i - 6) : i - 1])

    def _stamped(self, i: int, p: TimePhrase) -> bool:
        """``14/11/2025 09:42``, ``07:15 03/12/2025``: a page's time stamp, the day it was published,
        not the day of a figure."""
        j = i
        while j < self.n and self.toks[j].start < p.end:
            j += 1

        def clock(k: int) -> bool:
            return 0 <= k and k + 2 < self.n and self.toks[k].text.isdigit() and self.low(k + 1) == ":" and \
                self.toks[k + 2].text.isdigit() and len(self.toks[k + 2].text) == 2
        return clock(j) or clock(i - 3)

    def _in_aside(self, i: int) -> bool:
        """Inside brackets after other words (``(theo chuẩn nghèo giai đoạn 2026-2030)``): the
        phrase qualifies the words before it, not a figure. A bracket that holds only the phrase
        (``(từ ngày 15/12/2024 đến ngày 14/01/2025)``, ``(số liệu đến 22/01/2025)``) dates."""
        k = i - 1
        words = 0
        while k >= 0 and self.low(k) not in {"(", ")", ".", ";"} and i - k < 30:
            if self.toks[k].text[0].isalnum():
                words += 1
            k -= 1
        return k >= 0 and self.low(k) == "(" and words > 3

    def _dates_document(self, i: int) -> bool:
        """``Nghị quyết số 01/NQ-TU ngày 31/12/2020``: a document name and number just before."""
        lo = max(0, i - 14)
        window = self.lows[lo:i]
        has_number = any(tok in {"số"} for tok in window) or any(
            self.toks[k].text.isupper() and len(self.toks[k].text) >= 2 for k in range(lo, i)
        )
        if not has_number:
            return False
        for cue in _phrases("document_cues"):
            n = len(cue)
            for k in range(len(window) - n + 1):
                if tuple(window[k : k + n]) == cue:
                    return True
        return False

    def read(self) -> list[TimePhrase]:
        out: list[TimePhrase] = []
        i = 0
        while i < self.n:
            # A phrase starts on a word or a number, never inside a word (``thời`` of ``thời gian``
            # is matched whole by the longest-first readers).
            p = self.phrase(i) if (_readers_for(self.lows[i]) or self.toks[i].text.isdigit()) else None
            if p is None:
                i += 1
                continue
            p.role = self.role_of(p, i)
            # ``So với kỳ báo cáo tháng 9 (từ ngày 21/8 đến ngày 20/9/2025)``: the dates of a
            # comparison's base are the base too.
            if out and out[-1].role == "comparison" and self.text[out[-1].end : p.start].strip() == "(":
                p.role = "comparison"
            out.append(p)
            j = i + 1
            while j < self.n and self.toks[j].start < p.end:
                j += 1
            i = j
        terms = [p.spans[0] for p in out if p.text.lower().startswith("nhiệm") and p.spans and p.spans[0].year2]
        if terms:
            named = max(terms, key=lambda t: t.year or 0)
            for p in out:
                if p.form == "last_term":
                    p.extra["term"] = (named.year, (named.year2 or 0) - (named.year or 0))
        return out


def find_phrases(text: str, tokens: list[Any] | None = None) -> list[TimePhrase]:
    """Every time phrase of ``text``, in order, with its form and role (not yet dated).

    ``tokens`` (from :func:`tokens_from`) saves cutting the text again when it is already cut.
    """
    try:
        return _Reader(text, tokens).read()
    except Exception:  # a bug on hostile input must not lose the article's other facts
        log.debug("time phrases could not be read", exc_info=True)
        return []


def parse_date(value: Any) -> date | None:
    """The article's date from an ISO date or datetime string (``None`` when absent or invalid)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not m:
        return None
    return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def is_event_sentence(sentence: str) -> bool:
    """Does the sentence report a dated event (a meeting, a visit)? Its day dates the event."""
    return _has_phrase(sentence, "event_cues")


@functools.lru_cache(maxsize=4096)
def _has_phrase(sentence: str, name: str) -> bool:
    lows = [t.low for t in _tokens(sentence)]
    for cue in _phrases(name):
        n = len(cue)
        for k in range(len(lows) - n + 1):
            if tuple(lows[k : k + n]) == cue:
                return True
    return False


def is_target_sentence(sentence: str) -> bool:
    """Does the sentence set targets (``chỉ tiêu``, ``phấn đấu``)? Its term or horizon dates all
    its figures (NOTES P9, T3)."""
    return _has_phrase(sentence, "target_cues")
