"""Read an inventory workbook (``.xlsx``): one sheet per table, every cell as text.

Rows keep the number Excel shows; a formula cell whose value Excel never saved is named
by its cell, so the user can open the workbook there and fix it.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pandas as pd

from flowmap.errors import InventoryReadError
from flowmap.inventory.raw import (
    HELPER_SHEETS,
    RawInventory,
    RawTable,
    ReadProblem,
    cell_text,
    first_line,
    tidy,
)
from flowmap.inventory.schema import TABLES, normalise_column_name


def read_workbook(path: Path, *, data: bytes | None = None) -> RawInventory:
    """Read the workbook at ``path`` (from ``data``, its bytes, when given: both of the
    reader's openings then see the same workbook even if the file is replaced meanwhile).

    Raises
    ------
    InventoryReadError
        The file is not a workbook, or a part of it is damaged (named, with the place).
    """
    from zipfile import BadZipFile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    def source():
        return io.BytesIO(data) if data is not None else path

    inventory = RawInventory(source=str(path), kind="xlsx", tables={})
    try:
        wb = openpyxl.load_workbook(source(), read_only=True, data_only=False)
    except (OSError, InvalidFileException, BadZipFile, KeyError, ValueError) as exc:
        raise InventoryReadError(
            f"Cannot open {path} as an Excel workbook ({first_line(exc)}): save it as .xlsx "
            "from Excel, or give a folder of CSV files."
        ) from None
    except DAMAGED as exc:
        raise _damaged(path, "", exc) from None
    cached: openpyxl.Workbook | None = None
    try:
        chosen, problems = _choose_sheets(wb, inventory)
        inventory.problems.extend(problems)
        for name, sheet_name in chosen.items():
            try:
                rows, formulas = _sheet_rows(wb[sheet_name])
                problems = []
                if formulas:
                    if cached is None:
                        cached = openpyxl.load_workbook(source(), read_only=False, data_only=True)
                    problems = _fill_formulas(name, rows, formulas, cached[sheet_name])
            except DAMAGED as exc:
                raise _damaged(path, sheet_name, exc) from None
            table = RawTable(name, pd.DataFrame(), path.name, "xlsx")
            if not rows:
                problems.append(
                    ReadProblem(
                        name, None, None, None, "the sheet is empty: it needs at least a header row"
                    )
                )
            else:
                _header_row, header = rows[0]
                body = rows[1:]
                width = len(header)
                cells = [(r + [""] * (width - len(r)))[:width] for _, r in body]
                frame = pd.DataFrame(cells, columns=range(width), dtype=object)
                frame.index = pd.Index([n for n, _ in body], name="row", dtype="int64")
                frame, tidy_problems = tidy(name, frame, header, pandas_unnamed=False)
                problems.extend(tidy_problems)
                table.frame = frame
            inventory.tables[name] = table
            inventory.problems.extend(problems)
    finally:
        wb.close()
    return inventory


#: What a damaged part of a workbook raises while it is read: XML that does not parse
#: (ElementTree's and lxml's errors are both SyntaxErrors), compressed data that does not
#: unpack, or a part cut short.
DAMAGED = (SyntaxError, zlib.error, EOFError)


def _damaged(path: Path, sheet: str, exc: BaseException) -> InventoryReadError:
    where = f"its sheet {sheet!r}" if sheet else "part of its structure (shared text or styles)"
    return InventoryReadError(
        f"Cannot read {path}: {where} is damaged ({first_line(exc)}); open the workbook in "
        "Excel and save it again (Excel repairs what it can), or give a folder of CSV files."
    )


def _label(wb, sheet_name: str) -> str:
    """A sheet's name as the user sees it, with its state when it is not shown."""
    state = getattr(wb[sheet_name], "sheet_state", "visible")
    extra = {"hidden": " (hidden)", "veryHidden": " (very hidden)"}.get(state, "")
    return f"{sheet_name!r}{extra}"


def _choose_sheets(wb, inventory: RawInventory) -> tuple[dict[str, str], list[ReadProblem]]:
    """Which sheet holds each table: by its name, tidied (``Systems `` is ``systems``).

    Two sheets that would hold the same table are an error naming both, and so is a
    hidden sheet holding a table: flowmap reads only what a person opening the workbook
    can see (a "very hidden" sheet can only be made, or shown, by a macro).
    """
    chosen: dict[str, str] = {}
    problems: list[ReadProblem] = []
    for sheet_name in wb.sheetnames:
        name = normalise_column_name(sheet_name)
        state = getattr(wb[sheet_name], "sheet_state", "visible")
        if name not in TABLES:
            if name not in HELPER_SHEETS:
                inventory.ignored.append(f"sheet {sheet_name}")
            continue
        if name in chosen:
            problems.append(
                ReadProblem(
                    name,
                    None,
                    None,
                    sheet_name,
                    f"sheets {_label(wb, chosen[name])} and {_label(wb, sheet_name)} both hold "
                    f"the {name} table: "
                    "keep one of them (rename or delete the other)",
                )
            )
            continue
        chosen[name] = sheet_name
        if state != "visible":
            kind = (
                "very hidden (only a macro can hide or show it)"
                if state == "veryHidden"
                else ("hidden")
            )
            problems.append(
                ReadProblem(
                    name,
                    None,
                    None,
                    sheet_name,
                    f"the sheet {sheet_name!r} is {kind}: flowmap reads only what a person "
                    "opening the workbook can see; show the sheet (right-click a sheet tab, "
                    "Unhide) or delete it",
                )
            )
    return chosen, problems


def _sheet_rows(ws) -> tuple[list[tuple[int, list[str]]], list[tuple[int, int]]]:
    """Rows as (row number, cell texts) and the (row, column index) of formula cells.

    A formula is told by the cell's type, not by a leading ``=``, so text such as
    ``=SUM(...)`` typed into a text cell stays text.
    """
    rows: list[tuple[int, list[str]]] = []
    formulas: list[tuple[int, int]] = []
    for r_index, row in enumerate(ws.iter_rows(), start=1):
        texts = []
        for c_index, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                formulas.append((r_index, c_index))
            texts.append(cell_text(cell.value))
        while texts and texts[-1] == "":
            texts.pop()
        rows.append((r_index, texts))
    return rows, formulas


def _fill_formulas(
    name: str, rows: list[tuple[int, list[str]]], formulas: list[tuple[int, int]], cached_ws
) -> list[ReadProblem]:
    from openpyxl.utils import get_column_letter

    problems = []
    by_row = {n: texts for n, texts in rows}
    for r, c in formulas:
        value = cached_ws.cell(row=r, column=c + 1).value
        texts = by_row[r]
        if value is None:
            cell = f"{get_column_letter(c + 1)}{r}"
            problems.append(
                ReadProblem(
                    name,
                    r,
                    None,
                    texts[c],
                    f"cell {cell} holds a formula with no saved value: open the workbook in Excel "
                    "and save it (so the result is stored), or paste the values in",
                )
            )
            texts[c] = ""
        else:
            texts[c] = cell_text(value)
    return problems
