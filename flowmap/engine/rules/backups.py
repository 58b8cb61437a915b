"""Backup rules, judged per asset over the systems the register holds it on.

NHS England's backup guidance asks for at least one copy that ransomware cannot reach
(offline or immutable), restores that are tested, and a backup interval that meets
the asset's recovery point objective.
"""

from __future__ import annotations

import pandas as pd

from flowmap.engine.problems import per_systems
from flowmap.engine.rules.base import Rule, RuleContext, hits
from flowmap.engine.rules.text import Text, fill, text

NOT_BACKED_UP_KINDS = frozenset({"paper_store", "backup_target"})
#: Systems a supplier runs: the supplier backs them up, and the customer needs evidence.
ISOLATED = frozenset({"offline", "immutable"})
#: An asset's findings are grouped by these columns.
ASSET_KEYS = ["asset_id", "name", "org_id"]
REFS = (
    "NHS England backup guidance (offline / immutable copies)",
    "CAF B5.c",
    "DSPT Standard 7 (continuity planning)",
)


def backup_status(ctx: RuleContext) -> pd.DataFrame:
    """One row per (asset, register system) with what its backups achieve (computed once)."""
    if "backup_status" not in ctx.cache:
        ctx.cache["backup_status"] = _backup_status(ctx)
    return ctx.cache["backup_status"]


def _backup_status(ctx: RuleContext) -> pd.DataFrame:
    assets, systems, backups = ctx.assets, ctx.systems, ctx.inventory.backups
    pairs = (
        assets[["asset_id", "name", "org_id", "system_id", "essential", "rpo_hours"]]
        .explode("system_id")
        .dropna(subset=["system_id"])
    )
    # the register's systems (as an inner join on system_id would, a few times faster)
    at = pd.Index(systems["system_id"]).get_indexer(pairs["system_id"])
    pairs = pairs[at >= 0].reset_index(drop=True)
    for column, name in (
        ("kind", "kind"),
        ("zone", "system_zone"),
        ("criticality", "criticality"),
        ("hosting", "hosting"),
        ("supplier_org_id", "supplier_org_id"),
    ):
        pairs[name] = systems[column].iloc[at[at >= 0]].set_axis(pairs.index)
    pairs = pairs[~pairs["kind"].isin(NOT_BACKED_UP_KINDS)]
    pairs["supplier_run"] = supplier_run(pairs)
    zone = systems.set_index("system_id")["zone"]
    b = backups.assign(
        source_zone=backups["source_system_id"].map(zone),
        target_zone=backups["target_system_id"].map(zone),
    )
    b["isolated"] = b["isolation"].isin(ISOLATED)
    recent = ctx.today - pd.DateOffset(months=ctx.settings.restore_test_months)
    b["tested"] = (b["restore_result"] == "pass") & (b["last_restore_test"] >= recent)
    b["shared_fate"] = ~b["isolated"] & (
        (b["source_system_id"] == b["target_system_id"]) | (b["source_zone"] == b["target_zone"])
    )
    by_system = b.groupby("source_system_id")  # one aggregate at a time is faster
    per_system = pd.DataFrame(
        {
            "backups": by_system["backup_id"].count(),
            "isolated": by_system["isolated"].any(),
            "tested": by_system["tested"].any(),
            "min_frequency_hours": by_system["frequency_hours"].min(),
        }
    )
    out = pairs.merge(per_system, left_on="system_id", right_index=True, how="left")
    out["backups"] = out["backups"].fillna(0).astype(int)
    out["isolated"] = out["isolated"].astype("boolean").fillna(False).astype(bool)
    out["tested"] = out["tested"].astype("boolean").fillna(False).astype(bool)
    shared: dict[object, list] = {}
    for system, backup in zip(
        b.loc[b["shared_fate"], "source_system_id"], b.loc[b["shared_fate"], "backup_id"]
    ):
        shared.setdefault(system, []).append(backup)
    out["shared_fate"] = [sorted(shared.get(system, ())) for system in out["system_id"]]
    # each asset's number in (asset_id, name, org_id) order, -1 if one is missing: grouping
    # by it is grouping by the three columns, at a fraction of the cost
    out["asset_group"] = out.groupby(ASSET_KEYS, sort=True).ngroup()
    return out


