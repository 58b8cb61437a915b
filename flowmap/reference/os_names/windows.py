"""Recognisers for Microsoft products: Windows Server, SQL Server, Windows Embedded, Windows.

Read from normalised text (see :func:`flowmap.reference.os_names.guess.normalise`):

* Windows Server by year and R2 in any spelling: ``Windows Server 2012 R2``,
  ``Win 2012 R2``, ``Server 2008R2``, ``W2K8 R2``, ``srv2016``; semi-annual channel
  releases (``Windows Server 20H2``) are guessed but not bundled;
* SQL Server by year, with or without an edition: ``SQL Server 2012``,
  ``Microsoft SQL Server 2016 SP2``, ``MSSQL 2019``;
* Windows Embedded and POSReady: ``Windows Embedded Standard 7``, ``WES7``,
  ``POSReady 2009``, ``XPe``;
* Windows desktops: ``Windows 7 SP1``, ``Win7``, ``XP``, ``Vista``; Windows 10/11 by
  feature release (``22H2``) or build number (``10.0.19045``), with the edition
  (Home/Pro or Enterprise/Education, whose dates differ) and LTSB/LTSC/IoT editions
  by year or release.

Where the text leaves a choice the guess says what it assumed: Windows 10/11 without
a release take the release whose support ends last in the table, and a release
without an edition the Enterprise/Education dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from flowmap.reference.eol_files import COLUMNS
from flowmap.reference.os_names.guess import NOT_WORD_BEFORE, OsGuess, Rows

_SERVER_YEARS = "2000|2003|2008|2012|2016|2019|2022|2025"
_W2K_YEARS = {
    "3": "2003",
    "8": "2008",
    "12": "2012",
    "16": "2016",
    "19": "2019",
    "22": "2022",
    "25": "2025",
}

# "Windows 7", "Win 7", "Win7" or "W7": a bare "w" only directly before the version.
_WIN_PREFIX = r"(?:(?:microsoft\s+)?(?:windows|win)[\s\-]*|w)"
_SERVER_SHORT = re.compile(
    NOT_WORD_BEFORE + _WIN_PREFIX + r"2k\s*(3|8|12|16|19|22|25)"
    r"(?:\s*(r2))?(?![0-9])"
)
_SERVER_WORD = re.compile(
    NOT_WORD_BEFORE + r"(?<!sql )(?<!sql)"
    r"(?:windows\s*server|win\s*server|winsrv|server|srv|ws)\s*"
    rf"({_SERVER_YEARS})(?:\s*(r2))?(?![0-9])"
)
_SERVER_YEAR = re.compile(
    NOT_WORD_BEFORE + _WIN_PREFIX + r"(2003|2008|2012|2016|2019|2022|2025)(?:\s*(r2))?(?![0-9])"
)
_WINDOWS_2000_SERVER = re.compile(
    NOT_WORD_BEFORE + r"(?:windows|win)\s*(?:2000|2k)(?![0-9])"
    r".*\bserver\b"
)
_SERVER_ANY = re.compile(r"\bwindows\s*server\b|\bwin\s*server\b|\bwinsrv\b")


def _windows_server(s: str, rows: Rows) -> OsGuess | None:
    """Windows Server: ``Windows Server 2012 R2``, ``Win 2012 R2``, ``Server 2008R2``, ``W2K8 "
    "R2``."""
    m = _SERVER_SHORT.search(s)
    if m:
        year, r2 = _W2K_YEARS[m.group(1)], m.group(2)
    else:
        m = _SERVER_WORD.search(s) or _SERVER_YEAR.search(s)
        if m:
            year, r2 = m.group(1), m.group(2)
        elif _WINDOWS_2000_SERVER.search(s):
            year, r2 = "2000", None
        elif _SERVER_ANY.search(s):
            sac = _WIN_RELEASE.search(s)  # semi-annual channel (1809, 20H2): not bundled
            if sac:
                name = sac.group(1)
                return OsGuess("windows-server", f"Windows Server {name.upper()}", ((name, ""),))
            return OsGuess("windows-server", "Windows Server")
        else:
            return None
    cycle = f"{year}-r2" if r2 else year
    wanted = f"Windows Server {year}{' R2' if r2 else ''}"
    return OsGuess("windows-server", wanted, ((cycle, ""),))


_SQL = re.compile(
    NOT_WORD_BEFORE + r"(?:ms\s*)?sql(?:\s*server)?"
    r"(?:\s+(?:express|standard|enterprise|web|developer|workgroup|std|ent|edition))*"
    r"\s*(2000|2005|2008|2012|2014|2016|2017|2019|2022|2025)(?:\s*(r2))?(?![0-9])"
)
_SQL_ANY = re.compile(NOT_WORD_BEFORE + r"(?:ms\s*sql|sql\s*server)")


