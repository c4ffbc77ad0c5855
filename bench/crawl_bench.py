"""Crawl benchmark: how fast does the real `news` spider fetch, extract and store article pages?

The nightly crawl is polite (one or two requests in flight per site, delays, AutoThrottle), so its
speed in production is set by those settings, not by our code. This benchmark answers the other
question: with throttling off, what does *our* side cost per page (Scrapy + trafilatura/htmldate
extraction + the SQLite pipeline), and how much memory does the crawl child need? That tells us
how many sources one machine can crawl in a night and catches a change that makes the spider
much slower or hungrier.

It builds a fixture site of ``--pages`` distinct article pages from the 30 bundled demo articles
(new ids and URL slugs, shuffled body paragraphs, dates spread over five months; each page keeps
the demo site's full boilerplate: menus, sidebar, related links, comments, JSON-LD), with RSS,
paginated section pages and a sitemap *index* pointing to several child sitemaps. It serves the
site on 127.0.0.1 with a threaded server whose handlers are timed, crawls it with
``crawler.run.run_crawl`` (the real spider in a child process) into a fresh temporary SQLite file,
and then probes the server alone with 16 parallel clients to show the server is not what limits
the crawl. Results go to a JSON file and a table on stdout.

Usage: ``python -m bench.crawl_bench [--pages 2000] [--out bench/crawl_results.json]``.
Not part of pytest: timings are never pass/fail tests.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import platform
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from demo.content import Article, load_articles
from demo.server import HOST, DemoRequestHandler, demo_source
from demo.site import build_site

logger = logging.getLogger("bench.crawl_bench")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT_ROOT / "bench" / "crawl_results.json"

#: Throttling off, robots.txt still obeyed: the brief's benchmark settings.
BENCH_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "ROBOTSTXT_OBEY": True,
}
URLS_PER_SITEMAP = 500  # child sitemap size; real CMSs shard by month or by a fixed count
FIRST_ID = 300_000  # above every bundled id (≤ 281030), so fixture ids never clash with them
DATE_SPAN = timedelta(days=150)  # dates spread from 1 July 2025 over five months
FIRST_DATE = datetime.fromisoformat("2025-07-01T06:00:00+07:00")
PROBE_WORKERS = 16  # as many parallel clients as the crawl's CONCURRENT_REQUESTS


# ---------------------------------------------------------------------------------------------
# fixture site
# ---------------------------------------------------------------------------------------------


def make_articles(count: int, seed: int = 4) -> list[Article]:
    """``count`` distinct articles made from the bundled ones, deterministically from ``seed``.

    Variant ``k`` of a bundled article gets its own id (hence URL), a "(kỳ k)" title suffix, a date
    of its own and its body paragraphs in an order no other variant of that article uses (as long
    as the paragraphs allow), so every page's main text, and its content hash, differs.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if FIRST_ID + count > 999_999:
        raise ValueError(f"at most {999_999 - FIRST_ID} pages (article ids have six digits)")
    base = load_articles()
    rng = random.Random(seed)
    step = DATE_SPAN / count
    used_orders: dict[str, set[tuple[str, ...]]] = {a.slug: set() for a in base}
    out = []
    for i in range(count):
        src = base[i % len(base)]
        variant = i // len(base)
        body = list(src.body)
        for _ in range(50):  # find an order not used yet; give up (rarely) on short bodies
            rng.shuffle(body)
            if tuple(body) not in used_orders[src.slug]:
                break
        used_orders[src.slug].add(tuple(body))
        published = (FIRST_DATE + step * i).replace(second=0, microsecond=0)
        out.append(
            dataclasses.replace(
                src,
                slug=f"{src.slug}-v{variant}",
                id=FIRST_ID + i,
                title=src.title if variant == 0 else f"{src.title} (kỳ {variant + 1})",
                published=published.isoformat(),
                body=tuple(body),
                source_file=None,
            )
        )
    return out


def _sitemap_index(base_url: str, children: Sequence[tuple[str, datetime]]) -> str:
    entries = "\n".join(
        f"  <sitemap><loc>{xml_escape(base_url + path)}</loc><lastmod>{mod.isoformat()}</lastmod></sitemap>"
        for path, mod in children
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}\n</sitemapindex>\n"
    )


