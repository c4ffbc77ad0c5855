"""Discovery without a network: feeds, sitemaps, section pages, and the spider's URL decisions."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler.discovery import expand_sitemap_template, is_feed, page_links, parse_feed, parse_sitemap
from crawler.registry import parse_sources
from crawler.spiders.news import NewsSpider

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Th\xe1\xbb\x9di s\xe1\xbb\xb1</title>
<item><title>A</title><link>https://baocantho.com.vn/a-a1.html?utm_source=rss</link>
<pubDate>Thu, 08 Jan 2026 18:21:00 +0700</pubDate></item>
<item><title>B</title><link>
  /b-a2.html
</link></item>
<item><title>C</title><guid isPermaLink="true">https://baocantho.com.vn/c-a3.html</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
<entry><title>A</title><link rel="alternate" href="https://x.vn/a-1.html"/><link rel="edit" href="https://x.vn/edit/1"/>
<published>2025-10-01T08:00:00+07:00</published></entry></feed>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://sggp.org.vn/sitemaps/news-2025-10.xml</loc><lastmod>2025-10-31</lastmod></sitemap>
<sitemap><loc>https://sggp.org.vn/sitemaps/news-2025-9.xml</loc><lastmod>2025-09-30</lastmod></sitemap>
</sitemapindex>"""

NEWS_URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://sggp.org.vn/a-post1.html</loc><lastmod>2025-10-02</lastmod>
<news:news><news:publication><news:name>SGGP</news:name><news:language>vi</news:language></news:publication>
<news:publication_date>2025-10-01T07:00:00+07:00</news:publication_date><news:title>A</news:title></news:news></url>
<url><loc>https://sggp.org.vn/chinhtri/</loc></url>
</urlset>"""


def test_parse_rss() -> None:
    entries = parse_feed(RSS, "https://baocantho.com.vn/rss/cate/thoi-su/")
    assert [e.url for e in entries] == [
        "https://baocantho.com.vn/a-a1.html",
        "https://baocantho.com.vn/b-a2.html",
        "https://baocantho.com.vn/c-a3.html",
    ]
    assert entries[0].date.isoformat() == "2026-01-08T18:21:00+07:00"
    assert entries[1].date is None
    assert is_feed(RSS) and not is_feed(INDEX)


def test_parse_atom() -> None:
    [entry] = parse_feed(ATOM, "https://x.vn/feed")
    assert entry.url == "https://x.vn/a-1.html" and entry.date.date() == date(2025, 10, 1)


def test_parse_sitemap_index_urlset_news_and_gzip() -> None:
    kind, children = parse_sitemap(INDEX, "https://sggp.org.vn/sitemap.xml")
    assert kind == "index" and len(children) == 2 and children[0].date.date() == date(2025, 10, 31)
    kind, urls = parse_sitemap(gzip.compress(NEWS_URLSET), "https://sggp.org.vn/sitemaps/news-2025-10.xml")
    assert kind == "urlset"
    assert urls[0].url == "https://sggp.org.vn/a-post1.html"
    assert urls[0].date.isoformat() == "2025-10-01T07:00:00+07:00"  # news:publication_date wins
    assert parse_sitemap(b"<html><body>not xml</body></html>", "https://x.vn/") == ("", [])
    assert parse_feed(b"", "https://x.vn/") == []


def test_sitemap_parser_does_not_resolve_entities() -> None:
    evil = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.vn/&x;-1.html</loc></url></urlset>"""
    _, urls = parse_sitemap(evil, "https://x.vn/")
    assert all("root:" not in u.url for u in urls)


def test_sitemap_template() -> None:
    assert expand_sitemap_template("https://plo.vn/sitemaps/news-{year}-{month}.xml", date(2026, 1, 15)) == [
        "https://plo.vn/sitemaps/news-2026-1.xml",
        "https://plo.vn/sitemaps/news-2025-12.xml",
    ]
    assert expand_sitemap_template("https://x.vn/sitemap.xml") == ["https://x.vn/sitemap.xml"]


