"""The checks validation runs once cells are parsed: list items, addresses and duplicate
keys in each table (required cells, allowed values and ranges are
:mod:`flowmap.inventory.cellchecks`), then references and warnings across tables.

Every check reports through :func:`~flowmap.inventory.problems.capped`: at most
:data:`~flowmap.inventory.problems.MAX_PROBLEMS_PER_CHECK` rows, then a count of the rest.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

import numpy as np
import pandas as pd

from flowmap.inventory.codes import member, sorted_codes
from flowmap.inventory.problems import Problem, capped
from flowmap.inventory.raw import RawInventory, RawTable
from flowmap.inventory.schema import ADDRESS_LIST_COLUMNS, LIST_SEPARATOR, TABLES, Table

#: Date columns that record something that has already happened.
PAST_DATES = {
    "systems": ("last_patched",),
    "assets": ("last_reviewed",),
    "backups": ("last_restore_test",),
    "vulnerabilities": ("patch_released", "mitigated_on"),
}


def enum_list_checks(
    table: Table, rt: RawTable, out: pd.DataFrame, missing: list[str]
) -> list[Problem]:
    """Each element of a ``;`` list must be an allowed value."""
    problems: list[Problem] = []
    for col in table.columns.values():
        if col.type != "enum_list" or col.name in missing:
            continue
        parts = out[col.name].explode().dropna()
        bad = parts[~parts.isin(col.allowed)]
        allowed = (
            f"not allowed in the list: use {LIST_SEPARATOR!r}-separated values from "
            f"{', '.join(col.allowed)}"
        )
        problems.extend(
            capped(
                (
                    Problem(
                        "error",
                        table.name,
                        int(row),
                        col.name,
                        str(value),
                        allowed,
                        rt.where(int(row)),
                    )
                    for row, value in bad.items()
                ),
                len(bad),
                where=rt.where(None),
            )
        )
    return problems


def is_address(text: str) -> bool:
    """An IPv4 or IPv6 address, or a network in CIDR notation (host bits allowed).

    >>> [is_address(t) for t in ("10.0.0.5", "10.20.0.0/16", "fe80::1", "10.0.0.256", "pc1")]
    [True, True, True, False, False]
    """
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def address_checks(
    table: Table, rt: RawTable, out: pd.DataFrame, missing: list[str]
) -> list[Problem]:
    """Each item of an address list must be an IP address or a CIDR network."""
    problems: list[Problem] = []
    for name in ADDRESS_LIST_COLUMNS.get(table.name, ()):
        if name in missing or name not in out.columns:
            continue
        parts = out[name].explode().dropna()
        distinct = parts.unique()
        good = {v for v in distinct if is_address(str(v))}
        bad = parts[~parts.isin(good)]
        message = (
            f"not an IP address or network: write {LIST_SEPARATOR!r}-separated addresses "
            "such as 10.20.1.15 or networks such as 10.20.0.0/16"
        )
        problems.extend(
            capped(
                (
                    Problem(
                        "error", table.name, int(row), name, str(value), message, rt.where(int(row))
                    )
                    for row, value in bad.items()
                ),
                len(bad),
                where=rt.where(None),
            )
        )
    return problems


def duplicate_keys(
    table: Table, rt: RawTable, out: pd.DataFrame, missing: list[str]
) -> list[Problem]:
    key = list(table.key)
    if any(k in missing for k in key) or out.empty:
        return []
    keys = out[key]
    # an optional key column may be blank (costs.subject_id: every subject); blank counts
    filled = (keys[[k for k in key if table.columns[k].required]] != "").all(axis=1)
    dup = keys.duplicated(keep=False) & filled
    if not dup.any():
        return []
    first = ~keys.duplicated(keep="first")
    first_row = {
        tuple(k): int(r)
        for r, k in zip(keys.index[dup & first], keys[dup & first].itertuples(index=False))
    }
    repeats = keys[dup & ~first]
    column = key[-1] if len(key) == 1 else "+".join(key)
    found = (
        Problem(
            "error",
            table.name,
            int(row),
            column,
            " / ".join(k),
            f"duplicate {' + '.join(key)}: already used at "
            f"{rt.where(first_row[tuple(k)])}; each row needs its own id",
            rt.where(int(row)),
        )
        for row, k in zip(repeats.index, repeats.itertuples(index=False))
    )
    return capped(found, len(repeats), what=f"duplicate {' + '.join(key)}", where=rt.where(None))


def reference_checks(typed: dict[str, pd.DataFrame], raw: RawInventory) -> list[Problem]:
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
            target_rt = raw.tables.get(target_table)
            if target_rt is not None and target_rt.unreadable:
                # ids defined only on a line that could not be read: that line is the
                # problem, already reported once; do not repeat it for every reference
                lost = "\n".join(target_rt.unreadable)
                unknown = unknown[[str(u) not in lost for u in unknown]]
            problems.extend(
                capped(
                    (
                        Problem(
                            "error",
                            name,
                            int(row),
                            col.name,
                            str(value),
                            f"no {target_table} row has {target_col} {value!r}: add it to "
                            f"{target_table} or correct the id",
                            rt.where(int(row)),
                        )
                        for row, value in unknown.items()
                    ),
                    len(unknown),
                    what=f"unknown {target_col} values",
                    where=rt.where(None),
                )
            )
    return problems


def warnings(typed: dict[str, pd.DataFrame], raw: RawInventory, as_of: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    limit = pd.Timestamp(as_of)
    for name, columns in PAST_DATES.items():
        rt = raw.tables.get(name)
        if rt is None:
            continue
        for col in columns:
            values = typed[name][col]
            future = values[values > limit]
            problems.extend(
                capped(
                    (
                        Problem(
                            "warning",
                            name,
                            int(row),
                            col,
                            rt.frame.at[row, col],
                            f"this date is after {as_of.isoformat()}, which is unlikely for {col}",
                            rt.where(int(row)),
                        )
                        for row in future.index
                    ),
                    len(future),
                    where=rt.where(None),
                )
            )
    flows, systems = typed["flows"], typed["systems"]
    rt = raw.tables.get("flows")
    if rt is not None and len(flows):
        same = flows[
            (flows["source_system_id"] == flows["target_system_id"])
            & (flows["source_system_id"] != "")
        ]
        problems.extend(
            capped(
                (
                    Problem(
                        "warning",
                        "flows",
                        int(row),
                        "target_system_id",
                        target,
                        "the flow starts and ends on the same system",
                        rt.where(int(row)),
                    )
                    for row, target in same["target_system_id"].items()
                ),
                len(same),
                where=rt.where(None),
            )
        )
        problems.extend(_orphan_flows(typed, rt))
    zl = raw.tables.get("zone_links")
    if zl is not None and len(typed["zone_links"]):
        zones = set(systems["zone"])
        for col in ("from_zone", "to_zone"):
            values = typed["zone_links"][col]
            unused = values[(values != "") & ~values.isin(zones)]
            problems.extend(
                capped(
                    (
                        Problem(
                            "warning",
                            "zone_links",
                            int(row),
                            col,
                            value,
                            "no system is in this zone, so the link has no effect",
                            zl.where(int(row)),
                        )
                        for row, value in unused.items()
                    ),
                    len(unused),
                    where=zl.where(None),
                )
            )
    return problems


def _orphan_flows(typed: dict[str, pd.DataFrame], rt: RawTable) -> list[Problem]:
    """Flows that send an asset from a system that neither holds it nor receives it."""
    assets, flows = typed["assets"], typed["flows"]
    held = assets[["asset_id", "system_id"]].explode("system_id").dropna()
    (a_held, a_flow), _ = sorted_codes(held["asset_id"], flows["asset_id"])
    (s_held, s_src, s_dst), systems = sorted_codes(
        held["system_id"], flows["source_system_id"], flows["target_system_id"]
    )
    width = max(len(systems), 1)
    known = np.concatenate([a_held * width + s_held, a_flow * width + s_dst])
    orphan = flows[
        flows["asset_id"].isin(assets["asset_id"]).to_numpy()
        & ~member(a_flow * width + s_src, known)
    ]
    found = (
        Problem(
            "warning",
            "flows",
            int(row),
            "source_system_id",
            source,
            f"the register does not hold asset {asset!r} on this system and no flow "
            "brings it here; add the system to the asset's system_id",
            rt.where(int(row)),
        )
        for row, source, asset in zip(orphan.index, orphan["source_system_id"], orphan["asset_id"])
    )
    return capped(
        found, len(orphan), what="asset not held on the sending system", where=rt.where(None)
    )
