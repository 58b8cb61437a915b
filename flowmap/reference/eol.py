"""End-of-life dates for operating systems and platforms, and a matcher for free-text OS names.

An :class:`EolTable` holds one row per product release (a *cycle*): when its vendor
support ends (``support_end``) and, where the vendor sells one, when its paid
extension ends (``extended_end``). flowmap bundles a table of the systems most
often found in health and care estates (``flowmap/data/eol.csv``, see
``docs/reference-data.md``); :func:`load_endoflife` adds any product from an
`endoflife.date <https://endoflife.date>`_ API file.

Inventories name operating systems as people type them: ``Win 2012 R2``,
``W2K8 R2``, ``Ubuntu 18.04.6 LTS``, ``CentOS Linux 7.9.2009``.
:meth:`EolTable.match` turns such text into a release and says, in
``OsMatch.reason``, what it assumed or why it could not match.

Dates in a table are :class:`datetime.date`; in DataFrames they are ``datetime64``.
An endoflife.date cycle that has ended on an unpublished date gets
:data:`ENDED_DATE_UNKNOWN` (1970-01-01) as its ``support_end``, so it always
counts as ended.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from flowmap.errors import ReferenceDataError

#: Columns of an end-of-life table, in file order.
COLUMNS: tuple[str, ...] = ("product", "cycle", "label", "support_end", "extended_end", "source")

#: Columns :meth:`EolTable.match_many` returns, in order.
MATCH_COLUMNS: tuple[str, ...] = (
    "os_product", "os_cycle", "os_label", "support_end", "extended_end", "eol_source",
    "os_recognised", "os_match_reason",
)

#: ``support_end`` of a release whose support has ended on a date nobody published
#: (endoflife.date says ``"eol": true``). Any comparison with today says "ended".
ENDED_DATE_UNKNOWN = dt.date(1970, 1, 1)

_BUNDLED = "eol.csv"


@dataclass(frozen=True)
class OsMatch:
    """What an operating-system text was matched to.

    Attributes
    ----------
    product : str or None
        Product key (``windows``, ``windows-server``, ``ubuntu``, ...). Set when the
        product was recognised even if its release was not; None when no product matched.
    cycle : str or None
        Release key within the product (``2012-r2``, ``10-22h2``, ``18.04``). When not
        recognised, the release the text seemed to name, or None.
    label : str or None
        Human-readable name of the matched release.
    support_end : datetime.date or None
        End of vendor support (security updates). None when not recognised or not announced.
    extended_end : datetime.date or None
        End of paid extended security updates; None when there is no such offer.
    source : str or None
        Where the dates come from (vendor lifecycle page).
    recognised : bool
        True when a release of the table was matched.
    reason : str
        Empty for a clean match; otherwise what was assumed (e.g. the release or
        edition) or why nothing matched.
    """

    product: str | None
    cycle: str | None
    label: str | None
    support_end: dt.date | None
    extended_end: dt.date | None
    source: str | None
    recognised: bool
    reason: str


@dataclass(frozen=True)
class _Guess:
    """What a recogniser read from the text: a product and the cycles to try, best first."""

    product: str
    wanted: str
    cycles: tuple[tuple[str, str], ...] = ()  # (cycle, note to report if this cycle matches)


_Rows = Mapping[str, Mapping[str, tuple]]  # product -> cycle -> row tuple (COLUMNS order)


# ---------------------------------------------------------------------------------------
# Recognisers for the bundled products. Each reads normalised text (lower case, single
# spaces) and returns a _Guess, or None when the text is not about its product.
# ---------------------------------------------------------------------------------------

_NOT_WORD_BEFORE = r"(?<![a-z0-9])"
_SERVER_YEARS = "2000|2003|2008|2012|2016|2019|2022|2025"
_W2K_YEARS = {"3": "2003", "8": "2008", "12": "2012", "16": "2016", "19": "2019",
              "22": "2022", "25": "2025"}

# "Windows 7", "Win 7", "Win7" or "W7": a bare "w" only directly before the version.
_WIN_PREFIX = r"(?:(?:microsoft\s+)?(?:windows|win)[\s\-]*|w)"
_SERVER_SHORT = re.compile(_NOT_WORD_BEFORE + _WIN_PREFIX + r"2k\s*(3|8|12|16|19|22|25)"
                           r"(?:\s*(r2))?(?![0-9])")
_SERVER_WORD = re.compile(_NOT_WORD_BEFORE + r"(?<!sql )(?<!sql)"
                          r"(?:windows\s*server|win\s*server|winsrv|server|srv|ws)\s*"
                          rf"({_SERVER_YEARS})(?:\s*(r2))?(?![0-9])")
_SERVER_YEAR = re.compile(_NOT_WORD_BEFORE + _WIN_PREFIX +
                          r"(2003|2008|2012|2016|2019|2022|2025)(?:\s*(r2))?(?![0-9])")
_WINDOWS_2000_SERVER = re.compile(_NOT_WORD_BEFORE + r"(?:windows|win)\s*(?:2000|2k)(?![0-9])"
                                  r".*\bserver\b")
_SERVER_ANY = re.compile(r"\bwindows\s*server\b|\bwin\s*server\b|\bwinsrv\b")


def _windows_server(s: str, rows: _Rows) -> _Guess | None:
    """Windows Server: ``Windows Server 2012 R2``, ``Win 2012 R2``, ``Server 2008R2``, ``W2K8 R2``.
    """
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
                return _Guess("windows-server", f"Windows Server {name.upper()}", ((name, ""),))
            return _Guess("windows-server", "Windows Server")
        else:
            return None
    cycle = f"{year}-r2" if r2 else year
    wanted = f"Windows Server {year}{' R2' if r2 else ''}"
    return _Guess("windows-server", wanted, ((cycle, ""),))


_SQL = re.compile(_NOT_WORD_BEFORE + r"(?:ms\s*)?sql(?:\s*server)?"
                  r"(?:\s+(?:express|standard|enterprise|web|developer|workgroup|std|ent|edition))*"
                  r"\s*(2000|2005|2008|2012|2014|2016|2017|2019|2022|2025)(?:\s*(r2))?(?![0-9])")
_SQL_ANY = re.compile(_NOT_WORD_BEFORE + r"(?:ms\s*sql|sql\s*server)")


def _sql_server(s: str, rows: _Rows) -> _Guess | None:
    """Microsoft SQL Server: ``SQL Server 2012``, ``Microsoft SQL Server 2016 SP2``, ``MSSQL 2019``.
    """
    m = _SQL.search(s)
    if m:
        year, r2 = m.group(1), m.group(2)
        cycle = f"{year}-r2" if r2 else year
        return _Guess("mssqlserver", f"SQL Server {year}{' R2' if r2 else ''}", ((cycle, ""),))
    if _SQL_ANY.search(s):
        return _Guess("mssqlserver", "SQL Server")
    return None


_EMBEDDED = re.compile(r"\bposready\b|\bwes\s*7\b|\bxpe\b|\bxp\s*embedded\b"
                       r"|\b(?:windows|win)\b.*\bembedded\b|\bembedded\b.*\b(?:windows|win)\b")
_EMBEDDED_VERSION = re.compile(r"(?<![a-z0-9.])(xp|2009|8\.1|7|8)(?![0-9])")


def _windows_embedded(s: str, rows: _Rows) -> _Guess | None:
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
        return _Guess("windows-embedded", "Windows Embedded")
    if re.search(r"\bcompact\b|\bce\b", s):  # Windows Embedded Compact is not bundled
        return _Guess("windows-embedded", f"Windows Embedded Compact {version}",
                      ((f"compact-{version}", ""),))
    cycle = {
        "xp": "xp",
        "2009": "posready-2009" if posready else "standard-2009",
        "7": "posready-7" if posready else "standard-7",
        "8.1": "8.1-industry",
        "8": "standard-8",
    }[version]
    name = "POSReady" if posready else "Embedded"
    return _Guess("windows-embedded", f"Windows {name} {version.upper()}", ((cycle, ""),))


_WIN_VERSION = re.compile(_NOT_WORD_BEFORE + _WIN_PREFIX +
                          r"(xp|vista|2000|2k|7|8\.1|81|8|10|11)(?![0-9])")
_WIN_BARE = re.compile(r"^(xp|vista)\b|(?<![a-z])vista(?![a-z])")
_WIN_ANY = re.compile(_NOT_WORD_BEFORE + r"(?:windows|win)(?![a-z])")
_WIN_BUILD = re.compile(r"(?<![0-9])10\.0\.(\d{5})(?![0-9])")
_WIN_RELEASE = re.compile(r"(?<![0-9])(1507|1511|1607|1703|1709|1803|1809|1903|1909|2004|"
                          r"20h2|21h1|21h2|22h2|23h2|24h2|25h2)(?![0-9a-z])")
_LTSC = re.compile(r"\blts[bc]\b|\blong[\s-]term servicing")
_LTSC_YEAR = re.compile(r"(?<![0-9])(2015|2016|2019|2021|2024)(?![0-9])")
_EDITION_HOME_PRO = re.compile(r"\b(?:home|pro|professional|workstations?)\b")
_EDITION_ENTERPRISE = re.compile(r"\b(?:enterprise|education|ent|edu)\b")

# Build number (10.0.NNNNN) -> (major version, release).
_WIN_BUILDS = {
    "10240": ("10", "1507"), "10586": ("10", "1511"), "14393": ("10", "1607"),
    "15063": ("10", "1703"), "16299": ("10", "1709"), "17134": ("10", "1803"),
    "17763": ("10", "1809"), "18362": ("10", "1903"), "18363": ("10", "1909"),
    "19041": ("10", "2004"), "19042": ("10", "20h2"), "19043": ("10", "21h1"),
    "19044": ("10", "21h2"), "19045": ("10", "22h2"), "22000": ("11", "21h2"),
    "22621": ("11", "22h2"), "22631": ("11", "23h2"), "26100": ("11", "24h2"),
    "26200": ("11", "25h2"),
}
# LTSB/LTSC: (major, year or release) -> year of the LTSC edition.
_LTSC_BY_RELEASE = {("10", "1507"): "2015", ("10", "1607"): "2016", ("10", "1809"): "2019",
                    ("10", "21h2"): "2021", ("11", "24h2"): "2024"}
_FEATURE_CYCLE = re.compile(r"^(10|11)-(\d\d[0-9h]\d)(?:-([ew]))?$")


def _windows_client(s: str, rows: _Rows) -> _Guess | None:
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
            return _Guess("windows", "Windows")
        else:
            return None
    simple = {"xp": "xp", "vista": "vista", "2000": "2000", "2k": "2000", "7": "7", "8": "8",
              "8.1": "8.1", "81": "8.1"}
    if version in simple:
        cycle = simple[version]
        return _Guess("windows", f"Windows {cycle.upper() if cycle == 'xp' else cycle.title()}",
                      ((cycle, ""),))

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
    return _Guess("windows", wanted, cycles)


def _windows_ltsc(s: str, version: str, release: str | None) -> _Guess:
    """Windows 10/11 Enterprise LTSB/LTSC, by year (``LTSC 2019``) or release (``LTSC 1809``)."""
    y = _LTSC_YEAR.search(s)
    year = y.group(1) if y else _LTSC_BY_RELEASE.get((version, release or ""))
    kind = "ltsb" if year in ("2015", "2016") else "ltsc"
    if year is None:
        return _Guess("windows", f"Windows {version} LTSC")
    wanted = f"Windows {version} {kind.upper()} {year}"
    plain = f"{version}-{kind}-{year}"
    if re.search(r"\biot\b", s):
        return _Guess("windows", f"Windows {version} IoT {kind.upper()} {year}",
                      ((f"{version}-iot-{kind}-{year}", ""), (plain, "")))
    return _Guess("windows", wanted, ((plain, ""),))


def _windows_default_release(version: str, edition: str | None, rows: _Rows) -> _Guess:
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
        return _Guess("windows", f"Windows {version}")
    note = (f"Windows {version} without a release: assumed the {best[2]} dates "
            "(its last-supported release)")
    if edition is None and best[1].endswith("-e"):
        note += "; edition not given: assumed Enterprise/Education"
    return _Guess("windows", f"Windows {version}", ((best[1], note),))


def _major_version(s: str, after: int) -> str | None:
    """The first number after position ``after`` (``7`` in ``centos linux 7.9.2009``)."""
    m = re.search(r"(?<![0-9.])(\d{1,2})(?:\.\d+)*(?![0-9])", s[after:])
    return str(int(m.group(1))) if m else None


_UBUNTU = re.compile(r"(?<![a-z])ubuntu(?![a-z])")
_UBUNTU_VERSION = re.compile(r"(?<![0-9.])(\d{1,2})\.(\d{2})(?:\.\d+)?(?![0-9])")
_UBUNTU_NAMES = {"precise": "12.04", "trusty": "14.04", "xenial": "16.04", "bionic": "18.04",
                 "focal": "20.04", "jammy": "22.04", "noble": "24.04"}


def _ubuntu(s: str, rows: _Rows) -> _Guess | None:
    """Ubuntu: ``Ubuntu 18.04.6 LTS``, ``Ubuntu 22.04``, ``Ubuntu Jammy``."""
    m = _UBUNTU.search(s)
    if not m:
        return None
    v = _UBUNTU_VERSION.search(s, m.end())
    if v:
        cycle = f"{int(v.group(1))}.{v.group(2)}"
    else:
        cycle = next((c for name, c in _UBUNTU_NAMES.items() if re.search(rf"\b{name}\b", s)), None)
    if cycle is None:
        return _Guess("ubuntu", "Ubuntu")
    return _Guess("ubuntu", f"Ubuntu {cycle}", ((cycle, ""),))


_RHEL = re.compile(r"(?<![a-z])(?:rhel|red\s*hat)(?![a-z])")
_RHEL_NAMES = {"tikanga": "5", "santiago": "6", "maipo": "7", "ootpa": "8", "plow": "9",
               "coughlan": "10"}
_CENTOS = re.compile(r"(?<![a-z])centos(?![a-z])")
_CENTOS_STREAM = re.compile(r"(?<![a-z])centos\s*stream(?![a-z])")
_DEBIAN = re.compile(r"(?<![a-z])debian(?![a-z])")
_DEBIAN_NAMES = {"wheezy": "7", "jessie": "8", "stretch": "9", "buster": "10", "bullseye": "11",
                 "bookworm": "12", "trixie": "13"}


def _major_release(product: str, name: str, pattern: re.Pattern[str],
                   codenames: Mapping[str, str]) -> Callable[[str, _Rows], _Guess | None]:
    """A recogniser for a product versioned by a major number (RHEL 7, Debian 11)."""

    def recognise(s: str, rows: _Rows) -> _Guess | None:
        m = pattern.search(s)
        if not m:
            return None
        major = _major_version(s, m.end())
        if major is None:
            major = next((c for code, c in codenames.items() if re.search(rf"\b{code}\b", s)), None)
        if major is None:
            return _Guess(product, name)
        return _Guess(product, f"{name} {major}", ((major, ""),))

    recognise.__doc__ = f"{name}: the first number after the name is the release."
    return recognise


_CENTOS_LINUX = _major_release("centos", "CentOS", _CENTOS, {})


def _centos(s: str, rows: _Rows) -> _Guess | None:
    """CentOS Linux (``CentOS 7``, ``CentOS Linux 7.9.2009``) but not CentOS Stream."""
    if _CENTOS_STREAM.search(s):
        return None
    return _CENTOS_LINUX(s, rows)


#: Recognisers in the order they are tried: servers before desktops (``Windows Server
#: 2012`` is never Windows client), SQL Server after Windows Server (the OS wins when a
#: text names both), embedded before desktop (``Windows Embedded Standard 7``).
_RECOGNISERS: tuple[tuple[str, Callable[[str, _Rows], _Guess | None]], ...] = (
    ("windows-server", _windows_server),
    ("mssqlserver", _sql_server),
    ("windows-embedded", _windows_embedded),
    ("windows", _windows_client),
    ("ubuntu", _ubuntu),
    ("rhel", _major_release("rhel", "RHEL", _RHEL, _RHEL_NAMES)),
    ("centos-stream", _major_release("centos-stream", "CentOS Stream", _CENTOS_STREAM, {})),
    ("centos", _centos),
    ("debian", _major_release("debian", "Debian", _DEBIAN, _DEBIAN_NAMES)),
)
_SPECIAL_PRODUCTS = frozenset(name for name, _ in _RECOGNISERS)


def _normalise(text: str) -> str:
    """Lower case, ``_`` and trademark signs removed, runs of spaces collapsed."""
    for mark in ("®", "™", "(r)", "(tm)"):
        text = text.replace(mark, " ")
    return " ".join(text.lower().replace("_", " ").split())


def _alias_pattern(alias: str) -> str:
    """A regex for a product name where spaces, hyphens and dots are optional separators."""
    parts = [re.escape(p) for p in re.split(r"[\s\-_]+", alias.strip()) if p]
    return r"[\s\-_]*".join(parts)


# ---------------------------------------------------------------------------------------
# The table.
# ---------------------------------------------------------------------------------------


class EolTable:
    """End-of-life dates by product release, and a matcher for free-text OS names.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``product, cycle, label, support_end, extended_end, source``; the date
        columns ``datetime64`` (NaT when absent). Use :meth:`bundled`, :meth:`from_csv`
        or :func:`load_endoflife` rather than building one by hand.

    Examples
    --------
    >>> table = EolTable.bundled()
    >>> m = table.match("Win 2012 R2")
    >>> m.label, m.support_end.isoformat(), m.extended_end.isoformat()
    ('Windows Server 2012 R2', '2023-10-10', '2026-10-13')
    >>> table.match("Windows 10").reason
    'Windows 10 without a release: assumed the 22H2 dates (its last-supported release)'
    >>> table.match("Proprietary RTOS").reason
    "no product matches 'Proprietary RTOS'"
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"an end-of-life frame needs columns {COLUMNS}; missing {missing}")
        self.frame = frame.loc[:, list(COLUMNS)].reset_index(drop=True)
        rows: dict[str, dict[str, tuple]] = {}
        for row in self.frame.itertuples(index=False, name=None):
            rows.setdefault(row[0], {})[row[1]] = row
        self._rows = rows
        self._generic = self._generic_patterns()

    def __repr__(self) -> str:
        return f"EolTable({len(self.frame)} releases of {self.frame['product'].nunique()} products)"

    # -- construction -------------------------------------------------------------------

    @classmethod
    def bundled(cls) -> EolTable:
        """The table shipped with flowmap (``flowmap/data/eol.csv``).

        Examples
        --------
        >>> table = EolTable.bundled()
        >>> sorted(table.frame["product"].unique())[:3]
        ['centos', 'centos-stream', 'debian']
        """
        resource = resources.files("flowmap") / "data" / _BUNDLED
        with resources.as_file(resource) as path:
            return cls.from_csv(path)

    @classmethod
    def from_csv(cls, path: str | Path) -> EolTable:
        """Read an end-of-life table in flowmap's CSV layout.

        Columns ``product,cycle,label,support_end,extended_end,source``; dates
        ``YYYY-MM-DD``; ``extended_end`` (and ``support_end`` when not announced) may be
        empty. ``product`` and ``cycle`` are matched in lower case.

        Raises
        ------
        ReferenceDataError
            The file is missing, lacks a column, or has a bad or out-of-order date.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "mine.csv").write_text(
        ...     "product,cycle,label,support_end,extended_end,source\\n"
        ...     "fedora,38,Fedora 38,2024-05-21,,https://fedoraproject.org\\n")
        >>> EolTable.from_csv(folder / "mine.csv").match("Fedora 38").support_end
        datetime.date(2024, 5, 21)
        """
        path = Path(path)
        if not path.is_file():
            raise ReferenceDataError(
                f"{path}: no such end-of-life file; check the path or leave the option out "
                "to use the bundled table."
            )
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=True)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise ReferenceDataError(
                f"{path} is not a readable CSV file ({str(exc).splitlines()[0]}); "
                f"save it as UTF-8 CSV with columns {','.join(COLUMNS)}."
            ) from exc
        raw.columns = [c.strip().lower() for c in raw.columns]
        missing = [c for c in COLUMNS if c not in raw.columns]
        if missing:
            raise ReferenceDataError(
                f"{path} lacks column(s) {', '.join(missing)}; an end-of-life table needs "
                f"{','.join(COLUMNS)}."
            )
        records = []
        for offset, row in enumerate(raw.to_dict("records")):
            line = offset + 2
            product = row["product"].strip().lower()
            cycle = row["cycle"].strip().lower()
            if not product or not cycle:
                raise ReferenceDataError(
                    f"{path} line {line}: product and cycle must both be filled in; "
                    "fill them in or delete the row."
                )
            support_end = _csv_date(path, line, "support_end", row["support_end"])
            extended_end = _csv_date(path, line, "extended_end", row["extended_end"])
            if support_end and extended_end and extended_end < support_end:
                raise ReferenceDataError(
                    f"{path} line {line}: extended_end {extended_end} is before support_end "
                    f"{support_end}; correct one of the dates."
                )
            records.append({
                "product": product, "cycle": cycle,
                "label": row["label"].strip() or f"{product} {cycle}",
                "support_end": support_end, "extended_end": extended_end,
                "source": row["source"].strip(),
            })
        return cls(_frame(records))

    def extend(self, other: EolTable) -> EolTable:
        """A table with the rows of both; rows of ``other`` win for the same product and cycle.

        Examples
        --------
        >>> base = EolTable.bundled()
        >>> newer = EolTable(base.frame[base.frame["cycle"] == "18.04"].assign(
        ...     extended_end=pd.Timestamp("2030-04-30")))
        >>> base.extend(newer).match("Ubuntu 18.04").extended_end
        datetime.date(2030, 4, 30)
        """
        both = pd.concat([self.frame, other.frame], ignore_index=True)
        return EolTable(both.drop_duplicates(["product", "cycle"], keep="last"))

    # -- matching -----------------------------------------------------------------------

    def match(self, os_text: str) -> OsMatch:
        """Match one free-text operating-system name to a release of the table.

        Case does not matter. Windows Server and SQL Server are recognised before
        desktop Windows; Windows 10/11 without a release are given the release whose
        support ends last, and a release without an edition the Enterprise/Education
        dates, both said in ``reason``.

        Parameters
        ----------
        os_text : str
            What the inventory says, e.g. ``"Windows Server 2012 R2 Standard"``.

        Returns
        -------
        OsMatch

        Examples
        --------
        >>> table = EolTable.bundled()
        >>> table.match("W2K8 R2").cycle
        '2008-r2'
        >>> m = table.match("Ubuntu 18.04.6 LTS")
        >>> (m.product, m.cycle, m.support_end.isoformat(), m.recognised)
        ('ubuntu', '18.04', '2023-05-31', True)
        >>> table.match("Windows").reason
        'Windows without a version: cannot tell which release'
        >>> table.match("").reason
        'empty'
        """
        missing = os_text is None or (not isinstance(os_text, str) and pd.isna(os_text))
        text = "" if missing else str(os_text).strip()
        if not text:
            return _unrecognised(None, None, "empty")
        s = _normalise(text)
        guess = None
        for _, recognise in _RECOGNISERS:
            guess = recognise(s, self._rows)
            if guess is not None:
                break
        if guess is None:
            guess = self._generic_guess(s)
        if guess is None:
            return _unrecognised(None, None, f"no product matches {text!r}")
        return self._resolve(guess)

    def match_many(self, values: pd.Series) -> pd.DataFrame:
        """Match a column of OS names, each distinct value once.

        Parameters
        ----------
        values : pandas.Series
            OS names; missing values count as empty.

        Returns
        -------
        pandas.DataFrame
            Indexed like ``values``, with columns ``os_product, os_cycle, os_label,
            support_end, extended_end`` (``datetime64``), ``eol_source``,
            ``os_recognised`` (bool) and ``os_match_reason``. Text columns are missing
            (NaN) where there is nothing to say.

        Examples
        --------
        >>> out = EolTable.bundled().match_many(pd.Series(["Win7", "CentOS 7", None, "Win7"]))
        >>> out["os_cycle"].tolist()
        ['7', '7', nan, '7']
        >>> out["os_recognised"].tolist()
        [True, True, False, True]
        >>> str(out["support_end"].iloc[1].date())
        '2024-06-30'
        """
        text = pd.Series(values, copy=False).astype("string").fillna("")
        codes, uniques = pd.factorize(text.to_numpy(dtype=object))
        found = [self.match(u) for u in uniques]
        columns: dict[str, pd.Series] = {
            "os_product": _text([m.product for m in found]),
            "os_cycle": _text([m.cycle for m in found]),
            "os_label": _text([m.label for m in found]),
            "support_end": _datetimes([m.support_end for m in found]),
            "extended_end": _datetimes([m.extended_end for m in found]),
            "eol_source": _text([m.source for m in found]),
            "os_recognised": pd.Series([m.recognised for m in found], dtype=bool),
            "os_match_reason": _text([m.reason for m in found]),
        }
        out = {}
        for name, col in columns.items():
            taken = col.take(codes)
            taken.index = values.index
            out[name] = taken
        return pd.DataFrame(out, index=values.index).loc[:, list(MATCH_COLUMNS)]

    # -- internals ----------------------------------------------------------------------

    def _resolve(self, guess: _Guess) -> OsMatch:
        if not guess.cycles:
            return _unrecognised(guess.product, None,
                                 f"{guess.wanted} without a version: cannot tell which release")
        releases = self._rows.get(guess.product, {})
        for cycle, note in guess.cycles:
            row = releases.get(cycle)
            if row is not None:
                _, _, label, support_end, extended_end, source = row
                return OsMatch(guess.product, cycle, label, _date(support_end), _date(extended_end),
                               source or None, True, note)
        return _unrecognised(guess.product, guess.cycles[0][0],
                             f"{guess.wanted} is not in the end-of-life table")

    def _generic_patterns(self) -> list[tuple[str, re.Pattern[str], int]]:
        """For products without their own recogniser: (product, name regex, name length)."""
        patterns = []
        for product, releases in self._rows.items():
            if product in _SPECIAL_PRODUCTS:
                continue
            aliases = {product.lower()}
            for cycle, row in releases.items():
                label = str(row[2]).lower()
                head = label.split(f" {cycle}")[0].strip() if f" {cycle}" in label else ""
                if head:
                    aliases.add(head)
            for alias in aliases:
                regex = re.compile(_NOT_WORD_BEFORE + "(?:" + _alias_pattern(alias) + ")"
                                   r"(?![a-z])")
                patterns.append((product, regex, len(alias)))
        return patterns

    def _generic_guess(self, s: str) -> _Guess | None:
        """Product name anywhere in the text, then a version whose prefix is a cycle."""
        best: tuple[int, str, re.Match[str]] | None = None
        for product, regex, length in self._generic:
            m = regex.search(s)
            if m and (best is None or length > best[0]):
                best = (length, product, m)
        if best is None:
            return None
        _, product, m = best
        v = re.search(r"(?<![0-9a-z])v?(\d+(?:\.\d+)*)", s[m.end():])
        if not v:
            return _Guess(product, product)
        version = v.group(1)
        cycles = sorted(self._rows[product], key=len, reverse=True)
        for cycle in cycles:
            if version == cycle or version.startswith(cycle + "."):
                return _Guess(product, f"{product} {version}", ((cycle, ""),))
        return _Guess(product, f"{product} {version}", ((version, ""),))


