"""Clean ends: a crawl that times out, is killed, fails everywhere or is given a bad registry ends
with a closed ``runs`` row, the documented exit code and one line saying why.

Real crawls of FaultSites on 127.0.0.1 into real SQLite files; the command line is run as a
process, as cron runs it.  Slow routes make a crawl outlast its time limit whatever the machine's
speed; no test asserts how long anything took.
"""

from __future__ import annotations

import gzip
import json
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FAULT_CRAWL
from conftest import run_pipeline as _cli
from faultsite import FaultSite, article_html, free_port

from crawler.run import run_crawl, start_crawl
from db.store import Store

pytestmark = pytest.mark.slow

FAST = FAULT_CRAWL
N_SLOW = 40




def _runs(db: Path) -> list[tuple[Any, ...]]:
    """(id, kind, status, finished_at) of every run, read without the Store (no migrations)."""
    if not db.exists():
        return []
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    except sqlite3.OperationalError:  # being created
        return []
    try:
        return list(con.execute("SELECT id, kind, status, finished_at FROM runs ORDER BY id"))
    except sqlite3.OperationalError:  # no schema yet
        return []
    finally:
        con.close()


def _articles(db: Path) -> int:
    with Store(db) as store:
        return store.article_count()


@pytest.fixture
def slow_site() -> Iterator[tuple[FaultSite, dict[str, Any]]]:
    """One quick article, then 39 that each take 2 s: no crawl finishes them within a few seconds."""
    with FaultSite() as site:
        urls = [site.add_article(1)]
        urls += [site.add(f"/tin/bai-{n}.html", article_html(n), delay=2) for n in range(2, N_SLOW + 1)]
        yield site, site.source("slow", urls)


# -- --timeout ----------------------------------------------------------------------------------


def test_crawl_timeout_stops_gracefully_closes_its_run_as_timeout_and_exits_1(
    tmp_path: Path, slow_site: tuple[FaultSite, dict[str, Any]]
) -> None:
    _, source = slow_site
    registry = tmp_path / "sources.json"
    registry.write_text(json.dumps([source]), encoding="utf-8")
    db, log = tmp_path / "news.db", tmp_path / "crawl.log"
    result = _cli("crawl", "--db", str(db), "--sources-file", str(registry), "--timeout", "3", "--log-file", str(log))

    assert result.returncode == 1, result.stderr[-3000:]
    run = json.loads(result.stdout)
    assert run["status"] == "timeout" and run["finished_at"], run
    counts = run["counts"]
    assert counts["finish_reason"] == "closespider_timeout"  # Scrapy's own stop, not a kill
    assert counts["articles_new"] == run["articles_new"] == _articles(db) < N_SLOW
    slow = counts["sources"]["slow"]
    assert set(counts["sources"]) == {"slow"} and slow["new"] == run["articles_new"]
    # the requests still queued in the downloader were dropped, not downloaded during the close
    assert slow["unfinished"] >= 1 and slow["fetched"] + slow["unfinished"] <= slow["discovered"], slow
    assert "stopped early (timeout)" in result.stderr and "Traceback" not in result.stderr
    assert [r[2] for r in _runs(db)] == ["timeout"]
    assert "Closing spider (closespider_timeout)" in log.read_text(encoding="utf-8")  # --log-file kept it


def test_nightly_exits_1_not_2_when_the_crawl_times_out(
    tmp_path: Path, slow_site: tuple[FaultSite, dict[str, Any]]
) -> None:
    from monitor.nightly import EXIT_SOURCE_FAILED, run_nightly

    _, source = slow_site
    result = run_nightly(tmp_path / "news.db", sources=[source], timeout=3, crawl_settings=FAST,
                         reports_dir=tmp_path / "reports")
    assert result.errors == [] and result.exit_code == EXIT_SOURCE_FAILED, result.summary()
    assert result.crawl is not None and result.crawl["status"] == "timeout"


