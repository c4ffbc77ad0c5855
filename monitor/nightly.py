"""The nightly job: crawl → process → signals (relevance, stories) → report, once per database.

``pipeline.py nightly`` (or ``python -m monitor.nightly``) is what cron or a systemd timer runs
(docs/NIGHTLY.md). It differs from ``pipeline.py run`` in what an unattended job needs:

* a lock (:mod:`monitor.lock`): a second run overlapping a slow one exits at once (exit code 75,
  ``EX_TEMPFAIL``: "try again later") instead of crawling the same sites twice;
* every step runs even when an earlier one failed (a crashed crawl still leaves stored articles to
  process, score and report), and the failure is recorded, not lost;
* one ``runs`` row of kind ``nightly`` with the totals, the per-source counts when the crawl
  gives them, the signals, the report paths and the exit code;
* an exit code a monitor can act on: 0 all sources fine, 1 a source failed (the report says which
  and why), 2 the run itself failed (a step raised).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from monitor.lock import AlreadyRunning, RunLock

log = logging.getLogger(__name__)

__all__ = ["NightResult", "run_nightly", "add_arguments", "cmd_nightly", "main", "EXIT_LOCKED"]

EXIT_OK, EXIT_SOURCE_FAILED, EXIT_RUN_FAILED = 0, 1, 2
EXIT_LOCKED = 75  # sysexits.h EX_TEMPFAIL: another run holds the lock; try again later


@dataclass
class NightResult:
    """What one nightly run did; ``exit_code`` is what the command exits with."""

    run_id: int
    exit_code: int
    new_articles: int = 0
    crawl: dict[str, Any] | None = None
    process: dict[str, Any] | None = None
    relevance: dict[str, Any] | None = None
    stories: dict[str, Any] | None = None
    failed_sources: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)  # a row per scrapyd node (``--nodes``)

    def summary(self) -> dict[str, Any]:
        """A JSON-able digest for the command's output."""
        crawl = (self.crawl or {}).get("counts") or {}
        return {
            "run_id": self.run_id,
            "exit_code": self.exit_code,
            "new_articles": self.new_articles,
            "articles_fetched": crawl.get("articles_fetched"),
            "process": self.process,
            "relevance": self.relevance,
            "stories": self.stories,
            "failed_sources": self.failed_sources,
            "errors": self.errors,
            "reports": [str(p) for p in self.reports],
            **({"nodes": self.nodes} if self.nodes else {}),
        }


