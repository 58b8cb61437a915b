"""The software-name matcher measured on real strings (issue 12, item 3).

The corpus is text that tools and vendors wrote, not us (``tests/data/README.md`` gives
each source and licence):

* ``tests/data/os_strings/captions.csv``: 655 strings from Active Directory, WMI,
  Defender, agents, scanners (Nessus, Qualys, Nexpose, OpenVAS), SSH and device banners,
  ``/etc/os-release`` files, CPEs and vendor build tables, each paired (where its source
  pairs it) with a version field, which is appended as a tool writing one column would;
* ``tests/data/os_strings/nmap_os_db_classes.tsv``: every fingerprint name of nmap's OS
  database (5,678), with the class lines nmap's maintainers gave each.

**How each expectation was derived (not by running the matcher).** Each string gets the
products it may name (``products``; empty when it names nothing flowmap can judge), a
kind (``os``, ``app`` or ``none``) and a status as of :data:`AS_OF` without any paid
extension: ``eol`` when every release it may mean is past the end of its free support,
``supported`` when every one is supported, ``unknown`` when the text does not say (no
product, no release, or releases that disagree). For nmap's fingerprints the label comes
from nmap's own class lines (:func:`nmap_label`); for the other strings from the rules in
:data:`RULES`, first match wins, each with the vendor dates it rests on. Dates are the
vendors' (as endoflife.date recorded them at commit a70eca33, 2026-08-22, or as cited).
Every string must meet a rule: an unlabelled one fails the test.

**What is measured** (:func:`measure`): false EOL claims (the matcher says ``eol`` where
the label does not), non-OS products claimed as an operating system, recall on the
in-scope families (Windows, Windows Server, SQL Server, Ubuntu, RHEL, CentOS, Debian:
strings whose label is ``eol`` or ``supported`` and that the matcher gives the right
status and product) and precision (of the matcher's ``eol``/``supported`` claims, the
share with the right status and product). Targets (issue 12): 0, 0, >= 95%.

Reproduce the figures in docs/reference-data.md::

    .venv/bin/python -m tests.test_os_corpus
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from flowmap.reference import EolTable
from flowmap.reference.os_names import OS_PRODUCTS

DATA = Path(__file__).parent / "data" / "os_strings"
AS_OF = dt.date(2026, 11, 30)
IN_SCOPE = frozenset(
    {"windows", "windows-server", "windows-embedded", "mssqlserver", "ubuntu", "rhel",
     "centos", "centos-stream", "debian"}
)  # fmt: skip
WINDOWS = frozenset({"windows", "windows-server", "windows-embedded"})


@dataclass(frozen=True)
class Label:
    """What a string means, written down from the rules, not from the matcher."""

    products: frozenset[str]
    status: str  # eol | supported | unknown
    kind: str  # os | app | none
    rule: str


def L(products: str | set[str], status: str, kind: str = "os", rule: str = "") -> Label:  # noqa: N802
    names = {products} if isinstance(products, str) else set(products)
    return Label(frozenset(n for n in names if n), status, kind, rule)


NONE = L(set(), "unknown", "none")

# ---------------------------------------------------------------------------------------
# Rules for captions.csv, first match wins. (pattern over the string as evaluated, label,
# how the label was derived.) Statuses are as of 2026-11-30 without paid extensions.
# ---------------------------------------------------------------------------------------

_RULES: list[tuple[str, Label, str]] = [
    # -- forms that name no operating system -------------------------------------------
    (
        r"^SSH-2\.0-OpenSSH_\S+ Debian-10\+deb10u\d",
        L("debian", "eol"),
        "OpenSSH package revision +deb10u: Debian 10 (LTS ended 2024-06-30)",
    ),
    (
        r"^SSH-2\.0-OpenSSH_\S+ Debian-\d+etch\d",
        L("debian", "eol"),
        "package revision 'etch': Debian 4 (ended 2010-02-15)",
    ),
    (
        r"^SSH-2\.0-OpenSSH_\S+ (Debian|Ubuntu)-\d+(ubuntu[\d.]+)?$",
        L({"debian", "ubuntu"}, "unknown"),
        "the revision names the distribution, not its release",
    ),
    (r"^SSH-2\.0-", NONE, "an SSH banner without a distribution names only the SSH server"),
    (r"^cpe:/o:linux:linux_kernel", NONE, "the kernel CPE names no distribution"),
    (r"^cpe:(/|2\.3:)h:", NONE, "hardware CPE"),
    (
        r"^(Linux( Kernel)?( 2\.[x0-9].*)?|UNIX|VMS|embedded|FreeBSD.*|OpenBSD|Arch Linux.*)$",
        NONE,
        "a kernel or an OS flowmap holds no dates for",
    ),
    (
        r"Amazon Linux|amazon:|Fedora|fedoraproject|CoreOS|Deepin|EuroLinux|eurolinux|Flatcar"
        r"|flatcar"
        r"|Kali|KDE neon|Kylin|Linux Mint|MIRACLE|openEuler|openSUSE|opensuse|Pardus|Parrot|Pop!_OS"
        r"|Source Mage|Solaris|solaris|SteamOS|TencentOS|tencentos|UnionTech|Virtuozzo|openvms"
        r"|^stretch/sid$|^10\.7$|Tiny Core|Big-IP|^Linux 2\.x",
        NONE,
        "distributions and systems not in flowmap's table (and bare version files)",
    ),
    (
        r"^(Arista|Product version Check Point|Junos|model: PA-VM|sw-version:|system: +version)",
        NONE,
        "device banners of products flowmap holds no dates for (or a version with no product)",
    ),
    (
        r"Cisco Adaptive Security|CISCO PIX|cisco:pix|Nexus Operating System|IOS XR|ios_xr",
        L({"cisco-asa", "cisco-pix", "cisco-nx-os", "cisco-ios-xr"}, "unknown"),
        "Cisco ASA, PIX, NX-OS and IOS XR: systems with no dates in the table",
    ),
    # -- Cisco IOS and IOS XE ------------------------------------------------------------
    (r"IOS XE Software, Version 16\.12", L("cisco-ios-xe", "eol"), "IOS XE 16.12 ended 2023-07-31"),
    (
        r"IOS XE Software, Version (16\.09|V169)",
        L("cisco-ios-xe", "unknown"),
        "IOS XE 16.9 is not in the table",
    ),
    (r"IOS-XE Software", L("cisco-ios-xe", "unknown"), "IOS XE 3.x: not in the table"),
    (r"^Cisco IOS Software", L("cisco-ios", "unknown"), "classic IOS: no dates in the table"),
    # -- FortiOS ---------------------------------------------------------------------------
    (
        r"FortiGate-\S+ v(6\.0|6\.2|7\.0)\.",
        L("fortios", "eol"),
        "FortiOS 6.0/6.2/7.0 ended 2022-09-29/2023-09-28/2025-09-30",
    ),
    (r"FortiGate-\S+ v7\.4\.", L("fortios", "supported"), "FortiOS 7.4 supported to 2028-11-11"),
    # -- CPE identifiers without a version: the product, not its release --------------------
    (r"^cpe:(/|2\.3:)o:microsoft:windows$", L("windows", "unknown"), "Windows, no release"),
    (
        r"^cpe:(/|2\.3:)o:centos:centos$",
        L("centos", "eol"),
        "CentOS Linux without a version: every release ended (the last, 7, on 2024-06-30)",
    ),
    (
        r"^cpe:(/|2\.3:)o:(almalinux:almalinux|rocky:rocky)$",
        L({"almalinux", "rocky-linux"}, "supported"),
        "AlmaLinux/Rocky without a version: every release (8-10) supported to 2029 or later",
    ),
    (
        r"^cpe:(/|2\.3:)o:(centos:stream|debian:debian_linux"
        r"|oracle:linux|redhat:enterprise_linux|suse:sles|canonical:ubuntu_linux"
        r"|google:android|vmware:esxi|fortinet:fortios|apple:macos)$",
        L(
            {
                "centos-stream",
                "debian",
                "oracle-linux",
                "rhel",
                "sles",
                "ubuntu",
                "android",
                "esxi",
                "fortios",
                "macos",
            },
            "unknown",
        ),
        "an OS CPE without a version, whose releases disagree",
    ),
    (
        r"^cpe:(/|2\.3:)a:(microsoft:\.net|eclipse:temurin|mariadb:mariadb|microsoft:exchange_server"
        r"|microsoft:sql_server|oracle:mysql|microsoft:office|oracle:openjdk|oracle:jdk|oracle:jre"
        r"|oracle:java_se|php:php|postgresql:postgresql|apache:tomcat|vmware:vcenter_server)$",
        L(
            {
                "dotnet",
                "eclipse-temurin",
                "mariadb",
                "msexchange",
                "mssqlserver",
                "mysql",
                "office",
                "openjdk",
                "oracle-jdk",
                "php",
                "postgresql",
                "tomcat",
                "vcenter",
            },
            "unknown",
            "app",
        ),
        "an application CPE without a version",
    ),
    # -- CPE identifiers with a version ------------------------------------------------------
    (
        r"^cpe:/o:microsoft:windows_server_20(08|12):r2",
        L("windows-server", "eol"),
        "Windows Server 2008 R2 / 2012 R2: ended 2020-01-14 / 2023-10-10",
    ),
    (r"^cpe:/o:centos:centos:[5-8]$", L("centos", "eol"), "CentOS Linux 5-8 all ended"),
    (
        r"^cpe:/o:canonical:ubuntu_linux:(8\.04|16\.04|18\.04|20\.04|20\.10|22\.10)",
        L("ubuntu", "eol"),
        "standard support of these releases ended (ESM is paid)",
    ),
    (r"^cpe:/o:canonical:ubuntu_linux:22\.04", L("ubuntu", "supported"), "22.04: to 2027-04-01"),
    (
        r"^cpe:/o:(alma:linux|almalinux:almalinux):8",
        L("almalinux", "supported"),
        "AlmaLinux 8: 2029-05-31",
    ),
    (r"^cpe:/o:rocky:rocky:8", L("rocky-linux", "supported"), "Rocky Linux 8: 2029-05-31"),
    (r"^cpe:/o:redhat:enterprise_linux:7", L("rhel", "eol"), "RHEL 7 maintenance ended 2024-06-30"),
    (r"^cpe:/o:apple:mac_os_x:10\.0", L("macos", "eol"), "Mac OS X 10.0 ended 2001-06-22"),
    # -- Windows named by version number alone (AD operatingSystemVersion, WMI Version) -----
    (
        r"^10\.0[ .(]+(22631|22621|22000)\)?$",
        L("windows", "eol"),
        "Windows 11 21H2/22H2/23H2: both editions ended by 2026-11-10",
    ),
    (r"^10\.0[ .(]+26200\)?$", L("windows", "supported"), "Windows 11 25H2: to 2027-10-12 (W)"),
    (
        r"^10\.0[ .(]+(26100|19044|17763|14393)\)?$",
        L({"windows", "windows-server"}, "unknown"),
        "shared by a release past support and a supported LTSC or Server release",
    ),
    (
        r"^10\.0[ .(]+20348\)?$",
        L("windows-server", "supported"),
        "Windows Server 2022: to 2031-10-14",
    ),
    (
        r"^10\.0[ .(]+(19045|19043|19042|19041|18363|18362|17134|16299|15063|10586|10240)\)?$",
        L({"windows", "windows-server"}, "eol"),
        "Windows 10 1507-22H2 (and the SAC servers of the same build) all ended by 2025-10-14",
    ),
    (
        r"^(6\.3|6\.1|5\.2)[ .(]+(9600|7601|3790)\)?$",
        L({"windows", "windows-server"}, "eol"),
        "8.1/2012 R2, 7/2008 R2, XP/2003: all ended",
    ),
    # -- Exchange, SQL Server -------------------------------------------------------------
    (
        r"^Version 15\.[12] \(Build",
        L("msexchange", "eol"),
        "Exchange 2016/2019 builds: support ended 2025-10-14",
    ),
    (r"^Exchange Server SE", L("msexchange", "supported"), "Exchange SE: no end announced"),
    (
        r"^Exchange Server 20(07|10|13|16|19)",
        L("msexchange", "eol"),
        "Exchange 2007-2019: all ended (2016/2019 on 2025-10-14)",
    ),
    (
        r"^SQL Server 20(05|08|12|14|16)\b",
        L("mssqlserver", "eol", "app"),
        "SQL Server 2005-2016: ended (2016 on 2026-07-14)",
    ),
    (
        r"^SQL Server 20(17|19|22|25)\b",
        L("mssqlserver", "supported", "app"),
        "SQL Server 2017+: supported (2017 to 2027-10-12)",
    ),
    (
        r"^Microsoft SQL Server 2014 .* on Windows NT 6\.3",
        L({"mssqlserver", "windows", "windows-server"}, "eol"),
        "SQL Server 2014 (ended 2024-07-09) on Windows NT 6.3 (8.1/2012 R2, ended)",
    ),
    # -- Windows client ---------------------------------------------------------------------
    (
        r"Windows 10 (Enterprise 2016 LTSB|企业版 2016 长期服务版)",
        L("windows", "eol"),
        "Windows 10 LTSB 2016 ended 2026-10-13",
    ),
    (
        r"Windows 10 Enterprise LTSC$",
        L("windows", "unknown"),
        "LTSC without its year: 2019/2021 supported, 2015/2016 ended",
    ),
    (
        r"^(Microsoft )?Windows ?10\b",
        L("windows", "eol"),
        "Windows 10 general-availability releases all ended by 2025-10-14",
    ),
    (
        r"^Windows 11 Enterprise 10\.0 \(26100\)",
        L("windows", "supported"),
        "24H2 Enterprise supported to 2027-10-12",
    ),
    (r"^Windows11 23H2", L("windows", "eol"), "23H2: E ended 2026-11-10, W 2025-11-11"),
    (r"^Windows11$", L("windows", "unknown"), "Windows 11 without a release"),
    (
        r"Windows (Vista|7|XP|2000|NT|98|95|Me)\b",
        L({"windows", "windows-server"}, "eol"),
        "Windows 7 and older: all ended",
    ),
    (r"^Windows$", L("windows", "unknown"), "Windows without a version"),
    # -- Windows Server -----------------------------------------------------------------------
    (
        r"^Microsoft Windows Server (Standard|Datacenter)$",
        L("windows-server", "unknown"),
        "WMI caption without the year (Server Core 2016/2019)",
    ),
    (
        r"Windows (Server )?20(03|08|12)\b|Windows 2008 R2/7",
        L({"windows-server", "windows"}, "eol"),
        "Windows Server 2003-2012 R2: all ended (2012 R2 ESU ended 2026-10-13)",
    ),
    (
        r"Windows Server 20(16|19|22|25)\b",
        L("windows-server", "supported"),
        "Windows Server 2016+: supported (2016 to 2027-01-12)",
    ),
    # -- Linux -------------------------------------------------------------------------------
    (
        r"^Ubuntu( 20\.04\.1| 16\.04| 18\.04| 10\.04| 12\.04| 14\.04| 20\.04| 11)\b",
        L("ubuntu", "eol"),
        "standard support of these Ubuntu releases ended (ESM is paid)",
    ),
    (r"^Ubuntu( 22\.04)", L("ubuntu", "supported"), "Ubuntu 22.04: to 2027-04-01"),
    (r"^Ubuntu$", L("ubuntu", "unknown"), "Ubuntu without a version"),
    (r"^Debian Bookworm", L("debian", "supported"), "Debian 12: Debian LTS to 2028-06-30 (free)"),
    (r"^Debian( GNU/Linux)? (7|10|11)\b", L("debian", "eol"), "Debian 7/10/11: LTS ended"),
    (
        r"^Debian GNU/Linux stretch/sid",
        L("debian", "eol"),
        "the testing line before Debian 9 (9 ended 2022-07-01)",
    ),
    (
        r"^Redhat 7\.9|Red Hat Enterprise Linux Server (release )?[67]\.",
        L("rhel", "eol"),
        "RHEL 6/7: maintenance ended (ELS is paid)",
    ),
    (r"^CentOS Stream (release )?8", L("centos-stream", "eol"), "CentOS Stream 8 ended 2024-05-31"),
    (r"^Cent[Oo][Ss]( Linux)?( release)? [5-8]", L("centos", "eol"), "CentOS Linux 5-8: all ended"),
    (
        r"^(AlmaLinux|Rocky Linux).* 8\.3",
        L({"almalinux", "rocky-linux"}, "supported"),
        "AlmaLinux/Rocky 8: to 2029-05-31",
    ),
    (r"^SLES 15-SP5", L("sles", "eol"), "SLES 15 SP5 general support ended 2024-12-31 (LTSS paid)"),
    (r"^SUSE Linux Enterprise Server 11", L("sles", "eol"), "every SLES 11 service pack ended"),
    # -- Apple, VMware ----------------------------------------------------------------------
    (r"^(Mac OS X|OS X) 10\.", L("macos", "eol"), "macOS 10.x: all ended (10.15 on 2026-02-02)"),
    (r"^macOS 11\.", L("macos", "eol"), "macOS 11 ended 2026-02-02"),
    (r"^macOS( Sonoma)? 14\.", L("macos", "supported"), "macOS 14: no end announced"),
    (r"^Mac OS X$", L("macos", "unknown"), "macOS without a version"),
    (r"^VMware ESX 4\.1", L("esxi", "eol"), "ESX 4.1: older than ESXi 5.0 (ended 2016-08-24)"),
]
RULES = [
    (re.compile(p), Label(label.products, label.status, label.kind, why), why)
    for p, label, why in _RULES
]

# ---------------------------------------------------------------------------------------
# nmap's OS classes: vendor | family | generation | type.
# ---------------------------------------------------------------------------------------

_WINDOWS_GEN = {
    "2016": "supported",  # Windows Server 2016, to 2027-01-12
    **{
        g: "eol"
        for g in (
            "3.X",
            "95",
            "98",
            "Me",
            "NT",
            "2000",
            "XP",
            "2003",
            "Vista",
            "Longhorn",
            "2008",
            "7",
            "8",
            "8.1",
            "2012",
            "PocketPC/CE",
            "Embedded Compact 7",
            "Phone",
            "10",
        )
    },
}  # fmt: skip
# (generation 10: every general-availability release of Windows 10 ended by 2025-10-14)
_DISTROS = [  # Linux fingerprints that name the distribution, in parentheses
    (r"CentOS [3-5]|Centos 5", L("centos", "eol"), "CentOS Linux 3-5 ended"),
    (
        r"Red Hat [5-9]\b|Red Hat \d\.\d",
        L("redhat-linux", "eol"),
        "Red Hat Linux (not RHEL) ended 2004",
    ),
    (
        r"Red Hat Enterprise Linux (Server )?(AS )?(release )?([2-5])",
        L("rhel", "eol"),
        "RHEL 2.1-5 ended (5's ELS on 2020-11-30)",
    ),
    (
        r"Red Hat Enterprise Linux,|Red Hat Enterprise Linux\)",
        L("rhel", "unknown"),
        "RHEL, no release",
    ),
    (r"Ubuntu \d", L("ubuntu", "eol"), "Ubuntu 6.06-8.10: all ended by 2013"),
    (r"Ubuntu[,)]", L("ubuntu", "unknown"), "Ubuntu without a release"),
    (r"Debian (4|3\.1|Sarge)", L("debian", "eol"), "Debian 3.1/4 ended"),
    (r"Debian[,)]", L("debian", "unknown"), "Debian without a release"),
    (r"Oracle Enterprise Linux 6", L("oracle-linux", "eol"), "Oracle Linux 6 ended 2021-03-31"),
    (r"SUSE Linux Enterprise Server 10", L("sles", "eol"), "SLES 10: all service packs ended"),
    (r"SUSE Enterprise Server 9|SuSE Enterprise Server 9", L("sles", "eol"), "SLES 9 ended"),
    (r"\bAndroid\b", L("android", "unknown"), "an Android device, no release"),
]
_OTHER_FAMILIES = {
    ("Apple", "Mac OS X"): "macos", ("Apple", "OS X"): "macos", ("Apple", "macOS"): "macos",
    ("Apple", "iOS"): "ios", ("Apple", "iPhone OS"): "ios", ("Apple", "iPadOS"): "ipados",
    ("Google", "Android"): "android", ("VMware", "ESXi"): "esxi", ("VMware", "ESX Server"): "esxi",
    ("Cisco", "IOS"): "cisco-ios", ("Cisco", "IOS XR"): "cisco-ios-xr",
    ("Cisco", "NX-OS"): "cisco-nx-os",
    ("Synology", "DiskStation Manager"): "synology-dsm", ("Fortinet", "FortiOS"): "fortios",
    ("Palo Alto Networks", "PAN-OS"): "panos", ("Citrix", "NetScaler"): "netscaler-adc",
    ("Cisco", "ASA"): "cisco-asa", ("Cisco", "PIX OS"): "cisco-pix",
    ("Citrix", "XenServer"): "citrix-hypervisor",
}  # fmt: skip


def _apple_android_status(product: str, gen: str) -> str:
    """Status of an Apple/Android/VMware/Fortinet/Palo Alto generation, from the table's source."""
    m = re.match(r"(\d+)(?:\.(\d+))?", gen)
    if not m:
        return "unknown"
    major = int(m.group(1))
    if product == "macos":  # 10.x and 11-13 ended; 14+ no end announced
        return "eol" if major <= 13 else "supported"
    if product == "ios":  # iOS 15, 16 and 18+ have no end announced; the rest ended
        return "supported" if major in (15, 16) or major >= 18 else "eol"
    if product == "android":  # 13 ended 2026-03-02
        return "eol" if major <= 13 else "supported"
    if product == "esxi":  # 7.0 ended 2025-10-02
        return "eol" if major <= 7 else "supported"
    if product == "panos":
        return "eol" if major <= 10 else "unknown"
    if product == "fortios":  # 6.x/7.0/7.2 ended; 5.x not in the table
        return "eol" if major in (6, 7) and int(m.group(2) or 0) <= 2 else "unknown"
    return "unknown"


