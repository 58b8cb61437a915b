"""System rules: unsupported software, known-exploited and overdue vulnerabilities, exposure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.engine.likelihood import ACTIVE_STATUSES, OS_KINDS, overdue_mask
from flowmap.engine.rules.base import Rule, RuleContext, criticality_scores, hits
from flowmap.engine.rules.columns import grouped_lists, known
from flowmap.engine.rules.text import Text, dates, fill, text, when

SYSTEM_EVIDENCE = ["system_id", "name", "kind", "os", "zone", "criticality"]
PATCHING_REFS = (
    "DSPT Standard 8 (patching within 14 days)",
    "CAF B4.d",
    "Cyber Essentials: security update management",
)
UNSUPPORTED_REFS = (
    "DSPT Standard 8 (no unsupported systems)",
    "CAF B4.d",
    "Cyber Essentials: security update management",
)


#: Every column a system rule reads: rules select rows from these alone, which is faster
#: than copying all of ``ctx.systems``'s columns for each rule's rows.
SYSTEM_COLUMNS = [
    *SYSTEM_EVIDENCE,
    "org_id",
    "os_label",
    "support_end",
    "extended_end",
    "esu",
    "internet_facing",
    "os_match_reason",
    "os_recognised",
    "eol_status",
    "open_kev",
    "open_ransomware",
    "likelihood",
    "smb1",
    "mfa",
    "last_patched",
    "days_since_patch",
]


def _systems(ctx: RuleContext) -> pd.DataFrame:
    """``ctx.systems``'s :data:`SYSTEM_COLUMNS` (computed once, shared by the rules)."""
    if "rule_systems" not in ctx.cache:
        ctx.cache["rule_systems"] = ctx.systems[SYSTEM_COLUMNS]
    return ctx.cache["rule_systems"]


def _eol(ctx: RuleContext, status: str) -> pd.DataFrame:
    s = _systems(ctx)
    return s[s["eol_status"] == status]


def _eol_os(ctx: RuleContext) -> pd.DataFrame:
    s = _eol(ctx, "eol")
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) runs {os_label}, which lost vendor "
            "security support on {end} and has no extended support in force: "
            "new vulnerabilities will never be fixed.",
            end=dates(s["support_end"]),
        ),
        evidence=SYSTEM_EVIDENCE
        + ["os_label", "support_end", "extended_end", "esu", "internet_facing"],
        score=criticality_scores(75, s["criticality"]) + 10 * known(s["internet_facing"], True),
    )


def _eol_extended(ctx: RuleContext) -> pd.DataFrame:
    s = _eol(ctx, "eol_extended")
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) runs {os_label}, out of mainstream "
            "support since {end}; paid extended updates cover it until "
            "{extended}.",
            end=dates(s["support_end"]),
            extended=dates(s["extended_end"]),
        ),
        evidence=SYSTEM_EVIDENCE + ["os_label", "support_end", "extended_end", "esu"],
        score=criticality_scores(45, s["criticality"]),
    )


def _eol_soon(ctx: RuleContext) -> pd.DataFrame:
    s = _eol(ctx, "eol_soon")
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) runs {os_label}, whose vendor support "
            "ends on {end}: plan the upgrade now.",
            end=dates(s["support_end"]),
        ),
        evidence=SYSTEM_EVIDENCE + ["os_label", "support_end", "extended_end"],
        score=criticality_scores(30, s["criticality"]),
    )


def _os_unknown(ctx: RuleContext) -> pd.DataFrame:
    s = _eol(ctx, "unknown")
    os_recorded = [bool(v) for v in s["os"].to_numpy(dtype=object)]
    several = s["os_recognised"].fillna(False).astype(bool).to_numpy()
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) has {os}, so nobody can tell whether it is still supported.",
            os=when(
                os_recorded,
                when(
                    several,
                    fill(
                        s,
                        "an operating system ({os!r}) that may be releases whose support ends "
                        "on different dates (record the release, edition or build)",
                    ),
                    fill(
                        s,
                        "an operating system ({os!r}) that flowmap cannot match to a "
                        "supported product",
                    ),
                ),
                "no operating system recorded",
            ),
        ),
        evidence=SYSTEM_EVIDENCE + ["os_match_reason"],
        score=criticality_scores(35, s["criticality"]),
    )


