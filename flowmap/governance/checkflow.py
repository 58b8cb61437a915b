""" "Can we share this?": a proposed flow answered in plain English, each answer sourced.

:func:`check_flow` takes an analysis and one proposal (asset, from, to, purpose,
transport, ...) and answers every question an IG lead asks before sharing: which lawful
bases could apply, whether an Article 9 condition and a common-law basis are needed and
which fit, which statutes support it, whether the national data opt-out applies, whether
a DPIA is likely required, whether an agreement is expected, whether the transport and the
receiving system are safe enough, whether it is a restricted transfer, and what it would
add to the partnership's risk. The verdict is ``yes``, ``yes_with_conditions``, ``no`` or
``cannot_tell``. :func:`check_proposals` answers every row of ``proposed_flows``.

This is guidance for the IG lead, not legal advice (:data:`DISCLAIMER`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.governance.points import Point
from flowmap.governance.proposal import Proposal, as_flow, resolve
from flowmap.governance.questions import (
    agreement_point,
    common_law_point,
    gateway_points,
    lawful_basis_point,
    receiving_system_point,
    special_condition_point,
)
from flowmap.governance.screening import agency, dpia_screening, opt_out, transfer_assessment
from flowmap.governance.sources import cite
from flowmap.inventory.textstorage import python_text

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Said once, at the top of every answer page and printout.
DISCLAIMER = (
    "This is guidance to help an information governance lead decide, not legal advice. "
    "It is worked out from the inventory and from the sources cited with each answer; "
    "where the sharing is new, contentious or high-risk, take advice from your Data "
    "Protection Officer (and, for health and care data, your Caldicott Guardian)."
)
VERDICTS = ("yes", "yes_with_conditions", "no", "cannot_tell")
PURPOSE_WORDS = {
    "direct_care": "direct care",
    "safeguarding": "safeguarding",
    "administration": "administration",
    "commissioning": "planning and commissioning",
    "research": "research",
    "public_health": "public health",
    "statutory_return": "a statutory return",
    "law_enforcement": "law enforcement",
    "marketing": "marketing",
    "other": "an unnamed purpose",
}


@dataclass
class RiskChange:
    """What the proposal would add to the partnership's risk (a counterfactual analysis)."""

    before: float
    after: float
    new_findings: pd.DataFrame
    new_copy_systems: int

    @property
    def added(self) -> float:
        return round(self.after - self.before, 2)


@dataclass
class SharingAnswer:
    """The answer to one proposed flow: a verdict, a headline and one point per question."""

    proposal: Proposal
    verdict: str
    headline: str
    points: list[Point]
    conditions: list[str] = field(default_factory=list)
    risk: RiskChange | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per question: proposal, topic, question, status, answer, sources."""
        return pd.DataFrame(
            [
                {
                    "proposal_id": self.proposal.proposal_id,
                    "verdict": self.verdict,
                    "topic": p.topic,
                    "question": p.question,
                    "status": p.status,
                    "answer": p.answer,
                    "sources": cite(*p.sources) if p.sources else "",
                }
                for p in self.points
            ]
        )

    @property
    def text(self) -> str:
        """The whole answer as plain text: headline, then each question with its sources."""
        lines = [self.headline, ""]
        for p in self.points:
            lines.append(f"[{p.status}] {p.question}")
            lines.append(f"    {p.answer}")
            if p.sources:
                lines.append(f"    Sources: {cite(*p.sources)}")
        return "\n".join(lines)


@python_text
def check_flow(analysis: Analysis, *, risk: bool = True, **cells: object) -> SharingAnswer:
    """Answer "can we share this?" for one proposed flow.

    Parameters
    ----------
    analysis : Analysis
        From :func:`flowmap.analyse`: the inventory the proposal is judged against.
    risk : bool
        Work out what the flow would add to the partnership's risk, by analysing the
        inventory again with the flow in it (needs both systems; costs one analysis).
    **cells
        The proposal, named as the ``proposed_flows`` columns: ``asset_id`` and ``purpose``;
        ``source_system_id`` or ``from_org_id``; ``target_system_id`` or ``to_org_id``;
        optionally ``transport``, ``encrypted``, ``identifiability``, ``records_per_year``,
        ``frequency``, ``destination_country``, ``transfer_mechanism``, ``lawful_basis``,
        ``special_condition``, ``confidentiality_basis``, ``opt_out_applied``, ``dsa_ref``,
        ``new_technology``, ``data_matching``, ``note`` and ``proposal_id``.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> answer = flowmap.check_flow(a, asset_id="IA-0011", source_system_id="M85001-CLIN",
    ...     target_system_id="RXA-EPR-01", purpose="direct_care", transport="nhsmail",
    ...     risk=False)
    >>> answer.verdict
    'yes_with_conditions'
    >>> flowmap.check_flow(a, asset_id="IA-0011", source_system_id="M85001-CLIN",
    ...     to_org_id="SUP01", purpose="marketing", risk=False).verdict
    'no'
    """
    p = resolve(analysis, dict(cells))
    points = _points(analysis, p)
    change = _risk_change(analysis, p) if risk else None
    if change is not None:
        points.append(_risk_point(change))
    elif risk:
        points.append(
            Point(
                "risk",
                "What would it add to the partnership's risk?",
                "unknown",
                "Not worked out: name both the sending and the receiving system so flowmap "
                "can analyse the inventory with this flow in it.",
                (),
            )
        )
    verdict, headline, conditions = _verdict(p, points)
    return SharingAnswer(p, verdict, headline, points, conditions, change)


@python_text
def check_proposals(analysis: Analysis, *, risk: bool = True) -> list[SharingAnswer]:
    """:func:`check_flow` for every row of the inventory's ``proposed_flows`` table."""
    proposals = analysis.inventory.tables["proposed_flows"]
    return [check_flow(analysis, risk=risk, **row) for row in proposals.to_dict(orient="records")]


