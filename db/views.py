"""SQL views that answer researchers' questions without writing the joins.

The fact tables are normalised (a dossier row points to its article and to the unit it is about
by ``(article_id, unit_n)``; a unit row carries a code whose meaning depends on ``is_old``), which
is right for writing facts but makes every question a four-table join. These views do the joins
once, in the database, so that Datasette, pandas (``db.api``) and plain ``sqlite3`` see the same
flat tables:

``unit_facts``, ``dossier_facts``, ``percentage_facts``, ``official_facts``
    one row per fact with its article (url, published, site, title), the 2025 commune/province
    it resolves to (with coordinates) and its provenance (sentence, offsets, extractor version);
``commune_coverage``
    one row per (2025 commune, article) mentioning it, directly or through an abolished unit that
    became it (``huyện Diễn Châu`` counts for each of its successor communes);
``coverage_weekly``
    articles per province per ISO week;
``dossier_rates``
    dossier figures per commune and month, with online and on-time shares.

How a unit row resolves (the rules every view shares, written once below as SQL fragments):

* ``level``: ``province`` for ``tỉnh`` and 2025 ``thành phố`` rows, and for an old ``thành phố``
  whose single successor is its 2025 province (the five centrally-run cities); ``district`` for
  the other old ``huyện``/``quận``/``thị xã``/``thành phố``; ``commune`` otherwise.
* ``commune_code``: the 2025 commune a commune- or district-level unit is. For a 2025 unit that is
  its own code; for an old unit it is its successor when it has exactly one (an old commune merged
  into one new commune); an old district split into many communes has none here (see
  ``commune_coverage``). Old and 2025 code spaces overlap, which is why the code alone is never
  joined to ``communes`` without ``is_old``.
* ``province_code``: the commune's province, else the 2025 province row itself, else the 2025
  province named in ``units.province``.
* ``latitude``/``longitude``: the commune's point, or the province's for province-level units;
  NULL for units that resolve to neither (an old district split in many communes).

``month`` and ISO weeks are read from the published date *as written* (local Vietnamese time):
SQLite's date functions would move ``2025-07-31T23:30:00+07:00`` into the previous day in UTC.

The views are created by the schema migration ``_m3_views`` (``db.schema``) and re-created by any
later migration calling :func:`create_views` again; a read-only connection to an older database
gets them as TEMP views instead (``db.api``).
"""

from __future__ import annotations

import logging
from typing import Any

from db.transaction import connection_of

log = logging.getLogger(__name__)

__all__ = ["VIEW_NAMES", "create_views", "drop_views", "view_sql"]

VIEW_NAMES = (
    "unit_facts",
    "dossier_facts",
    "percentage_facts",
    "official_facts",
    "commune_coverage",
    "coverage_weekly",
    "dossier_observations",
    "percentage_observations",
    "dossier_rates",
)

_DISTRICT_TYPES = "('huyện', 'quận', 'thị xã', 'thành phố')"


def _level(u: str) -> str:
    """SQL: the level (province | district | commune) of the ``units`` row aliased ``u``."""
    return f"""(CASE
        WHEN {u}.type = 'tỉnh' OR ({u}.type = 'thành phố' AND {u}.is_old = 0) THEN 'province'
        WHEN {u}.type = 'thành phố' AND json_valid({u}.successors)
             AND json_array_length({u}.successors) = 1
             AND EXISTS (SELECT 1 FROM provinces pl
                         WHERE pl.code = json_extract({u}.successors, '$[0]') AND pl.name = {u}.province)
            THEN 'province'
        WHEN {u}.type IN {_DISTRICT_TYPES} THEN 'district'
        WHEN {u}.type IS NULL THEN NULL
        ELSE 'commune' END)"""


def _commune_code(u: str) -> str:
    """SQL: the 2025 commune code the unit ``u`` is (NULL for provinces and split districts)."""
    return f"""(CASE WHEN {_level(u)} IN ('commune', 'district') THEN
        CASE WHEN {u}.is_old = 0 THEN {u}.code
             WHEN json_valid({u}.successors) AND json_array_length({u}.successors) = 1
                 THEN json_extract({u}.successors, '$[0]')
        END END)"""


def _province_code(u: str, c: str) -> str:
    """SQL: the 2025 province code of unit ``u`` whose resolved commune is joined as ``c``."""
    return f"""COALESCE({c}.province_code,
        CASE WHEN {u}.is_old = 0 AND {_level(u)} = 'province' THEN {u}.code END,
        (SELECT pn.code FROM provinces pn WHERE pn.name = {u}.province))"""


