"""Path and copy rules: the most likely attack path to an asset, and exposed copies."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from flowmap.engine.problems import per_path_entry, per_subject
from flowmap.engine.rules.base import Rule, RuleContext, hits, row_dicts
from flowmap.engine.rules.text import fill, text, when

WEAK_STATUSES = ("EOL_OS", "KEV_OPEN", "PATCH_OVERDUE")


def _attack_path(ctx: RuleContext) -> pd.DataFrame:
    p = ctx.paths
    p = p[(p["risk"] >= ctx.settings.path_risk_threshold) & (p["probability"] > 0)]
    records = p["asset_id"].map(ctx.assets.set_index("asset_id")["records"])
    return hits(
        p,
        subject="asset_id",
        org="org_id",
        message=fill(
            p,
            "An attacker entering at {entry_system_id} ({entry_kind}) could "
            "reach {asset_name} ({asset_id}{records}) on {target_system_id} in "
            "{hops} step{s} with probability {probability:.0%}: {path}.",
            records=when(
                records.notna(),
                fill(None, ", {n:,} records", n=records.fillna(0).astype("int64")),
                "",
            ),
            s=when(p["hops"] == 1, "", "s"),
        ),
        evidence={
            "asset_id": p["asset_id"].tolist(),
            "path": [[s["system_id"] for s in steps] for steps in p["steps"].tolist()],
            "steps": p["steps"].tolist(),
            "probability": p["probability"].tolist(),
            "impact": p["impact"].tolist(),
            "risk": p["risk"].tolist(),
        },
        score=p["risk"].to_numpy(),
    )


def weak_copies(ctx: RuleContext) -> pd.DataFrame:
    """Copies of identifiable special-category data on systems with a weakness."""
    s = ctx.systems
    weak = s[(s["eol_status"] == "eol") | (s["open_kev"] > 0) | (s["overdue_patches"] > 0)]
    flags = zip(
        (weak["eol_status"] == "eol").tolist(),
        (weak["open_kev"] > 0).tolist(),
        (weak["overdue_patches"] > 0).tolist(),
    )  # in WEAK_STATUSES order
    why = np.fromiter(
        ([name for name, on in zip(WEAK_STATUSES, row) if on] for row in flags),
        dtype=object,
        count=len(weak),
    )
    a = ctx.assets
    sensitive = a.loc[
        a["special_category"] & (a["identifiability"] == "identifiable"), ["asset_id"]
    ]
    copies = ctx.copies
    system = pd.Index(weak["system_id"]).get_indexer(copies["system_id"])  # -1: not weak
    rows = np.flatnonzero(system >= 0)
    if sensitive["asset_id"].is_unique:  # as validation ensures: a filter does
        rows = rows[copies["asset_id"].iloc[rows].isin(sensitive["asset_id"]).to_numpy()]
        c = copies.take(rows).reset_index(drop=True)
    else:  # each copy once per asset row, as a join gives
        c = copies.take(rows).assign(_row=rows).merge(sensitive, on="asset_id")
        rows = c.pop("_row").to_numpy()
    c["weaknesses"] = why[system[rows]]
    c["system_org_id"] = weak["org_id"].to_numpy(dtype=object)[system[rows]]
    return c


#: What the evidence records about each exposed copy, and the columns it comes from.
COPY_FIELDS = {
    "system_id": "system_id",
    "org_id": "system_org_id",
    "how": "how",
    "route": "route",
    "weaknesses": "weaknesses",
}


def _sensitive_copy_exposed(ctx: RuleContext) -> pd.DataFrame:
    c = weak_copies(ctx)
    if c.empty:
        return hits(c, subject="asset_id", org="asset_id", message=[], evidence=[])
    a = ctx.assets.set_index("asset_id")
    c = c[["asset_id", "hops", *COPY_FIELDS.values()]].sort_values(
        ["asset_id", "hops", "system_id"], kind="stable"
    )
    # One finding per asset: c is sorted by asset, so each asset's copies are a run of rows.
    ids = c["asset_id"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    ends = np.r_[starts[1:], len(ids)]
    count = ends - starts
    copies = row_dicts(tuple(COPY_FIELDS))(
        zip(*(c[column].to_numpy(dtype=object) for column in COPY_FIELDS.values()))
    )
    grouped = pd.DataFrame(
        {"asset_id": ids[starts], "copies": [copies[i:j] for i, j in zip(starts, ends)]}
    )
    grouped["org_id"] = grouped["asset_id"].map(a["org_id"])
    grouped["name"] = grouped["asset_id"].map(a["name"])
    partner = c["system_org_id"].to_numpy(dtype=object) != np.repeat(
        grouped["org_id"].to_numpy(dtype=object), count
    )
    elsewhere = np.logical_or.reduceat(partner, starts)
    named = c[np.arange(len(c)) - np.repeat(starts, count) < 5]  # the 5 a message names
    shown = fill(
        named,
        "{system_id} ({system_org_id}, {weaknesses})",
        weaknesses=text([", ".join(w) for w in named["weaknesses"]]),
    )
    shown_starts = np.r_[0, np.cumsum(np.minimum(count, 5))]
    return hits(
        grouped,
        subject="asset_id",
        org="org_id",
        message=fill(
            grouped,
            "{name} ({asset_id}), identifiable special category data, "
            "has a copy on {count} weak system{s}: {shown}{more}{partners}",
            count=text(count.tolist()),
            s=when(count == 1, "", "s"),
            shown=text(["; ".join(shown[i:j]) for i, j in itertools.pairwise(shown_starts)]),
            more=when(count > 5, " ...", ""),
            partners=when(elsewhere, ". Some copies sit with partner organisations.", "."),
        ),
        evidence={"asset_id": grouped["asset_id"].tolist(), "copies": grouped["copies"].tolist()},
        score=75 + 10 * elsewhere,
    )


RULES = (
    Rule(
        id="ATTACK_PATH",
        title="Likely attack path to sensitive data",
        subject_type="asset",
        score=0,
        remediation=(
            "Break the path at its cheapest point: patch or isolate the entry point, "
            "segment the "
            "zone it crosses, or secure the flow it rides on (see `flowmap plan`)."
        ),
        references=("CAF B4.d", "CAF B2.c", "NCSC: preventing lateral movement"),
        caf="B4.d",
        problem=per_path_entry("attack-path"),
        evaluate=_attack_path,
    ),
    Rule(
        id="SENSITIVE_COPY_EXPOSED",
        title="Sensitive data copy on a weak system",
        subject_type="asset",
        score=75,
        remediation=(
            "Fix the weak system holding the copy, or stop the flow that puts the data "
            "there and "
            "delete the copy."
        ),
        references=("UK GDPR Art 32", "CAF B3.a", "CAF B4.d"),
        caf="B3.a",
        problem=per_subject("exposed-copies"),
        evaluate=_sensitive_copy_exposed,
    ),
)
