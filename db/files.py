"""Which files may be opened as the news database, and how (issue 13: no user mistake changes a file).

A mistyped ``--db`` must not create an empty database (and its folder) for a read command; a
SQLite file that belongs to someone else must not gain thirty tables and WAL mode; a text file
given as ``--db`` gets one line naming it, not a traceback; a researcher's read-only mount of the
server's ``data/`` must still be readable. So every opening goes through here, and a file is
*accepted* (checked without writing a byte) before anything is changed in it:

* :func:`check_news_file` says whether ``path`` is missing, a news database, or something else
  (not SQLite; SQLite of another application; a newer schema), reading only its header and, for
  SQLite, its schema through a read-only connection;
* :func:`connect_readonly` opens it for reading: ``mode=ro`` (SQLite refuses writes, and readers
  see the writer's commits as they land), falling back to ``immutable=1`` when the WAL's shared
  memory cannot be used (a read-only directory without a ``-shm`` file).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = ["NotANewsDatabase", "check_news_file", "connect_readonly", "quick_check", "readonly_mode"]

_SQLITE_HEADER = b"SQLite format 3\x00"
# Tables every news database has from its first migration on: a SQLite file without them (and with
# other tables) is another application's.
_OUR_TABLES = frozenset({"articles", "runs", "provinces", "communes", "units", "dossiers"})


class NotANewsDatabase(ValueError):
    """The file exists but is not (or not yet, or no longer) a news database this code can use."""


def _tables(path: Path) -> tuple[set[str], int]:
    """The table names and ``user_version`` of a SQLite file, read without writing anything."""
    conn = connect_readonly(path)
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()
    return names, version


def check_news_file(path: str | Path, *, create: bool, schema_version: int | None = None) -> bool:
    """Accept ``path`` as the news database, or raise before anything is written.

    Returns True when the file exists (False when it does not and ``create`` allows making it).
    Raises FileNotFoundError for a missing file when ``create`` is False, NotANewsDatabase for a
    directory, a file that is not SQLite, another application's SQLite file, or a schema newer than
    ``schema_version``. An empty SQLite database (no tables at all) is accepted for writing.
    """
    path = Path(path)
    if str(path) == ":memory:":
        return False
    if not path.exists():
        if create:
            return False
        raise FileNotFoundError(
            f"no news database at {path}: run `python pipeline.py run` (or `make demo`) to build one, "
            "or pass the path of an existing one"
        )
    if path.is_dir():
        raise NotANewsDatabase(f"{path} is a directory, not a news database")
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise NotANewsDatabase(f"{path} cannot be read: {exc.strerror or exc}") from None
    if header != _SQLITE_HEADER:
        what = "an empty file" if not header else "not a SQLite database"
        raise NotANewsDatabase(f"{path} is {what}, not a news database: give the path of the news database")
    try:
        tables, version = _tables(path)
    except sqlite3.DatabaseError as exc:
        raise NotANewsDatabase(f"{path} is a damaged SQLite file ({exc}): restore it from a backup") from None
    if tables and not (_OUR_TABLES <= tables):
        raise NotANewsDatabase(
            f"{path} is a SQLite database of another application (tables: {', '.join(sorted(tables)[:5])}…); "
            "it was left untouched"
        )
    if schema_version is not None and version > schema_version:
        raise NotANewsDatabase(
            f"{path} has schema version {version}, newer than this code's ({schema_version}): upgrade the code; "
            "the file was left untouched"
        )
    if not tables and not create:
        raise NotANewsDatabase(f"{path} is an empty SQLite database, not a news database yet")
    return True


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection: ``mode=ro``, else ``immutable=1`` where the WAL cannot be used.

    ``mode=ro`` sees each commit of a writer as it lands. In a read-only directory SQLite may be
    unable to open the WAL's ``-shm`` file; the file is then read as immutable (a snapshot), which
    is right for a researcher's read-only copy and never writes anything next to it.
    """
    return _open_readonly(path)[0]


def readonly_mode(path: str | Path) -> str:
    """How :func:`connect_readonly` can open ``path``: ``"ro"`` (live) or ``"immutable"`` (snapshot)."""
    conn, mode = _open_readonly(path)
    conn.close()
    return mode


def _open_readonly(path: str | Path) -> tuple[sqlite3.Connection, str]:
    uri = Path(path).resolve().as_uri()
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn, "ro"
    except sqlite3.OperationalError as exc:
        if conn is not None:
            conn.close()
        if "unable to open" not in str(exc) and "readonly" not in str(exc):
            raise
        log.info("%s: the WAL cannot be used here (%s); reading it as an immutable snapshot", path, exc)
    conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn, "immutable"


def quick_check(conn: sqlite3.Connection, path: str | Path) -> None:
    """``PRAGMA quick_check``: raise NotANewsDatabase naming the damage, so that nothing more is
    written into (or read from) a damaged file."""
    rows = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if rows != ["ok"]:
        detail = "; ".join(rows[:3]) + (" …" if len(rows) > 3 else "")
        raise NotANewsDatabase(f"{path} is damaged ({detail}): restore it from a backup before writing to it")
