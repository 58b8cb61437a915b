"""Read an inventory from a folder of CSV files or one Excel workbook.

Reading keeps every cell exactly as text: ids keep their leading zeros, ``NA`` and
``None`` stay the strings a person typed, and extra columns are kept. Parsing the
text into booleans, dates and numbers is validation's job (:mod:`flowmap.inventory.validate`).

Each table comes back as a :class:`RawTable` whose DataFrame index is the row as
the user sees it: the CSV line number or the Excel row number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from flowmap.errors import InventoryReadError
from flowmap.inventory.schema import TABLES, normalise_column_name


#: Sheets of flowmap's own template that are not tables (read silently past).
HELPER_SHEETS = frozenset({"readme", "lists"})


@dataclass
class ReadProblem:
    """Something wrong with a file's layout, found while reading it."""

    table: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = "error"


@dataclass
class RawTable:
    """One table as read: every cell a string, indexed by the user's row number."""

    name: str
    frame: pd.DataFrame
    file: str
    kind: str  # "csv" or "xlsx"

    def where(self, row: int | None) -> str:
        """Say where a row is, as the user would look for it.

        >>> RawTable("systems", pd.DataFrame(), "systems.csv", "csv").where(7)
        'systems.csv line 7'
        >>> RawTable("systems", pd.DataFrame(), "inv.xlsx", "xlsx").where(7)
        'inv.xlsx sheet systems row 7'
        """
        if self.kind == "csv":
            return self.file if row is None else f"{self.file} line {row}"
        place = f"{self.file} sheet {self.name}"
        return place if row is None else f"{place} row {row}"


