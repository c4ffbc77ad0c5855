"""How much an article is about the two-tier local government rollout: a score in [0, 1].

Most of what a provincial paper publishes is not about the reform (sport, weather, festivals), yet
a monitor must not throw those articles away: the crawl keeps everything and this score lets a
reader filter (``WHERE relevance >= 0.5``) or sort. The score is a transparent sum, not a model, so
that anyone can see why an article ranks where it does and tune it by editing a data file:

* phrases from ``monitor/data/relevance_keywords.tsv`` (phrase, weight), matched on whole words in
  the folded text (``nlp.normalize.fold``), longest phrase first so that ``dịch vụ công trực
  tuyến`` is not also counted as ``dịch vụ công`` and ``trực tuyến``; each phrase counts up to
  ``MAX_REPEATS`` times, once more when it is in the title;
* the article's extracted facts: dossier counts, the reform's percentages (online share, on time,
  digitised, satisfaction) and 2025 communes/wards/special zones named (capped);
* the raw sum ``r`` becomes ``1 - exp(-r / SCALE)``, clamped to [0, 1] (a few strong signals
  already give ~0.8; nothing reaches 1 by repetition alone).

``articles.relevance_version`` records ``<RELEVANCE_VERSION>/<lexicon hash>/<extractor version>``:
an article is (re)scored when that differs from what the current code, lexicon and the article's
facts would write, so running the step twice writes nothing the second time, and editing the
lexicon or re-extracting facts re-scores exactly the articles concerned.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from db.faults import crash_point
from db.transaction import transaction
from nlp.normalize import fold

log = logging.getLogger(__name__)

__all__ = [
    "LEXICON_PATH",
    "RELEVANCE_VERSION",
    "Lexicon",
    "load_lexicon",
    "score_text",
    "score_articles",
    "relevance_version",
]

RELEVANCE_VERSION = "1"
LEXICON_PATH = Path(__file__).resolve().parent / "data" / "relevance_keywords.tsv"
MAX_REPEATS = 3
SCALE = 8.0

# Fact contributions (raw points): a dossier figure is the strongest sign of a report on a
# commune's public services; communes named only weakly (a football cup between communes names
# them too).
DOSSIER_FIRST, DOSSIER_EACH, DOSSIER_MAX_EXTRA = 1.5, 0.5, 3
PERCENT_EACH, PERCENT_MAX = 0.75, 3
PERCENT_INDICATORS = ("online_share", "on_time", "digitized", "satisfaction", "staff")
COMMUNE_EACH, COMMUNE_MAX = 0.5, 3
LOCAL_TYPES = ("xã", "phường", "đặc khu")


@dataclass(frozen=True)
class Lexicon:
    """Folded phrases with their weights, longest first, and a hash of the file that made them."""

    phrases: tuple[tuple[str, float, re.Pattern[str]], ...]
    digest: str


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # Whole words: no letter or digit right before or after (Vietnamese letters are \w in Python).
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)")


def load_lexicon(path: Path | str = LEXICON_PATH) -> Lexicon:
    """Read ``phrase<TAB>weight`` lines (``#`` comments, blank lines ignored).

    Raises ValueError naming the line on a malformed row: a silently skipped phrase would make
    the scores quietly wrong.
    """
    raw = Path(path).read_bytes()
    weights: dict[str, float] = {}
    for number, line in enumerate(raw.decode("utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise ValueError(f"{path}:{number}: expected 'phrase<TAB>weight', got {line!r}")
        phrase = fold(parts[0])
        try:
            weight = float(parts[1])
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: weight {parts[1]!r} is not a number") from exc
        if not phrase:
            raise ValueError(f"{path}:{number}: empty phrase")
        weights[phrase] = weight
    ordered = sorted(weights.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    return Lexicon(
        phrases=tuple((p, w, _phrase_pattern(p)) for p, w in ordered),
        digest=hashlib.sha256(raw).hexdigest()[:12],
    )


@lru_cache(maxsize=4)
def _cached_lexicon(path: str) -> Lexicon:
    return load_lexicon(path)


def relevance_version(lexicon: Lexicon, extractor_version: str | None) -> str:
    """What ``articles.relevance_version`` holds for a score made now from these inputs."""
    return f"{RELEVANCE_VERSION}/{lexicon.digest}/{extractor_version or '-'}"


def _count_matches(text: str, lexicon: Lexicon) -> dict[str, int]:
    """Occurrences per phrase, longest phrase first, each character counted for one phrase only."""
    taken = bytearray(len(text))
    counts: dict[str, int] = {}
    for phrase, _weight, pattern in lexicon.phrases:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            counts[phrase] = counts.get(phrase, 0) + 1
    return counts


def _fact_points(facts: dict[str, list[dict[str, Any]]] | None) -> float:
    if not facts:
        return 0.0
    points = 0.0
    dossiers = facts.get("dossiers") or []
    if dossiers:
        points += DOSSIER_FIRST + DOSSIER_EACH * min(len(dossiers) - 1, DOSSIER_MAX_EXTRA)
    percentages = [p for p in facts.get("percentages") or [] if p.get("indicator") in PERCENT_INDICATORS]
    points += PERCENT_EACH * min(len(percentages), PERCENT_MAX)
    communes = {
        (u.get("type"), u.get("name"))
        for u in facts.get("units") or []
        if u.get("type") in LOCAL_TYPES and not u.get("is_old")
    }
    points += COMMUNE_EACH * min(len(communes), COMMUNE_MAX)
    return points


def score_text(
    title: str | None,
    text: str,
    facts: dict[str, list[dict[str, Any]]] | None = None,
    lexicon: Lexicon | None = None,
) -> float:
    """The relevance of one article (title, main text, fact rows per table) in [0, 1], 3 decimals."""
    lexicon = lexicon or _cached_lexicon(str(LEXICON_PATH))
    weights = {p: w for p, w, _ in lexicon.phrases}
    raw = 0.0
    for phrase, n in _count_matches(fold(text or ""), lexicon).items():
        raw += weights[phrase] * min(n, MAX_REPEATS)
    for phrase in _count_matches(fold(title or ""), lexicon):
        raw += weights[phrase]
    raw += _fact_points(facts)
    score = 1.0 - math.exp(-max(raw, 0.0) / SCALE)
    return round(min(max(score, 0.0), 1.0), 3)


def _facts_by_article(db: Any, ids: list[int]) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """The fact columns the score reads, for a batch of articles (three queries, not 3 × N)."""
    out: dict[int, dict[str, list[dict[str, Any]]]] = {i: {} for i in ids}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    queries = {
        "dossiers": f"SELECT article_id, kind FROM dossiers WHERE article_id IN ({marks})",
        "percentages": f"SELECT article_id, indicator FROM percentages WHERE article_id IN ({marks})",
        "units": f"SELECT article_id, type, name, is_old FROM units WHERE article_id IN ({marks})",
    }
    for table, sql in queries.items():
        for row in db.query(sql, ids):
            out[row["article_id"]].setdefault(table, []).append(row)
    return out


def score_articles(
    store: Any,
    rescore: bool = False,
    lexicon_path: Path | str = LEXICON_PATH,
    batch: int = 500,
) -> dict[str, int]:
    """Score the processed articles whose score is missing or stale; return ``{"scored": n}``.

    Only articles whose facts have been extracted are scored (facts are part of the score); an
    article whose processing failed is scored on the night it is processed. With ``rescore``
    every processed article is scored again.
    """
    lexicon = load_lexicon(lexicon_path)
    prefix = relevance_version(lexicon, None).rsplit("/", 1)[0] + "/"
    where = "processed_at IS NOT NULL"
    params: list[Any] = []
    if not rescore:
        where += " AND (relevance IS NULL OR relevance_version IS NOT ? || coalesce(extractor_version, '-'))"
        params.append(prefix)
    db = store.db
    ids = [row[0] for row in db.execute(f"SELECT id FROM articles WHERE {where} ORDER BY id", params)]
    scored = 0
    for i in range(0, len(ids), batch):
        chunk = ids[i : i + batch]
        marks = ",".join("?" * len(chunk))
        rows = list(db.query(
            f"SELECT id, title, text, extractor_version FROM articles WHERE id IN ({marks})", chunk))
        facts = _facts_by_article(db, chunk)
        updates = [
            (score_text(r["title"], r["text"], facts[r["id"]], lexicon),
             relevance_version(lexicon, r["extractor_version"]), r["id"])
            for r in rows
        ]
        with transaction(db):
            db.conn.executemany("UPDATE articles SET relevance = ?, relevance_version = ? WHERE id = ?", updates)
            crash_point("relevance.scored")
        scored += len(updates)
    log.info("relevance: %d article(s) scored (lexicon %s)", scored, lexicon.digest)
    return {"scored": scored}
