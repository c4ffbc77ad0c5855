"""Near-duplicate stories: the same text republished by several sites is linked as one story.

Provincial papers reprint each other, the national outlets and the provincial portal, often word
for word with a new headline or a trimmed intro. Counted naively, one commune's dossier figures
reprinted by four papers look like four reports. Here every article gets ``articles.story_id``:
the smallest article id of its cluster of near-duplicates (its own id when it has none), so that

* the ``stories`` view (schema migration 5) lists each story once with its articles, sites, first
  publication date and title;
* aggregates that should count a story once count ``DISTINCT story_id`` instead of articles
  (e.g. ``SELECT count(DISTINCT a.story_id) FROM dossier_facts d JOIN articles a ON a.id =
  d.article_id``).

Method (pure Python + numpy, which pandas already brings; ``datasketch`` would do the same but is
one more dependency for ~60 lines):

* text → ``nlp.normalize.fold`` → words (``\\w+``, punctuation dropped) → the set of word 5-grams
  (shingles); articles with fewer than ``MIN_WORDS`` words are left alone (a caption or a teaser
  is not evidence of a shared story);
* MinHash signature of ``NUM_PERM`` = ``BANDS × ROWS`` = 40 × 3 values (multiply-shift hashing of
  64-bit blake2b shingle hashes; fixed seed, so signatures are stable across runs and machines);
* LSH: each band of 3 values is hashed to a bucket stored in ``story_bands(band, bucket,
  article_id)``; a new article is compared only with articles sharing at least one bucket, so
  linking is incremental and not quadratic. A pair with Jaccard 0.5 shares a bucket with
  probability 1 - (1 - 0.5³)⁴⁰ ≈ 0.995; at 0.1 ≈ 0.04;
* candidates are verified on the exact shingle sets: **same story when Jaccard ≥ 0.5, or when
  ≥ 80 % of the shorter article's shingles are in the longer one** (a trimmed reprint) and the
  shorter has at least ``MIN_CONTAINED`` shingles.

A new article that matches articles of two stories merges them (the smaller id wins everywhere).
Running the step twice changes nothing: only articles with ``story_id IS NULL`` are linked.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from db.faults import crash_point
from db.transaction import transaction
from nlp.normalize import fold

log = logging.getLogger(__name__)

__all__ = [
    "SHINGLE",
    "JACCARD_THRESHOLD",
    "CONTAINMENT_THRESHOLD",
    "shingles",
    "signature",
    "band_buckets",
    "similarity",
    "link_stories",
]

SHINGLE = 5
BANDS, ROWS = 40, 3
NUM_PERM = BANDS * ROWS
JACCARD_THRESHOLD = 0.5
CONTAINMENT_THRESHOLD = 0.8
MIN_WORDS = 20
MIN_CONTAINED = 30
SEED = 20250701  # the day the two-tier government started; any fixed number would do

_WORD = re.compile(r"\w+")
_rng = random.Random(SEED)
_A = np.array([_rng.getrandbits(64) | 1 for _ in range(NUM_PERM)], dtype=np.uint64)[:, None]
_B = np.array([_rng.getrandbits(64) for _ in range(NUM_PERM)], dtype=np.uint64)[:, None]
_SHIFT = np.uint64(32)


def shingles(text: str) -> set[str]:
    """The word 5-grams of the folded text (empty when it has fewer than ``MIN_WORDS`` words)."""
    words = _WORD.findall(fold(text or ""))
    if len(words) < MIN_WORDS:
        return set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "little")


def signature(grams: set[str]) -> np.ndarray:
    """MinHash signature (``NUM_PERM`` uint64 values) of a non-empty shingle set."""
    x = np.fromiter((_hash64(g) for g in grams), dtype=np.uint64, count=len(grams))[None, :]
    # (a·x + b) mod 2^64, high 32 bits: multiply-shift hashing; uint64 arrays wrap silently.
    return ((_A * x + _B) >> _SHIFT).min(axis=1)


def band_buckets(sig: np.ndarray) -> list[tuple[int, int]]:
    """``(band, bucket)`` per LSH band; buckets are signed 64-bit so SQLite stores them as integers."""
    out = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].astype("<u8").tobytes()
        bucket = int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little", signed=True)
        out.append((band, bucket))
    return out


def similarity(a: set[str], b: set[str]) -> tuple[float, float]:
    """``(jaccard, containment of the smaller set in the larger)`` of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0
    common = len(a & b)
    return common / len(a | b), common / min(len(a), len(b))


