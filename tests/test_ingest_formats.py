"""Reading each scanner format from real exports (tests/data/scans, see its README)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from flowmap.ingest.detect import detect
from flowmap.ingest.records import HostRecord
from tests.conftest import ROOT

SCANS = ROOT / "tests" / "data" / "scans"

EXPECTED_FORMATS = {
    "nessus/defectdojo_7hosts_win2008r2.nessus": "nessus",
    "nessus/defectdojo_cvssv3_php_unsupported.nessus": "nessus",
    "nessus/rubynessus_metasploitable_unsupported_os.nessus": "nessus",
    "tenable_csv/defectdojo_nessus_pro_all_columns.csv": "tenable_csv",
    "tenable_csv/defectdojo_tenable_io_vulns.csv": "tenable_csv",
    "tenable_csv/defectdojo_tenable_sc_mssql_unsupported.csv": "tenable_csv",
    "tenable_csv/defectdojo_tenable_vm_workbench_46rows.csv": "tenable_csv",
    "openvas/defectdojo_gmp22_windows_kb_epss.xml": "greenbone_xml",
    "openvas/defectdojo_gmp9_metasploitable2_trimmed.xml": "greenbone_xml",
    "openvas/dradis_openvas7_legacy.xml": "greenbone_xml",
    "openvas/defectdojo_gvm_csv_cve_scanner.csv": "greenbone_csv",
    "openvas/defectdojo_gvm_csv_scanme.csv": "greenbone_csv",
    "openvas/defectdojo_gvm_csv_windows_kb_epss.csv": "greenbone_csv",
    "openvas/defectdojo_openvas_csv_logsrv.csv": "greenbone_csv",
    "qualys/ssf_asset_data_report_2hosts.xml": "qualys_asset_report",
    "qualys/ssf_webgui_scan_2hosts_scrubbed.xml": "qualys_scan",
    "qualys/defectdojo_vm_report_4hosts.csv": "qualys_csv",
    "qualys/defectdojo_pci_scan_issue6932.csv": "qualys_csv",
    "qualys/generated_scan_results_with_preamble.csv": "qualys_csv",
    "nmap/libnmap_full_sudo6_os_detection.xml": "nmap",
    "nmap/defectdojo_vulners_issue4406.xml": "nmap",
    "nmap/defectdojo_vulners_minimal.xml": "nmap",
    "mde/defectdojo_api_machines_win11.json": "defender",
    "mde/defectdojo_api_machinesvulnerabilities_win11_trimmed.json": "defender",
    "mde/msdocs_example_SoftwareVulnerabilitiesByMachine.json": "defender",
    "mde/msdocs_example_SoftwareVulnerabilityChangesByMachine.json": "defender",
    "mde/generated_export_assessment_vulnerabilities.csv": "defender",
}


def records(name: str) -> list[HostRecord]:
    return list(detect(SCANS / name).records())


def by_ip(name: str) -> dict[str, HostRecord]:
    return {r.ips[0]: r for r in records(name) if r.ips}


def cves(record: HostRecord) -> set[str]:
    return {c for f in record.findings for c in f.cves if not f.fixed}


def test_every_real_sample_is_listed_here() -> None:
    found = {
        str(p.relative_to(SCANS)) for p in SCANS.rglob("*") if p.is_file() and p.name != "README.md"
    }
    assert found == set(EXPECTED_FORMATS)


@pytest.mark.parametrize("name", sorted(EXPECTED_FORMATS))
def test_the_format_is_told_from_the_content_not_the_file_name(name: str, tmp_path) -> None:
    renamed = tmp_path / "export.dat"
    shutil.copyfile(SCANS / name, renamed)
    assert detect(renamed).format == EXPECTED_FORMATS[name]


def test_a_gzipped_export_is_read_through_gzip(tmp_path) -> None:
    import gzip

    packed = tmp_path / "scan.nessus.gz"
    packed.write_bytes(
        gzip.compress((SCANS / "nessus/defectdojo_7hosts_win2008r2.nessus").read_bytes())
    )
    assert len(list(detect(packed).records())) == 7


# ------------------------------------------------------------------------ Nessus


def test_nessus_hosts_carry_names_os_and_device_type() -> None:
    hosts = records("nessus/defectdojo_7hosts_win2008r2.nessus")
    assert len(hosts) == 7
    first = hosts[0]
    assert first.ips == ["10.31.112.29"]
    assert first.hostnames == ["qa3app09"]  # host-fqdn holds a short name here
    assert first.os == "Microsoft Windows Server 2008 R2 Standard Service Pack 1"
    assert first.device_type == "general-purpose"
    assert first.scanned_at == dt.datetime(2013, 7, 1, 11, 40, 48)
    assert first.location == "ReportHost 'qa3app09' (line 174)"
    assert cves(first) == {"CVE-2005-1794"}


def test_nessus_unsupported_os_comes_from_the_host_tag_and_the_plugin() -> None:
    (host,) = records("nessus/rubynessus_metasploitable_unsupported_os.nessus")
    assert host.os == "Linux Kernel 2.6 on Ubuntu 8.04 (hardy)"
    assert host.os_cpe == "cpe:/o:canonical:ubuntu_linux:8.04"
    assert "metasploitable" in host.hostnames
    assert any("operating-system-unsupported" in v for v in host.verdicts)
    assert "Nessus plugin 33850 Unsupported Unix Operating System" in host.verdicts
    assert len(cves(host)) == 32


def test_nessus_prefers_cvss3_and_reads_patch_dates() -> None:
    (host,) = records("nessus/defectdojo_cvssv3_php_unsupported.nessus")
    item = next(f for f in host.findings if f.ref == "plugin 142591")
    assert (item.cvss, item.cvss_version) == (7.5, "3")
    assert item.patch_date == dt.date(2020, 10, 29)
    assert set(host.fqdns) >= {"testphp.vulnweb.com"}
    assert "Nessus plugin 58987 PHP Unsupported Version Detection" in host.verdicts
    assert len(cves(host)) == 25


# ------------------------------------------------------------------ Tenable CSV


def test_nessus_professional_csv_knows_hosts_by_address_only() -> None:
    (host,) = records("tenable_csv/defectdojo_nessus_pro_all_columns.csv")
    assert host.ips == ["52.208.101.182"] and host.os == ""
    assert len(host.findings) == 30
    with_cve = [f for f in host.findings if f.cves]
    assert [(f.cves, f.cvss) for f in with_cve] == [(("CVE-2004-2761",), None)]
    scored = {(f.ref, f.cvss, f.cvss_version) for f in host.findings if f.cvss is not None}
    assert ("plugin 104743", 6.5, "3") in scored


def test_tenable_io_groups_one_row_per_cve_into_hosts() -> None:
    hosts = records("tenable_csv/defectdojo_tenable_io_vulns.csv")
    assert [len(h.findings) for h in hosts] == [18, 1, 1]  # the 2 rows of commas are blank
    assert hosts[0].os == "Linux Kernel 4.14.313-235.533.amzn2.x86_64 on Amazon Linux 2"
    assert hosts[0].fqdns == ["ip-127-0-0-1.us-west-2.compute.internal"]
    assert len(cves(hosts[0])) == 18


def test_tenable_sc_reads_netbios_names_and_the_unsupported_plugin() -> None:
    hosts = by_ip("tenable_csv/defectdojo_tenable_sc_mssql_unsupported.csv")
    assert hosts["2.3.4.5"].hostnames == ["ecodarchdb"]  # WORKGROUP\ECODARCHDB
    assert any("73756" in v for v in hosts["2.3.4.5"].verdicts)


def test_tenable_workbench_leaves_out_an_os_given_as_several_guesses() -> None:
    hosts = by_ip("tenable_csv/defectdojo_tenable_vm_workbench_46rows.csv")
    assert len(hosts) == 46
    assert hosts["10.0.0.5"].os == "HP JetDirect Printer"
    assert hosts["10.0.0.5"].device_type == "printer"
    assert (
        hosts["10.0.0.6"].os == "" and "4 possible operating systems" in hosts["10.0.0.6"].os_note
    )
    assert hosts["10.0.0.1"].ips[1] == "fe80::20d:3aff:fe45:647f"


# --------------------------------------------------------------------- Greenbone


def test_greenbone_22_takes_the_cvss3_severity_and_every_cve_ref() -> None:
    (host,) = records("openvas/defectdojo_gmp22_windows_kb_epss.xml")
    assert host.hostnames == ["server99"]
    (finding,) = host.findings
    assert (finding.cvss, finding.cvss_version) == (9.8, "3")
    assert len(finding.cves) == 93
    assert host.scanned_at == dt.datetime(2025, 8, 22, 14, 55, 31)  # +02:00 in UTC


def test_greenbone_eol_nvt_is_a_verdict_with_the_os_cpe() -> None:
    (host,) = records("openvas/defectdojo_gmp9_metasploitable2_trimmed.xml")
    assert host.ips == [] and host.hostnames == ["b6b9f466d63"]
    assert host.notes == ["'192.168.1.1001' is not an IP address: not used to match"]
    assert host.os_cpe == "cpe:/o:canonical:ubuntu_linux:8.04"
    assert host.verdicts == [
        "Greenbone NVT 1.3.6.1.4.1.25623.1.0.103674 "
        "Operating System (OS) End of Life (EOL) Detection"
    ]


def test_openvas_7_reads_the_comma_list_of_cves_and_skips_nested_detections() -> None:
    (host,) = records("openvas/dradis_openvas7_legacy.xml")
    assert len(host.findings) == 6  # top-level results only
    assert "CVE-2014-0224" in cves(host)


def test_greenbone_csv_takes_cves_from_the_cve_scanners_oid_and_os_from_detection() -> None:
    (cve_scan,) = records("openvas/defectdojo_gvm_csv_cve_scanner.csv")
    assert "CVE-2021-26690" in cves(cve_scan)
    assert len(cves(cve_scan)) == 43
    (scanme,) = records("openvas/defectdojo_gvm_csv_scanme.csv")
    assert (scanme.os, scanme.os_cpe) == ("Ubuntu", "cpe:/o:canonical:ubuntu_linux")
    (logsrv,) = records("openvas/defectdojo_openvas_csv_logsrv.csv")
    assert logsrv.hostnames == ["logsrv"]
    assert cves(logsrv) == {"CVE-2011-3389", "CVE-2015-0204"}


# ------------------------------------------------------------------------ Qualys


def test_qualys_asset_report_takes_cves_from_the_glossary() -> None:
    hosts = by_ip("qualys/ssf_asset_data_report_2hosts.xml")
    dc = hosts["64.41.200.249"]
    assert dc.os == "Windows 2012 Standard"
    assert "trn-win2012-dc" in dc.hostnames
    assert len(cves(dc)) == 8
    big_ip = hosts["64.41.200.244"]
    assert big_ip.os == "" and "4 possible operating systems" in big_ip.os_note


def test_qualys_scan_xml_reads_vulns_practices_and_information_rows() -> None:
    hosts = by_ip("qualys/ssf_webgui_scan_2hosts_scrubbed.xml")
    host = hosts["10.1.10.1"]
    assert host.fqdns == ["host1.example.com"] and host.os == "Ubuntu 11"
    assert len(host.findings) == 12
    assert "CVE-2016-0636" in cves(host)  # from a PRACTICE row
    assert {f.note for f in host.findings if not f.cves} >= {"information gathered"}


def test_qualys_csv_reads_eol_verdicts_and_cvss3_with_its_vector() -> None:
    hosts = by_ip("qualys/defectdojo_vm_report_4hosts.csv")
    first = hosts["10.98.57.180"]
    assert first.hostnames == ["ec2amaz-iu0c43l"]
    assert any("EOL/Obsolete Software" in v for v in first.verdicts)
    assert all(f.cvss_version in ("3", "") for f in first.findings)


def test_qualys_csv_finds_its_header_past_the_report_preamble() -> None:
    detected = detect(SCANS / "qualys/generated_scan_results_with_preamble.csv")
    assert detected.header is not None and detected.header.line == 8
    hosts = {r.ips[0]: r for r in detected.records()}
    pas = hosts["10.20.1.15"]
    assert [f.location for f in pas.findings] == ["line 9", "line 11"]  # a cell spans 2 lines
    assert (pas.findings[0].cvss, pas.findings[0].cvss_version) == (9.8, "3")
    assert any("EOL/Obsolete Operating System" in v for v in hosts["10.20.1.21"].verdicts)


# -------------------------------------------------------------------------- nmap


def test_nmap_skips_down_hosts_and_takes_only_a_certain_os() -> None:
    hosts = records("nmap/libnmap_full_sudo6_os_detection.xml")
    up = {r.ips[0]: r for r in hosts if not r.skipped}
    assert len(hosts) == 256 and len(up) == 4
    assert up["192.168.1.1"].os == "Linux 2.6.13 (embedded)"
    assert up["192.168.1.1"].device_type == "WAP"
    assert up["192.168.1.1"].os_cpe == "cpe:/o:linux:linux_kernel:2.6.13"
    assert up["192.168.1.5"].os == ""
    assert "5 guess(es) at 100%" in up["192.168.1.5"].os_note
    assert not any(r.assessed for r in up.values())  # no vulners: nothing assessed


def test_nmap_vulners_gives_cves_and_accounts_for_other_references() -> None:
    (host,) = records("nmap/defectdojo_vulners_issue4406.xml")
    assert host.assessed and host.fqdns == ["ip-10-250-195-71.eu-west-1.compute.internal"]
    cve_rows = [f for f in host.findings if f.cves]
    other = [f for f in host.findings if not f.cves]
    assert cve_rows and other
    assert all(f.note.startswith("a vulners reference of type") for f in other)
    assert "CVE-2018-15919" in cves(host)
    (minimal,) = records("nmap/defectdojo_vulners_minimal.xml")
    assert [f.cvss for f in minimal.findings] == [5.0, 5.0]


# ---------------------------------------------------------------------- Defender


def test_defender_device_list_names_devices_and_lists_no_vulnerabilities() -> None:
    (device,) = records("mde/defectdojo_api_machines_win11.json")
    assert device.hostnames == ["dvs-cstancu"]
    assert device.ips == ["192.168.1.3", "172.27.250.9"]  # link-local and down left out
    assert device.os == "Windows11 23H2" and not device.assessed


def test_defender_vulnerability_records_by_device() -> None:
    (device,) = records("mde/defectdojo_api_machinesvulnerabilities_win11_trimmed.json")
    assert device.device_ids == ["e20d13ec6aff01641f3a6e23ea4053ce41f7c188"]
    assert len(device.findings) == 86 and len(cves(device)) == 86


def test_defender_delta_export_is_partial_and_reports_fixes() -> None:
    hosts = records("mde/msdocs_example_SoftwareVulnerabilityChangesByMachine.json")
    assert not any(h.assessed for h in hosts)
    assert all(f.fixed for h in hosts for f in h.findings)


def test_defender_csv_export_reads_cvss_and_end_of_support() -> None:
    hosts = records("mde/generated_export_assessment_vulnerabilities.csv")
    ws, ecg = hosts
    assert ws.fqdns == ["rxa-ws-0412.riverside.example"]
    assert ws.os == "Windows10 10.0.19045.4780"
    assert [f.cvss for f in ws.findings if f.cves] == [9.8, 8.8]
    assert ws.verdicts == ["Defender: oracle jre 8.0.3510.10 EOS Version (2025-01-21)"]
    assert ecg.verdicts and "CVE-2019-0708" in cves(ecg)


def test_a_json_file_that_is_not_from_defender_is_refused(tmp_path: Path) -> None:
    from flowmap.errors import ImportFileError

    other = tmp_path / "x.json"
    other.write_text('{"results": [{"id": 1}]}')
    with pytest.raises(ImportFileError, match="not a Defender"):
        detect(other)
