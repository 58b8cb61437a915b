"""Combine the scans of one system: which records count, and what they say together.

Several scans may describe the same system: the same host scanned twice, the same host
seen by two products, or several hosts of a fleet row (matched by network). For each
host and each product family the newest scan that looked for vulnerabilities is the one
that counts; scans known to be older are superseded (scans without a date, or of the same
time, add up). Across products the open CVEs are combined (no product sees everything).
Informational results never count as vulnerabilities, even when they name a CVE. The
operating system is taken only when the hosts agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from flowmap.ingest.match import Match
from flowmap.ingest.records import Finding, HostRecord

#: Scanner products: scans of one family supersede each other, different families add up.
FAMILIES = {
    "nessus": "tenable",
    "tenable_csv": "tenable",
    "greenbone_xml": "greenbone",
    "greenbone_csv": "greenbone",
    "qualys_scan": "qualys",
    "qualys_asset_report": "qualys",
    "qualys_csv": "qualys",
    "nmap": "nmap",
    "defender": "defender",
}
EARLIEST = dt.datetime.min


def newest_first(records: Iterable[HostRecord]) -> list[HostRecord]:
    return sorted(records, key=lambda r: (r.scanned_at or EARLIEST, r.order), reverse=True)


@dataclass
class Combined:
    """What the scans of one system say, and which of them count."""

    records: list[HostRecord]
    counting: list[HostRecord] = field(default_factory=list)
    superseded: dict[int, HostRecord] = field(default_factory=dict)  # id(old) -> newer
    open: dict[str, list[tuple[HostRecord, Finding]]] = field(default_factory=dict)
    reported_fixed: dict[str, tuple[HostRecord, Finding]] = field(default_factory=dict)
    assessed_by: HostRecord | None = None  # newest full assessment that counts
    os: str = ""
    os_cpe: str = ""
    os_from: HostRecord | None = None
    os_note: str = ""
    verdicts: list[str] | None = None  # None: no scan here can give a verdict
    verdicts_from: HostRecord | None = None
    fleet: bool = False


def _older(record: HostRecord, newer: HostRecord) -> bool:
    """Whether ``record`` is a scan known to be older than ``newer`` (scans with no date,
    or of the same time, are not: they add up)."""
    return (
        record.scanned_at is not None
        and newer.scanned_at is not None
        and record.scanned_at < newer.scanned_at
    )


def host_key(record: HostRecord, match: Match) -> str:
    """Which host of a system a record is: for a fleet row matched by network, each
    address is a host; otherwise the system is one host."""
    if match.how == "network" and record.ips:
        return record.ips[0]
    return ""


def combine(pairs: list[tuple[HostRecord, Match]]) -> Combined:
    records = [r for r, _ in pairs]
    keys = {id(r): host_key(r, m) for r, m in pairs}
    out = Combined(records=records, fleet=len(set(keys.values()) - {""}) > 1)
    newest_assessed: dict[tuple[str, str], HostRecord] = {}
    for record in newest_first(records):
        slot = (keys[id(record)], FAMILIES[record.format])
        newer = newest_assessed.get(slot)
        if newer is not None and _older(record, newer):
            out.superseded[id(record)] = newer
            continue
        if record.assessed and newer is None:
            newest_assessed[slot] = record
        out.counting.append(record)
    for record in out.counting:
        if record.assessed and out.assessed_by is None:
            out.assessed_by = record
        for finding in record.findings:
            if finding.note:  # informational: listed, never a vulnerability
                continue
            for cve in finding.cves:
                if finding.fixed:
                    out.reported_fixed.setdefault(cve, (record, finding))
                else:
                    out.open.setdefault(cve, []).append((record, finding))
    for cve in out.open:
        out.reported_fixed.pop(cve, None)
    _operating_system(out, pairs, keys)
    _verdicts(out, keys)
    return out


def _operating_system(out: Combined, pairs, keys: dict[int, str]) -> None:
    per_host: dict[str, HostRecord] = {}
    notes: list[str] = []
    for record in newest_first(r for r, _ in pairs):
        key = keys[id(record)]
        if key in per_host:
            continue
        if record.os:
            per_host[key] = record
        elif record.os_note:
            notes.append(f"{record.source} {record.location}: {record.os_note}")
    names = sorted({r.os for r in per_host.values()})
    if len(names) == 1:
        chosen = newest_first(per_host.values())[0]
        out.os, out.os_from = chosen.os, chosen
        cpes = {r.os_cpe for r in per_host.values()}
        out.os_cpe = cpes.pop() if len(cpes) == 1 else ""
    elif len(names) > 1:
        counts = {n: sum(r.os == n for r in per_host.values()) for n in names}
        out.os_note = (
            "the hosts disagree on the operating system ("
            + "; ".join(f"{n} x{c}" for n, c in counts.items())
            + "): not changed"
        )
    elif notes:
        out.os_note = notes[0]


def _verdicts(out: Combined, keys: dict[int, str]) -> None:
    giving = [r for r in out.counting if r.gives_verdicts]
    if not giving:
        return
    found: list[str] = []
    for record in giving:
        for verdict in record.verdicts:
            if verdict not in found:
                found.append(verdict)
    out.verdicts = found
    out.verdicts_from = newest_first(giving)[0]


def best_score(findings: list[tuple[HostRecord, Finding]]) -> tuple[float | None, str]:
    """The CVSS to record: the highest version 3 score, else the highest other score.

    >>> r = HostRecord("f", "nessus", "x")
    >>> best_score([(r, Finding("a", cvss=5.0, cvss_version="2")),
    ...             (r, Finding("b", cvss=7.5, cvss_version="3"))])
    (7.5, '3')
    """
    v3 = [f.cvss for _, f in findings if f.cvss is not None and f.cvss_version == "3"]
    if v3:
        return max(v3), "3"
    other = [(f.cvss, f.cvss_version) for _, f in findings if f.cvss is not None]
    return max(other) if other else (None, "")


def earliest_patch(findings: list[tuple[HostRecord, Finding]]) -> dt.date | None:
    dates = [f.patch_date for _, f in findings if f.patch_date is not None]
    return min(dates) if dates else None
