"""Apply actions to an inventory: the counterfactual world in which they were done.

:func:`apply_actions` returns a changed copy (the input is never changed); the
planner's evaluator and :func:`flowmap.planning.full_risk` analyse it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from flowmap.engine.likelihood import ACTIVE_STATUSES
from flowmap.errors import UsageError
from flowmap.inventory.model import Inventory
from flowmap.inventory.schema import ACTION_KINDS  # every action kind, in candidate order
from flowmap.planning.actions import (
    BACKUP_ACTIONS,
    DEFAULT_BACKUP_HOURS,
    DSA_YEARS,
    FLOW_ACTIONS,
    PHISHING_KINDS,
    PLANNED,
    SECURE_TRANSPORT,
    SEGMENT_SUFFIX,
    SYSTEM_ACTIONS,
    UPGRADE_TARGETS,
    VAULT_SUFFIX,
    Action,
    segment_members,
)
from flowmap.reference.bundle import bundled_eol
from flowmap.reference.eol import EolTable


def apply_actions(
    inventory: Inventory, actions: Iterable[Action], *, as_of: dt.date, eol: EolTable | None = None
) -> Inventory:
    """A copy of the inventory with every action applied (the input is not changed).

    ``eol`` is the end-of-life table that names the product an ``upgrade_os`` action
    upgrades (default the bundled one; the planner passes its analysis's table).

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
    actions = list(actions)
    today = pd.Timestamp(as_of)
    t = {
        name: inventory.tables[name] for name in ("systems", "vulnerabilities", "flows", "backups")
    }
    changed: dict[str, pd.DataFrame] = {}

    def table(name: str, replace: pd.DataFrame | None = None) -> pd.DataFrame:
        if replace is not None:
            changed[name] = replace
        elif name not in changed:
            changed[name] = t[name].copy()
        return changed[name]

    for a in actions:
        if a.kind in SYSTEM_ACTIONS:
            _apply_system(a, table, today, eol)
        elif a.kind == "segment_zone":
            s = table("systems")
            s.loc[segment_members(s, a.subject_id, PHISHING_KINDS), "zone"] = (
                a.subject_id + SEGMENT_SUFFIX
            )
        elif a.kind in FLOW_ACTIONS:
            _apply_flow(a, table, today)
        elif a.kind in BACKUP_ACTIONS:
            _apply_backup(a, table, today, inventory)
        else:
            raise UsageError(
                f"unknown action kind {a.kind!r} in {a.action_id}: use one of "
                f"{', '.join(ACTION_KINDS)}."
            )
    return inventory.with_tables(**changed)


def _row(frame: pd.DataFrame, column: str, value: str, action: Action) -> pd.Series:
    mask = frame[column] == value
    if not mask.any():
        raise UsageError(
            f"action {action.action_id}: no {column} {value!r} in the inventory; "
            "generate actions from an analysis of this inventory."
        )
    return mask


def _apply_system(a: Action, table, today: pd.Timestamp, eol: EolTable | None) -> None:
    s = table("systems")
    at = _row(s, "system_id", a.subject_id, a)
    if a.kind == "patch":
        v = table("vulnerabilities")
        hit = (v["system_id"] == a.subject_id) & v["status"].isin(ACTIVE_STATUSES + ("mitigated",))
        v.loc[hit, "status"] = "fixed"
        s.loc[at, "last_patched"] = today
    elif a.kind == "upgrade_os":
        product = (eol or bundled_eol()).match(s.loc[at, "os"].iloc[0]).product
        if product not in UPGRADE_TARGETS:
            raise UsageError(
                f"action {a.action_id}: no supported upgrade is known for "
                f"{s.loc[at, 'os'].iloc[0]!r}; leave it out of the plan."
            )
        s.loc[at, "os"] = UPGRADE_TARGETS[product]
        if "os_cpe" in s.columns:
            s.loc[at, "os_cpe"] = ""  # the scanner's CPE described the old system
        s.loc[at, "last_patched"] = today
    elif a.kind == "enrol_esu":
        s.loc[at, "esu"] = True
    elif a.kind == "remove_exposure":
        s.loc[at, "internet_facing"] = False
    elif a.kind == "enforce_mfa":
        s.loc[at, "mfa"] = True
    elif a.kind == "disable_smb1":
        s.loc[at, "smb1"] = False


def _apply_flow(a: Action, table, today: pd.Timestamp) -> None:
    f = table("flows")
    at = _row(f, "flow_id", a.subject_id, a)
    if a.kind == "encrypt_flow":
        f.loc[at, "encrypted"] = True
    elif a.kind == "secure_transport":
        f.loc[at, "transport"] = (
            f.loc[at, "transport"].map(SECURE_TRANSPORT).fillna(f.loc[at, "transport"])
        )
        f.loc[at, "encrypted"] = True
    elif a.kind == "put_dsa":
        f.loc[at, "dsa_ref"] = f"{PLANNED}-DSA-{a.subject_id}"
        f.loc[at, "dsa_expires"] = today + pd.DateOffset(years=DSA_YEARS)
    elif a.kind == "pseudonymise_flow":
        f.loc[at, "identifiability"] = "pseudonymised"
    elif a.kind == "apply_opt_out":
        f.loc[at, "opt_out_applied"] = True


def vault_id(org_id: str) -> str:
    """The id of the immutable backup vault a plan adds for an organisation.

    >>> vault_id("RXA")
    'RXA-VAULT'
    """
    return org_id + VAULT_SUFFIX


def _apply_backup(a: Action, table, today: pd.Timestamp, inventory: Inventory) -> None:
    b = table("backups")
    if a.kind == "test_restore":
        at = _row(b, "backup_id", a.subject_id, a)
        b.loc[at, "last_restore_test"] = today
        b.loc[at, "restore_result"] = "pass"
        return
    s = table("systems")
    src = s[_row(s, "system_id", a.subject_id, a)].iloc[0]
    vault = vault_id(src["org_id"])
    if not (s["system_id"] == vault).any():
        row = {c: _blank(s[c]) for c in s.columns}
        row.update(
            system_id=vault,
            name="Immutable backup vault (planned)",
            org_id=src["org_id"],
            kind="backup_target",
            zone=f"{src['org_id']}:vault",
            internet_facing=False,
            hosting="cloud",
            criticality="high",
            mfa=True,
            smb1=False,
        )
        s = table("systems", _append(s, row))
    assets = inventory.assets
    held = assets[assets["system_id"].map(lambda ids: a.subject_id in ids)]
    hours = [
        DEFAULT_BACKUP_HOURS,
        *b.loc[b["source_system_id"] == a.subject_id, "frequency_hours"].dropna(),
        *held["rpo_hours"].dropna(),
    ]
    row = {c: _blank(b[c]) for c in b.columns}
    row.update(
        backup_id=f"{PLANNED}-BK-{a.subject_id}",
        source_system_id=a.subject_id,
        target_system_id=vault,
        frequency_hours=float(min(hours)),
        isolation="immutable",
        offsite=True,
        encrypted=True,
        last_restore_test=today,
        restore_result="pass",
    )  # commissioned with a test
    if (b["backup_id"] == row["backup_id"]).any():
        return
    table("backups", _append(b, row))


def _blank(series: pd.Series) -> object:
    if series.dtype == object:
        return "" if not len(series) or isinstance(series.iloc[0], str) else ()
    return pd.NA if not pd.api.types.is_datetime64_any_dtype(series) else pd.NaT


def _append(frame: pd.DataFrame, row: dict) -> pd.DataFrame:
    """The frame with one more row, each column keeping its dtype."""
    index = (int(frame.index.max()) + 1) if len(frame) else 2
    extra = pd.DataFrame(
        {c: pd.array([row[c]], dtype=frame[c].dtype) for c in frame.columns},
        index=pd.Index([index], name=frame.index.name),
    )
    return pd.concat([frame, extra])