def _urlset(base_url: str, articles: Sequence[Article]) -> str:
    entries = "\n".join(
        f"  <url><loc>{xml_escape(a.url(base_url))}</loc><lastmod>{a.modified_at.isoformat()}</lastmod></url>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}\n</urlset>\n"
    )


def build_fixture_site(root: Path, base_url: str, articles: Sequence[Article]) -> dict[str, int]:
    """Render the site with the demo renderer, then replace its flat sitemap by an index.

    Large real sites publish a sitemap index whose children hold a few hundred URLs each; the
    spider must follow the index, so the fixture does too. Returns what was written.
    """
    build_site(root, base_url, articles)
    ordered = sorted(articles, key=lambda a: (a.published_at, a.id))
    children = []
    for n, start in enumerate(range(0, len(ordered), URLS_PER_SITEMAP), start=1):
        chunk = ordered[start : start + URLS_PER_SITEMAP]
        path = f"/sitemaps/sitemap-articles-{n}.xml"
        (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / path.lstrip("/")).write_text(_urlset(base_url, chunk), encoding="utf-8")
        children.append((path, max(a.modified_at for a in chunk)))
    (root / "sitemap.xml").write_text(_sitemap_index(base_url, children), encoding="utf-8")
    article_files = sum(1 for a in articles if (root / a.path.lstrip("/")).is_file())
    section_pages = sum(1 for p in root.glob("*/trang-*.html")) + sum(1 for p in root.glob("*/index.html"))
    return {"article_pages": article_files, "child_sitemaps": len(children), "section_pages": section_pages}


# ---------------------------------------------------------------------------------------------
# timed server
# ---------------------------------------------------------------------------------------------


class ServerStats:
    """Per-request service times, collected from the handler threads under a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.durations: list[float] = []
        self.cpu_seconds = 0.0
        self.statuses: dict[int, int] = {}

    def add(self, seconds: float, cpu: float, status: int | None) -> None:
        with self._lock:
            self.durations.append(seconds)
            self.cpu_seconds += cpu
            if status is not None:
                self.statuses[status] = self.statuses.get(status, 0) + 1

    def snapshot_and_reset(self) -> dict[str, Any]:
        """Counts and latency percentiles (ms) since the last reset."""
        with self._lock:
            durations, statuses, cpu = sorted(self.durations), dict(self.statuses), self.cpu_seconds
            self.durations, self.statuses, self.cpu_seconds = [], {}, 0.0
        if not durations:
            return {"requests": 0}

        def pct(q: float) -> float:
            return round(1000 * durations[min(len(durations) - 1, int(q * len(durations)))], 2)

        return {
            "requests": len(durations),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "cpu_seconds": round(cpu, 3),  # handler threads' own CPU time
            "ms_mean": round(1000 * sum(durations) / len(durations), 2),
            "ms_p50": pct(0.50),
            "ms_p95": pct(0.95),
            "ms_max": round(1000 * durations[-1], 2),
        }


class BenchServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with a listen backlog for 16 parallel clients.

    The default backlog is 5: a burst of 16 connections can overflow it, the kernel drops SYNs
    and the client retries after a second, which would be measured as a slow crawl. The backlog
    is fixed when the socket starts listening, so it must be a class attribute.
    """

    request_queue_size = 128
    daemon_threads = True


class TimedRequestHandler(DemoRequestHandler):
    """The demo site's handler, timing each request from request line to last byte written.

    Wall time per request includes waiting for the GIL behind other handler threads; the
    thread's CPU time (``time.thread_time``) is the server's real cost, and summed over the
    crawl and divided by its wall time it says how busy the server was.
    """

    stats: ServerStats  # set on a subclass per server

    def handle_one_request(self) -> None:
        start, cpu_start = time.perf_counter(), time.thread_time()
        self._status: int | None = None
        super().handle_one_request()
        if self._status is not None:  # None: the client closed without a request
            self.stats.add(time.perf_counter() - start, time.thread_time() - cpu_start, self._status)

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)


