"""The database schema, created and migrated in code with sqlite-utils.

Each migration is a function applied once, in order; ``PRAGMA user_version`` records how many
have run, so opening an older database brings it up to date and opening a current one changes
nothing (idempotent). Fact tables use ``(article_id, n)`` keys, ``n`` being the fact's rank in its
article, so re-processing an article rewrites the same rows rather than growing new ids.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlite_utils

from db.faults import crash_point
from db.reference import commune_rows, province_rows
from db.transaction import transaction

log = logging.getLogger(__name__)

__all__ = ["migrate", "SCHEMA_VERSION", "FACT_TABLES"]

FACT_TABLES = ("units", "officials", "official_titles", "dossiers", "percentages")

# Columns every fact row carries: where it was read and by which extractor version.
_PROVENANCE = {
    "start": int,
    "end": int,
    "sentence_index": int,
    "sentence": str,
    "extractor_version": str,
}


def _m1_initial(db: sqlite_utils.Database) -> None:
    """Articles, fact tables, runs and the 2025 gazetteer reference tables."""
    db["provinces"].create(
        {"code": int, "name": str, "full_name": str, "type": str, "codename": str}, pk="code"
    )
    db["provinces"].insert_all(province_rows())
    db["communes"].create(
        {
            "code": int,
            "name": str,
            "full_name": str,
            "type": str,
            "province_code": int,
            "province": str,
            "codename": str,
        },
        pk="code",
        foreign_keys=[("province_code", "provinces", "code")],
    )
    db["communes"].insert_all(commune_rows())
    db["communes"].create_index(["name"])
    db["communes"].create_index(["province_code"])

    db["articles"].create(
        {
            "id": int,
            "url": str,
            "site": str,
            "source_province": str,
            "title": str,
            "published": str,
            "author": str,
            "text": str,
            "html_z": bytes,
            "content_hash": str,
            "fetched_at": str,
            "processed_at": str,
            "extractor_version": str,
        },
        pk="id",
        not_null={"url", "text"},
    )
    db["articles"].create_index(["url"], unique=True)
    db["articles"].create_index(["published"])
    db["articles"].create_index(["site"])
    db["articles"].create_index(["content_hash"])
    db["articles"].enable_fts(
        ["title", "text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )

    db["units"].create(
        {
            "article_id": int,
            "n": int,
            "type": str,
            "name": str,
            "province": str,
            "code": int,
            "is_old": int,
            "candidates": str,
            "successors": str,
            **_PROVENANCE,
        },
        pk=("article_id", "n"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["officials"].create(
        {"article_id": int, "n": int, "name": str, "titles": str, **_PROVENANCE},
        pk=("article_id", "n"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["official_titles"].create(
        {
            "article_id": int,
            "official_n": int,
            "n": int,
            "title": str,
            "role": str,
            "organisation": str,
            "place": str,
        },
        pk=("article_id", "official_n", "n"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["dossiers"].create(
        {
            "article_id": int,
            "n": int,
            "count": int,
            "kind": str,
            "channel": str,
            "total": int,
            **_PROVENANCE,
        },
        pk=("article_id", "n"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["percentages"].create(
        {
            "article_id": int,
            "n": int,
            "value": float,
            "qualifier": str,
            "indicator": str,
            "subject": str,
            **_PROVENANCE,
        },
        pk=("article_id", "n"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    for table in ("units", "officials", "dossiers", "percentages"):
        db[table].create_index(["article_id"])
    db["units"].create_index(["province"])
    db["units"].create_index(["type", "name"])
    db["officials"].create_index(["name"])
    db["official_titles"].create_index(["role"])
    db["dossiers"].create_index(["kind", "channel"])
    db["percentages"].create_index(["indicator"])

    db["runs"].create(
        {
            "id": int,
            "kind": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "articles_fetched": int,
            "articles_new": int,
            "articles_processed": int,
            "facts_written": int,
            "counts": str,
        },
        pk="id",
    )


def _m2_coordinates_and_attribution(db: sqlite_utils.Database) -> None:
    """Coordinates on the reference tables (for maps); each dossier/percentage row gets the unit
    it is about (``unit_n`` → ``units(article_id, n)``), so figures can be summed per commune."""
    from db.reference import coordinates

    for table in ("provinces", "communes"):
        db[table].add_column("latitude", float)
        db[table].add_column("longitude", float)
        for code, (lat, lon) in coordinates(table).items():
            db.execute(f"UPDATE {table} SET latitude = ?, longitude = ? WHERE code = ?", [lat, lon, code])
    for table in ("dossiers", "percentages"):
        db[table].add_column("unit_n", int)
    db["units"].create_index(["code"])


def _m3_views(db: sqlite_utils.Database) -> None:
    """The researcher views (``db.views``): facts joined to their article, commune and province,
    commune coverage, weekly coverage and dossier rates, so questions need no hand-written joins.
    A later migration that changes a view calls ``create_views`` again (it drops them first)."""
    from db.views import create_views

    create_views(db)


def _m4_feed_state(db: sqlite_utils.Database) -> None:
    """HTTP validators (ETag, Last-Modified) per feed/sitemap URL, so the nightly crawl can ask
    "changed since last night?" and a 304 costs the site almost nothing."""
    db["feed_state"].create(
        {"url": str, "etag": str, "last_modified": str, "checked_at": str, "status": int},
        pk="url",
    )


def _m5_signals(db: sqlite_utils.Database) -> None:
    """Monitoring signals (``monitor/``): a relevance score per article for the two-tier rollout
    (``relevance`` in [0, 1], ``relevance_version`` saying which lexicon and facts produced it, so
    a lexicon change re-scores), and near-duplicate stories (``story_id`` = smallest article id of
    the cluster; ``story_bands`` holds the MinHash LSH buckets so a new article is compared only
    with articles sharing a bucket). The ``stories`` view counts each story once: aggregates over
    republished text should count ``DISTINCT story_id``, not articles."""
    articles = db["articles"]
    articles.add_column("relevance", float)
    articles.add_column("relevance_version", str)
    articles.add_column("story_id", int)
    articles.create_index(["story_id"])
    articles.create_index(["relevance"])
    db["story_bands"].create(
        {"band": int, "bucket": int, "article_id": int},
        pk=("band", "bucket", "article_id"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["story_bands"].create_index(["article_id"])
    db.execute(
        """CREATE VIEW stories AS
        SELECT a.story_id AS story_id,
               count(*) AS articles,
               count(DISTINCT a.site) AS sites,
               group_concat(DISTINCT a.site) AS site_list,
               min(a.published) AS first_published,
               max(a.published) AS last_published,
               max(a.relevance) AS relevance,
               (SELECT f.title FROM articles f WHERE f.id = a.story_id) AS title,
               (SELECT f.url FROM articles f WHERE f.id = a.story_id) AS url
        FROM articles a
        WHERE a.story_id IS NOT NULL
        GROUP BY a.story_id"""
    )


def _m6_views_count_stories_once(db: sqlite_utils.Database) -> None:
    """Re-create the views now that ``articles.story_id`` exists: ``coverage_weekly.stories`` and
    ``dossier_rates`` count a report republished by several sites once."""
    from db.views import create_views

    create_views(db)


def _m7_fts_reindex_on_text_only(db: sqlite_utils.Database) -> None:
    """Re-index an article's full text only when its title or text changes.

    sqlite-utils' FTS trigger fires on any UPDATE of ``articles``, so marking an article processed
    (or scoring its relevance) deleted and re-inserted its whole text in ``articles_fts``: a third
    of the process step's database time. The trigger now names the indexed columns.
    """
    db.execute('DROP TRIGGER IF EXISTS "articles_au"')
    db.execute(
        'CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "text" ON "articles" BEGIN\n'
        '  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "text") '
        'VALUES(\'delete\', old.rowid, old."title", old."text");\n'
        '  INSERT INTO "articles_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");\n'
        "END"
    )


# Where and when a figure holds (spec v2 §5): every dossier and percentage row says whose figure it
# is (``scope_*``: the unit's type and name as the article writes it, and the 2025 gazetteer's code,
# the province's code, or ``VN`` for the nation) and which days it covers (``period_start``/``_end``:
# ISO dates, NULL on an open side), and where in the text that period was read
# (``period_phrase_start``/``_end``: char offsets into ``articles.text``).
FIGURE_CONTEXT = {
    "scope_type": str,
    "scope_name": str,
    "scope_code": str,
    "period_start": str,
    "period_end": str,
    "period_phrase_start": int,
    "period_phrase_end": int,
}


def _m8_scope_and_period(db: sqlite_utils.Database) -> None:
    """Spec v2: scope and period on every dossier and percentage row, and a qualifier on dossier
    counts (``hơn 932.000 hồ sơ`` → over). Scope replaces the nearest-unit guess ``unit_n``, which
    is dropped; the views are rebuilt on scope and period (series, observations). Rows written by
    extractor 0.2 keep NULL in the new columns until ``process --reprocess`` fills them."""
    from db.views import create_views, drop_views

    drop_views(db)  # they read unit_n
    for table in ("dossiers", "percentages"):
        columns = dict(FIGURE_CONTEXT)
        if table == "dossiers":
            columns = {"qualifier": str, **columns}
        for name, kind in columns.items():
            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {'INTEGER' if kind is int else 'TEXT'}")
        db.execute(f"ALTER TABLE {table} DROP COLUMN unit_n")
        db.execute(f"CREATE INDEX idx_{table}_scope ON {table} (scope_type, scope_name)")
        db.execute(f"CREATE INDEX idx_{table}_period ON {table} (period_start, period_end)")
    create_views(db)


def _m9_people(db: sqlite_utils.Database) -> None:
    """Officials as people across articles (``db.people``): a ``people`` table, each officials row's
    ``person_id``, and where each title's place came from (``official_titles.place_from``: written
    in the ``title``, or the ``article``'s unit for a title naming only a level). The views are
    rebuilt: ``official_facts`` gives an official's province from the places of the titles only."""
    from db.views import create_views

    db.execute("ALTER TABLE official_titles ADD COLUMN place_from TEXT")
    db.execute("ALTER TABLE officials ADD COLUMN person_id INTEGER")
    db.execute("CREATE INDEX idx_officials_person ON officials (person_id)")
    db["people"].create(
        {
            "id": int,
            "name": str,
            "provinces": str,
            "current_titles": str,
            "titles": str,
            "first_seen": str,
            "last_seen": str,
            "articles": int,
        },
        pk="id",
    )
    db["people"].create_index(["name"])
    create_views(db)


