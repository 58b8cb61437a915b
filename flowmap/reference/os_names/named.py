"""Products named by their name and a version: appliances, Apple, Android, VMware, apps.

Each :class:`Named` product is found by its name (a regular expression over normalised
text) and versioned by the first version after it, matched to the table's releases by
prefix (:func:`flowmap.reference.os_names.versions.version_reading`). Products flowmap
has no dates for (Cisco IOS XR, NX-OS, OpenJDK builds of unknown vendors ...) are named
too: they claim their words, so that ``Cisco IOS XR`` is never read as Cisco IOS, nor
Cisco IOS as Apple's iOS, and the reason says what the text names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flowmap.reference.os_names.guess import NOT_WORD_BEFORE, Reading, Rows
from flowmap.reference.os_names.versions import plain_version, version_reading

#: The default version after a name: ``7.0.13``, ``v7.0``, ``version 15``, ``release 8``.
DOTTED = re.compile(r"^[\s:,\-/(]*(?:version|release|ver|v)?[\s:.]*v?(\d+(?:\.\d+)+)")
NUMBER = re.compile(r"^[\s:,\-/(]*(?:version|release|ver|v)?[\s:.]*v?(\d+(?:\.\d+)*)(?![0-9])")


@dataclass(frozen=True)
class Named:
    """A product found by name and versioned by the number after it.

    Attributes
    ----------
    product : str
        Product key (of the end-of-life table, or a key for a product it does not hold).
    name : str
        What to call it in reasons and labels.
    pattern : re.Pattern
        Its name in normalised text.
    version : re.Pattern
        The version, searched in the text right after the name; group 1 is the version.
    convert : callable, optional
        Turns the version as written into the table's (``12l`` -> ``12.1``).
    window : int
        How many characters after the name the version may start within.
    """

    product: str
    name: str
    pattern: re.Pattern[str]
    version: re.Pattern[str] = NUMBER
    convert: Callable[[str], str] | None = None
    window: int = 40

    def __call__(self, s: str, rows: Rows) -> tuple[Reading, tuple[int, int]] | None:
        """The reading of the first mention with a version (else the first), and where it is."""
        mentions = list(self.pattern.finditer(s))
        if not mentions:
            return None
        versioned = [
            (m, v)
            for m in mentions
            if (v := self.version.search(s[m.end() : m.end() + self.window])) is not None
        ]
        m, v = versioned[0] if versioned else (mentions[0], None)
        version = v.group(1) if v else None
        end = m.end() + (v.end() if v else 0)
        if version and self.convert:
            version = self.convert(version)
        said = s[m.start() : end].strip()
        return version_reading(self.product, self.name, version, rows, said=said), (m.start(), end)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(NOT_WORD_BEFORE + pattern + r"(?![a-z])")


def _java(version: str) -> str:
    """Java's ``1.8`` is 8; ``8 update 391`` is 8."""
    return version[2:].split(".")[0] if version.startswith("1.") else version.split(".")[0]


def _oracle_db(version: str) -> str:
    return {"26": "23"}.get(version, version)


_ORACLE_DB_VERSION = re.compile(
    r"^[\s:,\-/(]*(?:version|release)?\s*(\d+)(?:[cgi]|ai)?(?:\s*(?:release|r)\s*(\d))?"
)


class _OracleDb(Named):
    def __call__(self, s: str, rows: Rows) -> tuple[Reading, tuple[int, int]] | None:
        m = self.pattern.search(s)
        if not m:
            return None
        v = _ORACLE_DB_VERSION.search(s[m.end() : m.end() + 30])
        version = None
        if v and v.group(1):
            version = _oracle_db(v.group(1)) + (f".{v.group(2)}" if v.group(2) else "")
        end = m.end() + (v.end() if v else 0)
        said = s[m.start() : end].strip()
        return version_reading(self.product, self.name, version, rows, said=said), (m.start(), end)


