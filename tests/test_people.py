"""Officials as people across articles (``db.people``), with made-up namesakes.

Five invented articles: two about xã Đông Giang (Lâm Đồng) whose chairman is Nguyễn Văn An; one
about xã Diễn Châu (Nghệ An) whose Party secretary is another Nguyễn Văn An; one about Đông Giang
that calls its chairman only "Chủ tịch UBND xã" (a title naming only the level); one from a Lâm Đồng
paper about a Nghệ An delegation (the newspaper's province must not become the official's).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from db.people import OfficialRow, same_person
from db.store import Store
from nlp.process import process_articles

ARTICLES = [
    ("https://baolamdong.vn/a1.html", "Lâm Đồng", "2025-08-05",
     "Xã Đông Giang họp dân\n\nÔng Nguyễn Văn An, Chủ tịch UBND xã Đông Giang cho biết xã đã tiếp nhận 171 hồ sơ."),
    ("https://baolamdong.vn/a2.html", "Lâm Đồng", "2025-09-10",
     "Xã Đông Giang ra quân\n\nChủ tịch UBND xã Đông Giang Nguyễn Văn An phát động phong trào."),
    ("https://baonghean.vn/b1.html", "Nghệ An", "2025-09-12",
     "Xã Diễn Châu đối thoại\n\nÔng Nguyễn Văn An, Bí thư Đảng ủy xã Diễn Châu chủ trì buổi đối thoại."),
    ("https://baolamdong.vn/a3.html", "Lâm Đồng", "2025-10-01",
     "Xã Đông Giang tổng kết quý III\n\nÔng Nguyễn Văn An, Chủ tịch UBND xã phát biểu tại hội nghị của xã Đông Giang."),
    ("https://baolamdong.vn/a4.html", "Lâm Đồng", "2025-10-02",
     "Đoàn công tác tỉnh Nghệ An thăm Lâm Đồng\n\nBà Hồ Thị Lan, Phó Chủ tịch UBND tỉnh Nghệ An dẫn đầu đoàn."),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("people") / "news.db"
    with Store(path) as store:
        for url, province, published, text in ARTICLES:
            store.add_article({"url": url, "site": url.split("/")[2], "province": province,
                               "published": published, "text": text})
        process_articles(store, progress=False, workers=1)
    return path


def _people(db: Path) -> dict[int, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return {r["id"]: dict(r) for r in conn.execute("SELECT * FROM people")}
    finally:
        conn.close()


def _person_of(db: Path, url: str, name: str) -> int:
    conn = sqlite3.connect(db)
    try:
        (pid,) = conn.execute(
            "SELECT o.person_id FROM officials o JOIN articles a ON a.id = o.article_id WHERE a.url = ? AND o.name = ?",
            [url, name]).fetchone()
        return pid
    finally:
        conn.close()


def test_the_same_official_in_several_articles_is_one_person(db: Path) -> None:
    chairman = _person_of(db, ARTICLES[0][0], "Nguyễn Văn An")
    assert _person_of(db, ARTICLES[1][0], "Nguyễn Văn An") == chairman
    # "Chủ tịch UBND xã" names only the level: it took the article's xã, so the rows join up
    assert _person_of(db, ARTICLES[3][0], "Nguyễn Văn An") == chairman
    person = _people(db)[chairman]
    assert json.loads(person["provinces"]) == ["Lâm Đồng"] and person["articles"] == 3
    assert (person["first_seen"], person["last_seen"]) == ("2025-08-05", "2025-10-01")


def test_a_namesake_of_another_province_and_role_stays_apart(db: Path) -> None:
    chairman = _person_of(db, ARTICLES[0][0], "Nguyễn Văn An")
    secretary = _person_of(db, ARTICLES[2][0], "Nguyễn Văn An")
    assert secretary != chairman
    person = _people(db)[secretary]
    assert json.loads(person["provinces"]) == ["Nghệ An"]
    assert json.loads(person["current_titles"]) == ["Bí thư Đảng ủy xã Diễn Châu"]


def test_a_title_naming_only_a_level_takes_the_articles_unit(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        (place, place_from, province) = conn.execute(
            "SELECT place, place_from, province FROM official_facts WHERE url = ? AND name = 'Nguyễn Văn An'",
            [ARTICLES[3][0]]).fetchone()
    finally:
        conn.close()
    assert (place, place_from, province) == ("xã Đông Giang", "article", "Lâm Đồng")


def test_an_officials_province_comes_from_the_title_not_the_newspaper(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        (province, article_province) = conn.execute(
            "SELECT province, article_province FROM official_facts WHERE name = 'Hồ Thị Lan'").fetchone()
    finally:
        conn.close()
    assert province == "Nghệ An" and article_province == "Lâm Đồng"


def test_processing_twice_leaves_the_same_people(db: Path) -> None:
    before = _people(db)
    with Store(db) as store:
        process_articles(store, reprocess=True, progress=False, workers=1)
    assert _people(db) == before


def _row(name: str, provinces: set[str], roles: set[str], article_province: str | None = None) -> OfficialRow:
    return OfficialRow(1, 0, name, None, article_province, provinces, roles)


def test_the_rule_in_pairs() -> None:
    chair = "chủ tịch|ủy ban nhân dân"
    # the same province: one person, whatever the roles
    assert same_person(_row("A", {"Lâm Đồng"}, {chair}), _row("A", {"Lâm Đồng"}, {"bí thư|đảng ủy"}))
    # known, different provinces: two people, even with the same role
    assert not same_person(_row("A", {"Lâm Đồng"}, {chair}), _row("A", {"Nghệ An"}, {chair}))
    # one side without a province: an overlapping role, or the same article province, joins them
    assert same_person(_row("A", set(), {chair}), _row("A", {"Nghệ An"}, {chair}))
    assert same_person(_row("A", set(), set(), "Huế"), _row("A", {"Huế"}, {"bí thư|đảng ủy"}))
    assert not same_person(_row("A", set(), {chair}, "Huế"), _row("A", set(), {"bí thư|đảng ủy"}, "Cà Mau"))
