"""Whose figure and which days (``nlp.anchoring``, ``nlp.scope``): spec §5 over whole articles.

Every article here was written for this test (invented people and figures, real 2025 units). Each
test names the rule of the language it holds.
"""

from __future__ import annotations

from typing import Any

from nlp.extract import extract_article


def figures(text: str, date: str | None = "2025-10-20") -> dict[Any, tuple[Any, Any]]:
    """value → (scope "type name" or None, (start, end) or None) for every dossier and percentage."""
    ex = extract_article(text, {"date": date})
    out: dict[Any, tuple[Any, Any]] = {}
    for kind in ("dossiers", "percentages"):
        for fact in ex.facts[kind]:
            d = fact.data
            value = d.get("count", d.get("value"))
            scope = f"{d['scope']['type']} {d['scope']['name']}" if d.get("scope") else None
            period = (d["period"]["start"], d["period"]["end"]) if d.get("period") else None
            out[value] = (scope, period)
    return out


def test_the_worked_example_of_the_spec() -> None:
    got = figures(
        "Xã Tân Lập đẩy mạnh dịch vụ công trực tuyến\n\n"
        "Từ ngày 1-7 đến ngày 30-9, Trung tâm tiếp nhận 8.120 hồ sơ, trong đó 6.050 hồ sơ trực tuyến, đạt 74,5%.",
        "2025-10-13",
    )
    q3 = ("2025-07-01", "2025-09-30")
    assert got == {8120: ("xã Tân Lập", q3), 6050: ("xã Tân Lập", q3), 74.5: ("xã Tân Lập", q3)}


def test_a_period_governs_the_sentences_that_continue_the_account() -> None:
    got = figures(
        "Từ ngày 1/7 đến hết ngày 31/7/2025, Trung tâm Phục vụ hành chính công xã Hoằng Hóa tiếp nhận 1.600 hồ sơ. "
        "Trung tâm đã giải quyết 1.550 hồ sơ. Tỷ lệ hồ sơ trực tuyến đạt 61,2%.\n\n"
        "Về nhân lực, 100% công chức Trung tâm đã được tập huấn.",
        "2025-08-06",
    )
    july = ("2025-07-01", "2025-07-31")
    assert got[1600] == got[1550] == got[61.2] == ("xã Hoằng Hóa", july)
    assert got[100] == ("xã Hoằng Hóa", None)  # another matter: no period


def test_reported_speech_opens_another_account() -> None:
    got = figures(
        "Quý III/2025, Trung tâm Phục vụ hành chính công phường Cao Lãnh tiếp nhận 6.100 hồ sơ.\n\n"
        "Ông Trần Văn Bình, Phó Chủ tịch UBND phường Cao Lãnh cho biết, phường yêu cầu số hóa 100% hồ sơ.",
    )
    assert got[6100] == ("phường Cao Lãnh", ("2025-07-01", "2025-09-30"))
    assert got[100] == ("phường Cao Lãnh", None)


def test_an_interview_question_dates_its_answer() -> None:
    got = figures(
        "Đặc khu Vân Đồn sau 45 ngày vận hành\n\n"
        "PV: Sau 45 ngày, kết quả ra sao?\n\n"
        "Bà Lê Thị Hoa: Trung tâm đã giải quyết 3.100 hồ sơ, đạt 99,1%.",
        "2025-08-18",
    )
    assert got[3100] == ("đặc khu Vân Đồn", ("2025-07-01", "2025-08-14"))


def test_a_province_figure_in_a_communes_article_is_the_provinces() -> None:
    got = figures(
        "Xã Yên Châu: 3.000 hồ sơ sau 4 tháng vận hành\n\n"
        "Từ ngày 1.7 đến 31.10, Trung tâm Phục vụ hành chính công xã Yên Châu tiếp nhận 3.000 hồ sơ. "
        "Cùng thời gian, trên địa bàn tỉnh Sơn La tiếp nhận 240.000 hồ sơ, "
        "trong đó tại các xã, phường là 200.000 hồ sơ.",
        "2025-11-12",
    )
    period = ("2025-07-01", "2025-10-31")
    assert got[3000] == ("xã Yên Châu", period)
    assert got[240000] == ("tỉnh Sơn La", period)
    assert got[200000] == ("tỉnh Sơn La", period)  # a part keeps the scope of the figure it splits


