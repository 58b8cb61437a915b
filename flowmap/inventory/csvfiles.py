"""Read an inventory folder of ``<table>.csv`` files, every cell as text.

Rows keep the line the user sees in a text editor (the header is line 1; quoted cells
holding line breaks are accounted for; lines may end LF, CRLF or, as on a classic Mac,
CR). UTF-8 (with or without a BOM) and Windows-1252 are read; UTF-16, a file mixing the
two, and binary files are refused with what to do. A row with the wrong number of
cells, or split by a carriage return inside an unquoted cell, is reported once, at its
line, and the rest of the file is kept. The header is checked against
:class:`~flowmap.inventory.limits.Limits` before the file is parsed.
"""

from __future__ import annotations

import csv
import io
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from flowmap.errors import InventoryReadError
from flowmap.inventory.limits import Limits
from flowmap.inventory.raw import (
    HELPER_FILES,
    RawInventory,
    RawTable,
    ReadProblem,
    first_line,
    maybe_padded,
    tidy,
)
from flowmap.inventory.schema import TABLES, normalise_column_name


def read_folder(folder: Path, limits: Limits | None = None) -> RawInventory:
    limits = limits or Limits()
    inventory = RawInventory(source=str(folder), kind="csv", tables={})
    by_name: dict[str, Path] = {}
    for f in sorted(folder.iterdir()):
        if f.is_file() and f.suffix.lower() == ".csv" and f.name not in HELPER_FILES:
            name = normalise_column_name(f.stem)
            if name in TABLES and name not in by_name:
                by_name[name] = f
            else:
                inventory.ignored.append(f.name)
    for name, f in by_name.items():
        table, problems = _read_csv(name, f, limits)
        inventory.tables[name] = table
        inventory.problems.extend(problems)
    return inventory


