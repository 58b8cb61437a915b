"""Which systems run a product: matched on ``os`` and ``software`` with the end-of-life matcher.

A product alert (``flowmap alert --product``, or the vendor and product of a KEV entry) is
matched against each system's ``os`` and each item of its ``software`` list, with the same
care as end-of-life matching:

1. The end-of-life matcher (:meth:`flowmap.reference.eol.EolTable.match`) reads the
   product and each system's text. When both are products it knows, they match only when
   they are the same product (``Windows Server 2012 R2`` is never ``Windows 10``; a release
   named in the alert must be the system's release).
2. Otherwise the product's name must appear in the text as whole words, in order
   (``PAN-OS`` matches ``PAN-OS 10.2``, never ``SPAN-OS`` nor ``PAN-OSX``); a product named with
   an edition (``NetScaler ADC``) also matches its family followed by a version
   (``NetScaler 13.1``). A text that begins with another vendor's name is refused (a
   ``Cisco IOS`` alert never matches ``Apple iOS 17``).
3. A version range (:class:`~flowmap.engine.alert.versions.VersionRange`) is checked
   against the version written after the product's name, compared number by number.

Each system then gets a verdict: ``affected``, ``not affected`` (its OS is another
product, its software list does not hold it, or its version is outside the range) or
``cannot tell`` (what it runs is not recorded, or the product is named without a version
while a range is asked for). Unknown is never safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from flowmap.engine.alert.versions import VersionRange, find_version
from flowmap.reference import os_names
from flowmap.reference.eol import EolTable

__all__ = ["AFFECTED", "CANNOT_TELL", "NOT_AFFECTED", "ProductQuery", "match_systems"]

AFFECTED, NOT_AFFECTED, CANNOT_TELL = "affected", "not affected", "cannot tell"
#: System kinds that run no software (a paper store is never affected by a cyber alert).
NO_SOFTWARE_KINDS = frozenset({"paper_store"})
#: OS text that records nothing.
UNKNOWN_WORDS = frozenset(
    {"", "unknown", "not known", "n/a", "na", "tbc", "tbd", "other", "-", "?"}
)
#: Products of the end-of-life table that are operating systems (when the reference data
#: does not say so itself).
_OS_FALLBACK = frozenset(
    {"windows", "windows-server", "windows-embedded", "ubuntu", "rhel", "centos",
     "centos-stream", "debian"}
)  # fmt: skip
#: A product key and the keys an alert naming it without a release also covers.
FAMILIES = {"windows": frozenset({"windows", "windows-server", "windows-embedded"})}
#: Microsoft products in the KEV catalogue that are parts of Windows itself: an entry
#: naming one concerns Windows (every release, client and server: the catalogue does not
#: say which).
WINDOWS_PARTS = frozenset(
    s.lower()
    for s in (
        "Win32k", "SMBv1", "SMBv1 server", "SMBv3", "Netlogon", "Remote Desktop Services",
        "ATM Font Driver", "Ancillary Function Driver (afd.sys)", "Active Directory",
        "Client-Server Run-time Subsystem (CSRSS)", "DWM Core Library", "Graphics Component",
        "DirectX Graphics Kernel (DXGKRNL)", "Enhanced Cryptographic Provider",
        "Graphics Device Interface (GDI)", "HTTP Protocol Stack", "HTTP.sys", "MSHTML",
        "Kerberos Key Distribution Center (KDC)", "Task Scheduler", "WinVerifyTrust function",
        "SmartScreen Prompt", "Streaming Service", "Streaming Service Proxy", "Internet Explorer",
        "Update Notification Manager", "XML Core Services", "Hyper-V RemoteFX",
        "Common Log File System (CLFS)", "Input Method Editor (IME) Japanese",
    )
)  # fmt: skip
#: The package names software inventories (SBOMs, dependency scanners) list a KEV product
#: under, by the product as the catalogue writes it: the component the vulnerability is in.
#: Log4Shell (CVE-2021-44228, CVE-2021-45046) is in ``log4j-core``, not ``log4j-api``
#: (Apache Log4j security page); Struts 2's RCEs are in ``struts2-core``.
PACKAGES: dict[str, tuple[str, ...]] = {
    "log4j2": ("log4j-core",),
    "struts": ("struts2-core",),
    "struts 2": ("struts2-core",),
}
#: An end-of-life match reason saying the text does not say which release it is (an
#: edition left open does not matter here: editions share their fixes).
_SEVERAL = re.compile(r"without a (?:release|version)|assumed")


def _release(cycle: str | None) -> str | None:
    """A release without its edition: ``10-21h2-e`` and ``10-21h2-w`` are ``10-21h2``.

    >>> _release("10-21h2-e"), _release("2012-r2"), _release(None)
    ('10-21h2', '2012-r2', None)
    """
    return None if cycle is None else re.sub(r"-[ew]$", "", cycle)


#: Words too common to name a product family on their own (``Windows 10`` is not
#: ``Windows Defender``).
GENERIC_WORDS = frozenset(
    {"windows", "microsoft", "apple", "google", "linux", "server", "apache", "oracle", "cisco",
     "ibm", "sap", "adobe", "internet", "office", "mozilla", "web", "multiple", "products"}
)  # fmt: skip
#: Vendors whose name at the start of a text says whose product it is.
KNOWN_VENDORS = frozenset(
    {"apple", "cisco", "microsoft", "citrix", "fortinet", "ivanti", "vmware", "oracle",
     "google", "adobe", "apache", "progress", "sonicwall", "juniper", "zyxel", "f5",
     "atlassian", "sophos", "synology", "qnap", "netgear", "d-link", "tp-link", "samsung",
     "android", "mozilla", "ibm", "sap", "red", "canonical", "palo"}
)  # fmt: skip


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:\.[a-z0-9]+)*", str(text).lower())


def _find(words: list[str], seq: list[str]) -> int:
    """Index just after the first run of ``seq`` in ``words`` (-1 when absent).

    A final number in ``seq`` also matches a version it begins (``log4j 2`` in
    ``log4j 2.14.1``); the index is then that version's, so it is read as the version.

    >>> _find(["apache", "log4j", "2.14.1"], ["log4j", "2"])
    2
    >>> _find(["pan", "os", "10.2"], ["pan", "os"]), _find(["span", "os"], ["pan", "os"])
    (2, -1)
    """
    n = len(seq)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == seq:
            return i + n
        last = seq[-1]
        if (
            n > 1
            and last.isdigit()
            and words[i : i + n - 1] == seq[:-1]
            and words[i + n - 1].startswith(last + ".")
        ):
            return i + n - 1
    return -1


def _aliases(product: str) -> list[str]:
    """The names a product is written under: ``iOS, iPadOS, and macOS`` is three;
    ``Adaptive Security Appliance (ASA)`` is the name and its abbreviation."""
    names: list[str] = []
    for part in re.split(r",|\band\b|/", product):
        inner = re.findall(r"\(([^)]*)\)", part)
        outer = re.sub(r"\([^)]*\)", " ", part).strip()
        names += [n.strip() for n in (outer, *inner) if n.strip()]
    return list(dict.fromkeys(names))


@dataclass(frozen=True)
class ProductQuery:
    """A product an alert concerns.

    Parameters
    ----------
    product : str
        Its name, as the alert writes it (``Citrix NetScaler ADC``, ``Windows Server 2012
        R2``, ``MOVEit Transfer``).
    vendor : str
        The vendor, when given separately (a KEV entry's ``vendorProject``).
    versions : VersionRange, optional
        The versions affected; None: every version.

    Examples
    --------
    >>> from flowmap.reference.bundle import bundled_eol
    >>> q = ProductQuery("Windows Server 2012 R2")
    >>> q.matches("Win 2012 R2", bundled_eol())[0], q.matches("Windows 10 22H2", bundled_eol())[0]
    (True, False)
    >>> ProductQuery("IOS XE", vendor="Cisco").matches("Apple iOS 17", bundled_eol())[0]
    False
    """

    product: str
    vendor: str = ""
    versions: VersionRange | None = None
    vendors: frozenset[str] = field(default=KNOWN_VENDORS, repr=False)

    @property
    def label(self) -> str:
        text = self.product
        if self.vendor and not self.product.lower().startswith(self.vendor.lower()):
            text = f"{self.vendor} {self.product}"
        return text + (f" {self.versions}" if self.versions else "")

    def resolved(self, eol: EolTable) -> tuple[frozenset[str], str | None]:
        """The end-of-life products this names and the release it names, if one."""
        vendor, product = self.vendor.strip().lower(), self.product.strip()
        if vendor == "microsoft" and (
            product.lower() in WINDOWS_PARTS or product.lower().startswith("windows")
        ):
            return FAMILIES["windows"], None
        for text in (product, f"{self.vendor} {product}".strip()):
            m = eol.match(text)
            if m.product:
                if m.cycle and m.recognised and not _SEVERAL.search(m.reason or ""):
                    return frozenset({m.product}), _release(m.cycle)
                return FAMILIES.get(m.product, frozenset({m.product})), None
        return frozenset(), None

    def is_os(self, eol: EolTable) -> bool:
        """The product is an operating system (matched on ``os`` alone)."""
        keys, _ = self.resolved(eol)
        os_keys = getattr(os_names, "OS_PRODUCTS", _OS_FALLBACK)
        return bool(keys) and keys <= os_keys

    def matches(self, text: str, eol: EolTable) -> tuple[bool | None, str | None]:
        """Whether ``text`` (an ``os`` or a ``software`` item) names this product, and the
        version written after the name (None when none is written).

        None instead of a bool: the text names the product but not which release, while
        the alert names one (``Windows 10`` for a ``Windows 10 21H2`` alert).
        """
        keys, cycle = self.resolved(eol)
        item = eol.match(text) if keys else None
        if keys and item is not None and item.product:
            if item.product not in keys:
                return False, None
            if _SEVERAL.search(item.reason or "") and cycle is not None:
                return None, None
            if cycle is None or _release(item.cycle) == cycle:
                return True, find_version(text)
            return False, None
        words = _words(text)
        other_vendor = words and words[0] in self.vendors and words[0] not in _words(self.vendor)
        if self.vendor and other_vendor:
            return False, None
        names = [(a, True) for a in self._alias_words]
        names += [(_words(p), False) for p in PACKAGES.get(" ".join(_words(self.product)), ())]
        for alias, is_name in names:
            end = _find(words, alias)
            # "NetScaler ADC" is also "NetScaler 13.1"; but not a package ("log4j-core" is
            # not "log4j"), and a final number is a major version ("Log4j 2"): "Log4j
            # 1.2.17" is another generation, not this product
            if (
                end < 0
                and is_name
                and len(alias) > 1
                and alias[0] not in GENERIC_WORDS
                and not alias[-1].isdigit()
            ):
                family = alias[:-1]
                at = _find(words, family)
                if at >= 0 and at < len(words) and find_version(words[at]) == words[at]:
                    end = at
            if end >= 0:
                return True, find_version(" ".join(words[end:]))
        return False, None

    @cached_property
    def _alias_words(self) -> list[list[str]]:
        vendor = _words(self.vendor)
        out = []
        for alias in _aliases(self.product):
            w = _words(alias)
            if vendor and w[: len(vendor)] == vendor and len(w) > len(vendor):
                w = w[len(vendor) :]  # "Cisco IOS XE" is "IOS XE" by Cisco
            if w:
                out.append(w)
            # "Log4j2" is also written "Log4j 2": a number glued to a name's end
            glued = [re.fullmatch(r"([a-z][a-z0-9]*?[a-z])(\d+)", t) for t in w]
            if w and glued[-1]:
                out.append([*w[:-1], glued[-1].group(1), glued[-1].group(2)])
        return out


def match_systems(systems: pd.DataFrame, query: ProductQuery, eol: EolTable) -> pd.DataFrame:
    """Each system's verdict for a product.

    Parameters
    ----------
    systems : DataFrame
        The inventory's systems (``system_id``, ``kind``, ``os``, ``software``).
    query : ProductQuery
    eol : EolTable
        The analysis's end-of-life table.

    Returns
    -------
    DataFrame
        ``system_id``, ``verdict`` (affected / not affected / cannot tell), ``evidence``
        (what was read, in words) and ``version`` (the version found, or ''), indexed
        like ``systems``; paper stores are left out.

    Examples
    --------
    >>> import flowmap
    >>> from flowmap.reference.bundle import bundled_eol
    >>> s = flowmap.load_inventory("inventories/sample").systems
    >>> v = match_systems(s, ProductQuery("MOVEit Transfer",
    ...     versions=VersionRange.parse("<2023.0.2")), bundled_eol())
    >>> v.loc[v["verdict"] == "affected", "system_id"].tolist()
    ['RXA-MFT-01']
    """
    software = systems["software"] if "software" in systems else pd.Series([()] * len(systems))
    cache: dict[str, tuple[bool | None, str | None]] = {}

    def look(text: str) -> tuple[bool | None, str | None]:
        if text not in cache:
            cache[text] = query.matches(text, eol)
        return cache[text]

    os_text = systems["os"].fillna("").astype(str).str.strip()
    known_os = ~os_text.str.lower().isin(UNKNOWN_WORDS)
    os_hits = [look(t) if k else (False, None) for t, k in zip(os_text, known_os)]
    # a product some system records as its OS is an operating system or firmware
    os_like = query.is_os(eol) or any(hit is not False for hit, _ in os_hits)
    rows = []
    for sid, kind, text, known, hit, items in zip(
        systems["system_id"], systems["kind"], os_text, known_os, os_hits, software
    ):
        if kind in NO_SOFTWARE_KINDS:
            continue
        items = tuple(items) if isinstance(items, tuple | list) else ()
        found = [("OS", text, *hit)] if hit[0] is not False else []
        if not os_like or not found:
            found += [("software", s, *look(s)) for s in items if look(s)[0] is not False]
        rows.append((sid, *_verdict(found, query.versions, text, known, items, os_like)))
    out = pd.DataFrame(rows, columns=["system_id", "verdict", "evidence", "version"])
    return out


def _verdict(
    found: list[tuple[str, str, bool | None, str | None]],
    versions: VersionRange | None,
    os_text: str,
    known_os: bool,
    software: tuple[str, ...],
    os_like: bool,
) -> tuple[str, str, str]:
    unsure = [f for f in found if f[2] is None]
    found = [f for f in found if f[2] is True]
    if unsure and not found:
        where, text = unsure[0][:2]
        return CANNOT_TELL, f"{where} '{text}' names the product but not which release", ""
    if found:
        where, text, _, version = found[0]
        said = f"{where} '{text}'"
        if versions is None:
            return AFFECTED, f"{said} names the product", version or ""
        in_range = [f for f in found if f[3] and versions.contains(f[3])]
        if in_range:
            where, text, _, version = in_range[0]
            return AFFECTED, f"{where} '{text}': version {version} is in {versions}", version
        unversioned = [f for f in found if not f[3]]
        if unversioned:
            where, text = unversioned[0][:2]
            return CANNOT_TELL, f"{where} '{text}' names the product but no version", ""
        return NOT_AFFECTED, f"{said}: version {version} is outside {versions}", version or ""
    if os_like:
        if not known_os:
            return CANNOT_TELL, "OS not recorded", ""
        return NOT_AFFECTED, f"OS '{os_text}' is another product", ""
    if not software:
        return CANNOT_TELL, "software not recorded", ""
    return NOT_AFFECTED, f"software list ({len(software)} items) does not name it", ""
