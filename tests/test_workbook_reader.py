"""The workbook reader's promises, cell by cell: what each kind of Excel cell reads as,
formulas with and without a saved value, error values, row numbers, and the limits that
keep a hostile workbook from exhausting memory.

The oracle for "what a cell reads as" is openpyxl, the reader flowmap used before
python-calamine: the text a person reads in the cell, as :func:`cell_text` gives it.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

import flowmap
from flowmap.errors import InventoryReadError
from flowmap.inventory.raw import cell_text
from flowmap.inventory.read import read_inventory
from flowmap.inventory.xlsxparts import scan_sheet
from tests.conftest import small_tables, write_xlsx_tables

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# Number formats a person may give a cell; numbers are read the same whatever the format,
# dates as dates whatever the date format (Excel's built-in ones and custom ones).
FORMATS = [
    "General",
    "0",
    "0.00",
    "#,##0",
    "@",
    "0.00%",
    "0.00E+00",
    "dd/mm/yyyy",
    "d-mmm-yy",
    "[$-409]d-mmm-yyyy;@",
    "yyyy-mm-dd;@",
    "[Red]dd/mm/yyyy",
    "m/d/yy h:mm",
    "dd/mm/yyyy hh:mm",
    "mm:ss",
    "[h]:mm:ss",
    "h:mm AM/PM",
    "#,##0.00 [$€-1]",
    '0.0"d"',
]
NUMBERS = [46082, 46082.4375, 0.5, 1.5, 59, 60, 61, 1, 0, 123, 1e-07, 2900000, 0.1 + 0.2]


def _label(i: int) -> str:
    return f"R{i:03d}"


def _oracle(path: Path, sheet: str) -> list[list[str]]:
    """Each row's texts as openpyxl reads the workbook's saved values."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = [[cell_text(c.value).strip() for c in row] for row in wb[sheet].iter_rows()]
    wb.close()
    return rows


def _read(path: Path, table: str) -> list[list[str]]:
    frame = read_inventory(path).tables[table].frame
    return [list(map(str, row)) for row in frame.itertuples(index=False)]


@pytest.mark.parametrize("date_1904", [False, True], ids=["1900 dates", "1904 dates"])
def test_every_kind_of_cell_reads_as_the_text_openpyxl_gave(tmp_path: Path, date_1904: bool):
    path = tmp_path / "cells.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"date_1904": date_1904, "strings_to_numbers": False})
    ws = wb.add_worksheet("systems")
    header = ["system_id"] + [f"v{i}" for i in range(len(NUMBERS))]
    for c, h in enumerate(header):
        ws.write_string(0, c, h)
    r = 1
    for fmt in FORMATS:
        style = wb.add_format({"num_format": fmt})
        ws.write_string(r, 0, _label(r))
        for c, number in enumerate(NUMBERS, start=1):
            ws.write_number(r, c, number, style)
        r += 1
    date_style = wb.add_format({"num_format": "yyyy-mm-dd"})
    others = [
        ("00123", "1.0", " padded ", "=SUM(A1:A2)", "#N/A", "x_x000D_y", "NA", "None"),
        (
            True,
            False,
            dt.datetime(2026, 3, 1),
            dt.datetime(2026, 3, 1, 10, 30),
            dt.date(2026, 3, 1),
        ),
    ]
    for values in others:
        ws.write_string(r, 0, _label(r))
        for c, value in enumerate(values, start=1):
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, (dt.date, dt.datetime)):
                ws.write_datetime(r, c, value, date_style)
            else:
                ws.write_string(r, c, value)
        r += 1
    ws.write_string(r, 0, _label(r))
    ws.write_formula(r, 1, "=1+1", None, 2)
    ws.write_formula(r, 2, '="abc"', None, "abc")
    ws.write_formula(r, 3, '="x"', None, "x")
    ws.write_formula(r, 4, "=TRUE()", None, True)
    ws.write_formula(r, 5, "=NA()", None, "#N/A")
    ws.write_formula(r, 6, "=1/0", None, "#DIV/0!")
    ws.write_formula(r, 7, "=A1", date_style, 46082)
    wb.close()
    got, want = _read(path, "systems"), _oracle(path, "systems")[1:]
    assert len(got) == len(want) == r
    for mine, theirs in zip(got, want):
        assert mine == (theirs + [""] * len(mine))[: len(mine)], mine[0]
    assert not read_inventory(path).problems  # every formula here has a saved value
    ids = {row[0]: row[1:] for row in got}
    assert ids[_label(1)][9] == "123" and ids[_label(len(FORMATS) + 1)][:2] == ["00123", "1.0"]


