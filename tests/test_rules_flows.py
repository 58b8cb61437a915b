"""Flow rules: each fires on the right flow, and a one-cell change silences it.

In ``small_tables()`` flow F1 emails the patient index (identifiable special
category data) unencrypted from Riverside Hospitals (RXA, DSPT standards met) to
Hill Surgery (00123, DSPT not met) with no agreement; F2 sends it back over HSCN,
encrypted, under DSA-1. Neither records an Article 9 condition.
"""

from __future__ import annotations

from tests.rulekit import analyse_tables, edit, finding, fired, fires, quiet, tables

# --- lawful basis and Article 9 condition


@fires("FLOW_NO_LAWFUL_BASIS")
def test_personal_flow_without_lawful_basis_is_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F2", lawful_basis="")
    a = analyse_tables(tmp_path, t)
    f = finding(a, "FLOW_NO_LAWFUL_BASIS", "F2")
    assert f["org_id"] == "00123"  # the sender answers for it
    assert "Hill Surgery" in f["message"] and "Riverside Hospitals" in f["message"]
    assert f["evidence"]["lawful_basis"] == "" and f["evidence"]["sender_org_id"] == "00123"
    assert f["score"] == 60 + 10  # identifiable special category data
    assert not fired(a, "FLOW_NO_LAWFUL_BASIS", "F1")


@quiet("FLOW_NO_LAWFUL_BASIS")
def test_anonymised_flow_needs_no_lawful_basis(tmp_path):
    t = tables()
    edit(t, "flows", "F2", lawful_basis="", identifiability="anonymised")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_NO_LAWFUL_BASIS", "F2")


def test_corporate_only_flow_needs_no_lawful_basis(tmp_path):
    t = tables()
    edit(t, "assets", "A1", data_categories="corporate")
    edit(t, "flows", "F2", lawful_basis="")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_NO_LAWFUL_BASIS", "F2")


@fires("FLOW_NO_SPECIAL_CONDITION")
def test_special_category_flow_without_article_9_condition_is_flagged(tmp_path):
    f = finding(analyse_tables(tmp_path, tables()), "FLOW_NO_SPECIAL_CONDITION", "F1")
    assert "special_health" in f["message"]
    assert f["evidence"]["data_categories"] == ["personal", "special_health"]
    assert f["evidence"]["special_condition"] == ""


@quiet("FLOW_NO_SPECIAL_CONDITION")
def test_special_category_flow_with_article_9_condition_is_not_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F1", special_condition="9(2)(h)")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "FLOW_NO_SPECIAL_CONDITION", "F1")
    assert fired(a, "FLOW_NO_SPECIAL_CONDITION", "F2")


def test_non_special_flow_needs_no_article_9_condition(tmp_path):
    t = tables()
    edit(t, "assets", "A1", data_categories="personal")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_NO_SPECIAL_CONDITION", "F1")


# --- data-sharing agreements


@fires("FLOW_NO_DSA")
def test_routine_sharing_beyond_care_without_dsa_is_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F1", purpose="other")  # routine sharing for a purpose beyond care
    edit(t, "flows", "F2", purpose="other")
    a = analyse_tables(tmp_path, t)
    f = finding(a, "FLOW_NO_DSA", "F1")
    assert f["org_id"] == "RXA"
    assert f["evidence"]["receiver_org_id"] == "00123" and f["evidence"]["dsa_ref"] == ""
    assert f["evidence"]["agreement_level"] == "expected"
    assert "no data-sharing agreement" in f["message"] and "ICO code" in f["message"]
    assert f["score"] == 50 + 10
    assert not fired(a, "FLOW_NO_DSA", "F2")  # F2 has DSA-1


@quiet("FLOW_NO_DSA")
def test_flow_within_one_org_needs_no_dsa(tmp_path):
    t = tables()
    edit(t, "flows", "F1", target_system_id="S2", purpose="other")  # RXA to RXA
    assert not fired(analyse_tables(tmp_path, t), "FLOW_NO_DSA", "F1")


@fires("FLOW_DSA_EXPIRED")
def test_expired_dsa_is_flagged_with_its_expiry_date(tmp_path):
    t = tables()
    edit(t, "flows", "F2", dsa_expires="2026-06-30")
    f = finding(analyse_tables(tmp_path, t), "FLOW_DSA_EXPIRED", "F2")
    assert "DSA-1" in f["message"] and "expired on 30 Jun 2026" in f["message"]
    assert f["evidence"]["dsa_expires"] == "2026-06-30"


@quiet("FLOW_DSA_EXPIRED")
def test_dsa_in_force_is_not_expired(tmp_path):
    t = tables()
    edit(t, "flows", "F2", dsa_expires="2027-03-31")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_DSA_EXPIRED", "F2")


