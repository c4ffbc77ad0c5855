"""Near-duplicate stories: the same text on several sites gets one story_id, incrementally."""

from __future__ import annotations

from pathlib import Path

from db.store import Store
from monitor.stories import JACCARD_THRESHOLD, link_stories, same_story, shingles

STORY = (
    "Sáng 14/10, Ủy ban nhân dân xã Tân Hà tổ chức hội nghị sơ kết ba tháng vận hành chính quyền địa "
    "phương hai cấp. Theo báo cáo, Trung tâm Phục vụ hành chính công xã đã tiếp nhận 1.250 hồ sơ, trong "
    "đó 830 hồ sơ được nộp trực tuyến qua Cổng dịch vụ công quốc gia. Tỷ lệ hồ sơ giải quyết đúng hạn đạt "
    "98,5%. Chủ tịch Ủy ban nhân dân xã cho biết thời gian tới xã tiếp tục bố trí cán bộ có chuyên môn "
    "công nghệ thông tin, hướng dẫn người dân sử dụng tài khoản định danh điện tử và thanh toán phí, lệ "
    "phí không dùng tiền mặt. Hội nghị cũng ghi nhận khó khăn về trụ sở làm việc và đường truyền mạng."
)
# Reprinted by another paper: new intro sentence, one word changed, last sentence dropped.
REPRINT = (
    "Báo Lâm Đồng đưa tin: " + STORY.replace("Sáng 14/10", "Ngày 14/10").rsplit(" Hội nghị cũng", 1)[0]
)
OTHER = (
    "Chiều 15/10, Hội Nông dân xã Đạ Huoai tổ chức tập huấn kỹ thuật trồng và chăm sóc cây sầu riêng "
    "cho hơn 120 hội viên. Các kỹ sư nông nghiệp hướng dẫn cách bón phân hữu cơ, tưới nước tiết kiệm và "
    "phòng trừ sâu bệnh trong mùa mưa. Nhiều hộ dân cho biết năng suất vườn cây năm nay tăng so với năm "
    "trước nhờ áp dụng quy trình canh tác mới và liên kết tiêu thụ với doanh nghiệp trong tỉnh."
)


def _add(store: Store, url: str, site: str, text: str, title: str = "t") -> int:
    article_id = store.add_article({"url": url, "site": site, "title": title, "text": text,
                                    "published": "2025-10-14"})
    assert article_id is not None
    return article_id


def _story(store: Store, article_id: int) -> int:
    return store.db.execute("SELECT story_id FROM articles WHERE id = ?", [article_id]).fetchone()[0]


def test_similarity_rule() -> None:
    story, reprint, other = shingles(STORY), shingles(REPRINT), shingles(OTHER)
    assert story and reprint and other
    assert same_story(story, reprint)
    assert not same_story(story, other)
    assert len(story & other) / len(story | other) < JACCARD_THRESHOLD
    assert shingles("quá ngắn để so sánh") == set()  # fewer than MIN_WORDS words: never linked


def test_copies_share_a_story_and_a_later_copy_joins_it(tmp_path: Path) -> None:
    with Store(tmp_path / "news.db") as store:
        a = _add(store, "http://127.0.0.1/a/1", "baolamdong", STORY, "Xã Tân Hà sơ kết 3 tháng")
        other = _add(store, "http://127.0.0.1/a/2", "baolamdong", OTHER)
        b = _add(store, "http://127.0.0.1/b/1", "baodaknong", REPRINT, "Tân Hà: 98,5% hồ sơ đúng hạn")
        assert link_stories(store) == {"linked": 3, "joined": 1, "merged": 0}
        assert _story(store, a) == _story(store, b) == a
        assert _story(store, other) == other

        before = store.table_digest("articles")
        assert link_stories(store) == {"linked": 0, "joined": 0, "merged": 0}  # idempotent
        assert store.table_digest("articles") == before

        # the next night a third site reprints it: compared through the LSH buckets, it joins
        c = _add(store, "http://127.0.0.1/c/1", "baobinhthuan", STORY.replace("98,5%", "gần 99%"))
        assert link_stories(store)["joined"] == 1
        assert _story(store, c) == a
        view = {r["story_id"]: r for r in store.db.query("SELECT * FROM stories")}
        assert view[a]["articles"] == 3 and view[a]["sites"] == 3
        assert view[a]["title"] == "Xã Tân Hà sơ kết 3 tháng"
        assert view[other]["articles"] == 1
        # every linked article with enough words has its buckets stored; none of another story's
        assert store.db.execute("SELECT count(DISTINCT article_id) FROM story_bands").fetchone()[0] == 4


def test_an_article_bridging_two_stories_merges_them(tmp_path: Path) -> None:
    first_half, second_half = STORY[: len(STORY) // 2], STORY[len(STORY) // 2 :]
    with Store(tmp_path / "news.db") as store:
        a = _add(store, "http://127.0.0.1/a", "s1", first_half + " " + OTHER)
        b = _add(store, "http://127.0.0.1/b", "s2", OTHER + " " + second_half)
        link_stories(store)
        assert _story(store, a) != _story(store, b)
        c = _add(store, "http://127.0.0.1/c", "s3", first_half + " " + OTHER + " " + second_half)
        counts = link_stories(store)
        assert counts["joined"] == 1 and counts["merged"] == 1
        assert _story(store, a) == _story(store, b) == _story(store, c) == a
