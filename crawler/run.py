"""Run the `news` spider from Python in a child process and return the run's counts.

A child process, not ``CrawlerProcess`` in this one: Twisted's reactor cannot be restarted, so a
second crawl in the same process (a nightly loop, or a test that crawls twice) would fail.

The parent opens the crawl's ``runs`` row and hands its id to the child (setting
``NEWS_RUN_ID``), so it reads back its own row, never another crawl's newer one.  The registry is
validated here, before any child starts: a bad sources file is one line (``SourceError``), not a
child's traceback.  A time limit is Scrapy's own first (``CLOSESPIDER_TIMEOUT``: the spider stops
scheduling, finishes what is in flight and closes its row as ``timeout`` with its counts); only a
child still running after a grace period gets SIGTERM (Scrapy's graceful shutdown), then SIGKILL,
and then the parent closes the row as ``timeout`` with the counts the database shows.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_TAIL_LINES = 40
# Seconds a child may take, after its CLOSESPIDER_TIMEOUT, to finish the downloads in flight and
# close its run (DOWNLOAD_TIMEOUT is 30 s), before it is asked to stop and then killed.
STOP_GRACE = 60.0


def setting_value(value: Any) -> str:
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


def _jobdir_usable(jobdir: Path) -> bool:
    """Whether Scrapy can load the job state left in *jobdir* (absent counts as usable).

    A crawl killed uncleanly can leave a truncated ``spider.state`` pickle, ``active.json`` or
    disk-queue file; Scrapy then fails at start-up or at its first push.  A stale queue is
    otherwise harmless, since the seen-URL store and the guard middleware skip what it replays.
    """
    state = jobdir / "spider.state"
    try:
        if state.exists():
            with state.open("rb") as fh:
                pickle.load(fh)  # noqa: S301 - our own file, written by Scrapy's SpiderState
        for active in jobdir.glob("requests.queue/active.json"):
            json.loads(active.read_text(encoding="utf-8"))
        for queue in jobdir.glob("requests.queue/**/*"):
            # A LIFO disk queue starts with a 4-byte size header, written through a buffer: a
            # kill right after a queue was created (one per priority) leaves an empty file that
            # Scrapy cannot open on resume.
            if queue.is_file() and queue.suffix != ".json" and queue.stat().st_size < 4:
                raise ValueError(f"queue file {queue.name} was cut short")
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
    run_id: int | None = None,
) -> tuple[list[str], dict[str, str], Path]:
    """``(argv, env, log_path)`` of the child ``scrapy crawl news`` (arguments as ``run_crawl``).

    *work_dir* must outlive the child: a registry given as *sources* is written there.  *run_id*:
    the ``runs`` row the child takes over (else it opens its own).  Exposed so that a caller can
    own the process (``start_crawl``), e.g. to interrupt it.
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
    if run_id is not None:
        cmd += ["-s", f"NEWS_RUN_ID={run_id}"]
    if jobdir:
        cmd += ["-s", f"JOBDIR={Path(jobdir).resolve()}"]
    for key, value in (settings or {}).items():
        cmd += ["-s", f"{key}={setting_value(value)}"]
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


def check_request(
    sources: list[dict] | None = None,
    sources_file: Path | str | None = None,
    names: list[str] | None = None,
    since: str | None = None,
) -> list[Any]:
    """Validate what a crawl was asked for before any child starts; return the selected Sources.

    Raises ``crawler.registry.SourceError`` (a ValueError) with one line naming the file and row
    for a bad registry or an unknown source name, and ValueError for a bad *since*.
    """
    from crawler.registry import load_sources, parse_sources, select_sources

    registry = parse_sources(sources, "sources argument") if sources is not None else load_sources(sources_file)
    if since:
        try:
            date.fromisoformat(since)
        except ValueError:
            raise ValueError(f"--since must be YYYY-MM-DD, got {since!r}") from None
    return select_sources(registry, names)


