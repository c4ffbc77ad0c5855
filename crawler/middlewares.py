"""Downloader middleware that guards every request, including redirects and resumed ones.

The spider checks links before it makes requests, but two kinds of request never pass through
it: redirects (a public article answering ``302 Location: http://169.254.169.254/``) and requests
restored from a JOBDIR queue after an interrupted crawl.  This middleware sees them all:

- a request to a private/loopback address that is not a source's own host is refused, whether the
  URL names the address (``http://10.0.0.5/``) or a host name that resolves to it
  (``http://cms.baolamdong.vn/`` → 10.0.0.5): names are resolved here, through the reactor's
  resolver (``crawler.dns.GuardedResolver``), whose cached answer the connection then uses;
- a redirect to another site is refused by the same off-site rule as a link
  (``crawler.faults.link_problem`` with the source's ``allowed_domains``): spider requests are
  ``dont_filter``, which Scrapy's OffsiteMiddleware would let through;
- a redirect back to a URL already visited in the same chain is refused as a loop (Scrapy would
  otherwise follow it REDIRECT_MAX_TIMES times, or its dupe filter would drop it silently);
- an article already in the store, or any spider request already sent in this process, is
  skipped: a resumed queue after SIGKILL may replay requests whose articles were stored.

Refusals are ``IgnoreRequest`` subclasses: never retried, counted by kind under their source.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.dns import GuardedResolver, PrivateAnswer, ip_literal, private_ip
from crawler.faults import AlreadyDone, OffsiteRedirect, PrivateAddress, RedirectLoop, link_problem, private_host
from crawler.urls import host_of

logger = logging.getLogger(__name__)


def _resolver() -> Any:
    """The resolver Scrapy installed on the running reactor (``TWISTED_DNS_RESOLVER``)."""
    from twisted.internet import reactor

    return reactor.resolver  # type: ignore[attr-defined]


class GuardMiddleware:
    """Refuse private addresses, off-site redirects and redirect loops; skip work already done
    (see module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sent: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GuardMiddleware:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider: Any) -> None:
        """Tell the resolver which hosts may answer with a private address: the sources' own."""
        resolver = _resolver()
        own = getattr(spider, "own_hosts", frozenset())
        if isinstance(resolver, GuardedResolver):
            resolver.trust(own)
        else:
            logger.warning("DNS resolver %s does not vet answers; only this middleware does", type(resolver).__name__)

    async def process_request(self, request: Request) -> None:
        spider: Any = self.crawler.spider
        host = host_of(request.url)
        own_hosts = getattr(spider, "own_hosts", frozenset())
        if private_host(host) and host not in own_hosts:
            raise PrivateAddress(f"private address {host} refused: {request.url}")
        meta = request.meta
        chain = meta.get("redirect_urls") or []
        if chain:
            if request.url in chain:
                raise RedirectLoop(f"redirect loop back to {request.url} via {chain}")
            source = request.cb_kwargs.get("source")
            allowed = getattr(source, "allowed_domains", None)
            if allowed and link_problem(request.url, own_hosts, allowed) == "offsite":
                raise OffsiteRedirect(f"redirect from {chain[-1]} to another site refused: {request.url}")
        self._skip_done(request, spider)
        if host and host not in own_hosts and ip_literal(host) is None:  # names are vetted; literals were above
            await self._vet_name(host, request.url)
        return None

    def _skip_done(self, request: Request, spider: Any) -> None:
        """Raise AlreadyDone for an article already stored or a spider request already sent."""
        meta = request.meta
        if not meta.get("news_kind") or meta.get("redirect_urls") or meta.get("refetch") or meta.get("retry_times"):
            return  # Scrapy's own requests (robots.txt), redirect hops, re-reads, retries
        key = meta.get("article_key")
        if key and key in getattr(spider, "known", ()):
            raise AlreadyDone(f"already stored: {meta.get('article_url') or request.url}")
        sent = f"{request.method} {request.url}"
        if sent in self.sent:
            raise AlreadyDone(f"already requested in this run: {request.url}")
        self.sent.add(sent)

    async def _vet_name(self, host: str, url: str) -> None:
        """Resolve *host* now and refuse the request if it answers with a private address.

        A lookup that fails otherwise is left to the download, which reports it as a DNS error.
        """
        try:
            address = await maybe_deferred_to_future(_resolver().getHostByName(host))
        except PrivateAnswer as exc:
            raise PrivateAddress(f"{exc}: {url}") from exc
        except Exception:  # noqa: BLE001 - NXDOMAIN, timeouts: the download reports them
            return
        if private_ip(str(address)):  # a resolver that does not vet (another TWISTED_DNS_RESOLVER)
            raise PrivateAddress(f"{host} resolves to the private address {address}: {url}")

