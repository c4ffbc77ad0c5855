"""Where and when each figure holds: the ``scope`` and ``period`` of dossier counts and
percentages (spec §5).

A figure is data only when a reader knows whose it is and which days it covers. Reports rarely
say both next to the number: the unit is named once in the headline or lead and then called
``Trung tâm``, ``xã``, ``phường``; the time is set once (``Từ ngày 1/7 đến hết ngày 31/7/2025,
…``) and governs the figures that follow until another time phrase or another matter. So this
module reads an article as a discourse: it walks the figures in text order with the unit in focus
and the period in force, and gives each figure

* **scope** (``nlp.scope``): the nearest scope cue before it and after the figure before it in the
  sentence (a ranking names each place next to its figure; ``lần lượt`` pairs places and figures in
  order); else a ``của cả nước``, ``trên địa bàn tỉnh`` right after it; else the scope of the figure
  before it in the sentence (a breakdown keeps its total's); else the unit in focus in the
  paragraph; else the article's own unit. A part (``cấp xã``, ``các xã, phường``) keeps the scope it
  splits; an enumeration of places, or a number of them as the subject (``12 xã, phường có …``),
  pools its figure (no scope);
* **period** (``nlp.timex``): the time phrase of its clause (before it, right after it, or a stretch
  of days ending its sentence), else the period of the figure before it in the sentence, else an
  earlier phrase of the sentence, else the period in force. A period carries to the next sentences
  of its paragraph, and to the next paragraph unless that one opens another account (reported
  speech, a survey, ``Về …`` on another matter: ``nlp/data/paragraph_frames.tsv``). What does not
  stay in force: a snapshot (``hiện có``) where an account is in force, a day written after its verb
  (an event's), a remark's phrase (``Con số này …``), a target's deadline; a point after which things
  happened (``sau khi đi vào hoạt động``) holds to its paragraph's end. A target its sentence gives no
  time does not take the days of results before it. ``trong kỳ``/``kỳ này`` is the report's own
  period. A figure written again (headline, lead, caption, body) is one fact: an undated copy takes
  the period of a dated one.

The facts are changed in place: ``data["scope"]`` and ``data["period"]`` in the spec's form, and the
private ``_scope_code`` (the gazetteer's 2025 code, the province's, or ``VN``) and ``_period_span``
(the char offsets of the time phrase the period came from).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from datetime import date
from typing import Any

from nlp.document import ArticleDoc, Sentence
from nlp.extractors._quantity_common import LIST_LINE, sentence_tokens
from nlp.facts import Fact
from nlp.lexicon import phrase_words, read_rows
from nlp.scope import Cue, Scope, ScopeReader
from nlp.timex import (
    TWO_TIER_START,
    Context,
    Period,
    TimePhrase,
    find_phrases,
    is_event_sentence,
    is_target_sentence,
    parse_date,
    tokens_from,
)

log = logging.getLogger(__name__)

__all__ = ["anchor", "describe"]

_BACKLOG_WORDS = ("tồn", "chuyển sang", "chuyển qua", "kỳ trước")
_CLAUSE_END = frozenset({";"})
_SEGMENT_END = frozenset({",", ";", "(", ")", ":"})
_COMPARISON_WORDS = frozenset({"hơn", "bằng", "gấp", "so"})
# After a figure: the words that attach a place to it (``68% của cả nước``, ``đạt 98% tại phường X``).
_AFTER_LINKS = frozenset({"của", "tại", "ở"})
_CUMULATIVE = ("lũy kế", "luỹ kế", "cộng dồn", "tính chung", "tổng cộng")
_TWO_TIER_FORMS = frozenset({"two_tier_span", "two_tier_since", "first_day"})
# Two handling verbs joined by a comma (``được tiếp nhận, giải quyết trong tháng 5``) stay in one segment.
_HANDLING = r"(?:tiếp nhận|xử lý|giải quyết|trả kết quả|số hóa|số hoá)"
_VERB_PAIR = re.compile(rf"({_HANDLING}),(?=\s*{_HANDLING})", re.IGNORECASE)
# The first words of a sentence that goes on with the account in force (spec §5: ``Trong đó, …``).
_GOES_ON = frozenset({("trong", "đó"), ("cụ", "thể")})
# Phrases that write their dates out (a snapshot ``hiện`` after one of them in its clause means it).
_WRITTEN = frozenset({"day", "upto", "range", "since", "span"})
# Words that may come before a day that opens its sentence (``Sáng 4/6, …``, ``Riêng trong ngày 9/7``).
_DAY_LEADS = frozenset({"sáng", "chiều", "tối", "trưa", "đêm", "hôm", "vào", "trong", "riêng", "ngay", "date"})


@functools.cache
def _frames() -> dict[str, tuple[tuple[tuple[str, ...], str, str], ...]]:
    """The frames of ``paragraph_frames.tsv`` (words, label, where) by their first word."""
    rows: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    for cols in read_rows("paragraph_frames.tsv"):
        if len(cols) >= 3:
            words = tuple(w.lower() for w in phrase_words(cols[0]))
            if words:
                rows.setdefault(words[0], []).append((words, cols[1], cols[2]))
    return {first: tuple(found) for first, found in rows.items()}


@dataclasses.dataclass
class _Done:
    """What a figure got, for the figures after it."""

    scope: Scope | None
    period: Period | None
    span: tuple[int, int] | None
    passes_scope: bool = True  # False for a comparison's other side (``61,3% của cả nước``)
    passes_period: bool = True  # False for a comparison's base (``so với quý trước (3.274 hồ sơ)``)
    # Where the period came from: 2 a time phrase of its sentence, 1 the period in force, 0 nothing.
    strength: int = 0


class _Anchorer:
    """Walks an article's figures in text order with the unit in focus and the period in force."""

    def __init__(self, adoc: ArticleDoc, facts: dict[str, list[Fact]]) -> None:
        self.adoc = adoc
        self.text = adoc.text
        self.article_date = parse_date(adoc.meta.get("date"))
        self.current_era = self.article_date is None or self.article_date >= TWO_TIER_START
        self.figures = sorted(
            [f for kind in ("dossiers", "percentages") for f in facts.get(kind) or []], key=lambda f: f.start
        )
        self.tokens, _where = sentence_tokens(adoc)
        self.phrases = find_phrases(self.text, tokens_from(self.tokens))
        self.phrase_starts = {p.start: p for p in self.phrases}
        self.scopes = ScopeReader(adoc, list(facts.get("units") or []), self.tokens, self.current_era)
        # A year a later phrase may take: that of a full date written before it (spec §5).
        self.full_dates = [(p.start, p.full_date_year) for p in self.phrases
                           if p.full_date_year is not None and p.role not in ("document", "comparison")]
        first_two_tier = next((p.start for p in self.phrases if p.form in _TWO_TIER_FORMS
                               and not p.extra.get("bare")), None)
        self.two_tier_from = first_two_tier
        self.done: dict[int, _Done] = {}
        self.consumed: set[int] = set()
        self.paragraph_start = 0
        self.previous_paragraph = 0  # where the paragraph before the current one starts
        self.report: Period | None = None

    # -- period --
    def _governing(self, sentence: Sentence) -> list[TimePhrase]:
        """The phrases of a sentence that may date its figures: not a comparison's base, a
        document's date, words in brackets about something else, an event's day, a name's term
        (except in a target sentence), a bare ``sau 45 ngày`` where nothing was counted from the
        two-tier start; a label followed by the dates it stands for gives way to them (``trong tháng
        01/2025 (từ ngày 15/12/2024 đến ngày 14/01/2025)``), and an open ``kể từ khi …`` to the
        closed span it explains (``Riêng 6 tháng cuối năm, kể từ khi vận hành …``)."""
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
            if p.extra.get("bare") and (self.two_tier_from is None or self.two_tier_from > p.start):
                continue
            if p.form == "day" and not p.text.lower().startswith("riêng"):
                if event is None:
                    event = is_event_sentence(sentence.text)
                if event:
                    continue
            if p.form == "before":
                # ``HS tồn đọng … trước ngày 1/7``: a backlog the new unit cleared (NOTES T8).
                day = p.spans[0].bounds(self.article_date.year if self.article_date else None)
                if any(w in sentence.text.lower() for w in _BACKLOG_WORDS) and day and day[0] == TWO_TIER_START:
                    p = dataclasses.replace(p, form="backlog")
                else:
                    if target is None:
                        target = is_target_sentence(sentence.text)
                    if not target:
                        continue
                    # ``hoàn thành các chỉ tiêu trên trước ngày 15/9``: a target's deadline (NOTES T3).
                    p = dataclasses.replace(p, form="upto", extra={**p.extra, "deadline": True})
            if out:
                gap = self.text[out[-1].end : p.start].strip()
                if p.form in ("range", "day", "upto") and gap == "(":
                    # The written dates stand where their label stands.
                    label = out[-1]
                    out[-1] = dataclasses.replace(p, start=label.start, text=self.text[label.start : p.end])
                    continue
                if gap == "," and {out[-1].form, p.form} & {"two_tier_since", "since"} and \
                        {out[-1].form, p.form} & {"span", "range"}:
                    closed = out[-1] if out[-1].form in ("span", "range") else p
                    out[-1] = dataclasses.replace(closed, start=out[-1].start, end=p.end)
                    continue
            out.append(p)
        return out

    def _choose(
        self, fig: Fact, phrases: list[TimePhrase], sentence: Sentence, prev: Fact | None
    ) -> TimePhrase | Fact | None:
        """What dates a figure: the phrase right before its brackets (``6 tháng cuối năm 2025
        (3.274 hồ sơ)``); the nearest phrase before it in its clause; a phrase right after it in its
        segment; the figure before it in the sentence (a breakdown, a list); the nearest phrase
        before it in the sentence; in a target sentence, the phrase after it. ``None``: the period
        in force."""
        bracket = self._bracketed_after(fig) or self._aside_with(fig)
        if bracket is not None:
            return bracket
        before = [p for p in phrases if p.end <= fig.start]
        if before:
            p = before[-1]
            if not any(ch in _CLAUSE_END for ch in self.text[p.end : fig.start]):
                # ``(tính đến ngày 9/5), tỉnh hiện có …``: the written date is what ``hiện`` means.
                if self._is_snapshot((p.start, p.end)) and len(before) > 1 and before[-2].form in _WRITTEN and \
                        not any(ch in _CLAUSE_END for ch in self.text[before[-2].end : p.start]):
                    return before[-2]
                return p
        after = [p for p in phrases if p.start >= fig.end]
        if after:
            p = after[0]
            gap = self.text[fig.end : p.start]
            if not any(f is not fig and fig.end <= f.start < p.start for f in self.figures) and (
                not any(ch in _SEGMENT_END for ch in _VERB_PAIR.sub(r"\1", gap)) or self._trailing(p, gap, sentence)
            ):
                return p
        if prev is not None:
            return prev
        if before:
            return before[-1]
        # ``Phấn đấu … đạt 80% … đến năm 2030``: a target, set before the figure, and its horizon; a
        # deadline after the targets it closes (``…; hoàn thành các chỉ tiêu trên trước ngày 15/9``).
        if after and (after[0].extra.get("deadline") or is_target_sentence(self.text[sentence.start : fig.start])):
            return after[0]
        return None

    def _aside_with(self, fig: Fact) -> TimePhrase | None:
        """``(chỉ 96 hồ sơ, từ ngày 1 đến ngày 10/6)``: dates in brackets after a figure in the
        same brackets qualify that figure."""
        open_at = self.text.rfind("(", max(0, fig.start - 60), fig.start)
        if open_at < 0 or ")" in self.text[open_at : fig.start]:
            return None
        close = self.text.find(")", fig.end)
        for p in self.phrases:
            if p.role == "aside" and fig.end <= p.start and (close < 0 or p.end <= close) and \
                    not any(f is not fig and fig.end <= f.start < p.start for f in self.figures):
                return dataclasses.replace(p, role="period")
        return None

    def _untimed_target(self, fig: Fact, sentence: Sentence, current: Period | None) -> bool:
        """``Trong tháng 5, … 20.100 hồ sơ. … Mục tiêu là 97% hồ sơ đúng hạn``: a target its
        sentence gives no time does not take the days of the results reported before it (NOTES T3:
        no period); it keeps a term or horizon still to come (``nhiệm kỳ 2025 – 2030``)."""
        if current is None or current[1] is None or self.article_date is None or current[1] > self.article_date:
            return False
        return not self._is_list_line(sentence) and is_target_sentence(self.text[sentence.start : fig.start])

    def _trailing(self, p: TimePhrase, gap: str, sentence: Sentence) -> bool:
        """``… 410 hồ sơ, từ ngày 1 đến ngày 10/6.``: a stretch of days that ends its sentence
        (or its brackets), after a comma, dates the figure before it."""
        if p.form not in ("range", "span", "upto", "since") or any(ch in gap for ch in ";()"):
            return False
        end = sentence.end
        opened = self.text.rfind("(", sentence.start, p.start)
        if opened >= 0 and ")" not in self.text[opened : p.start]:
            close = self.text.find(")", p.end, sentence.end)
            end = close if close >= 0 else end
        return not self.text[p.end : end].strip(" .…\n")

    def _bracketed_after(self, fig: Fact) -> TimePhrase | None:
        """A figure in brackets right after a time phrase belongs to that phrase, even to a
        comparison's base (``tăng 21% so với 6 tháng cuối năm 2025 (3.274 hồ sơ)``)."""
        open_at = self.text.rfind("(", max(0, fig.start - 12), fig.start)
        if open_at < 0 or ")" in self.text[open_at : fig.start]:
            return None
        for p in self.phrases:
            if p.end <= open_at and not self.text[p.end : open_at].strip() and p.role != "document":
                return dataclasses.replace(p, role="period")
        return None

    def _opens_account(
        self, sentence: Sentence, first_fig: Fact | None, paragraph_start: bool, since: tuple[int, int] | None = None
    ) -> bool:
        """Does ``sentence`` open another account (NOTES T5)? At a paragraph's start: reported
        speech, a survey, ``Về …``/``Đối với …``; in running prose (not in a list under a heading):
        a survey or another matter named before its first figure (``Kết quả đánh giá … mức độ hài
        lòng``), unless the account in force (the sentence of ``since``, its time phrase) is already
        about that matter (``Trong quý II, … mức độ hài lòng … 97,8%.`` then ``Ở lĩnh vực đất đai, chỉ
        số hài lòng … 95,2%``)."""
        if not paragraph_start and self._is_list_line(sentence):
            return False
        stop = first_fig.start if first_fig is not None and first_fig.start < sentence.end else sentence.end
        toks = [t for t in self.tokens[sentence.index] if t.start < stop] if sentence.index < len(self.tokens) else []
        lows = [t.low for t in toks]
        if tuple(lows[:2]) in _GOES_ON:
            return False  # ``Trong đó, …``, ``Cụ thể, …``: a breakdown of the account in force (spec §5)
        frames = _frames()
        for k, low in enumerate(lows):
            for words, label, where in frames.get(low, ()):
                if label in ("same", "remark") or (label == "speech" and not paragraph_start):
                    continue
                if where == "start" and k > 0:
                    continue
                if tuple(lows[k : k + len(words)]) != words:
                    continue
                if words == ("về",) and "," not in lows[:12]:
                    continue  # ``Về …,`` opens a topic; ``về`` inside a clause does not
                if k == 0 and label == "topic" and self._names_the_account(lows, len(words)):
                    continue  # ``Về kết quả giải quyết, …``: the same report goes on
                if label == "topic" and where == "any" and since is not None and self._says(since[0], words):
                    continue  # the account in force is about the same matter
                return True
        return False

    def _says(self, at: int, words: tuple[str, ...]) -> bool:
        """Does the sentence holding offset ``at`` contain ``words``?"""
        index = self.adoc.sentence_at(at).index
        lows = [t.low for t in self.tokens[index]] if index < len(self.tokens) else []
        n = len(words)
        return any(tuple(lows[k : k + n]) == words for k in range(len(lows) - n + 1))

    @staticmethod
    def _names_the_account(lows: list[str], start: int) -> bool:
        """Does a topic frame (``Về …,``, ``Đối với …,``) name the dossier account itself (``Về kết
        quả giải quyết``, ``Đối với hồ sơ tiếp nhận``)? Its words up to the comma are read."""
        end = lows.index(",") if "," in lows[start:12] else -1
        if end < 0:
            return False
        frames = _frames()
        for k in range(start, end):
            for words, label, _where in frames.get(lows[k], ()):
                if label == "same" and tuple(lows[k : k + len(words)]) == words:
                    return True
        return False

    def _is_list_line(self, sentence: Sentence) -> bool:
        line_start = self.text.rfind("\n", 0, sentence.start) + 1
        return bool(LIST_LINE.match(self.text, line_start, sentence.end))

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

    def _date(self, p: TimePhrase, current: Period | None) -> Period | None:
        """Date a phrase with the year of the nearest earlier full date and the period in force."""
        hint = None
        for start, year in self.full_dates:
            if start < p.start:
                hint = year
        return p.resolve(Context(self.article_date, hint, current, self.report))

    def _note_report(self, p: TimePhrase, period: Period | None) -> None:
        """Remember the report's own period: the last closed span or range that is not a running
        total (``Lũy kế từ 1/7 đến nay``), for ``trong kỳ``/``kỳ này``."""
        if period is None or period[0] is None or period[1] is None:
            return
        if p.form not in ("span", "range", "two_tier_span") or (p.spans and p.spans[-1].kind == "now"):
            return
        before = self.text[max(0, p.start - 12) : p.start].lower()
        if not any(w in before for w in _CUMULATIVE):
            self.report = period

    # -- scope --
    def _compared(self, cue: Cue, fig: Fact) -> bool:
        """Is the cue the other side of a comparison made after an earlier figure (``đạt 64,2%,
        cao hơn mức bình quân chung của tỉnh``)? Then it is not the next figure's owner."""
        earlier = [f for f in self.figures if f.end <= cue.start and f is not fig]
        if not earlier:
            return False
        gap = self.text[earlier[-1].end : cue.start].lower()
        if any(ch in gap for ch in ".;") or len(gap) > 80:
            return False
        return any(w in gap.split() for w in _COMPARISON_WORDS) or "so với" in gap

    def _after_cue(self, fig: Fact, cues: list[Cue], figs: list[Fact]) -> Cue | None:
        """``68% của cả nước``, ``100% xã, phường trên địa bàn tỉnh``: a place right after the figure."""
        nxt = next((f.start for f in figs if f.start > fig.start), len(self.text))
        gap_start = fig.end
        for cue in cues:
            if cue.start < fig.end or cue.start >= nxt or cue.label == "system":
                continue
            if cue.label == "part":  # ``100% xã, phường trên địa bàn tỉnh``: read past the part
                gap_start = cue.end
                continue
            if cue.label == "none":
                return None
            gap = self.text[gap_start : cue.start]
            if any(ch in gap for ch in ",;.()") or len(gap.split()) > 5:
                return None
            words = gap.lower().split()
            if (words and words[-1] in _AFTER_LINKS) or self.text[cue.start : cue.end].lower().startswith(
                ("trên địa bàn", "toàn", "trong tỉnh")
            ):
                return cue
            return None
        return None

    def _scope_for(
        self, fig: Fact, figs: list[Fact], cues: list[Cue], prev: Fact | None, focus: Scope | None,
        period: Period | None, respectively: dict[int, Cue],
    ) -> tuple[Scope | None, str]:
        """The figure's scope and where it came from: ``own`` (a cue before it), ``after`` (a cue
        after it), ``inherited`` (the figure before it, or the focus)."""
        period_end = period[1] if period else None
        if id(fig) in respectively:
            got = self.scopes.resolve(respectively[id(fig)], focus, period_end, self.paragraph_start,
                                      self.previous_paragraph)
            if isinstance(got, Scope):
                return got, "own"
        window_start = prev.end if prev is not None else -1
        window = [c for c in cues if window_start <= c.start and c.end <= fig.start and c.start not in self.consumed
                  and not self._compared(c, fig)]
        for cue in reversed(window):
            if cue.label == "unit" and self.scopes.pooled(cue, cues):
                return Scope(None), "own"
            got = self.scopes.resolve(cue, focus, period_end, self.paragraph_start, self.previous_paragraph)
            if got in ("skip", "part"):
                continue
            return got, "own"  # type: ignore[return-value]
        after = self._after_cue(fig, cues, figs)
        if after is not None:
            got = self.scopes.resolve(after, focus, period_end, self.paragraph_start, self.previous_paragraph)
            if isinstance(got, Scope):
                self.consumed.add(after.start)
                return got, "after"
        if prev is not None:
            done = self.done[id(prev)]
            if done.passes_scope:
                return done.scope, "inherited"
            earlier = [self.done[id(f)] for f in figs if f.start < prev.start and self.done[id(f)].passes_scope]
            if earlier:
                return earlier[-1].scope, "inherited"
        return focus, "inherited"

    def _respectively(self, sentence: Sentence, figs: list[Fact], cues: list[Cue]) -> dict[int, Cue]:
        """``tỉnh Gia Lai và Đắk Lắk lần lượt đạt 68,5% và 66,9%``: places and figures in order."""
        low = sentence.text.lower()
        at = low.find("lần lượt")
        if at < 0:
            return {}
        at += sentence.start
        before = [c for c in cues if c.end <= at and c.unit is not None]
        after = [f for f in figs if f.start > at]
        if not before or len(after) < 2:
            return {}
        run = self.scopes.enumeration(before[-1], cues)
        if len(run) < 2:
            return {}
        return {id(f): c for f, c in zip(after, run, strict=False)}

    # -- the walk --
    def run(self) -> None:
        if not self.figures:
            return
        by_sentence: dict[int, list[Fact]] = {}
        for fig in self.figures:
            by_sentence.setdefault(self.adoc.sentence_at(fig.start).index, []).append(fig)
        current: Period | None = None
        current_span: tuple[int, int] | None = None
        # The period in force holds only to the end of its paragraph: a snapshot set where no account
        # was in force, or a point after which things happened (``Sau khi đi vào hoạt động, …``).
        paragraph_only = False
        focus = self.scopes.main
        prev_end = -1
        for pos, sentence in enumerate(self.adoc.sentences):
            figs = by_sentence.get(sentence.index, [])
            new_paragraph = pos == 0 or "\n\n" in self.text[prev_end : sentence.start]
            prev_end = sentence.end
            if new_paragraph:
                if paragraph_only:
                    current, current_span, paragraph_only = None, None, False
                focus = self.scopes.main
                self.previous_paragraph = self.paragraph_start
                self.paragraph_start = sentence.start
            if pos > 0 and self._opens_account(sentence, figs[0] if figs else None, new_paragraph, current_span):
                current, current_span = None, None
            phrases = self._governing(sentence)
            dated: dict[int, Period | None] = {}
            for p in phrases:
                dated[id(p)] = self._date(p, current)
                self._note_report(p, dated[id(p)])
            if not figs:
                staying = self._staying(phrases, sentence, current is not None)
                if staying:
                    paragraph_only = self._holds_to_paragraph_end((staying[-1].start, staying[-1].end))
                    current = dated[id(staying[-1])]
                    current_span = (staying[-1].start, staying[-1].end) if current is not None else None
                continue
            cues = self.scopes.sentence_cues(sentence.index)
            respectively = self._respectively(sentence, figs, cues)
            prev: Fact | None = None
            for fig in figs:
                split = self._split_of(fig)
                if split is not None and id(split) in self.done:
                    base = self.done[id(split)]
                    self.done[id(fig)] = _Done(base.scope, base.period, base.span, strength=base.strength)
                    self._set(fig, self.done[id(fig)])
                    prev = fig
                    continue
                got = self._choose(fig, phrases, sentence, prev)
                # Dates in brackets, or a deadline (``… trước ngày 15/9``), date their own figures only.
                # (and the figures that take their period from such a figure).
                bracketed = isinstance(got, TimePhrase) and (id(got) not in dated or bool(got.extra.get("deadline"))) \
                    or (isinstance(got, Fact) and not self.done[id(got)].passes_period)
                if got is None and self._untimed_target(fig, sentence, current):
                    period, span, strength = None, None, 0
                elif got is None:
                    period, span, strength = current, current_span, 1
                elif isinstance(got, Fact):
                    period, span, strength = self.done[id(got)].period, self.done[id(got)].span, \
                        self.done[id(got)].strength
                elif got.form == "same" and prev is not None:
                    period, span, strength = self.done[id(prev)].period, (got.start, got.end), 2
                else:
                    period = dated.get(id(got)) if id(got) in dated else self._date(got, current)
                    span, strength = (got.start, got.end), 2
                scope, how = self._scope_for(fig, figs, cues, prev, focus, period, respectively)
                if how == "own" and scope is not None and scope.value:
                    focus = scope
                self.done[id(fig)] = _Done(scope, period, span, passes_scope=how != "after",
                                           passes_period=not bracketed, strength=strength if period else 0)
                self._set(fig, self.done[id(fig)])
                prev = fig
            # The period in force after the sentence: its last figure's, unless a phrase follows it. A
            # snapshot (``Hiện còn 85 hồ sơ …``) dates its own figures; the account it sits in goes on.
            tail = self._staying([p for p in phrases if p.start >= figs[-1].end], sentence, current is not None)
            if tail:
                paragraph_only = self._holds_to_paragraph_end((tail[-1].start, tail[-1].end))
                current = dated[id(tail[-1])]
                current_span = (tail[-1].start, tail[-1].end) if current is not None else None
            else:
                passing = [self.done[id(f)] for f in figs if self.done[id(f)].passes_period]
                if passing and not (current is not None and self._is_snapshot(passing[-1].span)):
                    paragraph_only = self._holds_to_paragraph_end(passing[-1].span)
                    current, current_span = passing[-1].period, passing[-1].span
        self._date_copies()

    def _date_copies(self) -> None:
        """A figure written again (a headline, a lead, a caption, the body) is one fact: a copy that
        no time phrase of its own dates takes the period of a copy that one does (a headline's
        ``2.315 hồ sơ`` and the body's ``trong tháng 9/2025, … 2.315 hồ sơ``); an undated copy
        takes a carried one. Only figures unlikely to repeat by chance count (not 100%, not a
        count under 10)."""
        copies: dict[tuple[Any, ...], list[Fact]] = {}
        for fig in self.figures:
            key = _copy_key(fig)
            if key is not None and id(fig) in self.done:
                copies.setdefault(key, []).append(fig)
        for group in copies.values():
            if len(group) < 2:
                continue
            top = max(self.done[id(f)].strength for f in group)
            for fig in group:
                done = self.done[id(fig)]
                if done.strength >= top or (top < 2 and done.strength > 0):
                    continue
                source = min((f for f in group if self.done[id(f)].strength == top),
                             key=lambda f: abs(f.start - fig.start))
                base = self.done[id(source)]
                self.done[id(fig)] = dataclasses.replace(done, period=base.period, span=base.span, strength=top)
                self._set(fig, self.done[id(fig)])
        self._date_rounded()

    def _date_rounded(self) -> None:
        """``trên 72% hồ sơ nộp trực tuyến`` (a headline) and ``72,54%`` (the body): a whole
        percentage that rounds a more precise one of the same indicator stands for it."""
        precise = [f for f in self.figures if f.kind == "percentages" and id(f) in self.done
                   and self.done[id(f)].strength and not float(f.data.get("value") or 0).is_integer()]
        for fig in self.figures:
            done = self.done.get(id(fig))
            value = fig.data.get("value")
            qualifier = fig.data.get("qualifier")
            if fig.kind != "percentages" or done is None or done.strength or value is None or \
                    not float(value).is_integer() or qualifier not in ("over", "about"):
                continue
            near = [f for f in precise if f.data.get("indicator") == fig.data.get("indicator") and (
                value < f.data["value"] < value + 1 if qualifier == "over" else abs(f.data["value"] - value) < 1)]
            if len(near) == 1:
                base = self.done[id(near[0])]
                self.done[id(fig)] = dataclasses.replace(done, period=base.period, span=base.span,
                                                         strength=base.strength)
                self._set(fig, self.done[id(fig)])

    def _holds_to_paragraph_end(self, span: tuple[int, int] | None) -> bool:
        """A snapshot (``hiện có``) or a point after which things happened (``sau khi đi vào hoạt
        động``, ``sau sáp nhập``): what it dates is told in its own paragraph."""
        if span is None:
            return False
        phrase = self.phrase_starts.get(span[0])
        return self._is_snapshot(span) or (
            phrase is not None and phrase.form == "two_tier_since" and phrase.text[:4].lower() == "sau ")

    def _is_snapshot(self, span: tuple[int, int] | None) -> bool:
        """``hiện``, ``hiện nay``, ``hiện có``, ``hiện còn``: the state on the article's date, unlike a
        running total (``đến nay``, ``tính đến nay``)."""
        return span is not None and self.text[span[0] : span[1]].lower().startswith("hiện")

    def _staying(self, phrases: list[TimePhrase], sentence: Sentence, in_force: bool) -> list[TimePhrase]:
        """The phrases of a sentence that stay in force for the sentences after it. Not a snapshot
        where an account is in force (``Phường hiện niêm yết 310 thủ tục``: the state of
        something else; where none is, the snapshot holds to the end of its paragraph), not a day
        written after its verb (``khánh thành trụ sở mới vào ngày 20/4``, a caption's ``… ngày 25/8``:
        the day of an event), nor anything in a remark on figures already given (``Con số này …``)."""
        if not phrases or self._is_remark(sentence):
            return []
        return [p for p in phrases if not (in_force and self._is_snapshot((p.start, p.end)))
                and not (p.form == "day" and not self._opens(p, sentence)) and not p.extra.get("deadline")]

    def _opens(self, p: TimePhrase, sentence: Sentence) -> bool:
        """Does the phrase open its sentence (``Sáng 8/8, …``, ``Riêng ngày 14/7, …``), after at most
        a dateline (``(GLO)-``) or a list mark?"""
        before = re.split(r"[\n)]|[-–—]\s", self.text[sentence.start : p.start])[-1]
        return all(w in _DAY_LEADS or w.isdigit() for w in re.findall(r"\w+", before.lower()))

    def _is_remark(self, sentence: Sentence) -> bool:
        toks = self.tokens[sentence.index] if sentence.index < len(self.tokens) else []
        lows = [t.low for t in toks[:4]]
        return any(label == "remark" and tuple(lows[: len(words)]) == words
                   for words, label, _where in _frames().get(lows[0] if lows else "", ()))

    def _set(self, fig: Fact, done: _Done) -> None:
        scope = done.scope
        fig.data["scope"] = dict(scope.value) if scope is not None and scope.value else None
        fig.data["period"] = _period_dict(done.period)
        fig.data["_scope_code"] = scope.code if scope is not None and scope.value else None
        fig.data["_period_span"] = list(done.span) if done.span and fig.data["period"] is not None else None


def _copy_key(fig: Fact) -> tuple[Any, ...] | None:
    """What makes two figures of an article copies of one fact (``None``: too common to tell)."""
    d = fig.data
    if fig.kind == "dossiers":
        count = d.get("count")
        return None if not isinstance(count, int) or count < 10 else ("d", count, d.get("kind"))
    value = d.get("value")
    return None if value is None or value in (0, 100) else ("p", value, d.get("indicator"))


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