_EMBEDDED_NAMES = [  # a vendor's "embedded" class: the name says which system it runs
    (r"\bIOS\b(?![ -]?X)", "cisco-ios"), (r"FortiGate", "fortios"), (r"NetScaler", "netscaler-adc"),
    (r"Palo Alto|PA-\d", "panos"), (r"Synology", "synology-dsm"), (r"\bAndroid\b", "android"),
]  # fmt: skip


def _class_label(name: str, vendor: str, family: str, gen: str) -> Label:
    """The label of one nmap class line."""
    if (vendor, family) == ("Microsoft", "Windows"):
        return L(WINDOWS, _WINDOWS_GEN.get(gen, "unknown"), rule=f"nmap Windows {gen}")
    if (vendor, family) == ("Microsoft", "Windows Mobile"):
        return L("windows-embedded", "eol", rule="Windows Mobile: the last ended 2020-01-14")
    if family == "Linux":
        distro = next((lab for p, lab, why in _DISTROS if re.search(p, name)), None)
        if distro is None:
            return L(set(), "unknown", "none", "linux: the kernel, no distribution")
        return Label(distro.products, distro.status, distro.kind, f"linux: {name}")
    if (vendor, family) in _OTHER_FAMILIES:
        product = _OTHER_FAMILIES[(vendor, family)]
        if "PIX OS" in name and product == "cisco-pix":
            return L({"cisco-pix", "cisco-asa"}, "unknown", rule="PIX OS on an ASA")
        return L(product, _apple_android_status(product, gen), rule=f"nmap {family} {gen}")
    if (vendor, family) == ("Apple", "Mac OS"):
        return L("macos", "unknown", rule="classic Mac OS: not in the table")
    if family in ("embedded", "IOS XE", "IOS-XE"):
        for pattern, product in _EMBEDDED_NAMES + [(r"IOS[ -]?XE", "cisco-ios-xe")]:
            if re.search(pattern, name):
                return L(product, "unknown", rule=f"nmap {vendor} device ({product})")
    return L(set(), "unknown", "none", f"nmap {vendor} {family}: not in the table")


