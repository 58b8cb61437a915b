"""``import_sheet``: an organisation's own register spreadsheet into inventory tables.

Information asset registers, data-flow maps and records of processing live in each
organisation's own spreadsheet layout. A YAML mapping (:mod:`.mapping`) says which of
its columns and values mean which inventory column and value; :func:`import_sheet`
applies it (:mod:`.apply`), merging into an existing inventory or making a new one, and
reports every row and every value it could not place. :func:`suggest_mapping` writes a
first mapping with its guesses marked for a person to confirm (:mod:`.suggest`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flowmap.errors import UsageError
from flowmap.ingest.report import ImportReport
from flowmap.ingest.sheets.apply import Producer
from flowmap.ingest.sheets.mapping import Mapping, load_mapping
from flowmap.ingest.sheets.source import read_sheet
from flowmap.inventory.cells import empty_frame
from flowmap.inventory.raw import RawInventory, RawTable
from flowmap.inventory.read import read_inventory
from flowmap.inventory.schema import TABLES
from flowmap.inventory.textstorage import python_text
from flowmap.inventory.validate import parse_inventory
from flowmap.progress import stages

__all__ = ["SheetResult", "import_sheet", "load_mapping", "suggest_mapping"]


@dataclass
class SheetResult:
    """A whole inventory after a sheet import, as text tables, with the report."""

    tables: dict[str, pd.DataFrame]
    changed: set[str]
    report: ImportReport
    raw: RawInventory | None
    written: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        counts = self.report.summary()
        rows = counts.get("row", {})
        lines = [
            f"Register rows read: {len({e[3] for e in self.report.entries if e[0] == 'row'}):,}",
            f"Rows made: {rows.get('imported', 0):,}; skipped: {rows.get('skipped', 0):,}; "
            f"conflicting values: {rows.get('conflict', 0):,}",
        ]
        for table in TABLES:
            found = counts.get(table, {})
            if found:
                lines.append(
                    f"{table}: {found.get('added', 0):,} added, {found.get('changed', 0):,} "
                    "cells changed"
                )
        values = counts.get("value", {})
        if values:
            lines.append(
                f"Values left out: {values.get('unmapped', 0):,} not in the mapping, "
                f"{values.get('unresolved', 0):,} naming no row (see the report)"
            )
        problems = counts.get("problem", {})
        if problems:
            lines.append(
                f"The result has {problems.get('error', 0):,} error(s) and "
                f"{problems.get('warning', 0):,} warning(s): see the report's problem entries"
            )
        if not self.changed:
            lines.append("The inventory is unchanged.")
        return "\n".join(lines)


@python_text
def import_sheet(
    path: str | Path,
    mapping: str | Path | Mapping,
    *,
    inventory: str | Path | None = None,
    out: str | Path | None = None,
    variables: dict[str, str] | None = None,
    as_of: dt.date | None = None,
    progress: bool = False,
) -> SheetResult:
    """Import a register spreadsheet (xlsx or CSV) by a mapping.

    Parameters
    ----------
    path : str or Path
        The spreadsheet: ``.xlsx`` (the mapping's ``sheet``, or the first) or CSV.
    mapping : str, Path or Mapping
        A mapping file, the name of a shipped one (``"dspt-1.1.2"``), or a loaded one.
    inventory : str or Path, optional
        An inventory to merge into (never changed); without one, a new inventory is made.
    out : str or Path, optional
        Where to write the result (the inventory's form; without an inventory, a folder,
        or a workbook for a path ending ``.xlsx``) and its import report.
    variables : dict, optional
        Values for the mapping's ``{placeholders}`` (e.g. ``{"org": "RXA"}``).
    as_of : date, optional
        The date the result is validated as of.
    progress : bool
        Show a progress bar naming each step (reading, mapping, checking, writing) in a
        terminal or a notebook.

    Returns
    -------
    SheetResult

    Examples
    --------
    >>> import flowmap
    >>> result = flowmap.import_sheet("inventories/sample/registers/ropa-dspt-1.1.2.csv",
    ...     "dspt-1.1.2", inventory="inventories/sample", variables={"org": "RXA"})
    >>> sorted(result.changed)
    ['assets', 'flows', 'systems']
    """
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping, variables=variables)
    elif variables:
        mapping.variables.update(variables)
    guesses = mapping.guesses()
    if guesses:
        raise UsageError(
            f"mapping: {mapping.source}: {len(guesses)} guess(es) not yet confirmed, first "
            f"{guesses[0]}: check each, then delete its 'guess: true' line.",
            param="mapping",
        )
    unset = [k for k, v in mapping.variables.items() if v in ("", "CHANGE-ME")]
    if unset:
        raise UsageError(
            f"variables: the mapping needs a value for {unset[0]!r} (--set {unset[0]}=...).",
            param="variables",
        )
    names = [
        "reading the spreadsheet",
        *(["reading the inventory"] if inventory is not None else []),
        "mapping the rows",
        "checking the result",
        *(["writing"] if out is not None else []),
    ]
    with stages(names, enabled=progress) as step:
        return _import(path, mapping, inventory, out, as_of, step)


def _import(path, mapping: Mapping, inventory, out, as_of, step) -> SheetResult:
    """:func:`import_sheet` once its options are checked; ``step()`` moves the bar on."""
    step()
    sheet_path = Path(path)
    sheet = read_sheet(
        sheet_path, sheet=mapping.sheet, header_row=mapping.header_row, wanted=mapping.headers()
    )
    if inventory is not None:
        step()
    raw = read_inventory(inventory) if inventory is not None else None
    workbook = (
        raw.kind == "xlsx"
        if raw is not None
        else str(out or "").lower().endswith((".xlsx", ".xlsm"))
    )
    if out is not None:
        from flowmap.ingest.load import check_output

        check_output(Path(inventory) if inventory else None, Path(out), workbook=workbook)
    report = ImportReport(
        kind="sheet",
        options={
            "sheet": sheet.name,
            "mapping": mapping.source,
            "inventory": Path(inventory).name if inventory else "",
            "variables": dict(sorted(mapping.variables.items())),
            "as_of": (as_of or dt.date.today()).isoformat(),
        },
    )
    report.files.append(
        {
            "source": sheet.name,
            "format": "sheet",
            "header_row": sheet.header_row,
            "rows": len(sheet.rows),
        }
    )
    _unused_columns(sheet, mapping, report)
    base = {
        name: (raw.tables[name].frame if raw and name in raw.tables else _blank(name))
        for name in TABLES
    }
    step()
    producer = Producer(sheet, mapping, base, report)
    producer.run()
    result = SheetResult(tables=producer.tables, changed=producer.changed, report=report, raw=raw)
    step()
    _problems(result, as_of, report)
    if out is not None:
        from flowmap.ingest.load import write_tables

        step()
        result.written = write_tables(
            result, Path(inventory) if inventory else None, Path(out), workbook=workbook
        )
    return result


def _blank(name: str) -> pd.DataFrame:
    frame = empty_frame(TABLES[name]).astype(object)
    frame.index = pd.Index([], name="row", dtype="int64")
    return frame


def _unused_columns(sheet, mapping: Mapping, report: ImportReport) -> None:
    from flowmap.ingest.sheets.mapping import norm

    used = mapping.header_names()
    for header in sheet.header:
        if header.strip() and norm(header) not in used:
            report.add(
                "sheet",
                "not mapped",
                source=sheet.name,
                field=header,
                reason="the mapping does not read this column",
            )
    for key in sorted(set(used) - {norm(h) for h in sheet.header}):
        report.add(
            "sheet",
            "missing",
            source=sheet.name,
            field=used[key],
            reason="the mapping reads a column the sheet does not have: its cells are empty",
        )


def _problems(result: SheetResult, as_of, report: ImportReport) -> None:
    """Validate the result and list its problems in the report (nothing is hidden)."""
    raw = RawInventory(
        source="the result",
        kind="csv",
        tables={n: RawTable(n, f, f"{n}.csv", "csv") for n, f in result.tables.items()},
    )
    _, validation = parse_inventory(raw, as_of=as_of)
    for problem in validation.problems:
        report.add(
            "problem",
            problem.severity,
            source=problem.where,
            field=problem.column or "",
            old=problem.value or "",
            reason=problem.message,
        )


def suggest_mapping(path: str | Path, *, out: str | Path | None = None) -> str:
    """A starting mapping for the register at ``path``, every guess marked; written to
    ``out`` when given (never over an existing file)."""
    from flowmap.ingest.sheets.suggest import suggest

    return suggest(Path(path), out=Path(out) if out is not None else None)