def _system_vulns(ctx: RuleContext, mask: pd.Series) -> pd.DataFrame:
    """Per system, the CVEs of the vulnerability rows selected by ``mask``."""
    v = ctx.inventory.vulnerabilities[mask].sort_values("cve_id")
    grouped = grouped_lists(v["system_id"], v["cve_id"]).rename("cves")
    return _systems(ctx).merge(grouped, left_on="system_id", right_index=True)


def _cve_text(s: pd.DataFrame) -> dict[str, Text]:
    """Template values for a system's CVE list: ``{count}``, ``{y}`` and ``{cves}``."""
    count = s["cves"].map(len)
    return {
        "count": text(count),
        "y": when(count == 1, "y", "ies"),
        "cves": text([", ".join(c[:5]) + (", ..." if len(c) > 5 else "") for c in s["cves"]]),
    }


def _kev_open(ctx: RuleContext) -> pd.DataFrame:
    v = ctx.inventory.vulnerabilities
    active = v["status"].isin(ACTIVE_STATUSES) & v["kev"].fillna(False).astype(bool)
    s = _system_vulns(ctx, active)
    ransomware = (s["open_ransomware"] != 0).to_numpy()
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) has {count} open vulnerabilit{y} that "
            "attackers are known to exploit ({cves}){ransomware}.",
            **_cve_text(s),
            ransomware=when(ransomware, ", used in ransomware campaigns", ""),
        ),
        evidence={
            "system_id": s["system_id"].tolist(),
            "cves": s["cves"].tolist(),
            "ransomware": [int(n) for n in s["open_ransomware"]],
            "internet_facing": [_plain_bool(b) for b in s["internet_facing"]],
        },
        score=criticality_scores(85, s["criticality"]) + 5 * ransomware,
    )


def _patch_overdue(ctx: RuleContext) -> pd.DataFrame:
    s = _system_vulns(ctx, overdue_mask(ctx.inventory.vulnerabilities, ctx.as_of, ctx.settings))
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
            **_cve_text(s),
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
    s = _systems(ctx)
    stale = s["kind"].isin(OS_KINDS) & (
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


def _internet_exposed_vulnerable(ctx: RuleContext) -> pd.DataFrame:
    s = _systems(ctx)
    bad = s["internet_facing"].fillna(False).astype(bool) & (
        (s["eol_status"] == "eol") | (s["open_kev"] > 0)
    )
    s = s[bad]
    eol = (s["eol_status"] == "eol").to_numpy()
    kev = (s["open_kev"] != 0).to_numpy()
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) can be reached from the internet and "
            "{eol}{also}{kev}: this is how WannaCry-style attacks get in.",
            eol=when(eol, "runs an unsupported operating system", ""),
            also=when(eol & kev, " and ", ""),
            kev=when(
                kev,
                fill(
                    s,
                    "has {open_kev} known-exploited vulnerabilit{y}",
                    y=when(s["open_kev"] == 1, "y", "ies"),
                ),
                "",
            ),
        ),
        evidence=SYSTEM_EVIDENCE + ["eol_status", "open_kev", "likelihood"],
        score=criticality_scores(92, s["criticality"]),
    )


def _smb1(ctx: RuleContext) -> pd.DataFrame:
    s = _systems(ctx)
    s = s[s["smb1"].fillna(False).astype(bool)]
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) has SMBv1 enabled, the protocol WannaCry "
            "spread through; disable it.",
        ),
        evidence=SYSTEM_EVIDENCE + ["smb1"],
        score=criticality_scores(65, s["criticality"]),
    )


def _no_mfa_internet(ctx: RuleContext) -> pd.DataFrame:
    s = _systems(ctx)
    bad = s["internet_facing"].fillna(False).astype(bool) & (s["mfa"] != True)  # noqa: E712
    s = s[bad.fillna(True)]
    no_mfa = known(s["mfa"], False)
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) can be reached from the internet {mfa}.",
            mfa=when(
                no_mfa,
                "without multi-factor authentication",
                "and nobody has recorded whether it enforces multi-factor authentication",
            ),
        ),
        evidence=SYSTEM_EVIDENCE + ["internet_facing", "mfa"],
        score=criticality_scores(np.where(no_mfa, 70, 55), s["criticality"]),
    )


