"""Match scanned hosts to the inventory's systems.

A host is matched by the strongest evidence that picks out exactly one system, tried in
this order: a host name equal to a ``system_id``; the FQDN (``fqdn``); the short host
name (``hostname``, or the first label of ``fqdn``); an IP address listed in
``ip_addresses``; an IP address inside a network listed there (the most specific
network wins). Names are compared without case. If the strongest evidence points at
two or more systems the host is ambiguous and left alone, with the candidates named.
With an organisation given, only its systems are candidates (private addresses repeat
between organisations); a host that would match another organisation's system says so.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from flowmap.ingest.records import HostRecord

#: The kinds of evidence, strongest first, as the import report words them.
LEVELS = ("system_id", "fqdn", "hostname", "ip", "network")


@dataclass
class Match:
    """Where a host went: one system, several (ambiguous) or none."""

    system_id: str = ""
    how: str = ""  # one of LEVELS
    value: str = ""  # the name or address that matched
    candidates: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)  # matches outside the organisation

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


class SystemIndex:
    """Look-ups from names and addresses to ``system_id``.

    Examples
    --------
    >>> systems = pd.DataFrame({"system_id": ["S1", "S2"], "org_id": ["A", "A"],
    ...     "hostname": ["pc1", ""], "fqdn": ["", "db.example.org"],
    ...     "ip_addresses": [("10.0.0.5",), ("10.1.0.0/16",)]})
    >>> index = SystemIndex(systems)
    >>> r = HostRecord("f", "nmap", "x", ips=["10.1.2.3"])
    >>> m = index.match(r); (m.system_id, m.how, m.value)
    ('S2', 'network', '10.1.0.0/16')
    >>> index.match(HostRecord("f", "nmap", "x", hostnames=["PC1"])).system_id
    'S1'
    """

    def __init__(self, systems: pd.DataFrame) -> None:
        self.org: dict[str, str] = dict(zip(systems["system_id"], systems["org_id"]))
        self.keys: dict[str, dict[str, list[str]]] = {level: {} for level in LEVELS[:4]}
        self.networks: dict[int, dict[str, list[tuple[str, str]]]] = {}
        for row in systems.itertuples(index=False):
            sid = row.system_id
            self._add("system_id", sid.lower(), sid)
            fqdn = _name(getattr(row, "fqdn", ""))
            host = _name(getattr(row, "hostname", ""))
            if fqdn:
                self._add("fqdn", fqdn, sid)
                self._add("hostname", fqdn.split(".")[0], sid)
            if host:
                self._add("fqdn" if "." in host else "hostname", host, sid)
                self._add("hostname", host.split(".")[0], sid)
            for item in getattr(row, "ip_addresses", ()) or ():
                self._address(item, sid)

    def _add(self, level: str, key: str, sid: str) -> None:
        found = self.keys[level].setdefault(key, [])
        if sid not in found:
            found.append(sid)

    def _address(self, item: str, sid: str) -> None:
        try:
            net = ipaddress.ip_network(item.strip(), strict=False)
        except ValueError:
            return
        if net.num_addresses == 1:
            self._add("ip", str(net.network_address), sid)
            return
        by_key = self.networks.setdefault(net.prefixlen, {})
        by_key.setdefault(f"{net.version}:{net.network_address}", []).append((sid, str(net)))

    def match(self, record: HostRecord, *, org: str | None = None) -> Match:
        """The system ``record`` is, by the strongest evidence that names one."""
        names = [_name(n) for n in record.fqdns + record.hostnames]
        shorts = list(dict.fromkeys(n.split(".")[0] for n in names if n))
        tries: list[tuple[str, Iterable[str]]] = [
            ("system_id", names + shorts),
            ("fqdn", [n for n in names if "." in n]),
            ("hostname", shorts),
            ("ip", record.ips),
        ]
        elsewhere: list[str] = []
        for level, values in tries:
            found = self._found(self.keys[level], values)
            result = self._pick(level, found, org, elsewhere)
            if result is not None:
                return result
        found = self._in_networks(record.ips)
        result = self._pick("network", found, org, elsewhere)
        return result or Match(elsewhere=sorted(set(elsewhere)))

    @staticmethod
    def _found(index: dict[str, list[str]], values: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for value in values:
            for sid in index.get(value, ()):
                found.setdefault(sid, value)
        return found

    def _in_networks(self, ips: list[str]) -> dict[str, str]:
        """Systems whose networks hold one of ``ips``: only the most specific networks."""
        for prefix in sorted(self.networks, reverse=True):
            found: dict[str, str] = {}
            for ip in ips:
                try:
                    net = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
                except ValueError:
                    continue
                for sid, text in self.networks[prefix].get(
                    f"{net.version}:{net.network_address}", ()
                ):
                    found.setdefault(sid, text)
            if found:
                return found
        return {}

    def _pick(
        self, level: str, found: dict[str, str], org: str | None, elsewhere: list[str]
    ) -> Match | None:
        if org is not None:
            outside = [s for s in found if self.org.get(s) != org]
            elsewhere.extend(f"{s} (organisation {self.org.get(s)}, by {level})" for s in outside)
            found = {s: v for s, v in found.items() if self.org.get(s) == org}
        if not found:
            return None
        candidates = sorted(found)
        sid = candidates[0]
        return Match(
            system_id=sid if len(candidates) == 1 else "",
            how=level,
            value=found[sid],
            candidates=candidates,
            elsewhere=sorted(set(elsewhere)),
        )


def _name(value: object) -> str:
    text = "" if value is None or value is pd.NA else str(value)
    return text.strip().rstrip(".").lower()