def nmap_label(name: str, classes: str) -> Label:
    """The label of an nmap fingerprint from its class lines (and, for Linux, its name).

    Class lines are alternatives when the name lists several systems (``... or ...``);
    otherwise they describe one device (``Asus Zenfone 5 (Android 4.4.2)``: Asus
    embedded and Google Android), and the lines naming a system decide.
    """
    parts = []
    for line in classes.split(" ;; "):
        vendor, family, gen, _ = [f.strip() for f in (line.split("|") + ["", "", ""])[:4]]
        parts.append(_class_label(name, vendor, family, gen))
    if " or " not in name and any(p.products for p in parts):
        parts = [p for p in parts if p.products]
        systems = [p for p in parts if "device (" not in p.rule and not p.rule.startswith("linux:")]
        parts = systems or parts  # a device's or kernel's class only says what it runs
    products = frozenset().union(*(p.products for p in parts))
    statuses = {p.status for p in parts}
    if any(p.kind == "none" for p in parts):  # it may be something flowmap cannot judge
        kind = "none" if all(p.kind == "none" for p in parts) else "os"
        return Label(products, "unknown", kind, "; ".join(p.rule for p in parts))
    status = statuses.pop() if len(statuses) == 1 else "unknown"
    return Label(products, status, "os", "; ".join(p.rule for p in parts))


