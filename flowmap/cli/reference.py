"""``flowmap reference``: refresh the end-of-life dates and see what flowmap knows."""

from __future__ import annotations

from pathlib import Path

import click

from flowmap.cli.options import as_of_option, parse_as_of


@click.group("reference")
def reference() -> None:
    """End-of-life reference data: refresh it from endoflife.date, or list what is known."""


@reference.command("update")
@click.option(
    "--from",
    "sources",
    type=click.Path(path_type=Path),
    multiple=True,
    required=True,
    help="endoflife.date product files (JSON), or a folder of them; repeat for more.",
)
@click.option(
    "--to",
    "target",
    type=click.Path(path_type=Path),
    help="Where to write the table (default: the local table every analysis reads).",
)
@click.option("--force", is_flag=True, help="Replace a file at --to that flowmap did not write.")
def update(sources: tuple[Path, ...], target: Path | None, force: bool) -> None:
    """Turn endoflife.date release data into the local end-of-life table.

    Download each product's file from https://endoflife.date/api/v1/products/<product>/
    (or the classic /api/<product>.json), then run this. Every later analysis reads the
    table after the bundled one: its dates win for the same release.
    """
    from flowmap.reference.local import endoflife_table, local_table_path
    from flowmap.render.reference_table import write_eol_table

    made = endoflife_table(sources)
    path = write_eol_table(made.table, target or local_table_path(), force=force)
    t = made.table
    when = f", data of {t.dated.isoformat()}" if t.dated else ", data of an unknown date"
    click.echo(
        f"Read {len(made.files)} file(s): {t.frame['product'].nunique()} products, "
        f"{len(t.frame)} releases{when}."
    )
    for name, why in made.skipped.items():
        click.echo(f"Left out {name}: {why}.")
    click.echo(f"Wrote {path}")
    if target is None:
        click.echo(
            "Every analysis now reads it after the bundled table; see `flowmap reference show`."
        )


@reference.command("show")
@click.argument("product", required=False)
@click.option(
    "--eol",
    type=click.Path(path_type=Path),
    multiple=True,
    help="Also read these end-of-life files (as analyse --eol does); repeat for more.",
)
@click.option("--match", "texts", multiple=True, metavar="TEXT", help="Show how TEXT is read.")
@as_of_option
def show(
    product: str | None, eol: tuple[Path, ...], texts: tuple[str, ...], as_of: str | None
) -> None:
    """List the end-of-life data in use (every product, or one product's releases).

    Says where each product's dates come from and how old they are, and warns when the
    data is more than six months old.
    """
    import datetime as dt

    from flowmap.console import format_eol_match, format_eol_product, format_eol_summary
    from flowmap.reference.bundle import load_reference

    day = parse_as_of(as_of) or dt.date.today()
    ref = load_reference(eol=eol)
    if texts:
        for text in texts:
            click.echo(format_eol_match(text, ref.eol.match(text)))
        return
    if product:
        click.echo(format_eol_product(ref.eol, product))
    else:
        click.echo(format_eol_summary(ref, day))
