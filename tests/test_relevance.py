"""Relevance to the two-tier rollout: lexicon + facts → a score in [0, 1], stored once per article."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from db.store import Store
from monitor.relevance import (
    LEXICON_PATH,
    MAX_REPEATS,
    SCALE,
    load_lexicon,
    relevance_version,
    score_articles,
    score_text,
)

ROLLOUT = (
    "Sau ba tháng vận hành chính quyền địa phương hai cấp, Trung tâm Phục vụ hành chính công xã "
    "Tân Hà đã tiếp nhận 1.250 hồ sơ thủ tục hành chính, 98% được giải quyết đúng hạn. Cán bộ, công "
    "chức cấp xã được tập huấn về dịch vụ công trực tuyến."
)
FOOTBALL = (
    "Trận đấu bóng đá giữa hai đội kết thúc với tỷ số 2-1. Cầu thủ mang áo số 10 ghi bàn thắng "
    "quyết định ở phút cuối, huấn luyện viên đội khách không giấu được thất vọng."
)

CASES = [
    # (label, title, text, low, high)
    ("rollout report", "Xã Tân Hà sau 3 tháng vận hành chính quyền 2 cấp", ROLLOUT, 0.7, 1.0),
    ("merger, new-tone spelling and caps", "SÁP NHẬP XÃ",
     "Đảng ủy xã mới họp bàn việc sắp xếp đơn vị hành chính; UBND xã công bố bộ máy tinh gọn.", 0.5, 1.0),
    ("special zone services", None,
     "Đặc khu Phú Quý đưa bộ phận một cửa vào hoạt động, người dân nộp hồ sơ qua dịch vụ công.", 0.4, 1.0),
    ("football", "Bóng đá: đội nhà thắng kịch tính", FOOTBALL, 0.0, 0.05),
    ("weather", "Mưa lớn kéo dài", "Nhiệt độ giảm mạnh, trời có mưa rào và dông rải rác vào chiều tối.", 0.0, 0.05),
]


@pytest.mark.parametrize(("label", "title", "text", "low", "high"), CASES, ids=[c[0] for c in CASES])
def test_score_ranges(label: str, title: str | None, text: str, low: float, high: float) -> None:
    score = score_text(title, text)
    assert 0.0 <= score <= 1.0
    assert low <= score <= high, f"{label}: {score}"


def test_rollout_outranks_football_and_facts_add() -> None:
    assert score_text(None, ROLLOUT) > score_text(None, FOOTBALL) + 0.5
    text = "Xã Tân Hà tiếp nhận hồ sơ."
    facts = {"dossiers": [{"kind": "received"}], "units": [{"type": "xã", "name": "Tân Hà", "is_old": 0}]}
    assert score_text(None, text, facts) > score_text(None, text)
    # an abolished district named does not count as a 2025 commune
    old = {"units": [{"type": "huyện", "name": "Di Linh", "is_old": 1}]}
    assert score_text(None, text, old) == score_text(None, text)


def test_longest_phrase_wins_no_double_count(tmp_path: Path) -> None:
    lexicon = tmp_path / "lex.tsv"
    lexicon.write_text("dịch vụ công\t1\ndịch vụ công trực tuyến\t5\ntrực tuyến\t1\n", encoding="utf-8")
    lex = load_lexicon(lexicon)

    def expected(raw: float) -> float:
        return round(1 - math.exp(-raw / SCALE), 3)

    assert score_text(None, "Nộp qua Dịch vụ công trực tuyến.", lexicon=lex) == expected(5)  # not 5 + 1 + 1
    assert score_text(None, "dịch vụ công và trực tuyến", lexicon=lex) == expected(2)
    assert score_text("dịch vụ công", "dịch vụ công", lexicon=lex) == expected(2)  # title counts once more
    assert score_text(None, "dịch vụ công " * 5, lexicon=lex) == expected(MAX_REPEATS)
    assert score_text(None, "dịch vụ côngx", lexicon=lex) == 0.0  # whole words only


def test_malformed_lexicon_line_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("# ok\nhồ sơ 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.tsv:2"):
        load_lexicon(bad)


def _store_with_articles(path: Path) -> Store:
    store = Store(path)
    for i, (title, text) in enumerate([("Chính quyền hai cấp", ROLLOUT), ("Bóng đá", FOOTBALL)]):
        article_id = store.add_article({"url": f"http://127.0.0.1/a{i}", "site": "test", "title": title, "text": text})
        assert article_id is not None
        store.save_facts(article_id, {}, "test-1")  # processed, no facts
    store.add_article({"url": "http://127.0.0.1/unprocessed", "site": "test", "text": ROLLOUT})
    return store


def test_scores_are_stored_once_and_recomputed_when_the_lexicon_changes(tmp_path: Path) -> None:
    with _store_with_articles(tmp_path / "news.db") as store:
        assert score_articles(store) == {"scored": 2}  # the unprocessed article waits for its facts
        rows = {r["title"]: r for r in store.db.query("SELECT title, relevance, relevance_version FROM articles")}
        assert rows["Chính quyền hai cấp"]["relevance"] >= 0.7
        assert rows["Bóng đá"]["relevance"] <= 0.05
        assert rows["Chính quyền hai cấp"]["relevance_version"] == relevance_version(load_lexicon(), "test-1")
        assert rows[None]["relevance"] is None

        before = store.table_digest("articles")
        assert score_articles(store) == {"scored": 0}  # idempotent
        assert store.table_digest("articles") == before

        changed = tmp_path / "lex.tsv"
        changed.write_text(LEXICON_PATH.read_text(encoding="utf-8") + "bóng đá\t5\n", encoding="utf-8")
        assert score_articles(store, lexicon_path=changed) == {"scored": 2}
        football = store.db.execute("SELECT relevance FROM articles WHERE title = 'Bóng đá'").fetchone()[0]
        assert football > 0.05

        # re-extracted facts (a new extractor version) make the article stale again
        first = store.db.execute("SELECT id FROM articles ORDER BY id").fetchone()[0]
        store.save_facts(first, {}, "test-2")
        assert score_articles(store, lexicon_path=changed) == {"scored": 1}
