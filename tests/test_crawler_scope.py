"""Crawl scope: host NAMES that resolve to private addresses are never fetched, and a redirect
obeys the same off-site rule as a link.

The sites are real servers on 127.0.0.x.  Their names (``baothu.test``, ``cms.baothu.test``…)
resolve through ``faultsite.HostsResolver``: the project's own resolver
(``crawler.dns.GuardedResolver``) with a hosts table the test controls, installed in the crawl
child with Scrapy's ``TWISTED_DNS_RESOLVER`` setting.  Only the lookup is the test's; what the
crawler does with the answer is the real code.  The "intranet" servers log every request, so
"not fetched" means that not one request (robots.txt included) reached them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FAULT_CRAWL
from faultsite import FaultSite, article_paragraphs, resolver_settings, rss
from twisted.internet import defer

from crawler.dns import GuardedResolver, PrivateAnswer, private_ip
from crawler.run import run_crawl

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent
FAST = {**FAULT_CRAWL, "DOWNLOAD_TIMEOUT": 5}


@pytest.fixture(autouse=True)
def child_imports_faultsite(monkeypatch: pytest.MonkeyPatch) -> None:
    """The crawl child loads ``faultsite.HostsResolver`` by name: put tests/ on its path."""
    monkeypatch.setenv("PYTHONPATH", str(TESTS))


@pytest.fixture
def paper() -> Iterator[FaultSite]:
    """The source: a site on 127.0.0.1 reached by its name ``baothu.test`` (its own host)."""
    with FaultSite() as site:
        yield site


@pytest.fixture
def intranet() -> Iterator[FaultSite]:
    """An internal server on 127.0.0.2 serving a page that must never be fetched."""
    with FaultSite("127.0.0.2") as site:
        site.add_article(30)
        site.add("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
        yield site


def _port(site: FaultSite) -> str:
    return site.base.rsplit(":", 1)[1]


def _named_source(site: FaultSite, links: list[str], **extra: Any) -> dict[str, Any]:
    """Publish *links* in the feed of *site* and return its registry row under the name
    ``baothu.test`` (homepage, feed and allowed domain)."""
    base = f"http://baothu.test:{_port(site)}"
    site.add("/rss.xml", rss(links), content_type="application/rss+xml")
    site.add("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
    row = {"name": "baothu", "province": "Lâm Đồng", "homepage": base + "/", "feeds": [base + "/rss.xml"],
           "allowed_domains": ["baothu.test"]}
    row.update(extra)
    return row


def _crawl(tmp_path: Path, sources: list[dict[str, Any]], hosts: dict[str, str]) -> dict[str, Any]:
    log = tmp_path / "crawl.log"
    run = run_crawl(tmp_path / "news.db", sources=sources, settings={**FAST, **resolver_settings(hosts)},
                    log_file=log)
    run["log"] = log.read_text(encoding="utf-8")
    return run


def _stored(tmp_path: Path) -> dict[str, str]:
    from db.store import Store

    with Store(tmp_path / "news.db") as store:
        return {row[0]: row[1] for row in store.db.execute("SELECT url, text FROM articles")}


def test_a_redirect_to_a_name_resolving_to_a_private_address_is_not_followed(
    tmp_path: Path, paper: FaultSite, intranet: FaultSite
) -> None:
    base = f"http://baothu.test:{_port(paper)}"
    inside = f"http://cms.baothu.test:{_port(intranet)}/tin/bai-30.html"  # an allowed subdomain
    paper.add_article(41)
    paper.add("/tin/bai-40.html", status=302, headers={"Location": inside})
    source = _named_source(paper, [f"{base}/tin/bai-40.html", f"{base}/tin/bai-41.html"])
    run = _crawl(tmp_path, [source], {"baothu.test": "127.0.0.1", "cms.baothu.test": "127.0.0.2"})

    assert intranet.log == []  # not one request reached the internal server
    assert "/tin/bai-40.html" in paper.log  # the redirect itself was asked for
    counts = run["counts"]["sources"]["baothu"]
    assert counts["errors"] == {"private_address": 1} and counts["failed"] == 1, counts
    stored = _stored(tmp_path)
    assert list(stored) == [f"{base}/tin/bai-41.html"]  # the source's own name works (own host)…
    assert article_paragraphs(41)[0] in stored[f"{base}/tin/bai-41.html"]
    assert not any(article_paragraphs(30)[0] in text for text in stored.values())  # …the inside page is not stored
    assert "resolves to the private address 127.0.0.2" in run["log"]


def test_a_feed_link_to_a_subdomain_resolving_to_a_private_address_is_not_fetched(
    tmp_path: Path, paper: FaultSite, intranet: FaultSite
) -> None:
    base = f"http://baothu.test:{_port(paper)}"
    paper.add_article(42)
    links = [
        f"http://cms.baothu.test:{_port(intranet)}/tin/bai-30.html",  # subdomain → 127.0.0.2
        f"http://metadata.baothu.test:{_port(intranet)}/tin/bai-30.html",  # subdomain → link-local
        f"{base}/tin/bai-42.html",
    ]
    source = _named_source(paper, links)
    hosts = {"baothu.test": "127.0.0.1", "cms.baothu.test": "127.0.0.2", "metadata.baothu.test": "169.254.169.254"}
    run = _crawl(tmp_path, [source], hosts)

    assert intranet.log == []
    counts = run["counts"]["sources"]["baothu"]
    assert counts["errors"] == {"private_address": 2}, counts
    assert counts["new"] == 1 and list(_stored(tmp_path)) == [f"{base}/tin/bai-42.html"]
    crawled = [line for line in run["log"].splitlines() if "Crawled (" in line or "Downloaded" in line]
    assert not any("cms.baothu.test" in line or "metadata.baothu.test" in line for line in crawled)


def test_a_redirect_to_another_site_obeys_the_offsite_rule(tmp_path: Path, paper: FaultSite) -> None:
    base = f"http://baothu.test:{_port(paper)}"
    with FaultSite("127.0.0.3") as other:
        other.add_article(50)
        paper.add("/tin/bai-43.html", status=301,
                  headers={"Location": f"http://baokhac.test:{_port(other)}/tin/bai-50.html"})
        paper.add_article(44)
        paper.add("/tin/cu-45.html", status=301, headers={"Location": f"{base}/tin/bai-44.html"})  # same site
        source = _named_source(paper, [f"{base}/tin/bai-43.html", f"{base}/tin/cu-45.html"],
                               article_url_pattern=r"/tin/")
        run = _crawl(tmp_path, [source], {"baothu.test": "127.0.0.1", "baokhac.test": "127.0.0.3"})
        assert other.log == []
    counts = run["counts"]["sources"]["baothu"]
    assert counts["errors"] == {"offsite_redirect": 1} and counts["failed"] == 1, counts
    assert counts["new"] == 1  # the redirect within the site is followed
    assert list(_stored(tmp_path)) == [f"{base}/tin/cu-45.html"]


# -- the resolver's rule, without a crawl ------------------------------------------------------


class _Table(GuardedResolver):
    """GuardedResolver answering from a table (no threads, no system resolver)."""

    def __init__(self, table: dict[str, str]) -> None:  # noqa: D107 - a test double
        self.table = table
        self.trusted = frozenset()

    def lookup(self, name: str, timeout: Any = ()) -> Any:
        return defer.succeed(self.table[name])


def _answer(resolver: GuardedResolver, name: str) -> str | BaseException:
    out: list[Any] = []
    resolver.getHostByName(name).addBoth(out.append)
    result = out[0]
    return result.value if hasattr(result, "value") else result


def test_the_resolver_refuses_private_answers_except_for_trusted_hosts() -> None:
    resolver = _Table({"paper.vn": "203.113.131.1", "cms.paper.vn": "10.1.2.3", "mirror.lan": "192.168.1.9",
                       "meta.paper.vn": "169.254.169.254", "v6.paper.vn": "::ffff:127.0.0.1"})
    assert _answer(resolver, "paper.vn") == "203.113.131.1"
    for name in ("cms.paper.vn", "mirror.lan", "meta.paper.vn", "v6.paper.vn"):
        refused = _answer(resolver, name)
        assert isinstance(refused, PrivateAnswer) and refused.name == name, name
    resolver.trust(["MIRROR.LAN."])
    assert _answer(resolver, "mirror.lan") == "192.168.1.9"  # a source's own host
    assert isinstance(_answer(resolver, "cms.paper.vn"), PrivateAnswer)


@pytest.mark.parametrize(
    ("address", "private"),
    [("10.0.0.1", True), ("172.16.5.4", True), ("192.168.0.1", True), ("127.0.0.1", True),
     ("169.254.169.254", True), ("0.0.0.0", True), ("::1", True), ("fe80::1", True), ("fc00::1", True),
     ("::ffff:10.0.0.1", True), ("224.0.0.1", True), ("203.113.131.1", False), ("2001:4860::8888", False),
     ("baothu.test", False)],
)
def test_private_ip(address: str, private: bool) -> None:
    assert private_ip(address) is private
