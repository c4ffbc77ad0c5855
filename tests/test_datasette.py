"""Datasette over the demo database: metadata, views, canned queries, search, the map, the pages
people read, and read-only mode.

The module builds one demo database (the bundled sample site crawled on 127.0.0.1 and processed)
and queries it through Datasette's own ASGI test client, as a browser would (tests/test_browser.py
renders the same pages in a real browser).
"""

from __future__ import annotations

import asyncio
import math
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from conftest import build_demo_db, file_digest
from markupsafe import escape

from db.reference import COORDINATE_SOURCES, old_unit_centroids, place_missing_communes
from db.views import VIEW_NAMES
from researcher.plugin import escape_fts_folded, fold, mark_snippet, split_description, unit_key
from researcher.serve import build_datasette, load_metadata

pytestmark = pytest.mark.slow

DB = "news"  # Datasette names the database after the file: news.db

# Each canned query with parameters that must give rows on the demo database.
CANNED: dict[str, dict[str, str]] = {
    "search_articles": {"q": "dong giang"},
    "commune_dossier_rates": {"province": "Lâm Đồng"},
    "online_dossiers_by_province": {"province": "lam dong", "from": "2025-07-01", "to": "2025-12-31"},
    "unit_series": {"unit": "xa dong giang", "kind": "received"},
    "officials_by_role": {"role": "Chủ tịch", "province": ""},
    "who_holds_title": {"title": "Phó Bí thư Tỉnh ủy", "unit": "Lâm Đồng"},
    "person_timeline": {"person": "truong thi ngoc han"},
    "coverage_by_week": {"province": "Lâm Đồng"},
    "commune_articles": {"commune": "xã Đông Giang", "province": ""},
    "commune_map": {"province": ""},
    "new_facts": {"since": ""},
}
# Monitoring queries that may rightly be empty (no unresolved unit in the demo articles).
MAY_BE_EMPTY = {"unresolved_units"}


@pytest.fixture(scope="module")
def db_path(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("datasette") / "news.db", demo_site)["db"]


@pytest.fixture(scope="module")
def ds(db_path: Path) -> Any:
    return build_datasette(db_path)


def _get(ds: Any, path: str, follow: bool = True, **params: Any) -> httpx.Response:
    return asyncio.run(ds.client.get(path, params=params or None, follow_redirects=follow))


def _rows(ds: Any, path: str, **params: Any) -> list[dict[str, Any]]:
    response = _get(ds, path, _shape="objects", **params)
    assert response.status_code == 200, f"{path} {params}: {response.status_code} {response.text[:500]}"
    body = response.json()
    assert not body.get("error"), body.get("error")
    return body["rows"]


def tables_and_views(ds: Any) -> list[str]:
    body = _get(ds, f"/{DB}.json").json()
    return [t["name"] for t in body["tables"]] + [v["name"] if isinstance(v, dict) else v for v in body["views"]]


# -- metadata --------------------------------------------------------------------------------


def test_every_table_view_and_column_is_described(db_path: Path) -> None:
    tables = load_metadata(DB)["databases"][DB]["tables"]
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'articles_fts%' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        assert set(VIEW_NAMES) <= set(names)
        for name in names:
            assert name in tables, f"{name} has no metadata"
            meta = tables[name]
            assert meta.get("title") and meta.get("description"), f"{name} needs a title and a description"
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{name}])")]
            described = set(meta.get("columns") or {})
            undescribed, stale = set(columns) - described, described - set(columns)
            assert not undescribed, f"{name}: columns without a description: {undescribed}"
            assert not stale, f"{name}: described columns that do not exist: {stale}"
            for key in ("facets", "sortable_columns"):
                assert set(meta.get(key) or []) <= set(columns), f"{name}.{key} names a missing column"
    finally:
        conn.close()


def test_every_table_and_view_page_renders(ds: Any) -> None:
    for name in ("articles", "units", "officials", "official_titles", "dossiers", "percentages", "runs",
                 "provinces", "communes", *VIEW_NAMES):
        response = _get(ds, f"/{DB}/{name}")
        assert response.status_code == 200, f"/{DB}/{name}: {response.status_code}"
    home = _get(ds, "/").text
    assert "Vietnam local press" in home


# -- views -----------------------------------------------------------------------------------


