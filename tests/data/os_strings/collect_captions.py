#!/usr/bin/env python3
"""Rebuild captions.csv from local git mirrors of public repositories.

This is the script that produced captions.csv (our own code, MIT like
flowmap).  It only *copies* strings that occur verbatim in the cited files;
it never composes or normalises them (the one exception is documented per
row: BloodHound's "operatingsystem" = operatingSystem + " " + servicepack,
which is what SharpHound's own unit test asserts).

Mirrors are bare git repositories (e.g. from `git clone --mirror`); the path
of each is given by --mirrors DIR, in which DIR/<owner>+<name>/repo is
expected (the layout of the session that built the file).  The Debian
nmap-common TSV is read from nmap_os_db_classes.tsv next to this script.
A few rows come from files read through a code-search index (no local
mirror); they are listed in MANUAL below with repo/path@commit.

Output columns:
  string         the OS / product string exactly as found (leading/trailing
                 spaces preserved; CSV-quoted)
  version_field  a version value the source pairs with the string (e.g. AD
                 operatingSystemVersion, WMI Version, os-release VERSION_ID,
                 Exchange build), else empty
  source_kind    ad, wmi, intune/defender, cpe, nessus, qualys, openvas,
                 nexpose, nmap, banner, os_release, agent, doc
  source         owner/repo:path@commit   (or Debian package + version)
  licence        licence of the source file/repository (SPDX-ish)
  field          the attribute / line the string came from
"""
import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True,
                          check=True).stdout


def show(repo, commit, path):
    return git(repo, "show", f"{commit}:{path}")


def head(repo):
    return git(repo, "rev-parse", "HEAD").decode().strip()


ROWS = []
SEEN = set()


def add(string, version, kind, source, licence, field):
    key = (string, version, kind, source.split("@")[0], "" if kind == "os_release" else field)
    if string is None or string == "" or key in SEEN:
        return
    SEEN.add(key)
    ROWS.append([string, version or "", kind, source, licence, field])


# ---------------------------------------------------------------- sources
def ansible(m):
    repo = f"{m}/ansible+ansible/repo"
    c = head(repo)
    base = "test/units/module_utils/facts/system/distribution/fixtures/"
    files = git(repo, "ls-tree", "--name-only", c, base).decode().split()
    lic = "GPL-3.0-or-later"
    for f in sorted(files):
        d = json.loads(show(repo, c, f))
        src = f"ansible/ansible:{f}@{c}"
        osr = (d.get("distro") or {}).get("os_release_info") or {}
        if osr.get("pretty_name"):
            add(osr["pretty_name"], osr.get("version_id"), "os_release", src, lic,
                "/etc/os-release PRETTY_NAME (version_field=VERSION_ID)")
        if osr.get("cpe_name"):
            add(osr["cpe_name"], osr.get("version_id"), "cpe", src, lic,
                "/etc/os-release CPE_NAME")
        for p, text in sorted((d.get("input") or {}).items()):
            if not isinstance(text, str):
                continue
            if re.search(r"/etc/(redhat|centos|oracle|system|rocky|almalinux|SuSE|debian_version|issue$)", p) \
                    or p.endswith("-release") and "os-release" not in p and "lsb" not in p:
                first = text.splitlines()[0] if text.strip() else ""
                if first and "=" not in first:
                    add(first, "", "os_release", src, lic, f"{p} first line")
            if p == "/etc/lsb-release":
                mm = re.search(r'^DISTRIB_DESCRIPTION="?([^"\n]*)"?', text, re.M)
                if mm:
                    add(mm.group(1), "", "os_release", src, lic,
                        "/etc/lsb-release DISTRIB_DESCRIPTION")


