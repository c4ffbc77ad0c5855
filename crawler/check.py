"""``pipeline.py sources check``: what each source's feeds and sitemaps answer, without crawling.

The registry was written from code and stored pages, not live requests, so most feeds and sitemaps
in it are unverified.  This check fetches, per source, robots.txt, the homepage and every
configured or discovered listing once, and reports the HTTP status, content type, what the body
is (feed, sitemap index, urlset, neither) and how many entries it lists.  It stores nothing.

Plain ``urllib`` rather than Scrapy: a handful of sequential requests per source needs no engine,
and it runs in this process.  It is polite the same way the spider is: the project's User-Agent,
robots.txt obeyed (a disallowed URL is reported, not fetched), one request at a time per source
with a delay between them.  Sources are checked in parallel (they are different sites).
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from crawler.discovery import (
    expand_sitemap_template,
    fallback_sitemaps,
    feed_links,
    is_feed,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
    robots_url,
)
from crawler.registry import Source
from crawler.settings import USER_AGENT
from crawler.urls import canonical_url, host_allowed

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 20 * 1024 * 1024
MAX_WORKERS = 8


@dataclass
class _Answer:
    """One fetch: status (None when no HTTP answer), content type, body, error text."""

    url: str
    status: int | None = None
    content_type: str = ""
    body: bytes = b""
    error: str | None = None
    final_url: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class _Fetcher:
    """Sequential, robots-aware GETs for one source, with a delay between requests."""

    def __init__(self, timeout: float, delay: float, user_agent: str) -> None:
        self.timeout = timeout
        self.delay = delay
        self.user_agent = user_agent
        self.robots: urllib.robotparser.RobotFileParser | None = None
        self._last = 0.0

    def get(self, url: str, obey_robots: bool = True) -> _Answer:
        if obey_robots and self.robots is not None and not self.robots.can_fetch(self.user_agent, url):
            return _Answer(url, error="disallowed by robots.txt")
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, "Accept": "*/*"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310 - http(s) only
                body = resp.read(MAX_BODY_BYTES)
                return _Answer(
                    url,
                    status=resp.status,
                    content_type=resp.headers.get("Content-Type", ""),
                    body=body,
                    final_url=resp.geturl(),
                    headers=dict(resp.headers.items()),
                )
        except urllib.error.HTTPError as exc:
            content_type = exc.headers.get("Content-Type", "") if exc.headers else ""
            return _Answer(url, status=exc.code, content_type=content_type, error=f"HTTP {exc.code} {exc.reason}")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return _Answer(url, error=f"{type(exc).__name__}: {reason}")
        finally:
            self._last = time.monotonic()


def _describe(answer: _Answer, origin: str, guessed: bool) -> dict[str, Any]:
    """The report row of one listing: status, content type, what it is and how many entries."""
    row: dict[str, Any] = {
        "url": answer.url,
        "origin": origin,
        "guessed": guessed,
        "status": answer.status,
        "content_type": answer.content_type,
        "kind": None,
        "entries": 0,
        "error": answer.error,
    }
    if answer.error or answer.status != 200:
        return row
    base = answer.final_url or answer.url
    if is_feed(answer.body):
        row["kind"], row["entries"] = "feed", len(parse_feed(answer.body, base))
    else:
        kind, entries = parse_sitemap(answer.body, base)
        row["kind"] = {"index": "sitemap_index", "urlset": "sitemap"}.get(kind)
        row["entries"] = len(entries)
        if not kind:
            row["error"] = "neither a feed nor a sitemap"
    return row


def check_source(source: Source, timeout: float = 10, delay: float = 1.0, user_agent: str = USER_AGENT) -> dict:
    """Check one source (see :func:`check_sources`); never raises for network trouble."""
    fetch = _Fetcher(timeout, delay, user_agent)
    report: dict[str, Any] = {
        "name": source.name,
        "province": source.province,
        "kind": source.kind,
        "homepage": source.homepage,
        "robots": None,
        "homepage_status": None,
        "discovered": {"robots_sitemaps": [], "homepage_feeds": [], "fallback_sitemaps": []},
        "listings": [],
        "working": 0,
        "error": None,
    }
    robots = fetch.get(robots_url(source.homepage), obey_robots=False)
    report["robots"] = {"url": robots.url, "status": robots.status, "error": robots.error}
    if robots.status is None:  # no HTTP answer at all: the site is unreachable, stop here
        report["error"] = robots.error
        logger.info("%s: unreachable (%s)", source.name, robots.error)
        return report
    parser = urllib.robotparser.RobotFileParser(robots.url)
    text = robots.body.decode("utf-8", errors="replace") if robots.status == 200 else ""
    if robots.status in (401, 403):
        parser.disallow_all = True
    else:
        parser.parse(text.splitlines())
    fetch.robots = parser

    allowed = source.allowed_domains
    found_in_robots = [u for u in robots_sitemaps(text, robots.url) if host_allowed(u, allowed)]
    report["discovered"]["robots_sitemaps"] = found_in_robots

    home = fetch.get(source.homepage)
    report["homepage_status"] = home.status
    if home.error:
        report["error"] = f"homepage: {home.error}"
    elif "html" in home.content_type.lower() or not home.content_type:
        html = home.body.decode("utf-8", errors="replace")
        feeds = [u for u in feed_links(html, home.final_url or home.url) if host_allowed(u, allowed)]
        report["discovered"]["homepage_feeds"] = feeds

    guessed = set(source.guessed)
    todo: list[tuple[str, str, bool]] = [(u, "feed", u in guessed) for u in source.feeds]
    for template in source.sitemaps:
        todo += [(u, "sitemap", template in guessed) for u in expand_sitemap_template(template)]
    todo += [(u, "robots.txt", False) for u in found_in_robots]
    todo += [(u, "homepage", False) for u in report["discovered"]["homepage_feeds"]]
    if not found_in_robots:
        fallbacks = fallback_sitemaps(source.homepage)
        report["discovered"]["fallback_sitemaps"] = fallbacks
        todo += [(u, "well-known", True) for u in fallbacks]

    seen: set[str] = set()
    for url, origin, is_guess in todo:
        key = canonical_url(url) or url
        if key in seen:
            continue
        seen.add(key)
        row = _describe(fetch.get(url), origin, is_guess)
        report["listings"].append(row)
    report["working"] = sum(1 for r in report["listings"] if r["kind"] and not r["error"])
    return report


def check_sources(
    sources: Iterable[Source],
    timeout: float = 10,
    delay: float = 1.0,
    user_agent: str = USER_AGENT,
    workers: int = MAX_WORKERS,
) -> list[dict]:
    """One report dict per source, in the given order; network errors are reported, not raised.

    Each report: ``name``, ``province``, ``kind``, ``homepage``, ``robots`` (url, status, error),
    ``homepage_status``, ``discovered`` (``robots_sitemaps``, ``homepage_feeds``,
    ``fallback_sitemaps``), ``listings`` (per URL: ``origin`` feed|sitemap|robots.txt|homepage|
    well-known, ``guessed``, ``status``, ``content_type``, ``kind`` feed|sitemap|sitemap_index|None,
    ``entries``, ``error``), ``working`` (listings that parsed) and ``error`` (site-level).
    """
    sources = list(sources)
    if not sources:
        return []

    def one(source: Source) -> dict:
        try:
            return check_source(source, timeout=timeout, delay=delay, user_agent=user_agent)
        except Exception as exc:  # a bug for one source must not hide the others' results
            logger.exception("%s: check failed", source.name)
            return {"name": source.name, "province": source.province, "kind": source.kind,
                    "homepage": source.homepage, "listings": [], "working": 0, "error": repr(exc)}

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(sources)))) as pool:
        return list(pool.map(one, sources))


def format_report(reports: list[dict]) -> str:
    """Human-readable lines for ``pipeline.py sources check`` without ``--json``."""
    lines = []
    for r in reports:
        head = f"{r['name']:<24} {r['province'] or '(national)':<14} working listings: {r['working']}"
        if r.get("error"):
            head += f"  ERROR {r['error']}"
        lines.append(head)
        for row in r.get("listings", []):
            status = row["status"] if row["status"] is not None else "-"
            what = row["kind"] or row["error"] or ""
            guess = " (guess)" if row["guessed"] else ""
            lines.append(f"    {status!s:>4} {row['origin']:<10} {what:<14} {row['entries']:>5}  {row['url']}{guess}")
    return "\n".join(lines)