def _per_asset(status: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """One row per asset: its systems, backups, shared-fate copies, backup interval and RPO."""
    bad = status[mask & (status["asset_group"] >= 0)]
    grouped = bad.groupby("asset_group", sort=True)  # one aggregate at a time is faster
    out = grouped[ASSET_KEYS].first()
    out["backups"] = grouped["backups"].sum()
    out["frequency"] = grouped["min_frequency_hours"].min()
    out["rpo"] = grouped["rpo_hours"].min()
    out["essential"] = grouped["essential"].first()
    out = out.reset_index(drop=True)
    systems: list[set] = [set() for _ in range(len(out))]
    shared: list[set] = [set() for _ in range(len(out))]
    for group, system, backups in zip(
        grouped.ngroup().tolist(), bad["system_id"].tolist(), bad["shared_fate"].tolist()
    ):
        systems[group].add(system)
        shared[group].update(backups)
    out["systems"] = [sorted(ids) for ids in systems]
    out["shared"] = [sorted(ids) for ids in shared]
    return out


def _on_systems(found: pd.DataFrame, problem: str) -> Text:
    return fill(
        found,
        "{name} ({asset_id}) on {systems}: {problem}",
        problem=problem,
        systems=text([", ".join(ids) for ids in found["systems"]]),
    )


def supplier_run(systems: pd.DataFrame) -> pd.Series:
    """Systems a supplier runs for the organisation: SaaS (Microsoft 365, a hosted GP
    clinical system) and systems a named supplier hosts (``third_party`` hosting with a
    ``supplier_org_id``). The supplier takes the backups; the customer needs evidence.

    >>> supplier_run(pd.DataFrame({"kind": ["saas", "server", "server"],
    ...     "hosting": ["cloud", "third_party", "third_party"],
    ...     "supplier_org_id": ["", "SUP01", ""]})).tolist()
    [True, True, False]
    """
    hosted = (systems["hosting"] == "third_party") & (systems["supplier_org_id"] != "")
    return (systems["kind"] == "saas") | hosted


def _needs_backup(s: pd.DataFrame) -> pd.Series:
    return ((s["essential"] == True) | (s["criticality"] == "critical")).fillna(False)  # noqa: E712


def _missing(ctx: RuleContext) -> pd.DataFrame:
    s = backup_status(ctx)
    found = _per_asset(s, _needs_backup(s) & (s["backups"] == 0) & ~s["supplier_run"])
    return hits(
        found,
        subject="asset_id",
        org="org_id",
        message=_on_systems(
            found, "no backup is recorded for an essential asset or critical system."
        ),
        evidence=["asset_id", "systems", "essential"],
    )


def _supplier_evidence(ctx: RuleContext) -> pd.DataFrame:
    s = backup_status(ctx)
    found = _per_asset(s, _needs_backup(s) & (s["backups"] == 0) & s["supplier_run"])
    return hits(
        found,
        subject="asset_id",
        org="org_id",
        message=_on_systems(
            found,
            "a supplier runs the system and takes its backups, but no evidence of them is "
            "recorded: ask for the contract's backup and restore terms (frequency, an "
            "offline or immutable copy, restore tests, how fast they restore) and record "
            "them as a backup row.",
        ),
        evidence=["asset_id", "systems", "essential"],
    )


def _not_isolated(ctx: RuleContext) -> pd.DataFrame:
    s = backup_status(ctx)
    found = _per_asset(s, (s["backups"] > 0) & ~s["isolated"])
    return hits(
        found,
        subject="asset_id",
        org="org_id",
        message=_on_systems(
            found,
            "no backup copy is offline or immutable, so "
            "ransomware that encrypts the system can encrypt its "
            "backups too.",
        ),
        evidence=["asset_id", "systems", "backups"],
    )


def _restore_untested(ctx: RuleContext) -> pd.DataFrame:
    s = backup_status(ctx)
    months = ctx.settings.restore_test_months
    found = _per_asset(s, (s["backups"] > 0) & ~s["tested"])
    return hits(
        found,
        subject="asset_id",
        org="org_id",
        message=_on_systems(
            found, f"no restore has been tested successfully in the last {months} months."
        ),
        evidence=["asset_id", "systems", "backups"],
    )


def _shared_fate(ctx: RuleContext) -> pd.DataFrame:
    s = backup_status(ctx)
    found = _per_asset(s, s["shared_fate"].map(len) > 0)
    return hits(
        found,
        subject="asset_id",
        org="org_id",
        message=fill(
            found,
            "{name} ({asset_id}): backup {shared} lives in the same "
            "network zone or on the same system as the original, so "
            "ransomware that reaches one reaches both.",
            shared=text([", ".join(ids) for ids in found["shared"]]),
        ),
        evidence=["asset_id", "systems", "shared"],
    )


def _rpo_gap(ctx: RuleContext) -> pd.DataFrame:
    s = backup_status(ctx)
    gap = (s["min_frequency_hours"] > s["rpo_hours"]).fillna(False)
    found = _per_asset(s, gap)
    return hits(
        found,
        subject="asset_id",
        org="org_id",
        message=fill(
            found,
            "{name} ({asset_id}) is backed up every {frequency:g} hours "
            "but may lose at most {rpo:g} hours of data (its RPO).",
        ),
        evidence=["asset_id", "systems", "frequency", "rpo"],
    )


SUPPLIER_EVIDENCE = Rule(
    id="BACKUP_SUPPLIER_EVIDENCE",
    title="No evidence of a supplier's backups",
    subject_type="asset",
    score=40,
    remediation=(
        "Obtain the supplier's backup and restore terms (in the contract or a statement of "
        "service) and evidence of a recent restore test, and record them in the backups "
        "table; escalate through contract management if the terms fall short."
    ),
    references=(*REFS, "CAF A4.a (supply chain)", "DSPT Standard 10 (accountable suppliers)"),
    caf="A4.a",
    problem=per_systems("backup"),
    evaluate=_supplier_evidence,
)

RULES = (
    Rule(
        id="BACKUP_MISSING",
        title="Essential data or critical system without a backup",
        subject_type="asset",
        score=75,
        remediation="Back the system up, with at least one offline or immutable copy.",
        references=REFS,
        caf="B5.c",
        problem=per_systems("backup"),
        evaluate=_missing,
    ),
    SUPPLIER_EVIDENCE,
    Rule(
        id="BACKUP_NOT_ISOLATED",
        title="No offline or immutable backup",
        subject_type="asset",
        score=65,
        remediation="Add an offline or immutable copy (air-gapped, or object lock / WORM storage).",
        references=REFS,
        caf="B5.c",
        problem=per_systems("backup"),
        evaluate=_not_isolated,
    ),
    Rule(
        id="BACKUP_RESTORE_UNTESTED",
        title="Restore not tested in 12 months",
        subject_type="asset",
        score=50,
        remediation="Test a full restore, record the date and result, and fix what failed.",
        references=REFS,
        caf="B5.a",
        problem=per_systems("restore-test"),
        evaluate=_restore_untested,
    ),
    Rule(
        id="BACKUP_SHARED_FATE",
        title="Backup shares fate with the original",
        subject_type="asset",
        score=55,
        remediation="Keep the copy in a separate zone or site, or make it offline or immutable.",
        references=REFS,
        caf="B5.c",
        problem=per_systems("backup"),
        evaluate=_shared_fate,
    ),
    Rule(
        id="BACKUP_RPO_GAP",
        title="Backups less frequent than the recovery point objective",
        subject_type="asset",
        score=45,
        remediation=(
            "Back up at least as often as the RPO, or agree a longer RPO with the asset owner."
        ),
        references=REFS,
        caf="B5.a",
        problem=per_systems("backup-frequency"),
        evaluate=_rpo_gap,
    ),
)