def ntc(m):
    repo = f"{m}/networktocode+ntc-templates/repo"
    c = head(repo)
    lic = "Apache-2.0"
    files = git(repo, "ls-tree", "-r", "--name-only", c, "tests/").decode().split("\n")
    pat = re.compile(
        r"^(Cisco IOS Software.*|Cisco IOS XE Software.*|IOS \(tm\).*|Cisco Internetwork Operating System Software.*|"
        r"Cisco Nexus Operating System \(NX-OS\) Software.*|Cisco Adaptive Security Appliance Software Version.*|"
        r"Cisco IOS XR Software.*|Version: Forti.*|Junos: .*|JUNOS Software Release .*|"
        r"Product version Check Point Gaia .*|Arista .*|HP Comware Platform Software.*|"
        r"Huawei Versatile Routing Platform Software.*|  system:\s+version .*|NXOS: version .*)$")
    wanted = ("/show_version/", "/get_system_status/", "/show_system_info/",
              "/show_version_all/")
    for f in files:
        if not f.endswith(".raw") or not any(w in f for w in wanted):
            continue
        text = show(repo, c, f).decode("utf-8", "replace")
        src = f"networktocode/ntc-templates:{f}@{c}"
        lines = text.splitlines()
        for ln in lines:
            s = ln.rstrip()
            if pat.match(s):
                add(s.strip() if s.startswith("  system") else s, "", "banner", src, lic,
                    "device CLI version line")
                break
        for ln in lines:  # PAN-OS "show system info"
            mm = re.match(r"^(sw-version|model|os-version):\s*(.+)$", ln.strip())
            if mm and "paloalto" in f:
                add(ln.strip(), "", "banner", src, lic, "PAN-OS show system info")


def defectdojo(m):
    repo = f"{m}/DefectDojo+django-DefectDojo/repo"
    c = head(repo)
    lic = "BSD-3-Clause"
    files = git(repo, "ls-tree", "-r", "--name-only", c, "unittests/scans/").decode().split("\n")
    for f in files:
        d = f.split("/")[2] if f.count("/") >= 3 else ""
        if d not in ("tenable", "qualys", "qualys_vmdr", "qualys_infrascan_webgui",
                     "qualys_hacker_guardian", "openvas", "nexpose", "ssh_audit", "nmap"):
            continue
        try:
            text = show(repo, c, f).decode("utf-8", "replace")
        except subprocess.CalledProcessError:
            continue
        src = f"DefectDojo/django-DefectDojo:{f}@{c}"
        kind = {"tenable": "nessus", "openvas": "openvas", "nexpose": "nexpose",
                "ssh_audit": "banner", "nmap": "banner"}.get(d, "qualys")
        for mm in re.finditer(r'<tag name="operating-system">([^<]*)</tag>', text):
            add(mm.group(1), "", "nessus", src, lic, "Nessus HostProperties operating-system")
        for mm in re.finditer(r"<(OS|OPERATING_SYSTEM)>\s*(?:<!\[CDATA\[)?([^<\]]+)", text):
            add(mm.group(2).strip(), "", kind, src, lic, f"Qualys <{mm.group(1)}>")
        for mm in re.finditer(r'<os [^>]*product="([^"]*)"[^>]*?(?:version="([^"]*)")?[^>]*/?>', text):
            add(mm.group(1), mm.group(2), "nexpose", src, lic, "Nexpose <os product=.. version=..>")
        for mm in re.finditer(r"(SSH-2\.0-[A-Za-z0-9_.\-+ ~]+?)(?=[\"<\\,\]]|$)", text, re.M):
            add(mm.group(1).rstrip(), "", "banner", src, lic, "SSH server banner")
        for mm in re.finditer(r"(cpe:/o:[a-z0-9_.:\-]+)", text):
            add(mm.group(1), "", "cpe", src, lic, f"{kind} OS CPE")
        if f.endswith(".csv"):
            lines = text.splitlines()
            for i, l in enumerate(lines[:60]):
                if re.search(r'(^|,)"?(OS|Operating System|OPERATING SYSTEM)"?(,|$)', l):
                    break
            else:
                continue
            for row in csv.DictReader(io.StringIO("\n".join(lines[i:]))):
                for k, v in row.items():
                    if k and v and re.fullmatch(r"(OS|Operating System|OPERATING SYSTEM|OS CPE)", k.strip()):
                        add(v.strip(), "", "cpe" if "CPE" in k else kind, src, lic, f"CSV column {k.strip()}")


def ssh_audit(m):
    repo = f"{m}/jtesta+ssh-audit/repo"
    c = head(repo)
    out = git(repo, "grep", "-n", "-I", "-E", r"SSH-2\.0-OpenSSH_[0-9.p]+ ", c).decode("utf-8", "replace")
    for line in out.splitlines():
        _, path, _, rest = line.split(":", 3)
        for mm in re.finditer(r"(SSH-2\.0-OpenSSH_[0-9.p]+ (?:Debian|Ubuntu|Raspbian|FreeBSD|NetBSD)[A-Za-z0-9_.+~\-]*)", rest):
            add(mm.group(1), "", "banner", f"jtesta/ssh-audit:{path}@{c}", "MIT", "SSH server banner")


