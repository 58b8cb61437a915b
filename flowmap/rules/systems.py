"""System rules: unsupported software, known-exploited and overdue vulnerabilities, exposure."""

from __future__ import annotations

import pandas as pd

from flowmap.likelihood import ACTIVE_STATUSES, OS_KINDS, overdue_mask
from flowmap.rules.base import Rule, RuleContext, criticality_score, date_text, hits

SYSTEM_EVIDENCE = ["system_id", "name", "kind", "os", "zone", "criticality"]
PATCHING_REFS = ("DSPT Standard 8 (patching within 14 days)", "CAF B4.d",
                 "Cyber Essentials: security update management")
UNSUPPORTED_REFS = ("DSPT Standard 8 (no unsupported systems)", "CAF B4.d",
                    "Cyber Essentials: security update management")


def _name(r) -> str:
    return f"{r.name} ({r.system_id})"


def _eol(ctx: RuleContext, status: str) -> pd.DataFrame:
    return ctx.systems[ctx.systems["eol_status"] == status]


def _eol_os(ctx: RuleContext) -> pd.DataFrame:
    s = _eol(ctx, "eol")
    return hits(s, subject="system_id", org="org_id",
                message=lambda r: (f"{_name(r)} runs {r.os_label}, which lost vendor security "
                                   f"support on {date_text(r.support_end)} and has no extended "
                                   "support in force: new vulnerabilities will never be fixed."),
                evidence=SYSTEM_EVIDENCE + ["os_label", "support_end", "extended_end", "esu",
                                            "internet_facing"],
                score=lambda r: criticality_score(75, r.criticality)
                + (10 if _plain_bool(r.internet_facing) is True else 0))


def _eol_extended(ctx: RuleContext) -> pd.DataFrame:
    return hits(_eol(ctx, "eol_extended"), subject="system_id", org="org_id",
                message=lambda r: (f"{_name(r)} runs {r.os_label}, out of mainstream support "
                                   f"since {date_text(r.support_end)}; paid extended updates "
                                   f"cover it until {date_text(r.extended_end)}."),
                evidence=SYSTEM_EVIDENCE + ["os_label", "support_end", "extended_end", "esu"],
                score=lambda r: criticality_score(45, r.criticality))


def _eol_soon(ctx: RuleContext) -> pd.DataFrame:
    return hits(_eol(ctx, "eol_soon"), subject="system_id", org="org_id",
                message=lambda r: (f"{_name(r)} runs {r.os_label}, whose vendor support ends on "
                                   f"{date_text(r.support_end)}: plan the upgrade now."),
                evidence=SYSTEM_EVIDENCE + ["os_label", "support_end", "extended_end"],
                score=lambda r: criticality_score(30, r.criticality))


def _os_unknown(ctx: RuleContext) -> pd.DataFrame:
    s = _eol(ctx, "unknown")
    return hits(s, subject="system_id", org="org_id",
                message=lambda r: (f"{_name(r)} has " + (f"an operating system ({r.os!r}) that "
                                   "flowmap cannot match to a supported product"
                                   if r.os else "no operating system recorded")
                                   + ", so nobody can tell whether it is still supported."),
                evidence=SYSTEM_EVIDENCE + ["os_match_reason"],
                score=lambda r: criticality_score(35, r.criticality))


def _system_vulns(ctx: RuleContext, mask: pd.Series) -> pd.DataFrame:
    """Per system, the CVEs of the vulnerability rows selected by ``mask``."""
    v = ctx.inventory.vulnerabilities[mask]
    grouped = v.sort_values("cve_id").groupby("system_id")["cve_id"].agg(list).rename("cves")
    return ctx.systems.merge(grouped, left_on="system_id", right_index=True)


def _kev_open(ctx: RuleContext) -> pd.DataFrame:
    v = ctx.inventory.vulnerabilities
    active = v["status"].isin(ACTIVE_STATUSES) & v["kev"].fillna(False).astype(bool)
    s = _system_vulns(ctx, active)
    return hits(s, subject="system_id", org="org_id",
                message=lambda r: (f"{_name(r)} has {len(r.cves)} open vulnerabilit"
                                   f"{'y' if len(r.cves) == 1 else 'ies'} that attackers are known "
                                   f"to exploit ({', '.join(r.cves[:5])}"
                                   f"{', ...' if len(r.cves) > 5 else ''})"
                                   + (", used in ransomware campaigns" if r.open_ransomware else "")
                                   + "."),
                evidence=lambda r: {"system_id": r.system_id, "cves": r.cves,
                                    "ransomware": int(r.open_ransomware),
                                    "internet_facing": _plain_bool(r.internet_facing)},
                score=lambda r: criticality_score(85, r.criticality)
                + (5 if r.open_ransomware else 0))


def _patch_overdue(ctx: RuleContext) -> pd.DataFrame:
    s = _system_vulns(ctx, overdue_mask(ctx.inventory.vulnerabilities, ctx.as_of, ctx.settings))
    days = ctx.settings.patch_expectation_days
    return hits(s, subject="system_id", org="org_id",
                message=lambda r: (f"{_name(r)} has {len(r.cves)} high or critical "
                                   f"vulnerabilit{'y' if len(r.cves) == 1 else 'ies'} whose patch "
                                   f"was released more than {days} days ago "
                                   f"({', '.join(r.cves[:5])}{', ...' if len(r.cves) > 5 else ''})."),
                evidence=lambda r: {"system_id": r.system_id, "cves": r.cves,
                                    "expectation_days": days},
                score=lambda r: criticality_score(65, r.criticality))


