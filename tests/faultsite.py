"""A scriptable news site on 127.0.0.x for crawler fault and resume tests.

Each ``FaultSite`` is one "source": its own port (so Scrapy treats it as its own site), a route
table filled after it starts (routes need the base URL), a log of every path requested, and
faults per route: any status and headers, a delay, a huge body, a body without Content-Length.
Handlers wait on a stop event, so a slow route never outlives the test by more than a moment.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PARAGRAPHS = [
    "Sáng {n}/10, Ủy ban nhân dân xã Tân Hà tổ chức hội nghị sơ kết hoạt động của chính quyền địa "
    "phương hai cấp sau ba tháng vận hành theo mô hình mới, bài số {n}.",
    "Theo báo cáo, Trung tâm Phục vụ hành chính công của xã đã tiếp nhận 1.254 hồ sơ, trong đó "
    "98,5% hồ sơ được giải quyết đúng hạn và không có hồ sơ quá hạn.",
    "Chủ tịch UBND xã đề nghị các phòng chuyên môn tiếp tục rà soát thủ tục, đẩy mạnh dịch vụ công "
    "trực tuyến và nâng cao chất lượng phục vụ người dân, doanh nghiệp.",
]


def article_paragraphs(n: int) -> list[str]:
    """The body paragraphs of article *n* (what the stored text must contain)."""
    return [p.format(n=n) for p in PARAGRAPHS]


def article_html(n: int, title: str | None = None, body: bool = True, charset: str | None = "utf-8") -> str:
    """An article page in the shape of a provincial paper (og:type, JSON-LD date, byline date)."""
    title = title or f"Xã Tân Hà sơ kết chính quyền hai cấp, bài {n}"
    paras = "".join(f"<p>{p}</p>" for p in article_paragraphs(n)) if body else ""
    ld = json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
         "datePublished": f"2025-10-{n % 28 + 1:02d}T08:00:00+07:00"},
        ensure_ascii=False,
    )
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"""<!doctype html><html lang="vi"><head>{meta}<title>{title} - Báo Thử</title>
<meta property="og:type" content="article"><script type="application/ld+json">{ld}</script></head>
<body><main><article><h1>{title}</h1><div class="date">{n % 28 + 1:02d}/10/2025 08:00</div>
<div class="content">{paras}</div></article></main><footer>Báo Thử</footer></body></html>"""


def rss(links: list[str]) -> bytes:
    """An RSS 2.0 feed listing *links* as written (absolute, or anything a feed may contain)."""
    items = "".join(f"<item><title>Bài {i}</title><link>{link}</link></item>" for i, link in enumerate(links))
    xml = f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Báo</title>{items}</channel></rss>'
    return xml.replace("&", "&amp;").encode("utf-8")


@dataclass
class Route:
    """One answer: *body* with *status* and *headers*, after *delay* s; *pad* filler bytes are
    appended (a huge page) and *no_length* omits Content-Length (a close-delimited body)."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    pad: int = 0
    no_length: bool = False


class FaultSite:
    """Serve routes on *host* (127.0.0.1, or another loopback address) on a free port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Route] = {}
        self.log: list[str] = []
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self.base = ""

    def add(self, path: str, body: bytes | str = b"", **kwargs: Any) -> str:
        """Add a route; return its absolute URL."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body, **kwargs)
        return self.base + path

    def add_article(self, n: int, **kwargs: Any) -> str:
        """Article *n* at ``/tin/bai-<n>.html``; returns its URL."""
        return self.add(f"/tin/bai-{n}.html", article_html(n, **kwargs))

    def source(self, name: str, feed_links: list[str], **extra: Any) -> dict[str, Any]:
        """Publish *feed_links* at /rss.xml and return the registry row of this site."""
        self.add("/rss.xml", rss(feed_links), content_type="application/rss+xml")
        self.add("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
        row = {
            "name": name,
            "province": "Lâm Đồng",
            "homepage": self.base + "/",
            "feeds": ["/rss.xml"],
            "allowed_domains": [self.host],
        }
        row.update(extra)
        return row

    def __enter__(self) -> FaultSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base-class name
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.split("?")[0]
                site.log.append(path)
                route = site.routes.get(path) or Route(b"not found", status=404)
                if route.delay and site._stop.wait(route.delay):
                    return
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    for key, value in route.headers.items():
                        self.send_header(key, value)
                    if route.no_length:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    else:
                        self.send_header("Content-Length", str(len(route.body) + route.pad))
                    self.end_headers()
                    self.wfile.write(route.body)
                    chunk = b" " * 65536
                    left = route.pad
                    while left > 0 and not site._stop.is_set():
                        self.wfile.write(chunk[: min(left, len(chunk))])
                        left -= len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the crawler hung up (e.g. a page too large)

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self.base = f"http://{self.host}:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on (bound then released): connections to it are refused."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# -- names that resolve where a test says (crawl child process) ---------------------------------

try:  # the crawl child imports this module by name (TWISTED_DNS_RESOLVER); the test process may not need it
    from twisted.internet import defer

    from crawler.dns import GuardedResolver
except ImportError:  # pragma: no cover - Scrapy is a dependency of the project
    GuardedResolver = object  # type: ignore[assignment,misc]


class HostsResolver(GuardedResolver):  # type: ignore[misc,valid-type]
    """The project's resolver with an /etc/hosts of the test's own: the ``FAULTSITE_HOSTS`` setting
    maps names to addresses (``{"cms.baothu.test": "127.0.0.2"}``); other names go to the system.

    A crawl uses it with ``settings={"TWISTED_DNS_RESOLVER": "faultsite.HostsResolver",
    "FAULTSITE_HOSTS": {...}}`` and this folder on the child's PYTHONPATH (``resolver_settings``).
    Only the lookup is replaced: the vetting of the answer is the real one.
    """

    hosts: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> HostsResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.hosts = {k.lower(): v for k, v in crawler.settings.getdict("FAULTSITE_HOSTS").items()}
        return resolver

    def lookup(self, name: str, timeout: Any = ()) -> Any:
        address = self.hosts.get(name.lower())
        return defer.succeed(address) if address else super().lookup(name, timeout)


def resolver_settings(hosts: dict[str, str]) -> dict[str, Any]:
    """Crawl settings that make *hosts* (name → address) resolve through ``HostsResolver``."""
    return {"TWISTED_DNS_RESOLVER": "faultsite.HostsResolver", "FAULTSITE_HOSTS": hosts}