def nmap_tsv():
    path = os.path.join(HERE, "nmap_os_db_classes.tsv")
    src = "Debian nmap-common 7.93+dfsg1-1: usr/share/nmap/nmap-os-db (via nmap_os_db_classes.tsv)"
    lic = "NPSL (Nmap Public Source License); see README"
    groups = [  # (label, regex on the Fingerprint name), at most PER rows each, file order
        ("winnt", r"Windows NT"), ("win9x", r"Windows (95|98|Me)\b"), ("wince", r"Windows (CE|Mobile)"),
        ("winemb", r"Windows (Embedded|XP Embedded|Embedded Standard)"), ("win2000", r"Windows 2000"),
        ("winxp", r"Windows XP"), ("win2003", r"Windows Server 2003"), ("win2008", r"Windows Server 2008"),
        ("win2012", r"Windows Server 2012"), ("win2016", r"Windows Server 2016"),
        ("win2019", r"Windows Server 2019"), ("win2022", r"Windows Server 2022"),
        ("win7", r"Windows 7"), ("win10", r"Windows 10"), ("win11", r"Windows 11"),
        ("synology", r"Synology"), ("netscaler", r"NetScaler|Citrix"), ("esx", r"VMware ESX"),
        ("forti", r"Forti(OS|Gate)"), ("panos", r"Palo Alto|PAN-OS"), ("ciscoios", r"Cisco IOS"),
        ("macos", r"macOS|Mac OS X"), ("ios", r"\biOS\b"), ("android", r"\bAndroid\b"),
        ("rhel", r"Red Hat"), ("centos", r"CentOS"), ("ubuntu", r"Ubuntu"), ("debian", r"Debian"),
        ("suse", r"SUSE"),
    ]
    PER = 5
    seen = set()
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for label, rx in groups:
        n = 0
        for r in rows:
            if n >= PER:
                break
            if re.search(rx, r["fingerprint"]) and r["fingerprint"] not in seen:
                seen.add(r["fingerprint"])
                before = len(ROWS)
                add(r["fingerprint"], "", "nmap", f"{src} line {r['line']}", lic, "nmap-os-db Fingerprint")
                for cpe in [x for x in r["cpes"].split(" ;; ") if x and x not in seen][:1]:
                    seen.add(cpe)
                    add(cpe, "", "cpe", f"{src} line {r['line']}", lic, "nmap-os-db CPE (2.2 URI; ' auto' flag kept)")
                n += len(ROWS) > before


def wazuh(m):
    repo = f"{m}/wazuh+wazuh/repo"
    c = head(repo)
    lic = "GPL-2.0"
    base = "src/wazuh_modules/vulnerability_scanner/qa/test_data/"
    for f in git(repo, "ls-tree", "-r", "--name-only", c, base).decode().split("\n"):
        if not re.search(r"input_\d+\.json$", f):
            continue
        t = show(repo, c, f).decode("utf-8", "replace")
        mn = re.search(r'"osname"\s*:\s*"([^"]*)"', t)
        mv = re.search(r'"osversion"\s*:\s*"([^"]*)"', t)
        if mn:
            add(mn.group(1), mv.group(1) if mv else "", "agent", f"wazuh/wazuh:{f}@{c}", lic,
                "Wazuh agent osname (version_field=osversion)")
    f = "src/unit_tests/shared/test_remoted_op.c"
    t = show(repo, c, f).decode("utf-8", "replace")
    for mm in re.finditer(r'os_strdup\("(Microsoft Windows[^"]*\[Ver: [^"]*\])"', t):
        add(mm.group(1), "", "agent", f"wazuh/wazuh:{f}@{c}", lic, "Wazuh agent uname string")


def css_exchange(m):
    repo = f"{m}/microsoft+CSS-Exchange/repo"
    c = head(repo)
    lic = "MIT"
    for v in ("E16", "E19"):
        f = f"Diagnostics/HealthChecker/Tests/DataCollection/{v}/OS/Win32_OperatingSystem.xml"
        t = show(repo, c, f).decode("utf-8", "replace")
        cap = re.search(r'<S N="Caption">([^<]*)</S>', t)
        ver = re.search(r'<S N="Version">([^<]*)</S>', t)
        if cap:
            add(cap.group(1), ver.group(1) if ver else "", "wmi", f"microsoft/CSS-Exchange:{f}@{c}", lic,
                "Win32_OperatingSystem.Caption (version_field=Version)")
        f = f"Diagnostics/HealthChecker/Tests/DataCollection/{v}/Exchange/GetExchangeServer.xml"
        t = show(repo, c, f).decode("utf-8", "replace")
        for s in sorted(set(re.findall(r"Version 15\.[0-9] \(Build [0-9.]+\)", t))):
            add(s, "", "doc", f"microsoft/CSS-Exchange:{f}@{c}", lic,
                "Get-ExchangeServer AdminDisplayVersion (Exchange build, not Windows)")


