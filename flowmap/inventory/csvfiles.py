"""Read an inventory folder of ``<table>.csv`` files, every cell as text.

Rows keep the line the user sees in a text editor (the header is line 1; quoted cells
holding line breaks are accounted for). UTF-8 (with or without a BOM) and Windows-1252
are read; a row with the wrong number of cells is reported once, at its line, and the
rest of the file is kept.
"""

from __future__ import annotations

import csv
import io
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from flowmap.errors import InventoryReadError
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


def read_folder(folder: Path) -> RawInventory:
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
            "save it from Excel as 'CSV UTF-8 (Comma delimited)'."
        ) from None


def _read_csv(name: str, path: Path) -> tuple[RawTable, list[ReadProblem]]:
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
            if frame is None:
                return table, problems
            table.unreadable = [text.splitlines()[line - 1] for line, _ in lines]
            frame.index = pd.Index([r for r, _ in frame.index], name="row")
            frame, more = tidy(
                name,
                frame,
                [str(c) for c in frame.columns],
                pandas_unnamed=False,
                padded=maybe_padded(data),
            )
            table.frame = frame
            return table, problems + more
    frame = frame.astype(object)
    lines = _csv_line_numbers(text, len(frame))
    frame.index = pd.Index(lines, name="row")
    frame, problems = tidy(
        name, frame, [str(c) for c in frame.columns], pandas_unnamed=True, padded=maybe_padded(data)
    )
    table.frame = frame
    return table, problems


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
    name: str, text: str, error: BaseException
) -> tuple[pd.DataFrame | None, list[tuple[int, int]], list[ReadProblem]]:
    """Read a CSV whose rows do not all have the header's number of cells.

    pandas stops at the first such row; one stray comma would then lose the whole
    table and every reference to it. Here each ragged row is reported once, at its
    line, and every other row is kept. Returns the frame (indexed by ``(line, 0)``),
    the ``(line, cells)`` of the rows left out, and the problems.
    """
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        previous_end = reader.line_num
        rows: list[list[str]] = []
        index: list[tuple[int, int]] = []
        ragged: list[tuple[int, int]] = []
        for record in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if len(record) == len(header) or not any(c.strip() for c in record):
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
    if not ragged:  # pandas failed for another reason
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
    return frame, ragged, problems


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
