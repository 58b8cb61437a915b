"""Microsoft's server applications: SQL Server, Exchange, SharePoint, Office and others.

Their names hold Windows' words (``Exchange Server 2016``, ``SharePoint Server 2016``,
``SQL Server 2016``), so they are read first and their words blanked before any
operating system is looked for: ``Exchange Server 2016 CU23`` is Exchange 2016, never
Windows Server 2016. Forms read:

* SQL Server by year, service pack and edition: ``SQL Server 2012``, ``Microsoft SQL
  Server 2016 SP2`` (an older service pack has its own, earlier, dates), ``MSSQL 2019``,
  ``Microsoft SQL Server 2014 (SP3-CU3) ... 12.0.6259.0``;
* Exchange by year or build (``Version 15.1 (Build 2375.7)``, its
  ``AdminDisplayVersion``), Exchange Server SE;
* SharePoint Server and Foundation by year or Subscription Edition; Office by year;
* other Microsoft servers (Skype for Business, BizTalk, System Center...) and Microsoft
  365, which flowmap holds no dates for, by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flowmap.reference.os_names.guess import NOT_WORD_BEFORE, OsGuess, Reading, Rows

Found = tuple[Reading, tuple[int, int]]

_SQL = re.compile(
    NOT_WORD_BEFORE + r"(?:microsoft\s+)?(?:ms\s*)?sql(?:\s*server)?"
    r"(?:\s+(?:express|standard|enterprise|web|developer|workgroup|std|ent|edition))*"
    r"\s*(2000|2005|2008|2012|2014|2016|2017|2019|2022|2025)(?:\s*(r2))?(?![0-9])"
)
_SQL_ANY = re.compile(NOT_WORD_BEFORE + r"(?:ms\s*sql|mssql|sql\s*server)(?![a-z])")
_SQL_ENGINE = re.compile(r"(?<![0-9.])(1[0-7]|9|8)\.(\d{1,2})\.\d{3,4}(?:\.\d+)?(?![0-9])")
_SQL_ENGINES = {"17": "2025", "16": "2022", "15": "2019", "14": "2017", "13": "2016",
                "12": "2014", "11": "2012", "10.50": "2008-r2", "10": "2008", "9": "2005",
                "8": "2000"}  # fmt: skip
_SP = re.compile(r"(?<![a-z])(?:sp|service\s*pack)\s*(\d)(?![0-9])")


def sql_server(s: str, rows: Rows) -> Found | None:
    """SQL Server: ``SQL Server 2012``, ``Microsoft SQL Server 2016 SP2``, ``MSSQL 2019``.

    >>> reading, span = sql_server("microsoft sql server 2016 sp2", {})
    >>> reading.guesses[0].cycles
    (('2016-sp2', ''), ('2016', ''))
    """
    m = _SQL.search(s)
    if m:
        year, r2 = m.group(1), m.group(2)
        span = (m.start(), m.end())
        said = m.group(0)
    else:
        m = _SQL_ANY.search(s)
        if not m:
            return None
        engine = _SQL_ENGINE.search(s, m.end())
        span = (m.start(), m.end())
        if not engine:
            return Reading((OsGuess("mssqlserver", "SQL Server", (), m.group(0)),)), span
        minor = int(engine.group(2))
        key = f"{engine.group(1)}.{minor}" if minor == 50 else engine.group(1)
        if key not in _SQL_ENGINES:
            return Reading((OsGuess("mssqlserver", "SQL Server", (), m.group(0)),)), span
        year, r2 = _SQL_ENGINES[key].split("-")[0], "r2" if minor == 50 else None
        said = f"{m.group(0)} {engine.group(0)}"
    cycle = f"{year}-r2" if r2 else year
    wanted = f"SQL Server {year}{' R2' if r2 else ''}"
    cycles: tuple[tuple[str, str], ...] = ((cycle, ""),)
    sp = _SP.search(s, span[0])
    if sp:
        cycles = ((f"{cycle}-sp{sp.group(1)}", ""), *cycles)
        wanted += f" SP{sp.group(1)}"
    return Reading((OsGuess("mssqlserver", wanted, cycles, said),)), span


_EXCHANGE = re.compile(
    NOT_WORD_BEFORE + r"(?:microsoft\s+)?exchange(?:\s*server)?"
    r"(?:\s+(?:standard|enterprise|edition))*\s*(20\d\d|5\.5|se|subscription(?:\s*edition)?)?"
    r"(?![0-9a-z])"
)
_EXCHANGE_BUILD = re.compile(r"^version (1[45]|8)\.(\d) \(build (\d+)\.\d+\)$")


def exchange(s: str, rows: Rows) -> Found | None:
    """Exchange Server: ``Exchange Server 2016 CU23``, ``Version 15.1 (Build 2375.7)``.

    >>> exchange("exchange server 2016 cu23", {})[0].guesses[0].cycles
    (('2016', ''),)
    >>> exchange("version 15.2 (build 2562.17)", {})[0].guesses[0].cycles
    (('subscription', 'Exchange build 15.2.2562 is Exchange Server SE'),)
    """
    b = _EXCHANGE_BUILD.match(s)
    if b:
        major, minor, build = b.group(1), int(b.group(2)), int(b.group(3))
        if major == "15":
            cycle = {0: "2013", 1: "2016"}.get(minor, "subscription" if build >= 2562 else "2019")
        else:
            cycle = {"14": "2010", "8": "2007"}[major]
        name = "Exchange Server SE" if cycle == "subscription" else f"Exchange Server {cycle}"
        note = f"Exchange build {major}.{minor}.{build} is {name}"
        return Reading((OsGuess("msexchange", name, ((cycle, note),), s),)), (0, len(s))
    m = _EXCHANGE.search(s)
    if not m or not (m.group(1) or re.search(r"exchange\s*server", m.group(0))):
        return None
    version = m.group(1)
    span = (m.start(), m.end())
    if not version:
        return Reading((OsGuess("msexchange", "Exchange Server", (), m.group(0)),)), span
    cycle = "subscription" if version.startswith(("se", "subscription")) else version
    name = "Exchange Server SE" if cycle == "subscription" else f"Exchange Server {cycle}"
    return Reading((OsGuess("msexchange", name, ((cycle, ""),), m.group(0)),)), span


_SHAREPOINT = re.compile(
    NOT_WORD_BEFORE + r"(?:microsoft\s+)?sharepoint(?:\s*(?:server|foundation|portal\s*server))?"
    r"\s*(20\d\d|subscription(?:\s*edition)?|se)?(?![0-9a-z])"
)
_OFFICE = re.compile(
    NOT_WORD_BEFORE + r"(?:microsoft\s+)?office(?:\s+(?:professional(?:\s+plus)?|standard"
    r"|home\s+and\s+business|home\s+and\s+student|pro\s*plus|ltsc))*"
    r"\s*(2007|2010|2013|2016|2019|2021|2024)(?:\s*(ltsc))?(?![0-9])"
)


def sharepoint(s: str, rows: Rows) -> Found | None:
    """SharePoint Server (and Foundation) by year or Subscription Edition."""
    m = _SHAREPOINT.search(s)
    if not m:
        return None
    version = m.group(1)
    span = (m.start(), m.end())
    if not version:
        return Reading((OsGuess("sharepoint", "SharePoint Server", (), m.group(0)),)), span
    cycle = "subscription" if version.startswith(("se", "sub")) else version
    name = "SharePoint Server SE" if cycle == "subscription" else f"SharePoint Server {cycle}"
    return Reading((OsGuess("sharepoint", name, ((cycle, ""),), m.group(0)),)), span


def office(s: str, rows: Rows) -> Found | None:
    """Office by year: ``Microsoft Office Professional Plus 2016``, ``Office LTSC 2024``."""
    m = _OFFICE.search(s)
    if not m:
        return None
    cycle = f"{m.group(1)}-ltsc" if m.group(2) or "ltsc" in m.group(0) else m.group(1)
    cycles = ((cycle, ""), (m.group(1), "")) if cycle != m.group(1) else ((cycle, ""),)
    guess = OsGuess("office", f"Office {m.group(1)}", cycles, m.group(0))
    return Reading((guess,)), (m.start(), m.end())


_OTHERS = re.compile(
    NOT_WORD_BEFORE + r"(?:(?:microsoft|office)\s*365(?:\s*apps)?"
    r"|skype\s*for\s*business(?:\s*server)?|lync(?:\s*server)?|biztalk(?:\s*server)?"
    r"|project\s*server|team\s*foundation\s*server|azure\s*devops\s*server"
    r"|system\s*center(?:\s*[a-z ]+?manager)?|dynamics\s*(?:crm|ax|nav|gp|365)"
    r"|visual\s*studio|host\s*integration\s*server|isa\s*server|forefront(?:\s*[a-z]+)?"
    r"|windows\s*server\s*update\s*services|wsus|windows\s*admin\s*center|windows\s*defender"
    r"|exchange\s*online)(?:\s*(?:20\d\d|\d+(?:\.\d+)*))?(?![0-9a-z])"
)


def other_microsoft(s: str, rows: Rows) -> Found | None:
    """Microsoft products flowmap holds no dates for, claimed so their words are not Windows."""
    m = _OTHERS.search(s)
    if not m:
        return None
    name = " ".join(m.group(0).split())
    return Reading((OsGuess("microsoft-other", name, ((name, ""),), m.group(0)),)), (
        m.start(),
        m.end(),
    )


#: Microsoft applications in the order they are tried.
MICROSOFT_APPS: tuple[Callable[[str, Rows], Found | None], ...] = (
    other_microsoft,
    exchange,
    sharepoint,
    sql_server,
    office,
)
