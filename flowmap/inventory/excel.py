"""Read an inventory workbook (``.xlsx``): one sheet per table, every cell as text.

Rows keep the number Excel shows; a formula cell whose value Excel never saved is named
by its cell, so the user can open the workbook there and fix it. Cells are read by
python-calamine (compiled, about twenty times faster than openpyxl at region scale);
what it does not report (formulas without a saved value, error values, how far a
sheet's cells reach) comes from a light scan of the sheet's XML
(:mod:`flowmap.inventory.xlsxparts`).
"""

from __future__ import annotations

import io
import itertools
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from flowmap.errors import InventoryReadError
from flowmap.inventory.limits import Limits
from flowmap.inventory.raw import (
    HELPER_SHEETS,
    RawInventory,
    RawTable,
    ReadProblem,
    cell_text,
    first_line,
    maybe_padded,
    tidy,
)
from flowmap.inventory.schema import TABLES, normalise_column_name
from flowmap.inventory.xlsxparts import (
    DamagedPartError,
    NotAWorkbookError,
    Scan,
    Sheet,
    repack,
    scan_sheet,
    workbook_sheets,
)


def read_workbook(
    path: Path, *, data: bytes | None = None, limits: Limits | None = None
) -> RawInventory:
    """Read the workbook at ``path`` (from ``data``, its bytes, when given: everything read
    then comes from the same bytes even if the file is replaced meanwhile).

    Raises
    ------
    InventoryReadError
        The file is not a workbook, a part of it is damaged (named, with the place), or
        a sheet's cells reach further than the limits allow.
    """
    limits = limits if limits is not None else Limits()
    if data is None:
        data = path.read_bytes()
    inventory = RawInventory(source=str(path), kind="xlsx", tables={})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheets = workbook_sheets(archive)
    except (OSError, zipfile.BadZipFile, NotAWorkbookError, KeyError, ValueError) as exc:
        raise InventoryReadError(
            f"Cannot open {path} as an Excel workbook ({first_line(exc)}): save it as .xlsx "
            "from Excel, or give a folder of CSV files."
        ) from None
    except DAMAGED as exc:
        raise _damaged(path, "", exc) from None
    with archive:
        chosen, problems = _choose_sheets(sheets, inventory)
        inventory.problems.extend(problems)
        wanted = {s.part: s for s in chosen.values() if s.part}
        others = {s.part for s in sheets if s.part and s.part not in wanted}
        scans: dict[str, Scan] = {}

        def scan_part(part: str, data: bytes) -> None:
            sheet = wanted.get(part)
            if sheet is None:
                return
            try:
                found = scan_sheet(data)
                if not found.exact and _past(found, limits):  # a bound past a limit: exactly
                    found = scan_sheet(data, exact=True)
            except DAMAGED as exc:
                raise _damaged(path, sheet.name, exc) from None
            _check_reach(path, sheet.name, found, limits)
            scans[sheet.name] = found

        try:
            stored = repack(archive, others, scan_part)
        except DamagedPartError as exc:
            sheet = wanted.get(exc.part)
            raise _damaged(path, sheet.name if sheet else "", exc) from None
    book = _open(path, stored)
    try:
        for name, sheet in chosen.items():
            scan = scans.get(sheet.name, Scan())
            grid, problems = _sheet_grid(path, book, sheet, scan, name, stored)
            inventory.tables[name] = _table(path, name, grid, problems)
            inventory.problems.extend(problems)
    finally:
        book.close()
    return inventory


#: What a damaged part of a workbook raises while it is read: XML that does not parse
#: (ElementTree's errors are SyntaxErrors), compressed data that does not unpack or fails
#: its CRC, a part cut short, or the cell reader's own errors.
DAMAGED: tuple[type[BaseException], ...] = (SyntaxError, zlib.error, EOFError)


def _calamine_errors() -> tuple[type[BaseException], ...]:
    import python_calamine

    return (python_calamine.CalamineError,)


def _open(path: Path, stored: bytes):
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(stored))
    except BaseException as exc:  # a Rust panic is a BaseException
        if not _is_reader_error(exc):
            raise
        raise _damaged(path, "", exc) from None


def _is_reader_error(exc: BaseException) -> bool:
    return isinstance(exc, (*_calamine_errors(), *DAMAGED, ValueError)) or (
        type(exc).__name__ == "PanicException"
    )


