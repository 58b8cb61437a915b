"""``flowmap import``: bring scanner exports and the organisation's own spreadsheets in."""

from __future__ import annotations

from pathlib import Path

import click

from flowmap.cli.options import as_of_option, parse_as_of
from flowmap.inventory.schema import SYSTEM_KINDS


@click.group("import")
def import_group() -> None:
    """Import scanner exports or your own register spreadsheets into an inventory."""


@import_group.command("scan")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--inventory",
    type=click.Path(path_type=Path),
    required=True,
    help="The inventory (folder or .xlsx) to import into; it is never changed.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write the new inventory (a folder, or .xlsx for a workbook) and its "
    "import report.",
)
@click.option("--org", help="The organisation the scans belong to (an org_id).")
@click.option("--zone", help="The zone of systems added with --add-unmatched.")
@click.option(
    "--add-unmatched",
    is_flag=True,
    help="Make a new system (in --org) of every host that matches none.",
)
@click.option(
    "--kind",
    type=click.Choice(SYSTEM_KINDS),
    default="server",
    show_default=True,
    help="The kind of an added system when the scanner does not say.",
)
@as_of_option
def scan(
    files: tuple[Path, ...],
    inventory: Path,
    out: Path,
    org: str | None,
    zone: str | None,
    add_unmatched: bool,
    kind: str,
    as_of: str | None,
) -> None:
    """Import vulnerability-scanner FILES (or folders of them) into an inventory.

    Reads Nessus (.nessus and Tenable CSV), Greenbone/OpenVAS (XML and CSV), Qualys
    (scan XML, asset data report XML, report CSV), nmap XML and Microsoft Defender for
    Endpoint exports (JSON and CSV), whatever their file names. Exit 0 when done, 1 when
    a file cannot be read or the inventory is not valid, 2 for a mistake in the options.
    """
    from flowmap.ingest.scans import import_scans

    result = import_scans(
        inventory,
        files,
        out=out,
        org=org,
        zone=zone,
        add_unmatched=add_unmatched,
        kind=kind,
        as_of=parse_as_of(as_of),
        progress=True,
    )
    click.echo(result.describe())
    from flowmap.console import safe_text

    click.echo(safe_text(f"Wrote {out} and its import report ({result.written[-2].name}, .json)"))


@import_group.command("sheet")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--mapping",
    help="The mapping: a YAML file, or a shipped one by name (dspt-1.1.2). With --suggest, "
    "where to write the suggested mapping.",
)
@click.option("--suggest", is_flag=True, help="Write a starting mapping (every guess marked).")
@click.option(
    "--inventory",
    type=click.Path(path_type=Path),
    help="An inventory to merge into (never changed); without one a new inventory is made.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Where to write the result (a folder, or .xlsx) and its import report.",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="A value for the mapping's variables, e.g. --set org=RXA (repeat for more).",
)
@as_of_option
def sheet(
    file: Path,
    mapping: str | None,
    suggest: bool,
    inventory: Path | None,
    out: Path | None,
    settings: tuple[str, ...],
    as_of: str | None,
) -> None:
    """Import your own register spreadsheet FILE (xlsx or CSV) by a column mapping.

    Start with --suggest to write a mapping with flowmap's guesses marked for you to
    confirm; then import with --mapping MAP.yml --out OUT. Exit 0 when done, 1 when the
    spreadsheet cannot be read, 2 for a mistake in the options or the mapping.
    """
    from flowmap.errors import UsageError

    if suggest:
        from flowmap.ingest.sheets import suggest_mapping

        target = Path(mapping) if mapping else file.with_name(f"{file.stem}.mapping.yml")
        suggest_mapping(file, out=target)
        from flowmap.console import safe_text

        click.echo(
            safe_text(f"Wrote a suggested mapping to {target}: check every 'guess: true' line.")
        )
        return
    if not mapping or out is None:
        raise UsageError("give --mapping and --out (or --suggest to start a mapping).")
    variables = {}
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set {item!r}: write NAME=VALUE, e.g. --set org=RXA.")
        variables[name.strip()] = value.strip()
    from flowmap.ingest.sheets import import_sheet

    result = import_sheet(
        file,
        mapping,
        inventory=inventory,
        out=out,
        variables=variables,
        as_of=parse_as_of(as_of),
        progress=True,
    )
    click.echo(result.describe())
    from flowmap.console import safe_text

    click.echo(safe_text(f"Wrote {out} and its import report"))
