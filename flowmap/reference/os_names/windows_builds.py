"""Windows build and kernel version numbers, as scanners and Active Directory write them.

Active Directory keeps ``operatingSystemVersion`` as ``10.0 (22631)``, WMI as
``10.0.22631``, scanners as ``Build 22631`` or ``[Ver: 10.0.22631]``; SQL Server's
``@@VERSION`` ends ``on Windows NT 6.3 <X64> (Build 9600: )``. The build number tells
the release (22631 is Windows 11 23H2) and, with the kernel version, the family; but
the same build is often shared by a desktop and a server release (17763 is Windows 10
1809, Windows 10 LTSC 2019 and Windows Server 2019), so a number alone is read as every
release it may be. Builds are from endoflife.date's ``latest`` fields of ``windows`` and
``windows-server`` (``tests/data/eol/windows_builds.csv``) and Microsoft's release
information pages.
"""

from __future__ import annotations

import re

#: Build -> (client releases, server release or ""): a client release is
#: ``(major, feature release)`` for Windows 10/11, or a plain cycle (``7``).
BUILDS: dict[str, tuple[tuple[str, ...], str]] = {
    "2195": (("2000",), "2000"),
    "2600": (("xp",), ""),
    "3790": (("xp",), "2003"),
    "6000": (("vista",), ""),
    "6001": (("vista",), "2008"),
    "6002": (("vista",), "2008"),
    "6003": ((), "2008"),
    "7600": (("7",), "2008-r2"),
    "7601": (("7",), "2008-r2"),
    "9200": (("8",), "2012"),
    "9600": (("8.1",), "2012-r2"),
    "10240": (("10 1507",), ""),
    "10586": (("10 1511",), ""),
    "14393": (("10 1607",), "2016"),
    "15063": (("10 1703",), ""),
    "16299": (("10 1709",), "1709"),
    "17134": (("10 1803",), "1803"),
    "17763": (("10 1809",), "2019"),
    "18362": (("10 1903",), "1903"),
    "18363": (("10 1909",), "1909"),
    "19041": (("10 2004",), "2004"),
    "19042": (("10 20h2",), "20h2"),
    "19043": (("10 21h1",), ""),
    "19044": (("10 21h2",), ""),
    "19045": (("10 22h2",), ""),
    "20348": ((), "2022"),
    "22000": (("11 21h2",), ""),
    "22621": (("11 22h2",), ""),
    "22631": (("11 23h2",), ""),
    "25398": ((), "23h2"),
    "26100": (("11 24h2",), "2025"),
    "26200": (("11 25h2",), ""),
    "28000": (("11 26h1",), ""),
}

#: Kernel version -> (client cycle, server cycle) for the NT versions that name one
#: release pair; ``10.0`` names too many to say.
NT_VERSIONS: dict[str, tuple[str, str]] = {
    "5.0": ("2000", "2000"),
    "5.1": ("xp", ""),
    "5.2": ("xp", "2003"),
    "6.0": ("vista", "2008"),
    "6.1": ("7", "2008-r2"),
    "6.2": ("8", "2012"),
    "6.3": ("8.1", "2012-r2"),
}

_BUILD_FORMS = (
    # 10.0.22631 / 10.0.22631.4291 / [Ver: 10.0.14393] / 6.3.9600
    re.compile(r"(?<![0-9.])(?:10\.0|6\.[0-3]|5\.[0-2])\.(\d{4,5})(?![0-9])"),
    # AD operatingSystemVersion: 10.0 (22631)
    re.compile(r"(?<![0-9.])(?:10\.0|6\.[0-3]|5\.[0-2]) \((\d{4,5})\)"),
    # Build 22631, build 9600:
    re.compile(r"(?<![a-z])build\s*(\d{4,5})(?![0-9])"),
)
_NT_VERSION = re.compile(r"(?<![a-z])(?:windows\s*)?nt\s*(\d{1,2}\.\d)(?![0-9])")
_BARE_VERSION = re.compile(
    r"^(?:version\s*)?(10\.0|6\.[0-3]|5\.[0-2])(?:\.\d+)*(?:\s*\((?:build\s*)?\d{4,5}(?![0-9]).*)?$"
)


def find_build(s: str) -> tuple[str, str] | None:
    """The first known Windows build number in normalised text, and the words naming it.

    >>> find_build("microsoft windows 11 pro build 22631")
    ('22631', 'build 22631')
    >>> find_build("10.0 (17763)")
    ('17763', '10.0 (17763)')
    >>> find_build("version 15.1 (build 2375.7)") is None
    True
    """
    for form in _BUILD_FORMS:
        for m in form.finditer(s):
            if m.group(1) in BUILDS:
                return m.group(1), m.group(0)
    return None


def find_nt_version(s: str) -> tuple[str, str] | None:
    """A Windows NT kernel version named in the text (``windows nt 6.3``), and its words.

    >>> find_nt_version("... on windows nt 6.3 <x64> (build 9600: )")
    ('6.3', 'windows nt 6.3')
    """
    m = _NT_VERSION.search(s)
    return (m.group(1), m.group(0)) if m else None


def is_bare_version(s: str) -> bool:
    """Whether the whole text is a Windows version number and nothing else.

    >>> is_bare_version("10.0 (22631)"), is_bare_version("6.1.7601"), is_bare_version("10.7")
    (True, True, False)
    """
    return bool(_BARE_VERSION.match(s))
