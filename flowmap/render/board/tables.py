"""The board report's tables: each a DataFrame read from the analysis's own tables.

Plain-English column names, one row per thing a board member would ask about, and
nothing computed that ``flowmap analyse`` does not also compute.
"""

from __future__ import annotations

import pandas as pd

from flowmap.engine.rules.flows import NON_ELECTRONIC, _between_orgs, _personal
from flowmap.render.board._html import STYLE, HtmlBlock, esc
from flowmap.render.board.headlines import BACKUP_GAP_RULES
from flowmap.render.board.load import org_name, scoped

#: NCSC CAF outcomes the findings evidence, with the DSPT standard each supports.
CAF_OUTCOMES: dict[str, tuple[str, str]] = {
    "A3.a": ("Asset management", "DSPT Standard 1 (information asset register)"),
    "A4.a": ("Supply chain", "DSPT Standard 10 (accountable suppliers)"),
    "B2.a": (
        "Identity verification, authentication and access control",
        "DSPT Standard 4 (managing access)",
    ),
    "B2.c": ("Privileged user management", "DSPT Standard 4 (managing access)"),
    "B3.a": ("Understanding data", "DSPT Standard 1 (personal confidential data)"),
    "B3.b": ("Data in transit", "DSPT Standard 9 (IT protection)"),
    "B4.d": ("Vulnerability management", "DSPT Standard 8 (unsupported systems, patching)"),
    "B5.a": ("Resilience preparation", "DSPT Standard 7 (continuity planning)"),
    "B5.c": ("Backups", "DSPT Standard 7 (continuity planning)"),
}
#: Outcomes the board report always lists, even with no findings.
REQUIRED_OUTCOMES = ("A3.a", "B3.a", "B4.d", "B5.a", "B5.c")
#: Columns of the plan and change tables shown to a board, with their headings.
PLAN_COLUMNS = {
    "order": "Step",
    "action": "Action",
    "org_id": "Organisation",
    "cost_gbp": "Cost (£)",
    "risk_removed": "Risk removed",
    "cumulative_cost_gbp": "Spent so far (£)",
}
CHANGE_COLUMNS = [
    "change",
    "finding_id",
    "rule",
    "subject_id",
    "org_id",
    "old_score",
    "new_score",
    "message",
]
#: Backup rules shown in the resilience table, in order.
BACKUP_RULES = BACKUP_GAP_RULES + ("BACKUP_SHARED_FATE", "BACKUP_RPO_GAP")


def _owners(analysis) -> pd.Series:
    """Who owns the risk of each finding's subject: the asset's owner, else the org's SIRO."""
    a = analysis.assets.set_index("asset_id")
    owner = a["owner"].where(a["owner"] != "", "no owner recorded")
    flow_asset = analysis.flows.set_index("flow_id")["asset_id"]
    held = analysis.copies[analysis.copies["how"] == "register"]
    per_system = (
        held.assign(owner=held["asset_id"].map(owner))
        .groupby("system_id")["owner"]
        .agg(lambda s: "; ".join(sorted(set(s))))
    )
    f = analysis.findings
    by_type = {
        "asset": f["subject_id"].map(owner),
        "flow": f["subject_id"].map(flow_asset).map(owner),
        "system": f["subject_id"].map(per_system),
    }
    out = pd.Series("", index=f.index, dtype=object)
    for kind, values in by_type.items():
        mask = f["subject_type"] == kind
        out[mask] = values[mask]
    return out.fillna("").replace("", "SIRO of the organisation")


def _names(analysis) -> pd.Series:
    return analysis.inventory.organisations.set_index("org_id")["name"]


def top_risks(analysis, org: str | None = None, n: int = 10) -> pd.DataFrame:
    """The ``n`` highest-scoring findings (the same order as ``flowmap analyse``'s top list)."""
    f = analysis.findings.assign(owner=_owners(analysis))
    f = scoped(f, org).head(n)
    out = pd.DataFrame(
        {
            "Severity": f["severity"].str.capitalize(),
            "Score": f["score"].round(0).astype(int),
            "Risk": f["message"],
            "Organisation": f["org_id"].map(_names(analysis)).fillna(f["org_id"]),
            "Owner": f["owner"],
            "What to do": f["remediation"],
            "Standards": f["references"].map(lambda r: "; ".join(r) if isinstance(r, list) else r),
            "Finding": f["finding_id"],
        }
    )
    out.index = range(1, len(out) + 1)
    return out


