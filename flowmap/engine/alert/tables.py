"""The tables of an :class:`~flowmap.engine.alert.impact.AlertImpact`, built from one
alert's verdicts and counterfactual."""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.engine.alert.counterfactual import Counterfactual
from flowmap.engine.alert.words import first_action
from flowmap.engine.analysis import Analysis

__all__ = [
    "ASSET_SUMMARY_COLUMNS",
    "COLUMNS",
    "asset_rows",
    "asset_summary",
    "contact",
    "org_rows",
    "path_rows",
    "system_rows",
]

COLUMNS = {
    "systems": [
        "rank", "org_id", "org_name", "system_id", "system_name", "kind", "os", "software",
        "verdict", "basis", "status", "evidence", "version", "internet_facing", "criticality",
        "eol_status", "likelihood", "likelihood_after", "reach", "reach_after", "assets",
        "records", "impact", "first_action",
    ],
    "assets": [
        "system_id", "system_org_id", "verdict", "asset_id", "asset_name", "org_id",
        "org_name", "how", "via", "records", "data_categories", "impact",
    ],
    "paths": [
        "asset_id", "asset_name", "org_id", "records", "impact", "probability_before",
        "probability_after", "risk_before", "risk_after", "entry_before", "entry_after",
        "path_before", "path_after", "path_before_ids", "path_after_ids",
    ],
    "organisations": [
        "org_id", "org_name", "sector", "contact_role", "contact_name", "contact_email",
        "affected", "internet_facing", "cannot_tell", "mitigated", "fixed", "records",
        "their_records_elsewhere",
    ],
}  # fmt: skip
#: How a copy of an asset is on a system, in words (``flowmap.engine.copies``' ``how``).
HOW = {
    "register": "held",
    "flow": "received by flow",
    "flow_source": "sent from it by flow",
    "backup": "backup copy",
}
#: Order verdicts are listed in.
VERDICT_ORDER = {"affected": 0, "mitigated": 1, "cannot tell": 2, "fixed": 3}
#: Order of evidence within a verdict: a scanner's record, then a versioned product match.
BASIS_ORDER = {"recorded": 0, "product": 1}
#: Who to contact about a cyber alert, in order of preference: (role, name col, email col).
CONTACTS = (
    ("Cyber security lead", "security_lead_name", "security_lead_email"),
    ("SIRO", "siro_name", "siro_email"),
    ("DPO", "dpo_name", "dpo_email"),
)


def contact(org: pd.Series) -> tuple[str, str, str]:
    """(role, name, email) of whom to tell first, or ('', the organisation's name, '').

    Examples
    --------
    >>> contact(pd.Series({"name": "Riverside", "siro_name": "Jo", "siro_email": "jo@x"}))
    ('SIRO', 'Jo', 'jo@x')
    >>> contact(pd.Series({"name": "Riverside"}))
    ('', 'Riverside', '')
    """
    for role, name_col, email_col in CONTACTS:
        name = _text(org.get(name_col))
        email = _text(org.get(email_col))
        if name or email:
            return role, name or role, email
    return "", _text(org.get("name")), ""


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _held(analysis: Analysis, system_ids: pd.Series) -> pd.DataFrame:
    """The copies on these systems with each asset's records and impact."""
    copies = analysis.copies
    on = copies[copies["system_id"].isin(set(system_ids))]
    a = analysis.assets.set_index("asset_id")
    out = on[["asset_id", "system_id", "how", "via"]].copy()
    out["records"] = (
        pd.to_numeric(a["records"], errors="coerce").reindex(out["asset_id"]).to_numpy()
    )
    out["impact"] = a["impact"].reindex(out["asset_id"]).to_numpy()
    return out


