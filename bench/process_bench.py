"""Processing benchmark: the process step against underthesea's own costs, on the same texts.

Three measurements over one set of ``--articles`` distinct articles (the 30 bundled demo articles
varied as in the crawl benchmark: paragraph order, title, date, id), each in a fresh child process
whose memory is sampled (the summed RSS of the process and its children, every 20 ms; pages
forked workers share with their parent are counted in each, so this overstates (c)):

(a) ``tokenize``: ``underthesea.word_tokenize`` on every sentence, one after another: the floor
    for any pipeline that segments Vietnamese words. Sentences are cut beforehand exactly as the
    pipeline cuts them (``sent_tokenize`` per line); the model is loaded before the clock starts.
(b) ``ner``: ``underthesea.ner`` on every sentence: what a user would otherwise run to find
    people and places. Model loaded before the clock starts.
(c) ``process``: ``pipeline.py process`` end to end (interpreter start, imports, model loading,
    reading, extracting, writing every fact) into a fresh SQLite file holding the raw articles.

(a) and (c) are short runs on a machine that may be shared: each is run ``--repeat`` times (3),
interleaved, and the median is reported with every run's time; (b) runs for over a minute and
once. (c) is run again at each ``--scales`` multiple of the article count, to show the cost per
article stays flat as the work grows. Results go to ``--out`` (JSON) and a table on stdout.

Usage: ``python -m bench.process_bench [--articles 1000] [--scales 1,2,4] [--repeat 3] [--out FILE]``.
Not part of pytest: timings are never pass/fail tests.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench.crawl_bench import machine, make_articles

log = logging.getLogger("bench.process")

ROOT = Path(__file__).resolve().parent.parent
# Targets of issue 11 (tightened from issue 6's 2.0 and 10): (c) ≤ 1.0 × (a), (b) ≥ 15 × (c), (c) under 1 GiB.
MAX_PROCESS_OVER_TOKENIZE = 1.0
MIN_NER_OVER_PROCESS = 15.0
MAX_PROCESS_PEAK_MB = 1024.0
SAMPLE_SECONDS = 0.02


def article_text(article: Any) -> str:
    """The main text as the crawler stores it: lead, a blank line, then the body paragraphs."""
    return article.lead + "\n\n" + "\n".join(article.body)


def build_database(db_path: Path, count: int) -> int:
    """A fresh database holding ``count`` raw (unprocessed) articles; returns how many."""
    from db.store import Store

    with Store(db_path) as store:
        for article in make_articles(count):
            store.add_article({
                "url": f"https://bench.invalid/{article.section}/{article.slug}-{article.id}.html",
                "site": "bench.invalid",
                "province": article.province,
                "title": article.title,
                "published": article.published,
                "author": article.author,
                "text": article_text(article),
            })
        return store.article_count()


def database_sentences(db_path: Path) -> list[str]:
    """Every sentence of the stored texts, cut as the pipeline cuts them."""
    from nlp.document import _split_sentences

    con = sqlite3.connect(db_path)
    try:
        texts = [row[0] for row in con.execute("SELECT text FROM articles ORDER BY id")]
    finally:
        con.close()
    return [text[s:e] for text in texts for s, e in _split_sentences(text)]


# -- measuring in a child process ---------------------------------------------------------------


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``cmd``; return (wall seconds, peak summed RSS of its process tree in MB, stdout).

    The sampler must not steal much CPU from what it measures (two cores here): it reads the
    RSS of the processes it knows every 20 ms and looks for new children every 200 ms.
    """
    start = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, **(env or {})})
    root = psutil.Process(child.pid)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        procs: list[psutil.Process] = [root]
        tick = 0
        while not stop.is_set():
            if tick % 10 == 0:
                try:
                    procs = [root, *root.children(recursive=True)]
                except psutil.Error:
                    procs = [root]
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    continue
            peak = max(peak, total)
            tick += 1
            stop.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {child.returncode}:\n{err[-3000:]}")
    return wall, peak / 2**20, out


def _measure_child(kind: str, sentences_file: str) -> None:
    """In the child: time one underthesea function over every sentence; print JSON seconds."""
    sentences = json.loads(Path(sentences_file).read_text(encoding="utf-8"))
    if kind == "tokenize":
        from underthesea import word_tokenize as fn
    elif kind == "ner":
        from underthesea import ner as fn
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    fn("Xã Đông Giang tiếp nhận 171 hồ sơ.")  # load the model before the clock starts
    start = time.perf_counter()
    for sentence in sentences:
        fn(sentence)
    print(json.dumps({"seconds": time.perf_counter() - start, "sentences": len(sentences)}))


