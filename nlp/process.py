"""The process step: stored articles → extracted facts → fact tables, with provenance.

Reads raw articles from the store, runs the extractors, and writes each fact with the sentence
it came from and its char offsets into ``articles.text``. Articles already processed are skipped
unless ``reprocess`` is set, so running the step twice leaves the database as it was.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from tqdm import tqdm

from nlp import EXTRACTOR_VERSION
from nlp.extract import Extraction, extract_article
from nlp.facts import Fact

log = logging.getLogger(__name__)

__all__ = ["process_articles", "fact_rows"]


def _provenance(fact: Fact, extraction: Extraction) -> dict[str, Any]:
    sentence = extraction.adoc.sentence_at(fact.start) if extraction.adoc.sentences else None
    return {
        "start": fact.start,
        "end": fact.end,
        "sentence_index": sentence.index if sentence else fact.sentence,
        "sentence": sentence.text if sentence else None,
    }


def _json_or_none(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None


def _at(values: Any, i: int) -> Any:
    return values[i] if isinstance(values, list | tuple) and i < len(values) else None


_LOCAL_TYPES = ("xã", "phường", "đặc khu")


def _attribution(extraction: Extraction) -> Any:
    """A function giving, for a figure's offset, the rank ``n`` of the unit it is about.

    The nearest unit named in the same sentence (before the figure if any, else after) wins;
    otherwise the article's most-mentioned 2025 commune, ward or special zone; otherwise none.
    Figures from a report about one commune usually name it once, at the top.
    """
    units = extraction.facts.get("units", [])
    mentions: list[tuple[int, int, int]] = []  # (start, sentence, unit n)
    for n, fact in enumerate(units):
        for start, _end, sentence in fact.mentions or [(fact.start, fact.end, fact.sentence)]:
            mentions.append((start, sentence, n))
    local = [
        (len(f.mentions or [0]), -f.start, n)
        for n, f in enumerate(units)
        if f.data.get("type") in _LOCAL_TYPES and not f.data.get("_old")
    ]
    main = max(local)[2] if local else None

    def unit_for(start: int) -> int | None:
        sentence = extraction.adoc.sentence_at(start).index if extraction.adoc.sentences else None
        same = [(s, n) for s, sent, n in mentions if sent == sentence]
        before = [(start - s, n) for s, n in same if s <= start]
        after = [(s - start, n) for s, n in same if s > start]
        if before:
            return min(before)[1]
        if after:
            return min(after)[1]
        return main

    return unit_for


def fact_rows(extraction: Extraction) -> dict[str, list[dict[str, Any]]]:
    """Database rows for one article's facts, keyed by table (``n`` = rank in the article)."""
    rows: dict[str, list[dict[str, Any]]] = {
        "units": [], "officials": [], "official_titles": [], "dossiers": [], "percentages": [],
    }
    unit_for = _attribution(extraction)
    for n, fact in enumerate(extraction.facts.get("units", [])):
        d = fact.data
        rows["units"].append({
            "n": n, "type": d.get("type"), "name": d.get("name"), "province": d.get("province"),
            "code": d.get("_code"), "is_old": int(bool(d.get("_old"))),
            "candidates": _json_or_none(d.get("_candidates")),
            "successors": _json_or_none(d.get("_successors")),
            **_provenance(fact, extraction),
        })
    for n, fact in enumerate(extraction.facts.get("officials", [])):
        d = fact.data
        titles = list(d.get("titles") or [])
        rows["officials"].append({
            "n": n, "name": d.get("name"), "titles": json.dumps(titles, ensure_ascii=False),
            **_provenance(fact, extraction),
        })
        for i, title in enumerate(titles):
            rows["official_titles"].append({
                "official_n": n, "n": i, "title": title,
                "role": _at(d.get("_roles"), i), "organisation": _at(d.get("_organisations"), i),
                "place": _at(d.get("_places"), i),
            })
    for n, fact in enumerate(extraction.facts.get("dossiers", [])):
        d = fact.data
        rows["dossiers"].append({
            "n": n, "count": d.get("count"), "kind": d.get("kind"), "channel": d.get("channel"),
            "total": d.get("total"), "unit_n": unit_for(fact.start), **_provenance(fact, extraction),
        })
    for n, fact in enumerate(extraction.facts.get("percentages", [])):
        d = fact.data
        rows["percentages"].append({
            "n": n, "value": d.get("value"), "qualifier": d.get("qualifier"),
            "indicator": d.get("indicator"), "subject": d.get("subject"), "unit_n": unit_for(fact.start),
            **_provenance(fact, extraction),
        })
    return rows


def process_articles(store: Any, reprocess: bool = False, progress: bool = True) -> dict[str, int]:
    """Extract facts for the articles that need it; record the run; return its counts."""
    run_id = store.start_run("process")
    total = store.count_to_process(reprocess)
    processed = failed = written = 0
    status = "ok"
    try:
        articles = store.articles_to_process(reprocess)
        for article in tqdm(articles, total=total, desc="process", unit="article", disable=None if progress else True):
            meta = {
                "id": article["id"], "url": article["url"], "title": article["title"],
                "date": article["published"], "site": article["site"],
                "province": article["source_province"],
            }
            try:
                extraction = extract_article(article["text"], meta)
                written += store.save_facts(article["id"], fact_rows(extraction), EXTRACTOR_VERSION)
                processed += 1
            except Exception:  # keep going: one bad article must not stop the night's run
                log.exception("processing article %s (%s) failed", article["id"], article["url"])
                failed += 1
    except BaseException:
        status = "interrupted"
        raise
    finally:
        store.finish_run(
            run_id, status=status if not failed else "partial", articles_processed=processed,
            facts_written=written, failed=failed, extractor_version=EXTRACTOR_VERSION,
        )
    return {"articles_processed": processed, "facts_written": written, "failed": failed}
