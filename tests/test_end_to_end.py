"""The whole pipeline on the bundled sample site: crawl on 127.0.0.1 → SQLite → facts.

One crawl and one process run are shared by the module (a crawl takes a few seconds); the
second-run test then crawls and processes again and checks that nothing changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST_CRAWL, build_demo_db

from crawler.run import run_crawl
from db.store import Store
from demo.server import demo_source, load_articles
from nlp.process import process_articles

pytestmark = pytest.mark.slow


DATA_TABLES = ("articles", "units", "officials", "official_titles", "dossiers", "percentages",
               "provinces", "communes")


@pytest.fixture(scope="module")
def site(demo_site: str) -> str:
    return demo_site


@pytest.fixture(scope="module")
def crawled(site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return build_demo_db(tmp_path_factory.mktemp("e2e") / "news.db", site)


def _article(store: Store, title_part: str) -> dict[str, Any]:
    rows = list(store.db.query("SELECT * FROM articles WHERE title LIKE ?", [f"%{title_part}%"]))
    assert rows, f"no stored article with {title_part!r} in its title"
    return rows[0]


def _dong_giang(store: Store) -> dict[str, Any]:
    rows = list(store.db.query(
        "SELECT * FROM articles WHERE text LIKE '%Đặng Hồng Sỹ%' AND text LIKE '%171 hồ sơ%'"))
    assert rows, "the Đông Giang article (seed 004's figures) was not stored"
    return rows[0]


def test_every_demo_article_is_stored_with_title_date_and_text(crawled: dict[str, Any]) -> None:
    articles = load_articles()
    with Store(crawled["db"]) as store:
        assert store.article_count() == len(articles)
        stored = {r["title"]: r for r in store.db.query("SELECT title, published, text, site FROM articles")}
    for article in articles:
        row = stored.get(article.title)
        assert row is not None, f"{article.title!r} not stored"
        assert row["published"] and row["published"][:10] == article.published[:10]
        assert article.body[-1].split()[-1].strip(".") in row["text"]
    assert crawled["crawl"]["articles_new"] == len(articles)


def test_seed_004_breakdown_lands_with_offsets_into_the_text(crawled: dict[str, Any]) -> None:
    with Store(crawled["db"]) as store:
        article = _dong_giang(store)
        text = article["text"]
        dossiers = store.facts_for(article["id"])["dossiers"]
    got = {(d["count"], d["kind"], d["channel"], d["total"]) for d in dossiers}
    assert (171, "received", None, None) in got
    assert (112, "received", "direct", None) in got
    assert (59, "received", "online", None) in got
    assert (169, "on_time", None, 169) in got
    assert (2, "pending", None, None) in got
    for d in dossiers:
        assert (d["scope_type"], d["scope_name"]) == ("xã", "Đông Giang"), d  # whose figures they are
        assert str(d["count"]) in text[d["start"] : d["end"]].replace(".", "")
        assert text[d["start"] : d["end"]] in d["sentence"]


def test_the_official_and_the_commune_land(crawled: dict[str, Any]) -> None:
    with Store(crawled["db"]) as store:
        article = _dong_giang(store)
        facts = store.facts_for(article["id"])
    officials = {o["name"]: o for o in facts["officials"]}
    assert "Đặng Hồng Sỹ" in officials
    official = officials["Đặng Hồng Sỹ"]
    assert article["text"][official["start"] : official["end"]] == "Đặng Hồng Sỹ"
    titles = [t["title"] for t in facts["official_titles"] if t["official_n"] == official["n"]]
    assert any(t.startswith("Phó Bí thư Tỉnh ủy") for t in titles)
    units = {(u["type"], u["name"]): u for u in facts["units"]}
    assert units[("xã", "Đông Giang")]["province"] == "Lâm Đồng"
    unit = units[("xã", "Đông Giang")]
    assert article["text"][unit["start"] : unit["end"]].endswith("Đông Giang")


def test_expected_demo_facts_are_mostly_found(crawled: dict[str, Any]) -> None:
    """The hand-checked facts in demo/expected.json: a recall floor per kind across the site."""
    expected = json.loads((Path(__file__).resolve().parent.parent / "demo" / "expected.json").read_text())
    by_slug = {a.slug: a for a in load_articles()}
    found = {kind: [0, 0] for kind in ("units", "officials", "dossiers", "percentages")}
    with Store(crawled["db"]) as store:
        for slug, kinds in expected.items():
            article = _article(store, by_slug[slug].title)
            facts = store.facts_for(article["id"])
            for kind, items in kinds.items():
                for item in items:
                    found[kind][1] += 1
                    found[kind][0] += _present(kind, item, facts)
    for kind, (hit, total) in found.items():
        assert total, f"demo/expected.json has no {kind}"
        assert hit / total >= 0.95, f"{kind}: only {hit}/{total} expected demo facts found"


def _present(kind: str, item: dict[str, Any], facts: dict[str, list[dict[str, Any]]]) -> bool:
    from nlp.normalize import fold

    if kind == "units":
        return any(fold(u["type"]) == fold(item["type"]) and fold(u["name"]) == fold(item["name"])
                   for u in facts["units"])
    if kind == "officials":
        return any(fold(o["name"]) == fold(item["name"]) for o in facts["officials"])
    if kind == "dossiers":
        return any(d["count"] == item["count"] and d["kind"] == item["kind"] for d in facts["dossiers"])
    return any(abs(p["value"] - item["value"]) < 1e-6 and p["qualifier"] == item["qualifier"]
               for p in facts["percentages"])


def test_demo_figures_carry_their_scope_and_period(crawled: dict[str, Any]) -> None:
    """Where expected.json gives scope and period (the articles written for spec v2), the stored
    figure has them: scope and period accuracy on the demo's series articles."""
    expected = json.loads((Path(__file__).resolve().parent.parent / "demo" / "expected.json").read_text())
    by_slug = {a.slug: a for a in load_articles()}
    checked = right = 0
    with Store(crawled["db"]) as store:
        for slug, kinds in expected.items():
            facts = store.facts_for(_article(store, by_slug[slug].title)["id"])
            for item in kinds["dossiers"]:
                if "period" not in item:
                    continue
                checked += 1
                period = item["period"] or {}
                right += any(
                    d["count"] == item["count"] and d["kind"] == item["kind"]
                    and (d["scope_type"], d["scope_name"]) == ((item["scope"] or {}).get("type"),
                                                                (item["scope"] or {}).get("name"))
                    and (d["period_start"], d["period_end"]) == (period.get("start"), period.get("end"))
                    for d in facts["dossiers"]
                )
    assert checked >= 20 and right / checked >= 0.95, (right, checked)


