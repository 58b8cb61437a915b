"""Shared reading of CSV-shaped exports: named fields by their column aliases, rows
grouped into hosts.

A CSV export has one row per finding (plugin x host x port), so a host's record is
built from all of its rows; the host is found again by a key made of its identifying
columns. Columns are found by any of several names (compared without case or
spaces), because each product and version names them differently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from flowmap.ingest.csvstream import CsvHeader, rows
from flowmap.ingest.records import HostRecord

Row = dict[str, str]


def field_rows(
    path: Path, header: CsvHeader, fields: Mapping[str, tuple[str, ...]]
) -> Iterator[tuple[int, Row]]:
    """Yield ``(line, {field: cell})`` for each row, with a field "" when its column is
    absent from this export."""
    where = {name: header.index(*aliases) for name, aliases in fields.items()}
    for line, cells in rows(path, header):
        yield line, {name: (cells[i] if i is not None else "") for name, i in where.items()}


def has_columns(columns: list[str], *groups: tuple[str, ...]) -> bool:
    """Whether ``columns`` has at least one name of every group (without case or spaces).

    >>> has_columns(["IP", "QID", "Title"], ("ip",), ("qid",), ("title", "vuln title"))
    True
    >>> has_columns(["IP", "QID"], ("ip",), ("title",))
    False
    """
    keys = {"".join(c.lower().split()) for c in columns}
    return all(any("".join(a.lower().split()) in keys for a in group) for group in groups)


class HostTable:
    """The host records of one CSV file, found again by a key built from each row."""

    def __init__(self, path: Path, format: str, key: Callable[[Row], str]) -> None:
        self.path = path
        self.format = format
        self.key = key
        self.hosts: dict[str, HostRecord] = {}

    def host(self, line: int, row: Row) -> HostRecord | None:
        """The record for the row's host (made at its first row), or None when the row
        names no host at all."""
        key = self.key(row)
        if not key.strip("|"):
            return None
        record = self.hosts.get(key)
        if record is None:
            record = HostRecord(self.path.name, self.format, f"line {line}")
            self.hosts[key] = record
        return record

    def records(self) -> list[HostRecord]:
        return list(self.hosts.values())
