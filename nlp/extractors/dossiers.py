"""Counts of administrative dossiers (hồ sơ): spec §3 and NOTES D1–D15.

A number counts dossiers when the counted noun follows it (``171 hồ sơ``, ``38 nghìn hồ sơ``,
``278/278 HS``) or, in report lists, when the noun came first (``hồ sơ tiếp nhận: 4.905``,
``Số hồ sơ trễ hạn là 21``) or was left out inside a breakdown of a dossier count
(``… 52 (chưa đến hạn: 50; quá hạn: 2)``), or is the value of a ``(tổng) số hồ sơ …`` phrase
after ``là``/``đạt`` however far back it starts (``tổng số hồ sơ mà Trung tâm tiếp nhận trong
6 tháng là 3.388``). Any other word after the number (``thủ tục``, ``TTHC``, ``lượt``, ``phiếu``)
or a ``số X`` of something else before it makes it a count of something else.

What happened to the dossiers is read from the kind verbs next to the count, inside its clause:
- the verbs after the noun (``37 hồ sơ trễ hạn``, ``6.488 hồ sơ được giải quyết đúng hạn``) win
  when they state a status (on time, overdue, pending, other);
- else the chain of verbs before the number (``tiếp nhận, giải quyết và trả kết quả 4.572/4.572``):
  a status in the chain wins; a ratio takes the last (completion) verb (D1); a chain that starts
  with intake counts intake (D2); otherwise the last verb;
- else the verbs after the noun (``42.420 hồ sơ được tiếp nhận và giải quyết`` → received);
- else what surrounds the count (issue 12): a count in brackets after a share, or after
  ``tương ứng (với)``, counts what the share's ``tỷ lệ …`` phrase measures (``tỷ lệ nộp hồ sơ trực
  tuyến đạt 72% (224/310 hồ sơ)`` → received, online); a count that restates or splits a count of
  something else shares its verb (``tiếp nhận 75 lượt công dân (38 hồ sơ)``); a sentence that
  ranks places or fields by their dossiers gives intake unless it names a verb (``Nhiều hồ sơ nhất
  thuộc lĩnh vực …``, ``xã A dẫn đầu với …``); a total after a noun phrase that names what
  is counted takes that phrase's kind (``Hồ sơ tiếp nhận …, có tổng số / tổng cộng N``);
- else the count splits the one before it (``trong đó …``, ``Cụ thể, …``) and takes its kind (D9);
- else a label before a colon in the sentence names the kind of the list after it (``Hồ sơ tiếp
  nhận theo hình thức: trực tuyến 640 hồ sơ; …``), or a heading line ending with ``:`` does for
  the list lines under it (``Những địa phương tiếp nhận nhiều hồ sơ nhất gồm:`` / ``- Phường A:
  24.318 hồ sơ``).
Withdrawn, returned or refused dossiers (``rút``, ``trả lại``, ``từ chối``) are ``other``. A dash
after the counted noun opens a remark (``Đã hoàn thành: 1.098 hồ sơ – tất cả đều đúng hạn``) that
does not change the kind; a number that opens a range of percentages (``90 - 95%``) is no count.
``trong hạn`` after a pending verb (``đang giải quyết, trong hạn``) keeps the count pending: the
dossiers are still open within their time. Coordinated kind words share their last word
(``trễ và quá hạn``, ``sớm, đúng hẹn``).
Clauses end at ``;`` ``.`` parentheses, ``trong đó``, and at ``,``/``và`` unless these join two kind
verbs of one chain. The channel is the channel phrase nearest the number in the same windows.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from nlp.document import ArticleDoc
from nlp.extractors._quantity_common import (
    LIST_LINE,
    Match,
    SentView,
    load_lexicon,
    qualifier_before,
    qualifier_start,
    sentence_views,
)
from nlp.facts import Fact
from nlp.numbers import (
    NUMBER_RE,
    NUMBER_WORDS,
    RATIO_RE,
    number_words_before,
    parse_number,
    parse_ratio,
    scale_of,
    scaled,
)

log = logging.getLogger(__name__)

__all__ = ["extract"]

KINDS_LEX = "dossier_kinds"
CHANNELS_LEX = "dossier_channels"
_STATUS = frozenset({"on_time", "overdue", "pending", "other"})
# Punctuation that always closes a clause.
_HARD_STOPS = frozenset({";", ".", "(", ")", "!", "?", '"', "“", "”", "[", "]", "…"})
_SOFT_STOPS = frozenset({",", "và", "hoặc"})
# A dash after the counted noun opens a remark on it (``1.098 hồ sơ – tất cả đều đúng hạn``).
_DASHES = frozenset({"-", "–", "—"})
_RANGE_SEPS = frozenset({"-", "–", "—", "~", "đến", "tới"})
# Words before a day-month date written with a dash (``sáng 12-8``).
_DAY_WORDS = frozenset({"ngày", "sáng", "chiều", "tối", "trưa", "đêm", "hôm", "khuya"})
# The period before the year of ``quý II-2020``, ``tháng 9-2020``: a Roman numeral or a month.
_PERIOD_RE = re.compile(r"[IVX]{1,4}|[1-9]|1[0-2]|0[1-9]")
_WINDOW = 15
_FAR_WINDOW = 30
_MAX_COUNT = 10**9
# Rate words: the kind verbs after them are the rate's (``… hồ sơ với tỷ lệ giải quyết đúng hạn``).
_RATE_HEADS = (("tỷ", "lệ"), ("tỉ", "lệ"))
_OPEN_QUOTES = frozenset({"“", '"', "‘"})
_CLOSE_QUOTES = frozenset({"”", '"', "’"})


@dataclass(frozen=True)
class _Context:
    """The roles of ``dossier_context.tsv``, as sets of lowercase token tuples."""

    nouns: frozenset[tuple[str, ...]]
    abbrevs: frozenset[str]
    blockers: frozenset[tuple[str, ...]]
    list_blockers: frozenset[tuple[str, ...]]
    rates: frozenset[tuple[str, ...]]
    followers: frozenset[tuple[str, ...]]
    glue: frozenset[str]
    copulas: frozenset[tuple[str, ...]]
    approx: frozenset[tuple[str, ...]]
    pairs: frozenset[tuple[str, str]]
    so_words: frozenset[tuple[str, ...]]
    openers: tuple[tuple[str, ...], ...] = ()
    restate: frozenset[tuple[str, ...]] = frozenset()
    equiv: frozenset[tuple[str, ...]] = frozenset()
    ranking: frozenset[tuple[str, ...]] = frozenset()
    totals: frozenset[tuple[str, ...]] = frozenset()
    counters: frozenset[tuple[str, ...]] = frozenset()


@functools.lru_cache(maxsize=1)
def _context() -> _Context:
    roles: dict[str, set[tuple[str, ...]]] = {}
    abbrevs: set[str] = set()
    for toks, role, _extra in load_lexicon("dossier_context"):
        roles.setdefault(role, set()).add(toks)
    # Abbreviations are matched case-sensitively (HS, not "hs"): read them as written.
    from nlp.extractors._quantity_common import DATA_DIR

    for line in (DATA_DIR / "dossier_context.tsv").read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) >= 2 and cols[1].strip() == "abbrev":
            abbrevs.add(cols[0].strip())
    return _Context(
        nouns=frozenset(roles.get("noun", set())),
        abbrevs=frozenset(abbrevs),
        blockers=frozenset(roles.get("blocker", set())),
        list_blockers=frozenset(roles.get("blocker", set()) | roles.get("list_blocker", set())),
        rates=frozenset(roles.get("rate", set())),
        followers=frozenset(roles.get("follower", set())),
        glue=frozenset(t[0] for t in roles.get("glue", set()) if len(t) == 1),
        copulas=frozenset(roles.get("copula", set())),
        so_words=frozenset(roles.get("so_word", set())),
        approx=frozenset(roles.get("approx", set())),
        openers=tuple(sorted(roles.get("opener", set()), key=len, reverse=True)),
        restate=frozenset(roles.get("restate", set())),
        equiv=frozenset(roles.get("equiv", set())),
        ranking=frozenset(roles.get("ranking", set())),
        totals=frozenset(roles.get("total", set())),
        counters=frozenset(roles.get("counter", set())),
        # Two-word kind phrases ``trễ hạn``, ``sớm hẹn``: their first word can stand alone in a
        # coordination that shares the second (``trễ và quá hạn``, ``sớm, đúng hẹn``).
        pairs=frozenset(
            (toks[0], toks[1]) for toks, kind, _x in load_lexicon(KINDS_LEX) if len(toks) == 2 and kind != "none"
        ),
    )


_HS_INTRO = re.compile(r"hồ sơ\s*\(\s*HS\s*\)", re.IGNORECASE)
_ADMIN = re.compile(r"một cửa|thủ tục|TTHC|dịch vụ công|\bDVC|hành chính công", re.IGNORECASE)
_PUPILS = re.compile(r"học sinh", re.IGNORECASE)


def _abbrev_allowed(text: str) -> bool:
    """``HS`` means ``hồ sơ`` when the article says so, or plainly deals with dossiers (D4).

    In school news ``HS`` is ``học sinh`` (pupils), so any mention of pupils switches it off unless
    the article introduced ``hồ sơ (HS)`` itself.
    """
    if _HS_INTRO.search(text):
        return True
    return "hồ sơ" in text.lower() and bool(_ADMIN.search(text)) and not _PUPILS.search(text)


@dataclass
class _Count:
    start: int  # token positions [start, end) of the number (with its scale word)
    end: int
    value: int
    total: int | None
    direct: bool  # the noun follows the number
    noun_end: int  # token position after the noun (or after the number when unitless)
    phrase_lo: int | None = None  # start of a noun phrase far before the number (``số hồ sơ … là N``)


def _is_number_tok(text: str) -> bool:
    # Both patterns start with a digit: most tokens are words, told apart without a regex.
    return text[:1].isdigit() and bool(NUMBER_RE.fullmatch(text) or RATIO_RE.fullmatch(text))


class _SentenceReader:
    """Finds and classifies the dossier counts of one sentence."""

    def __init__(
        self,
        adoc: ArticleDoc,
        view: SentView,
        abbrev_ok: bool,
        carried_kind: str | None,
        list_kind: str | None = None,
    ) -> None:
        self.adoc = adoc
        self.view = view
        self.toks = view.toks
        self.lows = [t.low for t in view.toks]
        self.n = len(view.toks)
        self.ctx = _context()
        self.abbrev_ok = abbrev_ok
        self.carried_kind = carried_kind
        self.list_kind = list_kind  # the kind a list heading gives the items under it
        self.last_kind: str | None = None

    # ---- token helpers -------------------------------------------------------------------
    def _noun_at(self, u: int) -> int | None:
        """Position after the dossier noun starting at ``u``, else ``None``."""
        if u >= self.n:
            return None
        for noun in sorted(self.ctx.nouns, key=len, reverse=True):
            if tuple(self.lows[u : u + len(noun)]) == noun:
                return u + len(noun)
        if self.abbrev_ok and self.toks[u].text in self.ctx.abbrevs:
            return u + 1
        return None

    def _ends_with(self, phrases: frozenset[tuple[str, ...]], k: int) -> bool:
        """Does a phrase of ``phrases`` end right before position ``k``?"""
        return any(len(p) <= k and tuple(self.lows[k - len(p) : k]) == p for p in phrases)

    def _phrase_ending(self, phrases: frozenset[tuple[str, ...]], k: int) -> tuple[str, ...] | None:
        """The longest phrase of ``phrases`` that ends right before position ``k``."""
        found = [p for p in phrases if len(p) <= k and tuple(self.lows[k - len(p) : k]) == p]
        return max(found, key=len) if found else None

    def _kind_left(self, j: int) -> bool:
        """A kind verb ends at position ``j`` (exclusive), skipping glue words."""
        k = j
        while k > 0 and self.lows[k - 1] in self.ctx.glue and self.lows[k - 1] not in _SOFT_STOPS:
            k -= 1
        m = self.view.ending(KINDS_LEX, k)
        return m is not None and m.label != "none"

    def _kind_right(self, j: int) -> bool:
        """A kind verb starts at position ``j``, skipping glue words."""
        k = j
        while k < self.n and self.lows[k] in self.ctx.glue and self.lows[k] not in _SOFT_STOPS:
            k += 1
        m = self.view.starting(KINDS_LEX, k)
        return m is not None and m.label != "none"

    def _chain_sep(self, j: int) -> bool:
        """Is the separator at ``j`` inside a kind phrase or between two verbs of one chain?"""
        m = self.view.covering(KINDS_LEX, j)
        if m is not None and m.start < j < m.end:
            return True
        return (self._kind_left(j) or self._coordinated(j)) and self._kind_right(j + 1)

    def _coordinated(self, j: int) -> bool:
        """Does a bare first word of a kind phrase stand before the separator at ``j``, sharing the
        last word of the kind phrase after it (``trễ và quá hạn``, ``sớm, đúng hẹn``)?"""
        if j == 0 or self.lows[j] not in _SOFT_STOPS:
            return False
        m = self.view.starting(KINDS_LEX, j + 1)
        if m is None or m.label == "none":
            return False
        return (self.lows[j - 1], self.lows[m.end - 1]) in self.ctx.pairs

    # ---- windows ---------------------------------------------------------------------------
    def pre_window(self, ks: int) -> int:
        """First position of the clause that leads up to the number at ``ks``.

        A count that restates or splits a count of something else written just before it
        (``tiếp nhận 75 lượt công dân (38 hồ sơ)``, ``… 92 yêu cầu, 51 hồ sơ``, ``nhận 12
        trường hợp, gồm 5 hồ sơ …``) shares that count's clause, and so its verb."""
        other = self._restated_from(ks)
        if other is not None:
            return self.pre_window(other)
        q0 = qualifier_start(self.lows, ks)
        start = ks
        j = ks - 1
        limit = max(0, ks - _WINDOW)
        while j >= limit:
            low = self.lows[j]
            if low == ")" and self._in_abbreviation_brackets(j):
                start = j - 2  # an abbreviation introduced in brackets, ``hồ sơ (HS) tiếp nhận: N``
                j -= 3
                continue
            if low == "(" and j in (ks - 1, q0 - 1):
                # ``được tiếp nhận trực tiếp (7,7 ngàn HS)``, ``ít hồ sơ phát sinh (dưới
                # 50 hồ sơ)``: the count annotates the phrase before.
                start = j
                j -= 1
                continue
            if low in _HARD_STOPS:
                break
            if low == ":" and j < ks - 2:
                break
            if low == "đó" and j > 0 and self.lows[j - 1] in ("trong", "số"):
                break
            if low == "này" and j > 1 and self.lows[j - 1] == "số" and self.lows[j - 2] == "trong":
                break
            if low in _SOFT_STOPS and (not self._chain_sep(j) or self._count_ends_before(j)):
                break
            if _is_number_tok(self.toks[j].text):
                break
            start = j
            j -= 1
        return start

    def _restated_from(self, ks: int) -> int | None:
        """Position of the count of something else that the count at ``ks`` restates or splits,
        else ``None``: a kind verb, a number, one to three words naming another thing (not a dossier
        noun, no kind verb), then a ``restate`` word (``(``, ``,``, ``gồm``) right before the count
        (``tiếp nhận 75 lượt công dân (38 hồ sơ)``, ``nhận 12 trường hợp, gồm 5 hồ sơ``)."""
        k = qualifier_start(self.lows, ks)
        if k > 0 and self.lows[k - 1] == ":":
            k -= 1
        sep = self._phrase_ending(self.ctx.restate, k)
        if sep is None:
            return None
        k -= len(sep)
        x = k
        while x > 0 and k - x < 3 and self.toks[x - 1].is_word and not _is_number_tok(self.toks[x - 1].text):
            x -= 1
        if x == k or x == 0 or not _is_number_tok(self.toks[x - 1].text):
            return None
        if scale_of(self.lows[x]):
            return None  # ``12 nghìn hồ sơ, 3 nghìn …``: the words are a scale, not another noun
        if any(self._noun_at(y) is not None for y in range(x, k)):
            return None  # a list of dossier counts: each reads its own clause
        if any(m.label != "none" for m in self.view.in_range(KINDS_LEX, x, k)):
            return None
        num = x - 1
        return num if self._kind_left(qualifier_start(self.lows, num)) else None

    def _count_ends_before(self, j: int) -> bool:
        """Is the clause before the separator at ``j`` the remark of an earlier count (``1,07 ngàn HS
        kỳ trước chuyển sang, tiếp nhận mới 3,19 ngàn HS``)? Its verbs are that count's, not a chain
        leading to the next one."""
        for x in range(j - 1, max(-1, j - 9), -1):
            if self.lows[x] in _HARD_STOPS or self.lows[x] in _SOFT_STOPS:
                return False
            if _is_number_tok(self.toks[x].text):
                return any(self._noun_at(y) is not None for y in range(x + 1, j))
        return False

    def _count_follows(self, j: int) -> bool:
        """Does another number follow the separator at ``j`` inside its clause (``… chuyển sang,
        tiếp nhận mới trực tiếp 3,19 ngàn HS``)? The verbs after it lead to that count."""
        for x in range(j + 1, min(self.n, j + 9)):
            if self.lows[x] in _HARD_STOPS or self.lows[x] in _SOFT_STOPS or self.lows[x] == ":":
                return False
            if _is_number_tok(self.toks[x].text):
                return True
        return False

    def post_window(self, start: int) -> int:
        """Position after the clause that follows the counted noun."""
        j = start
        limit = min(self.n, start + 12)
        while j < limit:
            low = self.lows[j]
            if low == "(":
                close = self._aside_end(j)
                if close is not None:  # "1.102 hồ sơ (chiếm 59,7%) được nộp trực tuyến"
                    j = close + 1
                    continue
            if low in _OPEN_QUOTES and self._quote_end(j) is not None:
                j += 1  # ``với trạng thái “trễ hạn”``: a status quoted from a system
                continue
            if low in _CLOSE_QUOTES and j > start and any(self.lows[x] in _OPEN_QUOTES for x in range(start, j)):
                j += 1
                continue
            if low in _HARD_STOPS or low == ":" or low in _DASHES:
                break
            if low == "trong" and j + 1 < self.n and self.lows[j + 1] in ("đó", "số"):
                break
            if tuple(self.lows[j : j + 2]) in _RATE_HEADS:
                break  # ``hồ sơ với tỷ lệ trả kết quả đúng hạn là 99%``: the verbs are the rate's
            if low in ("và", "cùng") and (after := self._other_count_shares(j)) is not None:
                j = after  # ``510 hồ sơ và 320 công văn được tiếp nhận``: one predicate for both
                continue
            if low in _SOFT_STOPS and (not self._chain_sep(j) or self._count_follows(j)):
                break
            if _is_number_tok(self.toks[j].text) and self.view.covering(CHANNELS_LEX, j) is None:
                break
            j += 1
        return j

    def _quote_end(self, j: int) -> int | None:
        """The closing quote of a short quotation opened at ``j`` (at most six tokens, no clause
        stop inside), else ``None``."""
        for x in range(j + 1, min(self.n, j + 8)):
            if self.lows[x] in _CLOSE_QUOTES:
                return x if x > j + 1 else None
            if self.lows[x] in _HARD_STOPS or self.lows[x] in (",", ":"):
                return None
        return None

    def _other_count_shares(self, j: int) -> int | None:
        """After the counted noun, ``và`` + a count of another thing + the verb they share
        (``510 hồ sơ và 320 công văn được tiếp nhận``): the position of
        that verb, else ``None``. A second count of dossiers is its own item, with its own verbs."""
        x = j + 1
        if x >= self.n or not _is_number_tok(self.toks[x].text):
            return None
        y = x + 1
        if y < self.n and scale_of(self.lows[y]):
            y += 1
        z = y
        while z < self.n and z - y < 3 and self.toks[z].is_word and not self._kind_right(z):
            if self._noun_at(z) is not None:
                return None
            z += 1
        if z == y or not self._kind_right(z):
            return None
        return z

    def _aside_end(self, j: int) -> int | None:
        """The ``)`` closing a short aside opened at ``j`` that holds no count (an abbreviation or
        a percentage), else ``None``: such an aside does not end the clause."""
        for x in range(j + 1, min(self.n, j + 8)):
            if self.lows[x] == ")":
                return x
            if self.lows[x] in ("(", ";", "."):
                return None
            if _is_number_tok(self.toks[x].text) and not (x + 1 < self.n and self.toks[x + 1].text == "%"):
                return None
        return None

    def _kinds_in(self, lo: int, hi: int, nearest_last: bool) -> list[str]:
        """The chain of kind verbs in ``[lo, hi)`` nearest the count, in text order."""
        ms = [m for m in self.view.in_range(KINDS_LEX, lo, hi) if m.label != "none" and not self._in_time_clause(m)]
        if not ms:
            return []

        def gap_ok(a_end: int, b_start: int) -> bool:
            return all(self.lows[x] in self.ctx.glue or self.lows[x] in _SOFT_STOPS for x in range(a_end, b_start))

        if nearest_last:  # before the number: start from the verb nearest it, walk left
            chain = [ms[-1]]
            for m in reversed(ms[:-1]):
                if gap_ok(m.end, chain[0].start):
                    chain.insert(0, m)
                else:
                    break
        else:  # after the noun: start from the verb nearest it, walk right
            chain = [ms[0]]
            for m in ms[1:]:
                if gap_ok(chain[-1].end, m.start):
                    chain.append(m)
                else:
                    break
        return [m.label for m in chain]

    def _in_time_clause(self, m: Match) -> bool:
        """Is the kind verb the predicate of a time clause (``được số hóa ngay khi tiếp nhận``,
        ``sau khi giải quyết``)? It says when, not what happened to the counted dossiers."""
        return m.start > 0 and self.lows[m.start - 1] == "khi"

    def _channel(self, lo: int, hi: int, ks: int) -> str | None:
        # A channel phrase that starts inside the window counts even when it runs past its end
        # (``được trả qua dịch vụ bưu chính công ích``).
        ms = [m for m in self.view.in_range(CHANNELS_LEX, lo, self.n) if m.label != "none" and m.start < hi]
        if not ms:
            return None
        best = min(ms, key=lambda m: min(abs(m.start - ks), abs(m.end - ks)))
        return best.label

    # ---- numbers ---------------------------------------------------------------------------
    def read_number(self, k: int) -> tuple[int, int | float, int | float | None, bool] | None:
        """The number at token ``k``: (end position, value, denominator, written as integer)."""
        text = self.toks[k].text
        prev = self.lows[k - 1] if k > 0 else ""
        nxt = self.lows[k + 1] if k + 1 < self.n else ""
        if prev == "/" or nxt == "/":  # part of a date 15/12/2024
            return None
        if prev in _DAY_WORDS and nxt in _DASHES and k + 2 < self.n and self.toks[k + 2].text.isdigit():
            return None  # a date ``sáng 12-8``, ``ngày 5-9``
        if prev == "-" and k > 2 and self.lows[k - 3] in _DAY_WORDS and self.toks[k - 2].text.isdigit():
            return None  # the month of such a date
        if prev in _DASHES and k > 1 and text.isdigit() and 1900 <= int(text) <= 2100 and _PERIOD_RE.fullmatch(
            self.toks[k - 2].text
        ):
            return None  # the year of a period ``quý II-2020``, ``tháng 9-2020``
        if prev in (":", ".", ",") and k > 1 and _is_number_tok(self.toks[k - 2].text):
            return None  # 7:30, a second part of a list of figures "1.2, 3"
        if nxt == ":" and k + 2 < self.n and NUMBER_RE.fullmatch(self.toks[k + 2].text):
            return None
        ratio = parse_ratio(text) if "/" in text else None
        if ratio is not None:
            value, total = ratio
            return k + 1, value, total, "," not in text
        value = parse_number(text)
        if value is None:
            return None
        end = k + 1
        integral_written = "," not in text and not ("." in text and len(text.rsplit(".", 1)[1]) != 3)
        scale = scale_of(nxt)
        if scale and not (k + 2 < self.n and self.lows[k + 2] == "lệ"):
            value = scaled(value, scale)
            end = k + 2
            integral_written = isinstance(value, int)
        return end, value, None, integral_written

    # ---- main ------------------------------------------------------------------------------
    def counts(self) -> list[Fact]:
        facts: list[Fact] = []
        last_dossier_end = -1
        last_other_count = -1
        k = 0
        while k < self.n:
            tok = self.toks[k]
            found = None
            if _is_number_tok(tok.text):
                found = self.read_number(k)
            elif tok.low in NUMBER_WORDS:
                found = self._read_words(k)
            if found is None:
                k += 1
                continue
            end, value, total, integral = found
            count = self._classify(k, end, value, total, integral, last_dossier_end, last_other_count)
            if count is None:
                if end < self.n and self.toks[end].is_word and self._noun_at(end) is None:
                    last_other_count = k
                k = end
                continue
            fact = self._fact(count)
            facts.append(fact)
            last_dossier_end = count.noun_end
            k = max(end, count.end)
        return facts

    def _read_words(self, k: int) -> tuple[int, int | float, None, bool] | None:
        """A number written in words right before the dossier noun (``hai hồ sơ``)."""
        j = k
        while j < self.n and self.lows[j] in NUMBER_WORDS and j - k < 8:
            j += 1
        if j == k or self._noun_at(j) is None:
            return None
        if k > 0 and (self.lows[k - 1] == "phần" or _is_number_tok(self.toks[k - 1].text)):
            return None  # "100 phần trăm hồ sơ", "12 nghìn hồ sơ" are read elsewhere
        got = number_words_before(self.lows, j)
        if got is None or got[0] != k:
            return None
        value = got[1]
        if j - k == 1 and value in (0, 1):  # "một hồ sơ" is an article, not a count
            return None
        if k > 0 and self.lows[k - 1] in ("mỗi", "từng", "các", "những", "hàng", "vài"):
            return None
        return j, value, None, isinstance(value, int)

    def _classify(
        self,
        ks: int,
        ke: int,
        value: int | float,
        total: int | float | None,
        integral: bool,
        last_dossier_end: int,
        last_other_count: int,
    ) -> _Count | None:
        if not integral or not isinstance(value, int) or value < 0 or value > _MAX_COUNT:
            return None
        if total is not None and not isinstance(total, int):
            return None
        u = ke
        if self._percent_at(u) or self._range_to_percent(u):
            return None
        noun_end = self._noun_at(u)
        if noun_end is not None:
            if self._ends_with(self.ctx.blockers, ks):
                return None  # "trong năm 2025 hồ sơ …" is a year
            return _Count(ks, ke, value, total, True, noun_end)
        # ``12 trường hợp, gồm 5 hồ sơ …``: a counter word whose breakdown names dossiers.
        counter = next((c for c in self.ctx.counters if tuple(self.lows[u : u + len(c)]) == c), None)
        if counter is not None and self._splits_into_dossiers(u + len(counter)):
            return _Count(ks, ke, value, total, True, u + len(counter))
        # A count whose noun was written before it, or left out in a breakdown (D10).
        if u < self.n and not (self.toks[u].is_punct and self.toks[u].text not in ("%", "/")):
            if not self._ends_with(self.ctx.followers, u + 1) and not any(
                tuple(self.lows[u : u + len(f)]) == f for f in self.ctx.followers
            ):
                return None
        if self._ends_with(self.ctx.list_blockers, ks):
            return None
        lo = self.pre_window(ks)
        window = self.lows[lo:ks]
        if any(tuple(window[i : i + len(r)]) == r for r in self.ctx.rates for i in range(len(window))):
            return None
        nouns = [i for i in range(lo, ks) if self._noun_at(i) is not None]
        if nouns and any(self._counts_other(x, ks) for x in range(lo, nouns[-1])):
            return None  # số thủ tục có hồ sơ trực tuyến là 120: the count is of procedures
        if nouns:
            return _Count(ks, ke, value, total, False, ke)
        far = self._far_noun(ks)
        if far is not None:
            return _Count(ks, ke, value, total, False, ke, phrase_lo=far)
        in_breakdown = last_dossier_end >= 0 and last_other_count < last_dossier_end
        has_kind = any(m.label != "none" for m in self.view.in_range(KINDS_LEX, lo, ks)) or any(
            m.label != "none" for m in self.view.in_range(CHANNELS_LEX, lo, ks)
        )
        if in_breakdown and has_kind:
            return _Count(ks, ke, value, total, False, ke)
        return None

    def _splits_into_dossiers(self, x: int) -> bool:
        """Does a breakdown into counts of dossiers start at ``x`` (``gồm 5 hồ sơ khai sinh``,
        ``, bao gồm: 12 hồ sơ …``)?"""
        if x < self.n and self.lows[x] == ",":
            x += 1
        sep = next((r for r in self.ctx.restate if r[0].isalpha() and tuple(self.lows[x : x + len(r)]) == r), None)
        if sep is None:
            return False
        x += len(sep)
        if x < self.n and self.lows[x] == ":":
            x += 1
        if x >= self.n:
            return False
        if _is_number_tok(self.toks[x].text):
            y = x + 1
        else:
            y = x
            while y < self.n and self.lows[y] in NUMBER_WORDS and y - x < 4:
                y += 1
            if y == x:
                return False
        if y < self.n and scale_of(self.lows[y]):
            y += 1
        return self._noun_at(y) is not None

    def _percent_at(self, u: int) -> bool:
        """Does a percent sign or ``phần trăm`` start at ``u``?"""
        return u < self.n and (self.toks[u].text == "%" or tuple(self.lows[u : u + 2]) == ("phần", "trăm"))

    def _range_to_percent(self, u: int) -> bool:
        """Is the number before ``u`` the first end of a range of percentages (``90 - 95%``,
        ``45 đến 50 phần trăm``)? Such a number is a share, never a count."""
        return (
            u + 1 < self.n
            and self.lows[u] in _RANGE_SEPS
            and bool(NUMBER_RE.fullmatch(self.toks[u + 1].text))
            and self._percent_at(u + 2)
        )

    def _far_noun(self, ks: int) -> int | None:
        """Start of ``(tổng) số hồ sơ …`` when the number is its predicate after a copula
        (``tổng số hồ sơ mà Trung tâm tiếp nhận trong 6 tháng là 3.388``), else ``None``.

        The noun phrase may hold its own verbs, times and numbers; it must be in the same clause
        (no ``;`` ``.`` ``:``), name no rate, and no other counted ``số X`` may come between."""
        j = ks
        for _ in range(3):  # là hơn 3.000, đạt gần 3.000
            got = self._phrase_ending(self.ctx.approx, j)
            if got is None:
                break
            j -= len(got)
        cop = self._phrase_ending(self.ctx.copulas, j)
        if cop is None:
            return None
        j -= len(cop)
        for x in range(j - 1, max(0, j - _FAR_WINDOW) - 1, -1):
            low = self.lows[x]
            if low in (")", "(") and self._in_abbreviation_brackets(x):
                continue  # ``tổng số hồ sơ yêu cầu giải quyết thủ tục hành chính (TTHC) trong kỳ … là``
            if low in _HARD_STOPS or low == ":":
                return None
            if self._counts_other(x, j):
                return None  # số thủ tục … là 120: another thing is counted
            if self._noun_at(x) is None:
                continue
            head = x - 1 if x > 0 and self.lows[x - 1] == "số" else None
            if head is None and x > 1 and tuple(self.lows[x - 2 : x]) == ("số", "lượng"):
                head = x - 2
            if head is None:
                continue
            window = self.lows[x:j]
            if any(tuple(window[i : i + len(r)]) == r for r in self.ctx.rates for i in range(len(window))):
                return None
            return head
        return None

    def _in_abbreviation_brackets(self, x: int) -> bool:
        """Is the bracket at ``x`` one of ``(TTHC)``, ``(HS)``: an abbreviation introduced in brackets?"""
        if self.lows[x] == ")":
            return x >= 2 and self.lows[x - 2] == "(" and self.toks[x - 1].text.isupper()
        return x + 2 < self.n and self.lows[x + 2] == ")" and self.toks[x + 1].text.isupper()

    def _counts_other(self, x: int, j: int) -> bool:
        """Is ``số`` at ``x`` the head of a count of something else (``số thủ tục``, ``số lượt``)?
        ``số`` must not be part of a word such as ``số hóa``, ``ký số`` (``so_word`` rows)."""
        if self.lows[x] != "số" or x + 1 >= j or self.lows[x + 1] == "lượng":
            return False
        for w in self.ctx.so_words:  # số hóa, ký số, chuyển đổi số: not a count
            for i in range(len(w)):
                if w[i] == "số" and tuple(self.lows[x - i : x - i + len(w)]) == w:
                    return False
        return self.toks[x + 1].is_word and self._noun_at(x + 1) is None

    def _fact(self, c: _Count) -> Fact:
        lo = self.pre_window(c.start) if c.phrase_lo is None else c.phrase_lo
        hi = self.post_window(c.noun_end) if c.direct else self.post_window(c.end)
        pre = self._kinds_in(lo, c.start, nearest_last=True)
        if not pre and c.direct and c.phrase_lo is None:
            # ``Số hồ sơ tiếp nhận qua dịch vụ bưu chính công ích theo Quyết định số 45/2016/QĐ-TTg là
            # trên 800 hồ sơ``: a count after a copula takes the kind and channel of its subject.
            far = self._far_noun(c.start)
            if far is not None:
                lo = far
                pre = self._kinds_in(lo, c.start, nearest_last=True)
        post = self._kinds_in(c.noun_end if c.direct else c.end, hi, nearest_last=False)
        post_status = [k for k in post if k in _STATUS]
        source = "verb"
        share_channel: str | None = None
        if post_status:
            kind = _last_status(post_status)
            if kind == "on_time" and pre and pre[-1] == "pending":
                kind = "pending"  # đang giải quyết 46 hồ sơ trong hạn: still open, within its time
        elif pre:
            kind = _decide(pre, c.total is not None)
        elif post:
            kind = _decide(post, c.total is not None)
        elif (share := self._share_before(c.start)) is not None:
            kind, source = share[0], "share"
            share_channel = share[1]
        elif self.last_kind is not None:
            kind, source = self.last_kind, "inherited"
        elif (ranked := self._ranking_kind()) is not None:
            kind, source = ranked, "ranking"
        elif (topic := self._topic_kind(c.start)) is not None:
            kind, source = topic, "topic"
        elif (label := self._label_kind(c.start)) is not None:
            kind, source = label, "label"
        elif self.list_kind is not None:
            kind, source = self.list_kind, "list"
        elif self.carried_kind is not None and self._opens_breakdown():
            kind, source = self.carried_kind, "inherited"
        else:
            kind, source = "other", "default"
        self.last_kind = kind
        channel = share_channel or self._channel(lo, hi, c.start)
        t0, t1 = self.toks[c.start], self.toks[c.end - 1]
        qualifier = qualifier_before(self.lows, c.start)
        data = {
            "count": c.value,
            "kind": kind,
            "channel": channel,
            "total": c.total,
            # ``hơn 932.000 hồ sơ`` → over, ``gần 8,7 triệu`` → about (spec v2 §3).
            "qualifier": qualifier[0] if qualifier else "exact",
            "_kind_source": source,
            "_text": self.adoc.text[t0.start : t1.end],
        }
        return Fact("dossiers", data, t0.start, t1.end, self.view.sentence.index)

    def _share_before(self, ks: int) -> tuple[str, str | None] | None:
        """The kind and channel of the share a count converts: a count in brackets right after a
        percentage (``xét tỷ lệ hồ sơ nộp qua mạng, xã đạt 68,2% (1.364/2.000 hồ sơ)``) or after
        ``tương ứng (với)`` (``… chiếm 72% (tương đương 5.040 hồ sơ)``) counts what the
        share measures: the verbs and channel of its ``tỷ lệ …`` phrase. ``None`` when there is no
        such share or its phrase names no kind."""
        k = qualifier_start(self.lows, ks)
        equiv = self._phrase_ending(self.ctx.equiv, k)
        if equiv is not None:
            k -= len(equiv)
        if k > 0 and self.lows[k - 1] in ("(", ","):
            k -= 1
        elif equiv is None:
            return None
        if k >= 2 and self.lows[k - 1] == "%":
            num = k - 2
        elif k >= 3 and tuple(self.lows[k - 2 : k]) == ("phần", "trăm"):
            num = k - 3
        else:
            return None
        if not _is_number_tok(self.toks[num].text):
            return None
        start = num
        rate = None
        for x in range(num - 1, max(-1, num - _FAR_WINDOW - 1), -1):
            if self.lows[x] in _HARD_STOPS or self.lows[x] == ":" or _is_number_tok(self.toks[x].text):
                break
            start = x
            if rate is None and tuple(self.lows[x : x + 2]) in _RATE_HEADS:
                rate = x
        # The share's ``tỷ lệ …`` phrase, else its whole clause (``Hồ sơ nộp trực tuyến đạt tỷ lệ 72%``).
        for lo in ([rate] if rate is not None else []) + [start]:
            kinds = self._kinds_in(lo, num, nearest_last=True)
            channel = self._channel(lo, num, num)
            if kinds:
                return _decide(kinds, False), channel
            if channel is not None:
                return "received", channel  # ``tỷ lệ hồ sơ trực tuyến đạt 80% (800/1.000 hồ sơ)``: submitted online
        return None

    def _ranking_kind(self) -> str | None:
        """The kind of a count in a sentence that ranks places or fields by their number of
        dossiers (``ranking`` rows: ``Nhiều hồ sơ nhất thuộc lĩnh vực đất đai (820 hồ sơ)``,
        ``xã A dẫn đầu với 1.204 hồ sơ``): the verbs of the ranking phrase's clause, else intake,
        the number a place or field is ranked by when nothing else is said."""
        for r in range(self.n):
            got = next((p for p in self.ctx.ranking if tuple(self.lows[r : r + len(p)]) == p), None)
            if got is None:
                continue
            lo = r
            while lo > 0 and r - lo < _WINDOW and self.lows[lo - 1] not in _HARD_STOPS and self.lows[lo - 1] != ":":
                lo -= 1
            kinds = self._kinds_in(lo, r + len(got), nearest_last=True)
            return _decide(kinds, False) if kinds else "received"
        return None

    def _topic_kind(self, ks: int) -> str | None:
        """The kind of a total introduced after a noun phrase that names what is counted (``Hồ sơ
        tiếp nhận thuộc thẩm quyền cấp xã, có tổng số 4.120 hồ sơ``, ``Hồ sơ tiếp nhận trực tuyến,
        trực tiếp và qua bưu chính, tổng cộng 3.400 hồ sơ``): the verbs of that phrase, which runs
        back over commas to the start of the sentence (or a ``;``/``:``) and holds no other number."""
        k = qualifier_start(self.lows, ks)
        total = self._phrase_ending(self.ctx.totals, k)
        if total is None:
            return None
        k -= len(total)
        if k == 0 or self.lows[k - 1] != ",":
            return None
        lo = k - 1
        while lo > 0 and self.lows[lo - 1] not in _HARD_STOPS and self.lows[lo - 1] != ":":
            if _is_number_tok(self.toks[lo - 1].text):
                return None
            lo -= 1
        if not any(self._noun_at(x) is not None for x in range(lo, k - 1)):
            return None
        kinds = self._kinds_in(lo, k - 1, nearest_last=True)
        return _decide(kinds, False) if kinds else None

    def _label_kind(self, ks: int) -> str | None:
        """The kind a label before a colon earlier in the sentence gives the list after it
        (``Số hồ sơ tiếp nhận theo hình thức: trực tuyến 820 hồ sơ; trực tiếp 310 hồ sơ``)."""
        colon = next((j for j in range(ks - 1, -1, -1) if self.lows[j] == ":"), None)
        if colon is None:
            return None
        lo = colon
        while lo > 0 and self.lows[lo - 1] not in (".", ";", ":", "!", "?"):
            lo -= 1
        return heading_kind(self.view, lo, colon)

    def _opens_breakdown(self) -> bool:
        """Does the sentence open with ``Trong đó``, ``Cụ thể`` (``opener`` rows): a breakdown of
        the count before it?"""
        return any(tuple(self.lows[: len(o)]) == o for o in self.ctx.openers)