def _place_joins(u: str, c: str, p: str) -> str:
    """SQL: LEFT JOINs of the unit ``u``'s 2025 commune (as ``c``) and province (as ``p``)."""
    return (
        f"LEFT JOIN communes {c} ON {c}.code = {_commune_code(u)}\n"
        f"    LEFT JOIN provinces {p} ON {p}.code = {_province_code(u, c)}"
    )


def _coordinate(u: str, c: str, p: str, axis: str) -> str:
    """SQL: the commune's latitude/longitude, else the province's for province-level units."""
    return f"(CASE WHEN {c}.code IS NOT NULL THEN {c}.{axis} WHEN {_level(u)} = 'province' THEN {p}.{axis} END)"


def _main_province(a: str) -> str:
    """SQL: the article's main province: its source's province, else its most-mentioned one."""
    return f"""COALESCE(NULLIF({a}.source_province, ''),
        (SELECT um.province FROM units um
         WHERE um.article_id = {a}.id AND um.province IS NOT NULL
         GROUP BY um.province ORDER BY count(*) DESC, min(um.n) LIMIT 1))"""


def _month(a: str) -> str:
    """SQL: ``YYYY-MM`` of the published date as written (NULL when it is not a date)."""
    return f"(CASE WHEN {a}.published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' THEN substr({a}.published, 1, 7) END)"


def _unit_facts() -> str:
    return f"""
SELECT u.article_id, u.n, a.url, a.published, a.site, a.title,
    u.type, u.name, u.province, u.code, u.is_old, {_level("u")} AS level,
    c.code AS commune_code, c.name AS commune_name, p.code AS province_code,
    {_coordinate("u", "c", "p", "latitude")} AS latitude,
    {_coordinate("u", "c", "p", "longitude")} AS longitude,
    u.candidates, u.successors,
    u.sentence_index, u.sentence, u.start, u."end", u.extractor_version
FROM units u
    JOIN articles a ON a.id = u.article_id
    {_place_joins("u", "c", "p")}
"""


_LOCAL_SCOPES = "('xã', 'phường', 'đặc khu')"


def _period_label(f: str) -> str:
    """SQL: a period as people write it: ``2025-07-01 – 2025-09-30``, ``up to 2025-08-06`` (a
    running total), ``from 2025-07-01``, one day; NULL when the figure has no period."""
    return f"""(CASE
        WHEN {f}.period_start IS NULL AND {f}.period_end IS NULL THEN NULL
        WHEN {f}.period_start IS NULL THEN 'up to ' || {f}.period_end
        WHEN {f}.period_end IS NULL THEN 'from ' || {f}.period_start
        WHEN {f}.period_start = {f}.period_end THEN {f}.period_start
        ELSE {f}.period_start || ' – ' || {f}.period_end END)"""


def _figure_facts(table: str, columns: str) -> str:
    """``dossier_facts`` / ``percentage_facts``: the figure, its article, whose figure it is (its
    scope, resolved to the 2025 commune or province and their coordinates) and the days it covers
    (its period, with the phrase it was read from)."""
    return f"""
SELECT f.article_id, f.n, a.url, a.published, {_month("a")} AS month, a.site, a.title,
    {columns},
    f.scope_type, f.scope_name, f.scope_code,
    (CASE WHEN f.scope_type = 'quốc gia' THEN 'nation'
          WHEN sc.code IS NOT NULL THEN 'commune'
          WHEN f.scope_type IN ('tỉnh', 'thành phố') AND sp.code IS NOT NULL THEN 'province'
          WHEN f.scope_type IS NOT NULL THEN 'former unit' END) AS scope_level,
    sc.code AS commune_code, sc.name AS commune_name, sp.code AS province_code,
    COALESCE(sp.name, CASE WHEN f.scope_type IS NULL OR f.scope_type <> 'quốc gia' THEN {_main_province("a")} END)
        AS province,
    COALESCE(sc.latitude, sp.latitude) AS latitude, COALESCE(sc.longitude, sp.longitude) AS longitude,
    f.period_start, f.period_end, {_period_label("f")} AS period_label,
    CAST(julianday(f.period_end) - julianday(f.period_start) + 1 AS INTEGER) AS period_days,
    CASE WHEN f.period_phrase_start IS NOT NULL
        THEN substr(a.text, f.period_phrase_start + 1, f.period_phrase_end - f.period_phrase_start) END
        AS period_phrase,
    f.period_phrase_start, f.period_phrase_end,
    f.sentence_index, f.sentence, f.start, f."end", f.extractor_version
FROM {table} f
    JOIN articles a ON a.id = f.article_id
    LEFT JOIN communes sc ON f.scope_type IN {_LOCAL_SCOPES} AND sc.code = f.scope_code
    LEFT JOIN provinces sp ON sp.code = COALESCE(sc.province_code,
        CASE WHEN f.scope_type IN ('tỉnh', 'thành phố') THEN f.scope_code END)
"""


