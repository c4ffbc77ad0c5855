"""The researcher views: facts joined to article, commune and province, coverage and rates.

A real SQLite file is built through the Store (tests/factsdb.py) and each view is read with plain
sqlite3, as Datasette or a researcher's script would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from factsdb import DIEN_CHAU_SUCCESSORS, DONG_GIANG, XA_DIEN_CHAU, build_news_db

from db.schema import SCHEMA_VERSION
from db.store import Store
from db.views import VIEW_NAMES, create_views


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("views") / "news.db"
    build_news_db(path)
    return path


@pytest.fixture()
def con(db_path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def rows(con: sqlite3.Connection, sql: str, params: tuple = ()) -> list[dict]:
    return [dict(r) for r in con.execute(sql, params)]


def test_the_migrations_create_the_views(con: sqlite3.Connection) -> None:
    names = {r["name"] for r in rows(con, "SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert set(VIEW_NAMES) <= names
    assert {"dossier_observations", "percentage_observations", "dossier_rates"} <= set(VIEW_NAMES)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 8


def test_views_can_be_recreated_by_a_later_migration(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        create_views(store.db)  # drops and re-creates: no "view already exists"
        create_views(store.db)
        assert store.db.execute("SELECT count(*) FROM dossier_rates").fetchone()[0] == 0


def test_unit_facts_resolve_communes_provinces_and_old_units(con: sqlite3.Connection) -> None:
    units = {
        (r["url"].rsplit("/", 1)[1], r["type"], r["name"]): r
        for r in rows(con, "SELECT * FROM unit_facts")
    }
    dong_giang = units[("dong-giang-1.html", "xã", "Đông Giang")]
    assert dong_giang["commune_code"] == DONG_GIANG and dong_giang["commune_name"] == "Đông Giang"
    assert dong_giang["province_code"] == 68 and dong_giang["level"] == "commune"
    assert dong_giang["latitude"] == pytest.approx(11.26, abs=0.05)
    assert dong_giang["published"] == "2025-08-05T09:00:00+07:00" and dong_giang["site"] == "baolamdong"
    assert dong_giang["sentence"] == "Xã Đông Giang vận hành mô hình mới."
    assert (dong_giang["start"], dong_giang["end"]) == (3, 13)
    assert dong_giang["extractor_version"] == "test-1"

    # tỉnh Cao Bằng is 2025 province code 4, which is also phường Ba Đình's commune code
    cao_bang = units[("dien-chau-2.html", "tỉnh", "Cao Bằng")]
    assert cao_bang["level"] == "province" and cao_bang["commune_code"] is None
    assert cao_bang["province_code"] == 4 and cao_bang["latitude"] is not None

    # an old province resolves to its 2025 province, never to the commune sharing the code
    ha_giang = units[("dien-chau-2.html", "tỉnh", "Hà Giang")]
    assert ha_giang["is_old"] == 1 and ha_giang["level"] == "province"
    assert ha_giang["commune_code"] is None and ha_giang["province_code"] == 8

    # an old district split in eight communes is no single commune, and has no point on a map
    huyen = units[("dien-chau-2.html", "huyện", "Diễn Châu")]
    assert huyen["level"] == "district" and huyen["commune_code"] is None
    assert huyen["province_code"] == 40 and huyen["latitude"] is None

    ambiguous = units[("hoa-binh-4.html", "xã", "Hòa Bình")]
    assert ambiguous["commune_code"] is None and ambiguous["province"] is None
    assert ambiguous["candidates"].startswith("[")


def test_dossier_facts_carry_article_scope_and_period(con: sqlite3.Connection) -> None:
    facts = rows(con, "SELECT * FROM dossier_facts WHERE url LIKE '%dong-giang-1%' ORDER BY n")
    assert [(f["count"], f["kind"], f["channel"], f["qualifier"]) for f in facts] == [
        (171, "received", None, "exact"), (112, "received", "direct", "exact"), (59, "received", "online", "exact"),
        (169, "on_time", None, "exact"), (2, "pending", None, "exact"),
    ]
    first = facts[0]
    assert first["month"] == "2025-08" and first["title"] == "Đông Giang vận hành"
    assert (first["scope_type"], first["scope_name"], first["scope_level"]) == ("xã", "Đông Giang", "commune")
    assert first["commune_code"] == DONG_GIANG and first["province"] == "Lâm Đồng"
    assert (first["period_start"], first["period_end"], first["period_days"]) == ("2025-07-01", "2025-07-31", 31)
    assert first["period_label"] == "2025-07-01 – 2025-07-31"
    assert first["latitude"] is not None and first["longitude"] is not None
    assert "171 hồ sơ" in first["sentence"] and first["end"] - first["start"] == 3

    # published 05:00 on 1 July in Vietnam is 30 June in UTC: the month is the one written
    july = rows(con, "SELECT DISTINCT month FROM dossier_facts WHERE url LIKE '%dong-giang-3%'")
    assert july == [{"month": "2025-07"}]
    (running,) = rows(con, "SELECT * FROM dossier_facts WHERE url LIKE '%dong-giang-5%'")
    assert running["period_label"] == "up to 2025-08-06" and running["period_days"] is None


def test_percentage_without_a_scope_falls_back_to_the_articles_main_province(con: sqlite3.Connection) -> None:
    (pct,) = rows(con, "SELECT * FROM percentage_facts WHERE indicator = 'online_share'")
    assert pct["value"] == 65.5 and pct["qualifier"] == "over" and pct["scope_type"] is None
    assert pct["commune_code"] is None and pct["scope_level"] is None and pct["period_label"] is None
    assert pct["province"] == "Nghệ An"  # most-mentioned province: the paper has no source province
    (on_time,) = rows(con, "SELECT * FROM percentage_facts WHERE indicator = 'on_time'")
    assert on_time["commune_code"] == DONG_GIANG and on_time["value"] == 100.0


def test_observations_list_each_figure_once_with_its_articles(con: sqlite3.Connection) -> None:
    received = rows(con, "SELECT * FROM dossier_observations WHERE scope_name = 'Đông Giang' AND kind = 'received' "
                         "AND channel IS NULL ORDER BY coalesce(period_end, period_start)")
    # the June headline and body write 100 twice: one observation of two mentions in one article
    assert [(r["count"], r["period_label"], r["mentions"], r["articles"]) for r in received] == [
        (100, "2025-06-01 – 2025-06-30", 2, 1),
        (171, "2025-07-01 – 2025-07-31", 1, 1),
        (250, "up to 2025-08-06", 1, 1),
    ]
    assert received[0]["url"].endswith("dong-giang-3.html") and "100 hồ sơ" in received[0]["sentence"]
    (pct,) = rows(con, "SELECT * FROM percentage_observations WHERE indicator = 'on_time'")
    assert (pct["value"], pct["scope_name"], pct["period_start"]) == (100.0, "Đông Giang", "2025-07-01")


def test_official_facts_answer_who_chairs_the_peoples_committee(con: sqlite3.Connection) -> None:
    chairs = rows(
        con,
        "SELECT name, title, place, commune_code, province, url, sentence FROM official_facts "
        "WHERE role = 'Chủ tịch' AND organisation = 'Ủy ban nhân dân' AND commune_name = 'Đông Giang'",
    )
    assert len(chairs) == 1
    chair = chairs[0]
    assert chair["name"] == "Lê Văn Hòa" and chair["place"] == "xã Đông Giang"
    assert chair["commune_code"] == DONG_GIANG and chair["province"] == "Lâm Đồng"
    assert chair["url"].endswith("dong-giang-1.html") and "Chủ tịch UBND" in chair["sentence"]
    (secretary,) = rows(con, "SELECT * FROM official_facts WHERE name = 'Nguyễn Văn An'")
    assert secretary["place"] is None and secretary["commune_code"] is None
    # no place written or inferred here (the test database skips the extractor): no province, and
    # never the newspaper's; the article's own province stands apart
    assert secretary["province"] is None and secretary["article_province"] == "Nghệ An"
    assert secretary["title"] == "Bí thư Đảng ủy xã"


def test_commune_coverage_lists_an_old_district_under_its_2025_communes(con: sqlite3.Connection) -> None:
    covered = rows(
        con,
        "SELECT commune_code, commune_name, province, mentioned_as, is_old, mentions, latitude "
        "FROM commune_coverage WHERE url LIKE '%dien-chau-2%' ORDER BY commune_code",
    )
    assert [r["commune_code"] for r in covered] == DIEN_CHAU_SUCCESSORS
    assert {r["province"] for r in covered} == {"Nghệ An"}
    by_code = {r["commune_code"]: r for r in covered}
    # xã Diễn Châu is named directly too: the direct mention wins, and both are counted
    assert by_code[XA_DIEN_CHAU]["mentioned_as"] == "xã Diễn Châu" and by_code[XA_DIEN_CHAU]["is_old"] == 0
    assert by_code[XA_DIEN_CHAU]["mentions"] == 2
    assert by_code[17395]["mentioned_as"] == "huyện Diễn Châu" and by_code[17395]["is_old"] == 1
    assert all(r["latitude"] is not None for r in covered)
    # provinces never count as communes, however their codes collide (Cao Bằng 4, Tuyên Quang 8)
    assert not rows(con, "SELECT 1 FROM commune_coverage WHERE commune_code IN (4, 8)")


def test_commune_coverage_has_one_row_per_commune_and_article(con: sqlite3.Connection) -> None:
    dong_giang = rows(
        con, "SELECT url, published, title FROM commune_coverage WHERE commune_code = ? ORDER BY url", (DONG_GIANG,)
    )
    assert [r["url"].rsplit("/", 1)[1] for r in dong_giang] == [
        "dong-giang-1.html", "dong-giang-3.html", "dong-giang-5.html",
    ]
    assert dong_giang[2]["published"] is None
    dupes = rows(con, "SELECT commune_code, article_id FROM commune_coverage GROUP BY 1, 2 HAVING count(*) > 1")
    assert dupes == []


def test_coverage_weekly_counts_articles_per_province_and_iso_week(con: sqlite3.Connection) -> None:
    weeks = rows(con, "SELECT province, week, week_start, articles FROM coverage_weekly ORDER BY week_start")
    assert weeks == [
        {"province": "Lâm Đồng", "week": "2025-W27", "week_start": "2025-06-30", "articles": 1},
        {"province": "Lâm Đồng", "week": "2025-W32", "week_start": "2025-08-04", "articles": 1},
        {"province": "Nghệ An", "week": "2025-W37", "week_start": "2025-09-08", "articles": 1},
        # 1 January 2027 is a Friday: ISO week 53 of 2026
        {"province": "Nghệ An", "week": "2026-W53", "week_start": "2026-12-28", "articles": 1},
    ]


def test_dossier_rates_never_add_figures_of_different_periods(con: sqlite3.Connection) -> None:
    rates = {(r["scope_name"], r["period_label"]): r for r in rows(con, "SELECT * FROM dossier_rates")}
    july = rates[("Đông Giang", "2025-07-01 – 2025-07-31")]
    assert july["scope_code"] == str(DONG_GIANG) and july["province"] == "Lâm Đồng"
    assert (july["received"], july["received_online"]) == (171, 59)  # not 171 + 112 + 59, not + June's 100
    assert july["online_share"] == pytest.approx(59 / 171, abs=1e-4)
    assert (july["on_time"], july["resolved"], july["pending"]) == (169, 169, 2)
    assert july["on_time_share"] == pytest.approx(1.0) and july["on_time_share_reported"] == 100.0
    assert july["overdue"] is None and july["stories"] == 1 and july["latitude"] is not None

    june = rates[("Đông Giang", "2025-06-01 – 2025-06-30")]  # written twice, counted once
    assert (june["received"], june["received_online"]) == (100, 41)
    assert june["online_share"] == pytest.approx(0.41)
    assert june["on_time_share"] is None  # no denominator: NULL, not a division error

    running = rates[("Đông Giang", "up to 2025-08-06")]  # a running total is a row of its own
    assert running["received"] == 250 and running["period_start"] is None

    dien_chau = rates[("Diễn Châu", "2025-07-01 – 2025-08-31")]
    assert (dien_chau["received"], dien_chau["received_online"]) == (500, 300)
    assert set(rates) == {
        ("Đông Giang", "2025-07-01 – 2025-07-31"), ("Đông Giang", "2025-06-01 – 2025-06-30"),
        ("Đông Giang", "up to 2025-08-06"), ("Diễn Châu", "2025-07-01 – 2025-08-31"),
    }


def test_nghe_an_online_dossiers_this_quarter(con: sqlite3.Connection) -> None:
    """The issue's question, asked of the views with no join written by hand: periods inside Q3."""
    (row,) = rows(
        con,
        "SELECT sum(received_online) AS online FROM dossier_rates WHERE province = 'Nghệ An' "
        "AND scope_level = 'commune' AND period_start >= '2025-07-01' AND period_end <= '2025-09-30'",
    )
    assert row["online"] == 300


