"""Recognise the operating system a free-text name means: product and release guesses.

Inventories name operating systems as people type them: ``Win 2012 R2``, ``W2K8 R2``,
``Server 2008R2``, ``Windows 10 Enterprise 22H2``, ``WES7``, ``Ubuntu 18.04.6 LTS``,
``CentOS Linux 7.9.2009``, ``RHEL Maipo``. This package reads such text and guesses the
*product* (a product key of the end-of-life table: ``windows-server``, ``mssqlserver``,
``windows-embedded``, ``windows``, ``ubuntu``, ``rhel``, ``centos-stream``, ``centos``,
``debian``) and the *cycles* (releases) it may mean, best first, each with a note of
what was assumed.

Why recognisers rather than a lookup: the same release is written in dozens of ways
(abbreviations, build numbers such as ``10.0.19045``, code names such as ``jammy``,
editions and service packs), and a wrong guess misstates whether a system is still
supported. So each family has its own rules, tried in a fixed order (Microsoft products
first, servers before desktops: ``Windows Server 2012`` is never Windows client), and
where the text leaves a choice (Windows 10 without a release, a release without an
edition) the guess says what it assumed.

* :mod:`~flowmap.reference.os_names.guess` -- :class:`OsGuess`, what a recogniser
  returns, and :func:`normalise`, the text it reads;
* :mod:`~flowmap.reference.os_names.windows` -- Windows Server, SQL Server, Windows
  Embedded and Windows desktops;
* :mod:`~flowmap.reference.os_names.linux` -- Ubuntu, RHEL, CentOS, CentOS Stream, Debian;
* :mod:`~flowmap.reference.os_names.generic` -- any other product of the table (e.g.
  added from endoflife.date), by its name followed by a version.

A guess is not a match: :class:`flowmap.reference.eol.EolTable` checks the guessed
cycles against its rows and reports a release that is not in the table.
"""

from __future__ import annotations

from collections.abc import Callable

from flowmap.reference.os_names.generic import generic_guess, generic_patterns
from flowmap.reference.os_names.guess import OsGuess, Rows, normalise
from flowmap.reference.os_names.linux import LINUX_RECOGNISERS
from flowmap.reference.os_names.windows import WINDOWS_RECOGNISERS

__all__ = [
    "RECOGNISED_PRODUCTS",
    "OsGuess",
    "Rows",
    "generic_guess",
    "generic_patterns",
    "normalise",
    "recognise",
]

#: Recognisers in the order they are tried: (product, recogniser).
_RECOGNISERS: tuple[tuple[str, Callable[[str, Rows], OsGuess | None]], ...] = (
    WINDOWS_RECOGNISERS + LINUX_RECOGNISERS
)
#: Products with a recogniser of their own; :func:`generic_patterns` leaves them out.
RECOGNISED_PRODUCTS = frozenset(name for name, _ in _RECOGNISERS)


def recognise(s: str, rows: Rows) -> OsGuess | None:
    """Guess the product and release of a normalised OS name with the family recognisers.

    Parameters
    ----------
    s : str
        Text as returned by :func:`normalise`.
    rows : Rows
        The end-of-life table's rows; used where the guess depends on what the table
        holds (Windows 10/11 without a release).

    Returns
    -------
    OsGuess or None
        The first recogniser's guess, or None when no family recognises the text.

    Examples
    --------
    >>> recognise(normalise("W2K8 R2"), {})
    OsGuess(product='windows-server', wanted='Windows Server 2008 R2', cycles=(('2008-r2', ''),))
    >>> recognise(normalise("Ubuntu Jammy"), {}).cycles
    (('22.04', ''),)
    >>> recognise(normalise("Proprietary RTOS"), {}) is None
    True
    """
    for _, recogniser in _RECOGNISERS:
        guess = recogniser(s, rows)
        if guess is not None:
            return guess
    return None
