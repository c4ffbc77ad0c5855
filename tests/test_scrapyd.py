"""The crawl past one machine: two real scrapyd daemons on 127.0.0.1, the project deployed to both
with scrapyd-deploy, the nightly cycle scheduling the spider on each over different sources (two
demo papers on loopback), their shards merged here.

Skips, saying why, only where a scrapyd daemon cannot start.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FAST_CRAWL, ROOT, facts_by_url
from faultsite import free_port

pytestmark = pytest.mark.slow

SCRAPYD_CONF = """[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
poll_interval = 0.2
logs_dir = logs
eggs_dir = eggs
dbs_dir = dbs
items_dir =
jobs_to_keep = 50
max_proc = 2
"""


def _up(url: str) -> bool:
    import requests

    try:
        return requests.get(url + "/daemonstatus.json", timeout=2).json().get("status") == "ok"
    except Exception:
        return False


@pytest.fixture(scope="module")
def papers() -> Iterator[list[dict[str, Any]]]:
    """Two demo-like papers on loopback, each with its own half of the demo articles."""
    from demo.content import load_articles
    from demo.server import demo_source, serve_demo_site

    articles = load_articles()
    half = len(articles) // 2
    with serve_demo_site(articles=articles[:half]) as a, serve_demo_site(articles=articles[half:]) as b:
        yield [{**demo_source(a), "name": "paper-a"}, {**demo_source(b), "name": "paper-b"}]


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two scrapyd daemons, each in a directory of its own, with the project deployed to both."""
    pytest.importorskip("scrapyd", reason="scrapyd is not installed (it is in the test extra)")
    base = tmp_path_factory.mktemp("scrapyd")
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for i in range(2):
            home = base / f"node{i}"
            home.mkdir()
            port = free_port()
            (home / "scrapyd.conf").write_text(SCRAPYD_CONF.format(port=port), encoding="utf-8")
            log = open(home / "scrapyd.out", "wb")  # noqa: SIM115 - kept open for the daemon's life
            procs.append(subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, stdout=log,
                                          stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while not all(_up(u) for u in urls):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                out = "\n".join((base / f"node{i}" / "scrapyd.out").read_text(errors="replace")[-800:]
                                for i in range(2))
                pytest.skip(f"scrapyd could not start on 127.0.0.1: {out}")
            time.sleep(0.3)
        _deploy(urls, base)
        yield urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def _deploy(urls: list[str], base: Path) -> None:
    """``scrapyd-deploy`` as a user runs it, with the targets in a user scrapy.cfg (XDG config)."""
    config = base / "config"
    config.mkdir()
    (config / "scrapy.cfg").write_text(
        "".join(f"[deploy:node{i}]\nurl = {url}/\nproject = vn-local-press\n\n" for i, url in enumerate(urls)),
        encoding="utf-8")
    deploy = str(Path(sys.executable).with_name("scrapyd-deploy"))
    env = {**os.environ, "XDG_CONFIG_HOME": str(config)}
    egg = base / "vn-local-press.egg"
    built = subprocess.run([deploy, f"--build-egg={egg}"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    for i in range(len(urls)):
        done = subprocess.run([deploy, f"node{i}", "--egg", str(egg), "--version", "1"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and '"status": "ok"' in done.stdout, done.stdout + done.stderr[-2000:]


def _articles(db_path: Path) -> list[tuple[str, str, str]]:
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT url, site, content_hash FROM articles ORDER BY url").fetchall()
    finally:
        conn.close()


def test_two_nodes_crawl_different_sources_and_their_shards_merge_into_one_crawl(
    nodes: list[str], papers: list[dict[str, Any]], tmp_path: Path
) -> None:
    from crawler.run import run_crawl
    from db.store import Store
    from monitor.nightly import run_nightly
    from nlp.process import process_articles

    main_db = tmp_path / "main.db"
    node_db = f"data/{tmp_path.name}.db"  # each test's nodes start with databases of their own
    result = run_nightly(main_db, sources=papers, nodes=nodes, crawl_settings=FAST_CRAWL,
                         reports_dir=tmp_path / "reports", timeout=300, node_db=node_db)
    assert result.exit_code == 0, (result.errors, result.nodes)
    rows = {r["node"]: r for r in result.nodes}
    assert len(rows) == 2 and all(r["status"] == "finished" for r in rows.values()), result.nodes
    given = sorted(name for r in rows.values() for name in r["sources"])
    assert given == ["paper-a", "paper-b"] and all(len(r["sources"]) == 1 for r in rows.values())

    # One local crawl of both papers, processed: the reference.
    local_db = tmp_path / "local.db"
    run_crawl(local_db, sources=papers, settings=FAST_CRAWL)
    with Store(local_db) as store:
        process_articles(store, progress=False)

    merged = _articles(main_db)
    assert len({url for url, _, _ in merged}) == len(merged)  # every article once, by URL
    assert len({(site, digest) for _, site, digest in merged}) == len(merged)  # and by text within a site
    assert merged == _articles(local_db) and len(merged) == 32
    assert facts_by_url(main_db) == facts_by_url(local_db)

    with Store(main_db) as store:
        crawls = list(store.db.query("SELECT node, node_run_id, status FROM runs WHERE kind = 'crawl'"))
        assert sorted(r["node"] for r in crawls) == sorted(rows) and all(r["status"] == "ok" for r in crawls)
        assert store.db.execute("SELECT count(*) FROM articles WHERE html_z IS NULL").fetchone()[0] == 0
        assert store.db.execute("SELECT count(*) FROM feed_state").fetchone()[0] >= 2
        unprocessed = store.db.execute(
            "SELECT count(*) FROM articles WHERE processed_at IS NULL").fetchone()[0]
        assert unprocessed == 0
    report = (tmp_path / "reports" / "latest.md").read_text(encoding="utf-8")
    assert "## Crawl nodes" in report and all(node in report for node in rows)

    # The next night: the nodes know what they stored, nothing new is merged, nothing changes.
    before = facts_by_url(main_db), _articles(main_db)
    again = run_nightly(main_db, sources=papers, nodes=nodes, crawl_settings=FAST_CRAWL,
                        reports_dir=tmp_path / "reports", timeout=300, node_db=node_db)
    assert again.exit_code == 0 and again.new_articles == 0, again.nodes
    assert all(r["articles_merged"] == 0 for r in again.nodes)
    assert (facts_by_url(main_db), _articles(main_db)) == before


def test_a_node_that_fails_is_reported_and_the_others_articles_are_kept(
    nodes: list[str], papers: list[dict[str, Any]], tmp_path: Path
) -> None:
    from monitor.nightly import run_nightly

    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    main_db = tmp_path / "main.db"
    result = run_nightly(main_db, sources=papers, nodes=[nodes[0], dead], crawl_settings=FAST_CRAWL,
                         reports_dir=tmp_path / "reports", timeout=300, node_db=f"data/{tmp_path.name}.db")
    assert result.exit_code == 1
    rows = {r["node"]: r for r in result.nodes}
    failed = rows[dead.removeprefix("http://")]
    assert failed["status"] == "failed" and "schedule" in failed["error"]
    alive = rows[nodes[0].removeprefix("http://")]
    assert alive["status"] == "finished" and alive["articles_merged"] == 16
    assert result.new_articles == 16
    assert {s["source"] for s in result.failed_sources} == set(failed["sources"])
    report = (tmp_path / "reports" / "latest.md").read_text(encoding="utf-8")
    assert "failed" in report and "node_failed" in report


def test_the_nightly_command_with_no_node_answering_reports_each_and_exits_1(tmp_path: Path) -> None:
    """As a user runs it: every node down is a failed night of failed sources, not a traceback; the
    database and the report say which node failed and why."""
    import json

    from conftest import run_pipeline

    from demo.server import demo_source

    registry = tmp_path / "sources.json"
    rows = [{**demo_source("http://127.0.0.1:9"), "name": name} for name in ("paper-a", "paper-b", "paper-c")]
    registry.write_text(json.dumps({"source": rows}), encoding="utf-8")
    dead = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    done = run_pipeline("nightly", "--db", str(tmp_path / "news.db"), "--sources-file", str(registry),
                        "--nodes", ",".join(dead), "--reports-dir", str(tmp_path / "reports"), "-q")
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    summary = json.loads(done.stdout)
    assert sorted(r["node"] for r in summary["nodes"]) == sorted(u.removeprefix("http://") for u in dead)
    assert all(r["status"] == "failed" and r["error"].startswith("schedule:") for r in summary["nodes"])
    assert sorted(n for r in summary["nodes"] for n in r["sources"]) == ["paper-a", "paper-b", "paper-c"]
    assert {s["source"] for s in summary["failed_sources"]} == {"paper-a", "paper-b", "paper-c"}
    report = (tmp_path / "reports" / "latest.md").read_text(encoding="utf-8")
    assert "## Crawl nodes" in report and all(u.removeprefix("http://") in report for u in dead)


def test_a_node_that_never_answers_is_failed_at_the_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node that accepts the connection and says nothing holds nothing: its request times out and
    the node is failed, not waited for."""
    import monitor.nodes as nodes_module
    from demo.server import demo_source

    monkeypatch.setattr(nodes_module, "HTTP_TIMEOUT", 1.0)
    with socket.socket() as silent:  # listens, never accepts: connections complete, no answer comes
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        (job,) = nodes_module.crawl_on_nodes([url], tmp_path, sources=[{**demo_source(url), "name": "paper"}])
        assert time.monotonic() - started < 30
    assert job.status == "failed" and "Timeout" in (job.error or ""), job.error