def glpi(m):
    repo = f"{m}/glpi-project+glpi-agent/repo"
    c = head(repo)
    lic = "GPL-2.0"
    f = "resources/win32/wmi/win7-sp1-x64-Win32_OperatingSystem.wmi"
    t = show(repo, c, f).decode("utf-16")
    cap = re.search(r"^Caption=(.*?)\r?$", t, re.M)
    ver = re.search(r"^Version=(.*?)\r?$", t, re.M)
    add(cap.group(1), ver.group(1), "wmi", f"glpi-project/glpi-agent:{f}@{c}", lic,
        "Win32_OperatingSystem.Caption, French locale (version_field=Version)")
    f = "resources/esx/esx-4.1.0-1/ServiceInstance.soap"
    t = show(repo, c, f).decode("utf-8", "replace")
    for s in sorted(set(re.findall(r"<fullName>(VMware ESX[^<]*)</fullName>", t))):
        add(s, "", "banner", f"glpi-project/glpi-agent:{f}@{c}", lic, "vSphere API AboutInfo.fullName")
    out = git(repo, "grep", "-h", "-a", "-o", "-E", r"System Version: [^\r\n]*", c, "--",
              "resources/macos").decode("utf-8", "replace")
    files = git(repo, "grep", "-l", "-a", "-E", r"System Version: ", c, "--", "resources/macos").decode().split()
    for path in files:
        path = path.split(":", 1)[1]
        t = show(repo, c, path).decode("utf-8", "replace")
        for s in re.findall(r"System Version: ([^\r\n]*)", t):
            add(s.strip(), "", "agent", f"glpi-project/glpi-agent:{path}@{c}", lic,
                "macOS system_profiler 'System Version'")


def ohai(m):
    repo = f"{m}/chef+ohai/repo"
    c = head(repo)
    f = "spec/unit/plugins/windows/kernel_spec.rb"
    t = show(repo, c, f).decode()
    for s in sorted(set(re.findall(r'"(Microsoft Windows [^"]+)"', t))):
        add(s, "", "wmi", f"chef/ohai:{f}@{c}", "Apache-2.0", "Win32_OperatingSystem.Caption (spec stub)")


def sharphound(m):
    repo = f"{m}/SpecterOps+SharpHoundCommon/repo"
    c = head(repo)
    f = "test/unit/LdapPropertyTests.cs"
    t = show(repo, c, f).decode()
    src = f"SpecterOps/SharpHoundCommon:{f}@{c}"
    if '{"operatingsystem", "Windows 10 Enterprise"}' in t:
        add("Windows 10 Enterprise", "", "ad", src, "GPL-3.0", "AD operatingSystem (test input)")
    mm = re.search(r'Assert\.Equal\("(Windows 10 Enterprise 1607)"', t)
    if mm:
        add(mm.group(1), "", "ad", src, "GPL-3.0",
            "BloodHound 'operatingsystem' = operatingSystem + ' ' + operatingSystemServicePack ('1607')")


def dataforgeeks(m):
    repo = f"{m}/altrhombus+DataForGeeks/repo"
    c = head(repo)
    lic = "MIT (scrape of Microsoft Learn pages)"
    f = "content/ms/exchange/buildnumbers.json"
    d = json.loads(show(repo, c, f))
    # RTM/SP/CU names of every Exchange version, plus the last 2 SU/HU names of 2016/2019/SE
    last = {}
    for r in d["data"]:
        name = r["product_name"]
        src = f"altrhombus/DataForGeeks:{f}@{c}"
        if re.fullmatch(r"Exchange Server (2007|2010|2013|2016|2019|SE) (RTM|SP\d|CU\d+)( \(\d{4}H\d\))?", name):
            add(name, r["build"], "doc", src, lic, "Exchange build table product name (version_field=build)")
        elif r["exchange_version"] in ("2016", "2019", "SE"):
            last.setdefault(r["exchange_version"], []).append(r)
    for ver, rs in sorted(last.items()):
        for r in rs[-2:]:
            add(r["product_name"], r["build"], "doc", f"altrhombus/DataForGeeks:{f}@{c}", lic,
                "Exchange build table product name (version_field=build)")
    f = "content/ms/sql/buildnumbers.json"
    d = json.loads(show(repo, c, f))
    seen = set()
    for r in d["data"]:
        if r["sql_version"] in seen:
            continue
        seen.add(r["sql_version"])
        add(r["sql_version"], r["build"], "doc", f"altrhombus/DataForGeeks:{f}@{c}", lic,
            "SQL Server build table sql_version (version_field=first listed build)")


