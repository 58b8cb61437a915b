"""Qualys VM / VMDR: the WebGUI scan XML, the asset data report XML and report CSVs.

* WebGUI scan (``<SCAN>``, ``scan-1.dtd``): one ``IP`` element per host (``value`` the
  address, ``name`` the DNS name, ``OS``), holding ``VULN`` and ``PRACTICE`` (with
  ``cveid``, ``CVSS_BASE``, ``CVSS3_BASE``) and ``INFO``/``SERVICE`` (information
  gathered) rows.
* Asset data report (``<ASSET_DATA_REPORT>``): ``HOST`` elements (``IP``, ``DNS``,
  ``NETBIOS``, ``OPERATING_SYSTEM``) whose ``VULN_INFO`` rows name a QID; the CVEs,
  title and CVSS of each QID are in the ``GLOSSARY`` at the end of the file.
* Report CSV: one row per detection (``IP``, ``DNS``, ``NetBIOS``, ``OS``, ``QID``,
  ``Title``, ``CVE ID``, ``CVSS3 Base``...), after a preamble of report details.

Qualys states no patch publication date. An "EOL/Obsolete ..." QID title is its
unsupported verdict. An OS string joined with " / " is Qualys' list of guesses.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from flowmap.ingest.csvstream import CsvHeader
from flowmap.ingest.formats.tabular import HostTable, field_rows, has_columns
from flowmap.ingest.records import Finding, HostRecord, cves_in, parse_when, score
from flowmap.ingest.xmlstream import elements, text

EOL_PREFIX = ("eol/obsolete",)
STATUS_FIXED = "fixed"


def _os(record: HostRecord, value: str) -> None:
    value = value.strip()
    if not value:
        return
    guesses = [g.strip() for g in value.split(" / ") if g.strip()]
    if len(guesses) == 1:
        record.os = guesses[0]
    else:
        record.os = ""
        record.os_note = (
            f"Qualys gave {len(guesses)} possible operating systems ({'; '.join(guesses)}): "
            "none taken"
        )


def _unsupported(title: str) -> bool:
    return title.strip().lower().startswith(EOL_PREFIX)


def _verdicts(record: HostRecord) -> None:
    for f in record.findings:
        if f.unsupported:
            record.add_verdict(f"Qualys {f.ref} {f.title}".strip())


def _cvss(v3: str, v2: str) -> tuple[float | None, str]:
    three, two = score(v3), score(v2)
    if three is not None:
        return three, "3"
    return (two, "2") if two is not None else (None, "")


# -------------------------------------------------------------- WebGUI scan XML


def read_scan(path: Path) -> Iterator[HostRecord]:
    when = None
    for element, line in elements(path, {"HEADER", "IP"}):
        if element.tag == "HEADER":
            keys = {k.get("value", ""): (k.text or "").strip() for k in element.iter("KEY")}
            when = parse_when(keys.get("DATE"))
            element.clear()
            continue
        address = element.get("value", "")
        record = HostRecord(path.name, "qualys_scan", f"IP {address!r} (line {line})")
        record.add_ip(address)
        record.add_name(element.get("name"))
        record.add_name(text(element, "NETBIOS"))
        _os(record, text(element, "OS"))
        record.scanned_at = when
        for row in element.iter():
            if row.tag in ("VULN", "PRACTICE", "INFO", "SERVICE"):
                record.findings.append(_scan_row(row))
        _verdicts(record)
        element.clear()
        yield record


def _scan_row(row: ET.Element) -> Finding:
    qid = row.get("number", "")
    title = text(row, "TITLE")
    cves = cves_in(row.get("cveid", "")) + tuple(
        (i.text or "").strip().upper() for i in row.iter("ID")
    )
    cvss, version = _cvss(text(row, "CVSS3_BASE"), text(row, "CVSS_BASE"))
    informational = row.tag in ("INFO", "SERVICE")
    return Finding(
        location=f"{row.tag} QID {qid}",
        ref=f"QID {qid}",
        title=title,
        cves=tuple(c for c in dict.fromkeys(cves) if c.startswith("CVE-")),
        cvss=cvss,
        cvss_version=version,
        unsupported=_unsupported(title),
        note="information gathered" if informational else "",
    )


# ------------------------------------------------------ asset data report XML


def read_asset_report(path: Path) -> Iterator[HostRecord]:
    records: list[HostRecord] = []
    by_qid: dict[str, list[Finding]] = {}
    for element, line in elements(path, {"HOST", "VULN_DETAILS"}):
        if element.tag == "HOST":
            records.append(_asset_host(path, element, line, by_qid))
        else:
            qid = text(element, "QID") or element.get("id", "").removeprefix("qid_")
            title = text(element, "TITLE")
            cves = tuple(
                (i.text or "").strip().upper() for i in element.iter("ID")
            )  # CVE_ID_LIST/CVE_ID/ID
            cvss, version = _cvss(
                text(element, "CVSS3_SCORE/CVSS3_BASE"), text(element, "CVSS_SCORE/CVSS_BASE")
            )
            for f in by_qid.get(qid, ()):
                f.title = title
                f.cves = tuple(c for c in dict.fromkeys(cves) if c.startswith("CVE-"))
                if f.cvss is None:
                    f.cvss, f.cvss_version = cvss, version
                f.unsupported = _unsupported(title)
        element.clear()
    for record in records:
        _verdicts(record)
        yield record


def _asset_host(
    path: Path, element: ET.Element, line: int, by_qid: dict[str, list[Finding]]
) -> HostRecord:
    address = text(element, "IP")
    record = HostRecord(path.name, "qualys_asset_report", f"HOST {address!r} (line {line})")
    record.add_ip(address)
    record.add_name(text(element, "DNS"))
    record.add_name(text(element, "NETBIOS"))
    _os(record, text(element, "OPERATING_SYSTEM"))
    for info in element.iter("VULN_INFO"):
        qid = text(info, "QID")
        cvss, version = _cvss(text(info, "CVSS3_FINAL"), text(info, "CVSS_FINAL"))
        kind = text(info, "TYPE")
        finding = Finding(
            location=f"VULN_INFO QID {qid}",
            ref=f"QID {qid}",
            cvss=cvss,
            cvss_version=version,
            fixed=text(info, "VULN_STATUS").lower() == STATUS_FIXED,
            note="information gathered" if kind.lower() == "ig" else "",
        )
        record.findings.append(finding)
        by_qid.setdefault(qid, []).append(finding)
        when = parse_when(text(info, "LAST_FOUND"))
        if when and (record.scanned_at is None or when > record.scanned_at):
            record.scanned_at = when
    return record


# --------------------------------------------------------------------- CSV

CSV_FIELDS: dict[str, tuple[str, ...]] = {
    "ip": ("IP",),
    "dns": ("DNS", "HOSTNAME"),
    "netbios": ("NetBIOS",),
    "fqdn": ("FQDN",),
    "os": ("OS", "OPERATING SYSTEM"),
    "os_cpe": ("OS CPE",),
    "qid": ("QID",),
    "title": ("Title", "VULN TITLE"),
    "type": ("Type", "TYPE"),
    "status": ("Vuln Status",),
    "cve": ("CVE ID", "CVEID"),
    "cvss3": ("CVSS3.1 Base", "CVSS3 Base", "CVSS3"),
    "cvss2": ("CVSS Base", "CVSS_BASE", "CVSS"),
    "when": ("Last Detected", "LAST SCAN"),
}


def accepts_csv(columns: list[str]) -> bool:
    return has_columns(columns, ("IP",), ("QID",), ("Title", "VULN TITLE"))


def read_csv(path: Path, header: CsvHeader) -> Iterator[HostRecord]:
    table = HostTable(path, "qualys_csv", lambda row: row["ip"] or row["dns"])
    for line, row in field_rows(path, header, CSV_FIELDS):
        record = table.host(line, row)
        if record is None:
            yield HostRecord(path.name, "qualys_csv", f"line {line}", skipped="no host named")
            continue
        record.add_ip(row["ip"])
        for name in (row["dns"], row["netbios"], row["fqdn"]):
            record.add_name(name)
        if row["os"] and not record.os and not record.os_note:
            _os(record, row["os"])
        if row["os_cpe"].startswith("cpe:") and not record.os_cpe:
            record.os_cpe = row["os_cpe"]
        cvss, version = _cvss(row["cvss3"], row["cvss2"])
        kind = row["type"].lower()
        record.findings.append(
            Finding(
                location=f"line {line}",
                ref=f"QID {row['qid']}" if row["qid"] else "",
                title=row["title"],
                cves=cves_in(row["cve"]),
                cvss=cvss,
                cvss_version=version,
                unsupported=_unsupported(row["title"]),
                fixed=row["status"].lower() == STATUS_FIXED,
                note="information gathered" if kind in ("ig", "info") else "",
            )
        )
        when = parse_when(row["when"], "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M")
        if when and (record.scanned_at is None or when > record.scanned_at):
            record.scanned_at = when
    for record in table.records():
        _verdicts(record)
        yield record