def test_a_ranking_gives_each_figure_its_own_place() -> None:
    got = figures(
        "Tỉnh Hưng Yên công bố kết quả quý III/2025. Dẫn đầu về tỷ lệ hồ sơ trực tuyến là phường Phố Hiến "
        "(Hưng Yên) đạt 94,1%, xã Ea Kar (Đắk Lắk) đạt 91,7% và phường Ninh Kiều đạt 90,2%.",
    )
    assert got[94.1][0] == "phường Phố Hiến" and got[91.7][0] == "xã Ea Kar" and got[90.2][0] == "phường Ninh Kiều"


def test_respectively_pairs_places_and_figures_in_order() -> None:
    got = figures("Trong quý III/2025, tỉnh Gia Lai và Đắk Lắk lần lượt đạt 68,5% và 66,9% hồ sơ trực tuyến.")
    assert got[68.5][0] == "tỉnh Gia Lai" and got[66.9][0] == "tỉnh Đắk Lắk"


def test_a_figure_pooled_over_several_named_communes_has_no_scope() -> None:
    got = figures(
        "Tỉnh Tuyên Quang: vùng cao còn khó khăn. Ba xã Mèo Vạc, Khâu Vai, Sơn Vĩ cùng tiếp nhận 2.300 hồ sơ "
        "trong quý III/2025.",
    )
    assert got[2300] == (None, ("2025-07-01", "2025-09-30"))


def test_the_nation_and_a_target_set_for_every_unit() -> None:
    got = figures(
        "Quý III/2025: dịch vụ công trực tuyến tăng mạnh\n\n"
        "Trong quý III/2025, cả nước tiếp nhận hơn 21 triệu hồ sơ, trong đó gần 14 triệu hồ sơ trực tuyến. "
        "Riêng cấp xã tiếp nhận khoảng 11 triệu hồ sơ.\n\n"
        "Bộ Nội vụ đề nghị các tỉnh, thành phố bảo đảm đến hết năm 2025, 100% xã, phường có tổ hỗ trợ.",
        "2025-10-25",
    )
    q3 = ("2025-07-01", "2025-09-30")
    assert got[21_000_000] == got[14_000_000] == got[11_000_000] == ("quốc gia Việt Nam", q3)
    assert got[100] == ("quốc gia Việt Nam", (None, "2025-12-31"))


def test_a_place_right_after_a_figure_owns_it_without_passing_it_on() -> None:
    got = figures(
        "Quý 1 năm 2026, tỷ lệ hồ sơ trực tuyến toàn tỉnh Vĩnh Long đạt 78,6%, cao hơn mức 61,3% của cả nước; "
        "tỷ lệ giải quyết đúng hạn đạt 98,9%.",
        "2026-04-14",
    )
    assert got[78.6][0] == "tỉnh Vĩnh Long" and got[61.3][0] == "quốc gia Việt Nam"
    assert got[98.9][0] == "tỉnh Vĩnh Long"


def test_written_dates_win_over_a_label_and_a_comparison_is_no_period() -> None:
    got = figures(
        "Phường Nha Trang báo cáo tháng 10-2025 (từ ngày 15-9 đến ngày 14-10-2025): tiếp nhận 4.500 hồ sơ, "
        "tăng 5,2% so với tháng 9.",
    )
    oct_report = ("2025-09-15", "2025-10-14")
    assert got[4500] == ("phường Nha Trang", oct_report)
    assert got[5.2] == ("phường Nha Trang", oct_report)


