"""Flow rules on the parties: the agreement the sharing needs, the receiver's assurance and
transfers outside the UK.

What each flow needs is judged once, in :mod:`flowmap.engine.sharing` (``ctx.flows``
carries it as ``agreement_level`` and ``agreement_why``), so a gap's severity follows
the purpose and the parties: a processor without a contract is a legal failure,
routine sharing with the police without an agreement a gap in good practice the ICO
expects to be closed, and a discharge summary to a GP needs none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.engine.problems import per_evidence, per_org_pair, per_sender_receiver
from flowmap.engine.rules.base import Rule, RuleContext
from flowmap.engine.rules.columns import equals, known, per_value
from flowmap.engine.rules.flowbase import DESC, IG, between_orgs, personal, rule_hits
from flowmap.engine.rules.text import dates, each, when, words
from flowmap.engine.sharing import BELOW_STANDARD, UK

#: Score of a missing agreement by how much the sharing needs one.
NO_AGREEMENT_SCORE = {"required": 60.0, "expected": 50.0, "good_practice": 20.0}
#: Score of an agreement that has expired (renew it, or retire it if it is not needed).
EXPIRED_SCORE = {"required": 60.0, "expected": 50.0, "good_practice": 20.0, "not_needed": 20.0}


def _level_score(table: dict[str, float]):
    def score(m: pd.DataFrame) -> np.ndarray:
        return m["agreement_level"].map(table).fillna(0.0).to_numpy(dtype="float64")

    return score


def _no_dsa(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    needed = f["agreement_level"].isin(list(NO_AGREEMENT_SCORE))
    return rule_hits(
        f,
        personal(f) & between_orgs(f) & equals(f["dsa_ref"], "") & needed,
        DESC + " with no {agreement} recorded. {agreement_why}.",
        ["dsa_ref", "agreement_level", "agreement_why"],
        _level_score(NO_AGREEMENT_SCORE),
        agreement=lambda m: when(
            m["agreement_level"] == "required",
            "written processing contract",
            "data-sharing agreement",
        ),
    )


def _dsa_expired(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    expired = personal(f) & ~equals(f["dsa_ref"], "") & (f["dsa_expires"] < ctx.today)
    return rule_hits(
        f,
        expired.fillna(False),
        DESC + " under agreement {dsa_ref}, which expired on {expires}{advice}.",
        ["dsa_ref", "dsa_expires", "agreement_level"],
        _level_score(EXPIRED_SCORE),
        expires=lambda m: dates(m["dsa_expires"]),
        advice=lambda m: when(
            m["agreement_level"] == "not_needed",
            ": renew it, or retire it (this sharing does not need one)",
            "",
        ),
    )


def _partner_below_standard(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    dspt = f["receiver_dspt"]
    # outside the DSPT, "not published" is normal: FLOW_PARTNER_ASSURANCE judges those
    expected = equals(f["receiver_route"], "dspt") | ~equals(dspt, "not_published")
    bad = personal(f) & between_orgs(f) & dspt.isin(BELOW_STANDARD) & expected
    return rule_hits(
        f,
        bad,
        DESC + ", whose Data Security and Protection Toolkit status is {dspt}.",
        ["receiver_dspt", "receiver_sector", "receiver_route"],
        45,
        dspt=lambda m: words(m["receiver_dspt"]),
    )


def _partner_assurance(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    outside = equals(f["receiver_route"], "own") & equals(f["receiver_dspt"], "not_published")
    assured = known(f["receiver_ce_plus"], True) | ~equals(f["receiver_assurance"], "")
    bad = personal(f) & between_orgs(f) & outside & ~assured
    return rule_hits(
        f,
        bad,
        DESC + ", a {sector} body outside the Data Security and Protection Toolkit, "
        "and no other assurance (Cyber Essentials Plus, ISO/IEC 27001, PSN or police "
        "assurance) is recorded for it.",
        ["receiver_sector", "receiver_route", "receiver_dspt", "receiver_ce_plus"]
        + ["receiver_assurance"],
        35,
        sector=lambda m: words(m["receiver_sector"]),
    )


def _restricted_transfer(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    abroad = per_value(
        f["destination_country"],
        lambda country: not (isinstance(country, str) and country.upper() in UK),
        dtype=bool,
    )
    bad = personal(f) & abroad & equals(f["transfer_mechanism"], "")
    return rule_hits(
        f,
        bad,
        DESC + " in {country} with no restricted-transfer mechanism (adequacy, "
        "IDTA, addendum, BCRs).",
        ["destination_country", "transfer_mechanism"],
        60,
        country=lambda m: each(m["destination_country"], str.upper),
    )


NO_DSA = Rule(
    id="FLOW_NO_DSA",
    title="Sharing that needs an agreement has none",
    subject_type="flow",
    score=50,
    remediation=(
        "Put the agreement in place and record its reference: a written contract for a "
        "processor (UK GDPR Art 28), a data-sharing agreement for routine sharing beyond "
        "individual care (ICO Data Sharing Code). Sharing for individual care between "
        "health and care bodies needs none."
    ),
    references=("ICO Data Sharing Code", "UK GDPR Art 26/28", "DSPT Standard 1"),
    caf=IG,
    problem=per_org_pair("agreement"),
    evaluate=_no_dsa,
)
DSA_EXPIRED = Rule(
    id="FLOW_DSA_EXPIRED",
    title="Data-sharing agreement expired",
    subject_type="flow",
    score=50,
    remediation="Review and renew the agreement, or stop the flow (or retire the agreement "
    "where the sharing does not need one).",
    references=("ICO Data Sharing Code",),
    caf=IG,
    problem=per_org_pair("agreement"),
    evaluate=_dsa_expired,
)
PARTNER_BELOW_STANDARD = Rule(
    id="FLOW_PARTNER_BELOW_STANDARD",
    title="Receiving organisation below DSPT Standards Met",
    subject_type="flow",
    score=45,
    remediation="Ask the partner for its DSPT improvement plan and review the agreement's "
    "security terms.",
    references=("DSPT Standard 10 (accountable suppliers)", "CAF A4.a"),
    caf="A4.a",
    problem=per_evidence("partner-assurance", "receiver_org_id"),
    evaluate=_partner_below_standard,
)
PARTNER_ASSURANCE = Rule(
    id="FLOW_PARTNER_ASSURANCE",
    title="Receiver outside the DSPT with no other assurance recorded",
    subject_type="flow",
    score=35,
    remediation=(
        "Ask the partner for its own assurance (Cyber Essentials Plus, ISO/IEC 27001 "
        "certificate, PSN compliance or police information assurance) and record it in "
        "the organisation's ce_plus or assurance cell."
    ),
    references=("CAF A4.a", "DSPT Standard 10 (accountable suppliers)", "ICO Data Sharing Code"),
    caf="A4.a",
    problem=per_evidence("partner-assurance", "receiver_org_id"),
    evaluate=_partner_assurance,
)
RESTRICTED_TRANSFER = Rule(
    id="FLOW_RESTRICTED_TRANSFER",
    title="Transfer outside the UK without a mechanism",
    subject_type="flow",
    score=60,
    remediation=(
        "Rely on UK adequacy regulations, or put an IDTA or the Addendum in place with a "
        "transfer risk assessment."
    ),
    references=("UK GDPR Art 44-49",),
    caf=IG,
    problem=per_sender_receiver("transfer"),
    evaluate=_restricted_transfer,
)
