"""Nessus / Tenable ``.nessus`` files (``NessusClientData_v2``).

One ``ReportHost`` per host: its ``HostProperties`` tags name it (``host-ip``,
``host-fqdn``, ``netbios-name``, ``hostname``, ``host-rdns``, ``host-fqdns``) and
describe it (``operating-system``, ``cpe``, ``system-type``, ``HOST_START``/``HOST_END``);
each ``ReportItem`` is one plugin result with ``cve`` children, ``cvss3_base_score`` or
``cvss_base_score`` and ``patch_publication_date``. Unsupported verdicts come from the
host tag ``operating-system-unsupported``, the item flag ``unsupported_by_vendor`` and
plugins named "Unsupported ...", "SEoL ..." or "... End of Life".
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from flowmap.ingest.records import Finding, HostRecord, parse_when, score, truthy
from flowmap.ingest.xmlstream import elements

UNSUPPORTED_NAME = re.compile(r"\bunsupported\b|\bSEoL\b|end of life|\bEOL\b", re.IGNORECASE)
NAME_TAGS = ("host-fqdn", "hostname", "netbios-name", "host-rdns")
ITEM_FIELDS = frozenset(
    {"cvss3_base_score", "cvss_base_score", "patch_publication_date", "unsupported_by_vendor"}
)


def read(path: Path) -> Iterator[HostRecord]:
    """Yield one record per ``ReportHost`` of a ``.nessus`` file, streaming."""
    record: HostRecord | None = None
    for element, line in elements(path, {"HostProperties", "ReportItem", "ReportHost"}):
        if record is None:
            record = HostRecord(path.name, "nessus", "")
        if element.tag == "HostProperties":
            _properties(record, element)
        elif element.tag == "ReportItem":
            record.findings.append(_item(element, line))
        else:
            name = element.get("name", "")
            record.location = f"ReportHost {name!r} (line {line})"
            record.add_name(name)
            _item_verdicts(record)
            yield record
            record = None
        element.clear()


def _properties(record: HostRecord, element: ET.Element) -> None:
    tags = {tag.get("name", ""): (tag.text or "").strip() for tag in element}
    record.add_ip(tags.get("host-ip"))
    for name in NAME_TAGS:
        record.add_name(tags.get(name))
    for fqdn in _fqdns(tags.get("host-fqdns", "")):
        record.add_name(fqdn)
    record.os = (
        tags.get("operating-system", "").splitlines()[0].strip()
        if tags.get("operating-system")
        else ""
    )
    record.os_cpe = _os_cpe(tags)
    record.device_type = tags.get("system-type", "")
    record.scanned_at = _when(tags)
    if truthy(tags.get("operating-system-unsupported")):
        record.add_verdict(
            "Nessus: the operating system is unsupported (host property "
            "operating-system-unsupported)"
        )


def _fqdns(value: str) -> list[str]:
    """The FQDNs of the ``host-fqdns`` tag (a JSON list of ``{"FQDN": ...}``)."""
    if not value:
        return []
    try:
        items = json.loads(value)
    except ValueError:
        return []
    return [str(i.get("FQDN", "")) for i in items if isinstance(i, dict)]


def _os_cpe(tags: dict[str, str]) -> str:
    """The host's operating-system CPE: the ``cpe`` tag, else the first OS ``cpe-N``."""
    candidates = [tags.get("cpe", "")] + [
        tags[k] for k in sorted(tags, key=_cpe_order) if re.fullmatch(r"cpe-\d+", k)
    ]
    for value in candidates:
        value = value.split(" -> ")[0].strip()
        if value.startswith(("cpe:/o:", "cpe:2.3:o:")):
            return value
    return ""


def _cpe_order(key: str) -> int:
    digits = key.rsplit("-", 1)[-1]
    return int(digits) if digits.isdigit() else -1


def _when(tags: dict[str, str]) -> dt.datetime | None:
    for key in ("HOST_END_TIMESTAMP", "HOST_START_TIMESTAMP"):
        value = tags.get(key, "")
        if value.isdigit():
            return dt.datetime.fromtimestamp(int(value), dt.UTC).replace(tzinfo=None)
    for key in ("HOST_END", "HOST_START"):
        when = parse_when(tags.get(key))
        if when:
            return when
    return None


def _item(element: ET.Element, line: int) -> Finding:
    plugin = element.get("pluginID", "")
    name = element.get("pluginName", "")
    fields: dict[str, str] = {}
    cves: list[str] = []
    for child in element:  # one pass over the children (a few find() calls cost more)
        if child.tag == "cve":
            cve = (child.text or "").strip().upper()
            if cve.startswith("CVE-") and cve not in cves:
                cves.append(cve)
        elif child.tag in ITEM_FIELDS:
            fields[child.tag] = (child.text or "").strip()
    v3 = score(fields.get("cvss3_base_score"))
    v2 = score(fields.get("cvss_base_score"))
    patch = parse_when(fields.get("patch_publication_date"))
    unsupported = truthy(fields.get("unsupported_by_vendor")) or bool(UNSUPPORTED_NAME.search(name))
    severity = element.get("severity", "")
    return Finding(
        location=f"line {line}",
        ref=f"plugin {plugin}",
        title=name,
        cves=tuple(cves),
        cvss=v3 if v3 is not None else v2,
        cvss_version="3" if v3 is not None else ("2" if v2 is not None else ""),
        patch_date=patch.date() if patch else None,
        unsupported=unsupported,
        note="informational" if severity == "0" else "",
    )


def _item_verdicts(record: HostRecord) -> None:
    for f in record.findings:
        if f.unsupported:
            record.add_verdict(f"Nessus {f.ref} {f.title}".strip())
