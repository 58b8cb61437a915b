"""The whole pipeline from files: read the reference data, read and validate the
inventory, analyse it. What the command line, the notebooks and the board report start
with, written once.

>>> import flowmap
>>> a = flowmap.analyse_files("inventories/sample", as_of="2026-11-01")
>>> a.summary["as_of"], list(a.sources)
('2026-11-01', ['eol bundled'])
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from flowmap.errors import UsageError
from flowmap.inventory.textstorage import python_text

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

PathLike = str | Path


@python_text
def analyse_files(
    path: PathLike,
    *,
    as_of: dt.date | str | None = None,
    kev: PathLike | None = None,
    epss: PathLike | None = None,
    eol: PathLike | Sequence[PathLike] = (),
    progress: bool = False,
    rules: tuple | None = None,
) -> Analysis:
    """Read reference files and an inventory, validate it, and analyse it.

    Reference files are read first, so a bad one stops before the inventory is read.
    Empty strings mean "not given" (notebook parameters cannot be ``None``).

    Parameters
    ----------
    path : str or Path
        An inventory folder of CSV files or an ``.xlsx`` workbook.
    as_of : date or str, optional
        The day every date rule is judged on (``YYYY-MM-DD``; default today).
    kev, epss : path, optional
        The CISA KEV catalogue and FIRST EPSS scores.
    eol : path or sequence of paths, optional
        More end-of-life tables: endoflife.date files, tables in flowmap's CSV layout, or
        folders of them; a text may hold several paths separated by ``os.pathsep``.
    progress : bool
        Show progress bars (on a terminal or in a notebook).
    rules : tuple of Rule, optional
        The rules to run (default every rule); ``()`` for none, when only the scores and
        paths are wanted (``flowmap alert``).

    Raises
    ------
    InvalidInventoryError
        The inventory has errors (``flowmap validate`` lists them all).
    InventoryReadError, ReferenceDataError, UsageError
        A file cannot be read, or ``as_of`` is not a date.
    """
    from flowmap.engine.analysis import analyse
    from flowmap.inventory.validate import load_inventory
    from flowmap.reference.bundle import load_reference

    day = parse_day(as_of)
    reference = load_reference(kev=kev or None, epss=epss or None, eol=eol_paths(eol))
    inventory = load_inventory(path, as_of=day, progress=progress)
    if rules is None:
        return analyse(inventory, as_of=day, reference=reference, progress=progress)
    return analyse(inventory, as_of=day, reference=reference, progress=progress, rules=rules)


def eol_paths(value: PathLike | Sequence[PathLike] | None) -> list[Path]:
    """End-of-life files: paths, or one text of paths separated by the system's path
    separator (``:`` on Linux and macOS, ``;`` on Windows), as notebook parameters come.

    >>> [p.name for p in eol_paths("a.json" + os.pathsep + "b.json")]
    ['a.json', 'b.json']
    >>> eol_paths(""), [p.name for p in eol_paths([Path("c.csv"), ""])]
    ([], ['c.csv'])
    """
    if value is None or value == "":
        return []
    if isinstance(value, Path):
        return [value]
    if isinstance(value, str):
        return [Path(v) for v in value.split(os.pathsep) if v.strip()]
    return [Path(v) for v in value if v not in (None, "")]


def parse_day(value: dt.date | str | None) -> dt.date | None:
    """A date from a date, ``YYYY-MM-DD`` text, or nothing (``None`` or ``""``: today).

    >>> parse_day("2026-11-01"), parse_day(""), parse_day(None)
    (datetime.date(2026, 11, 1), None, None)
    """
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(
            f"as_of {value!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-01.", param="as_of"
        ) from None