def test_dossier_facts_has_the_dong_giang_figure_with_link_and_sentence(ds: Any) -> None:
    rows = _rows(ds, f"/{DB}/dossier_facts.json", count="171", kind="received", scope_name="Đông Giang")
    assert rows, "171 dossiers received by xã Đông Giang not in dossier_facts"
    row = rows[0]
    assert row["scope_type"] == "xã" and row["province"] == "Lâm Đồng" and row["scope_level"] == "commune"
    assert row["url"].startswith("http://127.0.0.1") and "171 hồ sơ" in row["sentence"]
    assert row["period_start"] == "2025-07-01" and row["latitude"] and row["longitude"]


def test_official_facts_has_dang_hong_sy(ds: Any) -> None:
    rows = _rows(ds, f"/{DB}/official_facts.json", name="Đặng Hồng Sỹ")
    assert any(r["title"].startswith("Phó Bí thư Tỉnh ủy") for r in rows), rows
    assert all("Đặng Hồng Sỹ" in r["sentence"] and r["url"] for r in rows)


def test_fact_pages_link_each_row_to_its_article(ds: Any) -> None:
    for view in ("unit_facts", "dossier_facts", "percentage_facts", "official_facts", "commune_coverage"):
        html = _get(ds, f"/{DB}/{view}").text
        assert '<a href="http://127.0.0.1' in html, f"{view}: article URLs are not rendered as links"
        assert 'class="col-sentence' in html, f"{view}: no sentence column"


def test_maps_are_drawn_where_there_are_coordinates(ds: Any) -> None:
    for page in (f"/{DB}/unit_facts", f"/{DB}/commune_coverage", f"/{DB}/commune_map"):
        assert "datasette-cluster-map" in _get(ds, page).text, f"{page}: no cluster map"


# -- canned queries --------------------------------------------------------------------------


def test_every_canned_query_runs_and_answers(ds: Any) -> None:
    queries = load_metadata(DB)["databases"][DB]["queries"]
    assert len(queries) >= 6
    assert set(CANNED) | MAY_BE_EMPTY == set(queries), "CANNED lists every canned query"
    assert not set(queries) & set(tables_and_views(ds)), "a canned query would hide a table or view"
    for name in queries:
        rows = _rows(ds, f"/{DB}/{name}.json", **CANNED.get(name, {}))
        if name not in MAY_BE_EMPTY:
            assert rows, f"canned query {name} returned no rows"


def test_who_chairs_the_peoples_committee_of_xa_dong_giang(ds: Any) -> None:
    rows = _rows(ds, f"/{DB}/who_holds_title.json", title="Chủ tịch UBND", unit="xã Đông Giang")
    assert rows and all(r["title"].startswith("Chủ tịch UBND") for r in rows)
    assert all("Đông Giang" in (r["place"] or "") + r["title"] for r in rows)
    assert all(r["url"] and r["sentence"] for r in rows)
    # Diacritics and the type word are optional when typing.
    assert _rows(ds, f"/{DB}/who_holds_title.json", title="chu tich ubnd", unit="dong giang") == rows


def test_commune_coverage_finds_articles_under_old_names(ds: Any) -> None:
    rows = _rows(ds, f"/{DB}/commune_articles.json", commune="Đông Giang", province="Lâm Đồng")
    assert any("Đông Giang" in r["title"] for r in rows)
    for typed in ("xã Đông Giang", "xa dong giang", "dong giang"):
        assert _rows(ds, f"/{DB}/commune_articles.json", commune=typed, province="lam dong") == rows, typed
    old = _rows(ds, f"/{DB}/unit_facts.json", is_old="1", level="commune", commune_code__notblank="1")
    assert old, "the demo names no old commune that merged into a 2025 one"
    successor = old[0]
    via_old = _rows(ds, f"/{DB}/commune_articles.json", commune=successor["commune_name"],
                    province=successor["province"] or "")
    assert successor["url"] in {r["url"] for r in via_old}, "the article naming the old unit is missing"
    by_old_name = _rows(ds, f"/{DB}/commune_articles.json", commune=f"{successor['type']} {successor['name']}",
                        province="")
    assert successor["commune_name"] in {r["commune_name"] for r in by_old_name}
    assert successor["url"] in {r["url"] for r in by_old_name}


