"""The appendix on method: how every figure in the paper is worked out, in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowmap.reference.eol import STALE_MONTHS
from flowmap.render import fmt
from flowmap.render.board._html import block, esc
from flowmap.render.board.headlines import HEADLINES
from flowmap.render.board.table import Table

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: The method, paragraph by paragraph: (heading, text).
METHOD = (
    (
        "Where the figures come from",
        "Every figure is computed by flowmap from the partnership's own registers: the "
        "information asset register, the record of data flows, the list of systems with "
        "their operating systems, patching and vulnerabilities, and the backups. The same "
        "inventory judged on the same day always gives the same figures. An empty cell is "
        "treated as unknown, and unknown is scored as unsafe: a system whose patch date is "
        "not recorded counts as not patched. Filling the gaps listed under data quality can "
        "only make the picture more accurate.",
    ),
    (
        "How likely a system is to be compromised",
        "Each weakness of a system is read as an independent chance that an attacker gets "
        "in through it, and the system's likelihood is the chance that at least one works. "
        "The weaknesses are: open vulnerabilities (weighted by how severe they are and by "
        "how likely they are to be exploited; a vulnerability that attackers are known to "
        "exploit counts at least 60%); an operating system past vendor support (50%, or 10% "
        "with paid extended updates); time since the last patch (10% after 14 days, 20% after "
        "60, 35% after 180); being reachable from the internet (15%); the SMBv1 protocol that "
        "WannaCry spread through (30%); and, on an internet-facing system, no multi-factor "
        "authentication (30%). No system is counted as perfectly safe (2%).",
    ),
    (
        "How an attacker moves: attack paths",
        "An attacker starts at a system reachable from the internet, or at a workstation or "
        "device through a phishing email, and moves to systems in the same network zone, in "
        "zones it can reach, to the systems it sends data to electronically, and from a "
        "supplier's system to the systems that supplier hosts. Each move succeeds with the "
        "likelihood of the system moved into. flowmap finds, for every system, the single "
        "most likely path, and for every information asset the most likely path to any "
        "place a copy of it is held (including copies made by data flows and backups).",
    ),
    (
        "How much harm: impact",
        "Each information asset has an impact from 0 to 100: the harm its exposure or loss "
        "would cause. It is highest for health, care, children's and criminal offence data, "
        "rises with the number of people in it (each tenfold step adds the same amount, a "
        "million records is the top of the scale), falls when the data is pseudonymised, "
        "anonymised or aggregated, and is raised for data an essential care function cannot "
        "work without.",
    ),
    (
        "Risk points",
        "An asset's cyber risk is the chance of its most likely attack path times its "
        "impact. Each gap in how data is governed (a flow with no lawful basis or agreement, "
        "an asset with no owner, a backup that would not survive ransomware) adds a tenth of "
        "the data's impact, scaled by how serious the gap is. Total risk adds these up over "
        "all assets. It is a measure for comparing quarters, organisations and options, in "
        "the same units throughout the paper; it is not a sum of money.",
    ),
    (
        "Findings and severity",
        "Each problem found is a finding with a score from 0 to 100: critical from 80, high "
        "from 60, medium from 40, low from 20.{grouping} Each finding names the NCSC Cyber "
        "Assessment "
        "Framework outcome and the Data Security and Protection Toolkit standard it "
        "evidences.",
    ),
    (
        "The investment plan",
        "flowmap lists every action that would remove a weakness it found (patching, "
        "upgrading or isolating a system, enforcing multi-factor authentication, an offline "
        "backup, a tested restore, a data-sharing agreement...) with an indicative cost or "
        "the organisation's own. It then chooses, one at a time, the action that removes the "
        "most risk per pound, recalculating every attack path after each choice, until the "
        "budget is spent. Risk removed is measured in the same risk points.",
    ),
)


def thresholds() -> Table:
    """The headline figures' red / amber / green thresholds."""
    rows = [
        {
            "Figure": s.label,
            "Counts": s.counts[:1].upper() + s.counts[1:],
            "Green": "0",
            "Amber from": fmt.count(s.amber_at) if s.amber_at < s.red_at else "",
            "Red from": fmt.count(s.red_at),
        }
        for s in HEADLINES
    ]
    return Table(
        pd.DataFrame(rows), id="fm-thresholds", numeric=["Green", "Amber from", "Red from"]
    )


def method_block(analysis: Analysis):
    """The appendix on method, with the reference data this analysis used."""
    grouping = (
        " Findings that one fix would close are grouped as one risk in the top risks."
        if "problem_id" in analysis.findings.columns
        else ""
    )
    parts = [
        f"<h3>{esc(head)}</h3><p>{esc(text.replace('{grouping}', grouping))}</p>"
        for head, text in METHOD
    ]
    parts.append("<h3>Red, amber and green</h3>")
    parts.append(thresholds().html())
    sources = dict(getattr(analysis, "sources", {}) or {})
    listed = (
        "; ".join(f"{k}: {v}" for k, v in sources.items())
        if sources
        else "the end-of-life table bundled with flowmap, and the vulnerability details "
        "recorded in the inventory"
    )
    parts.append(
        f"<h3>Reference data</h3><p>Operating-system support dates and known-exploited "
        f"vulnerabilities: {esc(listed)}. Judged as of {esc(fmt.day(analysis.as_of))}.</p>"
    )
    parts += [f'<p class="fm-caution">{esc(c)}</p>' for c in reference_cautions(analysis)]
    return block("".join(parts), id="fm-method")


MONTHS = {3: "three", 6: "six", 12: "twelve"}


def reference_cautions(analysis: Analysis) -> list[str]:
    """What the board must be told about the reference data behind the figures, in plain
    words; the analyst's warning, with how to refresh the data, is
    :attr:`Analysis.warnings <flowmap.engine.analysis.Analysis.warnings>`.

    Today: operating-system support dates taken more than six months before the
    position's day.

    Examples
    --------
    >>> import datetime, flowmap
    >>> inv = flowmap.load_inventory("inventories/sample")
    >>> reference_cautions(flowmap.analyse(inv, as_of=datetime.date(2026, 11, 1)))
    []
    >>> late = flowmap.analyse(inv, as_of=datetime.date(2027, 6, 1))
    >>> print(reference_cautions(late)[0][:81])
    The operating-system support dates behind these figures were taken on 22 Aug 2026
    """
    reference = getattr(analysis, "reference", None)
    if not getattr(analysis, "warnings", None) or reference is None:
        return []
    eol = reference.eol
    if not eol.stale(analysis.as_of):
        return []
    dated = [d for d in eol.origins.values() if d is not None]
    when = f" on {fmt.day(min(dated))}" if dated else ""
    months = MONTHS.get(STALE_MONTHS, STALE_MONTHS)
    return [
        f"The operating-system support dates behind these figures were taken{when}, more "
        f"than {months} months before this position. Vendors move these dates, so a "
        "few systems may be counted as supported or unsupported wrongly until the analyst "
        "refreshes the reference data."
    ]
