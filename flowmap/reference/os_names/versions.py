"""Versions to releases: which cycles of the table a version number stands for.

Most products name releases by a version prefix: PostgreSQL ``12`` covers ``12.4``,
FortiOS ``7.0`` covers ``7.0.13``, macOS ``10.15`` covers ``10.15.7`` while macOS
``14`` covers ``14.3``. A version more precise than the table's cycles picks the
longest cycle it starts with; a version less precise (``SLES 15`` where the table has
``15.0`` to ``15.7``) stands for every cycle it begins, and the text is judged by all
of them.
"""

from __future__ import annotations

import re

from flowmap.reference.os_names.guess import OsGuess, Reading, Rows


def plain_version(version: str) -> str:
    """A version without leading zeros in its parts (``16.09.03`` -> ``16.9.3``).

    >>> plain_version("16.09.03"), plain_version("03.06.05e")
    ('16.9.3', '3.6.5e')
    """
    return ".".join(p.lstrip("0") or "0" for p in version.split("."))


def cycles_for_version(product: str, version: str, rows: Rows) -> list[str]:
    """The table's cycles of ``product`` that ``version`` stands for, best first.

    Parameters
    ----------
    product : str
        Product key.
    version : str
        A dotted version as written (``7.0.13``, ``15``).
    rows : Rows
        The end-of-life table's rows.

    Returns
    -------
    list of str
        The longest cycle the version starts with; or, when the version is a prefix of
        cycles (less precise than the table), all of them; or nothing.

    Examples
    --------
    >>> rows = {"sles": {"15.5": (), "15.6": (), "12.5": ()}, "fortios": {"7.0": (), "7.2": ()}}
    >>> cycles_for_version("fortios", "7.0.13", rows)
    ['7.0']
    >>> cycles_for_version("sles", "15", rows)
    ['15.5', '15.6']
    >>> cycles_for_version("sles", "11.4", rows)
    []
    """
    releases = rows.get(product, {})
    version = version.lower()
    if version in releases:
        return [version]
    longer = [c for c in releases if version.startswith(c + ".")]
    if longer:
        return [max(longer, key=len)]
    return sorted(c for c in releases if c.startswith(version + "."))


def version_reading(
    product: str, name: str, version: str | None, rows: Rows, *, said: str = ""
) -> Reading:
    """What ``<name> <version>`` means for a product named by version prefix.

    Without a version, or with one less precise than the table's releases, the reading
    holds every release it may mean.

    Examples
    --------
    >>> rows = {"esxi": {"7.0": (), "8.0": ()}}
    >>> [g.cycles for g in version_reading("esxi", "VMware ESXi", "7.0.3", rows).guesses]
    [(('7.0', ''),)]
    >>> r = version_reading("esxi", "VMware ESXi", None, rows)
    >>> len(r.guesses), r.label
    (2, 'VMware ESXi, version not given')
    """
    if not version:
        cycles = sorted(rows.get(product, {}))
        if not cycles:
            return Reading((OsGuess(product, name, (), said),))
        return Reading(
            tuple(OsGuess(product, f"{name} {c}", ((c, ""),), said) for c in cycles),
            note=f"{name} without a version",
            label=f"{name}, version not given",
        )
    cycles = cycles_for_version(product, version, rows)
    if not cycles:
        return Reading((OsGuess(product, f"{name} {version}", ((version, ""),), said),))
    if len(cycles) == 1:
        return Reading((OsGuess(product, f"{name} {version}", ((cycles[0], ""),), said),))
    return Reading(
        tuple(OsGuess(product, f"{name} {c}", ((c, ""),), said) for c in cycles),
        note=f"{name} {version} without its minor release",
        label=f"{name} {version}, minor release not given",
    )


def masked(s: str, start: int, end: int) -> str:
    """``s`` with ``s[start:end]`` blanked (same length), so later readers skip it.

    >>> masked("exchange server 2016", 0, 20)
    '                    '
    """
    return s[:start] + " " * (end - start) + s[end:]


_SPACES = re.compile(r"\s+")


def quoted(s: str) -> str:
    """Text for a reason: spaces collapsed, quoted.

    >>> quoted("  windows   server 2019 ")
    "'windows server 2019'"
    """
    return repr(_SPACES.sub(" ", s).strip())
