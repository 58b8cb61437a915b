"""The map in Firefox: Debian firefox-esr, headless, driven over WebDriver BiDi from file://.

Playwright cannot drive a stock Firefox and Debian has no geckodriver, so tests/firefox_bidi.py
talks BiDi directly. Every non-file request goes to a dead proxy and is recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

import flowmap
from tests.conftest import SAMPLE, XSS_IMG, write_hostile_map

pytest.importorskip("websocket", reason="websocket-client is in the test extra")
from tests import firefox_bidi

pytestmark = pytest.mark.browser

if firefox_bidi.FIREFOX is None:
    pytest.skip(
        "Debian firefox-esr is not installed (.ci/run installs it)", allow_module_level=True
    )

AS_OF = dt.date(2026, 11, 1)
READY = "window.flowmapReady"
LOCAL = ("file:", "data:", "blob:", "about:")  # inline/embedded; anything else is network


@pytest.fixture(scope="module")
def firefox():
    ff = firefox_bidi.Firefox()
    try:
        ff.send(
            "session.subscribe",
            {
                "events": [
                    "log.entryAdded",
                    "network.beforeRequestSent",
                    "browsingContext.userPromptOpened",
                ]
            },
        )
        yield ff
    finally:
        ff.close()


class Opened:
    """A tab showing one map, loaded from file:// and ready."""

    def __init__(self, ff: firefox_bidi.Firefox, path: Path) -> None:
        self.ff = ff
        self.ctx = ff.new_tab()
        ff.navigate(self.ctx, path.resolve().as_uri())
        ff.wait_for(self.ctx, READY, timeout=60)

    def eval(self, expression: str):
        return self.ff.evaluate(self.ctx, expression)

    def counts(self) -> dict:
        return json.loads(self.eval("JSON.stringify(window.flowmap.counts())"))

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.ff.events
            if e["method"] == "network.beforeRequestSent"
            and e["params"].get("context") == self.ctx
            and not e["params"]["request"]["url"].startswith(LOCAL)
        ]

    def prompts(self) -> list[str]:
        return [
            e["params"].get("message", "")
            for e in self.ff.events
            if e["method"] == "browsingContext.userPromptOpened"
            and e["params"].get("context") == self.ctx
        ]

    def clean(self) -> None:
        errors = self.ff.console_errors(self.ctx)
        assert (errors, self.requests(), self.prompts()) == ([], [], [])

    def close(self) -> None:
        self.ff.close_tab(self.ctx)


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory):
    analysis = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)
    path = tmp_path_factory.mktemp("ffmap") / "sample.html"
    return path, analysis, flowmap.write_map(analysis, path)


