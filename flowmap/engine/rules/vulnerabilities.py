"""System rules on vulnerabilities and patching: known-exploited ones open or only
mitigated, high ones overdue, and patching that has stopped."""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.engine.likelihood import ACTIVE_STATUSES, overdue_mask
from flowmap.engine.problems import per_subject
from flowmap.engine.rules.base import Rule, RuleContext, criticality_scores, date_text, hits
from flowmap.engine.rules.sysbase import (
    PATCHING_REFS,
    SYSTEM_EVIDENCE,
    cve_text,
    plain_bool,
    system_vulns,
    systems,
)
from flowmap.engine.rules.text import dates, fill, text, when


def _kev_open(ctx: RuleContext) -> pd.DataFrame:
    v = ctx.inventory.vulnerabilities
    active = v["status"].isin(ACTIVE_STATUSES) & v["kev"].fillna(False).astype(bool)
    s = system_vulns(ctx, active)
    ransomware = (s["open_ransomware"] != 0).to_numpy()
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) has {count} open vulnerabilit{y} that "
            "attackers are known to exploit ({cves}){ransomware}.",
            **cve_text(s),
            ransomware=when(ransomware, ", used in ransomware campaigns", ""),
        ),
        evidence={
            "system_id": s["system_id"].tolist(),
            "cves": s["cves"].tolist(),
            "ransomware": [int(n) for n in s["open_ransomware"]],
            "internet_facing": [plain_bool(b) for b in s["internet_facing"]],
        },
        score=criticality_scores(85, s["criticality"]) + 5 * ransomware,
    )


def _kev_mitigated(ctx: RuleContext) -> pd.DataFrame:
    v = ctx.inventory.vulnerabilities
    chosen = (v["status"] == "mitigated") & v["kev"].fillna(False).astype(bool)
    rows = v[chosen].sort_values(["system_id", "cve_id"], kind="stable")
    if rows.empty:
        return hits(rows, subject="system_id", org="system_id", message=[], evidence=[])
    what = [
        {"cve": c, "mitigation_ref": r or None, "mitigated_on": _date_iso(d)}
        for c, r, d in zip(rows["cve_id"], rows["mitigation_ref"], rows["mitigated_on"])
    ]
    said = [
        f"{c} ({'mitigated ' + date_text(d) if pd.notna(d) else 'no date recorded'}"
        f"{', ' + r if r else ', no reference recorded'})"
        for c, r, d in zip(rows["cve_id"], rows["mitigation_ref"], rows["mitigated_on"])
    ]
    unrecorded = [not r or pd.isna(d) for r, d in zip(rows["mitigation_ref"], rows["mitigated_on"])]
    per = (
        pd.DataFrame(
            {
                "system_id": rows["system_id"].to_numpy(),
                "what": what,
                "said": said,
                "unrecorded": unrecorded,
            }
        )
        .groupby("system_id", sort=True)
        .agg(list)
    )
    s = systems(ctx).merge(per, left_on="system_id", right_index=True)
    exposed = (s["internet_exposure"] == "yes").to_numpy()
    unrecorded = np.array([any(u) for u in s["unrecorded"]])
    count = s["what"].map(len)
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) has {count} known-exploited vulnerabilit{y} marked "
            "mitigated, not fixed: {said}{facing}. Verify the mitigation still holds and "
            "patch when you can.",
            count=text(count),
            y=when(count == 1, "y", "ies"),
            said=text(["; ".join(x) for x in s["said"]]),
            facing=when(exposed, ", on a system reachable from the internet", ""),
        ),
        evidence={
            "system_id": s["system_id"].tolist(),
            "mitigated": s["what"].tolist(),
            "internet_facing": [plain_bool(b) for b in s["internet_facing"]],
        },
        score=criticality_scores(40 + 20 * exposed + 10 * unrecorded, s["criticality"]),
    )


def _date_iso(value: object) -> str | None:
    """A date as ISO text, or None when unknown."""
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _patch_overdue(ctx: RuleContext) -> pd.DataFrame:
    s = system_vulns(ctx, overdue_mask(ctx.inventory.vulnerabilities, ctx.as_of, ctx.settings))
    days = ctx.settings.patch_expectation_days
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) has {count} high or critical "
            "vulnerabilit{y} whose patch was released more than {days} days "
            "ago ({cves}).",
            **cve_text(s),
            days=str(days),
        ),
        evidence={
            "system_id": s["system_id"].tolist(),
            "cves": s["cves"].tolist(),
            "expectation_days": [days] * len(s),
        },
        score=criticality_scores(65, s["criticality"]),
    )


def _patch_stale(ctx: RuleContext) -> pd.DataFrame:
    limit = ctx.settings.stale_patch_days
    s = systems(ctx)
    stale = s["expects_os"].astype(bool) & (
        s["days_since_patch"].isna() | (s["days_since_patch"] > limit)
    ).fillna(True)
    s = s[stale]
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) was last patched {patched}, more than the "
            "{limit} days policy allows.",
            limit=str(limit),
            patched=when(
                s["days_since_patch"].notna(),
                fill(s, "{days_since_patch} days ago ({date})", date=dates(s["last_patched"])),
                "at a date nobody recorded",
            ),
        ),
        evidence=SYSTEM_EVIDENCE + ["last_patched", "days_since_patch"],
        score=criticality_scores(45, s["criticality"]),
    )


KEV_OPEN = Rule(
    id="KEV_OPEN",
    title="Known-exploited vulnerability open",
    subject_type="system",
    score=85,
    remediation=(
        "Patch now (CISA expects known-exploited vulnerabilities fixed within weeks); if "
        "that is impossible, isolate the system and record a time-limited risk acceptance."
    ),
    references=("CISA KEV catalogue", "DSPT Standard 8 (patching)", "CAF B4.d"),
    caf="B4.d",
    problem=per_subject("unpatched"),
    evaluate=_kev_open,
)
KEV_MITIGATED = Rule(
    id="KEV_MITIGATED",
    title="Known-exploited vulnerability mitigated, not fixed",
    subject_type="system",
    score=40,
    remediation=(
        "Check the mitigation is still in place and still enough (vendors revise their "
        "advice, and attackers find ways round workarounds); record its reference and date "
        "in mitigation_ref and mitigated_on, and apply the fix when you can."
    ),
    references=("CISA KEV catalogue", "NHS England cyber alerts (48-hour response)", "CAF B4.d"),
    caf="B4.d",
    problem=per_subject("unpatched"),
    evaluate=_kev_mitigated,
)
PATCH_OVERDUE = Rule(
    id="PATCH_OVERDUE",
    title="High or critical patch overdue (14 days)",
    subject_type="system",
    score=65,
    remediation="Apply the vendor patch; critical and high patches are expected within 14 days.",
    references=PATCHING_REFS,
    caf="B4.d",
    problem=per_subject("unpatched"),
    evaluate=_patch_overdue,
)
PATCH_STALE = Rule(
    id="PATCH_STALE",
    title="System not patched recently",
    subject_type="system",
    score=45,
    remediation="Bring the system into the routine patch cycle and record the date patches are "
    "applied.",
    references=PATCHING_REFS,
    caf="B4.d",
    problem=per_subject("unpatched"),
    evaluate=_patch_stale,
)
