"""Publication date of a news page, as precise as the page allows.

Order of trust (see SOURCES-NOTES.md "Dates"): JSON-LD ``datePublished`` of an Article-type
object, ``article:published_time`` / ``itemprop=datePublished`` / ``pubdate`` metas, the date
shown on the page (always read day-first: Vietnamese pages write dd/mm/yyyy), then htmldate's
heuristics with ``original_date=True`` (published, not updated).  A date-only structured value
(baocantho's JSON-LD says "2026-01-08") is upgraded with the time shown on the page for that day.
Naive times are Vietnam time (+07:00).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime, timedelta, timezone

from lxml import html as lxml_html

logger = logging.getLogger(__name__)

VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "liveblogposting",
    "webpage",  # some CMSs put datePublished on the WebPage node only
}
_META_XPATHS = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//*[@itemprop='datePublished']/@datetime",
    "//meta[@name='pubdate']/@content",
    "//meta[@name='publishdate']/@content",
    "//meta[@name='dc.date.issued' or @name='DC.date.issued']/@content",
    "//meta[@property='og:published_time']/@content",
    "//time[@pubdate]/@datetime",
    "(//article//time/@datetime)[1]",
)
# dd/mm/yyyy (or dd-mm-yyyy, dd.mm.yyyy) with an optional HH:MM[:SS] before or after it.
_DMY = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d{2})"
_HM = r"(?P<H>[01]?\d|2[0-3])(?:[:hg](?P<M>[0-5]\d))(?::(?P<S>[0-5]\d))?"
_DMY_RE = re.compile(rf"(?<!\d){_DMY}(?!\d)")
_DMY_TIME_RE = re.compile(rf"(?<!\d){_DMY}\s*(?:[-,|]|lúc)?\s*{_HM}(?!\d)")
_TIME_DMY_RE = re.compile(rf"(?<!\d){_HM}\s*(?:[-,|]|ngày)?\s*(?:[^\d\s,]+,?\s*)?{_DMY}(?!\d)")
_DATE_CLASS_XPATH = (
    "//*[contains(@class,'date') or contains(@class,'time') or contains(@class,'publish')"
    " or contains(@class,'pubdate') or contains(@class,'meta')][not(self::script)][not(self::style)]"
)


def parse_iso(value: str) -> datetime | date | None:
    """Parse an ISO 8601 date or datetime ("+0700", ".000" and "Z" tolerated); None if it isn't one."""
    value = (value or "").strip()
    if not value:
        return None
    value = re.sub(r"\s+", "T", value, count=1) if re.match(r"\d{4}-\d\d-\d\d\s+\d", value) else value
    value = value.replace("Z", "+00:00")
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value)
    except ValueError:
        m = re.match(r"(\d{4}-\d\d-\d\d)", value)
        if m:
            try:
                return date.fromisoformat(m.group(1))
            except ValueError:
                return None
        return None


