"""The IG team's paperwork: ``ropa``, ``agreements``, ``check-flow`` and ``dspt``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

out_option = click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="Folder to write into."
)
org_option = click.option(
    "--org", "org", metavar="ORG_ID", help="One organisation (default: every one)."
)


@click.command("ropa")
@inventory_argument
@out_option
@org_option
@as_of_option
@feed_options
@force_option
def ropa_command(path, out, org, as_of, kev, epss, eol, force) -> None:
    """Records of processing activities (UK GDPR Art 30), per controller, gaps marked."""
    from flowmap.governance.ropa import ropa
    from flowmap.render.paperwork.ropa import FIXED_FILES, write_ropa

    check_outputs([out / name for name in FIXED_FILES], force)
    analysis = analysed(path, parse_as_of(as_of), kev, epss, eol)
    with steps("working out the records", "writing the records") as step:
        step()
        record = ropa(analysis, org=org)
        step()
        written = write_ropa(record, out, source=Path(path).name, force=force)
    gaps = int(record.gaps["missing"].sum()) if len(record.gaps) else 0
    click.echo(
        f"Records of processing: {len(record.controllers)} controller(s), "
        f"{len(record.activities)} activities, {len(record.processors)} processor record(s); "
        f"{gaps} gap(s) to fill (see ropa_gaps.csv)."
    )
    click.echo(f"Wrote {len(written)} files to {out} (start with {out / 'index.html'}).")


@click.command("agreements")
@inventory_argument
@out_option
@org_option
@click.option(
    "--days", type=int, default=90, show_default=True, help="How far ahead the calendar looks."
)
@as_of_option
@feed_options
@force_option
def agreements_command(path, out, org, days, as_of, kev, epss, eol, force) -> None:
    """The register of data-sharing agreements and contracts, what is missing, what expires."""
    from flowmap.governance.agreements import agreements
    from flowmap.render.paperwork.agreements import AGREEMENT_FILES, write_agreements

    check_outputs([out / name for name in AGREEMENT_FILES], force)
    analysis = analysed(path, parse_as_of(as_of), kev, epss, eol)
    with steps("working out the register", "writing the register") as step:
        step()
        reg = agreements(analysis, org=org, days=days)
        step()
        written = write_agreements(reg, out, source=Path(path).name, force=force)
    expired = int((reg.calendar["status"] == "expired").sum())
    click.echo(
        f"Agreements register: {len(reg.register)} agreements and contracts; "
        f"{len(reg.missing)} flow(s) or system(s) that should be under one but are not; "
        f"{len(reg.calendar) - expired} ending in the next {days} days, {expired} expired."
    )
    for r in reg.calendar.itertuples(index=False):
        click.echo(f"  {r.expires:%Y-%m-%d}  {r.status:<22} {r.ref}  ({r.parties})")
    click.echo("Wrote " + ", ".join(str(p) for p in written))


@click.command("check-flow")
@inventory_argument
@click.option(
    "--proposal",
    "proposals",
    multiple=True,
    metavar="PROPOSAL_ID",
    help="A row of the inventory's proposed_flows to answer (repeat; default all).",
)
@click.option("--asset", metavar="ASSET_ID", help="Ask about a new flow of this asset.")
@click.option("--from", "sender", metavar="SYSTEM_OR_ORG", help="Sending system or organisation.")
@click.option("--to", "receiver", metavar="SYSTEM_OR_ORG", help="Receiving system or organisation.")
@click.option("--purpose", help="direct_care, safeguarding, research, marketing, ...")
@click.option("--transport", help="nhsmail, api, sftp, email, ...")
@click.option("--encrypted/--not-encrypted", default=None, help="Encrypted in transit.")
@click.option("--country", help="Country of the recipient (two letters; default GB).")
@click.option("--lawful-basis", help="The Article 6 basis intended, e.g. 6(1)(e).")
@click.option("--confidentiality-basis", help="implied_consent, explicit_consent, s251, ...")
@click.option("--frequency", help="realtime, daily, weekly, monthly or adhoc.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Folder for check_flow.html, check_flow.csv and check_flow_verdicts.csv.",
)
@click.option(
    "--no-risk",
    is_flag=True,
    help="Skip working out what each flow adds to the risk (one analysis each).",
)
@click.option("--quiet", is_flag=True, help="Print only each proposal's verdict.")
@as_of_option
@feed_options
@force_option
def check_flow_command(
    path,
    proposals,
    asset,
    sender,
    receiver,
    purpose,
    transport,
    encrypted,
    country,
    lawful_basis,
    confidentiality_basis,
    frequency,
    out,
    no_risk,
    quiet,
    as_of,
    kev,
    epss,
    eol,
    force,
) -> None:
    """Can we share this? Answer a proposed flow in plain English, each answer sourced."""
    from flowmap.governance.checkflow import DISCLAIMER, check_flow, check_proposals
    from flowmap.render.paperwork.checkflow import CHECK_FLOW_FILES, write_check_flow

    if out is not None:
        check_outputs([out / name for name in CHECK_FLOW_FILES], force)
    asked = any(v is not None for v in (asset, sender, receiver, purpose))
    if asked and proposals:
        raise UsageError(
            "Give either --proposal or a new flow (--asset, --from, --to, --purpose), not both."
        )
    if asked and not (asset and sender and receiver and purpose):
        raise UsageError("A new flow needs --asset, --from, --to and --purpose.")
    analysis = analysed(path, parse_as_of(as_of), kev, epss, eol)
    if asked:
        cells = {
            "proposal_id": "asked",
            "asset_id": asset,
            "purpose": purpose,
            "transport": transport,
            "encrypted": encrypted,
            "destination_country": country,
            "lawful_basis": lawful_basis,
            "confidentiality_basis": confidentiality_basis,
            "frequency": frequency,
        }
        cells.update(_end(analysis, sender, "source_system_id", "from_org_id", "--from"))
        cells.update(_end(analysis, receiver, "target_system_id", "to_org_id", "--to"))
        answers = [check_flow(analysis, risk=not no_risk, **cells)]
    else:
        with steps("answering the proposed flows") as step:
            step()
            answers = check_proposals(analysis, risk=not no_risk)
        if proposals:
            known = {a.proposal.proposal_id for a in answers}
            unknown = [p for p in proposals if p not in known]
            if unknown:
                raise UsageError(
                    f"--proposal {unknown[0]!r} is not in the inventory's "
                    f"proposed_flows (it has {', '.join(sorted(known)) or 'none'})."
                )
            answers = [a for a in answers if a.proposal.proposal_id in proposals]
        if not answers:
            raise UsageError(
                "The inventory has no proposed_flows: add some, or ask about one "
                "flow with --asset, --from, --to and --purpose."
            )
    click.echo(DISCLAIMER)
    for a in answers:
        label = a.proposal.proposal_id
        if quiet:
            click.echo(f"{label}: {a.verdict.replace('_', ' ')}")
            continue
        click.echo("")
        click.echo(f"== {label}: {a.proposal.note}" if a.proposal.note else f"== {label}")
        click.echo(a.text)
    if out is not None:
        written = write_check_flow(answers, out, source=Path(path).name, force=force)
        click.echo("\nWrote " + ", ".join(str(p) for p in written))


def _end(
    analysis: Analysis, value: str, system_key: str, org_key: str, flag: str
) -> dict[str, str]:
    """A --from/--to value as a system (preferred) or an organisation."""
    if value in set(analysis.inventory.systems["system_id"]):
        return {system_key: value}
    if value in set(analysis.inventory.organisations["org_id"]):
        return {org_key: value}
    raise UsageError(f"{flag} {value!r} is neither a system_id nor an org_id in the inventory.")


@click.command("dspt")
@inventory_argument
@out_option
@click.option("--year", metavar="YYYY-YY", help="Assessment year (default: the latest mapped).")
@org_option
@click.option(
    "--framework",
    type=click.Choice(["caf_aligned", "standards_based"]),
    help="The toolkit to show (default: the organisation's; for all, both).",
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path),
    help="A DSPT mapping file to use instead of flowmap's (same columns).",
)
@as_of_option
@feed_options
@force_option
def dspt_command(path, out, year, org, framework, mapping, as_of, kev, epss, eol, force) -> None:
    """DSPT / CAF evidence from the inventory, per outcome, for one assessment year."""
    from flowmap.governance.dspt import dspt_evidence
    from flowmap.reference.dspt import load_dspt_mapping
    from flowmap.render.paperwork.dspt import dspt_stem, write_dspt

    table = load_dspt_mapping(year, path=mapping)
    stem = dspt_stem(table.year, org)
    check_outputs([out / f"{stem}.{ext}" for ext in ("xlsx", "csv", "html")], force)
    analysis = analysed(path, parse_as_of(as_of), kev, epss, eol)
    with steps("gathering the evidence", "writing the evidence") as step:
        step()
        evidence = dspt_evidence(analysis, org=org, framework=framework, mapping=table)
        step()
        written = write_dspt(
            evidence, table, out, org=org, as_of=analysis.as_of, source=Path(path).name, force=force
        )
    counts = evidence["inventory_says"].value_counts()
    click.echo(
        f"DSPT {table.year} ({table.source}): {len(evidence)} outcomes; "
        + ", ".join(f"{n} {says}" for says, n in counts.items())
    )
    click.echo("Wrote " + ", ".join(str(p) for p in written))
