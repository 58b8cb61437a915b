"""Shared fixtures: a small valid inventory, written as CSV files a test can break."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "inventories" / "sample"
SHARED = ROOT.parent / "shared"


def pytest_configure(config: pytest.Config) -> None:
    """Keep the tests from the person's own local end-of-life table (flowmap reference update)."""
    os.environ["FLOWMAP_DATA_DIR"] = tempfile.mkdtemp(prefix="flowmap-test-data-")


def small_tables() -> dict[str, list[dict[str, str]]]:
    """A tiny valid inventory: two organisations, four systems, two assets, two flows."""
    return {
        "organisations": [
            {
                "org_id": "RXA",
                "name": "Riverside Hospitals",
                "sector": "nhs_trust",
                "dspt_status": "standards_met",
            },
            {
                "org_id": "00123",
                "name": "Hill Surgery",
                "sector": "gp_practice",
                "dspt_status": "not_met",
            },
        ],
        "systems": [
            {
                "system_id": "S1",
                "name": "PAS",
                "org_id": "RXA",
                "kind": "server",
                "os": "Windows Server 2019",
                "zone": "RXA:servers",
                "internet_facing": "no",
                "last_patched": "2026-10-20",
            },
            {
                "system_id": "S2",
                "name": "Ward PC",
                "org_id": "RXA",
                "kind": "workstation",
                "os": "Windows 7 SP1",
                "zone": "RXA:clinical",
                "internet_facing": "no",
                "last_patched": "2025-01-01",
            },
            {
                "system_id": "S3",
                "name": "GP clinical system",
                "org_id": "00123",
                "kind": "saas",
                "os": "",
                "zone": "",
                "internet_facing": "yes",
                "last_patched": "",
            },
            {
                "system_id": "S4",
                "name": "Backup store",
                "org_id": "RXA",
                "kind": "backup_target",
                "os": "Ubuntu 22.04",
                "zone": "RXA:servers",
                "internet_facing": "no",
                "last_patched": "2026-10-01",
            },
        ],
        "assets": [
            {
                "asset_id": "A1",
                "name": "Patient index",
                "org_id": "RXA",
                "system_id": "S1;S2",
                "owner": "Head of IG",
                "data_categories": "personal;special_health",
                "records": "250000",
                "essential": "yes",
            },
            {
                "asset_id": "A2",
                "name": "Staff list",
                "org_id": "RXA",
                "system_id": "S1",
                "owner": "",
                "data_categories": "staff",
                "records": "3000",
                "essential": "no",
            },
        ],
        "flows": [
            {
                "flow_id": "F1",
                "asset_id": "A1",
                "source_system_id": "S1",
                "target_system_id": "S3",
                "transport": "email",
                "encrypted": "no",
                "purpose": "direct_care",
                "lawful_basis": "6(1)(e)",
                "dsa_ref": "",
            },
            {
                "flow_id": "F2",
                "asset_id": "A1",
                "source_system_id": "S3",
                "target_system_id": "S1",
                "transport": "hscn",
                "encrypted": "yes",
                "purpose": "direct_care",
                "lawful_basis": "6(1)(e)",
                "dsa_ref": "DSA-1",
            },
        ],
        "backups": [
            {
                "backup_id": "B1",
                "source_system_id": "S1",
                "target_system_id": "S4",
                "isolation": "online",
                "last_restore_test": "2026-01-05",
                "restore_result": "pass",
            }
        ],
        "vulnerabilities": [
            {
                "system_id": "S2",
                "cve_id": "CVE-2017-0144",
                "cvss": "8.1",
                "epss": "0.94",
                "kev": "yes",
                "ransomware": "yes",
                "patch_released": "2017-03-14",
            }
        ],
        "zone_links": [
            {"from_zone": "RXA:clinical", "to_zone": "RXA:servers", "bidirectional": "yes"}
        ],
    }


def write_csv_tables(
    folder: Path, tables: dict[str, list[dict[str, str]]], encoding: str = "utf-8"
) -> Path:
    """Write tables as ``<table>.csv`` files (union of keys as the header)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        header: list[str] = []
        for row in rows:
            header.extend(k for k in row if k not in header)
        with open(folder / f"{name}.csv", "w", newline="", encoding=encoding) as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return folder


def write_xlsx_tables(path: Path, tables: dict[str, list[dict[str, object]]]) -> Path:
    """Write tables as one workbook, a sheet per table, empty strings as empty cells."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        ws = wb.create_sheet(name)
        header = list(dict.fromkeys(k for r in rows for k in r))
        ws.append(header)
        for r in rows:
            ws.append([r.get(h, "") if r.get(h, "") != "" else None for h in header])
    wb.save(path)
    return path


#: Names that would run script if a page ever put them into HTML unescaped.
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "</script><script>window.__xss=2;alert(1)</script>"


def write_hostile_map(folder: Path) -> Path:
    """The small inventory with script-bearing names (organisation, systems, title), as a map.

    Browser tests load it and check the names show as text and nothing runs.
    """
    import datetime as dt

    import flowmap

    tables = small_tables()
    tables["organisations"][0]["name"] = XSS_SCRIPT
    tables["systems"][0]["name"] = XSS_IMG
    tables["systems"][2]["name"] = XSS_SCRIPT
    inv = flowmap.load_inventory(write_csv_tables(folder / "inv", tables))
    path = folder / "hostile.html"
    flowmap.write_map(flowmap.analyse(inv, as_of=dt.date(2026, 11, 1)), path, title=XSS_IMG)
    return path


@pytest.fixture
def small_inventory(tmp_path: Path) -> Path:
    return write_csv_tables(tmp_path / "inv", small_tables())
