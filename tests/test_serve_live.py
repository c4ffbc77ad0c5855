"""Serving while the nightly job writes (issue 13): Datasette reads the live file, read-only.

A real Datasette over a real SQLite file answers requests in a loop while a child process runs
``pipeline.py process`` on the same file: no request may fail, no answer may show half a write
(the facts appear all at once, article by article batch), and the new facts must show without a
restart.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, store_demo_articles

from db.store import Store
from demo.content import load_articles
from researcher.serve import build_datasette

pytestmark = pytest.mark.slow


def test_reads_during_the_nightly_writes_never_fail_and_see_the_new_facts(tmp_path: Path) -> None:
    db = store_demo_articles(tmp_path / "news.db")
    ds = build_datasette(db)
    name = db.stem
    sql = ("select (select count(*) from units) as units, (select count(*) from articles "
           "where processed_at is not null) as processed")

    async def read_while(writer: subprocess.Popen[str]) -> list[Any]:
        seen = []
        while True:
            done = writer.poll() is not None
            for path in (f"/{name}.json", f"/{name}/dossier_rates.json", f"/{name}/unit_series.json"):
                response = await ds.client.get(path, params={"sql": sql, "_shape": "array"} if path.endswith(
                    f"/{name}.json") else {"_size": "5"})
                assert response.status_code == 200, (path, response.status_code, response.text[:300])
                if path == f"/{name}.json":
                    seen.append(response.json()[0])
            if done:
                return seen
            await asyncio.sleep(0.05)

    writer = subprocess.Popen([sys.executable, "pipeline.py", "process", "--db", str(db), "-q", "--workers", "1"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    seen = asyncio.run(read_while(writer))
    assert writer.wait(timeout=300) == 0, writer.stderr.read() if writer.stderr else ""
    assert time.monotonic() - started < 300
    # a reader never saw facts without their articles being marked processed, or the reverse
    for row in seen:
        assert (row["units"] == 0) == (row["processed"] == 0), row
    final = asyncio.run(ds.client.get(f"/{name}.json", params={"sql": sql, "_shape": "array"})).json()[0]
    with Store(db, readonly=True) as store:
        units = store.db.execute("SELECT count(*) FROM units").fetchone()[0]
    assert final["units"] == units > 0  # the new facts show without a restart
    assert final["processed"] == len(load_articles())
