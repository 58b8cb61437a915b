"""Required cells, allowed values and ranges in each table: a pandera schema, run lazily
so every failure is reported, after a vectorised look that lets a table that passes
skip it.

Every check reports through :func:`~flowmap.inventory.problems.capped`: at most
:data:`~flowmap.inventory.problems.MAX_PROBLEMS_PER_CHECK` rows, then a count of the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.inventory.checks import address_checks, enum_list_checks
from flowmap.inventory.problems import Problem, capped
from flowmap.inventory.raw import RawTable
from flowmap.inventory.schema import Column, Table


def table_checks(
    table: Table, rt: RawTable, out: pd.DataFrame, missing: list[str], empty: dict[str, np.ndarray]
) -> list[Problem]:
    """Required cells, enumerations and ranges, checked lazily by pandera.

    Most tables pass: a vectorised look at the same conditions (:func:`_all_pass`) comes
    first, and pandera, which names every failing cell, runs (and is imported: it takes
    longer to import than a region's checks take) only when that look finds a cell that
    may fail.
    """
    problems = enum_list_checks(table, rt, out, missing)
    problems += address_checks(table, rt, out, missing)
    view, specs = _checked_columns(table, out, missing, empty)
    if not specs or _all_pass(view, specs):
        return problems
    return problems + _pandera_failures(table, rt, view, specs)


#: What one column is checked for: required, allowed values, a range (low, high).
_Spec = tuple[bool, tuple[str, ...] | None, tuple[float, float] | None]


def _checked_columns(
    table: Table, out: pd.DataFrame, missing: list[str], empty: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, dict[str, _Spec]]:
    """The columns with a check, as checked (empty text as unknown), and their checks."""
    specs: dict[str, _Spec] = {}
    view = pd.DataFrame(index=out.index)
    for col in table.columns.values():
        if col.name in missing or col.type == "enum_list":
            continue
        series = out[col.name]
        if col.type in ("id", "text", "enum"):
            series = series.where(~empty[col.name])
        if col.type == "list":
            series = series.where(series.map(len) > 0)
        allowed = tuple(col.allowed) if col.type == "enum" else None
        bounds = None
        if col.type in ("int", "float") and (col.minimum is not None or col.maximum is not None):
            lo = -np.inf if col.minimum is None else col.minimum
            hi = np.inf if col.maximum is None else col.maximum
            bounds = (lo, hi)
        if allowed is None and bounds is None and not col.required:
            continue
        specs[col.name] = (bool(col.required), allowed, bounds)
        view[col.name] = series
    return view, specs


def _all_pass(view: pd.DataFrame, specs: dict[str, _Spec]) -> bool:
    """Whether every cell certainly passes (False: pandera looks, and decides)."""
    for name, (required, allowed, bounds) in specs.items():
        series = view[name]
        known = series.notna()
        if required and not known.all():
            return False
        values = series[known]
        if allowed is not None and not values.isin(allowed).all():
            return False
        if bounds is not None:
            if not pd.api.types.is_numeric_dtype(values):
                return False
            if not values.between(bounds[0], bounds[1]).all():
                return False
    return True


def _pandera_failures(
    table: Table, rt: RawTable, view: pd.DataFrame, specs: dict[str, _Spec]
) -> list[Problem]:
    """Every failing cell of ``view``, as pandera finds them, with the reasons flowmap
    gives (each check's message, "required" for an empty required cell)."""
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    columns: dict[str, pa.Column] = {}
    messages: dict[tuple[str, int], str] = {}
    for name, (required, allowed, bounds) in specs.items():
        checks: list[tuple[pa.Check, str]] = []
        if allowed is not None:
            checks.append(
                (pa.Check.isin(list(allowed)), f"not allowed: use one of {', '.join(allowed)}")
            )
        if bounds is not None:
            checks.append((pa.Check.in_range(*bounds), _range_text(table.columns[name])))
        for number, (_, message) in enumerate(checks):
            messages[(name, number)] = message
        messages[(name, -1)] = "required: this cell must not be empty"
        columns[name] = pa.Column(None, checks=[c for c, _ in checks], nullable=not required)
    try:
        pa.DataFrameSchema(columns, coerce=False).validate(view, lazy=True)
        return []
    except SchemaErrors as exc:
        cases = exc.failure_cases
    problems: list[Problem] = []
    raw = rt.frame
    cases = cases.assign(
        _key_column=cases["column"].astype(str),
        _key_number=cases["check_number"].fillna(-1).astype(int),
    )
    for (column, number), group in cases.groupby(["_key_column", "_key_number"], sort=False):
        message = messages.get((column, number), f"failed the check {group['check'].iloc[0]}")

        def found(group=group, column=column, message=message):
            for index in group["index"]:
                row = None if pd.isna(index) else int(index)
                value = (
                    str(raw.at[row, column]) if row is not None and column in raw.columns else None
                )
                yield Problem("error", table.name, row, column, value, message, rt.where(row))

        problems.extend(capped(found(), len(group), where=rt.where(None)))
    return problems


def _range_text(col: Column) -> str:
    if col.maximum is None:
        return f"out of range: must be {col.minimum:g} or more"
    return f"out of range: must be between {col.minimum:g} and {col.maximum:g}"
