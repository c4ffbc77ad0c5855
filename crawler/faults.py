"""What can go wrong with a source, named and counted per source.

The nightly report must say *which* paper is broken and *how* (refusing connections, timing out,
answering 500, looping redirects, serving PDFs at article URLs…), so every failure is turned
into a short stable name here and counted under its source in ``runs.counts["sources"]``.
Links the spider refuses to follow (another domain, a private address, a ``file://`` URL) are
counted the same way: a feed that suddenly points elsewhere is worth a look.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.dns import private_ip

# Per-source counters; "errors" is a nested {type: n}.  The first six are the report's columns.
SOURCE_KEYS = (
    "discovered",  # article URLs found in feeds, sitemaps and sections (once per run)
    "fetched",  # article pages downloaded
    "new",  # articles stored
    "skipped",  # article URLs already stored: not fetched
    "failed",  # article downloads or extractions that failed (by type in "errors")
    "dropped",  # links refused before any request (offsite, private address, bad scheme)
    "duplicates",
    "too_old",
    "listings_fetched",
    "listings_failed",
    "listings_unchanged",
    "capped",  # listed URLs left for a later night once the source's max_articles was reached
    "unfinished",  # requests dropped unsent when the crawl reached its time limit (--timeout)
)

# Scrapy ≥ 2.13 wraps Twisted's errors; report the names operators know.
_ERROR_NAMES: dict[type[BaseException], str] = {
    DownloadConnectionRefusedError: "ConnectionRefusedError",
    DownloadTimeoutError: "TimeoutError",
    CannotResolveHostError: "DNSLookupError",
    DownloadFailedError: "ResponseFailed",
    ResponseDataLossError: "data_loss",
}


class RefusedRequest(IgnoreRequest):
    """A request the guard middleware refused; ``kind`` is the error type it is counted as."""

    kind = "refused"


class PrivateAddress(RefusedRequest):
    kind = "private_address"


class RedirectLoop(RefusedRequest):
    kind = "redirect_loop"


class OffsiteRedirect(RefusedRequest):
    """A redirect to a host outside the source's ``allowed_domains``: the off-site rule of links
    applies to redirects too (every spider request is ``dont_filter``, which Scrapy's own
    OffsiteMiddleware lets through)."""

    kind = "offsite_redirect"


class AlreadyDone(IgnoreRequest):
    """An article already stored or a page already requested this run (e.g. from a resumed JOBDIR
    queue): skipped, not an error."""


def error_kind(failure: Failure) -> str | None:
    """A short stable name for a failed request ("http_404", "TimeoutError", "too_large"…).

    None for deliberate drops that are not faults of the source (robots.txt, already stored).
    """
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, RefusedRequest):
        return exc.kind
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "max redirections" in message:
            return "too_many_redirects"
        if "DOWNLOAD_MAXSIZE" in message:
            # HttpCompressionMiddleware: a small gzip/deflate/brotli body that inflates past the
            # limit (a decompression bomb, or a listing far larger than announced).
            return "too_large_decompressed"
        return None
    if isinstance(exc, DownloadCancelledError):
        # Scrapy says so when Content-Length announced too much; a body that grows past
        # DOWNLOAD_MAXSIZE without announcing it is cancelled with no message at all (the size
        # warning is only logged), and nothing else cancels a download mid-crawl.
        message = str(exc)
        return "too_large" if not message or "max size" in message else "cancelled"
    for cls, name in _ERROR_NAMES.items():
        if isinstance(exc, cls):
            return name
    return type(exc).__name__ if exc is not None else "unknown"


def private_host(host: str) -> bool:
    """True for hosts a public newspaper never lives on: private, loopback, link-local, reserved
    and unspecified IP literals, and ``localhost``.  Names are not resolved here (a pure function
    for links); ``crawler.dns.GuardedResolver`` vets what names resolve to."""
    host = host.lower().strip("[]").rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    return private_ip(host)


def link_problem(
    url: str, own_hosts: frozenset[str] | set[str], allowed_domains: tuple[str, ...] | list[str]
) -> str | None:
    """Why *url* must not be requested for a source: "bad_scheme", "private_address", "offsite",
    or None when it may.  *own_hosts* are the source's homepage hosts (a test or intranet source
    may itself live on a private address); *allowed_domains* as in the registry."""
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return "bad_scheme"
    if parts.scheme.lower() not in ("http", "https") or not host:
        return "bad_scheme"
    if host not in own_hosts and private_host(host):
        return "private_address"
    if not any(host == d or host.endswith("." + d) for d in allowed_domains):
        return "offsite"
    return None


# Magic numbers: PDF, ZIP (docx/xlsx too), PNG, GIF, JPEG, gzip, RAR, 7z, OLE (doc/xls).
_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\xd0\xcf\x11\xe0",
)


def body_kind(body: bytes, content_type: str) -> str:
    """"html", "binary" (PDF, ZIP, images, NUL bytes, octet-stream…) or "non_html" (other text).

    The body is sniffed as well as the header: servers label PDFs text/html and HTML
    application/octet-stream, and only the bytes tell which.
    """
    head = body[:1024]
    if head.startswith(_MAGIC) or b"\x00" in head:
        return "binary"
    ctype = (content_type or "").split(";")[0].strip().lower()
    if not ctype or "html" in ctype:
        return "html"
    low = head.lstrip().lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low:
        return "html"
    if ctype.startswith("text/") or "xml" in ctype or "json" in ctype:
        return "non_html"
    return "binary"


class SourceCounts:
    """Counters per source name, turned into the ``runs.counts["sources"]`` mapping."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {}
        self._errors: dict[str, Counter[str]] = {}

    def add_source(self, name: str) -> None:
        """Make *name* appear in the report even when nothing happened to it."""
        self._counts.setdefault(name, Counter())
        self._errors.setdefault(name, Counter())

    def inc(self, name: str, key: str, n: int = 1) -> None:
        self.add_source(name)
        self._counts[name][key] += n

    def error(self, name: str, kind: str, n: int = 1) -> None:
        self.add_source(name)
        self._errors[name][kind] += n

    def as_dict(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for name in sorted(self._counts):
            row: dict[str, Any] = {key: int(self._counts[name][key]) for key in SOURCE_KEYS}
            row["errors"] = dict(sorted(self._errors[name].items()))
            out[name] = row
        return out


# Counted under a source's errors but not failures: a robots.txt refusal is the site's policy.
NOT_FAILURES = frozenset({"robots_forbidden"})


def source_errors(counts: dict[str, Any] | None) -> int:
    """How many errors one source's counts (``runs.counts["sources"][name]``) report, failed
    requests included and robots.txt refusals left out."""
    c = counts or {}
    errors = c.get("errors") or {}
    return sum(int(n or 0) for k, n in errors.items() if k not in NOT_FAILURES) + int(c.get("failed") or 0)


def source_failed(counts: dict[str, Any] | None) -> bool:
    """Whether one source's counts say it failed: it reported errors and nothing came through (no
    article fetched, none skipped as known, none stored, no listing answered 304).  One with errors
    that still delivered is degraded, not failed.

    ``crawl``'s exit code and the night report (``monitor.report.failed_sources``) both ask this,
    so that they call the same sources failed.
    """
    c = counts or {}
    return bool(source_errors(c)) and not sum(int(c.get(k) or 0) for k in ("fetched", "skipped", "new",
                                                                          "listings_unchanged"))
