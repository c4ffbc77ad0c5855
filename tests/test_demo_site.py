"""The bundled demo site: articles, expected facts, rendered pages, feeds and the local server.

Crawl tests elsewhere rely on this site looking like a real paper and on ``demo/expected.json``
being right, so these tests check the site's structure and also sanity-check the hand-written
expectations against the article text (a typo there would silently fail extractor tests).
"""

from __future__ import annotations

import json
import re
import urllib.request
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from demo.content import SECTIONS, Article, parse_article, slugify
from demo.server import article_files, demo_source, load_articles, serve_demo_site
from demo.site import RSS_ITEMS, build_site

BASE = "http://127.0.0.1:8765"
DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
KINDS = ("units", "officials", "dossiers", "percentages")
UNIT_TYPES = {"tỉnh", "thành phố", "xã", "phường", "đặc khu", "huyện", "quận", "thị xã", "thị trấn"}
DOSSIER_KINDS = {"received", "resolved", "on_time", "overdue", "pending", "other"}
CHANNELS = {None, "online", "direct", "postal"}
QUALIFIERS = {"over", "under", "about", "exact"}
INDICATORS = {"online_share", "on_time", "digitized", "satisfaction", "staff", "other"}


class _Links(HTMLParser):
    """Collects <a>/<link> hrefs with their rel, plus <meta property> values."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (rel, href)
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("a", "link") and "href" in a:
            self.links.append((a.get("rel", ""), a["href"]))
        if tag == "meta" and "property" in a:
            self.meta[a["property"]] = a.get("content", "")


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _local(out: Path, url: str) -> Path:
    """Map an absolute site URL to the built file, as the HTTP server would."""
    assert url.startswith(BASE + "/"), url
    rel = url[len(BASE) + 1 :]
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return load_articles()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(out, BASE)
    return out


def test_articles_load_and_fit_the_brief(articles: list[Article]) -> None:
    assert len(articles) >= 28
    assert [a.slug for a in articles] == [p.stem for p in article_files()]
    assert {a.section for a in articles} == set(SECTIONS)
    for art in articles:
        assert 150 <= art.word_count <= 450, (art.slug, art.word_count)
        assert len(art.body) >= 3, art.slug
        assert art.published_at.utcoffset() is not None and art.published_at.utcoffset().total_seconds() == 7 * 3600
        assert art.text.startswith(art.lead) and art.text.endswith(art.body[-1])
        assert re.fullmatch(r"/[a-z-]+/[a-z0-9-]+-\d{6}\.html", art.path), art.path


def test_parser_rejects_broken_files() -> None:
    good = "title: T\nid: 123456\ndate: 2025-07-01T08:00:00+07:00\nauthor: A\nsection: xa-hoi\n"
    good += "section_name: Xã hội\nlead: L\n---\nP1\n\nP2 dòng một\ndòng hai\n"
    art = parse_article(good, "x")
    assert art.body == ("P1", "P2 dòng một dòng hai") and art.province is None
    with pytest.raises(ValueError):
        parse_article(good.replace("---\n", ""), "x")
    with pytest.raises(ValueError):
        parse_article(good.replace("+07:00", ""), "x")
    with pytest.raises(ValueError):
        parse_article(good.replace("xa-hoi", "the-gioi"), "x")
    assert slugify("Đặc khu Phú Quý: 99,4%") == "dac-khu-phu-quy-99-4"


def _fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _fmt_num(v: float) -> str:
    return (str(int(v)) if float(v).is_integer() else str(v)).replace(".", ",")


def test_expected_facts_are_well_formed_and_grounded(articles: list[Article]) -> None:
    """Every hand-annotated fact has the spec's shape and its evidence is visible in the text."""
    expected = json.loads((DEMO_DIR / "expected.json").read_text(encoding="utf-8"))
    absent = json.loads((DEMO_DIR / "expected_absent.json").read_text(encoding="utf-8"))
    by_slug = {a.slug: a for a in articles}
    assert set(expected) <= set(by_slug) and set(absent) <= set(by_slug)
    with_all_kinds = 0
    for slug, facts in expected.items():
        text = by_slug[slug].text.casefold()
        assert set(facts) == set(KINDS), slug
        for u in facts["units"]:
            assert u["type"] in UNIT_TYPES and u["name"].casefold() in text, (slug, u)
            assert u["province"] is None or isinstance(u["province"], str)
        for o in facts["officials"]:
            assert o["name"].casefold() in text and o["titles"], (slug, o)
            for t in o["titles"]:
                assert t.casefold() in text, (slug, t)
        for d in facts["dossiers"]:
            assert d["kind"] in DOSSIER_KINDS and d["channel"] in CHANNELS, (slug, d)
            n = d["count"]
            words = [f"{n // 1000} nghìn"] if n >= 1000 and n % 1000 == 0 else []
            if n >= 1_000_000 and n % 100_000 == 0:  # ``1,3 triệu``
                words.append(f"{_fmt_num(n / 1_000_000)} triệu")
            assert _fmt_int(n) in text or any(w in text for w in words), (slug, d)
            if "scope" in d:  # spec v2 fields, where the article was annotated for them
                assert d["scope"] is None or d["scope"]["name"].casefold() in text, (slug, d)
                assert d["period"] is None or set(d["period"]) == {"start", "end"}, (slug, d)
            if d["total"] is not None:
                assert f"{_fmt_int(n)}/{_fmt_int(d['total'])}" in text, (slug, d)
        for p in facts["percentages"]:
            assert p["qualifier"] in QUALIFIERS and p["indicator"] in INDICATORS and p["subject"], (slug, p)
            assert re.search(rf"(?<![\d,]){re.escape(_fmt_num(p['value']))}(%|–| phần trăm)", text), (slug, p)
        for name in absent.get(slug, {}).get("officials", []):
            assert name.casefold() in text, (slug, name)
        if all(facts[k] for k in KINDS):
            with_all_kinds += 1
    covered = {k: sum(1 for f in expected.values() if f[k]) for k in KINDS}
    assert all(n >= 10 for n in covered.values()), covered
    assert with_all_kinds >= 5