def test_a_figure_in_brackets_after_a_comparisons_base_belongs_to_that_base() -> None:
    got = figures(
        "6 tháng đầu năm 2026, Trung tâm Phục vụ hành chính công đặc khu Phú Quý tiếp nhận 3.900 hồ sơ, "
        "tăng 20% so với 6 tháng cuối năm 2025 (3.250 hồ sơ). Trong đó, 2.600 hồ sơ nộp trực tuyến.",
        "2026-07-09",
    )
    assert got[3250] == ("đặc khu Phú Quý", ("2025-07-01", "2025-12-31"))
    assert got[2600] == ("đặc khu Phú Quý", ("2026-01-01", "2026-06-30"))  # the base does not stay in force


def test_a_ratio_over_an_earlier_total_takes_its_period() -> None:
    got = figures(
        "Từ ngày 1/7 đến ngày 15/12/2025, Trung tâm Phục vụ hành chính công phường Từ Sơn tiếp nhận 20.000 hồ sơ.\n\n"
        "Phường hiện cung cấp 280 thủ tục. Số hồ sơ nộp qua Cổng DVC quốc gia là 15.000/20.000 hồ sơ.",
        "2025-12-17",
    )
    assert got[15000] == ("phường Từ Sơn", ("2025-07-01", "2025-12-15"))


def test_a_former_unit_is_the_scope_of_figures_before_the_reform_only() -> None:
    got = figures(
        "Phường Quy Nhơn tiếp nhận 16.000 hồ sơ từ khi vận hành mô hình mới\n\n"
        "Năm 2024, Bộ phận Một cửa của thành phố Quy Nhơn (cũ) tiếp nhận khoảng 31.000 hồ sơ. "
        "Trong tháng 11/2025, Trung tâm tiếp nhận 3.300 hồ sơ.",
        "2025-12-08",
    )
    assert got[31000] == ("thành phố Quy Nhơn", ("2024-01-01", "2024-12-31"))
    assert got[3300] == ("phường Quy Nhơn", ("2025-11-01", "2025-11-30"))


def test_no_unit_and_no_time_give_nulls() -> None:
    got = figures("Có nơi, loại hồ sơ này chiếm tới 20% số hồ sơ trực tuyến.")
    assert got[20] == (None, None)


def test_a_running_total_and_the_year_from_the_last_full_date() -> None:
    got = figures(
        "Phường Hải Dương sau một năm vận hành\n\n"
        "Ngày 1/7/2025, Trung tâm Phục vụ hành chính công phường Hải Dương đi vào hoạt động. "
        "Riêng ngày 14/7, Trung tâm nhận 231 hồ sơ.\n\n"
        "Tính đến ngày 30/6/2026, phường còn 436 hồ sơ đang giải quyết.",
        "2026-07-03",
    )
    assert got[231] == ("phường Hải Dương", ("2025-07-14", "2025-07-14"))
    assert got[436] == ("phường Hải Dương", (None, "2026-06-30"))


def test_every_figure_carries_scope_and_period_keys_even_without_them() -> None:
    ex = extract_article("Tỷ lệ đạt 90%. Đã tiếp nhận 15 hồ sơ.", {})
    for fact in ex.facts["dossiers"] + ex.facts["percentages"]:
        assert fact.data["scope"] is None and fact.data["period"] is None


def test_a_topic_phrase_naming_the_dossier_account_goes_on_with_it() -> None:
    got = figures(
        "Trong quý III/2025, Trung tâm Phục vụ hành chính công xã Hải Lựu tiếp nhận 2.140 hồ sơ. "
        "Về kết quả giải quyết, Trung tâm đã trả kết quả 2.085 hồ sơ, trong đó 2.071 hồ sơ trước hạn.\n\n"
        "Hộ tịch là lĩnh vực có nhiều hồ sơ nhất với 930 hồ sơ.\n\n"
        "Về chuyển đổi số, 100% cán bộ xã đã có chữ ký số.",
    )
    q3 = ("2025-07-01", "2025-09-30")
    assert got[2085] == got[2071] == got[930] == ("xã Hải Lựu", q3)
    assert got[100] == ("xã Hải Lựu", None)  # another matter opens another account


