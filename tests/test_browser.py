"""The researcher pages as a person sees them: the real server, a real browser.

``pipeline.py serve`` runs on 127.0.0.1 (a free port) over a demo database, and headless Chromium
(Debian's ``chromium`` package, driven over the DevTools protocol by Playwright, which launches that
executable and downloads no browser of its own) renders the home page, the search, a canned query,
the articles table and the map. Each test checks what is on the screen (the list of canned
queries, a snippet with the words marked, rows one line high, markers on the map, no error) and
saves a PNG to ``build/screenshots/`` (``VN_LOCAL_PRESS_SCREENSHOTS`` names another folder); the
copies in ``docs/img/`` (home.png, search.png, map.png) were taken from there.

No request leaves the machine: the browser answers every address other than the server's with an
error (the map's tiles come from the internet, so the map is drawn without its background).
The tests skip, saying why, where Chromium or Playwright is missing; ``.ci/run`` installs both.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from conftest import ROOT, build_demo_db
from faultsite import free_port

from researcher.plugin import fold
from researcher.serve import load_metadata

log = logging.getLogger(__name__)

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags that work in a container without a display, a GPU or a network beyond 127.0.0.1.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("VN_LOCAL_PRESS_SCREENSHOTS") or ROOT / "build" / "screenshots")
DB = "news"
VIEWPORT = {"width": 1280, "height": 900}
# How long to wait for the server to answer or for a page to finish drawing: a bound, not a measure.
SERVER_START_S = 90
DRAW_MS = 30_000


@pytest.fixture(scope="module")
def sync_playwright() -> Any:
    """Playwright's sync API, or a skip saying what is missing."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium is not installed ({CHROMIUM}): apt-get install chromium (.ci/run does)")
    module = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
    )
    return module.sync_playwright




