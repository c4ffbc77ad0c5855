"""The SQLite store: the one place that reads and writes the database.

Raw articles are kept (text and zlib-compressed HTML) so that extraction can be re-run when the
rules change. Writing is idempotent: an article URL is stored once and never overwritten, and an
article's facts are replaced as a whole, keyed by their rank in the article.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.db import jsonify_if_needed, quote_identifier

from db.faults import crash_point
from db.files import NotANewsDatabase, check_news_file, connect_readonly, quick_check
from db.schema import FACT_TABLES, SCHEMA_VERSION, migrate
from db.transaction import transaction
from nlp.normalize import normalize_text

log = logging.getLogger(__name__)

__all__ = ["ArticleWrite", "Store", "now_iso"]

FACT_KINDS = ("units", "officials", "dossiers", "percentages")


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


_PLAIN = (str, int, float, bytes, type(None))


def _insert_rows(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert fact rows with one prepared statement per column set (``executemany``).

    What ``Table.insert_all`` does for these rows, without its per-row Python work: the process
    step writes tens of thousands of rows a night. Values that are not plain SQLite values go
    through sqlite-utils' own conversion, so they are stored exactly as ``insert_all`` stores them.
    """
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(
            tuple(v if isinstance(v, _PLAIN) else jsonify_if_needed(v) for v in row.values())
        )
    for columns, values in groups.items():
        names = ", ".join(quote_identifier(c) for c in columns)
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {quote_identifier(table)} ({names}) VALUES ({marks})", values)


@dataclass(frozen=True)
class ArticleWrite:
    """What ``Store.store_article`` did: the article the item is (``article_id``), whether it was
    stored now (``new``), and why not otherwise (``reason``: ``known_url`` or ``same_text``)."""

    article_id: int
    new: bool
    reason: str


def _create_atomically(path: Path) -> None:
    """Build a new database beside ``path`` and link it into place in one step.

    A second process opening the same new path at the same moment either sees no file (and builds
    its own, whose link then fails harmlessly) or the whole migrated database: never a half-written
    file, never an empty one (``db.files`` would rightly refuse that as not a database).
    """
    for stale in path.parent.glob(f".{path.name}.*.creating"):  # left by a process killed while building
        pid = stale.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not _process_alive(int(pid), None):
            stale.unlink(missing_ok=True)
    building = path.with_name(f".{path.name}.{os.getpid()}.creating")
    try:
        db = sqlite_utils.Database(str(building))
        try:
            migrate(db)
        finally:
            db.close()
        try:
            os.link(building, path)
        except FileExistsError:
            log.debug("%s was created by another process meanwhile", path)
    finally:
        building.unlink(missing_ok=True)


def _version_key(version: str) -> tuple[int | str, ...]:
    parts: list[int | str] = []
    for part in version.split("."):
        parts.append(int(part) if part.isdigit() else part)
    return tuple(parts)


def version_older(a: str | None, b: str | None) -> int:
    """1 when extractor version *a* is older than *b* (a missing *a* is older than any *b*)."""
    if b is None:
        return 0
    if a is None:
        return 1
    try:
        return int(_version_key(a) < _version_key(b))
    except TypeError:  # "0.3.0" against "0.3.dev1": compare as text rather than fail
        return int(a < b)



