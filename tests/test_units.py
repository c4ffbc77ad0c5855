"""The units extractor: one row per phrasing (sentences written for these tests)."""

from __future__ import annotations

import time
import unicodedata

import pytest

from nlp.document import analyze
from nlp.extractors.units import extract
from nlp.normalize import normalize_text


def units_of(text: str, meta: dict | None = None) -> set[tuple[str, str, str | None]]:
    adoc = analyze(normalize_text(text), meta)
    return {(f.data["type"], f.data["name"], f.data["province"]) for f in extract(adoc)}


CASES = [
    # typed mentions, with the province written beside them
    (
        "Chủ tịch UBND xã Hòa Vang, thành phố Đà Nẵng làm việc.",
        {("xã", "Hòa Vang", "Đà Nẵng"), ("thành phố", "Đà Nẵng", "Đà Nẵng")},
    ),
    (
        "Người dân xã Tân Hòa (Đồng Tháp) đi bầu cử.",
        {("xã", "Tân Hòa", "Đồng Tháp"), ("tỉnh", "Đồng Tháp", "Đồng Tháp")},
    ),
    # a name shared by six communes and no province in the text: null, never a guess
    ("Hội nghị của xã Tân Hòa diễn ra sáng nay.", {("xã", "Tân Hòa", None)}),
    # the gazetteer alone when one 2025 unit has the name
    ("Lãnh đạo xã Tam Đảo tiếp dân.", {("xã", "Tam Đảo", "Phú Thọ")}),
    # abbreviations of the type word
    (
        "Đoàn đến TP. Thái Nguyên và Tp Hà Nội.",
        {("thành phố", "Thái Nguyên", "Thái Nguyên"), ("thành phố", "Hà Nội", "Hà Nội")},
    ),
    ("UBND TP.HCM họp báo.", {("thành phố", "Hồ Chí Minh", "Hồ Chí Minh")}),
    (
        "Thị trấn Nông trường Phong Hải sáp nhập vào xã Phong Hải.",
        {("thị trấn", "Nông trường Phong Hải", "Lào Cai"), ("xã", "Phong Hải", "Lào Cai")},
    ),
    ("Các đồng chí ở TTNT Phong Hải dự họp.", {("thị trấn", "Nông trường Phong Hải", "Lào Cai")}),
    # abolished types and old/new units side by side
    (
        "Thị xã Đông Triều được nâng lên thành phố Đông Triều.",
        {("thị xã", "Đông Triều", "Quảng Ninh"), ("thành phố", "Đông Triều", "Quảng Ninh")},
    ),
    (
        "Phường Ba Đình được lập từ phường Trúc Bạch (cũ) và phường Ba Đình cũ.",
        {("phường", "Ba Đình", "Hà Nội"), ("phường", "Trúc Bạch", "Hà Nội")},
    ),
    (
        "Trước đây huyện Tam Đảo (cũ) thuộc tỉnh Vĩnh Phúc.",
        {("huyện", "Tam Đảo", "Phú Thọ"), ("tỉnh", "Vĩnh Phúc", "Phú Thọ")},
    ),
    (
        "Phú Quốc nay là đặc khu Phú Quốc, tỉnh Kiên Giang (cũ) nay là tỉnh An Giang.",
        {("đặc khu", "Phú Quốc", "An Giang"), ("tỉnh", "Kiên Giang", "An Giang"), ("tỉnh", "An Giang", "An Giang")},
    ),
    # organisations carrying units
    ("Ban Thường vụ Tỉnh ủy Quảng Ninh họp.", {("tỉnh", "Quảng Ninh", "Quảng Ninh")}),
    ("Thành ủy Hải Phòng chỉ đạo.", {("thành phố", "Hải Phòng", "Hải Phòng")}),
    (
        "Văn bản của Tỉnh ủy Hà Giang – Tuyên Quang đã ban hành.",
        {("tỉnh", "Hà Giang", "Tuyên Quang"), ("tỉnh", "Tuyên Quang", "Tuyên Quang")},
    ),
    ("Trung tâm Phục vụ hành chính công phường Hạc Thành mở cửa.", {("phường", "Hạc Thành", "Thanh Hóa")}),
    ("Đảng ủy phường Vỹ Dạ họp; Bí thư Đảng ủy Vỹ Dạ phát biểu.", {("phường", "Vỹ Dạ", "Huế")}),
    # enumerations with one type word
    (
        "Các xã: Quỳnh Lưu, Quỳnh Văn và Quỳnh Anh đạt chuẩn.",
        {("xã", "Quỳnh Lưu", "Nghệ An"), ("xã", "Quỳnh Văn", "Nghệ An"), ("xã", "Quỳnh Anh", "Nghệ An")},
    ),
    (
        "Một phần phường Mai Động, Vĩnh Tuy thuộc quận Hai Bà Trưng.",
        {("phường", "Mai Động", "Hà Nội"), ("phường", "Vĩnh Tuy", "Hà Nội"), ("quận", "Hai Bà Trưng", "Hà Nội")},
    ),
    # bare province names
    ("Sáng nay, tại Hà Tĩnh, hội nghị khai mạc.", {("tỉnh", "Hà Tĩnh", "Hà Tĩnh")}),
    ("Đoàn công tác từ Huế ra Quảng Trị.", {("thành phố", "Huế", "Huế"), ("tỉnh", "Quảng Trị", "Quảng Trị")}),
    (
        "Cán bộ Quảng Nam và Bình Thuận trao đổi kinh nghiệm.",
        {("tỉnh", "Quảng Nam", "Đà Nẵng"), ("tỉnh", "Bình Thuận", "Lâm Đồng")},
    ),
    # person names and capitalised words after the name
    # (two 2025 communes are called Quỳnh Lưu: with no province in the text, none is chosen)
    ("Phó Chủ tịch UBND xã Quỳnh Lưu Hồ Văn Nam cho biết.", {("xã", "Quỳnh Lưu", None)}),
    ("Phó Chủ tịch UBND xã Tam Đảo Hồ Văn Nam cho biết.", {("xã", "Tam Đảo", "Phú Thọ")}),
    ("Chủ tịch UBND tỉnh Đinh Văn Bình phát biểu.", set()),
    ("Cụ Lê Thị Phường, 95 tuổi, được tặng quà.", set()),
    ("Bà Nguyễn Thị Hà Nam và chị Huế đến dự.", set()),
    # not units
    ("Cán bộ cấp xã, các xã, phường và tỉnh nhà đều tham gia.", set()),
    ("Công tác an sinh xã hội được chú trọng; Ban Văn hóa – Xã hội báo cáo.", set()),
    ("Agribank Chi nhánh Hải Hậu hỗ trợ; xe chạy trên đường Lào Cai và Quốc lộ 70.", set()),
    ("Người dân thôn Bắc Ninh, bản Hà Giang, tổ dân phố Hòa Bình được hỗ trợ.", set()),
    ("Ứng dụng C-Thái Nguyên được nhiều người dùng.", set()),
    ("Đoàn Thanh niên Cộng sản Hồ Chí Minh ra quân.", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_units(text: str, expected: set[tuple[str, str, str | None]]) -> None:
    assert units_of(text) == expected


def test_source_site_province_breaks_a_tie() -> None:
    text = "Hội nghị của xã Tân Hòa diễn ra sáng nay."
    assert units_of(text, {"province": "Vĩnh Long"}) == {("xã", "Tân Hòa", "Vĩnh Long")}


def test_one_fact_per_unit_with_all_mentions_and_exact_offsets() -> None:
    text = normalize_text(
        "Xã Quỳnh Lưu tổ chức đại hội.\n\nĐại biểu xã Quỳnh Lưu thông qua nghị quyết; tỉnh Nghệ An chúc mừng."
    )
    facts = extract(analyze(text))
    by_name = {f.data["name"]: f for f in facts}
    assert set(by_name) == {"Quỳnh Lưu", "Nghệ An"}
    ql = by_name["Quỳnh Lưu"]
    assert text[ql.start : ql.end] == "Quỳnh Lưu"
    assert ql.start == text.index("Quỳnh Lưu")
    assert len(ql.mentions) == 2
    for start, end, _sentence in ql.mentions:
        assert text[start:end] == "Quỳnh Lưu"
    assert ql.mentions[0][2] != ql.mentions[1][2]
    assert ql.data["_code"] and ql.data["_old"] is False


def test_old_units_carry_successors_and_ambiguous_ones_candidates() -> None:
    facts = extract(analyze(normalize_text("Huyện Tam Đảo (cũ) và xã Tân Hòa.")))
    by_name = {f.data["name"]: f.data for f in facts}
    assert by_name["Tam Đảo"]["_old"] is True and by_name["Tam Đảo"]["_successors"]
    assert by_name["Tân Hòa"]["province"] is None and len(by_name["Tân Hòa"]["_candidates"]) >= 4
    for f in facts:
        assert set(f.spec()) == {"type", "name", "province"}


def test_a_former_township_typed_as_a_commune_keeps_its_lineage() -> None:
    # Diễn Thành was a thị trấn of huyện Diễn Châu; the press writes "xã Diễn Thành".
    facts = extract(analyze(normalize_text("Trước khi sáp nhập, xã Diễn Thành thuộc huyện Diễn Châu (cũ).")))
    by_name = {f.data["name"]: f.data for f in facts}
    assert by_name["Diễn Thành"]["province"] == "Nghệ An"
    assert by_name["Diễn Thành"]["_old"] is True and by_name["Diễn Thành"]["_successors"]
    assert set(by_name["Diễn Thành"]["_successors"]) <= set(by_name["Diễn Châu"]["_successors"])


def test_nfd_input_gives_the_same_facts() -> None:
    text = "Chủ tịch UBND xã Quỳnh Lưu, tỉnh Nghệ An và phường Thuỷ Xuân, thành phố Huế dự họp."
    nfc = extract(analyze(normalize_text(text)))
    nfd = extract(analyze(normalize_text(unicodedata.normalize("NFD", text))))
    assert [(f.data, f.start, f.end) for f in nfc] == [(f.data, f.start, f.end) for f in nfd]
    assert {f.data["name"] for f in nfc} == {"Quỳnh Lưu", "Nghệ An", "Thủy Xuân", "Huế"}


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!! ??? 123", "xã", "tỉnh tỉnh tỉnh", "\u0300\u0301 x", "Xã " * 3000, "🙂" * 500],
)
def test_never_raises(text: str) -> None:
    assert isinstance(extract(analyze(normalize_text(text))), list)


def test_large_text_stays_fast() -> None:
    text = normalize_text("Lãnh đạo xã Quỳnh Lưu, tỉnh Nghệ An làm việc với phường Hạc Thành. " * 400)
    adoc = analyze(text, tag=False)
    start = time.perf_counter()
    facts = extract(adoc)
    assert time.perf_counter() - start < 5
    assert len(facts) == 3
