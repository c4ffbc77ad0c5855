"""Discovery, ``check_sources`` and conditional requests against a site served on 127.0.0.1.

The site knows HTTP validators the way real CMSs do: its feed sends an ETag and a Last-Modified
and answers 304 when either comes back unchanged, so the server's request log proves what the
crawler sent on its second night.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.check import check_sources, format_report
from crawler.registry import parse_sources
from crawler.run import run_crawl

pytestmark = pytest.mark.slow

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 10}
ETAG = '"feed-v1"'
LAST_MODIFIED = "Sat, 10 Jan 2026 01:00:00 GMT"

PARAGRAPH = (
    "Sáng {n}/1, Ủy ban nhân dân phường Xuân Hương - Đà Lạt tổ chức hội nghị đánh giá hoạt động của chính "
    "quyền địa phương hai cấp; Trung tâm Phục vụ hành chính công đã tiếp nhận 1.{n}20 hồ sơ, trong đó "
    "97% được giải quyết đúng hạn."
)


def _article(n: int) -> str:
    body = "".join(f"<p>{PARAGRAPH.format(n=n)} Đoạn {i}.</p>" for i in range(4))
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Phường Xuân Hương sơ kết, bài {n}</title><meta property="og:type" content="article">
<meta property="article:published_time" content="2026-01-{n:02d}T08:00:00+07:00"></head>
<body><nav><a href="/">Trang chủ</a></nav><article><h1>Phường Xuân Hương sơ kết, bài {n}</h1>
{body}</article><footer>Báo Thử</footer></body></html>"""


@dataclass
class Site:
    """A served site: base URL, its pages, and the log of (path, request headers)."""

    base: str = ""
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (content type, body)
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [p for p, _ in self.log]

    def headers_for(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.log if p == path]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base-class name
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            site.log.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            if self.path not in site.pages:
                self.send_error(404)
                return
            ctype, body = site.pages[self.path]
            validated = self.path.split("?")[0].endswith(".rss") or self.path.startswith("/maps/")
            if validated and (
                self.headers.get("If-None-Match") == ETAG or self.headers.get("If-Modified-Since") == LAST_MODIFIED
            ):
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            if validated:
                self.send_header("ETag", ETAG)
                self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _build(site: Site) -> None:
    """Articles 1-4: 1 linked from the homepage, 2-3 in the feed the homepage advertises, 4 in the
    news sitemap that robots.txt names; /private/ is disallowed."""
    b = site.base
    html, xml = "text/html; charset=utf-8", "application/xml"
    site.pages.update({f"/tin/phuong-xuan-huong-so-ket-{n}.html": (html, _article(n)) for n in range(1, 6)})
    site.pages["/robots.txt"] = (
        "text/plain",
        f"User-agent: *\nDisallow: /private/\n\nSitemap: {b}/maps/index.xml\n",
    )
    site.pages["/"] = (
        html,
        """<!doctype html><html><head><meta charset="utf-8"><title>Báo Thử</title>
<link rel="alternate" type="application/rss+xml" title="Tin mới" href="/feeds/tin-moi.rss"></head>
<body><h1>Báo Thử</h1><a href="/tin/phuong-xuan-huong-so-ket-1.html">Bài 1</a>
<a href="/gioi-thieu">Giới thiệu</a></body></html>""",
    )
    items = "".join(
        f"<item><title>Bài {n}</title><link>{b}/tin/phuong-xuan-huong-so-ket-{n}.html</link></item>" for n in (2, 3)
    )
    site.pages["/feeds/tin-moi.rss"] = (
        "application/rss+xml",
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin mới</title>{items}'
        "</channel></rss>",
    )
    site.pages["/private/feed.rss"] = site.pages["/feeds/tin-moi.rss"]
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    site.pages["/maps/index.xml"] = (
        xml,
        f'<?xml version="1.0"?><sitemapindex {ns}><sitemap><loc>{b}/maps/news.xml</loc></sitemap></sitemapindex>',
    )
    site.pages["/maps/news.xml"] = (
        xml,
        f'<?xml version="1.0"?><urlset {ns}><url><loc>{b}/tin/phuong-xuan-huong-so-ket-4.html</loc></url></urlset>',
    )


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    _build(s)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield s
    finally:
        server.shutdown()
        server.server_close()


