"""Regression floor and exact scores on the dev gold.

The floors live in ``tests/dev_gold_floor.json`` with the SHA-256 of the gold file they were
measured on (as trafilatura's CI pins its benchmark): an edit of the gold cannot move the
scores silently. Raise the floors when the extractors improve. Its ``exact`` block holds the
counts and attribute scores as last measured on purpose (spec v2, extractor 0.3.0); the second test
keeps them exactly, so that making processing faster cannot change what is extracted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from nlp.evaluate import score
from pipeline import predict

pytestmark = pytest.mark.slow

FLOOR_FILE = Path(__file__).with_name("dev_gold_floor.json")


def test_dev_gold_scores_stay_above_their_floors(shared_dir: Path) -> None:
    gold_path = shared_dir / "dev" / "gold.jsonl"
    floors = json.loads(FLOOR_FILE.read_text())
    digest = hashlib.sha256(gold_path.read_bytes()).hexdigest()
    assert digest == floors["gold_sha256"], (
        "../shared/dev/gold.jsonl changed since the floors were measured: re-run "
        "`pipeline.py evaluate ../shared/dev/gold.jsonl` and update tests/dev_gold_floor.json"
    )
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    predictions = predict(gold)
    scores = score(gold, predictions)
    for kind, floor in floors["f1"].items():
        assert scores[kind].f1 >= floor, f"{kind} F1 {scores[kind].f1:.3f} fell below its floor {floor}"
    for name, floor in floors.get("attributes", {}).items():
        kind, attribute = name.split(".")
        value = scores[kind].attribute(attribute)
        assert value is not None and value >= floor, f"{name} {value} fell below its floor {floor}"


def test_dev_gold_scores_are_exactly_the_recorded_ones(shared_dir: Path) -> None:
    """Processing work (lazy analysis, parallel workers) must not move a single count: the scores
    are the recorded ones, to the fact and to the attribute (scope, period and qualifier included)."""
    gold_path = shared_dir / "dev" / "gold.jsonl"
    exact = json.loads(FLOOR_FILE.read_text())["exact"]
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    scores = score(gold, predict(gold))
    for kind, expected in exact.items():
        got = scores[kind].as_dict()
        assert {k: got[k] for k in ("gold", "predicted", "matched")} == {
            k: expected[k] for k in ("gold", "predicted", "matched")
        }, kind
        assert got["attributes"] == expected["attributes"], kind
