"""Percentages: spec §4 and NOTES P1–P16.

Every ``90%``, ``90 %``, ``90 phần trăm`` (also in words: ``một trăm phần trăm``) is an item; a
range ``90–95%`` or ``3,5 - 4%`` is two. The qualifier comes from the phrase right before the
number (P16: ``hơn 80% … dưới 35 tuổi`` is over) or ``trở lên``/``trở xuống`` right after it.

The indicator depends on what the figure measures, and Vietnamese puts that subject on either
side of the number:
- after it, as the head of a noun phrase: ``100% cán bộ, công chức …``, ``98% hồ sơ được giải
  quyết đúng hạn``. The head noun decides first (staff nouns → staff; citizens → satisfaction
  only when they are satisfied; the online services themselves → other), then the cues of the
  phrase;
- before it, when a rate names itself (``tỷ lệ hồ sơ nộp trực tuyến đạt 54,9%``) or the figure
  follows the thing it rates (``… 2.131 HS đúng và trước hạn (99,58%)``, ``số hóa 1.987 HS, đạt
  92,8%``). A clause of only ``đạt``/``chiếm``/``tỷ lệ`` refers back to the clause before it, and
  there the nearest cue decides. A completion rate of a count (``1.105 HS trực tuyến (100%)``)
  is not an online share (P5); ``chiếm`` marks a real share (``trực tuyến 2.881 HS (chiếm 78,9%)``).
A change over time (``tăng 12% so với tháng trước``) and a share of late dossiers are ``other``.
The rate a clause names (``tỷ lệ X``) outranks cue words elsewhere in it; a preposition after the
figure (``96,7% qua khảo sát trực tuyến``) starts an adjunct, not the subject; after a target
(``đặt mục tiêu 80% hồ sơ …``) a noun phrase is still the subject; ``trong đó N%`` after a total
of staff is a share of staff; percentages earlier in a parallel list (``A (86,1%), B (84,5%)``)
are not counts, so the list's subject carries over.
A figure with no measure of its own refers back to the sentence before (same paragraph) when its
clause points back (``tỷ lệ này … chỉ từ 45 - 50%``) or only says where it was reached (``nhiều xã
vùng cao chỉ đạt khoảng 40%``). A channel label on a list line (``+ Trực tuyến: 1.019.940 hồ sơ
(79,4%)``) makes the figure that channel's share; the kind phrase of a count a figure rates
(``Số hồ sơ giải quyết đúng và trước hạn là 1.701.950, đạt 98,88%``) names the rate; a rate word
right before the figure with a noun after it (``đạt tỷ lệ 100% hồ sơ được số hóa``) lets the noun
phrase decide; staff before a share of dossiers (``chỉ đạo công chức tiếp nhận 100% hồ sơ``) are
its agents, not what is measured.
A part split off a total (``trong đó 1.502 hồ sơ nộp trực tuyến, đạt 70%``, or a count over an
earlier larger count of the sentence) is rated by its share, not its completion. A label before a
colon names the measure of the figure after it. A figure followed by a verb and no noun (``khoảng
91% có trình độ đại học``) counts what the figure before it counted. Votes, returned dossiers and
things that are not dossiers (``văn bản``, ``cơ sở lưu trú``, communes) are never online shares.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from nlp.document import ArticleDoc
from nlp.extractors._quantity_common import (
    Match,
    SentView,
    Tok,
    load_lexicon,
    qualifier_before,
    qualifier_phrases,
    qualifier_start,
    sentence_views,
)
from nlp.facts import Fact
from nlp.numbers import NUMBER_RE, number_words_before, parse_number, scale_of, scaled

log = logging.getLogger(__name__)

__all__ = ["extract"]

IND_LEX = "percent_indicators"
_INDICATORS = ("on_time", "online", "digitized", "satisfaction", "staff")
# Cue labels in priority order within one clause; the first four make the figure `other`.
_PRIORITY = ("overdue", "pending", "returned", "vote", "on_time", "digitized", "satisfaction", "online", "staff")
_OUT = {"online": "online_share", "overdue": "other", "pending": "other", "returned": "other", "vote": "other"}
_NEAREST_LABELS = frozenset(
    {"overdue", "pending", "returned", "vote", "on_time", "digitized", "satisfaction", "online", "staff", "payment"}
)
# Words of a clause that only adds a part or a place to the measure of the figure before it in the
# sentence (``đạt hơn 85% tại UBND thành phố và gần 88% tại 16 phường, xã``).
_PARALLEL_WORDS = frozenset({"và", "còn", "riêng", "tại", "ở", "của", "với", "trong", "đó", "cấp", "khối"})
# Words before a number that make it a date, a level or a rank, not a count.
_NOT_COUNT_BEFORE = frozenset({"năm", "tháng", "quý", "độ", "mức", "cấp", "thứ", "số"})
# A comparison with another period (``bằng 205,6% số hồ sơ của quý I năm 2022``) is no level.
_PERIOD_WORDS = frozenset({"năm", "quý", "tháng", "kỳ", "cùng"})
_CLAUSE_STOPS = frozenset({",", ";", ".", "(", ")", ":", "!", "?", '"', "“", "”", "…"})
_STRONG_STOPS = frozenset({";", ".", "!", "?", "…"})
_RANGE_SEPS = frozenset({"-", "–", "—", "~", "đến", "tới"})
_HEAD_SKIP = frozenset({"tổng", "số", "các", "những", "toàn", "bộ", "lượng"})
_BACK_LIMIT = 35
# Lexicon labels that head a noun phrase after a figure (``80% hồ sơ``, ``100% cán bộ``).
_HEAD_LABELS = frozenset({"dossier", "staff", "people", "service", "online_service", "thing"})
# Words that open a verb phrase right after a figure that has no noun of its own (``97,4% cán bộ
# có chữ ký số; khoảng 91% có trình độ đại học``): the noun is the one an earlier figure counted.
_ELLIPSIS_OPENERS = frozenset({"có", "đã", "được", "đang", "chưa", "không", "đều", "vẫn", "cũng"})


@dataclass(frozen=True)
class _Roles:
    qualifiers_before: tuple[tuple[tuple[str, ...], str], ...]
    qualifiers_after: tuple[tuple[tuple[str, ...], str], ...]
    fillers: frozenset[tuple[str, ...]]
    rates: frozenset[tuple[str, ...]]
    shares: frozenset[tuple[str, ...]]
    after_stops: frozenset[tuple[str, ...]]
    targets: frozenset[tuple[str, ...]]
    splits: tuple[tuple[str, ...], ...]
    anaphors: frozenset[tuple[str, ...]]
    places: frozenset[tuple[str, ...]]


@functools.lru_cache(maxsize=1)
def _roles() -> _Roles:
    before, after = qualifier_phrases()
    roles: dict[str, set[tuple[str, ...]]] = {}
    for toks, role, _extra in load_lexicon("percent_context"):
        roles.setdefault(role, set()).add(toks)
    return _Roles(
        qualifiers_before=tuple(before),
        qualifiers_after=tuple(after),
        fillers=frozenset(roles.get("filler", set())),
        rates=frozenset(roles.get("rate", set())),
        shares=frozenset(roles.get("share", set())),
        after_stops=frozenset(roles.get("after_stop", set())),
        targets=frozenset(roles.get("target", set())),
        splits=tuple(sorted(roles.get("split", set()), key=len, reverse=True)),
        anaphors=frozenset(roles.get("anaphor", set())),
        places=frozenset(roles.get("place", set())),
    )


@functools.lru_cache(maxsize=4)
def _rates_by_first(rates: frozenset[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """The rate phrases grouped by their first word, so a scan tries only those that can match."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for r in rates:
        if r:
            out.setdefault(r[0], []).append(r)
    return out


