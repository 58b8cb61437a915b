"""``flowmap import``: bring scanner exports and the organisation's own spreadsheets in."""

from __future__ import annotations

from pathlib import Path

import click

from flowmap.cli.options import as_of_option, parse_as_of

KINDS = (
    "server", "workstation", "database", "application", "saas", "storage", "backup_target",
    "network_device", "medical_device", "mobile", "paper_store",
)  # fmt: skip


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
    type=click.Choice(KINDS),
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
