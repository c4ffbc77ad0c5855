"""``pipeline.py merge``: crawl nodes' shard databases folded into the main one (``db.merge``).

Shards are built here as a node builds them: articles stored through the store's own crawl write,
some processed, a crawl run closed, feed validators saved.  The merge is run as a user runs it
(the command, in a child process), and killed on purpose at each of its crash points.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
from pathlib import Path

import pytest
from conftest import facts_by_url, file_digest, run_pipeline, run_python

from db.schema import FACT_TABLES, SCHEMA_VERSION

pytestmark = pytest.mark.slow

TABLES = ("articles", "article_aliases", *FACT_TABLES, "runs", "feed_state", "people")


def _shard(path: Path, articles: list, process: bool = True, url_base: str = "https://a.vn", site: str = "demo"
           ) -> Path:
    """A node's shard: *articles* stored as the crawler stores them, processed, one closed crawl run."""
    from db.store import Store
    from nlp.process import process_articles

    with Store(path) as store:
        run_id = store.start_run("crawl")
        for art in articles:
            store.store_article({"url": art.url(url_base), "site": site, "title": art.title, "html": "<p>raw</p>",
                                 "published": art.published, "text": art.text, "province": art.province})
        store.save_feed_validators(f"{url_base}/rss.xml", '"v1"', None, 200)
        store.finish_run(run_id, status="ok", articles_fetched=len(articles), articles_new=len(articles))
        if process:
            process_articles(store, progress=False, workers=1)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _dump(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_articles() -> list:
    from demo.content import load_articles

    return load_articles()


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory, demo_articles: list) -> dict[str, Path]:
    """Two nodes' shards that overlap: articles 0–19 on node A, 12–31 on node B (12–19 on both)."""
    base = tmp_path_factory.mktemp("shards")
    return {
        "a": _shard(base / "node-a.db", demo_articles[:20]),
        "b": _shard(base / "node-b.db", demo_articles[12:]),
    }


def test_every_article_once_with_its_html_facts_runs_and_validators(
    shards: dict[str, Path], demo_articles: list, tmp_path: Path
) -> None:
    main = tmp_path / "main.db"
    before = {name: file_digest(path) for name, path in shards.items()}
    done = run_pipeline("merge", "--db", str(main), str(shards["a"]), str(shards["b"]))
    assert done.returncode == 0, done.stderr
    assert {name: file_digest(path) for name, path in shards.items()} == before  # shards left as they were
    conn = sqlite3.connect(main)
    urls = [r[0] for r in conn.execute("SELECT url FROM articles ORDER BY id")]
    assert len(urls) == len(set(urls)) == len(demo_articles) == 32
    assert conn.execute("SELECT count(*) FROM articles WHERE html_z IS NULL OR processed_at IS NULL").fetchone() == (0,)
    runs = conn.execute("SELECT kind, node, node_run_id, status FROM runs ORDER BY id").fetchall()
    assert [r for r in runs if r[0] == "crawl"] == [("crawl", "node-a", 1, "ok"), ("crawl", "node-b", 1, "ok")]
    assert [r[0] for r in runs].count("merge") == 2
    assert conn.execute("SELECT count(*) FROM feed_state").fetchone() == (1,)
    people = conn.execute("SELECT count(*) FROM officials WHERE person_id IS NULL").fetchone()
    conn.close()
    assert people == (0,)

    # The facts are those of processing the same articles here.
    here = _shard(tmp_path / "here.db", demo_articles)
    assert facts_by_url(main) == facts_by_url(here)

    # A later process has nothing to do: every fact is the current extractor's.
    again = run_pipeline("process", "--db", str(main), "-q")
    assert again.returncode == 0 and '"articles_processed": 0' in again.stdout, again.stdout + again.stderr


def test_merging_the_same_shard_twice_changes_nothing(shards: dict[str, Path], tmp_path: Path) -> None:
    main = tmp_path / "main.db"
    assert run_pipeline("merge", "--db", str(main), str(shards["a"])).returncode == 0
    first = _dump(main)
    again = run_pipeline("merge", "--db", str(main), str(shards["a"]))
    assert again.returncode == 0, again.stderr
    assert '"articles_new": 0' in again.stdout
    assert _dump(main) == first


def test_a_text_the_site_already_stored_becomes_an_alias(demo_articles: list, tmp_path: Path) -> None:
    """Two nodes reached one page by different URLs (http/https here): stored once, one alias."""
    a = _shard(tmp_path / "a.db", demo_articles[:3], process=False)
    b = _shard(tmp_path / "b.db", demo_articles[:3], process=False, url_base="http://a.vn")
    main = tmp_path / "main.db"
    assert run_pipeline("merge", "--db", str(main), str(a), str(b)).returncode == 0
    conn = sqlite3.connect(main)
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (3,)
    aliases = conn.execute("SELECT url, reason FROM article_aliases ORDER BY url").fetchall()
    conn.close()
    assert [reason for _, reason in aliases] == ["same_text"] * 3
    assert all(url.startswith("http://a.vn") for url, _ in aliases)


