"""Windows Server, in the forms people, Active Directory, WMI and scanners write it.

* by year and R2 in any spelling: ``Windows Server 2012 R2``, ``Win 2012 R2``,
  ``Server 2008R2``, ``W2K8 R2``, ``srv2016``, ``Windows 2008 R2 Enterprise`` (Qualys
  leaves out "Server");
* with the edition anywhere: ``Windows Server Datacenter 2016``, ``Windows Server Core
  2019``, ``Windows Server (R) 2008 Standard``, ``Windows Storage Server 2016``,
  ``Hyper-V Server 2019`` (free editions of the same release);
* without a year, by build: ``Microsoft Windows Server Standard`` with ``10.0.17763``
  (WMI's caption of Server Core 2016/2019 has no year), or by semi-annual release
  (``Windows Server, version 1809``);
* service packs: ``Windows Server 2003 SP1`` is its own, older, row when the table has it.

"server" counts only as Windows' own word: ``Exchange Server 2016`` and ``SQL Server
2016`` are other products (read before, see :mod:`flowmap.reference.os_names`), and
any other word before "server" (``HP ProLiant server``) stops the reading.
"""

from __future__ import annotations

import re

from flowmap.reference.os_names.guess import NOT_WORD_BEFORE, OsGuess, Reading, Rows
from flowmap.reference.os_names.windows_builds import BUILDS, NT_VERSIONS, find_build

_YEARS = "2000|2003|2008|2012|2016|2019|2022|2025"
_W2K_YEARS = {"3": "2003", "8": "2008", "12": "2012", "16": "2016", "19": "2019", "22": "2022"}
_W2K_YEARS["25"] = "2025"
_EDITIONS = (
    r"(?:standard|datacenter|data\s*center|enterprise|web|foundation|essentials|core"
    r"|storage|evaluation|edition|server)"
)
_SERVER_SHORT = re.compile(
    NOT_WORD_BEFORE + r"(?:(?:windows|win)[\s\-]*|w)2k\s*(3|8|12|16|19|22|25)"
    r"(?:\s*(r2))?(?![0-9])"
)
_SERVER_WORD = re.compile(
    NOT_WORD_BEFORE + r"(windows\s*server|win\s*server|winsrv|server|srv|ws)"
    rf"((?:[\s:,]+{_EDITIONS})*)[\s:,]*({_YEARS})(?:\s*(r2))?(?![0-9])"
)
_WINDOWS_YEAR = re.compile(
    NOT_WORD_BEFORE + r"(?:microsoft\s+)?(?:windows|win)[\s\-]*(2003|2008|2012|2016|2019|2022|2025)"
    r"(?:\s*(r2))?(?![0-9])"
)
_WINDOWS_2000_SERVER = re.compile(
    NOT_WORD_BEFORE + r"(?:windows|win)\s*(?:2000|2k)(?![0-9])[^/]*?"
    r"(?:\bserver\b|\badvanced server\b|\bas\b)"
)
_SERVER_ANY = re.compile(NOT_WORD_BEFORE + r"(?:windows\s*server|win\s*server|winsrv)(?![a-z])")
_SAC = re.compile(r"(?<![0-9])(1709|1803|1809|1903|1909|2004|20h2|23h2)(?![0-9a-z])")
_SP = re.compile(r"(?<![a-z])(?:sp|service\s*pack)\s*(\d)(?![0-9])")
_OTHER_SERVERS = re.compile(
    NOT_WORD_BEFORE + r"(small\s*business|home|essential\s*business|multipoint)\s*server"
    rf"(?:\s+{_EDITIONS})*\s*(20\d\d)?"
)
#: Words that may stand before Windows' own "server".
_OWN_WORDS = {"", "microsoft", "ms", "windows", "win", "the", "storage", "hyper-v", "hyperv"}
_SAME_RELEASE = re.compile(NOT_WORD_BEFORE + r"(storage|hyper-?v)\s*server")


def _word_before(s: str, at: int) -> str:
    m = re.search(r"([a-z0-9\-]+)\W*$", s[:at])
    return m.group(1) if m else ""


