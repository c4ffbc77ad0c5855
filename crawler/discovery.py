"""Find article URLs: RSS/Atom feeds, XML sitemaps (index, urlset, Google News) and section pages.

Pure functions over bytes/HTML so they can be tested without Scrapy's engine.  The spider decides
what to fetch; these only say what a page lists.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from lxml import etree
from lxml import html as lxml_html

from crawler.dates import VN_TZ, parse_iso
from crawler.urls import canonical_url, page_number

logger = logging.getLogger(__name__)

MAX_XML_BYTES = 50 * 1024 * 1024  # Google's limit for an uncompressed sitemap

_NEXT_TEXT_RE = re.compile(r"^\s*(trang sau|sau|tiếp|tiếp theo|xem tiếp|next|›|»|>|>>)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One URL listed by a feed or sitemap, with the date the listing gives (if any)."""

    url: str
    date: datetime | None = None


def _parser() -> etree.XMLParser:
    # No entity resolution or network access: sitemaps are untrusted input (XXE, billion laughs).
    return etree.XMLParser(resolve_entities=False, no_network=True, recover=True, remove_comments=True, huge_tree=False)


def maybe_gunzip(body: bytes) -> bytes:
    """Decompress gzip bodies (sggp serves ``.xml`` sitemaps gzip-compressed), capped in size."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = d.decompress(body, MAX_XML_BYTES)
        if d.unconsumed_tail:
            logger.warning("gzip body larger than %d bytes: truncated", MAX_XML_BYTES)
        return out
    except (zlib.error, gzip.BadGzipFile) as exc:
        logger.warning("bad gzip body: %s", exc)
        return b""


def _root(body: bytes) -> etree._Element | None:
    body = maybe_gunzip(body).lstrip()
    if not body:
        return None
    try:
        root = etree.fromstring(body, parser=_parser())
    except etree.XMLSyntaxError:
        return None
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(el: etree._Element, *names: str) -> str:
    """Text of the first descendant whose local name is in *names* (namespace-agnostic)."""
    for node in el.iter():
        if _local(node.tag) in names and node.text and node.text.strip():
            return node.text.strip()
    return ""


def parse_date(value: str) -> datetime | None:
    """Feed/sitemap date: RFC 822 (RSS pubDate) or ISO 8601 (Atom, sitemaps); naive → VN time."""
    value = (value or "").strip()
    if not value:
        return None
    parsed: datetime | date | None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = parse_iso(value)
    if parsed is None:
        return None
    if not isinstance(parsed, datetime):
        parsed = datetime(parsed.year, parsed.month, parsed.day)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)


def is_feed(body: bytes) -> bool:
    """True for RSS/RDF/Atom documents (a sitemap URL may point to an RSS feed, as on tuoitre)."""
    root = _root(body)
    return root is not None and _local(root.tag) in ("rss", "feed", "rdf")


def parse_feed(body: bytes, base_url: str, keep_unfollowable: bool = False) -> list[Entry]:
    """Article links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; empty for anything else.

    Links that are not http(s) (``file://``, ``javascript:``) are dropped, or with
    *keep_unfollowable* kept as written so that the spider can count them as refused.
    """
    root = _root(body)
    if root is None:
        return []
    entries: list[Entry] = []
    for el in root.iter():
        name = _local(el.tag)
        if name == "item":  # RSS 2.0 / RDF
            link = _child_text(el, "link")
            if not link:
                guid = [g for g in el if _local(g.tag) == "guid"]
                if guid and (guid[0].get("isPermaLink", "true") != "false") and guid[0].text:
                    link = guid[0].text.strip()
            when = _child_text(el, "pubdate", "date", "published", "updated")
        elif name == "entry":  # Atom
            links = [x for x in el if _local(x.tag) == "link"]
            alternate = [x for x in links if x.get("rel", "alternate") == "alternate"] or links
            link = alternate[0].get("href", "") if alternate else ""
            when = _child_text(el, "published", "updated")
        else:
            continue
        url = canonical_url(link, base_url)
        if not url and keep_unfollowable and link and link.strip():
            url = link.strip()
        if url:
            entries.append(Entry(url, parse_date(when)))
    return entries


def parse_sitemap(body: bytes, base_url: str) -> tuple[str, list[Entry]]:
    """("index", child sitemaps) or ("urlset", pages) of an XML sitemap; ("", []) if not one.

    For Google News sitemaps the ``news:publication_date`` is used as the entry's date, else
    ``lastmod``.
    """
    root = _root(body)
    if root is None:
        return "", []
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        return "", []
    child = "sitemap" if kind == "sitemapindex" else "url"
    entries = []
    for el in root:
        if _local(el.tag) != child:
            continue
        loc = next((x.text.strip() for x in el if _local(x.tag) == "loc" and x.text), "")
        when = _child_text(el, "publication_date") or _child_text(el, "lastmod")
        url = canonical_url(loc, base_url)
        if url:
            entries.append(Entry(url, parse_date(when)))
    return ("index" if kind == "sitemapindex" else "urlset"), entries


def expand_sitemap_template(url: str, today: date | None = None) -> list[str]:
    """Expand ``{year}``/``{month}`` (month not zero-padded, as on plo/sggp) to this and last month."""
    if "{" not in url:
        return [url]
    today = today or datetime.now(UTC).astimezone(VN_TZ).date()
    last = date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)
    out = []
    for d in (today, last):
        out.append(url.replace("{year}", str(d.year)).replace("{month}", str(d.month)))
    return out


def _anchors(tree: lxml_html.HtmlElement) -> Iterator[tuple[str, str, str]]:
    """(href, rel, text) of every link on the page."""
    for a in tree.iter("a"):
        href = a.get("href")
        if href:
            yield href, (a.get("rel") or "").lower(), " ".join(a.text_content().split())


def page_links(html: str, page_url: str) -> tuple[list[str], list[str]]:
    """All canonical link targets of a page, and those that look like "next page" links.

    Pagination: ``rel=next`` (``<link>`` or ``<a>``), link text "Trang sau"/"Tiếp"/"»"…, or a URL
    with a page number higher than the current one (``/trang-3.html``, ``?page=3``).
    """
    try:
        tree = lxml_html.fromstring(html)
    except (etree.ParserError, ValueError):
        return [], []
    base = tree.xpath("//base/@href")
    base_url = canonical_url(base[0], page_url) if base else page_url
    base_url = base_url or page_url
    current = page_number(page_url) or 1
    links: list[str] = []
    nexts: list[str] = []
    for href in tree.xpath("//link[@rel='next']/@href"):
        url = canonical_url(href, base_url)
        if url:
            nexts.append(url)
    for href, rel, text in _anchors(tree):
        url = canonical_url(href, base_url)
        if not url:
            continue
        links.append(url)
        number = page_number(url)
        if "next" in rel.split() or _NEXT_TEXT_RE.match(text) or (number is not None and number > current):
            nexts.append(url)
    return _unique(links), _unique(nexts)


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


# -- discovery from a homepage (robots.txt, <link rel=alternate>, well-known sitemap paths) -----

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
# Tried only when robots.txt names no sitemap: each costs the site one request a night.
FALLBACK_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap-news.xml", "/news-sitemap.xml")
_SITEMAP_LINE_RE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def robots_url(homepage: str) -> str:
    """``/robots.txt`` of the homepage's origin."""
    return canonical_url("/robots.txt", homepage) or homepage.rstrip("/") + "/robots.txt"


def robots_sitemaps(text: str, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt (any group, any case), made absolute.

    Sites list their real sitemap here far more often than at ``/sitemap.xml``, so this is the
    first place discovery looks.
    """
    urls = (canonical_url(m.group(1), base_url) for m in _SITEMAP_LINE_RE.finditer(text or ""))
    return _unique(u for u in urls if u)


def feed_links(html: str, page_url: str) -> list[str]:
    """Feeds a page advertises with ``<link rel="alternate" type="application/rss+xml|atom+xml">``.

    The autodiscovery convention browsers and feed readers use; most Vietnamese CMSs emit it on
    the homepage even when the feed index page (``/rss``) is a JavaScript menu.
    """
    try:
        tree = lxml_html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = tree.xpath("//base/@href")
    base_url = (canonical_url(base[0], page_url) if base else page_url) or page_url
    out = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES and link.get("href"):
            url = canonical_url(link.get("href"), base_url)
            if url:
                out.append(url)
    return _unique(out)


def fallback_sitemaps(homepage: str) -> list[str]:
    """Well-known sitemap locations on the homepage's origin (``/sitemap.xml`` and news sitemaps)."""
    return _unique(u for u in (canonical_url(p, homepage) for p in FALLBACK_SITEMAP_PATHS) if u)


def is_news_sitemap(url: str) -> bool:
    """Google News / "news" sitemaps list recent articles: read them before others in an index."""
    return "news" in url.lower()


def conditional_headers(validators: dict | None) -> dict[str, str]:
    """``If-None-Match`` / ``If-Modified-Since`` for the validators a listing sent last time."""
    headers: dict[str, str] = {}
    if validators and validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators and validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    return headers
