"""Small scanner files written by tests, in the shape of the real ones in tests/data/scans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape
from pathlib import Path


@dataclass
class Item:
    plugin: str
    name: str
    cves: tuple[str, ...] = ()
    cvss3: float | None = None
    patch: str | None = None  # YYYY/MM/DD
    severity: int = 3


@dataclass
class Host:
    ip: str
    fqdn: str = ""
    netbios: str = ""
    os: str = ""
    when: dt.datetime = dt.datetime(2026, 10, 28, 21, 0)
    items: list[Item] = field(default_factory=list)


def nessus(path: Path, hosts: list[Host]) -> Path:
    """Write a minimal NessusClientData_v2 file."""
    parts = ['<?xml version="1.0" ?>\n<NessusClientData_v2>\n<Report name="test">\n']
    for h in hosts:
        tags = [("host-ip", h.ip), ("HOST_END", h.when.strftime("%a %b %d %H:%M:%S %Y"))]
        tags += [
            (k, v)
            for k, v in (
                ("host-fqdn", h.fqdn),
                ("netbios-name", h.netbios),
                ("operating-system", h.os),
            )
            if v
        ]
        parts.append(f'<ReportHost name="{h.ip}"><HostProperties>\n')
        parts += [f'<tag name="{k}">{escape(v)}</tag>\n' for k, v in tags]
        parts.append("</HostProperties>\n")
        for i in h.items:
            parts.append(
                f'<ReportItem port="0" svc_name="general" protocol="tcp" severity="{i.severity}" '
                f'pluginID="{i.plugin}" pluginName="{escape(i.name)}" pluginFamily="General">\n'
            )
            parts += [f"<cve>{c}</cve>\n" for c in i.cves]
            if i.cvss3 is not None:
                parts.append(f"<cvss3_base_score>{i.cvss3}</cvss3_base_score>\n")
            if i.patch:
                parts.append(f"<patch_publication_date>{i.patch}</patch_publication_date>\n")
            parts.append("</ReportItem>\n")
        parts.append("</ReportHost>\n")
    parts.append("</Report>\n</NessusClientData_v2>\n")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def nmap(path: Path, hosts: list[tuple[str, str]], *, vulners: bool = False) -> Path:
    """Write a minimal nmap XML file: (ip, OS name at 100%) per host; no vulners rows."""
    args = "nmap -O" + (" --script vulners" if vulners else "")
    body = "".join(
        f'<host starttime="1793264400" endtime="1793264440"><status state="up" reason="x"/>'
        f'<address addr="{ip}" addrtype="ipv4"/><os><osmatch name="{escape(os)}" '
        f'accuracy="100"><osclass type="general purpose" accuracy="100"/></osmatch></os></host>\n'
        for ip, os in hosts
    )
    path.write_text(
        f'<?xml version="1.0"?>\n<nmaprun scanner="nmap" args="{args}" start="1793264400">\n'
        f"{body}</nmaprun>\n",
        encoding="utf-8",
    )
    return path
