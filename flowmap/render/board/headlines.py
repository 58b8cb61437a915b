"""Headline figures with red / amber / green status (thresholds documented in docs/report.md).

Each figure is a count read straight from the analysis (its findings or its scored
systems), so it equals what ``flowmap analyse`` reports on the same input. Status is
green at 0, amber from ``amber_at`` and red from ``red_at``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from flowmap.render.board._html import RAG_COLOURS, STYLE, esc
from flowmap.render.board.load import scoped

#: Flow rules that mean a sensitive flow lacks a lawful basis, condition or agreement.
UNLAWFUL_FLOW_RULES = (
    "FLOW_NO_LAWFUL_BASIS",
    "FLOW_NO_SPECIAL_CONDITION",
    "FLOW_NO_DSA",
    "FLOW_DSA_EXPIRED",
)
#: Backup rules that mean an asset has no isolated, tested backup.
BACKUP_GAP_RULES = ("BACKUP_MISSING", "BACKUP_NOT_ISOLATED", "BACKUP_RESTORE_UNTESTED")


@dataclass(frozen=True)
class HeadlineSpec:
    """One headline: its key (the HTML id), label, thresholds and what it counts."""

    key: str
    label: str
    amber_at: int
    red_at: int
    counts: str


#: The five headlines, in report order. Thresholds are counts (green below ``amber_at``).
HEADLINES: tuple[HeadlineSpec, ...] = (
    HeadlineSpec(
        "unsupported_systems",
        "Unsupported systems",
        1,
        5,
        "systems whose OS is past vendor support with no extension in force (EOL_OS findings)",
    ),
    HeadlineSpec(
        "kev_open",
        "Open known-exploited vulnerabilities",
        1,
        1,
        "open or risk-accepted vulnerabilities in the CISA KEV catalogue",
    ),
    HeadlineSpec(
        "overdue_critical_patches",
        "Overdue critical patches",
        1,
        5,
        "open vulnerabilities with CVSS 7 or more (or unknown) whose patch was "
        "released more than 14 days ago",
    ),
    HeadlineSpec(
        "sensitive_flows_unlawful",
        "Sensitive flows without lawful basis or agreement",
        1,
        3,
        "flows of special category data with " + ", ".join(UNLAWFUL_FLOW_RULES),
    ),
    HeadlineSpec(
        "assets_without_resilient_backup",
        "Assets without an isolated, tested backup",
        1,
        3,
        "assets with " + ", ".join(BACKUP_GAP_RULES),
    ),
)


def rag(value: int, amber_at: int, red_at: int) -> str:
    """Red, amber or green for a count.

    Examples
    --------
    >>> rag(0, 1, 5), rag(2, 1, 5), rag(5, 1, 5), rag(1, 1, 1)
    ('green', 'amber', 'red', 'red')
    """
    if value >= red_at:
        return "red"
    return "amber" if value >= amber_at else "green"


@dataclass(frozen=True)
class Headline:
    """One computed headline figure."""

    key: str
    label: str
    value: int
    status: str
    counts: str


class Headlines(list):
    """The headline figures; shows as coloured tiles in Jupyter (ids ``fm-headline-<key>``)."""

    def frame(self) -> pd.DataFrame:
        """The figures as a table."""
        return pd.DataFrame([h.__dict__ for h in self])

    def as_dict(self) -> dict[str, int]:
        """``{key: value}``."""
        return {h.key: h.value for h in self}

    def _repr_html_(self) -> str:
        tiles = "".join(
            f'<div class="fm-headline fm-{h.status}" id="fm-headline-{h.key}" '
            f'data-value="{h.value}" data-status="{h.status}" '
            f'style="border-color:{RAG_COLOURS[h.status]}" title="{esc(h.counts)}">'
            f'<div class="fm-value">{h.value:,}</div><div class="fm-label">{esc(h.label)}</div>'
            f'<div class="fm-rag" style="color:{RAG_COLOURS[h.status]}">{h.status}</div></div>'
            for h in self
        )
        return f'{STYLE}<div class="fm-block fm-headlines" id="fm-headlines">{tiles}</div>'


def headline_values(analysis, org: str | None = None) -> dict[str, int]:
    """The five counts, for the whole inventory or one organisation."""
    f = scoped(analysis.findings, org)
    systems = scoped(analysis.systems, org)
    flows = scoped(analysis.flows, org, "sender_org_id", "receiver_org_id")
    sensitive = set(flows.loc[flows["special_category"], "flow_id"])
    all_f = analysis.findings
    unlawful = set(
        all_f.loc[
            all_f["rule"].isin(UNLAWFUL_FLOW_RULES) & (all_f["subject_type"] == "flow"),
            "subject_id",
        ]
    )
    return {
        "unsupported_systems": int((f["rule"] == "EOL_OS").sum()),
        "kev_open": int(systems["open_kev"].sum()),
        "overdue_critical_patches": int(systems["overdue_patches"].sum()),
        "sensitive_flows_unlawful": len(sensitive & unlawful),
        "assets_without_resilient_backup": int(
            f.loc[f["rule"].isin(BACKUP_GAP_RULES), "subject_id"].nunique()
        ),
    }


def headlines(analysis, org: str | None = None) -> Headlines:
    """The headline figures with their red / amber / green status."""
    values = headline_values(analysis, org)
    return Headlines(
        Headline(s.key, s.label, values[s.key], rag(values[s.key], s.amber_at, s.red_at), s.counts)
        for s in HEADLINES
    )
