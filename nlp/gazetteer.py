"""The administrative-unit gazetteer: 2025 units, pre-2025 units and the lineage between them.

Two libraries hold what we need and neither holds all of it:

* ``vietnam-provinces`` has the official 2025 list (34 provinces, 3,321 communes/wards/special
  zones) with official codes; the database's reference tables come from it, so its codes are
  the codes we report.
* ``vietnamadminunits`` ships an SQLite file with the pre-2025 units (63 provinces, ~700
  districts, ~10,000 communes) and a JSON file with the old→new commune lineage, plus
  coordinates for both.

Articles name units of both periods (``phường Tương Mai (cũ)``, ``huyện Tam Đảo``,
``tỉnh Quảng Nam``), so one index over both answers every name, keyed by the folded name
(:func:`nlp.normalize.fold`) so that case and tone-mark placement do not matter. Every old unit
carries its 2025 province, and its 2025 successor codes where the lineage knows them.

The index is built once per process (:func:`get_gazetteer`); building it reads ~14,000 rows and
takes a fraction of a second (see ``tests/test_gazetteer.py`` for the measured bound).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import pickle
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.normalize import fold, strip_diacritics

log = logging.getLogger(__name__)

__all__ = [
    "Candidate",
    "Gazetteer",
    "get_gazetteer",
    "provinces_2025",
    "wards_2025",
    "province_of_old",
    "short_name",
    "name_key",
    "PROVINCE_TYPES",
    "COMMUNE_TYPES",
    "DISTRICT_TYPES",
]

DATA_DIR = Path(__file__).parent / "data"

PROVINCE_TYPES = ("tỉnh", "thành phố")
COMMUNE_TYPES = ("xã", "phường", "đặc khu", "thị trấn")
DISTRICT_TYPES = ("huyện", "quận", "thị xã", "thành phố")

_TYPE_PREFIX = re.compile(r"^(Thành phố|Tỉnh|Phường|Xã|Đặc khu|Thị trấn|Thị xã|Huyện|Quận)\s+", re.IGNORECASE)
# A syllable-final "y" after a consonant is written "i" by some (Vỹ Dạ / Vĩ Dạ, Mỹ / Mĩ): a
# second key unifies them. "uy", "ay", "ây" are real diphthongs and keep their "y".
_FINAL_Y = re.compile(r"(?<=[^\W\daăâeêioôơuưy])([yỳýỷỹỵ])\b")
_Y_TO_I = str.maketrans("yỳýỷỹỵ", "iìíỉĩị")


def short_name(name: str) -> str:
    """``Thành phố Hà Nội`` → ``Hà Nội``, ``Xã Đông Giang`` → ``Đông Giang``."""
    return _TYPE_PREFIX.sub("", name or "").strip()


@functools.lru_cache(maxsize=1 << 17)
def name_key(name: str) -> str:
    """The lookup key of a name: folded, spaces collapsed, dashes spaced, final y written i (memoised)."""
    key = fold(name).replace("’", "'").replace("‘", "'")
    key = re.sub(r"\s*[-–—]\s*", " - ", key)
    key = _FINAL_Y.sub(lambda m: m.group(1).translate(_Y_TO_I), key)
    return " ".join(key.split())


# The Central Highlands' ethnic-minority names are written several ways: `Đăk`/`Đắk`/`Đak`/`Dak`,
# `Ya`/`Ia`, with or without the apostrophe (`Ea H'leo`, `Ea H’Leo`, `Ea Hleo`). One variant key
# folds them (``Gazetteer.variants``, ``lookup_any_spelling``).
_DAK_RE = re.compile(r"(?<!\S)(?:đăk|đắk|đak|dak|đăc|đắc|đác|đak)(?!\S)")
_YA_RE = re.compile(r"(?<!\S)ya(?!\S)")


@functools.lru_cache(maxsize=1 << 16)
def variant_key(key: str) -> str:
    """The spelling-variant key of a name key (``name_key``): apostrophes dropped, the `Đăk`
    family written `đắk`, a syllable `ya` written `ia`."""
    return _YA_RE.sub("ia", _DAK_RE.sub("đắk", key.replace("'", "")))


@dataclass(frozen=True)
class Candidate:
    """One unit a name may refer to.

    ``code`` is the official code of the period the unit belongs to (2025 codes for 2025 units,
    pre-2025 GSO codes for old ones: the two code spaces overlap, so read ``is_old`` with it).
    ``province`` is always the 2025 province, written without ``Tỉnh``/``Thành phố``.
    ``successors`` are the 2025 codes an old unit went into (province code for old provinces,
    commune codes for old districts and communes); empty for 2025 units.
    """

    code: int
    type: str
    name: str
    province: str
    province_code: int
    is_old: bool
    level: str  # "province" | "district" | "commune"
    successors: tuple[int, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    parent: str | None = None  # the old district of an old commune, for display


def _vam_data_dir() -> Path:
    """vietnamadminunits' data folder, found without importing the package (its import pulls
    in pandas and its parsers: 0.7 s we do not need, since we only read its data files)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_tsv(path: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    if not path.exists():
        return rows
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([c.strip() for c in line.split("\t")])
    return rows


def _province_type(full_name: str) -> str:
    return "thành phố" if full_name.lower().startswith("thành phố") else "tỉnh"


def provinces_2025() -> Iterator[dict[str, Any]]:
    """One row per 2025 province (official code, short name, type, coordinates when known)."""
    gaz = get_gazetteer()
    for cand in gaz.provinces:
        yield {
            "code": cand.code,
            "name": cand.name,
            "type": cand.type,
            "latitude": cand.latitude,
            "longitude": cand.longitude,
        }


def wards_2025() -> Iterator[dict[str, Any]]:
    """One row per 2025 commune, ward or special zone, with its province and coordinates."""
    gaz = get_gazetteer()
    for cand in gaz.wards:
        yield {
            "code": cand.code,
            "name": cand.name,
            "type": cand.type,
            "province_code": cand.province_code,
            "province": cand.province,
            "latitude": cand.latitude,
            "longitude": cand.longitude,
        }


class Gazetteer:
    """Name → candidate units, over 2025 and pre-2025 units. Build with :func:`get_gazetteer`."""

    def __init__(self) -> None:
        self.provinces: list[Candidate] = []
        self.wards: list[Candidate] = []
        self.old: list[Candidate] = []
        self._by_key: dict[str, list[Candidate]] = defaultdict(list)
        self._province_alias: dict[str, str] = {}  # name key → gazetteer spelling of a province
        self._old_province: dict[str, Candidate] = {}  # name key → old province candidate
        self._new_province: dict[str, Candidate] = {}  # name key → 2025 province candidate
        self.central_cities: frozenset[str] = frozenset()
        self._build()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        from vietnam_provinces import Province, Ward

        official = self._read_official_ward_codes()
        coords_new, coords_prov = self._new_coordinates(official)
        for p in Province.iter_all():
            code = int(p.code.value)
            name = short_name(p.name)
            lat, lon = coords_prov.get(code, (None, None))
            cand = Candidate(
                code, _province_type(p.name), name, name, code, False, "province", latitude=lat, longitude=lon
            )
            self.provinces.append(cand)
            self._new_province[name_key(name)] = cand
        prov_by_code = {c.code: c for c in self.provinces}
        for w in Ward.iter_all():
            code = int(w.code.value)
            pcode = int(w.province_code.value)
            lat, lon = coords_new.get(code, (None, None))
            self.wards.append(
                Candidate(
                    code,
                    w.division_type.value,
                    short_name(w.name),
                    prov_by_code[pcode].name,
                    pcode,
                    False,
                    "commune",
                    latitude=lat,
                    longitude=lon,
                )
            )
        cities = [ln.strip() for ln in _read_lines(DATA_DIR / "unit_central_cities.txt")]
        self.central_cities = frozenset(name_key(c) for c in cities)
        self._build_old(prov_by_code, official)
        for cand in [*self.provinces, *self.wards, *self.old]:
            self._by_key[name_key(cand.name)].append(cand)
        for alias, canonical, *_ in _read_tsv(DATA_DIR / "unit_province_aliases.tsv"):
            self._province_alias[name_key(alias)] = canonical
            target = self._new_province.get(name_key(canonical)) or self._old_province.get(name_key(canonical))
            if target is not None and alias and name_key(alias) != name_key(target.name):
                self._by_key[name_key(alias)].append(target)
        # Variant key → the index's keys a variant spelling can stand for (built once, pickled with it).
        variants: dict[str, list[str]] = defaultdict(list)
        for key in self._by_key:
            v = variant_key(key)
            if v != key or "đắk" in v or v.startswith("ia ") or " ia " in v:
                variants[v].append(key)
        self.variants: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in variants.items()}

    def _read_official_ward_codes(self) -> dict[int, int]:
        """:meth:`_official_ward_codes` of the installed vietnamadminunits (empty without it)."""
        try:
            with sqlite3.connect(f"file:{_vam_data_dir() / 'dataset.db'}?mode=ro", uri=True) as con:
                return self._official_ward_codes(con)
        except Exception:  # no dataset: no points and no lineage, said where each is read
            log.debug("vietnamadminunits' communes not readable", exc_info=True)
            return {}

    def _new_coordinates(
        self, official: dict[int, int]
    ) -> tuple[dict[int, tuple[float, float]], dict[int, tuple[float, float]]]:
        """Official code → point of the 2025 communes and provinces, from vietnamadminunits.

        That package files some 2025 communes under codes of its own (``Phường Láng`` is its 199,
        the official 187, which is its Ngọc Khánh…): its codes are translated to the official ones
        by province and full name (:meth:`_official_ward_codes`), never trusted as they are."""
        wards: dict[int, tuple[float, float]] = {}
        provinces: dict[int, tuple[float, float]] = {}
        try:
            with sqlite3.connect(f"file:{_vam_data_dir() / 'dataset.db'}?mode=ro", uri=True) as con:
                for pcode, plat, plon, wcode, wlat, wlon in con.execute(
                    "select provinceCode, provinceLat, provinceLon, wardCode, wardLat, wardLon from admin_units"
                ):
                    code = official.get(int(wcode)) if wcode else None
                    if code is not None and wlat is not None and wlon is not None:
                        wards[code] = (wlat, wlon)
                    if pcode:
                        provinces[int(pcode)] = (plat, plon)
        except Exception:  # coordinates are a bonus: never fail the gazetteer for them
            log.debug("no coordinates for 2025 units", exc_info=True)
        return wards, provinces

    @staticmethod
    def _official_ward_codes(con: sqlite3.Connection) -> dict[int, int]:
        """vietnamadminunits' 2025 commune code → the official code (vietnam-provinces).

        Matched by province code and full name with its diacritics (``Xã Sơn Hà`` and ``Xã Sơn Hạ``
        are two communes of one province), punctuation aside (apostrophes and dashes are written
        several ways), else by the name without diacritics where that is unique in the province. A
        commune neither finds is left out: it gets no point from here and no old unit is said to
        have gone into it, rather than a neighbour's point or lineage."""
        from vietnam_provinces import Ward

        def letters(name: str) -> str:  # ``Cư M’gar`` and ``Cư M'gar``, ``Chân Mây – Lăng Cô`` and ``Chân Mây-Lăng Cô``
            return re.sub(r"[\W_]+", "", fold(name))

        by_name: dict[tuple[int, str], list[int]] = defaultdict(list)
        bare: dict[tuple[int, str], list[int]] = defaultdict(list)
        for ward in Ward.iter_all():
            code, pcode = int(ward.code.value), int(ward.province_code.value)
            by_name[(pcode, letters(ward.name))].append(code)
            bare[(pcode, letters(strip_diacritics(ward.name)))].append(code)
        out: dict[int, int] = {}
        unmatched = 0
        for pcode, wcode, ward_name in con.execute("select provinceCode, wardCode, ward from admin_units"):
            if not wcode or not pcode:
                continue
            codes = by_name.get((int(pcode), letters(ward_name or ""))) or []
            if len(codes) != 1:
                codes = bare.get((int(pcode), letters(strip_diacritics(ward_name or "")))) or []
            code = codes[0] if len(codes) == 1 else None
            if code is None:
                unmatched += 1
                continue
            out[int(wcode)] = code
        if unmatched:
            log.debug("%d vietnamadminunits communes not matched to an official code", unmatched)
        return out

    def _build_old(self, prov_by_code: dict[int, Candidate], official: dict[int, int]) -> None:
        """Pre-2025 provinces, districts and communes with 2025 province and successors."""
        data_dir = _vam_data_dir()
        try:
            conv = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))
        except Exception:
            log.warning("vietnamadminunits converter data missing: no old→new lineage")
            conv = {}
        # old province key ("tinhquangnam") → new province key ("thanhphodanang")
        old_to_new_prov: dict[str, str] = {}
        for new_key, olds in conv.get("DICT_PROVINCE", {}).items():
            for old_key in olds:
                old_to_new_prov[old_key] = new_key
        try:
            con = sqlite3.connect(f"file:{data_dir / 'dataset.db'}?mode=ro", uri=True)
        except Exception:
            log.warning("vietnamadminunits dataset missing: no pre-2025 units")
            return
        with con:
            new_ward_code: dict[tuple[str, str], int] = {}
            new_prov_code: dict[str, int] = {}
            for pkey, wkey, wcode, pcode in con.execute(
                "select provinceKey, wardKey, wardCode, provinceCode from admin_units"
            ):
                new_prov_code[pkey] = int(pcode)
                if int(wcode) in official:  # its lineage is keyed by name: translate to official codes
                    new_ward_code[(pkey, wkey)] = official[int(wcode)]
            # old commune key "prov_dist_ward" → set of new commune codes
            succ: dict[str, set[int]] = defaultdict(set)
            for new_pkey, wards in conv.get("DICT_PROVINCE_WARD_NO_DIVIDED", {}).items():
                for new_wkey, old_keys in wards.items():
                    code = new_ward_code.get((new_pkey, new_wkey))
                    if code is None:
                        continue
                    for old_key in old_keys:
                        succ[old_key].add(code)
            for new_pkey, olds in conv.get("DICT_PROVINCE_WARD_DIVIDED", {}).items():
                for old_key, targets in olds.items():
                    for t in targets:
                        code = new_ward_code.get((new_pkey, t.get("newWardKey")))
                        if code is not None:
                            succ[old_key].add(code)

            rows = con.execute(
                "select province, provinceShort, provinceCode, provinceLat, provinceLon, provinceKey,"
                " district, districtShort, districtType, districtCode, districtLat, districtLon,"
                " districtKey, ward, wardShort, wardType, wardCode, wardLat, wardLon, wardKey"
                " from admin_units_legacy"
            ).fetchall()
        provinces: dict[str, Candidate] = {}
        districts: dict[tuple[str, str], dict[str, Any]] = {}
        for (
            prov,
            pshort,
            pcode,
            plat,
            plon,
            pkey,
            dist,
            dshort,
            dtype,
            dcode,
            dlat,
            dlon,
            dkey,
            ward,
            wshort,
            wtype,
            wcode,
            wlat,
            wlon,
            wkey,
        ) in rows:
            new_code = new_prov_code.get(old_to_new_prov.get(pkey, ""), 0)
            new_prov = prov_by_code.get(new_code)
            if new_prov is None:
                continue
            if pkey not in provinces:
                provinces[pkey] = Candidate(
                    int(pcode),
                    _province_type(prov),
                    pshort,
                    new_prov.name,
                    new_code,
                    True,
                    "province",
                    (new_code,),
                    plat,
                    plon,
                )
            if dist and (pkey, dkey) not in districts:
                districts[(pkey, dkey)] = {
                    "code": int(dcode),
                    "type": (dtype or "").lower(),
                    "name": dshort,
                    "lat": dlat,
                    "lon": dlon,
                    "succ": set(),
                }
            if ward and wcode:
                s = succ.get(f"{pkey}_{dkey}_{wkey}", set())
                if dist:
                    districts[(pkey, dkey)]["succ"].update(s)
                self.old.append(
                    Candidate(
                        int(wcode),
                        (wtype or "").lower(),
                        wshort,
                        new_prov.name,
                        new_code,
                        True,
                        "commune",
                        tuple(sorted(s)),
                        wlat,
                        wlon,
                        parent=dshort,
                    )
                )
        for (pkey, _), d in districts.items():
            p = provinces[pkey]
            self.old.append(
                Candidate(
                    d["code"],
                    d["type"],
                    d["name"],
                    p.province,
                    p.province_code,
                    True,
                    "district",
                    tuple(sorted(d["succ"])),
                    d["lat"],
                    d["lon"],
                    parent=p.name,
                )
            )
        for cand in provinces.values():
            key = name_key(cand.name)
            self._old_province[key] = cand
            # An old province with the same name as its 2025 successor (Hà Nội, Lào Cai…) is
            # answered by the 2025 unit alone; the old one stays reachable via province_of_old.
            if key not in self._new_province:
                self.old.append(cand)

    # ------------------------------------------------------------------ queries
    def lookup(self, name: str, type: str | None = None, *, old: bool | None = None) -> list[Candidate]:
        """The units that ``name`` may denote, 2025 units first.

        ``type`` filters on the unit type (``thành phố`` matches both centrally-run cities and
        old provincial cities); ``old`` keeps only old (True) or only 2025 (False) units. The name
        may carry its type word (``Xã Tân Hòa``) and any case or tone-mark placement.
        """
        if not name:
            return []
        key = name_key(name)
        found = self._by_key.get(key)
        if found is None:
            stripped = name_key(short_name(name.strip()))
            found = self._by_key.get(stripped, [])
        if not found and type and name.strip().isdigit():
            # Numbered units are named with their type (`Quận 4`, `Phường 12`); the text writes `quận 4`.
            found = self._by_key.get(name_key(f"{type} {name.strip()}"), [])
        result = [c for c in found if (type is None or c.type == type) and (old is None or c.is_old == old)]
        result.sort(key=lambda c: (c.is_old, c.level != "province", c.code))
        return result

    def spellings(self, name: str) -> list[str]:
        """The index's other spellings of the name's variant (``Đăk Tô`` → ``đắk tô``)."""
        key = name_key(name)
        return [k for k in self.variants.get(variant_key(key), ()) if k != key]

    def lookup_any_spelling(self, name: str, type: str | None = None) -> list[Candidate]:
        """``lookup``, else the units of the name's other spellings (``Đăk Mil`` finds xã Đắk Mil)."""
        found = self.lookup(name, type)
        if found:
            return found
        return [c for n in self.spellings(name) for c in self.lookup(n, type)]

    def has_name(self, name: str) -> bool:
        """Whether any unit of any period and level has this name."""
        return name_key(name) in self._by_key

    def all_name_keys(self) -> Iterable[str]:
        """Every name key in the index (for building phrase matchers)."""
        return self._by_key.keys()

    def province(self, name: str) -> Candidate | None:
        """The province a name denotes: a 2025 province, else an old one, aliases included."""
        key = name_key(name)
        canonical = self._province_alias.get(key)
        if canonical:
            key = name_key(canonical)
        return self._new_province.get(key) or self._old_province.get(key)

    def province_2025(self, name: str) -> str | None:
        """The 2025 province a province name (2025, old or alias) belongs to, else None."""
        cand = self.province(name)
        return cand.province if cand else None

    def province_names(self) -> dict[str, Candidate]:
        """Name key → province candidate for every 2025 and old province name and alias."""
        out: dict[str, Candidate] = {**self._old_province, **self._new_province}
        for alias, canonical in self._province_alias.items():
            cand = self.province(canonical)
            if cand is not None:
                out.setdefault(alias, cand)
        return out

    def is_central_city(self, name: str) -> bool:
        """Whether the name is one of the six centrally-run cities of 2025 (aliases included)."""
        cand = self.province(name)
        return cand is not None and not cand.is_old and name_key(cand.name) in self.central_cities

    def province_of_old(self, name: str) -> str | None:
        """2025 successor province of a province name, old or new (``Quảng Nam`` → ``Đà Nẵng``)."""
        return self.province_2025(name)


