"""Dossier counts (spec §3, NOTES D1–D15) on sentences written for these tests."""

from __future__ import annotations

import unicodedata

import pytest

from nlp.document import analyze
from nlp.extractors import dossiers
from nlp.normalize import normalize_text


def _run(text: str) -> list[tuple]:
    adoc = analyze(normalize_text(text))
    return [(f.data["count"], f.data["kind"], f.data["channel"], f.data["total"]) for f in dossiers.extract(adoc)]


CASES = [
    # verb before the number
    ("Tháng 3, Trung tâm tiếp nhận 1.250 hồ sơ.", [(1250, "received", None, None)]),
    # an abbreviation introduced in brackets does not cut the label from its count
    ("Kết quả tháng 8: hồ sơ (HS) tiếp nhận: 2.416; HS trực tiếp 600.",
     [(2416, "received", None, None), (600, "received", "direct", None)]),
    (
        "Xã đã giải quyết 980 hồ sơ, đang giải quyết 20 hồ sơ.",
        [(980, "resolved", None, None), (20, "pending", None, None)],
    ),
    (
        "Phường nhận 820 hồ sơ qua mạng và 310 hồ sơ trực tiếp.",
        [(820, "received", "online", None), (310, "received", "direct", None)],
    ),
    # trong đó breakdowns take the kind of the total (D9)
    (
        "Trung tâm tiếp nhận 98 hồ sơ, trong đó 60 hồ sơ trực tuyến, 30 hồ sơ trực tiếp"
        " và 8 hồ sơ qua bưu chính công ích.",
        [
            (98, "received", None, None),
            (60, "received", "online", None),
            (30, "received", "direct", None),
            (8, "received", "postal", None),
        ],
    ),
    # ratios: the last (completion) verb, the denominator as total (D1)
    ("Bộ phận một cửa đã tiếp nhận, giải quyết và trả kết quả 640/640 hồ sơ.", [(640, "resolved", None, 640)]),
    ("Số hồ sơ giải quyết đúng hạn là 1.200/1.250 hồ sơ.", [(1200, "on_time", None, 1250)]),
    # a chain that starts with intake and has no ratio counts intake (D2)
    ("Có 5.300 hồ sơ được tiếp nhận và giải quyết trong quý.", [(5300, "received", None, None)]),
    ("Xã đã tiếp nhận và xử lý trực tuyến 410 hồ sơ.", [(410, "received", "online", None)]),
    # status words after the noun win (D3, D12)
    ("Có 77 hồ sơ được giải quyết trước hạn.", [(77, "on_time", None, None)]),
    ("Vẫn còn 9 hồ sơ giải quyết chậm so với quy định.", [(9, "overdue", None, None)]),
    (
        "Đã giải quyết sớm hẹn 300 HS, đúng hẹn 25 HS trong tổng số hồ sơ (HS) đã nhận.",
        [(300, "on_time", None, None), (25, "on_time", None, None)],
    ),
    ("Còn 4 hồ sơ đang trong thời hạn giải quyết.", [(4, "pending", None, None)]),
    # counts after the noun (D10)
    (
        "Hồ sơ tiếp nhận: 2.310; hồ sơ đã giải quyết: 2.250.",
        [(2310, "received", None, None), (2250, "resolved", None, None)],
    ),
    ("Số hồ sơ quá hạn là 6, giảm so với tháng trước.", [(6, "overdue", None, None)]),
    (
        "Hồ sơ đang xử lý: 40 (chưa đến hạn: 37; quá hạn: 3).",
        [(40, "pending", None, None), (37, "pending", None, None), (3, "overdue", None, None)],
    ),
    (
        "Hồ sơ tiếp nhận: 900 (trực tuyến 600, trực tiếp 300).",
        [(900, "received", None, None), (600, "received", "online", None), (300, "received", "direct", None)],
    ),
    # scale words and numbers written in words (D14)
    ("Toàn tỉnh tiếp nhận hơn 12,5 triệu hồ sơ trong năm.", [(12500000, "received", None, None)]),
    ("Trung tâm tiếp nhận gần 7 nghìn hồ sơ.", [(7000, "received", None, None)]),
    ("Có hai hồ sơ bị trả lại do thiếu giấy tờ.", [(2, "other", None, None)]),
    # digitised and carried-over dossiers are other (D13, spec)
    ("Cán bộ đã số hóa 1.500 hồ sơ.", [(1500, "other", None, None)]),
    ("Trong đó kỳ trước chuyển qua 45 hồ sơ.", [(45, "other", None, None)]),
    # D5: public service level 3/4 means online
    ("Xã tiếp nhận và trả kết quả 50/50 HS dịch vụ công mức độ 4 (hồ sơ).", [(50, "resolved", "online", 50)]),
    # intake verbs beyond tiếp nhận/nhận/nộp: thụ lý, nhận mới
    ("Từ đầu năm, Ủy ban đã thụ lý 2.315 hồ sơ đất đai của người dân.", [(2315, "received", None, None)]),
    ("Thụ lý gần 3 nghìn hồ sơ sau một quý vận hành", [(3000, "received", None, None)]),
    ("Trong tháng, bộ phận một cửa nhận mới 412 hồ sơ.", [(412, "received", None, None)]),
    # (tổng) số hồ sơ … là/đạt N: the number far from its noun, the noun phrase's verb gives the kind
    (
        "Tổng số hồ sơ mà bộ phận một cửa phường nhận trong quý III năm 2025 là 1.907, gồm 1.850 hồ sơ mới.",
        [(1907, "received", None, None), (1850, "received", None, None)],
    ),
    ("Số lượng hồ sơ được giải quyết trong 9 tháng qua đạt hơn 2.400.", [(2400, "resolved", None, None)]),
    ("Số hồ sơ mà xã đã số hóa từ ngày 1/7 đến cuối tháng 10 là 1.640.", [(1640, "other", None, None)]),
    ("Số thủ tục được tiếp nhận hồ sơ trực tuyến là 120.", []),
    # trong hạn after a pending verb: still open within the deadline (pending), not on time
    ("Hồ sơ đang xử lý, trong hạn: 17 hồ sơ.", [(17, "pending", None, None)]),
    ("Còn 58 hồ sơ đang xử lý trong hạn.", [(58, "pending", None, None)]),
    ("Đang giải quyết 23 hồ sơ trong hạn, không có hồ sơ quá hạn.", [(23, "pending", None, None)]),
    ("Hồ sơ chưa xử lý xong, còn trong hạn: 9 hồ sơ.", [(9, "pending", None, None)]),
    ("Xã giải quyết trong hạn 300 hồ sơ.", [(300, "on_time", None, None)]),
    ("Đang giải quyết 30 hồ sơ, trong đó 2 hồ sơ quá hạn.", [(30, "pending", None, None), (2, "overdue", None, None)]),
    # coordinated kind words share their last word (trễ và quá hạn = trễ hạn và quá hạn)
    ("Năm nay có 9 hồ sơ chậm và quá hạn, đã xin lỗi người dân.", [(9, "overdue", None, None)]),
    ("Có 14 hồ sơ trễ hoặc quá hạn.", [(14, "overdue", None, None)]),
    ("Xã trả kết quả 870 hồ sơ sớm và đúng hạn.", [(870, "on_time", None, None)]),
    ("Trễ, quá hạn 5 hồ sơ thuộc lĩnh vực xây dựng.", [(5, "overdue", None, None)]),
    # list lines under a heading take the heading's kind; a channel label gives the channel;
    # a list line's own verb still wins
    (
        "Các xã tiếp nhận nhiều hồ sơ nhất trong tháng gồm:\n- Xã Hòa An: 1.240 hồ sơ\n"
        "- Xã Tân Lập: 985 hồ sơ, đã giải quyết 960 hồ sơ\n2. Phường Bắc Sơn: 730 hồ sơ",
        [
            (1240, "received", None, None),
            (985, "received", None, None),
            (960, "resolved", None, None),
            (730, "received", None, None),
        ],
    ),
    (
        "Số hồ sơ nộp theo từng hình thức:\n+ Trực tuyến: 64.310 hồ sơ (81,2%)\n+ Trực tiếp: 14.900 hồ sơ\n"
        "Ngoài ra, xã có 12 hồ sơ.",
        [(64310, "received", "online", None), (14900, "received", "direct", None), (12, "other", None, None)],
    ),
    (
        "Trung tâm tiếp nhận 1.200 hồ sơ, cụ thể:\n- Trực tuyến: 800 hồ sơ\n- Trực tiếp: 400 hồ sơ",
        [(1200, "received", None, None), (800, "received", "online", None), (400, "received", "direct", None)],
    ),
    ("Những xã có nhiều hồ sơ quá hạn nhất:\n• Xã Đồng Tâm: 14 hồ sơ", [(14, "overdue", None, None)]),
    ("Các đơn vị nổi bật:\n- Xã Hòa An: 1.240 hồ sơ", [(1240, "other", None, None)]),
    (
        "Hồ sơ tiếp nhận theo hình thức: trực tuyến 640 hồ sơ; trực tiếp 210 hồ sơ.",
        [(640, "received", "online", None), (210, "received", "direct", None)],
    ),
    # withdrawn, returned and refused dossiers are other
    ("Trong kỳ, người dân rút 17 hồ sơ.", [(17, "other", None, None)]),
    (
        "Xã đã giải quyết 512 hồ sơ, công dân xin rút 3 hồ sơ.",
        [(512, "resolved", None, None), (3, "other", None, None)],
    ),
    ("Bộ phận một cửa trả lại 6 hồ sơ không hợp lệ.", [(6, "other", None, None)]),
    ("Có 2 hồ sơ bị từ chối vì sai thẩm quyền.", [(2, "other", None, None)]),
    # the label before the colon gives the kind; a remark after a dash does not override it
    ("Đã giải quyết: 2.045 hồ sơ – tất cả đều đúng hạn.", [(2045, "resolved", None, None)]),
    ("Đã hoàn thành: 870 hồ sơ - không có hồ sơ quá hạn.", [(870, "resolved", None, None)]),
    # a number that opens a range of percentages is not a count
    ("Số hồ sơ xử lý trực tuyến đạt 80 - 85%.", []),
    ("Hồ sơ nộp trực tuyến ở các xã chỉ đạt 30 đến 40 phần trăm.", []),
    # not dossiers (D6, D7, D15)
    ("Xã công bố 44 TTHC và 120 thủ tục, tiếp đón 300 lượt công dân, phát 90 phiếu khảo sát.", []),
    ("Không có hồ sơ trễ hạn trong tháng 9.", []),
    ("Ngày 12/3/2025, cán bộ hướng dẫn người dân lập hồ sơ.", []),
    ("Tỷ lệ hồ sơ trực tuyến đạt 70%.", []),
    ("Phấn đấu 100 phần trăm hồ sơ được số hóa.", []),
    # HS is pupils in school news
    ("Trường có 35 HS đạt giải; 1.024 học sinh tham gia kỳ thi hồ sơ năng lực.", []),
    # thu nhận is intake; đang được + verb is pending
    (
        "Công an xã thu nhận 640 hồ sơ cấp căn cước; 12 hồ sơ còn lại đang được xác minh.",
        [(640, "received", None, None), (12, "pending", None, None)],
    ),
    # a kind verb in a time clause (khi …) does not say what happened to the counted dossiers
    ("- Hồ sơ được số hóa ngay khi tiếp nhận: 2.300/2.300 hồ sơ.", [(2300, "other", None, 2300)]),
    # results delivered are finished dossiers
    (
        "Bưu điện xã chuyển trả 2.450 hồ sơ kết quả đến tận nhà dân; năm qua có gần 9.000 hồ sơ trả kết quả "
        "giải quyết TTHC tại xã.",
        [(2450, "resolved", "postal", None), (9000, "resolved", None, None)],
    ),
    # due dossiers and the whole caseload are other; dossiers filed for settlement are intake
    ("Trung tâm còn 420 hồ sơ đến hạn giải quyết trong tuần.", [(420, "other", None, None)]),
    ("Lũy kế đã và đang giải quyết 3.500 hồ sơ.", [(3500, "other", None, None)]),
    ("Quý III có 12.400 hồ sơ yêu cầu giải quyết.", [(12400, "received", None, None)]),
    # a pending total and its parts (D11): ``trong hạn giải quyết`` is still open
    (
        "Đang giải quyết 600 hồ sơ (trong hạn giải quyết 570 hồ sơ và 30 hồ sơ quá hạn).",
        [(600, "pending", None, None), (570, "pending", None, None), (30, "overdue", None, None)],
    ),
    # late and still open is overdue, in either order
    ("Tỉnh còn 95 hồ sơ giải quyết quá hạn đang xử lý.", [(95, "overdue", None, None)]),
    # a count after a copula takes its subject's kind and channel, past a decision number
    (
        "Số hồ sơ tiếp nhận qua bưu chính công ích theo Quyết định số 12/2024/QĐ-UBND là 640 hồ sơ.",
        [(640, "received", "postal", None)],
    ),
    # a count in brackets annotates the phrase before it
    ("Đa số hồ sơ được tiếp nhận trực tiếp (4.200 hồ sơ).", [(4200, "received", "direct", None)]),
    # the remark of one count is not the start of the next one's chain
    (
        "Trong đó có 800 hồ sơ kỳ trước chuyển sang, tiếp nhận mới trực tuyến 2.300 hồ sơ.",
        [(800, "other", None, None), (2300, "received", "online", None)],
    ),
    # the year of a period is no count; a scaled decimal stays whole
    ("Tổng số hồ sơ cao hơn quý II-2024.", []),
    ("Toàn tỉnh tiếp nhận hơn 4,1 triệu hồ sơ trực tuyến.", [(4100000, "received", "online", None)]),
    # a counter word after a copula's count; an abbreviation in brackets inside the subject
    (
        "Tổng số hồ sơ yêu cầu giải quyết thủ tục hành chính (TTHC) trong năm là 12.400 bộ.",
        [(12400, "received", None, None)],
    ),
    ("Hồ sơ nộp trực tiếp chỉ 240 trường hợp.", [(240, "received", "direct", None)]),
    # returned by post; delivered; a channel phrase running past the clause window
    ("Có 3.100 hồ sơ được trả qua dịch vụ bưu chính công ích.", [(3100, "resolved", "postal", None)]),
    (
        "Năm qua có 2.000 hồ sơ được tiếp nhận và chuyển phát qua bưu điện.",
        [(2000, "received", "postal", None)],
    ),
    ("Trung tâm trả trước thời hạn 1.250 hồ sơ.", [(1250, "on_time", None, None)]),
    # a numbered ward is no count
    ("Người dân nhận kết quả hồ sơ tại UBND Phường 1.", []),
    # a date written with a dash is no count
    ("Người dân xếp hàng nộp hồ sơ tại trung tâm sáng 15-9.", []),
    # --- kinds that come from what surrounds the count (issue 12) ---
    # a ratio in brackets after an online-share percentage counts what the share measures
    (
        "Xét tỷ lệ hồ sơ nộp qua mạng, xã Tân Phong đạt 68,2% (1.364/2.000 hồ sơ).",
        [(1364, "received", "online", 2000)],
    ),
    (
        "Tỷ lệ hồ sơ nộp trực tuyến của phường đạt 70% (700/1.000 hồ sơ (đã giải quyết 650)).",
        [(700, "received", "online", 1000), (650, "resolved", None, None)],
    ),
    ("Tỷ lệ hồ sơ trực tuyến đạt 80,5% (805/1.000 hồ sơ).", [(805, "received", "online", 1000)]),
    ("Hồ sơ nộp trực tuyến đạt tỷ lệ 72% (720/1.000 hồ sơ).", [(720, "received", "online", 1000)]),
    ("Tỷ lệ giải quyết hồ sơ đúng hạn đạt 98% (980/1.000 hồ sơ).", [(980, "on_time", None, 1000)]),
    ("Tỷ lệ số hóa hồ sơ đạt 90% (900/1.000 hồ sơ).", [(900, "other", None, 1000)]),
    # tương ứng (với) N hồ sơ after a share
    ("Hồ sơ qua mạng chiếm 72% (tương đương 5.040 hồ sơ).", [(5040, "received", "online", None)]),
    ("Tỷ lệ giải quyết đúng hạn đạt 97,5%, tương ứng 1.950 hồ sơ.", [(1950, "on_time", None, None)]),
    # rankings of places or fields by their number of dossiers: intake, unless the ranking names a verb
    (
        "Nhiều hồ sơ nhất thuộc lĩnh vực đất đai (820 hồ sơ), sau đó là hộ tịch (610 hồ sơ).",
        [(820, "received", None, None), (610, "received", None, None)],
    ),
    (
        "Xã Hòa Phong dẫn đầu với 1.204 hồ sơ, tiếp theo là xã Bình Minh với 986 hồ sơ.",
        [(1204, "received", None, None), (986, "received", None, None)],
    ),
    (
        "Những địa phương giải quyết nhiều hồ sơ nhất là: xã Ea Tóc (640 hồ sơ), xã Ia Púch (512 hồ sơ).",
        [(640, "resolved", None, None), (512, "resolved", None, None)],
    ),
    # a statistics system's counts: phát sinh, ghi nhận trên hệ thống
    (
        "Số liệu ghi nhận trên hệ thống một cửa điện tử của xã là 12.400 hồ sơ.",
        [(12400, "received", None, None)],
    ),
    ("Trong tháng, 38 xã chỉ phát sinh dưới 100 hồ sơ.", [(100, "received", None, None)]),
    ("Trong quý, hệ thống ghi nhận 12.060 hồ sơ của các xã.", [(12060, "received", None, None)]),
    ("Những nơi ít hồ sơ phát sinh (dưới 50 hồ sơ) phải báo cáo nguyên nhân.", [(50, "received", None, None)]),
    # tổng cộng after a chain that starts with intake; a count after a noun phrase that names it
    (
        "Hồ sơ tiếp nhận trực tuyến, trực tiếp và qua bưu chính công ích, tổng cộng 3.400 hồ sơ.",
        [(3400, "received", None, None)],
    ),
    ("Hồ sơ tiếp nhận thuộc thẩm quyền cấp xã, có tổng số 4.120 hồ sơ.", [(4120, "received", None, None)]),
    ("Hồ sơ thuộc thẩm quyền cấp tỉnh đã giải quyết, có tổng số 980 hồ sơ.", [(980, "resolved", None, None)]),
    ("Về hồ sơ thuộc thẩm quyền cấp xã, có tổng số 2.510 hồ sơ.", [(2510, "other", None, None)]),
    # giải quyết trước/đúng hạn written with a slash
    (
        "Xã trả kết quả trước/đúng hạn 1.980 hồ sơ, trễ/quá hạn 20 hồ sơ.",
        [(1980, "on_time", None, None), (20, "overdue", None, None)],
    ),
    # a count that restates or splits a count of something else takes that count's verb
    ("Trong buổi sáng, bộ phận một cửa tiếp nhận 75 lượt công dân (38 hồ sơ).", [(38, "received", None, None)]),
    ("Tuần qua, xã tiếp nhận 92 yêu cầu, 51 hồ sơ.", [(51, "received", None, None)]),
    # … and a counter word whose breakdown names dossiers counts dossiers
    (
        "Tổ công tác lưu động nhận 12 trường hợp, gồm 5 hồ sơ cấp căn cước và bảy hồ sơ khai sinh.",
        [(12, "received", None, None), (5, "received", None, None), (7, "received", None, None)],
    ),
    ("Công an xã giải quyết 30 trường hợp vi phạm giao thông.", []),
    # Cụ thể opens a breakdown of the count before it
    (
        "Xã nhận 46 hồ sơ trong tuần. Cụ thể, đăng ký kết hôn: 20 hồ sơ; cấp bản sao: 26 hồ sơ.",
        [(46, "received", None, None), (20, "received", None, None), (26, "received", None, None)],
    ),
    # a status quoted from a system; the verbs of a rate after the count are the rate's
    ("Hệ thống hiển thị 312 hồ sơ với trạng thái “trễ hạn”.", [(312, "overdue", None, None)]),
    ("Sau ba tháng, xã nhận 8.200 hồ sơ với tỷ lệ trả kết quả đúng hạn là 99%.", [(8200, "received", None, None)]),
    # a count coordinated with a count of something else shares its predicate
    ("Phường có 510 hồ sơ và 320 công văn được tiếp nhận trong quý.", [(510, "received", None, None)]),
    ("Đã giải quyết 980 hồ sơ và 20 hồ sơ quá hạn.", [(980, "resolved", None, None), (20, "overdue", None, None)]),
    # signing off a dossier resolves it
    ("Mỗi ngày, Phó Chủ tịch xã ký duyệt 120 hồ sơ đất đai.", [(120, "resolved", None, None)]),
    # a day of the lunar month is no count
    ("Bộ phận một cửa làm việc xuyên mùng 2 Tết để nhận hồ sơ.", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_dossier_phrasings(text: str, expected: list[tuple]) -> None:
    assert _run(text) == expected


def test_a_verb_the_segmenter_glued_onto_an_abbreviation_is_still_a_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """underthesea sometimes makes one word of an abbreviation and the verb after it (``TP.HCM nhận``
    in a headline): the one-syllable verb still counts."""
    adoc = analyze(normalize_text("Một phường ở TP.HCM nhận 9.500 hồ sơ trực tuyến"))
    k = next(t.i for t in adoc.doc if t.text == "nhận")
    real = adoc.analysis.wstart
    monkeypatch.setattr(adoc.analysis, "wstart", lambda i: False if i == k else real(i))
    assert [(f.data["count"], f.data["kind"]) for f in dossiers.extract(adoc)] == [(9500, "received")]


def test_offsets_point_at_the_number() -> None:
    text = normalize_text("Trung tâm tiếp nhận 4.572/4.572 hồ sơ và hơn 38 nghìn hồ sơ khác.")
    adoc = analyze(text)
    facts = dossiers.extract(adoc)
    assert [text[f.start : f.end] for f in facts] == ["4.572/4.572", "38 nghìn"]
    assert all(adoc.sentence_at(f.start).index == f.sentence for f in facts)


def test_nfd_input_gives_the_same_facts() -> None:
    text = "Phường đã tiếp nhận 1.846 hồ sơ, trong đó 1.102 hồ sơ nộp trực tuyến; quá hạn 12 hồ sơ."
    nfc = analyze(normalize_text(text))
    nfd = analyze(normalize_text(unicodedata.normalize("NFD", text)))
    assert [f.spec() for f in dossiers.extract(nfc)] == [f.spec() for f in dossiers.extract(nfd)]
    assert len(dossiers.extract(nfc)) == 3


def test_spec_fields_only() -> None:
    fact = dossiers.extract(analyze(normalize_text("Xã tiếp nhận 10 hồ sơ.")))[0]
    assert set(fact.spec()) == {"count", "kind", "channel", "total", "qualifier"}
    assert fact.kind == "dossiers"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "%%%% //// 1.2.3.4",
        "9" * 5000,
        "hồ sơ " * 3000 + "12",
        "\u0300\u0301 \ufffd 12 HS ;;; (((",
        "1/2/3/4/5 hồ sơ",
    ],
)
def test_hostile_input_never_raises(text: str) -> None:
    dossiers.extract(analyze(normalize_text(text)))
