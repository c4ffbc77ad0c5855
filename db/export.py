"""Export the facts as files a researcher can open anywhere: CSV, JSON Lines or Parquet.

One file per fact kind (units, officials, dossiers, percentages), each row flat (the views of
``db.views``) and carrying its provenance: the article URL, the published date, the sentence,
the character offsets into the stored article text and the extractor version. Anyone holding only
the file can therefore check a figure against its source, and tell which rules produced it.

Filters: ``since`` keeps facts of articles published on or after a date; ``province`` keeps facts
about a province (the unit's own province; for a dossier or percentage the province of its scope,
else the article's main province; for an official the place of the title, else the article's),
read by ``db.places``: ``nghe an``, ``Nghệ An``, ``tỉnh Nghệ An`` select the same, ``TP.HCM`` is
Hồ Chí Minh, a former province (``Bình Thuận``) selects its 2025 successor and says so, and a name
that is no province is an error.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from db.api import LOCAL_TZ, News, open_news
from db.places import province_text_key, read_province

log = logging.getLogger(__name__)

__all__ = ["export_facts", "EXPORT_KINDS", "FORMATS", "province_key"]

Format = Literal["csv", "jsonl", "parquet"]
FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")

# fact kind → the view that holds it flat, with its provenance
EXPORT_KINDS: dict[str, str] = {
    "units": "unit_facts",
    "officials": "official_facts",
    "dossiers": "dossier_facts",
    "percentages": "percentage_facts",
}
# rows in article order, then in the order the facts appear in it (stable diffs between exports)
_ORDER = {
    "unit_facts": "article_id, n",
    "official_facts": "article_id, official_n, title_n",
    "dossier_facts": "article_id, n",
    "percentage_facts": "article_id, n",
}

def province_key(name: str | None) -> str | None:
    """The comparison key of a province name (``db.places``' own): folded, without ``tỉnh``/``thành
    phố``, unaccented."""
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return None
    return province_text_key(str(name)) or None


def _since_bound(since: str) -> tuple[str, pd.Timestamp]:
    """``since`` as (date prefix for SQL, exact local timestamp); a bare date is local midnight."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", since.strip()):
            day = date.fromisoformat(since.strip())
            moment = pd.Timestamp(day).tz_localize(LOCAL_TZ)
        else:
            moment = pd.Timestamp(datetime.fromisoformat(since.strip()))
            moment = moment.tz_localize(LOCAL_TZ) if moment.tzinfo is None else moment.tz_convert(LOCAL_TZ)
    except ValueError as exc:
        raise ValueError(f"since must be an ISO date (2025-07-01) or datetime, not {since!r}") from exc
    return moment.strftime("%Y-%m-%d"), moment


def _read(news: News, view: str, since: str | None) -> pd.DataFrame:
    """A fact view, pre-filtered in SQL on the published day (the exact bound is applied after)."""
    if since is None:
        return news.sql(f"SELECT * FROM {view} ORDER BY {_ORDER[view]}")
    day, moment = _since_bound(since)
    frame = news.sql(
        f"SELECT * FROM {view} WHERE substr(published, 1, 10) >= ? ORDER BY {_ORDER[view]}", [day]
    )
    return frame[frame["published"].notna() & (frame["published"] >= moment)].reset_index(drop=True)


def _filter_province(frame: pd.DataFrame, province: str) -> pd.DataFrame:
    """The rows of the 2025 *province* (already read by ``read_province``)."""
    key = province_key(province)
    column = frame["province"].astype("object")
    if "article_province" in frame:  # an official with no place in the title: the article's province
        column = column.where(column.notna(), frame["article_province"].astype("object"))
    keys = column.map(province_key)
    return frame[keys == key].reset_index(drop=True)


def _iso_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as ISO 8601 strings with their offset, for the text formats (pandas would
    write ``2025-07-02 08:20:00+07:00`` in CSV and convert to UTC milliseconds in JSON)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(lambda t: t.isoformat() if pd.notna(t) else None).astype("object")
    return out


def _json_default(value: object) -> object:
    """numpy scalars (int64, bool_) that ``json`` does not know, as plain Python values."""
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    return str(value)


def _write(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "csv":
        _iso_text(frame).to_csv(path, index=False, encoding="utf-8")
    elif fmt == "jsonl":
        # json.dumps rather than DataFrame.to_json, which writes every URL as http:\/\/…
        plain = _iso_text(frame).astype("object")
        plain = plain.where(plain.notna(), None)
        with path.open("w", encoding="utf-8") as handle:
            for record in plain.to_dict("records"):
                handle.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")
    else:
        try:
            import pyarrow  # noqa: F401  (pandas needs it for parquet; say so plainly if missing)
        except ImportError as exc:
            raise RuntimeError("parquet export needs pyarrow: pip install pyarrow") from exc
        frame.to_parquet(path, index=False, engine="pyarrow")


def export_facts(
    db_path: str | Path,
    out_dir: str | Path,
    fmt: Format = "csv",
    since: str | None = None,
    province: str | None = None,
) -> list[Path]:
    """Write ``units``, ``officials``, ``dossiers`` and ``percentages`` files into ``out_dir``.

    ``fmt`` is ``csv``, ``jsonl`` or ``parquet``; ``since`` an ISO date or datetime (facts of
    articles published from then on; articles with no date are left out when it is given);
    ``province`` a province name (folded compare). The database is opened read-only. Returns the
    paths written, in that kind order; a kind with no rows still gets its file (a CSV header, an
    empty JSON Lines file, a Parquet file with the schema), so scripts can rely on all four.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if since is not None:
        _since_bound(since)  # fail on a bad date before writing anything
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file: export writes one file per kind into a folder; give a folder")
    paths: list[Path] = []
    with open_news(db_path, check=True) as news:
        out.mkdir(parents=True, exist_ok=True)
        if province is not None:
            read = read_province(province)  # an unknown name is an error, not an empty export
            if read.note:
                log.warning("%s: exporting the facts of %s", read.note, read.province)
        for kind, view in EXPORT_KINDS.items():
            frame = _read(news, view, since)
            if province is not None:
                frame = _filter_province(frame, read.province)
            path = out / f"{kind}.{fmt}"
            _write(frame, path, fmt)
            log.info("wrote %d %s to %s", len(frame), kind, path)
            paths.append(path)
    return paths
