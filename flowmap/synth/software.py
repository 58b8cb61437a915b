"""What runs on synthetic systems: operating systems by group, and the vulnerabilities.

Every system and endpoint template names an OS group (``winserver``, ``linux``,
``desktop``, ``meddev``...); :mod:`flowmap.synth.generate` draws each system's operating system
from its group's :data:`OS_CHOICES`, so an estate has the mix of current, ageing and
unsupported releases real registers show, including unknown ones. The sets below mark
the releases the generator treats as end-of-life, legacy Windows (more SMBv1, paid
extended updates) and eligible for extended security updates.
:mod:`flowmap.synth.security` draws vulnerabilities from a few real known-exploited CVEs
and a pool of generated ids.
"""

from __future__ import annotations

# ------------------------------------------------------- operating systems

#: OS group -> (OS strings, weights); "" is an unknown OS (a data-quality gap).
OS_CHOICES: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "winserver": (("Windows Server 2022", "Windows Server 2019", "Windows Server 2016",
                   "Windows Server 2012 R2", "Windows Server 2008 R2", ""),
                  (0.33, 0.3, 0.18, 0.11, 0.05, 0.03)),
    "linux": (("Red Hat Enterprise Linux 9", "Red Hat Enterprise Linux 8", "Ubuntu 22.04 LTS",
               "Ubuntu 24.04 LTS", "Ubuntu 20.04 LTS", "CentOS Linux 7", "Debian 12", ""),
              (0.22, 0.2, 0.18, 0.1, 0.08, 0.1, 0.08, 0.04)),
    "anyserver": (("Windows Server 2022", "Windows Server 2019", "Windows Server 2016",
                   "Windows Server 2012 R2", "Windows Server 2008 R2",
                   "Red Hat Enterprise Linux 8", "Ubuntu 22.04 LTS", "CentOS Linux 7", ""),
                  (0.22, 0.22, 0.14, 0.1, 0.05, 0.1, 0.08, 0.06, 0.03)),
    "desktop": (("Windows 11 Enterprise 24H2", "Windows 11 Enterprise 23H2",
                 "Windows 10 Enterprise 22H2", "Windows 10 Enterprise LTSC 2019",
                 "Windows 7 SP1", ""),
                (0.32, 0.2, 0.33, 0.04, 0.05, 0.06)),
    "meddev": (("Windows 10 IoT Enterprise LTSC 2021", "Windows Embedded Standard 7",
                "Windows XP Embedded SP3", "Windows 10 Enterprise LTSC 2019", "VxWorks 6.9",
                "Embedded Linux", ""),
               (0.25, 0.17, 0.05, 0.13, 0.12, 0.13, 0.15)),
    "network": (("Cisco IOS XE 17.9", "FortiOS 7.2", "PAN-OS 10.2", "Citrix ADC 13.1", ""),
                (0.4, 0.25, 0.12, 0.08, 0.15)),
    "mobile": (("iOS 18", "iOS 17", "Android 14", "Android 11", ""),
               (0.3, 0.25, 0.3, 0.1, 0.05)),
    "storage": (("NetApp ONTAP 9.12", "Synology DSM 7.2", ""), (0.55, 0.3, 0.15)),
    "none": (("",), (1.0,)),
}
#: Operating systems past end of support in 2026 (the generator's end-of-life share).
END_OF_LIFE_OS = frozenset({
    "Windows Server 2012 R2", "Windows Server 2008 R2", "CentOS Linux 7", "Windows 7 SP1",
    "Windows Embedded Standard 7", "Windows XP Embedded SP3", "Windows 10 Enterprise 22H2",
    "Ubuntu 20.04 LTS"})
#: Older Windows that still speaks SMBv1 more often and takes paid extended updates.
LEGACY_WINDOWS = frozenset({"Windows Server 2008 R2", "Windows 7 SP1",
                            "Windows Embedded Standard 7", "Windows XP Embedded SP3"})
ESU_ELIGIBLE_OS = frozenset({"Windows Server 2012 R2", "Windows Server 2008 R2", "Windows 7 SP1",
                             "Windows 10 Enterprise 22H2", "Windows Embedded Standard 7"})

# ------------------------------------------------------------ vulnerabilities

#: Real, known-exploited CVEs and the platform they affect: (id, platform, cvss, epss,
#: kev, ransomware, patch released). Scores are indicative, not a live feed;
#: "" where ransomware use is not established.
KNOWN_CVES = (
    ("CVE-2017-0144", "legacy_windows", "8.1", "0.94", "yes", "yes", "2017-03-14"),
    ("CVE-2019-0708", "legacy_windows", "9.8", "0.94", "yes", "", "2019-05-14"),
    ("CVE-2020-1472", "windows_server", "10", "0.94", "yes", "yes", "2020-08-11"),
    ("CVE-2021-34527", "windows", "8.8", "0.94", "yes", "yes", "2021-07-06"),
    ("CVE-2021-44228", "server", "10", "0.94", "yes", "yes", "2021-12-10"),
    ("CVE-2023-34362", "windows_server", "9.8", "0.94", "yes", "yes", "2023-05-31"),
    ("CVE-2023-4966", "citrix", "9.4", "0.94", "yes", "yes", "2023-10-10"),
    ("CVE-2024-3400", "panos", "10", "0.94", "yes", "", "2024-04-14"),
)
GENERATED_CVES = 400  # size of the pool of generated CVE ids
CVE_NUMBER_RANGE = (10000, 34000)  # keeps generated ids clear of the real ones above
