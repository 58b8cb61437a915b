"""System rules on vendor support: unsupported, extended, ending soon, or not known."""

from __future__ import annotations

import pandas as pd

from flowmap.engine.problems import per_subject
from flowmap.engine.rules.base import Rule, RuleContext, criticality_scores, hits
from flowmap.engine.rules.columns import known
from flowmap.engine.rules.sysbase import SYSTEM_EVIDENCE, UNSUPPORTED_REFS, systems
from flowmap.engine.rules.text import dates, fill, when


def _eol(ctx: RuleContext, status: str) -> pd.DataFrame:
    s = systems(ctx)
    return s[s["eol_status"] == status]


def _eol_os(ctx: RuleContext) -> pd.DataFrame:
    s = _eol(ctx, "eol")
    still_sold = (s["extended_end"] >= ctx.today).fillna(False).to_numpy(dtype=bool)
    named = s["extension"].astype(object).fillna("")
    extension = named.where(named != "", "extended security updates")
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) runs {os_label}, which lost vendor "
            "security support on {end} and has no extended support in force: {outlook}",
            end=dates(s["support_end"]),
            outlook=when(
                still_sold,
                fill(
                    s,
                    "it gets no security fixes unless it is enrolled in the extension still "
                    "offered for it ({extension}), which runs to {extended}.",
                    extended=dates(s["extended_end"]),
                    extension=extension,
                ),
                "new vulnerabilities will never be fixed.",
            ),
        ),
        evidence=SYSTEM_EVIDENCE
        + ["os_label", "support_end", "extended_end", "extension", "esu", "internet_facing"],
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


EOL_OS = Rule(
    id="EOL_OS",
    title="Unsupported operating system",
    subject_type="system",
    score=75,
    remediation=(
        "Upgrade to a supported version; until then isolate it from the network and enrol "
        "it in paid extended security updates if the vendor offers them."
    ),
    references=UNSUPPORTED_REFS,
    caf="B4.d",
    problem=per_subject("unsupported"),
    evaluate=_eol_os,
)
EOL_EXTENDED = Rule(
    id="EOL_EXTENDED",
    title="Operating system on paid extended support",
    subject_type="system",
    score=45,
    remediation="Plan and fund the upgrade before the extended updates end.",
    references=UNSUPPORTED_REFS,
    caf="B4.d",
    problem=per_subject("unsupported"),
    evaluate=_eol_extended,
)
EOL_SOON = Rule(
    id="EOL_SOON",
    title="Operating system support ends within a year",
    subject_type="system",
    score=30,
    remediation="Schedule the upgrade or replacement before support ends.",
    references=UNSUPPORTED_REFS,
    caf="B4.d",
    problem=per_subject("unsupported"),
    evaluate=_eol_soon,
)
OS_UNKNOWN = Rule(
    id="OS_UNKNOWN",
    title="Operating system not recorded or not recognised",
    subject_type="system",
    score=35,
    remediation=(
        "Record the operating system or firmware and its version in the asset register "
        "(e.g. 'Windows Server 2019', 'Ubuntu 22.04', 'Synology DSM 7.2') and check it "
        "against the vendor's support dates."
    ),
    references=("DSPT Standard 8", "CAF A3.a"),
    caf="A3.a",
    problem=per_subject("os-unknown"),
    evaluate=_os_unknown,
)