def _m10_article_aliases(db: sqlite_utils.Database) -> None:
    """Other addresses of stored articles, so that one article is stored once.

    The same page is reached as ``?ref=home``, with a trailing slash, on ``www.``/``m.``, over
    http and https, at a print or AMP path, or (the demo site) on another port each run.  The
    crawler stores it once and records every other URL that led to it here (``reason``:
    ``canonical`` when the page's ``rel=canonical`` names the stored URL, ``same_text`` when the
    site had already stored the same text); the URL is then in the seen-URL set and is never
    fetched again.
    """
    db["article_aliases"].create(
        {"url": str, "article_id": int, "reason": str, "seen_at": str},
        pk="url",
        not_null={"article_id"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_aliases"].create_index(["article_id"])


def _m11_every_commune_placed(db: sqlite_utils.Database) -> None:
    """Every 2025 commune on the map at its own point, each saying where its point comes from.

    vietnamadminunits files 123 communes under codes of its own (Cầu Giấy, Long Biên, Láng …), so
    points read by code put them at a neighbour's point or nowhere; the gazetteer now matches its
    communes to the official codes by name, and the points are read again here.
    ``communes.coordinates_source`` is ``own`` (the gazetteer's point for the commune), ``old units``
    (the centroid of the pre-2025 units merged into it, read from vietnamadminunits' lineage) or
    ``province`` (its province's centre): the two fallbacks for a commune the package has no point
    for (none with today's versions); NULL only for a commune still without a point, which
    ``commune_map`` counts. The views read ``communes`` and need no change.
    """
    from db.reference import OWN, coordinates, place_missing_communes

    db.execute("ALTER TABLE communes ADD COLUMN coordinates_source TEXT")
    # Points are read again from the gazetteer, which now translates vietnamadminunits' own codes to
    # the official ones by name: a database built before had 123 communes at a neighbour's point.
    points = coordinates("communes")
    db.execute("UPDATE communes SET latitude = NULL, longitude = NULL")
    db.conn.executemany(
        "UPDATE communes SET latitude = ?, longitude = ?, coordinates_source = ? WHERE code = ?",
        [(lat, lon, OWN, code) for code, (lat, lon) in points.items()],
    )
    missing = db.execute(
        "SELECT code, province_code, full_name FROM communes WHERE latitude IS NULL OR longitude IS NULL"
    ).fetchall()
    province_points = {
        code: (lat, lon)
        for code, lat, lon in db.execute(
            "SELECT code, latitude, longitude FROM provinces WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
        )
    }
    placed = place_missing_communes(missing, province_points)
    for code, (lat, lon, source) in placed.items():
        db.execute(
            "UPDATE communes SET latitude = ?, longitude = ?, coordinates_source = ? WHERE code = ?",
            [lat, lon, source, code],
        )
    by_source: dict[str, int] = {}
    for _lat, _lon, source in placed.values():
        by_source[source] = by_source.get(source, 0) + 1
    log.info(
        "placed %d of %d communes without a point of their own (%s); %d left without one",
        len(placed), len(missing), ", ".join(f"{n} by {s}" for s, n in sorted(by_source.items())) or "none",
        len(missing) - len(placed),
    )


def _m12_runs_of_nodes(db: sqlite_utils.Database) -> None:
    """Runs carried over from crawl nodes' shard databases (``pipeline.py merge``, ``db.merge``).

    ``runs.node`` names the machine a run happened on (NULL: this database's own), and
    ``runs.node_run_id`` its id in that machine's database.  A merged run is recognised by
    ``(node, node_run_id, started_at)``, so merging the same shard twice adds no row.

    The views are re-created too: ``dossier_rates`` now reads each observation view once (the same
    rows, 2.6× faster at 10,000 articles: ``docs/SCALE.md``).
    """
    from db.views import create_views

    db.execute("ALTER TABLE runs ADD COLUMN node TEXT")
    db.execute("ALTER TABLE runs ADD COLUMN node_run_id INTEGER")
    db.execute("CREATE UNIQUE INDEX idx_runs_node_run ON runs (node, node_run_id, started_at)")
    create_views(db)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m1_initial,
    _m2_coordinates_and_attribution,
    _m3_views,
    _m4_feed_state,
    _m5_signals,
    _m6_views_count_stories_once,
    _m7_fts_reindex_on_text_only,
    _m8_scope_and_period,
    _m9_people,
    _m10_article_aliases,
    _m11_every_commune_placed,
    _m12_runs_of_nodes,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database) -> int:
    """Apply the migrations this database has not had yet; return how many ran."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"database schema version {current} is newer than this code ({SCHEMA_VERSION}): upgrade the code"
        )
    ran = 0
    for number, migration in enumerate(MIGRATIONS[current:], start=current + 1):
        # One transaction per migration, the version stamp included: a killed upgrade leaves the
        # database exactly at the previous version (``db.transaction``). The version is read again
        # inside it (``BEGIN IMMEDIATE`` holds the write lock): a second process opening the same new
        # database waited for the first and finds the migration done.
        with transaction(db):
            if db.execute("PRAGMA user_version").fetchone()[0] >= number:
                continue
            log.info("migrating database to schema version %d (%s)", number, migration.__name__)
            migration(db)
            crash_point(f"migration.{number}.applied")
            db.execute(f"PRAGMA user_version = {number}")
            crash_point(f"migration.{number}.stamped")
        ran += 1
    return ran
