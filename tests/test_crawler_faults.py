"""One broken source beside a healthy one, crawled together: the fault costs only that source.

Every test crawls two (or three) sites served on 127.0.0.x through ``crawler.run.run_crawl``
into a temporary SQLite file in which one article was stored beforehand, and checks the four
promises of the nightly crawl: the run finishes; the fault is counted under the faulty source in
``runs.counts["sources"]`` (and logged); the healthy source's articles are all stored; and the
article stored before is untouched (same row, byte for byte).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faultsite import FaultSite, article_html, article_paragraphs, free_port

from crawler.run import run_crawl

pytestmark = pytest.mark.slow

FAST = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "RETRY_TIMES": 0,
    "DOWNLOAD_TIMEOUT": 5,
    "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 5 * 1024 * 1024,
}
PRESTORED_URL = "http://127.0.0.1:9/tin/cu-1.html"  # port 9: never served, never fetched


@pytest.fixture
def healthy() -> Iterator[tuple[FaultSite, dict[str, Any], list[str]]]:
    """A working source with two articles in its feed: (site, registry row, article URLs)."""
    with FaultSite() as site:
        urls = [site.add_article(n) for n in (1, 2)]
        yield site, site.source("healthy", urls), urls


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database holding one article already (the one that must never change)."""
    from db.store import Store

    path = tmp_path / "news.db"
    with Store(path) as store:
        store.add_article(
            {"url": PRESTORED_URL, "site": "old", "title": "Bài cũ", "text": "\n".join(article_paragraphs(99)),
             "html": article_html(99), "published": "2025-09-01"}
        )
    return path


def _rows(db: Path) -> dict[str, dict[str, Any]]:
    from db.store import Store

    with Store(db) as store:
        return {r["url"]: r for r in store.db.query("SELECT * FROM articles")}


def _digest(row: dict[str, Any]) -> str:
    return hashlib.sha256(repr(sorted(row.items())).encode("utf-8")).hexdigest()


def crawl(db: Path, tmp_path: Path, sources: list[dict], **settings: Any) -> dict[str, Any]:
    """Crawl *sources* into *db*; check the promises common to every fault; return the run."""
    before = _digest(_rows(db)[PRESTORED_URL])
    log = tmp_path / "crawl.log"
    run = run_crawl(db, sources=sources, settings={**FAST, **settings}, log_file=log)
    assert run["status"] == "ok" and run["counts"]["finish_reason"] == "finished", run
    rows = _rows(db)
    assert _digest(rows[PRESTORED_URL]) == before  # nothing already stored changes
    healthy = run["counts"]["sources"]["healthy"]
    assert healthy["new"] == 2 and healthy["failed"] == 0 and healthy["errors"] == {}, healthy
    for n in (1, 2):
        stored = [r for r in rows.values() if r["site"] == "healthy" and r["url"].endswith(f"/bai-{n}.html")]
        assert len(stored) == 1 and article_paragraphs(n)[0] in stored[0]["text"]
    run["log"] = log.read_text(encoding="utf-8")
    return run


def test_source_refusing_connections(db: Path, tmp_path: Path, healthy) -> None:
    _, ok, _ = healthy
    dead = {"name": "dead", "province": "Huế", "homepage": f"http://127.0.0.1:{free_port()}/", "feeds": ["/rss.xml"]}
    run = crawl(db, tmp_path, [ok, dead])
    counts = run["counts"]["sources"]["dead"]
    assert counts["errors"].get("ConnectionRefusedError", 0) >= 1, counts
    assert counts["listings_failed"] >= 1 and counts["new"] == 0, counts
    assert "ConnectionRefusedError" in run["log"]


def test_source_slower_than_the_timeout(db: Path, tmp_path: Path, healthy) -> None:
    _, ok, _ = healthy
    with FaultSite() as slow:
        fast_url = slow.add_article(3)
        slow_url = slow.add("/tin/bai-4.html", article_html(4), delay=5)
        source = slow.source("slow", [fast_url, slow_url])
        run = crawl(db, tmp_path, [ok, source], DOWNLOAD_TIMEOUT=1)
    counts = run["counts"]["sources"]["slow"]
    assert counts["errors"] == {"TimeoutError": 1} and counts["failed"] == 1, counts
    assert counts["new"] == 1  # the same source's quick article still got in
    assert slow_url not in _rows(db) and "TimeoutError" in run["log"]


