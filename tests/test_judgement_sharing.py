"""Judgement on sharing (issues 12 and 13): findings an IG lead would sign, no false alarms.

Each test is a case a new user met in which flowmap cried wolf on lawful sharing or missed
a real gap; each failed before the fix. In ``small_tables()`` flow F1 sends the patient
index (identifiable health data) from Riverside Hospitals (RXA, an NHS trust) to Hill
Surgery (00123, a GP practice) and F2 sends it back over HSCN under DSA-1.
"""

from __future__ import annotations

import datetime as dt

import flowmap
from flowmap.engine.sharing import agreement_need
from flowmap.planning.actions import candidate_actions
from tests.conftest import SAMPLE
from tests.rulekit import analyse_tables, edit, finding, fired, fires, quiet, tables

AS_OF = dt.date(2026, 11, 1)


def _police(t, **cells):
    """Add a police force (no DSPT assessment) with a system F1 can be sent to."""
    org = {"org_id": "RVP", "name": "Vale Constabulary", "sector": "police"}
    org.update(cells)
    t["organisations"].append(org)
    t["systems"].append(
        {"system_id": "P1", "name": "MASH system", "org_id": "RVP", "kind": "application"}
    )


# --- agreements follow the purpose and the parties


def test_direct_care_between_health_bodies_needs_no_agreement(tmp_path):
    """A discharge summary to a GP rests on the duty to share (HSCA 2012 s251B)."""
    t = tables()
    edit(t, "flows", "F1", transport="nhsmail", encrypted="yes")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "FLOW_NO_DSA", "F1")
    assert not {c.kind for c in candidate_actions(a)} & {"put_dsa", "put_transfer_mechanism"}


def test_sample_discharge_summaries_and_referrals_raise_no_agreement_findings():
    a = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)
    f = a.flows.set_index("flow_id")
    no_dsa = a.findings.loc[a.findings["rule"] == "FLOW_NO_DSA", "subject_id"]
    care = f.loc[no_dsa, "purpose"] == "direct_care"
    both_care = f.loc[no_dsa, "sender_sector"].isin(["nhs_trust", "gp_practice"]) & f.loc[
        no_dsa, "receiver_sector"
    ].isin(["nhs_trust", "gp_practice"])
    assert not (care & both_care).any(), sorted(no_dsa[(care & both_care).to_numpy()])
    for flow in ("F-0001", "F-0005", "F-0006", "F-0016", "F-0033", "F-0034"):
        assert flow not in set(no_dsa), flow  # trust to GP, GP to trust, hospice to GP ...


@fires("FLOW_NO_DSA")
def test_processor_without_a_contract_is_a_legal_requirement(tmp_path):
    t = tables()
    edit(t, "systems", "S1", supplier_org_id="00123")  # the surgery hosts the trust's PAS
    a = analyse_tables(tmp_path, t)
    f = finding(a, "FLOW_NO_DSA", "F1")
    assert f["evidence"]["agreement_level"] == "required"
    assert "written processing contract" in f["message"] and "Art 28" in f["message"]
    assert f["score"] == 60 + 10 and f["severity"] == "high"


def test_routine_sharing_with_police_is_medium_and_one_off_disclosure_low(tmp_path):
    t = tables()
    _police(t, dspt_status="not_published", ce_plus="yes")
    edit(t, "flows", "F1", target_system_id="P1", purpose="law_enforcement", frequency="weekly")
    routine = finding(analyse_tables(tmp_path, t), "FLOW_NO_DSA", "F1")
    assert routine["evidence"]["agreement_level"] == "expected"
    assert routine["severity"] == "high"  # 50 + 10: identifiable health data
    edit(t, "flows", "F1", frequency="adhoc")
    once = finding(analyse_tables(tmp_path, t), "FLOW_NO_DSA", "F1")
    assert once["evidence"]["agreement_level"] == "good_practice"
    assert once["severity"] == "low" and "record the decision" in once["message"]


