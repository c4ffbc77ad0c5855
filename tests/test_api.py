"""The pandas API: read-only, typed DataFrames over the views."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from conftest import file_digest
from factsdb import DONG_GIANG, build_news_db

from db.api import News, open_news
from db.views import VIEW_NAMES


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "news.db"
    build_news_db(path)
    return path


@pytest.fixture()
def news(db_path: Path) -> News:
    with open_news(db_path) as n:
        yield n


def test_a_missing_database_is_a_clear_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "news.db"
    with pytest.raises(FileNotFoundError, match="no news database"):
        open_news(missing)
    assert not missing.exists()


def test_writes_are_refused(db_path: Path, news: News) -> None:
    before = file_digest(db_path)
    with pytest.raises(PermissionError, match="read-only"):
        news.sql("DELETE FROM articles")
    with pytest.raises(PermissionError):
        news.sql("UPDATE dossiers SET count = 0")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        news.conn.execute("INSERT INTO runs (kind) VALUES ('x')")
    assert news.sql("SELECT count(*) AS n FROM articles")["n"].iloc[0] == 5
    assert file_digest(db_path) == before


def test_articles_have_datetimes_in_vietnam_time(news: News) -> None:
    articles = news.articles()
    assert len(articles) == 5 and "text" not in articles and "html_z" not in articles
    assert pd.api.types.is_datetime64_any_dtype(articles["published"])
    assert str(articles["published"].dt.tz) == "Asia/Ho_Chi_Minh"
    assert pd.api.types.is_datetime64_any_dtype(articles["fetched_at"])
    assert articles["id"].dtype == "Int64"
    by_url = articles.set_index("url")["published"]
    assert by_url["https://baolamdong.vn/dong-giang-1.html"] == pd.Timestamp("2025-08-05 09:00", tz="Asia/Ho_Chi_Minh")
    # a bare date is that day in Vietnam, not midnight UTC
    assert by_url["https://baonghean.vn/hoa-binh-4.html"] == pd.Timestamp("2027-01-01", tz="Asia/Ho_Chi_Minh")
    assert pd.isna(by_url["https://baolamdong.vn/dong-giang-5.html"])
    assert (articles["published"] >= "2025-08-01").sum() == 3  # comparisons with plain dates work
    assert "text" in news.articles(text=True)


def test_dossiers_frame_dtypes_and_values(news: News) -> None:
    dossiers = news.dossiers()
    assert dossiers["count"].dtype == "Int64" and dossiers["total"].dtype == "Int64"
    assert dossiers["commune_code"].dtype == "Int64" and dossiers["start"].dtype == "Int64"
    assert isinstance(dossiers["kind"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_datetime64_any_dtype(dossiers["period_start"])
    assert isinstance(dossiers["scope_type"].dtype, pd.CategoricalDtype)
    assert dossiers["latitude"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(dossiers["published"])
    online = dossiers[(dossiers.kind == "received") & (dossiers.channel == "online")]
    assert sorted(online["count"].tolist()) == [41, 59, 300]
    assert dossiers["period_end"].notna().all()  # every figure of the test database has a period end
    assert dossiers["total"].isna().sum() == len(dossiers) - 1  # missing stays missing, not 0 or NaN float


def test_units_officials_percentages(news: News) -> None:
    units = news.units()
    assert units["is_old"].dtype == "boolean" and units["code"].dtype == "Int64"
    assert units.loc[units.name == "Diễn Châu", "is_old"].tolist() == [True, False]
    officials = news.officials()
    chair = officials[(officials.role == "Chủ tịch") & (officials.commune_code == DONG_GIANG)]
    assert chair["name"].tolist() == ["Lê Văn Hòa"]
    percentages = news.percentages()
    assert percentages["value"].dtype == "float64"
    assert sorted(percentages["value"].tolist()) == [65.5, 100.0]


def test_view_and_sql(news: News) -> None:
    rates = news.view("dossier_rates")
    row = rates[(rates.commune_code == DONG_GIANG) & (rates.period_start == "2025-07-01")].iloc[0]
    assert (row["received"], row["received_online"]) == (171, 59)
    assert row["online_share"] == pytest.approx(59 / 171, abs=1e-4)
    assert rates["received"].dtype == "Int64" and rates["online_share"].dtype == "float64"
    for name in VIEW_NAMES:
        assert isinstance(news.view(name), pd.DataFrame)
    with pytest.raises(ValueError, match="unknown view"):
        news.view("articles; DROP TABLE articles")
    weekly = news.view("coverage_weekly")
    assert pd.api.types.is_datetime64_any_dtype(weekly["week_start"])
    picked = news.sql("SELECT url, published FROM articles WHERE site = ? ORDER BY id", ["baolamdong"])
    assert len(picked) == 3 and pd.api.types.is_datetime64_any_dtype(picked["published"])
    named = news.sql("SELECT count(*) AS n FROM unit_facts WHERE province = :p", {"p": "Nghệ An"})
    assert named["n"].iloc[0] == 3


def test_a_database_without_some_views_is_served_with_temp_views(tmp_path: Path, db_path: Path) -> None:
    old = tmp_path / "old.db"
    old.write_bytes(db_path.read_bytes())
    conn = sqlite3.connect(old)
    for name in reversed(VIEW_NAMES):
        conn.execute(f"DROP VIEW {name}")
    conn.commit()
    conn.close()
    before = file_digest(old)
    with open_news(old) as news:
        assert len(news.view("commune_coverage")) > 0
        assert set(VIEW_NAMES) <= set(news.tables())
    assert file_digest(old) == before  # nothing was written: the views lived on the connection only


def test_a_database_from_before_scope_and_period_is_a_clear_error(tmp_path: Path, db_path: Path) -> None:
    old = tmp_path / "old.db"
    old.write_bytes(db_path.read_bytes())
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    before = file_digest(old)
    with pytest.raises(RuntimeError, match="older version"):
        open_news(old)
    assert file_digest(old) == before


def test_the_province_filter_reads_provinces_as_people_type_them(news: News, caplog: pytest.LogCaptureFixture) -> None:
    everything = news.dossiers()
    lam_dong = everything[everything.province == "Lâm Đồng"]
    for typed in ("Lâm Đồng", "tỉnh Lâm Đồng", "lam dong", "LAM DONG"):
        assert len(news.dossiers(province=typed)) == len(lam_dong) > 0, typed
    with caplog.at_level("WARNING"):
        former = news.dossiers(province="Bình Thuận")  # abolished on 1 July 2025: read as Lâm Đồng
    assert len(former) == len(lam_dong)
    assert "merged into Lâm Đồng" in caplog.text
    assert len(news.units(province="TP.HCM")) == 0  # a province, with no rows here: no error
    with pytest.raises(ValueError, match="not a province"):
        news.dossiers(province="Gotham")