_MACOS_NAMES = {
    "high sierra": "10.13", "snow leopard": "10.6", "mountain lion": "10.8", "el capitan": "10.11",
    "big sur": "11", "tahoe": "26", "sequoia": "15", "sonoma": "14", "ventura": "13",
    "monterey": "12", "catalina": "10.15", "mojave": "10.14", "sierra": "10.12",
    "yosemite": "10.10", "mavericks": "10.9", "lion": "10.7", "leopard": "10.5", "tiger": "10.4",
}  # fmt: skip


class _MacOs(Named):
    """macOS by version (``10.15.7``, ``14.3``) or code name (``macOS Sonoma``)."""

    def __call__(self, s: str, rows: Rows) -> tuple[Reading, tuple[int, int]] | None:
        found = super().__call__(s, rows)
        if found is None or found[0].note != f"{self.name} without a version":
            return found
        for code, version in _MACOS_NAMES.items():
            if re.search(rf"(?<![a-z]){code}(?![a-z])", s):
                return version_reading(self.product, self.name, version, rows, said=code), found[1]
        return found


_CISCO_VERSION = re.compile(r"(?:^[\s,]*|\bversion\s+)0?(\d+\.\d+)(?=[\s(,.a-z]|$)")
_CITRIX_VERSION = re.compile(r"(?<![0-9.])(1[89][01]\d|2[0-9][01]\d|7\.\d+)(?![0-9])")
_NETSCALER_VERSION = re.compile(r"^[\s:,\-/(]*(?:version|release|v)?[\s:.]*(\d+\.\d+)")

#: Applications and other products that hold an OS's words: read (and their words
#: blanked) before any operating system is looked for.
APPS: tuple[Named, ...] = (
    Named("internet-explorer", "Internet Explorer", _rx(r"(?:internet\s*explorer|ie(?=\s*\d))")),
    Named("dotnetfx", ".NET Framework", re.compile(r"(?<![a-z0-9])\.net\s*framework(?![a-z])")),
    Named("dotnet", ".NET", re.compile(r"(?<![a-z0-9])\.net(?:\s*core)?(?![a-z])")),
    Named("eclipse-temurin", "Eclipse Temurin", _rx(r"(?:eclipse\s*)?(?:temurin|adoptium)")),
    Named("openjdk", "OpenJDK", _rx(r"openjdk")),
    Named("oracle-jrockit", "Oracle JRockit", _rx(r"(?:oracle\s*)?jrockit")),
    Named(
        "oracle-jdk",
        "Oracle Java",
        _rx(r"(?:oracle\s*)?(?:java\s*(?:se\s*)?(?:runtime\s*environment|development\s*kit)?"
            r"|jre|jdk)"),
        convert=_java,
    ),
    Named("php", "PHP", _rx(r"php")),
    Named("postgresql", "PostgreSQL", _rx(r"(?:postgresql|postgres|pgsql)")),
    Named("mariadb", "MariaDB", _rx(r"mariadb")),
    Named("mysql", "MySQL", _rx(r"mysql(?:\s*server|\s*community\s*server)?")),
    _OracleDb("oracle-database", "Oracle Database", _rx(r"oracle\s*(?:database|db|rdbms)")),
    Named("tomcat", "Apache Tomcat", _rx(r"(?:apache\s*)?tomcat")),
    Named(
        "veeam-backup-and-replication",
        "Veeam Backup & Replication",
        _rx(r"veeam(?:\s*backup\s*(?:&|and)?\s*replication)?"),
    ),
    Named(
        "redhat-jboss-eap",
        "JBoss EAP",
        _rx(r"(?:red\s*hat\s*)?jboss\s*(?:eap|enterprise\s*application\s*platform)"),
    ),
    Named("jboss", "JBoss (not EAP)", _rx(r"(?:red\s*hat\s*)?jboss(?:\s*as|\s*wildfly)?")),
    Named(
        "redhat-satellite",
        "Red Hat Satellite",
        _rx(r"(?:red\s*hat\s*satellite(?:\s*server)?|satellite\s*server(?=\s*v?\d))"),
    ),
    Named(
        "redhat-other",
        "another Red Hat product",
        _rx(r"red\s*hat\s*(?:openshift|ansible|ceph|gluster|virtualization|directory\s*server"
            r"|identity\s*management|quay|amq|fuse|data\s*grid|single\s*sign-?on|openstack"
            r"|cloudforms|enterprise\s*virtualization|update\s*infrastructure)"),
    ),
    Named(
        "vcenter",
        "VMware vCenter Server",
        _rx(r"(?:vmware\s*)?vcenter(?:\s*server)?(?:\s*appliance)?"),
    ),
    Named(
        "citrix-vad",
        "Citrix Virtual Apps and Desktops",
        _rx(r"(?:citrix\s*)?(?:virtual\s*apps(?:\s*and\s*desktops)?|xenapp|xendesktop|cvad)"),
        version=_CITRIX_VERSION,
    ),
    Named(
        "citrix-hypervisor",
        "Citrix Hypervisor (XenServer)",
        _rx(r"(?:citrix\s*)?(?:xenserver|hypervisor)"),
    ),
    Named("openssh", "OpenSSH", _rx(r"openssh")),
)  # fmt: skip

