"""One article in, four kinds of facts out: the extraction entry point.

Each extractor is a pure function of the analysed document. A failure in one extractor is
logged and yields no facts of that kind, so one bad rule or one hostile text never loses the
other kinds, and ``pipeline.py extract`` still writes its line.
"""

from __future__ import annotations

import gc
import importlib
import logging
from dataclasses import dataclass, field
from typing import Any

from nlp import EXTRACTOR_VERSION
from nlp.anchoring import anchor
from nlp.document import ArticleDoc, analyze
from nlp.facts import KINDS, Fact
from nlp.normalize import normalize_text
from nlp.title_places import place_titles

log = logging.getLogger(__name__)

__all__ = ["Extraction", "extract_article", "extract_doc", "to_spec", "warm_up", "EXTRACTOR_VERSION"]

# Articles longer than this are cut before analysis: no provincial report is a megabyte long,
# and an unbounded input must not take unbounded time or memory.
MAX_TEXT_CHARS = 200_000


@dataclass
class Extraction:
    """The facts of one article, per kind, with the analysed document they point into."""

    adoc: ArticleDoc
    facts: dict[str, list[Fact]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _extractor(kind: str) -> Any:
    return importlib.import_module(f"nlp.extractors.{kind}")


def extract_doc(adoc: ArticleDoc) -> Extraction:
    """Run the four extractors over an analysed document."""
    result = Extraction(adoc=adoc)
    for kind in KINDS:
        try:
            facts = list(_extractor(kind).extract(adoc))
        except Exception as exc:  # one extractor's bug must not lose the other kinds
            log.warning("%s extractor failed on %s: %s", kind, adoc.meta.get("id") or "article", exc)
            log.debug("traceback", exc_info=True)
            result.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
            facts = []
        result.facts[kind] = facts
    # Whose figure and which days: needs the units and every figure of the article at once.
    anchor(adoc, result.facts)
    # A title naming only a level (``Chủ tịch UBND phường``) takes the article's unit of it.
    try:
        place_titles(result.facts)
    except Exception:  # a place is a convenience: never lose the officials over it
        log.debug("placing titles failed", exc_info=True)
    return result


def extract_article(text: str, meta: dict[str, Any] | None = None, *, normalized: bool = False) -> Extraction:
    """Normalise, analyse and extract one article's text.

    ``normalized=True`` skips the normalisation for a text that already had it (the store
    normalises every text it keeps; ``normalize_text`` is idempotent, so the result is the same).
    """
    text = (text or "") if normalized else normalize_text(text or "")
    return extract_doc(analyze(text[:MAX_TEXT_CHARS], meta))


# A sentence that makes every extractor load its data and underthesea load both its models.
_WARM_UP_TEXT = (
    "Ông Lê Văn An, Chủ tịch UBND xã Đông Giang, tỉnh Lâm Đồng cho biết Trung tâm Phục vụ hành chính "
    "công xã đã tiếp nhận 171 hồ sơ, trong đó 59 hồ sơ trực tuyến, đạt 34,5%."
)


def warm_up() -> None:
    """Load the gazetteer, lexicons, matchers and underthesea models now, not on the first article.

    The process step calls it before forking its workers, so that they share one loaded copy.
    What it allocates lives as long as the process, so the cycle collector is kept off meanwhile:
    its passes over the growing heap would find nothing to free (a quarter of the warm-up's time).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        extract_doc(analyze(normalize_text(_WARM_UP_TEXT), eager=True))
    finally:
        if collecting:
            gc.enable()


def to_spec(article_id: Any, extraction: Extraction | None) -> dict[str, Any]:
    """The spec's prediction line for one article (empty lists when there is no extraction)."""
    line: dict[str, Any] = {"id": article_id}
    for kind in KINDS:
        facts = extraction.facts.get(kind, []) if extraction else []
        line[kind] = [fact.spec() for fact in facts]
    return line