def same_story(a: set[str], b: set[str]) -> bool:
    """The documented rule: Jaccard ≥ 0.5, or a trimmed reprint (containment ≥ 0.8, long enough)."""
    jaccard, contained = similarity(a, b)
    return jaccard >= JACCARD_THRESHOLD or (
        contained >= CONTAINMENT_THRESHOLD and min(len(a), len(b)) >= MIN_CONTAINED
    )


def _candidates(db: Any, buckets: list[tuple[int, int]]) -> list[int]:
    values = ",".join("(?, ?)" for _ in buckets)
    params = [v for pair in buckets for v in pair]
    sql = f"SELECT DISTINCT article_id FROM story_bands WHERE (band, bucket) IN (VALUES {values})"
    return [row[0] for row in db.execute(sql, params)]


def _link_one(db: Any, article_id: int, grams_of: Callable[[int], set[str]]) -> int | None:
    """Link one article; return None when it starts its own story, else how many other stories
    it merged (0 when it simply joined one)."""
    grams = grams_of(article_id)
    story, absorbed = article_id, None
    if grams:
        buckets = band_buckets(signature(grams))
        matches = [c for c in _candidates(db, buckets) if c != article_id and same_story(grams, grams_of(c))]
        if matches:
            marks = ",".join("?" * len(matches))
            stories = {row[0] for row in db.execute(f"SELECT story_id FROM articles WHERE id IN ({marks})", matches)}
            story = min(stories | {article_id})
            others = sorted(stories - {story})
            if others:
                marks = ",".join("?" * len(others))
                db.execute(f"UPDATE articles SET story_id = ? WHERE story_id IN ({marks})", [story, *others])
            absorbed = len(others)
        db.conn.executemany(
            "INSERT OR IGNORE INTO story_bands (band, bucket, article_id) VALUES (?, ?, ?)",
            [(band, bucket, article_id) for band, bucket in buckets],
        )
    db.execute("UPDATE articles SET story_id = ? WHERE id = ?", [story, article_id])
    return absorbed


def link_stories(store: Any, batch: int = 200) -> dict[str, int]:
    """Give every article without one a ``story_id``; return counts.

    ``linked``: articles given a story_id; ``joined``: of those, how many joined (or merged) an
    existing story rather than starting their own; ``merged``: stories absorbed into another.
    """
    db = store.db
    todo = [row[0] for row in db.execute("SELECT id FROM articles WHERE story_id IS NULL ORDER BY id")]
    cache: dict[int, set[str]] = {}  # shingles of articles read in this run (candidates repeat)

    def grams_of(article_id: int) -> set[str]:
        if article_id not in cache:
            row = db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
            cache[article_id] = shingles(row[0] if row else "")
        return cache[article_id]

    linked = joined = merged = 0
    for i in range(0, len(todo), batch):
        # One transaction per batch (``db.transaction``): a merge rewrites other articles' story_id
        # and adds band rows; killed half-way, none of the batch is linked and the next night
        # starts it again, rather than leaving articles linked without their bands.
        with transaction(db):
            for article_id in todo[i : i + batch]:
                absorbed = _link_one(db, article_id, grams_of)
                linked += 1
                if absorbed is not None:
                    joined += 1
                    merged += absorbed
                crash_point("stories.linked")
        if len(cache) > 20_000:  # bound memory on a first run over a large archive
            cache.clear()
    log.info("stories: %d article(s) linked, %d joined an existing story, %d merged", linked, joined, merged)
    return {"linked": linked, "joined": joined, "merged": merged}
