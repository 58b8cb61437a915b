"""Account for every host and every row read: what became of it, and why."""

from __future__ import annotations

from flowmap.ingest.combine import Combined
from flowmap.ingest.match import Match
from flowmap.ingest.records import HostRecord
from flowmap.ingest.report import ImportReport


def account_host(
    record: HostRecord,
    match: Match,
    action: str,
    reason: str,
    report: ImportReport,
    *,
    system_id: str | None = None,
) -> None:
    """The host's entry, and a note for each thing the reader could not use."""
    where = {"source": record.source, "location": record.location, "host": record.label}
    sid = match.system_id if system_id is None else system_id
    described = []
    if record.os:
        described.append(f"OS {record.os!r}")
    if record.device_type:
        described.append(f"device type {record.device_type!r}")
    if record.scanned_at:
        described.append(f"scanned {record.scanned_at:%Y-%m-%d %H:%M}")
    names = record.ips + record.fqdns + record.hostnames
    detail = f" [{'; '.join(names)}{'; ' if names and described else ''}{'; '.join(described)}]"
    report.add("host", action, **where, system_id=sid, reason=reason + detail)
    for note in record.notes + ([record.os_note] if record.os_note else []):
        report.add("host", "note", **where, system_id=sid, reason=note)
    for verdict in record.verdicts:
        report.add(
            "host",
            "note",
            **where,
            system_id=sid,
            field="unsupported",
            new=verdict,
            reason="the scanner's own verdict that something is out of support",
        )


def account_rows(
    pairs: list[tuple[HostRecord, Match]],
    combined: Combined | None,
    system_id: str,
    report: ImportReport,
) -> None:
    """One entry per row (finding) of each record."""
    for record, match in pairs:
        newer = combined.superseded.get(id(record)) if combined is not None else None
        for f in record.findings:
            where = {"source": record.source, "location": f.location, "host": record.label}
            what = " ".join(x for x in (f.ref, f.title) if x)
            cves = ", ".join(f.cves)
            if combined is None:
                reason = (
                    "the host was not matched to a system"
                    if not record.skipped
                    else f"the host was skipped: {record.skipped}"
                )
                if match.ambiguous:
                    reason = "the host matches several systems"
                report.add(
                    "row",
                    "not imported",
                    **where,
                    system_id="",
                    field=cves,
                    reason=f"{reason} ({what})" if what else reason,
                )
            elif newer is not None:
                report.add(
                    "row",
                    "superseded",
                    **where,
                    system_id=system_id,
                    field=cves,
                    reason=f"a newer scan of the same host counts: {newer.source} "
                    f"{newer.location} ({what})",
                )
            elif not f.cves or f.note:
                note = f.note or "no CVE"
                if f.cves:
                    note += f" ({', '.join(f.cves)} named, not counted as a vulnerability)"
                report.add(
                    "row",
                    "skipped",
                    **where,
                    system_id=system_id,
                    reason=f"{note}: nothing to import ({what})" if what else note,
                )
            else:
                state = "reported fixed by the scanner" if f.fixed else "open"
                report.add(
                    "row",
                    "imported",
                    **where,
                    system_id=system_id,
                    field=cves,
                    reason=f"{state} on {system_id} ({what})" if what else state,
                )
