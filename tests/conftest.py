"""Shared fixtures: paths to the project's own data and to ``../shared`` when it is there."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (dev gold, real pages); tests that need it skip, saying why, where it is absent."""
    if not (SHARED / "dev" / "gold.jsonl").is_file():
        pytest.skip(f"{SHARED} is not beside this checkout: the dev gold and real pages live there (CI has it)")
    return SHARED


# Crawl settings for tests against sites served on 127.0.0.1: no politeness delays.
FAST_CRAWL = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}
# The same for sites that fail on purpose: a failure is counted at once, not retried.
FAULT_CRAWL = {**FAST_CRAWL, "RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 10}


def child_env(crash_at: str | None = None) -> dict[str, str]:
    """This process's environment for a child, which dies at the crash point *crash_at* (``db.faults``)
    or at none."""
    from db.faults import ENV

    env = {k: v for k, v in os.environ.items() if k != ENV}
    if crash_at:
        env[ENV] = crash_at
    return env


def run_python(*args: str, cwd: Path = ROOT, stdin: str | None = None,
               crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in a child process (killed at *crash_at*, if given); its output captured as text."""
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True, cwd=cwd,
                          env=child_env(crash_at), timeout=600)


def run_pipeline(*args: str, cwd: Path = ROOT, stdin: str | None = None,
                 crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    """``pipeline.py ARGS`` in a child process, as a user runs it; its output captured as text."""
    return run_python(str(ROOT / "pipeline.py"), *args, cwd=cwd, stdin=stdin, crash_at=crash_at)


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes: tests compare it to prove a command left the file as it was."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def facts_by_url(db_path: Path) -> dict[str, list[tuple]]:
    """Every fact row of a database but its article and person ids (numbered differently in each
    database), with the article's URL first, sorted: two databases holding the same articles with
    the same facts give the same value."""
    import sqlite3

    from db.schema import FACT_TABLES

    conn = sqlite3.connect(db_path)
    try:
        out = {}
        for table in FACT_TABLES:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                       if r[1] not in ("article_id", "person_id")]
            rows = conn.execute(f"SELECT a.url, {', '.join('f.' + c for c in columns)} FROM {table} f "
                                "JOIN articles a ON a.id = f.article_id").fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        conn.close()


def store_demo_articles(path: Path) -> Path:
    """The demo articles stored in a database at ``path`` without a crawl, none processed."""
    from db.store import Store
    from demo.content import load_articles

    with Store(path) as store:
        for art in load_articles():
            store.add_article({"url": art.url("https://demo.example"), "site": "demo", "title": art.title,
                               "published": art.published, "text": art.text, "province": art.province})
    return path


@pytest.fixture(scope="session")
def demo_site() -> Iterator[str]:
    """The bundled sample paper, served on 127.0.0.1 once for the whole session; its base URL."""
    from demo.server import serve_demo_site

    with serve_demo_site() as base_url:
        yield base_url


def build_demo_db(db_path: Path, base_url: str) -> dict[str, Any]:
    """Crawl the served demo site into ``db_path`` with the real spider and process it, as
    ``pipeline.py demo`` does; each test module builds its own file so none sees another's runs."""
    from crawler.run import run_crawl
    from db.store import Store
    from demo.server import demo_source
    from nlp.process import process_articles

    crawl = run_crawl(db_path, sources=[demo_source(base_url)], names=["demo"], settings=FAST_CRAWL)
    with Store(db_path) as store:
        processed = process_articles(store, progress=False)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"db": db_path, "crawl": crawl, "processed": processed}


def project_texts() -> list[str]:
    """Every article text the project ships: the demo articles and our two gold sets (raw)."""
    import json

    from demo.content import load_articles

    texts = [a.lead + "\n\n" + "\n".join(a.body) for a in load_articles()]
    for name in ("own_gold", "blind_gold"):
        for line in (ROOT / "tests" / "data" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts
