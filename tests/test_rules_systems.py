"""System rules: each fires on the right system, and a one-cell change silences it.

Every case starts from ``small_tables()``: S1 PAS (Windows Server 2019, patched
12 days ago), S2 Ward PC (Windows 7, EternalBlue open, last patched 1 Jan 2025),
S3 a GP SaaS system on the internet (MFA not recorded) and S4 a backup store
(Ubuntu 22.04, support ending April 2027).
"""

from __future__ import annotations

from flowmap.engine.settings import DEFAULT_SETTINGS
from tests.rulekit import analyse_tables, edit, finding, fired, fires, quiet, tables

# --- EOL_OS, EOL_EXTENDED, EOL_SOON, OS_UNKNOWN


@fires("EOL_OS")
def test_windows_7_without_esu_is_eol_os(tmp_path):
    a = analyse_tables(tmp_path, tables())
    f = finding(a, "EOL_OS", "S2")
    assert f["org_id"] == "RXA"
    assert "Windows 7" in f["message"] and "14 Jan 2020" in f["message"]
    assert f["evidence"]["support_end"] == "2020-01-14"
    assert f["evidence"]["esu"] is None
    assert f["score"] == 75 and f["severity"] == "high"
    assert not fired(a, "EOL_OS", "S1")  # Windows Server 2019 is supported
    assert not fired(a, "EOL_EXTENDED", "S2")


def test_windows_7_whose_esu_has_ended_is_still_eol_os(tmp_path):
    t = tables()
    edit(t, "systems", "S2", esu="yes")  # Windows 7 ESU ended on 10 Jan 2023
    a = analyse_tables(tmp_path, t)
    assert fired(a, "EOL_OS", "S2")
    assert not fired(a, "EOL_EXTENDED", "S2")


@fires("EOL_EXTENDED")
@quiet("EOL_OS")
def test_esu_in_force_gives_eol_extended_not_eol_os(tmp_path):
    t = tables()
    edit(t, "systems", "S2", os="Windows 10", esu="yes")  # ESU until 10 Oct 2028
    a = analyse_tables(tmp_path, t)
    f = finding(a, "EOL_EXTENDED", "S2")
    assert "10 Oct 2028" in f["message"] and "14 Oct 2025" in f["message"]
    assert f["evidence"]["extended_end"] == "2028-10-10"
    assert f["evidence"]["esu"] is True
    assert not fired(a, "EOL_OS", "S2")
    s2 = a.systems.set_index("system_id").loc["S2"]
    assert s2["eol_status"] == "eol_extended"
    assert s2["p_end_of_life"] == DEFAULT_SETTINGS.eol_extended_likelihood


@quiet("EOL_EXTENDED")
def test_windows_10_without_esu_is_eol_os_not_eol_extended(tmp_path):
    t = tables()
    edit(t, "systems", "S2", os="Windows 10", esu="no")
    a = analyse_tables(tmp_path, t)
    assert fired(a, "EOL_OS", "S2")
    assert not fired(a, "EOL_EXTENDED", "S2")


def test_unknown_esu_is_read_as_no_extension(tmp_path):
    t = tables()
    edit(t, "systems", "S2", os="Windows 10", esu="")
    a = analyse_tables(tmp_path, t)
    assert fired(a, "EOL_OS", "S2") and not fired(a, "EOL_EXTENDED", "S2")


def test_supported_os_is_not_eol(tmp_path):
    t = tables()
    edit(t, "systems", "S2", os="Windows 11 Enterprise 25H2")  # support to Oct 2028
    a = analyse_tables(tmp_path, t)
    for rule in ("EOL_OS", "EOL_EXTENDED", "EOL_SOON", "OS_UNKNOWN"):
        assert not fired(a, rule, "S2"), rule


def test_internet_facing_eol_system_scores_higher(tmp_path):
    t = tables()
    edit(t, "systems", "S2", internet_facing="yes", criticality="critical")
    f = finding(analyse_tables(tmp_path, t), "EOL_OS", "S2")
    assert f["score"] == 75 + 10 + 10  # critical system, on the internet
    assert f["evidence"]["internet_facing"] is True
    assert f["severity"] == "critical"


@fires("EOL_SOON")
def test_support_ending_within_a_year_is_eol_soon(tmp_path):
    a = analyse_tables(tmp_path, tables())
    f = finding(a, "EOL_SOON", "S4")
    assert "Ubuntu 22.04" in f["message"] and "1 Apr 2027" in f["message"]
    assert f["evidence"]["support_end"] == "2027-04-01"
    assert not fired(a, "EOL_OS", "S4")