def test_the_field_of_a_ranking_is_not_the_figures_owner() -> None:
    got = figures(
        "Lạng Sơn vào top 3 cả nước về dịch vụ công trực tuyến\n\n"
        "Tháng 9/2025, tỉnh Lạng Sơn nhận 41.200 hồ sơ, xếp thứ 3 toàn quốc.\n\n"
        "Riêng cấp xã nhận 28.900 hồ sơ.",
    )
    sept = ("2025-09-01", "2025-09-30")
    assert got[41200] == got[28900] == ("tỉnh Lạng Sơn", sept)


def test_the_office_a_report_is_sent_to_does_not_own_its_figures() -> None:
    got = figures(
        "Số liệu tháng 9/2025 mà UBND tỉnh Quảng Trị gửi Thủ tướng cho thấy có 52.300 hồ sơ được tiếp nhận, "
        "81,4% trong số đó nộp trực tuyến.",
    )
    sept = ("2025-09-01", "2025-09-30")
    assert got[52300] == got[81.4] == ("tỉnh Quảng Trị", sept)


def test_an_address_in_brackets_is_where_an_office_stands_not_whose_figures() -> None:
    got = figures(
        "Trung tâm Phục vụ hành chính công thành phố Cần Thơ (đặt tại phường Ninh Kiều) hoạt động ổn định. "
        "Trong tháng 8/2025, Trung tâm tiếp nhận 7.450 hồ sơ.\n\n"
        "Sáng 5/9, tại Nhà văn hóa thành phố Cần Thơ (phường Cái Khế), Đảng bộ thành phố tổ chức hội nghị; "
        "100% đại biểu tán thành nghị quyết.",
        "2025-09-05",
    )
    assert got[7450] == ("thành phố Cần Thơ", ("2025-08-01", "2025-08-31"))
    assert got[100][0] == "thành phố Cần Thơ"


def test_a_commune_shown_in_a_photo_caption_is_not_what_the_article_is_about() -> None:
    got = figures(
        "Giám đốc Sở Nội vụ tỉnh Vĩnh Long thông tin kết quả tháng 7.\n"
        "Cán bộ hướng dẫn người dân tại xã Long Hồ\n\n"
        "Trong tháng 7/2025, hồ sơ nộp trực tuyến chiếm 72,4%.",
        "2025-08-06",
    )
    assert got[72.4] == ("tỉnh Vĩnh Long", ("2025-07-01", "2025-07-31"))


def test_a_province_placing_an_unnamed_ward_locates_it() -> None:
    got = figures(
        "Công chức phường ở Huế làm thêm giờ, nhận 900 hồ sơ trong tuần đầu\n\n"
        "Những ngày qua, Trung tâm Phục vụ hành chính công phường Thuận Hóa đông người dân đến làm thủ tục, "
        "nhất là các thủ tục về an sinh xã hội.",
        "2025-07-09",
    )
    assert got[900][0] == "phường Thuận Hóa"


def test_an_unnamed_centre_is_the_one_the_text_has_just_introduced() -> None:
    got = figures(
        "Đoàn kiểm tra của Sở Nội vụ tỉnh Gia Lai đến xã Ia Grai và xã Chư Păh.\n\n"
        "Trung tâm Phục vụ hành chính công xã Chư Păh bố trí 6 quầy giao dịch.\n\n"
        "Trong quý III/2025, Trung tâm tiếp nhận 2.950 hồ sơ.\n\n"
        "Ở xã Ia Grai, đội ngũ công chức trẻ, nhiệt tình.\n\n"
        "Trong quý III/2025, Trung tâm tiếp nhận 1.870 hồ sơ.\n\n"
        "Người dân xã Ia Grai cho biết thủ tục nhanh gọn.\n\n"
        "Chỉ trong tháng 9/2025, trung tâm đã tiếp nhận 720 hồ sơ.",
    )
    assert got[2950][0] == "xã Chư Păh"
    assert got[1870][0] == got[720][0] == "xã Ia Grai"


