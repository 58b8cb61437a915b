"""The IG team's paperwork in the board paper: agreements and contracts ending in the
next 90 days, and the DSPT evidence by outcome for the assessment year.

Both come from :mod:`flowmap.governance` (the same tables as ``flowmap agreements`` and
``flowmap dspt``), shown in the paper's words.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.governance.agreements import CALENDAR_DAYS, agreement_calendar
from flowmap.governance.dspt import SAYS, dspt_evidence, framework_for
from flowmap.reference.dspt import load_dspt_mapping
from flowmap.render import fmt
from flowmap.render.board._html import Chip
from flowmap.render.board.table import Table

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: How the paper words what the inventory says of an outcome (every value of
#: :data:`flowmap.governance.dspt.SAYS`, in its order: the worst first).
SAY_WORDS = {
    "contradicted": ("red", "Contradicted"),
    "evidence, with gaps": ("amber", "Evidence, with gaps"),
    "evidence": ("green", "Evidenced"),
    "not covered by the inventory": ("grey", "Not covered"),
}
#: Rows of the DSPT table in the paper (the rest are in ``flowmap dspt``'s files).
DSPT_SHOWN = 12


#: Rule codes and command names in the governance wording, which a board paper leaves out
#: (it names things in words): "(EOL_OS)", "(flowmap ropa)".
_CODES = re.compile(r" \((?:[A-Z][A-Z0-9_]{2,}|flowmap [a-z-]+)\)")


def _plain(text: object, limit: int) -> str:
    """Governance wording for the paper: without codes, cut at ``limit`` characters.

    >>> _plain("Unsupported operating system (EOL_OS): 18; ropa (flowmap ropa)", 80)
    'Unsupported operating system: 18; ropa'
    """
    return fmt.shorten(_CODES.sub("", str(text or "")), limit)


def _shown(items: str, limit: int = 3) -> str:
    parts = [p.strip() for p in str(items or "").split(",") if p.strip()]
    more = len(parts) - limit
    return ", ".join(parts[:limit]) + (f" and {more:,} more" if more > 0 else "")


def _covers(row: dict) -> str:
    """What an agreement covers (its flows) or a contract (its systems), counted."""
    for key, one in (("flows", "data flow"), ("systems", "system")):
        n = len([x for x in str(row.get(key) or "").split(",") if x.strip()])
        if n:
            return fmt.plural(n, one)
    return ""


def agreements_ending(analysis: Analysis, org: str | None = None) -> Table:
    """Data-sharing agreements and processing contracts that end within 90 days of the
    as-of date, or have ended while flows still rely on them, soonest first."""
    cal = agreement_calendar(analysis, org=org or None)
    rows = [
        {
            "Ends": fmt.day(r["expires"]),
            "Status": Chip("red" if r["days_left"] < 0 else "amber", fmt.words(r["status"])),
            "Agreement or contract": f"{r['ref']} ({r['kind']})",
            "Parties": _shown(r["parties"]),
            "Covers": _covers(r),
        }
        for r in cal.to_dict(orient="records")
    ]
    return Table(
        pd.DataFrame(
            rows, columns=["Ends", "Status", "Agreement or contract", "Parties", "Covers"]
        ),
        id="fm-agreements-ending",
        empty=f"No data-sharing agreement or contract ends in the next {CALENDAR_DAYS} days.",
    )


def _framework(analysis: Analysis, org: str | None) -> str:
    if org:
        orgs = analysis.inventory.organisations.drop_duplicates("org_id").set_index("org_id")
        chosen = framework_for(orgs.loc[org])
        return chosen if chosen != "not_applicable" else ""
    return "caf_aligned"


def dspt_outcomes(analysis: Analysis, org: str | None = None) -> Table:
    """What the inventory evidences, contradicts and misses for each DSPT outcome the
    findings touch (contradicted first), for the latest assessment year flowmap ships."""
    framework = _framework(analysis, org)
    mapping = load_dspt_mapping()
    if not framework:
        return Table(
            pd.DataFrame(),
            id="fm-dspt-evidence",
            empty="This organisation does not complete a DSPT (its dspt_framework is "
            "not_applicable).",
        )
    e = dspt_evidence(analysis, org=org or None, framework=framework, mapping=mapping)
    e = e[e["inventory_says"] != "not covered by the inventory"]
    order = {said: i for i, said in enumerate(SAYS)}
    e = e.assign(_o=e["inventory_says"].map(order)).sort_values(
        ["_o", "critical", "high", "id"], ascending=[True, False, False, True], kind="stable"
    )
    rows = []
    for r in e.head(DSPT_SHOWN).to_dict(orient="records"):
        colour, word = SAY_WORDS[r["inventory_says"]]
        title = r["title"] + (
            " (wording not verified)" if r["id_confidence"] == "unverified" else ""
        )
        rows.append(
            {
                "Outcome": f"{r['id']} {title}",
                "The inventory": Chip(colour, word),
                "What it shows": _plain(r["evidence"], 220),
                "Against it": _plain(r["contradicted_by"], 220),
            }
        )
    more = len(e) - DSPT_SHOWN
    label = "CAF-aligned DSPT" if framework == "caf_aligned" else "standards-based DSPT"
    return Table(
        pd.DataFrame(rows, columns=["Outcome", "The inventory", "What it shows", "Against it"]),
        id="fm-dspt-evidence",
        caption=f"{label}, {mapping.year}",
        note=(f"and {more:,} more outcomes the findings touch" if more > 0 else ""),
        empty="The findings touch no DSPT outcome.",
    )


def reference_warnings(analysis: Analysis) -> list[str]:
    """What the reader must be told about the reference data (stale end-of-life tables)."""
    return list(analysis.warnings)
