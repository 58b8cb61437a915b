"""Judgement on systems (issue 13): unknowns read as risky, every OS checked, honest wording.

Each test is a case a new user met; each failed before the fix. In ``small_tables()``
S1 is a Windows Server 2019 PAS in RXA:servers, S2 a Windows 7 ward PC with EternalBlue
open (known-exploited, ransomware) in RXA:clinical, S3 a GP's SaaS clinical system and S4
a backup store; A1 (patient index) is on S1 and S2.
"""

from __future__ import annotations

import datetime as dt

from tests.rulekit import analyse_tables, edit, finding, fired, fires, quiet, tables

AS_OF = dt.date(2026, 11, 1)


def _nas(t, os: str, **cells):
    row = {
        "system_id": "N1",
        "name": "Office NAS",
        "org_id": "RXA",
        "kind": "storage",
        "os": os,
        "zone": "RXA:servers",
        "internet_facing": "no",
        "last_patched": "2024-03-05",
        "hosting": "on_premises",
    }
    row.update(cells)
    t["systems"].append(row)


# --- storage is checked like any system that runs an OS


def test_unsupported_os_on_storage_is_end_of_life(tmp_path):
    t = tables()
    _nas(t, "Windows 7 SP1")
    a = analyse_tables(tmp_path, t)
    assert finding(a, "EOL_OS", "N1")["score"] >= 75
    assert fired(a, "PATCH_STALE", "N1")


def test_nas_firmware_flowmap_cannot_place_is_not_silently_ignored(tmp_path):
    """A Synology DSM 6.2 NAS, last patched in 2024, used to get nothing at all."""
    t = tables()
    _nas(t, "Synology DSM 6.2")
    a = analyse_tables(tmp_path, t)
    assert "Synology DSM 6.2" in finding(a, "OS_UNKNOWN", "N1")["message"]
    assert fired(a, "PATCH_STALE", "N1")


def test_cloud_storage_is_the_providers_to_patch(tmp_path):
    t = tables()
    _nas(t, "", hosting="cloud", last_patched="")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "OS_UNKNOWN", "N1") and not fired(a, "PATCH_STALE", "N1")


# --- a blank internet_facing is the risky answer


def test_unknown_exposure_makes_an_entry_point(tmp_path):
    t = tables()
    edit(t, "systems", "S1", internet_facing="")
    a = analyse_tables(tmp_path, t)
    s1 = a.systems.set_index("system_id").loc["S1"]
    assert s1["internet_exposure"] == "unknown"
    assert s1["entry_likelihood"] == s1["likelihood"] > 0
    assert s1["p_internet"] == a.settings.internet_likelihood


def test_unknown_exposure_of_a_known_exploited_system_is_flagged(tmp_path):
    t = tables()
    edit(t, "systems", "S2", internet_facing="")
    f = finding(analyse_tables(tmp_path, t), "INTERNET_EXPOSED_VULNERABLE", "S2")
    assert "may be reachable from the internet (nobody has recorded" in f["message"]
    assert f["evidence"]["internet_exposure"] == "unknown"
    assert 80 <= f["score"] < 92 + 5


def test_unknown_exposure_without_mfa_is_flagged_lower(tmp_path):
    t = tables()
    edit(t, "systems", "S1", internet_facing="", mfa="no")
    f = finding(analyse_tables(tmp_path, t), "NO_MFA_INTERNET", "S1")
    assert f["severity"] == "medium" and "may be reachable" in f["message"]


def test_paper_store_is_never_on_the_internet(tmp_path):
    t = tables()
    t["systems"].append(
        {"system_id": "P1", "name": "Records library", "org_id": "RXA", "kind": "paper_store"}
    )
    a = analyse_tables(tmp_path, t)
    assert a.systems.set_index("system_id").at["P1", "entry_likelihood"] == 0


# --- wording that fits the case


def test_exposed_known_exploited_gateway_is_not_called_wannacry(tmp_path):
    t = tables()
    edit(t, "systems", "S1", internet_facing="yes", mfa="yes")
    t["vulnerabilities"].append(
        {"system_id": "S1", "cve_id": "CVE-2023-4966", "cvss": "9.4", "kev": "yes"}
    )
    f = finding(analyse_tables(tmp_path, t), "INTERNET_EXPOSED_VULNERABLE", "S1")
    assert "WannaCry" not in f["message"] and "CVE-2023-4966" in f["message"]


# --- a known-exploited vulnerability marked mitigated