#: A byte order mark that says the file is not UTF-8 or Windows-1252 text.
WIDE_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}
#: A character UTF-8 writes as two to four bytes (in Windows-1252 text these are rare).
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
SAVE_AS = "save it from Excel as 'CSV UTF-8 (Comma delimited)'"


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """The text and the encoding it was read with (UTF-8, else Windows-1252).

    Refuses what would otherwise be read as garbage: UTF-16 or UTF-32 text (Excel's
    "Unicode Text"), a workbook or other binary file under a .csv name, and a file whose
    lines mix UTF-8 and Windows-1252 (which would silently become ``PatiÃ©nt``).
    """
    for bom, kind in WIDE_BOMS.items():
        if data.startswith(bom):
            raise InventoryReadError(f"{path} is {kind} text: {SAVE_AS}.")
    if data.startswith(b"PK\x03\x04"):
        raise InventoryReadError(
            f"{path} is an Excel workbook (or another zip file) named .csv: give the workbook "
            f"with its .xlsx name, or {SAVE_AS}."
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        wide = data[:4096].count(b"\x00") > len(data[:4096]) // 4
        what = "UTF-16 text without a byte order mark" if wide else "not text"
        raise InventoryReadError(
            f"{path} is {what} (it holds NUL bytes, first on line "
            f"{_line_of(data, nul)}): {SAVE_AS}."
        )
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError as exc:
        bad = exc.start
    if UTF8_SEQUENCE.search(data):
        raise InventoryReadError(
            f"{path} mixes encodings: line {_line_of(data, bad)} has a byte "
            f"(0x{data[bad]:02X}) that is not UTF-8, while other characters are UTF-8; "
            f"{SAVE_AS} (or fix that line)."
        )
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InventoryReadError(
            f"{path} is neither UTF-8 nor Windows-1252 text (line "
            f"{_line_of(data, exc.start)}): {SAVE_AS}."
        ) from None


def _read_csv(name: str, path: Path, limits: Limits) -> tuple[RawTable, list[ReadProblem]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InventoryReadError(f"Cannot read {path}: {exc.strerror}.") from None
    text, encoding = _decode(data, path)
    table = RawTable(name, pd.DataFrame(), path.name, "csv")
    if not text.strip():
        return table, [
            ReadProblem(name, None, None, None, "the file is empty: it needs at least a header row")
        ]
    header, longest = _check_size(path, data, text, limits)
    stray = _stray_carriage_returns(text)
    if stray:  # pandas would split those rows in two: read line by line, report each
        text = _mark_stray_carriage_returns(text)
        frame, lines, problems = _read_ragged(name, text, None)
        return _ragged_table(table, name, text, data, frame, lines, problems, header)
    with _interrupts_noted() as interrupted:
        try:  # the C parser reads the bytes faster than the decoded text
            frame = pd.read_csv(
                io.BytesIO(data),
                encoding=encoding,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                header=0,
                engine="c",
            )
        except (pd.errors.ParserError, csv.Error) as exc:
            if interrupted():  # Ctrl-C inside the parser comes back as a parser error
                raise KeyboardInterrupt from None
            frame, lines, problems = _read_ragged(name, text, exc)
            return _ragged_table(table, name, text, data, frame, lines, problems, header)
    frame = frame.astype(object)
    lines = _csv_line_numbers(text, len(frame))
    frame.index = pd.Index(lines, name="row")
    # the header as written: pandas renames a repeated "name" to "name.1"
    header = header if len(header) == frame.shape[1] else [str(c) for c in frame.columns]
    frame, problems = tidy(name, frame, header, pandas_unnamed=False, padded=maybe_padded(data))
    table.frame = frame
    if (
        b'"' not in data
    ):  # no quoted cell: each cell is one of those runs, a byte a character at most
        table.longest = longest
    return table, problems


def _ragged_table(
    table: RawTable,
    name: str,
    text: str,
    data: bytes,
    frame: pd.DataFrame | None,
    lines: list[tuple[int, int]],
    problems: list[ReadProblem],
    header: list[str],
) -> tuple[RawTable, list[ReadProblem]]:
    """The table read line by line (some rows left out, each reported)."""
    if frame is None:
        return table, problems
    physical = LINE_BREAK.split(text)
    table.unreadable = [physical[line - 1].replace(STRAY_MARK, "\r") for line, _ in lines]
    frame.index = pd.Index([r for r, _ in frame.index], name="row")
    frame, more = tidy(
        name,
        frame,
        header if len(header) == frame.shape[1] else [str(c) for c in frame.columns],
        pandas_unnamed=False,
        padded=maybe_padded(data),
    )
    table.frame = frame
    return table, problems + more


#: A line break as a text editor sees one.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: A carriage return that does not end a line (in a file whose lines end LF or CRLF).
STRAY_CR = re.compile(r"\r(?!\n)")
STRAY_MARK = "\ue000"  # stands for a stray carriage return while the file is split
QUOTED = re.compile(r'"(?:[^"]|"")*"')


def _mark_stray_carriage_returns(text: str) -> str:
    """``text`` with each lone carriage return outside double quotes made :data:`STRAY_MARK`."""
    parts, pos = [], 0
    for m in QUOTED.finditer(text):
        parts += [STRAY_CR.sub(STRAY_MARK, text[pos : m.start()]), m.group()]
        pos = m.end()
    parts.append(STRAY_CR.sub(STRAY_MARK, text[pos:]))
    return "".join(parts)


def _stray_carriage_returns(text: str) -> bool:
    """Whether a lone carriage return sits in an unquoted cell of a file whose lines
    end LF or CRLF (a classic Mac file, all CR, is read as it is)."""
    if "\r" not in text or "\n" not in text or not STRAY_CR.search(text):
        return False
    return bool(STRAY_CR.search(QUOTED.sub("", text)))


def _check_size(path: Path, data: bytes, text: str, limits: Limits) -> tuple[list[str], int]:
    """The header's cells, once the header and the longest cells are known to be within
    ``limits`` (checked before the file is parsed), and the longest run of bytes with no
    comma or line end."""
    first = next(csv.reader(io.StringIO(text, newline="")), [])
    if len(first) > limits.max_columns:
        raise InventoryReadError(
            f"{path} has {len(first):,} columns in its header, more than the limit of "
            f"{limits.max_columns:,}; {limits.advice('max_columns')}"
        )
    # a cell is at most 4 bytes a character: a run this long is too long in any encoding
    start, longest = _long_run(data, 4 * limits.max_cell_chars)
    if start is not None:
        line = data.count(b"\n", 0, start) + 1
        raise InventoryReadError(
            f"{path} line {line} has a cell longer than the limit of "
            f"{limits.max_cell_chars:,} characters; {limits.advice('max_cell_chars')}"
        )
    return first, longest


def _long_run(data: bytes, limit: int) -> tuple[int | None, int]:
    """Where the first run of more than ``limit`` bytes with no comma or line end starts
    (None: there is none; the same as searching for ``[^,\\r\\n]{limit + 1}``, at numpy's
    speed rather than a regular expression's), and the longest run.

    >>> _long_run(b"ab,cdef\\nxy", 3), _long_run(b"ab,cd", 3), _long_run(b"abcd", 3)
    ((3, 4), (None, 2), (0, 4))
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    stops = np.flatnonzero((codes == ord(",")) | (codes == ord("\n")) | (codes == ord("\r")))
    bounds = np.concatenate(([-1], stops, [len(codes)]))
    runs = np.diff(bounds) - 1
    long = np.flatnonzero(runs > limit)
    return (int(bounds[long[0]] + 1) if len(long) else None), int(runs.max())


@contextmanager
def _interrupts_noted() -> Iterator[Callable[[], bool]]:
    """Note a Ctrl-C even where a library turns the KeyboardInterrupt into its own error
    (pandas' C parser reports it as a failed read). Yields "was there one?"."""
    seen = {"interrupt": False}
    previous = signal.getsignal(signal.SIGINT)
    if (
        previous is not signal.default_int_handler
        or threading.current_thread() is not threading.main_thread()
    ):
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


def _read_ragged(
    name: str, text: str, error: BaseException | None
) -> tuple[pd.DataFrame | None, list[tuple[int, int]], list[ReadProblem]]:
    """Read a CSV whose rows do not all have the header's number of cells.

    pandas stops at the first such row; one stray comma would then lose the whole
    table and every reference to it. Here each ragged row (or row holding a stray
    carriage return, :data:`STRAY_MARK`) is reported once, at its line, and every other
    row is kept. Returns the frame (indexed by ``(line, 0)``), the ``(line, cells)`` of
    the rows left out, and the problems.
    """
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        previous_end = reader.line_num
        rows: list[list[str]] = []
        index: list[tuple[int, int]] = []
        ragged: list[tuple[int, int]] = []
        strays: list[int] = []
        for record in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if any(STRAY_MARK in c for c in record):
                strays.append(line)
            elif len(record) == len(header) or not any(c.strip() for c in record):
                rows.append(record + [""] * (len(header) - len(record)))
                index.append((line, 0))
            else:
                ragged.append((line, len(record)))
    except csv.Error as exc:
        return (
            None,
            [],
            [
                ReadProblem(
                    name,
                    None,
                    None,
                    None,
                    f"the file is not well-formed CSV ({first_line(exc)}); "
                    "every row needs as many cells as the header",
                )
            ],
        )
    problems = [
        ReadProblem(
            name,
            line,
            None,
            None,
            f"this line has {cells} cells but the header has {len(header)}, so it was not read: "
            "check for a stray comma, or put cells that contain commas in double quotes",
        )
        for line, cells in ragged
    ]
    problems += [
        ReadProblem(
            name,
            line,
            None,
            None,
            "a carriage return (CR) character inside a cell that is not in double quotes "
            "would split this line in two, so it was not read: remove the character, or put "
            "the cell in double quotes",
        )
        for line in strays
    ]
    if not ragged and not strays and error is not None:  # pandas failed for another reason
        problems.append(
            ReadProblem(
                name, None, None, None, f"the file is not well-formed CSV ({first_line(error)})"
            )
        )
    frame = pd.DataFrame(
        rows,
        columns=header,
        dtype=object,
        index=pd.MultiIndex.from_tuples(index) if index else None,
    )
    if not index:
        frame = pd.DataFrame(columns=header, dtype=object)
        frame.index = pd.MultiIndex.from_tuples([], names=["row", "_"])
    left_out = sorted([*ragged, *((line, 0) for line in strays)])
    return frame, left_out, problems


def _csv_line_numbers(text: str, n_records: int) -> list[int]:
    """The line each record starts on (the header is line 1).

    Lines end LF, CRLF or CR. Quoted cells may hold line breaks, so when the line count
    does not match the record count the file is scanned once with the csv module to
    find them.
    """
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    n_lines = breaks + (0 if text.endswith(("\n", "\r")) else 1)
    if n_lines == n_records + 1:
        return list(range(2, n_records + 2))
    starts: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    previous_end = reader.line_num
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    if len(starts) != n_records:  # pandas and csv disagree: fall back to record order
        return list(range(2, n_records + 2))
    return starts
