"""Windows that medical devices and tills still run, and Windows named by number alone.

* Windows Embedded and POSReady: ``Windows Embedded Standard 7``, ``WES7``, ``POSReady
  2009``, ``XPe``, ``Windows Embedded 8.1 Industry``, ``Windows Embedded Compact 7``;
* Windows CE and Windows Mobile (``Windows CE 6.0``, ``Pocket PC``, ``Windows Mobile
  6.5``, ``Windows Embedded Handheld``), Windows Phone;
* Windows NT 3.x/4.0, 95, 98, Me and 3.x;
* Windows by kernel version (``Windows NT 6.3``: Windows 8.1 or Server 2012 R2) or by a
  bare version number (Active Directory's ``operatingSystemVersion`` ``6.1 (7601)``,
  WMI's ``10.0.19045``) when nothing else names the product: every release the number
  may be.
"""

from __future__ import annotations

import re

from flowmap.reference.os_names.guess import NOT_WORD_BEFORE, OsGuess, Reading, Rows
from flowmap.reference.os_names.windows_builds import (
    BUILDS,
    NT_VERSIONS,
    find_build,
    find_nt_version,
    is_bare_version,
)
from flowmap.reference.os_names.windows_client import RELEASES
from flowmap.reference.release_names import windows_ltsc_cycle

_EMBEDDED = re.compile(
    r"\bposready\b|\bwes\s*7\b|\bxpe\b|\bxp\s*embedded\b"
    r"|\b(?:windows|win)\b.*\bembedded\b|\bembedded\b.*\b(?:windows|win)\b"
)
_EMBEDDED_VERSION = re.compile(r"(?<![a-z0-9.])(xp|2009|2013|8\.1|7|8)(?![0-9])")
_MOBILE = re.compile(
    NOT_WORD_BEFORE + r"(?:windows\s*mobile|pocket\s*pc|pocketpc|windows\s*embedded\s*handheld"
    r"|smartphone\s*20\d\d)"
)
_CE = re.compile(NOT_WORD_BEFORE + r"(?:windows\s*(?:embedded\s*)?ce|wince)(?![a-z])")
_PHONE = re.compile(NOT_WORD_BEFORE + r"windows\s*(?:phone|10\s*mobile)(?![a-z])")
_NT = re.compile(
    NOT_WORD_BEFORE + r"(?:windows\s*nt|winnt)(?:\s*(3\.51|3\.5|3\.1|4\.0|4)(?![0-9.]))?(?!\s*\d)"
)
_BARE = re.compile(r"^(?:version\s*)?(10\.0|6\.[0-3]|5\.[0-2])")
_NINE_X = re.compile(
    NOT_WORD_BEFORE + r"(?:microsoft\s+)?(?:windows|win)\s*(95|98|me|millenn?ium|3\.1|3\.11|3\.x)"
    r"(?![0-9a-z])"
)


def windows_embedded(s: str, rows: Rows) -> OsGuess | None:
    """Windows Embedded, POSReady, CE, Mobile and Phone: ``WES7``, ``Windows CE 6.0``...

    >>> windows_embedded("microsoft windows embedded posready 7", {}).cycles
    (('posready-7', ''),)
    >>> windows_embedded("microsoft windows mobile 6 (ce os 5.0 - 5.2)", {}).cycles
    (('mobile', ''),)
    """
    if re.search(r"\bfor\s+embedded\s+systems\b", s):
        return None  # Windows 7 for Embedded Systems follows Windows 7's lifecycle
    m = _MOBILE.search(s)
    if m:
        return OsGuess("windows-embedded", "Windows Mobile", (("mobile", ""),), m.group(0))
    m = _PHONE.search(s)
    if m:
        return OsGuess("windows", "Windows Phone", (("phone", ""),), m.group(0))
    if re.search(r"\bcompact\b", s) and _EMBEDDED.search(s):
        v = re.search(r"compact\s*(7|2013)\b", s)
        if v:
            return OsGuess(
                "windows-embedded",
                f"Windows Embedded Compact {v.group(1)}",
                ((f"compact-{v.group(1)}", ""),),
                v.group(0),
            )
    m = _CE.search(s)
    if m:
        return OsGuess("windows-embedded", "Windows CE", (("ce", ""),), m.group(0))
    m = _EMBEDDED.search(s)
    if not m:
        return None
    return _embedded(s, m.group(0))


