"""Fold a crawl node's shard database into the main one (``pipeline.py merge``).

Past one machine, scrapyd nodes crawl into SQLite files of their own (``docs/SCALE.md``); the
processing machine brings them together here.  The merge is SQL run by SQLite itself: the shard is
``ATTACH``-ed read-only and copied with ``INSERT … SELECT`` inside one ``BEGIN IMMEDIATE … COMMIT``
per shard, so a merge killed at any point leaves the main database as it was, and a reader never
sees half a shard.

What a shard brings, and the rule for each:

* **articles**, raw HTML included.  An article is stored once: a shard article whose URL is a main
  article or alias is that article; one whose site already stored the same text (``content_hash``)
  becomes an alias of it (``same_text``: the rule of ``Store.store_article``); the others get new
  ids after the main's largest, in the shard's order.  ``story_id`` is left for the night's story
  linking, and ``relevance`` is kept with its ``relevance_version``.
* **aliases** of the shard's articles, pointing at the main ids.
* **facts**, with their ``extractor_version``: copied for new articles, and for a known article
  with the same text when the main's copy is unprocessed or older than the shard's (then the main's
  facts of that article are replaced).  ``process`` afterwards recomputes only what is older than
  the current extractor.  ``officials.person_id`` is recomputed (``db.people``).
* **runs**, marked with their ``node`` and their id there (``node_run_id``); a run already merged
  (same node, id and start) is not added again.  Rows still ``running`` wait for a later merge.
* **feed_state** validators, the newer ``checked_at`` winning.

Merging the same shard twice changes nothing: every step skips what is there already, and the
``merge`` row in ``runs`` is written only when the merge changed something.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from db.faults import crash_point
from db.files import NotANewsDatabase, check_news_file, connect_readonly, readonly_mode
from db.schema import FACT_TABLES, SCHEMA_VERSION
from db.transaction import transaction

log = logging.getLogger(__name__)

__all__ = ["MergeResult", "merge_shard"]

SHARD = "shard"  # the schema name the shard is attached as


@dataclass
class MergeResult:
    """What one shard brought: every count is of rows this merge added or changed."""

    shard: str
    node: str
    articles_new: int = 0
    articles_known: int = 0
    same_text: int = 0
    aliases: int = 0
    facts_articles: int = 0
    facts: int = 0
    runs: int = 0
    feed_state: int = 0
    upgraded_from: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.articles_new or self.same_text or self.aliases or self.facts_articles or self.runs
                    or self.feed_state)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _columns(conn: sqlite3.Connection, table: str, schema: str = "main") -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA "{schema}".table_info("{table}")')]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _readable_shard(shard: Path, tmp: Path) -> tuple[Path, int | None]:
    """The file to attach: the shard itself, or an upgraded copy of an older schema in *tmp*.

    The shard is never written: a file that is not a news database, or of a newer schema, is
    refused in one line (``NotANewsDatabase``); an older one is copied (SQLite's backup API, from a
    read-only connection) and the copy is migrated.
    """
    check_news_file(shard, create=False, schema_version=SCHEMA_VERSION)
    conn = connect_readonly(shard)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version == SCHEMA_VERSION:
            return shard, None
        copy = tmp / "shard.db"
        target = sqlite3.connect(copy)
        try:
            conn.backup(target)
        finally:
            target.close()
    finally:
        conn.close()
    from db.store import Store

    log.info("merge: %s has schema %d; merging an upgraded copy (the shard is left as it is)", shard, version)
    Store(copy).close()  # migrates the copy
    return copy, version


def merge_shard(store: Any, shard_path: str | Path, node: str | None = None) -> MergeResult:
    """Merge the shard database at *shard_path* into *store* (a ``db.store.Store``) in one transaction.

    *node* names the machine the shard's runs happened on (default: the shard's file name without
    its suffix); runs the shard already marks with a node keep theirs.  The caller holds the main
    database's writer lock.  Raises ``FileNotFoundError``/``NotANewsDatabase`` (one line) for a
    missing shard, a file that is not a news database, a newer schema, or the main database itself.
    """
    shard = Path(shard_path)
    if not shard.exists():
        raise FileNotFoundError(f"no shard database at {shard}")
    if store.path.exists() and shard.resolve() == store.path.resolve():
        raise NotANewsDatabase(f"{shard} is the main database itself: give a shard to merge into it")
    node = node or shard.stem
    with tempfile.TemporaryDirectory(prefix="merge-") as tmp:
        source, upgraded_from = _readable_shard(shard, Path(tmp))
        result = MergeResult(shard=str(shard), node=node, upgraded_from=upgraded_from)
        conn: sqlite3.Connection = store.db.conn  # the store registered version_older() on it
        mode = "immutable=1" if readonly_mode(source) == "immutable" else "mode=ro"
        conn.execute(f"ATTACH DATABASE ? AS {SHARD}", [f"{source.resolve().as_uri()}?{mode}"])
        try:
            with transaction(store.db):
                _merge_attached(conn, result)
                if result.changed:
                    _record(conn, result)
        finally:
            conn.execute(f"DETACH DATABASE {SHARD}")
    if result.facts_articles:
        from db.people import link_people

        link_people(store.db)  # person ids span articles: recomputed over the merged officials
    log.info("merge: %s (node %s): %d new article(s), %d known, %d same text, %d fact row(s), %d run(s)",
             shard, node, result.articles_new, result.articles_known, result.same_text, result.facts, result.runs)
    return result


def _merge_attached(conn: sqlite3.Connection, result: MergeResult) -> None:
    """Every step of one shard's merge, inside the caller's transaction."""
    conn.execute("DROP TABLE IF EXISTS temp.merge_map")
    conn.execute(
        "CREATE TEMP TABLE merge_map (sid INTEGER PRIMARY KEY, by_url INTEGER, by_text INTEGER, "
        "mid INTEGER, adopt INTEGER NOT NULL DEFAULT 0)"
    )
    # Which main article each shard article is: by URL (article or alias), else by the same text
    # on the same site, else a new one.
    conn.execute(
        f"""INSERT INTO temp.merge_map (sid, by_url, by_text)
        SELECT s.id,
               coalesce((SELECT a.id FROM main.articles a WHERE a.url = s.url),
                        (SELECT al.article_id FROM main.article_aliases al WHERE al.url = s.url)),
               (SELECT a.id FROM main.articles a WHERE a.content_hash = s.content_hash AND a.site IS s.site
                ORDER BY a.id LIMIT 1)
        FROM {SHARD}.articles s"""
    )
    base = int(conn.execute("SELECT coalesce(max(id), 0) FROM main.articles").fetchone()[0])
    conn.execute(
        """UPDATE temp.merge_map SET mid = ? + (
               SELECT count(*) FROM temp.merge_map n
               WHERE n.by_url IS NULL AND n.by_text IS NULL AND n.sid <= merge_map.sid)
           WHERE by_url IS NULL AND by_text IS NULL""",
        [base],
    )
    conn.execute("UPDATE temp.merge_map SET mid = coalesce(by_url, by_text) WHERE mid IS NULL")

    columns = [c for c in _columns(conn, "articles") if c != "id"]
    shard_columns = set(_columns(conn, "articles", SHARD))
    select = ", ".join("NULL" if c == "story_id" or c not in shard_columns else f"s.{_q(c)}" for c in columns)
    cursor = conn.execute(
        f"""INSERT INTO main.articles (id, {', '.join(map(_q, columns))})
        SELECT m.mid, {select} FROM {SHARD}.articles s JOIN temp.merge_map m ON m.sid = s.id
        WHERE m.by_url IS NULL AND m.by_text IS NULL ORDER BY s.id"""
    )
    result.articles_new = max(cursor.rowcount, 0)
    result.articles_known = int(conn.execute(
        "SELECT count(*) FROM temp.merge_map WHERE by_url IS NOT NULL").fetchone()[0])
    crash_point("merge.articles")

    # Addresses: a same-text article's URL, and the shard's aliases, point to the main article.
    stamp = conn.execute("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')").fetchone()[0]
    cursor = conn.execute(
        f"""INSERT OR IGNORE INTO main.article_aliases (url, article_id, reason, seen_at)
        SELECT s.url, m.mid, 'same_text', ? FROM {SHARD}.articles s JOIN temp.merge_map m ON m.sid = s.id
        WHERE m.by_url IS NULL AND m.by_text IS NOT NULL""",
        [stamp],
    )
    result.same_text = max(cursor.rowcount, 0)
    cursor = conn.execute(
        f"""INSERT OR IGNORE INTO main.article_aliases (url, article_id, reason, seen_at)
        SELECT al.url, m.mid, al.reason, al.seen_at FROM {SHARD}.article_aliases al
        JOIN temp.merge_map m ON m.sid = al.article_id
        WHERE al.url NOT IN (SELECT url FROM main.articles)"""
    )
    result.aliases = max(cursor.rowcount, 0)

    # Facts: a new article's, and a known article's when the shard read the same text with a newer
    # extractor (or the main has not read it yet).
    conn.execute(
        f"""UPDATE temp.merge_map SET adopt = 1
        WHERE by_url IS NULL AND by_text IS NULL
           OR EXISTS (SELECT 1 FROM {SHARD}.articles s JOIN main.articles a ON a.id = merge_map.mid
                      WHERE s.id = merge_map.sid AND s.processed_at IS NOT NULL
                        AND s.content_hash = a.content_hash
                        AND (a.processed_at IS NULL OR version_older(a.extractor_version, s.extractor_version)))"""
    )
    known_adopted = "SELECT mid FROM temp.merge_map WHERE adopt = 1 AND (by_url IS NOT NULL OR by_text IS NOT NULL)"
    for table in FACT_TABLES:
        conn.execute(f"DELETE FROM main.{table} WHERE article_id IN ({known_adopted})")
    conn.execute(
        f"""UPDATE main.articles SET
              processed_at = (SELECT s.processed_at FROM {SHARD}.articles s JOIN temp.merge_map m ON m.sid = s.id
                              WHERE m.mid = articles.id),
              extractor_version = (SELECT s.extractor_version FROM {SHARD}.articles s
                                   JOIN temp.merge_map m ON m.sid = s.id WHERE m.mid = articles.id)
            WHERE id IN ({known_adopted})"""
    )
    result.facts_articles = int(conn.execute(
        f"""SELECT count(*) FROM temp.merge_map m JOIN {SHARD}.articles s ON s.id = m.sid
        WHERE m.adopt = 1 AND s.processed_at IS NOT NULL""").fetchone()[0])
    for table in FACT_TABLES:
        fact_columns = [c for c in _columns(conn, table) if c != "article_id"]
        shard_fact_columns = set(_columns(conn, table, SHARD))
        values = ", ".join(
            "NULL" if c == "person_id" or c not in shard_fact_columns else f"f.{_q(c)}" for c in fact_columns)
        cursor = conn.execute(
            f"""INSERT INTO main.{table} (article_id, {', '.join(map(_q, fact_columns))})
            SELECT m.mid, {values} FROM {SHARD}.{table} f JOIN temp.merge_map m ON m.sid = f.article_id
            WHERE m.adopt = 1"""
        )
        if table != "official_titles":
            result.facts += max(cursor.rowcount, 0)
    crash_point("merge.facts")

    # Runs, marked with their node; a run merged before is recognised by node, id and start.
    run_columns = [c for c in _columns(conn, "runs") if c not in ("id", "node", "node_run_id")]
    cursor = conn.execute(
        f"""INSERT INTO main.runs ({', '.join(map(_q, run_columns))}, node, node_run_id)
        SELECT {', '.join('r.' + _q(c) for c in run_columns)}, coalesce(r.node, :node), coalesce(r.node_run_id, r.id)
        FROM {SHARD}.runs r
        WHERE r.status != 'running'
          AND NOT EXISTS (SELECT 1 FROM main.runs x WHERE x.node = coalesce(r.node, :node)
                          AND x.node_run_id = coalesce(r.node_run_id, r.id) AND x.started_at IS r.started_at)
        ORDER BY r.id""",
        {"node": result.node},
    )
    result.runs = max(cursor.rowcount, 0)
    crash_point("merge.runs")

    cursor = conn.execute(
        f"""INSERT INTO main.feed_state (url, etag, last_modified, checked_at, status)
        SELECT url, etag, last_modified, checked_at, status FROM {SHARD}.feed_state WHERE true
        ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
            checked_at = excluded.checked_at, status = excluded.status
        WHERE excluded.checked_at > feed_state.checked_at OR feed_state.checked_at IS NULL"""
    )
    result.feed_state = max(cursor.rowcount, 0)
    conn.execute("DROP TABLE temp.merge_map")


def _record(conn: sqlite3.Connection, result: MergeResult) -> None:
    """One ``runs`` row of kind ``merge`` saying what the shard brought."""
    import json

    from db.store import now_iso

    stamp = now_iso()
    conn.execute(
        "INSERT INTO main.runs (kind, started_at, finished_at, status, articles_new, facts_written, counts) "
        "VALUES ('merge', ?, ?, 'ok', ?, ?, ?)",
        [stamp, stamp, result.articles_new, result.facts, json.dumps(result.as_dict(), ensure_ascii=False)],
    )
