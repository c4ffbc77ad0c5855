"""End-to-end crawls with `run_crawl` (a child Scrapy process) against sites served on 127.0.0.1.

A tiny hand-made site with a request log proves the two promises that matter most: an article
already stored is never fetched again, and robots.txt Disallow is obeyed.  The bundled demo site
(``demo.server``) checks the crawl of a realistic paper.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.run import run_crawl

pytestmark = pytest.mark.slow

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 10}

PARAGRAPHS = [
    "Sáng {d}/10, Ủy ban nhân dân xã Tân Hà tổ chức hội nghị sơ kết hoạt động của chính quyền địa "
    "phương hai cấp sau ba tháng vận hành theo mô hình mới.",
    "Theo báo cáo, Trung tâm Phục vụ hành chính công của xã đã tiếp nhận 1.254 hồ sơ, trong đó "
    "98,5% hồ sơ được giải quyết đúng hạn và không có hồ sơ quá hạn.",
    "Chủ tịch UBND xã đề nghị các phòng chuyên môn tiếp tục rà soát thủ tục, đẩy mạnh dịch vụ công "
    "trực tuyến và nâng cao chất lượng phục vụ người dân, doanh nghiệp.",
]


def _article_html(n: int, base: str, with_jsonld: bool) -> str:
    day = 10 + n
    body = "".join(f"<p>{p.format(d=day)}</p>" for p in PARAGRAPHS)
    jsonld = ""
    if with_jsonld:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": f"Tin {n}",
            "datePublished": f"2025-10-{day:02d}T08:{n:02d}:00+07:00",
        }
        jsonld = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Xã Tân Hà sơ kết chính quyền hai cấp, bài {n} - Báo Thử</title>
<meta property="og:type" content="article">
<link rel="canonical" href="{base}/thoi-su/xa-tan-ha-so-ket-{n}.html">{jsonld}</head>
<body><header><a href="/">Báo Thử</a> <a href="/thoi-su/">Thời sự</a> <a href="/lien-he.html">Liên hệ</a></header>
<main><article><h1>Xã Tân Hà sơ kết chính quyền hai cấp, bài {n}</h1>
<div class="article-meta"><span class="date">Thứ Hai, {day:02d}/10/2025 - 09:{n:02d}</span></div>
<div class="content">{body}</div></article></main>
<footer>Bản quyền thuộc về Báo Thử. Liên hệ: 0123 456 789.</footer></body></html>"""


def _section_html(links: list[str], next_href: str | None) -> str:
    items = "".join(f'<li><a href="{href}">Bài viết {i}</a></li>' for i, href in enumerate(links))
    nxt = f'<a class="next" href="{next_href}">Trang sau</a>' if next_href else ""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Thời sự</title></head>
<body><h1>Thời sự</h1><ul>{items}</ul><div class="pagination">{nxt}</div></body></html>"""


def build_tiny_site(root: Path, base: str) -> dict:
    """Seven articles: 1-2 in the feed (one with a utm_ link), 3 in the sitemap, 1-4 on section
    page 1, 5-6 on page 2 (via "Trang sau"), 7 under /private/ (robots.txt Disallow)."""
    (root / "thoi-su").mkdir(parents=True)
    (root / "private").mkdir()
    for n in range(1, 7):
        (root / "thoi-su" / f"xa-tan-ha-so-ket-{n}.html").write_text(
            _article_html(n, base, with_jsonld=n % 2 == 1), encoding="utf-8"
        )
    (root / "private" / "bi-mat-7.html").write_text(_article_html(7, base, True), encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    (root / "lien-he.html").write_text("<html><body><h1>Liên hệ</h1></body></html>", encoding="utf-8")
    (root / "rss.xml").write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Báo Thử</title>
<item><title>Bài 1</title><link>{base}/thoi-su/xa-tan-ha-so-ket-1.html?utm_source=rss&amp;utm_medium=feed</link>
<pubDate>Sat, 11 Oct 2025 08:01:00 +0700</pubDate></item>
<item><title>Bài 2</title><link>{base}/thoi-su/xa-tan-ha-so-ket-2.html</link></item>
</channel></rss>""",
        encoding="utf-8",
    )
    (root / "sitemap.xml").write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap-news.xml</loc></sitemap></sitemapindex>""",
        encoding="utf-8",
    )
    (root / "sitemap-news.xml").write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/thoi-su/xa-tan-ha-so-ket-3.html</loc><lastmod>2025-10-13</lastmod></url>
<url><loc>{base}/thoi-su/</loc></url><url><loc>{base}/lien-he.html</loc></url></urlset>""",
        encoding="utf-8",
    )
    page1 = [f"/thoi-su/xa-tan-ha-so-ket-{n}.html" for n in range(1, 5)] + ["/private/bi-mat-7.html#top"]
    (root / "thoi-su" / "index.html").write_text(_section_html(page1, "/thoi-su/trang-2.html"), "utf-8")
    page2 = [f"/thoi-su/xa-tan-ha-so-ket-{n}.html" for n in (5, 6)]
    (root / "thoi-su" / "trang-2.html").write_text(_section_html(page2, None), "utf-8")
    return {
        "name": "tiny",
        "province": "Lâm Đồng",
        "kind": "provincial",
        "homepage": base + "/",
        "feeds": ["/rss.xml"],
        "sitemaps": ["/sitemap.xml"],
        "sections": ["/thoi-su/"],
        "allowed_domains": ["127.0.0.1"],
    }


class _LoggingHandler(SimpleHTTPRequestHandler):
    requests: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base-class name
        pass

    def send_head(self):  # noqa: ANN201 - base-class signature
        self.requests.append(self.path)
        return super().send_head()