def test_numeric_looking_ids_stay_as_the_user_typed_or_saw_them(tmp_path: Path):
    tables = small_tables()
    tables["organisations"][0]["org_id"] = 123.0  # a number cell: Excel shows 123
    tables["organisations"][1]["org_id"] = "00123"  # a text cell keeps its zeros
    tables["systems"][0]["system_id"] = 1.0  # Excel shows 1
    tables["systems"][1]["system_id"] = "1.0"  # typed as text: stays 1.0
    tables["systems"][2]["system_id"] = 1.5
    raw = read_inventory(write_xlsx_tables(tmp_path / "ids.xlsx", tables))
    assert list(raw.tables["organisations"].frame["org_id"]) == ["123", "00123"]
    assert list(raw.tables["systems"].frame["system_id"])[:3] == ["1", "1.0", "1.5"]


def test_blank_rows_are_dropped_and_errors_keep_the_row_excel_shows(tmp_path: Path):
    book = write_xlsx_tables(tmp_path / "inv.xlsx", small_tables())
    wb = openpyxl.load_workbook(book)
    ws = wb["systems"]
    ws.insert_rows(3, amount=2)  # two blank rows after the first system
    header = [c.value for c in ws[1]]
    ws.cell(row=6, column=header.index("last_patched") + 1).value = "31/02/2026"
    wb.save(book)
    raw = read_inventory(book)
    rows = list(raw.tables["systems"].frame.index)
    assert rows[:2] == [2, 5] and 3 not in rows and 4 not in rows
    messages = [p.describe() for p in flowmap.validate(book).errors]
    assert any(
        "sheet systems row 6" in m and "last_patched" in m and "31/02/2026" in m for m in messages
    ), messages


def test_a_formula_with_no_saved_value_is_named_by_its_cell_and_read_as_empty(tmp_path: Path):
    book = write_xlsx_tables(tmp_path / "inv.xlsx", small_tables())
    wb = openpyxl.load_workbook(book)
    ws = wb["systems"]
    ws["D3"] = "=B3&B4"  # openpyxl saves formulas without a result
    wb.save(book)
    raw = read_inventory(book)
    found = [p for p in raw.problems if "no saved value" in p.message]
    assert [(p.table, p.row, p.value) for p in found] == [("systems", 3, "=B3&B4")]
    assert "cell D3" in found[0].message
    assert raw.tables["systems"].frame.loc[3].iloc[3] == ""


def test_an_error_value_reads_as_its_text_and_is_reported_where_a_value_is_checked(tmp_path):
    path = tmp_path / "inv.xlsx"
    book = write_xlsx_tables(path, small_tables())
    wb = openpyxl.load_workbook(book)
    header = [c.value for c in wb["systems"][1]]
    cell = wb["systems"].cell(row=2, column=header.index("last_patched") + 1)
    cell.value, cell.data_type = "#N/A", "e"
    wb.save(book)
    assert read_inventory(book).tables["systems"].frame.loc[2, "last_patched"] == "#N/A"
    messages = [p.describe() for p in flowmap.validate(book).errors]
    assert any("row 2, column last_patched, value '#N/A'" in m for m in messages), messages


# ---------------------------------------------------------------- hand-made sheet XML


