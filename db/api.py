"""Read the news database from Python as pandas DataFrames, read-only.

Researchers open the nightly database while the pipeline may be writing it, and should never be
able to change it by accident: the connection is opened with ``mode=ro`` (SQLite refuses every
write) and ``PRAGMA query_only``. Queries go through the views of ``db.views``, so a DataFrame
already has the article, commune, province and provenance of each fact::

    from db.api import open_news

    with open_news("data/news.db") as news:
        rates = news.view("dossier_rates")
        nghe_an = rates[(rates.province == "Nghệ An") & (rates.scope_level == "commune")]
        chairs = news.officials().query("role == 'Chủ tịch' and organisation == 'Ủy ban nhân dân'")

Columns get dtypes by name, the same for every method (including :meth:`News.sql`): dates are
``datetime64`` (``published`` in Vietnam time, since papers date articles in local time; the
pipeline's own timestamps in UTC), counts and codes nullable ``Int64``, ratios and coordinates
``float64``, ``is_old`` nullable ``boolean`` and the short vocabularies (kind, channel, type, …)
``category``.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from db.files import check_news_file, connect_readonly, quick_check
from db.schema import MIGRATIONS, _m8_scope_and_period
from db.views import VIEW_NAMES, create_views

log = logging.getLogger(__name__)

__all__ = ["News", "open_news", "LOCAL_TZ", "apply_dtypes"]

LOCAL_TZ = "Asia/Ho_Chi_Minh"
# The schema version from which figures carry scope and period, which the views read.
_SCOPE_SCHEMA = MIGRATIONS.index(_m8_scope_and_period) + 1

_LOCAL_DATETIMES = {"published"}
_UTC_DATETIMES = {"fetched_at", "processed_at", "started_at", "finished_at"}
_DATES = {"week_start", "period_start", "period_end"}
_INTEGERS = {
    "id", "article_id", "n", "official_n", "title_n", "unit_n", "count", "total", "code",
    "commune_code", "province_code", "start", "end", "sentence_index", "mentions", "articles",
    "sites", "received", "received_online", "resolved", "on_time", "overdue", "pending",
    "articles_fetched", "articles_new", "articles_processed", "facts_written",
    "stories", "period_days", "period_phrase_start", "period_phrase_end", "first_article_id", "approximate",
}
_FLOATS = {
    "value", "latitude", "longitude", "online_share", "on_time_share", "online_share_reported",
    "on_time_share_reported",
}
_BOOLEANS = {"is_old", "unit_is_old"}
_CATEGORIES = {
    "type", "unit_type", "commune_type", "level", "kind", "channel", "qualifier", "indicator",
    "role", "site", "extractor_version", "status", "scope_type", "scope_level",
}
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


def _local_datetimes(values: pd.Series) -> pd.Series:
    """ISO strings → tz-aware Vietnam time; a string without an offset is already local time
    (a bare ``2025-07-02`` is that day's midnight in Vietnam, not in UTC)."""
    text = values.astype("string")
    has_offset = text.str.contains(_OFFSET, na=False)
    aware = pd.to_datetime(text.where(has_offset), format="ISO8601", utc=True, errors="coerce")
    naive = pd.to_datetime(text.where(~has_offset), format="ISO8601", errors="coerce")
    out = aware.dt.tz_convert(LOCAL_TZ)
    return out.where(has_offset, naive.dt.tz_localize(LOCAL_TZ, ambiguous="NaT", nonexistent="NaT"))


def apply_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Give the known columns of ``frame`` their dtypes (in place, also returned).

    Typing by column name keeps every method (and ad hoc SQL) consistent; a value that does not
    fit its column's type becomes missing rather than failing the whole query.
    """
    for column in frame.columns:
        if column in _LOCAL_DATETIMES:
            frame[column] = _local_datetimes(frame[column])
        elif column in _UTC_DATETIMES:
            frame[column] = pd.to_datetime(frame[column], format="ISO8601", utc=True, errors="coerce")
        elif column in _DATES:
            frame[column] = pd.to_datetime(frame[column], format="ISO8601", errors="coerce")
        elif column in _INTEGERS:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        elif column in _FLOATS:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        elif column in _BOOLEANS:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64").astype("boolean")
        elif column in _CATEGORIES:
            frame[column] = frame[column].astype("category")
    return frame


class News:
    """A read-only view of one news database; every query returns a typed DataFrame."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    # -- facts ------------------------------------------------------------------------------

    def articles(self, text: bool = False) -> pd.DataFrame:
        """One row per article (the raw HTML never; the main text only with ``text``, since it
        is most of the database's size)."""
        columns = "id, url, site, source_province, title, published, author, content_hash, " \
            "fetched_at, processed_at, extractor_version"
        if text:
            columns += ", text"
        return self.sql(f"SELECT {columns} FROM articles ORDER BY id")

    def units(self, province: str | None = None) -> pd.DataFrame:
        """Unit mentions with their 2025 commune/province and coordinates (``unit_facts``)."""
        return self.view("unit_facts", province)

    def officials(self, province: str | None = None) -> pd.DataFrame:
        """One row per (official, title) with role, organisation, place, province (``official_facts``)."""
        return self.view("official_facts", province)

    def dossiers(self, province: str | None = None) -> pd.DataFrame:
        """Dossier figures with article, scope and period (``dossier_facts``)."""
        return self.view("dossier_facts", province)

    def percentages(self, province: str | None = None) -> pd.DataFrame:
        """Percentages with article, scope and period (``percentage_facts``)."""
        return self.view("percentage_facts", province)

    def view(self, name: str, province: str | None = None) -> pd.DataFrame:
        """A whole view of ``db.views`` by name (the names are checked: they go into SQL).

        ``province`` keeps the rows of one province, read as people type it (``tỉnh Lâm Đồng``,
        ``lam dong``, ``TP.HCM``; a former province such as ``Bình Thuận`` is read as its 2025
        successor, and a warning says so); a name that is no province raises ValueError.
        """
        if name not in VIEW_NAMES:
            raise ValueError(f"unknown view {name!r}; the views are: {', '.join(VIEW_NAMES)}")
        if province is None:
            return self.sql(f"SELECT * FROM {name}")
        from db.places import read_province

        read = read_province(province)
        if read.note:
            log.warning("%s: reading the rows of %s", read.note, read.province)
        return self.sql(f"SELECT * FROM {name} WHERE province = ?", [read.province])

    def sql(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Any SELECT, with ``?`` or ``:name`` parameters.

        A statement that would write raises PermissionError: the connection is read-only, and
        saying so beats pandas' generic "Execution failed on sql".
        """
        try:
            frame = pd.read_sql_query(query, self.conn, params=params)
        except Exception as exc:  # pandas wraps sqlite3 errors in its own DatabaseError
            if "readonly" in str(exc) or "read-only" in str(exc):
                raise PermissionError(f"{self.path} is opened read-only: {query.strip()[:80]!r}") from exc
            raise
        return apply_dtypes(frame)

    def tables(self) -> list[str]:
        """The tables and views a query can read."""
        rows = self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "UNION SELECT name FROM sqlite_temp_master WHERE type = 'view' ORDER BY name"
        )
        return [row[0] for row in rows]

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> News:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"News({str(self.path)!r})"


def _missing_views(conn: sqlite3.Connection, names: Iterable[str]) -> list[str]:
    have = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    return [name for name in names if name not in have]


def open_news(path: str | Path = "data/news.db", *, check: bool = False) -> News:
    """Open the database at ``path`` read-only.

    A missing file is a FileNotFoundError (never created); a file that is not a news database is
    refused with one line naming it (``db.files``); in a read-only directory the file is read as an
    immutable snapshot. A database missing some views gets them as TEMP views on this connection,
    so nothing is written to it. ``check=True`` runs ``PRAGMA quick_check`` first.
    """
    path = Path(path)
    check_news_file(path, create=False)
    conn = connect_readonly(path)
    try:
        if check:
            quick_check(conn, path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if 0 < version < _SCOPE_SCHEMA:
            raise RuntimeError(
                f"{path} was written by an older version (schema {version}): open it once with a write "
                "command (`python pipeline.py process`) to bring it up to date, then read it"
            )
        missing = _missing_views(conn, VIEW_NAMES)
        if missing:
            log.info("%s has no %s: creating them as temporary views", path, ", ".join(missing))
            create_views(conn, temp=True)
        conn.execute("PRAGMA query_only = ON")
    except Exception:
        conn.close()
        raise
    return News(conn, path)
