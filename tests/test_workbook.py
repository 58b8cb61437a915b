"""The Excel template and inventory workbooks, and formula neutralising for exports."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import flowmap
from flowmap.inventory.schema import TABLES
from flowmap.render import workbook
from flowmap.render.files import FORMULA_TRIGGERS, neutralise_formula, neutralise_frame
from flowmap.render.workbook import write_template, write_workbook

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "inventories" / "sample"
SAMPLE_XLSX = REPO / "inventories" / "sample.xlsx"

CSV_INVENTORY = {
    "organisations": (
        "org_id,name,sector,dspt_status,ce_plus,local_ref\n"
        '001,Riverside Hospitals NHS FT,nhs_trust,standards_met,yes,=HYPERLINK("x")\n'
        "NA,North Ambulance Service,nhs_other,,no,\n"
        "GP1,Hill Surgery,GP_practice,not_met,,keep me\n"
    ),
    "systems": (
        "system_id,name,org_id,kind,os,zone,internet_facing,last_patched,esu,hosting,"
        "criticality,mfa,smb1\n"
        "0042,=SUM(A1:A2),001,server,Windows Server 2012 R2,,yes,2024-03-01,no,on_premises,"
        "critical,no,yes\n"
        "NA-EPR,EPR,NA,application,,NA:clinical,no,01/02/2025,,cloud,,yes,\n"
        "GP1-CLIN,+Clinical system,GP1,saas,,,true,,,third_party,high,,no\n"
    ),
    "assets": (
        "asset_id,name,org_id,system_id,owner,data_categories,identifiability,records,"
        "essential,retention_years,last_reviewed,rto_hours,rpo_hours\n"
        "IA-001,Maternity record,001,0042;NA-EPR,-Head of Midwifery,personal;Special_Health,,"
        '"120,000",yes,25,2025-12-31,4.5,0.25\n'
        "IA-002,GP record,GP1,GP1-CLIN,@owner,personal,pseudonymised,,no,8.0,,,\n"
    ),
    "flows": (
        "flow_id,asset_id,source_system_id,target_system_id,transport,encrypted,purpose,"
        "dsa_expires,records_per_year,destination_country\n"
        "F-001,IA-001,0042,NA-EPR,hscn,yes,direct_care,2027-03-31,5000,\n"
        "F-002,IA-002,GP1-CLIN,0042,email,no,administration,,,IE\n"
    ),
    "zone_links": (
        'from_zone,to_zone,bidirectional,note\nNA:clinical,001:default,,"Rule FW-12, reviewed"\n'
    ),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("template") / "inventory.xlsx")


@pytest.fixture
def csv_inventory(tmp_path) -> Path:
    folder = tmp_path / "inventory"
    folder.mkdir()
    for name, text in CSV_INVENTORY.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def _assert_same_model(a: flowmap.Inventory, b: flowmap.Inventory, *, same_rows: bool) -> None:
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        left, right = a.tables[name], b.tables[name]
        if not same_rows:
            left, right = left.reset_index(drop=True), right.reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right, obj=name)


def test_template_loads_as_valid_empty_inventory(template):
    report = flowmap.validate(template)
    assert report.problems == []
    assert report.row_counts == {name: 0 for name in TABLES}
    inventory = flowmap.load_inventory(template)
    for name, table in TABLES.items():
        assert list(inventory.tables[name].columns) == list(table.columns)


def test_template_sheets_follow_the_schema_with_readme_first(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["README", *TABLES]
    readme = "\n".join(str(c.value) for row in wb["README"].iter_rows() for c in row if c.value)
    for name, table in TABLES.items():
        assert name in readme and table.description in readme
        ws = wb[name]
        header = [c.value for c in ws[1]]
        assert header == list(table.columns)
        assert [c.font.b for c in ws[1]] == [col.required for col in table.columns.values()]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref is not None
    wb.close()


def test_template_formats_id_and_text_columns_as_text(template):
    wb = openpyxl.load_workbook(template)
    ws = wb["organisations"]
    for letter, column in zip("ABCDEF", TABLES["organisations"].columns.values()):
        if column.type in ("id", "text"):
            assert ws.column_dimensions[letter].number_format == "@", column.name
    wb.close()


def _validations(ws) -> dict[str, object]:
    """Data validations by header name (each covers one column)."""
    header = {c.column_letter: c.value for c in ws[1]}
    found = {}
    for dv in ws.data_validations.dataValidation:
        ref = str(dv.sqref)
        letter = ref.split(":")[0].rstrip("0123456789")
        found[header[letter]] = dv
        assert ref == f"{letter}2:{letter}5000"
    return found


def test_template_has_dropdown_for_every_enum_column(template):
    wb = openpyxl.load_workbook(template)
    for name, table in TABLES.items():
        found = _validations(wb[name])
        for column in table.columns.values():
            if column.type == "enum":
                dv = found[column.name]
                assert dv.type == "list"
                assert dv.formula1 == '"' + ",".join(column.allowed) + '"'
            elif column.type == "bool":
                assert found[column.name].formula1 == '"yes,no"'
            elif column.type == "enum_list":
                dv = found[column.name]
                assert dv.type is None and dv.showInputMessage
                assert all(value in dv.prompt for value in column.allowed)
    wb.close()


def test_long_enum_lists_go_on_the_hidden_lists_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "INLINE_LIST_LIMIT", 0)
    path = write_template(tmp_path / "inventory.xlsx")
    assert flowmap.validate(path).problems == []
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-1] == "lists" and wb["lists"].sheet_state == "hidden"
    lists = wb["lists"]
    columns = {c.value: c.column_letter for c in lists[1]}
    sector = _validations(wb["organisations"])["sector"]
    letter = columns["organisations.sector"]
    last = len(TABLES["organisations"].columns["sector"].allowed) + 1
    assert sector.formula1 == f"lists!${letter}$2:${letter}${last}"
    values = [c.value for c in lists[letter][1:]]
    assert [v for v in values if v] == list(TABLES["organisations"].columns["sector"].allowed)
    wb.close()


def test_template_header_comments_name_allowed_values(template):
    wb = openpyxl.load_workbook(template)
    for name, table in TABLES.items():
        for cell, column in zip(wb[name][1], table.columns.values()):
            note = cell.comment.text
            assert column.description in note
            assert ("Required: yes" if column.required else "Required: no") in note
            for value in column.allowed:
                assert value in note
            if column.default is not None and column.type != "bool":
                assert f"Default when empty: {column.default}" in note
            if column.references:
                table_name, column_name = column.references.split(".")
                assert f"{column_name} in the {table_name} sheet" in note
            if column.maximum is not None:
                assert f"between {column.minimum:g} and {column.maximum:g}" in note
    wb.close()


def test_template_is_byte_identical_across_runs(tmp_path, template):
    again = write_template(tmp_path / "again.xlsx")
    assert again.read_bytes() == template.read_bytes()


def test_workbook_round_trip_equals_csv_inventory(csv_inventory, tmp_path):
    from_csv = flowmap.load_inventory(csv_inventory)
    path = write_workbook(from_csv.tables, tmp_path / "inventory.xlsx")
    from_xlsx = flowmap.load_inventory(path)
    assert from_xlsx.report.problems == []
    _assert_same_model(from_csv, from_xlsx, same_rows=True)
    organisations = from_xlsx.organisations
    assert organisations["org_id"].tolist() == ["001", "NA", "GP1"]
    assert organisations["local_ref"].tolist() == ['=HYPERLINK("x")', "", "keep me"]
    assert from_xlsx.systems.at[2, "name"] == "=SUM(A1:A2)"
    assert from_xlsx.assets.at[2, "system_id"] == ("0042", "NA-EPR")


def test_workbook_of_text_tables_round_trips_the_text(csv_inventory, tmp_path):
    raw = flowmap.read_inventory(csv_inventory)
    path = write_workbook({name: t.frame for name, t in raw.tables.items()}, tmp_path / "t.xlsx")
    again = flowmap.read_inventory(path)
    for name, table in raw.tables.items():
        written = again.tables[name].frame
        pd.testing.assert_frame_equal(written[table.frame.columns], table.frame, obj=name)
        assert (written.drop(columns=table.frame.columns) == "").all().all()
    _assert_same_model(
        flowmap.load_inventory(csv_inventory), flowmap.load_inventory(path), same_rows=True
    )


def test_workbook_writes_strings_as_text_and_numbers_as_numbers(csv_inventory, tmp_path):
    path = write_workbook(flowmap.load_inventory(csv_inventory).tables, tmp_path / "inv.xlsx")
    wb = openpyxl.load_workbook(path)
    systems, assets = wb["systems"], wb["assets"]
    assert (systems["A2"].value, systems["A2"].data_type) == ("0042", "s")
    assert (systems["B2"].value, systems["B2"].data_type) == ("=SUM(A1:A2)", "s")
    header = [c.value for c in assets[1]]
    row = {h: c for h, c in zip(header, assets[2])}
    assert row["records"].value == 120000 and row["records"].data_type == "n"
    assert row["retention_years"].value == 25 and row["rto_hours"].value == 4.5
    assert row["essential"].value == "yes" and row["last_reviewed"].value == "2025-12-31"
    assert row["data_categories"].value == "personal;special_health"
    wb.close()


def test_workbook_is_byte_identical_across_runs(csv_inventory, tmp_path):
    tables = flowmap.load_inventory(csv_inventory).tables
    first = write_workbook(tables, tmp_path / "a.xlsx").read_bytes()
    assert write_workbook(tables, tmp_path / "b.xlsx").read_bytes() == first


def test_workbook_refuses_unknown_tables(tmp_path):
    with pytest.raises(ValueError, match="not inventory tables: suppliers"):
        write_workbook({"suppliers": pd.DataFrame()}, tmp_path / "x.xlsx")


def test_sample_workbook_loads_to_the_same_model_as_sample_folder():
    _assert_same_model(
        flowmap.load_inventory(SAMPLE), flowmap.load_inventory(SAMPLE_XLSX), same_rows=False
    )


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_formula_like_text_is_neutralised(trigger):
    text = f"{trigger}cmd|'/C calc'!A0"
    assert neutralise_formula(text) == "'" + text
    frame = pd.DataFrame({"text": [text, "plain"], "number": [-1, 2]})
    out = neutralise_frame(frame)
    assert out["text"].tolist() == ["'" + text, "plain"]
    assert out["number"].tolist() == [-1, 2]
    assert frame["text"].tolist() == [text, "plain"]  # the input is not changed


def test_the_pattern_for_pyarrow_matches_the_same_first_characters():
    """The CSV and workbook writers neutralise with pyarrow's regex (FORMULA_START): it
    must take exactly the characters neutralise_formula takes, first only."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from flowmap.render.files import FORMULA_START

    firsts = [chr(c) for c in range(1, 128)] + ["\u00a0", "\u2028", "\uff1d"]
    texts = [f + "x" for f in firsts] + ["x=", " =a", ""]
    matched = pc.match_substring_regex(pa.array(texts), FORMULA_START).to_pylist()
    assert matched == [neutralise_formula(t) != t for t in texts]
    assert sum(matched) == len(FORMULA_TRIGGERS)


def test_plain_text_is_not_changed_by_neutralise():
    plain = ["", "RXA-PAS-01", "001", "NA", "a=b", "x-y", " =indented", "'=already"]
    assert [neutralise_formula(v) for v in plain] == plain
    frame = pd.DataFrame({"text": plain, "list": [("=a",)] * len(plain)})
    pd.testing.assert_frame_equal(neutralise_frame(frame), frame)


def test_committed_template_is_what_flowmap_template_makes(tmp_path):
    from tests.conftest import ROOT

    fresh = write_template(tmp_path / "template.xlsx")
    assert fresh.read_bytes() == (ROOT / "inventories" / "template.xlsx").read_bytes()


def test_committed_sample_workbook_is_what_write_workbook_makes(tmp_path):
    import flowmap
    from tests.conftest import ROOT, SAMPLE

    fresh = write_workbook(flowmap.load_inventory(SAMPLE).tables, tmp_path / "sample.xlsx")
    assert fresh.read_bytes() == (ROOT / "inventories" / "sample.xlsx").read_bytes()