def test_site_has_every_article_page(site: Path, articles: list[Article]) -> None:
    pages = sorted(p for p in site.glob("*/*.html") if re.search(r"-\d{6}\.html$", p.name))
    assert len(pages) == len(articles) >= 28
    art = articles[0]
    page = site / art.path.lstrip("/")
    html_text = page.read_text(encoding="utf-8")
    parsed = _parse(page)
    assert parsed.meta["og:type"] == "article" and parsed.meta["og:url"] == art.url(BASE)
    assert parsed.meta["article:published_time"] == art.published_at.isoformat()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html_text, re.S).group(1))
    assert ld["@type"] == "NewsArticle" and ld["headline"] == art.title
    assert ld["dateModified"] > ld["datePublished"] and ld["author"]["@type"] == "Person"
    for marker in ('class="article-content"', "Tin liên quan", "Tin mới nhất", "QUẢNG CÁO", "breadcrumb"):
        assert marker in html_text
    content = html_text.split('<div class="article-content">', 1)[1].split("</div>", 1)[0]
    assert content.count("<p>") == len(art.body)
    assert re.search(r"(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ Nhật), \d\d/\d\d/\d{4} - \d\d:\d\d", html_text)


def test_every_page_is_utf8_with_canonical(site: Path) -> None:
    html_files = list(site.rglob("*.html"))
    assert len(html_files) > 30
    for path in html_files:
        text = path.read_bytes().decode("utf-8")  # raises on invalid UTF-8
        assert '<meta charset="utf-8">' in text, path
        canon = [h for rel, h in _parse(path).links if rel == "canonical"]
        assert len(canon) == 1 and canon[0].startswith(BASE + "/"), path
        assert 'href="/' not in text.replace(f'href="{BASE}/', ""), path  # all links absolute


def test_rss_sitemap_robots(site: Path, articles: list[Article]) -> None:
    urls = {a.url(BASE) for a in articles}
    channel = ET.parse(site / "rss.xml").getroot().find("channel")
    items = channel.findall("item")
    assert len(items) == RSS_ITEMS == 10
    newest = sorted(articles, key=lambda a: a.published_at, reverse=True)[:10]
    assert [i.findtext("link") for i in items] == [a.url(BASE) for a in newest]
    for item in items:
        assert item.findtext("title") and item.findtext("description")
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = {u.findtext("sm:loc", namespaces=ns): u.findtext("sm:lastmod", namespaces=ns) for u in root}
    assert set(locs) == urls and all(locs.values())
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert "Disallow: /tim-kiem/" in robots and f"Sitemap: {BASE}/sitemap.xml" in robots
    home = _parse(site / "index.html")
    assert ("alternate", f"{BASE}/rss.xml") in home.links


def test_pagination_reaches_every_article(site: Path, articles: list[Article]) -> None:
    article_urls = {a.url(BASE) for a in articles}
    found: set[str] = set()
    for section in SECTIONS:
        url: str | None = f"{BASE}/{section}/"
        pages = 0
        while url:
            pages += 1
            page = _local(site, url)
            story_list = page.read_text(encoding="utf-8").split('<div class="story-list">', 1)[1]
            story_list = story_list.split('<nav class="pagination"', 1)[0]
            listed = {h for h in re.findall(r'href="([^"]+)"', story_list) if h in article_urls}
            assert listed and all(f"/{section}/" in h for h in listed), url
            found |= listed
            nexts = [h for rel, h in _parse(page).links if rel == "next"]
            url = nexts[0] if nexts else None
        expected_pages = -(-sum(a.section == section for a in articles) // 5)
        assert pages == expected_pages, section
    assert found == article_urls


def test_non_article_pages_exist(site: Path) -> None:
    for rel in ("lien-he.html", "gioi-thieu.html", "tim-kiem/index.html"):
        parsed = _parse(site / rel)
        assert parsed.meta.get("og:type") == "website", rel


def test_served_over_http(articles: list[Article]) -> None:
    with serve_demo_site() as base_url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        src = demo_source(base_url)
        assert src["homepage"] == base_url + "/" and src["allowed_domains"] == ["127.0.0.1"]
        assert len(src["sections"]) == len(SECTIONS)
        art = articles[3]
        with urllib.request.urlopen(art.url(base_url), timeout=10) as resp:
            assert resp.status == 200
            assert "charset=utf-8" in resp.headers["Content-Type"]
            body = resp.read().decode("utf-8")
        assert f'<link rel="canonical" href="{art.url(base_url)}">' in body
        assert art.body[0].split()[0] in body
        with urllib.request.urlopen(src["feeds"][0], timeout=10) as resp:
            assert len(ET.fromstring(resp.read()).findall("channel/item")) == 10
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(base_url + "/static/", timeout=10)
        assert err.value.code == 404
