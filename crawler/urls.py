"""URL helpers: one canonical form per article, site membership, article/pagination heuristics.

The canonical form is what the store keys articles on, so the rule "an article already stored is
never fetched again" is only as good as this function: the same article reached through a feed
(``?utm_source=rss``), a section page (``#comments``) and a sitemap must map to one string.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that only track the click, never select content.  Vietnamese sites get a lot of
# Zalo (zarsrc, gidzl) and Facebook (fbclid) traffic on top of the usual utm_*.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "zarsrc", "gidzl", "_gl", "mc_cid", "mc_eid", "igshid"}
)
TRACKING_PREFIXES = ("utm_",)

# Default article heuristic (used when a source gives no ``article_url_pattern``): the last path
# segment ends in "-<digits>.html" or ".htm", optionally with the CMS prefixes seen on Vietnamese
# papers ("-a123.html" on baocantho/baoangiang, "-post123.html" on sggp/baolaocai, "-ar123.html").
DEFAULT_ARTICLE_RE = re.compile(r"-(?:a|post|ar)?\d+\.html?$", re.IGNORECASE)
# Topic hubs ("-event123.html" on hanoimoi/baonghean) look like articles but list other articles.
NOT_ARTICLE_RE = re.compile(r"-event\d+\.html?$", re.IGNORECASE)

# Pagination shapes seen on the target CMSs: /trang-2.html, /trang-2/, /page/2, ?page=2, ?p=2.
_PAGE_PATH_RE = re.compile(r"(?:/|-)(?:trang|page)[-/](\d+)(?:\.html?)?/?$", re.IGNORECASE)
_PAGE_QUERY_KEYS = ("page", "p", "trang")


def canonical_url(url: str, base: str | None = None) -> str | None:
    """Return the canonical form of *url* (resolved against *base*), or None if not http(s).

    Drops the fragment and tracking parameters, lower-cases scheme and host, removes default
    ports, sorts the query and normalises percent-encoding (``w3lib.url.canonicalize_url``).
    The path's case is kept: servers may treat it case-sensitively.
    """
    url = (url or "").strip()
    if not url:
        return None
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal: urlsplit strips the brackets, put them back
        host = f"[{host}]"
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    rebuilt = urlunsplit((scheme, host, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def host_of(url: str) -> str:
    """Host name of *url* in lower case, without port ("" when there is none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def host_allowed(url: str, domains: list[str] | tuple[str, ...]) -> bool:
    """True if *url*'s host is one of *domains* or a subdomain of one (Scrapy's offsite rule)."""
    host = host_of(url)
    if not host:
        return False
    return any(host == d or host.endswith("." + d) for d in domains)


def page_number(url: str) -> int | None:
    """The page number a pagination URL points to (``/trang-3.html`` → 3), else None."""
    parts = urlsplit(url)
    m = _PAGE_PATH_RE.search(parts.path)
    if m:
        return int(m.group(1))
    for key, value in parse_qsl(parts.query):
        if key.lower() in _PAGE_QUERY_KEYS and value.isdigit():
            return int(value)
    return None


def looks_like_article(url: str, pattern: re.Pattern[str] | None = None) -> bool:
    """Heuristic: does *url* point to an article page (not a section, hub or pagination page)?

    A source's own ``article_url_pattern`` (searched in path + query) wins over the default rule.
    """
    parts = urlsplit(url)
    if pattern is not None:
        target = parts.path + ("?" + parts.query if parts.query else "")
        return bool(pattern.search(target))
    if page_number(url) is not None or NOT_ARTICLE_RE.search(parts.path):
        return False
    return bool(DEFAULT_ARTICLE_RE.search(parts.path))
