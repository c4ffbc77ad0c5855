"""A crawl killed midway (SIGKILL: no clean-up at all) and run again stores every article once.

The guarantee rests on three things tested here together: each article is one INSERT in its own
transaction (a kill leaves whole articles or none), the store is the seen-URL set (the second
run never fetches what the first stored), and a JOBDIR left inconsistent by the kill is either
resumed or, when unreadable, deleted with a warning and the crawl started fresh.
"""

from __future__ import annotations

import logging
import signal
import sqlite3
import time
import zlib
from pathlib import Path

import pytest
from faultsite import FaultSite, article_paragraphs

from crawler.run import run_crawl, start_crawl

pytestmark = pytest.mark.slow

N_ARTICLES = 60
SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 10}


@pytest.fixture
def slow_site():
    """60 articles in one feed, each answering after 50 ms: slow enough to kill a crawl midway."""
    with FaultSite() as site:
        urls = [site.add(f"/tin/bai-{n}.html", _page(n), delay=0.05) for n in range(1, N_ARTICLES + 1)]
        yield site, site.source("slow", urls)


def _page(n: int) -> bytes:
    from faultsite import article_html

    return article_html(n).encode("utf-8")


def _stored(db: Path) -> list[tuple[str, str, bytes]]:
    """(url, text, html_z) of every stored article, read without the Store (no migrations)."""
    if not db.exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return list(con.execute("SELECT url, text, html_z FROM articles"))
    except sqlite3.OperationalError:  # the schema is not created yet
        return []
    finally:
        con.close()


def _kill_midway(db: Path, work: Path, source: dict, jobdir: Path, at_least: int = 10) -> int:
    """Start the crawl, SIGKILL it once *at_least* articles are stored; return how many were."""
    proc = start_crawl(db, work, sources=[source], settings=SETTINGS, jobdir=jobdir, log_file=work / "killed.log")
    deadline = time.monotonic() + 120  # a guard against a hung child, not a pass/fail timing
    try:
        while len(_stored(db)) < at_least:
            assert proc.poll() is None, f"crawl ended before it could be killed: {proc.stderr.read()[-2000:]}"
            assert time.monotonic() < deadline, "crawl stored nothing in 120 s"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    return len(_stored(db))


def test_killed_crawl_resumes_and_stores_every_article_once(slow_site, tmp_path: Path) -> None:
    site, source = slow_site
    db, jobdir = tmp_path / "news.db", tmp_path / "job"
    (tmp_path / "work").mkdir()

    killed_at = _kill_midway(db, tmp_path / "work", source, jobdir)
    first = _stored(db)
    assert 10 <= killed_at < N_ARTICLES  # really midway: the second run has work left
    for url, text, html_z in first:  # no half article: every row whole
        assert article_paragraphs(int(url.rsplit("-", 1)[1].removesuffix(".html")))[0] in text
        assert zlib.decompress(html_z).decode("utf-8").startswith("<!doctype html>")
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    stored_first = {url.removeprefix(site.base) for url, _, _ in first}

    site.log.clear()
    run = run_crawl(db, sources=[source], settings=SETTINGS, jobdir=jobdir, log_file=tmp_path / "resumed.log")
    assert run["status"] == "ok", run
    urls = [url for url, _, _ in _stored(db)]
    assert len(urls) == N_ARTICLES and len(set(urls)) == N_ARTICLES
    assert {u.removeprefix(site.base) for u in urls} == {f"/tin/bai-{n}.html" for n in range(1, N_ARTICLES + 1)}
    refetched = [p for p in site.log if p in stored_first]
    assert refetched == []  # nothing stored by the killed run is fetched again
    article_hits = [p for p in site.log if p.startswith("/tin/")]
    assert len(article_hits) == len(set(article_hits))  # and nothing twice within the second run
    counts = run["counts"]["sources"]["slow"]
    assert counts["new"] == N_ARTICLES - killed_at and counts["failed"] == 0, counts


def test_unreadable_job_state_is_deleted_and_the_crawl_starts_fresh(
    slow_site, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site, source = slow_site
    source = {**source, "feeds": ["/rss-short.xml"]}
    from faultsite import rss

    site.add("/rss-short.xml", rss([f"{site.base}/tin/bai-{n}.html" for n in (1, 2, 3)]))
    db, jobdir = tmp_path / "news.db", tmp_path / "job"
    jobdir.mkdir()
    (jobdir / "spider.state").write_bytes(b"\x80\x04\x95 truncated by a kill")
    (jobdir / "requests.queue").mkdir()
    (jobdir / "requests.queue" / "active.json").write_text('{"10": ', encoding="utf-8")

    with caplog.at_level(logging.WARNING, logger="crawler.run"):
        run = run_crawl(db, sources=[source], settings=SETTINGS, jobdir=jobdir)
    assert run["status"] == "ok" and run["counts"]["sources"]["slow"]["new"] == 3, run
    assert any("unreadable" in r.getMessage() for r in caplog.records)
    assert any("starting the crawl fresh" in r.getMessage() for r in caplog.records)
    assert len(_stored(db)) == 3
