"""The place of a title that names only a level: ``Chủ tịch UBND phường`` in an article about
phường Phan Thiết is the chairman of phường Phan Thiết's People's Committee.

Reports name the unit once and then write titles with the level alone (``Bí thư Đảng ủy xã``,
``Chủ tịch UBND phường``, ``Phó Bí thư Tỉnh ủy``). Without a place such a title cannot answer "who
holds this post in Phan Thiết", and an official's province cannot come from it. So each title with
no place of its own but a level word (``xã``, ``phường``, ``đặc khu``, ``tỉnh``, ``thành phố``; or
an organisation of a level: ``Tỉnh ủy``, ``Thành ủy``) takes the article's unit of that level: its own
unit when it is of that type, else the one unit of that type it names; for a province, the province
it names, else the province of its own unit. When the article does not settle it, the title keeps
no place. Titles of national bodies (``Thủ tướng``, ``Bộ Nội vụ``) have no level and stay as they are.

The officials extractor's ``_places`` get the inferred place, and ``_place_from`` says where each
place came from (``title`` or ``article``), so that a researcher can tell written from inferred.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from nlp.facts import Fact
from nlp.gazetteer import get_gazetteer
from nlp.scope import LOCAL_TYPES as _LOCAL
from nlp.scope import is_province

log = logging.getLogger(__name__)

__all__ = ["place_titles"]

# The level a title names at its end (``… UBND phường``) or through its organisation (``Tỉnh ủy``).
_TRAILING_LEVEL = re.compile(r"(?:^|\s)(xã|phường|đặc khu|tỉnh|thành phố)\s*$", re.IGNORECASE)
_ORGANISATION_LEVEL = {"tỉnh ủy": "tỉnh", "thành ủy": "thành phố"}


def _level(title: str, organisation: str | None) -> str | None:
    m = _TRAILING_LEVEL.search(title.strip())
    if m:
        return m.group(1).lower()
    org = (organisation or "").strip().lower()
    if org in _ORGANISATION_LEVEL and title.strip().lower().endswith(org):
        return _ORGANISATION_LEVEL[org]
    return None


def _article_unit(units: list[Fact], level: str) -> str | None:
    """``"phường Phan Thiết"``: the article's unit of a level, when the article settles it."""
    current = [u for u in units if not u.data.get("_old")]
    if level in _LOCAL:
        of_type = [u for u in current if u.data.get("type") == level]
        if len(of_type) == 1:
            return f"{level} {of_type[0].data['name']}"
        if of_type:
            ranked = sorted(of_type, key=lambda u: -len(u.mentions or [0]))
            if len(ranked[0].mentions or [0]) > len(ranked[1].mentions or [0]):
                return f"{level} {ranked[0].data['name']}"
        return None
    gaz = get_gazetteer()
    provinces = [u for u in current if is_province(u)]
    names = {u.data["name"] for u in provinces}
    if len(names) == 1:
        unit = provinces[0]
        return f"{unit.data['type']} {unit.data['name']}"
    if not names:  # the province of the article's communes, when they agree
        homes = {u.data.get("province") for u in current if u.data.get("type") in _LOCAL and u.data.get("province")}
        if len(homes) == 1:
            home = homes.pop()
            return f"{'thành phố' if gaz.is_central_city(home) else 'tỉnh'} {home}"
    return None


def place_titles(facts: dict[str, list[Fact]]) -> None:
    """Give each title that names only a level the article's unit of that level (in place)."""
    units = list(facts.get("units") or [])
    for official in facts.get("officials") or []:
        d: dict[str, Any] = official.data
        titles = list(d.get("titles") or [])
        places = list(d.get("_places") or [None] * len(titles))
        places += [None] * (len(titles) - len(places))
        organisations = list(d.get("_organisations") or [])
        origin: list[str | None] = []
        for i, title in enumerate(titles):
            if places[i]:
                origin.append("title")
                continue
            level = _level(title, organisations[i] if i < len(organisations) else None)
            place = _article_unit(units, level) if level else None
            places[i] = place
            origin.append("article" if place else None)
        d["_places"] = places
        d["_place_from"] = origin
