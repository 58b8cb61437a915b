"""The ``flowmap`` command line: one command per verb, each calling the public API.

Errors a user can fix are printed as one line and turned into exit codes
(:class:`flowmap.errors.FlowmapError.exit_code`); ``Ctrl-C`` stops with exit 130 and
no traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from flowmap.errors import FlowmapError, UsageError
from flowmap.mapview.api import DEFAULT_DETAIL_LIMIT, DEFAULT_MAX_NODES


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of {value!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-01.") \
            from None


AS_OF = click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
                     help="Judge every date rule as of this day (default: today).")
INVENTORY = click.argument("path", type=click.Path(path_type=Path))


def FEEDS(f):  # noqa: N802  (used as a decorator, like the options above)
    """The --kev, --epss and --eol options of every command that analyses."""
    for opt in reversed((
            click.option("--kev", type=click.Path(path_type=Path),
                         help="CISA Known Exploited Vulnerabilities catalogue (JSON or CSV)."),
            click.option("--epss", type=click.Path(path_type=Path),
                         help="FIRST EPSS scores (CSV, gzipped or not)."),
            click.option("--eol", type=click.Path(path_type=Path),
                         help="More end-of-life products (endoflife.date API JSON)."))):
        f = opt(f)
    return f


def _analysed(path: Path, day: dt.date | None, kev: Path | None, epss: Path | None,
              eol: Path | None, *, progress: bool = False):
    """Load, validate and analyse an inventory (what every analysing command starts with)."""
    from flowmap.analysis import analyse
    from flowmap.validate import load_inventory

    return analyse(load_inventory(path, as_of=day, progress=progress), as_of=day, kev=kev,
                   epss=epss, eol=eol, progress=progress)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="flowmap")
def cli() -> None:
    """Map health and care data flows, information assets and vulnerable systems."""


@cli.command()
@INVENTORY
@AS_OF
@click.option("--problems", "problems_csv", type=click.Path(path_type=Path),
              help="Also write every problem to this CSV file.")
def validate(path: Path, as_of: str | None, problems_csv: Path | None) -> None:
    """Check an inventory folder or workbook and report every problem.

    Exit 0 when valid, 1 when invalid, 2 when it cannot be read.
    """
    from flowmap.validate import validate as run
    from flowmap.console import format_validation, write_problems

    report = run(path, as_of=_as_of(as_of))
    click.echo(format_validation(report))
    if problems_csv is not None:
        write_problems(report, problems_csv)
        click.echo(f"Problems written to {problems_csv}")
    sys.exit(0 if report.ok else 1)


@cli.command()
@INVENTORY
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json"]),
              default="graphml", show_default=True, help="Output format.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="File to write.")
def export(path: Path, fmt: str, out: Path) -> None:
    """Write the inventory graph for Gephi, Neo4j import or other tools."""
    from flowmap.export import export_graph
    from flowmap.graph import build_graph
    from flowmap.validate import load_inventory

    G = build_graph(load_inventory(path))
    export_graph(G, out, format=fmt)
    click.echo(f"Wrote {G.number_of_nodes()} nodes and {G.number_of_edges()} edges to {out}")


@cli.command()
@INVENTORY
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Folder for findings.json, findings.csv and findings.xlsx.")
@AS_OF
@FEEDS
@click.option("--fail-on", type=click.Choice(["critical", "high", "medium", "low", "info"]),
              help="Exit 3 if any finding is at or above this severity.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def analyse(path: Path, out: Path, as_of: str | None, kev: Path | None, epss: Path | None,
            eol: Path | None, fail_on: str | None, quiet: bool) -> None:
    """Score systems and data, find attack paths and copies, and report every finding."""
    from flowmap.console import format_analysis
    from flowmap.outputs import write_findings
    from flowmap.settings import SEVERITIES

    analysis = _analysed(path, _as_of(as_of), kev, epss, eol, progress=not quiet)
    written = write_findings(analysis, out, progress=not quiet)
    click.echo(format_analysis(analysis))
    click.echo("Wrote " + ", ".join(str(p) for p in written))
    if fail_on:
        worst = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
        if analysis.findings["severity"].isin(worst).any():
            click.echo(f"Failing: findings at or above {fail_on}", err=True)
            sys.exit(3)


@cli.command()
@click.argument("out", type=click.Path(path_type=Path))
def template(out: Path) -> None:
    """Write a blank inventory workbook with drop-downs and column notes."""
    from flowmap.workbook import write_template

    write_template(out)
    click.echo(f"Wrote a blank inventory workbook to {out}")


@cli.command()
@click.option("--orgs", type=click.IntRange(min=1), required=True,
              help="Number of organisations.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed: the same seed gives the same inventory.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Folder to write the CSV inventory to.")
@AS_OF
def synth(orgs: int, seed: int, out: Path, as_of: str | None) -> None:
    """Write a synthetic inventory of any size (valid by construction)."""
    from flowmap.synth import synthesize, write_inventory_csv

    kwargs = {"as_of": _as_of(as_of)} if as_of else {}
    tables = synthesize(orgs, seed=seed, **kwargs)
    write_inventory_csv(tables, out)
    counts = ", ".join(f"{k} {len(v):,}" for k, v in tables.items())
    click.echo(f"Wrote a synthetic inventory to {out}: {counts}")


@cli.command(name="map")
@INVENTORY
@click.argument("asset_arg", metavar="[ASSET_ID]", required=False)
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="HTML file to write (one self-contained file you can email).")
@click.option("--view", type=click.Choice(["systems", "organisations", "asset", "paths"]),
              default="systems", show_default=True, help="What to draw.")
@click.option("--asset", "asset_opt", metavar="ASSET_ID",
              help="The asset of --view asset (or give it after PATH).")
@click.option("--org", "org_id", metavar="ORG_ID",
              help="One organisation and its direct partners.")
@click.option("--redact", is_flag=True,
              help="Pseudonyms for names and ids; no owners or free text (for sharing).")
@click.option("--redact-key", metavar="KEY",
              help="Key of the pseudonyms: the same key gives the same ones (implies --redact).")
@click.option("--max-nodes", type=int, default=DEFAULT_MAX_NODES, show_default=True,
              help="Above this many systems, draw the organisations view instead.")
@click.option("--detail-limit", type=int, default=DEFAULT_DETAIL_LIMIT, show_default=True,
              help="Above this many organisation links, links count their assets and "
                   "organisations list findings by rule, and the page says so.")
@AS_OF
@FEEDS
def map_command(path: Path, asset_arg: str | None, out: Path, view: str,
                asset_opt: str | None, org_id: str | None, redact: bool,
                redact_key: str | None, max_nodes: int, detail_limit: int,
                as_of: str | None, kev: Path | None, epss: Path | None,
                eol: Path | None) -> None:
    """Write the interactive data-flow map: one offline HTML file, safe to email."""
    from flowmap.mapview import write_map

    if asset_arg and asset_opt and asset_arg != asset_opt:
        raise UsageError(f"Two different assets given ({asset_arg} and --asset {asset_opt}): "
                         "give one.")
    asset_id = asset_opt or asset_arg
    if asset_id and view != "asset":
        raise UsageError(f"An asset id ({asset_id}) only goes with --view asset.")
    analysis = _analysed(path, _as_of(as_of), kev, epss, eol)
    doc = write_map(analysis, out, view=view, asset_id=asset_id, org_id=org_id,
                    redact=redact or redact_key is not None, redact_key=redact_key,
                    max_nodes=max_nodes, detail_limit=detail_limit)
    size = out.stat().st_size / 1e6
    notes = "".join(f" Note: {n}" for n in doc.notes)
    click.echo(f"Wrote the {doc.view} view ({doc.nodes:,} nodes, {doc.edges:,} edges, "
               f"{size:.1f} MB) to {out}.{notes}")



@cli.command()
@INVENTORY
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Folder for report.html (and report.pdf, the executed notebook).")
@click.option("--pdf", is_flag=True, help="Also print report.pdf with headless Chromium.")
@click.option("--previous", type=click.Path(path_type=Path),
              help="Last report's inventory: show what changed since.")
@click.option("--org", "org_id", metavar="ORG_ID", help="Report on one organisation.")
@AS_OF
@click.option("-p", "--parameter", "parameters", multiple=True, metavar="NAME=VALUE",
              help="A notebook parameter (e.g. -p budget=250000); repeat for more.")
@click.option("--per-org", is_flag=True,
              help="One report per organisation under OUT/<org_id>/ plus OUT/index.html.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Reports run at once with --per-org (local processes).")
@click.option("--dask-scheduler", metavar="ADDRESS",
              help="Run --per-org reports on this dask.distributed scheduler.")
def report(path: Path, out: Path, pdf: bool, previous: Path | None, org_id: str | None,
           as_of: str | None, parameters: tuple[str, ...], per_org: bool, workers: int,
           dask_scheduler: str | None) -> None:
    """Run the board-report notebook and publish a code-free HTML (and PDF) board pack.

    Exit 0 when every report was written, 4 when any failed (each failure is listed).
    """
    from flowmap.reporting import report as run, report_all
    from flowmap.reporting.params import parse_assignments

    day = _as_of(as_of)
    values = parse_assignments(parameters)
    if per_org:
        if pdf or previous or org_id:
            raise UsageError("--per-org cannot be combined with --pdf, --previous or --org")
        batch = report_all(path, out_dir=out, workers=workers, dask_scheduler=dask_scheduler,
                           as_of=day, parameters=values)
        click.echo(f"Wrote {len(batch.outcomes) - len(batch.failed)} of {len(batch.outcomes)} "
                   f"reports and {batch.index} in {batch.seconds:.0f} s")
        if batch.failed:
            click.echo(f"{len(batch.failed)} report(s) failed:", err=True)
            for o in batch.failed:
                click.echo(f"  {o.org_id}: {o.error}", err=True)
            sys.exit(4)
        return
    result = run(path, out_dir=out, pdf=pdf, previous=previous, org_id=org_id, as_of=day,
                 parameters=values)
    written = [result.html] + ([result.pdf] if result.pdf else [])
    click.echo(f"Wrote {', '.join(map(str, written))} in {result.seconds:.0f} s "
               f"(executed notebook: {result.executed})")


@cli.command("plan")
@INVENTORY
@click.option("--budget", type=float, required=True, help="Pounds available, e.g. 250000.")
@click.option("--must", multiple=True, metavar="ACTION_ID",
              help="An action to fund first whatever it removes (repeat for more).")
@click.option("--exclude", multiple=True, metavar="ACTION_ID",
              help="An action never to fund (repeat for more).")
@click.option("--costs", type=click.Path(path_type=Path),
              help="Cost overrides: CSV with action, subject_id, cost_gbp, note.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Folder for plan.json, plan.csv, plan.xlsx and plan_curve.png.")
@AS_OF
@FEEDS
def plan_command(path: Path, budget: float, must: tuple[str, ...], exclude: tuple[str, ...],
                 costs: Path | None, out: Path, as_of: str | None, kev: Path | None,
                 epss: Path | None, eol: Path | None) -> None:
    """Choose the security actions that remove the most risk within a budget."""
    from flowmap.planning import plan, write_plan

    analysis = _analysed(path, _as_of(as_of), kev, epss, eol)
    result = plan(analysis, budget=budget, must=must, exclude=exclude, costs=costs)
    written = write_plan(result, out)
    click.echo(f"Plan: {len(result.steps)} actions, £{result.spent:,.0f} of "
               f"£{result.budget:,.0f}; total risk {result.risk_before:,.1f} -> "
               f"{result.risk_after:,.1f} ({result.risk_removed:,.1f} removed)")
    for r in result.steps.head(10).itertuples(index=False):
        click.echo(f"{r.order:>3}. {r.action_id:<40} £{r.cost_gbp:>9,.0f}  "
                   f"-{r.risk_removed:,.1f}  {r.reason}")
    if len(result.steps) > 10:
        click.echo(f"     ... and {len(result.steps) - 10} more in plan.csv")
    click.echo("Wrote " + ", ".join(str(p) for p in written))


@cli.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Folder for diff.json, diff.csv and diff.xlsx.")
@AS_OF
@FEEDS
def diff_command(old: Path, new: Path, out: Path, as_of: str | None, kev: Path | None,
                 epss: Path | None, eol: Path | None) -> None:
    """What changed between two inventories: entities, findings and total risk."""
    from flowmap.inventory_diff import diff, write_diff

    day = _as_of(as_of)
    before, after = (_analysed(p, day, kev, epss, eol) for p in (old, new))
    d = diff(before, after)
    written = write_diff(d, out)
    s = d.summary
    click.echo(f"{len(d.entities)} entity changes; findings: "
               + ", ".join(f"{v} {k}" for k, v in s["findings"].items())
               + f"; total risk {d.risk_before:,.2f} -> {d.risk_after:,.2f} "
               f"({s['risk_change']:+,.2f})")
    for r in d.contributions.head(5).itertuples(index=False):
        click.echo(f"  {r.asset_id} {r.name}: {r.change:+,.2f}")
    click.echo("Wrote " + ", ".join(str(p) for p in written))


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning a user's mistake into a message and exit code."""
    try:
        cli.main(args=argv, prog_name="flowmap", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("flowmap: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except FlowmapError as exc:
        click.echo(f"flowmap: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("flowmap: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