def test_a_snapshot_dates_its_own_figures_and_the_account_goes_on() -> None:
    got = figures(
        "Từ ngày 1/7 đến ngày 30/11/2025, Trung tâm Phục vụ hành chính công phường Hạc Thành tiếp nhận "
        "12.400 hồ sơ. Hiện phường còn 85 hồ sơ chưa đến hạn.\n\n"
        "Trung tâm giải quyết 2.310 hồ sơ hộ tịch. Phường hiện niêm yết 310 thủ tục. "
        "Tỷ lệ thanh toán trực tuyến đạt 97,6%.",
        "2025-12-03",
    )
    report = ("2025-07-01", "2025-11-30")
    assert got[12400] == got[2310] == got[97.6] == ("phường Hạc Thành", report)
    assert got[85] == ("phường Hạc Thành", (None, "2025-12-03"))


def test_a_snapshot_with_no_account_in_force_holds_to_the_end_of_its_paragraph() -> None:
    got = figures(
        "Hiện nay xã Nga Sơn có 72.000 dân.\n\n"
        "Bình quân mỗi ngày, bộ phận một cửa của xã nhận khoảng 120 hồ sơ.\n\n"
        "Trung tâm hiện có 12 công chức. Trên 80% công chức sử dụng thành thạo chữ ký số.",
        "2025-09-12",
    )
    assert got[120] == ("xã Nga Sơn", None)
    assert got[80] == ("xã Nga Sơn", (None, "2025-09-12"))


def test_the_day_of_an_event_written_after_its_verb_dates_only_that_event() -> None:
    got = figures(
        "Tính đến ngày 12/9, tỉnh Tuyên Quang dẫn đầu khu vực về chỉ số phục vụ người dân.\n\n"
        "Tỉnh khánh thành trụ sở mới của Trung tâm vào ngày 20/4.\n\n"
        "Quầy tiếp nhận hồ sơ của tỉnh Tuyên Quang ngày 25/8/2025.\n\n"
        "Tỷ lệ hồ sơ nộp trực tuyến của tỉnh là 71,3%.",
        "2025-09-13",
    )
    assert got[71.3] == ("tỉnh Tuyên Quang", (None, "2025-09-12"))


def test_a_remark_on_figures_given_does_not_date_the_next_ones() -> None:
    got = figures(
        "Riêng ngày 5-1, tỉnh Bắc Ninh nhận 1.420 hồ sơ. Kết quả này có được nhờ các xã chuẩn bị "
        "từ tháng 12.\n\n"
        "Cụ thể, cấp xã nhận 1.300 hồ sơ.",
        "2026-01-06",
    )
    assert got[1300] == ("tỉnh Bắc Ninh", ("2026-01-05", "2026-01-05"))


def test_a_matter_named_again_does_not_open_another_account() -> None:
    got = figures(
        "Trong quý III/2025, mức độ hài lòng của người dân với phường Hải Châu đạt 97,8%.\n\n"
        "Ở lĩnh vực đất đai, chỉ số hài lòng đạt 95,2%.\n\n"
        "Riêng tỷ lệ hài lòng với thủ tục hộ tịch là 93,4%.",
        "2025-10-06",
    )
    q3 = ("2025-07-01", "2025-09-30")
    assert got[97.8] == got[95.2] == got[93.4] == ("phường Hải Châu", q3)


def test_a_stretch_of_days_ending_the_sentence_dates_the_figure_before_it() -> None:
    got = figures(
        "Sáng 18/8, Sở Nội vụ tỉnh Quảng Ngãi họp giao ban.\n\n"
        "Báo cáo cho thấy phường Sa Huỳnh tiếp nhận 410 hồ sơ, từ ngày 1 đến ngày 15/8.\n\n"
        "Sở đề nghị làm rõ vì sao xã Ba Tơ có ít hồ sơ (chỉ 96 hồ sơ, từ ngày 1 đến ngày 15/8) và báo cáo.",
        "2025-08-18",
    )
    half = ("2025-08-01", "2025-08-15")
    assert got[410] == ("phường Sa Huỳnh", half)
    assert got[96] == ("xã Ba Tơ", half)


