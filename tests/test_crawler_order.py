"""Newest first, up to a cap: each night a source's newest entries are fetched first, and at most
``max_articles`` of them; a 100,000-entry feed costs one parse, not 100,000 requests.

The spider's own order is checked without a network (requests newest first, priorities falling);
crawls of a site that logs every path check which articles a night fetches.  (Which of two
requests dispatched together reaches a server first is up to the threads, so crawls compare sets.)
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import FAULT_CRAWL
from faultsite import FaultSite, article_html

from crawler.discovery import Entry, newest_first, parse_listing
from crawler.run import run_crawl

pytestmark = pytest.mark.slow

FAST = FAULT_CRAWL
T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)


def dated_rss(items: list[tuple[str, datetime | None]]) -> bytes:
    """An RSS feed of (link, date) items in the given order (a date of None: no pubDate)."""
    parts = []
    for link, when in items:
        date = f"<pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>" if when else ""
        parts.append(f"<item><title>t</title><link>{link}</link>{date}</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title>'
            + "".join(parts) + "</channel></rss>").encode("utf-8")


def _article_hits(site: FaultSite) -> set[int]:
    hits = [int(p.rsplit("-", 1)[1].removesuffix(".html")) for p in site.log if p.startswith("/tin/")]
    assert len(hits) == len(set(hits))  # and none twice
    return set(hits)


def test_the_spider_requests_a_listing_newest_first_with_falling_priorities(tmp_path: Path) -> None:
    import json

    from scrapy.http import TextResponse
    from scrapy.utils.test import get_crawler

    from crawler.spiders.news import NewsSpider

    reg = tmp_path / "s.json"
    reg.write_text(json.dumps([{"name": "x", "province": "Huế", "homepage": "https://x.vn", "max_articles": 4}]),
                   encoding="utf-8")
    crawler = get_crawler(NewsSpider, {"NEWS_DB": str(tmp_path / "n.db")})
    crawler.stats.open_spider()
    spider = NewsSpider.from_crawler(crawler, sources_file=str(reg))
    order = list(range(1, 11))
    random.Random(3).shuffle(order)
    items = [(f"https://x.vn/tin-{n}.html", T0 - timedelta(hours=n)) for n in order]
    response = TextResponse("https://x.vn/rss", body=dated_rss([*items, ("https://x.vn/undated-99.html", None)]))
    requests = list(spider.parse_listing_xml(response, source=spider.sources[0]))
    assert [r.url for r in requests] == [f"https://x.vn/tin-{n}.html" for n in (1, 2, 3, 4)]
    priorities = [r.priority for r in requests]
    assert priorities == sorted(priorities, reverse=True) and len(set(priorities)) == 4
    assert min(priorities) > 10  # articles before pagination and listings (priority 0)
    assert crawler.stats.get_value("news/capped") == 7  # six older, one undated


def test_newest_first_orders_dated_entries_and_keeps_undated_last_in_order() -> None:
    entries = [Entry("a", T0), Entry("u1"), Entry("b", T0 + timedelta(days=2)), Entry("u2"),
               Entry("c", T0 + timedelta(days=1))]
    assert [e.url for e in newest_first(entries)] == ["b", "c", "a", "u1", "u2"]


def test_a_source_gets_its_newest_articles_first_and_no_more_than_its_cap(tmp_path: Path) -> None:
    order = list(range(1, 31))
    random.Random(7).shuffle(order)  # a feed in no particular order; article n is n hours old
    with FaultSite() as site:
        items = [(site.add_article(n), T0 - timedelta(hours=n)) for n in order]
        source = site.source("capped", [], max_articles=5)
        site.add("/rss.xml", dated_rss(items), content_type="application/rss+xml")
        db = tmp_path / "news.db"
        first = run_crawl(db, sources=[source], settings=FAST)
        assert _article_hits(site) == {1, 2, 3, 4, 5}  # the five newest
        counts = first["counts"]["sources"]["capped"]
        assert counts["new"] == 5 and counts["capped"] == 25, counts

        site.log.clear()
        second = run_crawl(db, sources=[source], settings=FAST)
        assert _article_hits(site) == {6, 7, 8, 9, 10}  # the next night: the next five
        assert second["counts"]["sources"]["capped"]["skipped"] == 5


def test_the_registry_default_cap_applies_when_a_row_sets_none(tmp_path: Path) -> None:
    with FaultSite() as site:
        items = [(site.add_article(n), T0 - timedelta(hours=n)) for n in range(1, 9)]
        source = site.source("default-cap", [])
        site.add("/rss.xml", dated_rss(items[::-1]), content_type="application/rss+xml")  # oldest first
        run = run_crawl(tmp_path / "news.db", sources=[source],
                        settings={**FAST, "MAX_ARTICLES_PER_SOURCE": 3})
        assert _article_hits(site) == {1, 2, 3}
    assert run["counts"]["sources"]["default-cap"]["capped"] == 5


def test_a_feed_of_100000_entries_yields_its_newest_few_and_parses_once(tmp_path: Path) -> None:
    n = 100_000
    items = [(f"/tin/bai-{i}.html", T0 - timedelta(minutes=i)) for i in range(n, 0, -1)]  # oldest first
    body = dated_rss(items)
    kind, entries = parse_listing(body, "http://127.0.0.1/rss.xml")
    assert kind == "feed" and len(entries) == n
    assert newest_first(entries)[0].url == "http://127.0.0.1/tin/bai-1.html"
    with FaultSite() as site:
        for i in (1, 2, 3):
            site.add(f"/tin/bai-{i}.html", article_html(i))
        source = site.source("huge", [], max_articles=3)
        site.add("/rss.xml", body, content_type="application/rss+xml")  # 20 MB: past DOWNLOAD_MAXSIZE for pages
        run = run_crawl(tmp_path / "news.db", sources=[source],
                        settings={**FAST, "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024})
        assert _article_hits(site) == {1, 2, 3}
    counts = run["counts"]["sources"]["huge"]
    assert counts["new"] == 3 and counts["capped"] == n - 3 and counts["listings_failed"] == 0, counts