def _embedded(s: str, said: str) -> OsGuess:
    posready = "posready" in s
    if re.search(r"\bxpe\b|\bxp\b", s):
        version = "xp"
    elif re.search(r"\bwes\s*7\b", s):
        version = "7"
    else:
        m = _EMBEDDED_VERSION.search(s)
        version = m.group(1) if m else None
    if version is None:
        return OsGuess("windows-embedded", "Windows Embedded", (), said)
    industry = re.search(r"\bindustry\b", s)
    cycle = {
        "xp": "xp",
        "2009": "posready-2009" if posready else "standard-2009",
        "2013": "compact-2013",
        "7": "posready-7" if posready else "standard-7",
        "8.1": "8.1-industry" if industry or not re.search(r"\bpro\b", s) else "8.1-pro",
        "8": "standard-8",
    }[version]
    name = "POSReady" if posready else "Embedded"
    return OsGuess("windows-embedded", f"Windows {name} {version.upper()}", ((cycle, ""),), said)


def windows_old(s: str, rows: Rows) -> Reading | OsGuess | None:
    """Windows NT 3.x/4.0, 95, 98, Me and 3.x.

    >>> windows_old("microsoft windows 98 se", {}).cycles
    (('98', ''),)
    >>> [g.cycles[0][0] for g in windows_old("microsoft windows nt", {}).guesses]
    ['nt-3.x', 'nt-4.0', 'nt-4.0']
    """
    m = _NINE_X.search(s)
    if m:
        v = m.group(1)
        cycle = {"millennium": "me", "millenium": "me", "3.1": "3.x", "3.11": "3.x"}.get(v, v)
        return OsGuess("windows", f"Windows {cycle.title()}", ((cycle, ""),), m.group(0))
    m = _NT.search(s)
    if not m:
        return None
    v = m.group(1)
    server = bool(re.search(r"\bserver\b", s))
    guesses = []
    if v in (None, "3.1", "3.5", "3.51"):
        guesses.append(OsGuess("windows", "Windows NT 3.x", (("nt-3.x", ""),), m.group(0)))
    if v in (None, "4", "4.0"):
        if not server:
            guesses.append(OsGuess("windows", "Windows NT 4.0", (("nt-4.0", ""),), m.group(0)))
        guesses.append(
            OsGuess("windows-server", "Windows NT 4.0 Server", (("nt-4.0", ""),), m.group(0))
        )
    if len(guesses) == 1:
        return guesses[0]
    if v:
        return Reading(
            tuple(guesses),
            note=f"Windows NT {v} without Workstation or Server",
            label=f"Windows NT {v}",
        )
    return Reading(tuple(guesses), note="Windows NT without its version", label="Windows NT")


def windows_by_number(s: str, rows: Rows) -> Reading | None:
    """Windows named only by kernel version or build: every release the number may be.

    >>> r = windows_by_number("6.1 (7601)", {})
    >>> [(g.product, g.cycles[0][0]) for g in r.guesses]
    [('windows', '7'), ('windows-server', '2008-r2')]
    """
    nt = find_nt_version(s)
    build = find_build(s)
    if not (nt and nt[0] in NT_VERSIONS) and not (is_bare_version(s) or (build and nt)):
        return None
    said = build[1] if build else nt[1] if nt else s
    if build:
        clients, server = BUILDS[build[0]]
        what = f"build {build[0]}"
    else:
        bare = _BARE.match(s)
        version = nt[0] if nt else bare.group(1) if bare else ""
        if version not in NT_VERSIONS:
            return Reading(note=f"{s!r} is Windows 10, 11 or Server 2016 or later: add the build")
        client, server = NT_VERSIONS[version]
        clients = (client,) if client else ()
        what = f"version {version}"
    guesses = []
    for client in clients:
        if " " in client:
            major, release = client.split(" ")
            guesses += [
                OsGuess(
                    "windows",
                    f"Windows {major} {release.upper()}",
                    ((f"{major}-{release}-{e}", ""), (f"{major}-{release}", "")),
                    said,
                )
                for e in ("e", "w")
            ]
            lts = _ltsc_of(major, release)
            if lts:
                name = f"Windows {major} {lts.split('-', 1)[1].replace('-', ' ').upper()}"
                guesses.append(OsGuess("windows", name, ((lts, ""),), said))
        else:
            guesses.append(OsGuess("windows", f"Windows {client}", ((client, ""),), said))
    if server:
        name = f"Windows Server {server.replace('-r2', ' R2')}"
        guesses.append(OsGuess("windows-server", name, ((server, ""),), said))
    names = list(dict.fromkeys(g.wanted for g in guesses))
    return Reading(tuple(guesses), note=f"{what} is {' or '.join(names)}", label=" or ".join(names))


def _ltsc_of(major: str, release: str) -> str | None:
    if release not in RELEASES.get(major, []):
        return None
    return windows_ltsc_cycle(major, release, False)
