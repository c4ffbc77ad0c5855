"""Read a province as a researcher types it: the one rule behind every ``province`` filter.

Facts are filed under the 34 provinces of 2025, written without their type word (``Lâm Đồng``,
``Hồ Chí Minh``). People type ``tỉnh Lâm Đồng``, ``lam dong``, ``TP.HCM``, ``HCM`` or a province
abolished on 1 July 2025 (``Bình Thuận``). :func:`read_province` turns any of these into the 2025
province, says how it read it (an abolished province maps to its successor, and the caller should
say so), and refuses a name that is no province at all instead of silently selecting nothing. The
canned queries (through ``researcher.plugin``), ``pipeline.py export --province`` and
``db.api`` all use it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from nlp.gazetteer import get_gazetteer
from nlp.normalize import fold, strip_diacritics

__all__ = ["ProvinceFilter", "UnknownProvince", "province_text_key", "read_province"]

# Type words and their abbreviations before a province name (``tỉnh``, ``thành phố``, ``TP.``).
_TYPE_WORD = re.compile(r"^\s*(?:tỉnh|tinh|thành\s+phố|thanh\s+pho|tp\.?)\s*", re.IGNORECASE)


class UnknownProvince(ValueError):
    """The text names none of the 34 provinces of 2025 nor a province they replaced."""


@dataclass(frozen=True)
class ProvinceFilter:
    """How a typed province was read: the 2025 province, and a note when it was mapped."""

    typed: str
    province: str
    note: str | None = None  # "Bình Thuận was merged into Lâm Đồng on 1 July 2025"


@functools.cache
def _by_key() -> dict[str, tuple[str, bool]]:
    """Folded, unaccented name (and alias) → (2025 province, the name is a former province)."""
    gaz = get_gazetteer()
    out: dict[str, tuple[str, bool]] = {}
    for alias, cand in gaz.province_names().items():
        out.setdefault(province_text_key(alias), (cand.province, bool(cand.is_old)))
    return out


def province_text_key(text: str) -> str:
    """``TP.HCM`` → ``hcm``, ``tỉnh Lâm Đồng`` → ``lam dong``, ``Đắk Lắk`` → ``dak lak``."""
    text = _TYPE_WORD.sub("", text.strip())
    return " ".join(strip_diacritics(fold(text)).replace("-", " ").replace("–", " ").split())


@functools.lru_cache(maxsize=1024)
def read_province(text: str) -> ProvinceFilter:
    """The 2025 province ``text`` names (type word, case, diacritics, abbreviations, former
    provinces all accepted). Raises :class:`UnknownProvince` for anything else."""
    typed = " ".join(str(text).split())
    key = province_text_key(typed)
    for candidate in (key, key.replace(" ", ""), key.replace(".", "").replace(" ", "")):
        got = _by_key().get(candidate)
        if got is None:
            continue
        province, former = got
        if former and province_text_key(province) != key:
            return ProvinceFilter(typed, province, f"{typed} was merged into {province} on 1 July 2025")
        return ProvinceFilter(typed, province)
    raise UnknownProvince(
        f"{typed!r} is not a province: give one of the 34 provinces of 2025 (or a former province, which is read as "
        "its successor), e.g. 'Lâm Đồng', 'lam dong', 'TP.HCM', 'Bình Thuận'"
    )