def test_safeguarding_disclosure_is_never_held_up_for_an_agreement(tmp_path):
    t = tables()
    edit(t, "flows", "F1", purpose="safeguarding")
    f = finding(analyse_tables(tmp_path, t), "FLOW_NO_DSA", "F1")
    assert f["severity"] == "low" and "must never wait" in f["message"]


def test_statutory_return_needs_no_agreement(tmp_path):
    t = tables()
    edit(t, "flows", "F1", purpose="statutory_return")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_NO_DSA", "F1")


def test_expired_agreement_for_direct_care_is_housekeeping(tmp_path):
    t = tables()
    edit(t, "flows", "F2", dsa_expires="2026-06-30")
    f = finding(analyse_tables(tmp_path, t), "FLOW_DSA_EXPIRED", "F2")
    assert f["severity"] == "low" and "retire it" in f["message"]


def test_agreement_need_is_one_judgement_for_every_caller():
    assert agreement_need("direct_care", "local_authority", "social_care_provider").level == (
        "not_needed"
    )
    assert agreement_need("research", "nhs_trust", "research", one_off=True).level == "expected"
    assert agreement_need("direct_care", "nhs_trust", "private").level == "expected"
    assert agreement_need("", "nhs_trust", "police").level == "expected"


# --- encryption: what the transport settles and what it does not


def test_nhsmail_between_health_bodies_is_encrypted_by_design(tmp_path):
    t = tables()
    edit(t, "flows", "F1", transport="nhsmail", encrypted="")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_UNENCRYPTED", "F1")


def test_sftp_with_encryption_unrecorded_is_not_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F1", transport="sftp", encrypted="")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_UNENCRYPTED", "F1")


def test_nhsmail_to_a_company_needs_secure_recorded(tmp_path):
    t = tables()
    edit(t, "organisations", "00123", sector="private")
    edit(t, "flows", "F1", transport="nhsmail", encrypted="")
    f = finding(analyse_tables(tmp_path, t), "FLOW_UNENCRYPTED", "F1")
    assert "[secure]" in f["message"] and "DCB1596" in f["message"]


def test_hscn_does_not_settle_encryption(tmp_path):
    """NHS England: HSCN "will not automatically encrypt any data"."""
    t = tables()
    edit(t, "flows", "F1", transport="hscn", encrypted="")
    f = finding(analyse_tables(tmp_path, t), "FLOW_UNENCRYPTED", "F1")
    assert "HSCN is a private network but does not encrypt" in f["message"]


def test_secure_email_recorded_as_unencrypted_is_still_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F1", transport="secure_email", encrypted="no")
    assert fired(analyse_tables(tmp_path, t), "FLOW_UNENCRYPTED", "F1")


def test_unencrypted_usb_stick_of_patient_records_is_flagged(tmp_path):
    """Issue 12: lost unencrypted media is the classic ICO enforcement case."""
    t = tables()
    edit(t, "flows", "F1", transport="removable_media", encrypted="no")
    f = finding(analyse_tables(tmp_path, t), "FLOW_UNENCRYPTED", "F1")
    assert "removable media that is not encrypted" in f["message"]
    edit(t, "flows", "F1", encrypted="")
    f = finding(analyse_tables(tmp_path, t), "FLOW_UNENCRYPTED", "F1")
    assert "nobody has recorded that the media is encrypted" in f["message"]
    edit(t, "flows", "F1", encrypted="yes")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_UNENCRYPTED", "F1")


# --- assurance of partners outside the DSPT


def test_police_outside_the_dspt_are_not_below_standard(tmp_path):
    t = tables()
    _police(t, dspt_status="not_published")
    edit(t, "flows", "F1", target_system_id="P1", purpose="safeguarding")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "FLOW_PARTNER_BELOW_STANDARD", "F1")
    f = finding(a, "FLOW_PARTNER_ASSURANCE", "F1")
    assert "outside the Data Security and Protection Toolkit" in f["message"]