# ---------------------------------------------------------------------------------------
# The corpus.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    text: str
    source: str
    label: Label


@lru_cache(maxsize=1)
def nmap_rows() -> dict[str, str]:
    with (DATA / "nmap_os_db_classes.tsv").open(encoding="utf-8", newline="") as f:
        return {r["fingerprint"]: r["classes"] for r in csv.DictReader(f, delimiter="\t")}


def caption_text(row: dict[str, str]) -> str:
    """The string as a tool writing one column would: name, then the version it pairs."""
    string, version = row["string"], row["version_field"].strip()
    if version and row["source_kind"] != "cpe" and version not in string:
        return f"{string.strip()} {version}"
    return string.strip()


def label_caption(text: str, kind: str) -> Label | None:
    if kind == "nmap" and text in nmap_rows():
        return nmap_label(text, nmap_rows()[text])
    for pattern, label, _ in RULES:
        if pattern.search(text):
            return label
    if kind == "cpe" and text.startswith("cpe:/o:microsoft:windows"):
        return _nmap_cpe(text)
    if kind == "cpe":
        return _other_cpe(text)
    return None


def _nmap_cpe(text: str) -> Label:
    """nmap's Windows CPEs: every Windows named by one ended (Server 2016 is not among them)."""
    if "windows_server_2016" in text or text.startswith("cpe:/o:microsoft:windows auto"):
        return L(WINDOWS, "supported" if "2016" in text else "unknown", rule="nmap Windows CPE")
    return L(WINDOWS, "eol", rule="nmap Windows CPE of a release that ended")


