"""Judgement in the planner (issues 12 and 13): actions a SIRO would fund, none that cannot be done.

Each test is a case where the planner proposed something impossible or wasteful, or
missed what mattered; each failed before the fix.
"""

from __future__ import annotations

import datetime as dt

import pytest

import flowmap
from flowmap.planning import apply_actions
from flowmap.planning.actions import candidate_actions
from flowmap.planning.evaluate import Evaluator, full_risk
from tests.rulekit import analyse_tables, edit, tables

AS_OF = dt.date(2026, 11, 1)


def test_a_public_portal_is_never_taken_off_the_internet(tmp_path):
    """Issue 12: a citizen portal exists to be public; removing it is not a remedy."""
    t = tables()
    edit(t, "systems", "S1", internet_facing="yes", public_service="yes", mfa="no")
    ids = {c.action_id for c in candidate_actions(analyse_tables(tmp_path, t))}
    assert "remove_exposure:S1" not in ids
    assert "enforce_mfa:S1" in ids
    edit(t, "systems", "S1", public_service="")
    ids = {c.action_id for c in candidate_actions(analyse_tables(tmp_path, t))}
    assert "remove_exposure:S1" in ids


def _portal(t):
    """S1 becomes a citizen portal: public by design, with a critical flaw open."""
    edit(t, "systems", "S1", internet_facing="yes", public_service="yes", mfa="no")
    t["vulnerabilities"].append(
        {"system_id": "S1", "cve_id": "CVE-2023-38408", "cvss": "9.8", "epss": "0.5"}
    )


def test_a_public_portal_is_offered_the_remedies_that_fit(tmp_path):
    """Issue 12: patch, a web application firewall, MFA, a segment of its own."""
    t = tables()
    _portal(t)
    a = analyse_tables(tmp_path, t)
    ids = {c.action_id for c in candidate_actions(a)}
    assert {"patch:S1", "add_waf:S1", "enforce_mfa:S1", "isolate_system:S1"} <= ids
    assert "remove_exposure:S1" not in ids
    ev = Evaluator(a)
    for kind in ("add_waf", "isolate_system"):
        action = next(c for c in candidate_actions(a) if c.action_id == f"{kind}:S1")
        assert ev.risk_after(action) == pytest.approx(full_risk(a, [action]), abs=1e-6), kind
    # the WAF shields the open flaw; the data sits on the portal itself, so a segment of
    # its own cuts no path here (it once seemed to, by closing one of three findings of
    # one backup weakness: a weakness now counts once)
    waf = next(c for c in candidate_actions(a) if c.action_id == "add_waf:S1")
    assert ev.gain(waf) > 0


def test_a_waf_mitigates_and_the_mitigation_is_then_to_be_verified(tmp_path):
    t = tables()
    _portal(t)
    a = analyse_tables(tmp_path, t)
    action = next(c for c in candidate_actions(a) if c.kind == "add_waf")
    after = apply_actions(a.inventory, [action], as_of=AS_OF)
    v = after.vulnerabilities.set_index("cve_id").loc["CVE-2023-38408"]
    assert v["status"] == "mitigated" and v["mitigation_ref"] == "PLANNED-WAF-S1"


def test_isolating_a_system_leaves_it_only_its_recorded_flows(tmp_path):
    t = tables()
    _portal(t)
    a = analyse_tables(tmp_path, t)
    action = next(c for c in candidate_actions(a) if c.action_id == "isolate_system:S1")
    b = flowmap.analyse(apply_actions(a.inventory, [action], as_of=AS_OF), as_of=AS_OF)
    # S4 (the backup store) shared S1's zone; isolated, S1 no longer opens the way to it
    assert (
        b.systems.set_index("system_id").at["S4", "reach"]
        < a.systems.set_index("system_id").at["S4", "reach"]
    )


