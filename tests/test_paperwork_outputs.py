"""The paperwork files: what each command writes, safe with hostile inventory text, the
same bytes twice, and the command line's messages and exit codes."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

import flowmap
from flowmap.cli import main
from flowmap.render.names import safe_name
from tests.conftest import SAMPLE, XSS_IMG, XSS_SCRIPT
from tests.rulekit import analyse_tables, edit, tables

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture
def hostile(tmp_path):
    """The small inventory with script-bearing names and a formula as an owner."""
    t = tables()
    edit(t, "organisations", "RXA", name=XSS_SCRIPT, org_id="RXA")
    edit(
        t, "assets", "A1", name=XSS_IMG, owner='=HYPERLINK("http://x","y")', purposes="direct_care"
    )
    edit(t, "flows", "F2", dsa_ref="+DSA-1", dsa_expires="2026-12-01")
    t["organisations"][1]["org_id"] = "../../x"
    for system in t["systems"]:
        if system["org_id"] == "00123":
            system["org_id"] = "../../x"
    return analyse_tables(tmp_path, t)


def test_ropa_files_per_controller_escaped_and_neutralised(hostile, tmp_path) -> None:
    out = tmp_path / "ropa"
    written = flowmap.write_ropa(flowmap.ropa(hostile), out)
    names = sorted(p.name for p in written)
    rxa, x = safe_name("RXA"), safe_name("../../x")
    assert f"ropa_{x}.html" in names and f"ropa_{rxa}.xlsx" in names  # '../../x' stays in
    assert x.startswith("x-") and all(p.parent == out for p in written)
    page = (out / f"ropa_{rxa}.html").read_text(encoding="utf-8")
    assert "<script>window" not in page and "<img src=x" not in page
    assert "&lt;img src=x" in page
    assert "<script" not in page
    csv_text = (out / f"ropa_{rxa}.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in csv_text
    wb = openpyxl.load_workbook(out / f"ropa_{rxa}.xlsx")
    assert wb.sheetnames == [
        "Controller",
        "ICO template",
        "DSPT 1.1.2",
        "All fields",
        "Gaps",
        "About",
    ]
    owners = [c.value for c in wb["All fields"]["A"] if c.value]
    assert owners  # and no cell is a live formula
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate)


def test_ropa_workbook_is_the_same_bytes_twice(tmp_path) -> None:
    a = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)
    r = flowmap.ropa(a, org="RYV")
    first = flowmap.write_ropa(r, tmp_path / "a")
    second = flowmap.write_ropa(r, tmp_path / "b")
    for x, y in zip(first, second):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_agreements_files_are_written_with_the_calendar_first(hostile, tmp_path) -> None:
    reg = flowmap.agreements(hostile)
    written = flowmap.write_agreements(reg, tmp_path)
    assert sorted(p.name for p in written) == [
        "agreements.csv",
        "agreements.html",
        "agreements.xlsx",
        "agreements_calendar.csv",
        "agreements_missing.csv",
    ]
    page = (tmp_path / "agreements.html").read_text(encoding="utf-8")
    assert page.index("Ending within 90 days") < page.index("Register (")
    assert "<script" not in page
    assert "'+DSA-1" in (tmp_path / "agreements.csv").read_text(encoding="utf-8")


def test_dspt_files_name_the_year(tmp_path) -> None:
    a = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)
    mapping = flowmap.load_dspt_mapping("2025-26")
    evidence = flowmap.dspt_evidence(a, mapping=mapping, org="M85001")
    written = flowmap.write_dspt(evidence, mapping, tmp_path, org="M85001", as_of=AS_OF)
    stem = f"dspt_2025-26_{safe_name('M85001')}"
    assert sorted(p.name for p in written) == [f"{stem}.csv", f"{stem}.html", f"{stem}.xlsx"]
    wb = openpyxl.load_workbook(tmp_path / f"{stem}.xlsx")
    assert wb.sheetnames == ["Standards-based DSPT", "Mapping used"]


def _run(capsys, *argv) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(list(argv))
    out = capsys.readouterr()
    return e.value.code, out.out, out.err


def _ok(capsys, *argv) -> str:
    main(list(argv))
    return capsys.readouterr().out


def test_the_commands_write_and_summarise(capsys, tmp_path) -> None:
    common = ["--as-of", "2026-11-01"]
    out = _ok(capsys, "ropa", str(SAMPLE), "--out", str(tmp_path / "r"), "--org", "RXA", *common)
    assert "Records of processing: 1 controller(s), 17 activities" in out
    out = _ok(capsys, "agreements", str(SAMPLE), "--out", str(tmp_path / "a"), *common)
    assert "1 expired" in out and "ISA-SAFE-2023-02" in out
    out = _ok(
        capsys, "dspt", str(SAMPLE), "--out", str(tmp_path / "d"), "--year", "2025-26", *common
    )
    assert out.startswith("DSPT 2025-26 (flowmap/data/dspt/2025-26.csv)")
    out = _ok(capsys, "check-flow", str(SAMPLE), "--proposal", "P-002", "--no-risk", *common)
    assert out.count("not legal advice") == 1
    assert "\nNo: Bridge Street Medical Practice" in out


def test_command_line_mistakes_are_one_line_with_exit_code_2(capsys, tmp_path) -> None:
    code, _, err = _run(capsys, "dspt", str(SAMPLE), "--out", str(tmp_path), "--year", "2026-27")
    assert code == 2 and err.startswith("flowmap: error: --year: flowmap has no DSPT mapping")
    code, _, err = _run(
        capsys,
        "check-flow",
        str(SAMPLE),
        "--asset",
        "IA-0011",
        "--from",
        "NOWHERE",
        "--to",
        "RXA",
        "--purpose",
        "direct_care",
    )
    assert code == 2 and "--from 'NOWHERE' is neither a system_id nor an org_id" in err
    code, _, err = _run(capsys, "check-flow", str(SAMPLE), "--asset", "IA-0011")
    assert code == 2 and "needs --asset, --from, --to and --purpose" in err
    code, _, err = _run(capsys, "ropa", str(SAMPLE), "--out", str(tmp_path), "--org", "NOPE")
    assert code == 2 and "--org 'NOPE' is not an organisation" in err
    assert "Traceback" not in err
