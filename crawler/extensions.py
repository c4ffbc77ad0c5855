"""Scrapy's CloseSpider extension, with a time limit that ends the crawl soon after it fires.

When ``CLOSESPIDER_TIMEOUT`` fires, Scrapy stops scheduling but still downloads every request it
has already handed to the downloader: up to CONCURRENT_REQUESTS of them, queued behind a slow
site's two connections, each up to DOWNLOAD_TIMEOUT.  A one-hour limit could overrun by minutes,
and a parent waiting for it would end up killing the crawl and losing its counts.  Here the
requests still waiting in a downloader slot (not yet sent) are dropped first, with
:class:`NotStarted`, so only the downloads in flight are finished; the dropped URLs are not
stored, so the next night asks for them again.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.closespider import CloseSpider as ScrapyCloseSpider
from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


class NotStarted(IgnoreRequest):
    """A request dropped from a downloader queue because the crawl reached its time limit."""


def drop_queued_downloads(crawler: Any) -> int:
    """Fail every request waiting in a downloader slot with :class:`NotStarted`; return how many.

    Uses the downloader's slots (``Downloader.slots[key].queue`` of ``(request, deferred)``); if
    a Scrapy version lays them out otherwise, nothing is dropped and the close is only slower.
    """
    slots = getattr(getattr(getattr(crawler, "engine", None), "downloader", None), "slots", None)
    if not isinstance(slots, dict):
        logger.warning("cannot reach the downloader's queues: the crawl will finish them before closing")
        return 0
    dropped = 0
    for slot in list(slots.values()):
        queue = getattr(slot, "queue", None)
        while queue:
            try:
                request, deferred = queue.popleft()
            except (TypeError, ValueError):  # not (request, deferred) pairs
                return dropped
            deferred.errback(Failure(NotStarted(f"crawl time limit reached before {request.url} was sent")))
            dropped += 1
    return dropped


class CloseSpider(ScrapyCloseSpider):
    """``scrapy.extensions.closespider.CloseSpider`` that drops queued downloads on its timeout."""

    def _close_spider(self, reason: str) -> None:
        if reason == "closespider_timeout":
            dropped = drop_queued_downloads(self.crawler)
            logger.info("time limit reached: %d queued request(s) dropped; finishing those in flight", dropped)
        super()._close_spider(reason)
