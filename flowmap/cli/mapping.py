"""``flowmap map``: the interactive data-flow map."""

from __future__ import annotations

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
from flowmap.errors import UsageError
from flowmap.render.mapview.limits import DEFAULT_DETAIL_LIMIT, DEFAULT_MAX_NODES


@click.command(name="map")
@inventory_argument
@click.argument("asset_arg", metavar="[ASSET_ID]", required=False)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="HTML file to write (one self-contained file you can email).",
)
@click.option(
    "--view",
    type=click.Choice(["systems", "organisations", "asset", "paths"]),
    default="systems",
    show_default=True,
    help="What to draw.",
)
@click.option(
    "--asset",
    "asset_opt",
    metavar="ASSET_ID",
    help="The asset of --view asset (or give it after PATH).",
)
@click.option("--org", "org_id", metavar="ORG_ID", help="One organisation and its direct partners.")
@click.option(
    "--redact",
    is_flag=True,
    help="Pseudonyms for names and ids; no owners or free text (for sharing).",
)
@click.option(
    "--redact-key",
    metavar="KEY",
    help="Key of the pseudonyms: the same key gives the same ones (implies --redact).",
)
@click.option(
    "--max-nodes",
    type=int,
    default=DEFAULT_MAX_NODES,
    show_default=True,
    help="Above this many systems, draw the organisations view instead.",
)
@click.option(
    "--detail-limit",
    type=int,
    default=DEFAULT_DETAIL_LIMIT,
    show_default=True,
    help="Above this many organisation links, links count their assets and "
    "organisations list findings by rule, and the page says so.",
)
@as_of_option
@feed_options
@force_option
def map_command(
    path: Path,
    asset_arg: str | None,
    out: Path,
    view: str,
    asset_opt: str | None,
    org_id: str | None,
    redact: bool,
    redact_key: str | None,
    max_nodes: int,
    detail_limit: int,
    as_of: str | None,
    kev: Path | None,
    epss: Path | None,
    eol: tuple[Path, ...],
    force: bool,
) -> None:
    """Write the interactive data-flow map: one offline HTML file, safe to email."""
    from flowmap.console import safe_text
    from flowmap.render.mapview import write_map
    from flowmap.render.mapview.redact import check_key

    if asset_arg and asset_opt and asset_arg != asset_opt:
        raise UsageError(
            f"Two different assets given ({asset_arg} and --asset {asset_opt}): give one."
        )
    asset_id = asset_opt or asset_arg
    if asset_id and view != "asset":
        raise UsageError(f"An asset id ({asset_id}) only goes with --view asset.")
    check_key(redact_key)
    check_outputs([out], force)
    analysis = analysed(path, parse_as_of(as_of), kev, epss, eol)
    with steps("drawing and writing the map") as step:
        step()
        doc = write_map(
            analysis,
            out,
            force=force,
            view=view,
            asset_id=asset_id,
            org_id=org_id,
            redact=redact or redact_key is not None,
            redact_key=redact_key,
            max_nodes=max_nodes,
            detail_limit=detail_limit,
        )
    size = out.stat().st_size / 1e6
    notes = "".join(f" Note: {n}" for n in doc.notes)
    click.echo(
        safe_text(
            f"Wrote the {doc.view} view ({doc.nodes:,} nodes, {doc.edges:,} edges, "
            f"{size:.1f} MB) to {out}.{notes}"
        )
    )
