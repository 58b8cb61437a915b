"""Limits that keep a laptop alive when an inventory is hostile or broken.

A partner's file can be built to exhaust memory or time: a header of a million empty
columns, one cell of a gigabyte, or an 800 KB workbook that unpacks to 800 MB of text.
Each limit is checked before the work it protects starts, and a file past one is refused
with a one-line error that names the file, the limit and how to raise it. The defaults
are far above any real inventory (the widest table has under 30 columns; Excel itself
holds at most 32,767 characters in a cell).

Each limit can be changed for one run with an environment variable (for example
``FLOWMAP_MAX_COLUMNS=5000 flowmap validate inv/``) or from Python with
``read_inventory(path, limits=Limits(max_columns=5000))``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from flowmap.errors import InventoryReadError, UsageError

if TYPE_CHECKING:
    from flowmap.inventory.raw import RawInventory

#: Environment variable -> field of :class:`Limits`.
ENVIRONMENT = {
    "FLOWMAP_MAX_COLUMNS": "max_columns",
    "FLOWMAP_MAX_CELL_CHARS": "max_cell_chars",
    "FLOWMAP_MAX_XLSX_BYTES": "max_xlsx_bytes",
    "FLOWMAP_MAX_XLSX_RATIO": "max_xlsx_ratio",
    "FLOWMAP_MAX_SHEET_CELLS": "max_sheet_cells",
}


@dataclass(frozen=True)
class Limits:
    """How big an inventory flowmap agrees to read.

    Attributes
    ----------
    max_columns : int
        Columns in one table's header (a CSV file or a sheet), empty ones included.
    max_cell_chars : int
        Characters in one cell (Excel's own limit is 32,767).
    max_xlsx_bytes : int
        Bytes a workbook's parts (its sheets, shared strings...) unpack to, all together.
    max_xlsx_ratio : int
        How many times larger than its compressed size one part of a workbook may unpack
        to (parts under :data:`RATIO_GRACE_BYTES` unpacked are not checked). Real
        workbooks compress text 5 to 30 times; a "zip bomb" hundreds or thousands.
    max_sheet_cells : int
        Cells in one sheet's grid, from A1 to the furthest row and column its cells reach
        (empty ones included): the reader lays a sheet out whole, so one stray cell at
        XFD1048576 would ask for 17 billion. A sheet's columns are also held to
        ``max_columns``.

    Examples
    --------
    >>> Limits().max_cell_chars
    32767
    >>> Limits.from_environment({"FLOWMAP_MAX_COLUMNS": "5000"}).max_columns
    5000
    """

    max_columns: int = 1_000
    max_cell_chars: int = 32_767
    max_xlsx_bytes: int = 2_000_000_000
    max_xlsx_ratio: int = 200
    max_sheet_cells: int = 50_000_000

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, with any ``FLOWMAP_MAX_...`` variable set in ``environ`` applied.

        Raises
        ------
        UsageError
            When a variable is not a whole number of 1 or more.
        """
        environ = os.environ if environ is None else environ
        changes: dict[str, int] = {}
        for variable, field in ENVIRONMENT.items():
            text = environ.get(variable, "").strip().replace(",", "").replace("_", "")
            if not text:
                continue
            if not text.isdigit() or int(text) < 1:
                raise UsageError(
                    f"{variable}={environ[variable]!r} is not a whole number of 1 or more"
                )
            changes[field] = int(text)
        return replace(cls(), **changes)

    def variable(self, field: str) -> str:
        """The environment variable that sets ``field``."""
        return next(v for v, f in ENVIRONMENT.items() if f == field)

    def advice(self, field: str) -> str:
        """How to raise one limit, for an error message."""
        value = getattr(self, field)
        return (
            f"if the file is genuine, raise the limit ({value:,}) for this run, e.g. "
            f"{self.variable(field)}={value * 10}"
        )


#: Parts of a workbook smaller than this when unpacked are not held to the ratio.
RATIO_GRACE_BYTES = 10_000_000


def check_workbook_parts(path: Path, limits: Limits, *, data: bytes | None = None) -> None:
    """Refuse a workbook whose parts would unpack too large, before anything reads them.

    Reads only the zip directory (the sizes each part declares), of ``data`` (the
    workbook's bytes) when given, else of the file; a part that lies about its size is
    caught by the reader, which stops at the declared size.

    Raises
    ------
    InventoryReadError
        A part unpacks more than ``max_xlsx_ratio`` times its packed size, or all parts
        together to more than ``max_xlsx_bytes``.
    """
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as archive:
            parts = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return  # not a zip: the workbook reader says so in its own words
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_GRACE_BYTES and ratio > limits.max_xlsx_ratio:
            raise InventoryReadError(
                f"{path} looks like a 'zip bomb': its part {part.filename} unpacks to "
                f"{part.file_size:,} bytes, {ratio:,.0f} times its packed size (the limit is "
                f"{limits.max_xlsx_ratio:,} times); {limits.advice('max_xlsx_ratio')}"
            )
    if total > limits.max_xlsx_bytes:
        raise InventoryReadError(
            f"{path} unpacks to {total:,} bytes, more than the limit of "
            f"{limits.max_xlsx_bytes:,}; {limits.advice('max_xlsx_bytes')}"
        )


def check_cells(inventory: RawInventory, limits: Limits) -> None:
    """Refuse an inventory with a cell longer than ``max_cell_chars`` (before validation).

    Raises
    ------
    InventoryReadError
        Naming the first such cell: its file, row and column.
    """
    for table in inventory.tables.values():
        if table.longest is not None and table.longest <= limits.max_cell_chars:
            continue  # measured by the reader: no cell is too long
        frame = table.frame
        for column in frame.columns:
            values = frame[column].to_numpy(dtype=object)
            if not len(values):
                continue
            try:
                longest = max(map(len, values))  # every cell is text: the usual case
            except TypeError:
                longest = max(map(len, map(str, values)))
            if longest <= limits.max_cell_chars:
                continue
            lengths = frame[column].astype(str).str.len()
            if lengths.max() > limits.max_cell_chars:
                row = lengths.idxmax()
                raise InventoryReadError(
                    f"{table.where(int(row))}, column {column}: a cell of "
                    f"{int(lengths.max()):,} characters is longer than the limit of "
                    f"{limits.max_cell_chars:,}; {limits.advice('max_cell_chars')}"
                )
