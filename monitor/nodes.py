"""The crawl on scrapyd nodes: split the sources, schedule, wait, collect each node's shard.

``pipeline.py nightly --nodes URL,URL`` crawls on several machines through scrapyd, the existing
engine for running Scrapy spiders as a service (``docs/SCALE.md``).  For each node it:

1. gives the node its share of the registry (:func:`split_sources`: each source to the node that
   ranks highest for it, at most its fair share per node, so a source stays on the node that holds
   its seen URLs while the node list does not change);
2. schedules the ``news`` spider through scrapyd's HTTP API (``schedule.json``, with scrapyd's own
   client) with the sources as JSON, the node's database and the node's name as spider arguments;
3. polls ``status.json`` until the job ends (or cancels it at the time limit);
4. downloads the job's shard, which the item pipeline wrote beside the job's log and scrapyd serves
   under ``/logs/`` (``crawler.pipelines``, ``db.shard``).

A node that cannot be reached, whose job fails or leaves no shard, is reported with its reason;
the others' shards are merged all the same (``monitor.nightly``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from monitor.nightly import first_line

log = logging.getLogger(__name__)

__all__ = ["NodeJob", "node_name", "split_sources", "crawl_on_nodes"]

PROJECT = "vn-local-press"  # scrapy.cfg's [deploy] project: what scrapyd-deploy uploads
SPIDER = "news"
NODE_DB = "data/node.db"  # the node's own database, relative to the scrapyd daemon's directory
POLL_SECONDS = 2.0
HTTP_TIMEOUT = 30.0  # seconds for one answer of a node's API (connect and read)


@dataclass
class NodeJob:
    """One node's part of the night: what it was given and how it went."""

    node: str
    url: str
    sources: list[str]
    job: str | None = None
    status: str = "not scheduled"  # scheduled → finished | failed
    error: str | None = None
    shard: Path | None = None
    crawl: dict[str, Any] | None = None  # the node's crawl ``runs`` row, read from its shard
    merge: dict[str, Any] | None = None  # what merging its shard added (``db.merge.MergeResult``)
    seconds: float | None = None
    log_url: str | None = None

    def row(self) -> dict[str, Any]:
        """The node's line in the night report and the nightly ``runs`` row."""
        counts = (self.crawl or {}).get("counts") or {}
        return {
            "node": self.node,
            "url": self.url,
            "job": self.job,
            "status": self.status,
            "error": self.error,
            "sources": self.sources,
            "crawl_status": (self.crawl or {}).get("status"),
            "articles_fetched": counts.get("articles_fetched"),
            "articles_new_on_node": counts.get("articles_new"),
            "articles_merged": (self.merge or {}).get("articles_new"),
            "seconds": None if self.seconds is None else round(self.seconds, 1),
            "log_url": self.log_url,
        }


def node_name(url: str) -> str:
    """A node's name in the database and the report: its host and port."""
    parts = urlsplit(url)
    return parts.netloc.rsplit("@", 1)[-1] or url


