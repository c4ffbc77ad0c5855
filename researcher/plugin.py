"""Datasette plugin hooks for the news database: diacritic-insensitive search and a ``fold`` SQL function.

SQLite's ``unicode61 remove_diacritics 2`` tokenizer, which indexes ``articles_fts``, removes tone
and vowel marks (``Đông`` is indexed as ``đong``) but keeps ``đ``: the letter has no Unicode
decomposition. A search for ``dong giang`` would therefore miss ``Đông Giang``. The hooks here
replace Datasette's ``escape_fts`` (used by the ``?_search=`` box of a table page) with one that
tries every ``d``/``đ`` spelling of each search term, so ``dong giang``, ``đông giang`` and
``Đông Giang`` find the same articles. ``fold(text)`` (lower case, no diacritics, ``đ`` → ``d``)
and ``unit_key(text)`` (``fold`` without a leading type word: ``xã Đông Giang`` → ``dong giang``)
let canned queries compare names the way a researcher types them.

The database is served immutable, so nothing can be written whatever the request; ``asgi_wrapper``
also answers every request other than GET/HEAD/OPTIONS with 405 before Datasette sees it (Datasette
0.65 answers a POST to a table page with a 500 assertion error).

Pages people read:

* a table whose metadata lists ``plugins: {vn-local-press: {hide_columns: [...]}}`` opens without
  those columns (``articles``: its text, raw HTML and hash, so that a row is one line high):
  Datasette 0.65 has no such setting, so ``asgi_wrapper`` redirects the bare table page to the same
  page with ``?_nocol=…``; any ``_col``/``_nocol`` in the address is left as typed;
* ``render_cell`` shows the ``snippet`` column of a query (``search_articles``) with its
  ``<mark>``-ed words highlighted and everything else escaped;
* ``extra_template_vars`` gives the home page (``researcher/templates/index.html``) the canned
  queries, and ``prepare_jinja2_environment`` the ``split_description`` filter that table and view
  pages (``researcher/templates/table.html``) use to show a one-line summary, the rest folded.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode
from markupsafe import Markup, escape

from nlp.normalize import normalize_text, strip_diacritics

__all__ = [
    "MAX_FUNCTION_INPUT", "PLUGIN_NAME", "SNIPPET_COLUMN", "asgi_wrapper", "default_columns_location",
    "escape_fts_folded", "extra_template_vars", "fold", "mark_snippet", "prepare_connection",
    "prepare_jinja2_environment", "province_note", "province_of", "render_cell", "sentence_link",
    "split_description", "unit_key",
]

# The name the project's hooks are registered under (researcher.serve), and the key of their
# settings in the metadata's ``plugins`` sections.
PLUGIN_NAME = "vn-local-press"
# A query column of this name holds an FTS5 snippet whose matches are wrapped in <mark>…</mark>.
SNIPPET_COLUMN = "snippet"
_MARK_OPEN, _MARK_CLOSE = "<mark>", "</mark>"

# The same split as datasette.utils.escape_fts: whitespace separates terms, "quoted phrases" stay whole.
_TERMS = re.compile(r'\s+|(".*?")')
# Unit type words as written (lower case), longest first: ``unit_key`` drops one from the front of
# a name. Only with their diacritics: folded, "quan" (quận), "tinh" (tỉnh) or "phuong" (phường)
# would also strip names such as Quan Sơn, Tịnh Biên or Phương Trung.
_TYPE_WORDS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")
# More d's than this in one term and only the all-d and the as-typed spellings are tried.
_MAX_D = 5


# What a SQL function reads of its argument. A Python function blocks SQLite's progress handler
# while it runs, so Datasette's time limit cannot stop it: an unbounded argument (a whole article
# text, or a hostile query's megabyte string) must not make one call take seconds and gigabytes.
MAX_FUNCTION_INPUT = 10_000


def _capped(text: Any) -> str:
    return str(text)[:MAX_FUNCTION_INPUT]


def fold(text: Any) -> str | None:
    """``Xã Đông Giang`` → ``xa dong giang``; None stays None (SQL NULL)."""
    if text is None:
        return None
    return " ".join(strip_diacritics(_capped(text)).split())


def unit_key(text: Any) -> str | None:
    """A unit name folded and without its type word: ``xã Đông Giang`` and ``Đông Giang`` → ``dong giang``.

    The type word is recognised only as written with its diacritics (``xa dong giang`` keeps its
    ``xa``): compare ``fold(type || ' ' || name)`` too to catch those.
    """
    if text is None:
        return None
    written = " ".join(normalize_text(_capped(text)).casefold().split())
    for word in _TYPE_WORDS:
        if written.startswith(word + " "):
            return fold(written[len(word) + 1 :])
    return fold(written)


def sentence_link(url: Any, sentence: Any) -> str | None:
    """The article's URL with a text fragment (``#:~:text=…``) that makes a browser scroll to the
    sentence and highlight it: the link a canned query gives from a figure to where it was read.
    The fragment quotes the sentence's first words (enough to find it, short enough for a URL)."""
    if not url:
        return None
    if not sentence:
        return _capped(url)
    words = _capped(sentence).split()[:8]
    # Text directives reserve "-", "," and "&": percent-encode everything but letters and digits.
    quoted = quote(" ".join(words), safe="")
    return f"{_capped(url).split('#', 1)[0]}#:~:text={quoted}"


