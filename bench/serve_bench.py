"""Serving benchmark: how big one SQLite file can grow before Datasette stops answering in time.

The researchers' interface is Datasette over the one database (``pipeline.py serve``), whose
``sql_time_limit_ms`` (5,000 here, ``researcher/serve.py``) cancels a page's query past the limit.
This measures, at growing sizes, what each researcher page costs: every view's first page (with
Datasette's row count), every canned query with its parameters left empty, and a full-text search.

The database at size N is built from one processed set of ``--base`` distinct articles (the
processing benchmark's, extracted by the real process step), copied N/base times with new
ids and URLs (articles, facts, full-text index through its triggers); people are relinked.
Every page is fetched through Datasette's own client (no HTTP), three times; the median is kept.

Usage: ``python -m bench.serve_bench [--base 1000] [--sizes 10000,100000] [--out FILE]``.
Not part of pytest: timings are never pass/fail tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.crawl_bench import machine
from bench.process_bench import build_database
from db.schema import FACT_TABLES

log = logging.getLogger("bench.serve")

def build_base(path: Path, count: int) -> None:
    """*count* distinct articles stored as the processing benchmark stores them, and processed."""
    from db.store import Store
    from nlp.process import process_articles

    build_database(path, count)
    with Store(path) as store:
        process_articles(store, progress=False)


def grow(path: Path, base: int, size: int) -> float:
    """Copy the first *base* articles and their facts until the database holds *size*; seconds taken."""
    import sqlite3

    from db.people import link_people
    from db.store import Store

    started = time.perf_counter()
    conn = sqlite3.connect(path)
    have = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    article_cols = [r[1] for r in conn.execute("PRAGMA table_info(articles)") if r[1] not in ("id", "url")]
    while have < size:
        offset = have  # copy k: ids base*k + 1 … base*(k+1)
        conn.execute("BEGIN")
        conn.execute(
            f"INSERT INTO articles (id, url, {', '.join(article_cols)}) "
            f"SELECT id + ?, url || '?copy=' || ?, {', '.join(article_cols)} FROM articles WHERE id <= ?",
            [offset, offset, base])
        for table in FACT_TABLES:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "article_id"]
            conn.execute(f"INSERT INTO {table} (article_id, {', '.join(cols)}) "
                         f"SELECT article_id + ?, {', '.join(cols)} FROM {table} WHERE article_id <= ?",
                         [offset, base])
        conn.execute("COMMIT")
        have += base
    conn.close()
    with Store(path) as store:
        link_people(store.db)
        store.db.execute("ANALYZE")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def pages(metadata: dict[str, Any], db_name: str) -> list[tuple[str, str]]:
    """(name, path) of every researcher page measured."""
    from db.views import VIEW_NAMES

    out = [(f"view {v}", f"/{db_name}/{v}") for v in VIEW_NAMES]
    queries = metadata["databases"][db_name].get("queries", {})
    for name in queries:
        out.append((f"query {name}", f"/{db_name}/{name}" + ("?q=dong+giang" if name == "search_articles" else "")))
    out.append(("table articles (facets)", f"/{db_name}/articles?_facet=site&_facet=source_province"))
    return out


async def _time_pages(path: Path, repeat: int) -> dict[str, Any]:
    from researcher.serve import build_datasette, load_metadata

    ds = build_datasette(path)
    await ds.invoke_startup()
    out: dict[str, Any] = {}
    for name, url in pages(load_metadata(path.stem), path.stem):
        times = []
        status = None
        for _ in range(repeat):
            started = time.perf_counter()
            response = await ds.client.get(url, follow_redirects=True)
            times.append(time.perf_counter() - started)
            status = response.status_code
            text = response.text
        out[name] = {"seconds": round(statistics.median(times), 3), "status": status,
                     "timed_out": "interrupted" in text or "took too long" in text.lower()}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=1000, help="distinct processed articles (default: %(default)s)")
    parser.add_argument("--sizes", default="10000,100000", help="database sizes in articles (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="fetches of each page (default: %(default)s)")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sizes = sorted({args.base, *(int(s) for s in args.sizes.split(",") if s.strip())})
    results: dict[str, Any] = {"base": args.base, "when": datetime.now(UTC).isoformat(timespec="seconds"),
                               "machine": machine(), "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        path = Path(tmp) / "news.db"
        build_base(path, args.base)
        for size in sizes:
            grown = grow(path, args.base, size)
            timings = asyncio.run(_time_pages(path, args.repeat))
            results["sizes"][size] = {"build_seconds": round(grown, 1), "bytes": path.stat().st_size,
                                      "pages": timings}
            slowest = sorted(timings.items(), key=lambda kv: -kv[1]["seconds"])[:5]
            print(f"{size:>9} articles, {path.stat().st_size / 1e6:,.0f} MB: slowest pages "
                  + "; ".join(f"{n} {t['seconds']:.2f} s{' (timed out)' if t['timed_out'] else ''}"
                              for n, t in slowest))
            if args.out:
                args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