def test_dsa_expiring_today_is_not_yet_expired(tmp_path):
    t = tables()
    edit(t, "flows", "F2", dsa_expires="2026-11-01")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_DSA_EXPIRED", "F2")


def test_dsa_without_expiry_date_is_not_expired(tmp_path):
    assert not fired(analyse_tables(tmp_path, tables()), "FLOW_DSA_EXPIRED", "F2")


# --- transport and encryption


@fires("FLOW_UNENCRYPTED")
def test_unencrypted_personal_flow_is_flagged(tmp_path):
    f = finding(analyse_tables(tmp_path, tables()), "FLOW_UNENCRYPTED", "F1")
    assert "by email without encryption in transit" in f["message"]
    assert f["evidence"]["encrypted"] is False
    assert f["score"] == 55 + 10


def test_unknown_encryption_is_flagged_pessimistically(tmp_path):
    t = tables()
    edit(t, "flows", "F1", encrypted="")
    f = finding(analyse_tables(tmp_path, t), "FLOW_UNENCRYPTED", "F1")
    assert "nobody has recorded that it is encrypted" in f["message"]
    assert f["evidence"]["encrypted"] is None


@quiet("FLOW_UNENCRYPTED")
def test_encrypted_flow_is_not_flagged_unencrypted(tmp_path):
    t = tables()
    edit(t, "flows", "F1", encrypted="yes")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "FLOW_UNENCRYPTED", "F1")
    assert fired(a, "FLOW_INSECURE_TRANSPORT", "F1")  # encrypted email is still email


def test_paper_flow_is_insecure_but_not_unencrypted(tmp_path):
    t = tables()
    edit(t, "flows", "F1", transport="paper", encrypted="")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "FLOW_UNENCRYPTED", "F1")
    assert "by paper" in finding(a, "FLOW_INSECURE_TRANSPORT", "F1")["message"]


@fires("FLOW_INSECURE_TRANSPORT")
def test_identifiable_special_data_by_email_is_insecure(tmp_path):
    f = finding(analyse_tables(tmp_path, tables()), "FLOW_INSECURE_TRANSPORT", "F1")
    assert "by email" in f["message"]
    assert f["evidence"]["transport"] == "email"


@quiet("FLOW_INSECURE_TRANSPORT")
def test_special_data_by_nhsmail_is_not_insecure(tmp_path):
    t = tables()
    edit(t, "flows", "F1", transport="nhsmail")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_INSECURE_TRANSPORT", "F1")


def test_pseudonymised_data_by_email_is_not_insecure_transport(tmp_path):
    t = tables()
    edit(t, "flows", "F1", identifiability="pseudonymised")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "FLOW_INSECURE_TRANSPORT", "F1")
    assert fired(a, "FLOW_UNENCRYPTED", "F1")  # still personal data


# --- common law duty of confidentiality


@fires("FLOW_IMPLIED_CONSENT_MISUSE")
def test_implied_consent_for_research_is_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F2", purpose="research", confidentiality_basis="implied_consent")
    f = finding(analyse_tables(tmp_path, t), "FLOW_IMPLIED_CONSENT_MISUSE", "F2")
    assert "for research" in f["message"] and "implied consent" in f["message"]
    assert f["evidence"]["confidentiality_basis"] == "implied_consent"


@quiet("FLOW_IMPLIED_CONSENT_MISUSE")
def test_implied_consent_for_direct_care_is_fine(tmp_path):
    t = tables()
    edit(t, "flows", "F2", purpose="direct_care", confidentiality_basis="implied_consent")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_IMPLIED_CONSENT_MISUSE", "F2")


@fires("FLOW_S251_NO_REF")
def test_s251_without_reference_is_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F2", confidentiality_basis="s251")
    f = finding(analyse_tables(tmp_path, t), "FLOW_S251_NO_REF", "F2")
    assert "section 251" in f["message"] and f["evidence"]["s251_ref"] == ""


@quiet("FLOW_S251_NO_REF")
def test_s251_with_reference_is_not_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F2", confidentiality_basis="s251", s251_ref="CAG 8-03(PR11)/2012")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_S251_NO_REF", "F2")


@fires("FLOW_OPT_OUT_NOT_APPLIED")
def test_research_flow_without_national_opt_out_is_flagged(tmp_path):
    t = tables()
    edit(
        t,
        "flows",
        "F2",
        purpose="research",
        confidentiality_basis="s251",
        s251_ref="CAG 1",
        opt_out_applied="no",
    )
    f = finding(analyse_tables(tmp_path, t), "FLOW_OPT_OUT_NOT_APPLIED", "F2")
    assert "national data opt-out" in f["message"] and "not recorded" not in f["message"]
    assert f["evidence"]["opt_out_applied"] is False