def province_of(text: Any) -> str | None:
    """The 2025 province a typed province names (``tỉnh Lâm Đồng``, ``lam dong``, ``TP.HCM``,
    a former province such as ``Bình Thuận``), for the canned queries' ``:province``. A name that is
    no province is an error the page shows (SQLite reports it as "user-defined function raised
    exception"), not a query that silently selects nothing."""
    from db.places import read_province

    if text is None or not str(text).strip():
        return None
    return read_province(_capped(text)).province


def province_note(text: Any) -> str:
    """How ``:province`` was read, when it was mapped: ``Bình Thuận was merged into Lâm Đồng …``."""
    from db.places import UnknownProvince, read_province

    if text is None or not str(text).strip():
        return ""
    try:
        return read_province(_capped(text)).note or ""
    except UnknownProvince:
        return ""


def _spellings(term: str) -> list[str]:
    """Every d/đ spelling of a search term, diacritics otherwise folded: ``dong`` → ``dong``, ``đong``."""
    folded = strip_diacritics(term)
    positions = [i for i, ch in enumerate(folded) if ch == "d"]
    if not positions:
        return [folded]
    if len(positions) > _MAX_D:
        typed = term.casefold()
        return [folded] if typed == folded else [folded, typed]
    out = []
    for choice in itertools.product("dđ", repeat=len(positions)):
        chars = list(folded)
        for pos, letter in zip(positions, choice, strict=True):
            chars[pos] = letter
        out.append("".join(chars))
    return out


def escape_fts_folded(query: str) -> str:
    """An FTS5 query matching ``query``'s terms (all of them) in any d/đ spelling.

    Like Datasette's ``escape_fts``, every term is quoted so that FTS5 operators typed by a
    user are searched as words, and an unbalanced ``"`` is closed.
    """
    query = _capped(query)
    if query.count('"') % 2:
        query += '"'
    groups = []
    for bit in _TERMS.split(query):
        if not bit or bit == '""':
            continue
        term = bit[1:-1] if bit.startswith('"') and bit.endswith('"') and len(bit) >= 2 else bit
        quoted = ['"{}"'.format(s.replace('"', '""')) for s in _spellings(term) if s.strip()]
        if not quoted:
            continue
        groups.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    # FTS5 takes implicit AND only between plain phrases: join groups with an explicit AND.
    return " AND ".join(groups)


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Register ``fold`` and ``unit_key``, and override ``escape_fts`` (trylast: after Datasette's own registration)."""
    conn.create_function("fold", 1, fold, deterministic=True)
    conn.create_function("unit_key", 1, unit_key, deterministic=True)
    conn.create_function("escape_fts", 1, escape_fts_folded, deterministic=True)
    conn.create_function("sentence_link", 2, sentence_link, deterministic=True)
    conn.create_function("province_of", 1, province_of, deterministic=True)
    conn.create_function("province_note", 1, province_note, deterministic=True)


def mark_snippet(value: str) -> Markup:
    """An FTS5 snippet as HTML: every character escaped, then the ``<mark>`` and ``</mark>`` that
    ``snippet()`` wrapped the matches in turned back into tags (nothing else can become markup)."""
    html = str(escape(value))
    return Markup(html.replace(str(escape(_MARK_OPEN)), _MARK_OPEN).replace(str(escape(_MARK_CLOSE)), _MARK_CLOSE))


@hookimpl
def render_cell(value: Any, column: str, table: str | None) -> Markup | None:
    """Highlight the matches in a query's ``snippet`` column (a table's columns are left alone)."""
    if table is None and column == SNIPPET_COLUMN and isinstance(value, str) and _MARK_OPEN in value:
        return mark_snippet(value)
    return None


# The end of a description's first sentence: ".", "?" or "!" before a space, not in "e.g." or "i.e.".
_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)[.?!](?=\s)")


