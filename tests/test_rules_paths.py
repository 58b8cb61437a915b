"""Attack-path and copy rules, the sample inventory end to end, KEV enrichment, and the
check that every rule in the catalogue has a firing and a quiet test."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd
import pytest

import flowmap
from flowmap.engine.rules import RULES
from tests import (
    test_judgement_sharing,
    test_judgement_systems,
    test_rules_assets_backups,
    test_rules_flows,
    test_rules_systems,
)
from tests.conftest import SAMPLE
from tests.rulekit import AS_OF, analyse_tables, covered, edit, finding, fired, fires, quiet, tables

KEV_FILE = (
    Path(__file__).resolve().parents[2] / "shared/data/kev/known_exploited_vulnerabilities.json"
)


def _path_ends_on_a_copy(a, asset_id: str, evidence: dict) -> None:
    """The path starts at an entry point and ends on a system that holds the asset."""
    path = evidence["path"]
    systems = a.systems.set_index("system_id")
    assert systems.loc[path[0], "entry_likelihood"] > 0
    assert evidence["steps"][0]["how"] == "entry point"
    assert [s["system_id"] for s in evidence["steps"]] == path
    holders = set(a.copies.loc[a.copies["asset_id"] == asset_id, "system_id"])
    assert path[-1] in holders


# --- ATTACK_PATH


@fires("ATTACK_PATH")
def test_internet_facing_copy_of_sensitive_data_is_an_attack_path(tmp_path):
    a = analyse_tables(tmp_path, tables())
    f = finding(a, "ATTACK_PATH", "A1", named=False)
    assert f["evidence"]["path"] == ["S3"]  # F1 puts a copy on the internet-facing S3
    assert "entering at S3 (internet-facing)" in f["message"]
    assert "Patient index (A1, 250,000 records)" in f["message"]
    assert f["evidence"]["risk"] >= 10
    assert f["score"] == pytest.approx(f["evidence"]["risk"], abs=0.05)
    _path_ends_on_a_copy(a, "A1", f["evidence"])
    assert not fired(a, "ATTACK_PATH", "A2")  # staff list: risk below the threshold


def test_attack_path_through_a_phished_workstation(tmp_path):
    t = tables()
    edit(t, "systems", "S3", internet_facing="no")
    edit(t, "assets", "A1", system_id="S1")
    edit(t, "systems", "S1", os="Windows Server 2008 R2", smb1="yes")
    a = analyse_tables(tmp_path, t)
    f = finding(a, "ATTACK_PATH", "A1", named=False)
    assert f["evidence"]["path"] == ["S2", "S1"]
    assert "entering at S2 (phishing)" in f["message"] and "in 1 step " in f["message"]
    assert f["evidence"]["steps"][1]["how"] == "zone link from RXA:clinical to RXA:servers"
    _path_ends_on_a_copy(a, "A1", f["evidence"])
    row = a.attack_paths.set_index("asset_id").loc["A1"]
    assert row["target_system_id"] == "S1" and row["hops"] == 1


@quiet("ATTACK_PATH")
def test_aggregate_data_is_not_worth_an_attack_path_finding(tmp_path):
    t = tables()
    edit(t, "assets", "A1", identifiability="aggregate")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "ATTACK_PATH", "A1")
    assert a.attack_paths.set_index("asset_id").loc["A1", "risk"] < 10


def test_unreachable_asset_has_no_attack_path(tmp_path):
    t = tables()
    edit(t, "systems", "S3", internet_facing="no")
    edit(t, "systems", "S2", kind="server")  # nobody to phish any more
    a = analyse_tables(tmp_path, t)
    assert not a.findings["rule"].eq("ATTACK_PATH").any()
    assert (a.attack_paths["probability"] == 0).all() and a.cyber_risk == 0


# --- SENSITIVE_COPY_EXPOSED


@fires("SENSITIVE_COPY_EXPOSED")
def test_sensitive_copy_on_weak_system_is_exposed(tmp_path):
    a = analyse_tables(tmp_path, tables())
    f = finding(a, "SENSITIVE_COPY_EXPOSED", "A1")
    assert "S2 (RXA, EOL_OS, KEV_OPEN, PATCH_OVERDUE)" in f["message"]
    assert [c["system_id"] for c in f["evidence"]["copies"]] == ["S2"]
    assert f["evidence"]["copies"][0]["how"] == "register"
    assert f["score"] == 75  # the only weak copy is at home
    assert not fired(a, "SENSITIVE_COPY_EXPOSED", "A2")  # staff data is not special category


@quiet("SENSITIVE_COPY_EXPOSED")
def test_pseudonymised_copy_on_weak_system_is_not_sensitive_copy_exposed(tmp_path):
    t = tables()
    edit(t, "assets", "A1", identifiability="pseudonymised")
    assert not fired(analyse_tables(tmp_path, t), "SENSITIVE_COPY_EXPOSED", "A1")


def test_copy_sent_to_weak_partner_system_is_exposed_elsewhere(tmp_path):
    t = tables()
    edit(t, "assets", "A1", system_id="S1")  # S2 no longer holds it...
    t["systems"].append(
        {
            "system_id": "S5",
            "name": "Surgery PC",
            "org_id": "00123",
            "kind": "workstation",
            "os": "Windows XP",
            "internet_facing": "no",
            "last_patched": "2026-10-01",
        }
    )
    t["flows"].append(
        {
            "flow_id": "F3",
            "asset_id": "A1",
            "source_system_id": "S3",
            "target_system_id": "S5",
            "transport": "internal",
            "encrypted": "yes",
            "purpose": "direct_care",
            "lawful_basis": "6(1)(e)",
            "dsa_ref": "",
        }
    )
    a = analyse_tables(tmp_path, t)  # ...but F1 then F3 carry it on to S5
    f = finding(a, "SENSITIVE_COPY_EXPOSED", "A1")
    [copy] = f["evidence"]["copies"]
    assert copy == {
        "system_id": "S5",
        "org_id": "00123",
        "how": "flow",
        "route": "F1 > F3",
        "weaknesses": ["EOL_OS"],
    }
    assert "partner organisations" in f["message"] and f["score"] == 85


# --- the sample inventory


@pytest.fixture(scope="module")
def sample():
    return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)


def test_sample_multi_hop_copy_reaches_a_partner_pc(sample):
    c = sample.copies
    row = c[(c["asset_id"] == "IA-0002") & (c["system_id"] == "VNX01-PC-01")]
    assert len(row) == 1
    assert row.iloc[0]["how"] == "flow" and row.iloc[0]["route"] == "F-0020 > F-0021"
    assert row.iloc[0]["hops"] == 2 and row.iloc[0]["via"] == "F-0021"
    f = finding(sample, "SENSITIVE_COPY_EXPOSED", "IA-0002")
    assert "VNX01-PC-01" in f["message"]
    [pc] = [x for x in f["evidence"]["copies"] if x["system_id"] == "VNX01-PC-01"]
    assert pc["route"] == "F-0020 > F-0021" and "EOL_OS" in pc["weaknesses"]


def test_sample_maternity_attack_path_runs_from_entry_point_to_a_copy(sample):
    p = sample.attack_paths.set_index("asset_id").loc["IA-0001"]
    assert p["asset_name"] == "Maternity record" and p["probability"] > 0
    path = p["path"].split(" > ")
    assert path[0] == p["entry_system_id"] and path[-1] == p["target_system_id"]
    assert p["entry_kind"] in ("internet-facing", "phishing")
    assert p["hops"] == len(path) - 1 >= 1
    f = finding(sample, "ATTACK_PATH", "IA-0001", named=False)
    assert f["evidence"]["path"] == path
    assert f"entering at {path[0]}" in f["message"] and p["path"] in f["message"]
    _path_ends_on_a_copy(sample, "IA-0001", f["evidence"])


def test_sample_scores_stay_in_range(sample):
    assert sample.systems["likelihood"].between(0, 1).all()
    assert sample.systems["reach"].between(0, 1).all()
    assert sample.assets["impact"].between(0, 100).all()
    assert sample.findings["score"].between(0, 100).all()
    assert sample.findings["finding_id"].is_unique


def test_sample_findings_are_deterministic(sample):
    again = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)
    pd.testing.assert_frame_equal(sample.findings, again.findings)
    pd.testing.assert_frame_equal(
        sample.attack_paths.drop(columns="steps"), again.attack_paths.drop(columns="steps")
    )
    assert sample.total_risk == again.total_risk


# --- KEV catalogue enrichment


@pytest.mark.skipif(not KEV_FILE.exists(), reason="shared KEV catalogue not downloaded")
def test_kev_catalogue_marks_eternalblue_known_exploited(tmp_path):
    t = tables()
    edit(t, "vulnerabilities", "CVE-2017-0144", kev="", ransomware="")
    plain = analyse_tables(tmp_path, t)
    assert not fired(plain, "KEV_OPEN", "S2")
    a = analyse_tables(tmp_path, t, reference=flowmap.load_reference(kev=KEV_FILE))
    v = a.inventory.vulnerabilities.set_index("cve_id").loc["CVE-2017-0144"]
    assert bool(v["kev"]) and bool(v["ransomware"])
    f = finding(a, "KEV_OPEN", "S2")
    assert f["evidence"]["cves"] == ["CVE-2017-0144"] and f["evidence"]["ransomware"] == 1
    assert "kev" in a.summary["sources"]
    assert "known_exploited_vulnerabilities.json" in a.summary["sources"]["kev"]
    assert "catalogue" in a.summary["sources"]["kev"]
    # Known-exploited by ransomware: at least the ransomware floor, and never below its EPSS.
    s2 = a.systems.set_index("system_id").loc["S2"]
    assert s2["open_kev"] == 1 and s2["open_ransomware"] == 1
    epss = float(v["epss"])
    assert s2["p_vulnerabilities"] == pytest.approx(max(epss, a.settings.kev_ransomware_likelihood))


# --- coverage of the catalogue

MODULES = (
    test_rules_systems,
    test_rules_flows,
    test_rules_assets_backups,
    test_judgement_sharing,
    test_judgement_systems,
    sys.modules[__name__],
)


@pytest.mark.parametrize("kind", ["fires", "quiet"])
def test_every_rule_has_a_firing_and_a_quiet_test(kind):
    ids = {r.id for r in RULES}
    have = set().union(*(covered(m, kind) for m in MODULES))
    assert have == ids, f"missing {sorted(ids - have)}, unknown {sorted(have - ids)}"


def test_rules_are_typed_and_ids_unique():
    assert len({r.id for r in RULES}) == len(RULES) == 37
    for r in RULES:
        assert r.id.isupper() and r.subject_type in ("system", "asset", "flow", "backup")
        assert r.remediation and r.references and callable(r.evaluate)


def test_as_of_is_the_default_date_of_these_tests():
    assert dt.date(2026, 11, 1) == AS_OF