def test_a_crawl_that_ignores_its_timeout_is_stopped_and_its_run_closed_as_timeout(tmp_path: Path) -> None:
    """A download that outlasts CLOSESPIDER_TIMEOUT and SIGTERM: the last resort is SIGKILL, and
    the parent closes the row the child could not."""
    with FaultSite() as site:
        quick = site.add_article(1)
        stuck = site.add("/tin/bai-2.html", article_html(2), delay=120)
        source = site.source("stuck", [quick, stuck])
        db = tmp_path / "news.db"
        run = run_crawl(db, sources=[source], settings={**FAST, "DOWNLOAD_TIMEOUT": 300}, timeout=1, stop_grace=1)
    assert run["status"] == "timeout" and run["finished_at"]
    reason = run["counts"]["finish_reason"]
    assert "killed" in reason or "terminated" in reason or run["counts"].get("stopped"), run["counts"]
    assert run["articles_new"] == _articles(db)
    assert [r[2] for r in _runs(db)] == ["timeout"]  # nothing left "running"


# -- killed outright: the next run marks it ------------------------------------------------------


def test_a_run_killed_outright_is_marked_aborted_by_the_next_run(
    tmp_path: Path, slow_site: tuple[FaultSite, dict[str, Any]]
) -> None:
    site, source = slow_site
    db, work = tmp_path / "news.db", tmp_path / "work"
    work.mkdir()
    proc = start_crawl(db, work, sources=[source], settings=FAST)  # no parent row: the child opens its own
    deadline = time.monotonic() + 120  # a guard against a hung child, not a timing assertion
    try:
        while not any(r[2] == "running" for r in _runs(db)):
            assert proc.poll() is None, proc.stderr.read()[-2000:] if proc.stderr else ""
            assert time.monotonic() < deadline, "the crawl never opened its run"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert [r[2] for r in _runs(db)] == ["running"]  # what a kill leaves behind

    with FaultSite() as healthy:
        urls = [healthy.add_article(n) for n in (1, 2)]
        run = run_crawl(db, sources=[healthy.source("healthy", urls)], settings=FAST)
    assert run["status"] == "ok"
    statuses = [(r[2], bool(r[3])) for r in _runs(db)]
    assert statuses == [("aborted", True), ("ok", True)]
    with Store(db) as store:
        assert store.mark_aborted_runs() == []  # a live run is never marked
        assert "aborted" in store.get_run(1)["counts"]["finish_reason"]


# -- every source failed ---------------------------------------------------------------------------