def attack_paths(analysis, org: str | None = None, n: int = 5) -> pd.DataFrame:
    """The ``n`` riskiest attack paths: entry point, route, chance of success, impact, risk.

    Assets no path reaches (no internet-facing system or workstation leads to them) are
    not paths: with none at all the table is empty.
    """
    p = scoped(analysis.attack_paths, org)
    p = p[p["entry_system_id"].astype(str) != ""].head(n)
    names = analysis.systems.set_index("system_id")["name"]
    way_in = p["entry_system_id"].map(names).fillna(p["entry_system_id"]).astype(str)
    out = pd.DataFrame(
        {
            "Data at risk": p["asset_name"],
            "Organisation": p["org_id"].map(_names(analysis)),
            "Way in": way_in + " (" + p["entry_kind"].astype(str) + ")",
            "Route": p["path"],
            "Moves": p["hops"],
            "Chance": (p["probability"] * 100).round(0).astype(int).astype(str) + "%",
            "Impact": p["impact"],
            "Risk": p["risk"],
        }
    )
    out.index = range(1, len(out) + 1)
    return out


def sensitive_copies(analysis, org: str | None = None) -> pd.DataFrame:
    """Where each identifiable special-category asset's copies live, weakest copy first."""
    a = scoped(analysis.assets, org)
    a = a[a["special_category"] & (a["identifiability"] == "identifiable")]
    c = analysis.copies[analysis.copies["asset_id"].isin(a["asset_id"])]
    names = _names(analysis)
    rows = []
    for asset in a.sort_values("exposure", ascending=False).itertuples():
        cc = c[c["asset_id"] == asset.asset_id].sort_values("likelihood", ascending=False)
        weakest = cc.iloc[0] if len(cc) else None
        rows.append(
            {
                "Asset": asset.name,
                "Owner organisation": names.get(asset.org_id, asset.org_id),
                "Copies": len(cc),
                "Organisations holding a copy": cc["org_id"].nunique(),
                "Where": "; ".join(
                    f"{r.system_name} ({r.org_id}, {r.how})" for r in cc.itertuples()
                ),
                "Weakest copy": (
                    f"{weakest.system_name} ({weakest.eol_status}, likelihood "
                    f"{weakest.likelihood:.0%})"
                )
                if weakest is not None
                else "",
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "Asset",
            "Owner organisation",
            "Copies",
            "Organisations holding a copy",
            "Where",
            "Weakest copy",
        ],
    )
    out.index = range(1, len(out) + 1)
    return out


def backup_resilience(analysis, org: str | None = None) -> pd.DataFrame:
    """Essential assets and assets with a backup finding: which backup checks each fails."""
    a = scoped(analysis.assets, org)
    f = analysis.findings[analysis.findings["rule"].isin(BACKUP_RULES)]
    hit = set(zip(f["rule"], f["subject_id"]))
    a = a[a["essential"].fillna(False).astype(bool) | a["asset_id"].isin(f["subject_id"])]
    labels = {
        "BACKUP_MISSING": "Backed up",
        "BACKUP_NOT_ISOLATED": "Offline or immutable copy",
        "BACKUP_RESTORE_UNTESTED": "Restore tested in 12 months",
        "BACKUP_SHARED_FATE": "Not sharing fate",
        "BACKUP_RPO_GAP": "Meets RPO",
    }
    out = pd.DataFrame(
        {
            "Asset": a["name"],
            "Organisation": a["org_id"],
            "Essential": a["essential"].map({True: "yes", False: "no"}).fillna("unknown"),
        }
    )
    for rule, label in labels.items():
        out[label] = ["NO" if (rule, i) in hit else "yes" for i in a["asset_id"]]
    out["Resilient"] = [
        "NO" if any((r, i) in hit for r in BACKUP_GAP_RULES) else "yes" for i in a["asset_id"]
    ]
    return out.sort_values(["Resilient", "Asset"]).reset_index(drop=True)


def ig_coverage(analysis, org: str | None = None) -> pd.DataFrame:
    """Share of personal-data flows with a lawful basis, a valid agreement and encryption."""
    flows = scoped(analysis.flows, org, "sender_org_id", "receiver_org_id")
    personal = flows[_personal(flows)]
    f = analysis.findings[analysis.findings["subject_type"] == "flow"]

    def without(rules: tuple[str, ...], scope: pd.DataFrame) -> int:
        bad = set(f.loc[f["rule"].isin(rules), "subject_id"])
        return int((~scope["flow_id"].isin(bad)).sum())

    measures = [
        ("Lawful basis (UK GDPR Art 6) recorded", personal, ("FLOW_NO_LAWFUL_BASIS",)),
        (
            "Data-sharing agreement in force (between organisations)",
            personal[_between_orgs(personal)],
            ("FLOW_NO_DSA", "FLOW_DSA_EXPIRED"),
        ),
        (
            "Encrypted in transit (electronic transport)",
            personal[~personal["transport"].isin(NON_ELECTRONIC)],
            ("FLOW_UNENCRYPTED",),
        ),
    ]
    rows = []
    for label, scope, rules in measures:
        covered = without(rules, scope)
        rows.append(
            {
                "Measure": label,
                "Flows in scope": len(scope),
                "Covered": covered,
                "Share": f"{covered / len(scope):.0%}" if len(scope) else "n/a",
            }
        )
    return pd.DataFrame(rows)


