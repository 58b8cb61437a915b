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
from flowmap.inventory.raw import HELPER_SHEETS, RawInventory, RawTable, ReadProblem, cell_text

__all__ = [
    "HELPER_SHEETS",
    "RawInventory",
    "RawTable",
    "ReadProblem",
    "cell_text",
    "read_inventory",
]


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
            "(try `flowmap template inventory.xlsx` for a blank one)."
        )
    if p.is_dir():
        return read_folder(p)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook(p)
    raise InventoryReadError(
        f"{p} is neither a folder nor an .xlsx workbook: give a folder of CSV files "
        "(organisations.csv, systems.csv, ...) or one .xlsx workbook."
    )
