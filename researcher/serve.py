"""Datasette over the nightly news database, read-only, with the project's metadata.

The database is served live and read-only: Datasette opens it with ``mode=ro``, so the nightly
job's commits appear as they land (no restart) and a reader never sees half a write (SQLite's
WAL gives each query one committed snapshot); nothing is written, and no write API or writable
query is offered (``researcher.plugin`` answers 405). Only where the WAL cannot be used (a
read-only directory without the ``-shm`` file) is the file served as an immutable snapshot. The
metadata
(``researcher/metadata.yml``) titles and describes every table, view and column, sets the facets,
the full-text search on articles and the canned queries; ``datasette-cluster-map`` draws every
result with ``latitude``/``longitude`` columns on a map. ``researcher.plugin`` makes search and the
canned queries' name comparisons diacritic-insensitive. ``researcher/templates`` extends Datasette's
own pages (the home page lists the canned queries; a table page shows its description's first
sentence and folds the rest with its columns) and ``researcher/static/researcher.css`` styles them.

    python -m researcher.serve data/news.db --port 8001
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import logging
from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette
from datasette.plugins import pm

from researcher import plugin

log = logging.getLogger(__name__)

__all__ = ["METADATA_PATH", "build_datasette", "load_metadata", "serve"]

METADATA_PATH = Path(__file__).with_name("metadata.yml")
TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
# Served at /researcher-static/…; metadata.yml's extra_css_urls names the stylesheet there.
STATIC_MOUNT = "researcher-static"
# The database key the metadata file is written under; re-keyed to the served file's name.
_METADATA_DB = "news"
SETTINGS: dict[str, Any] = {
    # Views join several tables: give a query more than Datasette's default second.
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 1000,
    # Datasette suggests facets by running one GROUP BY per column of the page: over a view each one
    # evaluates the whole view again. At 10,000 articles that made a view's page take 4.5 s instead of
    # 0.6 s (bench/serve_bench.py, docs/SCALE.md); the facets that matter are set per table and view
    # in metadata.yml.
    "suggest_facets": False,
    "default_page_size": 50,
    "allow_download": True,
}


def load_metadata(db_name: str = _METADATA_DB) -> dict[str, Any]:
    """The metadata file, with its database section under ``db_name`` (Datasette keys by file stem)."""
    metadata = yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))
    metadata = copy.deepcopy(metadata)
    databases = metadata.get("databases", {})
    if db_name != _METADATA_DB and _METADATA_DB in databases:
        databases[db_name] = databases.pop(_METADATA_DB)
    return metadata


def _register_plugin() -> None:
    """Register the project's hooks once per process (Datasette's plugin manager is global)."""
    if pm.get_plugin(plugin.PLUGIN_NAME) is None:
        pm.register(plugin, name=plugin.PLUGIN_NAME)
    # Datasette 0.65 prints every error page's traceback with ``rich`` when it is importable, and
    # rich >= 14 raises on a 404 (no exception being handled), turning "not found" into a crash.
    # The error pages themselves do not need rich: switch the console dump off.
    import datasette.handle_exception

    datasette.handle_exception.rich = None


def _missing_views(path: Path) -> list[str]:
    """The researcher views (``db.views``) the database at ``path`` lacks, read without writing."""
    from db.files import connect_readonly
    from db.views import VIEW_NAMES

    conn = connect_readonly(path)
    try:
        have = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    finally:
        conn.close()
    return [name for name in VIEW_NAMES if name not in have]


def build_datasette(db_path: str | Path) -> Datasette:
    """A Datasette instance serving ``db_path`` immutable (read-only), with the project's metadata.

    Raises FileNotFoundError when the database does not exist (Datasette would otherwise create
    an empty one) and RuntimeError when it predates the researcher views (the metadata's canned
    queries read them; immutable mode cannot add them).
    """
    from db.files import check_news_file, readonly_mode

    path = Path(db_path)
    check_news_file(path, create=False)
    missing = _missing_views(path)
    immutable = readonly_mode(path) == "immutable"
    if missing:
        raise RuntimeError(
            f"{path} has no {', '.join(missing)} view(s): it was written by an older version. Open it once "
            f"with a write command to migrate it (`python pipeline.py process --db {path}`), then serve it."
        )
    _register_plugin()
    if immutable:
        log.info("%s is in a read-only directory: serving it as an immutable snapshot", path)
    return Datasette(
        **({"immutables": [str(path)]} if immutable else {"files": [str(path)]}),
        metadata=load_metadata(path.stem),
        settings=SETTINGS,
        cors=False,
        template_dir=str(TEMPLATES_DIR),
        static_mounts=[(STATIC_MOUNT, str(STATIC_DIR))],
    )


def serve(db_path: str | Path, port: int = 8001, host: str = "127.0.0.1") -> None:
    """Serve ``db_path`` read-only on http://host:port/ until interrupted."""
    import uvicorn

    ds = build_datasette(db_path)
    asyncio.run(ds.invoke_startup())
    log.info("serving %s read-only on http://%s:%d/", db_path, host, port)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Browse the news database in Datasette (read-only).")
    parser.add_argument("db", nargs="?", default="data/news.db", help="database file (default data/news.db)")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    serve(args.db, port=args.port, host=args.host)


if __name__ == "__main__":
    main()