def test_now_after_a_written_date_in_its_clause_means_that_date() -> None:
    got = figures(
        "Số liệu cập nhật (tính đến ngày 2/3) cho thấy tỉnh Lào Cai hiện còn 870 hồ sơ quá hạn.",
        "2026-03-06",
    )
    assert got[870] == ("tỉnh Lào Cai", (None, "2026-03-02"))


def test_a_figure_written_again_is_one_fact_with_one_period() -> None:
    ex = extract_article(
        "Đắk Lắk có 2.315 hồ sơ trễ hạn 14/11/2025 09:42\n\n"
        "Theo số liệu công bố, trong tháng 9/2025 tỉnh Đắk Lắk có 2.315 hồ sơ trễ hạn.",
        {"date": "2025-11-14"},
    )
    periods = [f.data["period"] for f in ex.facts["dossiers"] if f.data["count"] == 2315]
    assert periods == [{"start": "2025-09-01", "end": "2025-09-30"}] * 2


def test_a_targets_deadline_dates_its_targets_only() -> None:
    got = figures(
        "Tỉnh Cà Mau giao chỉ tiêu: mỗi xã đạt ít nhất 65% hồ sơ trực tuyến và 25% hồ sơ toàn trình, "
        "thực hiện xong trước ngày 15/8/2025.\n"
        "Các xã cũng phải trả đúng hạn 95% kết quả.",
        "2025-07-22",
    )
    assert got[65] == got[25] == ("tỉnh Cà Mau", (None, "2025-08-15"))
    assert got[95] == ("tỉnh Cà Mau", None)


def test_a_result_before_a_target_word_is_not_dated_by_the_targets_year() -> None:
    got = figures(
        "Xã Ea Kar tổng kết 5 năm thi đua. Trong 5 năm qua:\n"
        "- Thu ngân sách tăng 11,2% mỗi năm; riêng năm 2025 thu 42 tỷ đồng, cao hơn kế hoạch đề ra.",
        "2025-09-19",
    )
    assert got[11.2] == ("xã Ea Kar", ("2020-09-20", "2025-09-19"))


def test_within_the_year_is_the_year_of_the_account() -> None:
    got = figures(
        "Từ tháng 7 đến nay, phường Long Biên đã số hóa 82% hồ sơ; mục tiêu trong năm là 90%.",
        "2025-10-10",
    )
    assert got[82] == ("phường Long Biên", ("2025-07-01", "2025-10-10"))
    assert got[90] == ("phường Long Biên", ("2025-01-01", "2025-12-31"))


def test_the_first_month_after_the_article_counted_from_the_reform() -> None:
    got = figures(
        "Phường Vĩnh Yên thay đổi nhiều sau khi vận hành chính quyền 2 cấp.\n\n"
        "Bình quân mỗi ngày, bộ phận một cửa nhận khoảng 150 hồ sơ. Tháng đầu tiên, phường nhận 4.200 hồ sơ.",
        "2025-08-20",
    )
    assert got[150] == ("phường Vĩnh Yên", None)  # the point after which things happened: its paragraph only
    assert got[4200] == ("phường Vĩnh Yên", ("2025-07-01", "2025-07-31"))


