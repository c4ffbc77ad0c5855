"""Every extractor, called directly (no safety net), on arbitrary text: no exception, spec shape.

``nlp.extract`` catches an extractor's exception so that a night's run survives a bug; these
tests call each extractor itself so that such a bug cannot hide behind that net.
"""

from __future__ import annotations

import importlib
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.document import analyze
from nlp.facts import KINDS, Fact
from nlp.normalize import normalize_text

SHAPES = {
    "units": {"type": str, "name": str, "province": (str, type(None))},
    "officials": {"name": str, "titles": list},
    "dossiers": {"count": int, "kind": str, "channel": (str, type(None)), "total": (int, type(None)),
                 "qualifier": str},
    "percentages": {"value": (int, float), "qualifier": str, "indicator": str, "subject": (str, type(None))},
}
ENUMS = {
    ("units", "type"): {"tỉnh", "thành phố", "xã", "phường", "đặc khu", "huyện", "quận", "thị xã", "thị trấn"},
    ("dossiers", "kind"): {"received", "resolved", "on_time", "overdue", "pending", "other"},
    ("dossiers", "channel"): {"online", "direct", "postal", None},
    ("percentages", "qualifier"): {"over", "under", "about", "exact"},
    ("dossiers", "qualifier"): {"over", "under", "about", "exact"},
    ("percentages", "indicator"): {"online_share", "on_time", "digitized", "satisfaction", "staff", "other"},
}

PIECES = [
    "xã", "phường", "Xã", "tỉnh", "Đông", "Giang", "Thành", "hồ sơ", "HS", "tiếp nhận", "giải quyết", "đạt",
    "%", "phần trăm", "trên", "gần", "dưới", "Chủ tịch", "Phó Bí thư", "UBND", "Tỉnh ủy", ",", ".", ";", ":",
    "–", "-", "(", ")", "171", "169/169", "99,2", "13.188", "0", "1.000.000.000", "/", "\n", "\n\n", "ông",
    "đồng chí", "Nguyễn Văn A", "Đặng Hồng Sỹ", "trong đó", "trực tuyến", "kiêm", "nghìn", "triệu", "các xã:",
    "và", "90–95%", "3,5 - 4%", "Ảnh:", "(cũ)", "TP.HCM", "x\u0301\u0301", "ạ\u0300",
]
TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=120).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
)


def _check(kind: str, facts: list[Fact], text: str) -> None:
    assert isinstance(facts, list)
    for fact in facts:
        assert isinstance(fact, Fact) and fact.kind == kind
        spec = fact.spec()
        assert set(spec) == set(SHAPES[kind]), (kind, spec)
        for key, types in SHAPES[kind].items():
            assert isinstance(spec[key], types), (kind, key, spec)
            if (kind, key) in ENUMS:
                assert spec[key] in ENUMS[(kind, key)], (kind, key, spec)
        if kind == "officials":
            assert spec["titles"] and all(isinstance(t, str) and t for t in spec["titles"])
        assert 0 <= fact.start <= fact.end <= len(text), (kind, fact)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(raw=TEXTS)
def test_extractor_survives_any_text(kind: str, raw: str) -> None:
    text = normalize_text(raw)
    adoc = analyze(text)
    extractor = importlib.import_module(f"nlp.extractors.{kind}")
    _check(kind, extractor.extract(adoc), text)


@pytest.mark.parametrize("kind", KINDS)
def test_extractor_survives_huge_and_garbled_input(kind: str) -> None:
    extractor = importlib.import_module(f"nlp.extractors.{kind}")
    garbled = unicodedata.normalize("NFD", "Xã Đông Giang tiếp nhận 171 hồ sơ, đạt 99,2%. ") * 50
    garbled += "\u0301\u0323" * 500 + "9" * 5000 + "%" + " hồ sơ" + "Nguyễn " * 400
    for raw in (garbled, "1.000.000.000.000.000.000 hồ sơ, " * 300, "Ông " * 3000 + "Chủ tịch"):
        text = normalize_text(raw)
        _check(kind, extractor.extract(analyze(text)), text)
