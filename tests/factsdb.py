"""A small, hand-written news database for the view, API and export tests.

Facts are written straight through ``Store.add_article`` and ``Store.save_facts`` (no crawl, no
extraction), so every expected number in the tests is visible here. Offsets are computed from the
article text, as the extractors would give them.

The articles:

1. ``baolamdong``, 2025-08-05, xã Đông Giang, in July 2025: 171 received (112 direct, 59 online),
   169/169 on time, 2 pending; its chairman Lê Văn Hòa; 100% on time.
2. ``national`` (no source province), 2025-09-10: huyện Diễn Châu (old, 8 successor communes),
   xã Diễn Châu (one of them), tỉnh Nghệ An, tỉnh Cao Bằng (2025 code 4, which is also the
   commune code of phường Ba Đình), tỉnh Hà Giang (old, successor province 8 = commune code of
   phường Ngọc Hà); from 1 July to 31 August 2025, 500 received, 300 online for xã Diễn Châu;
   65.5% online with no unit and no period.
3. ``baolamdong``, 2025-07-01 05:00 +07:00 (still June 30 in UTC: the month must be read as
   written), xã Đông Giang again, in June 2025: 100 received, written twice, 41 online.
4. ``baonghean``, published ``2027-01-01`` (a bare date; ISO week 2026-W53), an ambiguous xã.
5. ``baolamdong``, no published date, xã Đông Giang: a running total of 250 up to 6 August 2025.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from db.store import Store

VERSION = "test-1"
DIEN_CHAU_SUCCESSORS = [17395, 17416, 17419, 17443, 17464, 17476, 17479, 17488]
DONG_GIANG = 23074  # xã Đông Giang, Lâm Đồng
XA_DIEN_CHAU = 17464
Scope = tuple[str, str, str | None]
DONG_GIANG_SCOPE: Scope = ("xã", "Đông Giang", str(DONG_GIANG))
DIEN_CHAU_SCOPE: Scope = ("xã", "Diễn Châu", str(XA_DIEN_CHAU))
JULY = ("2025-07-01", "2025-07-31")
JUNE = ("2025-06-01", "2025-06-30")
JULY_AUGUST = ("2025-07-01", "2025-08-31")


def _span(text: str, needle: str, occurrence: int = 0) -> tuple[int, int, int, str]:
    """(start, end, sentence index, sentence) of ``needle`` in ``text`` (sentences = lines)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    lines = text.split("\n")
    offset = 0
    for index, line in enumerate(lines):
        if offset <= start < offset + len(line) + 1:
            return start, start + len(needle), index, line
        offset += len(line) + 1
    raise AssertionError(needle)


def _unit(text: str, n: int, type_: str, name: str, province: str | None, code: int | None, *,
          old: bool = False, successors: list[int] | None = None, candidates: list[Any] | None = None,
          occurrence: int = 0) -> dict[str, Any]:
    start, end, sentence_index, sentence = _span(text, name, occurrence)
    return {
        "n": n, "type": type_, "name": name, "province": province, "code": code, "is_old": int(old),
        "candidates": json.dumps(candidates, ensure_ascii=False) if candidates else None,
        "successors": json.dumps(successors) if successors else None,
        "start": start, "end": end, "sentence_index": sentence_index, "sentence": sentence,
    }


def _context(scope: Scope | None, period: tuple[str | None, str | None] | None) -> dict[str, Any]:
    """The scope and period columns of a figure row (spec v2 §5)."""
    scope_type, scope_name, scope_code = scope or (None, None, None)
    start, end = period or (None, None)
    return {"scope_type": scope_type, "scope_name": scope_name, "scope_code": scope_code,
            "period_start": start, "period_end": end}


def _dossier(text: str, n: int, needle: str, count: int, kind: str, channel: str | None = None,
             total: int | None = None, scope: Scope | None = DONG_GIANG_SCOPE,
             period: tuple[str | None, str | None] | None = JULY, qualifier: str = "exact",
             occurrence: int = 0) -> dict[str, Any]:
    start, end, sentence_index, sentence = _span(text, needle, occurrence)
    return {
        "n": n, "count": count, "kind": kind, "channel": channel, "total": total, "qualifier": qualifier,
        **_context(scope, period),
        "start": start, "end": end, "sentence_index": sentence_index, "sentence": sentence,
    }


