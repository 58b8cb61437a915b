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
    """The sheet's rows, numbered as Excel shows them, every cell as text.

    Cells are read by python-calamine (compiled; openpyxl took about 1 s per 5,000 register
    rows); what it reads as empty but a person sees (an error value such as ``#N/A``) comes
    from the light scan of the sheet's XML that the inventory reader uses, and a sheet whose
    cells reach past the limits is refused before any grid of them is made.
    """
    import io
    import zipfile

    from flowmap.inventory.limits import Limits
    from flowmap.inventory.xlsxparts import NotAWorkbookError, scan_sheet, workbook_sheets

    try:
        data = path.read_bytes()
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheets = workbook_sheets(archive)
        cells = [s for s in sheets if s.kind == "worksheet" and s.part]
        if sheet is None and cells:
            chosen = cells[0]
        else:
            chosen = next((s for s in cells if s.name == sheet), None)
            if chosen is None:
                names = ", ".join(s.name for s in sheets)
                raise ImportFileError(f"{path.name}: no sheet named {sheet!r} (sheets: {names}).")
        scan = scan_sheet(archive.read(chosen.part))
        limits = Limits.from_environment()
        if scan.columns > limits.max_columns or scan.rows * scan.columns > limits.max_sheet_cells:
            raise ImportFileError(
                f"{path.name} sheet {chosen.name}: its cells reach row {scan.rows:,} and column "
                f"{scan.columns:,}, more than the limits ({limits.max_columns:,} columns, "
                f"{limits.max_sheet_cells:,} cells): delete what is far below or to the right, "
                f"or {limits.advice('max_sheet_cells')}"
            )
        grid = _calamine_rows(data, chosen.name)
    except (OSError, zipfile.BadZipFile, NotAWorkbookError, KeyError, ValueError) as exc:
        raise ImportFileError(f"{path.name}: cannot be opened as a workbook ({exc}).") from None
    except BaseException as exc:  # damaged XML or data, the reader's errors, a Rust panic
        if not _reader_error(exc):
            raise
        raise ImportFileError(f"{path.name}: cannot be opened as a workbook ({exc}).") from None
    for r, c, text in scan.errors:
        while len(grid) < r:
            grid.append([])
        row = grid[r - 1]
        row.extend([""] * (c + 1 - len(row)))
        row[c] = text
    accept = _accept(wanted, header_row)
    header: list[str] | None = None
    found_at = 0
    body: list[tuple[int, list[str]]] = []
    for number, row in enumerate(grid, start=1):
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
    if header is None:
        raise ImportFileError(
            f"{path.name} sheet {chosen.name}: no header row naming the mapping's columns in "
            f"the first {HEADER_SEARCH} rows (set header_row in the mapping)."
        )
    return Sheet(f"{path.name} sheet {chosen.name}", header, found_at, body, "row")


def _reader_error(exc: BaseException) -> bool:
    """Whether ``exc`` says the workbook is damaged (as the inventory reader judges it)."""
    import zlib

    import python_calamine

    damaged = (SyntaxError, zlib.error, EOFError, OverflowError, python_calamine.CalamineError)
    return isinstance(exc, damaged) or type(exc).__name__ == "PanicException"


def _calamine_rows(data: bytes, name: str) -> list[list]:
    """Every row of the sheet from row 1, as python-calamine reads the cells' values."""
    import io

    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    finally:
        book.close()