def test_a_crawl_where_every_source_failed_exits_1_with_a_one_line_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``pipeline.py crawl`` in this process, its crawl without the politeness delays (the only
    change: retries and AutoThrottle would make two dead sites take a minute)."""
    import functools

    import crawler.run
    import pipeline

    monkeypatch.setattr(crawler.run, "run_crawl", functools.partial(run_crawl, settings=FAST))
    dead = [{"name": name, "province": "Huế", "homepage": f"http://127.0.0.1:{free_port()}/",
             "feeds": ["/rss.xml"]} for name in ("down1", "down2")]
    registry = tmp_path / "sources.json"
    registry.write_text(json.dumps(dead), encoding="utf-8")
    db, log = tmp_path / "news.db", tmp_path / "kept.log"
    code = pipeline.main(["crawl", "--db", str(db), "--sources-file", str(registry), "--log-file", str(log)])

    assert code == 1
    assert json.loads(capsys.readouterr().out)["status"] == "failed"
    summary = [r.getMessage() for r in caplog.records if "every source failed" in r.getMessage()]
    assert len(summary) == 1 and "\n" not in summary[0], summary
    assert "down1 (ConnectionRefusedError)" in summary[0] and "down2 (ConnectionRefusedError)" in summary[0]
    assert [r[2] for r in _runs(db)] == ["failed"]
    kept = log.read_text(encoding="utf-8")
    assert "(failed 1 times)" in kept and "(failed 3 times)" not in kept  # RETRY_TIMES 0 reached the child…
    assert "ConnectionRefusedError" in kept  # …and --log-file kept its log


# -- a bad sources file -------------------------------------------------------------------------


BAD_TOML = """[[source]]
name = "baothu"
province = "Lâm Đồng"
homepage = "baothu.vn"
"""


def test_a_bad_sources_file_is_refused_in_one_line_before_the_crawl_starts(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_TOML, encoding="utf-8")
    db = tmp_path / "news.db"
    result = _cli("crawl", "--db", str(db), "--sources-file", str(bad))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "bad.toml" in lines[0] and "is not an absolute http(s) URL" in lines[0]
    assert not db.exists()  # refused before anything was opened or started

    verbose = _cli("-v", "crawl", "--db", str(db), "--sources-file", str(bad))
    assert verbose.returncode == 2 and "Traceback" in verbose.stderr

    broken = tmp_path / "broken.toml"
    broken.write_text("[[source]\nname = ", encoding="utf-8")
    result = _cli("crawl", "--db", str(db), "--sources-file", str(broken))
    assert result.returncode == 2 and "broken.toml: not valid toml" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_a_bad_sources_file_reaches_the_night_report(tmp_path: Path) -> None:
    from monitor.nightly import EXIT_RUN_FAILED, run_nightly

    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_TOML, encoding="utf-8")
    result = run_nightly(tmp_path / "news.db", sources_file=bad, reports_dir=tmp_path / "reports")
    assert result.exit_code == EXIT_RUN_FAILED
    [error] = result.errors
    assert error.startswith("crawl: SourceError:") and "bad.toml" in error and "\n" not in error
    report = (tmp_path / "reports" / "latest.md").read_text(encoding="utf-8")
    assert "is not an absolute http(s) URL" in report and "bad.toml" in report
    assert [r[1] for r in _runs(tmp_path / "news.db")].count("crawl") == 0  # no crawl was started


# -- oversize pages and gzip bombs are failures -----------------------------------------------------


def test_gzip_bombs_and_oversize_pages_count_as_failures_with_their_reason(tmp_path: Path) -> None:
    bomb = gzip.compress(b"<html><body>" + b" " * (20 * 1024 * 1024) + b"</body></html>", 9)  # 20 MB inflated
    listing_bomb = gzip.compress(b"<?xml version='1.0'?><urlset>" + b" " * (60 * 1024 * 1024), 9)
    settings = {**FAST, "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024, "DOWNLOAD_WARNSIZE": 5 * 1024 * 1024}
    with FaultSite() as site, FaultSite() as feeds:
        urls = [
            site.add("/tin/bai-1.html", bomb, headers={"Content-Encoding": "gzip"}),  # inflates past the limit
            site.add("/tin/bai-2.html", article_html(2), pad=20 * 1024 * 1024),  # announced too large
            site.add_article(3),
        ]
        pages = site.source("pages", urls)
        listings = {**feeds.source("listings", []), "sitemaps": ["/sitemap.xml.gz"]}
        feeds.add("/sitemap.xml.gz", listing_bomb, content_type="application/x-gzip")  # a sitemap bomb
        feeds.add("/rss.xml", listing_bomb, content_type="application/rss+xml",  # a feed bomb, gzip-encoded
                  headers={"Content-Encoding": "gzip"})
        run = run_crawl(tmp_path / "news.db", sources=[pages, listings], settings=settings)
    counts = run["counts"]["sources"]
    assert counts["pages"]["errors"] == {"too_large_decompressed": 1, "too_large": 1}, counts["pages"]
    assert counts["pages"]["failed"] == 2 and counts["pages"]["new"] == 1
    assert counts["listings"]["errors"].get("too_large_decompressed") == 2, counts["listings"]
    assert counts["listings"]["listings_failed"] >= 2
    assert "ignored" not in run["counts"]["errors"]


# -- each crawl reads its own runs row ----------------------------------------------------------------


def test_a_crawl_returns_its_own_run_even_when_a_newer_one_exists(
    tmp_path: Path, slow_site: tuple[FaultSite, dict[str, Any]]
) -> None:
    site, _ = slow_site
    db = tmp_path / "news.db"
    source = site.source("mine", [site.base + "/tin/bai-1.html", site.base + "/tin/bai-2.html"])
    out: dict[str, Any] = {}
    crawl = threading.Thread(target=lambda: out.update(run=run_crawl(db, sources=[source], settings=FAST)))
    crawl.start()
    try:
        deadline = time.monotonic() + 120
        while not any(r[2] == "running" for r in _runs(db)):
            assert crawl.is_alive() and time.monotonic() < deadline
            time.sleep(0.05)
        with Store(db) as store:  # another crawl starts (and finishes) while this one runs
            other = store.start_run("crawl")
            store.finish_run(other, status="ok", articles_new=7, sources={"theirs": {"new": 7}})
    finally:
        crawl.join(timeout=300)
    mine = out["run"]
    assert mine["id"] < other and mine["status"] == "ok"
    assert set(mine["counts"]["sources"]) == {"mine"} and mine["articles_new"] == 2
