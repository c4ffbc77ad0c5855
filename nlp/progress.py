"""Progress of a long step: a bar on a terminal, a log line every 10 s elsewhere.

On a terminal tqdm draws a bar. Under cron or systemd there is no terminal, and a bar would fill the
log with carriage returns, so tqdm stays off; but a night's ``process`` of thousands of articles
must not print nothing between its first and last line either. Off a terminal, :class:`Progress`
logs one line every ``interval`` seconds: done, total, rate and the time left.
"""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType
from typing import Any

from tqdm import tqdm

__all__ = ["Progress"]

log = logging.getLogger(__name__)


class Progress:
    """``with Progress(total, "process", "article") as bar: bar.update(n)``."""

    def __init__(self, total: int | None, desc: str, unit: str = "item", *, enabled: bool = True,
                 interval: float = 10.0, stream: Any = None) -> None:
        self.total = total
        self.desc = desc
        self.unit = unit
        self.interval = interval
        self.done = 0
        stream = stream if stream is not None else sys.stderr
        terminal = bool(getattr(stream, "isatty", lambda: False)())
        self._bar = tqdm(total=total, desc=desc, unit=unit, file=stream) if enabled and terminal else None
        self._log = enabled and not terminal
        self._started = self._last = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
        elif self._log:
            now = time.monotonic()
            if now - self._last >= self.interval:
                self._last = now
                log.info("%s", self.line(now))

    def line(self, now: float | None = None) -> str:
        """``process: 1200/5000 articles, 41.3/s, about 92 s left``."""
        elapsed = max((now or time.monotonic()) - self._started, 1e-9)
        rate = self.done / elapsed
        text = f"{self.desc}: {self.done}" + (f"/{self.total}" if self.total else "") + f" {self.unit}s, {rate:.1f}/s"
        if self.total and rate > 0 and self.done < self.total:
            text += f", about {(self.total - self.done) / rate:.0f} s left"
        return text

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