def _sql_server(s: str, rows: Rows) -> OsGuess | None:
    """Microsoft SQL Server: ``SQL Server 2012``, ``Microsoft SQL Server 2016 SP2``, ``MSSQL "
    "2019``."""
    m = _SQL.search(s)
    if m:
        year, r2 = m.group(1), m.group(2)
        cycle = f"{year}-r2" if r2 else year
        return OsGuess("mssqlserver", f"SQL Server {year}{' R2' if r2 else ''}", ((cycle, ""),))
    if _SQL_ANY.search(s):
        return OsGuess("mssqlserver", "SQL Server")
    return None


_EMBEDDED = re.compile(
    r"\bposready\b|\bwes\s*7\b|\bxpe\b|\bxp\s*embedded\b"
    r"|\b(?:windows|win)\b.*\bembedded\b|\bembedded\b.*\b(?:windows|win)\b"
)
_EMBEDDED_VERSION = re.compile(r"(?<![a-z0-9.])(xp|2009|8\.1|7|8)(?![0-9])")


def _windows_embedded(s: str, rows: Rows) -> OsGuess | None:
    """Windows Embedded: ``Windows Embedded Standard 7``, ``WES7``, ``POSReady 2009``, ``XPe``."""
    if not _EMBEDDED.search(s):
        return None
    posready = "posready" in s
    if re.search(r"\bxpe\b", s):
        version = "xp"
    elif re.search(r"\bwes\s*7\b", s):
        version = "7"
    else:
        m = _EMBEDDED_VERSION.search(s)
        version = m.group(1) if m else None
    if version is None:
        return OsGuess("windows-embedded", "Windows Embedded")
    if re.search(r"\bcompact\b|\bce\b", s):  # Windows Embedded Compact is not bundled
        return OsGuess(
            "windows-embedded", f"Windows Embedded Compact {version}", ((f"compact-{version}", ""),)
        )
    cycle = {
        "xp": "xp",
        "2009": "posready-2009" if posready else "standard-2009",
        "7": "posready-7" if posready else "standard-7",
        "8.1": "8.1-industry",
        "8": "standard-8",
    }[version]
    name = "POSReady" if posready else "Embedded"
    return OsGuess("windows-embedded", f"Windows {name} {version.upper()}", ((cycle, ""),))


_WIN_VERSION = re.compile(
    NOT_WORD_BEFORE + _WIN_PREFIX + r"(xp|vista|2000|2k|7|8\.1|81|8|10|11)(?![0-9])"
)
_WIN_BARE = re.compile(r"^(xp|vista)\b|(?<![a-z])vista(?![a-z])")
_WIN_ANY = re.compile(NOT_WORD_BEFORE + r"(?:windows|win)(?![a-z])")
_WIN_BUILD = re.compile(r"(?<![0-9])10\.0\.(\d{5})(?![0-9])")
_WIN_RELEASE = re.compile(
    r"(?<![0-9])(1507|1511|1607|1703|1709|1803|1809|1903|1909|2004|"
    r"20h2|21h1|21h2|22h2|23h2|24h2|25h2)(?![0-9a-z])"
)
_LTSC = re.compile(r"\blts[bc]\b|\blong[\s-]term servicing")
_LTSC_YEAR = re.compile(r"(?<![0-9])(2015|2016|2019|2021|2024)(?![0-9])")
_EDITION_HOME_PRO = re.compile(r"\b(?:home|pro|professional|workstations?)\b")
_EDITION_ENTERPRISE = re.compile(r"\b(?:enterprise|education|ent|edu)\b")

# Build number (10.0.NNNNN) -> (major version, release).
_WIN_BUILDS = {
    "10240": ("10", "1507"),
    "10586": ("10", "1511"),
    "14393": ("10", "1607"),
    "15063": ("10", "1703"),
    "16299": ("10", "1709"),
    "17134": ("10", "1803"),
    "17763": ("10", "1809"),
    "18362": ("10", "1903"),
    "18363": ("10", "1909"),
    "19041": ("10", "2004"),
    "19042": ("10", "20h2"),
    "19043": ("10", "21h1"),
    "19044": ("10", "21h2"),
    "19045": ("10", "22h2"),
    "22000": ("11", "21h2"),
    "22621": ("11", "22h2"),
    "22631": ("11", "23h2"),
    "26100": ("11", "24h2"),
    "26200": ("11", "25h2"),
}
# LTSB/LTSC: (major, year or release) -> year of the LTSC edition.
_LTSC_BY_RELEASE = {
    ("10", "1507"): "2015",
    ("10", "1607"): "2016",
    ("10", "1809"): "2019",
    ("10", "21h2"): "2021",
    ("11", "24h2"): "2024",
}
_FEATURE_CYCLE = re.compile(r"^(10|11)-(\d\d[0-9h]\d)(?:-([ew]))?$")


