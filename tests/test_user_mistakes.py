"""A user's mistake never creates, converts or empties a file, and never ends in a traceback
(issue 13); the readers work on a read-only copy; one writer at a time.

Every command runs as a user runs it (``pipeline.py`` in a child process) on real files.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import file_digest
from conftest import run_pipeline as _run

from db.api import open_news
from db.files import NotANewsDatabase, connect_readonly, readonly_mode
from db.store import Store


def _one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]


@pytest.fixture(scope="module")
def news_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mistakes") / "news.db"
    with Store(path) as store:
        aid = store.add_article({"url": "https://baolamdong.vn/a-1.html", "site": "baolamdong",
                                 "published": "2025-08-05", "title": "Đông Giang",
                                 "text": "Trong tháng 7/2025, Trung tâm xã Đông Giang tiếp nhận 171 hồ sơ."})
        assert aid is not None
    assert _run("process", "--db", str(path), "-q").returncode == 0
    return path


@pytest.mark.parametrize("command", [["stats"], ["show", "1"], ["export", "-o", "OUT"], ["serve", "--port", "1"]])
def test_read_commands_never_create_a_database(command: list[str], tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "news.db"
    args = [a.replace("OUT", str(tmp_path / "out")) for a in command]
    _one_line_error(_run(*args, "--db", str(missing)), str(missing))
    assert not missing.exists() and not missing.parent.exists()
    assert not (tmp_path / "out").exists()
    with pytest.raises(FileNotFoundError):
        open_news(missing)
    assert not missing.parent.exists()


def test_another_applications_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "contacts.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.execute("INSERT INTO people VALUES ('An')")
    conn.commit()
    conn.close()
    before = file_digest(other)
    commands = (["stats"], ["process", "-q"], ["crawl", "--sources", "none"], ["export", "-o", str(tmp_path / "o")])
    for command in commands:
        _one_line_error(_run(*command, "--db", str(other)), "another application")
    with pytest.raises(NotANewsDatabase):
        Store(other)
    assert file_digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.db"]  # no -wal, no -shm, no lock left


def test_a_text_file_as_db_is_one_line_naming_it(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("không phải cơ sở dữ liệu\n", encoding="utf-8")
    before = file_digest(notes)
    for command in (["stats"], ["process", "-q"], ["show", "1"]):
        _one_line_error(_run(*command, "--db", str(notes)), str(notes), "not a SQLite database")
    assert file_digest(notes) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    verbose = _run("stats", "--db", str(notes), "-v")  # -v after the command shows the traceback
    assert verbose.returncode == 2 and "Traceback" in verbose.stderr


def test_a_newer_schema_is_refused_before_anything_changes(tmp_path: Path, news_db: Path) -> None:
    future = tmp_path / "future.db"
    shutil.copy(news_db, future)
    conn = sqlite3.connect(future)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = file_digest(future)
    _one_line_error(_run("process", "--db", str(future), "-q"), "newer")
    assert file_digest(future) == before
    conn = sqlite3.connect(future)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL
    conn.close()


def test_extract_with_a_mistyped_input_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "predictions.jsonl"
    out.write_text('{"id": "kept"}\n', encoding="utf-8")
    _one_line_error(_run("extract", str(tmp_path / "typo.jsonl"), "-o", str(out)), "typo.jsonl")
    assert out.read_text(encoding="utf-8") == '{"id": "kept"}\n'
    good = tmp_path / "in.jsonl"
    good.write_text('{"id": 1, "text": "Xã Đông Giang tiếp nhận 171 hồ sơ."}\n', encoding="utf-8")
    assert _run("extract", str(good), "-o", str(out)).returncode == 0
    assert '"count": 171' in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "predictions.jsonl"]  # no temp file left


def test_outputs_that_cannot_be_written_are_one_line(tmp_path: Path, news_db: Path) -> None:
    a_file = tmp_path / "exports.csv"
    a_file.write_text("x\n", encoding="utf-8")
    _one_line_error(_run("export", "--db", str(news_db), "-o", str(a_file)), "is a file")
    assert a_file.read_text(encoding="utf-8") == "x\n"
    _one_line_error(_run("show", "1", "--db", str(news_db), "-o", str(tmp_path)), "is a folder")
    blocked = tmp_path / "blocked"
    blocked.write_text("", encoding="utf-8")  # a file where a folder is needed: no one, root included, writes there
    _one_line_error(_run("show", "1", "--db", str(news_db), "-o", str(blocked / "a.html")))
    _one_line_error(_run("export", "--db", str(news_db), "-o", str(blocked / "out")))


def test_the_readers_work_where_the_wal_cannot_be_used(tmp_path: Path, news_db: Path) -> None:
    """A researcher's read-only copy: the readers open it without writing a byte next to it."""
    copy = tmp_path / "news.db"
    shutil.copy(news_db, copy)
    (tmp_path / "news.db-shm").mkdir()  # no shared memory can be made here (holds even for root)
    before = file_digest(copy)
    stats = _run("stats", "--db", str(copy), "--json")
    assert stats.returncode == 0, stats.stderr
    assert '"articles": 1' in stats.stdout
    assert _run("export", "--db", str(copy), "-o", str(tmp_path / "out")).returncode == 0
    with open_news(copy) as news:
        assert len(news.dossiers()) == 1
    assert file_digest(copy) == before
    extra = sorted(p.name for p in tmp_path.iterdir())
    assert set(extra) <= {"news.db", "news.db-shm", "news.db-wal", "out"}, extra
    wal = tmp_path / "news.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # SQLite's empty WAL: no page written