def test_page_links_and_pagination() -> None:
    html = """<html><head><link rel="next" href="/thoi-su/trang-2.html"></head><body>
    <a href="/a-a1.html#comments">A</a><a href="a-a2.html?utm_source=fb">B</a><a href="mailto:x@y.vn">mail</a>
    <div class="pagination"><a href="/thoi-su/trang-2.html">2</a><a href="/thoi-su/trang-3.html">3</a>
    <a href="/thoi-su/?p=9">Trang sau</a></div></body></html>"""
    links, nexts = page_links(html, "https://baocantho.com.vn/thoi-su/")
    assert "https://baocantho.com.vn/a-a1.html" in links
    assert "https://baocantho.com.vn/thoi-su/a-a2.html" in links
    assert nexts == [
        "https://baocantho.com.vn/thoi-su/trang-2.html",
        "https://baocantho.com.vn/thoi-su/trang-3.html",
        "https://baocantho.com.vn/thoi-su/?p=9",
    ]
    _, back = page_links('<a href="/thoi-su/trang-1.html">1</a>', "https://x.vn/thoi-su/trang-2.html")
    assert back == []  # never "next" to an earlier page


# -- the spider's decisions, driven with fake responses ----------------------------------------

SOURCE = {
    "name": "cantho",
    "province": "Thành phố Cần Thơ",
    "homepage": "https://baocantho.com.vn",
    "feeds": ["/rss/cate/thoi-su/"],
    "sections": ["/thoi-su/"],
    "article_url_pattern": r"-a\d+\.html$",
    "max_section_pages": 2,
}


@pytest.fixture
def spider(tmp_path: Path) -> NewsSpider:
    reg = tmp_path / "s.json"
    reg.write_text(json.dumps([SOURCE]), encoding="utf-8")
    crawler = get_crawler(NewsSpider, {"NEWS_DB": str(tmp_path / "n.db")})
    crawler.stats.open_spider()
    sp = NewsSpider.from_crawler(crawler, sources_file=str(reg))
    sp.known = sp._keys({"https://baocantho.com.vn/known-a1.html"})
    return sp


def _source(sp: NewsSpider):
    return sp.sources[0]


def test_spider_skips_known_and_repeated_articles(spider: NewsSpider) -> None:
    html = """<a href="/known-a1.html?utm_source=x">known</a><a href="/new-a2.html">new</a>
    <a href="/new-a2.html#c">again</a><a href="https://other.vn/x-a3.html">offsite</a><a href="/lien-he">x</a>
    <a href="/thoi-su/trang-2.html">2</a><a href="/thoi-su/trang-3.html">3</a>"""
    resp = HtmlResponse("https://baocantho.com.vn/thoi-su/", body=html.encode(), encoding="utf-8")
    requests = list(spider.parse_section(resp, source=_source(spider), depth=1))
    urls = [r.url for r in requests]
    assert urls == ["https://baocantho.com.vn/new-a2.html", "https://baocantho.com.vn/thoi-su/trang-2.html"]
    stats = spider.crawler.stats
    assert stats.get_value("news/skipped_known") == 1 and stats.get_value("news/discovered") == 2
    # a feed listing the same URL later in the run is not requested again
    feed = RSS.replace(b"https://baocantho.com.vn/a-a1.html", b"https://baocantho.com.vn/new-a2.html")
    resp = TextResponse("https://baocantho.com.vn/rss/cate/thoi-su/", body=feed)
    urls = [r.url for r in spider.parse_listing_xml(resp, source=_source(spider))]
    assert "https://baocantho.com.vn/new-a2.html" not in urls
    assert "https://baocantho.com.vn/b-a2.html" in urls


def test_spider_since_filters_dated_entries(spider: NewsSpider) -> None:
    spider.since = date(2026, 1, 9)
    resp = TextResponse("https://baocantho.com.vn/rss/cate/thoi-su/", body=RSS)
    urls = [r.url for r in spider.parse_listing_xml(resp, source=_source(spider))]
    assert "https://baocantho.com.vn/a-a1.html" not in urls  # dated 8/1/2026
    assert "https://baocantho.com.vn/b-a2.html" in urls  # undated: fetched, judged by its page


