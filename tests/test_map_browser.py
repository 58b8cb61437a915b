"""The map in a real browser: headless Debian Chromium, network blocked, from file://."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import flowmap
from tests.conftest import SAMPLE, XSS_IMG, XSS_SCRIPT, write_hostile_map

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed (.ci/run installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

AS_OF = dt.date(2026, 11, 1)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
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
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
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
    path, _analysis, _ = sample_map
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


#: Where an item is on screen (vis-network's own geometry: an edge's midpoint on its curve).
WHERE = """([kind, id]) => {
  const net = window.flowmapNetwork;
  const p = kind === "edge" ? net.body.edges[id].edgeType.getPoint(0.5)
    : net.getPositions([id])[id];
  const d = net.canvasToDOM(p);
  const r = document.querySelector("#fm-canvas").getBoundingClientRect();
  return [r.left + d.x, r.top + d.y];
}"""


def hover(page, kind: str, item_id: str) -> str:
    """Move the mouse onto an item and return the tooltip's text ('' if none shows)."""
    page.mouse.move(5, 5)
    page.wait_for_timeout(250)
    x, y = page.evaluate(WHERE, [kind, item_id])
    page.mouse.move(x, y)
    tip = page.locator("div.vis-tooltip")
    try:
        tip.wait_for(state="visible", timeout=1500)
    except sync_api.TimeoutError:
        return ""
    return tip.inner_text()


def test_aggregated_organisations_view_draws_and_tooltips_count(
    browser, sample_map, tmp_path
) -> None:
    _, analysis, _ = sample_map
    f = analysis.flows
    cross = f[f["sender_org_id"] != f["receiver_org_id"]]
    per_pair = cross.groupby(["sender_org_id", "receiver_org_id"]).size()
    names = analysis.inventory.organisations.set_index("org_id")["name"]
    full = flowmap.write_map(analysis, tmp_path / "full.html", view="organisations")
    opened = Opened(browser, tmp_path / "full.html")
    assert not opened.page.locator("#fm-banner").is_visible()  # nothing trimmed
    opened.clean()
    opened.page.close()

    path = tmp_path / "trimmed.html"
    doc = flowmap.write_map(analysis, path, view="organisations", detail_limit=10)
    assert doc.edges == full.edges > 10
    opened = Opened(browser, path)
    page = opened.page
    c = opened.counts()
    assert (c["view"], c["nodes"], c["edges"]) == ("organisations", doc.nodes, doc.edges)
    banner = page.locator("#fm-banner")
    assert banner.is_visible() and banner.text_content() == doc.notes[-1]
    assert f"{len(cross):,} flows between organisations are aggregated" in doc.notes[-1]
    # Hover the busiest links until one shows its tooltip: it counts what it stands for.
    links = page.evaluate(
        "window.flowmap.data.views.organisations.edges"
        ".filter(e => e.kind === 'flow').map(e => [e.id, e.from, e.to])"
    )
    links.sort(key=lambda e: (-int(per_pair[(e[1], e[2])]), e[0]))
    for link_id, a, b in links:  # noqa: B007 (a and b are read after the loop)
        text = hover(page, "edge", link_id)
        if text:
            break
    n = int(per_pair[(a, b)])
    assert f"{n:,} from {names[a]} to {names[b]}" in text
    assert f"of {n:,} flows" in text and "Worst finding" in text and "Transports" in text
    assert "named in the systems view" in text  # assets counted, not named, when trimmed
    org = "RXA"
    text = hover(page, "node", org)
    assert names[org] in text and "Flows out to partners" in text
    findings = int((analysis.findings["org_id"] == org).sum())
    assert "more findings under other rules" in text and "\u00d7" in text
    assert findings > 5
    # Search and filters work on the decoded items.
    page.fill("#fm-search", org)
    page.locator("#fm-results button").first.click()
    assert names[org] in page.locator("#fm-details").text_content()
    page.select_option("#fm-org", org)
    partners = set(cross.loc[cross["sender_org_id"] == org, "receiver_org_id"]) | set(
        cross.loc[cross["receiver_org_id"] == org, "sender_org_id"]
    )
    assert opened.counts()["nodes"] >= len(partners | {org})
    opened.clean()
    page.close()


def test_large_organisations_view_opens_and_becomes_interactive(browser, tmp_path) -> None:
    from flowmap.synth.generate import synthesize, write_inventory_csv

    write_inventory_csv(synthesize(300, seed=3), tmp_path / "synth")
    analysis = flowmap.analyse(flowmap.load_inventory(tmp_path / "synth"), as_of=AS_OF)
    path = tmp_path / "big.html"
    doc = flowmap.write_map(analysis, path, max_nodes=3000)
    assert doc.view == "organisations" and doc.notes
    assert path.stat().st_size < 1_500_000  # compact: 300 organisations, ~1,900 links
    opened = Opened(browser, path)
    c = opened.counts()
    assert (c["nodes"], c["edges"]) == (doc.nodes, doc.edges)
    links = opened.page.evaluate("window.flowmap.data.views.organisations.edges.length")
    assert links == doc.edges
    opened.clean()
    opened.page.close()