def _damaged(path: Path, sheet: str, exc: BaseException) -> InventoryReadError:
    where = f"its sheet {sheet!r}" if sheet else "part of its structure (shared text or styles)"
    return InventoryReadError(
        f"Cannot read {path}: {where} is damaged ({first_line(exc)}); open the workbook in "
        "Excel and save it again (Excel repairs what it can), or give a folder of CSV files."
    )


def _past(scan: Scan, limits: Limits) -> bool:
    return scan.columns > limits.max_columns or scan.rows * scan.columns > limits.max_sheet_cells


def _check_reach(path: Path, sheet: str, scan: Scan, limits: Limits) -> None:
    """Refuse a sheet whose cells reach too far, before any grid of them is made."""
    if scan.columns > limits.max_columns:
        raise InventoryReadError(
            f"{path} sheet {sheet!r}: its cells reach column {_letters(scan.columns)} "
            f"({scan.columns:,} columns), more than the limit of {limits.max_columns:,}; "
            f"delete what is far to the right, or {limits.advice('max_columns')}"
        )
    if scan.rows * scan.columns > limits.max_sheet_cells:
        raise InventoryReadError(
            f"{path} sheet {sheet!r}: its cells reach row {scan.rows:,} and column "
            f"{_letters(scan.columns)}, {scan.rows * scan.columns:,} cells, more than the limit "
            f"of {limits.max_sheet_cells:,}; delete what is far below or to the right, or "
            f"{limits.advice('max_sheet_cells')}"
        )


#: The last day Excel holds a date for (9999-12-31), as a serial number.
LAST_EXCEL_DAY = 2958465


def _out_of_range(path: Path, sheet: Sheet, stored: bytes) -> InventoryReadError:
    """The one-line error for a number too large for its cell's date or time format,
    naming the first such cell (Excel shows it as ####)."""
    import re

    with zipfile.ZipFile(io.BytesIO(stored)) as archive:
        xml = archive.read(sheet.part) if sheet.part else b""
    cell = re.compile(
        rb"<(?:\w+:)?c\s[^>]*?r=[\"']([A-Za-z]+\d+)[\"'][^>]*>(.*?)</(?:\w+:)?c>", re.S
    )
    value = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")
    for match in cell.finditer(xml):
        found = value.search(match.group(2))
        try:
            number = float(found.group(1)) if found else 0.0
        except ValueError:
            continue
        if abs(number) > LAST_EXCEL_DAY:
            return InventoryReadError(
                f"{path} sheet {sheet.name!r} cell {match.group(1).decode()}, value "
                f"{found.group(1).decode()!r}: a number too large for the cell's date or time "
                "format (Excel shows it as ####): give the cell the General number format, "
                "or correct the number"
            )
    return InventoryReadError(
        f"{path} sheet {sheet.name!r}: a cell holds a number too large for its date or time "
        "format (Excel shows it as ####): give it the General number format, or correct it"
    )


def _letters(column: int) -> str:
    """>>> _letters(1), _letters(27), _letters(16384)
    ('A', 'AA', 'XFD')
    """
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def _label(sheet: Sheet) -> str:
    """A sheet's name as the user sees it, with its state when it is not shown."""
    extra = {"hidden": " (hidden)", "veryHidden": " (very hidden)"}.get(sheet.state, "")
    return f"{sheet.name!r}{extra}"


def _choose_sheets(
    sheets: list[Sheet], inventory: RawInventory
) -> tuple[dict[str, Sheet], list[ReadProblem]]:
    """Which sheet holds each table: by its name, tidied (``Systems `` is ``systems``).

    Two sheets that would hold the same table are an error naming both, and so is a
    hidden sheet holding a table: flowmap reads only what a person opening the workbook
    can see (a "very hidden" sheet can only be made, or shown, by a macro). A chart
    sheet named after a table is an error too: it holds no rows.
    """
    chosen: dict[str, Sheet] = {}
    problems: list[ReadProblem] = []
    for sheet in sheets:
        name = normalise_column_name(sheet.name)
        if name not in TABLES:
            if name not in HELPER_SHEETS:
                inventory.ignored.append(f"sheet {sheet.name}")
            continue
        if name in chosen:
            problems.append(
                ReadProblem(
                    name,
                    None,
                    None,
                    sheet.name,
                    f"sheets {_label(chosen[name])} and {_label(sheet)} both hold "
                    f"the {name} table: "
                    "keep one of them (rename or delete the other)",
                )
            )
            continue
        if sheet.kind != "worksheet":
            problems.append(
                ReadProblem(
                    name,
                    None,
                    None,
                    sheet.name,
                    f"the sheet {sheet.name!r} is a {sheet.kind or 'sheet of another kind'}, "
                    "not a table of cells: rename it, and give the table a worksheet",
                )
            )
            continue
        chosen[name] = sheet
        if sheet.state != "visible":
            kind = (
                "very hidden (only a macro can hide or show it)"
                if sheet.state == "veryHidden"
                else "hidden"
            )
            problems.append(
                ReadProblem(
                    name,
                    None,
                    None,
                    sheet.name,
                    f"the sheet {sheet.name!r} is {kind}: flowmap reads only what a person "
                    "opening the workbook can see; show the sheet (right-click a sheet tab, "
                    "Unhide) or delete it",
                )
            )
    return chosen, problems


