"""The process step: stored articles → extracted facts → fact tables, with provenance.

Reads raw articles from the store, runs the extractors, and writes each fact with the sentence
it came from and its char offsets into ``articles.text``. Articles already processed are skipped
unless ``reprocess`` is set, so running the step twice leaves the database as it was.

Extraction is pure (an article's rows depend on its text and metadata only), so it runs in worker
processes: the parent loads the models, forks the workers (they share its memory pages), hands
them articles in batches, and writes the rows back in article order, in large transactions whose
make-up does not depend on the number of workers. The database is therefore the same whether one
process or several did the work (``tests/test_process_parallel.py``).
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from nlp import EXTRACTOR_VERSION
from nlp.extract import Extraction, extract_article, warm_up
from nlp.facts import Fact
from nlp.progress import Progress

log = logging.getLogger(__name__)

__all__ = ["process_articles", "fact_rows", "default_workers"]


def _provenance(fact: Fact, extraction: Extraction) -> dict[str, Any]:
    sentence = extraction.adoc.sentence_at(fact.start) if extraction.adoc.sentences else None
    return {
        "start": fact.start,
        "end": fact.end,
        "sentence_index": sentence.index if sentence else fact.sentence,
        "sentence": sentence.text if sentence else None,
    }


def _json_or_none(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None


def _at(values: Any, i: int) -> Any:
    return values[i] if isinstance(values, list | tuple) and i < len(values) else None


def _figure_context(d: dict[str, Any]) -> dict[str, Any]:
    """The scope and period columns of a dossier or percentage row (spec v2 §5, ``nlp.anchoring``)."""
    scope = d.get("scope") or {}
    period = d.get("period") or {}
    span = d.get("_period_span") or (None, None)
    return {
        "scope_type": scope.get("type"), "scope_name": scope.get("name"), "scope_code": d.get("_scope_code"),
        "period_start": period.get("start"), "period_end": period.get("end"),
        "period_phrase_start": span[0], "period_phrase_end": span[1],
    }


def fact_rows(extraction: Extraction) -> dict[str, list[dict[str, Any]]]:
    """Database rows for one article's facts, keyed by table (``n`` = rank in the article)."""
    rows: dict[str, list[dict[str, Any]]] = {
        "units": [], "officials": [], "official_titles": [], "dossiers": [], "percentages": [],
    }
    for n, fact in enumerate(extraction.facts.get("units", [])):
        d = fact.data
        rows["units"].append({
            "n": n, "type": d.get("type"), "name": d.get("name"), "province": d.get("province"),
            "code": d.get("_code"), "is_old": int(bool(d.get("_old"))),
            "candidates": _json_or_none(d.get("_candidates")),
            "successors": _json_or_none(d.get("_successors")),
            **_provenance(fact, extraction),
        })
    for n, fact in enumerate(extraction.facts.get("officials", [])):
        d = fact.data
        titles = list(d.get("titles") or [])
        rows["officials"].append({
            "n": n, "name": d.get("name"), "titles": json.dumps(titles, ensure_ascii=False),
            **_provenance(fact, extraction),
        })
        for i, title in enumerate(titles):
            rows["official_titles"].append({
                "official_n": n, "n": i, "title": title,
                "role": _at(d.get("_roles"), i), "organisation": _at(d.get("_organisations"), i),
                "place": _at(d.get("_places"), i), "place_from": _at(d.get("_place_from"), i),
            })
    for n, fact in enumerate(extraction.facts.get("dossiers", [])):
        d = fact.data
        rows["dossiers"].append({
            "n": n, "count": d.get("count"), "kind": d.get("kind"), "channel": d.get("channel"),
            "total": d.get("total"), "qualifier": d.get("qualifier"), **_figure_context(d),
            **_provenance(fact, extraction),
        })
    for n, fact in enumerate(extraction.facts.get("percentages", [])):
        d = fact.data
        rows["percentages"].append({
            "n": n, "value": d.get("value"), "qualifier": d.get("qualifier"),
            "indicator": d.get("indicator"), "subject": d.get("subject"), **_figure_context(d),
            **_provenance(fact, extraction),
        })
    return rows


# Articles per task handed to a worker: large enough that pickling is noise, small enough that
# the two cores finish together.
TASK_SIZE = 8
# Articles per database transaction (and per window of work in flight): the same whatever the
# number of workers, so that the database is too.
WRITE_BATCH = 256
# Below this many articles a pool costs more than it saves.
MIN_PARALLEL = 64


# Each worker holds its own copy of what it touches (about 150–200 MB resident): more than four
# would buy little on a night's work and risk the memory of a small server.
MAX_DEFAULT_WORKERS = 4


