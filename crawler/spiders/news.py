"""The generic `news` spider: every registry source, one spider.

Discovery requests (feeds, sitemaps, section pages) are made on every run; article requests are
made only for canonical URLs the store does not hold yet, because the database is our seen-URL
store across nights (Scrapy's JOBDIR only resumes one interrupted job).

Feeds and sitemaps are fetched conditionally (If-None-Match / If-Modified-Since with the
validators kept in the store's ``feed_state``): a 304 means "unchanged since last night" and
yields nothing, which is most of what a polite nightly crawl sends.  A registry row needs only a
homepage: when a source has no feed or sitemap, or none of them answers, the spider discovers
them from robots.txt ``Sitemap:`` lines, the homepage's ``<link rel="alternate">`` feeds and the
well-known sitemap paths, and reads the homepage for article links as well.

Each source's URLs are canonicalised with its own policy (``[source.canonical]`` in the registry:
tracking parameters dropped; ``http``/``https``, ``www.``/``m.`` and a trailing slash unified in the
seen-URL key), so a variant of a stored article is never fetched.  Listings are read newest entry
first, and at most ``max_articles`` new article URLs (registry, else MAX_ARTICLES_PER_SOURCE) are
requested per source and run: the rest wait for the next night, newest first again.

Spider arguments (``-a``, or scrapyd's ``schedule.json`` fields): ``sources_file`` (TOML/JSON
registry, default the bundled one) or ``sources_json`` (the registry itself as JSON, as the nightly
cycle hands each scrapyd node its share), ``sources`` (comma-separated names to restrict to),
``since`` (YYYY-MM-DD: skip listings dated earlier and drop older articles), ``max_section_pages``
(overrides the MAX_SECTION_PAGES setting), ``db`` (the SQLite file to crawl into, overriding the
NEWS_DB setting), ``node`` (the name this machine's runs get when its shard is merged) and
``shard_out`` (where to write this crawl's shard for the merge; under scrapyd it defaults to the
job's log path with ``.db``, which scrapyd serves: ``crawler.pipelines``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.discovery import (
    MAX_XML_BYTES,
    Entry,
    conditional_headers,
    expand_sitemap_template,
    fallback_sitemaps,
    feed_links,
    gunzip,
    is_news_sitemap,
    newest_first,
    page_links,
    parse_listing,
    robots_sitemaps,
    robots_url,
)
from crawler.encoding import decode_html
from crawler.extensions import NotStarted
from crawler.extraction import extract_article
from crawler.faults import SourceCounts, body_kind, error_kind, link_problem
from crawler.items import ArticleItem
from crawler.registry import Source, SourceError, load_sources, parse_sources, select_sources
from crawler.urls import (
    DEFAULT_POLICY,
    UrlPolicy,
    canonical_url,
    host_allowed,
    host_of,
    looks_like_article,
    page_number,
    url_key,
)

logger = logging.getLogger(__name__)

ARTICLE_PRIORITY = 10  # article requests go before pagination and listings (priority 0)
STAT = "news/"  # prefix of this spider's counters in Scrapy's stats
# Global counter → per-source counter (``crawler.faults.SOURCE_KEYS``); "errors/X" go to errors.
_SOURCE_KEY = {
    "discovered": "discovered",
    "articles_fetched": "fetched",
    "articles_new": "new",
    "skipped_known": "skipped",
    "failed": "failed",
    "dropped": "dropped",
    "duplicates": "duplicates",
    "too_old": "too_old",
    "listings_fetched": "listings_fetched",
    "sections_fetched": "listings_fetched",
    "listings_failed": "listings_failed",
    "listings_unchanged": "listings_unchanged",
    "capped": "capped",
    "unfinished": "unfinished",
}


class NewsSpider(scrapy.Spider):
    """Crawl the registry's sources for articles not yet in the store."""

    name = "news"

    def __init__(
        self,
        sources_file: str | None = None,
        sources: str | None = None,
        since: str | None = None,
        max_section_pages: str | int | None = None,
        sources_json: str | None = None,
        db: str | None = None,
        node: str | None = None,
        shard_out: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if sources_json:
            try:
                rows = json.loads(sources_json)
            except ValueError as exc:
                raise SourceError(f"sources_json argument is not JSON: {exc}") from None
            registry = select_sources(parse_sources(rows, "sources_json argument"), sources)
        else:
            registry = select_sources(load_sources(sources_file or None), sources)
        self.db_path: str | None = db or None
        self.node: str | None = node or None
        self.shard_out: str | None = shard_out or None
        self.sources: list[Source] = registry
        # A source may itself live on a private address (tests, an intranet mirror); no other
        # private address is ever requested (crawler.middlewares.GuardMiddleware).
        self.own_hosts: frozenset[str] = frozenset(host_of(s.homepage) for s in registry)
        self.source_counts = SourceCounts()
        for s in registry:
            self.source_counts.add_source(s.name)
        self.allowed_domains = sorted({d for s in registry for d in s.allowed_domains})
        try:
            self.since: date | None = date.fromisoformat(since) if since else None
        except ValueError as exc:
            raise ValueError(f"since must be YYYY-MM-DD, got {since!r}") from exc
        self._max_pages_arg = int(max_section_pages) if max_section_pages else None
        self.known: dict[str, str] = {}  # seen-URL key → the stored URL (articles and aliases)
        self.seen_articles: set[str] = set()  # keys of article URLs met in this run
        self._requested: dict[str, int] = {}  # source name → article requests made in this run
        self.seen_pages: set[str] = set()
        self.feed_store: Any = None  # db.store.Store for feed/sitemap validators, opened in start()
        self._pending: dict[str, int] = {}  # source name -> configured listings not answered yet
        self._working: set[str] = set()  # sources with at least one configured listing answering
        self._discovering: set[str] = set()  # sources whose listings are being discovered

    # -- helpers ----------------------------------------------------------------------------

    def _inc(self, key: str, count: int = 1, source: Source | None = None) -> None:
        """Count *key* in Scrapy's stats and, given its *source*, in that source's counts."""
        self.crawler.stats.inc_value(STAT + key, count)
        if source is None:
            return
        if key.startswith("errors/"):
            self.source_counts.error(source.name, key.removeprefix("errors/"), count)
        elif key in _SOURCE_KEY:
            self.source_counts.inc(source.name, _SOURCE_KEY[key], count)

    def _allowed(self, url: str, source: Source, count_offsite: bool = True) -> bool:
        """Whether *url* may be requested for *source*; a refused link is counted by reason
        (a section page's links to other sites are normal: *count_offsite* False there)."""
        problem = link_problem(url, self.own_hosts, source.allowed_domains)
        if problem is None:
            return True
        if problem != "offsite" or count_offsite:
            self._inc("dropped", source=source)
            self._inc(f"errors/{problem}", source=source)
            logger.info("%s: not following %s (%s)", source.name, url, problem)
        return False

    def database(self) -> str | None:
        """The SQLite file this crawl reads its seen URLs from and stores into: the ``db`` argument,
        else the NEWS_DB setting (one rule for the spider and the item pipeline)."""
        return self.db_path or self.crawler.settings.get("NEWS_DB")

    def _max_pages(self, source: Source) -> int:
        if self._max_pages_arg:
            return self._max_pages_arg
        return source.max_section_pages or self.crawler.settings.getint("MAX_SECTION_PAGES", 5)

    def _too_old(self, when: datetime | None) -> bool:
        return bool(self.since and when and when.date() < self.since)

    def _load_known(self) -> dict[str, str]:
        """The seen-URL set: key → URL of every stored article and alias, each keyed with the
        policy of the source its host belongs to (imported here so unit tests need no database)."""
        from db.store import Store

        store = Store(self.database())
        try:
            urls = store.known_urls()
        finally:
            store.close()
        return self._keys(urls)

    def _keys(self, urls: set[str]) -> dict[str, str]:
        policies: dict[str, UrlPolicy] = {}
        known: dict[str, str] = {}
        for url in urls:
            host = host_of(url)
            policy = policies.get(host)
            if policy is None:
                owner = next((s for s in self.sources if host_allowed(url, s.allowed_domains)), None)
                policy = policies[host] = owner.url_policy if owner else DEFAULT_POLICY
            known[url_key(url, policy)] = url
        return known

    def _cap(self, source: Source) -> int:
        """New article URLs this source may request in this run."""
        return source.max_articles or self.crawler.settings.getint("MAX_ARTICLES_PER_SOURCE", 300)

    def _capped(self, source: Source) -> bool:
        return self._requested.get(source.name, 0) >= self._cap(source)

    def _article_request(
        self, url: str, source: Source, count_offsite: bool = True, canonical: bool = False
    ) -> scrapy.Request | None:
        """A request for an article URL, or None if refused (counted), already seen or stored,
        or over the source's cap (counted as ``capped``: left for the next night).

        ``dont_filter``: deduplication is ours (``seen_articles``, the store, the guard
        middleware), so that Scrapy's dupe filter neither swallows a redirect loop silently nor,
        after a resumed JOBDIR, drops an article it had queued but never stored.  The guard
        middleware applies the off-site rule to redirects itself.  *canonical*: *url* came from
        ``canonical_url`` with the source's policy already.
        """
        if not self._allowed(url, source, count_offsite):
            return None
        policy = source.url_policy
        canon = url if canonical else canonical_url(url, policy=policy)
        if not canon:
            return None
        key = url_key(canon, policy)
        if key in self.seen_articles:
            return None
        self.seen_articles.add(key)
        self._inc("discovered", source=source)
        if key in self.known:
            self._inc("skipped_known", source=source)
            return None
        if self._capped(source):
            self._inc("capped", source=source)
            return None
        made = self._requested.get(source.name, 0)
        self._requested[source.name] = made + 1
        return scrapy.Request(
            canon,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"source": source},
            meta={"article_url": canon, "article_key": key, "news_kind": "article"},
            # Above pagination (0), and one lower for each request of the source, so that its
            # articles are fetched in the order found (listings newest first) whatever the
            # scheduler's queue order (Scrapy's is LIFO, which fetched feeds oldest first).
            priority=ARTICLE_PRIORITY + max(1, self._cap(source) - made),
            dont_filter=True,
        )

    @staticmethod
    def _canon(url: str, source: Source) -> str:
        """*url* canonicalised with its source's policy: every page, listing and validator of a
        source is keyed this way, so that a listing saved is the listing looked up."""
        return canonical_url(url, policy=source.url_policy) or url

    def _claim_page(self, url: str, source: Source) -> str | None:
        """The canonical URL of a page or listing to request now, or None when it was requested
        already in this crawl or lies outside the source (it is then marked requested)."""
        canon = canonical_url(url, policy=source.url_policy)
        if not canon or canon in self.seen_pages or not self._allowed(canon, source, count_offsite=False):
            return None
        self.seen_pages.add(canon)
        return canon

    def _page_request(self, url: str, source: Source, callback: Any, **cb_kwargs: Any) -> scrapy.Request | None:
        canon = self._claim_page(url, source)
        if canon is None:
            return None
        return scrapy.Request(
            canon,
            callback=callback,
            errback=self.discovery_failed,
            cb_kwargs={"source": source, **cb_kwargs},
            meta={"news_kind": "page"},
            dont_filter=True,
        )

    def _listing_request(
        self, url: str, source: Source, configured: bool, probe: bool = False
    ) -> scrapy.Request | None:
        """A conditional request for a feed or sitemap (304 is handled, not an error).

        *configured*: listed in the registry (its failure counts towards discovery); *probe*: a
        guessed well-known location, whose 404 is logged quietly.  A listing may be as large as
        the sitemap protocol allows (50 MB uncompressed), beyond DOWNLOAD_MAXSIZE for pages.
        """
        canon = self._claim_page(url, source)
        if canon is None:
            return None
        validators = self.feed_store.feed_validators(canon) if self.feed_store is not None else {}
        return scrapy.Request(
            canon,
            callback=self.parse_listing_xml,
            errback=self.listing_failed,
            headers=conditional_headers(validators),
            cb_kwargs={"source": source},
            meta={
                "handle_httpstatus_list": [304],
                "configured": configured,
                "probe": probe,
                "validators": validators,
                "news_kind": "listing",
                "download_maxsize": max(MAX_XML_BYTES, self.crawler.settings.getint("DOWNLOAD_MAXSIZE")),
            },
            dont_filter=True,
        )

    def _open_feed_store(self) -> None:
        """The store that keeps feed/sitemap validators (imported here: unit tests need no db)."""
        db_path = self.database()
        if not db_path:
            return
        from db.store import Store

        self.feed_store = Store(db_path)

    def closed(self, reason: str) -> None:
        """Close the validators' store when the spider finishes."""
        if self.feed_store is not None:
            self.feed_store.close()
            self.feed_store = None

    def _save_validators(self, response: Response, source: Source, keep: bool) -> None:
        """Remember ETag/Last-Modified of a listing (*keep*: a 304, reuse the old ones if absent).

        A sitemap index is stored without validators so that it is always read again: its
        children (monthly shards) change while the index itself often does not.
        """
        if self.feed_store is None:
            return
        old = _meta(response).get("validators") or {}
        etag = response.headers.get(b"ETag", b"").decode("latin-1") or (old.get("etag") if keep else None)
        modified = response.headers.get(b"Last-Modified", b"").decode("latin-1") or (
            old.get("last_modified") if keep else None
        )
        self.feed_store.save_feed_validators(self._canon(response.url, source), etag, modified, response.status)

    def _listing_done(self, source: Source, meta: dict[str, Any], ok: bool) -> Iterator[scrapy.Request]:
        """Account for a configured listing's answer; when none of them works, start discovery."""
        if not meta.get("configured") or source.name not in self._pending:
            return
        if ok:
            self._working.add(source.name)
        self._pending[source.name] -= 1
        if self._pending[source.name] <= 0 and source.name not in self._working:
            logger.info("%s: none of its feeds/sitemaps answered; discovering them from the homepage", source.name)
            yield from self._discovery_requests(source)

    def _discovery_requests(self, source: Source) -> Iterator[scrapy.Request]:
        """robots.txt (for ``Sitemap:`` lines) and the homepage (for feed links and articles)."""
        if source.name in self._discovering:
            return
        self._discovering.add(source.name)
        self._inc("discovery_started")
        yield scrapy.Request(
            robots_url(source.homepage),
            callback=self.parse_robots,
            errback=self.robots_failed,
            cb_kwargs={"source": source},
            meta={"news_kind": "robots"},
            dont_filter=True,
        )
        home = self._canon(source.homepage, source)
        refetch = home in self.seen_pages  # already read as a section: read again for its <link>s
        self.seen_pages.add(home)
        yield scrapy.Request(
            home,
            callback=self.parse_homepage,
            errback=self.discovery_failed,
            cb_kwargs={"source": source, "as_section": not refetch},
            meta={"news_kind": "page", "refetch": refetch},
            dont_filter=True,
        )

    # -- start ------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Load the store's URLs, then request every source's feeds, sitemaps and sections."""
        self.known = self._load_known()
        self._open_feed_store()
        logger.info(
            "crawling %d source(s) %s; %d article URLs already stored",
            len(self.sources),
            [s.name for s in self.sources],
            len(self.known),
        )
        for source in self.sources:
            listings = [*source.feeds, *(u for t in source.sitemaps for u in expand_sitemap_template(t))]
            requests = [r for url in listings if (r := self._listing_request(url, source, configured=True))]
            if requests:
                self._pending[source.name] = len(requests)
                for req in requests:
                    yield req
            else:  # only a homepage (and maybe sections): find its feeds and sitemaps
                for req in self._discovery_requests(source):
                    yield req
            for url in source.sections:
                if req := self._page_request(url, source, self.parse_section, depth=1):
                    yield req

    # -- discovery callbacks ----------------------------------------------------------------

    def parse_listing_xml(self, response: Response, source: Source) -> Iterator[scrapy.Request]:
        """A feed or a sitemap (index or urlset), whatever the URL claimed it was; 304: unchanged.

        Parsed once; a gzip body that inflates past the sitemap limit fails the listing as
        ``too_large_decompressed`` (a decompression bomb is a failure, not an empty listing).
        """
        meta = _meta(response)
        if response.status == 304:
            self._inc("listings_unchanged", source=source)
            self._save_validators(response, source, keep=True)
            yield from self._listing_done(source, meta, ok=True)
            return
        self._inc("listings_fetched", source=source)
        body, too_large = gunzip(response.body)
        if too_large:
            logger.warning("%s: gzip body inflates past %d bytes: refused", response.url, MAX_XML_BYTES)
            self._listing_failed("too_large_decompressed", source)
            yield from self._listing_done(source, meta, ok=False)
            return
        kind, entries = parse_listing(body, response.url)
        if kind == "feed":
            self._save_validators(response, source, keep=False)
            yield from self._listing_done(source, meta, ok=True)
            yield from self._entries(entries, source, check_pattern=False)
        elif kind == "index":
            if self.feed_store is not None:
                self.feed_store.save_feed_validators(self._canon(response.url, source), None, None, 200)
            yield from self._listing_done(source, meta, ok=True)
            limit = self.crawler.settings.getint("SITEMAP_MAX_CHILDREN", 5)
            children = [e for e in entries if not self._too_old(e.date)]
            children.sort(
                key=lambda e: (is_news_sitemap(e.url), e.date.timestamp() if e.date else float("-inf")),
                reverse=True,
            )
            for entry in children[:limit]:
                if req := self._listing_request(entry.url, source, configured=False):
                    yield req
        elif kind == "urlset":
            self._save_validators(response, source, keep=False)
            yield from self._listing_done(source, meta, ok=True)
            yield from self._entries(entries, source, check_pattern=True)
        else:
            log = logger.info if meta.get("probe") else logger.warning
            log("%s: neither a feed nor a sitemap (%d bytes)", response.url, len(body))
            self._inc("errors/not_feed_or_sitemap", source=source)
            yield from self._listing_done(source, meta, ok=False)

    def parse_robots(self, response: Response, source: Source) -> Iterator[scrapy.Request]:
        """Sitemaps named in robots.txt; the well-known paths when it names none."""
        text = response.text if isinstance(response, TextResponse) else ""
        urls = [u for u in robots_sitemaps(text, response.url) if host_allowed(u, source.allowed_domains)]
        probe = not urls
        self._inc("discovered_listings", len(urls))
        for url in urls or fallback_sitemaps(source.homepage):
            if req := self._listing_request(url, source, configured=False, probe=probe):
                yield req

    def robots_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """No robots.txt (or it failed): try the well-known sitemap paths."""
        source: Source = failure.request.cb_kwargs["source"]
        logger.info("%s: robots.txt not read (%s); trying well-known sitemap paths", source.name, failure.value)
        for url in fallback_sitemaps(source.homepage):
            if req := self._listing_request(url, source, configured=False, probe=True):
                yield req

    def parse_homepage(self, response: Response, source: Source, as_section: bool = True) -> Iterator[scrapy.Request]:
        """Feeds the homepage advertises, then (unless already read as a section) its article links."""
        if isinstance(response, TextResponse):
            feeds = [u for u in feed_links(response.text, response.url) if host_allowed(u, source.allowed_domains)]
            self._inc("discovered_listings", len(feeds))
            for url in feeds:
                if req := self._listing_request(url, source, configured=False):
                    yield req
        if as_section:
            yield from self.parse_section(response, source, depth=1)

    def listing_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """Errback of feed/sitemap requests: log it; when all configured ones failed, discover."""
        request = failure.request
        if self._unfinished(failure):  # the time limit, not the listing: nothing to discover
            return
        if request.meta.get("probe") and failure.check(HttpError):
            self._inc("probes_missing")
            logger.info("no listing at %s (%s)", request.url, failure.value.response.status)
        else:
            self.discovery_failed(failure)
        yield from self._listing_done(request.cb_kwargs["source"], request.meta, ok=False)

    def _entries(self, entries: list[Entry], source: Source, check_pattern: bool) -> Iterator[scrapy.Request]:
        """Article requests for a listing's entries, newest first, until the source's cap.

        Entries come absolute but as written (``parse_listing``); each is canonicalised only when
        its turn comes, so a 100,000-entry feed costs one parse and one sort before the first
        request, and the entries past the cap cost nothing.
        """
        pattern = source.article_re
        policy = source.url_policy
        ordered = newest_first(entries)
        for i, entry in enumerate(ordered):
            if self._capped(source):
                self._inc("capped", len(ordered) - i, source=source)
                logger.info("%s: %d listed URL(s) left for the next run (max_articles %d reached)",
                            source.name, len(ordered) - i, self._cap(source))
                return
            url, canonical = entry.url, False
            if check_pattern:
                canon = canonical_url(entry.url, policy=policy)
                if not canon or not looks_like_article(canon, pattern):
                    continue  # sitemaps also list sections, tags and static pages
                url, canonical = canon, True
            if self._too_old(entry.date):
                self._inc("too_old", source=source)
                continue
            if req := self._article_request(url, source, canonical=canonical):
                yield req

    def parse_section(self, response: Response, source: Source, depth: int) -> Iterator[scrapy.Request]:
        """Article links of a section page, and its next pages up to the per-source page limit."""
        self._inc("sections_fetched", source=source)
        if not isinstance(response, TextResponse):
            logger.warning("%s: section page is not text", response.url)
            return
        links, nexts = page_links(response.text, response.url, source.url_policy)
        pattern = source.article_re
        for url in links:
            if looks_like_article(url, pattern) and (req := self._article_request(url, source, count_offsite=False)):
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
        """Extract the article and yield it under its canonical URL.

        The body is sniffed (PDFs and archives hide behind article URLs) and decoded by
        ``crawler.encoding.decode_html`` rather than Scrapy's header-first rule, so that a page in
        windows-1258 or with a lying charset is stored as correct Vietnamese.
        """
        self._inc("articles_fetched", source=source)
        requested = response.meta.get("article_url") or self._canon(response.url, source)
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        kind = body_kind(response.body, content_type)
        if kind != "html":
            self._fail(kind, response.url, source, content_type)
            return
        decoded = decode_html(response.body, content_type)
        html = decoded.text
        if decoded.mismatch:  # stored correctly all the same; the source is told in the report
            self._inc("errors/charset_mismatch", source=source)
            logger.warning("%s declares %s but is %s", response.url, decoded.declared, decoded.encoding)
        try:
            data = extract_article(html, response.url, source.selectors)
        except Exception as exc:  # a malformed page must cost one article, never the crawl
            logger.warning("extraction crashed on %s: %r", response.url, exc, exc_info=True)
            self._fail("extract_error", response.url, source, repr(exc))
            return
        if data is None:
            self._fail("not_article", response.url, source)
            return
        url, aliases = self._article_url(requested, response.url, data["canonical_url"], source)
        if self.since and data["published"] and data["published"][:10] < self.since.isoformat():
            self._inc("too_old", source=source)
            return
        yield ArticleItem(
            url=url,
            aliases=aliases,
            site=source.name,
            province=source.province,
            title=data["title"],
            published=data["published"],
            author=data["author"],
            text=data["text"],
            html=html,
            fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        )

    def _article_url(
        self, requested: str, final: str, page_canonical: str | None, source: Source
    ) -> tuple[str, list[str]]:
        """``(URL to store the page under, other URLs that led to it)``.

        The page's ``rel=canonical`` wins when it is on the source's site and plausible (an
        article URL, not the homepage or a section some CMSs name on every page).  When its key
        is already known, the stored spelling is used, so that the store records the requested
        URL as an alias instead of a second article.  The requested URL and the URL a redirect
        ended at become aliases: neither is fetched again.
        """
        policy = source.url_policy
        url = requested
        canonical = canonical_url(page_canonical, final, policy=policy) if page_canonical else None
        on_site = canonical and host_allowed(canonical, source.allowed_domains)
        if canonical and on_site and self._plausible(canonical, requested, source):
            url = canonical
        key = url_key(url, policy)
        url = self.known.get(key, url)
        if url != requested:
            if key in self.seen_articles or key in self.known:
                logger.info("%s is a copy of %s", requested, url)
            self.seen_articles.add(key)
        final_canon = canonical_url(final, policy=policy)
        aliases = [u for u in dict.fromkeys((requested, final_canon)) if u and u != url]
        return url, aliases

    @staticmethod
    def _plausible(canonical: str, requested: str, source: Source) -> bool:
        """Whether a page's canonical URL may name the article: some CMSs write the homepage or
        the section as every page's canonical, which would make every article an alias of it."""
        pattern = source.article_re
        variants = {canonical}
        if source.url_policy.unify_trailing_slash:  # "/x-a7.html/" names "/x-a7.html"
            variants |= {canonical.rstrip("/"), canonical.rstrip("/") + "/"}
        if looks_like_article(requested, pattern) and not any(looks_like_article(v, pattern) for v in variants):
            return False
        path = canonical.split("://", 1)[-1].partition("/")[2]
        return bool(path.strip("/")) and page_number(canonical) is None

    def _fail(self, kind: str, url: str, source: Source | None = None, detail: str = "") -> None:
        self._inc("failed", source=source)
        self._inc(f"errors/{kind}", source=source)
        logger.warning("article %s failed: %s %s", url, kind, detail)

    def article_failed(self, failure: Failure) -> None:
        """Errback of article requests: count the failure by type (after Scrapy's retries)."""
        source: Source | None = failure.request.cb_kwargs.get("source")
        if self._unfinished(failure):
            return
        kind = error_kind(failure)
        if kind is None:
            if failure.request.meta.get("article_key") in self.known:
                self._inc("skipped_known", source=source)  # replayed from a resumed queue
            else:
                self._inc("ignored")
            logger.info("article %s not fetched: %s", failure.request.url, failure.value)
            return
        self._fail(kind, failure.request.url, source, str(failure.value))

    def discovery_failed(self, failure: Failure) -> None:
        """Errback of feed/sitemap/section requests: a broken listing is logged, not fatal."""
        source: Source | None = failure.request.cb_kwargs.get("source")
        if self._unfinished(failure):
            return
        kind = error_kind(failure)
        if kind is None:
            self._inc("ignored")
            logger.info("listing %s not fetched: %s", failure.request.url, failure.value)
            return
        self._listing_failed(kind, source)
        logger.warning("listing %s failed: %s", failure.request.url, kind)

    def _listing_failed(self, kind: str, source: Source | None) -> None:
        self._inc("listings_failed", source=source)
        self._inc(f"errors/{kind}", source=source)

    def _unfinished(self, failure: Failure) -> bool:
        """A request the crawl's time limit dropped before it was sent (``NotStarted``): counted as
        ``unfinished`` (asked again next night), not as a failure."""
        if not failure.check(NotStarted):
            return False
        self._inc("unfinished", source=failure.request.cb_kwargs.get("source"))
        return True


def _meta(response: Response) -> dict[str, Any]:
    """The request meta of a response, or {} for a response built without a request (tests)."""
    try:
        return response.meta
    except AttributeError:
        return {}