def _windows_client(s: str, rows: Rows) -> OsGuess | None:
    """Windows desktops: ``Windows 7 SP1``, ``Win7``, ``Windows 10 22H2``, ``Windows 11 23H2``."""
    m = _WIN_VERSION.search(s)
    build = _WIN_BUILD.search(s)
    if m:
        version = m.group(1)
    elif build and build.group(1) in _WIN_BUILDS and _WIN_ANY.search(s):
        version = _WIN_BUILDS[build.group(1)][0]
    else:
        bare = _WIN_BARE.search(s)
        if bare:
            version = bare.group(1) or "vista"
        elif _WIN_ANY.search(s):
            return OsGuess("windows", "Windows")
        else:
            return None
    simple = {
        "xp": "xp",
        "vista": "vista",
        "2000": "2000",
        "2k": "2000",
        "7": "7",
        "8": "8",
        "8.1": "8.1",
        "81": "8.1",
    }
    if version in simple:
        cycle = simple[version]
        return OsGuess(
            "windows",
            f"Windows {cycle.upper() if cycle == 'xp' else cycle.title()}",
            ((cycle, ""),),
        )

    release = None
    if build and build.group(1) in _WIN_BUILDS:
        version, release = _WIN_BUILDS[build.group(1)]
    r = _WIN_RELEASE.search(s)
    if r:
        release = r.group(1)
    if _LTSC.search(s):
        return _windows_ltsc(s, version, release)
    edition = "w" if _EDITION_HOME_PRO.search(s) and not _EDITION_ENTERPRISE.search(s) else None
    if _EDITION_ENTERPRISE.search(s):
        edition = "e"
    if release is None:
        return _windows_default_release(version, edition, rows)
    wanted = f"Windows {version} {release.upper()}"
    if edition is None:
        note = "edition not given: assumed the Enterprise/Education dates"
        cycles = ((f"{version}-{release}-e", note), (f"{version}-{release}", ""))
    else:
        cycles = ((f"{version}-{release}-{edition}", ""), (f"{version}-{release}", ""))
    return OsGuess("windows", wanted, cycles)


def _windows_ltsc(s: str, version: str, release: str | None) -> OsGuess:
    """Windows 10/11 Enterprise LTSB/LTSC, by year (``LTSC 2019``) or release (``LTSC 1809``)."""
    y = _LTSC_YEAR.search(s)
    year = y.group(1) if y else _LTSC_BY_RELEASE.get((version, release or ""))
    kind = "ltsb" if year in ("2015", "2016") else "ltsc"
    if year is None:
        return OsGuess("windows", f"Windows {version} LTSC")
    wanted = f"Windows {version} {kind.upper()} {year}"
    plain = f"{version}-{kind}-{year}"
    if re.search(r"\biot\b", s):
        return OsGuess(
            "windows",
            f"Windows {version} IoT {kind.upper()} {year}",
            ((f"{version}-iot-{kind}-{year}", ""), (plain, "")),
        )
    return OsGuess("windows", wanted, ((plain, ""),))


def _windows_default_release(version: str, edition: str | None, rows: Rows) -> OsGuess:
    """Windows 10/11 named without a release: take the release whose support ends last."""
    best: tuple[pd.Timestamp, str, str] | None = None
    for cycle, row in rows.get("windows", {}).items():
        m = _FEATURE_CYCLE.match(cycle)
        if not m or m.group(1) != version or m.group(3) not in (None, edition or "e"):
            continue
        end = row[COLUMNS.index("support_end")]
        if pd.isna(end):
            continue
        if best is None or end > best[0]:
            best = (end, cycle, m.group(2).upper())
    if best is None:
        return OsGuess("windows", f"Windows {version}")
    note = (
        f"Windows {version} without a release: assumed the {best[2]} dates "
        "(its last-supported release)"
    )
    if edition is None and best[1].endswith("-e"):
        note += "; edition not given: assumed Enterprise/Education"
    return OsGuess("windows", f"Windows {version}", ((best[1], note),))


#: Microsoft recognisers in the order they are tried: servers before desktops
#: (``Windows Server 2012`` is never Windows client), SQL Server after Windows Server (the
#: OS wins when a text names both), embedded before desktop (``Windows Embedded Standard 7``).
WINDOWS_RECOGNISERS: tuple[tuple[str, Callable[[str, Rows], OsGuess | None]], ...] = (
    ("windows-server", _windows_server),
    ("mssqlserver", _sql_server),
    ("windows-embedded", _windows_embedded),
    ("windows", _windows_client),
)
