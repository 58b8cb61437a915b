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

from flowmap.inventory.codes import member, sorted_codes
from flowmap.errors import InvalidInventoryError
from flowmap.inventory.model import Inventory
from flowmap.inventory.problems import MAX_PROBLEMS_PER_CHECK, Problem, ValidationReport
from flowmap.inventory.read import RawInventory, RawTable, read_inventory
from flowmap.progress import stages
from flowmap.inventory.schema import (
    FALSE_WORDS, LIST_SEPARATOR, TABLES, TRUE_WORDS, Column, Table, default_zone,
)

#: Date columns that record something that has already happened.
PAST_DATES = {
    "systems": ("last_patched",),
    "assets": ("last_reviewed",),
    "backups": ("last_restore_test",),
    "vulnerabilities": ("patch_released",),
}


def validate(path_or_raw: str | Path | RawInventory, *,
             as_of: dt.date | None = None) -> ValidationReport:
    """Validate an inventory and return the report (never raises for bad data).

    Parameters
    ----------
    path_or_raw : str, Path or RawInventory
        An inventory folder or workbook, or what :func:`flowmap.inventory.read.read_inventory`
        returned.
    as_of : date, optional
        The date that "in the future" is judged against; default today.

    Raises
    ------
    InventoryReadError
        Only when the path cannot be read at all.
    """
    raw = path_or_raw if isinstance(path_or_raw, RawInventory) else read_inventory(path_or_raw)
    _, report = parse_inventory(raw, as_of=as_of)
    return report


def load_inventory(path: str | Path, *, strict: bool = True,
                   as_of: dt.date | None = None, progress: bool = False) -> Inventory:
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


def parse_inventory(raw: RawInventory, *,
                    as_of: dt.date | None = None) -> tuple[Inventory, ValidationReport]:
    """Parse every table of ``raw`` into typed frames and check the whole inventory."""
    as_of = as_of or dt.date.today()
    report = ValidationReport(source=raw.source, ignored=list(raw.ignored))
    for rp in raw.problems:
        t = raw.tables.get(rp.table)
        where = t.where(rp.row) if t else rp.table
        report.problems.append(Problem(rp.severity, rp.table, rp.row, rp.column, rp.value,
                                       rp.message, where))
    for name in raw.ignored:
        report.problems.append(Problem("warning", "", None, None, None,
                                       f"{name} is not an inventory table and was ignored "
                                       f"(tables are: {', '.join(TABLES)})", name))
    typed: dict[str, pd.DataFrame] = {}
    quality: list[dict[str, object]] = []
    for name, table in TABLES.items():
        rt = raw.tables.get(name)
        if rt is None:
            if table.required:
                report.problems.append(Problem(
                    "error", name, None, None, None,
                    f"the required table {name!r} is missing: add {_expected_place(raw, name)}",
                    name))
            typed[name] = _empty(table)
            report.row_counts[name] = 0
            continue
        frame, problems, empty = _parse_table(table, rt)
        report.problems.extend(problems)
        typed[name] = frame
        report.row_counts[name] = len(frame)
        quality.extend(_quality(table, rt.frame, empty))
    report.problems.extend(_check_references(typed, raw))
    report.problems.extend(_warnings(typed, raw, as_of))
    order = {name: i for i, name in enumerate(TABLES)}
    report.problems.sort(key=lambda p: (p.severity != "error", order.get(p.table, -1),
                                        p.row if p.row is not None else 0))
    report.data_quality = pd.DataFrame(
        quality, columns=["table", "column", "unknown", "rows", "share_unknown"])
    inventory = Inventory(tables=typed, source=raw.source, report=report)
    return inventory, report


def _expected_place(raw: RawInventory, name: str) -> str:
    if raw.kind == "csv":
        return f"{name}.csv to {raw.source}"
    return f"a sheet named {name!r} to {Path(raw.source).name}"


def _empty(table: Table) -> pd.DataFrame:
    frame = pd.DataFrame({c.name: pd.Series(dtype=_dtype(c)) for c in table.columns.values()})
    frame.index = pd.Index([], name="row", dtype="int64")
    return frame


def _dtype(column: Column) -> str:
    return {"bool": "boolean", "date": "datetime64[ns]", "int": "Int64",
            "float": "float64"}.get(column.type, "object")


# ------------------------------------------------------------------ one table