def measure_underthesea(kind: str, sentences_file: Path) -> dict[str, float]:
    """(a) or (b): seconds inside the loop, and the child's peak memory."""
    _wall, peak, out = run_measured([sys.executable, "-m", "bench.process_bench", "_measure", kind,
                                     str(sentences_file)])
    return {"seconds": json.loads(out.strip().splitlines()[-1])["seconds"], "peak_mb": peak}


def measure_process(db_path: Path, workers: int | None) -> dict[str, float]:
    """(c): wall seconds of ``pipeline.py process`` on ``db_path``, and its tree's peak memory."""
    env = {"VN_LOCAL_PRESS_WORKERS": str(workers)} if workers else None
    wall, peak, out = run_measured([sys.executable, "pipeline.py", "process", "--db", str(db_path), "-q"], env)
    counts = json.loads(out.strip().splitlines()[-1])
    if counts.get("failed"):
        raise RuntimeError(f"process failed on {counts['failed']} articles")
    return {"seconds": wall, "peak_mb": peak, **counts}


def fact_counts(db_path: Path) -> dict[str, int]:
    con = sqlite3.connect(db_path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("units", "officials", "dossiers", "percentages")}
    finally:
        con.close()


# -- the benchmark ------------------------------------------------------------------------------


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median time (the lower middle one of an even count); peak memory is the
    highest of all runs, and every run's seconds are kept."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    middle = dict(ordered[(len(ordered) - 1) // 2])
    middle["peak_mb"] = max(r["peak_mb"] for r in runs)
    middle["runs_s"] = [round(r["seconds"], 3) for r in runs]
    return middle


