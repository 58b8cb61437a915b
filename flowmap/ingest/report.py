"""The import report: one entry per file, host, row and change, saying what and why.

Every host a file describes and every row it holds gets an entry with its source file
and line (or element), so nothing read is unaccounted for; every change to the
inventory gets one with the old and new value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

#: Columns of ``import-report.csv`` (and of each entry in ``import-report.json``).
COLUMNS = (
    "level",  # file, host, row, system, vulnerability
    "action",
    "source",
    "location",
    "host",
    "system_id",
    "field",
    "old",
    "new",
    "reason",
)

#: What each level's actions mean, for the documentation and the summary.
ACTIONS = {
    "file": ("read", "skipped"),
    "host": ("matched", "added", "unmatched", "ambiguous", "skipped", "note"),
    "row": ("imported", "skipped", "superseded", "not imported"),
    "system": ("added", "changed", "kept"),
    "vulnerability": ("new", "changed", "reopened", "fixed", "kept"),
}


@dataclass
class ImportReport:
    """Entries in the order they were made, and the files read."""

    entries: list[tuple[str, ...]] = field(default_factory=list)
    files: list[dict[str, object]] = field(default_factory=list)
    options: dict[str, object] = field(default_factory=dict)
    kind: str = "scan"  # "scan" or "sheet": a sheet's entries name a row key, not a system

    @property
    def columns(self) -> tuple[str, ...]:
        if self.kind == "sheet":
            return tuple("key" if c == "system_id" else c for c in COLUMNS)
        return COLUMNS

    def add(
        self,
        level: str,
        action: str,
        *,
        source: str = "",
        location: str = "",
        host: str = "",
        system_id: str = "",
        field: str = "",
        old: object = "",
        new: object = "",
        reason: str = "",
    ) -> None:
        self.entries.append(
            (level, action, source, location, host, system_id, field, str(old), str(new), reason)
        )

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts of entries by level and action.

        >>> r = ImportReport(); r.add("host", "matched"); r.add("host", "matched")
        >>> r.summary()
        {'host': {'matched': 2}}
        """
        counts = Counter((e[0], e[1]) for e in self.entries)
        out: dict[str, dict[str, int]] = {}
        for (level, action), n in sorted(counts.items()):
            out.setdefault(level, {})[action] = n
        return out

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.entries, columns=list(self.columns))

    def changed(self) -> bool:
        """Whether the import changed the inventory."""
        return any(e[1] in ("added", "changed", "new", "reopened", "fixed") for e in self.entries)

    def document(self, *, entries: bool = True) -> dict[str, object]:
        """The JSON document: options, files, summary and (unless ``entries=False``)
        every entry."""
        head = {
            "report": "flowmap import",
            "kind": self.kind,
            "options": self.options,
            "files": self.files,
            "summary": self.summary(),
            "columns": list(self.columns),
        }
        if entries:
            head["entries"] = [dict(zip(self.columns, e)) for e in self.entries]
        return head
