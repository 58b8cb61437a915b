"""Windows desktops: 2000 to 11, by version, feature release, build and edition.

* ``Windows 7 SP1``, ``Win7``, ``XP``, ``Vista``, ``Windows 8.1``;
* Windows 10/11 by feature release (``22H2``) or build (``10.0.19045``, ``Build 22631``,
  ``10.0 (22631)``), and ranges (``Windows 10 1507 - 1607``);
* the edition, whose dates differ: Home/Pro (``Pro``, ``Professionnel``, ``Pro
  Education``) or Enterprise/Education (``Enterprise``, ``Education``, ``企业版``);
* Long-Term Servicing editions (``LTSB 2016``, ``LTSC 2019``, ``IoT Enterprise LTSC
  2021``, ``长期服务版``) by year, release or build.

Where the text leaves a choice, the reading holds every release it may mean: Windows 11
without a release is judged by all its releases, a release without an edition by both
editions. The text then counts as unsupported only when all of them are, and as
supported only when all of them are; otherwise it cannot be judged (see
:class:`flowmap.reference.os_names.guess.Reading`).
"""

from __future__ import annotations

import re

from flowmap.reference.os_names.guess import NOT_WORD_BEFORE, OsGuess, Reading, Rows
from flowmap.reference.os_names.windows_builds import BUILDS, find_build, find_nt_version
from flowmap.reference.release_names import windows_ltsc_cycle

_WIN_PREFIX = r"(?:(?:microsoft\s+)?(?:windows|win)[\s\-]*|w)"
_WIN_VERSION = re.compile(
    NOT_WORD_BEFORE + _WIN_PREFIX + r"(xp|vista|2000|2k|7|8\.1|81|8|10|11)(?![0-9])(?!\.\d)"
)  # "Windows 10.0.22631" (Intune's osPlatform + osVersion) is a kernel version, not Windows 10
_WIN_BARE = re.compile(r"^(xp|vista)\b|(?<![a-z])vista(?![a-z])")
WIN_ANY = re.compile(NOT_WORD_BEFORE + r"(?:windows|win)(?![a-z])")
RELEASES = {
    "10": ["1507", "1511", "1607", "1703", "1709", "1803", "1809", "1903", "1909", "2004",
           "20h2", "21h1", "21h2", "22h2"],
    "11": ["21h2", "22h2", "23h2", "24h2", "25h2", "26h1"],
}  # fmt: skip
_RELEASE = re.compile(
    r"(?<![0-9])(1507|1511|1607|1703|1709|1803|1809|1903|1909|2004|"
    r"20h2|21h1|21h2|22h2|23h2|24h2|25h2|26h1)(?![0-9a-z])"
)
_RELEASE_RANGE = re.compile(_RELEASE.pattern + r"\s*-\s*" + _RELEASE.pattern)
_BUILD_RANGE = re.compile(r"(?<![0-9.])(\d{5})\s*-\s*(\d{5})(?![0-9])")
_LTSC = re.compile(r"\blts[bc]\b|\blong[\s-]term\s*servicing|长期服务")
_LTSC_YEAR = re.compile(r"(?<![0-9])(2015|2016|2019|2021|2024)(?![0-9])")
_EDITION_W = re.compile(
    r"\b(?:home|pro|professional|professionnel|profesional|professionale|workstations?"
    r"|家庭版|专业版)\b"
)
_EDITION_W_EDUCATION = re.compile(r"\bpro\s+(?:education|for\s+workstations)\b")
_EDITION_E = re.compile(r"\b(?:enterprise|education|ent|edu|企业版|教育版)\b")
_SIMPLE = {"xp": "xp", "vista": "vista", "2000": "2000", "2k": "2000", "7": "7", "8": "8",
           "8.1": "8.1", "81": "8.1"}  # fmt: skip
_EDITION_NAMES = {"e": "Enterprise/Education", "w": "Home/Pro"}


def _edition(s: str) -> str | None:
    """``w`` (Home/Pro), ``e`` (Enterprise/Education) or None (not said)."""
    if _EDITION_W_EDUCATION.search(s):
        return "w"
    if _EDITION_E.search(s):
        return "e"
    return "w" if _EDITION_W.search(s) else None


def _releases(s: str, version: str, build: tuple[str, str] | None) -> tuple[list[str], str]:
    """The feature releases the text names (one, a range, or none), and the words."""
    order = RELEASES[version]
    m = _RELEASE_RANGE.search(s)
    if m and m.group(1) in order and m.group(2) in order:
        a, b = order.index(m.group(1)), order.index(m.group(2))
        return order[min(a, b) : max(a, b) + 1], m.group(0)
    m = _BUILD_RANGE.search(s)
    if m and m.group(1) in BUILDS and m.group(2) in BUILDS:
        ends = [_build_release(b) for b in (m.group(1), m.group(2))]
        if all(e and e[0] == version and e[1] in order for e in ends):
            a, b = (order.index(e[1]) for e in ends)  # type: ignore[index]
            return order[min(a, b) : max(a, b) + 1], m.group(0)
    m = _RELEASE.search(s)
    if m and m.group(1) in order:
        return [m.group(1)], m.group(0)
    if build:
        release = _build_release(build[0])
        if release and release[0] == version:
            return [release[1]], build[1]
    return [], ""


def _build_release(build: str) -> tuple[str, str] | None:
    """(major, feature release) of a Windows 10/11 build."""
    for client in BUILDS.get(build, ((), ""))[0]:
        if " " in client:
            major, release = client.split(" ")
            return major, release
    return None