@pytest.fixture
def tiny_site(tmp_path: Path) -> Iterator[tuple[str, dict, list[str]]]:
    """Serve the tiny site; yields (base_url, registry dict, request log of paths)."""
    root = tmp_path / "site"
    log: list[str] = []
    handler = type("Handler", (_LoggingHandler,), {"requests": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    source = build_tiny_site(root, base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, source, log
    finally:
        server.shutdown()
        server.server_close()


def _articles(db: Path) -> list[dict]:
    from db.store import Store

    with Store(db) as store:
        return list(store.db.query("SELECT url, site, source_province, title, published, text FROM articles"))


def _digest(db: Path) -> str:
    from db.store import Store

    with Store(db) as store:
        return store.table_digest("articles")


def test_tiny_site_crawl_twice_never_refetches_and_obeys_robots(tiny_site, tmp_path: Path) -> None:
    base, source, log = tiny_site
    db = tmp_path / "news.db"

    first = run_crawl(db, sources=[source], settings=FAST, log_file=tmp_path / "crawl1.log")
    counts = first["counts"]
    assert first["status"] == "ok"
    assert counts["articles_new"] == 6, counts
    assert counts["articles_fetched"] == 6 and counts["failed"] == 0, counts
    assert counts["discovered"] == 7 and counts["skipped_known"] == 0, counts
    assert counts["errors"].get("robots_forbidden", 0) >= 1, counts

    rows = {r["url"]: r for r in _articles(db)}
    assert sorted(rows) == [f"{base}/thoi-su/xa-tan-ha-so-ket-{n}.html" for n in range(1, 7)]
    one = rows[f"{base}/thoi-su/xa-tan-ha-so-ket-1.html"]
    assert one["title"] == "Xã Tân Hà sơ kết chính quyền hai cấp, bài 1"
    assert one["published"] == "2025-10-11T08:01:00+07:00"  # JSON-LD
    assert rows[f"{base}/thoi-su/xa-tan-ha-so-ket-2.html"]["published"] == "2025-10-12T09:02:00+07:00"  # shown
    assert one["text"].startswith("Sáng 11/10, Ủy ban nhân dân xã Tân Hà")
    assert "Bản quyền" not in one["text"] and one["site"] == "tiny" and one["source_province"] == "Lâm Đồng"

    article_paths = [p for p in log if p.startswith("/thoi-su/xa-tan-ha")]
    assert len(article_paths) == len(set(article_paths)) == 6  # within a run: once each
    assert not [p for p in log if p.startswith("/private/")]  # robots.txt Disallow obeyed
    digest = _digest(db)

    log.clear()
    second = run_crawl(db, sources=[source], settings=FAST, log_file=tmp_path / "crawl2.log")
    counts2 = second["counts"]
    assert second["id"] != first["id"]
    assert counts2["articles_new"] == 0 and counts2["articles_fetched"] == 0, counts2
    assert counts2["skipped_known"] == 6 and counts2["discovered"] == 7, counts2
    assert [p for p in log if p.startswith("/thoi-su/xa-tan-ha")] == []  # no article fetched again
    assert "/rss.xml" in log and "/thoi-su/" in log  # listings are re-read
    assert not [p for p in log if p.startswith("/private/")]
    assert _digest(db) == digest


def test_max_section_pages_bounds_pagination(tiny_site, tmp_path: Path) -> None:
    _, source, log = tiny_site
    source = {**source, "feeds": [], "sitemaps": [], "max_section_pages": 1}
    run = run_crawl(tmp_path / "news.db", sources=[source], settings=FAST)
    assert "/thoi-su/trang-2.html" not in log
    assert run["counts"]["articles_new"] == 4  # 1-4 from page 1; 7 is disallowed


def test_run_crawl_reports_child_failure(tmp_path: Path) -> None:
    from crawler.registry import SourceError
    from db.store import Store

    bad = {"name": "x", "province": "Huế", "homepage": "http://127.0.0.1:9/", "sections": ["/"]}
    with pytest.raises(SourceError, match="unknown source"):  # refused before any child starts
        run_crawl(tmp_path / "news.db", sources=[bad], names=["no-such-source"], settings=FAST)
    assert not (tmp_path / "news.db").exists()
    broken = {**FAST, "ITEM_PIPELINES": {"crawler.no_such_module.Pipeline": 300}}
    with pytest.raises(RuntimeError, match="crawl failed"):
        run_crawl(tmp_path / "news.db", sources=[bad], settings=broken)
    with Store(tmp_path / "news.db") as store:
        [run] = store.db.execute("SELECT status FROM runs").fetchall()
    assert run == ("failed",)  # the row the crashed child never took over is closed, not left running


def test_demo_site_crawl(tmp_path: Path) -> None:
    server = pytest.importorskip("demo.server", reason="demo.server not written yet")
    db = tmp_path / "news.db"
    with server.serve_demo_site() as base_url:
        source = server.demo_source(base_url)
        started = time.perf_counter()
        first = run_crawl(db, sources=[source], settings=FAST, log_file=tmp_path / "demo1.log")
        elapsed = time.perf_counter() - started
        second = run_crawl(db, sources=[source], settings=FAST, log_file=tmp_path / "demo2.log")
    counts, counts2 = first["counts"], second["counts"]
    expected = len(server.load_articles())
    print(f"demo crawl: {elapsed:.1f} s, {counts}")
    assert counts["articles_new"] == expected, counts
    assert counts["failed"] == 0, counts
    rows = _articles(db)
    assert len(rows) == expected
    assert all(r["title"] and r["published"] and len(r["text"]) > 300 for r in rows)
    assert counts2["articles_fetched"] == 0 and counts2["articles_new"] == 0, counts2
    assert counts2["skipped_known"] == expected, counts2