# ---------------------------------------------------------------------------------------
# endoflife.date files.
# ---------------------------------------------------------------------------------------


def load_endoflife(path: str | Path) -> EolTable:
    """Read an endoflife.date API file into an :class:`EolTable`.

    Two shapes are understood:

    * the classic API, ``https://endoflife.date/api/<product>.json``: a list of cycles
      with ``cycle``, ``eol`` and ``extendedSupport``; the product is the file name's
      stem (``postgresql.json`` -> ``postgresql``);
    * the v1 API, ``https://endoflife.date/api/v1/products/<product>/``:
      ``{"result": {"name", "label", "releases": [{"name", "label", "eolFrom", "isEol",
      "eoesFrom"}]}}``.

    ``support_end`` is the end of life (``eol`` / ``eolFrom``), ``extended_end`` the end
    of extended support (``extendedSupport`` / ``eoesFrom``). Where the file gives a
    boolean instead of a date, ``true`` for end of life means "ended, date unknown" and
    becomes :data:`ENDED_DATE_UNKNOWN`; ``false`` means "not ended" and becomes no date.
    A boolean for extended support becomes no date.

    Once added to a table with :meth:`EolTable.extend`, a product matches texts that
    name it followed by a version starting with one of its cycles: ``PostgreSQL 12``,
    ``postgresql 12.4``.

    Raises
    ------
    ReferenceDataError
        The file is missing, is not JSON, or is JSON of another shape.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "postgresql.json"
    >>> _ = path.write_text(json.dumps([
    ...     {"cycle": "13", "eol": "2025-11-13", "extendedSupport": False},
    ...     {"cycle": "12", "eol": "2024-11-14", "extendedSupport": False}]))
    >>> table = EolTable.bundled().extend(load_endoflife(path))
    >>> m = table.match("postgresql 12.4")
    >>> m.product, m.cycle, m.support_end.isoformat()
    ('postgresql', '12', '2024-11-14')
    """
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(
            f"{path}: no such endoflife.date file; download it from "
            "https://endoflife.date/api/<product>.json or correct the path."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            f"{path} is not valid JSON (line {exc.lineno}: {exc.msg}); download it again "
            "from https://endoflife.date/api/<product>.json."
        ) from exc
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(
            f"{path} is not UTF-8 text; download it again from "
            "https://endoflife.date/api/<product>.json."
        ) from exc
    if isinstance(data, list):
        records = _classic_records(path, data)
    elif (isinstance(data, dict) and isinstance(data.get("result"), dict)
          and isinstance(data["result"].get("releases"), list)):
        records = _v1_records(path, data["result"])
    else:
        raise ReferenceDataError(
            f"{path} is not an endoflife.date product file (expected a list of cycles or "
            '{"result": {"releases": [...]}}); download /api/<product>.json or '
            "/api/v1/products/<product>/ from endoflife.date."
        )
    if not records:
        raise ReferenceDataError(
            f"{path} lists no release cycles; download the product's file again from "
            "endoflife.date."
        )
    return EolTable(_frame(records))


