"""`flowmap import sheet`: a register in the organisation's own columns, by a mapping."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import flowmap
from flowmap.errors import UsageError
from flowmap.ingest.sheets import import_sheet, suggest_mapping
from flowmap.ingest.sheets.mapping import load_mapping, parse_mapping
from tests.conftest import ROOT, SAMPLE

AS_OF = dt.date(2026, 11, 1)
REGISTER = SAMPLE / "registers" / "ropa-dspt-1.1.2.csv"
RXA = {"org": "RXA"}


def rows(folder: Path, table: str) -> dict[str, dict[str, str]]:
    with open(folder / f"{table}.csv", newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        key = reader.fieldnames[0]
        return {r[key]: r for r in reader}


def report(result, level: str, action: str | None = None) -> list[dict[str, str]]:
    frame = result.report.frame()
    frame = frame[frame["level"] == level]
    return (frame if action is None else frame[frame["action"] == action]).to_dict("records")


@pytest.fixture(scope="module")
def dspt(tmp_path_factory):
    out = tmp_path_factory.mktemp("sheet") / "out"
    result = import_sheet(
        REGISTER, "dspt-1.1.2", inventory=SAMPLE, out=out, variables=RXA, as_of=AS_OF
    )
    return result, out


def test_the_dspt_mapping_updates_assets_and_adds_new_ones(dspt) -> None:
    result, out = dspt
    assets = rows(out, "assets")
    assert assets["IA-0001"]["owner"] == "Director of Midwifery"
    assert assets["IA-0001"]["data_categories"] == "personal;special_health;children"
    assert assets["IA-0001"]["retention_years"] == "25"
    assert assets["IA-0030"]["system_id"] == "RXA-ECG-01"  # found by the system's name
    assert assets["IA-0031"]["data_categories"] == "personal;special_health"
    assert assets["IA-0031"]["data_subjects"] == "patients"
    assert assets["IA-0031"]["retention_followed"] == "yes"
    assert assets["IA-0031"]["where_held"] == "Supplier cloud (UK)"  # a column of the register
    changed = report(result, "assets", "changed")
    owner = next(e for e in changed if e["field"] == "owner")
    assert (owner["old"], owner["new"], owner["location"]) == (
        "Head of Midwifery",
        "Director of Midwifery",
        "line 2",
    )


def test_systems_are_matched_by_name_and_a_constant_never_overwrites(dspt) -> None:
    _, out = dspt
    systems = rows(out, "systems")
    assert systems["RXA-ECG-01"]["kind"] == "medical_device"  # the mapping's "application"
    assert systems["RXA-PHYSIO-BOOKING-SYSTEM"]["kind"] == "application"
    assert systems["RXA-PHYSIO-BOOKING-SYSTEM"]["name"] == "Physio booking system"
    assert systems["RXA-LIMS-01"]["support"] == "In-house"


def test_a_row_naming_a_recipient_system_makes_a_flow(dspt) -> None:
    _, out = dspt
    flows = rows(out, "flows")
    flow = flows["IA-0004-F1"]
    assert (flow["source_system_id"], flow["target_system_id"]) == ("RXA-LIMS-01", "M85001-CLIN")
    assert (flow["transport"], flow["lawful_basis"], flow["special_condition"]) == (
        "hscn",
        "6(1)(e)",
        "9(2)(h); DPA 2018 Sch 1 para 2",  # kept as written
    )
    assert flow["dsa_ref"] == "DSA-2025-031" and flow["dsa_expires"] == "31/03/2027"
    assert flows["IA-0031-F1"]["transport"] == "web_upload"


def test_values_and_rows_that_cannot_be_placed_are_reported_not_guessed(dspt) -> None:
    result, _ = dspt
    (unmapped,) = report(result, "value", "unmapped")
    assert (unmapped["old"], unmapped["location"]) == ("Genetic", "line 5")
    skipped = [e for e in report(result, "row", "skipped") if e["field"] == "assets"]
    assert [e["location"] for e in skipped] == ["line 6"]  # the visitor log has no reference


def test_the_result_is_valid_and_a_rerun_changes_nothing(dspt, tmp_path) -> None:
    _, out = dspt
    assert flowmap.validate(out, as_of=AS_OF).errors == []
    again = import_sheet(
        REGISTER, "dspt-1.1.2", inventory=out, out=tmp_path / "again", variables=RXA, as_of=AS_OF
    )
    assert again.changed == set()
    for table in ("systems", "assets", "flows"):
        assert (tmp_path / "again" / f"{table}.csv").read_bytes() == (
            out / f"{table}.csv"
        ).read_bytes()


def test_a_workbook_register_with_a_title_above_the_header(tmp_path) -> None:
    with open(REGISTER, newline="", encoding="utf-8") as fh:
        data = list(csv.reader(fh))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    ws.append(["Riverside record of processing activities, reviewed October 2026"])
    ws.append([])
    for line in data:
        ws.append(line)
    book = tmp_path / "register.xlsx"
    wb.save(book)
    result = import_sheet(book, "dspt-1.1.2", inventory=SAMPLE, variables=RXA, as_of=AS_OF)
    assert result.report.files[0]["header_row"] == 3
    added = {e["key"] for e in report(result, "assets", "added")}
    assert added == {"IA-0030", "IA-0031"}
    assert report(result, "assets", "added")[0]["location"] == "row 6"


def test_without_an_inventory_a_new_one_is_made_and_its_gaps_listed(tmp_path) -> None:
    out = tmp_path / "new"
    result = import_sheet(REGISTER, "dspt-1.1.2", out=out, variables=RXA, as_of=AS_OF)
    assert set(rows(out, "assets")) == {"IA-0001", "IA-0004", "IA-0030", "IA-0031"}
    assert (out / "organisations.csv").exists()
    problems = report(result, "problem", "error")
    assert any("RXA" in e["reason"] or e["field"] == "org_id" for e in problems)


MINIMAL = {
    "flowmap_mapping": 1,
    "tables": {"assets": {"columns": {"asset_id": {"column": "Ref"}, "name": {"column": "Asset"}}}},
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tables": {"things": {"columns": {"a": "b"}}}}, "tables.things: not an inventory table"),
        (
            {"tables": {"assets": {"columns": {"name": "Asset"}}}},
            "the key column 'asset_id' is not mapped",
        ),
        (
            {"tables": {"assets": {"columns": {"asset_id": {"column": "Ref", "vocabulary": "x"}}}}},
            "no vocabulary named 'x'",
        ),
        (
            {"tables": {"assets": {"columns": {"asset_id": {"column": "Ref", "value": "x"}}}}},
            "give exactly one of 'column', 'value' or 'template'",
        ),
        ({"header_row": 0}, "header_row: must be a row number"),
        ({"flowmap_mapping": 2}, "must start with 'flowmap_mapping: 1'"),
    ],
)
def test_a_mapping_mistake_is_named_by_where_it_is(change, message) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_mapping({**MINIMAL, **change})


def test_a_mapping_that_is_not_yaml_names_its_line(tmp_path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("flowmap_mapping: 1\ntables:\n  assets: [unclosed\n")
    with pytest.raises(UsageError, match=r"bad\.yml line \d+: not valid YAML"):
        load_mapping(bad)


def test_a_variable_left_unset_is_refused(tmp_path) -> None:
    with pytest.raises(UsageError, match="needs a value for 'org'"):
        import_sheet(REGISTER, "dspt-1.1.2", inventory=SAMPLE)


def test_suggest_marks_every_guess_and_the_mapping_is_refused_until_confirmed(tmp_path) -> None:
    target = tmp_path / "suggested.yml"
    text = suggest_mapping(REGISTER, out=target)
    assert 'column: "Information asset owner"' in text
    assert text.count("guess: true") >= 10
    assert '"Special category - health": special_health' in text
    with pytest.raises(UsageError, match="guess"):
        import_sheet(REGISTER, target, inventory=SAMPLE, variables=RXA)
    confirmed = tmp_path / "confirmed.yml"
    confirmed.write_text("\n".join(line for line in text.splitlines() if "guess: true" not in line))
    mapping = load_mapping(confirmed, variables=RXA)
    assert mapping.guesses() == []
    result = import_sheet(REGISTER, mapping, inventory=SAMPLE, as_of=AS_OF)
    assert "assets" in result.changed
    with pytest.raises(UsageError, match="will not overwrite"):
        suggest_mapping(REGISTER, out=target)


def test_the_command_line_suggests_then_imports(tmp_path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flowmap", "import", "sheet", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )

    done = run(str(REGISTER), "--suggest", "--mapping", str(tmp_path / "m.yml"))
    assert done.returncode == 0 and (tmp_path / "m.yml").exists()
    done = run(
        str(REGISTER),
        "--mapping",
        "dspt-1.1.2",
        "--set",
        "org=RXA",
        "--inventory",
        str(SAMPLE),
        "--out",
        str(tmp_path / "out"),
        "--as-of",
        "2026-11-01",
    )
    assert done.returncode == 0, done.stderr
    assert "assets: 2 added" in done.stdout
    done = run(str(REGISTER), "--mapping", str(tmp_path / "m.yml"), "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and "guess" in done.stderr and "Traceback" not in done.stderr


CELLS = {
    "flowmap_mapping": 1,
    "tables": {
        "assets": {
            "columns": {
                "asset_id": {"column": "Ref"},
                "name": {"column": "Asset"},
                "owner": {"column": "Owner"},
                "retention_years": {"column": "Years"},
                "reviewed": {"column": "Reviewed"},
            }
        }
    },
}


def _register_book(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    ws.append(["Ref", "Asset", "Owner", "Years", "Reviewed"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_a_workbook_registers_cells_are_read_as_a_person_sees_them(tmp_path) -> None:
    """Numbers without a trailing .0, dates as dates, an error value as its text (the fast
    cell reader sees it as empty: the sheet's XML is scanned for it), a formula Excel
    never calculated as empty, and each row by the number Excel shows."""
    book = _register_book(
        tmp_path / "register.xlsx",
        [
            ["IA-1", "Records", "#N/A", 25, dt.datetime(2026, 3, 1)],
            [],
            ["IA-2", "=1+1", "Head of IG", 7.5, dt.date(2026, 4, 2)],
        ],
    )
    result = import_sheet(book, parse_mapping(CELLS), as_of=AS_OF)
    assets = result.tables["assets"].set_index("asset_id")
    assert assets.loc["IA-1", ["name", "owner", "retention_years", "reviewed"]].tolist() == [
        "Records", "#N/A", "25", "2026-03-01"
    ]  # fmt: skip
    assert assets.loc["IA-2", ["name", "owner", "retention_years", "reviewed"]].tolist() == [
        "", "Head of IG", "7.5", "2026-04-02"
    ]  # fmt: skip
    made = {e["new"]: e["location"] for e in report(result, "row", "imported")}
    assert made == {"IA-1": "row 2", "IA-2": "row 4"}


def test_a_register_sheet_whose_cells_reach_too_far_is_refused(tmp_path, monkeypatch) -> None:
    from flowmap.errors import ImportFileError

    book = _register_book(tmp_path / "register.xlsx", [["IA-1", "Records", "", 1, ""]])
    monkeypatch.setenv("FLOWMAP_MAX_SHEET_CELLS", "6")
    with pytest.raises(ImportFileError, match=r"register\.xlsx sheet Register: its cells reach"):
        import_sheet(book, parse_mapping(CELLS), as_of=AS_OF)


def test_a_register_names_a_sheet_it_does_not_have(tmp_path) -> None:
    from flowmap.errors import ImportFileError

    book = _register_book(tmp_path / "register.xlsx", [["IA-1", "Records", "", 1, ""]])
    with pytest.raises(ImportFileError, match=r"no sheet named 'RoPA' \(sheets: Register\)"):
        import_sheet(book, parse_mapping({**CELLS, "sheet": "RoPA"}), as_of=AS_OF)
