"""The committed notebooks: no outputs, one parameters cell, thin, and they run on any
inventory: the sample, a ``flowmap synth`` inventory, the blank template, and an invalid
one (then they show the problems as a table and stop with one sentence)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from flowmap.render.report.run import BOARD_NOTEBOOK, KERNEL_NAME
from tests.conftest import ROOT, SAMPLE, small_tables, write_csv_tables

pytestmark = pytest.mark.notebook

NOTEBOOKS = ROOT / "notebooks"

EXPECTED = [
    "01_inventory_explorer",
    "02_data_flow_map",
    "03_cyber_risk",
    "04_investment_plan",
    "05_alert",
    "board_report",
]
#: The JupyterLab notebooks, and the board report shipped inside the package.
ALL = sorted([*NOTEBOOKS.glob("*.ipynb"), Path(str(BOARD_NOTEBOOK))], key=lambda p: p.stem)
LAB = [p for p in ALL if p.stem != "board_report"]
#: Names a notebook imports flowmap under; a cell calls into the package through them.
PACKAGE_NAMES = {"flowmap", "nb", "board", "alerts"}
#: Statements that would put logic into a notebook.
LOGIC = (
    ast.For,
    ast.While,
    ast.If,
    ast.With,
    ast.Try,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
    ast.ListComp,
    ast.DictComp,
    ast.SetComp,
    ast.GeneratorExp,
)


def test_the_suite_is_complete():
    assert [p.stem for p in ALL] == EXPECTED


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_committed_clean_and_thin(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        assert cell.outputs == [], f"{path.name}: commit notebooks without outputs"
        assert cell.execution_count is None, f"{path.name}: execution counts committed"
        assert not re.search(r"^\s*(async\s+)?(def|class)\s", cell.source, re.MULTILINE), (
            f"{path.name}: functions and classes belong in the flowmap package"
        )
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: exactly one cell must be tagged parameters"
    assert nb.metadata.kernelspec.name == KERNEL_NAME
    assert any(c.cell_type == "markdown" for c in nb.cells)


def _root(node: ast.AST) -> str:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


@pytest.mark.parametrize("path", LAB, ids=lambda p: p.stem)
def test_each_cell_makes_at_most_one_package_call_and_holds_no_logic(path: Path):
    """Logic lives in the package: a cell assigns, shows or calls flowmap once."""
    nb = nbformat.read(path, as_version=4)
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        tree = ast.parse(cell.source)
        logic = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, LOGIC)]
        assert logic == [], f"{path.name}: {logic} in {cell.source!r}"
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        outside = [ast.unparse(c) for c in calls if _root(c.func) not in PACKAGE_NAMES]
        assert outside == [], f"{path.name}: calls outside flowmap: {outside}"
        assert len(calls) <= 1, f"{path.name}: one package call per cell, not {cell.source!r}"
        if "parameters" in cell.metadata.get("tags", []):
            assert calls == []


# ------------------------------------------------------------------ running them


@pytest.fixture(scope="module")
def inventories(tmp_path_factory) -> dict[str, Path]:
    from flowmap.synth.generate import synthesize, write_inventory_csv

    root = tmp_path_factory.mktemp("inventories")
    write_inventory_csv(synthesize(2, seed=5), root / "synth")
    broken = small_tables()
    broken["systems"][0]["last_patched"] = "last Tuesday"
    broken["flows"][0]["source_system_id"] = "NOPE"
    return {
        "sample": SAMPLE.resolve(),
        "synth": root / "synth",
        "template": (ROOT / "inventories" / "template.xlsx").resolve(),
        "invalid": write_csv_tables(root / "invalid", broken),
    }


def _run(path: Path, inventory: Path, out: Path):
    from flowmap.render.report.run import execute

    execute(path, out, {"inventory": str(inventory), "as_of": "2026-11-01"})
    return nbformat.read(out, as_version=4)


def _outputs(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _clean(nb, name: str) -> None:
    """No error, no warning and nothing on stderr under any cell."""
    for o in _outputs(nb):
        assert o.output_type != "error", f"{name}: {o.ename}: {o.evalue}"
        if o.output_type == "stream":
            assert o.name != "stderr", f"{name}: stderr {o.text[:300]!r}"
            assert "Warning" not in o.text, f"{name}: {o.text[:300]!r}"
        for text in (o.get("data") or {}).values():
            assert "Consider using IPython.display.IFrame" not in str(text), name


@pytest.mark.parametrize("kind", ["sample", "synth", "template"])
@pytest.mark.parametrize("path", LAB, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom_on_any_valid_inventory(path, kind, inventories, tmp_path):
    """The board report is executed by tests/test_report.py through flowmap.report."""
    nb = _run(path, inventories[kind], tmp_path / path.name)
    _clean(nb, f"{path.stem} on {kind}")
    executed = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in executed)  # every cell ran
    html = "".join(str(v) for o in _outputs(nb) for v in (o.get("data") or {}).values())
    assert "itables" in html  # tables are interactive (sortable, searchable) and offline
    assert "cdn.datatables" not in html and "https://cdn" not in html


@pytest.mark.parametrize("path", LAB, ids=lambda p: p.stem)
def test_an_invalid_inventory_shows_its_problems_and_stops_politely(path, inventories, tmp_path):
    from flowmap.errors import ReportError

    out = tmp_path / path.name
    with pytest.raises(ReportError, match="NotebookStoppedError"):
        _run(path, inventories["invalid"], out)
    nb = nbformat.read(out, as_version=4)
    errors = [o for o in _outputs(nb) if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "NotebookStoppedError"
    # one sentence, no traceback
    assert errors[0].traceback == [f"Stopped: {errors[0].evalue}"]
    assert "not a valid inventory" in errors[0].evalue and "fix the" in errors[0].evalue
    shown = "".join(str(v) for o in _outputs(nb) for v in (o.get("data") or {}).values())
    assert "last Tuesday" in shown and "NOPE" in shown  # the problems, as a table
    assert "itables" in shown


@pytest.mark.browser
def test_tables_stay_interactive_offline_after_nbconvert(inventories, tmp_path):
    """An executed notebook exported to HTML: its tables sort and search in a browser
    that may fetch nothing (the DataTables code is inside the file)."""
    from nbconvert import HTMLExporter

    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("needs Debian's chromium")
    nb = _run(NOTEBOOKS / "03_cyber_risk.ipynb", inventories["sample"], tmp_path / "03.ipynb")
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    page_path = tmp_path / "03.html"
    page_path.write_text(body, encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
            )
            page.goto(page_path.as_uri())
            page.wait_for_selector("table.dataTable", timeout=60_000)
            tables = page.locator("div.dt-container")
            assert tables.count() >= 5  # likelihood, attack paths, blast radius, copies...
            first = tables.first
            rows = first.locator("tbody tr").count()
            first.locator("div.dt-search input").fill("RXA-CTX-01")
            page.wait_for_timeout(300)
            assert first.locator("tbody tr").count() == 1 < rows
            assert "RXA-CTX-01" in first.locator("tbody").inner_text()
            assert errors == []
        finally:
            browser.close()
