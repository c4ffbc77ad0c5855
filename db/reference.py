"""Reference tables: the 34 provinces and 3,321 communes/wards of the 2025 reform.

They come from the ``vietnam-provinces`` package (official codes), so a fact's unit can be joined
to its official code and province without any hand-kept list. Their coordinates come from
``vietnamadminunits`` through the gazetteer, which matches that package's communes to the official
codes by province and name (it files 123 of them under codes of its own). A commune it still has
no point for is placed at the centroid of the pre-2025 units merged into it
(:func:`place_missing_communes`), else at its province's centre, and says so.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from vietnam_provinces import Province, Ward

log = logging.getLogger(__name__)

__all__ = [
    "COORDINATE_SOURCES", "province_rows", "commune_rows", "short_name", "coordinates", "old_unit_centroids",
    "place_missing_communes",
]

# ``communes.coordinates_source``: where a commune's point comes from, best first.
OWN, OLD_UNITS, PROVINCE = "own", "old units", "province"
COORDINATE_SOURCES = (OWN, OLD_UNITS, PROVINCE)

_TYPE_PREFIX = re.compile(r"^(Thành phố|Tỉnh|Phường|Xã|Đặc khu)\s+", re.IGNORECASE)


def short_name(name: str) -> str:
    """``Thành phố Hà Nội`` → ``Hà Nội``, ``Xã Đông Giang`` → ``Đông Giang``."""
    return _TYPE_PREFIX.sub("", name).strip()


def province_rows() -> Iterator[dict[str, Any]]:
    """One row per 2025 province, keyed by its official code."""
    for p in Province.iter_all():
        yield {
            "code": int(p.code.value),
            "name": short_name(p.name),
            "full_name": p.name,
            "type": "thành phố" if p.name.startswith("Thành phố") else "tỉnh",
            "codename": p.codename,
        }


def commune_rows() -> Iterator[dict[str, Any]]:
    """One row per 2025 commune, ward or special zone, with its province's code and name."""
    names = {int(p.code.value): short_name(p.name) for p in Province.iter_all()}
    for w in Ward.iter_all():
        province_code = int(w.province_code.value)
        yield {
            "code": int(w.code.value),
            "name": short_name(w.name),
            "full_name": w.name,
            "type": w.division_type.value,
            "province_code": province_code,
            "province": names[province_code],
            "codename": w.codename,
        }


def coordinates(table: str) -> dict[int, tuple[float, float]]:
    """Code → (latitude, longitude) of the 2025 provinces or communes, from vietnamadminunits
    (through the gazetteer, which already reads its data); units it has no point for are left out."""
    from nlp.gazetteer import provinces_2025, wards_2025

    rows = provinces_2025() if table == "provinces" else wards_2025()
    return {
        int(r["code"]): (float(r["latitude"]), float(r["longitude"]))
        for r in rows
        if r.get("latitude") is not None and r.get("longitude") is not None
    }


def old_unit_centroids(communes: Iterable[tuple[int, int, str]]) -> dict[int, tuple[float, float, int]]:
    """The mean point of the pre-2025 communes merged, wholly or in part, into each 2025 commune.

    ``communes`` are ``(code, province_code, full_name)`` of 2025 communes; the answer maps a code
    to ``(latitude, longitude, number of old units averaged)`` for those whose old units have points.
    The lineage is the gazetteer's (``nlp.gazetteer``: vietnamadminunits' lineage, its successors
    translated to official codes by name); an old unit split between several 2025 units counts for
    each of them.
    """
    from nlp.gazetteer import get_gazetteer

    wanted = {int(code) for code, _province, _name in communes}
    if not wanted:
        return {}
    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for old in get_gazetteer().old:
        if old.level != "commune" or old.latitude is None or old.longitude is None:
            continue
        for code in old.successors:
            if code in wanted:
                points[code].append((old.latitude, old.longitude))
    return {
        code: (round(sum(p[0] for p in pts) / len(pts), 6), round(sum(p[1] for p in pts) / len(pts), 6), len(pts))
        for code, pts in points.items()
    }


def place_missing_communes(
    communes: Iterable[tuple[int, int, str]],
    province_points: Mapping[int, tuple[float, float]],
    centroids: Mapping[int, tuple[float, float, int]] | None = None,
) -> dict[int, tuple[float, float, str]]:
    """A point for each commune that has none of its own: ``code → (latitude, longitude, source)``.

    ``communes`` are ``(code, province_code, full_name)``. The source is ``old units`` (the centroid
    of the pre-2025 units merged into it, :func:`old_unit_centroids`; passed as ``centroids`` or
    computed) or, failing that, ``province`` (the province's centre from ``province_points``: a
    coarse point, but one on the map in the right province rather than none). A commune whose
    province has no point either is left out: the caller leaves it NULL, and ``commune_map`` counts it.
    """
    wanted = [(int(code), int(pcode), name) for code, pcode, name in communes]
    if centroids is None:
        centroids = old_unit_centroids(wanted)
    out: dict[int, tuple[float, float, str]] = {}
    for code, province_code, _name in wanted:
        if code in centroids:
            lat, lon, _n = centroids[code]
            out[code] = (lat, lon, OLD_UNITS)
        elif province_code in province_points:
            lat, lon = province_points[province_code]
            out[code] = (lat, lon, PROVINCE)
    return out
