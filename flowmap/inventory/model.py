"""The loaded inventory: one typed pandas DataFrame per table.

Column types in the loaded model (see ``docs/inventory-format.md``):

- ids, text and enumerations are ``str``; an empty cell is ``""`` (unknown), unless
  the column declares a default, which fills it;
- booleans are pandas ``boolean`` (``<NA>`` is unknown, never false);
- dates are ``datetime64`` (``NaT`` is unknown);
- integers are ``Int64`` and other numbers ``float64`` (``<NA>``/``NaN`` is unknown);
- ``;`` lists are tuples of strings.

Each frame's index is the row as the user sees it (the CSV line or Excel row),
named ``row``, so any result can be traced back to its source row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.inventory.schema import TABLES

if TYPE_CHECKING:
    from flowmap.inventory.problems import ValidationReport


@dataclass
class Inventory:
    """All tables of an inventory, typed, with where they came from.

    Attributes
    ----------
    tables : dict of str to DataFrame
        One frame per table in :data:`flowmap.inventory.schema.TABLES`; optional tables that
        were absent are empty frames with every declared column.
    source : str
        The path it was loaded from (or a label for one built in Python).
    report : ValidationReport or None
        The validation report made when it was loaded.
    """

    tables: dict[str, pd.DataFrame]
    source: str = "<memory>"
    report: ValidationReport | None = field(default=None, repr=False)

    @property
    def organisations(self) -> pd.DataFrame:
        return self.tables["organisations"]

    @property
    def systems(self) -> pd.DataFrame:
        return self.tables["systems"]

    @property
    def assets(self) -> pd.DataFrame:
        return self.tables["assets"]

    @property
    def flows(self) -> pd.DataFrame:
        return self.tables["flows"]

    @property
    def backups(self) -> pd.DataFrame:
        return self.tables["backups"]

    @property
    def vulnerabilities(self) -> pd.DataFrame:
        return self.tables["vulnerabilities"]

    @property
    def zone_links(self) -> pd.DataFrame:
        return self.tables["zone_links"]

    @property
    def proposed_flows(self) -> pd.DataFrame:
        return self.tables["proposed_flows"]

    @property
    def name(self) -> str:
        """The inventory's file or folder name, as outputs show it (never the whole path).

        >>> Inventory(tables={}, source="/home/ann/q3/inventory.xlsx").name
        'inventory.xlsx'
        """
        return Path(self.source).name or str(self.source)

    def row_counts(self) -> dict[str, int]:
        """Rows per table, in the order of the format."""
        return {name: len(self.tables[name]) for name in TABLES}

    def with_tables(self, **changed: pd.DataFrame) -> Inventory:
        """A copy with some tables replaced (the others are shared, not copied)."""
        tables = dict(self.tables)
        tables.update(changed)
        return replace(self, tables=tables)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.row_counts().items())
        return f"Inventory({self.name}: {counts})"
