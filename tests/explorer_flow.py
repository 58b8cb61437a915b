"""What a person does with the explorer, in a real browser: shared by the JupyterLab test
and the ``flowmap explore`` app test (Playwright, Debian's Chromium, network blocked)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import flowmap
from flowmap.explorer.scope import Scope
from flowmap.planning import candidate_actions, full_risk

AS_OF = dt.date(2026, 11, 1)
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WIDGET = ".fm-explorer .fm-widget"
#: Where a node of the explorer's map is on screen (vis-network's own geometry).
WHERE = """([id]) => {
  const root = document.querySelector(".fm-explorer .fm-widget");
  const net = root.flowmap.network;
  const d = net.canvasToDOM(net.getPositions([id])[id]);
  const r = root.querySelector("#fm-canvas").getBoundingClientRect();
  return [r.left + d.x, r.top + d.y];
}"""


class Watched:
    """A page whose console errors and requests beyond ``allowed`` are recorded (and
    blocked)."""

    def __init__(self, browser, allowed: tuple[str, ...]) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.allowed = allowed
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.allowed):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


def sample_analysis():
    from tests.conftest import SAMPLE

    return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)


def _drawn(page) -> str:
    return page.get_attribute(WIDGET, "data-flowmap-drawn") or ""


def _wait_redrawn(page, before: str) -> None:
    page.wait_for_function(
        """(before) => {
          const w = document.querySelector(".fm-explorer .fm-widget");
          const d = w && w.getAttribute("data-flowmap-drawn");
          return d && d !== before;
        }""",
        arg=before,
        timeout=60_000,
    )


def _selected(page, kind: str, ident: str) -> None:
    page.wait_for_selector(
        f".fm-x-summary .fm-x-selected[data-kind='{kind}'][data-id='{ident}']", timeout=60_000
    )


def drive(page, analysis, shots: Path | None = None) -> dict[str, float]:
    """Select an organisation, click a node, tick an action: check each step on the page
    against the Python API, and return the figures seen."""
    scope = Scope(analysis)
    labels = dict((org, label) for label, org in scope.org_options())
    page.wait_for_selector(f"{WIDGET}[data-flowmap-drawn]", timeout=180_000)
    page.locator(WIDGET).scroll_into_view_if_needed()

    # 1. select an organisation from the drop-down: the summary and the map follow
    before = _drawn(page)
    page.select_option(".fm-x-org select", label=labels["M85001"])
    _selected(page, "org", "M85001")
    _wait_redrawn(page, before)
    nodes = page.evaluate(
        "() => document.querySelector('.fm-explorer .fm-widget').flowmap.nodes.getIds()"
    )
    assert set(scope.systems[scope.systems["org_id"] == "M85001"]["system_id"]) <= set(nodes)
    before = _drawn(page)
    page.select_option(".fm-x-org select", label=labels["RXA"])
    _selected(page, "org", "RXA")
    _wait_redrawn(page, before)
    if shots:
        page.screenshot(path=str(shots / "explore-organisation.png"))

    # 2. click a node on the map: it becomes the selection
    page.locator(WIDGET).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    x, y = page.evaluate(WHERE, ["RXA-CTX-01"])
    before = _drawn(page)
    page.mouse.click(x, y)
    _selected(page, "system", "RXA-CTX-01")
    _wait_redrawn(page, before)
    assert page.input_value(".fm-x-system select") != ""

    # 3. tick a candidate action: the total follows, to the Python API's figure
    page.click(".fm-x-tabs .lm-TabBar-tab:has-text('What if')")
    box = page.locator(".fm-x-action-patch-RXA-CTX-01 input")
    box.wait_for(timeout=120_000)
    total = float(page.get_attribute("#fm-x-total", "data-value"))
    assert total == analysis.total_risk
    box.check()
    action = next(a for a in candidate_actions(analysis) if a.action_id == "patch:RXA-CTX-01")
    expected = full_risk(analysis, [action])
    page.wait_for_selector(f"#fm-x-after[data-value='{expected:.2f}']", timeout=60_000)
    page.wait_for_selector(".fm-x-path-text i", state="attached", timeout=60_000)  # path moved
    if shots:
        page.locator(".fm-x-tabs").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "explore-what-if.png"))
    box.uncheck()
    page.wait_for_selector(f"#fm-x-after[data-value='{total:.2f}']", timeout=60_000)

    # 4. the budget plan: the curve of risk left against money spent
    page.click(".fm-x-tabs .lm-TabBar-tab:has-text('Plan')")
    page.wait_for_selector(".fm-x-plan-status [data-spent]", timeout=180_000)
    page.wait_for_selector(".fm-x-curve svg", timeout=60_000)
    spent = float(page.get_attribute(".fm-x-plan-status [data-spent]", "data-spent"))
    assert spent <= 50_000
    if shots:
        page.locator(".fm-x-tabs").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "explore-plan.png"))

    # 5. can we share this? the form's answer is the checker's verdict
    before = _drawn(page)
    page.select_option(".fm-x-org select", label=labels["M85001"])
    _selected(page, "org", "M85001")
    _wait_redrawn(page, before)
    page.click(".fm-x-tabs .lm-TabBar-tab:has-text('Can we share this?')", timeout=120_000)
    assets = dict((aid, label) for label, aid in scope.asset_options("M85001"))
    page.select_option(".fm-x-share-asset select", label=assets["IA-0011"], timeout=120_000)
    page.select_option(".fm-x-share-to-org select", label=labels["SUP01"], timeout=120_000)
    page.select_option(".fm-x-share-purpose select", label="Marketing", timeout=120_000)
    page.click(".fm-x-share-check button, button.fm-x-share-check", timeout=120_000)
    page.wait_for_selector(".fm-x-share-answer .tag.red", timeout=120_000)
    verdict = flowmap.check_flow(
        analysis,
        asset_id="IA-0011",
        from_org_id="M85001",
        to_org_id="SUP01",
        purpose="marketing",
        risk=False,
    ).verdict
    assert verdict == "no" and page.inner_text(".fm-x-share-answer .tag.red") == "No"
    if shots:
        page.locator(".fm-x-share-answer").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "explore-sharing.png"))

    # 6. a new alert: what a CVE touches, the API's headline
    page.click(".fm-x-tabs .lm-TabBar-tab:has-text('Alert')", timeout=120_000)
    page.fill(".fm-x-alert-cves input", "CVE-2023-4966", timeout=120_000)
    page.click("button.fm-x-alert-go", timeout=120_000)
    page.wait_for_selector(".fm-x-alert-headline b", timeout=120_000)
    hit = flowmap.alert_impact(analysis, cves=["CVE-2023-4966"])
    assert page.inner_text(".fm-x-alert-headline b") == hit.headline
    return {"before": total, "after": expected}