def test_new_facts_defaults_to_the_last_processing_day(ds: Any) -> None:
    rows = _rows(ds, f"/{DB}/new_facts.json", since="")
    assert {r["kind"] for r in rows} == {"unit", "official", "dossier", "percentage"}
    assert all(r["url"] and r["sentence"] for r in rows)
    assert _rows(ds, f"/{DB}/new_facts.json", since="2999-01-01") == []


# -- search ----------------------------------------------------------------------------------


def test_article_search_folds_diacritics_including_d(ds: Any) -> None:
    folded = _rows(ds, f"/{DB}/articles.json", _search="dong giang", _col="title")
    accented = _rows(ds, f"/{DB}/articles.json", _search="Đông Giang", _col="title")
    assert any(r["title"].startswith("Xã Đông Giang") for r in folded), folded
    assert {r["id"] for r in folded} == {r["id"] for r in accented}
    assert _rows(ds, f"/{DB}/articles.json", _search='"xa dong giang"', _col="title")
    assert _rows(ds, f"/{DB}/articles.json", _search="no such wordzz", _col="title") == []


def test_search_terms_cover_every_d_spelling() -> None:
    assert escape_fts_folded("dong giang") == '("dong" OR "đong") AND "giang"'
    assert escape_fts_folded("Đông Giang") == escape_fts_folded("dong giang")
    assert escape_fts_folded('ha "noi') == '"ha" AND "noi"'
    assert escape_fts_folded("OR NOT") == '"or" AND "not"'
    assert fold("Xã  Đông Giang") == "xa dong giang" and fold(None) is None
    assert unit_key("xã Đông Giang") == unit_key("Đông Giang") == "dong giang"
    assert unit_key("đặc khu Phú Quý") == "phu quy" and unit_key("Xã") == "xa" and unit_key(None) is None
    # Type words only with their diacritics: these are names, not types.
    assert unit_key("Quan Sơn") == "quan son" and unit_key("Tịnh Biên") == "tinh bien"
    assert unit_key("quận Hoàn Kiếm") == "hoan kiem" and unit_key("xa dong giang") == "xa dong giang"


# -- read-only -------------------------------------------------------------------------------


def test_writes_through_the_web_are_refused(ds: Any, db_path: Path) -> None:
    before = file_digest(db_path)
    count = len(_rows(ds, f"/{DB}/articles.json", _col="id", _size="max"))

    async def attempts() -> list[httpx.Response]:
        return [
            await ds.client.post(f"/{DB}/articles/-/insert", json={"row": {"url": "x", "text": "y"}}),
            await ds.client.post(f"/{DB}/-/create", json={"table": "t", "row": {"a": 1}}),
            await ds.client.post(f"/{DB}/articles/1/-/delete", json={}),
            await ds.client.post(f"/{DB}", data={"sql": "DELETE FROM articles"}),
            await ds.client.post(f"/{DB}/articles", data={"title": "x"}),
            await ds.client.get(f"/{DB}.json", params={"sql": "DELETE FROM articles"}),
            await ds.client.get(f"/{DB}.json", params={"sql": "UPDATE articles SET title = 'x'"}),
        ]

    for response in asyncio.run(attempts()):
        assert response.status_code in (400, 403, 404, 405), (response.request.url, response.status_code)
        if response.request.method == "POST":
            assert response.status_code == 405 and "read-only" in response.text
    assert len(_rows(ds, f"/{DB}/articles.json", _col="id", _size="max")) == count
    assert file_digest(db_path) == before

    database = ds.get_database(DB)
    assert database.is_mutable  # served live (mode=ro), so the nightly job's writes show at once
    conn = database.connect()
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly|read-only"):
            conn.execute("DELETE FROM articles")
    finally:
        conn.close()
    assert file_digest(db_path) == before


