"""A crash at any write step loses no fact and strands no database (issue 13).

Each test runs a real child process (``pipeline.py process``, or the migrations) that kills itself
with SIGKILL at one named point between two statements of a write (``db.faults.crash_point``):
deterministic, not timing luck. Afterwards the database must pass ``PRAGMA integrity_check``, every
command must open it, and a re-run must give exactly the facts of an uninterrupted run.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, child_env, run_python, store_demo_articles

from db.schema import FACT_TABLES, SCHEMA_VERSION

pytestmark = pytest.mark.slow


def _run(args: list[str], crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_python(*args, crash_at=crash_at)


def _process(db: Path, *extra: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    return _run(["pipeline.py", "process", "--db", str(db), "-q", "--workers", "1", *extra], crash_at)


def _facts(db: Path) -> dict[str, list[tuple]]:
    """Every fact row (extractor version included), per table, in key order."""
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall() for t in FACT_TABLES}
    finally:
        conn.close()


def _integrity(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def _opens(db: Path) -> None:
    """The read and write commands open the database (a one-line answer, no traceback)."""
    stats = _run(["pipeline.py", "stats", "--db", str(db), "--json"])
    assert stats.returncode == 0, stats.stderr
    assert "Traceback" not in stats.stderr


@pytest.fixture(scope="module")
def articles_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo articles stored, none processed."""
    return store_demo_articles(tmp_path_factory.mktemp("crash") / "base.db")