def test_error_hooks_see_errors(firefox, tmp_path) -> None:
    """Guard against a vacuous pass: errors and network requests are recorded, and fail."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!doctype html><script>console.error('seen-1');"
        "fetch('http://example.com/x').then(() => window.fetched = 'yes',"
        " () => window.fetched = 'no');"
        "window.flowmapReady = true; throw new Error('seen-2');</script>"
    )
    opened = Opened(firefox, page)
    firefox.wait_for(opened.ctx, "typeof window.fetched === 'string'", timeout=30)
    assert opened.eval("window.fetched") == "no"  # the dead proxy refused it
    assert opened.requests() == ["http://example.com/x"]
    errors = firefox.console_errors(opened.ctx)
    assert any("seen-1" in e for e in errors) and any("seen-2" in e for e in errors)
    opened.close()


def test_sample_map_draws_every_node_and_edge_offline(firefox, sample_map) -> None:
    path, analysis, doc = sample_map
    opened = Opened(firefox, path)
    c = opened.counts()
    assert (c["view"], c["nodes"], c["edges"]) == ("systems", doc.nodes, doc.edges)
    assert c["nodes"] == len(analysis.inventory.systems)
    assert "63 nodes" in opened.eval("document.querySelector('#fm-status').textContent")
    assert opened.eval("window.flowmapNetwork.body.data.nodes.length") == doc.nodes
    opened.clean()
    opened.close()


def test_hostile_names_are_text_and_run_nothing(firefox, tmp_path) -> None:
    path = write_hostile_map(tmp_path)
    opened = Opened(firefox, path)
    assert opened.eval("typeof window.__xss") == "undefined"
    assert opened.counts()["nodes"] == 4
    # the heading is the given title, then the view on screen: as text, never markup
    assert opened.eval("document.querySelector('h1').textContent") == f"{XSS_IMG}: Systems"
    # Search renders the hostile names into the results list: still text, still inert.
    opened.eval(
        "(() => { const s = document.querySelector('#fm-search'); s.value = 'onerror';"
        " s.dispatchEvent(new Event('input', {bubbles: true})); })()"
    )
    first = opened.eval("document.querySelector('#fm-results button')?.textContent ?? ''")
    assert XSS_IMG in first
    assert opened.eval("document.querySelectorAll('#fm-results img, h1 img').length") == 0
    assert (
        opened.eval("new Promise(r => setTimeout(() => r(typeof window.__xss), 300))")
        == "undefined"
    )
    opened.clean()
    opened.close()


#: Where an item is on screen (vis-network's own geometry: an edge's midpoint on its curve).
WHERE = """(([kind, id]) => {
  const net = window.flowmapNetwork;
  const p = kind === "edge" ? net.body.edges[id].edgeType.getPoint(0.5)
    : net.getPositions([id])[id];
  const d = net.canvasToDOM(p);
  const r = document.querySelector("#fm-canvas").getBoundingClientRect();
  return JSON.stringify([Math.round(r.left + d.x), Math.round(r.top + d.y)]);
})"""
TOOLTIP = (
    "(() => { const t = document.querySelector('div.vis-tooltip');"
    " return t && t.style.visibility === 'visible' ? t.innerText : ''; })()"
)


def hover(opened: Opened, kind: str, item_id: str) -> str:
    """Move the pointer onto an item (WebDriver BiDi input) and return the tooltip's text."""
    x, y = json.loads(opened.eval(f"{WHERE}({json.dumps([kind, item_id])})"))
    opened.ff.send(
        "input.performActions",
        {
            "context": opened.ctx,
            "actions": [
                {
                    "type": "pointer",
                    "id": "mouse",
                    "parameters": {"pointerType": "mouse"},
                    "actions": [
                        {"type": "pointerMove", "x": 5, "y": 5},
                        {"type": "pause", "duration": 250},
                        {"type": "pointerMove", "x": x, "y": y},
                    ],
                }
            ],
        },
    )
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        text = opened.eval(TOOLTIP)
        if text:
            return text
        time.sleep(0.1)
    return ""


def test_aggregated_organisations_view_draws_and_a_link_tooltip_counts(
    firefox, sample_map, tmp_path
) -> None:
    _, analysis, _ = sample_map
    f = analysis.flows
    cross = f[f["sender_org_id"] != f["receiver_org_id"]]
    per_pair = cross.groupby(["sender_org_id", "receiver_org_id"]).size()
    names = analysis.inventory.organisations.set_index("org_id")["name"]
    path = tmp_path / "orgs.html"
    doc = flowmap.write_map(analysis, path, view="organisations", detail_limit=10)
    opened = Opened(firefox, path)
    c = opened.counts()
    assert (c["view"], c["nodes"], c["edges"]) == ("organisations", doc.nodes, doc.edges)
    assert opened.eval("document.querySelector('#fm-banner').hidden") is False
    assert opened.eval("document.querySelector('#fm-banner').textContent") == doc.notes[-1]
    links = json.loads(
        opened.eval(
            "JSON.stringify(window.flowmap.data.views.organisations.edges"
            ".filter(e => e.kind === 'flow').map(e => [e.id, e.from, e.to]))"
        )
    )
    links.sort(key=lambda e: (-int(per_pair[(e[1], e[2])]), e[0]))
    for link_id, a, b in links:  # noqa: B007 (a and b are read after the loop)
        text = hover(opened, "edge", link_id)
        if text:
            break
    n = int(per_pair[(a, b)])
    assert f"{n:,} from {names[a]} to {names[b]}" in text and f"of {n:,} flows" in text
    opened.clean()
    opened.close()
