"""URL helpers: one canonical form per article, site membership, article/pagination heuristics.

The canonical form is what the store keys articles on, so the rule "an article already stored is
never fetched again" is only as good as this function: the same article reached through a feed
(``?utm_source=rss``), a section page (``#comments``) and a sitemap must map to one string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that only track the click, never select content.  Vietnamese sites get a lot of
# Zalo (zarsrc, gidzl) and Facebook (fbclid) traffic on top of the usual utm_*; "ref"/"ref_src" mark
# which box of the homepage a link sat in.  A source that really selects content with one of them
# lists it in its registry row's ``[source.canonical] keep_params``.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "zarsrc", "gidzl", "_gl", "mc_cid", "mc_eid", "igshid",
        "ref", "ref_src", "ref_url", "refsrc", "cmpid", "_ga", "yclid", "twclid", "ttclid", "s_cid",
    }
)
TRACKING_PREFIXES = ("utm_",)
# Host prefixes that name the same site: the desktop, "www." and mobile ("m.") editions.
SAME_SITE_PREFIXES = ("www.", "m.")


@dataclass(frozen=True)
class UrlPolicy:
    """How one source's URLs are made canonical, and which spellings are one page.

    Two forms come out of it.  ``canonical_url(url, policy=...)`` is what is requested and
    stored: tracking parameters dropped, but scheme, host and trailing slash as the site wrote them
    (a site may answer only one of them).  ``url_key(url, policy)`` is the identity the seen-URL
    set compares: with the ``unify_*`` knobs on, ``http``/``https``, ``www.``/``m.``/bare host and
    a trailing slash no longer tell two URLs apart.  The defaults suit every paper in the registry;
    a row overrides them in ``[source.canonical]``.
    """

    drop_params: frozenset[str] = TRACKING_PARAMS
    keep_params: frozenset[str] = frozenset()
    drop_prefixes: tuple[str, ...] = TRACKING_PREFIXES
    unify_trailing_slash: bool = True
    unify_www: bool = True
    unify_scheme: bool = True

    def drops(self, param: str) -> bool:
        """Whether the query parameter *param* only tracks the click (case-insensitive)."""
        name = param.lower()
        if name in self.keep_params:
            return False
        return name in self.drop_params or name.startswith(self.drop_prefixes)

    @classmethod
    def from_registry(cls, table: dict[str, Any] | None) -> UrlPolicy:
        """Build a policy from a registry ``canonical`` table (already validated by the registry):
        ``drop_params`` are added to the default tracking parameters; ``keep_params`` win over both
        (``drops``)."""
        table = table or {}
        extra = frozenset(p.lower() for p in table.get("drop_params", ()))
        keep = frozenset(p.lower() for p in table.get("keep_params", ()))
        return cls(
            drop_params=TRACKING_PARAMS | extra,
            keep_params=keep,
            unify_trailing_slash=bool(table.get("unify_trailing_slash", True)),
            unify_www=bool(table.get("unify_www", True)),
            unify_scheme=bool(table.get("unify_scheme", True)),
        )


DEFAULT_POLICY = UrlPolicy()

# Default article heuristic (used when a source gives no ``article_url_pattern``): the last path
# segment ends in "-<digits>.html" or ".htm", optionally with the CMS prefixes seen on Vietnamese
# papers ("-a123.html" on baocantho/baoangiang, "-post123.html" on sggp/baolaocai, "-ar123.html").
DEFAULT_ARTICLE_RE = re.compile(r"-(?:a|post|ar)?\d+\.html?$", re.IGNORECASE)
# Topic hubs ("-event123.html" on hanoimoi/baonghean) look like articles but list other articles.
NOT_ARTICLE_RE = re.compile(r"-event\d+\.html?$", re.IGNORECASE)

# Pagination shapes seen on the target CMSs: /trang-2.html, /trang-2/, /page/2, ?page=2, ?p=2.
_PAGE_PATH_RE = re.compile(r"(?:/|-)(?:trang|page)[-/](\d+)(?:\.html?)?/?$", re.IGNORECASE)
_PAGE_QUERY_KEYS = ("page", "p", "trang")


def canonical_url(url: str, base: str | None = None, policy: UrlPolicy = DEFAULT_POLICY) -> str | None:
    """Return the canonical form of *url* (resolved against *base*), or None if not http(s).

    Drops the fragment and the tracking parameters of *policy*, lower-cases scheme and host,
    removes default ports, sorts the query and normalises percent-encoding
    (``w3lib.url.canonicalize_url``).  The path's case is kept: servers may treat it
    case-sensitively.  This is a URL to request; ``url_key`` is the one to compare.
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
        if not policy.drops(k)
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


def url_key(url: str, policy: UrlPolicy = DEFAULT_POLICY) -> str:
    """The identity of a canonical URL in the seen-URL set: the spellings *policy* unifies (scheme,
    ``www.``/``m.``, a trailing slash) removed, so that ``http://m.x.vn/a-1.html/`` and
    ``https://x.vn/a-1.html`` are one article and the second is never fetched.

    *url* should come from ``canonical_url`` (stored URLs do); the key is not meant to be
    requested.  Cheap on purpose: the spider keys every stored URL when it starts.
    """
    scheme, _, rest = url.partition("://")
    if not rest:
        return url
    netloc, slash, tail = rest.partition("/")
    path, question, query = (slash + tail).partition("?")
    if policy.unify_www:
        host, colon, port = netloc.partition(":") if not netloc.startswith("[") else (netloc, "", "")
        for prefix in SAME_SITE_PREFIXES:
            if host.startswith(prefix) and "." in host[len(prefix):]:
                host = host[len(prefix):]
                break
        netloc = host + colon + port
    if policy.unify_trailing_slash and len(path) > 1:
        path = path.rstrip("/") or "/"
    path = path or "/"
    head = "//" if policy.unify_scheme else scheme.lower() + "://"
    return head + netloc + path + question + query


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
