"""Run the `news` spider from Python in a child process and return the run's counts.

A child process, not ``CrawlerProcess`` in this one: Twisted's reactor cannot be restarted, so a
second crawl in the same process (a nightly loop, or a test that crawls twice) would fail.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
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


def _jobdir_usable(jobdir: Path) -> bool:
    """Whether Scrapy can load the job state left in *jobdir* (absent counts as usable).

    A crawl killed uncleanly can leave a truncated ``spider.state`` pickle or ``active.json``; Scrapy
    then fails at start-up.  Only the state files are checked: a stale queue is harmless, since
    the seen-URL store and the guard middleware skip whatever it replays.
    """
    state = jobdir / "spider.state"
    try:
        if state.exists():
            with state.open("rb") as fh:
                pickle.load(fh)  # noqa: S301 - our own file, written by Scrapy's SpiderState
        for active in jobdir.glob("requests.queue/active.json"):
            json.loads(active.read_text(encoding="utf-8"))
    except Exception as exc:  # any unreadable state means the same: start fresh
        logger.warning("job dir %s is unreadable (%r)", jobdir, exc)
        return False
    return True


def _reset_jobdir(jobdir: Path) -> None:
    logger.warning("deleting job dir %s and starting the crawl fresh (the store prevents refetches)", jobdir)
    shutil.rmtree(jobdir, ignore_errors=True)


def crawl_command(
    db_path: Path | str,
    work_dir: Path | str,
    sources: list[dict] | None = None,
    sources_file: Path | str | None = None,
    names: list[str] | None = None,
    settings: dict[str, Any] | None = None,
    log_file: Path | str | None = None,
    since: str | None = None,
    jobdir: Path | str | None = None,
) -> tuple[list[str], dict[str, str], Path]:
    """``(argv, env, log_path)`` of the child ``scrapy crawl news`` (arguments as ``run_crawl``).

    *work_dir* must outlive the child: a registry given as *sources* is written there.  Exposed so
    that a caller can own the process (``start_crawl``), e.g. to interrupt it.
    """
    db_path = Path(db_path).resolve()
    work_dir = Path(work_dir)
    if sources is not None:
        from crawler.registry import parse_sources

        parse_sources(sources, "sources argument")  # fail here, with a clear message
        sources_file = work_dir / "sources.json"
        sources_file.write_text(json.dumps({"source": sources}, ensure_ascii=False), encoding="utf-8")
    log_path = Path(log_file).resolve() if log_file else work_dir / "crawl.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)

    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"NEWS_DB={db_path}"]
    cmd += ["-s", f"LOG_FILE={log_path}"]
    if jobdir:
        cmd += ["-s", f"JOBDIR={Path(jobdir).resolve()}"]
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
    return cmd, env, log_path


def start_crawl(db_path: Path | str, work_dir: Path | str, **kwargs: Any) -> subprocess.Popen[str]:
    """Start the crawl child without waiting (arguments as ``crawl_command``); the caller waits,
    interrupts or kills it.  A *jobdir* whose state is unreadable is deleted first."""
    if kwargs.get("jobdir") and not _jobdir_usable(Path(kwargs["jobdir"])):
        _reset_jobdir(Path(kwargs["jobdir"]))
    cmd, env, _ = crawl_command(db_path, work_dir, **kwargs)
    logger.info("crawl: %s", " ".join(cmd))
    return subprocess.Popen(
        cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def run_crawl(
    db_path: Path | str,
    sources: list[dict] | None = None,
    sources_file: Path | str | None = None,
    names: list[str] | None = None,
    settings: dict[str, Any] | None = None,
    log_file: Path | str | None = None,
    since: str | None = None,
    timeout: float | None = None,
    jobdir: Path | str | None = None,
) -> dict[str, Any]:
    """Crawl into the SQLite file *db_path*; return the new ``runs`` row (kind "crawl") as a dict.

    *sources* (registry dicts, validated like the TOML) take precedence over *sources_file*
    (default: the bundled registry); *names* restricts the crawl to those sources; *settings* are
    passed as ``-s KEY=VALUE``.  The Scrapy log goes to *log_file* (a temporary file otherwise).
    *jobdir* (Scrapy's JOBDIR) lets an interrupted crawl resume its request queue; when the job
    state left by an unclean kill cannot be loaded, it is deleted (warning) and the crawl starts
    fresh: nothing is lost, as the store's seen URLs keep stored articles from being refetched.
    Raises RuntimeError with the tail of the log when the child fails or records no run.
    """
    db_path = Path(db_path).resolve()
    jobdir_path = Path(jobdir).resolve() if jobdir else None
    resumed = bool(jobdir_path and jobdir_path.exists())
    before = _latest_run(db_path)
    with tempfile.TemporaryDirectory(prefix="crawl-") as tmp:
        kwargs: dict[str, Any] = {
            "sources": sources,
            "sources_file": sources_file,
            "names": names,
            "settings": settings,
            "log_file": log_file,
            "since": since,
            "jobdir": jobdir_path,
        }
        proc = start_crawl(db_path, tmp, **kwargs)
        log_path = Path(log_file).resolve() if log_file else Path(tmp) / "crawl.log"
        returncode, stderr = _wait(proc, timeout, log_path)
        if returncode != 0 and resumed and jobdir_path is not None:
            logger.warning(
                "crawl resumed from %s failed (exit %s); retrying without the job state", jobdir_path, returncode
            )
            _reset_jobdir(jobdir_path)
            before = _latest_run(db_path)
            proc = start_crawl(db_path, tmp, **kwargs)
            returncode, stderr = _wait(proc, timeout, log_path)
        if returncode != 0:
            raise RuntimeError(
                f"crawl failed (exit {returncode}); log tail:\n{_tail(log_path)}\n"
                f"stderr tail:\n{stderr[-3000:]}"
            )
        run = _latest_run(db_path)
        if run is None or (before is not None and run["id"] == before["id"]) or not run.get("finished_at"):
            raise RuntimeError(f"crawl recorded no finished run in {db_path}; log tail:\n{_tail(log_path)}")
        return run


def _wait(proc: subprocess.Popen[str], timeout: float | None, log_path: Path) -> tuple[int, str]:
    """Wait for the child; on *timeout* kill it and raise RuntimeError with the log tail."""
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.communicate()
        raise RuntimeError(f"crawl timed out after {timeout} s; log tail:\n{_tail(log_path)}") from exc
    return proc.returncode, stderr or ""
