"""Item pipeline: write articles to the SQLite store and record the crawl in the ``runs`` table."""

from __future__ import annotations

import logging
import os
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.faults import source_failed
from crawler.items import ArticleItem

logger = logging.getLogger(__name__)

STAT = "news/"


# Scrapy's finish reason → the ``runs.status`` of the crawl.
_STATUS = {"finished": "ok", "closespider_timeout": "timeout", "shutdown": "interrupted"}


class StoreArticlePipeline:
    """Store each article once (``Store.store_article``: a known URL, or a text the site already
    stored, becomes an alias) and record the run's counts.

    The run row is the one ``crawler.run`` opened for this crawl (setting ``NEWS_RUN_ID``), or a new
    one when the spider runs on its own (``scrapy crawl news``).  It is closed on
    ``spider_closed`` (after all items went through), so an interrupted or timed-out crawl still
    leaves a row with its reason and counts; a crawl in which every source failed is ``failed``.

    On a crawl node (the spider's ``shard_out`` argument, or any scrapyd job) it then writes the
    crawl's shard (``db.shard``) for the processing machine to merge: under scrapyd beside the job's
    log, ``logs/<project>/news/<job>.db``, which scrapyd's web server serves next to the log.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db_path = crawler.settings.get("NEWS_DB")
        self.store: Any = None
        self.run_id: int | None = None
        self.first_id = 1

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreArticlePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        from db.store import Store  # the db package is only needed when really crawling

        spider = self.crawler.spider
        if getattr(spider, "database", None) is not None:
            self.db_path = spider.database()
        self.store = Store(self.db_path)
        self.first_id = self.store.last_article_id() + 1
        given = self.crawler.settings.get("NEWS_RUN_ID")
        if given not in (None, "", "None"):
            self.run_id = int(given)
            self.store.claim_run(self.run_id)  # this process owns the row now
        else:
            self.run_id = self.store.start_run("crawl")
        logger.info("crawl run %s writing to %s", self.run_id, self.db_path)

    def _per_source(self, item: ArticleItem, key: str, error: str | None = None) -> None:
        counts = getattr(self.crawler.spider, "source_counts", None)
        name = item.get("site")
        if counts is None or not name:
            return
        counts.inc(name, key)
        if error:
            counts.error(name, error)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        """Store one article: ``Store.store_article`` is one transaction (checks, article, aliases),
        so a crawl killed at any moment leaves whole articles or none (the resume guarantee)."""
        stats = self.crawler.stats
        try:
            written = self.store.store_article(dict(item))
        except ValueError as exc:
            stats.inc_value(STAT + "failed")
            stats.inc_value(STAT + "errors/store_rejected")
            self._per_source(item, "failed", "store_rejected")
            raise DropItem(f"store rejected {item.get('url')}: {exc}") from exc
        if written.new:
            stats.inc_value(STAT + "articles_new")
            self._per_source(item, "new")
            logger.info("stored article %s: %s", written.article_id, item.get("url"))
        else:
            stats.inc_value(STAT + "duplicates")
            self._per_source(item, "duplicates")
            logger.info("%s is article %s already (%s)", item.get("url"), written.article_id, written.reason)
        return item

    def counts(self, reason: str | None = None) -> dict[str, Any]:
        """The run's counts from the crawler stats (keyword arguments of ``Store.finish_run``):
        totals, plus ``sources`` mapping each source name to its own counts and error types, so
        the night report can say which paper failed and how."""
        stats = self.crawler.stats.get_stats()

        def n(key: str) -> int:
            return int(stats.get(STAT + key, 0))

        errors = {
            key.removeprefix(STAT + "errors/"): value
            for key, value in stats.items()
            if key.startswith(STAT + "errors/")
        }
        if stats.get("robotstxt/forbidden"):
            errors["robots_forbidden"] = stats["robotstxt/forbidden"]
        spider = self.crawler.spider
        source_counts = getattr(spider, "source_counts", None)
        per_source = source_counts.as_dict() if source_counts is not None else {}
        for name in (s.name for s in getattr(spider, "sources", [])):
            per_source.setdefault(name, {})
        return {
            "articles_fetched": n("articles_fetched"),
            "articles_new": n("articles_new"),
            "skipped_known": n("skipped_known"),
            "failed": n("failed"),
            "discovered": n("discovered"),
            "duplicates": n("duplicates"),
            "too_old": n("too_old"),
            "listings_fetched": n("listings_fetched") + n("sections_fetched"),
            "listings_failed": n("listings_failed"),
            "listings_unchanged": n("listings_unchanged"),  # 304 to a conditional request
            "listings_discovered": n("discovered_listings"),  # from robots.txt / homepage <link>
            "requests": int(stats.get("downloader/request_count", 0)),
            "errors": dict(sorted(errors.items())),
            "dropped": n("dropped"),  # links refused before any request (offsite, private, scheme)
            "capped": n("capped"),  # new article URLs left for another night (max_articles)
            "unfinished": n("unfinished"),  # requests dropped unsent at the time limit (--timeout)
            # per source: discovered, fetched, new, skipped, failed, dropped, errors {type: n}, …
            "sources": per_source,
            "finish_reason": reason,
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.store is None or self.run_id is None:
            return
        counts = self.counts(reason)
        status = _STATUS.get(reason, reason)
        sources = counts["sources"]
        if status == "ok" and sources and all(source_failed(c) for c in sources.values()):
            status = "failed"  # every source failed: the crawl brought nothing
        self.store.finish_run(self.run_id, status=status, **counts)
        logger.info("crawl run %s %s: %s", self.run_id, status, counts)
        self.store.close()
        self.store = None
        shard = self.shard_path(spider)
        if shard is not None:
            from db.shard import write_shard

            write_shard(self.db_path, shard, self.first_id, node=getattr(spider, "node", None))

    def shard_path(self, spider: Spider) -> str | None:
        """Where this crawl's shard goes: the ``shard_out`` argument, else, in a scrapyd job (which
        passes ``_job`` and a LOG_FILE), the log's path with ``.db``; None for a local crawl."""
        given = getattr(spider, "shard_out", None)
        if given:
            return str(given)
        log_file = self.crawler.settings.get("LOG_FILE")
        if getattr(spider, "_job", None) and log_file:
            base, _ext = os.path.splitext(str(log_file))
            return base + ".db"
        return None
