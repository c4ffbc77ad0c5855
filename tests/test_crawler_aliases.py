"""One article, once: URL spellings, rel=canonical and the content hash make one stored article,
every other URL an alias that is never fetched again.

Crawls run against a FaultSite on 127.0.0.1 reached by the name ``baothu.test`` (through
``faultsite.HostsResolver``), so that ``www.``/``m.`` spellings exist; its request log shows what
was fetched.  The demo site served twice (a random port each time, as ``make demo`` does) shows
the content hash at work.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FAULT_CRAWL
from faultsite import FaultSite, article_html, article_paragraphs, resolver_settings, rss

from crawler.registry import SourceError, parse_sources
from crawler.run import run_crawl
from crawler.urls import UrlPolicy, canonical_url, url_key
from db.store import Store

TESTS = Path(__file__).resolve().parent
FAST = {**FAULT_CRAWL, "DOWNLOAD_TIMEOUT": 5}


# -- the URL policy and its registry knobs (no crawl) --------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "https://baolamdong.vn/xa-tan-ha-so-ket-123.html",
        "http://baolamdong.vn/xa-tan-ha-so-ket-123.html",
        "https://www.baolamdong.vn/xa-tan-ha-so-ket-123.html",
        "https://m.baolamdong.vn/xa-tan-ha-so-ket-123.html/",
        "https://baolamdong.vn/xa-tan-ha-so-ket-123.html?ref=home&utm_source=zalo&fbclid=x&gclid=y#comments",
        "HTTPS://BAOLAMDONG.VN:443/xa-tan-ha-so-ket-123.html?ref_src=top",
    ],
)
def test_spellings_of_one_article_share_a_key(variant: str) -> None:
    canon = canonical_url(variant)
    assert canon is not None and "ref=" not in canon and "utm_" not in canon and "clid" not in canon
    assert url_key(canon) == url_key(canonical_url("https://baolamdong.vn/xa-tan-ha-so-ket-123.html"))


def test_keys_keep_what_tells_articles_apart() -> None:
    key = url_key(canonical_url("https://baolamdong.vn/a-1.html"))
    for other in ("https://baolamdong.vn/a-2.html", "https://baolamdong.vn/a-1.html?id=2",
                  "https://baoquangninh.vn/a-1.html", "https://baolamdong.vn:8443/a-1.html",
                  "https://m.vn/a-1.html"):
        assert url_key(canonical_url(other)) != key, other
    assert url_key(canonical_url("https://m.vn/")) == "//m.vn/"  # a bare two-label host keeps its "m."


def test_registry_knobs_change_the_policy_per_source() -> None:
    strict = UrlPolicy.from_registry({"unify_trailing_slash": False, "unify_www": False, "unify_scheme": False,
                                      "keep_params": ["ref"], "drop_params": ["sid"]})
    a, b = "https://www.x.vn/a-1.html/?ref=home&sid=9", "http://x.vn/a-1.html?ref=home"
    assert canonical_url(a, policy=strict) == "https://www.x.vn/a-1.html/?ref=home"
    assert url_key(canonical_url(a, policy=strict), strict) != url_key(canonical_url(b, policy=strict), strict)
    assert url_key(canonical_url(a.replace("&sid=9", ""))) == url_key(canonical_url(b))  # the defaults unify them
    assert "sid=9" in canonical_url(a)  # and drop only the tracking parameters they know


def test_registry_defaults_table_and_bad_knobs() -> None:
    rows = {
        "defaults": {"max_articles": 50, "canonical": {"drop_params": ["sid"], "unify_www": False}},
        "source": [
            {"name": "a", "province": "Huế", "homepage": "https://a.vn"},
            {"name": "b", "province": "Huế", "homepage": "https://b.vn", "max_articles": 5,
             "canonical": {"unify_www": True}},
        ],
    }
    a, b = parse_sources(rows)
    assert a.max_articles == 50 and b.max_articles == 5
    assert not a.url_policy.unify_www and b.url_policy.unify_www  # merged knob by knob
    assert a.url_policy.drops("sid") and b.url_policy.drops("sid") and b.url_policy.drops("utm_medium")
    bad = [
        ({"canonical": {"unify_www": "yes"}}, "unify_www must be true or false"),
        ({"canonical": {"strip": []}}, "unknown key"),
        ({"canonical": {"keep_params": "ref"}}, "list of parameter names"),
        ({"max_articles": 0}, "max_articles must be a positive integer"),
    ]
    for extra, message in bad:
        with pytest.raises(SourceError, match=message):
            parse_sources([{"name": "c", "province": "Huế", "homepage": "https://c.vn", **extra}])
    with pytest.raises(SourceError, match=r"\[defaults\] has unknown key"):
        parse_sources({"defaults": {"province": "Huế"}, "source": [{"name": "c", "homepage": "https://c.vn"}]})


# -- the store ----------------------------------------------------------------------------------


def _item(url: str, text: str, site: str = "baothu", **extra: Any) -> dict[str, Any]:
    return {"url": url, "site": site, "title": "Tin", "text": text, "html": f"<p>{text}</p>", **extra}


def test_the_store_makes_a_known_text_or_canonical_an_alias(tmp_path: Path) -> None:
    text = "\n".join(article_paragraphs(1))
    with Store(tmp_path / "news.db") as store:
        first = store.store_article(_item("https://baothu.vn/a-1.html", text, aliases=["https://baothu.vn/a-1.html/"]))
        assert first.new and first.reason == "new"
        print_page = store.store_article(_item("https://baothu.vn/in/a-1.html", text + "\n"))
        assert (print_page.article_id, print_page.new, print_page.reason) == (first.article_id, False, "same_text")
        canonical = store.store_article(_item("https://baothu.vn/a-1.html", "Bản AMP rút gọn.",
                                              aliases=["https://baothu.vn/amp/a-1.html"]))
        assert (canonical.article_id, canonical.new, canonical.reason) == (first.article_id, False, "known_url")
        # another paper republishing the same text is a story of its own, not an alias
        reprint = store.store_article(_item("https://baokhac.vn/a-9.html", text, site="baokhac"))
        assert reprint.new and reprint.article_id != first.article_id
        assert store.article_count() == 2
        aliases = {row["url"]: (row["article_id"], row["reason"]) for row in store.aliases()}
        assert aliases == {
            "https://baothu.vn/a-1.html/": (first.article_id, "canonical"),
            "https://baothu.vn/in/a-1.html": (first.article_id, "same_text"),
            "https://baothu.vn/amp/a-1.html": (first.article_id, "canonical"),
        }
        assert store.known_urls() >= set(aliases) | {"https://baothu.vn/a-1.html"}
        assert store.has_article("https://baothu.vn/amp/a-1.html")
        assert store.article_id_for("https://baothu.vn/in/a-1.html") == first.article_id
        assert store.add_article(_item("https://baothu.vn/in/a-1.html", "Khác")) is None  # an alias is stored
        assert not store.add_alias("https://baothu.vn/a-1.html", reprint.article_id, "canonical")  # an article


# -- crawls ---------------------------------------------------------------------------------------


@pytest.fixture
def paper(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultSite]:
    monkeypatch.setenv("PYTHONPATH", str(TESTS))  # the crawl child loads faultsite.HostsResolver
    with FaultSite() as site:
        yield site


def _port(site: FaultSite) -> str:
    return site.base.rsplit(":", 1)[1]


def _crawl(db: Path, source: dict[str, Any], log: Path, **settings: Any) -> dict[str, Any]:
    return run_crawl(db, sources=[source], log_file=log,
                     settings={**FAST, **resolver_settings({"baothu.test": "127.0.0.1"}), **settings})


@pytest.mark.slow
def test_spellings_print_and_amp_pages_make_one_article_and_are_never_fetched_again(
    tmp_path: Path, paper: FaultSite
) -> None:
    port = _port(paper)
    base = f"http://baothu.test:{port}"
    page = f"{base}/tin/bai-1.html"
    paper.add_article(1)
    paper.add_article(2)
    paper.add("/in/bai-1.html", article_html(1))  # a print path: the same text, no canonical
    amp = article_html(1).replace("<head>", f'<head><link rel="canonical" href="{page}">')
    paper.add("/amp/bai-1.html", amp)  # an AMP page naming the article as canonical
    paper.add("/tin/cu-1.html", status=301, headers={"Location": "/tin/bai-1-moi.html"})  # moved…
    paper.add("/tin/bai-1-moi.html", article_html(1))  # …to a URL with the same text
    links = [
        page,
        f"{page}?ref=home",
        f"{page}/",
        f"http://www.baothu.test:{port}/tin/bai-1.html",
        f"http://m.baothu.test:{port}/tin/bai-1.html?utm_source=zalo",
        f"https://baothu.test:{port}/tin/bai-1.html",  # never requested: TLS to this server would fail
        f"{base}/in/bai-1.html",
        f"{base}/amp/bai-1.html",
        f"{base}/tin/cu-1.html",
        f"{base}/tin/bai-2.html",
    ]
    paper.add("/rss.xml", rss(links), content_type="application/rss+xml")
    source = {"name": "baothu", "province": "Lâm Đồng", "homepage": base + "/", "feeds": [base + "/rss.xml"],
              "allowed_domains": ["baothu.test"], "article_url_pattern": r"\.html"}
    db = tmp_path / "news.db"

    run = _crawl(db, source, tmp_path / "first.log")
    counts = run["counts"]["sources"]["baothu"]
    assert counts["new"] == 2 and counts["failed"] == 0 and counts["errors"] == {}, counts
    assert counts["discovered"] == 5  # bai-1 (one key for six spellings), print, amp, cu-1, bai-2
    article_hits = [p for p in paper.log if not p.endswith((".xml", ".txt"))]
    assert sorted(article_hits) == sorted(["/tin/bai-1.html", "/in/bai-1.html", "/amp/bai-1.html",
                                          "/tin/cu-1.html", "/tin/bai-1-moi.html", "/tin/bai-2.html"])
    with Store(db) as store:
        articles = {r[0]: r[1] for r in store.db.execute("SELECT url, id FROM articles")}
        aliases = {row["url"]: (row["article_id"], row["reason"]) for row in store.aliases()}
    # Whichever of the copies of article 1 came back first is the article (the pages answer in any
    # order); every other URL that served it is an alias of that one article.
    assert len(articles) == 2 and f"{base}/tin/bai-2.html" in articles
    first_id = next(i for u, i in articles.items() if not u.endswith("bai-2.html"))
    copies = {page, f"{base}/in/bai-1.html", f"{base}/amp/bai-1.html", f"{base}/tin/cu-1.html",
              f"{base}/tin/bai-1-moi.html"}
    assert set(aliases) | {u for u, i in articles.items() if i == first_id} == copies
    assert {a for a, _ in aliases.values()} == {first_id}

    # The next night: every URL above is known (articles and aliases) and is not fetched again; a
    # new AMP page, shorter, names the article as canonical: fetched once, stored as an alias.
    short = article_html(1).replace("<head>", f'<head><link rel="canonical" href="{page}?ref=amp">')
    paper.add("/amp2/bai-1.html", short.replace(f"<p>{article_paragraphs(1)[2]}</p>", ""))
    paper.add("/rss.xml", rss([*links, f"{base}/amp2/bai-1.html"]), content_type="application/rss+xml")
    paper.log.clear()
    again = _crawl(db, source, tmp_path / "second.log")
    assert [p for p in paper.log if not p.endswith((".xml", ".txt"))] == ["/amp2/bai-1.html"]
    counts = again["counts"]["sources"]["baothu"]
    assert counts["skipped"] == 5 and counts["new"] == 0 and counts["duplicates"] == 1, counts
    with Store(db) as store:
        assert store.article_count() == 2
        assert store.db.execute("SELECT article_id, reason FROM article_aliases WHERE url = ?",
                                [f"{base}/amp2/bai-1.html"]).fetchone() == (first_id, "canonical")


@pytest.mark.slow
def test_the_demo_crawled_twice_on_new_ports_keeps_its_articles(tmp_path: Path) -> None:
    """``make demo`` twice on one database: the second site's URLs differ (another port), its
    texts do not: each demo article stored once, and once more as an alias."""
    from demo.server import demo_source, load_articles, serve_demo_site

    articles = len(load_articles())

    db = tmp_path / "news.db"
    ports = []
    for _ in range(2):
        with serve_demo_site() as base_url:
            ports.append(base_url)
            run = run_crawl(db, sources=[demo_source(base_url)], names=["demo"], settings=FAST)
        assert run["status"] == "ok", run
    assert ports[0] != ports[1]
    assert run["articles_new"] == 0 and run["counts"]["duplicates"] == articles
    with Store(db) as store:
        assert store.article_count() == articles
        reasons = [row["reason"] for row in store.aliases()]
        assert len(reasons) == articles and set(reasons) == {"same_text"}
        assert all(url.startswith(ports[0]) for url in (r[0] for r in store.db.execute("SELECT url FROM articles")))