def _classic_records(path: Path, data: list) -> list[dict]:
    product = path.name.split(".")[0].strip().lower()
    records = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "cycle" not in item:
            raise ReferenceDataError(
                f"{path}: entry {i + 1} has no 'cycle', so this is not an endoflife.date "
                "/api/<product>.json file; download it again."
            )
        cycle = str(item["cycle"]).strip().lower()
        where = f"{path}: cycle {cycle}"
        records.append({
            "product": product, "cycle": cycle, "label": f"{product} {cycle}",
            "support_end": _json_date(where, "eol", item.get("eol"), ended=True),
            "extended_end": _json_date(where, "extendedSupport", item.get("extendedSupport"),
                                       ended=False),
            "source": f"https://endoflife.date/{product} (from {path.name})",
        })
    return records


def _v1_records(path: Path, result: dict) -> list[dict]:
    product = str(result.get("name") or path.name.split(".")[0]).strip().lower()
    product_label = str(result.get("label") or product).strip()
    records = []
    for i, item in enumerate(result["releases"]):
        if not isinstance(item, dict) or "name" not in item:
            raise ReferenceDataError(
                f"{path}: release {i + 1} has no 'name', so this is not an endoflife.date "
                "v1 product file; download it again."
            )
        cycle = str(item["name"]).strip().lower()
        where = f"{path}: release {cycle}"
        eol = item.get("eolFrom")
        if eol is None:
            eol = bool(item.get("isEol", False))
        records.append({
            "product": product, "cycle": cycle,
            "label": f"{product_label} {item.get('label') or item['name']}",
            "support_end": _json_date(where, "eolFrom", eol, ended=True),
            "extended_end": _json_date(where, "eoesFrom", item.get("eoesFrom"), ended=False),
            "source": f"https://endoflife.date/{product} (from {path.name})",
        })
    return records


