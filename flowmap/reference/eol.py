"""End-of-life dates for operating systems and applications, and a matcher for their names.

An :class:`EolTable` holds one row per product release (a *cycle*): when its support
ends at no cost (``support_end``: the vendor's security updates, or free community
support such as Debian LTS) and, where the vendor sells one, when its paid extension
ends (``extended_end``: Microsoft ESU, Red Hat ELS, Ubuntu Pro ESM...). flowmap
bundles a table of the products found in health and care estates
(``flowmap/data/eol_endoflife.csv``, converted from endoflife.date, and
``flowmap/data/eol.csv``, flowmap's own rows; see ``docs/reference-data.md``);
:func:`load_endoflife` adds any product from an endoflife.date file.

:meth:`EolTable.match` turns free text (``Win 2012 R2``, ``10.0 (22631)``,
``cpe:/o:canonical:ubuntu_linux:18.04``) into a release and says, in
``OsMatch.reason``, what it read and why. When the text may mean several releases
(``Windows 11 Pro`` without a release), the match carries the dates of the one
supported longest (``support_end``) and of the one supported shortest
(``support_end_earliest``): a system is unsupported for certain only when the first has
passed, and cannot be judged while only the second has.

Dates in a table are :class:`datetime.date`; in DataFrames they are ``datetime64``. A
release whose support has ended on an unpublished date has :data:`ENDED_DATE_UNKNOWN`
(1970-01-01) as its ``support_end``, so it always counts as ended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pandas as pd

from flowmap.reference.endoflife import read_endoflife
from flowmap.reference.eol_files import (
    COLUMNS,
    ENDED_DATE_UNKNOWN,
    date_column,
    eol_frame,
    read_eol_csv,
)
from flowmap.reference.eol_match import MATCH_COLUMNS, OsMatch, resolve, unrecognised
from flowmap.reference.os_names import RECOGNISED_PRODUCTS, generic_patterns, normalise, read

__all__ = [
    "COLUMNS",
    "ENDED_DATE_UNKNOWN",
    "MATCH_COLUMNS",
    "EolTable",
    "OsMatch",
    "load_endoflife",
]

#: Months after which a table's data counts as stale (:meth:`EolTable.stale`).
STALE_MONTHS = 6

_BUNDLED = ("eol_endoflife.csv", "eol.csv")


class EolTable:
    """End-of-life dates by product release, and a matcher for free-text software names.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns :data:`~flowmap.reference.eol_files.COLUMNS` (``extension``,
        ``checked`` and ``notes`` may be left out); date columns ``datetime64``. Use
        :meth:`bundled`, :meth:`from_csv` or :func:`load_endoflife` rather than
        building one by hand.
    source : str
        Where the rows came from (a file name), named in outputs.
    dated : datetime.date, optional
        The day the data was current, for :meth:`stale`.

    Examples
    --------
    >>> table = EolTable.bundled()
    >>> m = table.match("Win 2012 R2")
    >>> m.label, m.support_end.isoformat(), m.extended_end.isoformat()
    ('Windows Server 2012 R2', '2023-10-10', '2026-10-13')
    >>> m.reason
    "read 'win 2012 r2' as Windows Server 2012 R2"
    >>> table.match("Proprietary RTOS").reason
    "no product matches 'Proprietary RTOS'"
    """

    def __init__(
        self, frame: pd.DataFrame, *, source: str = "", dated: dt.date | None = None
    ) -> None:
        self.source = source
        self.dated = dated
        frame = frame.copy()
        for column in COLUMNS:
            if column not in frame.columns:
                if column in ("product", "cycle", "label", "support_end", "extended_end"):
                    raise ValueError(
                        f"an end-of-life frame needs columns {COLUMNS}; missing {column!r}"
                    )
                frame[column] = pd.NaT if column == "checked" else ""
        if "origin" not in frame.columns:
            frame["origin"] = source or "table"
        self.frame = frame.loc[:, [*COLUMNS, "origin"]].reset_index(drop=True)
        for column in ("support_end", "extended_end", "checked"):
            self.frame[column] = pd.to_datetime(self.frame[column]).astype("datetime64[ns]")
        self.origins: dict[str, dt.date | None] = {source or "table": dated}
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
        """The table shipped with flowmap: endoflife.date's data, then flowmap's own rows.

        Examples
        --------
        >>> table = EolTable.bundled()
        >>> table.source, table.dated.isoformat()
        ('bundled', '2026-08-22')
        """
        converted, own = cls.bundled_parts()
        return converted.extend(own)

    @classmethod
    def bundled_parts(cls) -> tuple[EolTable, EolTable]:
        """The two bundled tables: endoflife.date's data, and flowmap's own rows.

        flowmap's own rows (releases and facts endoflife.date lacks, such as Windows NT,
        Windows 7's ESU or Red Hat Linux) are applied after any refreshed endoflife.date
        data, so a refresh does not lose them. Both are dated by the endoflife.date data.
        """
        frames = []
        for name in _BUNDLED:
            resource = resources.files("flowmap") / "data" / name
            with resources.as_file(resource) as path:
                frames.append(read_eol_csv(path))
        dated = frames[0]["checked"].max()
        day = None if pd.isna(dated) else dated.date()
        return cls(frames[0], source="bundled", dated=day), cls(
            frames[1], source="bundled", dated=day
        )

    @classmethod
    def from_csv(cls, path: str | Path, *, source: str | None = None) -> EolTable:
        """Read an end-of-life table in flowmap's CSV layout.

        Columns ``product,cycle,label,support_end,extended_end,source`` and optionally
        ``extension,checked,notes``; dates ``YYYY-MM-DD``; ``extended_end`` (and
        ``support_end`` when not announced) may be empty. ``product`` and ``cycle`` are
        matched in lower case. The table's date is its latest ``checked`` date.

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
        frame = read_eol_csv(path)
        dated = frame["checked"].max()
        return cls(
            frame, source=source or Path(path).name, dated=None if pd.isna(dated) else dated.date()
        )

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
        table = EolTable(
            both.drop_duplicates(["product", "cycle"], keep="last"),
            source=self.source,
            dated=self.dated,
        )
        table.origins = {**self.origins, **other.origins}
        return table

    # -- what it holds ------------------------------------------------------------------

    def describe(self) -> pd.DataFrame:
        """One row per product: how many releases, where they come from and how old they are.

        Returns
        -------
        pandas.DataFrame
            Columns ``product, releases, origin, data_date, first_checked,
            last_checked, unchecked`` (releases whose dates nobody checked).

        Examples
        --------
        >>> d = EolTable.bundled().describe().set_index("product")
        >>> int(d.loc["windows-server", "releases"]) > 10, d.loc["debian", "origin"]
        (True, 'bundled')
        """
        f = self.frame
        out = (
            f.groupby(["product", "origin"], sort=True)
            .agg(
                releases=("cycle", "size"),
                first_checked=("checked", "min"),
                last_checked=("checked", "max"),
                unchecked=("checked", lambda c: int(c.isna().sum())),
            )
            .reset_index()
        )
        out["data_date"] = out["origin"].map(self.origins)
        return out.loc[
            :,
            ["product", "releases", "origin", "data_date", "first_checked", "last_checked",
             "unchecked"],
        ]  # fmt: skip

    def stale(self, as_of: dt.date, *, months: int = STALE_MONTHS) -> list[str]:
        """Warnings for data older than ``months`` on ``as_of``, one per source in use.

        Only releases whose dates could still move count: a release whose support (and
        paid extension) had ended when the data was taken is history.

        Examples
        --------
        >>> EolTable.bundled().stale(dt.date(2026, 11, 30))
        []
        >>> print(EolTable.bundled().stale(dt.date(2027, 6, 1))[0].split(", whose")[0])
        End-of-life dates of 40 products come from the bundled table
        """
        limit = pd.Timestamp(as_of) - pd.DateOffset(months=months)
        warnings = []
        f = self.frame
        for origin, dated in self.origins.items():
            if dated is None or pd.Timestamp(dated) >= limit:
                continue
            # dates that had passed when the data was taken are history: they cannot move
            live = (f["support_end"].isna() | (f["support_end"] >= pd.Timestamp(dated))) | (
                f["extended_end"] >= pd.Timestamp(dated)
            )
            products = f.loc[(f["origin"] == origin) & live, "product"].nunique()
            if not products:
                continue
            where = {
                "bundled": "the bundled table",
                "local": "the local table (made by `flowmap reference update`)",
            }.get(origin, origin)
            warnings.append(
                f"End-of-life dates of {products} products come from {where}, whose data is "
                f"of {dated.isoformat()}, more than {months} months before {as_of.isoformat()}: "
                "vendors move dates, so refresh it with `flowmap reference update --from "
                "<endoflife.date files>` (see docs/reference-data.md)."
            )
        return warnings

    # -- matching -----------------------------------------------------------------------

    def match(self, os_text: str) -> OsMatch:
        """Match one free-text software name to a release of the table.

        Parameters
        ----------
        os_text : str
            What the inventory says, e.g. ``"Windows Server 2012 R2 Standard"``,
            ``"Windows 10 Enterprise 10.0 (19045)"`` or a CPE.

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
            return unrecognised(None, None, "empty")
        reading = read(normalise(text), self._rows, self._generic)
        if reading is None:
            return unrecognised(None, None, f"no product matches {text!r}")
        return resolve(reading, self._rows)

    def match_many(self, values: pd.Series, *, cpe: pd.Series | None = None) -> pd.DataFrame:
        """Match a column of software names, each distinct (name, CPE) pair once.

        Parameters
        ----------
        values : pandas.Series
            Names; missing values count as empty.
        cpe : pandas.Series, optional
            A CPE per row (a scanner's ``os_cpe``), indexed like ``values``. It is read
            where the name cannot be judged (not recognised), or may mean several
            releases while the CPE names one; the reason then says so.

        Returns
        -------
        pandas.DataFrame
            Indexed like ``values``, with :data:`MATCH_COLUMNS`: dates as
            ``datetime64``, ``os_recognised`` bool, text columns missing (NaN) where
            there is nothing to say.

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
        if cpe is None:
            codes, uniques = pd.factorize(text.to_numpy(dtype=object))
            found = [self.match(u) for u in uniques]
        else:
            extra = pd.Series(cpe, copy=False).reindex(text.index).astype("string").fillna("")
            pairs = pd.Series(list(zip(text.to_numpy(dtype=object), extra.to_numpy(dtype=object))))
            codes, uniques = pd.factorize(pairs)
            found = [self._match_with_cpe(name, also) for name, also in uniques]
        columns: dict[str, pd.Series] = {
            "os_product": _text([m.product for m in found]),
            "os_cycle": _text([m.cycle for m in found]),
            "os_label": _text([m.label for m in found]),
            "support_end": date_column([m.support_end for m in found]),
            "support_end_earliest": date_column([m.support_end_earliest for m in found]),
            "extended_end": date_column([m.extended_end for m in found]),
            "extension": _text([m.extension for m in found]),
            "eol_source": _text([m.source for m in found]),
            "eol_checked": date_column([m.checked for m in found]),
            "os_recognised": pd.Series([m.recognised for m in found], dtype=bool),
            "os_match_reason": _text([m.reason for m in found]),
        }
        out = {}
        for name, col in columns.items():
            taken = col.take(codes)
            taken.index = values.index
            out[name] = taken
        return pd.DataFrame(out, index=values.index).loc[:, list(MATCH_COLUMNS)]

    def _match_with_cpe(self, name: str, cpe: str) -> OsMatch:
        """The name's match, or the CPE's where the name cannot say and the CPE can."""
        m = self.match(name)
        if not cpe.strip() or (m.recognised and m.support_end_earliest == m.support_end):
            return m
        c = self.match(cpe)
        exact = c.recognised and c.support_end_earliest == c.support_end
        if not exact and (m.recognised or not c.recognised):
            return m
        return replace(c, reason=f"from os_cpe {cpe.strip()!r}: {c.reason}")


# ---------------------------------------------------------------------------------------
# endoflife.date files.
# ---------------------------------------------------------------------------------------


def load_endoflife(path: str | Path) -> EolTable:
    """Read an endoflife.date API file (classic or v1) into an :class:`EolTable`.

    See :mod:`flowmap.reference.endoflife` for the shapes read and how fields become
    columns. Release names are mapped onto flowmap's, so ``windows-server.json``
    replaces the bundled Windows Server rows; a product flowmap has no reader for
    matches texts that name it followed by a version starting with one of its cycles:
    ``PostgreSQL 12`` and ``postgresql 12.4`` match cycle ``12``.

    Raises
    ------
    ReferenceDataError
        The file is missing, is not JSON, or is JSON of another shape.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "fedora.json"
    >>> _ = path.write_text(json.dumps([
    ...     {"cycle": "40", "eol": "2025-05-13", "extendedSupport": False},
    ...     {"cycle": "39", "eol": "2024-11-26", "extendedSupport": False}]))
    >>> table = EolTable.bundled().extend(load_endoflife(path))
    >>> m = table.match("Fedora 39")
    >>> m.product, m.cycle, m.support_end.isoformat()
    ('fedora', '39', '2024-11-26')
    """
    data = read_endoflife(path)
    return EolTable(data.frame, source=Path(path).name, dated=data.dated)


def eol_table(records: list[dict], *, source: str, dated: dt.date | None = None) -> EolTable:
    """An :class:`EolTable` from row dicts (see :func:`flowmap.reference.eol_files.eol_frame`)."""
    return EolTable(eol_frame(records), source=source, dated=dated)


# ---------------------------------------------------------------------------------------
# Small helpers.
# ---------------------------------------------------------------------------------------


def _text(values: list) -> pd.Series:
    """Strings (or None) as a pandas ``str`` Series, None becoming missing."""
    return pd.Series(values, dtype="str")
