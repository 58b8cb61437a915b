"""Apply actions to an inventory: the counterfactual world in which they were done.

:func:`apply_actions` returns a changed copy (the input is never changed); the
planner's evaluator and :func:`flowmap.planning.full_risk` analyse it.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterable

import numpy as np
import pandas as pd

from flowmap.engine.likelihood import ACTIVE_STATUSES
from flowmap.errors import UsageError
from flowmap.inventory.model import Inventory
from flowmap.inventory.schema import ACTION_KINDS  # every action kind, in candidate order
from flowmap.inventory.textstorage import python_text
from flowmap.planning.actions import (
    DEFAULT_BACKUP_HOURS,
    FLOW_ACTIONS,
    PAIR_ACTIONS,
    PHISHING_KINDS,
    PLANNED,
    SECURE_TRANSPORT,
    SEGMENT_SUFFIX,
    SYSTEM_ACTIONS,
    UPGRADE_TARGETS,
    VAULT_SUFFIX,
    WAF_REF,
    Action,
    isolated_zone,
    segment_members,
)
from flowmap.planning.agreements import apply_pairs, pair_flows, pair_subjects
from flowmap.reference.bundle import bundled_eol
from flowmap.reference.eol import EolTable


@python_text
def apply_actions(
    inventory: Inventory,
    actions: Iterable[Action],
    *,
    as_of: dt.date,
    eol: EolTable | None = None,
    copy: bool = True,
) -> Inventory:
    """A copy of the inventory with every action applied (the input is not changed).

    ``eol`` is the end-of-life table that names the product an ``upgrade_os`` action
    upgrades (default the bundled one; the planner passes its analysis's table).
    Consecutive actions of one kind on different subjects are applied together, a
    column at a time (each changes its own subject's rows only, so the result is the
    same as one by one). ``copy=False`` changes the inventory's own tables in place
    (rows added still make new frames): for the planner, on tables it owns.

    Examples
    --------
    >>> import datetime, flowmap
    >>> inv = flowmap.load_inventory("inventories/sample")
    >>> from flowmap.planning.actions import make_action
    >>> a = make_action("disable_smb1", "system", "RXA-MAT-01", "RXA", "")
    >>> after = apply_actions(inv, [a], as_of=datetime.date(2026, 11, 1))
    >>> bool(after.systems.set_index("system_id").at["RXA-MAT-01", "smb1"])
    False
    >>> bool(inv.systems.set_index("system_id").at["RXA-MAT-01", "smb1"])
    True
    """
    today = pd.Timestamp(as_of)
    t = {
        name: inventory.tables[name] for name in ("systems", "vulnerabilities", "flows", "backups")
    }
    changed: dict[str, pd.DataFrame] = {}

    def table(name: str, replace: pd.DataFrame | None = None) -> pd.DataFrame:
        if replace is not None:
            changed[name] = replace
        elif name not in changed:
            changed[name] = t[name].copy() if copy else t[name]
        return changed[name]

    for group in _runs(actions):
        kind = group[0].kind
        if kind in SYSTEM_ACTIONS:
            _apply_systems(kind, group, table, today, eol)
        elif kind == "segment_zone":
            for a in group:
                s = table("systems")
                s.loc[segment_members(s, a.subject_id, PHISHING_KINDS), "zone"] = (
                    a.subject_id + SEGMENT_SUFFIX
                )
        elif kind == "isolate_system":
            s = table("systems")
            for a in group:
                at = _rows(s, "system_id", [a])
                s.loc[at, "zone"] = isolated_zone(s.loc[at, "org_id"].iloc[0], a.subject_id)
        elif kind in FLOW_ACTIONS:
            _apply_flows(kind, group, table, today)
        elif kind in PAIR_ACTIONS:
            for a in group:
                between = pair_flows(inventory.with_tables(**changed), a.kind, [a.subject_id])
                subjects = pair_subjects(between, a.kind, today)
                apply_pairs(table("flows"), subjects[subjects == a.subject_id], a.kind, today)
        elif kind == "test_restore":
            b = table("backups")
            at = _rows(b, "backup_id", group)
            b.loc[at, "last_restore_test"] = today
            b.loc[at, "restore_result"] = "pass"
        elif kind == "add_isolated_backup":
            _add_isolated_backups(group, table, today, inventory)
        else:
            raise UsageError(
                f"unknown action kind {kind!r} in {group[0].action_id}: use one of "
                f"{', '.join(ACTION_KINDS)}."
            )
    return inventory.with_tables(**changed)


def _runs(actions: Iterable[Action]) -> list[list[Action]]:
    """Consecutive actions of one kind on different subjects, in order."""
    runs: list[list[Action]] = []
    subjects: set[str] = set()
    for a in actions:
        if runs and runs[-1][0].kind == a.kind and a.subject_id not in subjects:
            runs[-1].append(a)
        else:
            runs.append([a])
            subjects = set()
        subjects.add(a.subject_id)
    return runs


#: The id column of a table the planner changes in place, indexed once: (table, column)
#: -> (a weak reference to the table, the index). Ids never change in place (actions
#: change other columns; added rows make a new table), so the index stays right.
_ID_INDEX: dict[tuple[int, str], tuple[weakref.ref, pd.Index]] = {}


def _id_index(frame: pd.DataFrame, column: str) -> pd.Index | None:
    """The unique index of ``frame[column]`` (``None`` when ids repeat)."""
    key = (id(frame), column)
    held = _ID_INDEX.get(key)
    if held is None or held[0]() is not frame:
        index = pd.Index(frame[column].to_numpy(dtype=object))
        if not index.is_unique:
            return None
        if len(_ID_INDEX) > 64:
            _ID_INDEX.clear()
        held = _ID_INDEX[key] = (weakref.ref(frame), index)
    return held[1]


def _rows(frame: pd.DataFrame, column: str, group: list[Action]) -> pd.Series:
    """Mask of the rows the actions' subjects name (each must name at least one)."""
    ids = [a.subject_id for a in group]
    index = _id_index(frame, column) if len(frame) > 1000 else None
    if index is not None:  # a large table: find the rows, not scan the column
        at = index.get_indexer(ids)
        flags = np.zeros(len(frame), dtype=bool)
        flags[at[at >= 0]] = True
        mask = pd.Series(flags, index=frame.index)
    else:
        mask = frame[column] == ids[0] if len(ids) == 1 else frame[column].isin(ids)
    found = set(frame.loc[mask, column]) if len(ids) > 1 else set(ids[: int(mask.any())])
    for a in group:
        if a.subject_id not in found:
            raise UsageError(
                f"action {a.action_id}: no {column} {a.subject_id!r} in the inventory; "
                "generate actions from an analysis of this inventory."
            )
    return mask


def _apply_systems(
    kind: str, group: list[Action], table, today: pd.Timestamp, eol: EolTable | None
) -> None:
    s = table("systems")
    at = _rows(s, "system_id", group)
    if kind == "patch":
        v = table("vulnerabilities")
        ids = [a.subject_id for a in group]
        on = v["system_id"] == ids[0] if len(ids) == 1 else v["system_id"].isin(ids)
        hit = on & v["status"].isin(ACTIVE_STATUSES + ("mitigated",))
        v.loc[hit, "status"] = "fixed"
        s.loc[at, "last_patched"] = today
    elif kind == "upgrade_os":
        table_ = eol or bundled_eol()
        os_text = s.loc[at, "os"]
        target = {o: UPGRADE_TARGETS.get(table_.match(o).product) for o in set(os_text)}
        where = dict(zip(s.loc[at, "system_id"], os_text))
        for a in group:
            if target[where[a.subject_id]] is None:
                raise UsageError(
                    f"action {a.action_id}: no supported upgrade is known for "
                    f"{where[a.subject_id]!r}; leave it out of the plan."
                )
        s.loc[at, "os"] = os_text.map(target)
        if "os_cpe" in s.columns:
            s.loc[at, "os_cpe"] = ""  # the scanner's CPE described the old system
        s.loc[at, "last_patched"] = today
    elif kind == "enrol_esu":
        s.loc[at, "esu"] = True
    elif kind == "remove_exposure":
        s.loc[at, "internet_facing"] = False
    elif kind == "enforce_mfa":
        s.loc[at, "mfa"] = True
    elif kind == "add_waf":  # a virtual patch: the open vulnerabilities are mitigated
        v = table("vulnerabilities")
        ids = [a.subject_id for a in group]
        hit = v["system_id"].isin(ids) & v["status"].isin(ACTIVE_STATUSES)
        v.loc[hit, "status"] = "mitigated"
        v.loc[hit, "mitigation_ref"] = f"{WAF_REF}-" + v.loc[hit, "system_id"].astype(object)
        v.loc[hit, "mitigated_on"] = today
    elif kind == "disable_smb1":
        s.loc[at, "smb1"] = False


def _apply_flows(kind: str, group: list[Action], table, today: pd.Timestamp) -> None:
    f = table("flows")
    at = _rows(f, "flow_id", group)
    if kind == "encrypt_flow":
        f.loc[at, "encrypted"] = True
    elif kind == "secure_transport":
        f.loc[at, "transport"] = (
            f.loc[at, "transport"].map(SECURE_TRANSPORT).fillna(f.loc[at, "transport"])
        )
        f.loc[at, "encrypted"] = True
    elif kind == "pseudonymise_flow":
        f.loc[at, "identifiability"] = "pseudonymised"
    elif kind == "apply_opt_out":
        f.loc[at, "opt_out_applied"] = True


def vault_id(org_id: str) -> str:
    """The id of the immutable backup vault a plan adds for an organisation.

    >>> vault_id("RXA")
    'RXA-VAULT'
    """
    return org_id + VAULT_SUFFIX


def _add_isolated_backups(
    group: list[Action], table, today: pd.Timestamp, inventory: Inventory
) -> None:
    """Each subject gets a backup to its organisation's vault (the vault added if new)."""
    s = table("systems")
    at = _rows(s, "system_id", group)
    org_of = dict(zip(s.loc[at, "system_id"], s.loc[at, "org_id"]))
    present = set(s["system_id"])
    blank = {c: _blank(s[c]) for c in s.columns}
    vaults = {}
    for a in group:
        org = org_of[a.subject_id]
        vault = vault_id(org)
        if vault not in present and vault not in vaults:
            row = dict(blank)
            row.update(
                system_id=vault,
                name="Immutable backup vault (planned)",
                org_id=org,
                kind="backup_target",
                zone=f"{org}:vault",
                internet_facing=False,
                hosting="cloud",
                criticality="high",
                mfa=True,
                smb1=False,
            )
            vaults[vault] = row
    if vaults:
        table("systems", _append(s, list(vaults.values())))
    b = table("backups")
    subjects = {a.subject_id for a in group}
    rpo: dict[str, list[float]] = {}
    for systems, hours in zip(inventory.assets["system_id"], inventory.assets["rpo_hours"]):
        if pd.notna(hours):
            for sid in subjects.intersection(systems):
                rpo.setdefault(sid, []).append(hours)
    mine = b["source_system_id"].isin(subjects)
    frequency: dict[str, list[float]] = {}
    for sid, hours in zip(b.loc[mine, "source_system_id"], b.loc[mine, "frequency_hours"]):
        if pd.notna(hours):
            frequency.setdefault(sid, []).append(hours)
    existing = set(b["backup_id"])
    blank = {c: _blank(b[c]) for c in b.columns}
    rows = []
    for a in group:
        backup = f"{PLANNED}-BK-{a.subject_id}"
        if backup in existing:
            continue
        row = dict(blank)
        row.update(
            backup_id=backup,
            source_system_id=a.subject_id,
            target_system_id=vault_id(org_of[a.subject_id]),
            frequency_hours=float(
                min(
                    [
                        DEFAULT_BACKUP_HOURS,
                        *frequency.get(a.subject_id, ()),
                        *rpo.get(a.subject_id, ()),
                    ]
                )
            ),
            isolation="immutable",
            offsite=True,
            encrypted=True,
            last_restore_test=today,
            restore_result="pass",
        )  # commissioned with a test
        rows.append(row)
    if rows:
        table("backups", _append(b, rows))


def _blank(series: pd.Series) -> object:
    if series.dtype == object:
        return "" if not len(series) or isinstance(series.iloc[0], str) else ()
    return pd.NA if not pd.api.types.is_datetime64_any_dtype(series) else pd.NaT


def _append(frame: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    """The frame with more rows, each column keeping its dtype."""
    start = (int(frame.index.max()) + 1) if len(frame) else 2
    extra = pd.DataFrame(
        {c: pd.array([r[c] for r in rows], dtype=frame[c].dtype) for c in frame.columns},
        index=pd.Index(range(start, start + len(rows)), name=frame.index.name),
    )
    return pd.concat([frame, extra])