@contextmanager
def serve_fixture(pages: int) -> Iterator[tuple[str, ServerStats, dict[str, int], list[str]]]:
    """Build the fixture site in a temp dir and serve it on 127.0.0.1 in a daemon thread.

    Yields (base URL, server stats, what was built, article URLs). Bind first, build second: the
    pages carry absolute URLs, so the port must be known before rendering.
    """
    stats = ServerStats()
    handler_cls = type("BenchHandler", (TimedRequestHandler,), {"stats": stats})
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        root = Path(tmp)
        server = BenchServer((HOST, 0), partial(handler_cls, directory=str(root)))
        base_url = f"http://{HOST}:{server.server_address[1]}"
        try:
            articles = make_articles(pages)
            t0 = time.perf_counter()
            built = build_fixture_site(root, base_url, articles)
            logger.info("built %s in %.1f s at %s", built, time.perf_counter() - t0, root)
            thread = threading.Thread(target=server.serve_forever, name="bench-site", daemon=True)
            thread.start()
            try:
                yield base_url, stats, built, [a.url(base_url) for a in articles]
            finally:
                server.shutdown()
                thread.join(timeout=5)
        finally:
            server.server_close()


# ---------------------------------------------------------------------------------------------
# server probe (runs in a child process so that its client threads do not share our GIL)
# ---------------------------------------------------------------------------------------------


