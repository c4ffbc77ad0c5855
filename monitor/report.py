"""The night report: what the nightly run brought in, as Markdown and HTML under ``reports/``.

One data dict (:func:`collect`) rendered twice (:func:`render_markdown`, :func:`render_html`), so
the two files can never disagree. The Markdown is for a mail body or a terminal; the HTML for a
browser (links clickable, stdlib ``html.escape`` only: no template engine for a handful of tables).

"New" means stored by this night's crawl: articles whose id is above the largest id before the
crawl started, and the facts extracted from them.
"""

from __future__ import annotations

import html
import logging
from datetime import date
from pathlib import Path
from typing import Any

from crawler.faults import source_errors, source_failed

log = logging.getLogger(__name__)

__all__ = ["collect", "failed_sources", "render_markdown", "render_html", "write_reports"]

TOP_ARTICLES = 15
MIN_RELEVANCE = 0.2  # below this an article is not "relevant" enough to list
FACT_KINDS = ("units", "officials", "dossiers", "percentages")
NATIONAL = "(national outlets)"


def failed_sources(crawl: dict[str, Any] | None) -> tuple[list[dict[str, Any]], bool]:
    """Sources that failed (or had errors) in a crawl's counts, and whether any failed outright.

    With per-source counts (``counts["sources"][name] = {"discovered", "fetched", "new",
    "skipped", "failed", "errors": {type: n}}``) a source *failed* when it reported errors and
    nothing came through (no article fetched, none skipped as known, no listing answered 304
    "unchanged"); one with errors that still delivered is listed as ``degraded`` and does not
    fail the night. Without them (``sources`` is a list of names, as before
    per-source counts existed) the crawl as a whole is judged: a failed listing (feed, sitemap,
    section page) marks the night failed, since that is how an unreachable site shows.
    """
    if not crawl:
        return [], False
    if isinstance(crawl.get("counts"), dict):  # a ``runs`` row: the counts are in its JSON column
        crawl = crawl["counts"]
    sources = crawl.get("sources")
    rows: list[dict[str, Any]] = []
    any_failed = False
    if isinstance(sources, dict):
        for name, c in sorted(sources.items()):
            c = c or {}
            errors = c.get("errors") or {}
            if not source_errors(c):
                continue
            status = "failed" if source_failed(c) else "degraded"
            any_failed |= status == "failed"
            rows.append({"source": name, "status": status, "errors": dict(errors),
                         "fetched": c.get("fetched") or 0, "failed": c.get("failed") or 0})
        return rows, any_failed
    if int(crawl.get("listings_failed") or 0):
        rows.append({"source": "(per-source counts unavailable)", "status": "failed",
                     "errors": dict(crawl.get("errors") or {}), "fetched": crawl.get("articles_fetched") or 0,
                     "failed": crawl.get("listings_failed")})
        any_failed = True
    return rows, any_failed


