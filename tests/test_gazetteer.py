"""The gazetteer: 2025 and pre-2025 units, name variants, lineage, and its load time."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from nlp.gazetteer import get_gazetteer, province_of_old, provinces_2025, wards_2025


def test_2025_tables_have_the_official_counts() -> None:
    provinces = list(provinces_2025())
    wards = list(wards_2025())
    assert len(provinces) == 34
    assert len(wards) == 3321
    assert {p["name"] for p in provinces} >= {"Hà Nội", "Hồ Chí Minh", "Huế", "Lào Cai", "Lâm Đồng"}
    assert {w["type"] for w in wards} == {"xã", "phường", "đặc khu"}
    assert sum(1 for w in wards if w["latitude"] is not None) > 3000


@pytest.mark.parametrize(
    ("name", "type_", "expected"),
    [
        ("Phong Hải", "xã", [("xã", "Phong Hải", "Lào Cai", False)]),
        ("phong hải", "xã", [("xã", "Phong Hải", "Lào Cai", False)]),  # case does not matter
        ("Tam Đảo", "xã", [("xã", "Tam Đảo", "Phú Thọ", False)]),
        ("Vĩ Dạ", "phường", [("phường", "Vỹ Dạ", "Huế", False)]),  # final i/y spelling
        ("Xã Phong Hải", "xã", [("xã", "Phong Hải", "Lào Cai", False)]),  # type word tolerated
        ("Quảng Bình", "tỉnh", [("tỉnh", "Quảng Bình", "Quảng Trị", True)]),
        ("TP.HCM", None, [("thành phố", "Hồ Chí Minh", "Hồ Chí Minh", False)]),
        ("TPHCM", None, [("thành phố", "Hồ Chí Minh", "Hồ Chí Minh", False)]),
        ("Thừa Thiên Huế", None, [("thành phố", "Huế", "Huế", False)]),
        ("Nông trường Phong Hải", "thị trấn", [("thị trấn", "Nông trường Phong Hải", "Lào Cai", True)]),
    ],
)
def test_lookup(name: str, type_: str | None, expected: list[tuple[str, str, str, bool]]) -> None:
    # 2025 units come first; an old unit of the same name (before the merger) may follow.
    got = [(c.type, c.name, c.province, c.is_old) for c in get_gazetteer().lookup(name, type_)]
    assert got[: len(expected)] == expected


def test_tone_mark_placement_does_not_matter() -> None:
    gaz = get_gazetteer()
    assert gaz.lookup("Thanh Hoá", "tỉnh") == gaz.lookup("Thanh Hóa", "tỉnh")
    assert gaz.lookup("Tân Hoà", "xã") == gaz.lookup("Tân Hòa", "xã")


def test_shared_names_return_every_candidate() -> None:
    gaz = get_gazetteer()
    new = gaz.lookup("Tân Hòa", "xã", old=False)
    assert len({c.province for c in new}) >= 4
    assert all(not c.is_old and c.level == "commune" for c in new)


def test_old_units_carry_their_2025_province_and_successors() -> None:
    gaz = get_gazetteer()
    (district,) = [c for c in gaz.lookup("Tam Đảo", "huyện")]
    assert district.is_old and district.province == "Phú Thọ"
    tam_dao = gaz.lookup("Tam Đảo", "xã", old=False)[0]
    assert tam_dao.code in district.successors
    (commune,) = gaz.lookup("Bản Cầm", "xã", old=True)
    assert commune.province == "Lào Cai" and commune.successors


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Quảng Nam", "Đà Nẵng"),
        ("Bình Thuận", "Lâm Đồng"),
        ("Yên Bái", "Lào Cai"),
        ("Quảng Bình", "Quảng Trị"),
        ("Kiên Giang", "An Giang"),
        ("Bạc Liêu", "Cà Mau"),
        ("Thừa Thiên Huế", "Huế"),
        ("Hà Nội", "Hà Nội"),
        ("Bà Rịa – Vũng Tàu", "Hồ Chí Minh"),
        ("Atlantis", None),
    ],
)
def test_province_of_old(old: str, new: str | None) -> None:
    assert province_of_old(old) == new


def test_central_cities() -> None:
    gaz = get_gazetteer()
    for name in ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "TP.HCM"):
        assert gaz.is_central_city(name), name
    assert not gaz.is_central_city("Quảng Nam")
    assert not gaz.is_central_city("Lào Cai")


def test_load_time_in_a_fresh_process() -> None:
    """Every worker process loads the gazetteer: with the pickle cache warm it must be quick."""
    get_gazetteer()  # warms the cache file in this environment
    code = (
        "import time; t = time.perf_counter(); from nlp.gazetteer import get_gazetteer; get_gazetteer(); "
        "print(time.perf_counter() - t)"
    )
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert time.perf_counter() - start < 10
    assert float(out.stdout.strip()) < 1.0
