"""What a recogniser reads from an OS name, and the text it reads.

Every recogniser of :mod:`flowmap.reference.os_names` takes text from :func:`normalise`
and the end-of-life table's :data:`Rows`, and returns a :class:`Reading` (or an
:class:`OsGuess`, a reading of one release) or None.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

#: An end-of-life table's rows by product, then cycle; each row a tuple in
#: :data:`flowmap.reference.eol_files.COLUMNS` order.
Rows = Mapping[str, Mapping[str, tuple]]

#: Regex: no letter or digit just before (the start of a name, not the middle of a word).
NOT_WORD_BEFORE = r"(?<![a-z0-9])"


@dataclass(frozen=True)
class OsGuess:
    """One release a text may mean: a product and the cycles that stand for it.

    Attributes
    ----------
    product : str
        Product key of the end-of-life table.
    wanted : str
        Human-readable name of what the text seems to mean (``Windows Server 2008 R2``),
        used in the reason when nothing in the table matches.
    cycles : tuple of (str, str)
        ``(cycle, note)`` pairs to try in order, the first in the table standing for
        the release (``2016-sp2`` before ``2016``); the note is reported when that
        cycle is used. Empty when the text names the product but no release.
    said : str
        The words that named it, quoted in the reason.
    """

    product: str
    wanted: str
    cycles: tuple[tuple[str, str], ...] = ()
    said: str = ""


@dataclass(frozen=True)
class Reading:
    """Everything a text may mean: one release, several, or none with the reason.

    Attributes
    ----------
    guesses : tuple of OsGuess
        Each release the text may mean; when there are several, the text is judged
        by all of them (unsupported only when every one of them is).
    note : str
        Why there are several (``build 17763 is ...``), or, with no guesses, why the
        text names no product flowmap can judge.
    label : str
        What to call the system's software when there are several (``Windows 11,
        release not given``); empty to join the releases' labels.
    """

    guesses: tuple[OsGuess, ...] = ()
    note: str = ""
    label: str = ""


def as_reading(found: OsGuess | Reading | None) -> Reading | None:
    """A recogniser's answer as a :class:`Reading`.

    >>> as_reading(OsGuess("ubuntu", "Ubuntu 22.04", (("22.04", ""),))).guesses[0].product
    'ubuntu'
    """
    if found is None or isinstance(found, Reading):
        return found
    return Reading((found,))


_ARCH = re.compile(
    r"(?<![a-z0-9])(?:x86[_-]64|x86|x64|amd64|i[3-6]86|aarch64|arm64|ppc64le|ppc64|s390x"
    r"|(?:32|64)[\s-]?bits?(?:\s+edition)?)(?![a-z0-9])",
    re.IGNORECASE,
)
_MARKS = re.compile(r"®|™|\((?:r|tm)\)", re.IGNORECASE)


def normalise(text: str) -> str:
    """Lower case, trademark signs, architectures and ``_`` removed, spaces collapsed.

    Unicode is folded to its compatibility form (no-break spaces become spaces, full-width
    letters plain ones). Architecture words (``x86_64``, ``amd64``, ``64-bit``) are
    dropped, so that their digits are never read as a version.

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
    >>> normalise("Windows Server (R) 2008 Standard")
    'windows server 2008 standard'
    >>> normalise("Linux Kernel 4.14.313-235.533.amzn2.x86_64 on Amazon Linux 2")
    'linux kernel 4.14.313-235.533.amzn2. on amazon linux 2'
    """
    text = unicodedata.normalize("NFKC", str(text))
    text = _MARKS.sub(" ", text)
    text = _ARCH.sub(" ", text)
    return " ".join(text.lower().replace("_", " ").split())
