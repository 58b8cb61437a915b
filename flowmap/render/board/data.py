"""Where sensitive data lives, and whether it would survive ransomware."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowmap.engine.figures import BACKUP_GAP_RULES
from flowmap.render import fmt
from flowmap.render.board._html import Chip
from flowmap.render.board.load import scoped
from flowmap.render.board.risks import org_names
from flowmap.render.board.table import Table

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Backup rules shown in the resilience table, in order.
BACKUP_RULES = BACKUP_GAP_RULES + ("BACKUP_SHARED_FATE", "BACKUP_RPO_GAP")
#: Operating-system support status in words.
SUPPORT_WORDS = {
    "eol": "unsupported",
    "eol_extended": "on paid extended support",
    "eol_soon": "support ending within a year",
    "supported": "supported",
    "unknown": "support unknown",
    "not_applicable": "",
}
OTHER_GAPS = {
    "BACKUP_SHARED_FATE": "an online backup shares the original's system or network zone",
    "BACKUP_RPO_GAP": "backups are less frequent than the recovery point objective",
}


def _listed(values: list[str], limit: int = 2) -> str:
    """``a, b, c and 4 more``."""
    values = list(dict.fromkeys(v for v in values if v))
    if len(values) <= limit:
        return ", ".join(values)
    return f"{', '.join(values[:limit])} and {len(values) - limit} more"


def sensitive_copies(analysis: Analysis, org: str | None = None, n: int = 15) -> Table:
    """Where each identifiable special-category asset's copies live, most exposed first."""
    a = scoped(analysis.assets, org)
    a = a[a["special_category"].fillna(False).astype(bool)]
    a = a[a["identifiability"] == "identifiable"]
    a = a.sort_values(["exposure", "impact", "asset_id"], ascending=[False, False, True])
    total = len(a)
    a = a.head(n)
    names = org_names(analysis)
    c = analysis.copies[analysis.copies["asset_id"].isin(a["asset_id"])]
    c = c.sort_values(["likelihood", "system_id"], ascending=[False, True], kind="stable")
    weakest = c.drop_duplicates("asset_id").set_index("asset_id")
    copies = c.groupby("asset_id").size()
    holders = c.assign(org=c["org_id"].map(names).fillna(c["org_id"])).groupby("asset_id")["org"]
    held_at = holders.agg(lambda s: _listed(list(s)))
    held_n = holders.nunique()
    rows = []
    for r in a.itertuples(index=False):
        w = weakest.loc[r.asset_id] if r.asset_id in weakest.index else None
        if w is not None:
            support = SUPPORT_WORDS.get(str(w["eol_status"]), str(w["eol_status"]))
            weak = (
                f"{w['system_name']} at {names.get(w['org_id'], w['org_id'])}: "
                f"{fmt.pct(w['likelihood'])} chance of compromise"
                + (f", {support}" if support else "")
            )
        else:
            weak = "no copy recorded"
        rows.append(
            {
                "Information asset": r.name,
                "Owner organisation": names.get(r.org_id, r.org_id),
                "Records": fmt.count(r.records) if pd.notna(r.records) else "unknown",
                "Copies": fmt.count(copies.get(r.asset_id, 0)),
                "Held at": f"{held_n.get(r.asset_id, 0)}: {held_at.get(r.asset_id, '')}",
                "Weakest copy": weak,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "Information asset",
            "Owner organisation",
            "Records",
            "Copies",
            "Held at",
            "Weakest copy",
        ],
    )
    note = f"The {n} most exposed of {total:,} such assets." if total > n else ""
    return Table(
        frame,
        id="fm-sensitive-copies",
        numeric=["Records", "Copies"],
        note=note,
        empty="No identifiable special category data is recorded.",
    )


def backup_resilience(analysis: Analysis, org: str | None = None, n: int = 20) -> Table:
    """Essential assets and assets with a backup finding: which backup checks each fails.

    An asset with no backup at all shows "no backup" in the other checks rather than
    passing them.
    """
    a = scoped(analysis.assets, org)
    f = analysis.findings[analysis.findings["rule"].isin(BACKUP_RULES)]
    hit = set(zip(f["rule"], f["subject_id"]))
    a = a[a["essential"].fillna(False).astype(bool) | a["asset_id"].isin(f["subject_id"])]
    names = org_names(analysis)
    rows = []
    for r in a.itertuples(index=False):
        missing = ("BACKUP_MISSING", r.asset_id) in hit

        def check(rule: str, asset_id: str = r.asset_id, missing: bool = missing) -> str:
            if missing:
                return "no backup"
            return "no" if (rule, asset_id) in hit else "yes"

        resilient = not any((rule, r.asset_id) in hit for rule in BACKUP_GAP_RULES)
        other = [text for rule, text in OTHER_GAPS.items() if (rule, r.asset_id) in hit]
        rows.append(
            {
                "Information asset": r.name,
                "Organisation": names.get(r.org_id, r.org_id),
                "Essential": fmt.yes_no(r.essential),
                "Backed up": "no" if missing else "yes",
                "Offline or immutable copy": check("BACKUP_NOT_ISOLATED"),
                "Restore tested in 12 months": check("BACKUP_RESTORE_UNTESTED"),
                "Would survive ransomware": Chip(
                    "green" if resilient else "red", "yes" if resilient else "no"
                ),
                "Other gaps": "; ".join(other),
                "_order": (resilient, -float(r.impact), r.name),
            }
        )
    rows.sort(key=lambda row: row["_order"])
    total = len(rows)
    frame = pd.DataFrame(rows[:n]).drop(columns="_order", errors="ignore")
    failing = sum(1 for row in rows if not row["_order"][0])
    note = (
        f"{failing:,} of {total:,} assets would not survive ransomware; "
        f"the {n} most important are listed."
        if total > n
        else ""
    )
    return Table(
        frame,
        id="fm-backups",
        note=note,
        empty="No essential asset is recorded and no backup finding was raised.",
    )