def _parse_table(table: Table, rt: RawTable
                 ) -> tuple[pd.DataFrame, list[Problem], dict[str, np.ndarray]]:
    raw = rt.frame
    problems: list[Problem] = []

    def add(row, column, value, message, severity="error"):
        problems.append(Problem(severity, table.name, row, column, value, message, rt.where(row)))

    missing = [c.name for c in table.required_columns if c.name not in raw.columns]
    for col in missing:
        add(None, col, None, f"the required column {col!r} is missing from the header "
            f"(found: {', '.join(raw.columns) or 'no columns'})")
    out = pd.DataFrame(index=raw.index)
    empty: dict[str, np.ndarray] = {}  # each column's empty cells, computed once
    for col in table.columns.values():
        if col.name in raw.columns:
            text = raw[col.name].astype(object)
        else:
            text = pd.Series("", index=raw.index, dtype=object)
        empty[col.name] = text.to_numpy(dtype=object) == ""
        parsed, bad, allowed = _parse_column(col, text)
        _report_cells(add, col.name, text, bad, allowed)
        out[col.name] = parsed
    for extra in raw.columns:
        if extra not in table.columns:
            out[extra] = raw[extra].astype(object)
    out.index.name = "row"
    problems.extend(_pandera_checks(table, rt, out, missing, empty))
    problems.extend(_duplicates(table, rt, out, missing))
    _fill_defaults(table, out, empty)
    return out, problems, empty


def _report_cells(add, column: str, text: pd.Series, bad: pd.Series, allowed: str) -> None:
    if not bad.any():
        return
    rows = text.index[bad.to_numpy()]
    for row in rows[:MAX_PROBLEMS_PER_CHECK]:
        add(int(row), column, str(text.loc[row]), allowed)
    if len(rows) > MAX_PROBLEMS_PER_CHECK:
        add(None, column, None, f"... and {len(rows) - MAX_PROBLEMS_PER_CHECK} more rows "
            f"with the same problem ({allowed})")