def test_where_mode_ro_is_refused_the_file_is_read_as_a_snapshot(
    tmp_path: Path, news_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite answers "unable to open database file" for ``mode=ro`` when it cannot use the WAL in
    a read-only directory: the readers then fall back to ``immutable=1``."""
    import db.files

    real = sqlite3.connect

    def refuse_ro(database: str, *args: object, **kw: object) -> sqlite3.Connection:
        if "mode=ro" in database:
            raise sqlite3.OperationalError("unable to open database file")
        return real(database, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(db.files.sqlite3, "connect", refuse_ro)
    assert readonly_mode(news_db) == "immutable"
    conn = connect_readonly(news_db)
    assert conn.execute("SELECT count(*) FROM units").fetchone()[0] >= 1
    conn.close()
    with open_news(news_db) as news:
        assert len(news.dossiers()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions; the -shm test above covers it")
def test_the_readers_work_in_a_read_only_directory(tmp_path: Path, news_db: Path) -> None:
    folder = tmp_path / "mount"
    folder.mkdir()
    shutil.copy(news_db, folder / "news.db")
    folder.chmod(0o555)
    try:
        assert _run("stats", "--db", str(folder / "news.db")).returncode == 0
        with open_news(folder / "news.db") as news:
            assert len(news.articles()) == 1
    finally:
        folder.chmod(0o755)


def test_one_writer_at_a_time(tmp_path: Path, news_db: Path) -> None:
    from monitor.lock import RunLock

    db = tmp_path / "news.db"
    shutil.copy(news_db, db)
    with RunLock(db):
        for command in (["process", "-q"], ["run", "--sources", "none", "-q"], ["crawl", "--sources", "none"]):
            busy = _run(*command, "--db", str(db))
            assert busy.returncode == 75, busy.stderr
            assert "another writer" in busy.stderr and "Traceback" not in busy.stderr
    assert _run("process", "--db", str(db), "-q", "--wait", "5").returncode == 0


def test_datasette_functions_cap_their_input() -> None:
    from researcher.plugin import MAX_FUNCTION_INPUT, fold, sentence_link, unit_key

    huge = "Đông Giang " * 1_000_000
    assert len(fold(huge)) <= MAX_FUNCTION_INPUT
    assert len(unit_key(huge)) <= MAX_FUNCTION_INPUT
    assert len(sentence_link("https://x.vn/a", huge)) < 2000


def _damage_an_index_page(path: Path) -> None:
    """Overwrite the root page of an index with garbage, as a disk or a copy gone wrong would: the
    tables still read, so only ``PRAGMA quick_check`` notices."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    rootpage = conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'articles' "
                            "AND rootpage > 1 ORDER BY name LIMIT 1").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((rootpage - 1) * page_size + 8)  # past the page header: the page still parses as a page
        fh.write(bytes(range(256)) * ((page_size - 8) // 256))


def test_a_damaged_database_is_refused_by_process_and_nightly_and_left_as_it_was(
    news_db: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "news.db"
    shutil.copy(news_db, damaged)
    _damage_an_index_page(damaged)
    conn = sqlite3.connect(damaged)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1  # the table still reads
    assert conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]
    conn.close()
    before = file_digest(damaged)
    _one_line_error(_run("process", "--db", str(damaged), "-q", "--reprocess"), str(damaged), "damaged")
    assert file_digest(damaged) == before
    reports = tmp_path / "reports"
    night = _run("nightly", "--db", str(damaged), "--reports-dir", str(reports), "-q")
    assert night.returncode == 2, night.stderr
    assert "Traceback" not in night.stderr and "damaged" in night.stderr
    assert file_digest(damaged) == before, "nothing was written into the damaged file"
    _one_line_error(_run("stats", "--db", str(damaged)), "damaged")