def _guess(year: str, r2: str | None, s: str, said: str, note: str = "") -> OsGuess:
    cycle = f"{year}-r2" if r2 else year
    wanted = f"Windows Server {year}{' R2' if r2 else ''}"
    cycles: tuple[tuple[str, str], ...] = ((cycle, note),)
    sp = _SP.search(s)
    if sp:
        cycles = ((f"{cycle}-sp{sp.group(1)}", note), *cycles)
    return OsGuess("windows-server", wanted, cycles, said)


def _other_servers(s: str) -> OsGuess | None:
    """Small Business Server, Home Server and other editions with lifecycles of their own."""
    m = _OTHER_SERVERS.search(s)
    if not m:
        return None
    kind = re.sub(r"\s+", " ", m.group(1)).replace("essential business", "ebs")
    short = {"small business": "sbs", "home": "home-server", "ebs": "ebs"}.get(kind, kind)
    name = {"sbs": "Small Business Server", "home-server": "Home Server"}.get(
        short, f"{kind.title()} Server"
    )
    year = m.group(2)
    cycles = ((f"{short}-{year}", ""),) if year else ()
    return OsGuess("windows-server", f"Windows {name} {year or ''}".strip(), cycles, m.group(0))


def windows_server(s: str, rows: Rows) -> Reading | OsGuess | None:
    """Windows Server: ``Windows Server 2012 R2``, ``Win 2012 R2``, ``W2K8 R2``, by build...

    Examples
    --------
    >>> windows_server("windows server datacenter 2016", {}).cycles
    (('2016', ''),)
    >>> windows_server("microsoft exchange server 2016 cu23", {}) is None
    True
    >>> windows_server("microsoft windows server standard 10.0.17763", {}).cycles
    (('2019', 'build 17763 is Windows Server 2019'),)
    """
    other = _other_servers(s)
    if other is not None:
        return other
    m = _SERVER_SHORT.search(s)
    if m:
        return _guess(_W2K_YEARS[m.group(1)], m.group(2), s, m.group(0))
    for m in _SERVER_WORD.finditer(s):
        if m.group(1) in ("server", "srv", "ws") and _word_before(s, m.start()) not in _OWN_WORDS:
            continue
        same = _SAME_RELEASE.search(s)
        note = f"{same.group(0)} is an edition of that release" if same else ""
        return _guess(m.group(3), m.group(4), s, m.group(0), note)
    m = _WINDOWS_YEAR.search(s)
    if m:
        return _guess(m.group(1), m.group(2), s, m.group(0))
    m = _WINDOWS_2000_SERVER.search(s)
    if m:
        return OsGuess("windows-server", "Windows 2000 Server", (("2000", ""),), m.group(0))
    m = _SERVER_ANY.search(s)
    if not m:
        return None
    return _server_without_year(s, m.group(0), rows)


def _server_without_year(s: str, said: str, rows: Rows) -> Reading | OsGuess:
    """``Windows Server`` with a build, a semi-annual release, an NT version, or nothing."""
    build = find_build(s)
    if build and BUILDS[build[0]][1]:
        cycle = BUILDS[build[0]][1]
        note = f"build {build[0]} is Windows Server {cycle.upper() if 'h' in cycle else cycle}"
        return OsGuess(
            "windows-server", f"Windows Server {cycle}", ((cycle, note),), f"{said} {build[1]}"
        )
    sac = _SAC.search(s)
    if sac:
        name = sac.group(1)
        return OsGuess(
            "windows-server", f"Windows Server {name.upper()}", ((name, ""),), sac.group(0)
        )
    nt = re.search(r"(?<![0-9.])(5\.[02]|6\.[0-3])(?:\.\d+)?(?![0-9])", s)
    if nt and NT_VERSIONS[nt.group(1)][1]:
        cycle = NT_VERSIONS[nt.group(1)][1]
        return OsGuess(
            "windows-server",
            f"Windows Server {cycle}",
            (
                (
                    cycle,
                    f"version {nt.group(1)} is Windows Server {cycle.replace('-', ' ').upper()}",
                ),
            ),
            f"{said} {nt.group(0)}",
        )
    releases = [c for c in rows.get("windows-server", {}) if re.fullmatch(r"\d{4}(-r2)?", c)]
    if not releases:
        return OsGuess("windows-server", "Windows Server", (), said)
    return Reading(
        tuple(
            OsGuess("windows-server", f"Windows Server {c}", ((c, ""),), said)
            for c in sorted(releases)
        ),
        note="Windows Server without a year or build",
        label="Windows Server, release not given",
    )