def test_http_500_and_404(db: Path, tmp_path: Path, healthy) -> None:
    _, ok, _ = healthy
    with FaultSite() as bad:
        broken = bad.add("/tin/bai-5.html", b"<h1>Internal Server Error</h1>", status=500)
        missing = bad.base + "/tin/bai-6.html"  # no route: 404
        source = bad.source("bad", [broken, missing])
        run = crawl(db, tmp_path, [ok, source])
    counts = run["counts"]["sources"]["bad"]
    assert counts["errors"] == {"http_500": 1, "http_404": 1}, counts
    assert counts["failed"] == 2 and counts["fetched"] == 0 and counts["new"] == 0, counts
    assert "http_500" in run["log"] and "http_404" in run["log"]


def test_redirect_loop(db: Path, tmp_path: Path, healthy) -> None:
    _, ok, _ = healthy
    with FaultSite() as loop:
        a = loop.add("/tin/bai-7.html", status=302, headers={"Location": "/tin/vong-8.html"})
        loop.add("/tin/vong-8.html", status=301, headers={"Location": "/tin/bai-7.html"})
        own = loop.add("/tin/bai-9.html", status=302, headers={"Location": "/tin/bai-9.html"})
        source = loop.source("loop", [a, own])
        run = crawl(db, tmp_path, [ok, source])
        hits = list(loop.log)
    counts = run["counts"]["sources"]["loop"]
    assert counts["errors"] == {"redirect_loop": 2} and counts["failed"] == 2, counts
    assert hits.count("/tin/bai-7.html") == 1 and hits.count("/tin/bai-9.html") == 1  # not 20 times
    assert "redirect loop" in run["log"]