def first_line(exc: BaseException) -> str:
    """An error as the report and the ``runs`` row give it: its type and its first line."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


def run_nightly(
    db_path: Path | str,
    sources_file: Path | str | None = None,
    names: list[str] | None = None,
    since: str | None = None,
    reports_dir: Path | str = Path("reports"),
    crawl_settings: dict[str, Any] | None = None,
    sources: list[dict] | None = None,
    timeout: float | None = None,
    progress: bool = False,
    night: date | None = None,
    wait: float = 0,
    nodes: list[str] | None = None,
    node_db: str | None = None,
    project: str | None = None,
) -> NightResult:
    """Run the whole night under the database's lock; raise :class:`AlreadyRunning` if it is held.

    *sources*/*sources_file*/*names*/*since*/*crawl_settings*/*timeout* go to
    :func:`crawler.run.run_crawl`; *night* (default: today, local time) names the report files;
    *wait*: seconds to wait for another writer's lock before giving up.

    With *nodes* (scrapyd base URLs) the crawl runs there instead (:mod:`monitor.nodes`): the
    sources are split between the nodes, each node's shard is merged here (``db.merge``, one
    transaction per shard), and the report has a row per node.  A node that fails is reported and
    makes the night ``partial`` (exit 1); the other nodes' articles are kept.
    """
    from crawler.run import run_crawl
    from db.store import Store
    from monitor.relevance import score_articles
    from monitor.report import collect, failed_sources, write_reports
    from monitor.stories import link_stories
    from nlp.process import process_articles

    night = night or date.today()
    with RunLock(db_path, wait=wait):
        # ``PRAGMA quick_check`` first: a damaged file is reported and left alone, not written into.
        store = Store(db_path, check=True)
        try:
            since_id = store.last_article_id()
            result = NightResult(run_id=store.start_run("nightly"), exit_code=EXIT_OK)
            status = "interrupted"
            try:
                try:
                    if nodes:
                        result.crawl = _crawl_on_nodes(store, result, nodes, sources=sources,
                                                       sources_file=sources_file, names=names, since=since,
                                                       settings=crawl_settings, timeout=timeout, node_db=node_db,
                                                       project=project)
                    else:
                        result.crawl = run_crawl(db_path, sources=sources, sources_file=sources_file, names=names,
                                                 settings=crawl_settings, since=since, timeout=timeout)
                except Exception as exc:  # keep going: what was stored before the failure is worth processing
                    log.error("nightly: crawl failed: %s", exc)
                    result.errors.append(f"crawl: {first_line(exc)}")
                steps = (
                    ("process", lambda: process_articles(store, progress=progress)),
                    ("relevance", lambda: score_articles(store)),
                    ("stories", lambda: link_stories(store)),
                )
                for name, step in steps:
                    try:
                        setattr(result, name, step())
                    except Exception as exc:
                        log.exception("nightly: %s failed", name)
                        result.errors.append(f"{name}: {first_line(exc)}")
                result.new_articles = int(
                    store.db.execute("SELECT count(*) FROM articles WHERE id > ?", [since_id]).fetchone()[0])
                result.failed_sources, any_failed = failed_sources(result.crawl)
                crawl_status = (result.crawl or {}).get("status")
                if result.crawl and crawl_status != "ok":
                    any_failed = True  # e.g. closespider_timeout: some sources were not crawled to the end
                result.exit_code = (EXIT_RUN_FAILED if result.errors
                                    else EXIT_SOURCE_FAILED if any_failed else EXIT_OK)
                try:
                    data = collect(store, since_id, night, result.crawl, result.process,
                                   {**(result.relevance or {}), **(result.stories or {})}, result.errors, result.run_id,
                                   nodes=result.nodes)
                    result.reports = write_reports(data, reports_dir)
                except Exception as exc:
                    log.exception("nightly: report failed")
                    result.errors.append(f"report: {first_line(exc)}")
                    result.exit_code = EXIT_RUN_FAILED
                status = {EXIT_OK: "ok", EXIT_SOURCE_FAILED: "partial"}.get(result.exit_code, "failed")
            finally:
                _finish(store, result, status, since_id)
        finally:
            store.close()
    log.info("nightly run %d: exit %d, %d new article(s)", result.run_id, result.exit_code, result.new_articles)
    return result


def _crawl_on_nodes(store: Any, result: NightResult, nodes: list[str], **kwargs: Any) -> dict[str, Any]:
    """Crawl on the scrapyd *nodes* and merge each node's shard; return the night's crawl as one
    ``runs``-like row: the nodes' per-source counts together (a failed node's sources counted as
    failed, ``node_failed``), status ``ok`` only when every node's crawl was."""
    import tempfile

    from db.merge import merge_shard
    from monitor.nodes import crawl_on_nodes

    given = {key: value for key, value in kwargs.items() if value is not None}  # None: the nodes' defaults
    with tempfile.TemporaryDirectory(prefix="shards-") as tmp:
        jobs = crawl_on_nodes(nodes, Path(tmp), **given)
        for job in jobs:
            if job.shard is None:
                continue
            try:
                job.merge = merge_shard(store, job.shard, node=job.node).as_dict()
            except Exception as exc:  # a bad shard is its node's failure, not the night's
                log.exception("nightly: merging the shard of node %s failed", job.node)
                job.status, job.error = "failed", f"merge: {first_line(exc)}"
    result.nodes = [job.row() for job in jobs]
    sources: dict[str, Any] = {}
    totals: dict[str, int] = {"articles_fetched": 0, "articles_new": 0}
    all_ok = True
    for job in jobs:
        counts = (job.crawl or {}).get("counts") or {}
        all_ok &= job.status in ("finished", "idle") and (job.crawl is None or job.crawl.get("status") == "ok")
        for name in job.sources:
            if job.status == "failed" or job.crawl is None:
                sources[name] = {"errors": {"node_failed": 1}, "node": job.node}
            else:
                sources[name] = {**((counts.get("sources") or {}).get(name) or {}), "node": job.node}
        totals["articles_fetched"] += int(counts.get("articles_fetched") or 0)
        totals["articles_new"] += int((job.merge or {}).get("articles_new") or 0)
    failed = [job.node for job in jobs if job.status == "failed"]
    for job in jobs:
        if job.status == "failed":
            log.error("nightly: node %s failed: %s", job.node, job.error)
    return {
        "id": None,
        "status": "ok" if all_ok else "partial",
        "counts": {**totals, "sources": sources, "nodes": len(jobs), "nodes_failed": failed,
                   "finish_reason": "every node finished" if all_ok else f"node(s) failed: {', '.join(failed)}"},
    }


def _finish(store: Any, result: NightResult, status: str, since_id: int) -> None:
    """Close the ``runs`` row: the usual columns plus everything else in ``counts``."""
    crawl_counts = (result.crawl or {}).get("counts") or {}
    sources = crawl_counts.get("sources")
    store.finish_run(
        result.run_id,
        status=status,
        articles_fetched=crawl_counts.get("articles_fetched", 0),
        articles_new=result.new_articles,
        articles_processed=(result.process or {}).get("articles_processed", 0),
        facts_written=(result.process or {}).get("facts_written", 0),
        crawl_run_id=(result.crawl or {}).get("id"),
        crawl_status=(result.crawl or {}).get("status"),
        crawl={k: v for k, v in crawl_counts.items() if k != "sources"},
        sources=sources if isinstance(sources, dict) else {name: None for name in sources or []},
        process=result.process,
        relevance=result.relevance,
        stories=result.stories,
        failed_sources=result.failed_sources,
        errors=result.errors,
        reports=[str(p) for p in result.reports],
        exit_code=result.exit_code,
        since_article_id=since_id,
        **({"nodes": result.nodes} if result.nodes else {}),
    )


# -- command line -----------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``nightly`` options (``--db`` and ``-q`` come from pipeline.py's common options)."""
    parser.add_argument("--sources", help="comma-separated source names (default: all)")
    parser.add_argument("--sources-file", type=Path, help="a sources registry (default: crawler/sources.toml)")
    parser.add_argument("--since", help="skip articles published before this date (YYYY-MM-DD)")
    parser.add_argument("--timeout", type=int, help="stop the crawl after this many seconds")
    parser.add_argument("--reports-dir", type=Path, default=Path("reports"),
                        help="where the night report goes (default: %(default)s)")
    parser.add_argument("--nodes", metavar="URL,URL",
                        help="crawl on these scrapyd nodes (base URLs, e.g. http://crawl1.internal:6800) instead of "
                             "here: the sources are split between them, each node's shard is merged into --db, "
                             "then process, signals and the report run here (docs/SCALE.md)")
    parser.add_argument("--node-db", default=None,
                        help="the nodes' own database, relative to each scrapyd daemon's directory "
                             "(default: data/node.db)")
    parser.add_argument("--project", default=None,
                        help="the scrapyd project the crawler was deployed as (default: vn-local-press)")
    parser.add_argument("--wait", type=float, metavar="SECONDS", default=0,
                        help="wait this long for another writer of the database to finish (default: stop at once, "
                             "exit 75)")


def cmd_nightly(args: argparse.Namespace) -> int:
    """Run the night; print its summary as JSON; exit 0/1/2, or 75 when another run holds the lock."""
    names = [n.strip() for n in args.sources.split(",") if n.strip()] if args.sources else None
    try:
        nodes = [n.strip() for n in args.nodes.split(",") if n.strip()] if getattr(args, "nodes", None) else None
        result = run_nightly(args.db, sources_file=args.sources_file, names=names, since=args.since,
                             reports_dir=args.reports_dir, timeout=args.timeout,
                             progress=not getattr(args, "quiet", False), wait=getattr(args, "wait", 0),
                             nodes=nodes, node_db=getattr(args, "node_db", None),
                             project=getattr(args, "project", None))
    except AlreadyRunning as exc:
        log.error("%s", exc)
        return EXIT_LOCKED
    sys.stdout.write(json.dumps(result.summary(), ensure_ascii=False, indent=2, default=str) + "\n")
    return result.exit_code


def main(argv: list[str] | None = None) -> int:
    """``python -m monitor.nightly``: the same as ``pipeline.py nightly``."""
    parser = argparse.ArgumentParser(prog="python -m monitor.nightly", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("data/news.db"), help="SQLite database (default: %(default)s)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return cmd_nightly(args)


if __name__ == "__main__":
    raise SystemExit(main())
