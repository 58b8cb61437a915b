"""The map in a real browser: headless Debian Chromium, network blocked, from file://."""

from __future__ import annotations

import datetime as dt
import io
import re
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
    assert page.locator("h1").text_content() == XSS_IMG + ": Systems"
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
    mine = analysis.findings[analysis.findings["org_id"] == org]
    findings, problems = len(mine), mine["problem_id"].nunique()
    assert findings > problems > 5  # counted by problem, its findings beside
    assert f"({findings:,} findings)" in text
    assert "more problems of other kinds" in text and "\u00d7" in text
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


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["w"]
                and b["x"] < a["x"] + a["w"]
                and a["y"] < b["y"] + b["h"]
                and b["y"] < a["y"] + a["h"]
            ):
                out.append((a["text"], b["text"]))
    return out


def test_labels_are_legible_at_the_default_zoom_and_never_collide(browser, sample_map):
    path, _, _ = sample_map
    opened = Opened(browser, path)
    page = opened.page
    for view in ("systems", "organisations"):
        page.evaluate(f"window.flowmap.setView('{view}')")
        page.wait_for_timeout(300)
        labels = page.evaluate("window.flowmap.labels()")
        assert len(labels) >= 10, view
        assert min(b["px"] for b in labels) >= 11, view
        assert _overlaps(labels) == [], view
        cut = [b for b in labels if b["text"].endswith("\u2026")]
        assert all(len(b["full"]) > len(b["text"]) - 1 for b in cut)
    # after search zooms into the busy hospital cluster, labels still do not collide
    page.evaluate("window.flowmap.setView('systems')")
    page.fill("#fm-search", "RXA-CTX-01")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    labels = page.evaluate("window.flowmap.labels()")
    assert _overlaps(labels) == [] and labels[0]["id"] == "RXA-CTX-01"
    opened.clean()
    page.close()


def test_a_cut_label_has_its_full_name_in_the_tooltip(browser, sample_map):
    path, _, _ = sample_map
    opened = Opened(browser, path)
    page = opened.page
    page.evaluate("window.flowmap.setView('organisations')")
    page.wait_for_timeout(300)
    cut = [b for b in page.evaluate("window.flowmap.labels()") if b["text"].endswith("\u2026")]
    assert cut, "the sample has organisation names longer than a label"
    node = cut[0]
    at = page.evaluate(
        "id => { const p = window.flowmap.network.getPosition(id);"
        " const d = window.flowmap.network.canvasToDOM(p);"
        " const r = document.getElementById('fm-canvas').getBoundingClientRect();"
        " return {x: d.x + r.left, y: d.y + r.top}; }",
        node["id"],
    )
    page.mouse.move(at["x"], at["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    assert node["full"] in page.locator("div.vis-tooltip").inner_text()
    opened.clean()
    page.close()


def test_title_and_details_follow_the_view_and_details_are_words(browser, sample_map):
    path, _, _ = sample_map
    opened = Opened(browser, path)
    page = opened.page
    assert page.locator("#fm-heading").inner_text() == "Data-flow map: Systems"
    page.evaluate("window.flowmap.focusNode('RXA-CTX-01')")
    whole = page.locator("#fm-details").inner_text()
    details, problems = whole.split("Problems")
    assert "The same fix also closes: Known-exploited vulnerability open" in problems
    # The values keep a readable column beside long labels in the narrow panel.
    widths = page.evaluate(
        "[...document.querySelectorAll('#fm-details td')].map(td => td.clientWidth)"
    )
    assert widths and min(widths) > 100, widths
    assert re.search(r"Reachable from the internet\s+yes", details)
    assert re.search(r"Likelihood of compromise\s+\d{1,3}%", details)
    assert "Internet-facing" not in details and "0." not in details
    page.click("button[data-view=organisations]")
    assert page.locator("#fm-heading").inner_text() == "Data-flow map: Organisations"
    assert page.title() == "Data-flow map: Organisations"
    assert "Citrix" not in page.locator("#fm-details").inner_text()  # not the old view's node
    opened.clean()
    page.close()


def test_attack_paths_are_drawn_above_the_clusters(browser, sample_map):
    """Every system on a top attack path gets a crimson ring on top of the nodes, even in
    the busy hospital cluster where a one-step path joins two neighbours."""
    from PIL import Image

    path, analysis, _ = sample_map
    top = analysis.attack_paths.head(analysis.settings.top_paths)  # the paths the map draws
    one_step = top[top["hops"] == 1]
    assert len(one_step)
    opened = Opened(browser, path)
    page = opened.page
    page.evaluate("window.flowmap.setPaths(true)")
    page.wait_for_timeout(400)
    marks = page.evaluate(
        "() => window.flowmap.data.views.systems.pathNodes.map(id => {"
        " const n = window.flowmap.network.body.nodes[id];"
        " const s = window.flowmap.network.getScale();"
        " const r = (n.options.size || 12) + Math.max(6, 5 / s);"
        " return {id, ...window.flowmap.network.canvasToDOM({x: n.x, y: n.y - r})}; })"
    )
    ids = {m["id"] for m in marks}
    assert set(one_step["entry_system_id"]) | set(one_step["target_system_id"]) <= ids
    shot = Image.open(io.BytesIO(page.locator("#fm-canvas canvas").screenshot())).convert("RGB")
    hidden = []
    for m in marks:
        x, y = round(m["x"]), round(m["y"])
        near = [
            shot.getpixel((x + dx, y + dy))
            for dx in range(-2, 3)
            for dy in range(-2, 3)
            if 0 <= x + dx < shot.width and 0 <= y + dy < shot.height
        ]
        if not any(r > 150 and g < 80 and 50 < b < 140 for r, g, b in near):  # crimson
            hidden.append(m["id"])
    assert hidden == []
    opened.clean()
    page.close()


def test_the_map_is_drawn_on_a_phone(browser, sample_map):
    path, _, _ = sample_map
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(path.resolve().as_uri())
    page.wait_for_function(READY, timeout=60_000)
    box = page.locator("#fm-canvas").bounding_box()
    assert box["height"] >= 400 and box["width"] >= 370
    assert len(page.evaluate("window.flowmap.labels()")) >= 5
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 391
    page.close()
