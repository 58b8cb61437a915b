"""The headline figures of an analysis, for the whole inventory and for each organisation.

Five counts a board follows quarter to quarter (the board report shows them with
red / amber / green status; docs/report.md) and total risk. They are part of
:attr:`Analysis.summary <flowmap.engine.analysis.Analysis.summary>`, so every
``findings.json`` records them and a later report can draw a trend from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Flow rules that mean a sensitive flow lacks a lawful basis, condition or agreement.
UNLAWFUL_FLOW_RULES = (
    "FLOW_NO_LAWFUL_BASIS",
    "FLOW_NO_SPECIAL_CONDITION",
    "FLOW_NO_DSA",
    "FLOW_DSA_EXPIRED",
)
#: Backup rules that mean an asset has no isolated, tested backup.
BACKUP_GAP_RULES = ("BACKUP_MISSING", "BACKUP_NOT_ISOLATED", "BACKUP_RESTORE_UNTESTED")
#: The headline figures' keys, in report order.
HEADLINE_KEYS = (
    "unsupported_systems",
    "kev_open",
    "overdue_critical_patches",
    "sensitive_flows_unlawful",
    "assets_without_resilient_backup",
)


def _unlawful_sensitive(findings: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Flows of special category data with a lawful-basis or agreement finding."""
    bad = findings.loc[
        findings["rule"].isin(UNLAWFUL_FLOW_RULES) & (findings["subject_type"] == "flow"),
        "subject_id",
    ]
    return flows.loc[
        flows["special_category"].fillna(False).astype(bool) & flows["flow_id"].isin(bad),
        ["flow_id", "sender_org_id", "receiver_org_id"],
    ]


def headline_counts(
    findings: pd.DataFrame, systems: pd.DataFrame, flows: pd.DataFrame, org: str | None = None
) -> dict[str, int]:
    """The five headline counts, for the whole inventory or one organisation.

    A flow counts for an organisation when it sends or receives it; the other figures
    count the organisation's own systems and assets.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> h = headline_counts(a.findings, a.systems, a.flows)
    >>> h["unsupported_systems"] == int((a.findings["rule"] == "EOL_OS").sum())
    True
    """
    f, s = findings, systems
    if org:
        f = f[f["org_id"] == org]
        s = s[s["org_id"] == org]
    unlawful = _unlawful_sensitive(findings, flows)
    if org:
        unlawful = unlawful[
            (unlawful["sender_org_id"] == org) | (unlawful["receiver_org_id"] == org)
        ]
    return {
        "unsupported_systems": int((f["rule"] == "EOL_OS").sum()),
        "kev_open": int(s["open_kev"].sum()),
        "overdue_critical_patches": int(s["overdue_patches"].sum()),
        "sensitive_flows_unlawful": len(unlawful),
        "assets_without_resilient_backup": int(
            f.loc[f["rule"].isin(BACKUP_GAP_RULES), "subject_id"].nunique()
        ),
    }


def figures_by_org(
    findings: pd.DataFrame,
    systems: pd.DataFrame,
    flows: pd.DataFrame,
    risk_by_asset: pd.DataFrame,
    org_ids: list[str],
) -> dict[str, dict[str, float]]:
    """``{org_id: {"total_risk": ..., <headline key>: ...}}`` for every organisation.

    The same counts as :func:`headline_counts` with ``org``, computed for all
    organisations at once (grouped, not one pass per organisation).
    """
    index = pd.Index(org_ids, name="org_id")
    eol = findings.loc[findings["rule"] == "EOL_OS"].groupby("org_id").size()
    kev = systems.groupby("org_id")["open_kev"].sum()
    overdue = systems.groupby("org_id")["overdue_patches"].sum()
    unlawful = _unlawful_sensitive(findings, flows)
    both = unlawful["sender_org_id"] == unlawful["receiver_org_id"]
    flows_per_org = unlawful.groupby("sender_org_id").size().reindex(
        index, fill_value=0
    ) + unlawful[~both].groupby("receiver_org_id").size().reindex(index, fill_value=0)
    backup = (
        findings.loc[findings["rule"].isin(BACKUP_GAP_RULES)]
        .groupby("org_id")["subject_id"]
        .nunique()
    )
    total = risk_by_asset.groupby("org_id")["total_risk"].sum()
    table = pd.DataFrame(
        {
            "total_risk": total.reindex(index, fill_value=0.0).round(2),
            "unsupported_systems": eol.reindex(index, fill_value=0),
            "kev_open": kev.reindex(index, fill_value=0),
            "overdue_critical_patches": overdue.reindex(index, fill_value=0),
            "sensitive_flows_unlawful": flows_per_org,
            "assets_without_resilient_backup": backup.reindex(index, fill_value=0),
        },
        index=index,
    )
    out: dict[str, dict[str, float]] = {}
    for org_id, row in zip(table.index, table.itertuples(index=False)):
        values = row._asdict()
        out[str(org_id)] = {
            k: (float(v) if k == "total_risk" else int(v)) for k, v in values.items()
        }
    return out


def summary_figures(analysis: Analysis) -> dict[str, object]:
    """``headlines`` (the whole inventory) and ``by_org`` for an analysis's summary."""
    return {
        "headlines": headline_counts(analysis.findings, analysis.systems, analysis.flows),
        "by_org": figures_by_org(
            analysis.findings,
            analysis.systems,
            analysis.flows,
            analysis.risk_by_asset(),
            list(analysis.inventory.organisations["org_id"]),
        ),
    }
