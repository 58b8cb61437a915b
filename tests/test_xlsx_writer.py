"""The fast workbook writer (flowmap/render/xlsx.py): Excel's package rules, hostile text,
and tables longer than a sheet."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from defusedxml import ElementTree

from flowmap.render.xlsx import CELL_CHARACTERS, CUT_NOTE, Table, write_workbook_tables

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+44 1632 960000",
    "-1",
    "@SUM(A1)",
    "\tTab first",
    "\rreturn first",
    "bell\x07 and nul\x00 and escape\x1b[2J",
    "literal _x0041_ stays as typed",
    "  spaces around  ",
    "<b>markup</b> & ampersand \"quotes\" 'apostrophes'",
    "lone surrogate \ud800 here",
    "line\nbreak and paragraph\u2029separator",
    "x" * (CELL_CHARACTERS + 10),
]


def write(tmp_path: Path, tables: list[Table], name: str = "t.xlsx") -> Path:
    return write_workbook_tables(tmp_path / name, tables, title="test")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    frame = pd.DataFrame(
        {
            "text": pd.Series(HOSTILE, dtype=object),
            "listed": [("=a", "b")] + [("x",)] * (len(HOSTILE) - 1),
            "number": [1.5, None, 3, float("inf"), *range(len(HOSTILE) - 4)],
            "count": pd.array(range(len(HOSTILE)), dtype="Int64"),
            "flag": pd.array([True, None] + [False] * (len(HOSTILE) - 2), dtype="boolean"),
            "day": pd.to_datetime(["2026-11-01", None] + ["1999-12-31"] * (len(HOSTILE) - 2)),
        }
    )
    labels = pd.DataFrame([("Inventory", "sample"), ("Findings", 3)], dtype=object)
    return write(tmp_path, [Table("summary", labels, header=False), Table("data", frame)])


def expected_text(text: str) -> str:
    """What a cell shows for hostile text: neutralised, cut at Excel's limit."""
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    if len(text) > CELL_CHARACTERS:
        text = text[: CELL_CHARACTERS - len(CUT_NOTE)] + CUT_NOTE
    return text


def excel_shows(path: Path, sheet: int, column: str = "A") -> list[str]:
    """The text of a column's cells as Excel shows them, from the file's XML: each
    ``_xHHHH_`` is the character HHHH (openpyxl reads only ``_x005F_``; Excel and
    calamine read them all)."""
    z = zipfile.ZipFile(path)
    strings = [
        re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), "".join(si.itertext()))
        for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
    ]
    root = ElementTree.fromstring(z.read(f"xl/worksheets/sheet{sheet}.xml"))
    return [
        strings[int(c.find("m:v", NS).text)]
        for c in root.iter(f"{{{NS['m']}}}c")
        if re.fullmatch(column + r"\d+", c.get("r")) and c.get("t") == "s"
    ]


