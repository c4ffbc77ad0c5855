"""Merge benchmark: what folding crawl nodes' shards into the main database costs (``db.merge``).

Shards are built as a crawl node builds them (``Store.store_article``, the raw HTML of each page as
the demo site renders it with the boilerplate of a provincial paper, one crawl run, feed
validators), from ``--articles`` distinct articles made like the crawl benchmark's pages (each text
closed by its id, so that all of them are distinct). Timed,
each as ``pipeline.py merge`` runs it (``merge_shard``, one transaction per shard), on one fresh
copy of the main database per measurement:

1. ``raw``: a shard of ``--articles`` unprocessed articles into an empty main database (nodes crawl,
   the processing machine extracts: the usual night);
2. ``raw_into_full``: the same shard into a main database already holding as many other articles
   (the lookups by URL and by text then search a full index);
3. ``again``: the same shard merged a second time (every article known: nothing is written);
4. ``processed``: a shard of ``--processed`` articles with their facts (a node that also extracts).

Usage: ``python -m bench.merge_bench [--articles 10000] [--processed 1000] [--out FILE]``.
Not part of pytest: timings are never pass/fail tests.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.crawl_bench import machine, make_articles
from bench.process_bench import article_text

log = logging.getLogger("bench.merge")


def build_shard(path: Path, articles: list[Any], base_url: str, process: bool = False) -> dict[str, Any]:
    """A node's shard of *articles*, with each page's HTML as the demo site renders it."""
    from db.store import Store
    from demo.site import _Renderer

    renderer = _Renderer(articles, base_url)
    started = time.perf_counter()
    with Store(path) as store:
        run_id = store.start_run("crawl")
        for art in articles:
            store.store_article({"url": art.url(base_url), "site": "bench", "title": art.title,
                                 "published": art.published, "province": art.province,
                                 # the article's id closes its text: past ~30 variants of one demo article the
                                 # paragraph orders run out, and a shard stores a repeated text once
                                 "text": article_text(art) + f"\nMã bài: {art.id}.",
                                 "html": renderer.article_page(art)})
        store.save_feed_validators(f"{base_url}/rss.xml", '"bench"', None, 200)
        store.finish_run(run_id, status="ok", articles_fetched=len(articles), articles_new=len(articles))
        if process:
            from nlp.process import process_articles

            process_articles(store, progress=False)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"seconds_to_build": round(time.perf_counter() - started, 2), "bytes": path.stat().st_size}


def timed_merge(main: Path, shard: Path, node: str) -> dict[str, Any]:
    """Merge *shard* into *main* as ``pipeline.py merge`` does; the merge's seconds and counts."""
    from db.merge import merge_shard
    from db.store import Store

    with Store(main) as store:
        started = time.perf_counter()
        result = merge_shard(store, shard, node=node)
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), **result.as_dict()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.merge_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles per raw shard (default: %(default)s)")
    parser.add_argument("--processed", type=int, default=1_000,
                        help="articles of the processed shard (default: %(default)s)")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from db.store import Store

    n = args.articles
    made = make_articles(2 * n + args.processed)
    results: dict[str, Any] = {"articles": n, "processed_articles": args.processed,
                               "when": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="merge-bench-") as tmp:
        root = Path(tmp)
        shard = root / "node-1.db"
        other = root / "node-0.db"
        processed = root / "node-2.db"
        results["shard"] = build_shard(shard, made[:n], "https://bench-a.example")
        results["other_shard"] = build_shard(other, made[n:2 * n], "https://bench-b.example")
        results["processed_shard"] = build_shard(processed, made[2 * n:], "https://bench-c.example", process=True)
        empty = root / "empty.db"
        Store(empty).close()

        main_db = root / "main.db"
        shutil.copy(empty, main_db)
        results["raw"] = timed_merge(main_db, shard, "node-1")
        results["again"] = timed_merge(main_db, shard, "node-1")
        full = root / "full.db"
        shutil.copy(empty, full)
        timed_merge(full, other, "node-0")
        results["raw_into_full"] = timed_merge(full, shard, "node-1")
        proc_main = root / "proc.db"
        shutil.copy(empty, proc_main)
        results["processed"] = timed_merge(proc_main, processed, "node-2")
    per_10k = {k: round(results[k]["seconds"] * 10_000 / max(1, results[k]["articles_new"] or n), 2)
               for k in ("raw", "raw_into_full")}
    per_10k["processed"] = round(results["processed"]["seconds"] * 10_000 / max(1, args.processed), 2)
    results["seconds_per_10000_articles"] = per_10k
    print(f"{'merge':<16}{'articles':>10}{'new':>8}{'facts':>8}{'seconds':>10}{'s/10k':>8}")
    for key in ("raw", "raw_into_full", "again", "processed"):
        r = results[key]
        articles = args.processed if key == "processed" else n
        print(f"{key:<16}{articles:>10}{r['articles_new']:>8}{r['facts']:>8}{r['seconds']:>10.2f}"
              f"{per_10k.get(key, 0):>8.2f}")
    print(f"shard of {n} articles: {results['shard']['bytes'] / 1e6:.0f} MB")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
