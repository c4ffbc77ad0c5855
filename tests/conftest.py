"""Shared fixtures: paths to the project's own data and to ``../shared`` when it is there."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (dev gold, real pages); tests that need it skip, saying why, where it is absent."""
    if not (SHARED / "dev" / "gold.jsonl").is_file():
        pytest.skip(f"{SHARED} is not beside this checkout: the dev gold and real pages live there (CI has it)")
    return SHARED
