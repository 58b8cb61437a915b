"""endoflife.date release names and labels, mapped onto flowmap's end-of-life table.

endoflife.date names a product's releases its own way: Windows 7 is ``7-sp1``, Windows
10 Enterprise LTSC 2019 is ``10-1809-e-lts``, Windows Server 2008 R2 is
``2008-r2-sp1``, SQL Server 2016 is ``13.0-sp3`` (the engine version and its last
service pack). flowmap's table names them as people write them (``7``,
``10-ltsc-2019``, ``2008-r2``, ``2016``), because the OS-name matcher
(:mod:`flowmap.reference.os_names`) produces those names from inventory text. This
module maps one onto the other, so a file downloaded from endoflife.date replaces the
bundled rows of the same release instead of sitting beside them unused.

Releases without a mapping keep endoflife.date's name (``11-24h2-e``, ``22.04``,
``7.0`` are already flowmap's). Service packs older than a product version's last one
keep their own rows (``2016-sp2``): only the last service pack of a version is
supported, so ``SQL Server 2016 SP2`` is matched to the older row.

Where a product's extended phase costs nothing (:data:`FREE_EXTENSIONS`: Debian LTS),
it is support, not a paid extension: the release is supported until that phase ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["FREE_EXTENSIONS", "PRODUCT_NAMES", "SUPERSEDED", "flowmap_cycles", "release_label"]

#: Products whose extended phase on endoflife.date (``eoes``) is free community support,
#: and what it is called. The release counts as supported until it ends.
FREE_EXTENSIONS: Mapping[str, str] = {"debian": "Debian LTS"}

#: Product keys under other names (aliases endoflife.date has used, or proposals not
#: yet merged) -> flowmap's key.
PRODUCT_ALIASES: Mapping[str, str] = {
    "vmware-esxi": "esxi",
    "vmware-vcenter": "vcenter",
    "pan-os": "panos",
    "red-hat-jboss-eap": "redhat-jboss-eap",
    "red-hat-satellite": "redhat-satellite",
    "citrix-adc": "netscaler-adc",
    "netscaler": "netscaler-adc",
}

#: endoflife.date products flowmap reads as another product (the same releases and
#: dates): they are left out of tables built from endoflife.date files.
SUPERSEDED: Mapping[str, str] = {
    "windows-server-core": "windows-server",
    "windows-nano-server": "windows-server",
}

#: How a product is named in labels (endoflife.date's own label when not listed).
PRODUCT_NAMES: Mapping[str, str] = {
    "windows": "Windows",
    "windows-server": "Windows Server",
    "windows-embedded": "Windows Embedded",
    "mssqlserver": "SQL Server",
    "msexchange": "Exchange Server",
    "sharepoint": "SharePoint Server",
    "office": "Microsoft Office",
    "ubuntu": "Ubuntu",
    "debian": "Debian",
    "rhel": "Red Hat Enterprise Linux",
    "centos": "CentOS Linux",
    "centos-stream": "CentOS Stream",
    "sles": "SUSE Linux Enterprise Server",
    "esxi": "VMware ESXi",
    "vcenter": "VMware vCenter Server",
    "panos": "PAN-OS",
    "fortios": "FortiOS",
    "cisco-ios-xe": "Cisco IOS XE",
    "cisco-ios": "Cisco IOS",
    "netscaler-adc": "NetScaler ADC",
    "citrix-vad": "Citrix Virtual Apps and Desktops",
    "macos": "macOS",
    "ios": "iOS",
    "ipados": "iPadOS",
    "android": "Android",
    "redhat-jboss-eap": "JBoss EAP",
    "redhat-satellite": "Red Hat Satellite",
    "veeam-backup-and-replication": "Veeam Backup & Replication",
}

# Windows 10/11 LTSB/LTSC editions: (major, release) -> year of the edition.
_LTSC_YEARS = {
    ("10", "1507"): "2015",
    ("10", "1607"): "2016",
    ("10", "1809"): "2019",
    ("10", "21h2"): "2021",
    ("11", "24h2"): "2024",
}
_WINDOWS_OLD = {"7-sp1": "7", "6-sp2": "vista", "5-sp3": "xp"}
_SERVER_OLD = {"2003-sp2": "2003", "2003-sp1": "2003-sp1", "2003": "2003-rtm"}
# SQL Server engine version -> marketing year.
_SQL_YEARS = {
    "17": "2025",
    "16": "2022",
    "15": "2019",
    "14": "2017",
    "13": "2016",
    "12": "2014",
    "11": "2012",
    "10.50": "2008-r2",
    "10": "2008",
    "9": "2005",
    "8": "2000",
    "7": "7.0",
    "6.50": "6.5",
    "6": "6.0",
}


def product_key(name: str) -> str:
    """flowmap's key for an endoflife.date product name.

    >>> product_key("vmware-esxi"), product_key("Ubuntu")
    ('esxi', 'ubuntu')
    """
    key = name.strip().lower()
    return PRODUCT_ALIASES.get(key, key)


def windows_ltsc_cycle(major: str, release: str, iot: bool) -> str | None:
    """flowmap's cycle of a Windows LTSB/LTSC edition, from its feature release.

    >>> windows_ltsc_cycle("10", "1809", False), windows_ltsc_cycle("11", "24h2", True)
    ('10-ltsc-2019', '11-iot-ltsc-2024')
    """
    year = _LTSC_YEARS.get((major, release))
    if year is None:
        return None
    kind = "ltsb" if year in ("2015", "2016") else "ltsc"
    return f"{major}-{'iot-' if iot else ''}{kind}-{year}"


def _windows(name: str) -> str:
    m = re.fullmatch(r"(10|11)-(\w+?)-(e|iot)-lts", name)
    if m:
        return windows_ltsc_cycle(m.group(1), m.group(2), m.group(3) == "iot") or name
    return _WINDOWS_OLD.get(name, name)


def _windows_server(name: str) -> str:
    if name in _SERVER_OLD:
        return _SERVER_OLD[name]
    m = re.fullmatch(r"(2008(?:-r2)?)-sp\d", name)
    if m:
        return m.group(1)
    m = re.fullmatch(r"(\w+)-(?:sac|ac)", name)
    return m.group(1) if m else name


def _sql_server(releases: list[tuple[str, str]]) -> dict[str, str]:
    """Engine-version names -> year names; the last service pack of a year is the year."""
    by_year: dict[str, list[tuple[str, str, str]]] = {}
    out: dict[str, str] = {}
    for name, eol in releases:
        m = re.fullmatch(r"(\d+)\.(\d+)(?:-(.+))?", name)
        if not m:
            out[name] = name
            continue
        minor = int(m.group(2))
        engine = f"{int(m.group(1))}.{minor}" if minor else str(int(m.group(1)))
        year = _SQL_YEARS.get(engine)
        if year is None:
            out[name] = name
            continue
        suffix = m.group(3) or "rtm"
        by_year.setdefault(year, []).append((name, suffix if suffix != "r2" else "rtm", eol))
    for year, items in by_year.items():
        last = max(items, key=lambda item: (item[2], -len(item[1])))
        for name, suffix, _ in items:
            out[name] = year if name == last[0] else f"{year}-{suffix}"
    return out


def flowmap_cycles(product: str, releases: Iterable[tuple[str, str]]) -> dict[str, str]:
    """flowmap's cycle for each endoflife.date release name of a product.

    Parameters
    ----------
    product : str
        flowmap's product key (see :func:`product_key`).
    releases : iterable of (str, str)
        ``(name, eol)``: each release's endoflife.date name (lower case) and its end of
        support as ISO text (empty when unknown); SQL Server's last service pack of a
        version is told by its date.

    Returns
    -------
    dict
        endoflife.date name -> flowmap cycle.

    Examples
    --------
    >>> flowmap_cycles("windows", [("7-sp1", ""), ("10-1809-e-lts", ""), ("11-24h2-w", "")])
    {'7-sp1': '7', '10-1809-e-lts': '10-ltsc-2019', '11-24h2-w': '11-24h2-w'}
    >>> flowmap_cycles("windows-server", [("2008-r2-sp1", ""), ("1809-sac", "")])
    {'2008-r2-sp1': '2008-r2', '1809-sac': '1809'}
    >>> flowmap_cycles("mssqlserver", [("13.0-sp3", "2026-07-14"), ("13.0-sp2", "2022-10-11"),
    ...                                ("13.0", "2018-01-09"), ("10.50-sp3", "2019-07-09")])
    {'13.0-sp3': '2016', '13.0-sp2': '2016-sp2', '13.0': '2016-rtm', '10.50-sp3': '2008-r2'}
    """
    releases = list(releases)
    if product == "mssqlserver":
        return _sql_server(releases)
    convert = {
        "windows": _windows,
        "windows-server": _windows_server,
        "windows-embedded": lambda n: "standard-7" if n == "standard-7-sp1" else n,
    }.get(product, lambda n: n)
    return {name: convert(name) for name, _ in releases}


def release_label(product: str, product_label: str, cycle: str, label: str) -> str:
    """A release's label for reports: the product's name, then the release.

    Parameters
    ----------
    product : str
        flowmap's product key.
    product_label : str
        endoflife.date's name of the product (``Microsoft Windows``).
    cycle : str
        flowmap's cycle (see :func:`flowmap_cycles`).
    label : str
        endoflife.date's label of the release (``11 24H2 (E)``).

    Examples
    --------
    >>> release_label("windows", "Microsoft Windows", "11-24h2-e", "11 24H2 (E)")
    'Windows 11 24H2 (Enterprise/Education)'
    >>> release_label("windows", "Microsoft Windows", "10-ltsc-2019", "10 1809 (E) (LTS)")
    'Windows 10 Enterprise LTSC 2019'
    >>> release_label("ubuntu", "Ubuntu", "22.04", "22.04 'Jammy Jellyfish' (LTS)")
    'Ubuntu 22.04 LTS (Jammy Jellyfish)'
    >>> release_label("macos", "Apple macOS", "14", "macOS 14 (Sonoma)")
    'macOS 14 (Sonoma)'
    >>> release_label("rhel", "Red Hat Enterprise Linux", "7", "7 (ELS)")
    'Red Hat Enterprise Linux 7'
    """
    name = PRODUCT_NAMES.get(product, product_label.strip() or product)
    m = re.fullmatch(r"(10|11)-(iot-)?(ltsb|ltsc)-(\d{4})", cycle)
    if product == "windows" and m:
        iot = "IoT " if m.group(2) else ""
        return f"Windows {m.group(1)} {iot}Enterprise {m.group(3).upper()} {m.group(4)}"
    text = label.strip()
    lts = bool(re.search(r"\(LTS\)", text))
    text = re.sub(r"\s*\((?:LTS|LTSC|ELS|Upcoming ELS)\)", "", text)
    text = re.sub(r"'([^']+)'", r"(\1)", text)
    text = text.replace("(E)", "(Enterprise/Education)").replace("(W)", "(Home/Pro)")
    text = re.sub(r"\s+(?:CU|SU|UR)\d+\b", "", text)  # the latest update, not the release
    if lts and product == "ubuntu":
        text = re.sub(r"^(\S+)", r"\1 LTS", text)
    words = {w.lower() for w in re.findall(r"[A-Za-z][\w-]+", name + " " + product_label)}
    first = text.split(" ", 1)[0].lower()
    named = first in words or re.match(r"(?:mac )?os x\b", text.lower())
    return " ".join((text if named else f"{name} {text}").split())