@fires("KEV_MITIGATED")
def test_mitigated_known_exploited_flaw_on_an_internet_firewall_is_a_reminder(tmp_path):
    t = tables()
    edit(t, "systems", "S1", kind="network_device", internet_facing="yes", mfa="yes")
    t["vulnerabilities"].append(
        {
            "system_id": "S1",
            "cve_id": "CVE-2018-13379",
            "cvss": "9.8",
            "kev": "yes",
            "status": "mitigated",
            "mitigation_ref": "CHG-881: SSL VPN portal disabled",
            "mitigated_on": "2026-09-30",
        }
    )
    a = analyse_tables(tmp_path, t)
    f = finding(a, "KEV_MITIGATED", "S1")
    assert "mitigated 30 Sep 2026, CHG-881" in f["message"]
    assert "reachable from the internet" in f["message"] and f["severity"] == "high"
    assert f["evidence"]["mitigated"] == [
        {
            "cve": "CVE-2018-13379",
            "mitigation_ref": "CHG-881: SSL VPN portal disabled",
            "mitigated_on": "2026-09-30",
        }
    ]
    assert f["problem_id"] == "unpatched:S1"
    edit(t, "vulnerabilities", "CVE-2018-13379", mitigation_ref="", mitigated_on="")
    f = finding(analyse_tables(tmp_path, t), "KEV_MITIGATED", "S1")
    assert "no date recorded, no reference recorded" in f["message"] and f["score"] >= 70


@quiet("KEV_MITIGATED")
def test_fixed_or_open_known_exploited_flaw_is_not_a_mitigation(tmp_path):
    t = tables()
    a = analyse_tables(tmp_path, t)  # S2's EternalBlue is open: KEV_OPEN, not KEV_MITIGATED
    assert not fired(a, "KEV_MITIGATED", "S2") and fired(a, "KEV_OPEN", "S2")
    edit(t, "vulnerabilities", "CVE-2017-0144", status="fixed")
    assert not fired(analyse_tables(tmp_path, t), "KEV_MITIGATED", "S2")


# --- backups a supplier takes


@fires("BACKUP_SUPPLIER_EVIDENCE")
def test_supplier_run_saas_asks_for_backup_evidence_not_a_backup(tmp_path):
    """A GP clinical system is backed up by its supplier: ask for the terms."""
    t = tables()
    t["assets"].append(
        {
            "asset_id": "A3",
            "name": "GP record",
            "org_id": "00123",
            "system_id": "S3",
            "data_categories": "personal;special_health",
            "essential": "yes",
        }
    )
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "BACKUP_MISSING", "A3")
    f = finding(a, "BACKUP_SUPPLIER_EVIDENCE", "A3")
    assert "backup and restore terms" in f["message"] and f["severity"] == "medium"
    assert f["problem_id"] == "backup:S3"


@quiet("BACKUP_SUPPLIER_EVIDENCE")
def test_recorded_supplier_backup_is_evidence(tmp_path):
    t = tables()
    t["assets"].append(
        {
            "asset_id": "A3",
            "name": "GP record",
            "org_id": "00123",
            "system_id": "S3",
            "essential": "yes",
        }
    )
    t["backups"].append(
        {
            "backup_id": "B2",
            "source_system_id": "S3",
            "target_system_id": "S4",
            "isolation": "immutable",
            "last_restore_test": "2026-06-01",
            "restore_result": "pass",
        }
    )
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "BACKUP_SUPPLIER_EVIDENCE", "A3") and not fired(a, "BACKUP_MISSING", "A3")


def test_a_server_the_organisation_runs_still_needs_its_own_backup(tmp_path):
    t = tables()
    edit(t, "backups", "B1", source_system_id="S2")  # S1, the trust's own server: none
    a = analyse_tables(tmp_path, t)
    assert fired(a, "BACKUP_MISSING", "A1") and not fired(a, "BACKUP_SUPPLIER_EVIDENCE", "A1")


# --- an end-of-life OS whose extended updates are still offered is not "never fixed"


def test_end_of_life_wording_says_when_extended_updates_are_still_offered(tmp_path):
    """Windows 10 22H2 without ESU can still be enrolled (to 2028); Windows 7 cannot."""
    t = tables()
    edit(t, "systems", "S1", os="Windows 10 Enterprise 22H2", esu="")
    a = analyse_tables(tmp_path, t)
    offered = finding(a, "EOL_OS", "S1")["message"]
    assert "never be fixed" not in offered
    assert "extension still offered for it (Extended Security Updates (paid))" in offered
    assert "2028" in offered
    closed = finding(a, "EOL_OS", "S2")["message"]  # Windows 7: ESU ended in 2023
    assert "never be fixed" in closed
