"""An inventory as read: every cell as text, each row numbered as the user sees it.

What the CSV and Excel readers return, before any parsing: the validator turns it into
typed tables and reports every problem against these row numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from flowmap.inventory.schema import normalise_column_name

#: Sheets of flowmap's own template that are not tables (read silently past).
HELPER_SHEETS = frozenset({"readme", "lists"})
#: Files flowmap itself writes into an inventory folder that are not tables (read
#: silently past): the report of ``flowmap import``.
HELPER_FILES = frozenset({"import-report.csv"})


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
    #: Text of the lines that could not be read as rows (each reported once, at its
    #: line); an id that appears only there is not reported again as a missing reference.
    unreadable: list[str] = field(default_factory=list)
    #: The length of the longest cell text, when the reader already knows it (the
    #: workbook reader measures each distinct text once); None when not measured.
    longest: int | None = None

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


def tidy(
    name: str, frame: pd.DataFrame, header: list[str], pandas_unnamed: bool, padded: bool = True
) -> tuple[pd.DataFrame, list[ReadProblem]]:
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
            problems.append(
                ReadProblem(
                    name,
                    None,
                    col,
                    None,
                    f"column {i + 1} has values but no header; it is kept as {col!r}",
                    severity="warning",
                )
            )
        if col in seen:
            problems.append(
                ReadProblem(
                    name,
                    None,
                    col,
                    original,
                    f"two columns are both named {col!r} ({seen[col]!r} and {original!r}); "
                    "rename or remove one",
                )
            )
            continue
        seen[col] = original
        names.append(col)
        keep.append(i)
    frame = frame.iloc[:, keep].copy()
    frame.columns = names
    if len(frame.columns):
        frame = strip_and_drop_blank_rows(frame, padded)
    return frame, problems


#: Bytes next to a space that show a cell may start or end with white space.
CELL_EDGES = frozenset(b',\n\r"')
#: Bytes of the other characters Python trims as white space: vertical tab, form feed,
#: the file/group/record/unit separators, and (in UTF-8 or Windows-1252) the no-break
#: space, next line, and the Unicode spaces U+1680, U+2000-U+200A, U+2028, U+2029,
#: U+202F, U+205F and U+3000. When any is in the file every cell is trimmed, so a
#: trailing no-break space goes whatever the rest of the file holds.
OTHER_SPACES = (
    b"\x0b",
    b"\x0c",
    b"\x1c",
    b"\x1d",
    b"\x1e",
    b"\x1f",
    b"\xa0",
    b"\x85",
    b"\xe1\x9a\x80",
    b"\xe2\x80",
    b"\xe2\x81\x9f",
    b"\xe3\x80\x80",
)
#: Whether a byte begins one of :data:`OTHER_SPACES` (a file with none skips the search).
_OTHER_FIRST = np.zeros(256, dtype=bool)
_OTHER_FIRST[[mark[0] for mark in OTHER_SPACES]] = True


def maybe_padded(data: bytes) -> bool:
    r"""Whether any cell of a CSV file might start or end with white space (cheap check).

    True when there is a tab, or a space at the start or end of the file or next to a
    comma, a line break or a quote. Works on the raw bytes: in UTF-8 and Windows-1252
    these ASCII characters are always themselves.

    >>> maybe_padded(b"a,b\n1,2\n"), maybe_padded(b"a,b\n1, 2\n"), maybe_padded(b"a b,c\n")
    (False, True, False)
    >>> maybe_padded("a,b\n1,2\u00a0\n".encode())
    True
    """
    if b"\t" in data or data[:1] == b" " or data[-1:] == b" ":
        return True
    codes = np.frombuffer(data, np.uint8)
    if _OTHER_FIRST[codes].any() and any(mark in data for mark in OTHER_SPACES):
        return True  # trimmed like a space, wherever it is
    if data.count(b" ") <= 10_000:  # few spaces: look at each one
        i = data.find(b" ")
        while i >= 0:
            if data[i - 1] in CELL_EDGES or data[i + 1] in CELL_EDGES:
                return True
            i = data.find(b" ", i + 1)
        return False
    a = codes
    at = np.flatnonzero(a[1:-1] == 32) + 1
    edges = np.frombuffer(bytes(sorted(CELL_EDGES)), np.uint8)
    return bool(np.isin(a[at - 1], edges).any() or np.isin(a[at + 1], edges).any())


def strip_and_drop_blank_rows(frame: pd.DataFrame, padded: bool) -> pd.DataFrame:
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


def first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
