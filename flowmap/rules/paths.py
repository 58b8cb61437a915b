"""Path and copy rules: the most likely attack path to an asset, and exposed copies."""

from __future__ import annotations

import pandas as pd

from flowmap.rules.base import Rule, RuleContext, hits

WEAK_STATUSES = ("EOL_OS", "KEV_OPEN", "PATCH_OVERDUE")


def _attack_path(ctx: RuleContext) -> pd.DataFrame:
    p = ctx.paths
    material = p[(p["risk"] >= ctx.settings.path_risk_threshold) & (p["probability"] > 0)]
    records = ctx.assets.set_index("asset_id")["records"]
    return hits(material, subject="asset_id", org="org_id",
                message=lambda r: (f"An attacker entering at {r.entry_system_id} "
                                   f"({r.entry_kind}) could reach {r.asset_name} ({r.asset_id}"
                                   + (f", {int(records[r.asset_id]):,} records"
                                      if pd.notna(records.get(r.asset_id)) else "") + ")"
                                   + f" on {r.target_system_id} in {r.hops} step"
                                   + ("" if r.hops == 1 else "s")
                                   + f" with probability {r.probability:.0%}: {r.path}."),
                evidence=lambda r: {"asset_id": r.asset_id, "path": r.path.split(" > "),
                                    "steps": r.steps, "probability": r.probability,
                                    "impact": r.impact, "risk": r.risk},
                score=lambda r: r.risk)


def weak_copies(ctx: RuleContext) -> pd.DataFrame:
    """Copies of identifiable special-category data on systems with a weakness."""
    s = ctx.systems
    weak = s[(s["eol_status"] == "eol") | (s["open_kev"] > 0) | (s["overdue_patches"] > 0)]
    why = pd.Series([[w for w, on in (("EOL_OS", e == "eol"), ("KEV_OPEN", k > 0),
                                      ("PATCH_OVERDUE", o > 0)) if on]
                     for e, k, o in zip(weak["eol_status"], weak["open_kev"],
                                        weak["overdue_patches"])],
                    index=weak["system_id"], dtype=object)
    a = ctx.assets
    sensitive = a[a["special_category"] & (a["identifiability"] == "identifiable")]
    c = ctx.copies.merge(sensitive[["asset_id"]], on="asset_id")
    c = c[c["system_id"].isin(why.index)].copy()
    c["weaknesses"] = c["system_id"].map(why)
    c["system_org_id"] = c["system_id"].map(s.set_index("system_id")["org_id"])
    return c


def _sensitive_copy_exposed(ctx: RuleContext) -> pd.DataFrame:
    c = weak_copies(ctx)
    if c.empty:
        return hits(c, subject="asset_id", org="asset_id", message=str, evidence=[])
    a = ctx.assets.set_index("asset_id")
    c = c.sort_values(["asset_id", "hops", "system_id"], kind="stable")
    c["copy"] = [{"system_id": s, "org_id": o, "how": h, "route": r, "weaknesses": w}
                 for s, o, h, r, w in zip(c["system_id"], c["system_org_id"], c["how"],
                                          c["route"], c["weaknesses"])]
    grouped = c.groupby("asset_id", sort=True)["copy"].agg(list).rename("copies").reset_index()
    grouped["org_id"] = grouped["asset_id"].map(a["org_id"])
    grouped["name"] = grouped["asset_id"].map(a["name"])
    grouped["elsewhere"] = [any(x["org_id"] != o for x in cs)
                            for cs, o in zip(grouped["copies"], grouped["org_id"])]
    return hits(grouped, subject="asset_id", org="org_id",
                message=lambda r: (f"{r.name} ({r.asset_id}), identifiable special category "
                                   f"data, has a copy on {len(r.copies)} weak system"
                                   + ("" if len(r.copies) == 1 else "s") + ": "
                                   + "; ".join(f"{x['system_id']} ({x['org_id']}, "
                                               f"{', '.join(x['weaknesses'])})"
                                               for x in r.copies[:5])
                                   + (" ..." if len(r.copies) > 5 else "")
                                   + (". Some copies sit with partner organisations."
                                      if r.elsewhere else ".")),
                evidence=lambda r: {"asset_id": r.asset_id, "copies": r.copies},
                score=lambda r: 75 + (10 if r.elsewhere else 0))


RULES = (
    Rule("ATTACK_PATH", "Likely attack path to sensitive data", "asset", 0,
         "Break the path at its cheapest point: patch or isolate the entry point, segment the "
         "zone it crosses, or secure the flow it rides on (see `flowmap plan`).",
         ("CAF B4.d", "CAF B2.c", "NCSC: preventing lateral movement"), "B4.d", _attack_path),
    Rule("SENSITIVE_COPY_EXPOSED", "Sensitive data copy on a weak system", "asset", 75,
         "Fix the weak system holding the copy, or stop the flow that puts the data there and "
         "delete the copy.", ("UK GDPR Art 32", "CAF B3.a", "CAF B4.d"), "B3.a",
         _sensitive_copy_exposed),
)