def test_hostile_text_is_inert_and_reads_back_as_written(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["data"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("text", "listed", "number", "count", "flag", "day")
    shown = excel_shows(book, 2)[1:]
    assert len(shown) == len(HOSTILE)
    for text, cell in zip(HOSTILE, shown):
        assert cell == expected_text(text).replace("\ud800", "\ufffd"), (text[:30], cell[:30])
    plain = [r[0] for r in rows[1:]]
    assert (
        plain[HOSTILE.index("literal _x0041_ stays as typed")] == "literal _x0041_ stays as typed"
    )
    assert plain[0] == "'=cmd|' /C calc'!A0"
    assert rows[1][1] == "'=a;b"  # text made from a list is neutralised too
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert len(shown[-1]) == CELL_CHARACTERS and shown[-1].endswith(CUT_NOTE)
    assert [r[0] for r in openpyxl.load_workbook(book)["summary"].iter_rows(values_only=True)] == [
        "Inventory",
        "Findings",
    ]


def test_numbers_flags_and_dates_are_typed_cells(book: Path) -> None:
    rows = list(openpyxl.load_workbook(book)["data"].iter_rows(values_only=True))
    assert [r[2] for r in rows[1:5]] == [1.5, None, 3, None]  # infinity is not a number
    assert rows[1][3] == 0 and isinstance(rows[2][3], int)  # whole numbers stay whole
    assert [r[4] for r in rows[1:4]] == [True, None, False]
    assert rows[1][5] == dt.datetime(2026, 11, 1) and rows[2][5] is None
    assert rows[3][5] == dt.datetime(1999, 12, 31)


def test_the_package_follows_excels_rules(book: Path) -> None:
    z = zipfile.ZipFile(book)
    assert z.testzip() is None  # every part's checksum holds
    names = z.namelist()
    types = z.read("[Content_Types].xml").decode()
    for name in names:
        if name.endswith(".xml") and name != "[Content_Types].xml":
            assert f'PartName="/{name}"' in types, name
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    for target in re.findall(r'Target="([^"]+)"', rels):
        assert "xl/" + target in names
    for info in z.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.create_system == 3
    core = z.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2
    styles = ElementTree.fromstring(z.read("xl/styles.xml"))
    xfs = styles.find("m:cellXfs", NS)
    assert int(xfs.get("count")) == len(xfs) == 3
    sst = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
    refers, used = 0, set()
    for sheet in (n for n in names if n.startswith("xl/worksheets/")):
        root = ElementTree.fromstring(z.read(sheet))
        last_row = 0
        for row in root.iter(f"{{{NS['m']}}}row"):
            r = int(row.get("r"))
            assert r > last_row
            last_row, last_col = r, 0
            for c in row:
                letters, number = re.fullmatch(r"([A-Z]+)(\d+)", c.get("r")).groups()
                assert int(number) == r
                col = openpyxl.utils.column_index_from_string(letters)
                assert col > last_col
                last_col = col
                if c.get("t") == "s":
                    refers += 1
                    used.add(int(c.find("m:v", NS).text))
        assert root.find("m:dimension", NS).get("ref").endswith(str(last_row)), sheet
    assert int(sst.get("count")) == refers
    assert int(sst.get("uniqueCount")) == len(sst) == len(used)
    workbook = z.read("xl/workbook.xml").decode()
    assert "_xlnm._FilterDatabase" in workbook and "'data'!$A$1:$F$14" in workbook


def test_the_same_tables_give_the_same_bytes(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": ["x", "=y", None], "n": [1.0, 2.5, None]})
    one = write(tmp_path, [Table("t", frame)], "one.xlsx").read_bytes()
    assert write(tmp_path, [Table("t", frame)], "two.xlsx").read_bytes() == one


def test_a_table_continues_past_excels_row_limit(tmp_path: Path) -> None:
    """At Excel's real limit: 1,048,575 rows below the header, then a second sheet."""
    from flowmap.render.files import EXCEL_ROWS

    n = EXCEL_ROWS  # one more row than a sheet holds below its header
    frame = pd.DataFrame({"n": range(n)})
    path = write(tmp_path, [Table("rows", frame)])
    z = zipfile.ZipFile(path)
    assert z.testzip() is None  # parts compressed in pieces on several threads: one stream
    assert '<sheet name="rows (2)"' in z.read("xl/workbook.xml").decode()
    first = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1:A1048576"/>' in first
    assert first.endswith(
        f'<row r="{EXCEL_ROWS}"><c r="A{EXCEL_ROWS}"><v>{EXCEL_ROWS - 2}</v></c></row>'
        f'</sheetData><autoFilter ref="A1:A{EXCEL_ROWS}"/>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></worksheet>'
    )
    second = z.read("xl/worksheets/sheet2.xml").decode()
    assert f'<row r="2"><c r="A2"><v>{n - 1}</v></c></row>' in second
    assert second.count("<row ") == 2  # its own header, and the last row


def test_findings_past_the_row_limit_continue_and_the_summary_says_so(tmp_path, monkeypatch):
    import flowmap
    import flowmap.render.findings as findings_module
    import flowmap.render.xlsx as xlsx_module
    from tests.conftest import SAMPLE
    from tests.test_outputs import finding_ids_in_every_format

    monkeypatch.setattr(xlsx_module, "EXCEL_ROWS", 51)  # a sheet of 50 rows and a header
    monkeypatch.setattr(findings_module, "EXCEL_ROWS", 51)
    a = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=dt.date(2026, 11, 1))
    flowmap.write_findings(a, tmp_path, formats="all")
    book = openpyxl.load_workbook(tmp_path / "findings.xlsx", read_only=True)
    parts = -(-len(a.findings) // 50)
    assert [n for n in book.sheetnames if n.startswith("findings")] == ["findings"] + [
        f"findings ({i})" for i in range(2, parts + 1)
    ]
    summary = [row for n in book.sheetnames if n.startswith("summary") for row in book[n].rows]
    notes = [v.value for k, v in summary if k.value == "Note"]
    assert any(n.startswith(f"findings has {len(a.findings):,} rows") for n in notes)
    ids = finding_ids_in_every_format(tmp_path)
    assert ids["xlsx"] == ids["parquet"] == a.findings["finding_id"].tolist()


def test_long_columns_of_distinct_text_read_back_exactly(tmp_path: Path) -> None:
    """A region's messages and evidence are nearly all different: such a column is
    numbered without looking for repeats (flowmap.render.xlsx_cells.shared_strings).
    Every cell still reads back as written, hostile text included, and the shared
    strings stay consistent with the cells that use them."""
    from flowmap.render.xlsx_cells import DISTINCT_SAMPLE

    n = 3 * DISTINCT_SAMPLE
    distinct = [f"message {i} for system S-{i % 97}" for i in range(n)]
    for i, text in enumerate(HOSTILE[:-1]):  # not the over-long one: checked above
        distinct[100 * i + 7] = text
    distinct[5] = None
    repeated = [f"org {i % 13}" for i in range(n)]
    frame = pd.DataFrame({"message": distinct, "org": repeated, "also": distinct}, dtype=object)
    path = write(tmp_path, [Table("t", frame)])
    rows = list(openpyxl.load_workbook(path)["t"].iter_rows(values_only=True))[1:]
    assert [r[1] for r in rows] == repeated
    shown = excel_shows(path, 1, "A")[1:]  # below the header
    expected = [expected_text(t).replace("\ud800", "\ufffd") for t in distinct if t is not None]
    assert shown == expected
    assert excel_shows(path, 1, "C")[1:] == expected
    assert rows[5][0] is None
    z = zipfile.ZipFile(path)
    sst = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
    cells = 3 + 3 * n - 2  # the header, and every cell but the two empty ones
    assert int(sst.get("count")) == cells and int(sst.get("uniqueCount")) == len(sst)
    assert len(sst) == 3 + 13 + 2 * (n - 1)  # the distinct columns as they come


@pytest.mark.parametrize("limit", [1_000, 3_000])
def test_past_4_gb_the_zip_gets_its_64_bit_records_and_reads_back(tmp_path, monkeypatch, limit):
    """A region's workbook past 4 GB of XML needs zip's 64-bit records: sizes and places
    past the limit are written in them (tested here with the limit made small, so parts,
    then places, then the directory pass it). zipfile checks every part's checksum, and
    openpyxl and calamine read the same cells as from the ordinary file."""
    import flowmap.render.xlsx_package as package_module

    frame = pd.DataFrame({"id": [f"S-{i}" for i in range(800)], "n": range(800)}, dtype=object)
    tables = [Table("summary", pd.DataFrame([("a", 1)]), header=False), Table("t", frame)]
    ordinary = write(tmp_path, tables, "ordinary.xlsx")
    monkeypatch.setattr(package_module, "_LIMIT", limit)
    big = write(tmp_path, tables, "big.xlsx")
    z = zipfile.ZipFile(big)
    assert z.testzip() is None
    assert z.namelist() == zipfile.ZipFile(ordinary).namelist()
    assert any(i.file_size >= limit for i in z.infolist())  # some part took the 64-bit path
    raw = big.read_bytes()
    assert b"PK\x06\x06" in raw and b"PK\x06\x07" in raw  # the 64-bit end records
    for path in (ordinary, big):
        assert [r for r in openpyxl.load_workbook(path)["t"].iter_rows(values_only=True)][-1] == (
            "S-799",
            799,
        )
    pd.testing.assert_frame_equal(
        pd.read_excel(big, sheet_name=None, engine="calamine")["t"],
        pd.read_excel(ordinary, sheet_name=None, engine="calamine")["t"],
    )