def endoflife_cpes():
    api = os.path.join(HERE, "..", "eol", "endoflife_api_v1")
    src_commit = "a70eca337600e7d721dc48112c271f98661d208b"
    for fn in sorted(os.listdir(api)):
        d = json.load(open(os.path.join(api, fn)))
        name = d["result"]["name"]
        md = {"esxi": "vmware-esxi", "vcenter": "vmware-vcenter", "panos": "pan-os",
              "redhat-jboss-eap": "red-hat-jboss-eap", "redhat-satellite": "red-hat-satellite"}.get(name, name)
        for i in d["result"]["identifiers"]:
            if i["type"] == "cpe":
                add(i["id"], "", "cpe", f"endoflife-date/endoflife.date:products/{md}.md@{src_commit}",
                    "MIT", "endoflife.date identifiers (cpe)")


# Rows read through the code-search index (no local mirror).  Each string
# was checked in the file text returned by read_file for that repo/path/commit.
MANUAL = [
    ("Windows 11 Enterprise", "10.0 (26100)", "ad",
     "elastic/integrations:packages/entityanalytics_ad/data_stream/entity/_dev/test/pipeline/test-device.json@5778c3e0839e9d28f070d4529c1f1f619edf23af",
     "Elastic-2.0", "AD operatingSystem (version_field=operatingSystemVersion)"),
    ("Windows Vista Enterprise", "", "ad",
     "MicrosoftDocs/win32:desktop-src/ADSchema/a-operatingsystem.md (commit not recorded by the index)",
     "CC-BY-4.0 (MicrosoftDocs docs; not verified per file)", "AD schema doc example of operatingSystem"),
    ("Microsoft Windows 7 Enterprise ", "", "wmi",
     "MicrosoftDocs/win32:desktop-src/CIMWin32Prov/win32-operatingsystem.md@01b587c1f6fa59b1924a85359ad15f1ffa1b57ea",
     "CC-BY-4.0 (MicrosoftDocs docs; not verified per file)",
     "Win32_OperatingSystem.Caption doc example (trailing space is documented)"),
    ("Windows10", "1709", "defender",
     "MicrosoftDocs/defender-docs:defender-endpoint/api/get-machines.md@0596477bae557f93ed1d0e21b96206b56c896ad3",
     "CC-BY-4.0 (MicrosoftDocs docs; not verified per file)",
     "MDE machine osPlatform (version_field=version; the doc's osBuild 18209 does not match 1709)"),
    ("Windows11", "", "defender",
     "MicrosoftDocs/defender-docs:defender-endpoint/api/get-machines.md@0596477bae557f93ed1d0e21b96206b56c896ad3",
     "CC-BY-4.0 (MicrosoftDocs docs; not verified per file)", "MDE machine osPlatform"),
]
# Rows quoted from GitHub issue / pull-request text found through the issues
# search corpus (thread URL given; issue text carries no licence of its own).
ISSUE_LIC = "GitHub issue/PR text (no licence stated); quoted as test data"
MANUAL += [
    ("Windows 10 企业版 2016 长期服务版", "", "ad", "https://github.com/netwrix/pingcastle/issues/272",
     ISSUE_LIC, "AD operatingSystem, Chinese-localised Windows 10 Enterprise 2016 LTSB (per reporter)"),
    ("Windows 10 Enterprise 2016 LTSB", "", "ad", "https://github.com/netwrix/pingcastle/issues/96",
     ISSUE_LIC, "AD operatingSystem (per reporter)"),
    ("Windows 10 Enterprise LTSC", "", "ad", "https://github.com/netwrix/pingcastle/issues/96",
     ISSUE_LIC, "AD operatingSystem (per reporter)"),
    ("Microsoft Windows Server Standard", "", "wmi", "https://github.com/dpaulson45/HealthChecker/pull/389",
     ISSUE_LIC, "Win32_OperatingSystem.Caption on Windows Server 2016/2019 Server Core (no year in caption!)"),
    ("Microsoft Windows Server Datacenter", "", "wmi", "https://github.com/dpaulson45/HealthChecker/pull/389",
     ISSUE_LIC, "Win32_OperatingSystem.Caption on Windows Server 2016/2019 Server Core (no year in caption!)"),
    ("Microsoft SQL Server 2014 (SP3-CU3) (KB4491539) - 12.0.6259.0 (X64)   Apr  1 2019 22:19:54   "
     "Copyright (c) Microsoft Corporation  Enterprise Edition: Core-based Licensing (64-bit) on Windows NT 6.3 "
     "<X64> (Build 9600: ) (Hypervisor) ", "12.0.6259.0", "banner", "https://github.com/dataplat/dbatools/issues/5549",
     ISSUE_LIC, "SQL Server SELECT @@VERSION (contains 'Windows NT 6.3' = Server 2012 R2)"),
]

