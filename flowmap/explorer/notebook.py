"""One-call helpers for the notebooks in ``notebooks/``: they run on any inventory.

Each notebook cell calls one of these (or one other flowmap function), so that the
notebooks stay thin and work on the sample, a ``flowmap synth`` inventory, a blank
template and an invalid inventory alike:

- :func:`setup` makes every table interactive and offline (itables);
- :func:`analysis` loads and analyses, and on an invalid inventory shows the problems
  as a table and stops the notebook with one plain sentence (no traceback);
- :func:`pick_org` and :func:`pick_asset` choose sensible defaults from the data
  (the organisation with the most risk, its riskiest asset) when a parameter is empty;
- :func:`problems`, :func:`row_counts` and :func:`map_of` show the rest.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.errors import FlowmapError, InvalidInventoryError, InventoryReadError
from flowmap.explorer.tables import notebook_mode
from flowmap.render.board._html import HtmlBlock

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis


class NotebookStoppedError(FlowmapError):
    """The notebook cannot go on (an invalid or unreadable inventory): said in one
    sentence under the cell, without a traceback, and the cells after it do not run."""

    exit_code = 1

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"Stopped: {self}"]


def setup() -> None:
    """Make every DataFrame an interactive, offline table (call once, at the top)."""
    notebook_mode()


def analysis(
    inventory: str | Path,
    *,
    as_of: str | dt.date | None = "",
    kev: str | Path = "",
    epss: str | Path = "",
    eol: str | Path = "",
    show_problems: bool = True,
    progress: bool = True,
):
    """Load, validate and analyse an inventory (empty strings mean "not given"), with a
    progress bar naming each step (``progress``; a region takes many seconds).

    On an invalid inventory the problems are shown as a table (unless
    ``show_problems`` is false: a cell above showed them) and the notebook stops with
    :class:`NotebookStoppedError`; an unreadable one stops with the reason.
    """
    from flowmap.pipeline import analyse_files

    try:
        return analyse_files(inventory, as_of=as_of, kev=kev, epss=epss, eol=eol, progress=progress)
    except InvalidInventoryError as exc:
        report = exc.report
        if show_problems:
            show_problems_of(report)
        raise NotebookStoppedError(
            f"{Path(str(report.source)).name} is not a valid inventory: fix the "
            f"{len(report.errors):,} error{'s' if len(report.errors) != 1 else ''} listed "
            "above in the spreadsheet and run the notebook again."
        ) from None
    except InventoryReadError as exc:
        raise NotebookStoppedError(str(exc)) from None


def validation(inventory: str | Path, *, as_of: str | dt.date | None = "", progress: bool = True):
    """Validate an inventory (with a progress bar: ``progress``); the report shows itself
    as a short summary."""
    from flowmap.render.board.explore import validation as validate

    try:
        return validate(inventory, as_of=as_of, progress=progress)
    except InventoryReadError as exc:
        raise NotebookStoppedError(str(exc)) from None


def problems(report) -> pd.DataFrame | HtmlBlock:
    """Every problem validation found, as a table (or a line saying there are none)."""
    if not report.problems:
        return HtmlBlock("<p>No problems: the inventory is valid.</p>")
    return report.to_frame().rename(columns=str.capitalize)


def row_counts(report) -> pd.DataFrame:
    """How many rows each table has."""
    return pd.DataFrame(
        {"Table": list(report.row_counts), "Rows": list(report.row_counts.values())}
    )


def show_problems_of(report) -> None:
    """Show why an inventory is not valid: a sentence, then every problem as a table."""
    from IPython.display import display

    display(_problem_heading(report))
    display(problems(report))


def _problem_heading(report) -> HtmlBlock:
    return HtmlBlock(
        f"<p><b>{html.escape(Path(str(report.source)).name)} is not a valid inventory</b>: "
        f"{len(report.errors):,} error(s) and {len(report.warnings):,} warning(s), each "
        "located as you would find it in the spreadsheet:</p>"
    )


def pick_org(analysis: Analysis, org: str = "") -> str:
    """``org`` if given (it must be in the inventory), else the organisation whose assets
    carry the most risk ('' for an empty inventory)."""
    from flowmap.render.board.load import check_org

    if org:
        check_org(analysis, org)
        return org
    risk = analysis.risk_by_asset()
    if len(risk):
        total = risk.groupby("org_id")["total_risk"].sum()
        return str(total[total == total.max()].index.min())
    orgs = analysis.inventory.organisations["org_id"]
    return str(orgs.iloc[0]) if len(orgs) else ""


def pick_asset(analysis: Analysis, asset: str = "", *, org: str = "") -> str:
    """``asset`` if given (it must be in the inventory), else the riskiest asset of
    ``org`` (of all when empty; '' when there is none)."""
    from flowmap.errors import UsageError

    assets = analysis.assets
    if asset:
        if asset not in set(assets["asset_id"]):
            some = ", ".join(assets["asset_id"].head(5))
            raise UsageError(f"asset {asset!r} is not in the inventory; some ids: {some}.")
        return asset
    risk = analysis.risk_by_asset()
    if org:
        risk = risk[risk["org_id"] == org]
    return str(risk["asset_id"].iloc[0]) if len(risk) else ""


def map_of(
    analysis: Analysis,
    *,
    view: str,
    org: str = "",
    asset: str = "",
    redact: bool = False,
    progress: bool = True,
):
    """The map as a widget (see :func:`flowmap.map_widget`), or a line saying why there
    is nothing to draw (an empty inventory, no asset chosen). ``progress``: a bar naming
    the step while the map is worked out (seconds for a region: an organisation's
    neighbourhood, or the whole region's organisations)."""
    from flowmap.progress import stages
    from flowmap.render.mapview.api import map_widget

    if not len(analysis.inventory.organisations):
        return HtmlBlock("<p>The inventory is empty: nothing to draw.</p>")
    if view == "asset" and not asset:
        return HtmlBlock("<p>No asset to follow: the inventory has no information assets.</p>")
    with stages([f"drawing the {view} map"], enabled=progress) as step:
        step()
        return map_widget(
            analysis,
            view=view,
            org_id=org or None if view != "asset" else None,
            asset_id=asset or None,
            redact=redact,
        )


__all__ = [
    "NotebookStoppedError",
    "analysis",
    "map_of",
    "pick_asset",
    "pick_org",
    "problems",
    "row_counts",
    "setup",
    "show_problems_of",
    "validation",
]