def parse_display_date(text: str) -> datetime | date | None:
    """Parse a date as shown on a Vietnamese page, day first: "08/01/2026 - 18:21", "2/11/2023, 19:20".

    Never month-first: 03/04/2025 is 3 April.  Returns a datetime when a time is next to the date.
    """
    text = " ".join((text or "").split())
    for regex in (_DMY_TIME_RE, _TIME_DMY_RE):
        m = regex.search(text)
        if m:
            try:
                return datetime(int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"] or 0), int(m["S"] or 0))
            except ValueError:
                continue
    m = _DMY_RE.search(text)
    if m:
        try:
            return date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return None
    iso = re.search(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)?", text)
    return parse_iso(iso.group(0)) if iso else None


def to_iso(value: datetime | date) -> str:
    """ISO string: "YYYY-MM-DD" for dates, "YYYY-MM-DDTHH:MM:SS+07:00" for datetimes (in VN time)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=VN_TZ)
        value = value.astimezone(VN_TZ).replace(microsecond=0)
        return value.isoformat()
    return value.isoformat()


def _jsonld_objects(data: object):
    """Yield every dict in a JSON-LD payload (top level, lists and @graph)."""
    if isinstance(data, list):
        for x in data:
            yield from _jsonld_objects(x)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _jsonld_objects(graph)


def _types(obj: dict) -> set[str]:
    t = obj.get("@type", "")
    return {str(x).lower() for x in (t if isinstance(t, list) else [t])}


def jsonld_article(tree: lxml_html.HtmlElement) -> dict:
    """The first Article-like JSON-LD object of the page ({} if none); broken JSON is skipped."""
    fallback: dict = {}
    for script in tree.xpath("//script[@type='application/ld+json']"):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            logger.debug("unparsable JSON-LD block skipped")
            continue
        for obj in _jsonld_objects(data):
            types = _types(obj)
            if types & (_ARTICLE_TYPES - {"webpage"}):
                return obj
            if "webpage" in types and not fallback and obj.get("datePublished"):
                fallback = obj
    return fallback


def _visible_date_texts(tree: lxml_html.HtmlElement, limit: int = 40) -> list[str]:
    """Short texts of elements whose class suggests a date (in document order)."""
    out = []
    for el in tree.xpath(_DATE_CLASS_XPATH):
        text = " ".join(el.text_content().split())
        if 6 <= len(text) <= 120 and re.search(r"\d", text):
            out.append(text)
            if len(out) >= limit:
                break
    return out


def _displayed_datetime(tree: lxml_html.HtmlElement, day: date | None = None) -> datetime | date | None:
    """The first date shown in a date-ish element; when *day* is given, only one on that day."""
    for text in _visible_date_texts(tree):
        value = parse_display_date(text)
        if value is None:
            continue
        value_day = value.date() if isinstance(value, datetime) else value
        if day is None or (value_day == day and isinstance(value, datetime)):
            return value
    return None


def find_published_with_source(
    tree: lxml_html.HtmlElement, html: str, url: str | None = None
) -> tuple[str | None, str | None]:
    """(ISO publication date/datetime, where it came from) — source is "jsonld", "meta",
    "display" or "htmldate"; (None, None) when nothing credible is found.

    The source matters to the caller: a date only htmldate could guess (from a copyright line or an
    image path) is no evidence that the page is an article.
    """
    best: tuple[datetime | date, str] | None = None
    article = jsonld_article(tree)
    candidates = [(str(article.get("datePublished") or ""), "jsonld")]
    for xp in _META_XPATHS:
        candidates.extend((str(v), "meta") for v in tree.xpath(xp))
    for raw, source in candidates:
        value = parse_iso(raw) or (parse_display_date(raw) if raw else None)
        if isinstance(value, datetime):
            return to_iso(value), source
        if value is not None and best is None:
            best = (value, source)
    if best is not None:  # date only: borrow the time shown on the page for that same day
        shown = _displayed_datetime(tree, best[0])
        return to_iso(shown or best[0]), best[1]
    shown = _displayed_datetime(tree)
    if shown is not None:
        return to_iso(shown), "display"
    guessed = _htmldate(html, url)
    return (guessed, "htmldate") if guessed else (None, None)


def find_published(tree: lxml_html.HtmlElement, html: str, url: str | None = None) -> str | None:
    """ISO publication date/datetime of the page, or None when nothing credible is found."""
    return find_published_with_source(tree, html, url)[0]


def _htmldate(html: str, url: str | None) -> str | None:
    """Last resort: htmldate's heuristics (published date, not the last update)."""
    try:
        from htmldate import find_date

        found = find_date(html, url=url, original_date=True, outputformat="%Y-%m-%d")
    except Exception as exc:  # htmldate is heuristic code run on arbitrary pages
        logger.debug("htmldate failed on %s: %s", url, exc)
        return None
    return found or None
