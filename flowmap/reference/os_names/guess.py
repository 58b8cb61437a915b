"""What a recogniser reads from an OS name, and the text it reads.

Every recogniser of :mod:`flowmap.reference.os_names` takes text from :func:`normalise`
and the end-of-life table's :data:`Rows`, and returns an :class:`OsGuess` or None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: An end-of-life table's rows by product, then cycle; each row a tuple in
#: :data:`flowmap.reference.eol_files.COLUMNS` order.
Rows = Mapping[str, Mapping[str, tuple]]

#: Regex: no letter or digit just before (the start of a name, not the middle of a word).
NOT_WORD_BEFORE = r"(?<![a-z0-9])"


@dataclass(frozen=True)
class OsGuess:
    """What a recogniser read from the text: a product and the cycles to try, best first.

    Attributes
    ----------
    product : str
        Product key of the end-of-life table.
    wanted : str
        Human-readable name of what the text seems to mean (``Windows Server 2008 R2``),
        used in the reason when nothing in the table matches.
    cycles : tuple of (str, str)
        ``(cycle, note)`` pairs to try in order; the note is reported if that cycle
        matches. Empty when the text names the product but no release.
    """

    product: str
    wanted: str
    cycles: tuple[tuple[str, str], ...] = ()  # (cycle, note to report if this cycle matches)


def normalise(text: str) -> str:
    """Lower case, ``_`` and trademark signs removed, runs of spaces collapsed.

    Parameters
    ----------
    text : str
        An operating-system name as the inventory gives it.

    Returns
    -------
    str
        The text the recognisers read.

    Examples
    --------
    >>> normalise("Windows®  Server_2019 (tm)")
    'windows server 2019'
    """
    for mark in ("®", "™", "(r)", "(tm)"):
        text = text.replace(mark, " ")
    return " ".join(text.lower().replace("_", " ").split())