def _percentage(text: str, n: int, needle: str, value: float, indicator: str, scope: Scope | None,
                period: tuple[str | None, str | None] | None = JULY, qualifier: str = "exact") -> dict[str, Any]:
    start, end, sentence_index, sentence = _span(text, needle)
    return {
        "n": n, "value": value, "qualifier": qualifier, "indicator": indicator, "subject": None,
        **_context(scope, period),
        "start": start, "end": end, "sentence_index": sentence_index, "sentence": sentence,
    }


def _official(text: str, n: int, name: str, titles: list[dict[str, Any]]) -> tuple[dict, list[dict]]:
    start, end, sentence_index, sentence = _span(text, name)
    row = {
        "n": n, "name": name, "titles": json.dumps([t["title"] for t in titles], ensure_ascii=False),
        "start": start, "end": end, "sentence_index": sentence_index, "sentence": sentence,
    }
    title_rows = [{"official_n": n, "n": i, **t} for i, t in enumerate(titles)]
    return row, title_rows


def _empty() -> dict[str, list[dict[str, Any]]]:
    return {"units": [], "officials": [], "official_titles": [], "dossiers": [], "percentages": []}


def build_news_db(path: Path) -> dict[str, int]:
    """Write the five articles and their facts to a new database at ``path``; return url → id."""
    ids: dict[str, int] = {}
    with Store(path) as store:
        # 1 -------------------------------------------------------------------------------
        text = (
            "Xã Đông Giang vận hành mô hình mới.\n"
            "Ông Lê Văn Hòa, Chủ tịch UBND xã Đông Giang cho biết trong tháng 7, Trung tâm đã tiếp nhận 171 hồ sơ, "
            "trong đó 112 hồ sơ trực tiếp và 59 hồ sơ trực tuyến.\n"
            "Đã có 169/169 hồ sơ giải quyết đúng hạn, đạt 100%; còn 2 hồ sơ đang giải quyết.\n"
            "Tỉnh Lâm Đồng ghi nhận kết quả."
        )
        url = "https://baolamdong.vn/dong-giang-1.html"
        aid = store.add_article({
            "url": url, "site": "baolamdong", "province": "Lâm Đồng", "title": "Đông Giang vận hành",
            "published": "2025-08-05T09:00:00+07:00", "text": text,
        })
        rows = _empty()
        rows["units"] = [
            _unit(text, 0, "xã", "Đông Giang", "Lâm Đồng", DONG_GIANG),
            _unit(text, 1, "tỉnh", "Lâm Đồng", "Lâm Đồng", 68),
        ]
        official, titles = _official(text, 0, "Lê Văn Hòa", [{
            "title": "Chủ tịch UBND xã Đông Giang", "role": "Chủ tịch",
            "organisation": "Ủy ban nhân dân", "place": "xã Đông Giang",
        }])
        rows["officials"], rows["official_titles"] = [official], titles
        rows["dossiers"] = [
            _dossier(text, 0, "171", 171, "received"),
            _dossier(text, 1, "112", 112, "received", "direct"),
            _dossier(text, 2, "59", 59, "received", "online"),
            _dossier(text, 3, "169/169", 169, "on_time", total=169),
            _dossier(text, 4, "2 hồ sơ", 2, "pending"),
        ]
        rows["percentages"] = [_percentage(text, 0, "100%", 100.0, "on_time", DONG_GIANG_SCOPE)]
        store.save_facts(aid, rows, VERSION)
        ids[url] = aid

        # 2 -------------------------------------------------------------------------------
        text = (
            "Các xã thuộc huyện Diễn Châu (cũ), tỉnh Nghệ An đã ổn định.\n"
            "Từ ngày 1/7 đến 31/8, xã Diễn Châu tiếp nhận 500 hồ sơ, trong đó 300 hồ sơ trực tuyến.\n"
            "Bí thư Đảng ủy xã Nguyễn Văn An cho biết hơn 65,5% hồ sơ được nộp trực tuyến.\n"
            "Đoàn công tác tỉnh Cao Bằng và tỉnh Hà Giang (cũ) đến thăm."
        )
        url = "https://national.vn/dien-chau-2.html"
        aid = store.add_article({
            "url": url, "site": "national", "title": "Diễn Châu sau sáp nhập",
            "published": "2025-09-10T10:00:00+07:00", "text": text,
        })
        rows = _empty()
        rows["units"] = [
            _unit(text, 0, "huyện", "Diễn Châu", "Nghệ An", 425, old=True, successors=DIEN_CHAU_SUCCESSORS),
            _unit(text, 1, "tỉnh", "Nghệ An", "Nghệ An", 40),
            _unit(text, 2, "xã", "Diễn Châu", "Nghệ An", XA_DIEN_CHAU, occurrence=1),
            _unit(text, 3, "tỉnh", "Cao Bằng", "Cao Bằng", 4),
            _unit(text, 4, "tỉnh", "Hà Giang", "Tuyên Quang", 2, old=True, successors=[8]),
        ]
        official, titles = _official(text, 0, "Nguyễn Văn An", [{
            "title": "Bí thư Đảng ủy xã", "role": "Bí thư", "organisation": "Đảng ủy", "place": None,
        }])
        rows["officials"], rows["official_titles"] = [official], titles
        rows["dossiers"] = [
            _dossier(text, 0, "500", 500, "received", scope=DIEN_CHAU_SCOPE, period=JULY_AUGUST),
            _dossier(text, 1, "300", 300, "received", "online", scope=DIEN_CHAU_SCOPE, period=JULY_AUGUST),
        ]
        rows["percentages"] = [_percentage(text, 0, "65,5%", 65.5, "online_share", None, None, "over")]
        store.save_facts(aid, rows, VERSION)
        ids[url] = aid

        # 3 -------------------------------------------------------------------------------
        text = (
            "Đông Giang tiếp nhận 100 hồ sơ trong tháng 6.\n"
            "Trong tháng 6, xã Đông Giang tiếp nhận 100 hồ sơ, có 41 hồ sơ trực tuyến."
        )
        url = "https://baolamdong.vn/dong-giang-3.html"
        aid = store.add_article({
            "url": url, "site": "baolamdong", "province": "Lâm Đồng", "title": "Đông Giang tháng 7",
            "published": "2025-07-01T05:00:00+07:00", "text": text,
        })
        rows = _empty()
        rows["units"] = [_unit(text, 0, "xã", "Đông Giang", "Lâm Đồng", DONG_GIANG, occurrence=1)]
        rows["dossiers"] = [
            _dossier(text, 0, "100", 100, "received", period=JUNE),
            _dossier(text, 1, "100", 100, "received", period=JUNE, occurrence=1),
            _dossier(text, 2, "41", 41, "received", "online", period=JUNE),
        ]
        store.save_facts(aid, rows, VERSION)
        ids[url] = aid

        # 4 -------------------------------------------------------------------------------
        text = "Xã Hòa Bình chuẩn bị đón năm mới."
        url = "https://baonghean.vn/hoa-binh-4.html"
        aid = store.add_article({
            "url": url, "site": "baonghean", "province": "Nghệ An", "title": "Đón năm mới",
            "published": "2027-01-01", "text": text,
        })
        rows = _empty()
        rows["units"] = [_unit(text, 0, "xã", "Hòa Bình", None, None, candidates=[
            {"code": 1, "province": "A"}, {"code": 2, "province": "B"},
        ])]
        store.save_facts(aid, rows, VERSION)
        ids[url] = aid

        # 5 -------------------------------------------------------------------------------
        text = "Xã Đông Giang họp dân.\nTính đến ngày 6/8/2025, xã tiếp nhận 250 hồ sơ."
        url = "https://baolamdong.vn/dong-giang-5.html"
        aid = store.add_article({"url": url, "site": "baolamdong", "province": "Lâm Đồng", "text": text})
        rows = _empty()
        rows["units"] = [_unit(text, 0, "xã", "Đông Giang", "Lâm Đồng", DONG_GIANG)]
        rows["dossiers"] = [_dossier(text, 0, "250", 250, "received", period=(None, "2025-08-06"))]
        store.save_facts(aid, rows, VERSION)
        ids[url] = aid
    return ids
