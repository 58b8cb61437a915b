"""Commands on the inventory itself: ``validate``, ``export``, ``template``, ``synth``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from flowmap.cli.options import as_of_option, inventory_argument, parse_as_of


@click.command()
@inventory_argument
@as_of_option
@click.option(
    "--problems",
    "problems_csv",
    type=click.Path(path_type=Path),
    help="Also write every problem to this CSV file.",
)
def validate(path: Path, as_of: str | None, problems_csv: Path | None) -> None:
    """Check an inventory folder or workbook and report every problem.

    Exit 0 when valid, 1 when invalid, 2 when it cannot be read.
    """
    from flowmap.console import format_validation, write_problems
    from flowmap.inventory.validate import validate as run

    report = run(path, as_of=parse_as_of(as_of))
    click.echo(format_validation(report))
    if problems_csv is not None:
        write_problems(report, problems_csv)
        click.echo(f"Problems written to {problems_csv}")
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
def export(path: Path, fmt: str, out: Path) -> None:
    """Write the inventory graph for Gephi, Neo4j import or other tools."""
    from flowmap.engine.graph import build_graph
    from flowmap.inventory.validate import load_inventory
    from flowmap.render.export import export_graph

    G = build_graph(load_inventory(path))
    export_graph(G, out, format=fmt)
    click.echo(f"Wrote {G.number_of_nodes()} nodes and {G.number_of_edges()} edges to {out}")


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
def template(out: Path) -> None:
    """Write a blank inventory workbook with drop-downs and column notes."""
    from flowmap.render.workbook import write_template

    write_template(out)
    click.echo(f"Wrote a blank inventory workbook to {out}")


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
    help="Folder to write the CSV inventory to.",
)
@as_of_option
def synth(orgs: int, seed: int, out: Path, as_of: str | None) -> None:
    """Write a synthetic inventory of any size (valid by construction)."""
    from flowmap.synth.generate import synthesize, write_inventory_csv

    kwargs = {"as_of": parse_as_of(as_of)} if as_of else {}
    tables = synthesize(orgs, seed=seed, **kwargs)
    write_inventory_csv(tables, out)
    counts = ", ".join(f"{k} {len(v):,}" for k, v in tables.items())
    click.echo(f"Wrote a synthetic inventory to {out}: {counts}")
