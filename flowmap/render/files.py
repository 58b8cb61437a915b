"""Writing output files: JSON, CSV and Excel, reproducibly and safely.

Everything from an inventory is untrusted text: in CSV and Excel a cell that begins
with ``=``, ``+``, ``-``, ``@``, tab or carriage return is neutralised so it cannot
run as a formula. The same data gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

FIXED_CREATED = dt.datetime(2000, 1, 1)  # workbook metadata, so output is reproducible
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "in_memory": True,
    "nan_inf_to_errors": True,
}


def write_json(document: object, path: str | Path) -> Path:
    """Write a JSON document reproducibly (sorted keys, UTF-8, one trailing newline).

    Indented for reading, except that a top-level list of more than
    :data:`ONE_PER_LINE` items (the findings of a region) is written one compact item
    per line: Python's fast encoder cannot indent, and the indenting one takes seconds
    per 100,000 findings.
    """
    path = Path(path)
    path.write_text(_json_text(document) + "\n", encoding="utf-8")
    return path


ONE_PER_LINE = 1000


def _json_text(document: object) -> str:
    def dumps(value: object, **options) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, **options)

    if not isinstance(document, dict) or not any(
        isinstance(v, list) and len(v) > ONE_PER_LINE for v in document.values()
    ):
        return dumps(document, indent=1)
    parts = []
    for key in sorted(document):
        value = document[key]
        if isinstance(value, list) and len(value) > ONE_PER_LINE:
            text = "[\n" + ",\n".join("  " + dumps(v) for v in value) + "\n ]"
        else:
            text = dumps(value, indent=1).replace("\n", "\n ")
        parts.append(f" {dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}"


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as CSV with formula-like text neutralised (``\\n`` line ends, no index)."""
    path = Path(path)
    neutralise_frame(frame).to_csv(path, index=False, lineterminator="\n")
    return path


def new_workbook(path: str | Path, title: str):
    """An XlsxWriter workbook that writes text as text and the same bytes every time."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties({"title": title, "created": FIXED_CREATED})
    return wb


#: Rows an Excel sheet holds, the header row included.
EXCEL_ROWS = 1_048_576


def write_sheets(
    wb, name: str, frame: pd.DataFrame, bold, *, rows_per_sheet: int = EXCEL_ROWS - 1
) -> list[str]:
    """Write a table to the sheet ``name``, continued on ``name (2)``, ``name (3)`` ...
    when it has more rows than a sheet holds, so no row is lost. Returns the sheet names."""
    names = []
    for part, start in enumerate(range(0, max(len(frame), 1), rows_per_sheet), start=1):
        sheet = name if part == 1 else f"{name} ({part})"
        write_sheet(wb.add_worksheet(sheet), frame.iloc[start : start + rows_per_sheet], bold)
        names.append(sheet)
    return names


def write_sheet(ws, frame: pd.DataFrame, bold) -> None:
    """One sheet: bold frozen header, filters, fitted widths; unknown cells left empty."""
    for c, col in enumerate(frame.columns):
        ws.write_string(0, c, str(col), bold)
        width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
        ws.set_column(c, c, min(max(width + 2, 8), 60))
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        for c, value in enumerate(row):
            if (
                value is None
                or value is pd.NA
                or value == ""
                or (isinstance(value, float) and value != value)
            ):
                continue
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            else:
                ws.write_number(r, c, float(value))
    ws.freeze_panes(1, 0)
    if len(frame.columns):
        ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)


def neutralise_formula(value: str) -> str:
    """Make untrusted text safe for a spreadsheet cell (CSV/formula injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
    prefixed with a single quote, so Excel shows it instead of running it.

    Examples
    --------
    >>> neutralise_formula('=HYPERLINK("http://x","click")')
    '\\'=HYPERLINK("http://x","click")'
    >>> neutralise_formula("-5"), neutralise_formula("RXA-PAS-01"), neutralise_formula("")
    ("'-5", 'RXA-PAS-01', '')
    """
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`neutralise_formula` applied to every text cell.

    Object, string and categorical columns are touched, and in them only string
    values; numbers, tuples and missing values are left as they are.

    Examples
    --------
    >>> out = neutralise_frame(pd.DataFrame({"a": ["=1+1", "ok", "+44 1632"], "n": [-1, 2, 3]}))
    >>> out["a"].tolist(), out["n"].tolist()
    (["'=1+1", 'ok', "'+44 1632"], [-1, 2, 3])
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        series = out.iloc[:, i]
        if isinstance(series.dtype, pd.CategoricalDtype):
            categories = _neutralise_series(pd.Series(series.cat.categories))
            if categories is not None and categories.is_unique:
                out.isetitem(i, series.cat.rename_categories(categories.tolist()))
                continue
            if categories is not None:  # "=a" and "'=a" both present: give up the categories
                series = series.astype(object)
        elif not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        changed = _neutralise_series(series)
        if changed is not None:
            out.isetitem(i, changed)
    return out


def _neutralise_series(series: pd.Series) -> pd.Series | None:
    """The series with formula-like strings quoted, or None when none needed it."""
    try:
        hit = series.str.startswith(FORMULA_TRIGGERS, na=False).astype(bool)
    except (AttributeError, TypeError):  # no text in it (tuples, bytes): nothing to do
        return None
    if not hit.any():
        return None
    series = series.copy()
    series[hit] = "'" + series[hit]
    return series