def _plain_bool(value: object) -> bool | None:
    return None if value is pd.NA or value is None else bool(value)


RULES = (
    Rule(
        id="EOL_OS",
        title="Unsupported operating system",
        subject_type="system",
        score=75,
        remediation=(
            "Upgrade to a supported version; until then isolate it from the network and "
            "enrol "
            "it in paid extended security updates if the vendor offers them."
        ),
        references=UNSUPPORTED_REFS,
        caf="B4.d",
        evaluate=_eol_os,
    ),
    Rule(
        id="EOL_EXTENDED",
        title="Operating system on paid extended support",
        subject_type="system",
        score=45,
        remediation="Plan and fund the upgrade before the extended updates end.",
        references=UNSUPPORTED_REFS,
        caf="B4.d",
        evaluate=_eol_extended,
    ),
    Rule(
        id="EOL_SOON",
        title="Operating system support ends within a year",
        subject_type="system",
        score=30,
        remediation="Schedule the upgrade or replacement before support ends.",
        references=UNSUPPORTED_REFS,
        caf="B4.d",
        evaluate=_eol_soon,
    ),
    Rule(
        id="OS_UNKNOWN",
        title="Operating system not recorded or not recognised",
        subject_type="system",
        score=35,
        remediation=(
            "Record the operating system and version in the asset register (e.g. "
            "'Windows Server "
            "2019', 'Ubuntu 22.04')."
        ),
        references=("DSPT Standard 8", "CAF A3.a"),
        caf="A3.a",
        evaluate=_os_unknown,
    ),
    Rule(
        id="KEV_OPEN",
        title="Known-exploited vulnerability open",
        subject_type="system",
        score=85,
        remediation=(
            "Patch now (CISA expects known-exploited vulnerabilities fixed within "
            "weeks); if "
            "that is impossible, isolate the system and record a time-limited risk acceptance."
        ),
        references=("CISA KEV catalogue", "DSPT Standard 8 (patching)", "CAF B4.d"),
        caf="B4.d",
        evaluate=_kev_open,
    ),
    Rule(
        id="PATCH_OVERDUE",
        title="High or critical patch overdue (14 days)",
        subject_type="system",
        score=65,
        remediation=(
            "Apply the vendor patch; critical and high patches are expected within 14 days."
        ),
        references=PATCHING_REFS,
        caf="B4.d",
        evaluate=_patch_overdue,
    ),
    Rule(
        id="PATCH_STALE",
        title="System not patched recently",
        subject_type="system",
        score=45,
        remediation="Bring the system into the routine patch cycle and record the date patches are "
        "applied.",
        references=PATCHING_REFS,
        caf="B4.d",
        evaluate=_patch_stale,
    ),
    Rule(
        id="INTERNET_EXPOSED_VULNERABLE",
        title="Internet-facing and unsupported or known-exploited",
        subject_type="system",
        score=92,
        remediation="Take it off the internet or put it behind a VPN with MFA today; then patch or "
        "upgrade it.",
        references=("CAF B4.d", "CAF B2.c", "NCSC: vulnerability management"),
        caf="B4.d",
        evaluate=_internet_exposed_vulnerable,
    ),
    Rule(
        id="SMB1_ENABLED",
        title="SMBv1 enabled",
        subject_type="system",
        score=65,
        remediation="Disable SMBv1 (Microsoft has deprecated it); use SMBv3.",
        references=("CAF B4.d", "NHS England cyber alert CC-1353 (WannaCry)"),
        caf="B4.d",
        evaluate=_smb1,
    ),
    Rule(
        id="NO_MFA_INTERNET",
        title="Internet-facing without multi-factor authentication",
        subject_type="system",
        score=70,
        remediation="Enforce multi-factor authentication for every internet-facing login.",
        references=(
            "DSPT Standard 4 (managing access)",
            "CAF B2.a",
            "Cyber Essentials: user access control",
        ),
        caf="B2.a",
        evaluate=_no_mfa_internet,
    ),
)