def test_unrecorded_opt_out_on_commissioning_flow_is_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F2", purpose="commissioning")
    f = finding(analyse_tables(tmp_path, t), "FLOW_OPT_OUT_NOT_APPLIED", "F2")
    assert "(not recorded)" in f["message"]


@quiet("FLOW_OPT_OUT_NOT_APPLIED")
def test_research_flow_with_national_opt_out_applied_is_fine(tmp_path):
    t = tables()
    edit(
        t,
        "flows",
        "F2",
        purpose="research",
        confidentiality_basis="s251",
        s251_ref="CAG 1",
        opt_out_applied="yes",
    )
    assert not fired(analyse_tables(tmp_path, t), "FLOW_OPT_OUT_NOT_APPLIED", "F2")


def test_opt_out_does_not_apply_with_explicit_consent(tmp_path):
    t = tables()
    edit(
        t,
        "flows",
        "F2",
        purpose="research",
        confidentiality_basis="explicit_consent",
        opt_out_applied="no",
    )
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "FLOW_OPT_OUT_NOT_APPLIED", "F2")
    assert not fired(a, "FLOW_IDENTIFIABLE_SECONDARY_USE", "F2")


@fires("FLOW_IDENTIFIABLE_SECONDARY_USE")
def test_identifiable_data_for_commissioning_is_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F2", purpose="commissioning")
    f = finding(analyse_tables(tmp_path, t), "FLOW_IDENTIFIABLE_SECONDARY_USE", "F2")
    assert "identifiable form for commissioning" in f["message"]
    assert f["evidence"]["identifiability_effective"] == "identifiable"


@quiet("FLOW_IDENTIFIABLE_SECONDARY_USE")
def test_pseudonymised_data_for_commissioning_is_fine(tmp_path):
    t = tables()
    edit(t, "flows", "F2", purpose="commissioning", identifiability="pseudonymised")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "FLOW_IDENTIFIABLE_SECONDARY_USE", "F2")
    assert not fired(a, "FLOW_OPT_OUT_NOT_APPLIED", "F2")  # not confidential any more


# --- partners and transfers


@fires("FLOW_PARTNER_BELOW_STANDARD")
def test_sharing_with_partner_below_dspt_standard_is_flagged(tmp_path):
    a = analyse_tables(tmp_path, tables())
    f = finding(a, "FLOW_PARTNER_BELOW_STANDARD", "F1")
    assert "Hill Surgery" in f["message"] and "not met" in f["message"]
    assert f["evidence"]["receiver_dspt"] == "not_met"
    assert not fired(a, "FLOW_PARTNER_BELOW_STANDARD", "F2")  # RXA meets the standard


@quiet("FLOW_PARTNER_BELOW_STANDARD")
def test_sharing_with_partner_meeting_dspt_standard_is_fine(tmp_path):
    t = tables()
    edit(t, "organisations", "00123", dspt_status="standards_met")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_PARTNER_BELOW_STANDARD", "F1")


@fires("FLOW_RESTRICTED_TRANSFER")
def test_transfer_abroad_without_mechanism_is_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F2", destination_country="us")
    f = finding(analyse_tables(tmp_path, t), "FLOW_RESTRICTED_TRANSFER", "F2")
    assert "in US" in f["message"]
    assert f["evidence"]["transfer_mechanism"] == ""


@quiet("FLOW_RESTRICTED_TRANSFER")
def test_transfer_abroad_under_idta_is_fine(tmp_path):
    t = tables()
    edit(t, "flows", "F2", destination_country="US", transfer_mechanism="idta")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_RESTRICTED_TRANSFER", "F2")


def test_uk_is_not_a_restricted_transfer(tmp_path):
    t = tables()
    edit(t, "flows", "F2", destination_country="uk")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_RESTRICTED_TRANSFER", "F2")


@fires("FLOW_LEGIT_INTEREST_PUBLIC")
def test_nhs_trust_relying_on_legitimate_interests_is_flagged(tmp_path):
    t = tables()
    edit(t, "flows", "F1", lawful_basis="Art 6(1)(f)")
    f = finding(analyse_tables(tmp_path, t), "FLOW_LEGIT_INTEREST_PUBLIC", "F1")
    assert f["org_id"] == "RXA" and "6(1)(f)" in f["message"]
    assert f["evidence"]["sender_sector"] == "nhs_trust"


@quiet("FLOW_LEGIT_INTEREST_PUBLIC")
def test_private_sender_may_rely_on_legitimate_interests(tmp_path):
    t = tables()
    edit(t, "flows", "F1", lawful_basis="Art 6(1)(f)")
    edit(t, "organisations", "RXA", sector="private")
    assert not fired(analyse_tables(tmp_path, t), "FLOW_LEGIT_INTEREST_PUBLIC", "F1")