@dataclass
class RawInventory:
    """Every table found at a path, as text, with the problems met reading it."""

    source: str
    kind: str
    tables: dict[str, RawTable]
    problems: list[ReadProblem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def read_inventory(path: str | Path) -> RawInventory:
    """Read the tables of an inventory folder or workbook as text.

    Parameters
    ----------
    path : str or Path
        A folder holding ``<table>.csv`` files, or an ``.xlsx`` workbook with one
        sheet per table.

    Raises
    ------
    InventoryReadError
        When the path does not exist or cannot be read at all.
    """
    p = Path(path)
    if not p.exists():
        raise InventoryReadError(
            f"No inventory at {p}: give a folder of CSV files or an .xlsx workbook "
            "(try `flowmap template inventory.xlsx` for a blank one).")
    if p.is_dir():
        return _read_folder(p)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(p)
    raise InventoryReadError(
        f"{p} is neither a folder nor an .xlsx workbook: give a folder of CSV files "
        "(organisations.csv, systems.csv, ...) or one .xlsx workbook.")


# --------------------------------------------------------------------------- CSV

def _read_folder(folder: Path) -> RawInventory:
    inventory = RawInventory(source=str(folder), kind="csv", tables={})
    by_name: dict[str, Path] = {}
    for f in sorted(folder.iterdir()):
        if f.is_file() and f.suffix.lower() == ".csv":
            name = normalise_column_name(f.stem)
            if name in TABLES and name not in by_name:
                by_name[name] = f
            else:
                inventory.ignored.append(f.name)
    for name, f in by_name.items():
        table, problems = _read_csv(name, f)
        inventory.tables[name] = table
        inventory.problems.extend(problems)
    return inventory


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """The text and the encoding it was read with (UTF-8, else Windows-1252)."""
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InventoryReadError(
            f"{path} is neither UTF-8 nor Windows-1252 text (byte {exc.start}): "
            "save it from Excel as 'CSV UTF-8 (Comma delimited)'.") from None


def _read_csv(name: str, path: Path) -> tuple[RawTable, list[ReadProblem]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InventoryReadError(f"Cannot read {path}: {exc.strerror}.") from None
    text, encoding = _decode(data, path)
    table = RawTable(name, pd.DataFrame(), path.name, "csv")
    if not text.strip():
        return table, [ReadProblem(name, None, None, None,
                                   "the file is empty: it needs at least a header row")]
    with _interrupts_noted() as interrupted:
        try:  # the C parser reads the bytes faster than the decoded text
            frame = pd.read_csv(io.BytesIO(data), encoding=encoding, dtype=str,
                                keep_default_na=False, na_filter=False,
                                skip_blank_lines=False, header=0, engine="c")
        except (pd.errors.ParserError, csv.Error) as exc:
            if interrupted():  # Ctrl-C inside the parser comes back as a parser error
                raise KeyboardInterrupt from None
            return table, [ReadProblem(name, None, None, None,
                                       f"the file is not well-formed CSV ({_first_line(exc)}); "
                                       "every row needs as many cells as the header")]
    frame = frame.astype(object)
    lines = _csv_line_numbers(text, len(frame))
    frame.index = pd.Index(lines, name="row")
    frame, problems = _tidy(name, frame, [str(c) for c in frame.columns], pandas_unnamed=True,
                            padded=maybe_padded(data))
    table.frame = frame
    return table, problems


@contextmanager
def _interrupts_noted() -> Iterator[Callable[[], bool]]:
    """Note a Ctrl-C even where a library turns the KeyboardInterrupt into its own error
    (pandas' C parser reports it as a failed read). Yields "was there one?"."""
    seen = {"interrupt": False}
    previous = signal.getsignal(signal.SIGINT)
    if (previous is not signal.default_int_handler
            or threading.current_thread() is not threading.main_thread()):
        yield lambda: False  # someone else handles Ctrl-C here (a notebook kernel)
        return

    def note(signum, frame) -> None:
        seen["interrupt"] = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, note)
    try:
        yield lambda: seen["interrupt"]
    finally:
        signal.signal(signal.SIGINT, previous)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _csv_line_numbers(text: str, n_records: int) -> list[int]:
    """The line each record starts on (the header is line 1).

    Quoted cells may hold line breaks, so when the line count does not match the
    record count the file is scanned once with the csv module to find them.
    """
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if n_lines == n_records + 1:
        return list(range(2, n_records + 2))
    starts: list[int] = []
    reader = csv.reader(io.StringIO(text))
    previous_end = 1
    next(reader, None)
    previous_end = reader.line_num
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    if len(starts) != n_records:  # pandas and csv disagree: fall back to record order
        return list(range(2, n_records + 2))
    return starts


# -------------------------------------------------------------------------- Excel

def _read_workbook(path: Path) -> RawInventory:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    from zipfile import BadZipFile

    inventory = RawInventory(source=str(path), kind="xlsx", tables={})
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (OSError, InvalidFileException, BadZipFile, KeyError, ValueError) as exc:
        raise InventoryReadError(
            f"Cannot open {path} as an Excel workbook ({_first_line(exc)}): save it as .xlsx "
            "from Excel, or give a folder of CSV files.") from None
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
                problems.append(ReadProblem(name, None, None, None,
                                            "the sheet is empty: it needs at least a header row"))
            else:
                header_row, header = rows[0]
                body = rows[1:]
                width = len(header)
                cells = [(r + [""] * (width - len(r)))[:width] for _, r in body]
                frame = pd.DataFrame(cells, columns=range(width), dtype=object)
                frame.index = pd.Index([n for n, _ in body], name="row", dtype="int64")
                frame, tidy_problems = _tidy(name, frame, header, pandas_unnamed=False)
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


def _fill_formulas(name: str, rows: list[tuple[int, list[str]]], formulas: list[tuple[int, int]],
                   cached_ws) -> list[ReadProblem]:
    from openpyxl.utils import get_column_letter

    problems = []
    by_row = {n: texts for n, texts in rows}
    for r, c in formulas:
        value = cached_ws.cell(row=r, column=c + 1).value
        texts = by_row[r]
        if value is None:
            cell = f"{get_column_letter(c + 1)}{r}"
            problems.append(ReadProblem(
                name, r, None, texts[c],
                f"cell {cell} holds a formula with no saved value: open the workbook in Excel "
                "and save it (so the result is stored), or paste the values in"))
            texts[c] = ""
        else:
            texts[c] = cell_text(value)
    return problems


def cell_text(value: object) -> str:
    """The text of an Excel cell as a person reads it.

    >>> cell_text(1200.0), cell_text(0.25), cell_text(True), cell_text(None)
    ('1200', '0.25', 'true', '')
    >>> cell_text(dt.datetime(2026, 3, 1))
    '2026-03-01'
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# ----------------------------------------------------------------------- shared

def _tidy(name: str, frame: pd.DataFrame, header: list[str], pandas_unnamed: bool,
          padded: bool = True) -> tuple[pd.DataFrame, list[ReadProblem]]:
    """Normalise column names, drop blank rows and nameless empty columns."""
    problems: list[ReadProblem] = []
    names: list[str] = []
    keep: list[int] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(header):
        original = "" if raw is None else str(raw)
        if pandas_unnamed and original.startswith("Unnamed: "):
            original = ""
        col = normalise_column_name(original)
        values = frame.iloc[:, i]
        if not col:
            if (values.astype(str).str.strip() == "").all():
                continue
            col = f"column_{i + 1}"
            problems.append(ReadProblem(
                name, None, col, None,
                f"column {i + 1} has values but no header; it is kept as {col!r}",
                severity="warning"))
        if col in seen:
            problems.append(ReadProblem(
                name, None, col, original,
                f"two columns are both named {col!r} ({seen[col]!r} and {original!r}); "
                "rename or remove one"))
            continue
        seen[col] = original
        names.append(col)
        keep.append(i)
    frame = frame.iloc[:, keep].copy()
    frame.columns = names
    if len(frame.columns):
        frame = _strip_and_drop_blank_rows(frame, padded)
    return frame, problems


#: Bytes next to a space that show a cell may start or end with white space.
CELL_EDGES = frozenset(b',\n\r"')


def maybe_padded(data: bytes) -> bool:
    r"""Whether any cell of a CSV file might start or end with white space (cheap check).

    True when there is a tab, or a space at the start or end of the file or next to a
    comma, a line break or a quote. Works on the raw bytes: in UTF-8 and Windows-1252
    these ASCII characters are always themselves.

    >>> maybe_padded(b"a,b\n1,2\n"), maybe_padded(b"a,b\n1, 2\n"), maybe_padded(b"a b,c\n")
    (False, True, False)
    """
    if b"\t" in data or data[:1] == b" " or data[-1:] == b" ":
        return True
    if data.count(b" ") <= 10_000:  # few spaces: look at each one
        i = data.find(b" ")
        while i >= 0:
            if data[i - 1] in CELL_EDGES or data[i + 1] in CELL_EDGES:
                return True
            i = data.find(b" ", i + 1)
        return False
    a = np.frombuffer(data, np.uint8)
    at = np.flatnonzero(a[1:-1] == 32) + 1
    edges = np.frombuffer(bytes(sorted(CELL_EDGES)), np.uint8)
    return bool(np.isin(a[at - 1], edges).any() or np.isin(a[at + 1], edges).any())


def _strip_and_drop_blank_rows(frame: pd.DataFrame, padded: bool) -> pd.DataFrame:
    """Trim white space around cells (when any may have it) and drop fully blank rows."""
    if padded:
        frame = frame.apply(lambda s: s.astype(str).str.strip()).astype(object)
    first_empty = (frame.iloc[:, 0] == "").to_numpy()
    if not first_empty.any():  # a blank row has an empty first cell: usually none do
        return frame
    candidates = frame.loc[first_empty]
    blank = pd.Series(False, index=frame.index)
    blank.loc[candidates.index] = (candidates == "").all(axis=1).to_numpy()
    return frame.loc[~blank.to_numpy()]