@pytest.fixture(scope="module")
def reference(articles_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """The facts of an uninterrupted run."""
    path = tmp_path_factory.mktemp("crash-ref") / "ref.db"
    shutil.copy(articles_db, path)
    done = _process(path)
    assert done.returncode == 0, done.stderr
    facts = _facts(path)
    assert all(facts[t] for t in ("units", "dossiers", "percentages"))
    return facts


@pytest.mark.parametrize("point", ["facts.deleted", "facts.inserted", "facts.marked"])
def test_a_first_process_killed_mid_write_keeps_nothing_half_done(
    point: str, articles_db: Path, reference: dict[str, list[tuple]], tmp_path: Path
) -> None:
    db = tmp_path / "news.db"
    shutil.copy(articles_db, db)
    killed = _process(db, crash_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    _integrity(db)
    conn = sqlite3.connect(db)
    # the killed batch is all or nothing: no article marked processed without its facts
    processed = conn.execute("SELECT count(*) FROM articles WHERE processed_at IS NOT NULL").fetchone()[0]
    facts = conn.execute("SELECT count(*) FROM units").fetchone()[0]
    conn.close()
    assert processed == 0 and facts == 0
    _opens(db)
    again = _process(db)
    assert again.returncode == 0, again.stderr
    assert _facts(db) == reference


@pytest.mark.parametrize("point", ["facts.deleted", "facts.inserted", "facts.marked"])
def test_a_reprocess_killed_mid_write_keeps_the_old_facts(
    point: str, articles_db: Path, reference: dict[str, list[tuple]], tmp_path: Path
) -> None:
    db = tmp_path / "news.db"
    shutil.copy(articles_db, db)
    assert _process(db).returncode == 0
    killed = _process(db, "--reprocess", crash_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    _integrity(db)
    # the DELETE of the old facts did not commit on its own: every article still has its facts
    assert _facts(db) == reference
    _opens(db)
    again = _process(db, "--reprocess")
    assert again.returncode == 0, again.stderr
    assert _facts(db) == reference


def _schema(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1, 2")
        return [*rows.fetchall(), ("user_version", conn.execute("PRAGMA user_version").fetchone()[0])]
    finally:
        conn.close()


_CREATE = "from db.store import Store; Store({path!r}).close()"
# A database at an older schema version: the code with only the first ``version`` migrations.
_AT_VERSION = (
    "import db.schema as s; s.MIGRATIONS = s.MIGRATIONS[:{version}]; s.SCHEMA_VERSION = {version}; "
    "import db.store as st; st.SCHEMA_VERSION = {version}; from db.store import Store; Store({path!r}).close()"
)


def test_a_creation_killed_midway_leaves_no_database(tmp_path: Path) -> None:
    """A new database is built beside its path and linked into place whole."""
    db = tmp_path / "news.db"
    for number in (1, SCHEMA_VERSION):
        killed = _run(["-c", _CREATE.format(path=str(db))], crash_at=f"migration.{number}.applied")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert not db.exists()
    done = _run(["pipeline.py", "process", "--db", str(db), "-q"])
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob("*.creating"))  # what the killed runs left is cleared


@pytest.mark.parametrize("number", range(2, SCHEMA_VERSION + 1))
def test_an_upgrade_killed_midway_leaves_the_previous_version(number: int, tmp_path: Path) -> None:
    reference = tmp_path / "ref.db"
    assert _run(["-c", _CREATE.format(path=str(reference))]).returncode == 0
    db = tmp_path / "news.db"
    made = _run(["-c", _AT_VERSION.format(version=number - 1, path=str(db))])
    assert made.returncode == 0, made.stderr
    for point in (f"migration.{number}.applied", f"migration.{number}.stamped"):
        killed = _run(["-c", _CREATE.format(path=str(db))], crash_at=point)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        _integrity(db)
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == number - 1
        conn.close()
        # a read command refuses the old schema in one line and changes nothing
        stats = _run(["pipeline.py", "stats", "--db", str(db)])
        assert stats.returncode == 2 and "older version" in stats.stderr and "Traceback" not in stats.stderr
    done = _run(["pipeline.py", "process", "--db", str(db), "-q"])  # a write command finishes the upgrade
    assert done.returncode == 0, done.stderr
    assert _schema(db) == _schema(reference)


def test_a_database_of_extractor_0_2_migrates_in_place(tmp_path: Path, articles_db: Path) -> None:
    """Schema 7 (extractor 0.2: no scope, period or dossier qualifier; ``unit_n``) → current, in
    place, its articles and facts kept; ``process --reprocess`` then fills the new columns."""
    db = tmp_path / "old.db"
    old = (
        "import db.schema as s; s.MIGRATIONS = s.MIGRATIONS[:7]; s.SCHEMA_VERSION = 7; "
        "import db.store as st; st.SCHEMA_VERSION = 7; "
        f"from db.store import Store; store = Store({str(db)!r}); "
        "store.db.execute('INSERT INTO articles (url, text) VALUES (?, ?)', "
        "['https://x.vn/a', 'Trong tháng 8/2025, xã Đông Giang tiếp nhận 5 hồ sơ.']); "
        "store.db.execute('INSERT INTO dossiers (article_id, n, count, kind, unit_n) "
        "VALUES (1, 0, 5, \\'received\\', 0)'); "
        "store.db.conn.commit(); store.close()"
    )
    assert _run(["-c", old]).returncode == 0
    killed = _run(["-c", _CREATE.format(path=str(db))], crash_at="migration.8.applied")
    assert killed.returncode == -signal.SIGKILL
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 7
    assert "unit_n" in {r[1] for r in conn.execute("PRAGMA table_info(dossiers)")}
    conn.close()
    done = _process(db, "--reprocess")
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    columns = {r[1] for r in conn.execute("PRAGMA table_info(dossiers)")}
    assert {"qualifier", "scope_type", "scope_code", "period_start", "period_end"} <= columns
    assert "unit_n" not in columns
    (row,) = conn.execute("SELECT count, kind, qualifier, scope_type, scope_name, period_start, period_end "
                          "FROM dossiers").fetchall()
    conn.close()
    assert row == (5, "received", "exact", "xã", "Đông Giang", "2025-08-01", "2025-08-31")


def test_two_processes_creating_a_database_at_once_both_succeed(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code = _CREATE.format(path=str(db))
    children = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=child_env(), stderr=subprocess.PIPE,
                                 text=True) for _ in range(4)]
    results = [(c.wait(timeout=300), c.stderr.read() if c.stderr else "") for c in children]
    assert all(rc == 0 for rc, _ in results), results
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM provinces").fetchone()[0] == 34
    conn.close()


_SIDE_STEPS = (
    "from db.store import Store; from monitor.relevance import score_articles; "
    "from monitor.stories import link_stories; store = Store({path!r}); "
    "score_articles(store, batch=4); link_stories(store, batch=4); store.close()"
)


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _signals(db: Path) -> list[tuple]:
    return _rows(db, "SELECT id, relevance, relevance_version, story_id FROM articles ORDER BY id")


def _bands(db: Path) -> list[tuple]:
    return _rows(db, "SELECT * FROM story_bands ORDER BY 1, 2, 3")


@pytest.mark.parametrize("point", ["relevance.scored:2", "stories.linked:3", "stories.linked:6"])
def test_the_nightly_side_steps_killed_mid_batch_keep_whole_batches(
    point: str, articles_db: Path, tmp_path: Path
) -> None:
    """Relevance scores and story links are written a batch per transaction: killed inside the
    second batch, the first is all there and the second not at all; the next night finishes the
    job exactly as an uninterrupted night does (the same scores, stories and LSH bands)."""
    processed = tmp_path / "processed.db"
    shutil.copy(articles_db, processed)
    assert _process(processed).returncode == 0
    whole, killed = tmp_path / "whole.db", tmp_path / "killed.db"
    shutil.copy(processed, whole)
    shutil.copy(processed, killed)
    assert _run(["-c", _SIDE_STEPS.format(path=str(whole))]).returncode == 0

    crashed = _run(["-c", _SIDE_STEPS.format(path=str(killed))], crash_at=point)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    _integrity(killed)
    _opens(killed)
    rows = _signals(killed)
    if point.startswith("relevance"):
        # batch 1 (4 articles) committed, batch 2 rolled back whole, no story linked yet
        assert sum(r[1] is not None for r in rows) == 4 and all(r[3] is None for r in rows)
    else:
        linked = [r for r in rows if r[3] is not None]
        assert len(linked) == 4 * ((int(point.rsplit(":", 1)[1]) - 1) // 4), linked
        linked_ids = {r[0] for r in linked}
        assert {b[2] for b in _bands(killed)} == linked_ids  # no article linked without its bands
    assert _run(["-c", _SIDE_STEPS.format(path=str(killed))]).returncode == 0
    assert _signals(killed) == _signals(whole)
    assert _bands(killed) == _bands(whole)
