"""Adversarial: an inventory from a partner cannot crash the tool or be misread.

Each case is a generated inventory (the small one, broken in one way) run through the
commands that read it; each must end with the documented exit code and a located,
one-line message, never a traceback, and never read the data wrongly without a word.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

import flowmap
from tests.adversarial import flowmap_main, write_inventory
from tests.conftest import SAMPLE, small_tables

AS_OF = "2026-11-01"


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setenv("FLOWMAP_PROGRESS", "0")
    for name in ("FLOWMAP_MAX_COLUMNS", "FLOWMAP_MAX_CELL_CHARS"):
        monkeypatch.delenv(name, raising=False)


def _edit(inv: Path, table: str, old: bytes, new: bytes, count: int = 1) -> None:
    path = inv / f"{table}.csv"
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, count))


def _every_command(capsys, inv: Path, out: Path) -> dict[str, int]:
    """validate, analyse, diff (against itself) and plan: their exit codes."""
    codes = {"validate": flowmap_main(capsys, "validate", inv, "--as-of", AS_OF).code}
    for name, args in (
        ("analyse", ["analyse", inv, "--out", out / "a", "--as-of", AS_OF, "--quiet"]),
        ("diff", ["diff", inv, inv, "--out", out / "d", "--as-of", AS_OF]),
        ("plan", ["plan", inv, "--budget", "9000", "--out", out / "p", "--as-of", AS_OF]),
    ):
        codes[name] = flowmap_main(capsys, *args).code
    return codes


# ---------------------------------------------------------------- dates and numbers


@pytest.mark.parametrize(
    ("column_of", "text"),
    [
        (("flows", 0, "dsa_expires"), "31/12/9999"),
        (("flows", 0, "dsa_expires"), "9999-12-31"),
        (("systems", 0, "last_patched"), "0001-01-01"),
        (("backups", 0, "last_restore_test"), "01/01/0001"),
    ],
)
def test_no_expiry_and_placeholder_dates_are_read_as_written(column_of, text, tmp_path, capsys):
    table, row, column = column_of
    tables = small_tables()
    tables[table][row][column] = text
    inv = write_inventory(tmp_path / "inv", tables)
    assert _every_command(capsys, inv, tmp_path / "out") == {
        "validate": 0,
        "analyse": 0,
        "diff": 0,
        "plan": 0,
    }
    typed = flowmap.load_inventory(inv).tables[table][column].iloc[row]
    year = int(text[-4:]) if "/" in text else int(text[:4])
    assert typed.year == year


@pytest.mark.parametrize(
    ("table", "column", "text"),
    [
        ("assets", "records", "1e400"),
        ("assets", "records", "99999999999999999999999"),
        ("assets", "records", "-1e400"),
        ("vulnerabilities", "cvss", "inf"),
        ("vulnerabilities", "epss", "nan"),
        ("costs", "cost_gbp", "inf"),
        ("costs", "cost_gbp", "Infinity"),
        ("costs", "cost_gbp", "1e309"),
    ],
)
def test_numbers_no_float_holds_are_located_errors(table, column, text, tmp_path, capsys):
    tables = small_tables()
    if table == "costs":
        tables["costs"] = [{"action": "patch", "subject_id": "S2", "cost_gbp": "100"}]
    tables[table][0][column] = text
    inv = write_inventory(tmp_path / "inv", tables)
    run = flowmap_main(capsys, "validate", inv, "--as-of", AS_OF)
    assert run.code == 1
    assert f"{table}.csv line 2, column {column}, value '{text}'" in run.out
    for command in ("analyse", "plan"):
        args = [command, inv, "--out", tmp_path / command, "--as-of", AS_OF]
        run = flowmap_main(capsys, *args, *(["--budget", "1000"] if command == "plan" else []))
        assert run.code == 1 and "not a valid inventory" in run.err


def test_plan_json_is_always_json(tmp_path, capsys):
    tables = small_tables()
    tables["costs"] = [{"action": "patch", "subject_id": "S2", "cost_gbp": "1e15"}]
    inv = write_inventory(tmp_path / "inv", tables)
    out = tmp_path / "p"
    run = flowmap_main(capsys, "plan", inv, "--budget", "1e309", "--out", out, "--as-of", AS_OF)
    assert run.code == 2 and "--budget" in run.err
    run = flowmap_main(capsys, "plan", inv, "--budget", "1e15", "--out", out, "--as-of", AS_OF)
    assert run.code == 0, run.err

    def refuse(name):
        raise AssertionError(f"{name} in plan.json")

    json.loads((out / "plan.json").read_text(), parse_constant=refuse)


# ---------------------------------------------------------------- line ends and encodings


def test_classic_mac_line_ends_are_read_with_their_line_numbers(tmp_path, capsys):
    tables = small_tables()
    tables["systems"][1]["kind"] = "desktop"
    inv = write_inventory(tmp_path / "inv", tables)
    path = inv / "systems.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    run = flowmap_main(capsys, "validate", inv, "--as-of", AS_OF)
    assert run.code == 1
    assert "systems.csv line 3, column kind, value 'desktop'" in run.out
    assert "Errors (1)" in run.out


def test_a_carriage_return_inside_an_unquoted_cell_is_reported_at_its_line(tmp_path, capsys):
    inv = write_inventory(tmp_path / "inv")
    _edit(inv, "systems", b"Ward PC", b"Ward\rPC")
    run = flowmap_main(capsys, "validate", inv, "--as-of", AS_OF)
    assert run.code == 1
    assert "systems.csv line 3: a carriage return (CR)" in run.out
    assert "Errors (1)" in run.out  # its id is not reported again as a missing reference


def test_a_carriage_return_inside_a_quoted_cell_is_kept(tmp_path, capsys):
    inv = write_inventory(tmp_path / "inv")
    _edit(inv, "systems", b"Ward PC", b'"Ward\rPC"')
    assert flowmap_main(capsys, "validate", inv, "--as-of", AS_OF).code == 0
    names = flowmap.load_inventory(inv).systems["name"].tolist()
    assert "Ward\rPC" in names


@pytest.mark.parametrize(
    ("encode", "message"),
    [
        (lambda t: t.encode("utf-16"), "is UTF-16 text"),
        (lambda t: t.encode("utf-16-le"), "UTF-16 text without a byte order mark"),
        (lambda t: t.encode("utf-32"), "is UTF-32 text"),
        (
            lambda t: (
                t.replace("Ward PC", "Patiént")
                .encode()
                .replace(b"Backup", "Bäckup".encode("cp1252"))
            ),
            "mixes encodings: line 5",
        ),
        (lambda t: t.replace("Ward PC", "Ward\x00PC").encode(), "NUL bytes, first on line 3"),
        (lambda t: (SAMPLE.parent / "template.xlsx").read_bytes(), "Excel workbook"),
    ],
)
def test_text_that_is_not_utf8_or_windows_1252_is_refused_saying_what_to_do(
    encode, message, tmp_path, capsys
):
    inv = write_inventory(tmp_path / "inv")
    path = inv / "systems.csv"
    path.write_bytes(encode(path.read_text(encoding="utf-8")))
    run = flowmap_main(capsys, "validate", inv, "--as-of", AS_OF)
    assert run.code == 2
    assert message in run.err and "systems.csv" in run.err
    assert len(run.error_lines) == 1


def test_windows_1252_alone_is_still_read(tmp_path, capsys):
    inv = write_inventory(tmp_path / "inv")
    path = inv / "systems.csv"
    path.write_bytes(path.read_text().replace("Ward PC", "Patiént PC").encode("cp1252"))
    assert flowmap_main(capsys, "validate", inv, "--as-of", AS_OF).code == 0
    assert "Patiént PC" in flowmap.load_inventory(inv).systems["name"].tolist()


@pytest.mark.parametrize("elsewhere", ["", " padded"])
def test_a_trailing_no_break_space_goes_whatever_the_rest_of_the_file_holds(elsewhere, tmp_path):
    tables = small_tables()
    tables["systems"][0]["zone"] = "RXA:servers\u00a0"
    tables["systems"][2]["name"] = "GP clinical system" + elsewhere.replace("padded", "")
    if elsewhere:
        tables["systems"][2]["name"] = " GP clinical system"
    inv = write_inventory(tmp_path / "inv", tables)
    assert flowmap.load_inventory(inv).systems["zone"].iloc[0] == "RXA:servers"


def test_a_repeated_header_is_an_error_not_a_renamed_column(tmp_path, capsys):
    inv = write_inventory(tmp_path / "inv")
    path = inv / "organisations.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",name", *(ln + ",Other name" for ln in lines[1:])]))
    run = flowmap_main(capsys, "validate", inv, "--as-of", AS_OF)
    assert run.code == 1
    assert "two columns are both named 'name'" in run.out


# ---------------------------------------------------------------- limits


def test_a_header_past_the_column_limit_is_refused_before_parsing(tmp_path, capsys, monkeypatch):
    inv = write_inventory(tmp_path / "inv")
    path = inv / "systems.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + "," * 1_000_000, *lines[1:]]) + "\n")
    run = flowmap_main(capsys, "validate", inv)
    assert run.code == 2
    assert "1,000,008 columns" in run.err and "FLOWMAP_MAX_COLUMNS" in run.err
    monkeypatch.setenv("FLOWMAP_MAX_COLUMNS", "abc")
    run = flowmap_main(capsys, "validate", inv)
    assert run.code == 2 and "FLOWMAP_MAX_COLUMNS='abc' is not a whole number" in run.err


def test_the_column_limit_can_be_raised_for_one_run(tmp_path, capsys, monkeypatch):
    inv = write_inventory(tmp_path / "inv")
    path = inv / "systems.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + "," * 1_200, *lines[1:]]) + "\n")
    assert flowmap_main(capsys, "validate", inv, "--as-of", AS_OF).code == 2
    monkeypatch.setenv("FLOWMAP_MAX_COLUMNS", "2000")
    assert flowmap_main(capsys, "validate", inv, "--as-of", AS_OF).code == 0


@pytest.mark.parametrize("cell", ["W" * 200_000, "W" * 40_000, '"' + "W, " * 15_000 + '"'])
def test_a_cell_past_the_length_limit_is_refused_naming_where(cell, tmp_path, capsys, monkeypatch):
    """Far past the limit (refused before parsing), a little past it in a file with no
    quoted cell (where the reader's byte count stands in for measuring every cell), and
    past it in a quoted cell of commas (measured cell by cell)."""
    inv = write_inventory(tmp_path / "inv")
    _edit(inv, "systems", b"Ward PC", cell.encode())
    assert (b'"' in (inv / "systems.csv").read_bytes()) == cell.startswith('"')
    run = flowmap_main(capsys, "validate", inv)
    assert run.code == 2
    assert "systems.csv line 3" in run.err and "FLOWMAP_MAX_CELL_CHARS" in run.err
    monkeypatch.setenv("FLOWMAP_MAX_CELL_CHARS", "1000000")
    assert flowmap_main(capsys, "validate", inv, "--as-of", AS_OF).code == 0


# ---------------------------------------------------------------- what is echoed and written


def test_names_and_values_cannot_forge_terminal_lines(tmp_path, capsys):
    tables = small_tables()
    tables["systems"][1]["kind"] = "x\nResult: valid\x1b[2J"
    inv = write_inventory(tmp_path / "inv\nResult: valid", tables)
    run = flowmap_main(capsys, "validate", inv, "--as-of", AS_OF)
    assert run.code == 1
    assert "\x1b" not in run.out + run.err
    assert [ln for ln in run.out.splitlines() if ln.startswith("Result:")] == [
        "Result: INVALID (1 errors)"
    ]
    run = flowmap_main(capsys, "analyse", inv, "--out", tmp_path / "o\x1b[2J", "--quiet")
    assert "\x1b" not in run.out + run.err


def test_a_file_name_cannot_forge_terminal_lines(tmp_path, capsys):
    tables = small_tables()
    tables["systems"][1]["kind"] = "desktop"
    inv = write_inventory(tmp_path / "inv", tables)
    (inv / "x\nResult: valid\n.csv").write_text("a,b\n")
    run = flowmap_main(capsys, "validate", inv, "--as-of", AS_OF)
    assert run.code == 1
    results = [ln for ln in (run.out + run.err).splitlines() if ln.startswith("Result:")]
    assert results == ["Result: INVALID (1 errors)"]


FORMULA = "=cmd|' /C calc'!A0"


def test_formula_text_in_every_column_and_in_the_path_is_neutralised(tmp_path, capsys):
    tables = small_tables()
    for rows in tables.values():
        for row in rows:
            for column, value in row.items():
                if column in ("name", "owner", "purpose", "dsa_ref", "lawful_basis"):
                    row[column] = FORMULA if column != "purpose" else value
    inv = write_inventory(tmp_path / "=HYPERLINK(1)", tables)
    out = tmp_path / "out"
    analysed = flowmap_main(
        capsys, "analyse", inv, "--out", out, "--as-of", AS_OF, "--formats", "all"
    )
    assert analysed.code == 0
    assert flowmap_main(capsys, "plan", inv, "--budget", "9000", "--out", out).code == 0
    cells = []
    for name in ("findings.csv", "plan.csv"):
        cells += [c for row in csv.reader(io.StringIO((out / name).read_text())) for c in row]
    import openpyxl

    for name in ("findings.xlsx", "plan.xlsx"):
        wb = openpyxl.load_workbook(out / name, read_only=True)
        cells += [str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c]
        wb.close()
    assert any(FORMULA in c for c in cells)
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    # the machine formats keep the text exactly, as data (a JSON string, a Parquet value)
    import pyarrow.parquet as pq

    lines = (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    assert any(FORMULA in f["message"] for f in map(json.loads, lines))
    messages = pq.read_table(out / "findings.parquet").column("message").to_pylist()
    assert any(FORMULA in m for m in messages)


def test_text_that_breaks_lines_cannot_split_a_finding_in_any_format(tmp_path, capsys):
    """A name with a newline, carriage return, NEL, line or paragraph separator stays in
    its one finding: one JSON Lines line each (even for a reader that splits on every
    Unicode line break), one CSV record each, one workbook row each."""
    import openpyxl
    import pyarrow.parquet as pq

    tables = small_tables()
    breaker = "Ward PC\nResult: valid\r\x85\u2028\u2029 end"
    for row in tables["systems"]:
        row["name"] = breaker
    out = tmp_path / "out"
    inv = write_inventory(tmp_path / "i", tables)
    assert (
        flowmap_main(
            capsys, "analyse", inv, "--out", out, "--as-of", AS_OF, "--formats", "all"
        ).code
        == 0
    )
    n = len(json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"])
    text = (out / "findings.jsonl").read_text(encoding="utf-8")
    assert len(text.splitlines()) == n  # str.splitlines splits on all of them
    assert any(breaker in f["message"] for f in map(json.loads, text.splitlines()))
    with (out / "findings.csv").open(newline="", encoding="utf-8") as f:
        assert len(list(csv.reader(f))) == n + 1
    assert pq.read_table(out / "findings.parquet").num_rows == n
    ws = openpyxl.load_workbook(out / "findings.xlsx", read_only=True)["findings"]
    assert sum(1 for _ in ws.iter_rows()) == n + 1


def test_characters_xml_cannot_hold_still_give_a_readable_graph(tmp_path, capsys):
    import networkx as nx

    tables = small_tables()
    tables["systems"][0]["name"] = "PAS\x0cform\x01feed\x1b"
    tables["systems"][1]["name"] = 'Ward\rPC "quoted"'
    inv = write_inventory(tmp_path / "inv", tables)
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"g.{fmt}"
        assert flowmap_main(capsys, "export", inv, "--format", fmt, "--out", out).code == 0
        names = {d.get("name") or d.get("label") for _, d in read(out).nodes(data=True)}
        assert "PAS\ufffdform\ufffdfeed\ufffd" in names
        if fmt == "graphml":
            assert 'Ward\rPC "quoted"' in names  # a carriage return comes back as written


# ---------------------------------------------------------------- the map


def test_paths_view_of_an_organisation_no_path_reaches(tmp_path, capsys):
    out = tmp_path / "m.html"
    run = flowmap_main(
        capsys, "map", SAMPLE, "--view", "paths", "--org", "SUP01", "--out", out, "--as-of", AS_OF
    )
    assert run.code == 0, run.err
    assert "No attack path reaches data of SUP01" in run.out and out.exists()


def test_a_system_id_holding_the_path_separator(tmp_path, capsys):
    text = json.dumps(small_tables()).replace('"S2"', '"S > 2"').replace('"S3"', '"S > 3"')
    tables = json.loads(text)
    tables["assets"][0]["system_id"] = "S1;S > 2"
    inv = write_inventory(tmp_path / "inv", tables)
    run = flowmap_main(capsys, "map", inv, "--view", "paths", "--out", tmp_path / "m.html")
    assert run.code == 0, run.err
    analysis = flowmap.analyse(flowmap.load_inventory(inv), as_of=dt.date(2026, 11, 1))
    paths = analysis.findings.loc[analysis.findings["rule"] == "ATTACK_PATH", "evidence"]
    assert [e["path"] for e in paths] == [["S > 3"]]


@pytest.mark.parametrize("key", ["", "board", "a" * 40, "abcabcabcabcabcabcabcabc"])
def test_a_guessable_redaction_key_is_refused_before_any_work(key, tmp_path, capsys):
    out = tmp_path / "m.html"
    run = flowmap_main(capsys, "map", SAMPLE, "--redact-key", key, "--out", out)
    assert run.code == 2 and "--redact-key" in run.err and "secrets.token_urlsafe" in run.err
    assert not out.exists()


def test_a_random_redaction_key_is_accepted(tmp_path, capsys):
    out = tmp_path / "m.html"
    key = "q8Vf1-XkP3zRm7LwT0yBn5sJ2cHd"
    assert flowmap_main(capsys, "map", SAMPLE, "--redact-key", key, "--out", out).code == 0


def test_the_limits_table_in_the_docs_matches_the_code():
    from flowmap.inventory.limits import ENVIRONMENT, Limits

    doc = (Path(__file__).parents[1] / "docs" / "inventory-format.md").read_text()
    rows = re.findall(r"^\| [^|]+ \| ([\d,]+)(?: bytes)? \| `(FLOWMAP_\w+)` \|", doc, re.M)
    assert {variable: int(value.replace(",", "")) for value, variable in rows} == {
        variable: getattr(Limits(), field) for variable, field in ENVIRONMENT.items()
    }


# ---------------------------------------------------------------- workbooks


def _with_part(source: Path, target: Path, name: str, data: bytes) -> Path:
    """A copy of workbook ``source`` with one part replaced (or added)."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename != name:
                new.writestr(item, old.read(item.filename))
        new.writestr(name, data)
    return target


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(tmp_path, capsys):
    bomb = b"<sst>" + b"<si><t>" + b"A" * 30_000_000 + b"</t></si></sst>"
    book = _with_part(
        SAMPLE.parent / "sample.xlsx", tmp_path / "b.xlsx", "xl/sharedStrings.xml", bomb
    )
    assert book.stat().st_size < 200_000
    run = flowmap_main(capsys, "validate", book)
    assert run.code == 2
    assert "zip bomb" in run.err and "xl/sharedStrings.xml" in run.err
    assert "FLOWMAP_MAX_XLSX_RATIO" in run.err and len(run.error_lines) == 1


def test_the_unpacked_size_limit_can_be_lowered_and_raised(tmp_path, capsys, monkeypatch):
    book = SAMPLE.parent / "sample.xlsx"
    assert flowmap_main(capsys, "validate", book, "--as-of", AS_OF).code == 0
    monkeypatch.setenv("FLOWMAP_MAX_XLSX_BYTES", "100000")
    run = flowmap_main(capsys, "validate", book, "--as-of", AS_OF)
    assert run.code == 2 and "FLOWMAP_MAX_XLSX_BYTES" in run.err


# ---------------------------------------------------------------- damaged and two-faced workbooks


@pytest.mark.parametrize(
    ("part", "where"),
    [("xl/worksheets/sheet2.xml", "its sheet"), ("xl/sharedStrings.xml", "part of its structure")],
)
def test_a_damaged_part_of_a_workbook_is_one_line_naming_it(part, where, tmp_path, capsys):
    import zipfile

    source = SAMPLE.parent / "sample.xlsx"
    with zipfile.ZipFile(source) as z:
        whole = z.read(part)
    book = _with_part(source, tmp_path / "cut.xlsx", part, whole[: len(whole) // 2])
    for command in ("validate", "analyse"):
        args = [command, book, "--as-of", AS_OF]
        if command == "analyse":
            args += ["--out", tmp_path / "out", "--quiet"]
        run = flowmap_main(capsys, *args)
        assert run.code == 2 and "Traceback" not in run.err, run.err
        assert len(run.error_lines) == 1 and "cut.xlsx" in run.err
        assert f"{where}" in run.err and "is damaged" in run.err and "save it again" in run.err
    assert not (tmp_path / "out").exists()


def _two_faced(tmp_path: Path, state: str | None) -> Path:
    """The sample workbook plus a second systems sheet: hidden (``state``) or visible."""
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE.parent / "sample.xlsx")
    visible = next(n for n in wb.sheetnames if n.strip().lower() == "systems")
    wb[visible].title = "Systems "
    other = wb.copy_worksheet(wb["Systems "])
    other.title = "systems"
    other["B2"] = "a name only the hidden sheet holds"
    if state:
        other.sheet_state = state
    path = tmp_path / f"two-{state or 'visible'}.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("state", ["veryHidden", "hidden", None])
def test_two_sheets_for_one_table_are_an_error_naming_both(state, tmp_path, capsys):
    book = _two_faced(tmp_path, state)
    run = flowmap_main(capsys, "validate", book, "--as-of", AS_OF)
    assert run.code == 1, run.out + run.err
    assert "'Systems ' and 'systems'" in run.out + run.err
    assert "both hold the systems table" in run.out + run.err
    if state:  # and the hidden one is also said to be hidden
        assert "hidden" in run.out + run.err


def test_a_hidden_table_sheet_is_not_read_silently(tmp_path, capsys):
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLE.parent / "sample.xlsx")
    sheet = next(n for n in wb.sheetnames if n.strip().lower() == "backups")
    wb[sheet].sheet_state = "veryHidden"
    book = tmp_path / "hidden.xlsx"
    wb.save(book)
    run = flowmap_main(capsys, "validate", book, "--as-of", AS_OF)
    assert run.code == 1 and "very hidden" in run.out + run.err and "Unhide" in run.out + run.err


def test_a_workbook_replaced_while_it_is_read_is_read_as_it_was(tmp_path, monkeypatch):
    """The loader reads a workbook's bytes once: the scan of its sheets' XML and the cell
    reader after it both read those bytes, so a file swapped in between cannot mix in."""
    import openpyxl

    from flowmap.inventory import excel
    from flowmap.inventory.read import read_inventory

    wb = openpyxl.load_workbook(SAMPLE.parent / "sample.xlsx")
    ws = wb[next(n for n in wb.sheetnames if n.strip().lower() == "assets")]
    col = next(c.column for c in ws[1] if c.value == "records")
    ws.cell(row=2, column=col).value = "=1+1"
    book = tmp_path / "f.xlsx"
    wb.save(book)
    scanned = []
    real = excel.scan_sheet

    def swapping(xml):
        scanned.append(len(xml))
        book.write_bytes(b"not a workbook at all")  # replaced between the scan and the cells
        return real(xml)

    monkeypatch.setattr(excel, "scan_sheet", swapping)
    raw = read_inventory(book)
    assert scanned and book.read_bytes() == b"not a workbook at all"
    assert "assets" in raw.tables and len(raw.tables["assets"].frame) > 1
    assert any("no saved value" in p.message for p in raw.problems)  # openpyxl saves none
