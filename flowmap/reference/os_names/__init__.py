"""Read what a free-text OS name means: which product and release, or why it cannot tell.

Inventories and tools name software in many forms: people type ``Win 2012 R2`` or
``Ubuntu 18.04.6 LTS``; Active Directory writes ``Windows 10 Enterprise`` and
``10.0 (19045)``; WMI ``Microsoft Windows Server Standard``; scanners ``Microsoft
Windows 11 Pro Build 22631``, ``cpe:/o:microsoft:windows_server_2012:r2``, SSH banners
and nmap guesses (``Microsoft Windows 7 or Windows Server 2008 R2``). This package
reads such text into a :class:`Reading`: the releases it may mean, each an
:class:`OsGuess` of a product key of the end-of-life table and the cycles standing for it.

How a text is read, in order:

1. a CPE is rewritten as its words, an SSH banner read for what its package revision
   says (:mod:`~flowmap.reference.os_names.forms`);
2. a text naming alternatives (nmap's ``... or ...``) is read part by part, and means
   any of them;
3. products whose names hold an operating system's words are read first and their words
   blanked: ``Exchange Server 2016``, ``SQL Server 2016``, ``Red Hat Satellite 6.8``,
   ``JBoss EAP 7`` (:mod:`~flowmap.reference.os_names.microsoft_apps`,
   :mod:`~flowmap.reference.os_names.named`);
4. operating systems are looked for in what is left, most specific first: Windows
   Server before desktop Windows, Linux distributions, then appliances, Apple and
   Android (Cisco IOS before Apple's iOS). The first found is the answer: a text naming
   an OS and an application (``Windows Server 2019 with SQL Server 2017``) means the OS;
5. otherwise the first application found; otherwise any other product of the table by
   its name and version (:mod:`~flowmap.reference.os_names.generic`).

A reading is not a match: :class:`flowmap.reference.eol.EolTable` looks its cycles up
and says, when a text may mean several releases, whether all of them agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flowmap.reference.os_names.forms import banner, cpe_note, cpe_words, is_banner
from flowmap.reference.os_names.generic import generic_guess, generic_patterns
from flowmap.reference.os_names.guess import OsGuess, Reading, Rows, as_reading, normalise
from flowmap.reference.os_names.linux import LINUX_RECOGNISERS
from flowmap.reference.os_names.microsoft_apps import MICROSOFT_APPS
from flowmap.reference.os_names.named import APPS, DEVICES
from flowmap.reference.os_names.versions import masked, quoted
from flowmap.reference.os_names.windows_client import windows_client
from flowmap.reference.os_names.windows_legacy import (
    windows_by_number,
    windows_embedded,
    windows_old,
)
from flowmap.reference.os_names.windows_server import windows_server

__all__ = [
    "OS_PRODUCTS",
    "RECOGNISED_PRODUCTS",
    "OsGuess",
    "Reading",
    "Rows",
    "generic_guess",
    "generic_patterns",
    "normalise",
    "read",
]

Found = tuple[Reading, tuple[int, int]]

#: Readers of products that hold an OS's words, in the order they are tried.
_APP_READERS: tuple[Callable[[str, Rows], Found | None], ...] = (*MICROSOFT_APPS, *APPS)
#: Operating-system recognisers in the order they are tried: (product family, recogniser).
_OS_READERS: tuple[tuple[str, Callable[[str, Rows], Reading | OsGuess | None]], ...] = (
    ("windows-server", windows_server),
    ("windows-embedded", windows_embedded),
    ("windows", windows_old),
    ("windows", windows_client),
    ("windows", windows_by_number),
    *LINUX_RECOGNISERS,
)

#: Products that are operating systems (or appliance firmware): the rest are applications.
OS_PRODUCTS = frozenset(
    {name for name, _ in _OS_READERS}
    | {n.product for n in DEVICES}
    | {"redhat-linux", "windows-server-core", "windows-nano-server"}
)
#: Products with a reader of their own; :func:`generic_patterns` leaves them out.
RECOGNISED_PRODUCTS = frozenset(
    OS_PRODUCTS
    | {n.product for n in APPS}
    | {"mssqlserver", "msexchange", "sharepoint", "office", "microsoft-other"}
)

_ALTERNATIVES = re.compile(r",?\s+or\s+|,\s+(?=(?:microsoft\s+)?windows\b)|\s+/\s+|/(?=\d)")
_CONTINUES = re.compile(r"^(?:\d|sp\s*\d|r2\b|build\b|version\b)")
_TRAILING_PARENTHESIS = re.compile(r"^(.*?)\(([^()]*)\)\s*$")


def _continued(previous: str, part: str) -> str:
    """A part that only continues the one before (``... SP1 or SP2``, ``... 2012 or 2012 R2``,
    ``2008 R2/7``), completed with the words of that one."""
    if re.match(r"sp\s*\d", part):
        return re.sub(r"\s*(?:sp|service\s*pack)\s*\d.*$", "", previous) + " " + part
    head = re.match(r"^\D*", previous).group(0)  # type: ignore[union-attr]
    return f"{head.rstrip()} {part}"


def read(s: str, rows: Rows, generic: list | None = None) -> Reading | None:
    """What a normalised OS name may mean.

    Parameters
    ----------
    s : str
        Text as returned by :func:`normalise`.
    rows : Rows
        The end-of-life table's rows (where a reading depends on what the table holds:
        Windows 11 without a release means each of the table's Windows 11 releases).
    generic : list, optional
        :func:`generic_patterns` of the table, for products without a reader of their own.

    Returns
    -------
    Reading or None
        None when nothing in the text names a product.

    Examples
    --------
    >>> read(normalise("W2K8 R2"), {}).guesses[0].cycles
    (('2008-r2', ''),)
    >>> read(normalise("Exchange Server 2016 CU23"), {}).guesses[0].product
    'msexchange'
    >>> read(normalise("Cisco IOS 15.2(7)E"), {}).guesses[0].product
    'cisco-ios'
    >>> read(normalise("Proprietary RTOS"), {}) is None
    True
    """
    words = cpe_words(s)
    if words is not None:
        found = _alternatives(words, rows, generic) if words else None
        return found or Reading(note=cpe_note(s))
    if is_banner(s):
        return banner(s, rows)
    return _alternatives(s, rows, generic)


def _alternatives(s: str, rows: Rows, generic: list | None) -> Reading | None:
    """A text naming several possibilities (``X or Y``) means any of them."""
    parts = [p.strip() for p in _ALTERNATIVES.split(s) if p.strip()]
    if len(parts) < 2:
        return _read_one(s, rows, generic)
    tail = _TRAILING_PARENTHESIS.match(s)
    if tail and _read_one(tail.group(1), rows, generic) is None:
        whole = _read_one(s, rows, generic)
        if whole is not None:
            return whole  # "device A or device B (Windows CE 5.0)": the OS of both
    readings: list[Reading | None] = []
    previous = parts[0]
    for part in parts:
        found = _read_one(part, rows, generic)
        if (found is None or not found.guesses) and _CONTINUES.match(part):
            found = _read_one(_continued(previous, part), rows, generic)
            part = _continued(previous, part)
        readings.append(found if found is not None and found.guesses else None)
        previous = part
    if all(r is None for r in readings):
        return _read_one(s, rows, generic)
    unread = [p for p, r in zip(parts, readings) if r is None]
    if unread:
        return Reading(
            note=f"{quoted(s)} names several possible systems, and flowmap cannot judge "
            f"{quoted(unread[0])}"
        )
    found_all = [r for r in readings if r is not None]
    guesses = tuple(g for r in found_all for g in r.guesses)
    labels = list(dict.fromkeys(r.label or r.guesses[0].wanted for r in found_all))
    return Reading(
        guesses, note=f"{quoted(s)} names several possible systems", label=" or ".join(labels)
    )


def _read_one(s: str, rows: Rows, generic: list | None) -> Reading | None:
    claims = []
    for reader in _APP_READERS:
        found = reader(s, rows)
        if found is not None:
            reading, (start, end) = found
            claims.append(reading)
            s = masked(s, start, end)
    for _, recogniser in _OS_READERS:
        reading = as_reading(recogniser(s, rows))
        if reading is not None:
            return reading
    for device in DEVICES:
        found = device(s, rows)
        if found is not None:
            return found[0]
    if claims:
        return claims[0]
    if generic:
        guess = generic_guess(s, generic, rows)
        if guess is not None:
            return Reading((guess,))
    return None
