"""Tenable CSV exports: Nessus Professional, Tenable Vulnerability Management (Tenable.io),
Tenable Security Center (Tenable.sc) and the semicolon-separated workbench export.

One row is one plugin result on one host and port; a plugin with several CVEs may come
as one row per CVE (Tenable.io) or as one row listing them (Tenable.sc, workbench).
Columns are found by their names in any of the four layouts. Nessus Professional's
export has no OS or host-name columns: hosts are known by the ``Host`` column alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from flowmap.ingest.csvstream import CsvHeader
from flowmap.ingest.formats.nessus import UNSUPPORTED_NAME
from flowmap.ingest.formats.tabular import HostTable, Row, field_rows, has_columns
from flowmap.ingest.records import Finding, HostRecord, cves_in, parse_when, score, truthy

FIELDS: dict[str, tuple[str, ...]] = {
    "plugin": ("Plugin ID", "Plugin", "definition.id"),
    "name": ("Name", "Plugin Name", "definition.name"),
    "cve": ("CVE", "definition.cve"),
    "cvss3": (
        "CVSS v3.0 Base Score",
        "CVSS3 Base Score",
        "CVSS V3 Base Score",
        "definition.cvss3.base_score",
    ),
    "cvss2": (
        "CVSS v2.0 Base Score",
        "CVSS Base Score",
        "CVSS V2 Base Score",
        "CVSS",
        "definition.cvss2.base_score",
    ),
    "host": ("Host", "asset.name"),
    "asset": ("asset.id", "Asset UUID", "Host ID"),
    "ip": ("IP Address", "asset.display_ipv4_address"),
    "ip6": ("asset.display_ipv6_address",),
    "fqdn": ("FQDN", "DNS Name", "asset.display_fqdn"),
    "hostname": ("asset.host_name",),
    "netbios": ("NetBios", "NetBIOS Name", "asset.netbios_name"),
    "os": ("OS", "asset.operating_system"),
    "system_type": ("System Type", "asset.system_type"),
    "patch": ("Patch Publication Date", "definition.patch_published"),
    "unsupported": ("Unsupported By Vendor", "definition.unsupported_by_vendor"),
    "state": ("Vulnerability State", "state"),
    "severity": ("Risk", "Severity", "severity"),
    "when": ("Host End", "Last Found", "Last Observed", "last_seen"),
    "port": ("Port", "port"),
}


def accepts(columns: list[str]) -> bool:
    """A Tenable header: a plugin id column, a host column and a CVE column."""
    return has_columns(
        columns,
        ("Plugin ID", "Plugin", "definition.id"),
        ("Host", "IP Address", "asset.name", "asset.display_ipv4_address"),
        ("CVE", "definition.cve"),
    ) and not has_columns(columns, ("NVT OID",))


def read(path: Path, header: CsvHeader) -> Iterator[HostRecord]:
    workbench = header.delimiter == ";" or header.index("definition.id") is not None
    table = HostTable(path, "tenable_csv", _key)
    for line, row in field_rows(path, header, FIELDS):
        record = table.host(line, row)
        if record is None:
            yield HostRecord(path.name, "tenable_csv", f"line {line}", skipped="no host named")
            continue
        _describe(record, row, workbench)
        record.findings.append(_finding(line, row))
    for record in table.records():
        for f in record.findings:
            if f.unsupported:
                record.add_verdict(f"Tenable {f.ref} {f.title}".strip())
        yield record


def _key(row: Row) -> str:
    return "|".join((row["asset"], row["host"], row["ip"]))


def _describe(record: HostRecord, row: Row, workbench: bool) -> None:
    record.add_ip(row["ip"])
    record.add_ip(row["ip6"])
    for name in (row["host"], row["fqdn"], row["hostname"], row["netbios"]):
        record.add_name(name)
    if row["os"] and not record.os and not record.os_note:
        candidates = [
            c.strip()
            for c in re.split(r"\n|, (?=[A-Z])" if workbench else r"\n", row["os"])
            if c.strip()
        ]
        if len(candidates) == 1:
            record.os = candidates[0]
        else:
            record.os_note = (
                f"the scanner gave {len(candidates)} possible operating systems "
                f"({'; '.join(candidates)}): none taken"
            )
    record.device_type = record.device_type or row["system_type"]
    when = parse_when(row["when"])
    if when and (record.scanned_at is None or when > record.scanned_at):
        record.scanned_at = when


def _finding(line: int, row: Row) -> Finding:
    v3, v2 = score(row["cvss3"]), score(row["cvss2"])
    patch = parse_when(row["patch"])
    name = row["name"]
    state = row["state"].strip().lower()
    return Finding(
        location=f"line {line}",
        ref=f"plugin {row['plugin']}" if row["plugin"] else "",
        title=name,
        cves=cves_in(row["cve"]),
        cvss=v3 if v3 is not None else v2,
        cvss_version="3" if v3 is not None else ("2" if v2 is not None else ""),
        patch_date=patch.date() if patch else None,
        unsupported=truthy(row["unsupported"]) or bool(UNSUPPORTED_NAME.search(name)),
        fixed=state == "fixed",
        note="informational" if row["severity"].strip().lower() in ("none", "info", "0") else "",
    )
