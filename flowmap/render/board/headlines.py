"""Headline figures with red / amber / green status (thresholds documented in docs/report.md).

Each figure is a count read straight from the analysis (its findings or its scored
systems; :mod:`flowmap.engine.figures`), so it equals what ``flowmap analyse`` reports
on the same input. Status is green at 0, amber from ``amber_at`` and red from
``red_at``. Given an earlier position, each tile also says how the figure moved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.engine.figures import BACKUP_GAP_RULES, UNLAWFUL_FLOW_RULES, headline_counts
from flowmap.render import fmt
from flowmap.render.board._html import RAG_COLOURS, RAG_WORDS, esc, style_tag

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

__all__ = [
    "BACKUP_GAP_RULES",
    "HEADLINES",
    "UNLAWFUL_FLOW_RULES",
    "Headline",
    "HeadlineSpec",
    "Headlines",
    "headline_values",
    "headlines",
    "rag",
]


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
        "systems whose operating system is past vendor support with no paid extension in force",
    ),
    HeadlineSpec(
        "kev_open",
        "Open known-exploited vulnerabilities",
        1,
        1,
        "open or risk-accepted vulnerabilities that attackers are known to exploit "
        "(the US CISA Known Exploited Vulnerabilities catalogue)",
    ),
    HeadlineSpec(
        "overdue_critical_patches",
        "Overdue critical patches",
        1,
        5,
        "open vulnerabilities rated high or critical (or unrated) whose fix was released "
        "more than 14 days ago",
    ),
    HeadlineSpec(
        "sensitive_flows_unlawful",
        "Sensitive flows without lawful basis or agreement",
        1,
        3,
        "flows of special category data with no recorded lawful basis or condition, or no "
        "data-sharing agreement in force",
    ),
    HeadlineSpec(
        "assets_without_resilient_backup",
        "Assets without an isolated, tested backup",
        1,
        3,
        "information assets with no backup, no offline or immutable copy, or no restore "
        "tested in the last 12 months",
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
    """One computed headline figure (``before``: the earlier position's value, if known)."""

    key: str
    label: str
    value: int
    status: str
    counts: str
    before: int | None = None

    def movement(self, since: dt.date | None) -> str:
        """How the figure moved since ``since``, in words ('' when not known).

        >>> h = Headline("k", "K", 5, "red", "", before=3)
        >>> h.movement(dt.date(2026, 8, 1))
        'up 2 since 1 Aug 2026'
        """
        if self.before is None or since is None:
            return ""
        d = self.value - self.before
        moved = "no change" if d == 0 else f"{'up' if d > 0 else 'down'} {abs(d):,}"
        return f"{moved} since {fmt.day(since)}"


class Headlines(list):
    """The headline figures; shows as coloured tiles (ids ``fm-headline-<key>``)."""

    since: dt.date | None = None

    def frame(self) -> pd.DataFrame:
        """The figures as a table."""
        return pd.DataFrame([h.__dict__ for h in self])

    def as_dict(self) -> dict[str, int]:
        """``{key: value}``."""
        return {h.key: h.value for h in self}

    def html(self) -> str:
        tiles = []
        for h in self:
            move = h.movement(self.since)
            arrow = ""
            if move:
                mark = "\u25b2" if h.value > (h.before or 0) else "\u25bc"
                mark = "" if h.value == h.before else f'<span aria-hidden="true">{mark}</span> '
                arrow = f'<div class="fm-move">{mark}{esc(move)}</div>'
            tiles.append(
                f'<div class="fm-headline fm-{h.status}" id="fm-headline-{h.key}" '
                f'data-value="{h.value}" data-status="{h.status}" '
                f'style="border-color:{RAG_COLOURS[h.status]}">'
                f'<div class="fm-value">{h.value:,}</div><div class="fm-label">{esc(h.label)}</div>'
                f'<div class="fm-rag"><span class="fm-chip fm-chip-{h.status}">'
                f'<span class="fm-chip-mark" aria-hidden="true"></span>{RAG_WORDS[h.status]}'
                f"</span></div>{arrow}"
                f'<div class="fm-counts">{esc(h.counts[:1].upper() + h.counts[1:])}.</div></div>'
            )
        return f'<div class="fm-block fm-headlines" id="fm-headlines">{"".join(tiles)}</div>'

    def _repr_html_(self) -> str:
        return style_tag() + self.html()


def headline_values(analysis: Analysis, org: str | None = None) -> dict[str, int]:
    """The five counts, for the whole inventory or one organisation."""
    return headline_counts(analysis.findings, analysis.systems, analysis.flows, org or None)


def headlines(
    analysis: Analysis,
    org: str | None = None,
    *,
    before: dict[str, int | None] | None = None,
    since: dt.date | None = None,
) -> Headlines:
    """The headline figures with their status, and how each moved since ``since``."""
    values = headline_values(analysis, org)
    before = before or {}
    out = Headlines(
        Headline(
            s.key,
            s.label,
            values[s.key],
            rag(values[s.key], s.amber_at, s.red_at),
            s.counts,
            before.get(s.key),
        )
        for s in HEADLINES
    )
    out.since = since if before else None
    return out
