"""Reading software names: the forms tools write, and names that hold another product's words.

Each case below was wrong before issue 12's work (the issue lists them) or is a string
form the issue asks flowmap to read. Dates are as bundled (endoflife.date data of
2026-08-22 and flowmap's own rows); statuses are judged as the engine judges them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from flowmap.reference import EolTable, OsMatch

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def table() -> EolTable:
    return EolTable.bundled()


def status(m: OsMatch, as_of: dt.date = AS_OF) -> str:
    """eol / unknown / supported as the engine decides (no paid extension)."""
    if not m.recognised:
        return "unknown"
    if m.support_end is not None and m.support_end < as_of:
        return "eol"
    earliest = m.support_end_earliest or m.support_end
    return "unknown" if earliest is not None and earliest < as_of else "supported"


# --- names that hold another product's words (issue 12: "product confusions") --------------


@pytest.mark.parametrize(
    "text, product, cycle",
    [
        ("Cisco IOS 15.2(7)E", "cisco-ios", "15.2"),
        ("Cisco 2620 or 3620 router (IOS 12.1 - 12.3)", "cisco-ios", "12.1"),
        ("Exchange Server 2016 CU23", "msexchange", "2016"),
        ("SharePoint Server 2016", "sharepoint", "2016"),
        ("JBoss EAP 7", "redhat-jboss-eap", "7"),
        ("Red Hat Satellite 6.8", "redhat-satellite", "6.8"),
        ("OpenSSH 4.3p2 Debian 9etch2", "debian", "4"),
        ("Red Hat Linux 9", "redhat-linux", "9"),
        ("Microsoft SQL Server 2019 on Windows Server 2022", "windows-server", "2022"),
        ("Cisco IOS XR Software, Version 6.1.4", "cisco-ios-xr", "6.1"),
        ("Cisco IOS XE Software, Version 17.09.04a", "cisco-ios-xe", "17.9"),
    ],
)
def test_a_name_inside_another_products_name_is_not_claimed(
    table: EolTable, text: str, product: str, cycle: str
) -> None:
    m = table.match(text)
    assert (m.product, m.cycle) == (product, cycle), m.reason


def test_cisco_ios_is_never_apples_ios_even_with_apples_dates_loaded(table: EolTable) -> None:
    m = table.match("Cisco IOS 15.2(7)E")
    assert m.product == "cisco-ios" and not m.recognised
    assert "no end-of-life dates" in m.reason
    assert table.match("iOS 17.6").product == "ios"


def test_exchange_2016_is_judged_by_exchanges_dates_not_windows_servers(table: EolTable) -> None:
    m = table.match("Exchange Server 2016 CU23")
    assert m.support_end == dt.date(2025, 10, 14)  # Windows Server 2016 runs to 2027-01-12
    assert status(m) == "eol"


def test_red_hat_linux_9_of_2003_is_not_rhel_9(table: EolTable) -> None:
    m = table.match("Red Hat Linux 9")
    assert m.support_end == dt.date(2004, 4, 30)
    assert table.match("Red Hat Enterprise Linux 9.4 (Plow)").product == "rhel"
    assert table.match("Linux 2.4.18-14 (Red Hat 8)").product == "redhat-linux"
    rhel = table.match("Redhat 7.9")  # Wazuh's osname + osversion
    assert (rhel.product, rhel.cycle) == ("rhel", "7") and "without 'Enterprise'" in rhel.reason


def test_an_ssh_banner_says_only_what_its_package_revision_says(table: EolTable) -> None:
    assert table.match("SSH-2.0-OpenSSH_7.9p1 Debian-10+deb10u2").cycle == "10"
    ubuntu = table.match("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.5")
    assert not ubuntu.recognised and "not which release" in ubuntu.reason
    plain = table.match("SSH-2.0-OpenSSH_5.3")
    assert not plain.recognised and "not the operating system" in plain.reason


# --- Windows as tools write it --------------------------------------------------------------


@pytest.mark.parametrize(
    "text, cycle, state",
    [
        ("Microsoft Windows 11 Pro Build 22631", "11-23h2-w", "eol"),  # ended 2025-11-11
        ("Windows 11 Pro 10.0.22631", "11-23h2-w", "eol"),
        ("Windows 11 Enterprise 10.0 (26100)", "11-24h2-e", "supported"),
        ("Windows10 1709", "10-1709-e", "eol"),  # Defender osPlatform + version
        ("Microsoft Windows 10 Enterprise [Ver: 10.0.14393]", "10-1607-e", "eol"),
        ("Windows 10 Enterprise 2016 LTSB", "10-ltsb-2016", "eol"),  # ended 2026-10-13
        ("Windows 10 企业版 2016 长期服务版", "10-ltsb-2016", "eol"),
        ("Windows 10 Enterprise LTSC 2019", "10-ltsc-2019", "supported"),
        ("Windows 10 IoT Enterprise LTSC 2021", "10-iot-ltsc-2021", "supported"),
        ("Windows 11 26H1 Enterprise", "11-26h1-e", "supported"),
        ("Windows 10.0.19045.4291", "10-22h2", "eol"),  # Intune osPlatform + osVersion
        ("Windows 10.0.22631.2861", "11-23h2-e", "unknown"),  # build 22631 is Windows 11
    ],
)
def test_windows_builds_releases_and_editions_as_tools_write_them(
    table: EolTable, text: str, cycle: str, state: str
) -> None:
    m = table.match(text)
    assert m.cycle == cycle, m.reason
    assert status(m) == state


@pytest.mark.parametrize(
    "text, cycle",
    [
        ("Windows Server (R) 2008 Standard", "2008"),
        ("Windows Server Core 2019", "2019"),
        ("Windows Server Datacenter 2016", "2016"),
        ("Windows 2008 R2 Enterprise Service Pack 1", "2008-r2"),  # Qualys leaves out "Server"
        ("Microsoft Windows Server Standard 10.0.17763", "2019"),  # WMI caption + Version
        ("Windows Storage Server 2016", "2016"),
        ("cpe:/o:microsoft:windows_server_2012:r2", "2012-r2"),
        ("Windows Server, version 1809", "1809"),
        ("Microsoft Windows Server 2003 SP1", "2003-sp1"),
    ],
)
def test_windows_server_in_every_spelling(table: EolTable, text: str, cycle: str) -> None:
    m = table.match(text)
    assert (m.product, m.cycle) == ("windows-server", cycle), m.reason


def test_an_unsupported_23h2_pro_is_no_longer_shown_as_supported(table: EolTable) -> None:
    assert status(table.match("Microsoft Windows 11 Pro Build 22631")) == "eol"


@pytest.mark.parametrize(
    "text, cycle",
    [
        ("Windows NT 4.0 Workstation", "nt-4.0"),
        ("Microsoft Windows NT 4.0 Server SP6a", "nt-4.0"),
        ("Windows 98 SE", "98"),
        ("Windows 95", "95"),
        ("Windows Me", "me"),
        ("Windows CE 6.0", "ce"),
        ("Windows Embedded Compact 7", "compact-7"),
        ("Windows Mobile 6.5", "mobile"),
        ("Microsoft Windows Millenium Edition (Me) 4.90.3000", "me"),
    ],
)
def test_old_windows_that_runs_medical_devices_is_end_of_life(
    table: EolTable, text: str, cycle: str
) -> None:
    m = table.match(text)
    assert m.cycle == cycle and status(m) == "eol", m.reason


def test_a_version_number_alone_is_every_release_it_may_be(table: EolTable) -> None:
    seven = table.match("6.1 (7601)")  # AD operatingSystemVersion: 7 or 2008 R2, both ended
    assert status(seven) == "eol" and "Windows 7" in seven.label
    shared = table.match("10.0 (17763)")  # 1809 (ended) or LTSC 2019 / Server 2019 (supported)
    assert status(shared) == "unknown" and "record which it is" in shared.reason
    assert status(table.match("10.0 (20348)")) == "supported"  # only Server 2022


def test_architecture_words_are_not_versions(table: EolTable) -> None:
    m = table.match("Ubuntu x86_64")
    assert m.label == "Ubuntu, version not given" and status(m) == "unknown"
    assert table.match("CentOS Linux release 7.9.2009 (Core) x86_64").cycle == "7"


def test_a_release_without_an_edition_is_unknown_while_the_editions_disagree(
    table: EolTable,
) -> None:
    m = table.match("Windows 11 23H2")
    assert m.support_end_earliest == dt.date(2025, 11, 11)  # Home/Pro
    assert m.support_end == dt.date(2026, 11, 10)  # Enterprise/Education
    assert status(m, dt.date(2026, 11, 1)) == "unknown"
    assert status(m, dt.date(2026, 11, 30)) == "eol"  # both editions ended


def test_windows_10_without_a_release_is_end_of_life_because_every_release_ended(
    table: EolTable,
) -> None:
    m = table.match("Windows 10")
    assert status(m) == "eol" and m.cycle == "10-22h2"
    assert "without a release" in m.reason


# --- other products the estate runs -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, product, cycle, state",
    [
        ("macOS Sonoma 14.3", "macos", "14", "supported"),
        ("Mac OS X 10.6.8 (10K549)", "macos", "10.6", "eol"),
        ("iPadOS 17.6", "ipados", "17", None),
        ("Android 13", "android", "13", "eol"),  # ended 2026-03-02
        ("AndroidEnterprise 13", "android", "13", "eol"),  # Intune osPlatform + osVersion
        ("VMware ESXi 7.0 U3", "esxi", "7.0", "eol"),
        ("vCenter Server 8.0 U2", "vcenter", "8.0", None),
        ("NetScaler 13.1-51.15", "netscaler-adc", "13.1", "supported"),
        ("Citrix Virtual Apps and Desktops 7 2203 LTSR", "citrix-vad", "2203", "supported"),
        ("Version: FortiGate-60F v7.0.7,build0367,221005 (GA.F)", "fortios", "7.0", "eol"),
        ("PAN-OS 10.2.4", "panos", "10.2", "eol"),
        ("Oracle Linux Server 8.9", "oracle-linux", "8", "supported"),
        ("SLES 15-SP5", "sles", "15.5", "eol"),
        ("Rocky Linux 9.3", "rocky-linux", "9", "supported"),
        ("AlmaLinux 8.10", "almalinux", "8", "supported"),
        ("Microsoft Office Professional Plus 2016", "office", "2016", "eol"),
        ("Java 8 Update 391", "oracle-jdk", "8", None),
        (".NET Framework 4.6.1", "dotnetfx", "4.6.1", "eol"),
        ("PHP 8.1.2", "php", "8.1", "eol"),
        ("PostgreSQL 12.4", "postgresql", "12", "eol"),
        ("MySQL 8.0.36", "mysql", "8.0", "eol"),
        ("MariaDB 10.6.12", "mariadb", "10.6", "eol"),
        ("Oracle Database 19c", "oracle-database", "19", "supported"),
        ("Apache Tomcat 9.0.80", "tomcat", "9.0", "supported"),
        ("Veeam Backup & Replication 12.1", "veeam-backup-and-replication", "12", "supported"),
        ("SQL Server 2025", "mssqlserver", "2025", "supported"),
        ("Ubuntu 26.04 LTS", "ubuntu", "26.04", "supported"),
    ],
)
def test_products_of_an_nhs_estate_are_bundled(
    table: EolTable, text: str, product: str, cycle: str, state: str | None
) -> None:
    m = table.match(text)
    assert (m.product, m.cycle, m.recognised) == (product, cycle, True), m.reason
    if state:
        assert status(m) == state


def test_a_product_without_dates_is_named_and_says_so(table: EolTable) -> None:
    m = table.match("Synology DSM 6.2")
    assert (m.product, m.recognised) == ("synology-dsm", False)
    assert "no end-of-life dates" in m.reason


def test_sql_server_service_packs_older_than_the_last_are_end_of_life(table: EolTable) -> None:
    sp2 = table.match("Microsoft SQL Server 2016 SP2")
    assert sp2.cycle == "2016-sp2" and sp2.support_end == dt.date(2022, 10, 11)
    assert table.match("Microsoft SQL Server 2016 SP3").cycle == "2016"


# --- reasons -------------------------------------------------------------------------------


def test_every_match_says_what_it_read(table: EolTable) -> None:
    m = table.match("Windows Server 2012 R2 Standard")
    assert m.reason == "read 'windows server 2012 r2' as Windows Server 2012 R2"


def test_dates_nobody_checked_say_so(table: EolTable) -> None:
    m = table.match("NetScaler 13.1")
    assert m.checked is None and "not checked" in m.reason


def test_nothing_recognisable_stays_unknown_with_the_reason(table: EolTable) -> None:
    for text in ("Proprietary RTOS", "Linux 2.6.32", "Arch Linux", "Kubuntu 22.04"):
        m = table.match(text)
        assert (m.product, m.recognised) == (None, False), text
        assert m.reason == f"no product matches {text!r}"


def test_match_many_gives_every_column_the_engine_reads(table: EolTable) -> None:
    out = table.match_many(pd.Series(["Windows 11 23H2", "Debian 12"], index=[5, 6]))
    assert out.loc[5, "support_end_earliest"] == pd.Timestamp("2025-11-11")
    assert out.loc[6, "eol_checked"] == pd.Timestamp("2026-08-22")
    assert pd.isna(out.loc[6, "extension"])


def test_a_scanners_cpe_settles_what_the_os_text_leaves_open(table: EolTable) -> None:
    os = pd.Series(["Microsoft Windows", "Windows Server 2019", "Linux", "Windows 11 23H2"])
    cpe = pd.Series(
        ["cpe:/o:microsoft:windows_server_2012:r2", "cpe:/o:microsoft:windows_server_2012:r2",
         "", "cpe:/o:microsoft:windows_11:23h2"]
    )  # fmt: skip
    out = table.match_many(os, cpe=cpe)
    assert out.loc[0, "os_cycle"] == "2012-r2"  # "Microsoft Windows" alone says nothing
    assert out.loc[0, "os_match_reason"].startswith("from os_cpe 'cpe:/o:microsoft:windows_server")
    assert out.loc[1, "os_cycle"] == "2019"  # the text names one release: it wins
    assert not out.loc[2, "os_recognised"]
    assert out.loc[3, "os_cycle"] == "11-23h2-e"  # the CPE names no edition either: text kept
