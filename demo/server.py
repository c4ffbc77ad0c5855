"""Serve the demo site on 127.0.0.1 so that crawls and tests run without touching the internet.

``serve_demo_site`` binds first and builds second: the site bakes absolute URLs (canonical links,
RSS, sitemap) into its pages, so the port must be known before rendering. The server runs in a
daemon thread and logs requests through :mod:`logging`, so a crawl's output is not flooded with
access-log lines on stderr.

Run ``python -m demo.server --port 8000`` to look at the site in a browser.
"""

from __future__ import annotations

import argparse
import logging
import signal
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from demo.content import SECTIONS, Article, article_files, load_articles
from demo.site import build_site

__all__ = ["Article", "article_files", "demo_source", "load_articles", "serve_demo_site", "main"]

logger = logging.getLogger(__name__)


class _Server(ThreadingHTTPServer):
    """The stdlib server queues only 5 pending connections; a crawler with more in flight would
    see dropped connections and one-second retries."""

    request_queue_size = 128


HOST = "127.0.0.1"


class DemoRequestHandler(SimpleHTTPRequestHandler):
    """Static files with explicit UTF-8 content types, no directory listings, logs to ``logging``."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".xml": "application/xml; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".svg": "image/svg+xml",
    }

    def list_directory(self, path):  # noqa: ANN001 - signature fixed by the base class
        """A real site answers 404, not an index, for a folder without a page."""
        self.send_error(404, "Not Found")
        return None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base-class name
        logger.debug("%s - %s", self.address_string(), format % args)


@contextmanager
def serve_demo_site(port: int = 0, articles: Sequence[Article] | None = None) -> Iterator[str]:
    """Build the demo site into a temporary directory and serve it; yields the base URL.

    ``port=0`` lets the OS pick a free port, which is what tests want (parallel runs never clash).
    *articles* (default: all the bundled ones) lets tests serve several papers with different news.
    The server and its files are gone when the ``with`` block ends.
    """
    with tempfile.TemporaryDirectory(prefix="demo-site-") as tmp:
        root = Path(tmp)
        handler = partial(DemoRequestHandler, directory=str(root))
        server = _Server((HOST, port), handler)
        server.daemon_threads = True
        base_url = f"http://{HOST}:{server.server_address[1]}"
        try:
            build_site(root, base_url, articles)
            thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
            thread.start()
            logger.info("demo site serving %s from %s", base_url, root)
            try:
                yield base_url
            finally:
                server.shutdown()
                thread.join(timeout=5)
        finally:
            server.server_close()
            logger.info("demo site at %s stopped", base_url)


def demo_source(base_url: str) -> dict:
    """The crawler registry entry (see ``crawler/sources.toml``) for a demo site at ``base_url``."""
    base = base_url.rstrip("/")
    return {
        "name": "demo",
        "province": "Lâm Đồng",
        "homepage": base + "/",
        "feeds": [base + "/rss.xml"],
        "sitemaps": [base + "/sitemap.xml"],
        "sections": [f"{base}/{slug}/" for slug in SECTIONS],
        "allowed_domains": [HOST],
    }


def main(argv: list[str] | None = None) -> int:
    """Serve the demo site until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m demo.server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    # `kill`/`timeout` send SIGTERM: turn it into the Ctrl-C path so the temp dir is removed.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with serve_demo_site(args.port) as base_url:
        logger.info("Báo Tin Cơ Sở (demo) at %s/ – press Ctrl-C to stop", base_url)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            logger.info("stopping")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