def _read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


_CACHE_SCHEMA = "1"


def _cache_path() -> Path | None:
    """Where the built index is pickled: keyed by library versions and our data files, so an
    upgrade or an edited alias list rebuilds it. ``VN_LOCAL_PRESS_CACHE=off`` disables it."""
    root = os.environ.get("VN_LOCAL_PRESS_CACHE")
    if root == "off":
        return None
    base = Path(root) if root else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "vn-local-press"
    digest = hashlib.sha256(_CACHE_SCHEMA.encode())
    for dist in ("vietnam-provinces", "vietnamadminunits"):
        try:
            digest.update(importlib.metadata.version(dist).encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(b"-")
    for path in sorted(DATA_DIR.glob("unit_*")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return base / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


@functools.lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer: unpickled from the user cache (~0.05 s) when a build for the
    same library versions and data files is there, else built (~0.4 s) and cached."""
    path: Path | None = None
    try:
        path = _cache_path()
        if path is not None and path.exists():
            with path.open("rb") as fh:
                gaz = pickle.load(fh)
            if isinstance(gaz, Gazetteer):
                return gaz
    except Exception:
        log.debug("gazetteer cache unreadable; rebuilding", exc_info=True)
    gaz = Gazetteer()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except Exception:
            log.debug("gazetteer cache not written", exc_info=True)
    return gaz


def province_of_old(name: str) -> str | None:
    """2025 successor province of an old (or current) province name; None when unknown."""
    return get_gazetteer().province_of_old(name)