def system_rows(analysis: Analysis, listed: pd.DataFrame, after: Counterfactual) -> pd.DataFrame:
    """One row per listed system, most urgent first."""
    s = analysis.systems.set_index("system_id").reindex(listed["system_id"])
    orgs = analysis.inventory.organisations.set_index("org_id")["name"]
    held = _held(analysis, listed["system_id"]).drop_duplicates(["asset_id", "system_id"])
    per = held.groupby("system_id").agg(
        assets=("asset_id", "nunique"), records=("records", "sum"), impact=("impact", "sum")
    )
    ids = listed["system_id"].to_numpy()
    software = s["software"] if "software" in s else pd.Series([()] * len(s), index=s.index)
    out = pd.DataFrame(
        {
            "org_id": s["org_id"].to_numpy(),
            "org_name": s["org_id"].map(orgs).to_numpy(),
            "system_id": ids,
            "system_name": s["name"].to_numpy(),
            "kind": s["kind"].to_numpy(),
            "os": s["os"].fillna("").to_numpy(),
            "software": ["; ".join(v) if isinstance(v, tuple | list) else "" for v in software],
            "verdict": listed["verdict"].to_numpy(),
            "basis": listed["basis"].to_numpy(),
            "status": listed["status"].to_numpy(),
            "evidence": listed["evidence"].to_numpy(),
            "version": listed["version"].to_numpy(),
            "internet_facing": s["internet_facing"].fillna(False).astype(bool).to_numpy(),
            "criticality": s["criticality"].to_numpy(),
            "eol_status": s["eol_status"].to_numpy(),
            "likelihood": s["likelihood"].astype(float).round(4).to_numpy(),
            "likelihood_after": after.likelihood.reindex(ids).astype(float).round(4).to_numpy(),
            "reach": s["reach"].astype(float).to_numpy(),
            "reach_after": after.reach.reindex(ids).astype(float).to_numpy(),
            "assets": per["assets"].reindex(ids).fillna(0).astype(int).to_numpy(),
            "records": per["records"].reindex(ids).fillna(0).astype("int64").to_numpy(),
            "impact": per["impact"].reindex(ids).fillna(0.0).round(1).to_numpy(),
        }
    )
    fields = ["verdict", "basis", "internet_facing", "eol_status", "status"]
    out["first_action"] = [
        first_action(dict(zip(fields, values)))
        for values in zip(*(out[f].tolist() for f in fields))
    ]
    order = out["verdict"].map(VERDICT_ORDER).fillna(9)
    evidence = out["basis"].map(BASIS_ORDER).fillna(3)
    out = out.assign(_o=order, _e=evidence).sort_values(
        ["_o", "internet_facing", "_e", "impact", "likelihood_after", "system_id"],
        ascending=[True, False, True, False, False, True],
        kind="stable",
    )
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.drop(columns=["_o", "_e"]).reset_index(drop=True)[COLUMNS["systems"]]


