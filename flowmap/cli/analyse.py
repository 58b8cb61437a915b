"""Commands that analyse: ``analyse``, ``plan`` and ``diff``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from flowmap.cli.options import (
    analysed,
    as_of_option,
    check_outputs,
    feed_options,
    force_option,
    inventory_argument,
    parse_as_of,
    steps,
)


@click.command()
@inventory_argument
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for the findings files (findings.xlsx and findings.parquet by default).",
)
@click.option(
    "--formats",
    default="xlsx,parquet",
    show_default=True,
    metavar="LIST",
    help="Which findings files to write, separated by commas: xlsx (a workbook to read "
    "and filter), parquet (typed and compact, for analysts and scripts at any scale), csv, "
    "json (one document with the summary, docs/findings.schema.json), jsonl (one finding "
    "a line), or all.",
)
@as_of_option
@feed_options
@click.option(
    "--fail-on",
    type=click.Choice(["critical", "high", "medium", "low", "info"]),
    help="Exit 3 if any finding is at or above this severity.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@force_option
def analyse(
    path: Path,
    out: Path,
    formats: str,
    as_of: str | None,
    kev: Path | None,
    epss: Path | None,
    eol: tuple[Path, ...],
    fail_on: str | None,
    quiet: bool,
    force: bool,
) -> None:
    """Score systems and data, find attack paths and copies, and report every finding."""
    from flowmap.console import format_analysis, safe_text
    from flowmap.engine.settings import SEVERITIES
    from flowmap.render.findings import findings_files, parse_formats, write_findings

    chosen = parse_formats(formats)
    check_outputs([out / name for name in findings_files(chosen)], force)
    analysis = analysed(path, parse_as_of(as_of), kev, epss, eol, progress=not quiet)
    summary = analysis.summary
    written = write_findings(
        analysis, out, formats=chosen, progress=not quiet, force=force, summary=summary
    )
    click.echo(format_analysis(analysis, summary=summary))
    click.echo(safe_text("Wrote " + ", ".join(str(p) for p in written)))
    if fail_on:
        worst = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
        if analysis.findings["severity"].isin(worst).any():
            click.echo(f"Failing: findings at or above {fail_on}", err=True)
            sys.exit(3)


@click.command("plan")
@inventory_argument
@click.option("--budget", type=float, required=True, help="Pounds available, e.g. 250000.")
@click.option(
    "--must",
    multiple=True,
    metavar="ACTION_ID",
    help="An action to fund first whatever it removes (repeat for more).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="ACTION_ID",
    help="An action never to fund (repeat for more).",
)
@click.option(
    "--costs",
    type=click.Path(path_type=Path),
    help="Cost overrides: CSV with action, subject_id, cost_gbp, note.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for plan.json, plan.csv, plan.xlsx and plan_curve.png.",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
@as_of_option
@feed_options
@force_option
def plan_command(
    path: Path,
    budget: float,
    must: tuple[str, ...],
    exclude: tuple[str, ...],
    costs: Path | None,
    out: Path,
    quiet: bool,
    as_of: str | None,
    kev: Path | None,
    epss: Path | None,
    eol: tuple[Path, ...],
    force: bool,
) -> None:
    """Choose the security actions that remove the most risk within a budget."""
    from flowmap.console import safe_text
    from flowmap.planning import plan
    from flowmap.reference.costs import load_costs
    from flowmap.render.plan import PLAN_FILES, write_plan

    check_outputs([out / name for name in PLAN_FILES], force)
    analysis = analysed(path, parse_as_of(as_of), kev, epss, eol, progress=not quiet)
    overrides = load_costs(costs) if costs is not None else None
    result = plan(
        analysis, budget=budget, must=must, exclude=exclude, costs=overrides, progress=not quiet
    )
    with steps("writing the plan", enabled=not quiet) as step:
        step()
        written = write_plan(result, out, force=force)
    click.echo(
        f"Plan: {len(result.steps)} actions, £{result.spent:,.0f} of "
        f"£{result.budget:,.0f}; total risk {result.risk_before:,.1f} -> "
        f"{result.risk_after:,.1f} ({result.risk_removed:,.1f} removed)"
    )
    for r in result.steps.head(10).itertuples(index=False):
        click.echo(
            safe_text(
                f"{r.order:>3}. {r.action_id:<40} £{r.cost_gbp:>9,.0f}  "
                f"-{r.risk_removed:,.1f}  {r.reason}"
            )
        )
    if len(result.steps) > 10:
        click.echo(f"     ... and {len(result.steps) - 10} more in plan.csv")
    click.echo(safe_text("Wrote " + ", ".join(str(p) for p in written)))


@click.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for diff.json, diff.csv and diff.xlsx.",
)
@as_of_option
@feed_options
@force_option
def diff_command(
    old: Path,
    new: Path,
    out: Path,
    as_of: str | None,
    kev: Path | None,
    epss: Path | None,
    eol: tuple[Path, ...],
    force: bool,
) -> None:
    """What changed between two inventories: entities, findings and total risk."""
    from flowmap.console import safe_text
    from flowmap.engine.diff import diff
    from flowmap.render.diff import DIFF_FILES, write_diff

    check_outputs([out / name for name in DIFF_FILES], force)
    day = parse_as_of(as_of)
    before, after = (analysed(p, day, kev, epss, eol) for p in (old, new))
    with steps("comparing", "writing the changes") as step:
        step()
        d = diff(before, after)
        step()
        written = write_diff(d, out, force=force)
    s = d.summary
    click.echo(
        f"{len(d.entities)} entity changes; problems: "
        + ", ".join(f"{v} {k}" for k, v in s["problems"].items())
        + " (findings: "
        + ", ".join(f"{v} {k}" for k, v in s["findings"].items())
        + ")"
        + f"; total risk {d.risk_before:,.2f} -> {d.risk_after:,.2f} "
        f"({s['risk_change']:+,.2f})"
    )
    for r in d.contributions.head(5).itertuples(index=False):
        click.echo(safe_text(f"  {r.asset_id} {r.name}: {r.change:+,.2f}"))
    click.echo(safe_text("Wrote " + ", ".join(str(p) for p in written)))
