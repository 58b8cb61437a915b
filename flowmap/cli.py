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
@click.option("--kev", type=click.Path(path_type=Path),
              help="CISA Known Exploited Vulnerabilities catalogue (JSON or CSV).")
@click.option("--epss", type=click.Path(path_type=Path),
              help="FIRST EPSS scores (CSV, gzipped or not).")
@click.option("--eol", type=click.Path(path_type=Path),
              help="More end-of-life products (endoflife.date API JSON).")
@click.option("--fail-on", type=click.Choice(["critical", "high", "medium", "low", "info"]),
              help="Exit 3 if any finding is at or above this severity.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def analyse(path: Path, out: Path, as_of: str | None, kev: Path | None, epss: Path | None,
            eol: Path | None, fail_on: str | None, quiet: bool) -> None:
    """Score systems and data, find attack paths and copies, and report every finding."""
    from flowmap.analysis import analyse as run
    from flowmap.console import format_analysis
    from flowmap.outputs import write_findings
    from flowmap.settings import SEVERITIES
    from flowmap.validate import load_inventory

    day = _as_of(as_of)
    analysis = run(load_inventory(path, as_of=day), as_of=day, kev=kev, epss=epss, eol=eol,
                   progress=not quiet)
    written = write_findings(analysis, out)
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


# --- map command (issue 4) ---


# --- report command (issue 5) ---


# --- plan and diff commands (issue 6) ---


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
