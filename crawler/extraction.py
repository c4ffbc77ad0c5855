"""Turn one fetched HTML page into an article record (title, main text, author, date) or None.

trafilatura does the main-text work (it got title and first/last body sentence right on all six
real Vietnamese pages in ../shared/html); ``crawler.dates`` finds the full publication datetime,
which trafilatura only reports as a day.  A source may override title/date/body with CSS
selectors when its layout defeats the generic extractor.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from crawler.dates import find_published_with_source, jsonld_article, parse_display_date, parse_iso, to_iso

logger = logging.getLogger(__name__)

MIN_TEXT_CHARS = 300
_NOT_ARTICLE_LD_TYPES = {"collectionpage", "itemlist", "website", "searchresultspage", "profilepage"}
_BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "li", "blockquote", "figcaption", "pre", "td"}
# Bylines that name the paper rather than a person ("Báo Lào Cai điện tử", "Báo điện tử VTC News").
_ORG_BYLINE_RE = re.compile(r"^(báo|tạp chí|đài|cổng|trang|ttxvn|vtc|vnexpress|znews)\b|\.(vn|com|net)\b", re.I)


def clean_line(text: str) -> str:
    """NFC, no zero-width characters or nbsp, single spaces: comparable strings for titles/bylines."""
    text = unicodedata.normalize("NFC", text or "")
    text = re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", text).replace("\xa0", " ")
    return " ".join(text.split())


def clean_text(text: str) -> str:
    """Main text: NFC, lines stripped, blank runs collapsed (the store normalises further)."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", text).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", out)


