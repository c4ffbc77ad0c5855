"""The fact record every extractor returns: the spec's item plus where it was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Fact", "KINDS"]

KINDS = ("units", "officials", "dossiers", "percentages")


@dataclass
class Fact:
    """One extracted item.

    ``data`` holds exactly the spec's fields for its kind (see ``shared/spec/extraction.md``);
    keys starting with ``_`` are extra evidence (candidate codes, normalised role, …) that the
    database keeps and the spec output drops. ``start``/``end`` are char offsets of the evidence
    span in the article text, ``sentence`` the index of the sentence it lies in.
    """

    kind: str
    data: dict[str, Any]
    start: int
    end: int
    sentence: int
    mentions: list[tuple[int, int, int]] = field(default_factory=list)

    def spec(self) -> dict[str, Any]:
        """The item as the spec's output format has it (extra ``_`` keys dropped)."""
        return {k: v for k, v in self.data.items() if not k.startswith("_")}
