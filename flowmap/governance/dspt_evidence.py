"""What the inventory shows for each kind of DSPT evidence, for one organisation or all.

Each function takes a :class:`Scope` (the analysis cut to one organisation, or the whole
partnership) and returns an :class:`Evidence`: what the inventory **shows** (counts a
reviewer can check), what it shows **against** the outcome beyond the findings, and what
is **missing** (unknown cells that would complete the evidence). The mapping file names
these functions in its ``evidence`` column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

SUPPORTED = frozenset({"supported", "eol_soon", "eol_extended"})
BY_DESIGN = frozenset({"nhsmail", "secure_email", "sftp"})
SECONDARY = frozenset({"research", "commissioning"})


@dataclass
class Scope:
    """The analysis cut to one organisation (``org``), or the whole partnership."""

    analysis: object
    org: str | None
    systems: pd.DataFrame
    assets: pd.DataFrame
    flows: pd.DataFrame
    backups: pd.DataFrame
    findings: pd.DataFrame
    organisations: pd.DataFrame

    @classmethod
    def of(cls, analysis: Analysis, org: str | None = None) -> Scope:
        s, a, f = analysis.systems, analysis.assets, analysis.flows
        orgs = analysis.inventory.organisations
        findings = analysis.findings
        if org is not None:
            s = s[s["org_id"] == org]
            a = a[a["org_id"] == org]
            f = f[(f["sender_org_id"] == org) | (f["receiver_org_id"] == org)]
            findings = findings[findings["org_id"] == org]
            orgs = orgs[orgs["org_id"] == org]
        b = analysis.inventory.backups
        b = b[b["source_system_id"].isin(s["system_id"])]
        return cls(analysis, org, s, a, f, b, findings, orgs)


@dataclass
class Evidence:
    shows: str = ""
    against: str = ""
    missing: str = ""


def _n(mask) -> int:
    return int(pd.Series(mask).fillna(False).astype(bool).sum())


def _missing(*parts: tuple[int, str]) -> str:
    """``(count, what)`` pairs as "what: count", the zero counts left out."""
    return "; ".join(f"{what}: {n}" for n, what in parts if n)


def asset_register(sc: Scope) -> Evidence:
    a, s = sc.assets, sc.systems
    year_ago = pd.Timestamp(sc.analysis.as_of) - pd.DateOffset(years=1)
    owned = _n(a["owner"] != "")
    reviewed = _n(a["last_reviewed"] >= year_ago)
    needs_os = ~s["kind"].isin(["saas", "paper_store"])
    os_known = _n(needs_os & (s["os"] != ""))
    return Evidence(
        shows=f"{len(a)} information assets registered ({owned} with an owner, {reviewed} "
        f"reviewed in the last 12 months); {len(s)} systems, the operating system recorded "
        f"for {os_known} of the {_n(needs_os)} that have one.",
        missing=_missing(
            (len(a) - owned, "assets without an owner (assets.owner)"),
            (_n(a["last_reviewed"].isna()), "assets never reviewed (assets.last_reviewed)"),
            (_n(needs_os) - os_known, "systems without an operating system (systems.os)"),
        ),
    )


def data_flows(sc: Scope) -> Evidence:
    f = sc.flows
    return Evidence(
        shows=f"{len(f)} data flows mapped: purpose recorded on {_n(f['purpose'] != '')}, "
        f"Article 6 basis on {_n(f['lawful_basis'] != '')}, common-law basis on "
        f"{_n(f['confidentiality_basis'] != '')}.",
        missing=_missing(
            (_n(f["purpose"] == ""), "flows without a purpose"),
            (_n(f["lawful_basis"] == ""), "flows without an Article 6 basis"),
            (
                _n((f["special_category"]) & (f["special_condition"] == "")),
                "special category flows without an Article 9 condition",
            ),
        ),
    )


def ropa(sc: Scope) -> Evidence:
    from flowmap.governance.ropa import ropa as build

    r = build(sc.analysis, org=sc.org)
    gaps = int(r.gaps["missing"].sum()) if len(r.gaps) else 0
    has_gap = pd.Series(False, index=r.activities.index)
    for column in r.activities.columns:
        has_gap |= r.activities[column].astype(str).str.startswith("GAP: ")
    complete = len(r.activities) - int(has_gap.sum())
    by_field = r.gaps.groupby("label")["missing"].sum().sort_values(ascending=False)
    fields = ", ".join(by_field.head(3).index)
    return Evidence(
        shows=f"A record of processing activities can be produced (flowmap ropa): "
        f"{len(r.activities)} activities, {complete} with every required field filled.",
        missing=f"{gaps} gaps in the record, most in: {fields}" if gaps else "",
    )


def ico_registration(sc: Scope) -> Evidence:
    o = sc.organisations
    known = _n(o["ico_registration"] != "")
    return Evidence(
        shows=f"ICO registration number recorded for {known} of {len(o)} organisations.",
        missing=_missing(
            (len(o) - known, "organisations without one (organisations.ico_registration)")
        ),
    )


def transit(sc: Scope) -> Evidence:
    f = sc.flows
    electronic = f[~f["transport"].isin(["paper", "fax", "removable_media", "internal"])]
    safe = _n((electronic["encrypted"] == True) | electronic["transport"].isin(BY_DESIGN))  # noqa: E712
    return Evidence(
        shows=f"{safe} of {len(electronic)} electronic flows between systems are encrypted in "
        "transit (recorded, or NHSmail, DCB1596 secure email or SFTP).",
        against=_missing(
            (
                _n(f["transport"].isin(["email", "fax", "removable_media"]) & f["personal"]),
                "personal data flows by email, fax or removable media",
            )
        ),
        missing=_missing(
            (
                _n(electronic["encrypted"].isna() & ~electronic["transport"].isin(BY_DESIGN)),
                "flows whose encryption is not recorded (flows.encrypted)",
            )
        ),
    )


def vulnerabilities(sc: Scope) -> Evidence:
    s = sc.systems
    known = s[s["eol_status"] != "not_applicable"]
    recent = pd.Timestamp(sc.analysis.as_of) - pd.Timedelta(days=90)
    return Evidence(
        shows=f"{_n(known['eol_status'].isin(SUPPORTED))} of {len(known)} systems with an "
        f"operating system are on a supported release; {_n(s['last_patched'] >= recent)} "
        "patched in the last 90 days.",
        against=_missing(
            (_n(known["eol_status"] == "eol"), "systems on an operating system out of support"),
            (_n(s["open_kev"] > 0), "systems with a known-exploited vulnerability open"),
        ),
        missing=_missing(
            (
                _n(known["eol_status"] == "unknown"),
                "operating systems flowmap does not recognise (systems.os)",
            ),
            (
                _n(s["last_patched"].isna() & (s["eol_status"] != "not_applicable")),
                "systems without a patch date (systems.last_patched)",
            ),
        ),
    )


def backups(sc: Scope) -> Evidence:
    s, b = sc.systems, sc.backups
    key = s[s["criticality"].isin(["high", "critical"])]
    year_ago = pd.Timestamp(sc.analysis.as_of) - pd.DateOffset(years=1)
    backed = set(b["source_system_id"])
    isolated = set(b.loc[b["isolation"].isin(["offline", "immutable"]), "source_system_id"])
    tested = set(
        b.loc[
            (b["restore_result"] == "pass") & (b["last_restore_test"] >= year_ago),
            "source_system_id",
        ]
    )
    ids = set(key["system_id"])
    return Evidence(
        shows=f"Of {len(ids)} high or critical systems: {len(ids & backed)} backed up, "
        f"{len(ids & isolated)} with an offline or immutable copy, {len(ids & tested)} "
        "restore-tested successfully in the last 12 months.",
        against=_missing((len(ids - backed), "high or critical systems with no backup recorded")),
        missing=_missing(
            (
                _n(b["last_restore_test"].isna()),
                "backups never restore-tested (backups.last_restore_test)",
            )
        ),
    )


def resilience(sc: Scope) -> Evidence:
    a = sc.assets
    essential = a[a["essential"] == True]  # noqa: E712 (nullable)
    return Evidence(
        shows=f"{len(essential)} assets marked essential to care; recovery objectives "
        f"recorded for {_n(essential['rto_hours'].notna() & essential['rpo_hours'].notna())}.",
        missing=_missing(
            (_n(a["essential"].isna()), "assets not marked essential or not (assets.essential)"),
            (
                _n(essential["rto_hours"].isna() | essential["rpo_hours"].isna()),
                "essential assets without recovery objectives (assets.rto_hours, rpo_hours)",
            ),
        ),
    )


def supply_chain(sc: Scope) -> Evidence:
    s = sc.systems
    run = s[(s["supplier_org_id"] != "") & (s["supplier_org_id"] != s["org_id"])]
    return Evidence(
        shows=f"{len(run)} systems run by suppliers, {_n(run['contract_ref'] != '')} with a "
        "contract recorded.",
        missing=_missing(
            (
                _n(run["contract_ref"] == ""),
                "supplier-run systems without a contract (systems.contract_ref)",
            )
        ),
    )


def access(sc: Scope) -> Evidence:
    s = sc.systems
    facing = s[s["internet_facing"] == True]  # noqa: E712 (nullable)
    return Evidence(
        shows=f"{_n(facing['mfa'] == True)} of {len(facing)} internet-facing systems "  # noqa: E712
        "enforce multi-factor authentication.",
        missing=_missing(
            (
                _n(facing["mfa"].isna()),
                "internet-facing systems whose MFA is not recorded (systems.mfa)",
            )
        ),
    )


def opt_out(sc: Scope) -> Evidence:
    f = sc.flows
    due = f[
        f["purpose"].isin(SECONDARY)
        & f["special_category"]
        & f["identifiability_effective"].isin(["identifiable", "pseudonymised"])
    ]
    return Evidence(
        shows=f"{len(due)} flows of health data for research or planning; the national data "
        f"opt-out is applied on {_n(due['opt_out_applied'] == True)}.",  # noqa: E712
        missing=_missing(
            (_n(due["opt_out_applied"].isna()), "of them without a record (flows.opt_out_applied)")
        ),
    )


def _flow_findings(sc: Scope, flows: pd.DataFrame) -> str:
    f = sc.findings
    hits = f[(f["subject_type"] == "flow") & f["subject_id"].isin(flows["flow_id"])]
    if hits.empty:
        return ""
    counts = hits.groupby(["title", "rule"]).size().sort_values(ascending=False, kind="stable")
    return f"{len(hits)} findings on these flows: " + "; ".join(
        f"{title} ({rule}): {n}" for (title, rule), n in counts.items()
    )


def sharing(sc: Scope) -> Evidence:
    f = sc.flows
    care = f[(f["purpose"] == "direct_care") & (f["sender_org_id"] != f["receiver_org_id"])]
    return Evidence(
        shows=f"{len(care)} flows share information for direct care between organisations; "
        f"{_n((care['lawful_basis'] != '') & (care['confidentiality_basis'] != ''))} record "
        "both their UK GDPR and common-law bases.",
        against=_flow_findings(sc, care),
        missing=_missing((_n(care["lawful_basis"] == ""), "of them without an Article 6 basis")),
    )


def sharing_other(sc: Scope) -> Evidence:
    f = sc.flows
    other = f[(f["purpose"] != "direct_care") & (f["sender_org_id"] != f["receiver_org_id"])]
    return Evidence(
        shows=f"{len(other)} flows share information between organisations for other "
        f"purposes; {_n(other['dsa_ref'] != '')} under a recorded agreement.",
        against=_flow_findings(sc, other),
    )


def records(sc: Scope) -> Evidence:
    a = sc.assets
    return Evidence(
        shows=f"{_n(a['retention_years'].notna())} of {len(a)} assets have a retention "
        f"period; {_n(a['retention_followed'] == True)} are kept in line with it.",  # noqa: E712
        against=_missing(
            (
                _n(a["retention_followed"] == False),  # noqa: E712
                "assets kept longer than their schedule",
            )
        ),
        missing=_missing(
            (
                _n(a["retention_years"].isna()),
                "assets without a retention period (assets.retention_years)",
            ),
            (
                _n(a["retention_followed"].isna()),
                "assets not recorded as kept in line or not (assets.retention_followed)",
            ),
        ),
    )


#: Evidence functions by the name the mapping file uses.
EVIDENCE = {
    "asset_register": asset_register,
    "data_flows": data_flows,
    "ropa": ropa,
    "ico_registration": ico_registration,
    "transit": transit,
    "vulnerabilities": vulnerabilities,
    "backups": backups,
    "resilience": resilience,
    "supply_chain": supply_chain,
    "access": access,
    "opt_out": opt_out,
    "sharing": sharing,
    "sharing_other": sharing_other,
    "records": records,
}