def data_quality(analysis) -> pd.DataFrame:
    """Columns the risk rules use where the inventory leaves cells empty (unknown)."""
    dq = analysis.inventory.report.data_quality
    dq = dq[dq["unknown"] > 0].sort_values("share_unknown", ascending=False)
    return pd.DataFrame(
        {
            "Table": dq["table"],
            "Column": dq["column"],
            "Unknown": dq["unknown"],
            "Rows": dq["rows"],
            "Share unknown": dq["share_unknown"].map("{:.0%}".format),
        }
    ).reset_index(drop=True)


def caf_mapping(analysis, org: str | None = None) -> pd.DataFrame:
    """Findings per NCSC CAF outcome, with the DSPT standard each evidences."""
    f = scoped(analysis.findings, org)
    outcomes = list(REQUIRED_OUTCOMES) + sorted(set(f["caf"]) - set(REQUIRED_OUTCOMES))
    rows = []
    for caf in outcomes:
        g = f[f["caf"] == caf]
        name, dspt = CAF_OUTCOMES.get(caf, ("", ""))
        rows.append(
            {
                "CAF outcome": caf,
                "Outcome": name,
                "DSPT": dspt,
                "Findings": len(g),
                "Critical": int((g["severity"] == "critical").sum()),
                "High": int((g["severity"] == "high").sum()),
                "Rules": ", ".join(sorted(set(g["rule"]))),
            }
        )
    return pd.DataFrame(rows)


def changes(previous, analysis, org: str | None = None) -> HtmlBlock:
    """What changed since the previous inventory (``flowmap.diff``); a note when none given."""
    if previous is None:
        return HtmlBlock(
            '<div class="fm-block" id="fm-changes"><p>No previous inventory was '
            "given, so there is nothing to compare: run the report with "
            "<code>--previous OLD_INVENTORY</code>.</p></div>"
        )
    import flowmap

    d = flowmap.diff(previous, analysis)
    f = scoped(d.findings, org) if "org_id" in d.findings.columns else d.findings
    counts = {c: int((f["change"] == c).sum()) for c in ("new", "resolved", "worsened", "improved")}
    move = d.risk_after - d.risk_before
    direction = "up" if move > 0 else "down" if move < 0 else "unchanged"
    tiles = "".join(
        f'<li id="fm-changes-{k}" data-value="{v}"><b>{v}</b> {k}</li>' for k, v in counts.items()
    )
    shown = f[f["change"].isin(["new", "resolved", "worsened"])]
    shown = shown[[c for c in CHANGE_COLUMNS if c in shown.columns]]
    return HtmlBlock(
        f'{STYLE}<div class="fm-block" id="fm-changes"><p>Total risk went <b '
        f'id="fm-risk-direction">{direction}</b>: from <span id="fm-risk-before">'
        f'{d.risk_before:,.1f}</span> to <span id="fm-risk-after">{d.risk_after:,.1f}</span>.</p>'
        f"<ul>{tiles}</ul>{shown.to_html(index=False, max_rows=60, classes='fm-table')}</div>"
    )


def investment_plan(analysis, budget: float, org: str | None = None) -> HtmlBlock:
    """The planner's recommended actions within ``budget`` (``flowmap.plan``)."""
    import flowmap

    p = flowmap.plan(analysis, budget=budget)
    steps = scoped(p.steps, org) if org else p.steps
    steps = steps[[c for c in PLAN_COLUMNS if c in steps.columns]].rename(columns=PLAN_COLUMNS)
    who = f" for {esc(org_name(analysis, org))}" if org else ""
    return HtmlBlock(
        f'{STYLE}<div class="fm-block" id="fm-plan"><p>With a budget of '
        f'£{float(p.budget):,.0f}{who}, the plan spends <span id="fm-plan-spent">'
        f"£{float(p.spent):,.0f}</span> and lowers total risk from {p.risk_before:,.1f} to "
        f'<span id="fm-plan-risk-after">{p.risk_after:,.1f}</span>.</p>'
        f"{steps.to_html(index=False, classes='fm-table', float_format='{:,.1f}'.format)}</div>"
    )