def windows_client(s: str, rows: Rows) -> Reading | OsGuess | None:
    """Windows desktops: ``Windows 7 SP1``, ``Win7``, ``Windows 11 Pro Build 22631``.

    Examples
    --------
    >>> windows_client("microsoft windows 11 pro build 22631", {}).cycles
    (('11-23h2-w', "build 22631 is 23H2; 'pro' is a Home/Pro edition"), ('11-23h2', ''))
    >>> windows_client("win7", {}).cycles
    (('7', ''),)
    """
    if re.search(r"\blonghorn\b", s) and WIN_ANY.search(s):
        said = "longhorn"
        return Reading(
            (
                OsGuess("windows", "Windows Vista", (("vista", ""),), said),
                OsGuess("windows-server", "Windows Server 2008", (("2008", ""),), said),
            ),
            note="Longhorn is the code name of Windows Vista and Windows Server 2008",
            label="Windows Vista or Windows Server 2008",
        )
    m = _WIN_VERSION.search(s)
    build = find_build(s)
    said = m.group(0) if m else ""
    if m:
        version = m.group(1)
    elif build and WIN_ANY.search(s) and _build_release(build[0]):
        version = _build_release(build[0])[0]  # type: ignore[index]
        said = build[1]
    else:
        bare = _WIN_BARE.search(s)
        if bare:
            version, said = bare.group(1) or "vista", bare.group(0)
        elif build or find_nt_version(s):
            return None  # a kernel version or build alone: read by number
        elif WIN_ANY.search(s):
            return OsGuess("windows", "Windows", (), WIN_ANY.search(s).group(0))  # type: ignore[union-attr]
        else:
            return None
    if version in _SIMPLE:
        cycle = _SIMPLE[version]
        name = f"Windows {cycle.upper() if cycle == 'xp' else cycle.title()}"
        if cycle == "2000":
            return Reading(
                (
                    OsGuess("windows", "Windows 2000 Professional", (("2000", ""),), said),
                    OsGuess("windows-server", "Windows 2000 Server", (("2000", ""),), said),
                ),
                note="Windows 2000 without Professional or Server",
                label="Windows 2000",
            )
        return OsGuess("windows", name, ((cycle, ""),), said)
    releases, release_words = _releases(s, version, build)
    if _LTSC.search(s):
        return _ltsc(s, version, releases, said)
    edition = _edition(s)
    if not releases:
        return _without_release(version, edition, rows, said)
    guesses = []
    for release in releases:
        editions = (edition,) if edition else ("e", "w")
        for e in editions:
            notes = []
            if release_words and not re.fullmatch(r"[0-9h]+", release_words):
                notes.append(f"{release_words} is {release.upper()}")
            if edition:
                notes.append(f"'{_edition_word(s)}' is a {_EDITION_NAMES[e]} edition")
            cycles = ((f"{version}-{release}-{e}", "; ".join(notes)), (f"{version}-{release}", ""))
            guesses.append(OsGuess("windows", f"Windows {version} {release.upper()}", cycles, said))
    if len(guesses) == 1:
        return guesses[0]
    if len(releases) == 1:
        note = f"Windows {version} {releases[0].upper()} without its edition"
        label = f"Windows {version} {releases[0].upper()}, edition not given"
    else:
        note = f"Windows {version} {releases[0].upper()} to {releases[-1].upper()}"
        label = f"Windows {version} {releases[0].upper()} to {releases[-1].upper()}"
    return Reading(tuple(guesses), note=note, label=label)


def _edition_word(s: str) -> str:
    for pattern in (_EDITION_W_EDUCATION, _EDITION_E, _EDITION_W):
        m = pattern.search(s)
        if m:
            return m.group(0)
    return ""


def _ltsc(s: str, version: str, releases: list[str], said: str) -> Reading | OsGuess:
    """Windows 10/11 Enterprise LTSB/LTSC, by year (``LTSC 2019``) or release (``1809``)."""
    iot = bool(re.search(r"\biot\b", s))
    y = _LTSC_YEAR.search(s)
    cycle = None
    if y:
        kind = "ltsb" if y.group(1) in ("2015", "2016") else "ltsc"
        cycle = f"{version}-{kind}-{y.group(1)}"
    elif releases:
        cycle = windows_ltsc_cycle(version, releases[0], False)
    name = f"Windows {version} {'IoT ' if iot else ''}Enterprise LTSC"
    if cycle is None:
        cycles = [windows_ltsc_cycle(version, r, iot) for r in RELEASES[version]]
        found = [c for c in cycles if c]
        return Reading(
            tuple(OsGuess("windows", name, ((c, ""),), said) for c in found),
            note=f"{name} without its year",
            label=f"{name}, year not given",
        )
    plain = cycle
    if iot:
        iot_cycle = cycle.replace(f"{version}-", f"{version}-iot-", 1)
        return OsGuess("windows", name, ((iot_cycle, ""), (plain, "")), said)
    return OsGuess("windows", name, ((plain, ""),), said)


def _without_release(version: str, edition: str | None, rows: Rows, said: str) -> Reading | OsGuess:
    """Windows 10/11 named without a release: every feature release it may be."""
    wanted = f"Windows {version}"
    found = []
    for cycle in sorted(rows.get("windows", {})):
        m = re.fullmatch(rf"{version}-(\d\d[0-9h]\d)(?:-([ew]))?", cycle)
        if not m or (edition and m.group(2) not in (None, edition)):
            continue
        if m.group(2) is None and f"{cycle}-{edition or 'e'}" in rows["windows"]:
            continue
        found.append(OsGuess("windows", f"{wanted} {m.group(1).upper()}", ((cycle, ""),), said))
    if not found:
        return OsGuess("windows", wanted, (), said)
    edition_words = f" {_EDITION_NAMES[edition]}" if edition else ""
    return Reading(
        tuple(found),
        note=f"{wanted}{edition_words} without a release",
        label=f"{wanted}{edition_words}, release not given",
    )