#: Operating systems of appliances, phones, tablets, Macs and hypervisors, tried after
#: Windows and Linux; Cisco's other systems first, so ``Cisco IOS XR`` is never IOS.
DEVICES: tuple[Named, ...] = (
    Named(
        "cisco-ios-xr",
        "Cisco IOS XR",
        _rx(r"(?:cisco\s*)?ios[\s\-]*xr"),
        version=_CISCO_VERSION,
        window=200,
    ),
    Named("cisco-nx-os", "Cisco NX-OS", _rx(r"(?:cisco\s*)?(?:nexus\s*operating\s*system|nx-?os)")),
    Named("cisco-asa", "Cisco ASA", _rx(r"cisco\s*(?:adaptive\s*security\s*appliance|asa)")),
    Named("cisco-pix", "Cisco PIX", _rx(r"cisco\s*pix")),
    Named(
        "cisco-ios-xe",
        "Cisco IOS XE",
        _rx(r"(?:cisco\s*)?ios[\s\-]*xe"),
        version=_CISCO_VERSION,
        convert=plain_version,
        window=200,
    ),
    Named(
        "cisco-ios",
        "Cisco IOS",
        re.compile(
            NOT_WORD_BEFORE + r"(?:cisco\b[^;]*?\bios|ios(?=\s*\d+\.\d+\())"
            r"(?![a-z])(?![\s\-]*x[er]\b)"
        ),
        version=_CISCO_VERSION,
        window=200,
    ),
    Named("fortios", "FortiOS", _rx(r"(?:fortios|fortigate[\w\-]*)"), version=DOTTED),
    Named("panos", "PAN-OS", _rx(r"(?:pan[\s\-]*os|palo\s*alto(?:\s*networks)?)"), version=DOTTED),
    Named(
        "netscaler-adc",
        "NetScaler ADC",
        re.compile(
            NOT_WORD_BEFORE + r"(?:(?:citrix\s*)?(?:netscaler|citrix\s*adc)(?:\s*(?:adc|gateway"
            r"|vpx|mpx|sdx))*|ns(?=\d+\.\d+))(?![a-z])"
        ),
        version=_NETSCALER_VERSION,
    ),
    Named("esxi", "VMware ESXi", _rx(r"(?:vmware\s*)?esxi?(?:\s*server)?")),
    Named(
        "synology-dsm",
        "Synology DSM",
        _rx(r"(?:(?:synology\s*)?diskstation\s*manager|synology\s*dsm)"),
        version=DOTTED,
    ),
    _MacOs("macos", "macOS", _rx(r"(?:mac\s*os\s*x|os\s*x|mac\s*os)(?:\s*server)?")),
    Named("ipados", "iPadOS", _rx(r"ipad\s*os")),
    Named(
        "ios",
        "iOS",
        re.compile(
            r"(?:^(?!.*\bcisco\b)(?=.*\b(?:apple|iphone|ipad)\b).*?|^)"
            r"(?<![a-z0-9])(?:apple\s*)?(?:iphone\s*os|ios)(?![a-z])(?![\s\-]*x[er]\b)(?!\s*\d+\.\d+\()"
        ),
    ),
    Named("android", "Android", _rx(r"android(?:\s*(?:os|enterprise|for\s*work))?")),
)  # fmt: skip
