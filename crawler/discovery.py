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
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from crawler.dates import VN_TZ, parse_iso
from crawler.urls import DEFAULT_POLICY, UrlPolicy, canonical_url, page_number

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


def gunzip(body: bytes, limit: int = MAX_XML_BYTES) -> tuple[bytes, bool]:
    """``(body, too_large)``: gzip bodies (sggp serves ``.xml`` sitemaps gzip-compressed)
    decompressed up to *limit* bytes; *too_large* when there was more (a decompression bomb, or
    a listing past the sitemap protocol's 50 MB).  Other bodies are returned as they are."""
    if body[:2] != b"\x1f\x8b":
        return body, False
    try:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = d.decompress(body, limit)
        return out, bool(d.unconsumed_tail)
    except (zlib.error, gzip.BadGzipFile) as exc:
        logger.warning("bad gzip body: %s", exc)
        return b"", False


def maybe_gunzip(body: bytes) -> bytes:
    """Decompress gzip bodies, capped in size (a truncated body is logged)."""
    out, too_large = gunzip(body)
    if too_large:
        logger.warning("gzip body larger than %d bytes: truncated", MAX_XML_BYTES)
    return out


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
    """Lower-case local name of an element tag ("{ns}Link" → "link"); "" for comments and PIs."""
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


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


# Feed items (RSS 2.0 / RDF) and entries (Atom), found by one XPath in C: iterating a 100,000-item
# feed element by element in Python took seconds.
_ITEMS = etree.XPath("//*[local-name()='item' or local-name()='entry']")


def _feed_raw(root: etree._Element) -> list[tuple[str, str]]:
    """``(link as written, date text)`` of every item or entry of a feed, in document order."""
    out: list[tuple[str, str]] = []
    for el in _ITEMS(root):
        link = when = ""
        if _local(el.tag) == "item":  # RSS 2.0 / RDF
            guid = None
            for child in el:
                name = _local(child.tag)
                if name == "link" and not link and child.text and child.text.strip():
                    link = child.text.strip()
                elif name == "guid" and guid is None:
                    guid = child
                elif name in ("pubdate", "date", "published", "updated") and not when and child.text:
                    when = child.text.strip()
            if not link and guid is not None and guid.get("isPermaLink", "true") != "false" and guid.text:
                link = guid.text.strip()
        else:  # Atom
            links = [x for x in el if _local(x.tag) == "link"]
            alternate = [x for x in links if x.get("rel", "alternate") == "alternate"] or links
            link = alternate[0].get("href", "") if alternate else ""
            when = _child_text(el, "published", "updated")
        out.append((link, when))
    return out


def _sitemap_raw(root: etree._Element) -> tuple[str, list[tuple[str, str]]]:
    """``("index"|"urlset"|"", [(loc, date text)])`` of a sitemap; ``news:publication_date`` wins
    over ``lastmod``."""
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        return "", []
    child = "sitemap" if kind == "sitemapindex" else "url"
    out: list[tuple[str, str]] = []
    for el in root:
        if _local(el.tag) != child:
            continue
        loc = lastmod = ""
        news = None
        for x in el:
            name = _local(x.tag)
            if name == "loc" and x.text and not loc:
                loc = x.text.strip()
            elif name == "lastmod" and x.text and not lastmod:
                lastmod = x.text.strip()
            elif name == "news":
                news = x
        when = (_child_text(news, "publication_date") if news is not None else "") or lastmod
        out.append((loc, when))
    return ("index" if kind == "sitemapindex" else "urlset"), out


def _entries(raw: list[tuple[str, str]], base_url: str, keep_unfollowable: bool, canonicalize: bool) -> list[Entry]:
    entries: list[Entry] = []
    for link, when in raw:
        if canonicalize:
            url = canonical_url(link, base_url)
            if not url and keep_unfollowable and link:
                url = link
        else:  # absolute but as written: the caller canonicalises what it uses (with its policy)
            url = _absolute(link, base_url)
        if url:
            entries.append(Entry(url, parse_date(when)))
    return entries


def _absolute(link: str, base_url: str) -> str:
    if link.startswith(("https://", "http://")):
        return link  # most links are absolute already; urljoin costs 20 µs each
    try:
        return urljoin(base_url, link) if link else ""
    except ValueError:
        return link


def parse_feed(body: bytes, base_url: str, keep_unfollowable: bool = False) -> list[Entry]:
    """Article links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; empty for anything else.

    Links that are not http(s) (``file://``, ``javascript:``) are dropped, or with
    *keep_unfollowable* kept as written so that the spider can count them as refused.
    """
    root = _root(body)
    if root is None or _local(root.tag) not in ("rss", "feed", "rdf"):
        return []
    return _entries(_feed_raw(root), base_url, keep_unfollowable, canonicalize=True)


def parse_sitemap(body: bytes, base_url: str) -> tuple[str, list[Entry]]:
    """("index", child sitemaps) or ("urlset", pages) of an XML sitemap; ("", []) if not one.

    For Google News sitemaps the ``news:publication_date`` is used as the entry's date, else
    ``lastmod``.
    """
    root = _root(body)
    if root is None:
        return "", []
    kind, raw = _sitemap_raw(root)
    return kind, _entries(raw, base_url, False, canonicalize=True)


def parse_listing(body: bytes, base_url: str) -> tuple[str, list[Entry]]:
    """What a feed or sitemap URL answered, parsed once: ``("feed"|"index"|"urlset"|"", entries)``.

    The spider's reader: links are made absolute but not canonicalised (the spider does that with
    the source's URL policy, and only for the entries it uses: of a 100,000-entry feed, the newest
    few hundred), and unfollowable links are kept so that they are counted as refused.
    """
    root = _root(body)
    if root is None:
        return "", []
    if _local(root.tag) in ("rss", "feed", "rdf"):
        return "feed", _entries(_feed_raw(root), base_url, True, canonicalize=False)
    kind, raw = _sitemap_raw(root)
    return kind, _entries(raw, base_url, False, canonicalize=False)


def newest_first(entries: list[Entry]) -> list[Entry]:
    """Entries with a date, newest first, then those without, in the listing's order: each night
    a source's newest articles are fetched first (and a per-source cap keeps the newest)."""
    return sorted(entries, key=lambda e: (e.date is None, -e.date.timestamp() if e.date else 0.0))


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


def page_links(html: str, page_url: str, policy: UrlPolicy = DEFAULT_POLICY) -> tuple[list[str], list[str]]:
    """All canonical link targets of a page (canonicalised with the source's *policy*), and those
    that look like "next page" links.

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
        url = canonical_url(href, base_url, policy)
        if url:
            nexts.append(url)
    for href, rel, text in _anchors(tree):
        url = canonical_url(href, base_url, policy)
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