@quiet("EOL_SOON")
def test_support_ending_after_a_year_is_not_eol_soon(tmp_path):
    t = tables()
    edit(t, "systems", "S4", os="Ubuntu 24.04")  # support to May 2029
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "EOL_SOON", "S4")
    assert a.systems.set_index("system_id").loc["S4", "eol_status"] == "supported"


@fires("OS_UNKNOWN")
def test_server_without_os_is_os_unknown(tmp_path):
    t = tables()
    edit(t, "systems", "S1", os="")
    a = analyse_tables(tmp_path, t)
    f = finding(a, "OS_UNKNOWN", "S1")
    assert "no operating system recorded" in f["message"]
    assert not fired(a, "EOL_OS", "S1")


def test_unrecognised_os_is_os_unknown_and_quoted(tmp_path):
    t = tables()
    edit(t, "systems", "S1", os="Banana OS 3")
    f = finding(analyse_tables(tmp_path, t), "OS_UNKNOWN", "S1")
    assert "'Banana OS 3'" in f["message"]
    assert f["evidence"]["os"] == "Banana OS 3"


def test_an_os_that_may_be_releases_ending_on_different_dates_is_os_unknown(tmp_path):
    t = tables()
    edit(t, "systems", "S1", os="Windows 11 23H2")  # Home/Pro ended 2025-11-11, Enterprise later
    a = analyse_tables(tmp_path, t)
    f = finding(a, "OS_UNKNOWN", "S1")
    assert "may be releases whose support ends on different dates" in f["message"]
    assert "between 2025-11-11 and 2026-11-10" in f["evidence"]["os_match_reason"]
    assert not fired(a, "EOL_OS", "S1") and not fired(a, "EOL_SOON", "S1")


@quiet("OS_UNKNOWN")
def test_saas_without_os_is_not_os_unknown(tmp_path):
    t = tables()
    edit(t, "systems", "S1", os="", kind="saas")  # nobody patches an OS under SaaS
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "OS_UNKNOWN", "S1")
    assert not fired(a, "OS_UNKNOWN", "S3")  # the GP SaaS system has no OS either


# --- KEV_OPEN


@fires("KEV_OPEN")
def test_open_kev_vulnerability_is_flagged_with_its_cve(tmp_path):
    a = analyse_tables(tmp_path, tables())
    f = finding(a, "KEV_OPEN", "S2")
    assert f["evidence"]["cves"] == ["CVE-2017-0144"]
    assert f["evidence"]["ransomware"] == 1
    assert f["evidence"]["internet_facing"] is False
    assert "CVE-2017-0144" in f["message"] and "ransomware" in f["message"]
    assert f["score"] == 85 + 5
    assert [r for r in a.findings["rule"] if r == "KEV_OPEN"] == ["KEV_OPEN"]


def test_kev_lists_every_open_cve_sorted(tmp_path):
    t = tables()
    t["vulnerabilities"].append(
        {
            "system_id": "S2",
            "cve_id": "CVE-2019-0708",
            "cvss": "9.8",
            "kev": "yes",
            "patch_released": "2019-05-14",
        }
    )
    t["vulnerabilities"].append(
        {
            "system_id": "S2",
            "cve_id": "CVE-2010-0001",
            "cvss": "9.8",
            "kev": "yes",
            "patch_released": "2010-05-14",
            "status": "fixed",
        }
    )
    f = finding(analyse_tables(tmp_path, t), "KEV_OPEN", "S2")
    assert f["evidence"]["cves"] == ["CVE-2017-0144", "CVE-2019-0708"]
    assert "2 open vulnerabilities" in f["message"]


@quiet("KEV_OPEN")
def test_fixed_kev_vulnerability_is_not_flagged(tmp_path):
    t = tables()
    edit(t, "vulnerabilities", "CVE-2017-0144", status="fixed")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "KEV_OPEN", "S2")
    assert a.systems.set_index("system_id").loc["S2", "open_kev"] == 0


def test_vulnerability_not_in_kev_is_not_kev_open(tmp_path):
    t = tables()
    edit(t, "vulnerabilities", "CVE-2017-0144", kev="no")
    assert not fired(analyse_tables(tmp_path, t), "KEV_OPEN", "S2")


def test_risk_accepted_kev_is_still_open(tmp_path):
    # A risk acceptance does not remove the exploit: KEV_OPEN still fires.
    t = tables()
    edit(
        t,
        "vulnerabilities",
        "CVE-2017-0144",
        status="risk_accepted",
        risk_acceptance_ref="RA-2026-001",
    )
    assert fired(analyse_tables(tmp_path, t), "KEV_OPEN", "S2")


