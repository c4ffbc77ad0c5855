"""Deterministic crash points, for the crash-safety tests (``tests/test_crash_safety.py``).

A write step calls ``crash_point("facts.deleted")`` between two of its statements. In normal use
this does nothing. When the environment names that point (``VN_LOCAL_PRESS_CRASH_AT=facts.deleted``,
optionally ``facts.deleted:3`` for its third passage), the process kills itself with SIGKILL right
there: no ``finally``, no ``atexit``, exactly what the OOM killer or a power cut does. The tests then
prove that the database is intact and that a re-run gives the facts of an uninterrupted run, at every
point, without relying on the timing of an outside kill.
"""

from __future__ import annotations

import os
import signal

__all__ = ["crash_point", "ENV"]

ENV = "VN_LOCAL_PRESS_CRASH_AT"
_passes: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL if ``$VN_LOCAL_PRESS_CRASH_AT`` names this point (and pass)."""
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= (int(nth) if nth.isdigit() else 1):
        os.kill(os.getpid(), signal.SIGKILL)
