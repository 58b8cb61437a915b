""" "Can we share this?" (issue 17): a known-lawful flow is answered "yes, with these
conditions", a known-unlawful one "no, because ...", every answer cites its source, and
the disclaimer is said once.

The lawful case: a GP practice sends a referral to the hospital trust for direct care over
NHSmail (Health and Social Care Act 2012 s251B, implied consent, 6(1)(e) + 9(2)(h)). The
unlawful case: a GP practice hands identifiable patient records to a company for marketing
(no Article 6 basis but consent, no Article 9 condition but explicit consent, no
common-law basis but explicit consent).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import flowmap
from flowmap.governance.checkflow import DISCLAIMER, answers_frame
from flowmap.governance.sources import SOURCES
from flowmap.render.paperwork.checkflow import write_check_flow
from tests.conftest import SAMPLE

AS_OF = dt.date(2026, 11, 1)
REFERRAL = dict(
    asset_id="IA-0011",
    source_system_id="M85001-CLIN",
    target_system_id="RXA-EPR-01",
    purpose="direct_care",
    transport="nhsmail",
    encrypted=True,
    lawful_basis="6(1)(e)",
    special_condition="9(2)(h); DPA 2018 Sch 1 para 2",
    confidentiality_basis="implied_consent",
    records_per_year=600,
    frequency="weekly",
)
MARKETING = dict(
    asset_id="IA-0011",
    source_system_id="M85001-CLIN",
    to_org_id="SUP01",
    purpose="marketing",
    transport="sftp",
    records_per_year=12400,
)


@pytest.fixture(scope="module")
def analysis():
    return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)


def _point(answer, topic):
    (p,) = [p for p in answer.points if p.topic == topic]
    return p


def test_gp_to_hospital_for_direct_care_by_nhsmail_is_yes_with_conditions(analysis) -> None:
    a = flowmap.check_flow(analysis, risk=False, **REFERRAL)
    assert a.verdict == "yes_with_conditions"
    assert a.headline.startswith("Yes, with these conditions: Bridge Street Medical Practice")
    assert not [p for p in a.points if p.status == "blocker"]
    # the law settles it: bases fit, implied consent covers it, the duty to share applies,
    # no agreement is needed, NHSmail is secure, no opt-out, no transfer
    for topic in (
        "lawful_basis",
        "special_condition",
        "common_law",
        "opt_out",
        "agreement",
        "transport",
        "transfer",
    ):
        assert _point(a, topic).status == "ok", topic
    assert "s251B" in _point(a, "gateway").answer
    assert _point(a, "agreement").answer.startswith("Not needed")
    # the condition left: the asset's completed DPIA must cover the new sharing
    assert a.conditions == [
        "confirm the asset's DPIA (DPIA-M85001-2023-01) covers this sharing, or update it"
    ]


def test_identifiable_records_to_a_company_for_marketing_is_no_because(analysis) -> None:
    a = flowmap.check_flow(analysis, risk=False, **MARKETING)
    assert a.verdict == "no"
    assert a.headline.startswith("No: Bridge Street Medical Practice sending GP patient record")
    assert "not lawful as proposed, because:" in a.headline
    assert {p.topic for p in a.points if p.status == "blocker"} == {
        "lawful_basis",
        "special_condition",
        "common_law",
    }
    assert "What would change that: each person's explicit consent" in a.headline


def test_marketing_with_explicit_consent_is_no_longer_a_no(analysis) -> None:
    a = flowmap.check_flow(
        analysis,
        risk=False,
        **MARKETING,
        lawful_basis="6(1)(a)",
        special_condition="9(2)(a)",
        confidentiality_basis="explicit_consent",
    )
    assert a.verdict == "yes_with_conditions"
    assert not [p for p in a.points if p.status == "blocker"]


def test_every_answer_cites_sources_that_exist(analysis) -> None:
    for cells in (REFERRAL, MARKETING):
        a = flowmap.check_flow(analysis, risk=False, **cells)
        for p in a.points:
            assert p.sources, p.question
            assert all(s in SOURCES for s in p.sources), p.sources
    frame = answers_frame([a])
    assert (frame["sources"] != "").all()


def test_implied_consent_for_research_is_a_condition_naming_the_right_bases(analysis) -> None:
    a = flowmap.check_flow(
        analysis,
        risk=False,
        asset_id="IA-0016",
        source_system_id="RYV-EPR-01",
        target_system_id="UNI01-TRE-01",
        purpose="research",
        transport="sftp",
        confidentiality_basis="implied_consent",
        identifiability="identifiable",
    )
    p = _point(a, "common_law")
    assert p.status == "condition"
    assert "Implied consent covers individual care only, not research" in p.answer
    assert "section 251 support" in p.answer and "explicit consent" in p.answer
    assert _point(a, "opt_out").status in ("condition", "check")


def test_a_public_body_relying_on_legitimate_interests_gets_a_condition(analysis) -> None:
    a = flowmap.check_flow(analysis, risk=False, **{**REFERRAL, "lawful_basis": "6(1)(f)"})
    p = _point(a, "lawful_basis")
    assert p.status == "condition"
    assert "cannot rely on legitimate interests" in p.answer


def test_anonymised_statistics_need_no_basis_agreement_or_dpia(analysis) -> None:
    a = flowmap.check_flow(
        analysis,
        risk=False,
        asset_id="IA-0021",
        source_system_id="QRV-DW-01",
        target_system_id="UNI01-TRE-01",
        purpose="research",
        transport="sftp",
        identifiability="aggregate",
    )
    assert a.verdict == "yes"
    assert a.headline.endswith("can go ahead as proposed.")


def test_a_recipient_abroad_without_a_mechanism_is_a_transfer_condition(analysis) -> None:
    a = flowmap.check_flow(
        analysis,
        risk=False,
        **{**REFERRAL, "target_system_id": "CLD01-AI-01", "destination_country": "US"},
    )
    p = _point(a, "transfer")
    assert p.status == "condition"
    assert "restricted transfer to US" in p.answer
    fixed = flowmap.check_flow(
        analysis,
        risk=False,
        **{
            **REFERRAL,
            "target_system_id": "CLD01-AI-01",
            "destination_country": "US",
            "transfer_mechanism": "idta",
        },
    )
    assert _point(fixed, "transfer").status == "ok"


def test_email_for_health_data_is_a_transport_condition(analysis) -> None:
    a = flowmap.check_flow(
        analysis, risk=False, **{**REFERRAL, "transport": "email", "encrypted": False}
    )
    assert _point(a, "transport").status == "condition"


def test_a_weak_receiving_system_is_named(analysis) -> None:
    a = flowmap.check_flow(analysis, risk=False, **{**REFERRAL, "target_system_id": "RXA-MAT-01"})
    p = _point(a, "receiving_system")
    assert p.status == "condition"
    assert "Windows Server 2008 R2" in p.answer and "out of support" in p.answer


def test_the_risk_it_adds_is_the_analysis_with_the_flow_in_it(analysis) -> None:
    a = flowmap.check_flow(
        analysis, **{**REFERRAL, "target_system_id": "RXA-MAT-01", "proposal_id": "P-X"}
    )
    inv = analysis.inventory
    flows = inv.flows.copy()
    row = flows.iloc[[0]].copy()
    row.index = [flows.index.max() + 1]
    for column, value in {
        "flow_id": "PROPOSED:P-X",
        "asset_id": "IA-0011",
        "source_system_id": "M85001-CLIN",
        "target_system_id": "RXA-MAT-01",
        "transport": "nhsmail",
        "encrypted": True,
        "purpose": "direct_care",
        "lawful_basis": "6(1)(e)",
        "special_condition": "9(2)(h); DPA 2018 Sch 1 para 2",
        "confidentiality_basis": "implied_consent",
        "dsa_ref": "",
        "frequency": "weekly",
        "records_per_year": 600,
        "identifiability": "identifiable",
        "opt_out_applied": None,
        "destination_country": "GB",
        "transfer_mechanism": "",
        "s251_ref": "",
    }.items():
        row[column] = value
    after = flowmap.analyse(inv.with_tables(flows=pd.concat([flows, row])), as_of=AS_OF)
    assert a.risk.before == analysis.total_risk
    assert a.risk.after == after.total_risk
    assert a.risk.new_copy_systems == 1
    assert _point(a, "risk").answer.startswith(f"Total risk would go from {a.risk.before:,.1f}")
    # asking changes nothing
    assert analysis.total_risk == flowmap.analyse(inv, as_of=AS_OF).total_risk


def test_proposed_flows_of_the_sample_are_all_answered(analysis) -> None:
    answers = {a.proposal.proposal_id: a for a in flowmap.check_proposals(analysis, risk=False)}
    assert {k: a.verdict for k, a in answers.items()} == {
        "P-001": "yes_with_conditions",
        "P-002": "no",
        "P-003": "yes_with_conditions",
        "P-004": "yes_with_conditions",
        "P-005": "yes_with_conditions",
    }


def test_the_disclaimer_is_said_once_and_answers_are_escaped(analysis, tmp_path) -> None:
    answers = flowmap.check_proposals(analysis, risk=False)
    write_check_flow(answers, tmp_path)
    html = (tmp_path / "check_flow.html").read_text(encoding="utf-8")
    assert html.count("not legal advice") == 1
    assert DISCLAIMER.split(".")[0] in html
    assert "<script" not in html


def test_mistakes_in_a_proposal_name_the_parameter(analysis) -> None:
    with pytest.raises(flowmap.UsageError) as e:
        flowmap.check_flow(analysis, **{**REFERRAL, "asset_id": "IA-9999"})
    assert e.value.param == "asset_id"
    with pytest.raises(flowmap.UsageError) as e:
        flowmap.check_flow(analysis, **{**REFERRAL, "purpose": "fun"})
    assert e.value.param == "purpose" and "direct_care" in str(e.value)
    with pytest.raises(flowmap.UsageError) as e:
        flowmap.check_flow(analysis, **{**REFERRAL, "from_org_id": "RXA"})
    assert e.value.param == "from_org_id"