def test_mitigated_kev_is_not_open(tmp_path):
    t = tables()
    edit(t, "vulnerabilities", "CVE-2017-0144", status="mitigated")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "KEV_OPEN", "S2") and not fired(a, "PATCH_OVERDUE", "S2")


# --- PATCH_OVERDUE


@fires("PATCH_OVERDUE")
def test_high_cvss_patch_older_than_14_days_is_overdue(tmp_path):
    f = finding(analyse_tables(tmp_path, tables()), "PATCH_OVERDUE", "S2")
    assert f["evidence"] == {"system_id": "S2", "cves": ["CVE-2017-0144"], "expectation_days": 14}
    assert "CVE-2017-0144" in f["message"] and "14 days" in f["message"]


def test_risk_accepted_with_reference_is_not_overdue(tmp_path):
    t = tables()
    edit(
        t,
        "vulnerabilities",
        "CVE-2017-0144",
        status="risk_accepted",
        risk_acceptance_ref="RA-2026-001",
    )
    assert not fired(analyse_tables(tmp_path, t), "PATCH_OVERDUE", "S2")


def test_risk_accepted_without_reference_is_still_overdue(tmp_path):
    t = tables()
    edit(t, "vulnerabilities", "CVE-2017-0144", status="risk_accepted", risk_acceptance_ref="")
    assert fired(analyse_tables(tmp_path, t), "PATCH_OVERDUE", "S2")


@quiet("PATCH_OVERDUE")
def test_medium_cvss_is_not_overdue(tmp_path):
    t = tables()
    edit(t, "vulnerabilities", "CVE-2017-0144", cvss="6.9")
    assert not fired(analyse_tables(tmp_path, t), "PATCH_OVERDUE", "S2")


def test_unknown_cvss_is_treated_as_high(tmp_path):
    t = tables()
    edit(t, "vulnerabilities", "CVE-2017-0144", cvss="")
    assert fired(analyse_tables(tmp_path, t), "PATCH_OVERDUE", "S2")


def test_patch_due_exactly_14_days_ago_is_not_yet_overdue(tmp_path):
    t = tables()
    edit(t, "vulnerabilities", "CVE-2017-0144", patch_released="2026-10-18")
    assert not fired(analyse_tables(tmp_path, t), "PATCH_OVERDUE", "S2")
    edit(t, "vulnerabilities", "CVE-2017-0144", patch_released="2026-10-17")
    assert fired(analyse_tables(tmp_path, t), "PATCH_OVERDUE", "S2")


def test_no_patch_released_is_not_overdue(tmp_path):
    t = tables()
    edit(t, "vulnerabilities", "CVE-2017-0144", patch_released="")
    assert not fired(analyse_tables(tmp_path, t), "PATCH_OVERDUE", "S2")


# --- PATCH_STALE


@fires("PATCH_STALE")
def test_workstation_unpatched_for_over_60_days_is_stale(tmp_path):
    f = finding(analyse_tables(tmp_path, tables()), "PATCH_STALE", "S2")
    assert "669 days ago (1 Jan 2025)" in f["message"]
    assert f["evidence"]["last_patched"] == "2025-01-01"
    assert f["evidence"]["days_since_patch"] == 669


@quiet("PATCH_STALE")
def test_patched_exactly_60_days_ago_is_not_stale(tmp_path):
    t = tables()
    edit(t, "systems", "S2", last_patched="2026-09-02")  # 60 days before 1 Nov 2026
    assert not fired(analyse_tables(tmp_path, t), "PATCH_STALE", "S2")
    edit(t, "systems", "S2", last_patched="2026-09-01")
    assert fired(analyse_tables(tmp_path, t), "PATCH_STALE", "S2")


def test_unrecorded_patch_date_on_server_is_stale(tmp_path):
    t = tables()
    edit(t, "systems", "S1", last_patched="")
    a = analyse_tables(tmp_path, t)
    f = finding(a, "PATCH_STALE", "S1")
    assert "nobody recorded" in f["message"]
    assert f["evidence"]["days_since_patch"] is None
    assert not fired(a, "PATCH_STALE", "S3")  # SaaS: nobody expects a patch date


# --- INTERNET_EXPOSED_VULNERABLE


@fires("INTERNET_EXPOSED_VULNERABLE")
def test_internet_facing_eol_system_with_kev_is_exposed(tmp_path):
    t = tables()
    edit(t, "systems", "S2", internet_facing="yes")
    f = finding(analyse_tables(tmp_path, t), "INTERNET_EXPOSED_VULNERABLE", "S2")
    assert "runs Windows 7 SP1, which is no longer supported" in f["message"]
    assert "known-exploited vulnerabilities open (CVE-2017-0144)" in f["message"]
    assert f["evidence"]["open_kev"] == 1 and f["evidence"]["eol_status"] == "eol"
    assert f["severity"] == "critical"