def _last_status(statuses: list[str]) -> str:
    """The last status of a chain, except that ``trong hạn``/``đúng hạn`` after a pending verb
    (``đang giải quyết, trong hạn``) says the open dossiers are still within their time: pending.
    Finished work within the deadline (``giải quyết trong hạn``, D3) stays on time. Late dossiers
    still open (``897 hồ sơ giải quyết quá hạn đang xử lý``) are overdue, whichever word comes last."""
    out = statuses[0]
    for k in statuses[1:]:
        if not (k == "on_time" and out == "pending") and not (k == "pending" and out == "overdue"):
            out = k
    return out


def _decide(chain: list[str], is_ratio: bool) -> str:
    """The kind of a chain of verbs (D1, D2): a status wins; a ratio takes the completion verb;
    a chain that starts with intake counts intake; else the last verb."""
    statuses = [k for k in chain if k in _STATUS]
    if statuses:
        return _last_status(statuses)
    if is_ratio:
        return chain[-1]
    if chain[0] == "received":
        return "received"
    return chain[-1]


def heading_kind(view: SentView, lo: int, hi: int) -> str | None:
    """The kind named by a heading or label in ``[lo, hi)``:
    one kind, or a chain that starts with intake (D2); else ``None``. A heading that gives its
    own count (``Trung tâm tiếp nhận 1.200 hồ sơ, cụ thể:``) passes on its kind only when it
    names one (D9)."""
    kinds = [m.label for m in view.in_range(KINDS_LEX, lo, hi) if m.label != "none"]
    if not kinds:
        return None
    if len(set(kinds)) == 1:
        return kinds[0]
    if any(_is_number_tok(t.text) for t in view.toks[lo:hi]):
        return None
    if kinds[0] == "received" and not any(k in _STATUS for k in kinds):
        return "received"
    return None


