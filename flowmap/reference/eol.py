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

The work is shared with :mod:`flowmap.reference.os_names`, which reads OS names (which
product and release a text means), and :mod:`flowmap.reference.eol_files`, which reads
the table files (flowmap's CSV layout and endoflife.date JSON).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from flowmap.reference.eol_files import (
    COLUMNS,
    ENDED_DATE_UNKNOWN,
    date_column,
    read_endoflife,
    read_eol_csv,
)
from flowmap.reference.os_names import (
    RECOGNISED_PRODUCTS,
    OsGuess,
    generic_guess,
    generic_patterns,
    normalise,
    recognise,
)

__all__ = [
    "COLUMNS",
    "ENDED_DATE_UNKNOWN",
    "MATCH_COLUMNS",
    "EolTable",
    "OsMatch",
    "load_endoflife",
]

#: Columns :meth:`EolTable.match_many` returns, in order.
MATCH_COLUMNS: tuple[str, ...] = (
    "os_product",
    "os_cycle",
    "os_label",
    "support_end",
    "extended_end",
    "eol_source",
    "os_recognised",
    "os_match_reason",
)

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

    def __init__(self, frame: pd.DataFrame, *, source: str = "") -> None:
        self.source = source  # where the rows came from (a file name), for outputs
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"an end-of-life frame needs columns {COLUMNS}; missing {missing}")
        self.frame = frame.loc[:, list(COLUMNS)].reset_index(drop=True)
        rows: dict[str, dict[str, tuple]] = {}
        for row in self.frame.itertuples(index=False, name=None):
            rows.setdefault(row[0], {})[row[1]] = row
        self._rows = rows
        self._generic = generic_patterns(rows, RECOGNISED_PRODUCTS)

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
        return cls(read_eol_csv(path))

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
        s = normalise(text)
        guess = recognise(s, self._rows)
        if guess is None:
            guess = generic_guess(s, self._generic, self._rows)
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
            "support_end": date_column([m.support_end for m in found]),
            "extended_end": date_column([m.extended_end for m in found]),
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

    def _resolve(self, guess: OsGuess) -> OsMatch:
        if not guess.cycles:
            return _unrecognised(
                guess.product, None, f"{guess.wanted} without a version: cannot tell which release"
            )
        releases = self._rows.get(guess.product, {})
        for cycle, note in guess.cycles:
            row = releases.get(cycle)
            if row is not None:
                _, _, label, support_end, extended_end, source = row
                return OsMatch(
                    guess.product,
                    cycle,
                    label,
                    _date(support_end),
                    _date(extended_end),
                    source or None,
                    True,
                    note,
                )
        return _unrecognised(
            guess.product, guess.cycles[0][0], f"{guess.wanted} is not in the end-of-life table"
        )


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
    return EolTable(read_endoflife(path), source=Path(path).name)


# ---------------------------------------------------------------------------------------
# Small helpers.
# ---------------------------------------------------------------------------------------


def _text(values: list) -> pd.Series:
    """Strings (or None) as a pandas ``str`` Series, None becoming missing."""
    return pd.Series(values, dtype="str")


def _date(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _unrecognised(product: str | None, cycle: str | None, reason: str) -> OsMatch:
    return OsMatch(product, cycle, None, None, None, None, False, reason)