def _book(path: Path, sheet_xml: str, name: str = "systems") -> Path:
    """A minimal workbook of one sheet whose XML is given as written."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships"><sheets><sheet name="{name}" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, text in parts.items():
            z.writestr(part, text)
    return path


def _inline(text: str) -> str:
    return f'<is><t xml:space="preserve">{text}</t></is>'


def test_cells_without_references_are_placed_where_excel_shows_them(tmp_path: Path):
    """Cell and row references are optional in the file format: a cell without one is
    next to the last, a row without one below the last; formulas there are still named."""
    rows = (
        f'<row><c t="inlineStr">{_inline("system_id")}</c><c t="inlineStr">{_inline("name")}'
        f'</c><c t="inlineStr">{_inline("org_id")}</c></row>'
        f'<row><c t="inlineStr">{_inline("S1")}</c><c><v>7</v></c></row>'
        f'<row r="5"><c t="inlineStr">{_inline("S2")}</c><c/><c><f>1+1</f></c></row>'
    )
    xml = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    scan = scan_sheet(xml.encode())
    assert (scan.rows, scan.columns, scan.unsaved) == (5, 3, [(5, 2, "=1+1")])
    raw = read_inventory(_book(tmp_path / "norefs.xlsx", xml))
    frame = raw.tables["systems"].frame
    assert list(frame.index) == [2, 5] and frame.loc[2, "name"] == "7"
    assert ["cell C5" in p.message for p in raw.problems] == [True]


def test_a_formula_that_gave_empty_text_has_a_saved_value(tmp_path: Path):
    """Excel saves a formula that returns "" as text (t="str") with an empty value."""
    rows = (
        f'<row r="1"><c r="A1" t="inlineStr">{_inline("system_id")}</c>'
        f'<c r="B1" t="inlineStr">{_inline("name")}</c></row>'
        f'<row r="2"><c r="A2" t="inlineStr">{_inline("S1")}</c>'
        '<c r="B2" t="str"><f>IF(A2="","x","")</f><v></v></c></row>'
        f'<row r="3"><c r="A3" t="inlineStr">{_inline("S2")}</c>'
        '<c r="B3"><f>1+1</f><v></v></c></row>'
    )
    xml = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    raw = read_inventory(_book(tmp_path / "empty.xlsx", xml))
    assert list(raw.tables["systems"].frame["name"]) == ["", ""]
    assert [p.row for p in raw.problems] == [3]  # an empty number is no saved value


def test_a_number_too_large_for_its_date_format_is_one_line_naming_the_cell(tmp_path, capsys):
    from tests.test_adversarial_inputs import flowmap_main

    path = tmp_path / "huge.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("systems")
    ws.write_row(0, 0, ["system_id", "name"])
    ws.write_row(1, 0, ["S1", "PAS"])
    ws.write_string(2, 0, "S2")
    ws.write_number(2, 1, 3e15, wb.add_format({"num_format": "[h]:mm:ss"}))
    wb.close()
    run = flowmap_main(capsys, "validate", path)
    assert run.code == 2 and len(run.error_lines) == 1 and "Traceback" not in run.err
    assert "sheet 'systems' cell B3, value '3000000000000000'" in run.err


def test_a_sheet_written_with_a_namespace_prefix_is_scanned_the_same(tmp_path: Path):
    rows = (
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>system_id</x:t></x:is></x:c>'
        '<x:c r="B1" t="inlineStr"><x:is><x:t>name</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>S1</x:t></x:is></x:c>'
        '<x:c r="B2"><x:f>A2&amp;"!"</x:f></x:c></x:row>'
        "<x:row r='3'><x:c r='A3' t='e'><x:v>#REF!</x:v></x:c></x:row>"
    )
    xml = f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>{rows}</x:sheetData></x:worksheet>'
    raw = read_inventory(_book(tmp_path / "prefixed.xlsx", xml))
    assert [(p.row, p.value) for p in raw.problems] == [(2, '=A2&"!"')]
    assert "cell B2" in raw.problems[0].message
    assert list(raw.tables["systems"].frame["system_id"]) == ["S1", "#REF!"]


@pytest.mark.parametrize("chunk", [1 << 21, 37], ids=["one piece", "tags cut by pieces"])
def test_quick_and_full_scans_agree(tmp_path: Path, monkeypatch, chunk: int):
    from flowmap.inventory import xlsxparts
    from flowmap.inventory.xlsxparts import _full_scan

    monkeypatch.setattr(xlsxparts, "CHUNK", chunk)  # the scan reads the XML in pieces

    book = write_xlsx_tables(tmp_path / "inv.xlsx", small_tables())
    wb = openpyxl.load_workbook(book)
    wb["systems"]["C3"] = "=1+1"
    wb["systems"]["E2"].value, wb["systems"]["E2"].data_type = "#VALUE!", "e"
    wb["systems"]["K40"] = "far"
    wb.save(book)
    with zipfile.ZipFile(book) as z:
        xml = next(z.read(n) for n in z.namelist() if n.endswith("sheet2.xml"))
    quick, full, bound = scan_sheet(xml, exact=True), _full_scan(xml), scan_sheet(xml)
    assert (quick.rows, quick.columns, quick.unsaved, quick.errors) == (
        full.rows,
        full.columns,
        full.unsaved,
        full.errors,
    )
    assert (quick.rows, quick.columns) == (40, 11) and quick.unsaved == [(3, 2, "=1+1")]
    # the cheap bound: the sheet's own claim (K40: 1 letter, 2 digits), checked, rounded up
    assert not bound.exact and (bound.rows, bound.columns) == (99, 26)
    assert (bound.unsaved, bound.errors) == (quick.unsaved, quick.errors)


def test_a_cell_past_the_sheets_own_claim_of_its_size_is_still_found(tmp_path: Path):
    """A sheet's dimension is only a claim: a cell past it makes the scan read every
    reference, so the bound is never smaller than the truth."""
    rows = (
        f'<row r="1"><c r="A1" t="inlineStr">{_inline("system_id")}</c></row>'
        f'<row r="2"><c r="AB123456" t="inlineStr">{_inline("x")}</c></row>'
    )
    xml = (
        f'<worksheet xmlns="{MAIN}"><dimension ref="A1:B2"/><sheetData>{rows}</sheetData>'
        "</worksheet>"
    ).encode()
    scan = scan_sheet(xml)
    assert scan.rows >= 123456 and scan.columns >= 28


# ---------------------------------------------------------------- limits


def _far(tmp_path: Path, ref: str) -> Path:
    xml = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        f'{_inline("system_id")}</c></row><row r="{ref[-7:].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}'
        f'"><c r="{ref}" t="inlineStr">{_inline("x")}</c></row></sheetData></worksheet>'
    )
    return _book(tmp_path / "far.xlsx", xml)


def test_a_cell_far_to_the_right_is_refused_before_any_grid_is_made(tmp_path, capsys):
    """One cell at XFD1048576 in a 1 KB file would ask the reader for 17 billion cells."""
    from tests.test_adversarial_inputs import flowmap_main

    book = _far(tmp_path, "XFD1048576")
    assert book.stat().st_size < 2_000
    run = flowmap_main(capsys, "validate", book)
    assert run.code == 2 and len(run.error_lines) == 1, run.err
    assert "sheet 'systems'" in run.err and "column XFD" in run.err
    assert "FLOWMAP_MAX_COLUMNS" in run.err and "Traceback" not in run.err


def test_a_cell_far_below_is_refused_by_the_sheet_cell_limit(tmp_path, monkeypatch):
    with pytest.raises(InventoryReadError, match="FLOWMAP_MAX_SHEET_CELLS") as caught:
        read_inventory(_far(tmp_path, "AX1048576"))
    assert "row 1,048,576 and column AX" in str(caught.value)
    monkeypatch.setenv("FLOWMAP_MAX_SHEET_CELLS", "10")
    small = write_xlsx_tables(tmp_path / "small.xlsx", small_tables())
    with pytest.raises(InventoryReadError, match="more than the limit of 10"):
        read_inventory(small)
    monkeypatch.delenv("FLOWMAP_MAX_SHEET_CELLS")
    assert "systems" in read_inventory(small).tables


def test_a_part_that_unpacks_past_its_declared_size_is_refused_as_damaged(tmp_path, capsys):
    """The size check reads the sizes parts declare; a part that lies is stopped at its
    declared size (and fails its CRC) instead of being unpacked whole."""
    from tests.test_adversarial_inputs import flowmap_main

    book = write_xlsx_tables(tmp_path / "inv.xlsx", small_tables())
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = next(i for i in z.infolist() if i.filename == "xl/worksheets/sheet2.xml")
    true_size = info.file_size.to_bytes(4, "little")
    lie = (info.file_size // 10).to_bytes(4, "little")
    name = info.filename.encode()
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # local header and central directory
        at = data.find(header)
        while at >= 0:
            size_at = at + (22 if header == b"PK\x03\x04" else 24)
            name_at = at + (30 if header == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                assert data[size_at : size_at + 4] == true_size
                data[size_at : size_at + 4] = lie
            at = data.find(header, at + 4)
    book.write_bytes(bytes(data))
    run = flowmap_main(capsys, "validate", book)
    assert run.code == 2 and len(run.error_lines) == 1, run.err
    assert "its sheet 'systems' is damaged" in run.err and "Traceback" not in run.err


def test_a_chart_sheet_named_after_a_table_is_an_error_not_a_silent_gap(tmp_path: Path):
    path = tmp_path / "chart.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    data = wb.add_worksheet("data")
    data.write_column(0, 0, [1, 2, 3])
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "=data!$A$1:$A$3"})
    wb.add_chartsheet("costs").set_chart(chart)
    wb.close()
    raw = read_inventory(path)
    assert "costs" not in raw.tables
    assert any("'costs' is a chartsheet" in p.message for p in raw.problems)


def test_a_cell_longer_than_the_limit_is_named_by_sheet_row_and_column(tmp_path, monkeypatch):
    tables = small_tables()
    tables["systems"][1]["name"] = "x" * 150
    book = write_xlsx_tables(tmp_path / "long.xlsx", tables)
    assert "systems" in read_inventory(book).tables  # within the default limit
    monkeypatch.setenv("FLOWMAP_MAX_CELL_CHARS", "100")
    with pytest.raises(InventoryReadError) as caught:
        read_inventory(book)
    assert "sheet systems row 3, column name: a cell of 150 characters" in str(caught.value)
