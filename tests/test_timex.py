"""Time phrases read as the days they cover (``nlp.timex``): every form of spec §5.

Each case is a phrase as provincial reports write it, in a sentence written for this test, and the
period it must give with the article's date (and, where it matters, the period in force).
"""

from __future__ import annotations

from datetime import date

import pytest

from nlp.timex import Context, TimePhrase, find_phrases, is_event_sentence, is_target_sentence, parse_date

D = date.fromisoformat


def period(text: str, article: str | None = "2025-11-04", **ctx: object) -> tuple[str | None, str | None] | None:
    """The period of the one governing phrase in ``text``."""
    phrases = [p for p in find_phrases(text) if p.role in ("period", "same", "open")]
    assert len(phrases) == 1, [(p.text, p.role) for p in find_phrases(text)]
    got = phrases[0].resolve(Context(parse_date(article), **ctx))  # type: ignore[arg-type]
    if got is None:
        return None
    return tuple(d.isoformat() if d else None for d in got)  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # dates written 1/7, 1-7, 1.7, 01/7/2025 and ranges of them
        ("Từ ngày 1/7 đến hết ngày 31/7/2025, xã tiếp nhận 900 hồ sơ.", ("2025-07-01", "2025-07-31")),
        ("Từ ngày 1-7 đến ngày 30-9, phường tiếp nhận 800 hồ sơ.", ("2025-07-01", "2025-09-30")),
        ("Từ ngày 1.7 đến 31.10, Trung tâm tiếp nhận 700 hồ sơ.", ("2025-07-01", "2025-10-31")),
        ("Từ ngày 01/7/2025 đến ngày 15/10/2025, xã nhận 600 hồ sơ.", ("2025-07-01", "2025-10-15")),
        ("Từ ngày 1 – 31/8/2025, Trung tâm tiếp nhận 500 hồ sơ.", ("2025-08-01", "2025-08-31")),
        ("Từ 15/12/2024 đến 14/01/2025, tỉnh nhận 40.000 hồ sơ.", ("2024-12-15", "2025-01-14")),
        ("từ ngày 21-9 đến 20-10, xã nhận 300 hồ sơ.", ("2025-09-21", "2025-10-20")),
        ("Từ 1/7 đến nay, phường tiếp nhận 5.000 hồ sơ.", ("2025-07-01", "2025-11-04")),
        # months, quarters (Roman and Arabic), halves, N months, years
        ("Trong tháng 8/2025, xã nhận 400 hồ sơ.", ("2025-08-01", "2025-08-31")),
        ("Trong tháng 10-2025, phường nhận 420 hồ sơ.", ("2025-10-01", "2025-10-31")),
        ("Riêng tháng 9, xã nhận 410 hồ sơ.", ("2025-09-01", "2025-09-30")),
        ("Quý III/2025, Trung tâm nhận 3.000 hồ sơ.", ("2025-07-01", "2025-09-30")),
        ("Trong quý 3 năm 2025, xã nhận 2.900 hồ sơ.", ("2025-07-01", "2025-09-30")),
        ("Riêng quý II, xã nhận 2.000 hồ sơ.", ("2025-04-01", "2025-06-30")),
        ("6 tháng đầu năm 2026, phường nhận 9.000 hồ sơ.", ("2026-01-01", "2026-06-30")),
        ("6 tháng cuối năm 2025, phường nhận 8.000 hồ sơ.", ("2025-07-01", "2025-12-31")),
        ("Hai tháng đầu năm 2026, phường nhận 3.000 hồ sơ.", ("2026-01-01", "2026-02-28")),
        ("9 tháng năm 2025, tỉnh nhận 1 triệu hồ sơ.", ("2025-01-01", "2025-09-30")),
        ("Tính chung 10 tháng, tỉnh đạt 80%.", ("2025-01-01", "2025-10-31")),
        ("Năm 2024, thành phố nhận 31.500 hồ sơ.", ("2024-01-01", "2024-12-31")),
        ("Giai đoạn 2021 – 2023, tăng trưởng đạt 13%.", ("2021-01-01", "2023-12-31")),
        # up to a day, now, open
        ("Tính đến ngày 6/8/2025, xã còn 20 hồ sơ.", (None, "2025-08-06")),
        ("Đến nay, xã đã số hóa 90% hồ sơ.", (None, "2025-11-04")),
        ("Hiện còn 72 hồ sơ đang giải quyết.", (None, "2025-11-04")),
        ("Từ đầu năm, xã nhận 812 hồ sơ.", ("2025-01-01", "2025-11-04")),
        ("Từ tháng 10, 100% công chức dùng chữ ký số.", ("2025-10-01", "2025-11-04")),
        # spans counted from the two-tier start (1 July 2025)
        ("Sau 45 ngày vận hành, xã nhận 2.000 hồ sơ.", ("2025-07-01", "2025-08-14")),
        ("Sau một tháng hoạt động, Trung tâm nhận 1.000 hồ sơ.", ("2025-07-01", "2025-07-31")),
        ("Sau hai tháng đi vào hoạt động, xã nhận 2.100 hồ sơ.", ("2025-07-01", "2025-08-31")),
        ("trong 6 tháng đầu vận hành, phường nhận 15.000 hồ sơ.", ("2025-07-01", "2025-12-31")),
        ("Kể từ khi vận hành chính quyền địa phương hai cấp, xã nhận 3.000 hồ sơ.", ("2025-07-01", "2025-11-04")),
        ("Tính từ khi vận hành mô hình chính quyền địa phương hai cấp đến ngày 31/12/2025, xã nhận 5.000 hồ sơ.",
         ("2025-07-01", "2025-12-31")),
        ("Ngày đầu tiên vận hành, Trung tâm nhận 38 hồ sơ.", ("2025-07-01", "2025-07-01")),
        # no length stated: from the start to the article's date
        ("Sau nhiều tháng vận hành, xã giải quyết đúng hạn 97,2% hồ sơ.", ("2025-07-01", "2025-11-04")),
        ("Trong những tháng đầu tiên đi vào hoạt động, phường số hóa 98% hồ sơ.", ("2025-07-01", "2025-11-04")),
        ("Sau khi huyện Hòa Thạch (cũ) kết thúc hoạt động, xã nhận thêm 50 hồ sơ.", ("2025-07-01", "2025-11-04")),
        ("Sau sáp nhập, phường nhận thêm 900 hồ sơ đất đai.", ("2025-07-01", "2025-11-04")),
        ("Sau khi chính thức vận hành chính quyền 2 cấp, xã nhận 700 hồ sơ.", ("2025-07-01", "2025-11-04")),
        # targets and counted back
        ("Phấn đấu đến năm 2030 đạt 80%.", (None, "2030-12-31")),
        ("Phấn đấu đến hết năm 2025 đạt 70%.", (None, "2025-12-31")),
        ("Trung bình trong 5 năm qua đạt 121%.", ("2020-11-05", "2025-11-04")),
        # one day
        ("Riêng ngày 14/7, Trung tâm nhận 156 hồ sơ.", ("2025-07-14", "2025-07-14")),
        ("Ngày 15 tháng 8 năm 2025, xã nhận 90 hồ sơ.", ("2025-08-15", "2025-08-15")),
    ],
)
def test_every_form_of_the_spec(text: str, expected: tuple[str | None, str | None]) -> None:
    assert period(text) == expected