@dataclass
class _Mention:
    start: int  # token position of the number (first word of a worded number)
    end: int  # token position after ``%`` / ``phần trăm``
    value: int | float
    qual_at: int  # where the qualifier is read (the range's first number for its second)
    is_range_head: bool = False


def _is_num(text: str) -> bool:
    # The pattern starts with a digit: most tokens are words, told apart without a regex.
    return text[:1].isdigit() and bool(NUMBER_RE.fullmatch(text))


def _is_caps_word(tok: Tok) -> bool:
    return tok.is_word and tok.text.isupper() and any(ch.isalpha() for ch in tok.text)


def _headline_breaks(toks: list[Tok]) -> frozenset[int]:
    """Positions where a headline in capitals ends and ordinary text begins on the same line
    (``HƠN 98% HỒ SƠ GIẢI QUYẾT ĐÚNG HẠN Sáng 12/8, …``): a capitalised word in mixed case right
    after three or more words in capitals. No phrase of the headline runs on into the lead."""
    out: set[int] = set()
    caps = 0
    for k, tok in enumerate(toks):
        if not tok.is_word:
            continue
        if _is_caps_word(tok):
            caps += 1
            continue
        if caps >= 3 and tok.text[:1].isupper():
            out.add(k)
        caps = 0
    return frozenset(out)