_OBSERVATION_PLACE = """scope_type, scope_name, scope_code, scope_level, commune_code, commune_name,
    province_code, province, latitude, longitude,
    period_start, period_end, period_label, period_days"""


def _observations(facts: str, measure: str, extra: str, stories: bool) -> str:
    """One row per observation: figures that share scope, period, what they measure, qualifier
    and value are the same observation, however many articles report it (a commune's figure is
    often repeated by the provincial paper, a national outlet and the commune's portal). The url and
    sentence shown are those of the first report (SQLite gives the bare columns of the row where
    ``min()`` is reached)."""
    return f"""
SELECT {_OBSERVATION_PLACE}, {measure}, {extra},
    count(*) AS mentions, count(DISTINCT f.article_id) AS articles,
    count(DISTINCT {_story("a", stories, "f.article_id")}) AS stories,
    min(f.published) AS first_reported, max(f.published) AS last_reported,
    json_group_array(DISTINCT f.article_id) AS article_ids,
    f.url, f.sentence, f.article_id AS first_article_id
FROM {facts} f JOIN articles a ON a.id = f.article_id
GROUP BY f.scope_type, f.scope_name, f.period_start, f.period_end, {measure}
"""


def _official_facts() -> str:
    # The place of a title ("xã Đông Giang", written, or the article's unit for a title naming only
    # a level: ``place_from``) is matched to a unit of the same article whose name ends it,
    # preferring the exact "type name", then 2025 units, then the first: that gives the commune and
    # the province. An official's province comes from the places of the titles only, never from the
    # newspaper (``article_province`` is kept apart, as the article's). The preference is one min()
    # over an encoded key because SQLite 3.40 rejects outer columns in a correlated subquery's ORDER BY.
    return f"""
SELECT ot.article_id, ot.official_n, ot.title_n, ot.name, ot.person_id,
    ot.title, ot.role, ot.organisation, ot.place, ot.place_from,
    c.code AS commune_code, c.name AS commune_name,
    COALESCE(pu.province, (SELECT pp.name FROM provinces pp
                           WHERE ot.place IN ('tỉnh ' || pp.name, 'thành phố ' || pp.name))) AS province,
    {_main_province("a")} AS article_province,
    a.url, a.published, a.site, a.title AS article_title,
    ot.sentence_index, ot.sentence, ot.start, ot."end", ot.extractor_version
FROM (
    SELECT o.article_id, o.n AS official_n, t.n AS title_n, o.name, o.person_id, t.title, t.role, t.organisation,
        t.place, t.place_from, o.sentence_index, o.sentence, o.start, o."end", o.extractor_version,
        (SELECT min((t.place <> ux.type || ' ' || ux.name) * 2000000000 + ux.is_old * 1000000000 + ux.n)
                % 1000000000
         FROM units ux
         WHERE ux.article_id = o.article_id AND t.place IS NOT NULL AND ux.name IS NOT NULL
           AND length(t.place) >= length(ux.name) AND substr(t.place, -length(ux.name)) = ux.name) AS place_n
    FROM officials o
        LEFT JOIN official_titles t ON t.article_id = o.article_id AND t.official_n = o.n
) ot
    JOIN articles a ON a.id = ot.article_id
    LEFT JOIN units pu ON pu.article_id = ot.article_id AND pu.n = ot.place_n
    LEFT JOIN communes c ON c.code = {_commune_code("pu")}
"""