class Store:
    """Open the news database at ``path``.

    For writing (the default) a missing file is created (with its folder) and an older schema is
    migrated; for reading (``readonly=True``) a missing file is an error and nothing is written,
    not even the WAL switch. Either way the file is accepted first (``db.files``): a file that is
    not SQLite, another application's SQLite file or a newer schema is refused untouched.
    ``check=True`` runs ``PRAGMA quick_check`` and refuses a damaged file.
    """

    def __init__(self, path: str | Path, *, readonly: bool = False, check: bool = False) -> None:
        self.path = Path(path)
        memory = str(path) == ":memory:"
        exists = check_news_file(path, create=not readonly, schema_version=SCHEMA_VERSION)
        if readonly:
            self.db = sqlite_utils.Database(connect_readonly(self.path))
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                self.db.close()
                raise NotANewsDatabase(
                    f"{self.path} was written by an older version (schema {version} < {SCHEMA_VERSION}): "
                    "run a write command on it once (`python pipeline.py process`) to bring it up to date"
                )
        else:
            if not memory and not exists:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                _create_atomically(self.path)
            self.db = sqlite_utils.Database(str(path))
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 30000")
            if check:
                quick_check(self.db.conn, self.path)
            if not memory:
                self.db.execute("PRAGMA journal_mode = WAL")
            migrate(self.db)
        if check and readonly:
            quick_check(self.db.conn, self.path)
        # SQL's version_older(a, b): which articles a newer extractor should read again (process,
        # merge); extractor versions compare as numbers, "0.10.0" after "0.9.0".
        self.db.conn.create_function("version_older", 2, version_older, deterministic=True)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles ---------------------------------------------------------------------------

    def known_urls(self) -> set[str]:
        """Every stored article URL and every alias: the crawler's seen-URL set across nights."""
        urls = {row[0] for row in self.db.execute("SELECT url FROM articles")}
        urls.update(row[0] for row in self.db.execute("SELECT url FROM article_aliases"))
        return urls

    def has_article(self, url: str) -> bool:
        """Whether *url* is a stored article or an alias of one."""
        return self.article_id_for(url) is not None

    def article_id_for(self, url: str) -> int | None:
        """The article *url* is stored as, or is an alias of (None when neither)."""
        return self._id_in_txn(self.db.conn, url)

    def article_count(self) -> int:
        return self.db["articles"].count

    def last_article_id(self) -> int:
        """The highest article id so far (0 for none): articles above it are the ones a run added."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])

    def add_article(self, item: dict[str, Any]) -> int | None:
        """Store a fetched article; return its new id, or None when the URL is already stored
        (as an article or an alias).

        The text is normalised here, once, so that fact offsets point into the stored text.
        Raises ValueError on an item with no URL or no text: such an item is a crawler bug.
        The text is not compared with other articles: ``store_article`` (the crawler's) does.
        """
        url, row = self._article_row(item)
        with transaction(self.db) as conn:
            if self._id_in_txn(conn, url) is not None:
                return None
            return self._insert_article(conn, row)

    def store_article(self, item: dict[str, Any]) -> ArticleWrite:
        """Store a crawled article once, whatever URL it was reached by; say what happened.

        *item* as for ``add_article``, plus ``aliases``: other URLs that led to this page (the URL
        requested when the page's ``rel=canonical`` names another).  In one transaction:

        - the URL is stored already (or an alias): nothing is stored; the aliases point to it;
        - the same site already stored the same text (``content_hash``) under another URL: the
          URL and the aliases become aliases of that article (reason ``same_text``): the same page
          at ``?ref=home``, a print or AMP path, another port of the demo site;
        - else the article is stored and the aliases point to it (reason ``canonical``).

        The text is compared within a site only: another paper republishing a story is a story
        of its own (``monitor.stories`` links those), not a spelling of this URL.
        """
        url, row = self._article_row(item)
        aliases = [a for a in dict.fromkeys(item.get("aliases") or ()) if a and a != url]
        with transaction(self.db) as conn:
            existing = self._id_in_txn(conn, url)
            if existing is not None:
                self._alias_in_txn(conn, aliases, existing, "canonical")
                return ArticleWrite(existing, False, "known_url")
            same = conn.execute(
                "SELECT id FROM articles WHERE content_hash = ? AND site IS ? ORDER BY id LIMIT 1",
                [row["content_hash"], row["site"]]).fetchone()
            if same is not None:
                self._alias_in_txn(conn, [url, *aliases], int(same[0]), "same_text")
                return ArticleWrite(int(same[0]), False, "same_text")
            new_id = self._insert_article(conn, row)
            self._alias_in_txn(conn, aliases, new_id, "canonical")
            return ArticleWrite(new_id, True, "new")

    def add_alias(self, url: str, article_id: int, reason: str) -> bool:
        """Record *url* as another address of article *article_id*; False when *url* is already
        an article or an alias (the first answer stands)."""
        with transaction(self.db) as conn:
            return bool(self._alias_in_txn(conn, [url], article_id, reason))

    def aliases(self, article_id: int | None = None) -> list[dict[str, Any]]:
        """Alias rows (``url, article_id, reason, seen_at``), of one article or of all."""
        where, params = ("WHERE article_id = ?", [article_id]) if article_id is not None else ("", [])
        return list(self.db.query(f"SELECT * FROM article_aliases {where} ORDER BY article_id, url", params))

    def _article_row(self, item: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        url = (item.get("url") or "").strip()
        text = normalize_text(item.get("text") or "")
        if not url or not text:
            raise ValueError(f"article needs a url and a text (url={url!r})")
        html = item.get("html")
        if isinstance(html, str):
            html = html.encode("utf-8", "replace")
        return url, {
            "url": url,
            "site": item.get("site"),
            "source_province": item.get("province") or item.get("source_province") or None,
            "title": normalize_text(item.get("title") or "") or None,
            "published": item.get("published"),
            "author": item.get("author"),
            "text": text,
            "html_z": zlib.compress(html, 6) if html else None,
            "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "fetched_at": item.get("fetched_at") or now_iso(),
            "processed_at": None,
            "extractor_version": None,
        }

    @staticmethod
    def _id_in_txn(conn: sqlite3.Connection, url: str) -> int | None:
        row = conn.execute(
            "SELECT id FROM articles WHERE url = ? UNION ALL SELECT article_id FROM article_aliases WHERE url = ? "
            "LIMIT 1", [url, url]).fetchone()
        return int(row[0]) if row else None

    @staticmethod
    def _insert_article(conn: sqlite3.Connection, row: dict[str, Any]) -> int:
        names = ", ".join(quote_identifier(c) for c in row)
        cursor = conn.execute(f"INSERT INTO articles ({names}) VALUES ({', '.join('?' * len(row))})",
                              list(row.values()))
        return int(cursor.lastrowid)

    @staticmethod
    def _alias_in_txn(conn: sqlite3.Connection, urls: Iterable[str], article_id: int, reason: str) -> int:
        """Insert the aliases that are neither an article nor an alias yet; return how many."""
        added = 0
        stamp = now_iso()
        for url in urls:
            if conn.execute("SELECT 1 FROM articles WHERE url = ?", [url]).fetchone():
                continue
            cursor = conn.execute(
                "INSERT OR IGNORE INTO article_aliases (url, article_id, reason, seen_at) VALUES (?, ?, ?, ?)",
                [url, article_id, reason, stamp])
            added += cursor.rowcount
        return added

    def article_html(self, article_id: int) -> str | None:
        """The raw HTML the article was extracted from, decompressed."""
        row = self.db.execute("SELECT html_z FROM articles WHERE id = ?", [article_id]).fetchone()
        if not row or row[0] is None:
            return None
        return zlib.decompress(row[0]).decode("utf-8", "replace")

    def get_article(self, key: int | str) -> dict[str, Any] | None:
        """An article by id or URL, without its HTML."""
        column = "id" if isinstance(key, int) or str(key).isdigit() else "url"
        rows = list(
            self.db.query(
                "SELECT id, url, site, source_province, title, published, author, text, processed_at "
                f"FROM articles WHERE {column} = ?",
                [int(key) if column == "id" else key],
            )
        )
        return rows[0] if rows else None

    def articles_to_process(
        self, reprocess: bool = False, page_size: int = 500, older_than: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Articles not yet processed (or all of them with ``reprocess``), oldest id first.

        *older_than* (the current extractor version) also takes the articles whose facts an older
        extractor wrote: facts merged from a crawl node's shard (``db.merge``) come with the version
        that wrote them, and only the older ones are recomputed.

        Read a page of ``page_size`` at a time by id (keyset paging), so that a backfill of years
        of archives never holds every text in memory, and writes between pages are safe.
        """
        where, params = self._to_process(reprocess, older_than)
        sql = (
            "SELECT id, url, site, source_province, title, published, text FROM articles "
            f"WHERE id > ? {'AND ' + where if where else ''} ORDER BY id LIMIT ?"
        )
        last = -1
        while True:
            page = list(self.db.query(sql, [last, *params, page_size]))
            if not page:
                return
            yield from page
            last = page[-1]["id"]

    def count_to_process(self, reprocess: bool = False, older_than: str | None = None) -> int:
        where, params = self._to_process(reprocess, older_than)
        return int(self.db.execute(f"SELECT count(*) FROM articles {'WHERE ' + where if where else ''}",
                                   params).fetchone()[0])

    def _to_process(self, reprocess: bool, older_than: str | None) -> tuple[str, list[Any]]:
        """The WHERE clause (without the keyword) choosing the articles to process, and its values."""
        if reprocess:
            return "", []
        if older_than is None:
            return "processed_at IS NULL", []
        return "(processed_at IS NULL OR version_older(extractor_version, ?))", [older_than]

    # -- facts ------------------------------------------------------------------------------

    def save_facts(self, article_id: int, rows: dict[str, list[dict[str, Any]]], version: str) -> int:
        """Replace one article's facts with ``rows`` (table → rows) in one transaction.

        Returns the number of fact rows written (titles not counted separately).
        """
        return self.save_facts_many([(article_id, rows)], version)

    def save_facts_many(self, batch: list[tuple[int, dict[str, list[dict[str, Any]]]]], version: str) -> int:
        """Replace the facts of several articles in one transaction; mark them processed.

        One transaction per batch instead of one per article: the process step writes hundreds
        of articles per commit. A crash loses only the batch in flight, whose articles stay
        unprocessed and are taken again by the next run. Returns the fact rows written.
        """
        if not batch:
            return 0
        ids = [article_id for article_id, _rows in batch]
        marks = ",".join("?" * len(ids))
        written = 0
        stamp = now_iso()
        # One transaction for the whole batch (``db.transaction``): a kill at any point leaves
        # either the old facts and the articles unprocessed, or the new facts and them processed.
        with transaction(self.db):
            for table in FACT_TABLES:
                self.db.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", ids)
            crash_point("facts.deleted")
            for table in FACT_TABLES:
                table_rows: list[dict[str, Any]] = []
                for article_id, rows in batch:
                    for row in rows.get(table) or []:
                        row["article_id"] = article_id
                        if table != "official_titles":
                            row["extractor_version"] = version
                        table_rows.append(row)
                if table_rows:
                    _insert_rows(self.db.conn, table, table_rows)
                if table != "official_titles":
                    written += len(table_rows)
            crash_point("facts.inserted")
            self.db.conn.executemany(
                "UPDATE articles SET processed_at = ?, extractor_version = ? WHERE id = ?",
                [(stamp, version, article_id) for article_id in ids],
            )
            crash_point("facts.marked")
        return written

    def facts_for(self, article_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every fact row of one article, per table, in rank order."""
        out: dict[str, list[dict[str, Any]]] = {}
        for table in FACT_TABLES:
            order = "official_n, n" if table == "official_titles" else "n"
            out[table] = list(
                self.db.query(f"SELECT * FROM {table} WHERE article_id = ? ORDER BY {order}", [article_id])
            )
        return out

    # -- runs -------------------------------------------------------------------------------

    def start_run(self, kind: str) -> int:
        """Open a ``runs`` row (status ``running``); its counts are filled by ``finish_run``.

        Runs of this host whose process is gone (killed outright: no ``finish_run``) are marked
        ``aborted`` first, so a row says ``running`` only while its process lives.  The row
        remembers its process and host in ``counts`` until it finishes.
        """
        self.mark_aborted_runs()
        owner = _owner()
        with transaction(self.db):
            cursor = self.db.conn.execute(
                "INSERT INTO runs (kind, started_at, status, counts) VALUES (?, ?, 'running', ?)",
                [kind, now_iso(), json.dumps(owner)])
        return int(cursor.lastrowid)

    def claim_run(self, run_id: int) -> dict[str, Any]:
        """Make this process the owner of the running row *run_id*: a crawl
        child takes over the row its parent opened.  Returns the row; raises ValueError when it is
        missing or not running (it must not be written twice)."""
        run = self.get_run(run_id)
        if run is None or run["status"] != "running":
            raise ValueError(f"run {run_id} is {'missing' if run is None else run['status']}, not running")
        with transaction(self.db):
            self.db.conn.execute("UPDATE runs SET counts = ? WHERE id = ? AND status = 'running'",
                                 [json.dumps(_owner()), run_id])
        return run

    def finish_run(self, run_id: int, status: str = "ok", **counts: Any) -> None:
        """Close a run with its counts; known counts get their own columns, all go to ``counts``."""
        columns = {"articles_fetched", "articles_new", "articles_processed", "facts_written"}
        update: dict[str, Any] = {"finished_at": now_iso(), "status": status}
        for key in columns & counts.keys():
            update[key] = counts[key]
        update["counts"] = json.dumps(counts, ensure_ascii=False, sort_keys=True, default=str)
        with transaction(self.db):
            self.db["runs"].update(run_id, update)

    def mark_aborted_runs(self) -> list[int]:
        """Mark ``aborted`` every ``running`` row of this host whose process is gone; return their
        ids.  A row without a recorded process (older code) is left alone."""
        host = socket.gethostname()
        gone: list[int] = []
        for run_id, raw in self.db.execute("SELECT id, counts FROM runs WHERE status = 'running'").fetchall():
            try:
                owner = json.loads(raw) if raw else {}
            except ValueError:
                continue
            pid = owner.get("pid") if isinstance(owner, dict) else None
            if not isinstance(pid, int) or owner.get("host") != host:
                continue
            if _process_alive(pid, owner.get("pid_start")):
                continue
            gone.append(int(run_id))
        for run_id in gone:
            log.warning("run %d was left running by a process that is gone: marked aborted", run_id)
            with transaction(self.db):
                self.db.conn.execute(
                    "UPDATE runs SET status = 'aborted', finished_at = ?, counts = ? WHERE id = ? "
                    "AND status = 'running'",
                    [now_iso(), json.dumps({"finish_reason": "aborted: its process ended without closing it"}),
                     run_id])
        return gone

    def get_run(self, run_id: int) -> dict[str, Any] | None:
        """One ``runs`` row by id, ``counts`` decoded: a crawl reads its own row, not the newest."""
        return self._one_run("WHERE id = ?", [run_id])

    def latest_run(self, kind: str | None = None) -> dict[str, Any] | None:
        where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
        return self._one_run(f"{where} ORDER BY id DESC LIMIT 1", params)

    def _one_run(self, clause: str, params: list[Any]) -> dict[str, Any] | None:
        rows = list(self.db.query(f"SELECT * FROM runs {clause}", params))
        if not rows:
            return None
        row = rows[0]
        row["counts"] = json.loads(row["counts"]) if row.get("counts") else {}
        return row

    # -- feed/sitemap validators -------------------------------------------------------------

    def feed_validators(self, url: str) -> dict[str, Any]:
        """``{"etag", "last_modified", "checked_at", "status"}`` last seen for a feed/sitemap URL
        (empty dict when never fetched): the crawler sends them back as conditional headers."""
        rows = list(self.db.query("SELECT * FROM feed_state WHERE url = ?", [url]))
        return {k: v for k, v in rows[0].items() if k != "url"} if rows else {}

    def save_feed_validators(
        self, url: str, etag: str | None, last_modified: str | None, status: int | None
    ) -> None:
        """Remember a listing's validators after a fetch.  On a 304 the caller passes the old ones
        (a 304 may omit them), so they survive until the listing really changes."""
        row = {"url": url, "etag": etag, "last_modified": last_modified, "checked_at": now_iso(), "status": status}
        with transaction(self.db):
            self.db["feed_state"].upsert(row, pk="url")

    # -- summaries --------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """What ``pipeline.py stats --json`` prints."""
        runs = []
        for row in self.db.query("SELECT * FROM runs ORDER BY id"):
            row["counts"] = json.loads(row["counts"]) if row.get("counts") else {}
            row["articles_fetched"] = row.get("articles_fetched") or 0
            runs.append(row)
        processed = self.db.execute("SELECT count(*) FROM articles WHERE processed_at IS NOT NULL")
        first, last, undated = self.db.execute(
            "SELECT min(published), max(published), sum(published IS NULL OR published = '') FROM articles"
        ).fetchone()
        crawls = [r for r in runs if r.get("kind") == "crawl"]
        return {
            "articles": self.article_count(),
            "articles_processed": int(processed.fetchone()[0]),
            "published": {"first": first, "last": last, "undated": int(undated or 0)},
            "facts": {kind: self.db[kind].count for kind in FACT_KINDS},
            "last_crawl": {k: crawls[-1].get(k) for k in ("id", "started_at", "finished_at", "status",
                                                          "articles_fetched", "articles_new")} if crawls else None,
            "runs": runs,
        }

    def table_digest(self, table: str) -> str:
        """A hash of a table's rows in key order: tests compare it to prove a step changed nothing."""
        digest = hashlib.sha256()
        for row in self.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
            digest.update(repr(row).encode("utf-8"))
        return digest.hexdigest()


def _process_start(pid: int) -> int | None:
    """The start time of process *pid* in clock ticks since boot (Linux ``/proc``), else None.
    With the pid it tells a live owner from a new process that got the same pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def _owner() -> dict[str, Any]:
    pid = os.getpid()
    return {"pid": pid, "pid_start": _process_start(pid), "host": socket.gethostname()}


def _process_alive(pid: int, start: int | None) -> bool:
    """Whether process *pid* still runs (a zombie does not; a pid reused since does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    except OSError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc: trust kill(0)
    if state in ("Z", "X"):
        return False
    return start is None or _process_start(pid) == start