def test_the_demo_database_shows_series(crawled: dict[str, Any]) -> None:
    """A commune reported period by period, and a province beside its communes of the same period."""
    with Store(crawled["db"]) as store:
        phan_thiet = list(store.db.query(
            "SELECT period_label, received, received_online FROM dossier_rates "
            "WHERE scope_type = 'phường' AND scope_name = 'Phan Thiết' AND received IS NOT NULL "
            "ORDER BY coalesce(period_end, period_start), period_start"))
        labels = [r["period_label"] for r in phan_thiet]
        assert {"2025-07-01 – 2025-09-30", "2025-10-01 – 2025-10-31", "2025-11-01 – 2025-11-30",
                "2025-10-01 – 2025-12-31"} <= set(labels), labels
        q4 = next(store.db.query(
            "SELECT * FROM dossier_rates WHERE scope_level = 'province' AND province = 'Lâm Đồng' "
            "AND period_start = '2025-10-01' AND period_end = '2025-12-31'"))
        assert (q4["received"], q4["received_online"]) == (291400, 204500)
        assert q4["online_share_reported"] == 70.2
        # the province-wide figure in a commune's article is filed under the province, not the commune
        (n,) = store.db.execute(
            "SELECT count(*) FROM dossiers WHERE count = 1300000 AND scope_type = 'tỉnh' AND scope_name = 'Lâm Đồng'"
        ).fetchone()
        assert n == 1


def test_a_second_run_fetches_nothing_and_changes_nothing(crawled: dict[str, Any], site: str) -> None:
    with Store(crawled["db"]) as store:
        before = {t: store.table_digest(t) for t in DATA_TABLES}
        runs_before = store.db["runs"].count
    again = run_crawl(crawled["db"], sources=[demo_source(site)], names=["demo"], settings=FAST_CRAWL)
    assert again["articles_fetched"] == 0
    assert again["articles_new"] == 0
    with Store(crawled["db"]) as store:
        assert process_articles(store, progress=False)["articles_processed"] == 0
        assert {t: store.table_digest(t) for t in DATA_TABLES} == before
        assert store.db["runs"].count == runs_before + 2  # the two runs are logged, nothing else moved


def test_reprocess_rewrites_the_same_facts(crawled: dict[str, Any]) -> None:
    with Store(crawled["db"]) as store:
        before = {t: store.table_digest(t) for t in ("units", "officials", "dossiers", "percentages")}
        counts = process_articles(store, reprocess=True, progress=False)
        assert counts["articles_processed"] == store.article_count()
        assert {t: store.table_digest(t) for t in ("units", "officials", "dossiers", "percentages")} == before


def test_show_renders_the_article_with_its_facts(crawled: dict[str, Any], tmp_path: Path) -> None:
    import pipeline

    with Store(crawled["db"]) as store:
        article = _dong_giang(store)
    out = tmp_path / "show.html"
    assert pipeline.main(["show", str(article["id"]), "--db", str(crawled["db"]), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<mark" in page and "OFFICIAL" in page and "DOSSIER received" in page
    assert "Đặng Hồng Sỹ" in page
    assert pipeline.main(["show", "999999", "--db", str(crawled["db"]), "-o", str(out)]) == 2
