"""Information-sharing compliance and the DSPT / CAF position."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowmap.engine.figures import UNLAWFUL_FLOW_RULES
from flowmap.engine.rules.flowbase import between_orgs
from flowmap.engine.rules.flowbase import personal as personal_data
from flowmap.engine.rules.transport import NOT_ENCRYPTABLE
from flowmap.render import fmt
from flowmap.render.board._html import Chip
from flowmap.render.board.load import scoped
from flowmap.render.board.risks import org_names
from flowmap.render.board.table import Table

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

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
#: Share of flows covered at or above which a measure is green (amber from the second).
COVERAGE_GREEN, COVERAGE_AMBER = 1.0, 0.9
#: DSPT statuses, best first, in words.
DSPT_WORDS = {
    "standards_exceeded": "Standards exceeded",
    "standards_met": "Standards met",
    "approaching_standards": "Approaching standards",
    "not_met": "Standards not met",
    "not_published": "Not published",
}
DSPT_RAG = {
    "standards_exceeded": "green",
    "standards_met": "green",
    "approaching_standards": "amber",
    "not_met": "red",
    "not_published": "red",
}
RULE_WORDS = {
    "FLOW_NO_LAWFUL_BASIS": "no lawful basis recorded",
    "FLOW_NO_SPECIAL_CONDITION": "no condition for special category data recorded",
    "FLOW_NO_DSA": "no data-sharing agreement",
    "FLOW_DSA_EXPIRED": "data-sharing agreement expired",
}


def coverage_status(share: float | None) -> str:
    """Green when every flow is covered, amber from 90%, red below.

    >>> coverage_status(1.0), coverage_status(0.95), coverage_status(0.5), coverage_status(None)
    ('green', 'amber', 'red', 'grey')
    """
    if share is None:
        return "grey"
    if share >= COVERAGE_GREEN:
        return "green"
    return "amber" if share >= COVERAGE_AMBER else "red"


def ig_coverage(analysis: Analysis, org: str | None = None) -> Table:
    """Share of personal-data flows with a lawful basis, a valid agreement and encryption."""
    flows = scoped(analysis.flows, org, "sender_org_id", "receiver_org_id")
    personal = flows[personal_data(flows)]
    f = analysis.findings[analysis.findings["subject_type"] == "flow"]

    def covered(rules: tuple[str, ...], scope: pd.DataFrame) -> int:
        bad = f.loc[f["rule"].isin(rules), "subject_id"]
        return int((~scope["flow_id"].isin(bad)).sum())

    measures = [
        ("Lawful basis (UK GDPR Article 6) recorded", personal, ("FLOW_NO_LAWFUL_BASIS",)),
        (
            "Agreement in force where the sharing needs one",
            personal[between_orgs(personal) & (personal["agreement_level"] != "not_needed")],
            ("FLOW_NO_DSA", "FLOW_DSA_EXPIRED"),
        ),
        (
            "Encrypted in transit or on the medium (all but paper and fax)",
            personal[~personal["transport"].isin(NOT_ENCRYPTABLE)],
            ("FLOW_UNENCRYPTED",),
        ),
    ]
    rows = []
    for label, scope, rules in measures:
        n = covered(rules, scope)
        share = n / len(scope) if len(scope) else None
        rows.append(
            {
                "Measure": label,
                "Flows": fmt.count(len(scope)),
                "Compliant": fmt.count(n),
                "Share": fmt.pct(share) if share is not None else "no flows",
                "Status": Chip(coverage_status(share)),
            }
        )
    return Table(pd.DataFrame(rows), id="fm-ig-coverage", numeric=["Flows", "Compliant", "Share"])


def unlawful_sensitive_flows(analysis: Analysis, org: str | None = None, n: int = 10) -> Table:
    """Flows of special category data without a lawful basis, condition or agreement."""
    fl = scoped(analysis.flows, org, "sender_org_id", "receiver_org_id")
    fl = fl[fl["special_category"].fillna(False).astype(bool)]
    f = analysis.findings
    f = f[f["rule"].isin(UNLAWFUL_FLOW_RULES) & f["subject_id"].isin(fl["flow_id"])]
    order = {r: i for i, r in enumerate(RULE_WORDS)}
    gaps = (
        f[["subject_id", "rule"]]
        .drop_duplicates()
        .assign(order=lambda d: d["rule"].map(order), words=lambda d: d["rule"].map(RULE_WORDS))
        .sort_values(["subject_id", "order"])
    )
    why = gaps.groupby("subject_id")["words"].agg("; ".join)
    score = f.groupby("subject_id")["score"].max()
    fl = fl[fl["flow_id"].isin(why.index)]
    fl = fl.assign(_score=fl["flow_id"].map(score)).sort_values(
        ["_score", "flow_id"], ascending=[False, True]
    )
    total = len(fl)
    fl = fl.head(n)
    names = org_names(analysis)
    frame = pd.DataFrame(
        {
            "Data": fl["asset_name"].to_list(),
            "From": fl["sender_org_id"].map(names).fillna(fl["sender_org_id"]).to_list(),
            "To": fl["receiver_org_id"].map(names).fillna(fl["receiver_org_id"]).to_list(),
            "How": [fmt.words(t) for t in fl["transport"]],
            "Gap": fl["flow_id"].map(why).to_list(),
        }
    )
    return Table(
        frame,
        id="fm-unlawful-flows",
        note=f"The {n} most serious of {total:,}." if total > n else "",
        empty="Every flow of special category data has a lawful basis, a condition and "
        "(between organisations) an agreement in force.",
    )


def dspt_position(analysis: Analysis, org: str | None = None) -> Table:
    """Organisations by their latest Data Security and Protection Toolkit status."""
    orgs = analysis.inventory.organisations
    if org:
        orgs = orgs[orgs["org_id"] == org]
    rows = []
    for status, words in DSPT_WORDS.items():
        these = orgs[orgs["dspt_status"] == status]
        if not len(these):
            continue
        names = list(these["name"])
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6:,} more" if len(names) > 6 else "")
        rows.append(
            {
                "DSPT status": Chip(DSPT_RAG[status], words),
                "Organisations": fmt.count(len(these)),
                "Which": shown,
            }
        )
    return Table(pd.DataFrame(rows), id="fm-dspt", numeric=["Organisations"])


def caf_mapping(analysis: Analysis, org: str | None = None) -> Table:
    """Findings per NCSC CAF outcome, with the DSPT standard each evidences."""
    f = scoped(analysis.findings, org)
    present = set(f["caf"].dropna()) - {""}
    outcomes = list(REQUIRED_OUTCOMES) + sorted(present - set(REQUIRED_OUTCOMES))
    counts = f.groupby(["caf", "severity"]).size()
    rows = []
    for caf in outcomes:
        name, dspt = CAF_OUTCOMES.get(caf, ("", ""))
        crit = int(counts.get((caf, "critical"), 0))
        high = int(counts.get((caf, "high"), 0))
        total = int(counts.loc[caf].sum()) if caf in counts.index.get_level_values(0) else 0
        status = "red" if crit else "amber" if high else "green"
        rows.append(
            {
                "CAF outcome": f"{caf} {name}".strip(),
                "DSPT": dspt,
                "Findings": fmt.count(total),
                "Critical": fmt.count(crit),
                "High": fmt.count(high),
                "Status": Chip(status),
            }
        )
    return Table(
        pd.DataFrame(rows), id="fm-caf", numeric=["Findings", "Critical", "High"], wide=False
    )
