"""The generic `news` spider: every registry source, one spider.

Discovery requests (feeds, sitemaps, section pages) are made on every run; article requests are
made only for canonical URLs the store does not hold yet, because the database is our seen-URL
store across nights (Scrapy's JOBDIR only resumes one interrupted job).

Spider arguments (``-a``): ``sources_file`` (TOML/JSON registry, default the bundled one),
``sources`` (comma-separated names to restrict to), ``since`` (YYYY-MM-DD: skip listings dated
earlier and drop older articles), ``max_section_pages`` (overrides the MAX_SECTION_PAGES setting).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.discovery import Entry, expand_sitemap_template, is_feed, page_links, parse_feed, parse_sitemap
from crawler.extraction import extract_article
from crawler.items import ArticleItem
from crawler.registry import Source, load_sources
from crawler.urls import canonical_url, host_allowed, looks_like_article, page_number

logger = logging.getLogger(__name__)

STAT = "news/"  # prefix of this spider's counters in Scrapy's stats


class NewsSpider(scrapy.Spider):
    """Crawl the registry's sources for articles not yet in the store."""

    name = "news"

    def __init__(
        self,
        sources_file: str | None = None,
        sources: str | None = None,
        since: str | None = None,
        max_section_pages: str | int | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        registry = load_sources(sources_file or None)
        if sources:
            wanted = [n.strip() for n in str(sources).split(",") if n.strip()]
            by_name = {s.name: s for s in registry}
            unknown = [n for n in wanted if n not in by_name]
            if unknown:
                raise ValueError(f"unknown source(s) {unknown}; the registry has {sorted(by_name)}")
            registry = [by_name[n] for n in wanted]
        self.sources: list[Source] = registry
        self.allowed_domains = sorted({d for s in registry for d in s.allowed_domains})
        try:
            self.since: date | None = date.fromisoformat(since) if since else None
        except ValueError as exc:
            raise ValueError(f"since must be YYYY-MM-DD, got {since!r}") from exc
        self._max_pages_arg = int(max_section_pages) if max_section_pages else None
        self.known: set[str] = set()
        self.seen_articles: set[str] = set()
        self.seen_pages: set[str] = set()

    # -- helpers ----------------------------------------------------------------------------

    def _inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(STAT + key, count)

    def _max_pages(self, source: Source) -> int:
        if self._max_pages_arg:
            return self._max_pages_arg
        return source.max_section_pages or self.crawler.settings.getint("MAX_SECTION_PAGES", 5)

    def _too_old(self, when: datetime | None) -> bool:
        return bool(self.since and when and when.date() < self.since)

    def _load_known(self) -> set[str]:
        """Canonical URLs already stored; imported here so unit tests need no database."""
        from db.store import Store

        store = Store(self.crawler.settings.get("NEWS_DB"))
        try:
            return store.known_urls()
        finally:
            store.close()

    def _article_request(self, url: str, source: Source) -> scrapy.Request | None:
        """A request for an article URL, or None if off-site, already seen or already stored."""
        canon = canonical_url(url)
        if not canon or not host_allowed(canon, source.allowed_domains):
            return None
        if canon in self.seen_articles:
            return None
        self.seen_articles.add(canon)
        self._inc("discovered")
        if canon in self.known:
            self._inc("skipped_known")
            return None
        return scrapy.Request(
            canon,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"source": source},
            meta={"article_url": canon},
            priority=10,  # finish articles before wandering further into pagination
        )

    def _page_request(self, url: str, source: Source, callback: Any, **cb_kwargs: Any) -> scrapy.Request | None:
        canon = canonical_url(url)
        if not canon or canon in self.seen_pages or not host_allowed(canon, source.allowed_domains):
            return None
        self.seen_pages.add(canon)
        return scrapy.Request(
            canon,
            callback=callback,
            errback=self.discovery_failed,
            cb_kwargs={"source": source, **cb_kwargs},
        )

    # -- start ------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Load the store's URLs, then request every source's feeds, sitemaps and sections."""
        self.known = self._load_known()
        logger.info(
            "crawling %d source(s) %s; %d article URLs already stored",
            len(self.sources),
            [s.name for s in self.sources],
            len(self.known),
        )
        for source in self.sources:
            for url in source.feeds:
                if req := self._page_request(url, source, self.parse_listing_xml):
                    yield req
            for template in source.sitemaps:
                for url in expand_sitemap_template(template):
                    if req := self._page_request(url, source, self.parse_listing_xml):
                        yield req
            sections = source.sections or (() if source.feeds or source.sitemaps else (source.homepage,))
            for url in sections:
                if req := self._page_request(url, source, self.parse_section, depth=1):
                    yield req

    # -- discovery callbacks ----------------------------------------------------------------

    def parse_listing_xml(self, response: Response, source: Source) -> Iterator[scrapy.Request]:
        """A feed or a sitemap (index or urlset), whatever the URL claimed it was."""
        self._inc("listings_fetched")
        body = response.body
        if is_feed(body):
            entries = parse_feed(body, response.url)
            yield from self._entries(entries, source, check_pattern=False)
            return
        kind, entries = parse_sitemap(body, response.url)
        if kind == "index":
            limit = self.crawler.settings.getint("SITEMAP_MAX_CHILDREN", 5)
            children = [e for e in entries if not self._too_old(e.date)]
            children.sort(key=lambda e: e.date.timestamp() if e.date else float("-inf"), reverse=True)
            for entry in children[:limit]:
                if req := self._page_request(entry.url, source, self.parse_listing_xml):
                    yield req
        elif kind == "urlset":
            yield from self._entries(entries, source, check_pattern=True)
        else:
            logger.warning("%s: neither a feed nor a sitemap (%d bytes)", response.url, len(body))
            self._inc("errors/not_feed_or_sitemap")

    def _entries(self, entries: list[Entry], source: Source, check_pattern: bool) -> Iterator[scrapy.Request]:
        pattern = source.article_re
        for entry in entries:
            if check_pattern and not looks_like_article(entry.url, pattern):
                continue  # sitemaps also list sections, tags and static pages
            if self._too_old(entry.date):
                self._inc("too_old")
                continue
            if req := self._article_request(entry.url, source):
                yield req

    def parse_section(self, response: Response, source: Source, depth: int) -> Iterator[scrapy.Request]:
        """Article links of a section page, and its next pages up to the per-source page limit."""
        self._inc("sections_fetched")
        if not isinstance(response, TextResponse):
            logger.warning("%s: section page is not text", response.url)
            return
        links, nexts = page_links(response.text, response.url)
        pattern = source.article_re
        for url in links:
            if looks_like_article(url, pattern) and (req := self._article_request(url, source)):
                yield req
        max_pages = self._max_pages(source)
        for url in nexts:
            if looks_like_article(url, pattern):
                continue
            next_depth = page_number(url) or depth + 1
            if next_depth > max_pages:
                continue
            if req := self._page_request(url, source, self.parse_section, depth=next_depth):
                yield req

    # -- articles ---------------------------------------------------------------------------

    def parse_article(self, response: Response, source: Source) -> Iterator[ArticleItem]:
        """Extract the article and yield it under its canonical URL."""
        self._inc("articles_fetched")
        requested = response.meta.get("article_url") or canonical_url(response.url) or response.url
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or (content_type and "html" not in content_type):
            self._fail("non_html", response.url, content_type)
            return
        data = extract_article(response.text, response.url, source.selectors)
        if data is None:
            self._fail("not_article", response.url)
            return
        url = requested
        page_canonical = canonical_url(data["canonical_url"], response.url) if data["canonical_url"] else None
        if page_canonical and host_allowed(page_canonical, source.allowed_domains):
            url = page_canonical
        if url != requested:
            if url in self.known or url in self.seen_articles:
                self._inc("duplicates")
                logger.info("%s is a copy of already seen %s", requested, url)
                return
            self.seen_articles.add(url)
        if self.since and data["published"] and data["published"][:10] < self.since.isoformat():
            self._inc("too_old")
            return
        yield ArticleItem(
            url=url,
            site=source.name,
            province=source.province,
            title=data["title"],
            published=data["published"],
            author=data["author"],
            text=data["text"],
            html=response.text,
            fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        )

    def _fail(self, kind: str, url: str, detail: str = "") -> None:
        self._inc("failed")
        self._inc(f"errors/{kind}")
        logger.info("article %s failed: %s %s", url, kind, detail)

    def _error_kind(self, failure: Failure) -> str | None:
        """ "http_404", "TimeoutError"…; None for deliberate drops (robots.txt, offsite)."""
        if failure.check(HttpError):
            return f"http_{failure.value.response.status}"
        if failure.check(IgnoreRequest):
            return None
        return failure.type.__name__ if failure.type else "unknown"

    def article_failed(self, failure: Failure) -> None:
        """Errback of article requests: count the failure by type (after Scrapy's retries)."""
        kind = self._error_kind(failure)
        if kind is None:
            self._inc("ignored")
            logger.info("article %s not fetched: %s", failure.request.url, failure.value)
            return
        self._fail(kind, failure.request.url, str(failure.value))

    def discovery_failed(self, failure: Failure) -> None:
        """Errback of feed/sitemap/section requests: a broken listing is logged, not fatal."""
        kind = self._error_kind(failure)
        if kind is None:
            self._inc("ignored")
            logger.info("listing %s not fetched: %s", failure.request.url, failure.value)
            return
        self._inc("listings_failed")
        self._inc(f"errors/{kind}")
        logger.warning("listing %s failed: %s", failure.request.url, kind)
