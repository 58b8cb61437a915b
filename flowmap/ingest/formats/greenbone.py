"""Greenbone / OpenVAS results: the XML report (GMP 7 to 22) and the CSV export.

A Greenbone XML report is ``report`` (with the XML report format's id) holding an inner
``report`` whose ``results`` hold one ``result`` per NVT finding: ``host`` (the IP as
text, ``hostname`` inside), ``nvt`` (``oid``, ``name``, ``refs/ref[@type="cve"]`` or
the older ``cve`` text, ``cvss_base``, ``severities/severity[@type="cvss_base_v3"]``),
``threat`` (``Log`` is informational) and ``description``. Host details, when the
export has them, are report-level ``host`` blocks (``ip``, ``detail`` ``best_os_txt``,
``best_os_cpe``, ``hostname``). The operating system also comes from the "OS Detection
Consolidation and Reporting" log result, and the unsupported verdict from the "End of
Life (EOL) Detection" NVTs. Greenbone gives no patch publication date.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from flowmap.ingest.csvstream import CsvHeader
from flowmap.ingest.formats.tabular import HostTable, field_rows, has_columns
from flowmap.ingest.records import Finding, HostRecord, cves_in, parse_when, score
from flowmap.ingest.xmlstream import elements, text

OS_DETECTION_OID = "1.3.6.1.4.1.25623.1.0.105937"
EOL_NAME = re.compile(r"end of life|\bEOL\b|unsupported", re.IGNORECASE)
BEST_OS = re.compile(r"^\s*OS:\s*(.+?)\s*$", re.MULTILINE)
CPE_LINE = re.compile(r"CPE:\s*(cpe:/o:\S+|cpe:2\.3:o:\S+)")
TIME_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S")


def read(path: Path) -> Iterator[HostRecord]:
    """Yield one record per host of a Greenbone XML report (results streamed)."""
    hosts: dict[str, HostRecord] = {}
    order: list[str] = []
    for element, line in elements(path, {"result", "host"}):
        if element.tag == "host":
            if element.find("ip") is not None:  # a report-level host block
                _host_block(_host(hosts, order, path, text(element, "ip"), line), element)
                element.clear()
            continue
        nvt = element.find("nvt")
        if nvt is None:  # a nested detection result, read with its parent
            continue
        host = element.find("host")
        address = (host.text or "").strip() if host is not None else ""
        record = _host(hosts, order, path, address, line)
        record.add_name(text(host, "hostname"))
        _result(record, element, nvt, line)
        element.clear()
    for key in order:
        yield hosts[key]


def _host(
    hosts: dict[str, HostRecord], order: list[str], path: Path, address: str, line: int
) -> HostRecord:
    record = hosts.get(address)
    if record is None:
        record = HostRecord(path.name, "greenbone_xml", f"host {address!r} (line {line})")
        record.add_ip(address)
        if not record.ips:
            record.add_name(address)
        hosts[address] = record
        order.append(address)
    return record


def _host_block(record: HostRecord, element: ET.Element) -> None:
    details = {text(d, "name"): text(d, "value") for d in element.findall("detail")}
    if details.get("best_os_txt"):
        record.os = details["best_os_txt"]
    if details.get("best_os_cpe"):
        record.os_cpe = details["best_os_cpe"]
    for name in ("hostname", "best_hostname"):
        record.add_name(details.get(name))
    _seen(record, parse_when(text(element, "end"), *TIME_FORMATS))


def _seen(record: HostRecord, when) -> None:
    if when and (record.scanned_at is None or when > record.scanned_at):
        record.scanned_at = when


def _result(record: HostRecord, result: ET.Element, nvt: ET.Element, line: int) -> None:
    oid = nvt.get("oid", "")
    name = text(nvt, "name") or text(result, "name")
    cves = tuple(
        r.get("id", "").upper() for r in nvt.iter("ref") if r.get("type", "").lower() == "cve"
    ) + cves_in(text(nvt, "cve"))
    v3 = next(
        (
            score(text(s, "score"))
            for s in nvt.iter("severity")
            if s.get("type", "").startswith("cvss_base_v3")
        ),
        None,
    )
    base = score(text(nvt, "cvss_base")) or score(text(result, "severity"))
    vector = re.search(r"cvss_base_vector=(\S+?)(\||$)", text(nvt, "tags"))
    base_version = "3" if vector and vector.group(1).startswith("CVSS:3") else "2"
    description = text(result, "description")
    threat = text(result, "threat")
    finding = Finding(
        location=f"line {line}",
        ref=f"NVT {oid}",
        title=name,
        cves=tuple(dict.fromkeys(cves)),
        cvss=v3 if v3 is not None else base,
        cvss_version="3" if v3 is not None else (base_version if base is not None else ""),
        unsupported=bool(EOL_NAME.search(name)),
        note="informational (log)" if threat.lower() == "log" else "",
    )
    record.findings.append(finding)
    _evidence(record, oid, name, description, finding.unsupported)
    _seen(record, parse_when(text(result, "creation_time"), *TIME_FORMATS))


def _evidence(record: HostRecord, oid: str, name: str, description: str, eol: bool) -> None:
    """OS and verdicts from the OS-detection and end-of-life results."""
    if oid == OS_DETECTION_OID or name.startswith("OS Detection Consolidation"):
        best = BEST_OS.search(description)
        if best and not record.os:
            record.os = best.group(1)
        cpe = CPE_LINE.search(description)
        if cpe and not record.os_cpe:
            record.os_cpe = cpe.group(1)
    if eol:
        record.add_verdict(f"Greenbone NVT {oid} {name}".strip())
        cpe = CPE_LINE.search(description)
        if cpe and not record.os_cpe and "Operating System" in name:
            record.os_cpe = cpe.group(1)


# ---------------------------------------------------------------------- CSV export

CSV_FIELDS: dict[str, tuple[str, ...]] = {
    "ip": ("IP",),
    "hostname": ("Hostname",),
    "cvss": ("CVSS",),
    "severity": ("Severity",),
    "name": ("NVT Name",),
    "oid": ("NVT OID",),
    "cves": ("CVEs",),
    "result": ("Specific Result",),
    "when": ("Timestamp",),
}


def accepts_csv(columns: list[str]) -> bool:
    return has_columns(columns, ("IP",), ("NVT OID", "NVT Name"), ("CVEs",))


def read_csv(path: Path, header: CsvHeader) -> Iterator[HostRecord]:
    table = HostTable(path, "greenbone_csv", lambda row: row["ip"] or row["hostname"])
    for line, row in field_rows(path, header, CSV_FIELDS):
        record = table.host(line, row)
        if record is None:
            yield HostRecord(path.name, "greenbone_csv", f"line {line}", skipped="no host named")
            continue
        record.add_ip(row["ip"])
        record.add_name(row["hostname"])
        oid, name = row["oid"], row["name"]
        cves = cves_in(row["cves"]) or (cves_in(oid) if oid.upper().startswith("CVE-") else ())
        base = score(row["cvss"])
        finding = Finding(
            location=f"line {line}",
            ref=f"NVT {oid}" if oid else "",
            title=name,
            cves=cves,
            cvss=base,
            cvss_version="",  # the CSV does not say which CVSS version
            unsupported=bool(EOL_NAME.search(name)),
            note="informational (log)" if row["severity"].lower() == "log" else "",
        )
        record.findings.append(finding)
        _evidence(record, oid, name, row["result"], finding.unsupported)
        _seen(record, parse_when(row["when"], *TIME_FORMATS, "%Y-%m-%d %H:%M:%S%z"))
    yield from table.records()
