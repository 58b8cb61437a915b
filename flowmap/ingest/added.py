"""Hosts no system matched, made into new systems (``--add-unmatched``).

Records that share a name, an address or a device id are one host. Each host becomes a
system of the given organisation and zone, named after its FQDN, host name or address.
Its ``kind`` is taken from the scanner's device type where the scanner says one (a
printer or router is a ``network_device``, a phone is ``mobile``, a general-purpose
machine running a server or desktop operating system a ``server`` or ``workstation``);
otherwise it is the kind the user chose (default ``server``), and the report says so.
"""

from __future__ import annotations

import re

from flowmap.ingest.combine import newest_first
from flowmap.ingest.merge import safe
from flowmap.ingest.records import HostRecord
from flowmap.inventory.schema import LIST_SEPARATOR

NETWORK_TYPES = (
    "printer",
    "router",
    "switch",
    "firewall",
    "load-balancer",
    "load balancer",
    "wap",
    "bridge",
    "broadband router",
    "hub",
    "proxy server",
    "voip",
    "print server",
    "terminal server",
)
MOBILE_TYPES = ("phone", "pda", "tablet")
WINDOWS_CLIENT = re.compile(r"windows\s*(xp|vista|7|8(\.1)?|10|11)\b", re.IGNORECASE)
CLIENT_OS = re.compile(r"mac ?os|os x|ubuntu desktop|chrome ?os", re.IGNORECASE)


def kind_for(record: HostRecord, default: str) -> tuple[str, str]:
    """The ``kind`` of a new system and why.

    >>> r = HostRecord("f", "nessus", "x", device_type="printer")
    >>> kind_for(r, "server")
    ('network_device', "the scanner's device type 'printer'")
    >>> kind_for(HostRecord("f", "nmap", "x", os="Microsoft Windows 10 Pro"), "server")
    ('workstation', "a desktop operating system ('Microsoft Windows 10 Pro')")
    >>> kind_for(HostRecord("f", "nmap", "x"), "server")[0]
    'server'
    """
    device = record.device_type.strip().lower()
    if any(device.startswith(t) for t in NETWORK_TYPES):
        return "network_device", f"the scanner's device type {record.device_type!r}"
    if any(device.startswith(t) for t in MOBILE_TYPES):
        return "mobile", f"the scanner's device type {record.device_type!r}"
    os = record.os
    if re.search(r"\bserver\b|esxi|hypervisor", os, re.IGNORECASE):
        return "server", f"a server operating system ({os!r})"
    if WINDOWS_CLIENT.search(os) or CLIENT_OS.search(os):
        return "workstation", f"a desktop operating system ({os!r})"
    said = f" (device type {record.device_type!r})" if record.device_type else ""
    return default, f"the scanner does not say what it is{said}: the kind chosen for new hosts"


def clusters(records: list[HostRecord]) -> list[list[HostRecord]]:
    """Group records that share an address, a name or a device id (one host each).

    >>> a = HostRecord("f", "nmap", "x", ips=["10.0.0.1"])
    >>> b = HostRecord("g", "nessus", "y", ips=["10.0.0.1"], fqdns=["pc.example.org"])
    >>> c = HostRecord("g", "nessus", "z", fqdns=["pc.example.org"])
    >>> d = HostRecord("g", "nessus", "w", ips=["10.0.0.9"])
    >>> [len(g) for g in clusters([a, b, c, d])]
    [3, 1]
    """
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, record in enumerate(records):
        keys = (
            [f"ip:{v}" for v in record.ips]
            + [f"name:{v}" for v in record.fqdns + record.hostnames]
            + [f"id:{v}" for v in record.device_ids if v]
        )
        for key in keys:
            if key in owner:
                parent[find(i)] = find(owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[HostRecord]] = {}
    for i, record in enumerate(records):
        groups.setdefault(find(i), []).append(record)
    return list(groups.values())


def new_system_id(org: str, record: HostRecord, taken: set[str]) -> str:
    """A readable, unused id: ``<org>-<HOST NAME>`` or ``<org>-HOST-<address>``.

    >>> new_system_id("RXA", HostRecord("f", "nmap", "x", fqdns=["pc7.example.org"]), set())
    'RXA-PC7'
    >>> new_system_id("RXA", HostRecord("f", "nmap", "x", ips=["10.0.0.9"]), {"RXA-HOST-10-0-0-9"})
    'RXA-HOST-10-0-0-9-2'
    >>> new_system_id("RXA", HostRecord("f", "nmap", "x", hostnames=["rxa-prn-4"]), set())
    'RXA-PRN-4'
    """
    if record.fqdns or record.hostnames:
        label = (record.fqdns + record.hostnames)[0].split(".")[0]
    elif record.ips:
        label = "host-" + record.ips[0]
    else:
        label = "host-" + (record.device_ids[0][:12] if record.device_ids else "unnamed")
    label = re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-").upper() or "HOST"
    base = label if label.startswith(f"{org.upper()}-") else f"{org}-{label}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def system_row(sid: str, group: list[HostRecord], org: str, zone: str, kind: str) -> dict[str, str]:
    """The text row of a new system made from the records of one host."""
    newest = newest_first(group)[0]
    with_os = next((r for r in newest_first(group) if r.os), None)
    verdicts: list[str] = []
    for record in group:
        for v in record.verdicts:
            if v not in verdicts:
                verdicts.append(v)
    names = [n for r in newest_first(group) for n in r.fqdns + r.hostnames]
    return {
        "system_id": sid,
        "name": safe(names[0] if names else newest.label),
        "org_id": org,
        "kind": kind,
        "os": safe(with_os.os) if with_os else "",
        "zone": zone,
        "hostname": safe(next((n for r in group for n in r.hostnames), "")),
        "fqdn": safe(next((n for r in group for n in r.fqdns), "")),
        "ip_addresses": LIST_SEPARATOR.join(dict.fromkeys(ip for r in group for ip in r.ips)),
        "os_cpe": safe(with_os.os_cpe) if with_os else "",
        "unsupported_evidence": "; ".join(safe(v) for v in verdicts),
    }