def split_description(text: Any) -> tuple[str, str]:
    """``(first sentence, the rest)`` of a description: a table page shows the first sentence and
    folds the rest with the column details, so that its rows start near the top of the page."""
    text = " ".join(str(text or "").split())
    match = _SENTENCE_END.search(text)
    if match is None:
        return text, ""
    return text[: match.end()], text[match.end() :].strip()


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    """The ``split_description`` filter for ``researcher/templates/table.html``."""
    env.filters["split_description"] = split_description


@hookimpl
def extra_template_vars(template: str, request: Any, datasette: Any) -> Any:
    """The home page's list of canned queries (``canned_queries``: one entry per database that has
    any, each ``{"database", "queries": [{"name", "title", "summary"}]}``): Datasette lists them only on
    the database page, and a visitor should not have to know to look there."""
    if template != "index.html":
        return {}

    async def canned_queries() -> dict[str, Any]:
        actor = getattr(request, "actor", None)
        out = []
        for name in datasette.databases:
            if name.startswith("_"):
                continue
            queries = []
            for query in (await datasette.get_canned_queries(name, actor)).values():
                allowed = await datasette.permission_allowed(
                    actor, "view-query", resource=(name, query["name"]), default=True
                )
                if allowed:
                    summary, _rest = split_description(query.get("description"))
                    queries.append({"name": query["name"], "title": query.get("title"), "summary": summary})
            if queries:
                out.append({"database": name, "queries": queries})
        return {"canned_queries": out}

    return canned_queries


# A table page: /database/table, with no format extension (the table's JSON or CSV is untouched).
_TABLE_PAGE = re.compile(r"^/([^/]+)/([^/.]+)$")


def default_columns_location(datasette: Any, scope: MutableMapping[str, Any]) -> str | None:
    """Where to send a table page request whose table hides columns by default, or None.

    A table's metadata may list ``plugins: {vn-local-press: {hide_columns: [...]}}``. A page address
    with neither ``_col`` nor ``_nocol`` is sent to the same address plus ``_nocol`` for each, its
    other parameters (search, filters, sort) kept; an address that chooses its columns is answered
    as it is. The table's row pages (``/database/table/id``) still show every column.
    """
    if scope.get("type") != "http" or scope.get("method", "GET").upper() not in {"GET", "HEAD"}:
        return None
    match = _TABLE_PAGE.match(scope.get("path", ""))
    if match is None:
        return None
    database, table = tilde_decode(match[1]), tilde_decode(match[2])
    if database not in datasette.databases:
        return None
    config = datasette.plugin_config(PLUGIN_NAME, database=database, table=table, fallback=False) or {}
    hidden = [str(column) for column in config.get("hide_columns") or []]
    if not hidden:
        return None
    query = scope.get("query_string", b"").decode("latin-1")
    args = parse_qs(query, keep_blank_values=True)
    if "_col" in args or "_nocol" in args:
        return None
    extra = urlencode([("_nocol", column) for column in hidden])
    path = quote(f"{scope.get('root_path', '')}{scope['path']}", safe="/~")
    return f"{path}?{query + '&' if query else ''}{extra}"


_READ_METHODS = {"GET", "HEAD", "OPTIONS"}
_Asgi = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[MutableMapping[str, Any]], Awaitable[None]]],
    Awaitable[None],
]


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[_Asgi], _Asgi]:
    """Refuse every request that is not a read (POST, PUT, PATCH, DELETE) with 405; send a bare table
    page whose table hides columns by default to the page without them (``default_columns_location``)."""

    def wrap(app: _Asgi) -> _Asgi:
        async def read_only(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("method", "GET").upper() not in _READ_METHODS:
                body = b"405 Method Not Allowed: this database is served read-only\n"
                await send({
                    "type": "http.response.start",
                    "status": 405,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"allow", b"GET, HEAD, OPTIONS"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                })
                await send({"type": "http.response.body", "body": body})
                return
            location = default_columns_location(datasette, scope)
            if location is not None:
                await send({
                    "type": "http.response.start",
                    "status": 302,
                    "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")],
                })
                await send({"type": "http.response.body", "body": b""})
                return
            await app(scope, receive, send)

        return read_only

    return wrap