@pytest.fixture(scope="module")
def server(demo_site: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``pipeline.py serve`` on a demo database, on 127.0.0.1; its base URL."""
    folder = tmp_path_factory.mktemp("browser")
    db = build_demo_db(folder / "news.db", demo_site)["db"]
    port = free_port()
    log_path = folder / "serve.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "pipeline.py", "serve", "--db", str(db), "--port", str(port)],
            cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within {SERVER_START_S} s:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Browser:
    """One headless Chromium with a fresh profile; pages that may only reach the server."""

    def __init__(self, context: Any, base: str) -> None:
        self.context = context
        self.base = base
        self.errors: list[str] = []  # uncaught JavaScript exceptions, any page
        self.blocked: set[str] = set()  # hosts the pages tried to reach and were refused
        context.route("**/*", self._only_the_server)

    def _only_the_server(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host == "127.0.0.1" or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.blocked.add(host)
            route.abort()

    def open(self, path: str) -> Any:
        """A new page showing ``path``, checked to have answered 200 without an error message."""
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{path}: {error}"))
        response = page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == 200, (path, response and response.status)
        assert page.locator(".message-error").count() == 0, page.locator(".message-error").all_inner_texts()
        assert "Traceback" not in page.content()
        return page

    def screenshot(self, page: Any, name: str, full_page: bool = False) -> Path:
        """Save what the page shows as ``SCREENSHOTS/name``; checked to be a PNG."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        page.screenshot(path=str(path), full_page=full_page)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000, path
        log.info("screenshot: %s", path)
        return path


@pytest.fixture(scope="module")
def browser(sync_playwright: Any, server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh --user-data-dir
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS, viewport=VIEWPORT,
        )
        try:
            yield Browser(context, server)
        finally:
            context.close()


@pytest.fixture(autouse=True)
def no_script_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every page's JavaScript ran without an uncaught exception."""
    yield
    if "browser" in request.fixturenames:
        browser = request.getfixturevalue("browser")
        errors, browser.errors[:] = list(browser.errors), []
        assert not errors, errors


def _visible_rows(page: Any) -> Any:
    return page.locator("table.rows-and-columns tbody tr")


def _columns(page: Any) -> set[str]:
    """The columns the results table shows (a table's headers also carry sort arrows and menus)."""
    return set(page.locator("table.rows-and-columns thead th").evaluate_all(
        "ths => ths.map(th => th.dataset.column || th.innerText.trim())"
    ))


def test_the_home_page_lists_the_canned_queries(browser: Browser) -> None:
    page = browser.open("/")
    heading = page.get_by_role("heading", name="Canned queries")
    assert heading.is_visible()
    links = page.locator("section.canned-queries li a")
    titles = {q["title"] for q in load_metadata(DB)["databases"][DB]["queries"].values()}
    assert set(links.all_inner_texts()) == titles
    assert all(links.nth(i).is_visible() for i in range(links.count()))
    # the description's "listed below" leads to them
    assert page.locator('.metadata-description a[href="#canned-queries"]').is_visible()
    browser.screenshot(page, "home.png")
    page.close()


def test_search_shows_each_article_with_its_match_marked(browser: Browser) -> None:
    page = browser.open(f"/{DB}/search_articles?q=dong+giang")
    rows = _visible_rows(page)
    assert rows.count() >= 1
    assert rows.first.locator("td.col-title").inner_text().startswith("Xã Đông Giang")
    marks = page.locator("td.col-snippet mark")
    assert marks.count() >= 2 and marks.first.is_visible()
    assert {fold(text) for text in marks.all_inner_texts()} <= {"dong", "giang"}
    assert {"dong", "giang"} <= {fold(text) for text in rows.first.locator("mark").all_inner_texts()}
    background = marks.first.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the match is not highlighted"
    assert _columns(page) == {"title", "published", "site", "url", "snippet"}
    browser.screenshot(page, "search.png")
    page.close()


def test_commune_dossier_rates_answers_for_a_province_as_typed(browser: Browser) -> None:
    page = browser.open(f"/{DB}/commune_dossier_rates?province={quote('tỉnh Lâm Đồng')}")
    rows = _visible_rows(page)
    assert rows.count() >= 1
    assert set(rows.locator("td.col-province").all_inner_texts()) == {"Lâm Đồng"}
    assert rows.first.locator("td.col-scope_name").inner_text().strip()
    browser.screenshot(page, "commune_dossier_rates.png")
    page.close()


def test_the_articles_table_is_one_line_per_row_with_its_column_details_folded(browser: Browser) -> None:
    page = browser.open(f"/{DB}/articles")
    assert "_nocol=text" in page.url
    columns = _columns(page)
    assert {"title", "url", "published"} <= columns and not {"text", "html_z", "content_hash"} & columns
    rows = _visible_rows(page)
    assert rows.count() >= 10
    font_px = float(rows.first.locator("td").first.evaluate("td => parseFloat(getComputedStyle(td).fontSize)"))
    heights = [rows.nth(i).bounding_box()["height"] for i in range(rows.count())]
    assert max(heights) < 2.6 * font_px, f"rows are more than one line high: {heights} (font {font_px}px)"
    assert rows.first.bounding_box()["y"] < VIEWPORT["height"], "the first row is below the first screen"
    # the column descriptions: folded, and there on demand
    assert not page.locator("dl.column-descriptions").is_visible()
    details = page.locator("details.table-details dl")
    assert not details.is_visible()
    browser.screenshot(page, "articles.png")
    page.locator("details.table-details > summary").click()
    assert details.is_visible() and "html_z" in details.inner_text()
    page.close()


def test_a_persons_timeline_lists_their_titles_in_date_order(browser: Browser) -> None:
    """``person_timeline`` for a name typed without diacritics: one person, every title with the
    article's date and link, oldest first."""
    page = browser.open(f"/{DB}/person_timeline?person={quote('truong thi ngoc han')}")
    rows = _visible_rows(page)
    assert rows.count() >= 2
    assert set(rows.locator("td.col-name").all_inner_texts()) == {"Trương Thị Ngọc Hân"}
    assert len(set(rows.locator("td.col-person_id").all_inner_texts())) == 1
    dates = rows.locator("td.col-published").all_inner_texts()
    assert dates == sorted(dates) and len(set(dates)) >= 2, dates
    assert all(t.strip() for t in rows.locator("td.col-title").all_inner_texts())
    assert rows.first.locator("td.col-url a").count() == 1
    browser.screenshot(page, "person_timeline.png")
    page.close()


def test_the_map_places_every_commune_in_the_news(browser: Browser) -> None:
    page = browser.open(f"/{DB}/commune_map?province=")
    rows = _visible_rows(page)
    assert rows.count() >= 10
    assert set(rows.locator("td.col-not_placed").all_inner_texts()) == {"0"}
    assert set(rows.locator("td.col-placed_by").all_inner_texts()) <= {"own", "old units", "province"}
    page.wait_for_selector(".leaflet-container .leaflet-marker-icon", timeout=DRAW_MS)
    # every commune is on the map: the clusters' counts and the single markers add up to the rows
    count_js = """() => {
        let n = 0;
        for (const icon of document.querySelectorAll('.leaflet-marker-icon')) {
            n += icon.classList.contains('marker-cluster') ? parseInt(icon.innerText, 10) : 1;
        }
        return n;
    }"""
    page.wait_for_function(f"() => ({count_js})() >= {rows.count()}", timeout=DRAW_MS)
    assert page.evaluate(count_js) == rows.count()
    page.set_viewport_size({"width": VIEWPORT["width"], "height": 1200})
    page.locator(".leaflet-container").scroll_into_view_if_needed()
    browser.screenshot(page, "map.png")
    page.close()
    log.info("refused requests to %s (the map's tiles)", sorted(browser.blocked) or "nothing")
