"""Downloader middleware that guards every request, including redirects and resumed ones.

The spider checks links before it makes requests, but two kinds of request never pass through
it: redirects (a public article answering ``302 Location: http://169.254.169.254/``) and requests
restored from a JOBDIR queue after an interrupted crawl.  This middleware sees them all:

- a request to a private/loopback address that is not a source's own host is refused;
- a redirect back to a URL already visited in the same chain is refused as a loop (Scrapy would
  otherwise follow it REDIRECT_MAX_TIMES times, or its dupe filter would drop it silently);
- an article already in the store, or any spider request already sent in this process, is
  skipped: a resumed queue after SIGKILL may replay requests whose articles were stored.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler

from crawler.faults import AlreadyDone, PrivateAddress, RedirectLoop, private_host
from crawler.urls import host_of

logger = logging.getLogger(__name__)


class GuardMiddleware:
    """Refuse private addresses and redirect loops; skip work already done (see module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sent: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider: Any = self.crawler.spider
        host = host_of(request.url)
        own_hosts = getattr(spider, "own_hosts", frozenset())
        if private_host(host) and host not in own_hosts:
            raise PrivateAddress(f"private address {host} refused: {request.url}")
        chain = request.meta.get("redirect_urls") or []
        if request.url in chain:
            raise RedirectLoop(f"redirect loop back to {request.url} via {chain}")
        meta = request.meta
        if not meta.get("news_kind") or chain or meta.get("refetch") or meta.get("retry_times"):
            return None  # Scrapy's own requests (robots.txt), redirect hops, re-reads, retries
        article = meta.get("article_url")
        if article and article in getattr(spider, "known", ()):
            raise AlreadyDone(f"already stored: {article}")
        key = f"{request.method} {request.url}"
        if key in self.sent:
            raise AlreadyDone(f"already requested in this run: {request.url}")
        self.sent.add(key)
        return None
