"""Exports: one file per fact kind, with provenance, filtered by date and province."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from factsdb import DONG_GIANG, build_news_db

from db.export import export_facts, province_key

PROVENANCE = {"url", "published", "sentence", "start", "end", "extractor_version"}
KINDS = ["units", "officials", "dossiers", "percentages"]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "news.db"
    build_news_db(path)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_csv_has_one_file_per_kind_with_provenance(db_path: Path, tmp_path: Path) -> None:
    paths = export_facts(db_path, tmp_path / "out", "csv")
    assert [p.name for p in paths] == [f"{k}.csv" for k in KINDS]
    counts = {p.stem: len(read_csv(p)) for p in paths}
    assert counts == {"units": 10, "officials": 2, "dossiers": 11, "percentages": 2}
    for path in paths:
        header = set(read_csv(path)[0])
        assert PROVENANCE <= header, path
    first = read_csv(paths[2])[0]
    assert first["url"] == "https://baolamdong.vn/dong-giang-1.html"
    assert first["published"] == "2025-08-05T09:00:00+07:00"  # ISO with its offset, as stored
    assert first["count"] == "171" and first["commune_code"] == str(DONG_GIANG)
    assert first["sentence"].startswith("Ông Lê Văn Hòa") and "171 hồ sơ" in first["sentence"]
    assert int(first["end"]) - int(first["start"]) == len("171")
    assert first["extractor_version"] == "test-1"


def test_jsonl_since_filter_keeps_articles_published_from_that_day(db_path: Path, tmp_path: Path) -> None:
    paths = export_facts(db_path, tmp_path / "out", "jsonl", since="2025-08-01")
    units = read_jsonl(paths[0])
    urls = {u["url"].rsplit("/", 1)[1] for u in units}
    # July's article and the undated one are left out; 2027's is in
    assert urls == {"dong-giang-1.html", "dien-chau-2.html", "hoa-binh-4.html"}
    dossiers = read_jsonl(paths[2])
    assert sorted(d["count"] for d in dossiers) == [2, 59, 112, 169, 171, 300, 500]
    assert dossiers[0]["channel"] is None and dossiers[0]["total"] is None  # nulls, not NaN
    assert dossiers[0]["url"] == "https://baolamdong.vn/dong-giang-1.html"  # no escaped slashes
    assert PROVENANCE <= set(dossiers[0])
    # a datetime bound is exact: 09:00 on 5 August is before 10:00
    later = export_facts(db_path, tmp_path / "later", "jsonl", since="2025-08-05T10:00:00+07:00")
    assert {d["count"] for d in read_jsonl(later[2])} == {500, 300}


def test_province_filter_is_folded(db_path: Path, tmp_path: Path) -> None:
    assert province_key("tỉnh Nghệ An") == province_key("nghe an") == province_key("NGHỆ AN") == "nghe an"
    a = export_facts(db_path, tmp_path / "a", "csv", province="nghe an")
    b = export_facts(db_path, tmp_path / "b", "csv", province="Tỉnh Nghệ An")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    units = read_csv(a[0])
    assert {u["name"] for u in units} == {"Diễn Châu", "Nghệ An"} and len(units) == 3
    # the percentage has no unit: it is filed under the article's main province
    assert [p["value"] for p in read_csv(a[3])] == ["65.5"]
    assert [o["name"] for o in read_csv(a[1])] == ["Nguyễn Văn An"]


def test_since_and_province_combine_and_empty_kinds_still_get_a_file(db_path: Path, tmp_path: Path) -> None:
    paths = export_facts(db_path, tmp_path / "out", "csv", since="2025-08-01", province="Lâm Đồng")
    dossiers = read_csv(paths[2])
    assert [int(d["count"]) for d in dossiers] == [171, 112, 59, 169, 2]
    nothing = export_facts(db_path, tmp_path / "none", "jsonl", province="Cà Mau")
    assert all(p.exists() and p.read_text(encoding="utf-8") == "" for p in nothing)
    empty_csv = export_facts(db_path, tmp_path / "none-csv", "csv", province="Cà Mau")
    assert PROVENANCE <= set(empty_csv[0].read_text(encoding="utf-8").splitlines()[0].split(","))


def test_parquet_keeps_the_dtypes(db_path: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    paths = export_facts(db_path, tmp_path / "out", "parquet", province="lam dong")
    assert [p.suffix for p in paths] == [".parquet"] * 4
    dossiers = pd.read_parquet(paths[2])
    assert dossiers["count"].dtype == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(dossiers["published"])
    assert sorted(dossiers["count"].tolist()) == [2, 41, 59, 100, 100, 112, 169, 171, 250]
    assert pd.api.types.is_datetime64_any_dtype(dossiers["period_end"])
    assert PROVENANCE <= set(dossiers.columns)


def test_bad_arguments_fail_before_writing(db_path: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        export_facts(db_path, tmp_path / "x", "xlsx")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="since"):
        export_facts(db_path, tmp_path / "y", "csv", since="last week")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
    with pytest.raises(FileNotFoundError):
        export_facts(tmp_path / "missing.db", tmp_path / "z", "csv")
    assert not (tmp_path / "z").exists()
