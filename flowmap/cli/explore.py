"""``flowmap explore``: the explorer as a local app in the browser (no code, no notebook)."""

from __future__ import annotations

from pathlib import Path

import click

from flowmap.cli.options import as_of_option, feed_options, inventory_argument, parse_as_of


@click.command(name="explore")
@inventory_argument
@as_of_option
@feed_options
@click.option("--org", "org_id", metavar="ORG_ID", help="The organisation to show first.")
@click.option(
    "--no-browser", is_flag=True, help="Do not open the browser; print the address to open instead."
)
def explore_command(
    path: Path,
    as_of: str | None,
    kev: Path | None,
    epss: Path | None,
    eol: tuple[Path, ...],
    org_id: str | None,
    no_browser: bool,
) -> None:
    """Explore an inventory in your browser: pick an organisation, asset or system (or
    click the map) to see its findings, attack path, copies and blast radius, and try
    actions live. The app runs on this computer only (127.0.0.1, a private address
    with a random token); press Ctrl-C to stop it."""
    from flowmap.explorer.app import Options, serve

    day = parse_as_of(as_of)
    options = Options(
        inventory=str(path),
        as_of=day.isoformat() if day else "",
        kev=str(kev or ""),
        epss=str(epss or ""),
        eol=[str(p) for p in eol],
        org=org_id or "",
    )
    serve(options, open_browser=not no_browser, say=click.echo)