def default_workers() -> int:
    """Worker processes to use: one per CPU this process may run on, at most
    ``MAX_DEFAULT_WORKERS``; ``VN_LOCAL_PRESS_WORKERS`` overrides."""
    env = os.environ.get("VN_LOCAL_PRESS_WORKERS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            log.warning("VN_LOCAL_PRESS_WORKERS=%r is not a number; using the CPU count", env)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_DEFAULT_WORKERS))


def _meta(article: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": article["id"], "url": article["url"], "title": article["title"],
        "date": article["published"], "site": article["site"], "province": article["source_province"],
    }


def _extract_rows(article: dict[str, Any]) -> tuple[int, dict[str, list[dict[str, Any]]] | None]:
    """One article's fact rows, or ``None`` when extraction failed (logged, with its URL)."""
    try:
        # ``Store.add_article`` normalised the text when it stored it; facts point into that text.
        extraction = extract_article(article["text"], _meta(article), normalized=True)
        return article["id"], fact_rows(extraction)
    except Exception:  # keep going: one bad article must not stop the night's run
        log.exception("processing article %s (%s) failed", article["id"], article["url"])
        return article["id"], None


def _extract_task(task: list[dict[str, Any]]) -> list[tuple[int, dict[str, list[dict[str, Any]]] | None]]:
    return [_extract_rows(article) for article in task]


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _windows(articles: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """The articles ``size`` at a time: what is in flight, and what one transaction writes."""
    it = iter(articles)
    while window := list(islice(it, size)):
        yield window


def process_articles(
    store: Any, reprocess: bool = False, progress: bool = True, workers: int | None = None
) -> dict[str, int]:
    """Extract facts for the articles that need it; record the run; return its counts.

    ``workers`` processes extract in parallel (default: one per CPU; 1 runs everything here).
    Articles are read, extracted and written a window of ``WRITE_BATCH`` at a time, so memory
    stays flat however many articles wait, and an interrupted run keeps every finished window.
    """
    run_id = store.start_run("process")
    total = store.count_to_process(reprocess, older_than=EXTRACTOR_VERSION)
    workers = default_workers() if workers is None else max(1, workers)
    if total < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
        workers = 1
    processed = failed = written = 0
    status = "ok"
    pool = None
    try:
        warm_up()  # load models, gazetteer and matchers once, before any fork
        log.debug("process: models loaded")
        if total >= MIN_PARALLEL:
            # Move everything alive now (the models, gazetteer and matchers) out of the collector's
            # reach: each collection during extraction then skips them, forked workers keep
            # sharing their pages with this process, and the final collection at exit skips them
            # (a third of a second). They live as long as the process anyway; it is not undone.
            gc.collect()
            gc.freeze()
        if workers > 1:
            pool = multiprocessing.get_context("fork").Pool(workers)
            log.info("process: %d articles on %d worker processes", total, workers)
        bar = Progress(total, "process", "article", enabled=progress)

        def write(results: list[list[tuple[int, dict[str, list[dict[str, Any]]] | None]]]) -> None:
            nonlocal processed, failed, written
            done = [(aid, rows) for task in results for aid, rows in task if rows is not None]
            count = sum(len(task) for task in results)
            failed += count - len(done)
            written += store.save_facts_many(done, EXTRACTOR_VERSION)
            processed += len(done)
            bar.update(count)
            log.debug("process: %d articles written (%d so far)", len(done), processed)

        with bar:
            in_flight = None  # the previous window, being extracted while this one is written
            for window in _windows(store.articles_to_process(reprocess, older_than=EXTRACTOR_VERSION), WRITE_BATCH):
                tasks = list(_chunks(window, TASK_SIZE))
                if pool is None:
                    write([_extract_task(task) for task in tasks])
                    continue
                submitted = pool.map_async(_extract_task, tasks, chunksize=1)
                if in_flight is not None:
                    write(in_flight.get())
                in_flight = submitted
            if in_flight is not None:
                write(in_flight.get())
        # Officials as people across articles: rebuilt from the rows just written (``db.people``).
        if processed or reprocess:
            from db.people import link_people

            link_people(store.db)
    except BaseException:
        status = "interrupted"
        raise
    finally:
        if pool is not None:
            pool.terminate() if status == "interrupted" else pool.close()
            pool.join()
        store.finish_run(
            run_id, status=status if not failed else "partial", articles_processed=processed,
            facts_written=written, failed=failed, extractor_version=EXTRACTOR_VERSION,
        )
    return {"articles_processed": processed, "facts_written": written, "failed": failed}
