"""One writer per database at a time: an exclusive, non-blocking ``flock`` on ``<db>.lock``.

``crawl``, ``process``, ``run``, ``demo`` and ``nightly`` all take it (``pipeline._writer``,
``monitor.nightly``); ``--wait SECONDS`` waits for it instead of stopping at once.

A crawl of 60 sites can outlast its cron interval (a slow site, a retry storm); a second run
started on top would fetch the same URLs twice and race on the ``runs`` rows. ``flock`` is
released by the kernel when the holder exits, however it exits (kill -9, OOM, reboot), so there
is never a stale lock to clean by hand; the PID written into the file is only there to tell the
operator who holds it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path
from types import TracebackType
from typing import IO

log = logging.getLogger(__name__)

__all__ = ["AlreadyRunning", "RunLock", "lock_path_for"]


class AlreadyRunning(RuntimeError):
    """Another process holds the lock; ``pid`` is what it wrote (None when unreadable)."""

    def __init__(self, path: Path, pid: int | None) -> None:
        self.path = path
        self.pid = pid
        holder = f"process {pid}" if pid else "another process"
        super().__init__(
            f"another writer of this database is running ({holder} holds {path}): crawl, process, run, demo "
            "and nightly write one at a time; try again later, or pass --wait SECONDS"
        )


def lock_path_for(db_path: Path | str) -> Path:
    """``data/news.db`` → ``data/news.db.lock``."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


class RunLock:
    """Context manager holding the lock for *db_path*; raises :class:`AlreadyRunning` when another
    process holds it, at once or after *wait* seconds of trying again every second."""

    def __init__(self, db_path: Path | str, wait: float = 0) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path_for(db_path)
        self.wait = wait or 0
        self._handle: IO[str] | None = None

    def acquire(self) -> RunLock:
        from db.files import check_news_file
        from db.schema import SCHEMA_VERSION

        # Accept the database before anything, the lock file included, is made beside it.
        check_news_file(self.db_path, create=True, schema_version=SCHEMA_VERSION)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                return self._try_acquire()
            except AlreadyRunning:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(1)

    def _try_acquire(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # "a+" neither truncates (the holder's PID must survive a failed attempt) nor fails if absent.
        handle = open(self.path, "a+", encoding="ascii")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            text = handle.read().strip()
            handle.close()
            raise AlreadyRunning(self.path, int(text) if text.isdigit() else None) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        log.debug("lock %s taken by pid %d", self.path, os.getpid())
        return self

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        finally:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