def _imaging_trust() -> dict[str, list[dict[str, str]]]:
    """Ward PCs (the phishing entry) reach the imaging zone, and only the imaging zone
    reaches the servers: every likely path runs through the Windows 7 PACS."""

    def system(sid, name, kind, os, zone, **cells):
        row = dict(system_id=sid, name=name, org_id="RNS", kind=kind, os=os, zone=zone)
        row.update(internet_facing="no", last_patched="2026-07-01", mfa="yes", smb1="no")
        row.update(esu="no", criticality="high", **cells)
        return row

    def asset(aid, name, system):
        return dict(asset_id=aid, name=name, org_id="RNS", system_id=system, owner="IAO")

    records = dict(data_categories="personal;special_health", records="900000", essential="yes")
    backup = dict(target_system_id="BKP-01", isolation="immutable", frequency_hours="24")
    backup.update(last_restore_test="2026-09-01", restore_result="pass")
    return {
        "organisations": [
            dict(org_id="RNS", name="North Trust", sector="nhs_trust", dspt_status="standards_met")
        ],
        "systems": [
            system("WS-01", "Ward PCs", "workstation", "Windows 10 22H2", "RNS:clinical"),
            system("PACS-01", "PACS", "storage", "Windows 7 SP1", "RNS:imaging", smb1="yes"),
            system("ARCH-01", "Image archive", "storage", "Windows Server 2022", "RNS:servers"),
            system("EPR-01", "EPR", "application", "Windows Server 2022", "RNS:servers"),
            system("BKP-01", "Backup appliance", "backup_target", "", "RNS:backup"),
        ],
        "assets": [
            {**asset("IMG", "Radiology images", "ARCH-01"), **records, "rpo_hours": "24"},
            {**asset("EPR", "Patient record", "EPR-01"), **records, "rpo_hours": "24"},
        ],
        "flows": [
            dict(
                flow_id="F1", asset_id="IMG", source_system_id="ARCH-01", target_system_id="EPR-01"
            )
            | dict(transport="api", encrypted="yes", purpose="direct_care")
            | dict(lawful_basis="6(1)(e)", special_condition="9(2)(h)")
        ],
        "backups": [
            dict(backup_id="B1", source_system_id="ARCH-01", **backup),
            dict(backup_id="B2", source_system_id="EPR-01", **backup),
        ],
        "zone_links": [
            dict(from_zone="RNS:clinical", to_zone="RNS:imaging", bidirectional="yes"),
            dict(from_zone="RNS:imaging", to_zone="RNS:servers", bidirectional="yes"),
        ],
    }


def test_a_windows_7_pacs_every_path_runs_through_is_worth_replacing(tmp_path):
    """Issue 13: within £50k the planner never funded replacing such a PACS, because the
    paths it drew ran round the PACS through the zone hubs."""
    a = analyse_tables(tmp_path, _imaging_trust())
    assert set(a.attack_paths["path"]) == {"WS-01 > PACS-01 > ARCH-01", "WS-01 > PACS-01 > EPR-01"}
    p = flowmap.plan(a, budget=50_000)
    gains = p.candidates.set_index("action_id")["risk_removed"]
    assert gains.idxmax() == "upgrade_os:PACS-01"
    assert "upgrade_os:PACS-01" in set(p.steps["action_id"])


# --- paperwork between two organisations: one action per pair (issue 13)


def test_one_agreement_covers_every_flow_between_two_bodies(tmp_path):
    """One data-sharing agreement between the trust and the police closes both flows'
    findings; the planner offers it once, and its gain is the re-analysed drop."""
    t = tables()
    for flow in ("F1", "F2"):
        edit(t, "flows", flow, purpose="law_enforcement", dsa_ref="")
    a = analyse_tables(tmp_path, t)
    cands = [c for c in candidate_actions(a) if c.kind == "put_dsa"]
    assert [c.action_id for c in cands] == ["put_dsa:00123+RXA"]
    after = apply_actions(a.inventory, cands, as_of=AS_OF)
    f = after.flows.set_index("flow_id")
    assert (f.loc[["F1", "F2"], "dsa_ref"] == "PLANNED-DSA-00123+RXA").all()
    gain = Evaluator(a).gain(cands[0])
    assert gain > 0
    assert gain == pytest.approx(a.total_risk - full_risk(a, cands), abs=0.011)


def test_a_restricted_transfer_gets_an_idta_action(tmp_path):
    """Issue 13: the planner had no action for a transfer outside the UK."""
    t = tables()
    edit(t, "flows", "F1", destination_country="US", transfer_mechanism="")
    a = analyse_tables(tmp_path, t)
    assert (a.findings["finding_id"] == "FLOW_RESTRICTED_TRANSFER:F1").any()
    [c] = [c for c in candidate_actions(a) if c.kind == "put_transfer_mechanism"]
    assert c.action_id == "put_transfer_mechanism:RXA>00123"
    assert "International Data Transfer Agreement" in c.description
    after = apply_actions(a.inventory, [c], as_of=AS_OF)
    assert after.flows.set_index("flow_id").at["F1", "transfer_mechanism"] == "idta"
    again = flowmap.analyse(after, as_of=AS_OF)
    assert not (again.findings["rule"] == "FLOW_RESTRICTED_TRANSFER").any()
    assert Evaluator(a).risk_after(c) == pytest.approx(again.total_risk, abs=1e-6)


def test_no_paid_extended_updates_are_bought_for_debian(tmp_path):
    """Issue 13: Debian LTS is free; the plan bought 'paid extended updates' for Debian 12."""
    t = tables()
    edit(t, "systems", "S1", os="Debian GNU/Linux 12 (bookworm)", esu="")
    a = analyse_tables(tmp_path, t)
    kinds = {c.kind for c in candidate_actions(a) if c.subject_id == "S1"}
    assert "enrol_esu" not in kinds
    edit(t, "systems", "S1", os="Windows 10 Enterprise 22H2")  # paid ESU: still offered
    a = analyse_tables(tmp_path, t)
    assert "enrol_esu:S1" in {c.action_id for c in candidate_actions(a)}