def _parse_column(col: Column, text: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    """Parse one column's text; return values, a mask of unparseable cells, and why.

    Inventories repeat a few values down long columns (enumerations, yes/no, dates),
    so each distinct text is parsed once and the results spread back by code.
    """
    if col.type in ("id", "text"):
        return text, pd.Series(False, index=text.index), ""
    codes, uniques = pd.factorize(text.to_numpy(dtype=object), sort=False)
    distinct = pd.Series(uniques, dtype=object)
    values, bad, why = _parse_distinct(col, distinct)
    spread = values.take(codes)
    spread.index = text.index
    return spread, pd.Series(bad.to_numpy()[codes], index=text.index), why


def _parse_distinct(col: Column, text: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    """Parse each distinct cell text of a column (index 0..n-1)."""
    empty = text == ""
    no_bad = pd.Series(False, index=text.index)
    if col.type == "bool":
        low = text.str.lower()
        values = pd.Series(pd.NA, index=text.index, dtype="boolean")
        values[low.isin(TRUE_WORDS)] = True
        values[low.isin(FALSE_WORDS)] = False
        return values, ~empty & values.isna(), "not a yes/no value: use yes/no, true/false, y/n or 1/0"
    if col.type == "date":
        values = parse_dates(text)
        return values, ~empty & values.isna(), "not a date: use YYYY-MM-DD or DD/MM/YYYY"
    if col.type in ("int", "float"):
        values = pd.to_numeric(text.str.replace(",", "", regex=False).where(~empty),
                               errors="coerce")
        bad = ~empty & values.isna()
        if col.type == "int":
            fractional = values.notna() & (values != np.floor(values.fillna(0)))
            values = values.where(~fractional)
            bad = bad | fractional
            return values.astype("Int64"), bad, "not a whole number"
        return values.astype("float64"), bad, "not a number"
    if col.type == "enum":
        return text.str.lower().astype(object), no_bad, ""
    if col.type in ("list", "enum_list"):
        return _split_list(text, lower=col.type == "enum_list"), no_bad, ""
    return text, no_bad, ""


def parse_dates(text: pd.Series) -> pd.Series:
    """Parse ISO ``YYYY-MM-DD`` (optionally with a time) or UK ``DD/MM/YYYY`` dates.

    >>> parse_dates(pd.Series(["2026-03-01", "01/03/2026", "2026-03-01 10:00:00", "3 March"]))
    0   2026-03-01
    1   2026-03-01
    2   2026-03-01
    3          NaT
    dtype: datetime64[ns]
    """
    text = text.astype(object)
    iso = text.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")[0]
    uk = text.where(text.str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}") == True)  # noqa: E712
    a = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    b = pd.to_datetime(uk, format="%d/%m/%Y", errors="coerce")
    return a.fillna(b).astype("datetime64[ns]").rename(text.name)


def _split_list(text: pd.Series, lower: bool) -> pd.Series:
    def split(value: str) -> tuple[str, ...]:
        parts = (p.strip() for p in value.split(LIST_SEPARATOR))
        return tuple(p.lower() if lower else p for p in parts if p)
    return pd.Series([split(v) for v in text], index=text.index, dtype=object)


def _pandera_checks(table: Table, rt: RawTable, out: pd.DataFrame,
                    missing: list[str], empty: dict[str, np.ndarray]) -> list[Problem]:
    """Required cells, enumerations and ranges, checked lazily by pandera."""
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    columns: dict[str, pa.Column] = {}
    messages: dict[tuple[str, int], str] = {}
    view = pd.DataFrame(index=out.index)
    for col in table.columns.values():
        if col.name in missing or col.type == "enum_list":
            continue
        series = out[col.name]
        checks: list[tuple[pa.Check, str]] = []
        if col.type in ("id", "text", "enum"):
            series = series.where(~empty[col.name])
        if col.type == "list":
            series = series.where(series.map(len) > 0)
        if col.type == "enum":
            checks.append((pa.Check.isin(col.allowed),
                           f"not allowed: use one of {', '.join(col.allowed)}"))
        if col.type in ("int", "float") and (col.minimum is not None or col.maximum is not None):
            lo = -np.inf if col.minimum is None else col.minimum
            hi = np.inf if col.maximum is None else col.maximum
            checks.append((pa.Check.in_range(lo, hi), _range_text(col)))
        if not checks and not col.required:
            continue
        for number, (_, message) in enumerate(checks):
            messages[(col.name, number)] = message
        messages[(col.name, -1)] = "required: this cell must not be empty"
        columns[col.name] = pa.Column(None, checks=[c for c, _ in checks],
                                      nullable=not col.required)
        view[col.name] = series
    problems = _enum_list_checks(table, rt, out, missing)
    if not columns:
        return problems
    try:
        pa.DataFrameSchema(columns, coerce=False).validate(view, lazy=True)
        return problems
    except SchemaErrors as exc:
        cases = exc.failure_cases
    counts: dict[tuple[str, int], int] = {}
    raw = rt.frame
    for case in cases.itertuples(index=False):
        column = str(case.column)
        number = -1 if pd.isna(case.check_number) else int(case.check_number)
        key = (column, number)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > MAX_PROBLEMS_PER_CHECK:
            continue
        row = None if pd.isna(case.index) else int(case.index)
        value = str(raw.at[row, column]) if row is not None and column in raw.columns else None
        message = messages.get(key, f"failed the check {case.check}")
        problems.append(Problem("error", table.name, row, column, value, message, rt.where(row)))
    for key, n in counts.items():
        if n > MAX_PROBLEMS_PER_CHECK:
            problems.append(Problem(
                "error", table.name, None, key[0], None,
                f"... and {n - MAX_PROBLEMS_PER_CHECK} more rows: {messages.get(key, '')}",
                rt.where(None)))
    return problems


def _enum_list_checks(table: Table, rt: RawTable, out: pd.DataFrame,
                      missing: list[str]) -> list[Problem]:
    """Each element of a ``;`` list must be an allowed value."""
    problems: list[Problem] = []
    for col in table.columns.values():
        if col.type != "enum_list" or col.name in missing:
            continue
        parts = out[col.name].explode().dropna()
        bad = parts[~parts.isin(col.allowed)]
        for row, value in bad.head(MAX_PROBLEMS_PER_CHECK).items():
            problems.append(Problem(
                "error", table.name, int(row), col.name, str(value),
                f"not allowed in the list: use {LIST_SEPARATOR!r}-separated values from "
                f"{', '.join(col.allowed)}", rt.where(int(row))))
    return problems


def _range_text(col: Column) -> str:
    if col.maximum is None:
        return f"out of range: must be {col.minimum:g} or more"
    return f"out of range: must be between {col.minimum:g} and {col.maximum:g}"


def _duplicates(table: Table, rt: RawTable, out: pd.DataFrame, missing: list[str]) -> list[Problem]:
    key = list(table.key)
    if any(k in missing for k in key) or out.empty:
        return []
    keys = out[key]
    # an optional key column may be blank (costs.subject_id: every subject); blank counts
    filled = (keys[[k for k in key if table.columns[k].required]] != "").all(axis=1)
    dup = keys.duplicated(keep=False) & filled
    if not dup.any():
        return []
    problems = []
    first_row: dict[tuple, int] = {}
    for row, values in keys[dup].iterrows():
        k = tuple(values)
        if k not in first_row:
            first_row[k] = int(row)
            continue
        shown = " / ".join(k)
        problems.append(Problem(
            "error", table.name, int(row), key[-1] if len(key) == 1 else "+".join(key), shown,
            f"duplicate {' + '.join(key)}: already used at {rt.where(first_row[k])}; "
            "each row needs its own id", rt.where(int(row))))
    return problems


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


def _quality(table: Table, raw: pd.DataFrame,
             empty: dict[str, np.ndarray]) -> list[dict[str, object]]:
    rows = len(raw)
    result = []
    for col in table.columns.values():
        if not col.risk_relevant:
            continue
        unknown = rows if col.name not in raw.columns else int(empty[col.name].sum())
        result.append({"table": table.name, "column": col.name, "unknown": unknown, "rows": rows,
                       "share_unknown": round(unknown / rows, 4) if rows else 0.0})
    return result


# ------------------------------------------------------------- across tables

def _check_references(typed: dict[str, pd.DataFrame], raw: RawInventory) -> list[Problem]:
    problems: list[Problem] = []
    for name, table in TABLES.items():
        frame = typed[name]
        rt = raw.tables.get(name)
        if rt is None or frame.empty:
            continue
        for col in table.columns.values():
            if not col.references or col.name not in rt.frame.columns:
                continue
            target_table, target_col = col.references.split(".")
            known = set(typed[target_table][target_col])
            values = frame[col.name]
            if col.type == "list":
                values = values.explode().dropna()
            unknown = values[(values != "") & ~values.isin(known)]
            for count, (row, value) in enumerate(unknown.items()):
                if count == MAX_PROBLEMS_PER_CHECK:
                    problems.append(Problem(
                        "error", name, None, col.name, None,
                        f"... and {len(unknown) - count} more unknown {target_col} values",
                        rt.where(None)))
                    break
                problems.append(Problem(
                    "error", name, int(row), col.name, str(value),
                    f"no {target_table} row has {target_col} {value!r}: add it to "
                    f"{target_table} or correct the id", rt.where(int(row))))
    return problems


def _warnings(typed: dict[str, pd.DataFrame], raw: RawInventory,
              as_of: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    limit = pd.Timestamp(as_of)
    for name, columns in PAST_DATES.items():
        rt = raw.tables.get(name)
        if rt is None:
            continue
        for col in columns:
            values = typed[name][col]
            future = values[values > limit]
            for row, value in future.head(MAX_PROBLEMS_PER_CHECK).items():
                problems.append(Problem(
                    "warning", name, int(row), col, rt.frame.at[row, col],
                    f"this date is after {as_of.isoformat()}, which is unlikely for {col}",
                    rt.where(int(row))))
    flows, systems = typed["flows"], typed["systems"]
    rt = raw.tables.get("flows")
    if rt is not None and len(flows):
        same = flows[(flows["source_system_id"] == flows["target_system_id"])
                     & (flows["source_system_id"] != "")]
        for row, flow in same.head(MAX_PROBLEMS_PER_CHECK).iterrows():
            problems.append(Problem(
                "warning", "flows", int(row), "target_system_id", flow["target_system_id"],
                "the flow starts and ends on the same system", rt.where(int(row))))
        problems.extend(_orphan_flows(typed, rt))
    zl = raw.tables.get("zone_links")
    if zl is not None and len(typed["zone_links"]):
        zones = set(systems["zone"])
        for col in ("from_zone", "to_zone"):
            values = typed["zone_links"][col]
            for row, value in values[(values != "") & ~values.isin(zones)].items():
                problems.append(Problem(
                    "warning", "zone_links", int(row), col, value,
                    "no system is in this zone, so the link has no effect", zl.where(int(row))))
    return problems


def _orphan_flows(typed: dict[str, pd.DataFrame], rt: RawTable) -> list[Problem]:
    """Flows that send an asset from a system that neither holds it nor receives it."""
    assets, flows = typed["assets"], typed["flows"]
    held = assets[["asset_id", "system_id"]].explode("system_id").dropna()
    (a_held, a_flow), _ = sorted_codes(held["asset_id"], flows["asset_id"])
    (s_held, s_src, s_dst), systems = sorted_codes(held["system_id"], flows["source_system_id"],
                                                   flows["target_system_id"])
    width = max(len(systems), 1)
    known = np.concatenate([a_held * width + s_held, a_flow * width + s_dst])
    orphan = flows[flows["asset_id"].isin(assets["asset_id"]).to_numpy()
                   & ~member(a_flow * width + s_src, known)]
    problems = []
    for row, flow in orphan.head(MAX_PROBLEMS_PER_CHECK).iterrows():
        problems.append(Problem(
            "warning", "flows", int(row), "source_system_id", flow["source_system_id"],
            f"the register does not hold asset {flow['asset_id']!r} on this system and no flow "
            "brings it here; add the system to the asset's system_id", rt.where(int(row))))
    return problems