def _commune_coverage() -> str:
    # One row per (commune, article); the mention shown is the first direct one, else the first
    # old unit (the bare column next to min() is SQLite's documented "row of the minimum").
    # CROSS JOIN fixes the loop order (units → successors → commune by key); left to itself the
    # planner scans all 3,321 communes and probes units.
    return f"""
WITH mentions AS (
    SELECT u.article_id, u.n, u.is_old, u.type || ' ' || u.name AS mentioned_as, u.sentence,
        c.code AS commune_code
    FROM units u JOIN communes c ON c.code = u.code
    WHERE u.is_old = 0 AND u.type NOT IN ('tỉnh', 'thành phố')
    UNION ALL
    SELECT u.article_id, u.n, u.is_old, u.type || ' ' || u.name, u.sentence, c.code
    FROM units u
        CROSS JOIN json_each(CASE WHEN json_valid(u.successors) THEN u.successors ELSE '[]' END) j
        CROSS JOIN communes c ON c.code = j.value
    WHERE u.is_old = 1 AND {_level("u")} <> 'province'
),
per_article AS (
    SELECT commune_code, article_id, min(is_old * 1000000000 + n) AS first_key,
        mentioned_as, is_old, sentence, count(*) AS mentions
    FROM mentions GROUP BY commune_code, article_id
)
SELECT m.commune_code, c.name AS commune_name, c.type AS commune_type, c.province, c.province_code,
    c.latitude, c.longitude,
    m.article_id, a.url, a.published, {_month("a")} AS month, a.site, a.title,
    m.mentioned_as, m.is_old, m.mentions, m.sentence
FROM per_article m
    JOIN communes c ON c.code = m.commune_code
    JOIN articles a ON a.id = m.article_id
"""


def _story(alias: str, stories: bool, fallback: str | None = None) -> str:
    """The story key of an article: its near-duplicate cluster (``story_id``, schema v5+) or
    itself, so that a report republished by several sites counts once in aggregates."""
    own = fallback or f"{alias}.id"
    return f"COALESCE({alias}.story_id, {own})" if stories else own


def _coverage_weekly(stories: bool) -> str:
    # ISO week: the Thursday of the date's Monday-based week decides the ISO year and number
    # (strftime('%V') needs SQLite 3.46; this works on any version with date functions).
    return f"""
WITH days AS (
    SELECT a.id, {_story("a", stories)} AS story, a.site, {_main_province("a")} AS province,
        date(substr(a.published, 1, 10)) AS day
    FROM articles a
    WHERE date(substr(a.published, 1, 10)) IS NOT NULL
),
weeks AS (
    SELECT id, story, site, province,
        date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days') AS week_start
    FROM days
)
SELECT province,
    strftime('%Y', date(week_start, '+3 days')) || '-W'
        || printf('%02d', (CAST(strftime('%j', date(week_start, '+3 days')) AS INTEGER) - 1) / 7 + 1) AS week,
    week_start, count(*) AS articles, count(DISTINCT story) AS stories, count(DISTINCT site) AS sites
FROM weeks
GROUP BY province, week_start
"""