def run_bench(articles: int, scales: list[int], workers: int | None, repeat: int = 3) -> dict[str, Any]:
    """Measure (a), (b) and (c); (a) and (c) ``repeat`` times each, interleaved, median kept."""
    with tempfile.TemporaryDirectory(prefix="process-bench-") as tmp:
        tmpdir = Path(tmp)
        base_db = tmpdir / "base.db"
        stored = build_database(base_db, articles)
        sentences = database_sentences(base_db)
        sentences_file = tmpdir / "sentences.json"
        sentences_file.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
        syllables = sum(len(s.split()) for s in sentences)
        log.info("%d articles, %d sentences, %d syllables", stored, len(sentences), syllables)

        # The short runs, (a) and (c) on the base set, are repeated and interleaved, so that a
        # burst of load from elsewhere on a shared machine moves one run, not the result.
        tokenize_runs, process_runs = [], []
        facts: dict[str, int] = {}
        for k in range(repeat):
            log.info("(a) word_tokenize per sentence, run %d/%d …", k + 1, repeat)
            tokenize_runs.append(measure_underthesea("tokenize", sentences_file))
            db_path = tmpdir / f"process-1x-{k}.db"
            shutil.copy(base_db, db_path)
            log.info("(c) pipeline.py process, %d articles, run %d/%d …", stored, k + 1, repeat)
            process_runs.append(measure_process(db_path, workers))
            facts = fact_counts(db_path)
        tokenize = _median_run(tokenize_runs)
        process = {**_median_run(process_runs), "facts": facts}
        log.info("(b) ner per sentence (once: it runs for minutes) …")
        ner = measure_underthesea("ner", sentences_file)

        scaling = []
        for scale in scales:
            if scale == 1:
                got, count = process, stored
            else:
                db_path = tmpdir / f"process-{scale}x.db"
                count = build_database(db_path, articles * scale)
                log.info("(c) pipeline.py process, %d articles …", count)
                got = measure_process(db_path, workers)
            scaling.append({
                "scale": scale, "articles": count, "process_s": round(got["seconds"], 3),
                "ms_per_article": round(1000 * got["seconds"] / count, 3), "peak_mb": round(got["peak_mb"], 1),
                "facts_written": got["facts_written"],
            })

    tokenize_s, ner_s, process_s = tokenize["seconds"], ner["seconds"], process["seconds"]
    # The slope between the smallest and largest runs: the cost of one more article, startup aside.
    marginal = None
    if len(scaling) >= 2 and scaling[-1]["articles"] > scaling[0]["articles"]:
        marginal = 1000 * (scaling[-1]["process_s"] - scaling[0]["process_s"]) / (
            scaling[-1]["articles"] - scaling[0]["articles"])
    ratios = {
        "process_over_tokenize": round(process_s / tokenize_s, 3),
        "ner_over_process": round(ner_s / process_s, 3),
        "ner_over_tokenize": round(ner_s / tokenize_s, 3),
    }
    return {
        "articles": stored,
        "sentences": len(sentences),
        "syllables": syllables,
        "tokenize_s": round(tokenize_s, 3),
        "ner_s": round(ner_s, 3),
        "process_s": round(process_s, 3),
        "tokenize_runs_s": tokenize["runs_s"],
        "process_runs_s": process["runs_s"],
        "tokenize_peak_mb": round(tokenize["peak_mb"], 1),
        "ner_peak_mb": round(ner["peak_mb"], 1),
        "process_peak_mb": round(process["peak_mb"], 1),
        "ratios": ratios,
        "targets": {
            "process_over_tokenize_max": MAX_PROCESS_OVER_TOKENIZE,
            "ner_over_process_min": MIN_NER_OVER_PROCESS,
            "process_peak_mb_max": MAX_PROCESS_PEAK_MB,
            "met": ratios["process_over_tokenize"] <= MAX_PROCESS_OVER_TOKENIZE
            and ratios["ner_over_process"] >= MIN_NER_OVER_PROCESS
            and process["peak_mb"] < MAX_PROCESS_PEAK_MB,
        },
        "process_facts": process["facts"],
        "process_workers": workers or _default_workers(),
        "scaling": scaling,
        "marginal_ms_per_article": round(marginal, 3) if marginal is not None else None,
        "machine": machine(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _default_workers() -> int:
    """The worker count ``pipeline.py process`` picks by itself on this machine."""
    try:
        from nlp.process import default_workers
    except ImportError:  # a version of the pipeline that ran in one process
        return 1
    return default_workers()


def format_table(r: dict[str, Any]) -> str:
    n = r["articles"]
    lines = [
        f"{n} articles, {r['sentences']} sentences, {r['syllables']} syllables; "
        f"{r['machine']['cpus']} CPUs, Python {r['machine']['python']}; "
        f"(c) on {r['process_workers']} worker process(es)",
        "",
        f"{'measurement':44s} {'wall s':>8s} {'ms/article':>11s} {'peak MB':>8s}",
        f"{'(a) underthesea word_tokenize, per sentence':44s} {r['tokenize_s']:8.2f} "
        f"{1000 * r['tokenize_s'] / n:11.2f} {r['tokenize_peak_mb']:8.0f}",
        f"{'(b) underthesea ner, per sentence':44s} {r['ner_s']:8.2f} "
        f"{1000 * r['ner_s'] / n:11.2f} {r['ner_peak_mb']:8.0f}",
        f"{'(c) pipeline.py process, end to end':44s} {r['process_s']:8.2f} "
        f"{1000 * r['process_s'] / n:11.2f} {r['process_peak_mb']:8.0f}",
        f"(a) and (c): median of {len(r['process_runs_s'])} runs; (a) runs "
        f"{', '.join(f'{x:.2f}' for x in r['tokenize_runs_s'])} s, (c) runs "
        f"{', '.join(f'{x:.2f}' for x in r['process_runs_s'])} s",
        "",
        f"(c)/(a) = {r['ratios']['process_over_tokenize']:.2f}   (target ≤ {MAX_PROCESS_OVER_TOKENIZE:.1f})",
        f"(b)/(c) = {r['ratios']['ner_over_process']:.2f}   (target ≥ {MIN_NER_OVER_PROCESS:.0f})",
        f"peak memory of (c) = {r['process_peak_mb']:.0f} MB   (target < {MAX_PROCESS_PEAK_MB:.0f} MB)",
        "",
        f"{'scale':>5s} {'articles':>9s} {'process s':>10s} {'ms/article':>11s} {'peak MB':>8s}",
    ]
    for row in r["scaling"]:
        lines.append(f"{row['scale']:>4d}× {row['articles']:9d} {row['process_s']:10.2f} "
                     f"{row['ms_per_article']:11.2f} {row['peak_mb']:8.0f}")
    if r.get("marginal_ms_per_article") is not None:
        lines.append(f"marginal cost (slope from the smallest to the largest run): "
                     f"{r['marginal_ms_per_article']:.2f} ms/article")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_measure"]:
        _measure_child(argv[1], argv[2])
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.process_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles in the set (default 1000)")
    parser.add_argument("--scales", default="1,2,4", help="multiples of --articles for the scaling runs of (c)")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes for (c) (default: the pipeline's, one per CPU)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of (a) and of (c) on the base set; the median is reported (default 3)")
    parser.add_argument("--out", type=Path, default=None, help="write the results here (JSON)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    try:
        scales = sorted({int(x) for x in args.scales.split(",") if x.strip()})
    except ValueError:
        parser.error(f"--scales must be comma-separated integers, got {args.scales!r}")
    if not scales or min(scales) < 1:
        parser.error("--scales must be positive integers")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    result = run_bench(args.articles, scales, args.workers, args.repeat)
    print(format_table(result))
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        log.info("results written to %s", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