@dataclass
class _Ended:
    """How the child ended: its exit code, stderr, and what the parent had to do (``None``,
    ``"terminated"``: SIGTERM after the grace period, ``"killed"``: SIGKILL after another)."""

    returncode: int
    stderr: str
    forced: str | None = None


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
    stop_grace: float | None = None,
) -> dict[str, Any]:
    """Crawl into the SQLite file *db_path*; return this crawl's ``runs`` row (kind "crawl").

    *sources* (registry dicts, validated like the TOML) take precedence over *sources_file*
    (default: the bundled registry); *names* restricts the crawl to those sources; *settings* are
    passed as ``-s KEY=VALUE``.  The Scrapy log goes to *log_file* (a temporary file otherwise).

    *timeout* (seconds) becomes Scrapy's ``CLOSESPIDER_TIMEOUT``: the row comes back with status
    ``timeout`` and the counts so far.  A child still running *stop_grace* seconds later (default
    ``STOP_GRACE``) gets SIGTERM, and SIGKILL after as long again; its row is then closed here as
    ``timeout`` with the articles the database shows.  The row's status is ``ok``, ``timeout``, or
    ``failed`` when every source failed.

    *jobdir* (Scrapy's JOBDIR) lets an interrupted crawl resume its request queue; when the job
    state left by an unclean kill cannot be loaded, it is deleted (warning) and the crawl starts
    fresh: nothing is lost, as the store's seen URLs keep stored articles from being refetched.

    Raises ``SourceError``/ValueError before starting for a bad registry, source name or date, and
    RuntimeError with the tail of the log when the child fails (its row is closed ``failed``).
    """
    from db.store import Store

    check_request(sources, sources_file, names, since)
    db_path = Path(db_path).resolve()
    jobdir_path = Path(jobdir).resolve() if jobdir else None
    resumed = bool(jobdir_path and jobdir_path.exists())
    settings = dict(settings or {})
    if timeout:
        settings.setdefault("CLOSESPIDER_TIMEOUT", timeout)
    grace = STOP_GRACE if stop_grace is None else stop_grace
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
        log_path = Path(log_file).resolve() if log_file else Path(tmp) / "crawl.log"
        run_id, first_id = _open_run(db_path)
        ended = _wait(start_crawl(db_path, tmp, run_id=run_id, **kwargs), timeout, grace, log_path)
        if ended.returncode != 0 and not ended.forced and resumed and jobdir_path is not None:
            logger.warning(
                "crawl resumed from %s failed (exit %s); retrying without the job state", jobdir_path, ended.returncode
            )
            _close_run(db_path, run_id, first_id, "failed", f"exit {ended.returncode}; retried without the job state")
            _reset_jobdir(jobdir_path)
            run_id, first_id = _open_run(db_path)
            ended = _wait(start_crawl(db_path, tmp, run_id=run_id, **kwargs), timeout, grace, log_path)
        if ended.forced:
            reason = f"{ended.forced} {grace:g} s after the {timeout} s timeout"
            _close_run(db_path, run_id, first_id, "timeout", reason)
        elif ended.returncode != 0:
            _close_run(db_path, run_id, first_id, "failed", f"crawl process exited {ended.returncode}")
            raise RuntimeError(
                f"crawl failed (exit {ended.returncode}); log tail:\n{_tail(log_path)}\n"
                f"stderr tail:\n{ended.stderr[-3000:]}"
            )
        with Store(db_path) as store:
            run = store.get_run(run_id)
        if run is None or run["status"] == "running" or not run.get("finished_at"):
            raise RuntimeError(f"crawl run {run_id} was not closed in {db_path}; log tail:\n{_tail(log_path)}")
        return run


def _open_run(db_path: Path) -> tuple[int, int]:
    """Open this crawl's ``runs`` row (marking runs whose process is gone ``aborted`` first);
    return its id and the first article id it can store."""
    from db.store import Store

    with Store(db_path) as store:
        first_id = store.last_article_id() + 1
        return store.start_run("crawl"), first_id


def _close_run(db_path: Path, run_id: int, first_id: int, status: str, reason: str) -> None:
    """Close a row the child left open (killed, crashed) with what the database shows: the
    articles stored since the crawl started, per source.  A row the child closed is left alone."""
    from db.store import Store

    with Store(db_path) as store:
        run = store.get_run(run_id)
        if run is None:
            return
        if run["status"] != "running":
            if status == "timeout" and run["status"] == "interrupted":  # closed on our SIGTERM
                store.finish_run(run_id, status="timeout", **{**run["counts"], "stopped": reason})
            return
        per_site = dict(store.db.execute(
            "SELECT site, count(*) FROM articles WHERE id >= ? GROUP BY site", [first_id]).fetchall())
        new = sum(per_site.values())
        logger.warning("crawl run %d closed by the parent as %s (%s); %d article(s) stored",
                       run_id, status, reason, new)
        store.finish_run(run_id, status=status, articles_new=new, finish_reason=reason,
                         sources={site: {"new": n} for site, n in per_site.items() if site})


def _wait(proc: subprocess.Popen[str], timeout: float | None, grace: float, log_path: Path) -> _Ended:
    """Wait for the child.  With a *timeout* (already the child's CLOSESPIDER_TIMEOUT), a child
    still running *grace* seconds after it gets SIGTERM, then SIGKILL after *grace* more."""
    if not timeout:
        _, stderr = proc.communicate()
        return _Ended(proc.returncode, stderr or "")
    try:
        _, stderr = proc.communicate(timeout=timeout + grace)
        return _Ended(proc.returncode, stderr or "")
    except subprocess.TimeoutExpired:
        logger.warning("crawl still running %g s after its %g s timeout: asking it to stop (SIGTERM)", grace, timeout)
        proc.send_signal(signal.SIGTERM)
    try:
        _, stderr = proc.communicate(timeout=grace)
        return _Ended(proc.returncode, stderr or "", "terminated")
    except subprocess.TimeoutExpired:
        logger.error("crawl ignored SIGTERM for %g s: killing it; log tail:\n%s", grace, _tail(log_path))
        proc.kill()
        _, stderr = proc.communicate()
        return _Ended(proc.returncode, stderr or "", "killed")