def _sheet_grid(
    path: Path, book, sheet: Sheet, scan: Scan, name: str, stored: bytes
) -> tuple[np.ndarray, list[ReadProblem]]:
    """Every cell of a sheet as text, from A1, in a 2-D array; and its read problems.

    Numbers, dates and yes/no cells become the text a person reads (:func:`cell_text`);
    error values keep their text (``#N/A``); a formula with no saved value is empty and
    named by its cell. A formula is told by the cell's type, not by a leading ``=``, so
    text such as ``=SUM(...)`` typed into a text cell stays text.
    """
    try:
        rows = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
    except OverflowError:  # a number too large for its date or time format
        raise _out_of_range(path, sheet, stored) from None
    except BaseException as exc:  # a Rust panic is a BaseException
        if not _is_reader_error(exc):
            raise
        raise _damaged(path, sheet.name, exc) from None
    marks = scan.unsaved + scan.errors
    height = max([len(rows)] + [r for r, _, _ in marks])
    width = max([len(rows[0]) if rows else 0] + [c + 1 for _, c, _ in marks])
    if (height, width) == (len(rows), len(rows[0]) if rows else 0):
        grid = np.array(rows, dtype=object).reshape(height, width)
    else:  # a marked cell lies past what the reader returned: widen to hold it
        grid = np.full((height, width), "", dtype=object)
        if rows and rows[0]:
            grid[: len(rows), : len(rows[0])] = rows
    del rows
    for j in range(width):
        column = grid[:, j]
        if infer_dtype(column, skipna=False) != "string":  # numbers, dates, yes/no
            grid[:, j] = [v if type(v) is str else cell_text(v) for v in column]
    for r, c, text in scan.errors:
        grid[r - 1, c] = text
    problems = []
    for r, c, formula in sorted(scan.unsaved):
        grid[r - 1, c] = ""
        problems.append(
            ReadProblem(
                name,
                r,
                None,
                formula,
                f"cell {_letters(c + 1)}{r} holds a formula with no saved value: open the "
                "workbook in Excel and save it (so the result is stored), or paste the values in",
            )
        )
    return grid, problems


def _table(path: Path, name: str, grid: np.ndarray, problems: list[ReadProblem]) -> RawTable:
    """One table from its sheet's grid: row 1 the header, each later row by its number."""
    table = RawTable(name, pd.DataFrame(), path.name, "xlsx")
    if not grid.size:
        problems.append(
            ReadProblem(
                name, None, None, None, "the sheet is empty: it needs at least a header row"
            )
        )
        return table
    header = list(grid[0])
    while header and header[-1] == "":
        header.pop()
    body = grid[1:, : len(header)]
    # one object per distinct text, as pandas reads CSV, each column contiguous: later
    # checks hash each text once; and the distinct texts are few, so checking them for
    # white space to trim (and trimming) is quick
    found = [pd.factorize(body[:, j]) for j in range(body.shape[1])]
    distinct = [np.asarray(uniques, dtype=object) for _, uniques in found]
    text = "\n".join(itertools.chain.from_iterable(distinct))
    table.longest = max((max(map(len, u), default=0) for u in distinct), default=0)
    if maybe_padded(text.encode("utf-8", "surrogatepass")):
        distinct = [np.array([v.strip() for v in u], dtype=object) for u in distinct]
    columns = {j: u.take(codes) for j, ((codes, _), u) in enumerate(zip(found, distinct))}
    rows = pd.Index(np.arange(2, len(grid) + 1), name="row", dtype="int64")
    frame = pd.DataFrame(columns, index=rows, columns=range(len(header)), dtype=object)
    frame, tidy_problems = tidy(name, frame, header, pandas_unnamed=False, padded=False)
    problems.extend(tidy_problems)
    table.frame = frame
    return table
