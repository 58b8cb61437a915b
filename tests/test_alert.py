"""flowmap alert (issue 20): what a new known-exploited vulnerability touches.

Real data: the CISA KEV catalogue snapshot in ../shared/data/kev/ (skipped when absent,
never copied here), a "previous" copy edited in the test, and the sample inventory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import flowmap
from flowmap.engine.alert.counterfactual import exploited_rows
from flowmap.engine.alert.products import ProductQuery, match_systems
from flowmap.engine.alert.versions import VersionRange
from flowmap.errors import UsageError
from flowmap.reference.bundle import bundled_eol
from flowmap.reference.kev import load_kev
from tests.conftest import SAMPLE, SHARED

KEV_FILE = SHARED / "data" / "kev" / "known_exploited_vulnerabilities.json"
AS_OF = dt.date(2026, 11, 1)
needs_kev = pytest.mark.skipif(not KEV_FILE.exists(), reason="shared KEV snapshot not present")


@pytest.fixture(scope="module")
def kev():
    if not KEV_FILE.exists():
        pytest.skip("shared KEV snapshot not present")
    return load_kev(KEV_FILE)


@pytest.fixture(scope="module")
def analysis(kev):
    ref = flowmap.load_reference(kev=KEV_FILE)
    return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF, reference=ref)


@pytest.fixture(scope="module")
def plain():
    return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)


def _verdicts(impact) -> dict[str, str]:
    return dict(zip(impact.systems["system_id"], impact.systems["verdict"]))


# ------------------------------------------------------------------- by CVE


def test_a_recorded_kev_cve_names_the_gateway_its_owner_and_what_to_do(analysis):
    hit = flowmap.alert_impact(analysis, cves=["cve-2023-4966"])
    row = hit.systems.iloc[0]
    assert (row["system_id"], row["verdict"], row["basis"]) == (
        "RXA-CTX-01",
        "affected",
        "recorded",
    )
    assert row["internet_facing"] and row["first_action"].startswith("isolate")
    alert = hit.alerts.iloc[0]
    assert alert["vendor"] == "Citrix" and alert["date_added"] == "2023-10-18"
    assert alert["ransomware"] and "kill all active" in alert["required_action"]
    org = hit.organisations.set_index("org_id").loc["RXA"]
    assert (org["contact_role"], org["contact_email"]) == (
        "Cyber security lead",
        "cyber@riverside-hospitals.example",
    )


def test_a_windows_component_kev_entry_reaches_every_windows_release_and_no_other_os(analysis):
    hit = flowmap.alert_impact(analysis, cves=["CVE-2017-0144"])  # KEV product "SMBv1"
    v = _verdicts(hit)
    s = analysis.systems.set_index("system_id")
    for sid in ("RXA-EPR-01", "RXA-PAS-01", "RXA-WS-CLIN", "M85004-WS", "RCC-BKP-01"):
        assert v[sid] == "affected", (sid, s.at[sid, "os"])
    for sid in ("RXA-EPRDB-01", "RXA-WEB-01", "RXA-MOB-01", "RXA-VPN-01", "SUP01-FW-01"):
        assert sid not in v, (sid, s.at[sid, "os"])  # another OS: not affected, not listed
    assert v["RYV-FS-01"] == "mitigated"  # the scanner's record wins over the product
    rows = hit.systems.set_index("system_id")
    assert rows.at["VNX01-PC-01", "basis"] == "recorded"
    assert rows.at["RXA-EPR-01", "basis"] == "product, versions not checked"


def test_systems_whose_os_is_not_recorded_are_cannot_tell_and_counted_in_the_headline(analysis):
    hit = flowmap.alert_impact(analysis, cves=["CVE-2017-0144"])
    v = _verdicts(hit)
    unknown = analysis.systems.loc[
        analysis.systems["os"].fillna("").eq("") & ~analysis.systems["kind"].eq("paper_store"),
        "system_id",
    ]
    assert len(unknown) > 5
    assert all(v[sid] == "cannot tell" for sid in unknown)
    assert "RXA-REC-01" not in v  # paper records run no software
    count = int(hit.alerts.loc[0, "cannot_tell"])
    assert count == len(unknown)
    assert f"cannot tell for {count} of" in hit.alerts.loc[0, "headline"]


def test_an_application_cve_is_cannot_tell_where_no_software_is_recorded(analysis):
    hit = flowmap.alert_impact(analysis, cves=["CVE-2025-48384"])  # Git, added 2025-08-25
    v = _verdicts(hit)
    assert v["RXA-PAS-01"] == "cannot tell"  # no software list: not known to be safe
    assert "RXA-LIMS-01" not in v  # its software list is recorded and holds no Git


def test_a_cve_without_a_catalogue_entry_is_judged_on_recorded_rows_only(plain):
    hit = flowmap.alert_impact(plain, cves=["CVE-2023-4966"])
    assert hit.alerts.loc[0, "in_kev"] == False  # noqa: E712 (numpy bool)
    assert _verdicts(hit)["RXA-CTX-01"] == "affected"
    others = hit.systems[hit.systems["system_id"] != "RXA-CTX-01"]
    assert set(others["verdict"]) == {"cannot tell"}
    assert "product is not known" in others["evidence"].iloc[0]


def test_malformed_cve_ids_and_mixed_alert_kinds_are_refused_naming_the_parameter(plain):
    with pytest.raises(UsageError, match="cves: 'CVE-23-1' is not a CVE id") as e:
        flowmap.alert_impact(plain, cves=["CVE-23-1"])
    assert e.value.param == "cves"
    with pytest.raises(UsageError, match="exactly one of"):
        flowmap.alert_impact(plain, cves=["CVE-2023-4966"], product="NetScaler")
    with pytest.raises(UsageError, match="versions goes with product"):
        flowmap.alert_impact(plain, cves=["CVE-2023-4966"], versions="<1")


# ------------------------------------------------------------- KEV delta


def _previous_copy(tmp_path: Path, removed: set[str]) -> Path:
    """The snapshot as it was before CISA added ``removed`` (edited, written in the test)."""
    doc = json.loads(KEV_FILE.read_text(encoding="utf-8"))
    doc["vulnerabilities"] = [v for v in doc["vulnerabilities"] if v["cveID"] not in removed]
    doc["count"] = len(doc["vulnerabilities"])
    doc["catalogVersion"] = "2025.08.21"
    path = tmp_path / "kev-previous.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_kev_since_assesses_exactly_the_cves_the_newer_catalogue_added(analysis, kev, tmp_path):
    added = {"CVE-2025-48384", "CVE-2023-4966", "CVE-2017-0144"}
    previous = load_kev(_previous_copy(tmp_path, added))
    hit = flowmap.alert_impact(analysis, kev=kev, since=previous)
    # in the new catalogue's order (CISA lists the newest first)
    order = [c for c in kev.frame["cve_id"] if c in added]
    assert hit.alerts["alert_id"].tolist() == order
    assert "kev since" in hit.sources and "2025.08.21" in hit.sources["kev since"]
    assert set(hit.systems["alert_id"]) == added


def test_kev_since_with_nothing_added_says_so(analysis, kev):
    hit = flowmap.alert_impact(analysis, kev=kev, since=kev)
    assert hit.alerts.empty and hit.systems.empty
    assert hit.headline.startswith("No alerts")


# ------------------------------------------------------- products and versions


def test_a_product_range_checks_the_version_written_after_the_name(plain):
    hit = flowmap.alert_impact(plain, product="MOVEit Transfer", versions=">=2023.0.0,<2023.0.2")
    assert _verdicts(hit)["RXA-MFT-01"] == "affected"
    assert hit.systems.set_index("system_id").at["RXA-MFT-01", "version"] == "2023.0.1"
    later = flowmap.alert_impact(plain, product="MOVEit Transfer", versions="<2023.0.1")
    assert "RXA-MFT-01" not in _verdicts(later)  # 2023.0.1 is outside: not affected


def test_a_product_named_without_a_version_is_cannot_tell_when_a_range_is_asked(tmp_path):
    systems = pd.read_csv(SAMPLE / "systems.csv", dtype=str, keep_default_na=False)
    systems.loc[systems["system_id"] == "RXA-MFT-01", "software"] = "Progress MOVEit Transfer"
    inv = flowmap.load_inventory(SAMPLE).with_tables(
        systems=flowmap.load_inventory(SAMPLE).systems.assign(
            software=[("Progress MOVEit Transfer",) if s == "RXA-MFT-01" else t
                      for s, t in zip(systems["system_id"],
                                      flowmap.load_inventory(SAMPLE).systems["software"])]
        )
    )  # fmt: skip
    a = flowmap.analyse(inv, as_of=AS_OF)
    v = match_systems(
        a.inventory.systems,
        ProductQuery("MOVEit Transfer", versions=VersionRange.parse("<2023.0.2")),
        bundled_eol(),
    ).set_index("system_id")
    assert v.at["RXA-MFT-01", "verdict"] == "cannot tell"
    assert "no version" in v.at["RXA-MFT-01", "evidence"]


def test_an_os_product_matches_the_release_it_names_through_the_eol_matcher(plain):
    hit = flowmap.alert_impact(plain, product="Windows Server 2012 R2")
    affected = set(hit.systems.loc[hit.systems["verdict"] == "affected", "system_id"])
    s = plain.systems.set_index("system_id")
    assert affected == {"RXA-PAS-01", "RXA-PRN-01", "RYV-FS-01", "RCC-ASC-01", "RVF-SW-01"}
    assert {s.at[x, "os"] for x in affected} == {"Win 2012 R2", "Windows Server 2012 R2"}


@pytest.mark.parametrize(
    ("query", "vendor", "text", "expected"),
    [
        ("IOS XE", "Cisco", "Apple iOS 17.5", False),  # Cisco IOS is never Apple's iOS
        ("IOS XE", "Cisco", "Cisco IOS XE 17.9.4", True),
        ("iOS and iPadOS", "Apple", "iPadOS 17.6", True),
        ("iOS and iPadOS", "Apple", "Cisco IOS 15.2", False),
        ("PAN-OS", "Palo Alto Networks", "PAN-OS 10.2", True),
        ("PAN-OS", "Palo Alto Networks", "SPAN-OS 3", False),  # whole words only
        ("NetScaler ADC and NetScaler Gateway", "Citrix", "NetScaler 13.1", True),
        ("Exchange Server", "Microsoft", "Windows Server 2019", False),
        ("Office", "Microsoft", "Windows 10 22H2", False),
        ("Exchange Server", "Microsoft", "Microsoft Exchange Server 2016 CU23", True),
    ],
)
def test_product_names_match_whole_words_and_refuse_another_vendors_product(
    query, vendor, text, expected
):
    assert ProductQuery(query, vendor=vendor).matches(text, bundled_eol())[0] is expected


@pytest.mark.parametrize(
    ("range_", "version", "inside"),
    [
        ("<=9.0.80", "9.0.100", False),  # numbers, not text: 100 > 80
        ("13.1", "13.1.49.15", True),
        ("13.1", "13.10", False),
        ("13.1.x", "13.1.2", True),
        ("9.0.0 - 9.0.80", "9.0.80", True),
        (">=10.2,<10.2.9-h1", "10.2.9", True),
        (">=10.2,<10.2.9-h1", "10.2.9-h1", False),
        ("!=8.9p1", "8.9p1", False),
    ],
)
def test_version_ranges_are_parsed_and_compared_number_by_number(range_, version, inside):
    assert VersionRange.parse(range_).contains(version) is inside


def test_a_malformed_version_range_is_one_line_naming_the_parameter():
    with pytest.raises(UsageError, match=r"versions: '~>2\.0' is not a version range") as e:
        VersionRange.parse("~>2.0")
    assert e.value.param == "versions"


# ------------------------------------------------------------ counterfactual


def test_the_paths_after_equal_a_full_reanalysis_of_the_changed_inventory(analysis):
    hit = flowmap.alert_impact(analysis, cves=["CVE-2017-0144"])
    ids = hit.systems.loc[hit.systems["verdict"] == "affected", "system_id"].tolist()
    changed = analysis.inventory.with_tables(
        vulnerabilities=exploited_rows(
            analysis.inventory.vulnerabilities, ids, "CVE-2017-0144", ransomware=True
        )
    )
    truth = flowmap.analyse(changed, as_of=AS_OF, reference=analysis.reference)
    after = truth.attack_paths.set_index("asset_id")
    before = analysis.attack_paths.set_index("asset_id")
    moved = after.index[
        (after["probability"] - before["probability"].reindex(after.index)).abs().gt(1e-9)
        | (after["path"] != before["path"].reindex(after.index))
    ]
    paths = hit.paths.set_index("asset_id")
    assert set(paths.index) == set(moved) and len(moved) > 3
    for asset in moved:
        assert paths.at[asset, "probability_after"] == after.at[asset, "probability"]
        assert paths.at[asset, "path_after"] == after.at[asset, "path"]
    like = truth.systems.set_index("system_id")["likelihood"]
    got = hit.systems.set_index("system_id")["likelihood_after"]
    for sid in ids:
        assert got[sid] == round(float(like[sid]), 4)


def test_exploitation_never_makes_a_path_less_likely(analysis):
    hit = flowmap.alert_impact(analysis, cves=["CVE-2017-0144", "CVE-2023-4966"])
    assert (hit.paths["probability_after"] >= hit.paths["probability_before"]).all()
    s = hit.systems
    assert (s["likelihood_after"] >= s["likelihood"] - 1e-9).all()


# ----------------------------------------------------------- command line


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flowmap", *args], capture_output=True, text=True, check=False
    )


@needs_kev
def test_alert_since_writes_the_service_desk_csv_tables_and_briefs(tmp_path):
    previous = _previous_copy(tmp_path, {"CVE-2023-4966", "CVE-2017-0144"})
    out = tmp_path / "out"
    run = _run("alert", str(SAMPLE), "--kev", str(KEV_FILE), "--since", str(previous),
               "--as-of", "2026-11-01", "--out", str(out), "--no-pdf")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("systems affected") + run.stdout.count("system affected") == 2
    desk = pd.read_csv(out / "alert-service-desk.csv", dtype=str, keep_default_na=False)
    assert set(desk["alert_id"]) == {"CVE-2023-4966", "CVE-2017-0144"}
    first = desk[desk["alert_id"] == "CVE-2023-4966"].iloc[0]
    assert (first["system_id"], first["contact_email"]) == (
        "RXA-CTX-01",
        "cyber@riverside-hospitals.example",
    )
    summary = json.loads((out / "alert-summary.json").read_text(encoding="utf-8"))
    assert "not an NHS England document" in summary["checklist_source"]
    page = (out / "brief-CVE-2023-4966.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "<script" not in page
    assert "Respond to an NHS cyber alert" in page
    assert not (out / "brief-CVE-2023-4966.pdf").exists()


@needs_kev
def test_redacted_alert_outputs_hold_no_names_ids_or_contacts(tmp_path):
    out = tmp_path / "out"
    key = "Jk3v-9QxZr2mLp0Wt7YbNa4sHc1e"
    run = _run("alert", str(SAMPLE), "--cve", "CVE-2017-0144", "--kev", str(KEV_FILE),
               "--as-of", "2026-11-01", "--out", str(out), "--no-pdf",
               "--redact-key", key)  # fmt: skip
    assert run.returncode == 0, run.stderr
    text = "".join(p.read_text(encoding="utf-8") for p in out.iterdir() if p.is_file())
    for secret in ("Riverside", "RXA-", "Okoro", "Maternity", "Willow"):
        assert secret not in text, secret
    assert not re.search(r"[\w.-]+@[\w-]+\.example", text)  # no email address
    desk = pd.read_csv(out / "alert-service-desk.csv", dtype=str, keep_default_na=False)
    assert desk["system_id"].str.startswith("SYS-").all()
    assert (desk["first_action"] != "").all()


def test_the_assets_file_has_one_row_per_asset_accounting_for_every_affected_copy(
    analysis, tmp_path
):
    """SMBv1 touches every Windows system: the file a cyber lead opens lists each asset
    once, with the affected systems holding or receiving it, and loses none of them."""
    from flowmap.render.alert import write_alert

    hit = flowmap.alert_impact(analysis, cves=["CVE-2017-0144"])
    write_alert(hit, tmp_path, brief=False)
    table = pd.read_csv(tmp_path / "alert-assets.csv", dtype=str, keep_default_na=False)
    detail = hit.assets
    assert table["asset_id"].is_unique and set(table["asset_id"]) == set(detail["asset_id"])
    affected = detail[detail["verdict"] == "affected"].drop_duplicates(["asset_id", "system_id"])
    assert len(affected) > len(table.query("affected_systems != '0'"))  # rows were folded
    for row in table.itertuples():
        mine = affected[affected["asset_id"] == row.asset_id]
        assert int(row.affected_systems) == len(mine), row.asset_id
        ids = row.affected_system_ids.split("; ") if row.affected_system_ids else []
        assert ids == sorted(mine["system_id"]), row.asset_id
        assert int(row.affected_organisations) == mine["system_org_id"].nunique()
        ways = sum(int(w.rsplit(" ", 1)[1]) for w in row.on_affected.split("; ") if w)
        assert ways == (detail.query("verdict == 'affected'")["asset_id"] == row.asset_id).sum()
    counts = table["affected_systems"].astype(int).tolist()
    assert counts == sorted(counts, reverse=True)  # the most affected first


def test_alert_command_line_mistakes_are_one_line_with_the_flag(tmp_path):
    run = _run("alert", str(SAMPLE), "--cve", "CVE-23-1", "--out", str(tmp_path))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "--cve: 'CVE-23-1' is not a CVE id" in run.stderr
    run = _run("alert", str(SAMPLE), "--product", "NetScaler", "--versions", "~>1",
               "--out", str(tmp_path))  # fmt: skip
    assert run.returncode == 2 and "--versions: '~>1' is not a version range" in run.stderr
    run = _run("alert", str(SAMPLE), "--since", str(tmp_path / "x.json"), "--out", str(tmp_path))
    assert run.returncode == 2 and "--since needs --kev" in run.stderr


@pytest.mark.browser
@needs_kev
def test_the_brief_prints_on_one_a4_page(tmp_path):
    out = tmp_path / "out"
    run = _run("alert", str(SAMPLE), "--cve", "CVE-2017-0144", "--kev", str(KEV_FILE),
               "--as-of", "2026-11-01", "--out", str(out))  # fmt: skip
    assert run.returncode == 0, run.stderr
    pdf = out / "brief-CVE-2017-0144.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "Pages:           1" in info.stdout
    assert "(A4)" in info.stdout


def test_hostile_inventory_text_reaches_the_brief_escaped_and_the_csv_neutralised(tmp_path):
    from tests.conftest import XSS_IMG, XSS_SCRIPT, small_tables, write_csv_tables

    tables = small_tables()
    tables["organisations"][0]["name"] = XSS_SCRIPT
    tables["systems"][0]["name"] = XSS_IMG
    tables["systems"][0]["software"] = '=HYPERLINK("http://x");Windows Server 2019'
    tables["systems"][1]["name"] = "=cmd|' /C calc'!A0"
    inv = write_csv_tables(tmp_path / "inv", tables)
    out = tmp_path / "out"
    run = _run("alert", str(inv), "--product", "Windows", "--as-of", "2026-11-01",
               "--out", str(out), "--no-pdf")  # fmt: skip
    assert run.returncode == 0, run.stderr
    page = (out / "brief-product.html").read_text(encoding="utf-8")
    assert "<script>window" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=" in page
    desk = (out / "alert-service-desk.csv").read_text(encoding="utf-8")
    assert ",=cmd" not in desk and "'=cmd" in desk


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Apache Log4j 2.14.1", (True, "2.14.1")), ("Apache Log4j2 2.17.1", (True, "2.17.1")),
     ("Apache Log4net 2.0.15", (False, None)),
     # dependency scanners and SBOMs list the component the flaw is in
     ("log4j-core 2.14.1", (True, "2.14.1")), ("log4j-core-2.14.1.jar", (True, "2.14.1")),
     # Log4j 1 is another generation, and log4j-api does not hold the flaw
     ("Log4j 1.2.17", (False, None)), ("log4j-api 2.14.1", (False, None))],
)  # fmt: skip
def test_a_product_with_a_number_glued_to_its_name_matches_it_written_apart(text, expected):
    """KEV writes "Log4j2"; software lists write "Apache Log4j 2.14.1" or the package
    "log4j-core": never "not affected"; and "Log4j 1.2.17" is not Log4j 2."""
    assert ProductQuery("Log4j2", vendor="Apache").matches(text, bundled_eol()) == expected


def test_a_system_naming_the_product_but_not_its_release_is_cannot_tell_for_a_release_alert():
    eol = bundled_eol()
    q = ProductQuery("Windows 10 21H2")
    assert q.matches("Windows 10", eol)[0] is None  # which Windows 10? not known
    assert q.matches("Windows 10 Enterprise 21H2", eol)[0] is True
    assert q.matches("Windows 10 22H2", eol)[0] is False
    systems = pd.DataFrame(
        {"system_id": ["A", "B", "C"], "kind": ["workstation"] * 3,
         "os": ["Windows 10", "Windows 10 21H2", "Windows 11 23H2"], "software": [()] * 3}
    )  # fmt: skip
    v = match_systems(systems, q, eol).set_index("system_id")["verdict"].to_dict()
    assert v == {"A": "cannot tell", "B": "affected", "C": "not affected"}


def test_an_analysis_without_rules_works_out_the_flows_only_when_read(plain):
    """flowmap alert runs no rules, so the flows' context (for the flow rules) waits until
    something reads it, and is then what a full analysis has."""
    bare = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF, rules=())
    assert bare._flows is None and bare.findings.empty
    pd.testing.assert_frame_equal(bare.flows, plain.flows)
    assert bare._flows is not None and plain._flows is not None


def test_an_alerts_asset_rows_are_affected_first_then_by_impact_asset_and_system(tmp_path) -> None:
    """Each alert's asset table is cut from one table of every system's assets made once
    per run; cut and ordered by verdict, it must be in the order of sorting each alert's
    own rows on verdict, impact (high first), asset and system (a region, so that assets
    of equal impact share systems)."""
    import numpy as np

    from flowmap.engine.alert.tables import VERDICT_ORDER, asset_rows, every_asset_row
    from flowmap.synth.generate import synthesize, write_inventory_csv

    write_inventory_csv(synthesize(12, seed=7, as_of=AS_OF), tmp_path / "inv")
    region = flowmap.analyse(flowmap.load_inventory(tmp_path / "inv"), as_of=AS_OF)
    every = every_asset_row(region)
    ids = region.systems["system_id"].tolist()
    rng = np.random.default_rng(7)
    for _ in range(5):
        chosen = rng.choice(ids, size=len(ids) // 2, replace=False)
        verdicts = rng.choice(list(VERDICT_ORDER), size=len(chosen))
        listed = pd.DataFrame({"system_id": chosen, "verdict": verdicts})
        got = asset_rows(region, listed, every=every)
        key = pd.DataFrame({"v": got["verdict"].map(VERDICT_ORDER), "i": -got["impact"],
                            "a": got["asset_id"], "s": got["system_id"]})  # fmt: skip
        assert key.equals(key.sort_values(["v", "i", "a", "s"], kind="stable"))
        held = region.copies[region.copies["system_id"].isin(set(chosen))]
        assert len(got) == len(held) and set(got["system_id"]) <= set(chosen)
        assert (got["verdict"] == got["system_id"].map(dict(zip(chosen, verdicts)))).all()
