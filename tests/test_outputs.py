"""`flowmap analyse` outputs: every format complete and reproducible, schema-valid JSON,
safe CSV/Excel, --formats, and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT, SAMPLE, small_tables, write_csv_tables

AS_OF = "2026-11-01"
ALL = ["findings.xlsx", "findings.csv", "findings.json", "findings.jsonl", "findings.parquet"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flowmap", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("analyse")
    r = run(
        "analyse", str(SAMPLE), "--out", str(out), "--as-of", AS_OF, "--quiet", "--formats", "all"
    )
    assert r.returncode == 0, r.stderr
    return out


def finding_ids_in_every_format(out: Path) -> dict[str, list[str]]:
    """The finding ids each findings file holds, in its order."""
    book = openpyxl.load_workbook(out / "findings.xlsx", read_only=True)
    sheets = [n for n in book.sheetnames if n == "findings" or n.startswith("findings (")]
    xlsx = []
    for name in sheets:
        rows = book[name].iter_rows(values_only=True)
        column = next(rows).index("finding_id")
        xlsx += [row[column] for row in rows]
    text = (out / "findings.jsonl").read_text(encoding="utf-8")
    return {
        "xlsx": xlsx,
        "csv": [
            r["finding_id"] for r in csv.DictReader(io.StringIO((out / "findings.csv").read_text()))
        ],
        "json": [
            f["finding_id"] for f in json.loads((out / "findings.json").read_text())["findings"]
        ],
        "jsonl": [json.loads(line)["finding_id"] for line in text.split("\n") if line],
        "parquet": pq.read_table(out / "findings.parquet").column("finding_id").to_pylist(),
    }


def test_every_finding_is_in_every_format_once_in_the_same_order(sample_out: Path) -> None:
    import flowmap

    analysis = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=pd.Timestamp(AS_OF).date())
    expected = analysis.findings["finding_id"].tolist()
    assert len(expected) > 100
    for fmt, ids in finding_ids_in_every_format(sample_out).items():
        assert ids == expected, fmt


def test_by_default_analyse_writes_the_workbook_and_parquet(tmp_path: Path) -> None:
    from flowmap.cli.analyse import analyse
    from flowmap.render.findings import DEFAULT_FORMATS, FINDINGS_FILES

    r = run("analyse", str(SAMPLE), "--out", str(tmp_path), "--as-of", AS_OF, "--quiet")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "findings.parquet",
        "findings.xlsx",
    ]
    assert list(FINDINGS_FILES) == ["findings.xlsx", "findings.parquet"]
    default = next(p.default for p in analyse.params if p.name == "formats")
    assert tuple(default.split(",")) == DEFAULT_FORMATS  # the CLI and the API agree


@pytest.mark.parametrize("value", ["xlxs", "xlsx,pdf", ","])
def test_a_bad_formats_value_is_one_line_naming_the_flag_value_and_choices(tmp_path, value) -> None:
    r = run("analyse", str(SAMPLE), "--out", str(tmp_path / "o"), "--formats", value, "--quiet")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert "--formats" in r.stderr and "xlsx, csv, json, jsonl, parquet" in r.stderr
    shown = "nothing" if value == "," else ("'xlxs'" if value == "xlxs" else "'pdf'")
    assert shown in r.stderr
    assert not (tmp_path / "o").exists()  # refused before any work


def test_formats_writes_only_the_files_asked_for(tmp_path: Path) -> None:
    r = run("analyse", str(SAMPLE), "--out", str(tmp_path), "--as-of", AS_OF, "--quiet",
            "--formats", " JSONL, csv ")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.glob("findings.*")) == ["findings.csv", "findings.jsonl"]
    assert "findings.csv" in r.stdout and "findings.jsonl" in r.stdout


def test_findings_json_matches_its_schema(sample_out: Path) -> None:
    schema = json.loads((ROOT / "docs" / "findings.schema.json").read_text())
    document = json.loads((sample_out / "findings.json").read_text())
    jsonschema.validate(document, schema)
    assert document["summary"]["findings"] == len(document["findings"]) > 0


def test_json_lines_hold_the_json_documents_findings_line_for_line(sample_out: Path) -> None:
    document = json.loads((sample_out / "findings.json").read_text())
    text = (sample_out / "findings.jsonl").read_text(encoding="utf-8")
    assert text.endswith("\n") and "\n\n" not in text
    assert [json.loads(line) for line in text.splitlines()] == document["findings"]


def test_parquet_is_typed_and_carries_the_summary(sample_out: Path) -> None:
    document = json.loads((sample_out / "findings.json").read_text())
    file = pq.ParquetFile(sample_out / "findings.parquet")
    schema = file.schema_arrow
    assert str(schema.field("score").type) == "double"
    assert str(schema.field("references").type) == "list<element: string>"
    assert str(schema.field("finding_id").type) == "string"
    metadata = schema.metadata
    assert json.loads(metadata[b"flowmap.summary"]) == document["summary"]
    assert metadata[b"flowmap.schema_version"] == b"1" and b"pandas" not in metadata
    table = file.read().to_pylist()
    for row, finding in zip(table, document["findings"]):
        assert {**row, "evidence": json.loads(row["evidence"])} == finding


def test_workbook_sheets_a_person_reads_and_filters(sample_out) -> None:
    wb = openpyxl.load_workbook(sample_out / "findings.xlsx")
    assert wb.sheetnames == [
        "summary",
        "findings",
        "rules",
        "attack_paths",
        "organisations",
        "systems",
        "assets",
    ]  # not the inventory's flows: its owners have them
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions, name
        assert all(cell.font.b for cell in ws[1]), name
        assert 8 <= ws.column_dimensions["A"].width <= 60
    findings = list(wb["findings"].iter_rows(values_only=True))
    assert findings[0][:3] == ("severity", "score", "org_id")
    assert isinstance(findings[1][1], float)  # a number, not text
    systems = list(wb["systems"].iter_rows(values_only=True))
    column = systems[0].index("support_end")
    dates = [row[column] for row in systems[1:] if row[column] is not None]
    assert dates and all(
        isinstance(d, pd.Timestamp | __import__("datetime").datetime) for d in dates
    )
    cell = wb["systems"].cell(
        row=2 + [r[column] for r in systems[1:]].index(dates[0]), column=column + 1
    )
    assert cell.number_format == "yyyy\\-mm\\-dd"
    rules = list(wb["rules"].iter_rows(values_only=True))
    assert rules[0] == ("rule", "title", "findings", "remediation", "references", "caf")
    assert sum(r[2] for r in rules[1:]) == len(findings) - 1
    summary = dict(wb["summary"].iter_rows(values_only=True))
    assert summary["Findings"] == len(findings) - 1 and summary["As of"] == AS_OF
    # counted by problem (the findings one fix closes), findings beside
    head = findings[0]
    problems = {r[head.index("problem_id")] for r in findings[1:]}
    assert summary["Problems (findings one fix closes)"] == len(problems) < len(findings) - 1
    by_problem = [v for k, v in summary.items() if str(k).startswith("Problems: ")]
    by_finding = [v for k, v in summary.items() if str(k).startswith("Findings: ")]
    assert sum(by_problem) == len(problems) and sum(by_finding) == len(findings) - 1


def test_workbook_reads_the_same_in_another_reader(sample_out) -> None:
    calamine = pytest.importorskip("python_calamine")
    path = sample_out / "findings.xlsx"
    book = openpyxl.load_workbook(path)
    other = calamine.CalamineWorkbook.from_path(str(path))
    assert other.sheet_names == book.sheetnames
    for name in book.sheetnames:
        mine = [
            [("" if v is None else v) for v in row]
            for row in book[name].iter_rows(values_only=True)
        ]
        theirs = other.get_sheet_by_name(name).to_python()
        assert len(theirs) == len(mine), name
        for a, b in zip(mine, theirs):
            a = [v.date() if hasattr(v, "date") and not isinstance(v, str) else v for v in a]
            assert a == [
                v.date() if hasattr(v, "date") and not isinstance(v, str) else v for v in b
            ], name


def test_outputs_are_byte_identical_across_runs(sample_out: Path, tmp_path: Path) -> None:
    r = run(
        "analyse",
        str(SAMPLE),
        "--out",
        str(tmp_path),
        "--as-of",
        AS_OF,
        "--quiet",
        "--formats",
        "all",
    )
    assert r.returncode == 0
    for name in ALL:
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
        "--formats",
        "all",
    )
    assert r.returncode == 0, r.stderr
    csv_text = (out / "findings.csv").read_text()
    assert "=HYPERLINK" in csv_text
    for row in csv.reader(io.StringIO(csv_text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell
    wb = openpyxl.load_workbook(out / "findings.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@", "\t", "\r")), cell.value
    # the machine formats carry the text exactly, as data
    lines = (out / "findings.jsonl").read_text().splitlines()
    assert any('=HYPERLINK(\\"http://evil.example\\",\\"click\\")' in line for line in lines)
    messages = pq.read_table(out / "findings.parquet").column("message").to_pylist()
    assert any('=HYPERLINK("http://evil.example","click")' in m for m in messages)


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
