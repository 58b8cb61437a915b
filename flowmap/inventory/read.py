"""Read an inventory from a folder of CSV files or one Excel workbook.

Reading keeps every cell exactly as text: ids keep their leading zeros, ``NA`` and
``None`` stay the strings a person typed, and extra columns are kept. Parsing the
text into booleans, dates and numbers is validation's job (:mod:`flowmap.inventory.validate`).

Each table comes back as a :class:`RawTable` whose DataFrame index is the row as
the user sees it: the CSV line number or the Excel row number.
"""

from __future__ import annotations

from pathlib import Path

from flowmap.errors import InventoryReadError
from flowmap.inventory.csvfiles import read_folder
from flowmap.inventory.excel import read_workbook
from flowmap.inventory.limits import Limits, check_cells, check_workbook_parts
from flowmap.inventory.raw import HELPER_SHEETS, RawInventory, RawTable, ReadProblem, cell_text
from flowmap.inventory.textstorage import python_text

__all__ = [
    "HELPER_SHEETS",
    "Limits",
    "RawInventory",
    "RawTable",
    "ReadProblem",
    "cell_text",
    "read_inventory",
]


@python_text
def read_inventory(path: str | Path, *, limits: Limits | None = None) -> RawInventory:
    """Read the tables of an inventory folder or workbook as text.

    Parameters
    ----------
    path : str or Path
        A folder holding ``<table>.csv`` files, or an ``.xlsx`` workbook with one
        sheet per table.
    limits : Limits, optional
        How big a file may be (columns, cell length, unpacked workbook size); default
        :class:`~flowmap.inventory.limits.Limits` with any ``FLOWMAP_MAX_...``
        environment variable applied.

    Raises
    ------
    InventoryReadError
        When the path does not exist or cannot be read at all, or is past a limit.
    """
    limits = limits if limits is not None else Limits.from_environment()
    raw = _read(Path(path), limits)
    check_cells(raw, limits)
    return raw


def _read(p: Path, limits: Limits) -> RawInventory:
    if not p.exists():
        raise InventoryReadError(
            f"No inventory at {p}: give a folder of CSV files or an .xlsx workbook "
            "(try `flowmap template inventory.xlsx` for a blank one)."
        )
    if p.is_dir():
        return read_folder(p, limits)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        data = _workbook_bytes(p, limits)  # read once: both openings see the same workbook
        check_workbook_parts(p, limits, data=data)
        return read_workbook(p, data=data, limits=limits)
    raise InventoryReadError(
        f"{p} is neither a folder nor an .xlsx workbook: give a folder of CSV files "
        "(organisations.csv, systems.csv, ...) or one .xlsx workbook."
    )


def _workbook_bytes(p: Path, limits: Limits) -> bytes:
    """The workbook's bytes, read once (a file replaced while it is read cannot mix two
    workbooks), refused before reading when it is larger than it may unpack to."""
    try:
        size = p.stat().st_size
        if size > limits.max_xlsx_bytes:
            raise InventoryReadError(
                f"{p} is {size:,} bytes, more than the workbook limit of "
                f"{limits.max_xlsx_bytes:,}; {limits.advice('max_xlsx_bytes')}"
            )
        return p.read_bytes()
    except OSError as exc:
        raise InventoryReadError(
            f"Cannot read {p}: {exc.strerror or exc}; check the file is there and readable."
        ) from None