# ---------------------------------------------------------------------------------------
# Small helpers.
# ---------------------------------------------------------------------------------------


def _json_date(where: str, field: str, value: object, ended: bool) -> dt.date | None:
    """A date from an endoflife.date field: ISO text, a boolean, or null."""
    if value is None or value is False or value == "":
        return None
    if value is True:
        return ENDED_DATE_UNKNOWN if ended else None
    problem = (f"{where}: {field} {value!r} is not a date (YYYY-MM-DD) or true/false; "
               "download the file again from endoflife.date.")
    if not isinstance(value, str):
        raise ReferenceDataError(problem)
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise ReferenceDataError(problem) from exc


def _csv_date(path: Path, line: int, column: str, value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ReferenceDataError(
            f"{path} line {line}: {column} {value!r} is not a date; write it as YYYY-MM-DD."
        ) from exc


def _frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    for column in ("support_end", "extended_end"):
        frame[column] = _datetimes(list(frame[column]))
    return frame


def _datetimes(values: list) -> pd.Series:
    """Dates (or None) as a ``datetime64[ns]`` Series."""
    return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[ns]")


def _text(values: list) -> pd.Series:
    """Strings (or None) as a pandas ``str`` Series, None becoming missing."""
    return pd.Series(values, dtype="str")


def _date(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _unrecognised(product: str | None, cycle: str | None, reason: str) -> OsMatch:
    return OsMatch(product, cycle, None, None, None, None, False, reason)
