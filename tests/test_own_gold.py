"""A second regression floor on the project's own evaluation set (tests/data/own_gold.jsonl).

The dev gold is what the rules were tuned on; this set was written separately, in other styles,
to estimate how the rules do on articles they have not seen (as reviewers' held-out set does).
It ships with the project (our own text), so this test runs everywhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.evaluate import score
from pipeline import predict

pytestmark = pytest.mark.slow

DATA = Path(__file__).with_name("data")
FLOORS = json.loads((DATA / "own_gold_floor.json").read_text())


def test_own_gold_scores_stay_above_their_floors() -> None:
    gold = [json.loads(line) for line in (DATA / "own_gold.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    scores = score(gold, predict(gold))
    for kind, floor in FLOORS["f1"].items():
        assert scores[kind].f1 >= floor, f"{kind} F1 {scores[kind].f1:.3f} fell below its floor {floor}"
    for name, floor in FLOORS["attributes"].items():
        kind, attribute = name.split(".")
        value = scores[kind].attribute(attribute)
        assert value is not None and value >= floor, f"{name} {value} fell below its floor {floor}"
