"""``flowmap alert``: what a new known-exploited vulnerability touches, in minutes."""

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


@click.command(name="alert")
@inventory_argument
@click.option(
    "--cve",
    "cves",
    multiple=True,
    metavar="CVE-ID",
    help="A CVE to assess (repeat, or separate with commas).",
)
@click.option(
    "--since",
    type=click.Path(path_type=Path),
    metavar="PREVIOUS_KEV",
    help="With --kev NEW: assess every CVE the newer catalogue adds to this one.",
)
@click.option(
    "--product",
    metavar="TEXT",
    help="A product as the vendor names it (matched on systems' os and software).",
)
@click.option("--vendor", default="", metavar="TEXT", help="The product's vendor.")
@click.option(
    "--versions",
    metavar="RANGE",
    help="With --product: affected versions, e.g. '<2023.0.2' or '>=13.1,<13.1.49'.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for the service-desk CSV, the tables and the briefs.",
)
@click.option("--no-brief", is_flag=True, help="Write the CSV and JSON files only.")
@click.option("--no-pdf", is_flag=True, help="Write the briefs as HTML only (no Chromium).")
@click.option(
    "--redact",
    is_flag=True,
    help="Pseudonyms for ids and names, no contacts (for sending to partners).",
)
@click.option(
    "--redact-key",
    metavar="KEY",
    help="Key of the pseudonyms: the same key gives the same ones (implies --redact).",
)
@as_of_option
@feed_options
@force_option
def alert(
    path: Path,
    cves: tuple[str, ...],
    since: Path | None,
    product: str | None,
    vendor: str,
    versions: str | None,
    out: Path,
    no_brief: bool,
    no_pdf: bool,
    redact: bool,
    redact_key: str | None,
    as_of: str | None,
    kev: Path | None,
    epss: Path | None,
    eol: tuple[Path, ...],
    force: bool,
) -> None:  # fmt: skip
    """Which partners, systems and records a new vulnerability alert touches.

    Give --cve CVE-ID (repeatable), --kev NEW --since PREVIOUS (the CVEs CISA added), or
    --product TEXT [--versions RANGE]. Writes alert-service-desk.csv (one row per system to
    act on, with whom to contact and what to do first), the assets, paths and organisations
    tables, alert-summary.json and a one-page brief per alert (HTML and A4 PDF).
    """
    from flowmap.console import safe_text
    from flowmap.engine.alert import alert_impact
    from flowmap.engine.alert.impact import clean_cves
    from flowmap.engine.alert.versions import VersionRange
    from flowmap.reference.kev import load_kev
    from flowmap.render.alert import alert_paths, write_alert
    from flowmap.render.mapview.redact import check_key

    given = [bool(cves), since is not None, product is not None]
    if sum(given) != 1:
        raise UsageError("give one of --cve, --since (with --kev) or --product.")
    if since is not None and kev is None:
        raise UsageError("--since needs --kev NEW_KEV_FILE: the newer catalogue to compare.")
    if versions is not None and product is None:
        raise UsageError("--versions goes with --product.")
    if versions is not None:
        VersionRange.parse(versions)  # a bad range stops before the analysis
    cves = tuple(clean_cves(cves, param="cve"))
    check_key(redact_key)
    check_outputs(alert_paths(None, out), force)
    previous = load_kev(since) if since is not None else None
    # the alert reads scores, copies and paths, never the findings: no rules are run
    analysis = analysed(path, parse_as_of(as_of), kev, epss, eol, rules=())
    with steps("working out the impact", "writing the alert") as step:
        step()
        impact = alert_impact(
            analysis,
            cves=cves,
            kev=analysis.reference.kev if since is not None else None,
            since=previous,
            product=product,
            vendor=vendor,
            versions=versions,
            progress=True,  # a bar counting the alerts (drawn only where a person watches)
        )
        step()
        done = write_alert(
            impact,
            out,
            brief=not no_brief,
            pdf=not no_pdf,
            redact=redact,
            redact_key=redact_key,
            force=force,
        )
    for line in done.impact.headline.splitlines():
        click.echo(safe_text(line))
    click.echo(safe_text(f"Wrote {len(done.files)} files to {out}."))
