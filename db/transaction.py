"""One write, one transaction: ``with transaction(db): …`` is all or nothing.

Why not ``with db.conn:``? Python's ``sqlite3`` (in its default, legacy mode) does not open a
transaction for ``with conn:``: each DML statement opens one implicitly, DDL opens none, and
sqlite-utils 4 commits a write statement by itself when no transaction was open before it. So in
``with db.conn: db.execute("DELETE …"); db.execute("INSERT …")`` the DELETE is committed on its
own, and a process killed between the two statements leaves the DELETE done and the INSERT lost.

This context manager opens the transaction explicitly (``BEGIN IMMEDIATE``: it takes the write
lock at once, so two writers queue on ``busy_timeout`` instead of failing half-way), lets every
statement inside join it (sqlite-utils sees an open transaction and does not commit), and commits
at the end or rolls back on any exception, ``KeyboardInterrupt`` included. Nested uses join the
outer transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["connection_of", "transaction"]


def connection_of(db: Any) -> sqlite3.Connection:
    """The sqlite3 connection of a ``sqlite_utils.Database`` or of a bare connection."""
    return db if isinstance(db, sqlite3.Connection) else db.conn


@contextmanager
def transaction(db: Any) -> Iterator[sqlite3.Connection]:
    """Run the block in one ``BEGIN IMMEDIATE … COMMIT`` (rolled back if the block raises)."""
    conn = connection_of(db)
    if conn.in_transaction:  # an outer transaction owns the commit
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    else:
        conn.commit()
