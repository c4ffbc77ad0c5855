"""The process step on several worker processes writes the database one process writes.

Articles are the bundled demo articles, varied (new URLs, paragraph order), stored straight
through ``Store.add_article``; each test processes its own copy of that database.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import nlp.process as process_module
from bench.crawl_bench import make_articles
from bench.process_bench import article_text
from db.schema import FACT_TABLES
from db.store import Store
from nlp.process import process_articles

pytestmark = pytest.mark.slow

ARTICLES = 90


@pytest.fixture(scope="module")
def raw_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("parallel") / "raw.db"
    with Store(path) as store:
        for article in make_articles(ARTICLES):
            store.add_article({
                "url": f"https://example.invalid/{article.slug}-{article.id}.html",
                "site": "example.invalid", "province": article.province, "title": article.title,
                "published": article.published, "text": article_text(article),
            })
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture()
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Several windows and tasks even for a small set, and a pool whatever the count."""
    monkeypatch.setattr(process_module, "WRITE_BATCH", 32)
    monkeypatch.setattr(process_module, "TASK_SIZE", 3)
    monkeypatch.setattr(process_module, "MIN_PARALLEL", 0)


def _copy(raw_db: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(raw_db, target)
    return target


def _digests(path: Path) -> dict[str, str]:
    with Store(path) as store:
        return {table: store.table_digest(table) for table in FACT_TABLES}


def test_two_workers_write_what_one_writes(raw_db: Path, tmp_path: Path, small_windows: None) -> None:
    one, two = _copy(raw_db, tmp_path, "one.db"), _copy(raw_db, tmp_path, "two.db")
    with Store(one) as store:
        counts_one = process_articles(store, progress=False, workers=1)
    with Store(two) as store:
        counts_two = process_articles(store, progress=False, workers=2)
        run = store.latest_run("process")
    assert counts_one == counts_two
    assert counts_one["articles_processed"] == ARTICLES and counts_one["failed"] == 0
    assert counts_one["facts_written"] > 3 * ARTICLES
    assert run is not None and run["status"] == "ok"
    assert _digests(one) == _digests(two)
    # …and the figures are the facts of each article, in its own rows.
    with Store(two) as store:
        ids = [r["id"] for r in store.db.query("SELECT id FROM articles ORDER BY id")]
        with_units = {r["article_id"] for r in store.db.query("SELECT DISTINCT article_id FROM units")}
        assert with_units <= set(ids) and len(with_units) > 0.9 * ARTICLES
        assert store.count_to_process() == 0


def test_a_second_run_has_nothing_to_do_and_reprocess_changes_nothing(
    raw_db: Path, tmp_path: Path, small_windows: None
) -> None:
    path = _copy(raw_db, tmp_path, "again.db")
    with Store(path) as store:
        process_articles(store, progress=False, workers=2)
    before = _digests(path)
    with Store(path) as store:
        assert process_articles(store, progress=False, workers=2)["articles_processed"] == 0
        assert process_articles(store, reprocess=True, progress=False, workers=2)["articles_processed"] == ARTICLES
    assert _digests(path) == before


def test_a_failing_article_is_counted_and_the_others_are_stored(
    raw_db: Path, tmp_path: Path, small_windows: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy(raw_db, tmp_path, "failing.db")
    with Store(path) as store:
        bad_id = store.db.execute("SELECT id FROM articles ORDER BY id LIMIT 1 OFFSET 40").fetchone()[0]
    real = process_module.extract_article

    def flaky(text: str, meta: dict, **kwargs: object) -> object:
        if meta["id"] == bad_id:
            raise RuntimeError("a rule blew up")
        return real(text, meta, **kwargs)

    monkeypatch.setattr(process_module, "extract_article", flaky)  # inherited by the forked workers
    with Store(path) as store:
        counts = process_articles(store, progress=False, workers=2)
        assert counts == {"articles_processed": ARTICLES - 1, "facts_written": counts["facts_written"], "failed": 1}
        assert store.latest_run("process")["status"] == "partial"
        left = [r["id"] for r in store.db.query("SELECT id FROM articles WHERE processed_at IS NULL")]
        assert left == [bad_id]  # taken again by the next run
        assert not list(store.db.query("SELECT 1 FROM units WHERE article_id = ?", [bad_id]))


def test_articles_are_read_a_page_at_a_time_in_id_order(raw_db: Path, tmp_path: Path) -> None:
    path = _copy(raw_db, tmp_path, "pages.db")
    with Store(path) as store:
        ids = [a["id"] for a in store.articles_to_process(page_size=7)]
        assert ids == sorted(ids) and len(ids) == len(set(ids)) == ARTICLES
        # Writes between pages (marking articles processed) neither repeat nor skip any.
        seen = []
        for article in store.articles_to_process(page_size=7):
            seen.append(article["id"])
            store.save_facts(article["id"], {}, "test")
        assert seen == ids and store.count_to_process() == 0


def test_default_workers_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VN_LOCAL_PRESS_WORKERS", "3")
    assert process_module.default_workers() == 3
    monkeypatch.setenv("VN_LOCAL_PRESS_WORKERS", "many")
    assert process_module.default_workers() >= 1
    monkeypatch.delenv("VN_LOCAL_PRESS_WORKERS")
    assert process_module.default_workers() >= 1