@fires("FLOW_PARTNER_ASSURANCE")
def test_partner_outside_the_dspt_with_no_assurance_is_asked_for_it(tmp_path):
    t = tables()
    _police(t)  # dspt_status empty: not published
    edit(t, "flows", "F1", target_system_id="P1")
    f = finding(analyse_tables(tmp_path, t), "FLOW_PARTNER_ASSURANCE", "F1")
    assert f["evidence"]["receiver_sector"] == "police" and f["severity"] == "medium"


@quiet("FLOW_PARTNER_ASSURANCE")
def test_partner_outside_the_dspt_with_recorded_assurance_is_fine(tmp_path):
    for cells in ({"assurance": "PSN compliance certificate 2026"}, {"ce_plus": "yes"}):
        t = tables()
        _police(t, **cells)
        edit(t, "flows", "F1", target_system_id="P1")
        assert not fired(analyse_tables(tmp_path, t), "FLOW_PARTNER_ASSURANCE", "F1"), cells


def test_gp_practice_without_a_published_dspt_is_still_below_standard(tmp_path):
    t = tables()
    edit(t, "organisations", "00123", dspt_status="not_published")
    assert fired(analyse_tables(tmp_path, t), "FLOW_PARTNER_BELOW_STANDARD", "F1")


# --- confidential patient information beyond individual care


@fires("FLOW_NO_CONFIDENTIALITY_BASIS")
def test_identifiable_patient_data_for_research_with_no_common_law_basis(tmp_path):
    t = tables()
    edit(t, "flows", "F1", purpose="research", confidentiality_basis="")
    f = finding(analyse_tables(tmp_path, t), "FLOW_NO_CONFIDENTIALITY_BASIS", "F1")
    assert "explicit consent, section 251 support" in f["message"]
    assert f["severity"] == "high"


@quiet("FLOW_NO_CONFIDENTIALITY_BASIS")
def test_research_under_section_251_or_pseudonymised_has_its_basis(tmp_path):
    t = tables()
    edit(t, "flows", "F1", purpose="research", confidentiality_basis="s251", s251_ref="23/CAG/1")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_NO_CONFIDENTIALITY_BASIS", "F1")
    edit(t, "flows", "F1", confidentiality_basis="", identifiability="pseudonymised")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_NO_CONFIDENTIALITY_BASIS", "F1")


def test_opt_out_does_not_apply_to_a_public_interest_disclosure(tmp_path):
    t = tables()
    edit(t, "flows", "F1", purpose="research", confidentiality_basis="public_interest")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_OPT_OUT_NOT_APPLIED", "F1")


def test_recorded_dspt_framework_decides_the_assurance_route(tmp_path):
    """An overseas supplier that takes no toolkit (dspt_framework not_applicable) is asked
    for its own assurance; a police force that does take the DSPT is judged by it."""
    t = tables()
    edit(t, "organisations", "00123", sector="private", dspt_status="not_published")
    edit(t, "organisations", "00123", dspt_framework="not_applicable")
    a = analyse_tables(tmp_path, t)
    assert fired(a, "FLOW_PARTNER_ASSURANCE", "F1")
    assert not fired(a, "FLOW_PARTNER_BELOW_STANDARD", "F1")
    t = tables()
    _police(t, dspt_status="approaching_standards", dspt_framework="standards_based")
    edit(t, "flows", "F1", target_system_id="P1")
    a = analyse_tables(tmp_path, t)
    assert fired(a, "FLOW_PARTNER_BELOW_STANDARD", "F1")
    assert not fired(a, "FLOW_PARTNER_ASSURANCE", "F1")


def test_identifiable_health_data_for_marketing_or_public_health_needs_a_basis(tmp_path):
    for purpose in ("marketing", "public_health"):
        t = tables()
        edit(t, "flows", "F1", purpose=purpose, confidentiality_basis="")
        assert fired(analyse_tables(tmp_path, t), "FLOW_NO_CONFIDENTIALITY_BASIS", "F1"), purpose
        edit(t, "flows", "F1", confidentiality_basis="legal_requirement")
        assert not fired(analyse_tables(tmp_path, t), "FLOW_NO_CONFIDENTIALITY_BASIS", "F1")