def collect(
    store: Any,
    since_id: int,
    night: date,
    crawl: dict[str, Any] | None,
    process: dict[str, Any] | None,
    signals: dict[str, Any],
    errors: list[str],
    run_id: int | None = None,
    nodes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything the report shows, read from the database and the night's counts; *nodes*: a row
    per scrapyd crawl node when the night crawled on nodes (``monitor.nodes.NodeJob.row``)."""
    db = store.db
    new_articles = int(db.execute("SELECT count(*) FROM articles WHERE id > ?", [since_id]).fetchone()[0])
    per_province = [
        {"province": row[0] or NATIONAL, "articles": row[1]}
        for row in db.execute(
            "SELECT source_province, count(*) FROM articles WHERE id > ? "
            "GROUP BY source_province ORDER BY count(*) DESC, source_province", [since_id])
    ]
    named_provinces = [
        {"province": row[0], "articles": row[1]}
        for row in db.execute(
            "SELECT province, count(DISTINCT article_id) FROM units WHERE article_id > ? AND province IS NOT NULL "
            "GROUP BY province ORDER BY 2 DESC, province LIMIT 40", [since_id])
    ]
    facts = {
        kind: int(db.execute(f"SELECT count(*) FROM {kind} WHERE article_id > ?", [since_id]).fetchone()[0])
        for kind in FACT_KINDS
    }
    top = list(db.query(
        "SELECT id, title, site, url, relevance, story_id FROM articles "
        "WHERE id > ? AND relevance >= ? ORDER BY relevance DESC, id LIMIT ?",
        [since_id, MIN_RELEVANCE, TOP_ARTICLES]))
    stories = list(db.query(
        "SELECT s.story_id, s.articles, s.sites, s.site_list, s.first_published, s.title, s.url, s.relevance "
        "FROM stories s WHERE s.sites >= 2 AND s.story_id IN (SELECT story_id FROM articles WHERE id > ?) "
        "ORDER BY s.sites DESC, s.articles DESC, s.story_id LIMIT 30", [since_id]))
    sources_rows, any_failed = failed_sources(crawl)
    return {
        "night": night.isoformat(),
        "run_id": run_id,
        "new_articles": new_articles,
        "per_province": per_province,
        "named_provinces": named_provinces,
        "facts": facts,
        "top_articles": top,
        "stories": stories,
        "sources": sources_rows,
        "any_source_failed": any_failed,
        "crawl": crawl or {},
        "process": process or {},
        "signals": signals,
        "errors": errors,
        "nodes": nodes or [],
    }


NODE_COLUMNS = ("node", "status", "sources", "crawl", "fetched", "new on node", "merged", "seconds", "error")


def _node_cells(row: dict[str, Any]) -> list[Any]:
    """A node's report line, in ``NODE_COLUMNS`` order (plain values)."""
    return [row.get("node"), row.get("status"), ", ".join(row.get("sources") or []) or "-",
            row.get("crawl_status") or "-", row.get("articles_fetched"), row.get("articles_new_on_node"),
            row.get("articles_merged"), row.get("seconds"), row.get("error") or "-"]


# -- Markdown ---------------------------------------------------------------------------------


def _md(text: Any) -> str:
    """A table cell or link text: pipes and brackets escaped, newlines flattened."""
    s = " ".join(str("" if text is None else text).split())
    for ch in ("\\", "|", "[", "]"):
        s = s.replace(ch, "\\" + ch)
    return s


def _crawl_counts(crawl: dict[str, Any]) -> list[tuple[str, Any]]:
    keys = ("status", "articles_fetched", "articles_new", "skipped_known", "failed", "discovered",
            "listings_fetched", "listings_unchanged", "listings_failed", "requests", "finish_reason")
    counts = crawl.get("counts") if isinstance(crawl.get("counts"), dict) else crawl
    return [(k, counts.get(k, crawl.get(k))) for k in keys if counts.get(k, crawl.get(k)) is not None]


def render_markdown(data: dict[str, Any]) -> str:
    """The report as Markdown (GitHub tables)."""
    out = [f"# Night of {data['night']}", ""]
    if data.get("run_id") is not None:
        out.append(f"Nightly run {data['run_id']}: **{data['new_articles']} new articles**, "
                   + ", ".join(f"{n} {k}" for k, n in data["facts"].items()) + " new facts.")
        out.append("")
    if data["errors"]:
        out += ["## The run itself failed", ""] + [f"- {_md(e)}" for e in data["errors"]] + [""]

    out += ["## New articles per province", "", "| province (of the source) | new articles |", "| --- | ---: |"]
    out += [f"| {_md(r['province'])} | {r['articles']} |" for r in data["per_province"]] or ["| (none) | 0 |"]
    if data["named_provinces"]:
        out += ["", "Provinces named in the new articles:", "", "| province | articles |", "| --- | ---: |"]
        out += [f"| {_md(r['province'])} | {r['articles']} |" for r in data["named_provinces"]]

    out += ["", "## New facts per kind", "", "| kind | new facts |", "| --- | ---: |"]
    out += [f"| {kind} | {n} |" for kind, n in data["facts"].items()]

    out += ["", "## Most relevant new articles", ""]
    if data["top_articles"]:
        out += ["| score | title | site |", "| ---: | --- | --- |"]
        out += [f"| {r['relevance']:.2f} | [{_md(r['title'] or r['url'])}]({r['url']}) | {_md(r['site'])} |"
                for r in data["top_articles"]]
    else:
        out.append(f"No new article scored {MIN_RELEVANCE} or more.")

    out += ["", "## New stories seen on several sites", ""]
    if data["stories"]:
        out += ["| story | sites | articles | first published | title |", "| ---: | ---: | ---: | --- | --- |"]
        out += [f"| {s['story_id']} | {s['sites']} ({_md(s['site_list'])}) | {s['articles']} | "
                f"{_md(s['first_published'])} | [{_md(s['title'] or s['url'])}]({s['url']}) |" for s in data["stories"]]
    else:
        out.append("None tonight.")

    out += ["", "## Sources that failed", ""]
    if data["sources"]:
        out += ["| source | status | errors | fetched |", "| --- | --- | --- | ---: |"]
        out += [f"| {_md(s['source'])} | {s['status']} | "
                f"{_md(', '.join(f'{k}: {v}' for k, v in sorted(s['errors'].items())) or '-')} | {s['fetched']} |"
                for s in data["sources"]]
    else:
        out.append("None: every source answered.")

    if data.get("nodes"):
        out += ["", "## Crawl nodes", "", "| " + " | ".join(NODE_COLUMNS) + " |",
                "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |"]
        out += ["| " + " | ".join(_md("" if c is None else c) for c in _node_cells(r)) + " |" for r in data["nodes"]]

    out += ["", "## Counts", "", "| step | count | value |", "| --- | --- | ---: |"]
    out += [f"| crawl | {k} | {_md(v)} |" for k, v in _crawl_counts(data["crawl"])]
    out += [f"| process | {k} | {_md(v)} |" for k, v in data["process"].items()]
    out += [f"| signals | {k} | {_md(v)} |" for k, v in data["signals"].items()]
    return "\n".join(out) + "\n"


# -- HTML -------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """An HTML table; cells are already escaped HTML."""
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _link(url: Any, text: Any) -> str:
    return f'<a href="{_e(url)}">{_e(text or url)}</a>'


_CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}td.n{text-align:right}th{background:#f3f3f3}.err{color:#a00}"""


def render_html(data: dict[str, Any]) -> str:
    """The same report as a standalone HTML page."""
    parts = [f"<h1>Night of {_e(data['night'])}</h1>"]
    if data.get("run_id") is not None:
        facts = ", ".join(f"{n} {_e(k)}" for k, n in data["facts"].items())
        parts.append(f"<p>Nightly run {_e(data['run_id'])}: <strong>{data['new_articles']} new articles</strong>, "
                     f"{facts} new facts.</p>")
    if data["errors"]:
        parts.append('<h2 class="err">The run itself failed</h2><ul>'
                     + "".join(f'<li class="err">{_e(e)}</li>' for e in data["errors"]) + "</ul>")
    parts.append("<h2>New articles per province</h2>")
    parts.append(_table(["province (of the source)", "new articles"],
                        [[_e(r["province"]), _e(r["articles"])] for r in data["per_province"]] or [["(none)", "0"]],
                        {1}))
    if data["named_provinces"]:
        parts.append("<p>Provinces named in the new articles:</p>")
        parts.append(_table(["province", "articles"],
                            [[_e(r["province"]), _e(r["articles"])] for r in data["named_provinces"]], {1}))
    parts.append("<h2>New facts per kind</h2>")
    parts.append(_table(["kind", "new facts"], [[_e(k), _e(n)] for k, n in data["facts"].items()], {1}))
    parts.append("<h2>Most relevant new articles</h2>")
    if data["top_articles"]:
        parts.append(_table(["score", "title", "site"],
                            [[f"{r['relevance']:.2f}", _link(r["url"], r["title"]), _e(r["site"])]
                             for r in data["top_articles"]], {0}))
    else:
        parts.append(f"<p>No new article scored {MIN_RELEVANCE} or more.</p>")
    parts.append("<h2>New stories seen on several sites</h2>")
    if data["stories"]:
        parts.append(_table(["story", "sites", "articles", "first published", "title"],
                            [[_e(s["story_id"]), f"{s['sites']} ({_e(s['site_list'])})", _e(s["articles"]),
                              _e(s["first_published"]), _link(s["url"], s["title"])] for s in data["stories"]],
                            {0, 2}))
    else:
        parts.append("<p>None tonight.</p>")
    parts.append("<h2>Sources that failed</h2>")
    if data["sources"]:
        parts.append(_table(["source", "status", "errors", "fetched"],
                            [[_e(s["source"]), _e(s["status"]),
                              _e(", ".join(f"{k}: {v}" for k, v in sorted(s["errors"].items())) or "-"),
                              _e(s["fetched"])] for s in data["sources"]], {3}))
    else:
        parts.append("<p>None: every source answered.</p>")
    if data.get("nodes"):
        parts.append("<h2>Crawl nodes</h2>")
        parts.append(_table(list(NODE_COLUMNS), [[_e(c) for c in _node_cells(r)] for r in data["nodes"]],
                            {4, 5, 6, 7}))
    parts.append("<h2>Counts</h2>")
    rows = [["crawl", _e(k), _e(v)] for k, v in _crawl_counts(data["crawl"])]
    rows += [["process", _e(k), _e(v)] for k, v in data["process"].items()]
    rows += [["signals", _e(k), _e(v)] for k, v in data["signals"].items()]
    parts.append(_table(["step", "count", "value"], rows, {2}))
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>Night of {_e(data['night'])}</title><style>{_CSS}</style></head>\n<body>\n"
            + "\n".join(parts) + "\n</body></html>\n")


def write_reports(data: dict[str, Any], reports_dir: Path | str) -> list[Path]:
    """Write ``night-YYYY-MM-DD.{md,html}`` and ``latest.{md,html}``; return the paths.

    A second run the same night overwrites that night's files (the later run saw more).
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, text in ((".md", render_markdown(data)), (".html", render_html(data))):
        for name in (f"night-{data['night']}{suffix}", f"latest{suffix}"):
            path = reports_dir / name
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)  # a reader never sees half a report
            written.append(path)
    log.info("night report written to %s", reports_dir / f"night-{data['night']}.md")
    return written
