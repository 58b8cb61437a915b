"""What every system rule shares: the columns it reads and the references it cites."""

from __future__ import annotations

import pandas as pd

from flowmap.engine.rules.base import RuleContext
from flowmap.engine.rules.columns import grouped_lists
from flowmap.engine.rules.text import Text, text, when

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
    "extension",
    "esu",
    "internet_facing",
    "internet_exposure",
    "public_service",
    "expects_os",
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


def systems(ctx: RuleContext) -> pd.DataFrame:
    """``ctx.systems``'s :data:`SYSTEM_COLUMNS` (computed once, shared by the rules)."""
    if "rule_systems" not in ctx.cache:
        ctx.cache["rule_systems"] = ctx.systems[SYSTEM_COLUMNS]
    return ctx.cache["rule_systems"]


def system_vulns(ctx: RuleContext, mask: pd.Series) -> pd.DataFrame:
    """Per system, the CVEs of the vulnerability rows selected by ``mask``."""
    v = ctx.inventory.vulnerabilities[mask].sort_values("cve_id")
    grouped = grouped_lists(v["system_id"], v["cve_id"]).rename("cves")
    return systems(ctx).merge(grouped, left_on="system_id", right_index=True)


def cve_text(s: pd.DataFrame) -> dict[str, Text]:
    """Template values for a system's CVE list: ``{count}``, ``{y}`` and ``{cves}``."""
    count = s["cves"].map(len)
    return {
        "count": text(count),
        "y": when(count == 1, "y", "ies"),
        "cves": text([", ".join(c[:5]) + (", ..." if len(c) > 5 else "") for c in s["cves"]]),
    }


def plain_bool(value: object) -> bool | None:
    """A nullable yes/no as JSON holds it."""
    return None if value is pd.NA or value is None else bool(value)