def _weight(source: str, node: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{source}\0{node}".encode()).digest()[:8], "big")


def split_sources(names: list[str], nodes: list[str]) -> dict[str, list[str]]:
    """Each source to one node: the node ranking highest for it (rendezvous hashing) that has not
    reached its fair share, ``ceil(sources / nodes)``.  The same names and nodes give the same
    split in any order, so a node keeps its sources (and their seen URLs) night after night."""
    if not nodes:
        raise ValueError("no crawl nodes given")
    share = math.ceil(len(names) / len(nodes)) if names else 0
    split: dict[str, list[str]] = {node: [] for node in nodes}
    for name in sorted(names):
        for node in sorted(nodes, key=lambda n: _weight(name, n), reverse=True):
            if len(split[node]) < share:
                split[node].append(name)
                break
    return split


@functools.cache
def _client_class() -> type:
    """scrapyd's own client, with a time limit on every request: its calls have none, and a node
    that accepts connections but never answers would otherwise hold the night.  Built on first use,
    so that scrapyd-client is imported only by a night that crawls on nodes."""
    import requests
    from scrapyd_client.pyclient import HEADERS, ScrapydClient, _process_response

    class TimedClient(ScrapydClient):
        def _get(self, basename: str, params: Any = None) -> Any:
            return _process_response(requests.get(f"{self.url}/{basename}.json", params=params or {},
                                                  headers=HEADERS, auth=self.auth, timeout=HTTP_TIMEOUT))

        def _post(self, basename: str, data: Any) -> Any:
            return _process_response(requests.post(f"{self.url}/{basename}.json", data=data, headers=HEADERS,
                                                   auth=self.auth, timeout=HTTP_TIMEOUT))

    return TimedClient


def _client(url: str) -> Any:
    return _client_class()(url.rstrip("/"))


def crawl_on_nodes(
    nodes: list[str],
    work_dir: Path,
    sources: list[dict] | None = None,
    sources_file: Path | str | None = None,
    names: list[str] | None = None,
    since: str | None = None,
    settings: dict[str, Any] | None = None,
    timeout: float | None = None,
    project: str = PROJECT,
    node_db: str = NODE_DB,
    poll: float = POLL_SECONDS,
) -> list[NodeJob]:
    """Crawl the selected sources on the scrapyd *nodes* (base URLs); return one job per node, its
    shard downloaded into *work_dir* when it finished.  Never raises for a node's failure: it is
    the job's ``status``/``error``.  Raises ``SourceError`` for a bad registry or source name."""
    from crawler.run import check_request, setting_value

    registry = {source.name: source for source in check_request(sources, sources_file, names, since)}
    by_node = split_sources(list(registry), [node_name(url) for url in nodes])
    jobs = [NodeJob(node=node_name(url), url=url.rstrip("/") + "/", sources=by_node[node_name(url)]) for url in nodes]
    started = time.monotonic()
    for job in jobs:
        if not job.sources:
            job.status, job.error = "idle", "no source was given to this node"
            continue
        # The validated rows, defaults applied: a node parses exactly what was checked here.
        share = {"source": [registry[name].to_dict() for name in job.sources]}
        args: list[tuple[str, str]] = [
            ("sources_json", json.dumps(share, ensure_ascii=False)),
            ("db", node_db),
            ("node", job.node),
        ]
        if since:
            args.append(("since", since))
        for key, value in {**(settings or {}), **({"CLOSESPIDER_TIMEOUT": timeout} if timeout else {})}.items():
            args.append(("setting", f"{key}={setting_value(value)}"))  # as `scrapy crawl -s` takes it
        try:
            job.job = _client(job.url).schedule(project, SPIDER, args=args)
            job.status = "scheduled"
            log.info("node %s: job %s scheduled with %d source(s)", job.node, job.job, len(job.sources))
        except Exception as exc:  # any failure to reach or use a node is that node's failure
            job.status, job.error = "failed", f"schedule: {first_line(exc)}"
            log.error("node %s: could not schedule the crawl: %s", job.node, job.error)
    _wait(jobs, project, timeout, poll, started)
    for job in jobs:
        if job.status == "finished":
            _collect(job, project, work_dir)
    return jobs


def _wait(jobs: list[NodeJob], project: str, timeout: float | None, poll: float, started: float) -> None:
    """Poll every scheduled job until it ends; past *timeout* (plus the graces a local crawl gets
    to close and then to stop, ``crawler.run.STOP_GRACE`` each) a job still running is cancelled
    and failed."""
    from crawler.run import STOP_GRACE

    deadline = None if not timeout else started + timeout + 2 * STOP_GRACE
    waiting = [job for job in jobs if job.status == "scheduled"]
    while waiting:
        for job in list(waiting):
            try:
                state = _client(job.url).status(job.job, project).get("currstate")
            except Exception as exc:
                job.status, job.error = "failed", f"status: {first_line(exc)}"
                waiting.remove(job)
                continue
            if state == "finished":
                job.status = "finished"
                job.seconds = time.monotonic() - started
                waiting.remove(job)
        if waiting and deadline is not None and time.monotonic() > deadline:
            for job in waiting:
                job.status, job.error = "failed", "still running at the time limit: cancelled"
                try:
                    _client(job.url).cancel(project, job.job)
                except Exception:  # the node is reported failed either way
                    log.debug("cancel failed on %s", job.node, exc_info=True)
            return
        if waiting:
            time.sleep(poll)


def _collect(job: NodeJob, project: str, work_dir: Path) -> None:
    """Download the job's shard (beside its log under scrapyd's ``/logs/``) into *work_dir*."""
    client = _client(job.url)
    try:
        finished = [j for j in client.jobs(project).get("finished", []) if j.get("id") == job.job]
        log_path = finished[0].get("log_url") if finished else None
        log_path = log_path or f"/logs/{project}/{SPIDER}/{job.job}.log"
        job.log_url = urljoin(job.url, log_path)
        shard_url = job.log_url[: -len(".log")] + ".db" if job.log_url.endswith(".log") else job.log_url + ".db"
        response = _download(client, shard_url)
    except Exception as exc:
        job.status, job.error = "failed", f"collect: {first_line(exc)}"
        return
    if response is None:
        job.status = "failed"
        job.error = f"the job left no shard (its log: {job.log_url})"
        return
    path = work_dir / f"{job.node.replace(':', '_')}-{job.job}.db"
    path.write_bytes(response)
    try:
        job.crawl = _node_crawl(path)
    except sqlite3.DatabaseError as exc:
        job.status, job.error = "failed", f"shard: {first_line(exc)}"
        return
    job.shard = path
    if not job.crawl or job.crawl.get("status") not in ("ok", "timeout"):
        job.error = f"the node's crawl ended {(job.crawl or {}).get('status') or 'without a run'}"


def _download(client: Any, url: str) -> bytes | None:
    """GET *url* with the client's credentials; None for a 404 (the job wrote no shard)."""
    import requests

    response = requests.get(url, auth=getattr(client, "auth", None), timeout=(HTTP_TIMEOUT, 300))
    if response.status_code == 404:
        return None
    response.raise_for_status()
    return response.content


def _node_crawl(shard: Path) -> dict[str, Any] | None:
    """The node's newest crawl ``runs`` row in its shard, ``counts`` decoded."""
    from db.files import connect_readonly

    conn = connect_readonly(shard)
    try:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM runs WHERE kind = 'crawl' ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    if row is None:
        return None
    out = dict(row)
    out["counts"] = json.loads(out["counts"]) if out.get("counts") else {}
    return out
