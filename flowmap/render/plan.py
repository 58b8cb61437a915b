"""Write a plan: ``plan.json``, ``plan.csv``, ``plan.xlsx`` and the ``plan_curve.png`` chart.

Text is neutralised in CSV and Excel (a cell starting ``=`` cannot run as a formula),
the workbook and the chart carry fixed metadata, so the same plan gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flowmap.engine.rules.base import plain
from flowmap.inventory.textstorage import python_text
from flowmap.planning.portfolio import Plan
from flowmap.render.files import (
    dump_csv,
    dump_json,
    neutralise_formula,
    neutralise_frame,
    new_workbook,
    output_files,
    write_sheets,
)

SCHEMA_VERSION = 1
CURVE_SIZE = (7.0, 4.0)
CURVE_DPI = 100


def plan_document(plan: Plan) -> dict[str, object]:
    """The plan as the JSON document ``plan.json`` holds."""

    def records(frame: pd.DataFrame) -> list[dict]:
        return [{k: plain(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]

    return {
        "schema_version": SCHEMA_VERSION,
        "summary": plan_summary(plan),
        "steps": records(plan.steps),
        "candidates": records(plan.candidates),
    }


def plan_summary(plan: Plan) -> dict[str, object]:
    """Headline figures of a plan."""
    return {
        "inventory": plan.inventory,
        "as_of": plan.as_of,
        "budget_gbp": plan.budget,
        "spent_gbp": plan.spent,
        "actions": len(plan.steps),
        "candidates": len(plan.candidates),
        "risk_before": plan.risk_before,
        "risk_after": plan.risk_after,
        "risk_removed": plan.risk_removed,
        "costs_note": "Default costs are indicative (docs/planning.md); the inventory's "
        "costs table overrides them.",
        "sources": dict(plan.sources),
    }


#: The files :func:`write_plan` writes, in its folder.
PLAN_FILES = ("plan.json", "plan.csv", "plan.xlsx", "plan_curve.png")


@python_text
def write_plan(plan: Plan, out_dir: str | Path, *, force: bool = False) -> list[Path]:
    """Write ``plan.json``, ``plan.csv``, ``plan.xlsx`` and ``plan_curve.png`` to ``out_dir``
    (all four or none; ``force`` replaces files of those names flowmap did not write)."""
    finals = [Path(out_dir) / name for name in PLAN_FILES]
    with output_files(finals, force=force) as (json_tmp, csv_tmp, xlsx_tmp, png_tmp):
        dump_json(plan_document(plan), json_tmp)
        dump_csv(plan.steps, csv_tmp)
        _workbook(plan, xlsx_tmp)
        _curve(plan, png_tmp)
    return finals


def _workbook(plan: Plan, path: Path) -> None:
    wb = new_workbook(path, "flowmap investment plan")
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("summary")
    rows: list[tuple[str, object]] = []
    for k, v in plan_summary(plan).items():
        rows += [(f"source: {n}", t) for n, t in v.items()] if isinstance(v, dict) else [(k, v)]
    for i, (k, v) in enumerate(rows):
        ws.write_string(i, 0, k, bold)
        if isinstance(v, str):
            ws.write_string(i, 1, neutralise_formula(v))
        else:
            ws.write_number(i, 1, float(v))
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 60)
    write_sheets(wb, "plan", neutralise_frame(plan.steps), bold)
    write_sheets(wb, "candidates", neutralise_frame(plan.candidates), bold)
    wb.close()


def plan_curve(plan: Plan, path: str | Path, *, force: bool = False) -> Path:
    """Spend against cumulative risk removed, one point per action (PNG, reproducible)."""
    from flowmap.render.files import output_file

    with output_file(path, force=force) as tmp:
        _curve(plan, tmp)
    return Path(path)


def _curve(plan: Plan, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [0.0, *plan.steps["cumulative_cost_gbp"].astype(float)]
    y = [0.0, *plan.steps["cumulative_risk_removed"].astype(float)]
    fig, ax = plt.subplots(figsize=CURVE_SIZE, dpi=CURVE_DPI)
    ax.step(x, y, where="post", color="#005eb8")
    ax.plot(x, y, "o", color="#005eb8", markersize=3)
    ax.axvline(plan.budget, color="#da291c", linestyle="--", linewidth=1, label="budget")
    ax.set_xlabel("Spend (£)")
    ax.set_ylabel("Risk removed (impact points)")
    ax.set_title(f"Risk removed by spend: {plan.risk_removed:,.1f} of {plan.risk_before:,.1f}")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.legend(loc="lower right")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)
