"""Run the `news` spider from Python in a child process and return the run's counts.

A child process, not ``CrawlerProcess`` in this one: Twisted's reactor cannot be restarted, so a
second crawl in the same process (a nightly loop, or a test that crawls twice) would fail.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_TAIL_LINES = 40


def _setting_value(value: Any) -> str:
    """``-s KEY=VALUE`` text Scrapy parses back (bools as True/False, containers as JSON)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, dict | list | tuple):
        return json.dumps(value)
    return str(value)


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _latest_run(db_path: Path) -> dict[str, Any] | None:
    if not db_path.exists():
        return None
    from db.store import Store

    store = Store(db_path)
    try:
        return store.latest_run("crawl")
    finally:
        store.close()


def run_crawl(
    db_path: Path | str,
    sources: list[dict] | None = None,
    sources_file: Path | str | None = None,
    names: list[str] | None = None,
    settings: dict[str, Any] | None = None,
    log_file: Path | str | None = None,
    since: str | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Crawl into the SQLite file *db_path*; return the new ``runs`` row (kind "crawl") as a dict.

    *sources* (registry dicts, validated like the TOML) take precedence over *sources_file*
    (default: the bundled registry); *names* restricts the crawl to those sources; *settings* are
    passed as ``-s KEY=VALUE``.  The Scrapy log goes to *log_file* (a temporary file otherwise).
    Raises RuntimeError with the tail of the log when the child fails or records no run.
    """
    db_path = Path(db_path).resolve()
    before = _latest_run(db_path)
    with tempfile.TemporaryDirectory(prefix="crawl-") as tmp:
        if sources is not None:
            from crawler.registry import parse_sources

            parse_sources(sources, "sources argument")  # fail here, with a clear message
            sources_file = Path(tmp) / "sources.json"
            sources_file.write_text(json.dumps({"source": sources}, ensure_ascii=False), encoding="utf-8")
        log_path = Path(log_file).resolve() if log_file else Path(tmp) / "crawl.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)

        cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"NEWS_DB={db_path}"]
        cmd += ["-s", f"LOG_FILE={log_path}"]
        for key, value in (settings or {}).items():
            cmd += ["-s", f"{key}={_setting_value(value)}"]
        if sources_file:
            cmd += ["-a", f"sources_file={Path(sources_file).resolve()}"]
        if names:
            cmd += ["-a", f"sources={','.join(names)}"]
        if since:
            cmd += ["-a", f"since={since}"]

        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
        env.pop("SCRAPY_SETTINGS_MODULE", None)  # scrapy.cfg in PROJECT_ROOT decides
        logger.info("crawl: %s", " ".join(cmd))
        try:
            proc = subprocess.run(
                cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"crawl timed out after {timeout} s; log tail:\n{_tail(log_path)}") from exc
        if proc.returncode != 0:
            raise RuntimeError(
                f"crawl failed (exit {proc.returncode}); log tail:\n{_tail(log_path)}\n"
                f"stderr tail:\n{proc.stderr[-3000:]}"
            )
        run = _latest_run(db_path)
        if run is None or (before is not None and run["id"] == before["id"]) or not run.get("finished_at"):
            raise RuntimeError(f"crawl recorded no finished run in {db_path}; log tail:\n{_tail(log_path)}")
        return run
