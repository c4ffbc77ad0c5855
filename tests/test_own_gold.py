"""Regression floors on the project's own evaluation sets (``tests/data/*_gold.jsonl``).

The dev gold is what the rules were first tuned on; these sets were written separately, in other
styles, to estimate how the rules do on articles they have not seen (as reviewers' held-out set
does): ``own_gold`` first, then ``blind_gold``, then ``blind2_gold``, then ``blind3_gold`` (scope
and period, spec v2). All ship with the project
(our own text), so these tests run everywhere. Each set's floors sit beside it in ``<name>_floor.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.evaluate import score
from pipeline import predict

pytestmark = pytest.mark.slow

DATA = Path(__file__).with_name("data")


@pytest.mark.parametrize("name", ["own_gold", "blind_gold", "blind2_gold", "blind3_gold"])
def test_scores_stay_above_their_floors(name: str) -> None:
    floors = json.loads((DATA / f"{name}_floor.json").read_text())
    gold = [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    scores = score(gold, predict(gold))
    for kind, floor in floors["f1"].items():
        assert scores[kind].f1 >= floor, f"{name}: {kind} F1 {scores[kind].f1:.3f} fell below its floor {floor}"
    for attr, floor in floors["attributes"].items():
        kind, attribute = attr.split(".")
        value = scores[kind].attribute(attribute)
        assert value is not None and value >= floor, f"{name}: {attr} {value} fell below its floor {floor}"
