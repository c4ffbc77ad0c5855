"""The SQLite store: schema, reference tables, idempotent writes, folded full-text search."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.schema import SCHEMA_VERSION
from db.store import Store


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "news.db") as s:
        yield s


def test_reference_tables_hold_the_2025_units(store: Store) -> None:
    assert store.db["provinces"].count == 34
    assert store.db["communes"].count == 3321
    rows = list(store.db.query("SELECT province FROM communes WHERE name = 'Đông Giang'"))
    assert {"Lâm Đồng"} <= {r["province"] for r in rows}
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_reopening_migrates_nothing_and_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Store(path) as s:
        s.add_article({"url": "http://127.0.0.1/a-1.html", "text": "Xã Đông Giang", "title": "A"})
    with Store(path) as s:
        assert s.article_count() == 1
        assert s.db["communes"].count == 3321


def test_an_article_url_is_stored_once_and_never_overwritten(store: Store) -> None:
    first = store.add_article({"url": "http://x/1", "text": "Bản gốc", "title": "T", "html": "<p>Bản gốc</p>"})
    again = store.add_article({"url": "http://x/1", "text": "Bản khác", "title": "T2"})
    assert isinstance(first, int) and again is None
    assert store.get_article(first)["text"] == "Bản gốc"
    assert store.article_html(first) == "<p>Bản gốc</p>"
    assert store.known_urls() == {"http://x/1"}


def test_text_is_normalised_on_the_way_in(store: Store) -> None:
    import unicodedata

    aid = store.add_article({"url": "http://x/2", "text": unicodedata.normalize("NFD", "Thanh Hoá\r\n")})
    assert store.get_article(aid)["text"] == "Thanh Hóa"


def test_bad_items_are_refused_with_a_clear_error(store: Store) -> None:
    with pytest.raises(ValueError, match="url and a text"):
        store.add_article({"url": "http://x/3", "text": "  "})
    assert store.article_count() == 0


def test_full_text_search_folds_diacritics(store: Store) -> None:
    store.add_article({"url": "http://x/4", "title": "Hà Nội đón khách", "text": "Phường Hoàn Kiếm, Hà Nội"})
    hits = list(store.db.query("SELECT title FROM articles_fts WHERE articles_fts MATCH 'ha noi'"))
    assert hits == [{"title": "Hà Nội đón khách"}]


def test_saving_facts_twice_leaves_the_same_rows(store: Store) -> None:
    aid = store.add_article({"url": "http://x/5", "text": "Xã Đông Giang tiếp nhận 5 hồ sơ."})
    rows = {
        "units": [{"n": 0, "type": "xã", "name": "Đông Giang", "province": "Lâm Đồng", "start": 0, "end": 13,
                   "sentence_index": 0, "sentence": "Xã Đông Giang tiếp nhận 5 hồ sơ."}],
        "dossiers": [{"n": 0, "count": 5, "kind": "received", "channel": None, "total": None, "start": 24,
                      "end": 25, "sentence_index": 0, "sentence": "Xã Đông Giang tiếp nhận 5 hồ sơ."}],
    }
    import copy

    store.save_facts(aid, copy.deepcopy(rows), "test")
    before = {t: store.table_digest(t) for t in ("units", "dossiers")}
    store.save_facts(aid, copy.deepcopy(rows), "test")
    assert {t: store.table_digest(t) for t in ("units", "dossiers")} == before
    assert store.stats()["facts"] == {"units": 1, "officials": 0, "dossiers": 1, "percentages": 0}


def test_runs_record_counts(store: Store) -> None:
    run = store.start_run("crawl")
    store.finish_run(run, articles_fetched=3, articles_new=2, errors={"TimeoutError": 1})
    latest = store.latest_run("crawl")
    assert latest["articles_fetched"] == 3 and latest["counts"]["errors"] == {"TimeoutError": 1}
    assert store.stats()["runs"][0]["articles_fetched"] == 3