def answers_frame(answers: list[SharingAnswer]) -> pd.DataFrame:
    """All answers as one table: one row per proposal and question."""
    frames = [a.to_frame() for a in answers]
    if not frames:
        return pd.DataFrame(
            columns=["proposal_id", "verdict", "topic", "question", "status", "answer", "sources"]
        )
    return pd.concat(frames, ignore_index=True)


def verdicts_frame(answers: list[SharingAnswer]) -> pd.DataFrame:
    """One row per proposal: who, what, why, the verdict, its headline and the risk added."""
    return pd.DataFrame(
        [
            {
                "proposal_id": a.proposal.proposal_id,
                "asset_id": a.proposal.asset_id,
                "asset": a.proposal.asset_name,
                "from": a.proposal.sender_name,
                "to": a.proposal.receiver_name,
                "purpose": a.proposal.purpose,
                "verdict": a.verdict,
                "headline": a.headline,
                "risk_added": None if a.risk is None else a.risk.added,
            }
            for a in answers
        ],
        columns=[
            "proposal_id",
            "asset_id",
            "asset",
            "from",
            "to",
            "purpose",
            "verdict",
            "headline",
            "risk_added",
        ],
    )


def _points(analysis: Analysis, p: Proposal) -> list[Point]:
    points = [
        lawful_basis_point(p),
        special_condition_point(p),
        common_law_point(p),
        *gateway_points(p),
    ]
    o = opt_out(
        p.purpose,
        identifiability=p.identifiability,
        categories=p.categories,
        sender_sector=p.sender_sector,
        confidentiality_basis=p.confidentiality_basis,
    )
    cond = ""
    if o.level == "applies" and p.opt_out_applied is not True:
        status, answer = "condition", o.reason
        cond = "apply the national data opt-out before sending"
    elif o.level == "applies":
        status, answer = "ok", o.reason + " The proposal says it will be applied."
    else:
        status, answer = ("ok" if o.level == "does_not_apply" else "check"), o.reason
    points.append(
        Point("opt_out", "Does the national data opt-out apply?", status, answer, o.sources, cond)
    )
    points.append(_dpia_point(p))
    points.append(agreement_point(analysis, p))
    points.append(_transport_point(p))
    points.append(receiving_system_point(analysis, p))
    t = transfer_assessment(p.destination_country, p.transfer_mechanism)
    points.append(
        Point(
            "transfer",
            "Is it a restricted transfer outside the UK?",
            "condition" if t.level == "needs_mechanism" else "ok",
            t.reason,
            t.sources,
            "put a transfer mechanism in place (the IDTA or the UK Addendum, with a transfer "
            "risk assessment)",
        )
    )
    return points


def _dpia_point(p: Proposal) -> Point:
    s = dpia_screening(
        categories=p.categories,
        data_subjects=p.data_subjects,
        identifiability=p.identifiability,
        people=p.people,
        new_technology=p.new_technology,
        data_matching=p.data_matching,
        cross_sector=agency(p.sender_sector) != agency(p.receiver_sector),
        abroad=p.destination_country not in ("GB", "UK", ""),
    )
    met = "; ".join(c for c, _ in s.criteria) or "none"
    answer = f"{s.reason} Criteria met: {met}."
    if p.people is None:
        answer += " The scale is not given (records_per_year): give it to judge 'large scale'."
    status, cond = "ok", ""
    if s.level in ("required", "likely"):
        status = "condition"
        if p.dpia_status == "completed":
            ref = f" ({p.dpia_ref})" if p.dpia_ref else ""
            answer += (
                f" The asset's DPIA{ref} is completed: check that it covers this new sharing, "
                "or update it before the data is sent."
            )
            cond = f"confirm the asset's DPIA{ref} covers this sharing, or update it"
        else:
            answer += " Complete a DPIA before the data is sent."
            cond = "complete a DPIA before the data is sent"
    elif s.level == "recommended":
        status = "check"
    return Point("dpia", "Is a DPIA likely to be required?", status, answer, s.sources, cond)