def test_the_year_left_out_is_the_latest_not_after_the_articles_date() -> None:
    # a report of 8 January 2026 on "quý IV" means the quarter just ended, not one to come
    assert period("Riêng quý IV, phường nhận 2.900 hồ sơ.", "2026-01-08") == ("2025-10-01", "2025-12-31")
    assert period("Riêng tháng 9, xã nhận 100 hồ sơ.", "2025-10-07") == ("2025-09-01", "2025-09-30")
    # the nearest earlier full date gives its year when there is one
    assert period("Riêng ngày 14/7, xã nhận 231 hồ sơ.", "2026-07-03", year_hint=2025) == ("2025-07-14", "2025-07-14")


def test_without_the_articles_date_an_open_end_stays_open() -> None:
    assert period("Từ 1/7/2025 đến nay, xã nhận 500 hồ sơ.", None) == ("2025-07-01", None)
    assert period("Riêng tháng 9, xã nhận 100 hồ sơ.", None) is None  # no year at all: no period


def test_relative_phrases_take_the_period_in_force() -> None:
    july = (D("2025-07-01"), D("2025-07-31"))
    assert period("Tính đến cuối tháng, xã đã giải quyết 1.731 hồ sơ.", current=july) == (None, "2025-07-31")
    assert period("Kết quả giải quyết trong tháng như sau: 400 hồ sơ.", current=july) == ("2025-07-01", "2025-07-31")
    q1 = (D("2026-01-01"), D("2026-03-31"))
    assert period("Các chỉ tiêu trong quý như sau: 2.764 hồ sơ.", current=q1) == ("2026-01-01", "2026-03-31")
    assert period("Cùng kỳ, xã Biển Hồ tiếp nhận 612 hồ sơ.", current=july) == ("2025-07-01", "2025-07-31")
    report = (D("2025-09-15"), D("2025-10-14"))
    assert period("8 hồ sơ quá hạn trong kỳ đều thuộc lĩnh vực đất đai.", report=report) == (
        "2025-09-15", "2025-10-14")