def _parse_tree(html: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _css(tree: lxml_html.HtmlElement, selector: str) -> list[Any]:
    """CSS selection that reports a bad selector instead of crashing the crawl."""
    try:
        return tree.cssselect(selector)
    except Exception as exc:  # cssselect raises several unrelated exception types
        logger.warning("bad CSS selector %r: %s", selector, exc)
        return []


def _text_of(elements: list[Any]) -> str:
    """Text of selected body elements, one line per paragraph-like block."""
    lines: list[str] = []
    for el in elements:
        for bad in el.xpath(".//script|.//style|.//noscript"):
            bad.drop_tree()
        blocks = [b for b in el.iter() if isinstance(b.tag, str) and b.tag in _BLOCK_TAGS]
        # only the outermost blocks, so nested <li><p> is not read twice
        blocks = [b for b in blocks if not any(a in blocks for a in b.iterancestors())]
        if not blocks:
            lines.append(el.text_content())
        else:
            lines.extend(b.text_content() for b in blocks)
    return clean_text("\n".join(line for line in lines if line.strip()))


def _canonical(tree: lxml_html.HtmlElement) -> str | None:
    hrefs = tree.xpath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href")
    return hrefs[0].strip() if hrefs and hrefs[0].strip() else None


def _page_kind_veto(tree: lxml_html.HtmlElement) -> str | None:
    """A reason the page declares itself a non-article (og:type website, CollectionPage…), or None."""
    og_type = tree.xpath("//meta[@property='og:type']/@content")
    if og_type and og_type[0].strip().lower() not in ("article", "news", "newsarticle"):
        return f"og:type is {og_type[0].strip()!r}"
    if not jsonld_article(tree):
        for raw in tree.xpath("//script[@type='application/ld+json']/text()"):
            m = re.search(r'"@type"\s*:\s*"(\w+)"', raw)
            if m and m.group(1).lower() in _NOT_ARTICLE_LD_TYPES:
                return f"JSON-LD type {m.group(1)}"
    return None


def _has_article_signal(tree: lxml_html.HtmlElement) -> bool:
    """Positive evidence of an article page beyond its text."""
    return bool(
        tree.xpath("//meta[@property='og:type' and @content='article']")
        or jsonld_article(tree)
        or tree.xpath("//meta[@property='article:published_time']")
        or tree.xpath("//*[@itemprop='articleBody']")
    )


def _author(raw: str | None, site_name: str | None) -> str | None:
    """Person bylines only: trafilatura often reports the paper itself as the author."""
    if not raw:
        return None
    parts = [clean_line(p) for p in re.split(r"[;|]", raw)]
    keep = [p for p in parts if p and not _ORG_BYLINE_RE.search(p) and p != (site_name or "")]
    return "; ".join(keep) or None


def _lead(tree: lxml_html.HtmlElement, description: str, text: str) -> str:
    """The visible sapo (standfirst) when trafilatura left it out of the main text, else "".

    The sapo often states the article's key facts (who, which commune, how many dossiers), so the
    fact extractors need it; trafilatura's precision mode usually drops it.  It is recognised as
    the visible block whose text starts like the page's meta description.
    """
    head = clean_line(description)[:60]
    if len(head) < 20 or head in " ".join(text.split()):
        return ""
    for el in tree.xpath("//body//*[self::p or self::h2 or self::div or self::span or self::h3]"):
        content = clean_line(el.text_content())
        if content.startswith(head) and len(content) < 1500:
            return content
    return ""


def _headline(tree: lxml_html.HtmlElement) -> str:
    """The visible ``<h1>`` headline, when one agrees with ``og:title``/``<title>``.

    Metadata titles carry the site name ("… - Báo Cần Thơ Online") and JSON-LD headlines are
    sometimes shortened; pages may have several ``<h1>`` (baocantho's breadcrumb is one), so the
    ``<h1>`` contained in the page title is the headline.  "" when none matches.
    """
    page_titles = [clean_line(t) for t in tree.xpath("//meta[@property='og:title']/@content")]
    page_titles += [clean_line(t.text_content()) for t in tree.xpath("//title")]
    for h1 in tree.xpath("//h1"):
        text = clean_line(h1.text_content())
        if len(text) >= 10 and any(text in t for t in page_titles if t):
            return text
    return ""


def _selected_date(tree: lxml_html.HtmlElement, selector: str) -> str | None:
    for el in _css(tree, selector):
        for raw in (el.get("datetime"), el.get("content"), el.text_content()):
            if not raw:
                continue
            value = parse_iso(raw) if re.match(r"\s*\d{4}-", raw) else parse_display_date(raw)
            if value is not None:
                return to_iso(value)
    return None


def extract_article(html: str, url: str, selectors: dict | None = None) -> dict | None:
    """Extract an article from *html* fetched at *url*; None (logged at INFO) if it isn't one.

    Returns ``{"title", "text", "author", "published", "canonical_url", "description"}``;
    ``published`` is ISO ("YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS+07:00") or None, and
    ``canonical_url`` is the page's ``<link rel=canonical>`` href as written (the caller decides
    whether it is on the same site).  *selectors* may override ``title``, ``date`` and ``body``.
    """
    import trafilatura  # imported lazily: ~0.5 s, and only the spider process needs it

    selectors = selectors or {}
    if not html or not html.strip():
        logger.info("not an article (empty page): %s", url)
        return None
    tree = _parse_tree(html)
    if tree is None:
        logger.info("not an article (unparsable HTML): %s", url)
        return None
    veto = _page_kind_veto(tree)
    if veto and not selectors.get("body"):
        logger.info("not an article (%s): %s", veto, url)
        return None

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False, favor_precision=True)
    meta = doc.as_dict() if doc is not None else {}

    title = ""
    if selectors.get("title"):
        found = _css(tree, selectors["title"])
        title = clean_line(found[0].text_content()) if found else ""
    title = title or _headline(tree) or clean_line(meta.get("title") or "")

    text = ""
    if selectors.get("body"):
        text = _text_of(_css(_parse_tree(html), selectors["body"]))  # fresh tree: _text_of mutates
    text = text or clean_text(meta.get("text") or "")
    if title and text.startswith(title):  # some layouts put the headline inside the body container
        text = text[len(title) :].lstrip()
    if not selectors.get("body"):
        lead = _lead(tree, meta.get("description") or "", text)
        if lead:
            text = f"{lead}\n\n{text}"

    published, date_source = (None, None)
    if selectors.get("date"):
        published, date_source = _selected_date(tree, selectors["date"]), "selector"
    if not published:
        published, date_source = find_published_with_source(tree, html, url)

    if not title:
        logger.info("not an article (no title): %s", url)
        return None
    if len(text) < MIN_TEXT_CHARS:
        logger.info("not an article (main text %d chars < %d): %s", len(text), MIN_TEXT_CHARS, url)
        return None
    if not _has_article_signal(tree) and date_source in (None, "htmldate") and not selectors.get("body"):
        logger.info("not an article (no article metadata and no publication date shown): %s", url)
        return None

    return {
        "title": title,
        "text": text,
        "author": _author(meta.get("author"), meta.get("sitename")),
        "published": published,
        "canonical_url": _canonical(tree),
        "description": clean_line(meta.get("description") or "") or None,
    }