def test_a_story_republished_by_another_site_counts_once(db_path: Path, tmp_path: Path) -> None:
    """Near-duplicate articles share a story_id; aggregates must not add their figures twice."""
    import shutil

    from db.store import Store

    path = tmp_path / "copy.db"
    shutil.copy(db_path, path)
    with Store(path) as store:
        original = store.db.execute(
            "SELECT id, text, published FROM articles WHERE url LIKE '%dong-giang-1%'").fetchone()
        copy_id = store.add_article({"url": "https://baochinhphu.vn/dong-giang-copy.html", "site": "baochinhphu",
                                     "published": original[2], "text": original[1], "title": "Đông Giang"})
        facts = store.facts_for(original[0])
        rows = {t: [{k: v for k, v in r.items() if k not in ("article_id", "extractor_version")} for r in rs]
                for t, rs in facts.items()}
        store.save_facts(copy_id, rows, "test-1")
        store.db.execute("UPDATE articles SET story_id = ? WHERE id IN (?, ?)", [original[0], original[0], copy_id])
        store.db.conn.commit()
        july = next(store.db.query(
            "SELECT * FROM dossier_rates WHERE scope_code = ? AND period_start = '2025-07-01'", [str(DONG_GIANG)]))
        assert (july["received"], july["received_online"], july["stories"]) == (171, 59, 1)
        (obs,) = store.db.query("SELECT * FROM dossier_observations WHERE count = 171")
        assert (obs["articles"], obs["stories"], obs["mentions"]) == (2, 1, 2)
        week = next(store.db.query("SELECT * FROM coverage_weekly WHERE week_start = '2025-08-04' "
                                   "AND province = 'Lâm Đồng'"))
        assert week["articles"] == week["stories"] + 1
