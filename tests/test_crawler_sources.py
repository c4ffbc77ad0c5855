"""The full registry (every 2025 province has its paper) and the pure discovery helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from vietnam_provinces import Province

from crawler.discovery import (
    conditional_headers,
    fallback_sitemaps,
    feed_links,
    is_news_sitemap,
    robots_sitemaps,
    robots_url,
)
from crawler.registry import SourceError, load_sources, parse_sources


def _short(name: str) -> str:
    """The spec writes provinces without their "Tỉnh"/"Thành phố" prefix."""
    for prefix in ("Thành phố ", "Tỉnh "):
        name = name.removeprefix(prefix)
    return name


def test_registry_covers_all_34_provinces_with_their_own_paper() -> None:
    provinces = {_short(p.name) for p in Province.iter_all()}
    assert len(provinces) == 34
    sources = load_sources()
    covered = {s.province for s in sources if s.kind == "provincial"}
    assert provinces - covered == set(), "provinces without a source"
    assert covered - provinces == set(), "provincial sources with a province name the gazetteer does not know"


def test_registry_rows_are_well_formed_and_national_outlets_present() -> None:
    sources = load_sources()
    national = [s for s in sources if s.kind == "national"]
    assert len(national) >= 15
    assert all(s.province == "" for s in national)
    assert {"nhandan", "baochinhphu", "vietnamplus", "moha"} <= {s.name for s in national}
    for s in sources:
        assert set(s.guessed) <= {*s.feeds, *s.sitemaps, *s.sections}, s.name
        s.article_re  # noqa: B018 - compiles
    # rows with only a homepage are allowed: their listings are discovered at crawl time
    assert any(not (s.feeds or s.sitemaps or s.sections) for s in sources)
    # the csv's guesses are flagged, e.g. Cao Bằng's feed and sitemap
    cao_bang = next(s for s in sources if s.name == "baocaobang")
    assert set(cao_bang.feeds) <= set(cao_bang.guessed)


def test_guessed_must_be_a_listed_url() -> None:
    row = {"name": "x", "province": "Huế", "homepage": "https://x.vn", "feeds": ["/rss"], "guessed": ["/rss"]}
    assert parse_sources([row])[0].guessed == ("https://x.vn/rss",)
    with pytest.raises(SourceError, match="guessed"):
        parse_sources([{**row, "guessed": ["/sitemap.xml"]}])


def test_robots_sitemaps_any_case_relative_and_deduplicated() -> None:
    text = """User-agent: *
Disallow: /admin/
sitemap: https://baodanang.vn/sitemap.xml
Sitemap:/sitemaps/news.xml
SITEMAP: https://baodanang.vn/sitemap.xml
# Sitemap: https://baodanang.vn/commented.xml
"""
    assert robots_sitemaps(text, "https://baodanang.vn/robots.txt") == [
        "https://baodanang.vn/sitemap.xml",
        "https://baodanang.vn/sitemaps/news.xml",
    ]
    assert robots_sitemaps("", "https://x.vn/robots.txt") == []
    assert robots_url("https://www.sggp.org.vn/chinhtri/") == "https://www.sggp.org.vn/robots.txt"


def test_feed_links_from_homepage_head() -> None:
    html = """<html><head>
<link rel="alternate" type="application/rss+xml" title="Tin mới" href="/rss/home.rss">
<link rel="alternate" type="application/atom+xml" href="https://x.vn/atom.xml">
<link rel="alternate" type="application/RSS+XML; charset=utf-8" href="/rss/home.rss">
<link rel="alternate" hreflang="en" href="https://en.x.vn/">
<link rel="stylesheet" type="text/css" href="/a.css">
</head><body><a href="/rss/thoi-su.rss">RSS</a></body></html>"""
    assert feed_links(html, "https://x.vn/") == ["https://x.vn/rss/home.rss", "https://x.vn/atom.xml"]
    assert feed_links("", "https://x.vn/") == []


def test_fallbacks_news_first_and_conditional_headers() -> None:
    assert fallback_sitemaps("https://x.vn/trang-chu")[0] == "https://x.vn/sitemap.xml"
    assert is_news_sitemap("https://x.vn/sitemaps/news-2026-1.xml") and not is_news_sitemap("https://x.vn/tags.xml")
    assert conditional_headers({}) == {}
    assert conditional_headers({"etag": '"abc"', "last_modified": "Sat, 10 Jan 2026 01:00:00 GMT"}) == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Sat, 10 Jan 2026 01:00:00 GMT",
    }


def test_store_keeps_feed_validators(tmp_path: Path) -> None:
    from db.store import Store

    with Store(tmp_path / "n.db") as store:
        assert store.feed_validators("https://x.vn/rss") == {}
        store.save_feed_validators("https://x.vn/rss", '"v1"', "Sat, 10 Jan 2026 01:00:00 GMT", 200)
        store.save_feed_validators("https://x.vn/rss", '"v2"', None, 200)
        got = store.feed_validators("https://x.vn/rss")
    assert got["etag"] == '"v2"' and got["last_modified"] is None and got["status"] == 200 and got["checked_at"]
