"""`flowmap analyse` outputs: schema-valid JSON, safe CSV/Excel, reproducible bytes, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from tests.conftest import ROOT, SAMPLE, small_tables, write_csv_tables

AS_OF = "2026-11-01"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flowmap", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("analyse")
    r = run("analyse", str(SAMPLE), "--out", str(out), "--as-of", AS_OF, "--quiet")
    assert r.returncode == 0, r.stderr
    return out


def test_findings_json_matches_its_schema(sample_out: Path) -> None:
    schema = json.loads((ROOT / "docs" / "findings.schema.json").read_text())
    document = json.loads((sample_out / "findings.json").read_text())
    jsonschema.validate(document, schema)
    assert document["summary"]["findings"] == len(document["findings"]) > 0


def test_workbook_has_the_promised_sheets_with_filters_and_frozen_headers(sample_out) -> None:
    wb = openpyxl.load_workbook(sample_out / "findings.xlsx")
    assert wb.sheetnames == ["summary", "findings", "attack_paths", "systems", "assets", "flows"]
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref, name


def test_outputs_are_byte_identical_across_runs(sample_out: Path, tmp_path: Path) -> None:
    r = run("analyse", str(SAMPLE), "--out", str(tmp_path), "--as-of", AS_OF, "--quiet")
    assert r.returncode == 0
    for name in ("findings.json", "findings.csv", "findings.xlsx"):
        assert (tmp_path / name).read_bytes() == (sample_out / name).read_bytes(), name


def test_terminal_summary_shows_counts_and_top_findings(tmp_path: Path) -> None:
    r = run("analyse", str(SAMPLE), "--out", str(tmp_path), "--as-of", AS_OF, "--quiet")
    assert "By severity: critical" in r.stdout and "Top 10:" in r.stdout


def test_hostile_names_cannot_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][1]["name"] = '=HYPERLINK("http://evil.example","click")'
    tables["systems"][1]["os"] = "@SUM(1+1)"
    out = tmp_path / "out"
    r = run(
        "analyse",
        str(write_csv_tables(tmp_path / "i", tables)),
        "--out",
        str(out),
        "--as-of",
        AS_OF,
        "--quiet",
    )
    assert r.returncode == 0, r.stderr
    csv_text = (out / "findings.csv").read_text()
    assert "=HYPERLINK" in csv_text
    for line in csv_text.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@")), cell
    wb = openpyxl.load_workbook(out / "findings.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@", "\t", "\r")), cell.value


def test_fail_on_high_exits_3_when_a_high_finding_exists(tmp_path: Path) -> None:
    r = run(
        "analyse",
        str(SAMPLE),
        "--out",
        str(tmp_path),
        "--as-of",
        AS_OF,
        "--quiet",
        "--fail-on",
        "high",
    )
    assert r.returncode == 3


def test_fail_on_is_not_triggered_below_the_threshold(tmp_path: Path) -> None:
    tables = small_tables()
    for table in ("vulnerabilities", "backups", "zone_links"):
        tables[table] = []
    tables["flows"] = [tables["flows"][1]]
    tables["systems"] = [tables["systems"][0]]
    tables["assets"] = [dict(tables["assets"][1], system_id="S1", owner="HR")]
    tables["flows"] = []
    folder = write_csv_tables(tmp_path / "i", tables)
    (folder / "flows.csv").write_text("flow_id,asset_id,source_system_id,target_system_id\n")
    (folder / "backups.csv").unlink()
    (folder / "vulnerabilities.csv").unlink()
    (folder / "zone_links.csv").unlink()
    r = run(
        "analyse",
        str(folder),
        "--out",
        str(tmp_path / "o"),
        "--as-of",
        AS_OF,
        "--quiet",
        "--fail-on",
        "critical",
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_malformed_kev_file_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "kev.json"
    bad.write_text("{not json")
    r = run("analyse", str(SAMPLE), "--out", str(tmp_path / "o"), "--kev", str(bad), "--quiet")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert str(bad) in r.stderr and r.stderr.strip().count("\n") == 0


def test_missing_epss_file_is_a_one_line_error(tmp_path: Path) -> None:
    r = run(
        "analyse",
        str(SAMPLE),
        "--out",
        str(tmp_path / "o"),
        "--epss",
        str(tmp_path / "none.csv"),
        "--quiet",
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr and "none.csv" in r.stderr


def test_a_long_findings_list_is_one_finding_per_line_and_still_the_same_json(
    tmp_path: Path,
) -> None:
    from flowmap.render.files import ONE_PER_LINE, write_json

    doc = {
        "summary": {"n": ONE_PER_LINE + 5, "name": "Ward =1+1 <b>"},
        "findings": [
            {"finding_id": f"R:{i}", "evidence": {"x": [i, None]}} for i in range(ONE_PER_LINE + 5)
        ],
    }
    text = write_json(doc, tmp_path / "f.json").read_text(encoding="utf-8")
    assert json.loads(text) == doc
    lines = text.splitlines()
    assert sum(line.lstrip().startswith('{"evidence"') for line in lines) == ONE_PER_LINE + 5
    short = write_json({"findings": doc["findings"][:3]}, tmp_path / "s.json").read_text()
    assert json.loads(short)["findings"] == doc["findings"][:3] and '{"evidence"' not in short


def test_a_table_longer_than_a_sheet_continues_on_numbered_sheets(tmp_path: Path) -> None:
    import pandas as pd

    from flowmap.render.files import EXCEL_ROWS, new_workbook, write_sheets

    assert EXCEL_ROWS == 2**20  # Excel's documented sheet size
    frame = pd.DataFrame({"flow_id": [f"F{i}" for i in range(25)], "n": range(25)})
    wb = new_workbook(tmp_path / "t.xlsx", "test")
    names = write_sheets(wb, "flows", frame, wb.add_format({"bold": True}), rows_per_sheet=10)
    wb.close()
    assert names == ["flows", "flows (2)", "flows (3)"]
    book = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True)
    ids = [row[0] for name in names for row in book[name].iter_rows(min_row=2, values_only=True)]
    assert ids == list(frame["flow_id"])  # every row once, in order
    assert all(next(book[n].iter_rows(max_row=1, values_only=True))[0] == "flow_id" for n in names)