def _fetch_all(urls: Sequence[str], workers: int) -> dict[str, Any]:
    """GET every URL with ``workers`` parallel clients; requests per second and failures."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.request import urlopen

    def get(url: str) -> int:
        with urlopen(url, timeout=30) as resp:  # noqa: S310 - 127.0.0.1 fixture URLs only
            return len(resp.read())

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda u: _safe(get, u), urls))
    seconds = time.perf_counter() - t0
    ok = [r for r in results if r >= 0]
    return {
        "requests": len(urls),
        "failed": len(urls) - len(ok),
        "bytes": sum(ok),
        "seconds": round(seconds, 3),
        "requests_per_second": round(len(urls) / seconds, 1) if seconds else None,
        "workers": workers,
    }


def _safe(fn: Any, url: str) -> int:
    try:
        return fn(url)
    except OSError:
        return -1


def _probe_child() -> None:
    """Entry point of the probe child: URLs file in argv[1], JSON result on stdout."""
    urls = Path(sys.argv[1]).read_text(encoding="utf-8").split()
    print(json.dumps(_fetch_all(urls, int(sys.argv[2]))))  # noqa: T201 - the parent reads stdout


def probe_server(urls: Sequence[str], workers: int = PROBE_WORKERS, timeout: float = 300) -> dict[str, Any]:
    """Fetch ``urls`` from a separate Python process: a lower bound on what the server can serve."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write("\n".join(urls))
        urls_file = fh.name
    try:
        code = "import bench.crawl_bench as b; b._probe_child()"
        proc = subprocess.run(
            [sys.executable, "-c", code, urls_file, str(workers)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
        return json.loads(proc.stdout.strip().splitlines()[-1])
    finally:
        os.unlink(urls_file)


# ---------------------------------------------------------------------------------------------
# the benchmark
# ---------------------------------------------------------------------------------------------


def _scrapy_elapsed(log_path: Path) -> float | None:
    """Scrapy's own ``elapsed_time_seconds`` (spider open to close) from the final stats dump."""
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = re.findall(r"'elapsed_time_seconds':\s*([0-9.]+)", text)
    return float(found[-1]) if found else None


def _db_counts(db_path: Path) -> dict[str, int]:
    con = sqlite3.connect(db_path)
    try:
        stored, distinct = con.execute("SELECT count(*), count(DISTINCT content_hash) FROM articles").fetchone()
        return {"articles_stored": int(stored), "distinct_texts": int(distinct)}
    finally:
        con.close()


def machine() -> dict[str, Any]:
    """What the figures were measured on; they mean little without it."""
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "processor": platform.processor() or platform.machine(),
    }


def run_bench(pages: int, probe: bool = True) -> dict[str, Any]:
    """Build, serve, crawl and measure; returns the result dict (also what goes to JSON)."""
    import scrapy  # noqa: PLC0415 - only for its version in the results

    from crawler.run import run_crawl  # noqa: PLC0415 - keeps `--help` fast

    with serve_fixture(pages) as (base_url, server_stats, built, article_urls):
        source = demo_source(base_url)
        source["name"] = "bench"
        # A backfill's cap, not a night's: every page of the site is new and must be fetched (the
        # nightly default, MAX_ARTICLES_PER_SOURCE = 300, leaves the rest for later nights).
        source["max_articles"] = pages
        # The spider reads at most SITEMAP_MAX_CHILDREN children of an index: let it read them all.
        settings = {**BENCH_SETTINGS, "SITEMAP_MAX_CHILDREN": max(5, built["child_sitemaps"])}
        with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
            db_path, log_path = Path(tmp) / "bench.db", Path(tmp) / "crawl.log"
            usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            run = run_crawl(
                db_path, sources=[source], settings=settings, log_file=log_path, timeout=max(300.0, pages * 0.5)
            )
            wall = time.perf_counter() - t0
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            elapsed = _scrapy_elapsed(log_path)
            crawl_seconds = round(elapsed, 2) if elapsed is not None else None
            db = _db_counts(db_path)
        server_during_crawl = server_stats.snapshot_and_reset()
        server_probe = probe_server(article_urls) if probe else None
        server_stats.snapshot_and_reset()

    counts = run.get("counts") or {}
    fetched = int(run.get("articles_fetched") or 0)
    child_cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
    server_cpu = server_during_crawl.get("cpu_seconds", 0.0)
    return {
        "benchmark": "crawl",
        "measured_at": datetime.now().astimezone().replace(microsecond=0).isoformat(),
        "machine": machine(),
        "scrapy": scrapy.__version__,
        "settings": settings,
        "site": {"pages_requested": pages, **built},
        "pages": fetched,
        "articles_stored": db["articles_stored"],
        "distinct_texts": db["distinct_texts"],
        "failed": int(counts.get("failed", 0)),
        "requests": int(counts.get("requests", 0)),
        "wall_seconds": round(wall, 2),
        "pages_per_second": round(fetched / wall, 1) if wall else None,
        "crawl_seconds": crawl_seconds,
        "pages_per_second_crawl": round(fetched / crawl_seconds, 1) if crawl_seconds else None,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        "crawl_child_cpu_seconds": round(child_cpu, 2),
        "crawl_child_cpu_share": round(child_cpu / wall, 2) if wall else None,
        # CPU per page varies less than wall time when other work shares the machine
        "crawl_child_cpu_ms_per_page": round(1000 * child_cpu / fetched, 1) if fetched else None,
        "server": {
            "during_crawl": server_during_crawl,
            "cpu_share": round(server_cpu / wall, 3) if wall else None,
            "probe": server_probe,
        },
        "finish_reason": counts.get("finish_reason"),
    }


def format_table(result: dict[str, Any]) -> str:
    """The figures a person wants to read, one per line."""
    server = result["server"]
    probe = server.get("probe") or {}
    during = server["during_crawl"]
    rows = [
        ("article pages in site", result["site"]["article_pages"]),
        ("child sitemaps / section pages", f"{result['site']['child_sitemaps']} / {result['site']['section_pages']}"),
        ("pages fetched (articles)", result["pages"]),
        ("articles stored", result["articles_stored"]),
        ("distinct article texts", result["distinct_texts"]),
        ("failed", result["failed"]),
        ("requests (all)", result["requests"]),
        ("wall seconds (run_crawl)", result["wall_seconds"]),
        ("pages per second (wall)", result["pages_per_second"]),
        ("spider seconds (Scrapy elapsed)", result["crawl_seconds"]),
        ("pages per second (spider)", result["pages_per_second_crawl"]),
        ("peak RSS of crawl child, MB", result["peak_rss_mb"]),
        (
            "crawl child CPU s (share of wall)",
            f"{result['crawl_child_cpu_seconds']} ({result['crawl_child_cpu_share']})",
        ),
        ("crawl child CPU ms per page", result["crawl_child_cpu_ms_per_page"]),
        ("server CPU s during crawl (share)", f"{during.get('cpu_seconds')} ({server['cpu_share']})"),
        ("server ms per request p50 / p95", f"{during.get('ms_p50')} / {during.get('ms_p95')}"),
        ("server alone, req/s (16 clients)", probe.get("requests_per_second", "not run")),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.crawl_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="article pages in the fixture site (default 2000)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results file (default %(default)s)")
    parser.add_argument("--no-probe", action="store_true", help="skip the server-alone probe after the crawl")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    if args.pages < 1:
        parser.error("--pages must be at least 1")

    result = run_bench(args.pages, probe=not args.no_probe)
    sys.stdout.write(format_table(result) + "\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    logger.info("results written to %s", args.out)
    if result["pages"] != args.pages or result["articles_stored"] != args.pages:
        logger.error(
            "crawl incomplete: %d of %d pages fetched, %d stored",
            result["pages"],
            args.pages,
            result["articles_stored"],
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
