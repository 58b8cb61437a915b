"""Microsoft Defender for Endpoint (Defender Vulnerability Management) exports.

Read as JSON (an API response page, ``{"@odata.context": ..., "value": [...]}``, a list
of records, or JSON Lines as the "via files" export writes them) or CSV (the portal's
and advanced hunting's exports, PascalCase columns). Field names are compared without
case, so one reader serves every form:

* software vulnerabilities by device (``/api/machines/SoftwareVulnerabilitiesByMachine``,
  ``DeviceTvmSoftwareVulnerabilities``): ``DeviceId``, ``DeviceName`` (the FQDN),
  ``OSPlatform``, ``OSVersion``, ``SoftwareVendor``/``Name``/``Version``, ``CveId``,
  ``CvssScore`` (optional), ``VulnerabilitySeverityLevel``,
  ``RecommendedSecurityUpdate``; the delta export adds ``Status`` (New, Fixed,
  Updated) and is not a full assessment;
* vulnerabilities by machine (``/api/vulnerabilities/machinesVulnerabilities``):
  ``machineId``, ``cveId``, ``productVendor``/``Name``/``Version``, ``fixingKbId``;
  no host name: the device list (``/api/machines``) in the same import supplies it;
* the device list (``/api/machines``): ``id``, ``computerDnsName``, ``lastIpAddress``,
  ``ipAddresses``, ``osPlatform``, ``version``/``osVersion``.

A record without a CVE is a software-inventory row. ``EndOfSupportStatus`` (from the
software inventory) is Defender's unsupported verdict when an export carries it.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator
from pathlib import Path

from flowmap.errors import ImportFileError
from flowmap.ingest.csvstream import CsvHeader, rows
from flowmap.ingest.formats.tabular import has_columns
from flowmap.ingest.records import Finding, HostRecord, cves_in, parse_when, score
from flowmap.ingest.xmlstream import open_bytes

Record = dict[str, object]
PS_ADDRESS = re.compile(r"ipAddress=([^;}]*).*?operationalStatus=([^;}]*)", re.IGNORECASE)


def read_json(path: Path) -> Iterator[HostRecord]:
    yield from _records(path, _json_records(path))


def accepts_csv(columns: list[str]) -> bool:
    return has_columns(columns, ("DeviceId", "DeviceName", "machineId"), ("CveId",))


def read_csv(path: Path, header: CsvHeader) -> Iterator[HostRecord]:
    names = [c for c in header.columns]

    def records() -> Iterator[tuple[str, Record]]:
        for line, cells in rows(path, header):
            yield f"line {line}", dict(zip(names, cells))

    yield from _records(path, records())


def _json_records(path: Path) -> Iterator[tuple[str, Record]]:
    with open_bytes(path) as handle:
        data = handle.read()
    text = data.decode("utf-8-sig", errors="replace")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines[:2]):
            yield from _json_lines(path, text)
            return
        raise ImportFileError(
            f"{path.name} line {exc.lineno}: not valid JSON ({exc.msg}); the file may be "
            "truncated: export it again."
        ) from None
    items = document.get("value") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ImportFileError(f"{path.name}: a JSON document without a list of records.")
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            yield f"record {number}", item


def _json_lines(path: Path, text: str) -> Iterator[tuple[str, Record]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                f"{path.name} line {number}: not valid JSON ({exc.msg})."
            ) from None
        if isinstance(item, dict):
            yield f"line {number}", item


def _get(record: dict[str, object], *names: str) -> str:
    """A field by any of its names, compared without case; "" when absent or null."""
    for name in names:
        value = record.get(name.lower())
        if value not in (None, ""):
            return value if isinstance(value, str) else json.dumps(value)
    return ""


def _records(path: Path, items: Iterator[tuple[str, Record]]) -> Iterator[HostRecord]:
    hosts: dict[str, HostRecord] = {}
    for location, item in items:
        record = {str(k).lower(): v for k, v in item.items()}
        device = _get(record, "deviceId", "machineId")
        is_machine = not device and "computerdnsname" in record
        if is_machine:
            device = _get(record, "id")
        if not device and not _get(record, "deviceName"):
            yield HostRecord(path.name, "defender", location, skipped="no device named")
            continue
        host = hosts.get(device or _get(record, "deviceName"))
        if host is None:
            host = HostRecord(path.name, "defender", location, gives_verdicts=False)
            host.device_ids.append(device)
            hosts[device or _get(record, "deviceName")] = host
        _describe(host, record)
        if is_machine:
            host.assessed = False
            host.notes.append("a device list: it names the device, it lists no vulnerabilities")
            continue
        host.findings.append(_finding(location, record, host))
    yield from hosts.values()


def _describe(host: HostRecord, record: dict[str, object]) -> None:
    host.add_name(_get(record, "deviceName", "computerDnsName"))
    host.add_ip(_usable(_get(record, "lastIpAddress")))
    for entry in record.get("ipaddresses") or []:
        address, state = _address(entry)
        if state in ("", "up"):
            host.add_ip(_usable(address))
    platform = _get(record, "osPlatform")
    version = _get(record, "osVersion", "version")
    if platform and not host.os:
        host.os = f"{platform} {version}".strip()
    status = _get(record, "status").lower()
    host.assessed = host.assessed and status == ""  # a delta export is not a full assessment
    when = parse_when(
        _get(record, "eventTimestamp", "lastSeenTimestamp", "lastSeen"),
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%SZ",
    )
    if when and (host.scanned_at is None or when > host.scanned_at):
        host.scanned_at = when


def _address(entry: object) -> tuple[str, str]:
    """(address, operational status) of an ``ipAddresses`` item: an object, or the text
    PowerShell makes of one (``@{ipAddress=...; operationalStatus=Up; ...}``)."""
    if isinstance(entry, dict):
        lower = {str(k).lower(): v for k, v in entry.items()}
        return str(lower.get("ipaddress") or ""), str(lower.get("operationalstatus") or "").lower()
    m = PS_ADDRESS.search(str(entry))
    return (m.group(1).strip(), m.group(2).strip().lower()) if m else ("", "")


def _usable(address: str) -> str:
    """An address worth matching on: not link-local, loopback or unspecified."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    return "" if ip.is_link_local or ip.is_loopback or ip.is_unspecified else str(ip)


def _finding(location: str, record: dict[str, object], host: HostRecord) -> Finding:
    cves = cves_in(_get(record, "cveId"))
    product = " ".join(
        p
        for p in (
            _get(record, "softwareVendor", "productVendor"),
            _get(record, "softwareName", "productName"),
            _get(record, "softwareVersion", "productVersion"),
        )
        if p
    )
    support = _get(record, "endOfSupportStatus")
    if "endofsupportstatus" in record:
        host.gives_verdicts = True
    if support and support.lower() not in ("none", "not available"):
        date = _get(record, "endOfSupportDate")
        host.add_verdict(f"Defender: {product} {support}{f' ({date})' if date else ''}".strip())
    update = _get(record, "recommendedSecurityUpdate", "fixingKbId")
    return Finding(
        location=location,
        ref=product,
        title=f"fix: {update}" if update else "",
        cves=cves,
        cvss=score(_get(record, "cvssScore")),
        cvss_version="",
        unsupported=bool(support and support.lower() not in ("none", "not available")),
        fixed=_get(record, "status").lower() == "fixed",
        note="" if cves else "a software-inventory row (no CVE)",
    )
