"""A crawl node's shard: what one crawl added to the node's database, as a file of its own.

A scrapyd node keeps its own database across nights (its seen-URL store, so that it never fetches
an article twice), but the processing machine needs only what each night brought.  After a crawl
the item pipeline writes a shard: a news database (same schema) holding the articles this crawl
stored (raw HTML included), their aliases and facts, every ``runs`` row of the node marked with the
node's name, and the feed validators.  ``db.merge`` folds it into the main database.

The file is built beside its path and renamed into place when complete, so that a collector
polling for it never reads half a shard.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from db.schema import FACT_TABLES
from db.transaction import transaction

log = logging.getLogger(__name__)

__all__ = ["write_shard"]


def write_shard(
    node_db: str | Path, dest: str | Path, first_article_id: int, node: str | None = None
) -> dict[str, int]:
    """Write the shard of a crawl to *dest*: the articles of *node_db* from *first_article_id* on.

    *node* is written into the runs rows that name none, so the main database can tell the nodes
    apart.  Returns the rows written per table.
    """
    from db.store import Store

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    store = Store(partial)
    try:
        conn = store.db.conn
        conn.execute("ATTACH DATABASE ? AS node", [f"{Path(node_db).resolve().as_uri()}?mode=ro"])
        try:
            with transaction(store.db):
                since = "WHERE id >= ?"
                counts["articles"] = conn.execute(
                    f"INSERT INTO main.articles SELECT * FROM node.articles {since}", [first_article_id]).rowcount
                counts["article_aliases"] = conn.execute(
                    "INSERT INTO main.article_aliases SELECT * FROM node.article_aliases WHERE article_id >= ?",
                    [first_article_id]).rowcount
                for table in FACT_TABLES:
                    counts[table] = conn.execute(
                        f"INSERT INTO main.{table} SELECT * FROM node.{table} WHERE article_id >= ?",
                        [first_article_id]).rowcount
                counts["runs"] = conn.execute("INSERT INTO main.runs SELECT * FROM node.runs").rowcount
                if node:
                    conn.execute("UPDATE main.runs SET node = ? WHERE node IS NULL", [node])
                counts["feed_state"] = conn.execute(
                    "INSERT INTO main.feed_state SELECT * FROM node.feed_state").rowcount
        finally:
            conn.execute("DETACH DATABASE node")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to serve and download
    finally:
        store.close()
    os.replace(partial, dest)
    log.info("shard of %s from article %d written to %s: %s", node_db, first_article_id, dest, counts)
    return counts
