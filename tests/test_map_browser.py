"""The map in a real browser: headless Debian Chromium, network blocked, from file://."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import flowmap
from tests.conftest import SAMPLE, XSS_IMG, XSS_SCRIPT, write_hostile_map

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed (.ci/run installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

AS_OF = dt.date(2026, 11, 1)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
READY = "window.flowmapReady === true"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Opened:
    """A page loaded from file:// with every other request blocked and recorded."""

    def __init__(self, browser, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1300, "height": 850})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function(READY, timeout=60_000)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def counts(self) -> dict:
        return self.page.evaluate("window.flowmap.counts()")

    def clean(self) -> None:
        assert self.errors == [] and self.requests == [] and self.dialogs == []


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory) -> tuple[Path, object]:
    analysis = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)
    path = tmp_path_factory.mktemp("map") / "sample.html"
    return path, analysis, flowmap.write_map(analysis, path)


def test_sample_map_draws_every_node_and_edge_offline(browser, sample_map) -> None:
    path, analysis, doc = sample_map
    opened = Opened(browser, path)
    c = opened.counts()
    assert (c["view"], c["nodes"], c["edges"]) == ("systems", doc.nodes, doc.edges)
    assert c["nodes"] == len(analysis.inventory.systems)
    assert "63 nodes" in opened.page.locator("#fm-status").text_content()
    opened.clean()
    opened.page.close()


def test_search_finds_a_node_and_shows_its_details(browser, sample_map) -> None:
    path, analysis, _ = sample_map
    opened = Opened(browser, path)
    opened.page.fill("#fm-search", "RXA-PAS")
    first = opened.page.locator("#fm-results button").first
    assert "RXA-PAS" in first.text_content()
    first.click()
    assert "RXA-PAS" in opened.page.locator("#fm-details").text_content()
    assert opened.page.evaluate("window.flowmapNetwork.getSelectedNodes()")[0].startswith("RXA-PAS")
    opened.clean()
    opened.page.close()


def test_view_switch_filters_and_attack_path_toggle(browser, sample_map) -> None:
    path, analysis, _ = sample_map
    opened = Opened(browser, path)
    page = opened.page
    base = opened.counts()
    page.click("#fm-paths")
    on = opened.counts()
    assert on["paths"] and on["edges"] > base["edges"]
    page.click("#fm-paths")
    assert opened.counts()["edges"] == base["edges"]
    page.click("button[data-view=organisations]")
    c = opened.counts()
    assert c["view"] == "organisations" and c["nodes"] == len(analysis.inventory.organisations)
    page.select_option("#fm-sector", "gp_practice")
    gps = int((analysis.inventory.organisations["sector"] == "gp_practice").sum())
    assert opened.counts()["nodes"] == gps
    page.click("button[data-view=systems]")
    assert opened.counts()["view"] == "systems"
    opened.clean()
    page.close()


def test_hostile_names_are_text_and_run_nothing(browser, tmp_path) -> None:
    path = write_hostile_map(tmp_path)
    opened = Opened(browser, path)
    page = opened.page
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert opened.counts()["nodes"] == 4
    page.fill("#fm-search", "onerror")
    result = page.locator("#fm-results button").first
    assert XSS_IMG in result.text_content()
    result.click()
    assert XSS_IMG in page.locator("#fm-details").text_content()
    assert page.locator("#fm-details img, #fm-results img, h1 img").count() == 0
    assert page.locator("h1").text_content() == XSS_IMG
    page.fill("#fm-search", "alert")
    assert XSS_SCRIPT in page.locator("#fm-results button").first.text_content()
    options = page.locator("#fm-org option").all_text_contents()
    assert any(o.startswith(XSS_SCRIPT[:39]) for o in options)  # labels are cut at 40
    page.wait_for_timeout(300)  # give any injected handler a chance to fire
    assert page.evaluate("typeof window.__xss") == "undefined"
    opened.clean()
    page.close()


def test_large_organisations_view_opens_and_becomes_interactive(browser, tmp_path) -> None:
    from flowmap.synth import synthesize, write_inventory_csv

    write_inventory_csv(synthesize(300, seed=3), tmp_path / "synth")
    analysis = flowmap.analyse(flowmap.load_inventory(tmp_path / "synth"), as_of=AS_OF)
    path = tmp_path / "big.html"
    doc = flowmap.write_map(analysis, path, max_nodes=3000)
    assert doc.view == "organisations" and doc.notes
    assert path.stat().st_size < 10_000_000
    opened = Opened(browser, path)
    c = opened.counts()
    assert (c["nodes"], c["edges"]) == (doc.nodes, doc.edges)
    opened.clean()
    opened.page.close()
