"""The sources registry: which news sites we crawl and where their articles are listed.

The registry is data (``crawler/sources.toml``, or any TOML/JSON file with the same shape) so that
adding a province is an edit, not code.  Loading validates every row and fails with an error that
names the row, because a typo in a homepage otherwise shows up hours later as "0 articles".
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.urls import UrlPolicy

DEFAULT_SOURCES_FILE = Path(__file__).with_name("sources.toml")

KINDS = ("provincial", "national")
SELECTOR_KEYS = ("title", "date", "body")
_LIST_FIELDS = ("feeds", "sitemaps", "sections", "guessed", "allowed_domains")
_KNOWN_KEYS = {
    "name",
    "province",
    "kind",
    "homepage",
    "feeds",
    "sitemaps",
    "sections",
    "guessed",
    "allowed_domains",
    "selectors",
    "article_url_pattern",
    "max_section_pages",
    "max_articles",
    "canonical",
    "notes",
}
# Keys a registry's top-level ``[defaults]`` table may set for every row that does not.
DEFAULT_KEYS = ("max_section_pages", "max_articles", "canonical")
# ``[source.canonical]``: how the source's URLs are made canonical (crawler.urls.UrlPolicy).
CANONICAL_LISTS = ("drop_params", "keep_params")
CANONICAL_FLAGS = ("unify_trailing_slash", "unify_www", "unify_scheme")
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


class SourceError(ValueError):
    """A registry row is invalid; the message names the file and the row."""


@dataclass(frozen=True)
class Source:
    """One news site. URLs are absolute (relative registry paths are resolved on the homepage)."""

    name: str
    homepage: str
    province: str = ""
    kind: str = "provincial"
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    guessed: tuple[str, ...] = ()  # those feeds/sitemaps/sections nobody has seen work
    allowed_domains: tuple[str, ...] = ()
    selectors: dict[str, str] = field(default_factory=dict)
    article_url_pattern: str | None = None
    max_section_pages: int | None = None
    max_articles: int | None = None  # article requests per run (None: the MAX_ARTICLES_PER_SOURCE setting)
    canonical: dict[str, Any] = field(default_factory=dict)  # the row's [source.canonical] table
    notes: str = ""

    @property
    def article_re(self) -> re.Pattern[str] | None:
        """The compiled ``article_url_pattern`` (None: use the default heuristic)."""
        return re.compile(self.article_url_pattern) if self.article_url_pattern else None

    @cached_property
    def url_policy(self) -> UrlPolicy:
        """How this source's URLs are made canonical and compared (``[source.canonical]``)."""
        return UrlPolicy.from_registry(self.canonical)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with lists (JSON/TOML friendly), e.g. for the CLI or a temporary registry."""
        d = asdict(self)
        for key in _LIST_FIELDS:
            d[key] = list(d[key])
        return {k: v for k, v in d.items() if v is not None}


def _is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _clean_domain(value: str) -> str:
    """Accept "www.x.vn", "x.vn:8080" or "https://x.vn/" and return the bare host name.

    Scrapy's OffsiteMiddleware ignores entries with a port or scheme (with a warning only), which
    silently disables the site, so we normalise instead.
    """
    value = value.strip().lower()
    if "//" in value:
        value = urlsplit(value).hostname or ""
    if value.startswith("[") or value.count(":") > 1:  # IPv6 literal
        return value.strip("[]").split("]")[0]
    return value.split(":")[0].rstrip(".")


def _parse_row(raw: Any, where: str) -> Source:
    """Validate one registry row and build a Source; *where* names the row in error messages."""
    if not isinstance(raw, dict):
        raise SourceError(f"{where}: expected a table/object, got {type(raw).__name__}")
    unknown = sorted(set(raw) - _KNOWN_KEYS)
    if unknown:
        raise SourceError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(_KNOWN_KEYS)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourceError(f"{where}: missing 'name'")
    where = f"{where} ({name!r})"
    homepage = raw.get("homepage")
    if not isinstance(homepage, str) or not homepage.strip():
        raise SourceError(f"{where}: missing 'homepage'")
    homepage = homepage.strip()
    if not _is_http_url(homepage):
        raise SourceError(f"{where}: homepage {homepage!r} is not an absolute http(s) URL")
    kind = raw.get("kind", "provincial")
    if kind not in KINDS:
        raise SourceError(f"{where}: kind {kind!r} must be one of {KINDS}")
    province = raw.get("province", "")
    if not isinstance(province, str):
        raise SourceError(f"{where}: province must be a string")
    if kind == "provincial" and not province.strip():
        raise SourceError(f"{where}: a provincial source needs its (2025) province name")

    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_FIELDS:
        value = raw.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SourceError(f"{where}: {key!r} must be a list of strings")
        if key == "allowed_domains":
            lists[key] = tuple(_clean_domain(v) for v in value if v.strip())
            continue
        urls = []
        for v in value:
            absolute = urljoin(homepage, v.strip())
            if not _is_http_url(absolute):
                raise SourceError(f"{where}: {key} entry {v!r} is not an http(s) URL")
            urls.append(absolute)
        lists[key] = tuple(urls)
    domains = lists["allowed_domains"] or (_clean_domain(homepage).removeprefix("www."),)
    for d in domains:
        if not _DOMAIN_RE.match(d) and not re.fullmatch(r"[0-9.]+|[0-9a-f:]+", d):
            raise SourceError(f"{where}: allowed_domains entry {d!r} is not a host name")
    listed = {*lists["feeds"], *lists["sitemaps"], *lists["sections"]}
    stray = [u for u in lists["guessed"] if u not in listed]
    if stray:
        raise SourceError(f"{where}: guessed {stray} must also be in feeds, sitemaps or sections")
    for url in (homepage, *lists["feeds"], *lists["sitemaps"], *lists["sections"]):
        host = (urlsplit(url).hostname or "").lower()
        if not any(host == d or host.endswith("." + d) for d in domains):
            raise SourceError(f"{where}: {url!r} is outside allowed_domains {list(domains)}")

    selectors = raw.get("selectors", {}) or {}
    if not isinstance(selectors, dict):
        raise SourceError(f"{where}: selectors must be a table with keys {SELECTOR_KEYS}")
    bad = sorted(set(selectors) - set(SELECTOR_KEYS))
    if bad or not all(isinstance(v, str) and v.strip() for v in selectors.values()):
        raise SourceError(f"{where}: selectors must map {SELECTOR_KEYS} to CSS strings (bad: {bad})")
    pattern = raw.get("article_url_pattern") or None
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise SourceError(f"{where}: article_url_pattern {pattern!r} is not a regex: {exc}") from exc
    max_pages = raw.get("max_section_pages")
    if max_pages is not None and (not isinstance(max_pages, int) or max_pages < 1):
        raise SourceError(f"{where}: max_section_pages must be a positive integer")
    max_articles = raw.get("max_articles")
    if max_articles is not None and (
        isinstance(max_articles, bool) or not isinstance(max_articles, int) or max_articles < 1
    ):
        raise SourceError(f"{where}: max_articles must be a positive integer")
    canonical = _parse_canonical(raw.get("canonical"), where)
    notes = raw.get("notes", "")
    if not isinstance(notes, str):
        raise SourceError(f"{where}: notes must be a string")

    return Source(
        name=name.strip(),
        homepage=homepage,
        province=province.strip(),
        kind=kind,
        feeds=lists["feeds"],
        sitemaps=lists["sitemaps"],
        sections=lists["sections"],
        guessed=lists["guessed"],
        allowed_domains=domains,
        selectors=dict(selectors),
        article_url_pattern=pattern,
        max_section_pages=max_pages,
        max_articles=max_articles,
        canonical=canonical,
        notes=notes,
    )


def _parse_canonical(table: Any, where: str) -> dict[str, Any]:
    """Validate a ``canonical`` table: ``drop_params``/``keep_params`` lists of query parameter
    names, ``unify_trailing_slash``/``unify_www``/``unify_scheme`` booleans."""
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise SourceError(f"{where}: canonical must be a table with keys {[*CANONICAL_LISTS, *CANONICAL_FLAGS]}")
    unknown = sorted(set(table) - {*CANONICAL_LISTS, *CANONICAL_FLAGS})
    if unknown:
        raise SourceError(f"{where}: canonical has unknown key(s) {unknown}; allowed: "
                          f"{[*CANONICAL_LISTS, *CANONICAL_FLAGS]}")
    out: dict[str, Any] = {}
    for key in CANONICAL_LISTS:
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise SourceError(f"{where}: canonical.{key} must be a list of parameter names")
            out[key] = [v.strip() for v in value]
    for key in CANONICAL_FLAGS:
        if key in table:
            if not isinstance(table[key], bool):
                raise SourceError(f"{where}: canonical.{key} must be true or false")
            out[key] = table[key]
    return out


def _with_defaults(row: Any, defaults: dict[str, Any]) -> Any:
    """*row* with the registry's ``[defaults]`` filled in where it says nothing (``canonical``
    merged key by key, so a row can change one knob and keep the others)."""
    if not isinstance(row, dict) or not defaults:
        return row
    merged = {**{k: v for k, v in defaults.items() if k != "canonical"}, **row}
    if "canonical" in defaults:
        own = row.get("canonical")
        base = defaults["canonical"]
        merged["canonical"] = {**base, **own} if isinstance(own, dict) and isinstance(base, dict) else own or base
    return merged


def parse_sources(rows: Any, origin: str = "<registry>") -> list[Source]:
    """Validate a list of row dicts (or ``{"defaults": {...}, "source": [...]}``) and return Sources.

    A top-level ``defaults`` table gives every row the keys in ``DEFAULT_KEYS`` it does not set.
    """
    defaults: dict[str, Any] = {}
    if isinstance(rows, dict):
        raw_defaults = rows.get("defaults") or {}
        if not isinstance(raw_defaults, dict):
            raise SourceError(f"{origin}: [defaults] must be a table")
        unknown = sorted(set(raw_defaults) - set(DEFAULT_KEYS))
        if unknown:
            raise SourceError(f"{origin}: [defaults] has unknown key(s) {unknown}; allowed: {list(DEFAULT_KEYS)}")
        defaults = dict(raw_defaults)
        rows = rows.get("source", rows.get("sources"))
    if not isinstance(rows, list) or not rows:
        raise SourceError(f"{origin}: expected a non-empty list of sources ([[source]] tables)")
    sources = [_parse_row(_with_defaults(row, defaults), f"{origin} source #{i + 1}") for i, row in enumerate(rows)]
    seen: set[str] = set()
    for s in sources:
        if s.name in seen:
            raise SourceError(f"{origin}: duplicate source name {s.name!r}")
        seen.add(s.name)
    return sources


def select_sources(registry: list[Source], names: list[str] | str | None) -> list[Source]:
    """The sources *names* (a list, or comma-separated) in that order; all when *names* is empty.
    Raises SourceError naming the unknown ones and the registry's."""
    if isinstance(names, str):
        names = names.split(",")
    wanted = [n.strip() for n in names or () if n and n.strip()]
    if not wanted:
        return list(registry)
    by_name = {s.name: s for s in registry}
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        raise SourceError(f"unknown source(s) {unknown}; the registry has {sorted(by_name)}")
    return [by_name[n] for n in wanted]


def load_sources(path: Path | str | None = None) -> list[Source]:
    """Load and validate a registry file (TOML, or JSON when the name ends in .json).

    Defaults to the bundled ``crawler/sources.toml``.
    """
    path = Path(path) if path else DEFAULT_SOURCES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the sources registry: {exc}") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(f"{path}: not valid {path.suffix.lstrip('.') or 'TOML'}: {exc}") from exc
    return parse_sources(data, str(path))


def sources_as_dicts(path: Path | str | None = None) -> list[dict[str, Any]]:
    """The registry as plain dicts (for ``pipeline.py sources`` and JSON output)."""
    return [s.to_dict() for s in load_sources(path)]
