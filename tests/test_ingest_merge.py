"""Merging scans into an inventory: matching, combining, status rules, the report and the
output (same form as the input, idempotent, never over a person's files)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import flowmap
from flowmap.errors import InvalidInventoryError, UsageError
from flowmap.ingest.detect import detect
from flowmap.ingest.scans import import_scans
from flowmap.render.workbook import write_workbook
from tests.conftest import ROOT, SAMPLE, small_tables, write_csv_tables
from tests.scankit import Host, Item, nessus, nmap

AS_OF = dt.date(2026, 11, 1)
SAMPLE_SCANS = SAMPLE / "scans"


def entries(result, level: str, action: str | None = None) -> list[dict[str, str]]:
    frame = result.report.frame()
    frame = frame[frame["level"] == level]
    if action is not None:
        frame = frame[frame["action"] == action]
    return frame.to_dict("records")


def vulns(folder: Path) -> dict[tuple[str, str], dict[str, str]]:
    with open(folder / "vulnerabilities.csv", newline="", encoding="utf-8") as fh:
        return {(r["system_id"], r["cve_id"]): r for r in csv.DictReader(fh)}


def systems(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "systems.csv", newline="", encoding="utf-8-sig") as fh:
        return {r["system_id"]: r for r in csv.DictReader(fh)}


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ---------------------------------------------------------------- the sample


@pytest.fixture(scope="module")
def sample_import(tmp_path_factory):
    out = tmp_path_factory.mktemp("imported") / "out"
    result = import_scans(
        SAMPLE, [SAMPLE_SCANS], out=out, org="RXA", add_unmatched=True, as_of=AS_OF
    )
    return result, out


def test_the_sample_scans_update_the_systems_they_match(sample_import) -> None:
    _, out = sample_import
    rows = systems(out)
    assert rows["RXA-PAS-01"]["os"] == "Microsoft Windows Server 2012 R2 Standard"
    assert rows["RXA-PAS-01"]["os_cpe"] == "cpe:/o:microsoft:windows_server_2012:r2"
    assert rows["RXA-MAT-01"]["unsupported_evidence"] == (
        "Nessus plugin 108797 Unsupported Windows OS (remote)"
    )
    assert rows["RXA-MAT-01"]["hostname"] == "rxa-mat-01"  # an empty cell filled in
    assert rows["RXA-ECG-01"]["os"] == "Microsoft Windows 7 SP1"  # two carts agree
    assert rows["RXA-ECG-01"]["ip_addresses"] == "10.20.40.0/24"  # a fleet keeps its network
    assert rows["RXA-EPR-01"] == systems(SAMPLE)["RXA-EPR-01"]  # not scanned: untouched


def test_the_sample_scans_add_open_cves_with_cvss3_and_patch_dates(sample_import) -> None:
    _, out = sample_import
    found = vulns(out)
    new = found[("RXA-PAS-01", "CVE-2024-38063")]
    assert (new["cvss"], new["patch_released"], new["status"]) == ("9.8", "2024-08-13", "open")
    assert found[("RXA-MAT-01", "CVE-2019-0708")]["status"] == "open"
    assert found[("RXA-PAS-01", "CVE-2022-37958")]["status"] == "fixed"  # not seen: stays
    before = vulns(SAMPLE)
    assert all(found[k] == v for k, v in before.items() if k[0] != "RXA-PAS-01")


def test_unmatched_hosts_become_systems_of_the_right_kind(sample_import) -> None:
    result, out = sample_import
    rows = systems(out)
    assert rows["RXA-PRN-WARD4"]["kind"] == "network_device"  # nmap: a printer
    assert rows["RXA-PRN-WARD4"]["org_id"] == "RXA"
    assert rows["RXA-TEST-01"]["kind"] == "server"
    assert rows["RXA-TEST-01"]["ip_addresses"] == "10.20.1.99"
    assert vulns(out)[("RXA-TEST-01", "CVE-2024-38063")]["status"] == "open"
    assert {e["system_id"] for e in entries(result, "system", "added")} == {
        "RXA-PRN-WARD4",
        "RXA-TEST-01",
    }


def test_the_output_is_a_valid_inventory(sample_import) -> None:
    _, out = sample_import
    report = flowmap.validate(out, as_of=AS_OF)
    assert report.errors == [] and report.warnings == []


def test_every_host_and_every_row_read_is_accounted_for(sample_import) -> None:
    result, _ = sample_import
    read = [
        r for f in sorted(SAMPLE_SCANS.iterdir()) if f.suffix != ".md" for r in detect(f).records()
    ]
    hosts = [e for e in entries(result, "host") if e["action"] != "note"]
    assert len(hosts) == len(read) == 9
    assert len(entries(result, "row")) == sum(len(r.findings) for r in read)
    assert all(e["source"] and e["location"] for e in hosts + entries(result, "row"))
    down = [e for e in hosts if e["action"] == "skipped"]
    assert [e["host"] for e in down] == ["10.20.40.13"]
    skipped = entries(result, "file", "skipped")
    assert [e["source"] for e in skipped] == ["README.md"]


def test_the_report_is_written_as_csv_and_json(sample_import) -> None:
    result, out = sample_import
    table = pd.read_csv(out / "import-report.csv", dtype=str, keep_default_na=False)
    document = json.loads((out / "import-report.json").read_text())
    assert len(table) == len(document["entries"]) == len(result.report.entries)
    assert document["report"] == "flowmap import"
    assert document["summary"]["vulnerability"]["new"] == 6
    assert [f["format"] for f in document["files"]] == ["nmap", "nessus"]


def test_rerunning_the_import_on_its_output_changes_nothing(sample_import, tmp_path) -> None:
    _, out = sample_import
    again = tmp_path / "again"
    result = import_scans(
        out, [SAMPLE_SCANS], out=again, org="RXA", add_unmatched=True, as_of=AS_OF
    )
    assert result.changed == set()
    tables = {p.name for p in out.glob("*.csv")} - {"import-report.csv"}
    for name in tables:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_the_input_inventory_is_never_changed(tmp_path) -> None:
    inventory = tmp_path / "inv"
    shutil.copytree(SAMPLE, inventory)
    before = digest(inventory)
    import_scans(inventory, [SAMPLE_SCANS], out=tmp_path / "out", org="RXA", as_of=AS_OF)
    assert digest(inventory) == before
    with pytest.raises(UsageError, match="never changes its input"):
        import_scans(inventory, [SAMPLE_SCANS], out=inventory, as_of=AS_OF)


def test_a_folder_a_person_made_is_never_overwritten(tmp_path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    with pytest.raises(UsageError, match="not the output of a flowmap import"):
        import_scans(SAMPLE, [SAMPLE_SCANS], out=mine, as_of=AS_OF)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_a_workbook_gives_a_workbook_with_the_report_beside_it(tmp_path) -> None:
    raw = flowmap.read_inventory(SAMPLE)
    book = write_workbook({n: t.frame for n, t in raw.tables.items()}, tmp_path / "inv.xlsx")
    out = tmp_path / "new.xlsx"
    result = import_scans(book, [SAMPLE_SCANS], out=out, org="RXA", as_of=AS_OF)
    assert (tmp_path / "new.import-report.csv").exists()
    assert (tmp_path / "new.import-report.json").exists()
    loaded = flowmap.load_inventory(out, as_of=AS_OF)
    pas = loaded.systems.set_index("system_id").loc["RXA-PAS-01"]
    assert pas["os"] == "Microsoft Windows Server 2012 R2 Standard"
    assert result.changed == {"systems", "vulnerabilities"}
    again = import_scans(out, [SAMPLE_SCANS], out=tmp_path / "again.xlsx", org="RXA", as_of=AS_OF)
    assert again.changed == set()
    with pytest.raises(UsageError, match=r"ending \.xlsx"):
        import_scans(book, [SAMPLE_SCANS], out=tmp_path / "folder", as_of=AS_OF)


# ------------------------------------------------------------- status rules


def small(tmp_path: Path, vuln_rows: list[dict[str, str]]) -> Path:
    tables = small_tables()
    tables["systems"][0]["hostname"] = "pas01"
    tables["systems"][0]["ip_addresses"] = "10.0.0.5"
    if vuln_rows:
        tables["vulnerabilities"] = vuln_rows
    return write_csv_tables(tmp_path / "inv", tables)


def row(cve: str, status: str, **more: str) -> dict[str, str]:
    return {"system_id": "S1", "cve_id": cve, "cvss": "5.0", "status": status, **more}


def test_the_newest_full_scan_marks_unseen_cves_fixed_and_keeps_people_s_decisions(
    tmp_path,
) -> None:
    inventory = small(
        tmp_path,
        [
            row("CVE-2020-0001", "open"),
            row("CVE-2020-0002", "risk_accepted", risk_acceptance_ref="RA-1"),
            row("CVE-2020-0003", "fixed"),
            row("CVE-2020-0004", "mitigated"),
            row("CVE-2020-0005", "mitigated"),
        ],
    )
    scan = nessus(
        tmp_path / "s.nessus",
        [
            Host(
                "10.0.0.5",
                netbios="PAS01",
                items=[
                    Item("1", "Seen again", ("CVE-2020-0003",), 7.5, "2020/02/11"),
                    Item("2", "Still there", ("CVE-2020-0005",), 5.0),
                    Item("3", "New", ("CVE-2021-0001",), 9.1),
                ],
            )
        ],
    )
    result = import_scans(inventory, [scan], out=tmp_path / "out", as_of=AS_OF)
    found = vulns(tmp_path / "out")
    status = {cve: r["status"] for (_, cve), r in found.items()}
    assert status == {
        "CVE-2020-0001": "fixed",
        "CVE-2020-0002": "risk_accepted",
        "CVE-2020-0003": "open",
        "CVE-2020-0004": "fixed",
        "CVE-2020-0005": "mitigated",
        "CVE-2021-0001": "open",
    }
    assert found[("S1", "CVE-2020-0002")]["risk_acceptance_ref"] == "RA-1"
    assert found[("S1", "CVE-2020-0003")]["cvss"] == "7.5"
    assert found[("S1", "CVE-2020-0003")]["patch_released"] == "2020-02-11"
    kept = entries(result, "vulnerability", "kept")
    assert [e["field"] for e in kept] == ["CVE-2020-0002"]
    assert "risk accepted by a person" in kept[0]["reason"]
    assert [e["field"] for e in entries(result, "vulnerability", "reopened")] == ["CVE-2020-0003"]


def test_an_older_scan_of_the_same_host_is_superseded(tmp_path) -> None:
    inventory = small(tmp_path, [row("CVE-2020-0001", "open")])
    old = nessus(
        tmp_path / "old.nessus",
        [
            Host(
                "10.0.0.5",
                netbios="PAS01",
                when=dt.datetime(2026, 9, 1),
                items=[Item("1", "Old", ("CVE-2020-0001",))],
            )
        ],
    )
    new = nessus(
        tmp_path / "new.nessus",
        [
            Host(
                "10.0.0.5",
                netbios="PAS01",
                when=dt.datetime(2026, 10, 1),
                items=[Item("2", "Other", ("CVE-2021-0002",))],
            )
        ],
    )
    result = import_scans(inventory, [new, old], out=tmp_path / "out", as_of=AS_OF)
    status = {cve: r["status"] for (_, cve), r in vulns(tmp_path / "out").items()}
    assert status == {"CVE-2020-0001": "fixed", "CVE-2021-0002": "open"}
    superseded = entries(result, "row", "superseded")
    assert [e["source"] for e in superseded] == ["old.nessus"]
    assert "new.nessus" in superseded[0]["reason"]


def test_scans_from_two_products_add_up(tmp_path) -> None:
    inventory = small(tmp_path, [])
    a = nessus(
        tmp_path / "a.nessus",
        [Host("10.0.0.5", netbios="PAS01", items=[Item("1", "A", ("CVE-2020-0001",))])],
    )
    b = ROOT / "tests" / "data" / "scans" / "nmap" / "defectdojo_vulners_minimal.xml"
    text = b.read_text().replace('addr="192.168.0.1"', 'addr="10.0.0.5"')
    (tmp_path / "b.xml").write_text(text)
    import_scans(inventory, [a, tmp_path / "b.xml"], out=tmp_path / "out", as_of=AS_OF)
    found = {cve for (sid, cve) in vulns(tmp_path / "out") if sid == "S1"}
    assert found == {"CVE-2020-0001", "CVE-2018-15919", "CVE-2017-15906"}


def test_a_discovery_scan_never_marks_a_cve_fixed(tmp_path) -> None:
    scan = nmap(tmp_path / "n.xml", [("10.9.9.9", "Microsoft Windows Server 2019")])
    tables = small_tables()
    tables["systems"][0]["ip_addresses"] = "10.9.9.9"
    tables["vulnerabilities"] = [row("CVE-2020-0001", "open")]
    inventory = write_csv_tables(tmp_path / "inv2", tables)
    result = import_scans(inventory, [scan], out=tmp_path / "out", as_of=AS_OF)
    assert vulns(tmp_path / "out")[("S1", "CVE-2020-0001")]["status"] == "open"
    assert systems(tmp_path / "out")["S1"]["os"] == "Microsoft Windows Server 2019"
    assert entries(result, "vulnerability") == []


def test_a_host_matching_two_systems_is_left_alone_and_named(tmp_path) -> None:
    tables = small_tables()
    tables["systems"][0]["ip_addresses"] = "10.0.0.5"
    tables["systems"][1]["ip_addresses"] = "10.0.0.5"
    inventory = write_csv_tables(tmp_path / "inv", tables)
    scan = nessus(
        tmp_path / "s.nessus", [Host("10.0.0.5", items=[Item("1", "A", ("CVE-2020-0001",))])]
    )
    result = import_scans(inventory, [scan], out=tmp_path / "out", as_of=AS_OF)
    (host,) = entries(result, "host", "ambiguous")
    assert "S1, S2" in host["reason"]
    assert [e["action"] for e in entries(result, "row")] == ["not imported"]
    assert result.changed == set()


def test_an_organisation_limits_matching_to_its_systems(tmp_path) -> None:
    tables = small_tables()
    tables["systems"][2]["ip_addresses"] = "10.0.0.5"  # S3 belongs to 00123
    inventory = write_csv_tables(tmp_path / "inv", tables)
    scan = nessus(
        tmp_path / "s.nessus", [Host("10.0.0.5", items=[Item("1", "A", ("CVE-2020-0001",))])]
    )
    result = import_scans(inventory, [scan], org="RXA", as_of=AS_OF)
    (host,) = entries(result, "host", "unmatched")
    assert "S3 (organisation 00123, by ip)" in host["reason"]
    matched = import_scans(inventory, [scan], org="00123", as_of=AS_OF)
    assert [e["system_id"] for e in entries(matched, "host", "matched")] == ["S3"]


def test_scanner_text_that_looks_like_a_formula_is_neutralised(tmp_path) -> None:
    inventory = small(tmp_path, [])
    scan = nessus(
        tmp_path / "s.nessus",
        [Host("10.0.0.5", netbios="PAS01", os='=HYPERLINK("http://x","click")')],
    )
    import_scans(inventory, [scan], out=tmp_path / "out", as_of=AS_OF)
    assert systems(tmp_path / "out")["S1"]["os"] == '\'=HYPERLINK("http://x","click")'


def test_options_are_checked_before_any_work(tmp_path) -> None:
    with pytest.raises(UsageError, match="add_unmatched: new systems need an organisation"):
        import_scans(SAMPLE, [SAMPLE_SCANS], add_unmatched=True)
    with pytest.raises(UsageError, match="'ZZZ' is not an org_id"):
        import_scans(SAMPLE, [SAMPLE_SCANS], org="ZZZ")
    tables = small_tables()
    tables["systems"][0]["kind"] = "mainframe"
    with pytest.raises(InvalidInventoryError):
        import_scans(write_csv_tables(tmp_path / "bad", tables), [SAMPLE_SCANS])


def test_a_defender_device_list_names_the_devices_of_its_vulnerability_export(tmp_path) -> None:
    mde = ROOT / "tests" / "data" / "scans" / "mde"
    tables = small_tables()
    tables["systems"][1]["hostname"] = "DVS-CSTANCU"
    inventory = write_csv_tables(tmp_path / "inv", tables)
    result = import_scans(
        inventory,
        [
            mde / "defectdojo_api_machines_win11.json",
            mde / "defectdojo_api_machinesvulnerabilities_win11_trimmed.json",
        ],
        out=tmp_path / "out",
        as_of=AS_OF,
    )
    found = {cve: r["status"] for (sid, cve), r in vulns(tmp_path / "out").items() if sid == "S2"}
    assert len(found) == 87 and list(found.values()).count("open") == 86
    assert found["CVE-2017-0144"] == "fixed"  # Defender's full export no longer lists it
    assert systems(tmp_path / "out")["S2"]["os"] == "Windows11 23H2"
    skipped = entries(result, "host", "skipped")
    assert "device list" in skipped[0]["reason"]


def test_informational_results_naming_a_cve_are_listed_not_imported(tmp_path) -> None:
    inventory = small(tmp_path, [])
    scan = nessus(
        tmp_path / "s.nessus",
        [
            Host(
                "10.0.0.5",
                netbios="PAS01",
                items=[
                    Item(
                        "10114",
                        "ICMP Timestamp Request Remote Date Disclosure",
                        ("CVE-1999-0524",),
                        severity=0,
                    ),
                    Item("1", "Real", ("CVE-2021-0001",), 9.1),
                ],
            )
        ],
    )
    result = import_scans(inventory, [scan], as_of=AS_OF)
    skipped = entries(result, "row", "skipped")
    assert "CVE-1999-0524 named, not counted as a vulnerability" in skipped[0]["reason"]
    assert [e["field"] for e in entries(result, "vulnerability", "new")] == ["CVE-2021-0001"]


def test_scans_of_the_same_time_add_up_rather_than_supersede(tmp_path) -> None:
    inventory = small(tmp_path, [])
    when = dt.datetime(2026, 10, 1)
    a = nessus(
        tmp_path / "a.nessus",
        [Host("10.0.0.5", netbios="PAS01", when=when, items=[Item("1", "A", ("CVE-2020-0001",))])],
    )
    b = nessus(
        tmp_path / "b.nessus",
        [Host("10.0.0.5", netbios="PAS01", when=when, items=[Item("2", "B", ("CVE-2020-0002",))])],
    )
    result = import_scans(inventory, [a, b], as_of=AS_OF)
    assert entries(result, "row", "superseded") == []
    assert {e["field"] for e in entries(result, "vulnerability", "new")} == {
        "CVE-2020-0001",
        "CVE-2020-0002",
    }
