"""The committed notebooks: no outputs, one parameters cell, thin, and they all run."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from flowmap.render.report.run import BOARD_NOTEBOOK, KERNEL_NAME
from tests.conftest import ROOT, SAMPLE

pytestmark = pytest.mark.notebook

NOTEBOOKS = ROOT / "notebooks"

EXPECTED = [
    "01_inventory_explorer",
    "02_data_flow_map",
    "03_cyber_risk",
    "04_investment_plan",
    "board_report",
]
#: The JupyterLab notebooks, and the board report shipped inside the package.
ALL = sorted([*NOTEBOOKS.glob("*.ipynb"), Path(str(BOARD_NOTEBOOK))], key=lambda p: p.stem)


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


@pytest.mark.parametrize("path", [p for p in ALL if p.stem != "board_report"], ids=lambda p: p.stem)
def test_notebook_runs_against_the_sample(path: Path, tmp_path):
    """The board report is executed by tests/test_report.py through flowmap.report."""
    from flowmap.render.report.run import execute

    out = execute(
        path, tmp_path / path.name, {"inventory": str(SAMPLE.resolve()), "as_of": "2026-11-01"}
    )
    nb = nbformat.read(out, as_version=4)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
