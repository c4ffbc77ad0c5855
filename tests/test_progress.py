"""Progress of long steps: a log line every interval off a terminal (cron), a bar on one."""

from __future__ import annotations

import io
import logging

import pytest

from nlp.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_a_line_is_logged_every_interval(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="nlp.progress"), \
            Progress(100, "process", "article", interval=0, stream=io.StringIO()) as bar:
        bar.update(40)
        bar.update(10)
    lines = [r.getMessage() for r in caplog.records]
    assert lines and lines[-1].startswith("process: 50/100 articles") and "left" in lines[-1]


def test_no_line_before_the_interval_and_none_when_disabled(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="nlp.progress"):
        with Progress(10, "extract", interval=3600, stream=io.StringIO()) as bar:
            bar.update(5)
        with Progress(10, "extract", interval=0, enabled=False, stream=io.StringIO()) as bar:
            bar.update(5)
    assert caplog.records == []


def test_on_a_terminal_a_bar_is_drawn(caplog: pytest.LogCaptureFixture) -> None:
    stream = _Terminal()
    with caplog.at_level(logging.INFO, logger="nlp.progress"), \
            Progress(10, "process", "article", interval=0, stream=stream) as bar:
        bar.update(10)
    assert "10/10" in stream.getvalue() and caplog.records == []