def test_malformed_html(db: Path, tmp_path: Path, healthy) -> None:
    _, ok, _ = healthy
    soup = article_html(10).replace("</p>", "").replace("</div>", "</span></td>").replace("</html>", "<div><b>")
    with FaultSite() as mal:
        urls = [
            mal.add("/tin/bai-10.html", soup),  # tag soup around a real article: stored
            mal.add("/tin/bai-11.html", '<html><head><title>Tin<</ti<<<a href="<p>>>\ufffd<scr'),
            mal.add("/tin/bai-12.html", b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00" + b"\xc3\x28" * 500),
        ]
        source = mal.source("malformed", urls)
        run = crawl(db, tmp_path, [ok, source])
    counts = run["counts"]["sources"]["malformed"]
    assert counts["fetched"] == 3 and counts["new"] == 1 and counts["failed"] == 2, counts
    assert sum(counts["errors"].values()) == 2 and counts["errors"].get("not_article", 0) >= 1, counts
    stored = _rows(db)[urls[0]]
    assert all(p in stored["text"] for p in article_paragraphs(10))


def _cp1258(text: str) -> bytes:
    """Encode Vietnamese in windows-1258 as old CMSs do: precomposed base letter + combining tone."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for mark in list(marks):
            combined = unicodedata.normalize("NFC", base + mark)
            if len(combined) == 1:
                try:
                    combined.encode("cp1258")
                except UnicodeEncodeError:
                    continue
                base = combined
                marks.remove(mark)
                break
        out.append(base + "".join(marks))
    return "".join(out).encode("cp1258")


def test_windows_1258_and_wrong_or_missing_charset(db: Path, tmp_path: Path, healthy) -> None:
    _, ok, _ = healthy
    with FaultSite() as old:
        urls = [
            # declared right, in the header and the meta
            old.add("/tin/bai-13.html", _cp1258(article_html(13, charset="windows-1258")),
                    content_type="text/html; charset=windows-1258"),
            # header and meta both claim UTF-8
            old.add("/tin/bai-14.html", _cp1258(article_html(14, charset="utf-8")),
                    content_type="text/html; charset=utf-8"),
            # header claims Latin-1, no meta
            old.add("/tin/bai-15.html", _cp1258(article_html(15, charset=None)),
                    content_type="text/html; charset=iso-8859-1"),
            # nothing declared at all
            old.add("/tin/bai-16.html", _cp1258(article_html(16, charset=None)), content_type="text/html"),
            # UTF-8 page whose header claims windows-1258
            old.add("/tin/bai-17.html", article_html(17, charset=None), content_type="text/html; charset=windows-1258"),
        ]
        source = old.source("old-cms", urls)
        run = crawl(db, tmp_path, [ok, source])
    counts = run["counts"]["sources"]["old-cms"]
    assert counts["new"] == 5 and counts["failed"] == 0, counts
    assert counts["errors"] == {"charset_mismatch": 3}, counts  # 14, 15 and 17 declare wrongly
    rows = _rows(db)
    for n, url in zip(range(13, 18), urls, strict=True):
        assert rows[url]["title"] == f"Xã Tân Hà sơ kết chính quyền hai cấp, bài {n}", url
        assert all(p in rows[url]["text"] for p in article_paragraphs(n)), rows[url]["text"][:200]
        assert "Ã" not in rows[url]["text"] and "Ð" not in rows[url]["text"]
    assert "declares utf-8 but is cp1258" in run["log"]


def test_page_too_large(db: Path, tmp_path: Path, healthy) -> None:
    _, ok, _ = healthy
    big = 20 * 1024 * 1024
    with FaultSite() as huge:
        urls = [
            huge.add("/tin/bai-18.html", article_html(18), pad=big),  # announced in Content-Length
            huge.add("/tin/bai-19.html", article_html(19), pad=big, no_length=True),  # only counted
            huge.add_article(20),
        ]
        source = huge.source("huge", urls)
        run = crawl(db, tmp_path, [ok, source])
    counts = run["counts"]["sources"]["huge"]
    assert counts["errors"] == {"too_large": 2} and counts["failed"] == 2, counts
    assert counts["new"] == 1 and urls[2] in _rows(db)  # the crawl went on
    assert "larger than download max size" in run["log"]


def test_binary_files_at_article_urls(db: Path, tmp_path: Path, healthy) -> None:
    _, ok, _ = healthy
    with FaultSite() as files:
        urls = [
            files.add("/tin/bai-21.html", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" * 100,
                      content_type="application/octet-stream"),
            files.add("/tin/bai-22.html", b"PK\x03\x04\x14\x00\x00\x00" + bytes(range(256)) * 20,
                      content_type="application/zip"),
            files.add("/tin/bai-23.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20,
                      content_type="text/html; charset=utf-8"),  # a lying header
        ]
        source = files.source("files", urls)
        run = crawl(db, tmp_path, [ok, source])
    counts = run["counts"]["sources"]["files"]
    assert counts["errors"] == {"binary": 3} and counts["failed"] == 3 and counts["new"] == 0, counts
    assert not any(u in _rows(db) for u in urls)


def test_article_without_body(db: Path, tmp_path: Path, healthy) -> None:
    _, ok, _ = healthy
    with FaultSite() as empty:
        url = empty.add("/tin/bai-24.html", article_html(24, body=False))
        source = empty.source("empty", [url])
        run = crawl(db, tmp_path, [ok, source])
    counts = run["counts"]["sources"]["empty"]
    assert counts["errors"] == {"not_article": 1} and counts["fetched"] == 1 and counts["new"] == 0, counts
    assert url not in _rows(db)


def test_feed_links_offsite_private_and_file_are_not_followed(db: Path, tmp_path: Path, healthy) -> None:
    _, ok, _ = healthy
    private_hosts = ["10.255.255.1", "192.168.1.1", "172.16.0.1", "169.254.169.254", "127.0.0.2"]
    with FaultSite() as feed, FaultSite("127.0.0.2") as intranet:
        intranet.add_article(30)  # a real server on a private address: it must see no request
        port = intranet.base.rsplit(":", 1)[1]
        links = [
            "http://baokhac.example/tin/bai-31.html",  # another domain
            "http://10.255.255.1/tin/bai-32.html",
            "http://192.168.1.1/tin/bai-33.html",
            "http://172.16.0.1:8080/tin/bai-34.html",
            "http://169.254.169.254/latest/bai-35.html",
            f"http://127.0.0.2:{port}/tin/bai-30.html",
            "http://[::1]/tin/bai-36.html",
            "file:///etc/bai-37.html",
            # a redirect from the source itself to a private address: refused by the middleware
            feed.add("/tin/bai-38.html", status=302, headers={"Location": f"{intranet.base}/tin/bai-30.html"}),
        ]
        # The registry even allows those hosts: the private-address rule must still refuse them.
        source = feed.source("links", links, allowed_domains=["127.0.0.1", *private_hosts])
        run = crawl(db, tmp_path, [ok, source], LOG_LEVEL="DEBUG")
        assert intranet.log == []  # not one request, robots.txt included
    counts = run["counts"]["sources"]["links"]
    assert counts["errors"] == {"offsite": 1, "private_address": 7, "bad_scheme": 1}, counts
    assert counts["dropped"] == 8 and counts["discovered"] == 1 and counts["failed"] == 1, counts
    crawled = [line for line in run["log"].splitlines() if "Crawled (" in line]
    assert any("/rss.xml" in line for line in crawled)  # the log does show requests…
    for host in [*private_hosts, "[::1]", "baokhac.example"]:
        assert not any(host in line for line in crawled), host  # …but none to these hosts


# -- the classifiers behind the counts (no crawl) ----------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://baolamdong.vn/tin-1.html", None),
        ("https://www.baolamdong.vn/tin-1.html", None),
        ("https://baokhac.vn/tin-1.html", "offsite"),
        ("http://10.0.0.5/tin-1.html", "private_address"),
        ("http://[::1]:8080/tin-1.html", "private_address"),
        ("http://[::ffff:192.168.0.1]/tin-1.html", "private_address"),
        ("http://localhost/tin-1.html", "private_address"),
        ("http://127.0.0.1:8000/tin-1.html", None),  # the source's own host
        ("file:///etc/passwd", "bad_scheme"),
        ("javascript:void(0)", "bad_scheme"),
    ],
)
def test_link_problem(url: str, problem: str | None) -> None:
    from crawler.faults import link_problem

    assert link_problem(url, {"127.0.0.1"}, ["baolamdong.vn", "127.0.0.1", "10.0.0.5"]) == problem


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (b"<!doctype html><html><body>x</body></html>", "text/html", "html"),
        (b"<!doctype html><html><body>x</body></html>", "application/octet-stream", "html"),
        (b"%PDF-1.7 ...", "text/html; charset=utf-8", "binary"),
        (b"GIF89a\x01\x00", "", "binary"),
        (b"plain words", "application/octet-stream", "binary"),
        (b"plain words", "text/plain", "non_html"),
    ],
)
def test_body_kind(body: bytes, content_type: str, kind: str) -> None:
    from crawler.faults import body_kind

    assert body_kind(body, content_type) == kind


def test_decode_html_keeps_a_true_declaration_and_overrides_a_false_one() -> None:
    from crawler.encoding import decode_html

    text = "Người dân phường Đông Hà được phục vụ tận tình; hồ sơ trực tuyến đạt 98,5%."
    page = _cp1258(f"<html><body><p>{text}</p></body></html>")
    for header in ("text/html; charset=windows-1258", "text/html; charset=utf-8", "text/html", None):
        decoded = decode_html(page, header)
        assert text in unicodedata.normalize("NFC", decoded.text) and decoded.encoding == "cp1258", header
    decoded = decode_html(f"<p>{text}</p>".encode(), "text/html; charset=utf-8")
    assert decoded.text == f"<p>{text}</p>" and not decoded.mismatch
    assert decode_html(f"<p>{text}</p>".encode(), "text/html; charset=iso-8859-1").mismatch