def _transport_point(p: Proposal) -> Point:
    from flowmap.governance.screening import transport_assessment

    sensitive = bool(set(p.categories) & {"special_health", "special_other", "criminal_offence"})
    sensitive = sensitive and p.identifiability == "identifiable"
    t = transport_assessment(p.transport, p.encrypted, sensitive=sensitive)
    status = {"safe": "ok", "unsafe": "condition", "check": "check"}[t.level]
    cond = "send it by a secure route (NHSmail, a DCB1596 service, SFTP or an encrypted API)"
    answer = t.reason
    if p.transport in ("nhsmail", "secure_email") and p.receiver_sector in (
        "private",
        "research",
        "voluntary",
        "other",
    ):
        status = "check"
        answer += (
            f" {p.receiver_name} may not be on an accredited secure email service: check "
            "its address is on the DCB1596 list, or send with [secure]."
        )
    return Point("transport", "Is the transport safe enough?", status, answer, t.sources, cond)


def _risk_change(analysis: Analysis, p: Proposal) -> RiskChange | None:
    from flowmap.engine.analysis import analyse

    inv = analysis.inventory
    row = as_flow(p, inv.flows)
    if row is None:
        return None
    flows = pd.concat([inv.flows, row])
    after = analyse(
        inv.with_tables(flows=flows),
        as_of=analysis.as_of,
        reference=analysis.reference,
        settings=analysis.settings,
    )
    before_ids = set(analysis.findings["finding_id"])
    new = after.findings[~after.findings["finding_id"].isin(before_ids)]
    copies_before = int((analysis.copies["asset_id"] == p.asset_id).sum())
    copies_after = int((after.copies["asset_id"] == p.asset_id).sum())
    return RiskChange(
        before=analysis.total_risk,
        after=after.total_risk,
        new_findings=new[["finding_id", "rule", "severity", "subject_id", "message"]].reset_index(
            drop=True
        ),
        new_copy_systems=copies_after - copies_before,
    )


def _risk_point(change: RiskChange) -> Point:
    titles = change.new_findings["rule"].value_counts(sort=False)
    found = ", ".join(f"{rule} ({n})" for rule, n in titles.items()) or "none"
    copies = (
        f"{change.new_copy_systems} more system(s) would hold a copy of the data"
        if change.new_copy_systems
        else "no new system would hold a copy (the receiving system already does)"
    )
    answer = (
        f"Total risk would go from {change.before:,.1f} to {change.after:,.1f} "
        f"({change.added:+,.1f} impact points); {copies}; new findings: {found}."
    )
    status = "check" if change.added > 0 else "ok"
    return Point(
        "risk", "What would it add to the partnership's risk?", status, answer, ("flowmap",)
    )


def _verdict(p: Proposal, points: list[Point]) -> tuple[str, str, list[str]]:
    what = (
        f"{p.sender_name} sending {p.asset_name} to {p.receiver_name} for "
        f"{PURPOSE_WORDS.get(p.purpose, p.purpose)}"
    )
    blockers = [pt for pt in points if pt.status == "blocker"]
    conditions = [pt.condition or pt.answer for pt in points if pt.status == "condition"]
    if p.purpose == "other":
        return (
            "cannot_tell",
            f"Cannot tell: {what}. flowmap can only judge a named purpose; choose the "
            "purpose that fits (direct care, safeguarding, research, ...).",
            conditions,
        )
    if blockers:
        because = " ".join(b.answer for b in blockers)
        ways = list(dict.fromkeys(b.condition for b in blockers if b.condition))
        change = f" What would change that: {'; '.join(ways)}." if ways else ""
        return "no", f"No: {what} is not lawful as proposed, because: {because}{change}", []
    if conditions:
        listed = " ".join(f"({i}) {c}" for i, c in enumerate(conditions, start=1))
        return (
            "yes_with_conditions",
            f"Yes, with these conditions: {what} can go ahead once: {listed}",
            conditions,
        )
    return "yes", f"Yes: {what} can go ahead as proposed.", conditions