ARTICLE = """<html><head><title>HĐND thành phố Cần Thơ họp chuyên đề - Báo Cần Thơ</title>
<meta property="og:type" content="article"><link rel="canonical" href="/x-a7.html">
<meta property="article:published_time" content="2025-10-01T08:00:00+07:00"></head>
<body><nav><a href="/">Trang chủ</a></nav><h1>HĐND thành phố Cần Thơ họp chuyên đề</h1><article>{}</article>
<footer>Báo Cần Thơ</footer></body></html>""".format(
    "".join(
        f"<p>Đoạn {i}: Hội đồng nhân dân thành phố Cần Thơ đã xem xét và thông qua nhiều nghị quyết quan trọng "
        f"về tổ chức bộ máy chính quyền địa phương hai cấp.</p>"
        for i in range(4)
    )
)


def test_spider_article_uses_same_site_canonical(spider: NewsSpider) -> None:
    url = "https://baocantho.com.vn/x-a7.html?ref=home"
    req = Request(url, meta={"article_url": url})
    resp = HtmlResponse(
        url, body=ARTICLE.encode(), encoding="utf-8", request=req, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    [item] = list(spider.parse_article(resp, source=_source(spider)))
    assert item["url"] == "https://baocantho.com.vn/x-a7.html"
    assert item["title"] == "HĐND thành phố Cần Thơ họp chuyên đề"
    assert item["site"] == "cantho" and item["province"] == "Thành phố Cần Thơ"
    assert item["published"] == "2025-10-01T08:00:00+07:00" and item["html"] == ARTICLE
    assert item["aliases"] == [url]  # the URL requested is recorded as an alias, never fetched again


def test_spider_stores_a_page_whose_canonical_is_stored_under_the_stored_spelling(spider: NewsSpider) -> None:
    """A page naming an already stored article as canonical (here over http and on www.) is handed
    to the store under the stored URL, so that the store makes the requested URL an alias."""
    spider.known = spider._keys({"https://baocantho.com.vn/x-a7.html"})
    url = "http://www.baocantho.com.vn/in/x-a7.html"  # a print path
    req = Request(url, meta={"article_url": url})
    page = ARTICLE.replace('href="/x-a7.html"', 'href="http://www.baocantho.com.vn/x-a7.html/"')
    resp = HtmlResponse(url, body=page.encode(), encoding="utf-8", request=req,
                        headers={"Content-Type": "text/html; charset=utf-8"})
    [item] = list(spider.parse_article(resp, source=_source(spider)))
    assert item["url"] == "https://baocantho.com.vn/x-a7.html" and item["aliases"] == [url]


def test_a_canonical_naming_the_homepage_or_a_section_is_ignored(spider: NewsSpider) -> None:
    url = "https://baocantho.com.vn/y-a8.html"
    for bad in ("/", "/thoi-su/", "/thoi-su/trang-2.html"):
        req = Request(url, meta={"article_url": url})
        page = ARTICLE.replace('href="/x-a7.html"', f'href="{bad}"')
        resp = HtmlResponse(url, body=page.encode(), encoding="utf-8", request=req,
                            headers={"Content-Type": "text/html; charset=utf-8"})
        [item] = list(spider.parse_article(resp, source=_source(spider)))
        assert item["url"] == url and item["aliases"] == [], bad


def test_spider_rejects_unknown_source_names_and_bad_since(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown source"):
        NewsSpider(sources="no-such-paper")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        NewsSpider(since="8/1/2026")
    sp = NewsSpider(sources="sggp,plo")
    assert [s.name for s in sp.sources] == ["sggp", "plo"]
    assert sp.allowed_domains == ["plo.vn", "sggp.org.vn"]
    assert parse_sources([SOURCE])[0].max_section_pages == 2