# Evotec's ConvertTo-OperatingSystem lists the three forms the same build takes
# in AD ("10.0 (19045)"), WMI ("10.0.19045") and the registry ("19045").
EVOTEC_SRC = ("EvotecIT/PSSharedGoods:Public/Converts/ConvertTo-OperatingSystem.ps1@"
              "2a807a4f11ba458b7bc405ce3674d93838639af1")
EVOTEC_AD = ["10.0 (26200)", "10.0 (26100)", "10.0 (22631)", "10.0 (22621)", "10.0 (22000)",
             "10.0 (19045)", "10.0 (19044)", "10.0 (19043)", "10.0 (19042)", "10.0 (19041)",
             "10.0 (18363)", "10.0 (18362)", "10.0 (17763)", "10.0 (17134)", "10.0 (16299)",
             "10.0 (15063)", "10.0 (14393)", "10.0 (10586)", "10.0 (10240)", "10.0 (20348)",
             "6.3 (9600)", "6.1 (7601)", "5.2 (3790)"]


def manual():
    for r in MANUAL:
        add(*r)
    for v in EVOTEC_AD:
        add(v, "", "ad", EVOTEC_SRC, "MIT", "AD operatingSystemVersion value (key in a lookup table)")
    for v in ("10.0.22631", "10.0.19045", "10.0.20348", "6.3.9600", "6.1.7601", "5.2.3790"):
        add(v, "", "wmi", EVOTEC_SRC, "MIT", "WMI Win32_OperatingSystem.Version value (key in a lookup table)")


def defectdojo_defender(m):
    repo = f"{m}/DefectDojo+django-DefectDojo/repo"
    c = head(repo)
    f = "unittests/scans/ms_defender/defender_error_handling.zip"
    import zipfile
    z = zipfile.ZipFile(io.BytesIO(show(repo, c, f)))
    for n in z.namelist():
        if n.endswith("machines.json"):
            d = json.loads(z.read(n))
            for mach in d.get("value", []):
                if mach.get("osPlatform") and mach["osPlatform"] not in ("plat", "Other"):
                    add(mach["osPlatform"], f'{mach.get("version")} / build {mach.get("osBuild")}', "defender",
                        f"DefectDojo/django-DefectDojo:{f}!{n}@{c}", "BSD-3-Clause",
                        "MDE machine osPlatform (version_field=version / osBuild)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", required=True)
    ap.add_argument("--out", default=os.path.join(HERE, "captions.csv"))
    a = ap.parse_args()
    m = a.mirrors
    for fn in (manual, lambda: sharphound(m), lambda: css_exchange(m), lambda: glpi(m),
               lambda: ohai(m), lambda: wazuh(m), lambda: defectdojo_defender(m),
               lambda: defectdojo(m), lambda: ssh_audit(m), lambda: ntc(m), lambda: ansible(m),
               lambda: dataforgeeks(m), endoflife_cpes, nmap_tsv):
        n0 = len(ROWS)
        fn()
        print(f"{getattr(fn, '__name__', 'src')}: {len(ROWS) - n0}", file=sys.stderr)
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["string", "version_field", "source_kind", "source", "licence", "field"])
        w.writerows(ROWS)
    print(f"{len(ROWS)} rows -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
