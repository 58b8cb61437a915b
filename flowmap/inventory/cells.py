"""Parse cell text into typed values: booleans, dates, numbers, enumerations and lists.

Each column is parsed vectorised, each distinct text once; cells that cannot be parsed
come back as a mask, and :func:`bad_cells` turns them into located problems.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.inventory.problems import Problem, capped
from flowmap.inventory.raw import RawTable
from flowmap.inventory.schema import FALSE_WORDS, LIST_SEPARATOR, TRUE_WORDS, Column, Table

#: Largest number a cell may hold: beyond it a float no longer holds every whole number.
MAX_EXACT = 2**53 - 1


def empty_frame(table: Table) -> pd.DataFrame:
    frame = pd.DataFrame({c.name: pd.Series(dtype=dtype_of(c)) for c in table.columns.values()})
    frame.index = pd.Index([], name="row", dtype="int64")
    return frame


def dtype_of(column: Column) -> str:
    return {"bool": "boolean", "date": "datetime64[us]", "int": "Int64", "float": "float64"}.get(
        column.type, "object"
    )


def bad_cells(
    table: Table, rt: RawTable, column: str, text: pd.Series, bad: pd.Series, allowed: str
) -> list[Problem]:
    if not bad.any():
        return []
    rows = text.index[bad.to_numpy()]
    return capped(
        (
            Problem(
                "error",
                table.name,
                int(row),
                column,
                str(text.loc[row]),
                allowed,
                rt.where(int(row)),
            )
            for row in rows
        ),
        len(rows),
        where=rt.where(None),
    )


def parse_column(col: Column, text: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    """Parse one column's text; return values, a mask of unparseable cells, and why.

    Inventories repeat a few values down long columns (enumerations, yes/no, dates),
    so each distinct text is parsed once and the results spread back by code.
    """
    if col.type in ("id", "text"):
        return text, pd.Series(False, index=text.index), ""
    codes, uniques = pd.factorize(text.to_numpy(dtype=object), sort=False)
    distinct = pd.Series(uniques, dtype=object)
    values, bad, why = _parse_distinct(col, distinct)
    spread = values.take(codes)
    spread.index = text.index
    return spread, pd.Series(bad.to_numpy()[codes], index=text.index), why


def _parse_distinct(col: Column, text: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    """Parse each distinct cell text of a column (index 0..n-1)."""
    empty = text == ""
    no_bad = pd.Series(False, index=text.index)
    if col.type == "bool":
        low = text.str.lower()
        values = pd.Series(pd.NA, index=text.index, dtype="boolean")
        values[low.isin(TRUE_WORDS)] = True
        values[low.isin(FALSE_WORDS)] = False
        return (
            values,
            ~empty & values.isna(),
            "not a yes/no value: use yes/no, true/false, y/n or 1/0",
        )
    if col.type == "date":
        values = parse_dates(text)
        return values, ~empty & values.isna(), "not a date: use YYYY-MM-DD or DD/MM/YYYY"
    if col.type in ("int", "float"):
        values = pd.to_numeric(
            text.str.replace(",", "", regex=False).where(~empty), errors="coerce"
        ).astype("float64")
        # infinity, 1e400 and numbers past what a float holds exactly are not figures
        unusable = ~np.isfinite(values.fillna(0)) | (values.abs() > MAX_EXACT)
        values = values.where(~unusable)
        bad = ~empty & values.isna()
        if col.type == "int":
            fractional = values.notna() & (values != np.floor(values.fillna(0)))
            values = values.where(~fractional)
            bad = bad | fractional
            return (
                values.astype("Int64"),
                bad,
                f"not a whole number between -{MAX_EXACT:,} and {MAX_EXACT:,}",
            )
        return values, bad, f"not a finite number between -{MAX_EXACT:,} and {MAX_EXACT:,}"
    if col.type == "enum":
        return text.str.lower().astype(object), no_bad, ""
    if col.type in ("list", "enum_list"):
        return _split_list(text, lower=col.type == "enum_list"), no_bad, ""
    return text, no_bad, ""


def parse_dates(text: pd.Series) -> pd.Series:
    """Parse ISO ``YYYY-MM-DD`` (optionally with a time) or UK ``DD/MM/YYYY`` dates.

    >>> parse_dates(pd.Series(["2026-03-01", "01/03/2026", "2026-03-01 10:00:00", "3 March"]))
    0   2026-03-01
    1   2026-03-01
    2   2026-03-01
    3          NaT
    dtype: datetime64[us]
    """
    text = text.astype(object)
    iso = text.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")[0]
    uk = text.where(text.str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}") == True)  # noqa: E712
    a = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    b = pd.to_datetime(uk, format="%d/%m/%Y", errors="coerce")
    return a.fillna(b).astype("datetime64[us]").rename(text.name)


def _split_list(text: pd.Series, lower: bool) -> pd.Series:
    def split(value: str) -> tuple[str, ...]:
        parts = (p.strip() for p in value.split(LIST_SEPARATOR))
        return tuple(p.lower() if lower else p for p in parts if p)

    return pd.Series([split(v) for v in text], index=text.index, dtype=object)