def _other_cpe(text: str) -> Label:
    m = re.match(r"cpe:/o:(\w+):(\w+):?([\w.]*)", text)
    vendor, product, version = m.groups() if m else ("", "", "")
    if (vendor, product) == ("apple", "iphone_os"):
        return L("ios", _apple_android_status("ios", version), rule="iOS CPE")
    if (vendor, product) == ("apple", "mac_os_x"):
        return L("macos", "eol" if version else "unknown", rule="Mac OS X CPE")
    if (vendor, product) == ("google", "android"):
        return L("android", _apple_android_status("android", version), rule="Android CPE")
    if (vendor, product) in (("vmware", "esx"), ("vmware", "esxi")):
        return L("esxi", "eol", rule="ESX 3.x/4.x ended")
    if (vendor, product) == ("cisco", "ios"):
        return L("cisco-ios", "unknown", rule="Cisco IOS: no dates")
    if (vendor, product) == ("citrix", "xenserver"):
        return L("citrix-hypervisor", "unknown", rule="XenServer: no dates")
    if vendor == "synology" or text.startswith("cpe:/a:synology"):
        return L("synology-dsm", "unknown", rule="Synology DSM: no dates")
    return NONE


@lru_cache(maxsize=1)
def corpus() -> tuple[Item, ...]:
    """Every distinct string with its label (unlabelled ones with label None)."""
    items: dict[str, Item] = {}
    with (DATA / "captions.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text = caption_text(row)
            if text not in items:
                label = label_caption(text, row["source_kind"])
                items[text] = Item(text, row["source_kind"], label)  # type: ignore[arg-type]
    for name, classes in nmap_rows().items():
        if name not in items:
            items[name] = Item(name, "nmap-os-db", nmap_label(name, classes))
    return tuple(items.values())


# ---------------------------------------------------------------------------------------
# Measuring.
# ---------------------------------------------------------------------------------------


def predicted_status(m) -> str:
    """The matcher's claim on AS_OF, judged as the engine judges it (no paid extension)."""
    if not m.recognised:
        return "unknown"
    if m.support_end is not None and m.support_end < AS_OF:
        return "eol"
    earliest = m.support_end_earliest or m.support_end
    if earliest is not None and earliest < AS_OF:
        return "unknown"
    return "supported"


@dataclass
class Outcome:
    item: Item
    product: str | None
    status: str
    reason: str


def outcomes(table: EolTable | None = None) -> list[Outcome]:
    table = table or EolTable.bundled()
    out = []
    for item in corpus():
        m = table.match(item.text)
        out.append(Outcome(item, m.product, predicted_status(m), m.reason))
    return out


def measure(results: list[Outcome]) -> dict[str, object]:
    false_eol = [o for o in results if o.status == "eol" and o.item.label.status != "eol"]
    non_os_as_os = [
        o
        for o in results
        if o.item.label.kind in ("app", "none")
        and o.product in OS_PRODUCTS
        and o.product not in o.item.label.products
    ]
    claims = [o for o in results if o.status in ("eol", "supported")]
    right = [o for o in claims if _right(o)]
    scope = [
        o
        for o in results
        if o.item.label.products
        and o.item.label.products <= IN_SCOPE
        and o.item.label.status in ("eol", "supported")
    ]
    found = [o for o in scope if _right(o)]
    wrong_product = [
        o for o in results if o.product is not None and o.product not in o.item.label.products
    ]
    return {
        "strings": len(results),
        "false_eol": false_eol,
        "non_os_as_os": non_os_as_os,
        "claims": len(claims),
        "precision": len(right) / len(claims) if claims else 1.0,
        "wrong_claims": [o for o in claims if not _right(o)],
        "in_scope": len(scope),
        "recall": len(found) / len(scope) if scope else 1.0,
        "missed": [o for o in scope if not _right(o)],
        "wrong_product": wrong_product,
        "by_family": _by_family(scope),
    }


def _right(o: Outcome) -> bool:
    return o.status == o.item.label.status and o.product in o.item.label.products


def _by_family(scope: list[Outcome]) -> dict[str, tuple[int, int]]:
    families = {
        "Windows": WINDOWS, "SQL Server": {"mssqlserver"}, "Ubuntu": {"ubuntu"},
        "RHEL": {"rhel"}, "CentOS": {"centos", "centos-stream"}, "Debian": {"debian"},
    }  # fmt: skip
    out = {}
    for name, products in families.items():
        mine = [o for o in scope if o.item.label.products & products]
        out[name] = (sum(_right(o) for o in mine), len(mine))
    return out


# ---------------------------------------------------------------------------------------
# The tests.
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results() -> list[Outcome]:
    return outcomes()


def test_every_corpus_string_has_a_label_written_by_a_rule() -> None:
    unlabelled = [i.text for i in corpus() if i.label is None]
    assert unlabelled == []
    assert len(corpus()) > 4000


def test_no_string_is_called_end_of_life_unless_every_release_it_may_mean_has_ended(
    results: list[Outcome],
) -> None:
    wrong = [(o.item.text, o.item.label.rule, o.reason) for o in measure(results)["false_eol"]]
    assert wrong == []


def test_no_application_or_unknown_product_is_claimed_as_an_operating_system(
    results: list[Outcome],
) -> None:
    wrong = [(o.item.text, o.product, o.reason) for o in measure(results)["non_os_as_os"]]
    assert wrong == []


def test_at_least_95_percent_of_in_scope_strings_get_the_right_status(
    results: list[Outcome],
) -> None:
    m = measure(results)
    assert m["in_scope"] > 400
    missed = [(o.item.text, o.status, o.item.label.status, o.reason) for o in m["missed"]]
    assert m["recall"] >= 0.95, missed


def test_claims_of_eol_or_supported_are_right_for_the_product_named(results: list[Outcome]) -> None:
    m = measure(results)
    wrong = [(o.item.text, o.product, o.status, o.item.label) for o in m["wrong_claims"]]
    assert m["precision"] >= 0.99, wrong[:20]


def report() -> str:
    """The figures for docs/reference-data.md."""
    m = measure(outcomes())
    lines = [
        f"Corpus: {m['strings']} distinct strings; as of {AS_OF}.",
        f"False EOL claims: {len(m['false_eol'])}",
        f"Non-OS products claimed as an OS: {len(m['non_os_as_os'])}",
        f"Claims (eol or supported): {m['claims']}; precision {m['precision']:.1%}",
        f"In scope: {m['in_scope']}; recall (right status and product) {m['recall']:.1%}",
    ]
    for family, (right, total) in m["by_family"].items():
        lines.append(
            f"  {family}: {right}/{total} ({right / total:.1%})" if total else f"  {family}: 0"
        )
    kinds = Counter(o.item.source for o in m["missed"])
    lines.append(f"Missed by source: {dict(kinds)}")
    for o in m["false_eol"][:60]:
        lines.append(f"  false eol {o.item.text!r}: {o.product} ({o.reason}); label {o.item.label}")
    for o in m["non_os_as_os"][:60]:
        lines.append(f"  non-os {o.item.text!r}: {o.product} ({o.reason}); label {o.item.label}")
    for o in m["missed"][:40]:
        lines.append(f"  missed {o.item.text!r}: got {o.status} ({o.reason})")
    for o in m["wrong_claims"][:40]:
        lines.append(f"  wrong  {o.item.text!r}: {o.product} {o.status}, expected {o.item.label}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