# A list line: ``- Phường A: …``, ``+ Trực tuyến: …``, ``• …``, ``1. Xã B: …``, ``a) …``.


def _list_kinds(adoc: ArticleDoc, views: list[SentView]) -> list[str | None]:
    """For each sentence, the kind a list heading gives it, or ``None``.

    A heading is a sentence that ends its line with ``:`` (``Những địa phương tiếp nhận nhiều hồ
    sơ nhất gồm:``, ``Số hồ sơ tiếp nhận phân theo hình thức nộp:``); its kind verbs give the kind of
    the counts on the list lines after it that have no verb of their own. The list ends at the
    first line that is not a list line. A list line ending with ``:`` opens a sub-list: its own
    kind, if it names one, replaces the heading's."""
    text = adoc.text
    out: list[str | None] = []
    kind: str | None = None
    active = False
    heading_line = -1
    for view in views:
        if not view.toks:
            out.append(None)
            continue
        start = view.toks[0].start
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        is_item = bool(LIST_LINE.match(text, line_start, line_end))
        if active and line_start != heading_line and not is_item:
            active, kind = False, None
        out.append(kind if active and is_item else None)
        last_on_line = not text[view.toks[-1].end : line_end].strip()
        if view.toks[-1].text == ":" and last_on_line:
            own = heading_kind(view, 0, len(view.toks) - 1)
            if is_item and active:
                kind = own or kind
            else:
                kind = own
            active = kind is not None
            heading_line = line_start
    return out


def extract(adoc: ArticleDoc) -> list[Fact]:
    """Every dossier count of the article, one fact per mention (a repeated figure is repeated)."""
    try:
        views = sentence_views(adoc, (KINDS_LEX, CHANNELS_LEX))
        abbrev_ok = _abbrev_allowed(adoc.text)
    except Exception:
        log.debug("dossier extractor could not prepare the document", exc_info=True)
        return []
    facts: list[Fact] = []
    carried: str | None = None
    try:
        list_kinds = _list_kinds(adoc, views)
    except Exception:
        log.debug("dossier extractor could not read the lists", exc_info=True)
        list_kinds = [None] * len(views)
    for view, list_kind in zip(views, list_kinds, strict=True):
        try:
            reader = _SentenceReader(adoc, view, abbrev_ok, carried, list_kind)
            found = reader.counts()
            facts.extend(found)
            carried = found[-1].data["kind"] if found else None
        except Exception:
            log.debug("dossier extractor failed on sentence %d", view.sentence.index, exc_info=True)
            carried = None
    return facts