def test_a_number_of_communes_as_the_subject_has_no_single_scope() -> None:
    got = figures(
        "UBND tỉnh Phú Thọ đánh giá kết quả nửa tháng đầu.\n\n"
        "Trong nửa đầu tháng 7, 37 xã, phường nhận chưa tới 120 hồ sơ mỗi nơi. "
        "Nhiều xã, phường đạt 98,5% hồ sơ đúng hạn.\n\n"
        "Trước khi hợp nhất, hai xã cũ cùng giảm tỷ lệ hộ nghèo xuống 4,2%.\n\n"
        "Trên địa bàn tỉnh Phú Thọ, trong tháng 7/2025, 148 xã, phường tiếp nhận tổng cộng 96.000 hồ sơ.",
        "2025-08-10",
    )
    assert got[120][0] is None and got[98.5][0] is None and got[4.2][0] is None
    assert got[96000][0] == "tỉnh Phú Thọ"  # after the province, its communes are a part of its figure


def test_a_commune_named_alone_in_the_headline_is_the_one_the_article_types() -> None:
    got = figures(
        "Mường Phăng (Điện Biên) nâng tỷ lệ hồ sơ trực tuyến lên 81%\n"
        "Những tháng qua, các sở, ngành của tỉnh Điện Biên đã phối hợp tập huấn nghiệp vụ, hỗ trợ thiết bị, "
        "rà soát quy trình nội bộ và hướng dẫn người dân sử dụng tài khoản định danh điện tử; nhiều kiến nghị "
        "về đường truyền, biên chế và kinh phí được ghi nhận, tổng hợp để báo cáo cấp có thẩm quyền xem xét, "
        "giải quyết trong thời gian sớm nhất, bảo đảm bộ máy mới vận hành thông suốt, hiệu quả.\n"
        "Đại hội đại biểu Đảng bộ xã Mường Phăng lần thứ nhất khai mạc ngày 12/8.\n"
        "Trong quý II/2025, Mường Phăng có 64,5% hồ sơ nộp trực tuyến.",
        "2025-08-14",
    )
    assert got[81][0] == got[64.5][0] == "xã Mường Phăng"


def test_a_target_without_time_does_not_take_the_days_of_the_results_before_it() -> None:
    got = figures(
        "Trong tháng 8/2025, tỉnh Hưng Yên tiếp nhận 38.200 hồ sơ trực tuyến.\n\n"
        "Mục tiêu là 97% hồ sơ được trả đúng hạn, UBND tỉnh đã có chỉ đạo các đơn vị.\n\n"
        "Đại hội đề ra các chỉ tiêu nhiệm kỳ 2025 – 2030. Phấn đấu 95% hồ sơ được giải quyết trực tuyến.",
        "2025-09-16",
    )
    assert got[38200][1] == ("2025-08-01", "2025-08-31")
    assert got[97] == ("tỉnh Hưng Yên", None)
    assert got[95][1] == ("2025-01-01", "2030-12-31")  # a term still to come stays with its targets


def test_two_handling_verbs_joined_by_a_comma_stay_in_one_clause() -> None:
    got = figures("Xã Phù Cừ có 512 hồ sơ được tiếp nhận, giải quyết trong tháng 9/2025.", None)
    assert got[512] == ("xã Phù Cừ", ("2025-09-01", "2025-09-30"))


def test_a_headline_that_rounds_a_figure_stands_for_it() -> None:
    got = figures(
        "Xã Tân Mỹ: trên 72% hồ sơ nộp trực tuyến\n\n"
        "Trong 5 tháng cuối năm 2025, xã Tân Mỹ nhận 6.410 hồ sơ, trong đó 72,54% nộp trực tuyến.",
        "2026-01-05",
    )
    assert got[72] == got[72.54] == ("xã Tân Mỹ", ("2025-08-01", "2025-12-31"))


def test_a_breakdown_sentence_goes_on_with_the_account_whatever_it_lists() -> None:
    got = figures(
        "Tính đến ngày 12/9, tỉnh Bắc Ninh đạt 88,2 điểm về chỉ số phục vụ người dân. Trong đó, điểm tiến độ "
        "là 18,1; điểm mức độ hài lòng là 17,6.\n\n"
        "Tỷ lệ hồ sơ nộp trực tuyến của tỉnh là 68,9%.",
        "2025-09-13",
    )
    assert got[68.9] == ("tỉnh Bắc Ninh", (None, "2025-09-12"))