def _closed_port() -> int:
    """A port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _homepage_only(site: Site, **extra: object) -> dict:
    return {"name": "thu", "province": "Lâm Đồng", "homepage": site.base + "/", "allowed_domains": ["127.0.0.1"],
            **extra}


def _urls(db: Path) -> list[str]:
    from db.store import Store

    with Store(db) as store:
        return sorted(r["url"] for r in store.db.query("SELECT url FROM articles"))


def test_homepage_only_source_discovers_feed_and_sitemap_then_gets_304(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    first = run_crawl(db, sources=[_homepage_only(site)], settings=FAST, log_file=tmp_path / "c1.log")
    assert first["status"] == "ok"
    assert _urls(db) == [f"{site.base}/tin/phuong-xuan-huong-so-ket-{n}.html" for n in range(1, 5)]
    paths = site.paths()
    for path in ("/robots.txt", "/", "/feeds/tin-moi.rss", "/maps/index.xml", "/maps/news.xml"):
        assert path in paths, (path, paths)
    assert "/sitemap.xml" not in paths  # robots.txt named the sitemap: no guessing
    assert first["counts"]["listings_discovered"] == 2, first["counts"]  # robots sitemap + homepage feed
    assert "if-none-match" not in site.headers_for("/feeds/tin-moi.rss")[0]

    site.log.clear()
    second = run_crawl(db, sources=[_homepage_only(site)], settings=FAST, log_file=tmp_path / "c2.log")
    [feed_headers] = site.headers_for("/feeds/tin-moi.rss")
    assert feed_headers["if-none-match"] == ETAG
    assert feed_headers["if-modified-since"] == LAST_MODIFIED
    [news_headers] = site.headers_for("/maps/news.xml")
    assert news_headers["if-none-match"] == ETAG
    # the index is always re-read (its children change without it): no validators sent
    assert "if-none-match" not in site.headers_for("/maps/index.xml")[0]
    counts = second["counts"]
    assert counts["listings_unchanged"] == 2, counts  # feed and news sitemap: 304
    assert counts["articles_fetched"] == 0 and counts["articles_new"] == 0, counts
    assert not [p for p in site.paths() if p.startswith("/tin/")]

    from db.store import Store

    with Store(db) as store:
        state = store.feed_validators(f"{site.base}/feeds/tin-moi.rss")
    assert state["etag"] == ETAG and state["last_modified"] == LAST_MODIFIED and state["status"] == 304


def test_a_feed_kept_with_its_query_by_the_source_policy_is_asked_conditionally(site: Site, tmp_path: Path) -> None:
    """A source whose policy keeps ``ref`` reads its feed at ``…?ref=top``: the validators are saved
    under the URL they are looked up by, so the second night sends them."""
    feed = "/feeds/tin-moi.rss?ref=top"
    site.pages[feed] = site.pages["/feeds/tin-moi.rss"]
    source = _homepage_only(site, feeds=[feed], canonical={"keep_params": ["ref"]})
    db = tmp_path / "news.db"
    run_crawl(db, sources=[source], settings=FAST, log_file=tmp_path / "c1.log")
    assert "if-none-match" not in site.headers_for(feed)[0]
    site.log.clear()
    run_crawl(db, sources=[source], settings=FAST, log_file=tmp_path / "c2.log")
    [headers] = site.headers_for(feed)
    assert headers["if-none-match"] == ETAG


def test_failing_configured_feed_falls_back_to_discovery(site: Site, tmp_path: Path) -> None:
    source = _homepage_only(site, feeds=["/rss/khong-co.rss"], sections=["/"])
    run = run_crawl(tmp_path / "news.db", sources=[source], settings=FAST, log_file=tmp_path / "c.log")
    paths = site.paths()
    assert paths.index("/rss/khong-co.rss") < paths.index("/maps/index.xml")  # discovery after the 404
    assert "/feeds/tin-moi.rss" in paths
    assert run["counts"]["articles_new"] == 4, run["counts"]
    assert paths.count("/") == 2  # read as a section, then again for its <link>s


def test_check_sources_reports_answers_and_refusals(site: Site) -> None:
    good = _homepage_only(
        site,
        feeds=["/feeds/tin-moi.rss", "/rss/khong-co.rss", "/private/feed.rss"],
        guessed=["/rss/khong-co.rss"],
    )
    refused = {"name": "tat", "province": "Huế", "homepage": f"http://127.0.0.1:{_closed_port()}/"}
    reports = check_sources(parse_sources([good, refused]), timeout=5, delay=0)
    assert [r["name"] for r in reports] == ["thu", "tat"]
    ok, bad = reports

    assert ok["error"] is None and ok["homepage_status"] == 200 and ok["robots"]["status"] == 200
    assert ok["discovered"]["robots_sitemaps"] == [f"{site.base}/maps/index.xml"]
    assert ok["discovered"]["homepage_feeds"] == [f"{site.base}/feeds/tin-moi.rss"]
    assert ok["discovered"]["fallback_sitemaps"] == []
    rows = {r["url"].removeprefix(site.base): r for r in ok["listings"]}
    feed = rows["/feeds/tin-moi.rss"]
    assert (feed["status"], feed["kind"], feed["entries"], feed["origin"]) == (200, "feed", 2, "feed")
    assert "rss" in feed["content_type"]
    missing = rows["/rss/khong-co.rss"]
    assert missing["status"] == 404 and missing["guessed"] and missing["kind"] is None
    assert rows["/private/feed.rss"]["error"] == "disallowed by robots.txt"
    assert "/private/feed.rss" not in site.paths()  # robots.txt obeyed
    index = rows["/maps/index.xml"]
    assert (index["kind"], index["entries"], index["origin"]) == ("sitemap_index", 1, "robots.txt")
    assert ok["working"] == 2
    assert all(h.get("user-agent", "").startswith("vn-local-press/") for _, h in site.log)

    assert bad["working"] == 0 and bad["listings"] == []
    assert bad["error"] and "refused" in bad["error"].lower()
    text = format_report(reports)
    assert "thu" in text and "tat" in text and "ERROR" in text