def test_only_facts_older_than_the_current_extractor_are_recomputed(demo_articles: list, tmp_path: Path) -> None:
    shard = _shard(tmp_path / "node.db", demo_articles[:6])
    conn = sqlite3.connect(shard)  # the node processed three of them with an older extractor
    conn.execute("UPDATE articles SET extractor_version = '0.1.0', processed_at = '2025-01-01' WHERE id <= 3")
    for table in ("units", "officials", "dossiers", "percentages"):
        conn.execute(f"UPDATE {table} SET extractor_version = '0.1.0' WHERE article_id <= 3")
    conn.commit()
    conn.close()
    main = tmp_path / "main.db"
    assert run_pipeline("merge", "--db", str(main), str(shard)).returncode == 0
    stamps = dict(sqlite3.connect(main).execute("SELECT id, processed_at FROM articles").fetchall())
    done = run_pipeline("process", "--db", str(main), "-q", "--workers", "1")
    assert done.returncode == 0 and '"articles_processed": 3' in done.stdout, done.stdout + done.stderr
    conn = sqlite3.connect(main)
    after = dict(conn.execute("SELECT id, processed_at FROM articles").fetchall())
    versions = {r[0] for r in conn.execute("SELECT extractor_version FROM dossiers")}
    conn.close()
    assert [i for i in after if after[i] != stamps[i]] == [1, 2, 3]  # only the older three
    from nlp.extract import EXTRACTOR_VERSION

    assert versions == {EXTRACTOR_VERSION}


def test_a_newer_or_foreign_shard_is_refused_in_one_line_and_nothing_is_created(
    shards: dict[str, Path], tmp_path: Path
) -> None:
    newer = tmp_path / "newer.db"
    shutil.copy(shards["a"], newer)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    for bad, words in ((newer, "newer than this code"), (foreign, "another application"),
                       (tmp_path / "missing.db", "no news database")):
        sha = file_digest(bad) if bad.exists() else None
        main = tmp_path / "main.db"
        done = run_pipeline("merge", "--db", str(main), str(shards["a"]), str(bad))
        assert done.returncode == 2 and words in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
        assert not main.exists()  # the good shard before it was not merged either: nothing created
        assert (file_digest(bad) if bad.exists() else None) == sha


def test_an_older_shard_is_merged_from_an_upgraded_copy(demo_articles: list, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    made = run_python(
        "-c",
        "import db.schema as s; s.MIGRATIONS = s.MIGRATIONS[:11]; s.SCHEMA_VERSION = 11; "
        "import db.store as st; st.SCHEMA_VERSION = 11; from db.store import Store; "
        f"store = Store({str(old)!r}); store.add_article({{'url': 'https://x.vn/a', 'site': 'x', "
        "'text': 'Xã Đông Giang tiếp nhận 5 hồ sơ.'}); r = store.start_run('crawl'); "
        "store.finish_run(r, status='ok'); store.db.execute('PRAGMA wal_checkpoint(TRUNCATE)'); store.close()")
    assert made.returncode == 0, made.stderr
    sha = file_digest(old)
    main = tmp_path / "main.db"
    done = run_pipeline("merge", "--db", str(main), str(old))
    assert done.returncode == 0, done.stderr
    assert '"upgraded_from": 11' in done.stdout
    assert file_digest(old) == sha
    conn = sqlite3.connect(main)
    assert conn.execute("SELECT url FROM articles").fetchall() == [("https://x.vn/a",)]
    assert conn.execute("SELECT node FROM runs WHERE kind = 'crawl'").fetchall() == [("old",)]
    conn.close()


@pytest.mark.parametrize("point", ["merge.articles", "merge.facts", "merge.runs"])
def test_a_merge_killed_midway_leaves_the_main_database_as_it_was(
    point: str, shards: dict[str, Path], tmp_path: Path
) -> None:
    main = tmp_path / "main.db"
    assert run_pipeline("merge", "--db", str(main), str(shards["a"])).returncode == 0
    before = _dump(main)
    killed = run_pipeline("merge", "--db", str(main), str(shards["b"]), crash_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    conn = sqlite3.connect(main)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    assert _dump(main) == before  # nothing of shard b: the merge was one transaction
    # run again, it gives what an uninterrupted merge gives
    assert run_pipeline("merge", "--db", str(main), str(shards["b"])).returncode == 0
    reference = tmp_path / "reference.db"
    assert run_pipeline("merge", "--db", str(reference), str(shards["a"]), str(shards["b"])).returncode == 0
    got, want = _dump(main), _dump(reference)
    for table in TABLES:
        if table == "runs":  # the merge rows' stamps differ; the runs merged do not
            assert [r for r in got[table] if r[1] == "crawl"] == [r for r in want[table] if r[1] == "crawl"]
        else:
            assert got[table] == want[table], table
