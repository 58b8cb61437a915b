"""Loading: CSV folders and workbooks, encodings, ids kept as text, extra columns kept."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import flowmap
from flowmap.errors import InventoryReadError
from tests.conftest import small_tables, write_csv_tables, write_xlsx_tables


def test_ids_keep_leading_zeros_and_na_text(tmp_path: Path) -> None:
    tables = small_tables()
    tables["organisations"].append({"org_id": "NA", "name": "None", "sector": "other"})
    inv = flowmap.load_inventory(write_csv_tables(tmp_path / "i", tables))
    orgs = inv.organisations.set_index("org_id")
    assert "00123" in orgs.index
    assert orgs.loc["NA", "name"] == "None"


def test_extra_columns_are_kept(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][0]["Asset Tag"] = "T-991"
    inv = flowmap.load_inventory(write_csv_tables(tmp_path / "i", tables))
    assert inv.systems.set_index("system_id").loc["S1", "asset_tag"] == "T-991"


def test_column_names_match_case_insensitively_after_trimming(tmp_path: Path) -> None:
    folder = write_csv_tables(tmp_path / "i", small_tables())
    path = folder / "organisations.csv"
    text = path.read_text()
    path.write_text(text.replace("org_id,name,sector", " ORG_ID ,Name,Sector", 1))
    inv = flowmap.load_inventory(folder)
    assert list(inv.organisations["org_id"]) == ["RXA", "00123"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_csv_saved_by_excel_loads(tmp_path: Path, encoding: str) -> None:
    tables = small_tables()
    name = "Ysbyty Tŷ Café – Riverside" if encoding == "utf-8-sig" else "Riverside – Café"
    tables["organisations"][0]["name"] = name
    folder = write_csv_tables(tmp_path / "i", tables, encoding=encoding)
    inv = flowmap.load_inventory(folder)
    assert inv.organisations.iloc[0]["name"] == tables["organisations"][0]["name"]
    assert inv.organisations.columns[0] == "org_id"  # no BOM glued to the first header


def test_row_index_is_the_csv_line_even_with_blank_lines_and_line_breaks(tmp_path: Path) -> None:
    folder = write_csv_tables(tmp_path / "i", small_tables())
    (folder / "organisations.csv").write_text(
        'org_id,name,sector\nRXA,"Riverside\nHospitals",nhs_trust\n\n00123,Hill,gp_practice\n'
    )
    inv = flowmap.load_inventory(folder)
    assert list(inv.organisations.index) == [2, 5]
    assert inv.organisations.iloc[0]["name"] == "Riverside\nHospitals"


def test_missing_path_is_a_read_error() -> None:
    with pytest.raises(InventoryReadError, match="No inventory at"):
        flowmap.load_inventory("/no/such/inventory")


def test_workbook_and_csv_folder_give_equal_models(tmp_path: Path) -> None:
    folder = write_csv_tables(tmp_path / "i", small_tables())
    book = write_xlsx_tables(tmp_path / "inv.xlsx", small_tables())
    from_csv, from_xlsx = flowmap.load_inventory(folder), flowmap.load_inventory(book)
    for name in from_csv.tables:
        pd.testing.assert_frame_equal(
            from_csv.tables[name], from_xlsx.tables[name], check_dtype=True, obj=name
        )


def test_excel_date_and_number_cells_load_as_their_values(tmp_path: Path) -> None:
    import datetime as dt

    folder = write_csv_tables(tmp_path / "i", small_tables())
    tables: dict = small_tables()
    for r in tables["systems"]:
        if r["last_patched"]:
            r["last_patched"] = dt.datetime.fromisoformat(r["last_patched"])
    for r in tables["assets"]:
        r["records"] = float(r["records"])
    book = write_xlsx_tables(tmp_path / "inv.xlsx", tables)
    a, b = flowmap.load_inventory(folder), flowmap.load_inventory(book)
    pd.testing.assert_frame_equal(a.systems, b.systems)
    pd.testing.assert_frame_equal(a.assets, b.assets)


def test_formula_without_cached_value_names_the_cell(tmp_path: Path) -> None:
    book = write_xlsx_tables(tmp_path / "inv.xlsx", small_tables())
    wb = openpyxl.load_workbook(book)
    wb["assets"]["H2"] = "=1000*250"  # openpyxl saves formulas without a cached result
    wb.save(book)
    report = flowmap.validate(book)
    messages = [p.describe() for p in report.errors]
    assert any("sheet assets row 2" in m and "cell H2" in m and "formula" in m for m in messages)


@pytest.mark.parametrize("extra_rows", [0, 12_000])  # few spaces, and more than 10,000
@pytest.mark.parametrize("padding", [" RXA", "RXA ", "RXA\t"])
def test_a_padded_cell_is_trimmed_however_many_spaces_the_file_has(
    tmp_path: Path, extra_rows: int, padding: str
) -> None:
    tables = small_tables()
    tables["systems"] += [
        {"system_id": f"X{i}", "name": "Ward PC in bay one", "org_id": "RXA", "kind": "workstation"}
        for i in range(extra_rows)
    ]
    tables["systems"][0]["org_id"] = padding
    inv = flowmap.load_inventory(write_csv_tables(tmp_path / "i", tables))
    assert inv.systems.set_index("system_id").loc["S1", "org_id"] == "RXA"
    assert (inv.systems["name"] == "Ward PC in bay one").sum() == extra_rows


def test_spaces_inside_cells_are_not_padding() -> None:
    from flowmap.inventory.raw import maybe_padded

    body = b"name,zone\n" + b"Ward PC in bay one,A B\n" * 12_000
    assert not maybe_padded(body)
    assert maybe_padded(body + b'"Ward PC ",A\n') and maybe_padded(body + b"x,A \r\n")
