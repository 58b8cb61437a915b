"""What a scanner file says about one host: plain records, the same for every format.

Each format reader (:mod:`flowmap.ingest.formats`) turns its file into
:class:`HostRecord` objects; matching and merging (:mod:`flowmap.ingest.match`,
:mod:`flowmap.ingest.merge`) never look at a file again. A record keeps where it came
from (file and line or element), so every change flowmap makes can be traced back.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import re
from dataclasses import dataclass, field

CVE = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)


@dataclass(slots=True)
class Finding:
    """One row of a scan: a plugin result, a CSV row, an NSE table, a Defender record.

    ``cves`` may be empty (an informational result); every row is kept so the import
    report can account for it.
    """

    location: str
    ref: str = ""  # plugin id, QID, NVT OID, product: what the scanner called the check
    title: str = ""
    cves: tuple[str, ...] = ()
    cvss: float | None = None
    cvss_version: str = ""  # "3", "2" or "" when the scanner does not say
    patch_date: dt.date | None = None
    unsupported: bool = False  # the scanner's own "out of support" verdict
    fixed: bool = False  # the scanner reports this row as fixed / no longer present
    note: str = ""  # why a row without CVEs was read (e.g. "informational")


@dataclass
class HostRecord:
    """One host as one scan saw it."""

    source: str  # file name
    format: str  # key in flowmap.ingest.detect.FORMATS
    location: str  # where the host is in the file: "line 12", "ReportHost 'pc1' (line 40)"
    ips: list[str] = field(default_factory=list)
    fqdns: list[str] = field(default_factory=list)
    hostnames: list[str] = field(default_factory=list)  # short names, NetBIOS names
    device_ids: list[str] = field(default_factory=list)  # the product's own id of the device
    os: str = ""
    os_cpe: str = ""
    os_note: str = ""  # why no OS was taken (e.g. nmap's several equally good guesses)
    device_type: str = ""  # the scanner's own words ("printer", "general-purpose")
    scanned_at: dt.datetime | None = None
    verdicts: list[str] = field(default_factory=list)  # unsupported OS/software evidence
    gives_verdicts: bool = True  # this kind of scan can say "unsupported"
    assessed: bool = True  # this scan looked for vulnerabilities on the host
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str = ""  # non-empty: the host is not imported, and why (e.g. "host down")
    order: int = 0  # position among all records read, for stable "newest wins" ties

    @property
    def label(self) -> str:
        """How the host is named in the report: its first FQDN, host name or IP."""
        for names in (self.fqdns, self.hostnames, self.ips):
            if names:
                return names[0]
        return "(no name)"

    def add_name(self, text: str | None) -> None:
        """File a name the scanner gave under IP, FQDN or short host name.

        >>> r = HostRecord("f", "nessus", "line 1")
        >>> for t in ("10.0.0.5", "PC1.example.org.", "WORKGROUP\\\\PC1", "pc1", "", "  "):
        ...     r.add_name(t)
        >>> r.ips, r.fqdns, r.hostnames
        (['10.0.0.5'], ['pc1.example.org'], ['pc1'])
        """
        text = (text or "").strip().rstrip(".")
        if not text:
            return
        address = normalise_ip(text)
        if address:
            _add(self.ips, address)
            return
        if "\\" in text:  # DOMAIN\NAME (Windows)
            text = text.rsplit("\\", 1)[1]
        text = text.lower()
        if not re.fullmatch(r"[a-z0-9_][a-z0-9_.\-]*", text) or re.fullmatch(r"[\d.]+", text):
            return  # not a host name (a malformed address is not a name either)
        if "." in text:
            _add(self.fqdns, text)
        else:
            _add(self.hostnames, text)

    def add_ip(self, text: str | None) -> None:
        """File an address; a malformed one is noted, not kept.

        >>> r = HostRecord("f", "gvm", "line 1")
        >>> r.add_ip("192.168.1.1001"); r.ips, r.notes
        ([], ["'192.168.1.1001' is not an IP address: not used to match"])
        """
        text = (text or "").strip()
        if not text:
            return
        address = normalise_ip(text)
        if address:
            _add(self.ips, address)
        else:
            self.notes.append(f"{text!r} is not an IP address: not used to match")

    def add_verdict(self, text: str) -> None:
        _add(self.verdicts, text)


def _add(items: list[str], value: str) -> None:
    if value and value not in items:
        items.append(value)


def normalise_ip(text: str) -> str:
    """The canonical text of an IP address, or "" when ``text`` is not one.

    >>> normalise_ip("010.0.0.1"), normalise_ip("FE80::0001"), normalise_ip("pc1")
    ('', 'fe80::1', '')
    >>> normalise_ip(" 10.0.0.1 ")
    '10.0.0.1'
    """
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return ""


def cves_in(text: str | None) -> tuple[str, ...]:
    """The CVE ids in a cell, upper-cased, in order, without repeats.

    >>> cves_in("CVE-2021-31192, cve-2021-31188,CVE-2021-31192")
    ('CVE-2021-31192', 'CVE-2021-31188')
    >>> cves_in("NOCVE"), cves_in(None)
    ((), ())
    """
    if not text:
        return ()
    return tuple(dict.fromkeys(m.upper() for m in CVE.findall(text)))


def score(text: str | None) -> float | None:
    """A CVSS score from a cell (``"8.1 (AV:N/...)"``, ``"7.5"``, ``"-"``), or None.

    >>> score("8.1 (AV:N/AC:H)"), score("10"), score("-"), score(""), score("11")
    (8.1, 10.0, None, None, None)
    """
    if not text:
        return None
    m = re.match(r"\s*(\d+(?:\.\d+)?)", text)
    if not m:
        return None
    value = float(m.group(1))
    return value if 0 <= value <= 10 else None


def truthy(text: str | None) -> bool:
    """A scanner's yes/no cell.

    >>> truthy("TRUE"), truthy("true"), truthy("Yes"), truthy("FALSE"), truthy(None)
    (True, True, True, False, False)
    """
    return (text or "").strip().lower() in ("true", "yes", "y", "1")


DATE_FORMATS = (
    "%Y/%m/%d",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%b %d, %Y %H:%M:%S UTC",
    "%b %d, %Y",
    "%a %b %d %H:%M:%S %Y",
    "%m/%d/%Y %H:%M:%S",
)


def parse_when(text: str | None, *formats: str) -> dt.datetime | None:
    """A scanner's date or time stamp, or None when it is not one of the known forms.

    >>> parse_when("2020/10/29"), parse_when("Feb 5, 2024 21:01:08 UTC")
    (datetime.datetime(2020, 10, 29, 0, 0), datetime.datetime(2024, 2, 5, 21, 1, 8))
    >>> parse_when("Mon Jul  1 11:40:48 2013"), parse_when("N/A")
    (datetime.datetime(2013, 7, 1, 11, 40, 48), None)
    >>> parse_when("2022-10-26T00:00:00.000Z"), parse_when("2025-08-22T16:55:31+02:00")
    (datetime.datetime(2022, 10, 26, 0, 0), datetime.datetime(2025, 8, 22, 14, 55, 31))
    """
    if not text:
        return None
    return _parse_when(text, formats)


@functools.lru_cache(maxsize=8192)
def _parse_when(text: str, formats: tuple[str, ...]) -> dt.datetime | None:
    """Parse one text, remembered (the same dates come back thousands of times)."""
    text = " ".join(text.split())
    text = re.sub(r"\.\d+(?=Z?$)", "", text)  # fractions of a second
    for fmt in formats or DATE_FORMATS:
        try:
            when = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if when.tzinfo is not None:  # compare every time stamp in UTC
            when = when.astimezone(dt.UTC).replace(tzinfo=None)
        return when
    return None