def _patch_stale(ctx: RuleContext) -> pd.DataFrame:
    limit = ctx.settings.stale_patch_days
    s = ctx.systems
    stale = s["kind"].isin(OS_KINDS) & (s["days_since_patch"].isna()
                                        | (s["days_since_patch"] > limit)).fillna(True)
    return hits(s[stale], subject="system_id", org="org_id",
                message=lambda r: (f"{_name(r)} was last patched "
                                   + (f"{int(r.days_since_patch)} days ago ({date_text(r.last_patched)})"
                                      if r.days_since_patch is not pd.NA else
                                      "at a date nobody recorded")
                                   + f", more than the {limit} days policy allows."),
                evidence=SYSTEM_EVIDENCE + ["last_patched", "days_since_patch"],
                score=lambda r: criticality_score(45, r.criticality))


def _internet_exposed_vulnerable(ctx: RuleContext) -> pd.DataFrame:
    s = ctx.systems
    bad = s["internet_facing"].fillna(False).astype(bool) & (
        (s["eol_status"] == "eol") | (s["open_kev"] > 0))
    return hits(s[bad], subject="system_id", org="org_id",
                message=lambda r: (f"{_name(r)} can be reached from the internet and "
                                   + ("runs an unsupported operating system"
                                      if r.eol_status == "eol" else "")
                                   + (" and " if r.eol_status == "eol" and r.open_kev else "")
                                   + (f"has {r.open_kev} known-exploited vulnerabilit"
                                      f"{'y' if r.open_kev == 1 else 'ies'}" if r.open_kev else "")
                                   + ": this is how WannaCry-style attacks get in."),
                evidence=SYSTEM_EVIDENCE + ["eol_status", "open_kev", "likelihood"],
                score=lambda r: criticality_score(92, r.criticality))


def _smb1(ctx: RuleContext) -> pd.DataFrame:
    s = ctx.systems
    return hits(s[s["smb1"].fillna(False).astype(bool)], subject="system_id", org="org_id",
                message=lambda r: (f"{_name(r)} has SMBv1 enabled, the protocol WannaCry spread "
                                   "through; disable it."),
                evidence=SYSTEM_EVIDENCE + ["smb1"],
                score=lambda r: criticality_score(65, r.criticality))


def _no_mfa_internet(ctx: RuleContext) -> pd.DataFrame:
    s = ctx.systems
    bad = s["internet_facing"].fillna(False).astype(bool) & (s["mfa"] != True)  # noqa: E712
    return hits(s[bad.fillna(True)], subject="system_id", org="org_id",
                message=lambda r: (f"{_name(r)} can be reached from the internet "
                                   + ("without multi-factor authentication"
                                      if _plain_bool(r.mfa) is False else
                                      "and nobody has recorded whether it enforces multi-factor "
                                      "authentication") + "."),
                evidence=SYSTEM_EVIDENCE + ["internet_facing", "mfa"],
                score=lambda r: criticality_score(70 if _plain_bool(r.mfa) is False else 55,
                                                  r.criticality))


def _plain_bool(value: object) -> bool | None:
    return None if value is pd.NA or value is None else bool(value)


RULES = (
    Rule("EOL_OS", "Unsupported operating system", "system", 75,
         "Upgrade to a supported version; until then isolate it from the network and enrol "
         "it in paid extended security updates if the vendor offers them.",
         UNSUPPORTED_REFS, "B4.d", _eol_os),
    Rule("EOL_EXTENDED", "Operating system on paid extended support", "system", 45,
         "Plan and fund the upgrade before the extended updates end.",
         UNSUPPORTED_REFS, "B4.d", _eol_extended),
    Rule("EOL_SOON", "Operating system support ends within a year", "system", 30,
         "Schedule the upgrade or replacement before support ends.",
         UNSUPPORTED_REFS, "B4.d", _eol_soon),
    Rule("OS_UNKNOWN", "Operating system not recorded or not recognised", "system", 35,
         "Record the operating system and version in the asset register (e.g. 'Windows Server "
         "2019', 'Ubuntu 22.04').", ("DSPT Standard 8", "CAF A3.a"), "A3.a", _os_unknown),
    Rule("KEV_OPEN", "Known-exploited vulnerability open", "system", 85,
         "Patch now (CISA expects known-exploited vulnerabilities fixed within weeks); if "
         "that is impossible, isolate the system and record a time-limited risk acceptance.",
         ("CISA KEV catalogue", "DSPT Standard 8 (patching)", "CAF B4.d"), "B4.d", _kev_open),
    Rule("PATCH_OVERDUE", "High or critical patch overdue (14 days)", "system", 65,
         "Apply the vendor patch; critical and high patches are expected within 14 days.",
         PATCHING_REFS, "B4.d", _patch_overdue),
    Rule("PATCH_STALE", "System not patched recently", "system", 45,
         "Bring the system into the routine patch cycle and record the date patches are "
         "applied.", PATCHING_REFS, "B4.d", _patch_stale),
    Rule("INTERNET_EXPOSED_VULNERABLE", "Internet-facing and unsupported or known-exploited",
         "system", 92,
         "Take it off the internet or put it behind a VPN with MFA today; then patch or "
         "upgrade it.", ("CAF B4.d", "CAF B2.c", "NCSC: vulnerability management"), "B4.d",
         _internet_exposed_vulnerable),
    Rule("SMB1_ENABLED", "SMBv1 enabled", "system", 65,
         "Disable SMBv1 (Microsoft has deprecated it); use SMBv3.",
         ("CAF B4.d", "NHS England cyber alert CC-1353 (WannaCry)"), "B4.d", _smb1),
    Rule("NO_MFA_INTERNET", "Internet-facing without multi-factor authentication", "system", 70,
         "Enforce multi-factor authentication for every internet-facing login.",
         ("DSPT Standard 4 (managing access)", "CAF B2.a", "Cyber Essentials: user access "
          "control"), "B2.a", _no_mfa_internet),
)
