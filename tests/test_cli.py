"""The command line: exit codes, one-line errors and no tracebacks for a user's mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLE, small_tables, write_csv_tables


def flowmap(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flowmap", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_validate_valid_inventory_exits_0_and_prints_row_counts() -> None:
    r = flowmap("validate", str(SAMPLE), "--as-of", "2026-11-01")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Result: valid" in r.stdout and "organisations" in r.stdout


def test_validate_invalid_inventory_exits_1_naming_file_line_and_column(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][1]["kind"] = "desktop"
    r = flowmap("validate", str(write_csv_tables(tmp_path / "i", tables)))
    assert r.returncode == 1
    assert "systems.csv line 3, column kind, value 'desktop'" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_validate_missing_path_exits_2_with_one_line(tmp_path: Path) -> None:
    r = flowmap("validate", str(tmp_path / "nothing"))
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "No inventory at" in r.stderr


def test_unreadable_workbook_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "inv.xlsx"
    bad.write_bytes(b"this is not a zip file")
    r = flowmap("validate", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "Excel" in r.stderr


def test_bad_as_of_is_a_usage_error() -> None:
    r = flowmap("validate", str(SAMPLE), "--as-of", "1st May")
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr


def test_problems_file_neutralises_formula_text(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][1]["kind"] = '=HYPERLINK("http://x")'
    out = tmp_path / "problems.csv"
    r = flowmap("validate", str(write_csv_tables(tmp_path / "i", tables)), "--problems", str(out))
    assert r.returncode == 1
    assert "'=HYPERLINK" in out.read_text() and ",=HYPERLINK" not in out.read_text()


@pytest.mark.parametrize("fmt", ["graphml", "json"])
def test_export_writes_the_file(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"g.{fmt}"
    r = flowmap("export", str(SAMPLE), "--format", fmt, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 1000


def test_export_of_invalid_inventory_exits_1(tmp_path: Path) -> None:
    tables = small_tables()
    tables["flows"][0]["asset_id"] = "NOPE"
    r = flowmap(
        "export",
        str(write_csv_tables(tmp_path / "i", tables)),
        "--out",
        str(tmp_path / "g.graphml"),
    )
    assert r.returncode == 1 and "flowmap validate" in r.stderr


def test_template_writes_a_workbook_that_loads(tmp_path: Path) -> None:
    out = tmp_path / "blank.xlsx"
    assert flowmap("template", str(out)).returncode == 0
    r = flowmap("validate", str(out))
    assert r.returncode == 0, r.stdout


def test_synth_writes_an_inventory_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "synth"
    assert flowmap("synth", "--orgs", "5", "--seed", "3", "--out", str(out)).returncode == 0
    r = flowmap("validate", str(out), "--as-of", "2026-11-01")
    assert r.returncode == 0, r.stdout


def test_synth_to_an_xlsx_name_writes_the_same_inventory_as_one_workbook(tmp_path: Path) -> None:
    import flowmap as fm

    folder, book = tmp_path / "synth", tmp_path / "synth.xlsx"
    for out in (folder, book):
        assert flowmap("synth", "--orgs", "5", "--seed", "3", "--out", str(out)).returncode == 0
    assert book.is_file() and not (tmp_path / "synth.xlsx" / "systems.csv").exists()
    r = flowmap("validate", str(book), "--as-of", "2026-11-01")
    assert r.returncode == 0, r.stdout
    a, b = fm.load_inventory(folder), fm.load_inventory(book)
    for name in a.tables:
        left, right = a.tables[name].reset_index(drop=True), b.tables[name].reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right, obj=name)


def test_python_dash_m_flowmap_is_the_flowmap_command() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "flowmap", "--help"], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0 and "Usage: flowmap" in r.stdout


ALLOCATOR = """
import os, sys
from flowmap.cli import main
try:
    main(["validate", sys.argv[1]])
except SystemExit:
    pass
import pyarrow as pa
print(pa.default_memory_pool().backend_name, os.environ.get("ARROW_DEFAULT_MEMORY_POOL"))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="chosen on Linux only")
@pytest.mark.parametrize(
    ("chosen", "expected"), [(None, "system system"), ("mimalloc", "mimalloc mimalloc")]
)
def test_a_command_allocates_with_malloc_unless_the_user_chose(
    chosen: str | None, expected: str
) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    r = subprocess.run(
        [sys.executable, "-c", ALLOCATOR, str(SAMPLE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.stdout.split("\n")[-2] == expected, r.stdout + r.stderr


def test_importing_the_command_line_leaves_the_allocator_alone() -> None:
    env = {k: v for k, v in __import__("os").environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    show = (
        "print(pa.default_memory_pool().backend_name, os.environ.get('ARROW_DEFAULT_MEMORY_POOL'))"
    )
    plain, imported = (
        subprocess.run(
            [sys.executable, "-c", f"import os{extra}, pyarrow as pa; {show}"],
            capture_output=True, text=True, timeout=120, env=env,
        ).stdout.split()
        for extra in ("", ", flowmap.cli")
    )  # fmt: skip
    assert imported == plain and plain[1] == "None"
