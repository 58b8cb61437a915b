"""Data quality, and what changed since the last report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowmap.render import fmt
from flowmap.render.board import cache
from flowmap.render.board._html import SEVERITY_RAG, Chip, block, esc
from flowmap.render.board.risks import org_names
from flowmap.render.board.table import Table

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Columns named in words where the code alone would not say what is missing.
COLUMN_WORDS = {
    "os": "operating system",
    "esu": "extended security updates",
    "mfa": "multi-factor authentication",
    "smb1": "SMBv1 setting",
    "ce_plus": "Cyber Essentials Plus",
    "dspt_status": "DSPT status",
    "dsa_ref": "data-sharing agreement",
    "dsa_expires": "agreement end date",
    "rto_hours": "recovery time objective",
    "rpo_hours": "recovery point objective",
    "last_restore_test": "last restore test",
    "internet_facing": "internet-facing",
    "last_patched": "last patched date",
    "zone": "network zone",
}
CHANGE_WORDS = {"new": "New", "resolved": "Resolved", "worsened": "Worse", "improved": "Better"}
CHANGE_RAG = {"new": "red", "worsened": "red", "resolved": "green", "improved": "green"}
#: Changed problems listed in the paper.
TOP_CHANGES = 15


def data_quality(analysis: Analysis, n: int = 15) -> Table:
    """Columns the risk rules use where the inventory leaves cells empty (unknown)."""
    dq = analysis.inventory.report.data_quality
    dq = dq[dq["unknown"] > 0].sort_values(
        ["share_unknown", "unknown"], ascending=[False, False], kind="stable"
    )
    total = len(dq)
    dq = dq.head(n)
    frame = pd.DataFrame(
        {
            "What is not recorded": [
                f"{fmt.words(t)}: {COLUMN_WORDS.get(c, fmt.words(c).lower())}"
                for t, c in zip(dq["table"], dq["column"])
            ],
            "Rows without it": [fmt.count(v) for v in dq["unknown"]],
            "Of": [fmt.count(v) for v in dq["rows"]],
            "Share": [fmt.pct(v) for v in dq["share_unknown"]],
        }
    )
    return Table(
        frame,
        id="fm-data-quality",
        numeric=["Rows without it", "Of", "Share"],
        note=f"The {n} largest gaps of {total}." if total > n else "",
        empty="Every column the risk rules use is filled in.",
    )


def changes(previous, analysis: Analysis, org: str | None = None, n: int = TOP_CHANGES):
    """What changed since the previous inventory (``flowmap.diff``); a note when none given."""
    if previous is None:
        return block(
            "<p>No earlier inventory was given, so this report cannot say what changed. "
            "Give last quarter's inventory next time to see new, resolved and worsened "
            "risks.</p>",
            id="fm-changes",
        )
    import flowmap

    d = flowmap.diff(previous, analysis)
    # problems, not findings: patching one gateway is one problem resolved (docs/scoring.md)
    f = d.problems
    if org:
        f = f[f["org_id"] == org]
        before = float(cache.summary(previous)["by_org"].get(org, {}).get("total_risk", 0.0))
        after = float(cache.summary(analysis)["by_org"].get(org, {}).get("total_risk", 0.0))
    else:
        before, after = d.risk_before, d.risk_after
    counts = {c: int((f["change"] == c).sum()) for c in CHANGE_WORDS}
    direction = "up" if after > before else "down" if after < before else "unchanged"
    since = fmt.day(previous.as_of)
    tiles = "".join(
        f'<li id="fm-changes-{k}" data-value="{v}"><b>{v:,}</b> {CHANGE_WORDS[k].lower()}</li>'
        for k, v in counts.items()
    )
    shown = f[f["change"].isin(["new", "worsened", "resolved"])]  # already in that order
    total = len(shown)
    shown = shown.head(n)
    names = org_names(analysis)
    sev = shown["new_severity"].where(shown["new_severity"] != "", shown["old_severity"])
    held = shown["findings_after"].where(shown["change"] != "resolved", shown["findings_before"])
    table = Table(
        pd.DataFrame(
            {
                "Change": [Chip(CHANGE_RAG[c], CHANGE_WORDS[c]) for c in shown["change"].to_list()],
                "Organisation": shown["org_id"].map(names).fillna(shown["org_id"]).to_list(),
                "Problem": shown["title"].to_list(),
                "What": [
                    m if k == 1 else f"{m} ({k:,} findings)"
                    for m, k in zip(shown["message"].to_list(), held.astype(int).to_list())
                ],
                "Severity": [fmt.words(s) for s in sev],
            }
        ),
        id="fm-changes-table",
        note=f"The first {n} of {total:,} changes." if total > n else "",
        empty="No problem is new, resolved or worse.",
    )
    return block(
        f'<p class="fm-lead">Since {esc(since)}, total risk went <b id="fm-risk-direction">'
        f'{direction}</b>: from <span id="fm-risk-before">{esc(fmt.risk(before))}</span> to '
        f'<span id="fm-risk-after">{esc(fmt.risk(after))}</span> risk points '
        f"({esc(fmt.change(before, after))}).</p>"
        f'<ul class="fm-counts-list">{tiles}</ul>{table.html()}',
        id="fm-changes",
    )


__all__ = ["CHANGE_WORDS", "SEVERITY_RAG", "changes", "data_quality"]