class _SentencePercents:
    """Finds and describes the percentages of one sentence."""

    def __init__(self, adoc: ArticleDoc, view: SentView, prev_topic: str | None = None) -> None:
        self.adoc = adoc
        self.view = view
        self.toks = view.toks
        self.lows = [t.low for t in view.toks]
        self.n = len(view.toks)
        self.roles = _roles()
        self._heads: set[int] = set()
        # The indicator of the figure read before, in this sentence (for an elliptical figure).
        self._last_indicator: str | None = None
        # What the sentence before measured (``Tỷ lệ hồ sơ nộp trực tuyến …``): a figure here with
        # no subject of its own (``nhiều xã chỉ đạt khoảng 40%``) refers back to it.
        self.prev_topic = prev_topic
        self.breaks = _headline_breaks(self.toks)

    # ---- finding ---------------------------------------------------------------------------
    def mentions(self) -> list[_Mention]:
        found: list[_Mention] = []
        k = 0
        while k < self.n:
            t = self.toks[k]
            if _is_num(t.text) and (k == 0 or self.lows[k - 1] != "/"):
                end = None
                if k + 1 < self.n and self.toks[k + 1].text == "%":
                    end = k + 2
                elif tuple(self.lows[k + 1 : k + 3]) == ("phần", "trăm"):
                    end = k + 3
                value = parse_number(t.text)
                if end is not None and value is not None:
                    head = self._range_head(k, value)
                    if head is not None:
                        found.append(head)
                        found.append(_Mention(k, end, value, head.start))
                    else:
                        found.append(_Mention(k, end, value, k))
                    k = end
                    continue
            elif t.low == "phần" and k + 1 < self.n and self.lows[k + 1] == "trăm":
                if k > 0 and not _is_num(self.toks[k - 1].text):
                    got = number_words_before(self.lows, k)
                    if got is not None and not (got[1] == 0 and k - got[0] == 1):
                        found.append(_Mention(got[0], k + 2, got[1], got[0]))
                k += 2
                continue
            k += 1
        return found

    def _range_head(self, k: int, value: int | float) -> _Mention | None:
        """The first number of a range ``3,5 - 4%`` (P4), when it has no ``%`` of its own."""
        if k < 2 or self.lows[k - 1] not in _RANGE_SEPS or not _is_num(self.toks[k - 2].text):
            return None
        if k >= 3 and self.lows[k - 3] == "/":
            return None
        first = parse_number(self.toks[k - 2].text)
        if first is None or not first < value:
            return None
        return _Mention(k - 2, k - 1, first, k - 2, is_range_head=True)

    # ---- qualifier -------------------------------------------------------------------------
    def qualifier(self, m: _Mention) -> str:
        after_at = m.end
        if after_at + 1 < self.n and self.lows[after_at] == "/" and self.toks[after_at + 1].is_word:
            after_at += 2  # ``10%/năm trở lên``: a rate per year, then its bound
        for phrase, qual in self.roles.qualifiers_after:
            if tuple(self.lows[after_at : after_at + len(phrase)]) == phrase:
                return qual
        got = qualifier_before(self.lows, m.qual_at)
        if got and got[0] == "over" and self.lows[got[1]] == "vượt" and self._compared(m.end):
            return "exact"  # ``vượt 38% so với kế hoạch``: by how much a target was beaten (P3)
        if got:
            # ``cao hơn 1,39% so với năm 2023``: a difference, not a bound (P3).
            return got[0]
        if not m.is_range_head and m.qual_at > 0 and self.lows[m.qual_at - 1] == "từ":
            bound = self._bound_after(m.end)
            if bound is not None:
                return bound  # ``từ 70% chỉ tiêu trở lên``: the bound closes the phrase ``từ`` opens
        return "exact"

    def _compared(self, a: int) -> bool:
        """Does ``so với`` follow the figure within a few words (a comparison with a target)?"""
        for j in range(a, min(self.n, a + 4)):
            if tuple(self.lows[j : j + 2]) == ("so", "với"):
                return True
            if self.lows[j] in _CLAUSE_STOPS:
                return False
        return False

    def _bound_after(self, a: int) -> str | None:
        """The qualifier of ``trở lên``/``trở xuống`` closing, a few words after the figure, a phrase
        opened by ``từ`` before it (``từ 80% số hộ trở lên``); ``None`` when the clause, another
        number or the end of a range (``đến``) comes first."""
        for j in range(a, min(self.n, a + 8)):
            for phrase, qual in self.roles.qualifiers_after:
                if tuple(self.lows[j : j + len(phrase)]) == phrase:
                    return qual
            if self.lows[j] in _CLAUSE_STOPS or self.lows[j] in _RANGE_SEPS or _is_num(self.toks[j].text):
                return None
        return None

    def _qualifier_start(self, q: int) -> int:
        """Where the qualifier phrase before position ``q`` starts (``q`` when there is none)."""
        return qualifier_start(self.lows, q)

    # ---- indicator -------------------------------------------------------------------------
    def _has(self, phrases: frozenset[tuple[str, ...]], lo: int, hi: int) -> bool:
        window = self.lows[lo:hi]
        return any(tuple(window[i : i + len(p)]) == p for p in phrases for i in range(len(window)))

    def _cues(self, lo: int, hi: int) -> list[Match]:
        """Indicator cues in ``[lo, hi)``; an online service named inside a phrase is an online cue."""
        out = []
        for c in self.view.in_range(IND_LEX, lo, hi):
            if c.label == "none":
                continue
            out.append(Match(c.start, c.end, "online", c.lexicon) if c.label == "online_service" else c)
        return out

    def _clause_start(self, q: int) -> int:
        """Start of the clause ending at ``q``: after a clause stop, an earlier percentage or the
        end of a headline in capitals."""
        j = q - 1
        while j >= 0 and q - j <= 30:
            if j + 1 in self.breaks:
                break
            if self.lows[j] in _CLAUSE_STOPS and not self._inside_phrase(j):
                break
            if self.lows[j] == "%" or (self.lows[j] == "trăm" and j > 0 and self.lows[j - 1] == "phần"):
                break
            j -= 1
        return j + 1

    def _after_end(self, a: int, strong: bool) -> int:
        """End of the phrase after the number: at a clause stop (or only a strong one), skipping
        short parentheses such as ``(TTHC)``."""
        j = a
        limit = min(self.n, a + (45 if strong else 15))
        while j < limit:
            if j in self.breaks and j > a:
                break  # ``HƠN 98% HỒ SƠ ĐÚNG HẠN Sáng 12/8, …``: the headline ends, the lead begins
            low = self.lows[j]
            if low == "(":
                close = next((x for x in range(j + 1, min(self.n, j + 5)) if self.lows[x] == ")"), None)
                if close is not None:
                    j = close + 1
                    continue
            if strong and (low in _STRONG_STOPS or j - a >= 45):
                break
            if not strong and ((low in _CLAUSE_STOPS and not self._inside_phrase(j)) or _is_num(self.toks[j].text)):
                break
            j += 1
        return j

    def _inside_phrase(self, j: int) -> bool:
        """Is the mark at ``j`` inside a lexicon phrase (``cán bộ, công chức``)?"""
        c = self.view.covering(IND_LEX, j)
        return c is not None and c.start < j < c.end - 1

    def _last_rate(self, lo: int, hi: int) -> int | None:
        """Start of the last rate word (``tỷ lệ``, ``mức``) in ``[lo, hi)``, else ``None``."""
        for j in range(hi - 1, lo - 1, -1):
            if any(tuple(self.lows[j : j + len(r)]) == r and j + len(r) <= hi for r in self.roles.rates):
                return j
        return None

    def _rate_ends_at(self, q: int) -> bool:
        """Does a rate word (``tỷ lệ``, ``mức``) end right before position ``q``?"""
        return any(len(r) <= q and tuple(self.lows[q - len(r) : q]) == r for r in self.roles.rates)

    def _anaphoric_rate(self, j: int, q: int) -> bool:
        """Is the rate word at ``j`` followed by a demonstrative (``tỷ lệ này``, ``tỷ lệ đó``,
        ``tỷ lệ nói trên``) before ``q``? It names no rate of its own but the one named before."""
        for r in self.roles.rates:
            e = j + len(r)
            if tuple(self.lows[j:e]) == r and e < q:
                return any(tuple(self.lows[e : e + len(d)]) == d for d in self.roles.anaphors)
        return False

    def _head_at(self, a: int) -> Match | None:
        """The noun phrase head starting at ``a`` (after ``các``, ``tổng số`` …), if it is a lexicon noun."""
        h = a
        while h < self.n and self.lows[h] in _HEAD_SKIP:
            h += 1
        head = self.view.starting(IND_LEX, h)
        return head if head is not None and head.label in _HEAD_LABELS else None

    def _split_of_staff(self, q: int) -> bool:
        """``41 cán bộ, công chức, trong đó khoảng 30% …``: a figure that splits a total of staff
        (``trong đó``, ``trong số đó`` right before it) is a share of staff (P8)."""
        j = q
        if j > 0 and self.lows[j - 1] == ",":
            j -= 1
        opener = next((o for o in self.roles.splits if len(o) <= j and tuple(self.lows[j - len(o) : j]) == o), None)
        if opener is None:
            return False
        j -= len(opener)
        cues = [c for c in self._cues(max(0, j - 20), j) if c.label != "change"]
        for x in range(j - 1, max(0, j - 20) - 1, -1):
            if self.lows[x] in (".", "!", "?"):
                cues = [c for c in cues if c.start > x]
                break
        return bool(cues) and cues[-1].label == "staff"

    def _contentless(self, lo: int, hi: int) -> bool:
        """Is ``[lo, hi)`` made only of fillers and qualifiers (``đạt``, ``chiếm tỷ lệ``, ``khoảng``)?"""
        j = lo
        quals = [p for p, _q in self.roles.qualifiers_before]
        phrases = sorted(list(self.roles.fillers) + quals, key=len, reverse=True)
        while j < hi:
            for p in phrases:
                if tuple(self.lows[j : j + len(p)]) == p and j + len(p) <= hi:
                    j += len(p)
                    break
            else:
                return False
        return True

    @staticmethod
    def _by_priority(cues: list[Match]) -> str | None:
        labels = {c.label for c in cues}
        if "payment" in labels:
            labels.discard("online")
        for label in _PRIORITY:
            if label in labels:
                return _OUT.get(label, label)
        return None

    def _change_before(self, q: int) -> bool:
        """``tăng 12%``, ``giảm khoảng 3%``, ``rút ngắn được 30%``: a change, not a level (P11)."""
        j = q
        while j > 0 and self.lows[j - 1] in ("thêm", "được", "đến", "khoảng"):
            j -= 1
        c = self.view.ending(IND_LEX, j)
        return c is not None and c.label == "change" and self.lows[j : j + 1] != ["lên"]

    def indicator(self, m: _Mention) -> tuple[str, str]:
        """(indicator, subject) of a mention."""
        q = self._qualifier_start(m.qual_at)
        if self._change_before(q) or self._period_comparison(q, m.end):
            lo = self._clause_start(q)
            return "other", self.view.text_of(self.adoc.text, lo, m.end)
        a = m.end
        for phrase, _qual in self.roles.qualifiers_after:
            if tuple(self.lows[a : a + len(phrase)]) == phrase:
                a += len(phrase)
        b_lo = self._clause_start(q)
        rate_before = self._has(self.roles.rates | self.roles.shares, b_lo, q) and not self._has(
            frozenset({("mức", "độ")}), b_lo, q
        )
        nxt_word = a < self.n and self.toks[a].is_word
        after_stop = any(tuple(self.lows[a : a + len(p)]) == p for p in self.roles.after_stops)
        target = any(len(p) <= q and tuple(self.lows[q - len(p) : q]) == p for p in self.roles.targets)
        if rate_before and self._head_at(a) is not None:
            if self._rate_ends_at(q) or not self._cues(b_lo, q):
                # ``đạt tỷ lệ 100% hồ sơ được số hóa``, ``tỷ lệ giải quyết 100% thủ tục … đúng hạn``:
                # the rate's noun follows, and with it what is measured
                rate_before = False
        if self._split_of_staff(q):
            return "staff", self.view.text_of(self.adoc.text, a, self._after_end(a, strong=False))
        if m.is_range_head:
            after_dir = False
        elif target:
            # ``đặt mục tiêu 80% hồ sơ được xử lý trực tuyến``: a noun after the target's figure is
            # its subject; otherwise (``chỉ tiêu 90% tỉnh giao``) the subject is before.
            after_dir = nxt_word and self._head_at(a) is not None
        else:
            after_dir = nxt_word and not after_stop and not rate_before
        if after_dir:
            return self._after(m, a, b_lo, q)
        if after_stop and self._contentless(b_lo, q) and self._channel_after(a):
            # ``mỗi tháng tiếp nhận gần 3 nghìn hồ sơ, khoảng 90% qua mạng``: the figure's own words
            # name the online channel (a survey ``qua khảo sát trực tuyến`` follows a named measure).
            return "online_share", self.view.text_of(self.adoc.text, a, self._after_end(a, strong=False))
        return self._before(m, b_lo, q)

    def _equivalent_count(self, a: int) -> str | None:
        """``dẫn đầu với tỷ lệ 83,48%, tương đương 1,488 triệu hồ sơ trực tuyến toàn trình``: the count
        the figure equals names what it measures."""
        k = a + (a < self.n and self.lows[a] == ",")
        if tuple(self.lows[k : k + 2]) not in (("tương", "đương"), ("tương", "ứng"), ("ứng", "với")):
            return None
        hi = self._after_end(k + 2, strong=False)
        hi = self._after_end(hi + 1, strong=False) if hi < self.n and _is_num(self.toks[hi].text) else hi
        return self._by_priority(self._cues(k + 2, hi))

    def _period_comparison(self, q: int, a: int) -> bool:
        """``bằng 205,6% số hồ sơ trực tuyến của quý I năm 2022``: the figure compares with
        another period (``bằng`` before it, a period after ``của``), as a change does (P11)."""
        if q == 0 or self.lows[q - 1] != "bằng":
            return False
        hi = self._after_end(a, strong=False)
        for x in range(a, hi - 1):
            if self.lows[x] == "của":
                y = x + 1 + (self.lows[x + 1] == "cả")
                return y < hi and self.lows[y] in _PERIOD_WORDS
        return False

    def _channel_after(self, a: int) -> bool:
        """Does ``qua`` right after the figure open an online channel (``qua mạng``, ``qua Cổng
        dịch vụ công``)?"""
        if self.lows[a : a + 1] != ["qua"]:
            return False
        # ``qua mạng``, ``qua Cổng dịch vụ công``, ``qua hình thức trực tuyến``
        return any(
            (c := self.view.starting(IND_LEX, k)) is not None and c.label in ("online", "online_service")
            for k in range(a, min(self.n, a + 4))
        )

    def _after(self, m: _Mention, a: int, b_lo: int, q: int) -> tuple[str, str]:
        ind, subject = self._after_reading(m, a, b_lo, q)
        if ind == "online_share" and self._thing_head(a):
            return "other", subject  # 100% văn bản … gửi trên môi trường mạng: not dossiers (P7)
        return ind, subject

    def _thing_head(self, a: int) -> bool:
        """Does the noun phrase after a figure count things other than dossiers, people or staff
        (``văn bản``, ``cơ sở lưu trú``, ``xã, phường``)?"""
        h = a
        while h < self.n and self.lows[h] in _HEAD_SKIP:
            h += 1
        head = self.view.starting(IND_LEX, h)
        if head is not None:
            return head.label == "thing"
        return any(tuple(self.lows[h : h + len(p)]) == p for p in self.roles.places)

    def _after_reading(self, m: _Mention, a: int, b_lo: int, q: int) -> tuple[str, str]:
        a_hi = self._after_end(a, strong=False)
        subject = self.view.text_of(self.adoc.text, a, a_hi)
        h = a
        while h < a_hi and self.lows[h] in _HEAD_SKIP:
            h += 1
        head = self.view.starting(IND_LEX, h)
        ext_hi = self._after_end(a, strong=True)
        if head is not None:
            if head.label in ("service", "online_service"):
                return "other", subject
            if head.label == "staff":
                return "staff", subject
            if head.label == "people":
                sat = any(c.label == "satisfaction" for c in self._cues(a, ext_hi))
                return ("satisfaction" if sat else "other"), subject
        # ``95% hồ sơ được nộp trực tuyến và không còn hồ sơ trễ hạn``: a clause joined by ``và``
        # says something else; the figure's own phrase, when it has a cue, decides.
        own = next((j for j in range(a + 1, a_hi) if self.lows[j] == "và" and not self._inside_phrase(j)), a_hi)
        if any(c.label == "change" and c.start > a for c in self._cues(a, own)):
            return "other", subject  # ``tối thiểu 20% thủ tục hành chính … được cắt giảm``: a change
        got = self._by_priority(self._cues(a, own)) or self._by_priority(self._cues(a, a_hi))
        if got:
            return got, subject
        before = self._cues(b_lo, q)
        if head is not None and head.label == "dossier":
            # ``chỉ đạo công chức tiếp nhận 100% hồ sơ``: staff before the figure are the agents
            # of a share of dossiers, not what is measured.
            before = [c for c in before if c.label != "staff"]
        got = self._by_priority(before)
        if got:
            return got, subject
        for c in self._cues(a_hi, ext_hi):
            if c.label in _NEAREST_LABELS and c.start not in self._heads:
                return (_OUT.get(c.label, c.label) if c.label != "payment" else "other"), subject
        if head is not None and head.label == "dossier" and b_lo > 0 and self._contentless(b_lo, q):
            # ``số hóa 3.169 hồ sơ, đạt 92,7% số hồ sơ tiếp nhận``: a share of the dossiers named
            # after it, of what the clause before did.
            return self._before(m, b_lo, q, share=True)[0], subject
        if head is None and self.lows[a] in _ELLIPSIS_OPENERS and self._last_indicator not in (None, "other"):
            return self._last_indicator, subject
        if head is None and self._parallel(b_lo, q):
            return str(self._last_indicator), subject
        return "other", subject

    def _before(self, m: _Mention, b_lo: int, q: int, share: bool = False) -> tuple[str, str]:
        subject_lo = b_lo
        while subject_lo < q and self._contentless(subject_lo, subject_lo + 1):
            subject_lo += 1
        subject_hi = q
        while subject_hi > subject_lo and self._contentless(subject_hi - 1, subject_hi):
            subject_hi -= 1
        subject = self.view.text_of(self.adoc.text, subject_lo, subject_hi)
        # The rate the clause names (``… chưa hài lòng là tỷ lệ hồ sơ nộp trực tuyến đạt 41%``)
        # is what the figure measures; cues elsewhere in the clause only count when it has none.
        rate_at = self._last_rate(b_lo, q)
        anaphor = rate_at is not None and self._anaphoric_rate(rate_at, q)
        got = self._by_priority(self._cues(rate_at, q)) if rate_at is not None else None
        if got is None:
            got = self._by_priority(self._cues(b_lo, q))
        if got:
            return got, subject
        if self._parallel(b_lo, q):
            return str(self._last_indicator), subject
        equal = self._equivalent_count(m.end)
        if equal:
            return equal, subject
        contentless = self._contentless(b_lo, q)
        named_rate = self._has(self.roles.rates, b_lo, q) and not (
            self._rate_ends_at(q) and not self._has(self.roles.rates, b_lo, max(b_lo, q - 2))
        )  # ``các tỉnh còn lại đều đạt tỷ lệ dưới 50%``: a bare ``tỷ lệ`` names no rate of its own
        if not contentless and not anaphor and named_rate:
            return "other", subject
        if any(c.label == "change" for c in self._cues(b_lo, q)):
            return "other", subject  # a difference (cao hơn chỉ tiêu … 10%), not a level (P3)
        if contentless and b_lo > 0 and self.lows[b_lo - 1] == ":":
            # ``- Mức độ hài lòng của người dân, doanh nghiệp trên Cổng DVC quốc gia: 98,7%``: the
            # label before the colon names the measure; its cues rank as in a clause of their own.
            label_lo = self._clause_start(b_lo - 1)
            got = self._by_priority(self._cues(label_lo, b_lo - 1))
            if got:
                return got, subject or self.view.text_of(self.adoc.text, label_lo, b_lo - 1)
        # The clause refers back: the nearest cue before it decides.
        share = share or self._has(self.roles.shares, b_lo, q)
        lo = max(0, b_lo - _BACK_LIMIT)
        cut = lo
        for j in range(b_lo - 1, lo - 1, -1):
            if self.lows[j] in (".", "!", "?"):
                cut = j + 1
                break
        cues = [c for c in self._cues(cut, b_lo) if c.label in _NEAREST_LABELS]
        if not cues:
            got, subject = self._after_aside(m, subject)
            if got == "other" and self._refers_to_previous(b_lo, q, m.end, anaphor):
                return self.prev_topic or "other", subject
            return got, subject
        cue = cues[-1]
        if not subject:
            clause_lo = self._clause_start(cue.start)
            subject = self.view.text_of(self.adoc.text, clause_lo, b_lo).rstrip(" ,;:(")
        own = self._count_phrase(cut, b_lo)
        if own is not None:
            return own, subject
        if cue.label == "payment":
            return "other", subject
        if cue.label == "online" and not share:
            clause_lo = self._clause_start(cue.start)
            counts = [x for x in range(clause_lo, b_lo) if self._is_count(x)]
            if counts and not self._channel_label(cue, b_lo) and not self._splits_total(clause_lo, counts[0], m):
                return "other", subject  # a completion rate or score of a count (P5, P6)
        return _OUT.get(cue.label, cue.label), subject

    def _channel_label(self, cue: Match, b_lo: int) -> bool:
        """Is the online cue a label (``+ Trực tuyến: 1.019.940 hồ sơ (79,4%)``)? The figure is then
        that channel's share of the list's total, not a completion rate; a ratio ``N/N`` still is."""
        if cue.end >= self.n or self.lows[cue.end] != ":":
            return False
        return not any("/" in self.toks[x].text for x in range(cue.end, b_lo))

    def _splits_total(self, clause_lo: int, x: int, m: _Mention) -> bool:
        """Is the count at ``x`` a part of a total written before it, the figure being its share?
        Either the clause opens with ``trong đó`` (``tiếp nhận 2.146 hồ sơ, trong đó 1.502 hồ sơ nộp
        trực tuyến, đạt 70%``), or the figure is the count over an earlier, larger count of the
        sentence (``412,6 nghìn hồ sơ, … 301,2 nghìn hồ sơ trực tuyến (73%)``). A ratio ``N/M``
        with its ``(100%)`` is a completion rate (P5), not a share, and so is any ``(100%)``."""
        if m.value >= 100:
            return False
        for at in (clause_lo, 0):
            if any(tuple(self.lows[at : at + len(o)]) == o for o in self.roles.splits):
                return True  # ``…, trong đó 1.502 hồ sơ …`` or a sentence that opens ``Trong đó, …``
        if self.lows[clause_lo : clause_lo + 1] == ["với"] and clause_lo + 1 == x:
            return True  # ``tiếp nhận 6.776 hồ sơ, với 2.521 hồ sơ trực tuyến (đạt tỷ lệ 37,2%)``
        part = self._count_value(x)
        if part is None:
            return False
        for y in range(x):
            whole = self._count_value(y) if self._is_count(y) else None
            if whole and whole > part and abs(100 * part / whole - m.value) <= 0.6:
                return True
        return False

    def _count_value(self, x: int) -> float | None:
        """The value of the plain count at ``x`` with its scale word (``301,2 nghìn``), else ``None``."""
        text = self.toks[x].text
        if "/" in text:
            return None
        value = parse_number(text)
        if value is None:
            return None
        scale = scale_of(self.lows[x + 1]) if x + 1 < self.n else None
        return float(scaled(value, scale) if scale else value)

    def _count_phrase(self, lo: int, hi: int) -> str | None:
        """The indicator named by the kind phrase of the count a back-referring figure rates
        (``Số hồ sơ giải quyết đúng và trước hạn (kể cả hồ sơ trực tuyến) là 1.701.950, đạt
        98,88%``): on time, digitised or late outrank a channel named inside that phrase."""
        x = next((x for x in range(hi - 1, lo - 1, -1) if self._is_count(x)), None)
        if x is None:
            return None
        start = x
        while start > lo and self.lows[start - 1] not in (",", ";", ".", ":", "%", "!", "?"):
            start -= 1
        got = self._by_priority(self._cues(start, hi))
        return got if got in ("on_time", "digitized") or (got == "other" and self._overdue_in(start, hi)) else None

    def _overdue_in(self, lo: int, hi: int) -> bool:
        return any(c.label == "overdue" for c in self._cues(lo, hi))

    def _refers_to_previous(self, b_lo: int, q: int, end: int, anaphor: bool) -> bool:
        """A figure whose sentence names no measure of its own (no cue, no count before it) and
        whose clause either points back (``tỷ lệ này``) or only says where it was reached
        (``Tuy nhiên, nhiều xã vùng cao chỉ đạt khoảng 40%``, the figure ending the clause) refers
        to what the sentence before measured."""
        if self.prev_topic is None:
            return False
        if any(c.label != "none" for c in self.view.in_range(IND_LEX, 0, q)):
            return False
        if any(self._is_count(x) for x in range(q)):
            return False
        if anaphor:
            return True
        ends_clause = end >= self.n or self.lows[end] in _CLAUSE_STOPS
        if b_lo == q and b_lo > 0 and self.lows[b_lo - 1] == "(":
            # ``Đà Nẵng (58,89%), Hà Giang (55,76%) … xếp sau``: a ranking of names after the measure
            return self._names_only(self._clause_start(b_lo - 1), b_lo - 1)
        return ends_clause and (self._has(self.roles.places, b_lo, q) or self._names_only(b_lo, q))

    def _parallel(self, lo: int, hi: int) -> bool:
        """Does the clause ``[lo, hi)`` only add a part or a place to the figure before it in this
        sentence (``…39,98%, trong đó khối bộ đạt 54,46% và khối tỉnh là 16,94%``, ``…hơn 85% tại UBND
        thành phố Đà Lạt và gần 88% tại 16 phường, xã``)? The figure then measures the same thing.
        A clause with a cue, a rate word, a count or a lowercase word of its own says more."""
        if self._last_indicator in (None, "other") or lo >= hi:
            return False
        opener = self.lows[lo] in ("và", "còn", "riêng", "tại", "ở") or any(
            tuple(self.lows[lo : lo + len(o)]) == o for o in self.roles.splits
        )
        if not opener or self._cues(lo, hi) or self._has(self.roles.rates, lo, hi):
            return False
        after_place = 9  # words since a place word or ``khối``: up to two may describe it
        for x in range(lo, hi):
            tok = self.toks[x]
            after_place += 1
            if self._is_count(x) and not (x + 1 < hi and self._has(self.roles.places, x + 1, hi)):
                return False
            if (x + 1 < hi and self._has(self.roles.places, x, x + 2)) or self._has(self.roles.places, x, x + 1):
                after_place = 0
                continue
            if tok.low == "khối":  # ``khối bộ``, ``khối tỉnh``: a group of agencies
                after_place = 0
                continue
            if tok.is_punct or tok.text[:1].isupper() or _is_num(tok.text) or tok.low in _PARALLEL_WORDS:
                continue
            if self._contentless(x, x + 1) or after_place <= 2:
                continue
            return False
        return True

    def _names_only(self, lo: int, hi: int) -> bool:
        """Is ``[lo, hi)`` a list of proper names with fillers (``TP HCM, Đà Nẵng và Hải Phòng
        đạt``)? Such a clause says only where a figure was reached."""
        named = False
        for x in range(lo, hi):
            tok = self.toks[x]
            if tok.text[:1].isupper():
                named = True
            elif not (tok.is_punct or tok.low == "và" or self._contentless(x, x + 1)):
                return False
        return named

    def topic(self, facts: list[Fact]) -> str | None:
        """What this sentence measures, for a figure in the next one to refer back to: the
        indicator of its last percentage, else the rate it names (``Tỷ lệ hồ sơ nộp trực tuyến
        tăng mạnh``)."""
        if facts:
            ind = facts[-1].data["indicator"]
            return ind if ind != "other" else None
        rates = _rates_by_first(self.roles.rates)
        for j in range(self.n - 1, -1, -1):
            candidates = rates.get(self.lows[j])
            if not candidates or not any(tuple(self.lows[j : j + len(r)]) == r for r in candidates):
                continue
            hi = j + 1
            while hi < self.n and not (self.lows[hi] in _CLAUSE_STOPS and not self._inside_phrase(hi)):
                hi += 1
            got = self._by_priority(self._cues(j, hi))
            return got if got and got != "other" else None
        return None

    def _is_count(self, x: int) -> bool:
        """Is token ``x`` a count or a score (``1.105``, ``7,5/12``), not another percentage?
        In a list ``TPHCM (86,1%), Hà Nội (84,5%)`` the figures before are parallel shares."""
        text = self.toks[x].text
        if "/" in text:
            return True
        if not _is_num(text):
            return False
        if (x + 1 < self.n and self.lows[x + 1] == "lần") or (x > 0 and self.lows[x - 1] in _NOT_COUNT_BEFORE):
            return False  # ``tăng 3 lần`` is a factor, ``năm 2019`` a date, ``mức độ 4`` a level
        if x + 3 < self.n and self.lows[x + 1] in _RANGE_SEPS and _is_num(self.toks[x + 2].text):
            if self.lows[x + 3] == "%" or tuple(self.lows[x + 3 : x + 5]) == ("phần", "trăm"):
                return False  # the first end of a range of percentages (``40–55%``)
        return not (x + 1 < self.n and self.lows[x + 1] == "%") and tuple(self.lows[x + 1 : x + 3]) != ("phần", "trăm")

    def _after_aside(self, m: _Mention, subject: str) -> tuple[str, str]:
        """A figure in an aside ``1.102 hồ sơ (chiếm 59,7%) được nộp trực tuyến``: the words after
        the closing parenthesis describe what was counted."""
        close = m.end
        while close < self.n and close - m.end < 3 and self.lows[close] != ")":
            close += 1
        opener = self._clause_start(self._qualifier_start(m.qual_at)) - 1
        if close >= self.n or self.lows[close] != ")" or opener < 0 or self.lows[opener] != "(":
            return "other", subject
        hi = self._after_end(close + 1, strong=False)
        got = self._by_priority(self._cues(close + 1, hi))
        return (got or "other"), subject

    def facts(self) -> list[Fact]:
        out: list[Fact] = []
        mentions = self.mentions()
        # Where each figure's own subject starts: a cue there belongs to that figure, not to another.
        self._heads = set()
        for m in mentions:
            h = m.end
            while h < self.n and self.lows[h] in _HEAD_SKIP:
                h += 1
            self._heads.add(h)
        described: dict[int, tuple[str, str, str]] = {}
        self._last_indicator = None
        # A range's second figure first: its first figure shares its subject and indicator.
        for i in sorted(range(len(mentions)), key=lambda x: mentions[x].is_range_head):
            m = mentions[i]
            try:
                qual = self.qualifier(m)
                if m.is_range_head and i + 1 in described:
                    ind, subject = described[i + 1][1:]
                else:
                    ind, subject = self.indicator(m)
                    self._last_indicator = ind
            except Exception:
                log.debug("percentage description failed", exc_info=True)
                qual, ind, subject = "exact", "other", ""
            described[i] = (qual, ind, subject)
        for i, m in enumerate(mentions):
            qual, ind, subject = described[i]
            t0, t1 = self.toks[m.start], self.toks[m.end - 1]
            data = {
                "value": m.value,
                "qualifier": qual,
                "indicator": ind,
                "subject": " ".join(subject.split())[:200],
                "_text": self.adoc.text[t0.start : t1.end],
            }
            out.append(Fact("percentages", data, t0.start, t1.end, self.view.sentence.index))
        return out


def extract(adoc: ArticleDoc) -> list[Fact]:
    """Every percentage of the article, one fact per mention (a range gives two)."""
    try:
        views = sentence_views(adoc, (IND_LEX,))
    except Exception:
        log.debug("percentage extractor could not prepare the document", exc_info=True)
        return []
    facts: list[Fact] = []
    topic: str | None = None
    prev_end = -1
    for view in views:
        try:
            if not view.toks or (prev_end >= 0 and "\n\n" in adoc.text[prev_end : view.toks[0].start]):
                topic = None  # a figure refers back only within its paragraph
            reader = _SentencePercents(adoc, view, topic)
            found = reader.facts()
            facts.extend(found)
            topic = reader.topic(found)
            prev_end = view.toks[-1].end if view.toks else prev_end
        except Exception:
            log.debug("percentage extractor failed on sentence %d", view.sentence.index, exc_info=True)
            topic = None
    return facts