def _dossier_rates() -> str:
    # A rate is read within one (scope, period): figures of different periods are never added, and
    # a running total ("tính đến 6/8") stays a row of its own, labelled "up to 2025-08-06". A kind's
    # figure is the channel-less one when given (the largest, should two reports differ), else the
    # sum of its channels (112 direct + 59 online). The reported shares (a percentage the article
    # states for the same scope and period) stand beside the computed ones. Both observation views
    # are read once (a UNION ALL grouped twice), not once per part: at 10,000 articles joining
    # separately grouped parts made the view 3× slower (bench/serve_bench.py).
    def kind(k: str) -> str:
        return (
            f"COALESCE(max(CASE WHEN is_count AND kind = '{k}' AND channel IS NULL THEN count END), "
            f"sum(CASE WHEN is_count AND kind = '{k}' AND channel IS NOT NULL THEN count END))"
        )

    return f"""
WITH obs AS (
    SELECT {_OBSERVATION_PLACE}, 'dossier' AS source, kind, channel, count, total, qualifier,
        NULL AS indicator, NULL AS value, stories
    FROM dossier_observations
    UNION ALL
    SELECT {_OBSERVATION_PLACE}, 'percentage', NULL, NULL, NULL, NULL, NULL, indicator, value, stories
    FROM percentage_observations
),
by_channel AS (
    SELECT scope_type, scope_name, period_start, period_end, source, kind, channel, indicator,
        max(count) AS count, max(total) AS total, max(qualifier <> 'exact') AS approximate,
        max(value) AS value, max(stories) AS stories,
        max(scope_code) AS scope_code, max(scope_level) AS scope_level, max(commune_code) AS commune_code,
        max(province_code) AS province_code, max(province) AS province,
        max(latitude) AS latitude, max(longitude) AS longitude,
        max(period_label) AS period_label, max(period_days) AS period_days
    FROM obs
    WHERE scope_type IS NOT NULL AND (period_start IS NOT NULL OR period_end IS NOT NULL)
    GROUP BY scope_type, scope_name, period_start, period_end, source, kind, channel, indicator
),
counted AS (
    SELECT *, source = 'dossier' AND kind IN ('received', 'resolved', 'on_time', 'overdue', 'pending') AS is_count,
        source = 'percentage' AND indicator IN ('online_share', 'on_time') AS is_share
    FROM by_channel
),
rates AS (
    SELECT scope_type, scope_name, max(scope_code) AS scope_code, max(scope_level) AS scope_level,
        max(commune_code) AS commune_code, max(province_code) AS province_code, max(province) AS province,
        max(latitude) AS latitude, max(longitude) AS longitude,
        period_start, period_end, max(period_label) AS period_label, max(period_days) AS period_days,
        max(COALESCE(max(CASE WHEN is_count THEN stories END), 0),
            COALESCE(max(CASE WHEN is_share THEN stories END), 0)) AS stories,
        {kind("received")} AS received,
        max(CASE WHEN is_count AND kind = 'received' AND channel = 'online' THEN count END) AS received_online,
        COALESCE({kind("resolved")}, max(CASE WHEN is_count AND kind = 'on_time' THEN total END)) AS resolved,
        {kind("on_time")} AS on_time,
        {kind("overdue")} AS overdue,
        {kind("pending")} AS pending,
        max(CASE WHEN is_share AND indicator = 'online_share' THEN value END) AS online_share_reported,
        max(CASE WHEN is_share AND indicator = 'on_time' THEN value END) AS on_time_share_reported,
        COALESCE(max(CASE WHEN is_count THEN approximate END), 0) AS approximate
    FROM counted
    GROUP BY scope_type, scope_name, period_start, period_end
    HAVING max(source = 'dossier' OR is_share)
)
SELECT scope_type, scope_name, scope_code, scope_level, commune_code, province_code, province, latitude, longitude,
    period_start, period_end, period_label, period_days, stories,
    received, received_online, resolved, on_time, overdue, pending,
    CASE WHEN received > 0 AND received_online IS NOT NULL
        THEN round(1.0 * received_online / received, 4) END AS online_share,
    CASE WHEN resolved > 0 AND on_time IS NOT NULL
        THEN round(1.0 * on_time / resolved, 4) END AS on_time_share,
    online_share_reported, on_time_share_reported, approximate
FROM rates
"""


def view_sql(stories: bool = True) -> dict[str, str]:
    """Each view's SELECT, by name, in creation order (later views read earlier ones).

    ``stories``: whether ``articles.story_id`` exists (schema v5+), so that aggregates count a
    story republished by several sites once."""
    return {
        "unit_facts": _unit_facts(),
        "dossier_facts": _figure_facts("dossiers", "f.count, f.kind, f.channel, f.total, f.qualifier"),
        "percentage_facts": _figure_facts("percentages", "f.value, f.qualifier, f.indicator, f.subject"),
        "official_facts": _official_facts(),
        "commune_coverage": _commune_coverage(),
        "coverage_weekly": _coverage_weekly(stories),
        "dossier_observations": _observations(
            "dossier_facts", "f.kind, f.channel, f.qualifier, f.count", "max(f.total) AS total", stories
        ),
        "percentage_observations": _observations(
            "percentage_facts", "f.indicator, f.qualifier, f.value", "max(f.subject) AS subject", stories
        ),
        "dossier_rates": _dossier_rates(),
    }


def drop_views(db: Any, temp: bool = False) -> None:
    """Drop the views (TEMP ones with ``temp``), later ones first since they read earlier ones."""
    conn = connection_of(db)
    schema = "temp." if temp else ""
    for name in reversed(VIEW_NAMES):
        conn.execute(f"DROP VIEW IF EXISTS {schema}{name}")


def create_views(db: Any, temp: bool = False) -> list[str]:
    """(Re-)create the researcher views on ``db`` (a ``sqlite_utils.Database`` or a connection).

    Views are dropped first so that a later migration can call this again after changing them.
    With ``temp`` they are TEMP views, which a read-only connection may create: that is how
    ``db.api`` serves a database written by code older than the views. Returns the names.
    """
    conn = connection_of(db)
    stories = any(row[1] == "story_id" for row in conn.execute("PRAGMA table_info(articles)"))
    drop_views(conn, temp=temp)
    kind = "TEMP VIEW" if temp else "VIEW"
    for name, select in view_sql(stories).items():
        conn.execute(f"CREATE {kind} {name} AS {select.strip()}")
    log.debug("created %s views: %s", "temp" if temp else "schema", ", ".join(VIEW_NAMES))
    return list(VIEW_NAMES)
