"""Render a stored article with its facts highlighted (spaCy displacy), to check extractions by eye.

The facts come from the database rows, whose offsets point into ``articles.text``; each becomes
a displacy entity whose label says what was read (``DOSSIER received/online``), so a reader can
compare the label with the words under it.
"""

from __future__ import annotations

import html
from typing import Any

from spacy import displacy

__all__ = ["render_article"]

COLORS = {
    "UNIT": "#a6e3a1",
    "OFFICIAL": "#89b4fa",
    "DOSSIER": "#f9e2af",
    "PERCENT": "#f5c2e7",
}


def _label(kind: str, row: dict[str, Any]) -> str:
    if kind == "units":
        return f"UNIT {row['type']} → {row.get('province') or '?'}"
    if kind == "officials":
        return "OFFICIAL"
    if kind == "dossiers":
        detail = "/".join(str(v) for v in (row["kind"], row.get("channel")) if v)
        total = f" of {row['total']}" if row.get("total") else ""
        return f"DOSSIER {detail}{total}"
    return f"PERCENT {row['qualifier']} {row['indicator']}"


def _entities(text: str, facts: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Non-overlapping displacy entities; where spans overlap the earlier, longer one wins."""
    spans = []
    for kind in ("units", "officials", "dossiers", "percentages"):
        for row in facts.get(kind, []):
            start, end = row.get("start"), row.get("end")
            if start is None or end is None or not 0 <= start < end <= len(text):
                continue
            spans.append({"start": start, "end": end, "label": _label(kind, row)})
    spans.sort(key=lambda s: (s["start"], -(s["end"] - s["start"])))
    kept: list[dict[str, Any]] = []
    for span in spans:
        if not kept or span["start"] >= kept[-1]["end"]:
            kept.append(span)
    return kept


def render_article(article: dict[str, Any], facts: dict[str, list[dict[str, Any]]]) -> str:
    """A standalone HTML page: the article text with entities, then the fact tables."""
    text = article["text"]
    ents = _entities(text, facts)
    colors = {span["label"]: COLORS[span["label"].split()[0]] for span in ents}
    body = displacy.render(
        {"text": text, "ents": ents, "title": article.get("title")},
        style="ent", manual=True, page=False, options={"colors": colors},
    )
    titles: dict[int, list[str]] = {}
    for row in facts.get("official_titles", []):
        titles.setdefault(row["official_n"], []).append(row["title"])
    rows = []
    for kind, columns in (
        ("units", ("type", "name", "province", "code", "is_old")),
        ("officials", ("name",)),
        ("dossiers", ("count", "kind", "channel", "total")),
        ("percentages", ("value", "qualifier", "indicator", "subject")),
    ):
        for row in facts.get(kind, []):
            cells = [f"{c}={row.get(c)}" for c in columns]
            if kind == "officials":
                cells.append("titles=" + "; ".join(titles.get(row["n"], [])))
            rows.append(
                f"<tr><td>{kind}</td><td>{html.escape(', '.join(cells))}</td>"
                f"<td>{html.escape(row.get('sentence') or '')}</td></tr>"
            )
    meta = html.escape(f"{article.get('url')} · {article.get('published') or ''} · article {article['id']}")
    return (
        "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{html.escape(article.get('title') or '')}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.6}"
        "table{border-collapse:collapse;font-size:0.85em}td{border:1px solid #ccc;padding:4px;"
        "vertical-align:top}</style></head><body>"
        f"<p><small>{meta}</small></p>{body}<h2>Facts</h2><table>{''.join(rows)}</table></body></html>"
    )