def test_internet_facing_supported_system_with_kev_is_exposed(tmp_path):
    t = tables()
    edit(t, "systems", "S2", internet_facing="yes", os="Windows 11 Enterprise 25H2")
    f = finding(analyse_tables(tmp_path, t), "INTERNET_EXPOSED_VULNERABLE", "S2")
    assert "no longer supported" not in f["message"]
    assert "known-exploited vulnerabilities open (CVE-2017-0144)" in f["message"]


@quiet("INTERNET_EXPOSED_VULNERABLE")
def test_internal_eol_system_with_kev_is_not_internet_exposed(tmp_path):
    t = tables()
    edit(t, "systems", "S2", internet_facing="no")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "INTERNET_EXPOSED_VULNERABLE", "S2")
    assert not fired(a, "INTERNET_EXPOSED_VULNERABLE", "S3")  # on the internet, not weak


def test_unknown_internet_facing_is_read_as_possibly_exposed(tmp_path):
    t = tables()
    edit(t, "systems", "S2", internet_facing="")
    a = analyse_tables(tmp_path, t)
    assert finding(a, "INTERNET_EXPOSED_VULNERABLE", "S2")["score"] < 92 + 5
    s2 = a.systems.set_index("system_id").loc["S2"]
    assert s2["p_internet"] == DEFAULT_SETTINGS.internet_unknown_likelihood


# --- SMB1_ENABLED


@fires("SMB1_ENABLED")
def test_smb1_enabled_is_flagged(tmp_path):
    t = tables()
    edit(t, "systems", "S1", smb1="yes")
    f = finding(analyse_tables(tmp_path, t), "SMB1_ENABLED", "S1")
    assert "SMBv1" in f["message"] and f["evidence"]["smb1"] is True


@quiet("SMB1_ENABLED")
def test_smb1_disabled_is_not_flagged(tmp_path):
    t = tables()
    edit(t, "systems", "S1", smb1="no")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "SMB1_ENABLED", "S1")
    assert a.systems.set_index("system_id").loc["S1", "p_smb1"] == 0.0


def test_unknown_smb1_on_windows_adds_a_little_likelihood_but_no_finding(tmp_path):
    a = analyse_tables(tmp_path, tables())
    s = a.systems.set_index("system_id")
    assert s.loc["S1", "p_smb1"] == DEFAULT_SETTINGS.smb1_unknown_likelihood
    assert s.loc["S4", "p_smb1"] == 0.0  # Ubuntu: no SMBv1 to worry about
    assert not fired(a, "SMB1_ENABLED", "S1")


# --- NO_MFA_INTERNET


@fires("NO_MFA_INTERNET")
def test_unknown_mfa_on_internet_facing_is_flagged_pessimistically(tmp_path):
    a = analyse_tables(tmp_path, tables())
    f = finding(a, "NO_MFA_INTERNET", "S3")
    assert f["org_id"] == "00123"
    assert "nobody has recorded" in f["message"]
    assert f["score"] == 55 and f["evidence"]["mfa"] is None
    s3 = a.systems.set_index("system_id").loc["S3"]
    assert s3["p_no_mfa"] == DEFAULT_SETTINGS.mfa_unknown_internet_likelihood


def test_internet_facing_without_mfa_is_flagged(tmp_path):
    t = tables()
    edit(t, "systems", "S3", mfa="no")
    a = analyse_tables(tmp_path, t)
    f = finding(a, "NO_MFA_INTERNET", "S3")
    assert "without multi-factor authentication" in f["message"]
    assert f["score"] == 70 and f["evidence"]["mfa"] is False
    s3 = a.systems.set_index("system_id").loc["S3"]
    assert s3["p_no_mfa"] == DEFAULT_SETTINGS.no_mfa_internet_likelihood


@quiet("NO_MFA_INTERNET")
def test_internet_facing_with_mfa_is_not_flagged(tmp_path):
    t = tables()
    edit(t, "systems", "S3", mfa="yes")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "NO_MFA_INTERNET", "S3")
    assert a.systems.set_index("system_id").loc["S3", "p_no_mfa"] == 0.0


def test_internal_system_without_mfa_is_not_flagged(tmp_path):
    t = tables()
    edit(t, "systems", "S1", mfa="no")
    assert not fired(analyse_tables(tmp_path, t), "NO_MFA_INTERNET", "S1")
