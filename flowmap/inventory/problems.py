"""What validation reports: located problems, and the report that holds them all.

A :class:`Problem` names the table, the row as the user sees it (CSV line or Excel
row), the column, the value and what is allowed; a :class:`ValidationReport` holds
every problem found (never only the first) and the counts that show no row was lost.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

MAX_PROBLEMS_PER_CHECK = 1000  # beyond this, a check's problems are summarised


@dataclass(frozen=True)
class Problem:
    """One validation error or warning, located as the user would find it."""

    severity: str  # "error" or "warning"
    table: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    where: str = ""

    def describe(self) -> str:
        """One line: where, which column, which value, what is wrong."""
        parts = [self.where or self.table]
        if self.column:
            parts.append(f"column {self.column}")
        if self.value is not None and self.value != "":
            parts.append(f"value {self.value!r}")
        return ", ".join(parts) + f": {self.message}"


@dataclass
class ValidationReport:
    """Everything validation found, and the counts that show nothing was lost."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    data_quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    ignored: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def _repr_html_(self) -> str:
        """A notebook shows what was found in one line, not the dataclass."""
        name = html.escape(Path(str(self.source)).name)
        verdict = "is a valid inventory" if self.ok else "is <b>not</b> a valid inventory"
        rows = ", ".join(f"{html.escape(t)} {n:,}" for t, n in self.row_counts.items())
        e, w = len(self.errors), len(self.warnings)
        return (
            f"<p><b>{name}</b> {verdict}: {e:,} error{'s' if e != 1 else ''} and {w:,} "
            f"warning{'s' if w != 1 else ''}. Rows read: {rows or 'none'}.</p>"
        )

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table (for notebooks and CSV export)."""
        cols = ["severity", "table", "row", "column", "value", "message", "where"]
        return pd.DataFrame([[getattr(p, c) for c in cols] for p in self.problems], columns=cols)


def capped(
    problems: Iterable[Problem],
    total: int,
    *,
    what: str = "",
    limit: int = MAX_PROBLEMS_PER_CHECK,
    where: str = "",
) -> list[Problem]:
    """One check's problems: at most ``limit`` of them, then one "... and N more" line.

    Every validation check goes through here, so no check floods the report and none
    hides how many more rows it found. ``problems`` may be a lazy iterable (only the
    first ``limit`` are built); ``total`` says how many there are in all; ``what`` names
    the problem in the summary line (default: the first problem's message).

    Examples
    --------
    >>> found = (Problem("error", "systems", r, "os", "x", "bad os", f"systems.csv line {r}")
    ...          for r in range(2, 2000))
    >>> report = capped(found, 1998, limit=2, where="systems.csv")
    >>> [p.describe() for p in report]  # doctest: +NORMALIZE_WHITESPACE
    ["systems.csv line 2, column os, value 'x': bad os",
     "systems.csv line 3, column os, value 'x': bad os",
     'systems.csv, column os: ... and 1,996 more rows with the same problem (bad os)']
    """
    kept = list(itertools.islice(problems, limit))
    if total > limit and kept:
        first = kept[0]
        kept.append(
            Problem(
                first.severity,
                first.table,
                None,
                first.column,
                None,
                f"... and {total - limit:,} more rows with the same problem "
                f"({what or first.message})",
                where or first.table,
            )
        )
    return kept
