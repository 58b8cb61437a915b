"""Read an inventory workbook (``.xlsx``): one sheet per table, every cell as text.

Rows keep the number Excel shows; a formula cell whose value Excel never saved is named
by its cell, so the user can open the workbook there and fix it.
"""

from __future__ import annotations

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


def read_workbook(path: Path) -> RawInventory:
    from zipfile import BadZipFile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    inventory = RawInventory(source=str(path), kind="xlsx", tables={})
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (OSError, InvalidFileException, BadZipFile, KeyError, ValueError) as exc:
        raise InventoryReadError(
            f"Cannot open {path} as an Excel workbook ({first_line(exc)}): save it as .xlsx "
            "from Excel, or give a folder of CSV files."
        ) from None
    cached: openpyxl.Workbook | None = None
    try:
        chosen: dict[str, str] = {}
        for sheet_name in wb.sheetnames:
            name = normalise_column_name(sheet_name)
            if name in TABLES and name not in chosen:
                chosen[name] = sheet_name
            elif name not in HELPER_SHEETS:
                inventory.ignored.append(f"sheet {sheet_name}")
        for name, sheet_name in chosen.items():
            rows, formulas = _sheet_rows(wb[sheet_name])
            problems: list[ReadProblem] = []
            if formulas:
                if cached is None:
                    cached = openpyxl.load_workbook(path, read_only=False, data_only=True)
                problems = _fill_formulas(name, rows, formulas, cached[sheet_name])
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
