"""Validate an inventory and parse its text into a typed model, in one pass.

Every problem is collected into one :class:`ValidationReport` (never only the
first), each naming the table, the row as the user sees it, the column, the bad
value and what is allowed. Type syntax (booleans, dates, numbers, lists) is parsed
here with vectorised pandas; the domain checks (required cells, enumerations,
ranges) are a pandera schema built from :mod:`flowmap.inventory.schema` and run lazily so
that all failures are reported together.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from flowmap.errors import InvalidInventoryError
from flowmap.inventory.cellchecks import table_checks
from flowmap.inventory.cells import bad_cells, empty_frame, parse_column
from flowmap.inventory.checks import duplicate_keys, reference_checks, warnings
from flowmap.inventory.model import Inventory
from flowmap.inventory.problems import Problem, ValidationReport
from flowmap.inventory.proposals import proposal_checks
from flowmap.inventory.read import RawInventory, RawTable, read_inventory
from flowmap.inventory.schema import TABLES, TRUE_WORDS, Table, default_zone
from flowmap.inventory.textstorage import python_text
from flowmap.progress import stages


@python_text
def validate(
    path_or_raw: str | Path | RawInventory, *, as_of: dt.date | None = None, progress: bool = False
) -> ValidationReport:
    """Validate an inventory and return the report (never raises for bad data).

    Parameters
    ----------
    path_or_raw : str, Path or RawInventory
        An inventory folder or workbook, or what :func:`flowmap.inventory.read.read_inventory`
        returned.
    as_of : date, optional
        The date that "in the future" is judged against; default today.
    progress : bool
        Show a progress bar (terminal or notebook) over reading and validating.

    Raises
    ------
    InventoryReadError
        Only when the path cannot be read at all.
    """
    with stages(["reading", "validating"], enabled=progress) as step:
        step()
        raw = path_or_raw if isinstance(path_or_raw, RawInventory) else read_inventory(path_or_raw)
        step()
        _, report = parse_inventory(raw, as_of=as_of)
    return report


@python_text
def load_inventory(
    path: str | Path, *, strict: bool = True, as_of: dt.date | None = None, progress: bool = False
) -> Inventory:
    """Load, parse and validate an inventory folder or workbook.

    Parameters
    ----------
    path : str or Path
        A folder of ``<table>.csv`` files or an ``.xlsx`` workbook.
    strict : bool, default True
        Raise :class:`~flowmap.errors.InvalidInventoryError` when there is any
        error. With ``strict=False`` the inventory is returned anyway, cells that
        failed to parse left unknown, and ``inventory.report`` lists the problems.
    as_of : date, optional
        The date warnings about future dates are judged against; default today.
    progress : bool
        Show a progress bar (terminal or notebook) over reading and validating.

    Examples
    --------
    >>> inv = load_inventory("inventories/sample")
    >>> inv.report.ok
    True
    >>> inv.systems.loc[:, ["system_id", "kind"]].head(2)  # doctest: +SKIP
    """
    with stages(["reading", "validating"], enabled=progress) as step:
        step()
        raw = read_inventory(path)
        step()
        inventory, report = parse_inventory(raw, as_of=as_of)
    if strict and not report.ok:
        raise InvalidInventoryError(report)
    return inventory


def parse_inventory(
    raw: RawInventory, *, as_of: dt.date | None = None
) -> tuple[Inventory, ValidationReport]:
    """Parse every table of ``raw`` into typed frames and check the whole inventory."""
    as_of = as_of or dt.date.today()
    report = ValidationReport(source=raw.source, ignored=list(raw.ignored))
    for rp in raw.problems:
        t = raw.tables.get(rp.table)
        where = t.where(rp.row) if t else rp.table
        report.problems.append(
            Problem(rp.severity, rp.table, rp.row, rp.column, rp.value, rp.message, where)
        )
    for name in raw.ignored:
        report.problems.append(
            Problem(
                "warning",
                "",
                None,
                None,
                None,
                f"{name} is not an inventory table and was ignored "
                f"(tables are: {', '.join(TABLES)})",
                name,
            )
        )
    typed: dict[str, pd.DataFrame] = {}
    quality: list[dict[str, object]] = []
    for name, table in TABLES.items():
        rt = raw.tables.get(name)
        if rt is None:
            if table.required:
                report.problems.append(
                    Problem(
                        "error",
                        name,
                        None,
                        None,
                        None,
                        f"the required table {name!r} is missing: add {_expected_place(raw, name)}",
                        name,
                    )
                )
            typed[name] = empty_frame(table)
            report.row_counts[name] = 0
            continue
        frame, problems, empty = _parse_table(table, rt)
        report.problems.extend(problems)
        typed[name] = frame
        report.row_counts[name] = len(frame)
        quality.extend(_quality(table, rt.frame, empty))
    report.problems.extend(reference_checks(typed, raw))
    report.problems.extend(proposal_checks(typed, raw))
    report.problems.extend(warnings(typed, raw, as_of))
    order = {name: i for i, name in enumerate(TABLES)}
    report.problems.sort(
        key=lambda p: (
            p.severity != "error",
            order.get(p.table, -1),
            p.row if p.row is not None else 0,
        )
    )
    report.data_quality = pd.DataFrame(
        quality, columns=["table", "column", "unknown", "rows", "share_unknown"]
    )
    inventory = Inventory(tables=typed, source=raw.source, report=report)
    return inventory, report


def _expected_place(raw: RawInventory, name: str) -> str:
    if raw.kind == "csv":
        return f"{name}.csv to {raw.source}"
    return f"a sheet named {name!r} to {Path(raw.source).name}"


# ------------------------------------------------------------------ one table


def _parse_table(
    table: Table, rt: RawTable
) -> tuple[pd.DataFrame, list[Problem], dict[str, np.ndarray]]:
    raw = rt.frame
    problems: list[Problem] = []

    def add(row, column, value, message, severity="error"):
        problems.append(Problem(severity, table.name, row, column, value, message, rt.where(row)))

    missing = [c.name for c in table.required_columns if c.name not in raw.columns]
    for col in missing:
        add(
            None,
            col,
            None,
            f"the required column {col!r} is missing from the header "
            f"(found: {', '.join(raw.columns) or 'no columns'})",
        )
    out = pd.DataFrame(index=raw.index)
    empty: dict[str, np.ndarray] = {}  # each column's empty cells, computed once
    for col in table.columns.values():
        if col.name in raw.columns:
            text = raw[col.name].astype(object)
        else:
            text = pd.Series("", index=raw.index, dtype=object)
        empty[col.name] = text.to_numpy(dtype=object) == ""
        parsed, bad, allowed = parse_column(col, text)
        problems.extend(bad_cells(table, rt, col.name, text, bad, allowed))
        out[col.name] = parsed
    for extra in raw.columns:
        if extra not in table.columns:
            out[extra] = raw[extra].astype(object)
    out.index.name = "row"
    problems.extend(table_checks(table, rt, out, missing, empty))
    problems.extend(duplicate_keys(table, rt, out, missing))
    _fill_defaults(table, out, empty)
    return out, problems, empty


def _fill_defaults(table: Table, out: pd.DataFrame, empty: dict[str, np.ndarray]) -> None:
    for col in table.columns.values():
        if col.default is None:
            continue
        if col.type == "bool":
            out[col.name] = out[col.name].fillna(col.default.lower() in TRUE_WORDS)
        else:
            out[col.name] = out[col.name].where(~empty[col.name], col.default)
    if table.name == "systems" and len(out):
        empty = out["zone"] == ""
        out.loc[empty, "zone"] = out.loc[empty, "org_id"].map(default_zone)


def _quality(
    table: Table, raw: pd.DataFrame, empty: dict[str, np.ndarray]
) -> list[dict[str, object]]:
    rows = len(raw)
    result = []
    for col in table.columns.values():
        if not col.risk_relevant:
            continue
        unknown = rows if col.name not in raw.columns else int(empty[col.name].sum())
        result.append(
            {
                "table": table.name,
                "column": col.name,
                "unknown": unknown,
                "rows": rows,
                "share_unknown": round(unknown / rows, 4) if rows else 0.0,
            }
        )
    return result


# ------------------------------------------------------------- across tables
