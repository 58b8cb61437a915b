"""End-of-life tables as CSV files: flowmap's layout, read and checked.

:func:`read_eol_csv` gives the frame an :class:`flowmap.reference.eol.EolTable` wraps:
one row per product release (*cycle*), columns :data:`COLUMNS`, dates as
``datetime64`` (NaT when absent). It checks what it reads and raises
:class:`flowmap.errors.ReferenceDataError` with a message that says how to fix the
file. endoflife.date's JSON files are read by :mod:`flowmap.reference.endoflife`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from flowmap.errors import ReferenceDataError

#: Columns of an end-of-life table, in file order.
COLUMNS: tuple[str, ...] = (
    "product",
    "cycle",
    "label",
    "support_end",
    "extended_end",
    "extension",
    "checked",
    "source",
    "notes",
)
#: Columns a table file must have; ``extension``, ``checked`` and ``notes`` may be left out.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "product",
    "cycle",
    "label",
    "support_end",
    "extended_end",
    "source",
)
_OPTIONAL = [c for c in COLUMNS if c not in REQUIRED_COLUMNS]
#: Columns holding dates.
DATE_COLUMNS: tuple[str, ...] = ("support_end", "extended_end", "checked")

#: ``support_end`` of a release whose support has ended on a date nobody published
#: (endoflife.date says ``"eol": true``). Any comparison with today says "ended".
ENDED_DATE_UNKNOWN = dt.date(1970, 1, 1)

_FORMULA_MARKS = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------------------
# flowmap's CSV layout.
# ---------------------------------------------------------------------------------------


def read_eol_csv(path: str | Path) -> pd.DataFrame:
    """Read an end-of-life table in flowmap's CSV layout into an end-of-life frame.

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV file with columns :data:`COLUMNS`; see
        :meth:`flowmap.reference.eol.EolTable.from_csv` for the layout.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; ``product`` and ``cycle`` in lower case.

    Raises
    ------
    ReferenceDataError
        The file is missing, lacks a column, or has a bad or out-of-order date.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mine.csv"
    >>> _ = path.write_text("product,cycle,label,support_end,extended_end,source\\n"
    ...                     "Fedora,38,Fedora 38,2024-05-21,,https://fedoraproject.org\\n")
    >>> read_eol_csv(path).loc[0, ["product", "support_end", "checked"]].tolist()
    ['fedora', Timestamp('2024-05-21 00:00:00'), NaT]
    """
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(
            f"{path}: no such end-of-life file; check the path or leave the option out "
            "to use the bundled table."
        )
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ReferenceDataError(
            f"{path} is not a readable CSV file ({str(exc).splitlines()[0]}); "
            f"save it as UTF-8 CSV with columns {','.join(COLUMNS)}."
        ) from exc
    raw.columns = [c.strip().lower() for c in raw.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise ReferenceDataError(
            f"{path} lacks column(s) {', '.join(missing)}; an end-of-life table needs "
            f"{','.join(REQUIRED_COLUMNS)} (and may have {', '.join(_OPTIONAL)})."
        )
    for column in COLUMNS:
        if column not in raw.columns:
            raw[column] = ""
    records = []
    for offset, row in enumerate(raw.to_dict("records")):
        line = offset + 2
        row = {k: _unquoted(v) for k, v in row.items() if k in COLUMNS}
        product = row["product"].lower()
        cycle = row["cycle"].lower()
        if not product or not cycle:
            raise ReferenceDataError(
                f"{path} line {line}: product and cycle must both be filled in; "
                "fill them in or delete the row."
            )
        dates = {c: _csv_date(path, line, c, row[c]) for c in DATE_COLUMNS}
        if (
            dates["support_end"]
            and dates["extended_end"]
            and (dates["extended_end"] < dates["support_end"])
        ):
            raise ReferenceDataError(
                f"{path} line {line}: extended_end {dates['extended_end']} is before "
                f"support_end {dates['support_end']}; correct one of the dates."
            )
        records.append(
            {
                **row,
                **dates,
                "product": product,
                "cycle": cycle,
                "label": row["label"] or f"{product} {cycle}",
            }
        )
    return eol_frame(records)


def _unquoted(value: str) -> str:
    """A cell's text, stripped, without the apostrophe a safe CSV writer puts before ``=``."""
    value = str(value).strip()
    if value[:1] == "'" and value[1:2] in _FORMULA_MARKS:
        return value[1:]
    return value


# ---------------------------------------------------------------------------------------
# Dates and frames.
# ---------------------------------------------------------------------------------------


def _csv_date(path: Path, line: int, column: str, value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    if column == "support_end" and value.lower() == "ended":
        return ENDED_DATE_UNKNOWN
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ReferenceDataError(
            f"{path} line {line}: {column} {value!r} is not a date; write it as YYYY-MM-DD"
            + (
                " (or 'ended' when it has ended on a date you do not know)."
                if column == "support_end"
                else "."
            )
        ) from exc


def eol_frame(records: list[dict]) -> pd.DataFrame:
    """An end-of-life frame from row dicts, its dates (``datetime.date`` or None) as datetime64.

    Parameters
    ----------
    records : list of dict
        One dict per release, keyed by :data:`COLUMNS` (missing keys are empty).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` in order.

    Examples
    --------
    >>> frame = eol_frame([{"product": "fedora", "cycle": "38", "label": "Fedora 38",
    ...                     "support_end": dt.date(2024, 5, 21), "extended_end": None,
    ...                     "source": ""}])
    >>> frame["extended_end"].tolist()
    [NaT]
    """
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    for column in COLUMNS:
        if column in DATE_COLUMNS:
            frame[column] = date_column(list(frame[column]))
        else:
            frame[column] = frame[column].astype(object).fillna("").astype(str)
    return frame


def date_column(values: list) -> pd.Series:
    """Dates (or None) as a ``datetime64[ns]`` Series.

    Parameters
    ----------
    values : list
        ``datetime.date`` values or None.

    Returns
    -------
    pandas.Series
        ``datetime64[ns]``, NaT for None.

    Examples
    --------
    >>> date_column([dt.date(2024, 5, 21), None]).tolist()
    [Timestamp('2024-05-21 00:00:00'), NaT]
    """
    return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[ns]")
