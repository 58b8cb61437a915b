"""Validation: every class of bad input is reported with its table, row, column and value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import flowmap
from flowmap.errors import InvalidInventoryError
from tests.conftest import small_tables, write_csv_tables

AS_OF = dt.date(2026, 11, 1)


def _problems(tmp_path: Path, tables, severity: str = "error"):
    report = flowmap.validate(write_csv_tables(tmp_path / "inv", tables), as_of=AS_OF)
    return [p for p in report.problems if p.severity == severity]


def _only(problems, **fields):
    found = [p for p in problems if all(getattr(p, k) == v for k, v in fields.items())]
    assert found, f"no problem with {fields} in {[p.describe() for p in problems]}"
    return found[0]


def test_small_inventory_is_valid(small_inventory: Path) -> None:
    report = flowmap.validate(small_inventory, as_of=AS_OF)
    assert report.ok, [p.describe() for p in report.problems]
    assert report.warnings == []


def test_missing_required_table_is_an_error(tmp_path: Path) -> None:
    tables = small_tables()
    del tables["flows"]
    p = _only(_problems(tmp_path, tables), table="flows")
    assert "flows.csv" in p.message


def test_missing_optional_table_is_fine(tmp_path: Path) -> None:
    tables = small_tables()
    del tables["backups"], tables["vulnerabilities"], tables["zone_links"]
    assert _problems(tmp_path, tables) == []


def test_missing_required_column_names_table_and_column(tmp_path: Path) -> None:
    tables = small_tables()
    for row in tables["systems"]:
        del row["kind"]
    p = _only(_problems(tmp_path, tables), table="systems", column="kind")
    assert "missing" in p.message


def test_duplicate_id_names_both_rows(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"].append(dict(tables["systems"][0], name="Copy"))
    p = _only(_problems(tmp_path, tables), table="systems", column="system_id", row=6)
    assert "systems.csv line 2" in p.message and p.value == "S1"


def test_duplicate_vulnerability_pair_is_an_error(tmp_path: Path) -> None:
    tables = small_tables()
    tables["vulnerabilities"].append(dict(tables["vulnerabilities"][0]))
    _only(_problems(tmp_path, tables), table="vulnerabilities", row=3)


def test_duplicate_cost_with_a_blank_subject_is_an_error(tmp_path: Path) -> None:
    tables = small_tables()
    tables["costs"] = [
        {"action": "put_dsa", "subject_id": "", "cost_gbp": "900"},
        {"action": "put_dsa", "subject_id": "F1", "cost_gbp": "700"},
        {"action": "put_dsa", "subject_id": "", "cost_gbp": "1200"},
    ]
    errors = _problems(tmp_path, tables)
    p = _only(errors, table="costs", row=4)
    assert p.column == "action+subject_id" and "costs.csv line 2" in p.message
    assert len([e for e in errors if e.table == "costs"]) == 1  # F1 is its own key


def test_blank_optional_key_cells_need_no_column(tmp_path: Path) -> None:
    tables = small_tables()
    tables["costs"] = [
        {"action": "patch", "cost_gbp": "900"},
        {"action": "test_restore", "cost_gbp": "2000"},
    ]
    assert _problems(tmp_path, tables) == []
    tables["costs"].append({"action": "patch", "cost_gbp": "1000"})
    _only(_problems(tmp_path, tables), table="costs", row=4, column="action+subject_id")


def test_unknown_reference_names_the_missing_id(tmp_path: Path) -> None:
    tables = small_tables()
    tables["flows"][1]["target_system_id"] = "S99"
    p = _only(_problems(tmp_path, tables), table="flows", row=3, column="target_system_id")
    assert p.value == "S99" and "systems" in p.message


def test_unknown_id_inside_a_list_is_reported(tmp_path: Path) -> None:
    tables = small_tables()
    tables["assets"][0]["system_id"] = "S1;S77"
    p = _only(_problems(tmp_path, tables), table="assets", column="system_id")
    assert p.value == "S77"


def test_value_outside_enumeration_lists_what_is_allowed(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][1]["kind"] = "desktop"
    p = _only(_problems(tmp_path, tables), table="systems", row=3, column="kind")
    assert p.value == "desktop" and "workstation" in p.message


def test_enumerations_are_case_insensitive(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][1]["kind"] = "Workstation"
    assert _problems(tmp_path, tables) == []


def test_bad_list_element_is_named(tmp_path: Path) -> None:
    tables = small_tables()
    tables["assets"][0]["data_categories"] = "personal;health"
    p = _only(_problems(tmp_path, tables), table="assets", column="data_categories")
    assert p.value == "health" and "special_health" in p.message


@pytest.mark.parametrize("value", ["31/02/2026", "2026-13-01", "last Tuesday"])
def test_bad_date_is_an_error(tmp_path: Path, value: str) -> None:
    tables = small_tables()
    tables["systems"][0]["last_patched"] = value
    p = _only(_problems(tmp_path, tables), table="systems", row=2, column="last_patched")
    assert p.value == value and "YYYY-MM-DD" in p.message


def test_uk_dates_are_read_day_first(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][0]["last_patched"] = "03/10/2026"
    inv = flowmap.load_inventory(write_csv_tables(tmp_path / "i", tables), as_of=AS_OF)
    assert inv.systems.iloc[0]["last_patched"].date() == dt.date(2026, 10, 3)


def test_bad_boolean_is_an_error(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][0]["internet_facing"] = "maybe"
    _only(
        _problems(tmp_path, tables), table="systems", row=2, column="internet_facing", value="maybe"
    )


def test_empty_boolean_is_unknown_not_false(tmp_path: Path) -> None:
    inv = flowmap.load_inventory(write_csv_tables(tmp_path / "i", small_tables()), as_of=AS_OF)
    mfa = inv.systems["mfa"]
    assert mfa.isna().all() and str(mfa.dtype) == "boolean"


@pytest.mark.parametrize(
    "table,column,value,row",
    [
        ("assets", "records", "-5", 2),
        ("vulnerabilities", "cvss", "10.5", 2),
        ("vulnerabilities", "epss", "1.2", 2),
        ("assets", "records", "12.5", 2),
        ("vulnerabilities", "cvss", "high", 2),
    ],
)
def test_numbers_out_of_range_or_malformed_are_errors(
    tmp_path: Path, table, column, value, row
) -> None:
    tables = small_tables()
    tables[table][0][column] = value
    p = _only(_problems(tmp_path, tables), table=table, column=column, row=row)
    assert p.value == value


def test_required_cell_left_empty_is_an_error(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][2]["name"] = ""
    _only(_problems(tmp_path, tables), table="systems", row=4, column="name")


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][0]["kind"] = "mainframe"
    tables["systems"][1]["last_patched"] = "yesterday"
    tables["assets"][0]["records"] = "-1"
    tables["flows"][0]["asset_id"] = "A404"
    errors = _problems(tmp_path, tables)
    assert {(p.table, p.column) for p in errors} >= {
        ("systems", "kind"),
        ("systems", "last_patched"),
        ("assets", "records"),
        ("flows", "asset_id"),
    }


def test_future_date_is_a_warning_not_an_error(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][0]["last_patched"] = "2027-01-01"
    assert _problems(tmp_path, tables) == []
    _only(_problems(tmp_path, tables, "warning"), table="systems", column="last_patched")


def test_flow_from_a_system_that_does_not_hold_the_asset_is_a_warning(tmp_path: Path) -> None:
    tables = small_tables()
    tables["flows"][0]["asset_id"] = "A2"
    tables["flows"][0]["source_system_id"] = "S2"
    _only(_problems(tmp_path, tables, "warning"), table="flows", row=2, column="source_system_id")


def test_data_quality_counts_unknown_cells(small_inventory: Path) -> None:
    dq = flowmap.validate(small_inventory, as_of=AS_OF).data_quality.set_index(["table", "column"])
    assert dq.loc[("systems", "os"), "unknown"] == 1
    assert dq.loc[("systems", "mfa"), "unknown"] == 4  # the column is absent: all unknown
    assert dq.loc[("assets", "owner"), "unknown"] == 1


def test_defaults_fill_empty_cells_after_counting(small_inventory: Path) -> None:
    inv = flowmap.load_inventory(small_inventory, as_of=AS_OF)
    systems = inv.systems.set_index("system_id")
    assert systems.loc["S3", "zone"] == "00123:default"
    assert systems.loc["S1", "criticality"] == "medium"
    assert set(inv.flows["destination_country"]) == {"GB"}


def test_load_inventory_raises_with_the_report_when_invalid(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][0]["kind"] = "mainframe"
    with pytest.raises(InvalidInventoryError) as info:
        flowmap.load_inventory(write_csv_tables(tmp_path / "i", tables))
    assert info.value.report.errors[0].column == "kind"
    assert "flowmap validate" in str(info.value)


def test_row_counts_equal_the_input_rows(small_inventory: Path) -> None:
    report = flowmap.validate(small_inventory, as_of=AS_OF)
    # every table is counted; the optional costs and proposed_flows tables are absent
    assert report.row_counts == {k: len(v) for k, v in small_tables().items()} | {
        "costs": 0,
        "proposed_flows": 0,
    }


def test_a_stray_comma_is_reported_once_at_its_line_and_hides_nothing(tmp_path: Path) -> None:
    """One extra comma used to lose the whole table and bury the real error under a
    'missing reference' for every row pointing into it."""
    import shutil

    from tests.conftest import SAMPLE

    folder = tmp_path / "inv"
    shutil.copytree(SAMPLE, folder)
    path = folder / "systems.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",", ",,", 1)  # line 4 of the file
    path.write_text("".join(lines), encoding="utf-8")
    report = flowmap.validate(folder, as_of=dt.date(2026, 11, 1))
    assert [p.describe().split(":")[0] for p in report.errors] == ["systems.csv line 4"]
    assert f"header has {lines[0].count(',') + 1}" in report.errors[0].message
    assert report.row_counts["systems"] == len(lines) - 2  # every other row was read


def test_every_check_is_capped_with_a_count_of_the_rest(tmp_path: Path) -> None:
    from flowmap.inventory.problems import MAX_PROBLEMS_PER_CHECK

    t = small_tables()
    extra = MAX_PROBLEMS_PER_CHECK + 250
    t["systems"] += [dict(t["systems"][0]) for _ in range(extra)]  # the same id again and again
    report = flowmap.validate(write_csv_tables(tmp_path / "inv", t), as_of=dt.date(2026, 11, 1))
    dups = [p for p in report.errors if "duplicate" in p.message]
    assert len(dups) == MAX_PROBLEMS_PER_CHECK + 1
    [summary] = [p for p in dups if p.row is None]
    assert f"and {extra - MAX_PROBLEMS_PER_CHECK:,} more rows" in summary.message


def test_ip_addresses_take_addresses_and_networks_and_name_a_bad_item(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"][0]["ip_addresses"] = "10.20.1.15; fe80::1;10.20.40.0/24"
    tables["systems"][1]["ip_addresses"] = "10.20.1.16;10.20.1.300"
    report = flowmap.validate(write_csv_tables(tmp_path / "i", tables), as_of=AS_OF)
    bad = [p for p in report.errors if p.column == "ip_addresses"]
    assert [(p.row, p.value) for p in bad] == [(3, "10.20.1.300")]
    assert "not an IP address or network" in bad[0].message
    good = flowmap.load_inventory(write_csv_tables(tmp_path / "j", small_tables()), as_of=AS_OF)
    assert good.systems["ip_addresses"].iloc[0] == ()


def test_a_clean_inventory_is_validated_without_importing_pandera():
    """pandera takes longer to import than a region's checks take: a table whose cells
    all pass is seen to pass without it (flowmap.inventory.cellchecks), and pandera is
    imported only to name failing cells."""
    import subprocess
    import sys

    from tests.conftest import SAMPLE

    code = (
        f"import sys, flowmap; r = flowmap.validate({str(SAMPLE)!r}); "
        "print(r.ok, 'pandera' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["True", "False"]
