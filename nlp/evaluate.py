"""Score predictions against gold exactly as ``shared/spec/extraction.md`` defines it.

Per kind: precision, recall and F1 over the whole file, items matched one to one within each
article on the kind's key; attribute accuracies on the matched pairs. Text is compared after
normalisation (NFC, case-folded, whitespace collapsed, one tone-mark placement).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from nlp.facts import KINDS
from nlp.normalize import fold

__all__ = ["score", "KindScore", "format_details", "format_scores", "title_found"]


def _text(value: Any) -> str | None:
    return None if value is None else fold(str(value))


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return round(float(value), 4)
    except (TypeError, ValueError):
        return None


def _key(kind: str, item: dict[str, Any]) -> tuple[Any, ...]:
    if kind == "units":
        return (_text(item.get("type")), _text(item.get("name")))
    if kind == "officials":
        return (_text(item.get("name")),)
    if kind == "dossiers":
        return (_num(item.get("count")), _text(item.get("kind")))
    return (_num(item.get("value")), _text(item.get("qualifier")))


def title_found(gold_title: str, predicted: Iterable[str]) -> bool:
    """A gold title is found when a predicted title equals it, or one contains the other and
    the shorter has two or more syllables."""
    g = fold(gold_title)
    for p in predicted:
        p = fold(p)
        if p == g:
            return True
        shorter, longer = (p, g) if len(p) <= len(g) else (g, p)
        if len(shorter.split()) >= 2 and shorter in longer:
            return True
    return False


def _scope(value: Any) -> tuple[str | None, str | None] | None:
    """A scope for comparison: type and name after normalisation; ``None`` stays ``None``."""
    if not isinstance(value, dict):
        return None
    return _text(value.get("type")), _text(value.get("name"))


def _period(value: Any) -> tuple[Any, Any] | None:
    """A period for comparison: start and end as written (ISO dates or ``None``)."""
    if not isinstance(value, dict):
        return None
    return value.get("start") or None, value.get("end") or None


def _same_scope(g: dict[str, Any], p: dict[str, Any]) -> bool:
    return _scope(g.get("scope")) == _scope(p.get("scope"))


def _same_period(g: dict[str, Any], p: dict[str, Any]) -> bool:
    return _period(g.get("period")) == _period(p.get("period"))


# Attributes reported on matched pairs: name → (gold, pred) → correct?
_ATTRIBUTES: dict[str, dict[str, Callable[[dict[str, Any], dict[str, Any]], bool]]] = {
    "units": {"province": lambda g, p: _text(g.get("province")) == _text(p.get("province"))},
    "officials": {},  # title recall is counted per gold title, below
    "dossiers": {
        "channel": lambda g, p: _text(g.get("channel")) == _text(p.get("channel")),
        "total": lambda g, p: _num(g.get("total")) == _num(p.get("total")),
        "qualifier": lambda g, p: _text(g.get("qualifier") or "exact") == _text(p.get("qualifier") or "exact"),
        "scope": _same_scope,
        "period": _same_period,
    },
    "percentages": {
        "indicator": lambda g, p: _text(g.get("indicator")) == _text(p.get("indicator")),
        "scope": _same_scope,
        "period": _same_period,
    },
}
# Attributes a gold file without spec v2's fields cannot score (a v1 gold item has no scope, no
# period, and no dossier qualifier): skipped for such an item.
_V2_ATTRIBUTES = frozenset({"scope", "period", "qualifier"})


@dataclass
class KindScore:
    """Counts for one kind; the rates are derived from them."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    attr_correct: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    attr_total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    misses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    false_positives: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    attr_errors: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def attribute(self, name: str) -> float | None:
        total = self.attr_total.get(name, 0)
        return self.attr_correct.get(name, 0) / total if total else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "attributes": {
                name: round(self.attr_correct[name] / total, 4) if total else None
                for name, total in self.attr_total.items()
            },
        }


def _match_article(kind: str, article_id: str, gold: list[dict], pred: list[dict], ks: KindScore) -> None:
    ks.gold += len(gold)
    ks.predicted += len(pred)
    attrs = _ATTRIBUTES[kind]
    by_key: dict[tuple, list[dict]] = defaultdict(list)
    for p in pred:
        by_key[_key(kind, p)].append(p)
    # Match duplicates one to one; among same-key candidates prefer the one whose attributes agree.
    for g in gold:
        candidates = by_key.get(_key(kind, g))
        if not candidates:
            ks.misses.append((article_id, g))
            continue
        best = max(candidates, key=lambda p: sum(check(g, p) for check in attrs.values()))
        candidates.remove(best)
        ks.matched += 1
        for name, check in attrs.items():
            if name in _V2_ATTRIBUTES and name not in g:
                continue  # a v1 gold item: not annotated
            ks.attr_total[name] += 1
            if check(g, best):
                ks.attr_correct[name] += 1
            else:
                ks.attr_errors.append((article_id, name, g, best))
        if kind == "officials":
            for title in g.get("titles") or []:
                ks.attr_total["titles"] += 1
                if title_found(title, best.get("titles") or []):
                    ks.attr_correct["titles"] += 1
                else:
                    ks.attr_errors.append((article_id, "titles", {"title": title, **g}, best))
    for leftovers in by_key.values():
        ks.false_positives.extend((article_id, p) for p in leftovers)


def score(gold_lines: Iterable[dict[str, Any]], predictions: dict[Any, dict[str, Any]]) -> dict[str, KindScore]:
    """Score every kind; ``predictions`` maps article id → prediction line."""
    scores = {kind: KindScore() for kind in KINDS}
    for gold in gold_lines:
        pred = predictions.get(gold.get("id"), {})
        for kind in KINDS:
            _match_article(kind, str(gold.get("id")), list(gold.get(kind) or []), list(pred.get(kind) or []),
                           scores[kind])
    return scores


_ATTR_LABEL = {"province": "province acc", "titles": "title recall", "channel": "channel acc",
               "total": "total acc", "indicator": "indicator acc", "qualifier": "qualifier acc",
               "scope": "scope acc", "period": "period acc"}


def format_scores(scores: dict[str, KindScore]) -> str:
    """A compact table; the per-kind lines come last so that ``tail`` shows them."""
    lines = [f"{'kind':<12} {'gold':>5} {'pred':>5} {'match':>5} {'P':>6} {'R':>6} {'F1':>6}  attributes"]
    for kind, ks in scores.items():
        attrs = "  ".join(
            f"{_ATTR_LABEL.get(name, name)} {ks.attribute(name):.3f}"
            for name in ks.attr_total
            if ks.attribute(name) is not None
        )
        lines.append(
            f"{kind:<12} {ks.gold:>5} {ks.predicted:>5} {ks.matched:>5} "
            f"{ks.precision:>6.3f} {ks.recall:>6.3f} {ks.f1:>6.3f}  {attrs}"
        )
    return "\n".join(lines)


def format_details(ks: KindScore) -> str:
    """One line per miss (``MISS``), false positive (``FP``) and attribute error (``ATTR``) of a kind."""
    lines = [f"MISS {article_id}: {json.dumps(item, ensure_ascii=False)}" for article_id, item in ks.misses]
    lines += [f"FP   {article_id}: {json.dumps(item, ensure_ascii=False)}" for article_id, item in ks.false_positives]
    lines += [f"ATTR {article_id} {name}: gold {json.dumps(g, ensure_ascii=False)} "
              f"pred {json.dumps(p, ensure_ascii=False)}" for article_id, name, g, p in ks.attr_errors]
    return "\n".join(lines)