def test_missing_database_is_an_error_not_an_empty_one(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        build_datasette(tmp_path / "nope.db")
    assert not (tmp_path / "nope.db").exists()


def test_province_parameters_are_read_as_people_type_them(ds: Any) -> None:
    def rows(province: str) -> list[dict[str, Any]]:
        return _rows(ds, f"/{DB}/commune_dossier_rates.json", province=province)

    reference = rows("Lâm Đồng")
    assert reference
    for typed in ("tỉnh Lâm Đồng", "lam dong", "Binh Thuan"):
        got = rows(typed)
        assert [r["scope_name"] for r in got] == [r["scope_name"] for r in reference], typed
    assert all(r["province_filter"] == "" for r in reference)
    assert "merged into Lâm Đồng" in rows("Bình Thuận")[0]["province_filter"]  # an abolished province says so
    assert rows("TP.HCM") == [] and rows("HCM") == []  # read as Hồ Chí Minh: no figures in the demo
    response = asyncio.run(ds.client.get(f"/{DB}/commune_dossier_rates.json", params={"province": "Gotham"}))
    # a name that is no province is an error on the page, not a silently empty answer
    assert response.status_code == 400 and response.json()["ok"] is False


# -- readable search -------------------------------------------------------------------------


def test_search_articles_answers_a_marked_snippet_never_the_text(ds: Any, db_path: Path) -> None:
    rows = _rows(ds, f"/{DB}/search_articles.json", q="dong giang")
    assert rows and rows[0]["title"].startswith("Xã Đông Giang"), [r["title"] for r in rows]
    assert all(set(r) == {"title", "published", "site", "url", "snippet"} for r in rows)
    assert all(r["url"].startswith("http://127.0.0.1") and r["published"] and r["site"] for r in rows)
    assert "<mark>Đông</mark> <mark>Giang</mark>" in " ".join(r["snippet"] for r in rows)
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        texts = dict(conn.execute("SELECT url, text FROM articles"))
    finally:
        conn.close()
    for row in rows:
        plain = row["snippet"].replace("<mark>", "").replace("</mark>", "").strip("…")
        assert plain in texts[row["url"]] or plain in row["title"], row  # a passage of the article itself
        assert len(plain) < min(600, len(texts[row["url"]])), "a snippet, not the whole text"
    # folded: typed with diacritics, without, or in capitals, the same articles
    for typed in ("Đông Giang", "ĐÔNG GIANG", "đong giang"):
        assert [r["url"] for r in _rows(ds, f"/{DB}/search_articles.json", q=typed)] == [r["url"] for r in rows]
    # nothing typed, only a quote, or an FTS operator: no rows and no error
    for typed in ("", "   ", '"', "OR", "NEAR("):
        assert _rows(ds, f"/{DB}/search_articles.json", q=typed) == [], typed


def test_search_page_marks_the_match_and_escapes_the_rest(ds: Any) -> None:
    html = _get(ds, f"/{DB}/search_articles", q="dong giang").text
    cells = re.findall(r'<td class="col-snippet">(.*?)</td>', html, re.S)
    assert cells and all(re.fullmatch(r"[^<]*(?:<mark>[^<]+</mark>[^<]*)+", c.strip()) for c in cells), cells
    assert not any("&lt;mark&gt;" in c for c in cells)
    assert mark_snippet("a <b>x</b> & <mark>Đông</mark>") == "a &lt;b&gt;x&lt;/b&gt; &amp; <mark>Đông</mark>"
    assert 'class="col-text"' not in html and "html_z" not in html


def test_the_articles_page_hides_text_raw_html_and_hash(ds: Any) -> None:
    hidden = ["text", "html_z", "content_hash"]
    bare = _get(ds, f"/{DB}/articles", follow=False)
    assert bare.status_code == 302
    assert parse_qs(urlsplit(bare.headers["location"]).query) == {"_nocol": hidden}
    searched = _get(ds, f"/{DB}/articles", follow=False, _search="dong giang", _sort="id")
    assert parse_qs(urlsplit(searched.headers["location"]).query) == {
        "_search": ["dong giang"], "_sort": ["id"], "_nocol": hidden
    }
    page = _get(ds, f"/{DB}/articles").text
    assert 'class="col-title' in page and 'class="col-url' in page
    for column in hidden:
        assert f'class="col-{column}' not in page, column
    # an address that chooses its columns is answered as typed; the JSON API and row pages are untouched
    chosen = _get(ds, f"/{DB}/articles", follow=False, _col="text")
    assert chosen.status_code == 200 and 'class="col-text' in chosen.text
    assert "text" in _rows(ds, f"/{DB}/articles.json", _size="1")[0]
    assert _get(ds, f"/{DB}/articles/1", follow=False).status_code == 200
    assert _get(ds, f"/{DB}/units", follow=False).status_code == 200  # other tables hide nothing


# -- the map ---------------------------------------------------------------------------------


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot((a[0] - b[0]) * 111.2, (a[1] - b[1]) * 111.2 * math.cos(math.radians(a[0])))


def test_every_commune_has_a_point_and_says_where_it_comes_from(db_path: Path) -> None:
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        communes = [dict(r) for r in conn.execute("SELECT * FROM communes")]
    finally:
        conn.close()
    assert len(communes) == 3321
    assert all(c["latitude"] is not None and c["longitude"] is not None for c in communes)
    assert {c["coordinates_source"] for c in communes} <= set(COORDINATE_SOURCES)
    by_name = {(c["province"], c["name"]): c for c in communes}
    # vietnamadminunits files these wards under other codes than the official ones (Láng is its 199,
    # the official 187, which is its Ngọc Khánh): read by code they had no point or a neighbour's.
    for name, own in (("Cầu Giấy", (21.0309, 105.788)), ("Long Biên", (21.0197, 105.896)),
                      ("Láng", (21.0211, 105.806))):
        commune = by_name[("Hà Nội", name)]
        assert commune["coordinates_source"] == "own", name
        assert _km((commune["latitude"], commune["longitude"]), own) < 0.5, name
    # Every point is vietnamadminunits' point for the commune of the same full name in the same province.
    from nlp.gazetteer import _vam_data_dir

    vam = sqlite3.connect(f"file:{_vam_data_dir() / 'dataset.db'}?mode=ro", uri=True)
    try:
        reference = {(int(p), w): (lat, lon) for p, w, lat, lon in
                     vam.execute("SELECT provinceCode, ward, wardLat, wardLon FROM admin_units")}
    finally:
        vam.close()
    compared = [(c, reference[(c["province_code"], c["full_name"])]) for c in communes
                if (c["province_code"], c["full_name"]) in reference]
    assert len(compared) >= 3250  # the rest spell an apostrophe or a tone mark otherwise
    for commune, point in compared:
        assert _km((commune["latitude"], commune["longitude"]), point) < 0.5, commune


def test_old_units_lead_to_the_official_codes_of_their_successors() -> None:
    """The lineage is vietnamadminunits', keyed by name; the successors are official codes."""
    from nlp.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    official = {w.code: w for w in gaz.wards}
    ngoc_khanh = [o for o in gaz.old if o.name == "Ngọc Khánh" and o.province == "Hà Nội"]
    assert ngoc_khanh and {official[c].name for c in ngoc_khanh[0].successors} == {"Ngọc Hà", "Giảng Võ", "Láng"}
    provinces = {p.code for p in gaz.provinces}
    assert all(set(o.successors) <= set(official) | provinces for o in gaz.old)


def test_a_commune_is_placed_by_its_old_units_else_by_its_province() -> None:
    provinces = {1: (21.0, 105.7)}
    placed = place_missing_communes(
        [(167, 1, "Phường Cầu Giấy"), (99901, 1, "Xã Không Có"), (99902, 99, "Xã Nào Đó")],
        provinces,
        centroids={167: (21.03, 105.79, 6)},
    )
    assert placed == {167: (21.03, 105.79, "old units"), 99901: (21.0, 105.7, "province")}  # 99902: no point
    # read from vietnamadminunits' lineage by province and name, not by code
    centroids = old_unit_centroids([(167, 1, "Phường Cầu Giấy"), (99901, 1, "Xã Không Có")])
    assert set(centroids) == {167} and centroids[167][2] >= 2
    assert _km(centroids[167][:2], (21.0309, 105.788)) < 3


def test_commune_map_says_how_many_communes_it_could_not_place(ds: Any, db_path: Path, tmp_path: Path) -> None:
    rows = _rows(ds, f"/{DB}/commune_map.json", province="")
    assert rows and all(r["not_placed"] == 0 for r in rows)
    assert all(r["latitude"] is not None and r["placed_by"] in COORDINATE_SOURCES for r in rows)
    lam_dong = _rows(ds, f"/{DB}/commune_map.json", province="lam dong")
    assert lam_dong and {r["province"] for r in lam_dong} == {"Lâm Đồng"}
    # a commune without a point is listed and counted, not dropped without a word
    copy = tmp_path / "news.db"
    shutil.copy(db_path, copy)
    conn = sqlite3.connect(copy)
    with conn:
        conn.execute("UPDATE communes SET latitude = NULL, longitude = NULL, coordinates_source = NULL "
                     "WHERE code = ?", [rows[0]["commune_code"]])
    conn.close()
    unplaced = _rows(build_datasette(copy), f"/{DB}/commune_map.json", province="")
    assert len(unplaced) == len(rows) and all(r["not_placed"] == 1 for r in unplaced)
    missing = [r for r in unplaced if r["latitude"] is None]
    assert [r["commune_code"] for r in missing] == [rows[0]["commune_code"]] and missing[0]["placed_by"] is None


def test_an_older_database_gets_every_commune_placed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import db.schema
    import db.store
    from db.store import Store

    path = tmp_path / "v8.db"
    monkeypatch.setattr(db.schema, "MIGRATIONS", db.schema.MIGRATIONS[:8])
    monkeypatch.setattr(db.schema, "SCHEMA_VERSION", 8)
    monkeypatch.setattr(db.store, "SCHEMA_VERSION", 8)
    Store(path).close()
    monkeypatch.undo()
    # as the gazetteer read them before it matched codes by name: Láng at Ngọc Khánh's point, Cầu Giấy none
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE communes SET latitude = 21.0, longitude = 105.0 WHERE code = 187")
        conn.execute("UPDATE communes SET latitude = NULL, longitude = NULL WHERE code = 167")
    conn.close()
    with Store(path) as store:
        assert store.db.execute("SELECT count(*) FROM communes WHERE latitude IS NULL").fetchone()[0] == 0
        sources = dict(store.db.execute("SELECT coordinates_source, count(*) FROM communes GROUP BY 1").fetchall())
        assert sources == {"own": 3321}
        lang = store.db.execute("SELECT latitude, longitude FROM communes WHERE code = 187").fetchone()
        assert _km(lang, (21.0211, 105.806)) < 0.5


# -- the pages people read -------------------------------------------------------------------


def test_the_home_page_lists_every_canned_query(ds: Any) -> None:
    html = _get(ds, "/").text
    assert 'class="canned-queries"' in html and "Canned queries" in html
    queries = load_metadata(DB)["databases"][DB]["queries"]
    for name, query in queries.items():
        assert f'href="/{DB}/{name}"' in html, name
        assert str(escape(query["title"])) in html, name
    assert 'href="#canned-queries"' in html  # the description's "listed below" points at them


def test_table_pages_show_one_line_and_fold_the_column_details(ds: Any) -> None:
    tables = load_metadata(DB)["databases"][DB]["tables"]
    for name in ("dossier_rates", "communes", "units"):
        html = _get(ds, f"/{DB}/{name}").text
        summary, more = split_description(tables[name]["description"])
        shown = re.search(r'<p class="table-summary">(.*?)</p>', html, re.S)
        assert shown and shown.group(1).strip() == str(escape(summary)), name
        details = re.search(r'<details class="table-details">(.*?)</details>', html, re.S)
        assert details, f"{name}: no folded column details"
        for column in tables[name]["columns"]:
            assert f"<dt>{column}</dt>" in details.group(1), (name, column)
        if more:
            assert str(escape(more)) in details.group(1)
        assert "/researcher-static/researcher.css" in html
    css = _get(ds, "/researcher-static/researcher.css")
    assert css.status_code == 200 and "dl.column-descriptions" in css.text and "display: none" in css.text


def test_descriptions_are_split_after_their_first_sentence() -> None:
    assert split_description("One row per unit. Figures are never added.") == (
        "One row per unit.", "Figures are never added."
    )
    assert split_description("Titles (e.g. Chủ tịch) per unit. More.") == ("Titles (e.g. Chủ tịch) per unit.", "More.")
    assert split_description("Who chairs it? Titles starting with…") == ("Who chairs it?", "Titles starting with…")
    assert split_description("Version 0.2.0 of the rules") == ("Version 0.2.0 of the rules", "")
    assert split_description(None) == ("", "")