def asset_rows(
    analysis: Analysis, listed: pd.DataFrame, *, every: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The assets on the listed systems: one row per system, asset and way it is there,
    the affected first, then by impact, asset and system. ``every`` is
    :func:`every_asset_row` of the analysis, when the caller has it already (an alert run
    over many alerts makes it once)."""
    if every is None:  # one alert: only its systems' rows
        every = every_asset_row(analysis, listed["system_id"])
    verdict = listed.set_index("system_id")["verdict"]
    out = every[every["system_id"].isin(set(listed["system_id"]))].copy()
    out["verdict"] = out["system_id"].map(verdict).to_numpy()
    # ``every`` is in impact, asset and system order: a stable sort on the verdict alone
    # gives the order of sorting on all four
    order = out["verdict"].map(VERDICT_ORDER).fillna(9).to_numpy()
    out = out.iloc[np.argsort(order, kind="stable")]
    return out.reset_index(drop=True)[COLUMNS["assets"]]


def every_asset_row(analysis: Analysis, system_ids: pd.Series | None = None) -> pd.DataFrame:
    """:func:`asset_rows`' rows for every system (or these), without verdicts, by impact
    (high first), asset and system: what an alert's asset table is cut from."""
    held = _held(analysis, analysis.copies["system_id"] if system_ids is None else system_ids)
    a = analysis.assets.set_index("asset_id")
    orgs = analysis.inventory.organisations.set_index("org_id")["name"]
    systems = analysis.systems.set_index("system_id")["org_id"]
    categories = a["data_categories"].map(
        lambda c: "; ".join(c) if isinstance(c, tuple | list) else ""
    )
    out = pd.DataFrame(
        {
            "system_id": held["system_id"].to_numpy(),
            "system_org_id": held["system_id"].map(systems).to_numpy(),
            "asset_id": held["asset_id"].to_numpy(),
            "asset_name": a["name"].reindex(held["asset_id"]).to_numpy(),
            "org_id": a["org_id"].reindex(held["asset_id"]).to_numpy(),
            "how": held["how"].map(HOW).fillna(held["how"]).to_numpy(),
            "via": held["via"].fillna("").to_numpy(),
            "records": held["records"].fillna(0).astype("int64").to_numpy(),
            "data_categories": categories.reindex(held["asset_id"]).fillna("").to_numpy(),
            "impact": held["impact"].astype(float).round(1).to_numpy(),
        }
    )
    out["org_name"] = out["org_id"].map(orgs)
    out = out.sort_values(
        ["impact", "asset_id", "system_id"], ascending=[False, True, True], kind="stable"
    )
    return out.reset_index(drop=True)


#: Columns of :func:`asset_summary` (``alert-assets.csv``): one row per alert and asset.
ASSET_SUMMARY_COLUMNS = [
    "alert_id", "asset_id", "asset_name", "org_id", "org_name", "records", "data_categories",
    "impact", "affected_systems", "affected_organisations", "on_affected",
    "cannot_tell_systems", "mitigated_systems", "fixed_systems", "affected_system_ids",
]  # fmt: skip


def asset_summary(assets: pd.DataFrame) -> pd.DataFrame:
    """One row per alert and information asset from :func:`asset_rows`' rows (one per
    system, asset and way it is there): how many affected systems hold or receive a copy,
    at how many organisations, how (``on_affected``: "held 1; received by flow 40"), how
    many listed systems cannot tell, are mitigated or fixed, and every affected system's
    id. Assets on the most affected systems first, then by impact and records.

    Examples
    --------
    >>> rows = pd.DataFrame({"alert_id": ["A"] * 3, "system_id": ["S1", "S2", "S3"],
    ...     "system_org_id": ["O1", "O2", "O2"],
    ...     "verdict": ["affected", "affected", "cannot tell"], "asset_id": ["IA1"] * 3,
    ...     "asset_name": ["Notes"] * 3, "org_id": ["O1"] * 3, "org_name": ["Trust"] * 3,
    ...     "how": ["held", "received by flow", "received by flow"], "via": ["", "F1", "F2"],
    ...     "records": [500] * 3, "data_categories": ["special_health"] * 3,
    ...     "impact": [80.0] * 3})
    >>> row = asset_summary(rows).iloc[0]
    >>> [int(row[c]) for c in ("affected_systems", "affected_organisations",
    ...                        "cannot_tell_systems")]
    [2, 2, 1]
    >>> row["on_affected"], row["affected_system_ids"]
    ('held 1; received by flow 1', 'S1; S2')
    """
    if assets.empty:
        return pd.DataFrame(columns=ASSET_SUMMARY_COLUMNS)
    keys = ["alert_id", "asset_id"] if "alert_id" in assets else ["asset_id"]
    first = assets.drop_duplicates(keys).set_index(keys)
    out = first[["asset_name", "org_id", "org_name", "records", "data_categories", "impact"]]
    out = out.copy()
    hit = assets[assets["verdict"] == "affected"]
    systems = hit.drop_duplicates([*keys, "system_id"]).sort_values(
        [*keys, "system_id"], kind="stable"
    )
    by = systems.groupby(keys, sort=False)
    out["affected_systems"] = by.size().reindex(out.index).fillna(0).astype(int)
    out["affected_organisations"] = (
        by["system_org_id"].nunique().reindex(out.index).fillna(0).astype(int)
    )
    how = hit.groupby([*keys, "how"], sort=True).size()
    words: dict[tuple, list[str]] = {}
    for key, n in how.items():
        words.setdefault(tuple(key[:-1]), []).append(f"{key[-1]} {int(n):,}")
    out["on_affected"] = ["; ".join(words.get(_key(k), [])) for k in out.index]
    listed = assets.drop_duplicates([*keys, "system_id"])
    for verdict, column in (
        ("cannot tell", "cannot_tell_systems"),
        ("mitigated", "mitigated_systems"),
        ("fixed", "fixed_systems"),
    ):
        n = listed[listed["verdict"] == verdict].groupby(keys).size()
        out[column] = n.reindex(out.index).fillna(0).astype(int)
    ids = by["system_id"].agg("; ".join)
    out["affected_system_ids"] = ids.reindex(out.index).fillna("")
    out = out.reset_index()
    if "alert_id" not in out:
        out.insert(0, "alert_id", "")
    return out.sort_values(
        ["alert_id", "affected_systems", "impact", "records", "asset_id"],
        ascending=[True, False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)[ASSET_SUMMARY_COLUMNS]


def _key(index_value: object) -> tuple:
    return index_value if isinstance(index_value, tuple) else (index_value,)


def path_rows(analysis: Analysis, after: Counterfactual) -> pd.DataFrame:
    """Assets whose most likely attack path changes, largest rise in risk first."""
    before = analysis.attack_paths.set_index("asset_id")
    now = after.paths.set_index("asset_id").reindex(before.index)
    changed = (now["probability"] - before["probability"]).abs().gt(1e-9) | (
        now["path"] != before["path"]
    )
    b, n = before[changed], now[changed]
    records = pd.to_numeric(analysis.assets.set_index("asset_id")["records"], errors="coerce")
    out = pd.DataFrame(
        {
            "asset_id": b.index.to_numpy(),
            "asset_name": b["asset_name"].to_numpy(),
            "org_id": b["org_id"].to_numpy(),
            "records": records.reindex(b.index).fillna(0).astype("int64").to_numpy(),
            "impact": b["impact"].astype(float).to_numpy(),
            "probability_before": b["probability"].astype(float).to_numpy(),
            "probability_after": n["probability"].astype(float).to_numpy(),
            "risk_before": b["risk"].astype(float).to_numpy(),
            "risk_after": n["risk"].astype(float).to_numpy(),
            "entry_before": b["entry_system_id"].to_numpy(),
            "entry_after": n["entry_system_id"].to_numpy(),
            "path_before": b["path"].to_numpy(),
            "path_after": n["path"].to_numpy(),
            "path_before_ids": [_ids(v) for v in b["steps"]],
            "path_after_ids": [_ids(v) for v in n["steps"]],
        }
    )
    rise = out["risk_after"] - out["risk_before"]
    return (
        out.assign(_r=rise)
        .sort_values(["_r", "asset_id"], ascending=[False, True], kind="stable")
        .drop(columns="_r")
        .reset_index(drop=True)
    )


def _ids(steps: object) -> tuple[str, ...]:
    """The system ids of a path's steps (:func:`flowmap.engine.paths.asset_paths`)."""
    if not isinstance(steps, list | tuple):
        return ()
    return tuple(str(s["system_id"]) for s in steps)


def org_rows(analysis: Analysis, systems: pd.DataFrame, assets: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation with listed systems or data on affected systems."""
    orgs = analysis.inventory.organisations.set_index("org_id")
    hit = assets[assets["verdict"] == "affected"].drop_duplicates(["asset_id", "system_id"])
    involved = pd.Index(list(dict.fromkeys([*systems["org_id"], *hit["org_id"]])))
    verdicts = (
        pd.crosstab(systems["org_id"], systems["verdict"])
        if len(systems)
        else pd.DataFrame(index=pd.Index([], name="org_id"))
    )
    count = verdicts.reindex(index=involved, columns=list(VERDICT_ORDER), fill_value=0)
    exposed = systems[systems["internet_facing"] & (systems["verdict"] == "affected")]
    facing = exposed.groupby("org_id").size()
    own = hit.drop_duplicates(["system_org_id", "asset_id"])
    records = own.groupby("system_org_id")["records"].sum()
    away = hit[hit["org_id"] != hit["system_org_id"]].drop_duplicates(["org_id", "asset_id"])
    elsewhere = away.groupby("org_id")["records"].sum()
    info = orgs.reindex(involved)
    contacts = [contact(row) for _, row in info.iterrows()]
    out = pd.DataFrame(
        {
            "org_id": involved,
            "org_name": [_text(n) or o for n, o in zip(info["name"], involved)],
            "sector": [_text(v) for v in info["sector"]],
            "contact_role": [c[0] for c in contacts],
            "contact_name": [c[1] or o for c, o in zip(contacts, involved)],
            "contact_email": [c[2] for c in contacts],
            "affected": count["affected"].to_numpy(),
            "internet_facing": facing.reindex(involved).fillna(0).astype(int).to_numpy(),
            "cannot_tell": count["cannot tell"].to_numpy(),
            "mitigated": count["mitigated"].to_numpy(),
            "fixed": count["fixed"].to_numpy(),
            "records": records.reindex(involved).fillna(0).astype("int64").to_numpy(),
            "their_records_elsewhere": elsewhere.reindex(involved)
            .fillna(0)
            .astype("int64")
            .to_numpy(),
        },
        columns=COLUMNS["organisations"],
    )
    return out.sort_values(
        ["affected", "internet_facing", "records", "cannot_tell", "org_id"],
        ascending=[False, False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)
