"""Commands on the inventory itself: ``validate``, ``export``, ``template``, ``synth``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from flowmap.cli.options import (
    as_of_option,
    check_outputs,
    force_option,
    inventory_argument,
    parse_as_of,
    steps,
)


@click.command()
@inventory_argument
@as_of_option
@click.option(
    "--problems",
    "problems_csv",
    type=click.Path(path_type=Path),
    help="Also write every problem to this CSV file.",
)
@force_option
def validate(path: Path, as_of: str | None, problems_csv: Path | None, force: bool) -> None:
    """Check an inventory folder or workbook and report every problem.

    Exit 0 when valid, 1 when invalid, 2 when it cannot be read.
    """
    from flowmap.console import format_validation, safe_text, write_problems
    from flowmap.inventory.validate import validate as run

    if problems_csv is not None:
        check_outputs([problems_csv], force)
    report = run(path, as_of=parse_as_of(as_of), progress=True)
    click.echo(format_validation(report))
    if problems_csv is not None:
        write_problems(report, problems_csv, force=force)
        click.echo(f"Problems written to {safe_text(str(problems_csv))}")
    sys.exit(0 if report.ok else 1)


@click.command()
@inventory_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "json"]),
    default="graphml",
    show_default=True,
    help="Output format.",
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="File to write.")
@force_option
def export(path: Path, fmt: str, out: Path, force: bool) -> None:
    """Write the inventory graph for Gephi, Neo4j import or other tools."""
    from flowmap.console import safe_text
    from flowmap.engine.graph import build_graph
    from flowmap.inventory.validate import load_inventory
    from flowmap.render.export import export_graph

    check_outputs([out], force)
    inventory = load_inventory(path, progress=True)
    with steps("building the graph", "writing the graph") as step:
        step()
        G = build_graph(inventory)
        step()
        export_graph(G, out, format=fmt, force=force)
    click.echo(
        f"Wrote {G.number_of_nodes()} nodes and {G.number_of_edges()} edges to "
        f"{safe_text(str(out))}"
    )


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@force_option
def template(out: Path, force: bool) -> None:
    """Write a blank inventory workbook (.xlsx) with drop-downs and column notes.

    Never replaces a workbook you filled in: an existing file is replaced only if it is
    flowmap's own untouched template, or with --force.
    """
    from flowmap.console import safe_text
    from flowmap.render.workbook import write_template

    write_template(out, force=force)
    click.echo(f"Wrote a blank inventory workbook to {safe_text(str(out))}")


@click.command()
@click.option("--orgs", type=click.IntRange(min=1), required=True, help="Number of organisations.")
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Random seed: the same seed gives the same inventory.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder to write the CSV inventory to, or a name ending .xlsx for one workbook "
    "in the layout of `flowmap template` (a sheet per table, as IG teams keep it).",
)
@as_of_option
@force_option
def synth(orgs: int, seed: int, out: Path, as_of: str | None, force: bool) -> None:
    """Write a synthetic inventory of any size (valid by construction)."""
    from flowmap.console import safe_text
    from flowmap.inventory.schema import TABLES
    from flowmap.synth.generate import synthesize, write_inventory_csv

    workbook = out.suffix.lower() == ".xlsx"
    check_outputs([out] if workbook else [out / f"{name}.csv" for name in TABLES], force)
    kwargs = {"as_of": parse_as_of(as_of)} if as_of else {}
    with steps("generating the inventory", "writing the inventory") as step:
        step()
        tables = synthesize(orgs, seed=seed, **kwargs)
        step()
        if workbook:
            from flowmap.render.workbook import write_workbook

            write_workbook(tables, out, force=force)
        else:
            write_inventory_csv(tables, out, force=force)
    counts = ", ".join(f"{k} {len(v):,}" for k, v in tables.items())
    click.echo(f"Wrote a synthetic inventory to {safe_text(str(out))}: {counts}")