def test_the_time_to_come_gives_no_period() -> None:
    (p,) = find_phrases("Thời gian tới, phường phấn đấu đạt trên 70%.")
    assert p.role == "open" and p.resolve(Context(D("2025-11-04"))) is None


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("tăng 8,5% so với tháng 9", "comparison"),
        ("So với kỳ báo cáo tháng 9, lượng hồ sơ tăng 9,7%.", "comparison"),
        ("tăng mạnh so với cùng kỳ năm 2025", "comparison"),
        ("xã nhận 112 hồ sơ, cao nhất kể từ ngày 1/7", "comparison"),
        ("Nghị quyết số 188/NQ-CP ngày 11/10/2024 của Chính phủ", "document"),
        ("tỷ lệ hộ nghèo còn 4% (theo chuẩn nghèo đa chiều giai đoạn 2026-2030)", "aside"),
        ("Đại hội Đảng bộ xã Hòa An lần thứ I, nhiệm kỳ 2025 – 2030", "attribute"),
        ("Ban Chấp hành Đảng bộ xã Hòa An khóa I, nhiệm kỳ 2025 – 2030, ra mắt Đại hội.", "attribute"),
    ],
)
def test_phrases_that_do_not_date_a_figure(text: str, role: str) -> None:
    roles = [p.role for p in find_phrases(text)]
    assert role in roles, [(p.text, p.role) for p in find_phrases(text)]


def test_a_parenthesis_that_holds_only_dates_still_dates() -> None:
    (label, dates) = find_phrases("trong tháng 01/2025 (từ ngày 15/12/2024 đến ngày 14/01/2025).")
    assert (label.role, dates.role) == ("period", "period")
    (upto,) = find_phrases("(số liệu đến 22/01/2025)")
    assert upto.role == "period"


@pytest.mark.parametrize(
    "text",
    ["3,5 - 4%", "4.572/4.572 hồ sơ", "13.636 hồ sơ", "thực hiện 20 hồ sơ", "xã thể hiện 3 cách làm", "99,2%"],
)
def test_numbers_and_words_that_are_not_time(text: str) -> None:
    assert find_phrases(text) == []


def test_event_and_target_sentences() -> None:
    assert is_event_sentence("Chiều 11/11, đoàn công tác của tỉnh đã kiểm tra Trung tâm.")
    assert not is_event_sentence("Từ ngày 1/7, Trung tâm tiếp nhận 500 hồ sơ.")
    assert is_target_sentence("Đại hội đề ra 12 chỉ tiêu cho nhiệm kỳ 2025 – 2030.")


def test_hostile_input_never_raises() -> None:
    for text in ["", "ngày", "từ ngày 99/99 đến 0/0", "quý XIV/2025", "tháng 13/2025", "sau 99999 ngày vận hành",
                 "31/2/2025 " * 1000]:
        for p in find_phrases(text):
            assert isinstance(p, TimePhrase)
            p.resolve(Context(D("2025-11-04")))


def test_the_term_just_ended_is_whole_years() -> None:
    # a congress of August 2025 looks back on the term that ends that year (NOTES T3: whole years)
    assert period("Nhiệm kỳ qua, thu ngân sách của xã tăng 9%/năm.", "2025-08-20") == ("2020-01-01", "2025-12-31")
    assert period("Trong nhiệm kỳ vừa qua, tỷ lệ hộ nghèo giảm còn 4,1%.", "2025-08-20") == (
        "2020-01-01", "2025-12-31")
    # the length of the term the article names (a People's Council's 2021 – 2026)
    got = [p for p in find_phrases(
        "Kỳ họp cuối của HĐND phường Kiến An nhiệm kỳ 2021 – 2026. Nhiệm kỳ qua, phường đạt 95% chỉ tiêu.")
        if p.form == "last_term"]
    assert len(got) == 1 and got[0].role == "period"
    assert got[0].resolve(Context(D("2026-03-02"))) == (D("2021-01-01"), D("2026-12-31"))


def test_a_term_set_off_by_commas_before_its_clause_dates_it() -> None:
    text = "Theo báo cáo, nhiệm kỳ 2020 – 2025, xã Mường Phăng có 87% thôn đạt chuẩn văn hóa."
    (p,) = [p for p in find_phrases(text) if p.text.startswith("nhiệm")]
    assert p.role == "period"
    assert period(text) == ("2020-01-01", "2025-12-31")


def test_a_page_time_stamp_dates_no_figure() -> None:
    (stamp,) = [p for p in find_phrases("Đắk Lắk có 2.315 hồ sơ trễ hạn 14/11/2025 09:42") if p.form == "day"]
    assert stamp.role == "document"
    (stamp,) = [p for p in find_phrases("07:15 03/12/2025 Tin tức - Sáng 3/12, …") if p.text == "03/12/2025"]
    assert stamp.role == "document"


def test_a_unit_after_the_merger_is_named_not_dated() -> None:
    assert find_phrases("Các xã, phường sau sáp nhập có 400 công chức.") == []
    assert find_phrases("Phường Tân Định sau sắp xếp có diện tích 4 km2.") == []
