"""Read a register spreadsheet (xlsx or CSV) as text rows with their row numbers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flowmap.errors import ImportFileError
from flowmap.ingest.csvstream import find_header, rows
from flowmap.ingest.sheets.mapping import norm
from flowmap.inventory.raw import cell_text

HEADER_SEARCH = 30  # rows looked at for the header


@dataclass
class Sheet:
    """A sheet's header and rows, every cell text; ``rows`` are (row number, cells)."""

    name: str  # the file, and the sheet for a workbook
    header: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]]
    unit: str  # "line" for CSV, "row" for a workbook

    def where(self, row: int) -> str:
        return f"{self.unit} {row}"

    def column(self, header: str) -> int | None:
        key = norm(header)
        return next((i for i, h in enumerate(self.header) if norm(h) == key), None)


def read_sheet(
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    wanted: set[str] | None = None,
) -> Sheet:
    """Read the register at ``path``; the header is ``header_row`` or else the first row
    (of the first 30) naming at least two of the ``wanted`` headers (or any row)."""
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file.")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _workbook(path, sheet, header_row, wanted)
    return _csv(path, header_row, wanted)


def _accept(wanted: set[str] | None, header_row: int | None):
    seen = {"n": 0}

    def accept(cells: list[str]) -> bool:
        seen["n"] += 1
        if header_row is not None:
            return seen["n"] == header_row
        filled = [c for c in cells if c.strip()]
        if not wanted:
            return len(filled) >= 2
        return sum(norm(c) in wanted for c in filled) >= min(2, len(wanted))

    return accept


def _csv(path: Path, header_row: int | None, wanted: set[str] | None) -> Sheet:
    header = find_header(path, _accept(wanted, header_row), search_lines=HEADER_SEARCH)
    if header is None:
        raise ImportFileError(
            f"{path.name}: no header row naming the mapping's columns in the first "
            f"{HEADER_SEARCH} lines (set header_row in the mapping)."
        )
    body = list(rows(path, header))
    return Sheet(path.name, header.columns, header.line, body, "line")


def _workbook(path: Path, sheet: str | None, header_row: int | None, wanted) -> Sheet:
    from zipfile import BadZipFile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, BadZipFile, KeyError, ValueError) as exc:
        raise ImportFileError(f"{path.name}: cannot be opened as a workbook ({exc}).") from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise ImportFileError(
                f"{path.name}: no sheet named {sheet!r} (sheets: {', '.join(wb.sheetnames)})."
            )
        accept = _accept(wanted, header_row)
        header: list[str] | None = None
        found_at = 0
        body: list[tuple[int, list[str]]] = []
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [cell_text(v).strip() for v in row]
            if header is None:
                if number > HEADER_SEARCH:
                    break
                if accept(cells):
                    header, found_at = cells, number
                continue
            if any(cells):
                width = len(header)
                body.append((number, (cells + [""] * width)[:width]))
    finally:
        wb.close()
    if header is None:
        raise ImportFileError(
            f"{path.name} sheet {ws.title}: no header row naming the mapping's columns in the "
            f"first {HEADER_SEARCH} rows (set header_row in the mapping)."
        )
    return Sheet(f"{path.name} sheet {ws.title}", header, found_at, body, "row")
