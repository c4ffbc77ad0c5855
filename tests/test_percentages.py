"""Percentages (spec §4, NOTES P1–P16) on sentences written for these tests."""

from __future__ import annotations

import unicodedata

import pytest

from nlp.document import analyze
from nlp.extractors import percentages
from nlp.normalize import normalize_text


def _run(text: str) -> list[tuple]:
    adoc = analyze(normalize_text(text))
    return [(f.data["value"], f.data["qualifier"], f.data["indicator"]) for f in percentages.extract(adoc)]


CASES = [
    # forms of the number (P1)
    ("Tỷ lệ hồ sơ giải quyết đúng hạn đạt 97,25%.", [(97.25, "exact", "on_time")]),
    ("Tỷ lệ hồ sơ nộp trực tuyến đạt 61.4 %.", [(61.4, "exact", "online_share")]),
    ("Phấn đấu một trăm phần trăm hồ sơ được số hóa.", [(100, "exact", "digitized")]),
    ("Phấn đấu 100 phần trăm hồ sơ được số hóa.", [(100, "exact", "digitized")]),
    # ranges give two (P4)
    ("Tỷ lệ hộ nghèo giảm còn 2 - 2,5%.", [(2, "exact", "other"), (2.5, "exact", "other")]),
    ("Khoảng 90–95% người dân hài lòng với dịch vụ.", [(90, "about", "satisfaction"), (95, "about", "satisfaction")]),
    # qualifiers: the word right before the number (P16), trở lên / tối thiểu (P2)
    ("Hơn 80% trong số đó dưới 30 tuổi.", [(80, "over", "other")]),
    ("Tỷ lệ hồ sơ trực tuyến đạt từ 60% trở lên.", [(60, "over", "online_share")]),
    ("Phấn đấu tối thiểu 75% hồ sơ được xử lý trực tuyến toàn trình.", [(75, "over", "online_share")]),
    ("Tỷ lệ hồ sơ trễ hạn chưa đến 1%.", [(1, "under", "other")]),
    ("Mức độ hài lòng của người dân đạt xấp xỉ 96%.", [(96, "about", "satisfaction")]),
    ("Tăng trưởng kinh tế ước đạt 8,2%.", [(8.2, "about", "other")]),
    # comparisons and targets are exact (P3, P13)
    ("Kết quả này cao hơn mục tiêu tỉnh giao 5%.", [(5, "exact", "other")]),
    (
        "Tỷ lệ số hóa đạt 81%, chưa đạt chỉ tiêu 85% tỉnh giao.",
        [(81, "exact", "digitized"), (85, "exact", "digitized")],
    ),
    # changes over time are other (P11)
    ("Hồ sơ tiếp nhận tăng 15% so với cùng kỳ.", [(15, "exact", "other")]),
    ("Thời gian xử lý hồ sơ đất đai rút ngắn khoảng 25%.", [(25, "about", "other")]),
    # (X%) after counts: completion rates are other unless on time (P5); chiếm marks a share
    ("Xã tiếp nhận và trả kết quả 700 HS trực tuyến (100%) cho hồ sơ (HS) dân.", [(100, "exact", "other")]),
    ("Giải quyết đúng hạn 990 hồ sơ (đạt 99%).", [(99, "exact", "on_time")]),
    ("Trong đó trực tuyến 2.100 hồ sơ (chiếm 70,2%), trực tiếp 900 hồ sơ.", [(70.2, "exact", "online_share")]),
    ("Cán bộ số hóa 1.200 hồ sơ, đạt 93,5%.", [(93.5, "exact", "digitized")]),
    # scores (P6)
    ("Chỉ số dịch vụ công trực tuyến đạt 8/12 điểm, tỷ lệ 66,7%.", [(66.7, "exact", "other")]),
    # online share only about dossiers or procedures (P7, P14)
    ("100% dịch vụ công trực tuyến được thiết kế lại.", [(100, "exact", "other")]),
    ("Tỷ lệ thanh toán trực tuyến đạt 45%.", [(45, "exact", "other")]),
    ("Gần 100% thủ tục hành chính được cung cấp trực tuyến toàn trình.", [(100, "about", "online_share")]),
    # staff, people, satisfaction (P8, P10, P15)
    ("Có 95% cán bộ, công chức, viên chức được tập huấn kỹ năng số.", [(95, "exact", "staff")]),
    ("Tỷ lệ cán bộ, công chức có trình độ đại học chiếm 85,5%.", [(85.5, "exact", "staff")]),
    ("Có 92% người dân tham gia bảo hiểm y tế.", [(92, "exact", "other")]),
    ("Có 97,1% người dân, doanh nghiệp hài lòng với thái độ phục vụ.", [(97.1, "exact", "satisfaction")]),
    ("Tỷ lệ cử tri đi bầu đạt 99,8%; tỷ lệ tín nhiệm 100%.", [(99.8, "exact", "other"), (100, "exact", "other")]),
    # other groups of public staff (P8)
    ("Có 100% cán bộ, chiến sĩ công an xã được tập huấn.", [(100, "exact", "staff")]),
    ("Tỷ lệ cấp ủy viên (nữ) đạt 22,6%.", [(22.6, "exact", "staff")]),
    ("Trên 98% giáo viên đạt chuẩn về trình độ.", [(98, "over", "staff")]),
    ("Có 96% viên chức của trung tâm sử dụng chữ ký số.", [(96, "exact", "staff")]),
    ("Gần 90% đảng viên được xếp loại hoàn thành tốt nhiệm vụ.", [(90, "about", "staff")]),
    ("Số cán bộ, công chức có trình độ đại học là 31 người, chiếm 88%.", [(88, "exact", "staff")]),
    # staff before a share of dossiers are its agents: the dossiers are measured
    ("Xã chỉ đạo công chức tiếp nhận 100% hồ sơ qua hệ thống một cửa điện tử.", [(100, "exact", "other")]),
    # a rate word right before the figure whose noun follows it
    ("Phường đạt tỷ lệ 100% hồ sơ được số hóa.", [(100, "exact", "digitized")]),
    # the figure refers back to the measure named before it
    (
        "Tỷ lệ hồ sơ nộp trực tuyến tăng nhanh. Tuy nhiên, tỷ lệ này ở các xã miền núi chỉ từ 35 - 40%.",
        [(35, "exact", "online_share"), (40, "exact", "online_share")],
    ),
    (
        "Tỷ lệ hồ sơ nộp trực tuyến toàn tỉnh đạt 82%. Song nhiều xã vùng cao chỉ đạt khoảng 50 phần trăm.",
        [(82, "exact", "online_share"), (50, "about", "online_share")],
    ),
    (
        "Tỷ lệ hồ sơ nộp trực tuyến đạt 82%. Thu ngân sách trên địa bàn đạt 105% dự toán.",
        [(82, "exact", "online_share"), (105, "exact", "other")],
    ),
    # a channel label on a list line: the figure is that channel's share
    (
        "Hồ sơ tiếp nhận theo hình thức:\n+ Trực tuyến: 52.100 hồ sơ (76,3%)\n+ Trực tiếp: 16.170 hồ sơ (23,7%)",
        [(76.3, "exact", "online_share"), (23.7, "exact", "other")],
    ),
    # the kind phrase of the count rated names the rate, over a channel inside it
    (
        "Số hồ sơ giải quyết đúng và trước hạn (kể cả hồ sơ trực tuyến) là 84.210, đạt 99,1%.",
        [(99.1, "exact", "on_time")],
    ),
    ("Số hồ sơ giải quyết đúng hạn là 8.400 hồ sơ trực tuyến, đạt 98,6%.", [(98.6, "exact", "on_time")]),
    # a share of late dossiers is other (P12)
    ("Số hồ sơ quá hạn là 8, chiếm dưới 0,3%.", [(0.3, "under", "other")]),
    # the rate the clause names outranks cue words elsewhere in it
    ("Người dân chưa hài lòng vì tỷ lệ hồ sơ trực tuyến chỉ 45%.", [(45, "exact", "online_share")]),
    (
        "Điều lãnh đạo xã còn trăn trở là tỷ lệ hồ sơ nộp qua mạng mới chỉ đạt 38%.",
        [(38, "exact", "online_share")],
    ),
    ("Xã đặt mục tiêu không còn hồ sơ trễ hạn và nâng tỷ lệ số hóa lên trên 95%.", [(95, "over", "digitized")]),
    # a survey's channel after the figure is not what it measures
    (
        "Mức độ hài lòng của tổ chức, cá nhân đạt 97% qua phiếu đánh giá điện tử trực tuyến.",
        [(97, "exact", "satisfaction")],
    ),
    ("Chỉ số hài lòng của người dân đạt 95,2% theo kết quả khảo sát trực tuyến.", [(95.2, "exact", "satisfaction")]),
    # the figure's own phrase decides over a clause joined by và
    (
        "Phường phấn đấu có trên 90% hồ sơ được nộp trực tuyến và không còn hồ sơ trễ hạn.",
        [(90, "over", "online_share")],
    ),
    # a parallel list shares the subject of the list
    (
        "Đứng đầu về tỷ lệ hồ sơ nộp trực tuyến là Bắc Ninh (88,4%), Hải Phòng (85,9%) và Quảng Ninh (83%).",
        [(88.4, "exact", "online_share"), (85.9, "exact", "online_share"), (83, "exact", "online_share")],
    ),
    (
        "Về tỷ lệ giải quyết đúng hạn, xã Ea Kar đạt 99,1%, xã Ea Păl 98,7%.",
        [(99.1, "exact", "on_time"), (98.7, "exact", "on_time")],
    ),
    # trong đó N% splits the total before it: a share of staff
    ("Xã hiện có 28 công chức, trong đó khoảng 40% đã qua đào tạo thạc sĩ.", [(40, "about", "staff")]),
    ("Đơn vị có 64 cán bộ, viên chức; trong số đó hơn 70% dưới 40 tuổi.", [(70, "over", "staff")]),
    ("Trung tâm tiếp nhận 1.000 hồ sơ, trong đó 65% hồ sơ nộp trực tuyến.", [(65, "exact", "online_share")]),
    # a target's figure followed by its noun phrase (P9); `100 %` with a space
    ("Tỉnh đặt mục tiêu 90 % hồ sơ được số hóa ngay khi tiếp nhận.", [(90, "exact", "digitized")]),
    (
        "Năm 2026, thành phố đặt mục tiêu 75% hồ sơ được giải quyết trực tuyến toàn trình.",
        [(75, "exact", "online_share")],
    ),
    ("Mục tiêu là 100% cán bộ, công chức sử dụng chữ ký số.", [(100, "exact", "staff")]),
    # scores without % are not percentages
    ("Xã đạt 88,5/100 điểm.", []),
    # a part after trong đó, or a part over an earlier total, rated by its share (not P5's completion rate)
    (
        "Phường nhận 3.400 hồ sơ, trong đó 2.210 hồ sơ gửi trực tuyến, đạt 65%.",
        [(65, "exact", "online_share")],
    ),
    (
        "Quý II, tỉnh nhận 220,5 nghìn hồ sơ; 143,3 nghìn hồ sơ trực tuyến (65%).",
        [(65, "exact", "online_share")],
    ),
    # a share of the dossiers named after the figure, of what the clause before did
    ("Xã đã số hóa 1.850 hồ sơ, đạt 91,4% số hồ sơ tiếp nhận.", [(91.4, "exact", "digitized")]),
    # a list label before a colon names the measure, whatever else it names
    (
        "- Mức độ hài lòng của tổ chức, doanh nghiệp với Cổng DVC tỉnh: 97,9%.",
        [(97.9, "exact", "satisfaction")],
    ),
    # a clause of names only says where the measure before was reached
    (
        "Lạng Sơn dẫn đầu với 91% hồ sơ nộp trực tuyến. Cao Bằng và Thái Nguyên đạt 80–85%.",
        [(91, "exact", "online_share"), (80, "exact", "online_share"), (85, "exact", "online_share")],
    ),
    # the first end of a range is no count, so the online measure before still holds
    (
        "Tỷ lệ hồ sơ trực tuyến ở các xã biên giới đạt 35–45%, riêng xã A Lưới còn dưới 25%.",
        [(35, "exact", "online_share"), (45, "exact", "online_share"), (25, "under", "online_share")],
    ),
    # a figure with no noun of its own, a verb phrase after it: what the figure before counted
    (
        "Có 96% công chức xã đã được tập huấn; gần 80% có chứng chỉ tin học.",
        [(96, "exact", "staff"), (80, "about", "staff")],
    ),
    # votes, returned dossiers, documents and premises are not the indicators (P7, P10, P12)
    (
        "Kỳ họp bầu ông Lò Văn Tú, Ủy viên Ban Thường vụ Đảng ủy xã làm Chủ tịch HĐND xã với 40/41 đại biểu "
        "có mặt tán thành, đạt 97,56%.",
        [(97.56, "exact", "other")],
    ),
    (
        "Tỷ lệ đúng hạn đạt 99%, nhưng số hồ sơ bị trả lại để bổ sung vẫn chiếm gần 7%.",
        [(99, "exact", "on_time"), (7, "about", "other")],
    ),
    ("Có 100% văn bản đi của xã được ký số và gửi qua môi trường mạng.", [(100, "exact", "other")]),
    ("Gần 100% cơ sở lưu trú đã khai báo lưu trú trực tuyến.", [(100, "about", "other")]),
    ("Tỉnh phấn đấu nâng SIPAS lên trên 90%.", [(90, "over", "satisfaction")]),
    # a long clause keeps its measure (more than 20 words from the figure)
    (
        "Tỉnh phấn đấu nâng mức độ hài lòng của người dân, doanh nghiệp đối với việc giải quyết thủ tục tại "
        "bộ phận một cửa của các xã, phường lên trên 95%.",
        [(95, "over", "satisfaction")],
    ),
    # a part (``trong đó``) or a place added to the figure before keeps its measure
    (
        "Tỷ lệ hồ sơ trực tuyến của cả nước đạt 41,2%, trong đó khối bộ đạt 60,1% và khối tỉnh là 20,5%.",
        [(41.2, "exact", "online_share"), (60.1, "exact", "online_share"), (20.5, "exact", "online_share")],
    ),
    (
        "Người dân hài lòng đạt tỷ lệ hơn 90% tại phường trung tâm và gần 86% tại 12 xã vùng cao.",
        [(90, "over", "satisfaction"), (86, "about", "satisfaction")],
    ),
    # levels before and after a change are levels; a factor, a year or a level number is no count
    (
        "Tỷ lệ dịch vụ công trực tuyến mức độ 4 tăng gấp 2 lần, từ 20,5% năm 2023 lên 41% vào tháng 6/2025.",
        [(20.5, "exact", "online_share"), (41, "exact", "online_share")],
    ),
    # a comparison with another period is other (P11)
    ("Số hồ sơ trực tuyến quý này bằng 150% số hồ sơ trực tuyến của cùng kỳ năm trước.", [(150, "exact", "other")]),
    # a rate with no cue of its own, the noun after the figure says what is measured
    ("Có 40 xã có tỷ lệ giải quyết 100% hồ sơ cho người dân đúng hạn.", [(100, "exact", "on_time")]),
    # a share of dossiers still open is other
    (
        "Xã giải quyết trước hạn 1.500 hồ sơ, đạt trên 98%; đang giải quyết 90 hồ sơ trong thời hạn, chiếm 5,6%.",
        [(98, "over", "on_time"), (5.6, "exact", "other")],
    ),
    # ``trong khoảng`` is within a range, not an approximation
    ("Mức độ hài lòng ở các tỉnh nằm trong khoảng 80,5% - 92,3%.", [(80.5, "exact", "satisfaction"),
                                                                     (92.3, "exact", "satisfaction")]),
    # a sentence opening ``Trong đó`` splits the total before it
    ("Trong đó, có 3.400 hồ sơ trực tuyến (đạt tỷ lệ 27,5%).", [(27.5, "exact", "online_share")]),
    # level 3 and 4 services are the online ones (D5), written as a list
    (
        "Tỷ lệ hồ sơ giải quyết trực tuyến mức độ 3, mức độ 4 trên tổng hồ sơ của tỉnh đạt tối thiểu 60%.",
        [(60, "over", "online_share")],
    ),
    # a comparative's ``hơn`` gives a difference, not a bound (P3)
    ("Tỷ lệ hài lòng năm nay cao hơn 2,5% so với năm trước.", [(2.5, "exact", "other")]),
    # ``qua`` + an online channel a few words on; a count the figure equals names its measure
    ("Xã tiếp nhận 80 hồ sơ, 100% qua hình thức trực tuyến.", [(100, "exact", "online_share")]),
    (
        "Sở dẫn đầu với tỷ lệ 81,2%, tương đương 2.400 hồ sơ trực tuyến toàn trình.",
        [(81.2, "exact", "online_share")],
    ),
    # a change in the figure's own phrase
    (
        "Phấn đấu tối thiểu 30% thủ tục hành chính được cắt giảm thời gian giải quyết.",
        [(30, "over", "other")],
    ),
    # a ranking of names, and the rest of them, after the measure
    (
        "Tỷ lệ hồ sơ trực tuyến toàn trình của Bắc Ninh đạt 61,5%. Thái Bình (55,2%) và Hưng Yên (50,1%) "
        "xếp sau.",
        [(61.5, "exact", "online_share"), (55.2, "exact", "online_share"), (50.1, "exact", "online_share")],
    ),
    (
        "Tỷ lệ hồ sơ trực tuyến của Bắc Ninh đạt 61,5%. Các tỉnh còn lại đều đạt tỷ lệ dưới 40%.",
        [(61.5, "exact", "online_share"), (40, "under", "online_share")],
    ),
    # a time after the figure is no subject
    (
        "Tỷ lệ giải quyết hồ sơ đúng hạn ngày càng tăng, từ 92% năm 2023 lên 98% hiện nay.",
        [(92, "exact", "on_time"), (98, "exact", "on_time")],
    ),
    # ``qua mạng`` right after the figure names its channel
    ("Mỗi tuần xã nhận gần 600 hồ sơ, khoảng 70% qua mạng.", [(70, "about", "online_share")]),
    # --- issue 12 ---
    # từ X% … trở lên with words between; a rate per year before trở lên; a range keeps its first end
    ("Phấn đấu từ 85% số hộ trở lên được dùng nước sạch.", [(85, "over", "other")]),
    ("Các phường phải đạt từ 70% chỉ tiêu trở lên.", [(70, "over", "other")]),
    ("Thu ngân sách tăng bình quân 9%/năm trở lên.", [(9, "over", "other")]),
    ("Tỷ lệ hồ sơ trực tuyến đạt từ 60% đến 70%.", [(60, "exact", "online_share"), (70, "exact", "online_share")]),
    ("Thu ngân sách tăng từ 12-15% trở lên.", [(12, "exact", "other"), (15, "over", "other")]),
    # beating a target by a share is a comparison, not a bound (P3)
    ("Thu nhập bình quân năm 2025 vượt 26% so với nghị quyết đề ra.", [(26, "exact", "other")]),
    ("Tỷ lệ hồ sơ trực tuyến vượt 90%.", [(90, "over", "online_share")]),
    # headlines in capitals, also when the lead runs on after them on the same line
    ("HƠN 97% HỒ SƠ ĐƯỢC GIẢI QUYẾT TRƯỚC/ĐÚNG HẠN", [(97, "over", "on_time")]),
    ("TỪ 75% HỘ DÂN TRỞ LÊN CÓ NƯỚC SẠCH", [(75, "over", "other")]),
    (
        "GẦN 96% HỒ SƠ GIẢI QUYẾT SỚM Sáng 4/9, tỷ lệ hồ sơ trực tuyến của xã tiếp tục tăng.",
        [(96, "about", "on_time")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_percentage_phrasings(text: str, expected: list[tuple]) -> None:
    assert _run(text) == expected


def test_offsets_cover_number_through_percent_sign() -> None:
    text = normalize_text("Tỷ lệ đạt 99,2 %, còn 3,5 - 4% và 90 phần trăm khác.")
    adoc = analyze(text)
    facts = percentages.extract(adoc)
    assert [text[f.start : f.end] for f in facts] == ["99,2 %", "3,5", "4%", "90 phần trăm"]
    assert all(adoc.sentence_at(f.start).index == f.sentence for f in facts)


def test_nfd_input_gives_the_same_facts() -> None:
    text = "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 99,1%; khoảng 85% công chức dùng chữ ký số."
    nfc = analyze(normalize_text(text))
    nfd = analyze(normalize_text(unicodedata.normalize("NFD", text)))
    assert [f.spec() for f in percentages.extract(nfc)] == [f.spec() for f in percentages.extract(nfd)]
    assert len(percentages.extract(nfc)) == 2


def test_spec_fields_only() -> None:
    fact = percentages.extract(analyze(normalize_text("Tỷ lệ đạt 50%.")))[0]
    assert set(fact.spec()) == {"value", "qualifier", "indicator", "subject"}
    assert fact.kind == "percentages"


@pytest.mark.parametrize(
    "text",
    ["", "%%%%", "% " * 5000, "1%" * 3000, "phần trăm phần trăm", "\u0300 \ufffd 12,5 - %", "- 4% – 5% — 6%"],
)
def test_hostile_input_never_raises(text: str) -> None:
    percentages.extract(analyze(normalize_text(text)))
