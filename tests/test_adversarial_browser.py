"""Adversarial, in a real browser: pages made from a hostile inventory run nothing of it.

Every text cell of the small inventory holds markup that would run script (an
``onerror`` image, a closing ``</script>``, a ``javascript:`` link); each generated page
(the map in every view, the per-organisation index, the board report) is opened in
Debian's headless Chromium with the network blocked, and must show those cells as text:
no dialog, no script variable set, no request, no console error (a blocked script would
log one).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import flowmap
from tests.adversarial import HOSTILE_ORG_IDS, flowmap_cli, with_org_id, write_inventory
from tests.conftest import small_tables

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed (.ci/run installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

AS_OF = dt.date(2026, 11, 1)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
#: Markup that sets window.__xss (or opens a dialog) if it ever runs.
PAYLOADS = (
    '<img src=x onerror="window.__xss=1;alert(1)">',
    "</script><script>window.__xss=2;alert(2)</script>",
    '"><svg onload="window.__xss=3">',
    "javascript:window.__xss=4//",
    "'-alert(5)-'",
)
TEXT_COLUMNS = ("name", "owner", "purpose_detail", "notes", "os", "dsa_ref", "lawful_basis")


def hostile_tables() -> dict:
    """The small inventory with a payload in every name and free-text cell, and a
    script-link organisation id."""
    tables = with_org_id(small_tables(), "00123", HOSTILE_ORG_IDS[1])
    i = 0
    for rows in tables.values():
        for row in rows:
            for column in list(row):
                if column in TEXT_COLUMNS:
                    row[column] = PAYLOADS[i % len(PAYLOADS)]
                    i += 1
    return tables


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def visit(browser, path: Path, *, ready: str | None = None, wait_ms: int = 1500) -> dict:
    """Open ``path`` with every non-file request blocked; what it tried to do."""
    page = browser.new_page()
    seen = {"errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            seen["requests"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.resolve().as_uri())
    if ready:
        page.wait_for_function(ready, timeout=60_000)
    page.wait_for_timeout(wait_ms)
    for a in page.locator("a").all():  # a link must not run script when clicked
        href = a.get_attribute("href") or ""
        assert not href.lower().startswith("javascript:")
    frames = page.frames
    seen["xss"] = [f.evaluate("typeof window.__xss") for f in frames]
    seen["text"] = page.content()
    page.close()
    return seen


def assert_ran_nothing(seen: dict) -> None:
    assert seen["xss"] and set(seen["xss"]) == {"undefined"}
    assert seen["dialogs"] == [] and seen["requests"] == [] and seen["errors"] == []


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    inv = write_inventory(tmp_path_factory.mktemp("inv") / "inv", hostile_tables())
    return flowmap.analyse(flowmap.load_inventory(inv), as_of=AS_OF)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"view": "organisations"},
        {"view": "paths"},
        {"view": "asset", "asset_id": "A1"},
        {"org_id": HOSTILE_ORG_IDS[1]},
        {"redact": True},
    ],
)
def test_every_map_view_shows_hostile_cells_as_text(browser, analysis, options, tmp_path):
    path = tmp_path / "map.html"
    flowmap.write_map(analysis, path, title=PAYLOADS[0], **options)
    seen = visit(browser, path, ready="window.flowmapReady === true")
    assert_ran_nothing(seen)


def test_the_per_org_index_runs_nothing(browser, tmp_path):
    from flowmap.render.names import safe_name
    from flowmap.render.report.batch import BatchResult, OrgOutcome, write_index

    outcomes = [
        OrgOutcome(org, PAYLOADS[i % len(PAYLOADS)], "x", None, 1.0, safe_name(org))
        for i, org in enumerate(HOSTILE_ORG_IDS)
    ]
    outcomes.append(OrgOutcome(PAYLOADS[1], PAYLOADS[0], None, PAYLOADS[2], 1.0))
    index = write_index(BatchResult(tmp_path, tmp_path / "index.html", outcomes))
    seen = visit(browser, index, wait_ms=300)
    assert_ran_nothing(seen)


@pytest.mark.notebook
def test_the_board_report_of_a_hostile_inventory_runs_nothing(browser, tmp_path):
    inv = write_inventory(tmp_path / "inv", hostile_tables())
    run = flowmap_cli("report", inv, "--out", tmp_path / "out", "--as-of", AS_OF.isoformat())
    assert run.code == 0, run.err
    seen = visit(browser, tmp_path / "out" / "report.html", wait_ms=3000)
    assert_ran_nothing(seen)
    assert len(seen["xss"]) == 2  # the page and its map frame (which did run its own code)
