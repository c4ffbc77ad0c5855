"""Reference tables: the 34 provinces and 3,321 communes/wards of the 2025 reform.

They come from the ``vietnam-provinces`` package (official codes), so a fact's unit can be joined
to its official code and province without any hand-kept list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from vietnam_provinces import Province, Ward

__all__ = ["province_rows", "commune_rows", "short_name", "coordinates"]

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
