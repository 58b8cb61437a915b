"""nmap XML output (``nmap -oX``): addresses, names, OS detection and the vulners script.

Each ``host`` has ``status`` (hosts that are not up are skipped), ``address`` elements
(IPv4, IPv6, MAC), ``hostnames`` (user-given and PTR names) and, with ``-O``/``-A``,
``os/osmatch`` guesses, each with an ``accuracy`` and ``osclass`` children (device
``type``, CPE). nmap's OS string is taken only when one guess stands alone at 100%
accuracy; otherwise the guesses are listed in the import report and the inventory's
``os`` is left as it is. CVEs come only from the ``vulners`` NSE script
(``--script vulners``): one table per product CPE, one row per CVE with its CVSS.
A scan without the script did not look for vulnerabilities, so it never marks one fixed.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from flowmap.ingest.records import Finding, HostRecord, score
from flowmap.ingest.xmlstream import elements, open_bytes

CERTAIN = 100  # the accuracy at which nmap reports an exact OS match


def read(path: Path) -> Iterator[HostRecord]:
    args = _root_args(path)
    vulners_run = "vulners" in args
    started = _epoch(_attribute(args, "start"))
    for element, line in elements(path, {"host"}):
        record = _host(path, element, line, vulners_run)
        record.scanned_at = record.scanned_at or started
        element.clear()
        yield record


def _attribute(tag: str, name: str) -> str:
    m = re.search(rf'\b{name}="([^"]*)"', tag)
    return m.group(1) if m else ""


def _root_args(path: Path) -> str:
    """The ``nmaprun`` start tag (its ``args`` say which scripts ran)."""
    with open_bytes(path) as handle:
        head = handle.read(1 << 14).decode("utf-8", errors="replace")
    start = head.find("<nmaprun")
    return head[start : head.find(">", start)] if start >= 0 else ""


def _epoch(value: str | None) -> dt.datetime | None:
    if value and value.isdigit():
        return dt.datetime.fromtimestamp(int(value), dt.UTC).replace(tzinfo=None)
    return None


def _host(path: Path, host: ET.Element, line: int, vulners_run: bool) -> HostRecord:
    record = HostRecord(path.name, "nmap", f"host (line {line})")
    for address in host.findall("address"):
        if address.get("addrtype") in ("ipv4", "ipv6"):
            record.add_ip(address.get("addr"))
    for name in host.iter("hostname"):
        record.add_name(name.get("name"))
    record.location = f"host {record.label!r} (line {line})"
    record.scanned_at = _epoch(host.get("endtime")) or _epoch(host.get("starttime"))
    record.gives_verdicts = False
    state = host.find("status")
    if state is not None and state.get("state") != "up":
        record.skipped = f"nmap reports the host {state.get('state')} ({state.get('reason', '')})"
        return record
    _os(record, host)
    scripts = [s for s in host.iter("script") if s.get("id") == "vulners"]
    record.assessed = vulners_run or bool(scripts)
    for port in host.iter("port"):
        for script in port.findall("script"):
            if script.get("id") == "vulners":
                where = f"port {port.get('portid')}/{port.get('protocol')}"
                record.findings.extend(_vulners(script, where))
    return record


def _os(record: HostRecord, host: ET.Element) -> None:
    matches = [(int(m.get("accuracy", "0") or 0), m) for m in host.iter("osmatch")]
    if not matches:
        return
    best = max(a for a, _ in matches)
    top = [m for a, m in matches if a == best]
    if best == CERTAIN and len(top) == 1:
        match = top[0]
        record.os = match.get("name", "")
        classes = match.findall("osclass")
        types = {c.get("type", "") for c in classes}
        if len(types) == 1:
            record.device_type = types.pop()
        cpes = [(c.text or "").strip() for c in match.iter("cpe")]
        record.os_cpe = next((c for c in cpes if c.startswith("cpe:/o:")), "")
        return
    names = "; ".join(m.get("name", "") for m in top)
    record.os_note = (
        f"nmap was not sure of the operating system ({len(top)} guess(es) at {best}% "
        f"accuracy: {names}): none taken"
    )


def _vulners(script: ET.Element, where: str) -> Iterator[Finding]:
    for product in script.findall("table"):
        cpe = product.get("key", "")
        for row in product.findall("table"):
            cells = {e.get("key"): (e.text or "").strip() for e in row.findall("elem")}
            kind = cells.get("type", "").lower()
            ident = cells.get("id", "")
            is_cve = kind == "cve" and ident.upper().startswith("CVE-")
            cvss = score(cells.get("cvss"))
            yield Finding(
                location=f"{where} vulners {cpe} {ident}",
                ref="vulners",
                title=cpe,
                cves=(ident.upper(),) if is_cve else (),
                cvss=cvss if is_cve else None,
                cvss_version="",  # vulners does not say which version its score is
                note="" if is_cve else f"a vulners reference of type {kind or 'unknown'}",
            )
