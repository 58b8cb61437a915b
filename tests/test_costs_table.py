"""The inventory's optional ``costs`` table: validated like any table, and the planner
prices its candidate actions from it ahead of the bundled indicative costs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import flowmap
from flowmap.errors import InvalidInventoryError
from flowmap.inventory.schema import ACTION_KINDS, TABLES
from flowmap.planning import plan
from tests.conftest import small_tables, write_csv_tables

AS_OF = dt.date(2026, 11, 1)


def _candidates(tmp_path: Path, rows: list[dict[str, str]], **kwargs) -> pd.DataFrame:
    """The plan's candidates (by action id) for small_tables() with ``rows`` as costs.csv."""
    tables = small_tables()
    tables["costs"] = rows
    folder = write_csv_tables(tmp_path / "inv", tables)
    if not rows:  # header only
        (folder / "costs.csv").write_text("action,subject_id,cost_gbp,note\n", encoding="utf-8")
    inv = flowmap.load_inventory(folder, as_of=AS_OF)
    p = plan(flowmap.analyse(inv, as_of=AS_OF), budget=0, **kwargs)
    return p.candidates.set_index("action_id")


def test_the_costs_table_allows_every_action_kind_the_planner_has() -> None:
    assert TABLES["costs"].columns["action"].allowed == ACTION_KINDS
    assert flowmap.planning.ACTION_KINDS is ACTION_KINDS  # one declaration


def test_costs_table_in_inventory_overrides_default_cost(tmp_path: Path) -> None:
    c = _candidates(
        tmp_path,
        [{"action": "patch", "subject_id": "S2", "cost_gbp": "444", "note": "Supplier quote"}],
    )
    assert c.at["patch:S2", "cost_gbp"] == 444
    assert c.at["patch:S2", "cost_source"] == "inventory"
    assert c.at["patch:S4", "cost_source"] == "default (indicative)"  # other subjects keep it


def test_costs_file_takes_precedence_over_the_inventory_table(tmp_path: Path) -> None:
    own = [{"action": "patch", "subject_id": "S2", "cost_gbp": "444"}]
    given = pd.DataFrame({"action": ["patch"], "subject_id": ["S2"], "cost_gbp": [333]})
    assert _candidates(tmp_path, own, costs=given).at["patch:S2", "cost_gbp"] == 333


def test_blank_subject_id_applies_to_every_subject_of_the_action(tmp_path: Path) -> None:
    c = _candidates(
        tmp_path,
        [
            {
                "action": "add_isolated_backup",
                "subject_id": "",
                "cost_gbp": "7000",
                "note": "Framework price",
            },
            {"action": "disable_smb1", "subject_id": "", "cost_gbp": "120"},
            {"action": "disable_smb1", "subject_id": "S1", "cost_gbp": "60"},
        ],
    )
    assert c.at["add_isolated_backup:S1", "cost_gbp"] == 7000
    assert c.at["add_isolated_backup:S2", "cost_gbp"] == 7000
    assert c.at["disable_smb1:S2", "cost_gbp"] == 120
    assert c.at["disable_smb1:S1", "cost_gbp"] == 60  # the subject's own row wins
    assert (
        c.loc[c["kind"].isin(["add_isolated_backup", "disable_smb1"]), "cost_source"] == "inventory"
    ).all()


def test_a_bad_action_in_the_costs_table_is_a_located_validation_error(tmp_path: Path) -> None:
    tables = small_tables()
    tables["costs"] = [
        {"action": "patch", "subject_id": "S2", "cost_gbp": "400"},
        {"action": "bribe", "subject_id": "S1", "cost_gbp": "-5"},
    ]
    report = flowmap.validate(write_csv_tables(tmp_path / "inv", tables), as_of=AS_OF)
    found = {(p.table, p.where, p.column, p.value) for p in report.errors}
    assert ("costs", "costs.csv line 3", "action", "bribe") in found
    assert ("costs", "costs.csv line 3", "cost_gbp", "-5") in found
    text = "\n".join(p.describe() for p in report.errors)
    assert "costs.csv line 3, column action, value 'bribe': not allowed: use one of patch" in text


def test_a_header_only_costs_table_changes_nothing(tmp_path: Path) -> None:
    c = _candidates(tmp_path, [])
    assert (c["cost_source"] == "default (indicative)").all()


def test_a_cost_row_without_a_cost_is_invalid(tmp_path: Path) -> None:
    with pytest.raises(InvalidInventoryError) as info:
        _candidates(tmp_path, [{"action": "patch", "subject_id": "S2", "cost_gbp": ""}])
    p = info.value.report.errors[0]
    assert (p.where, p.column) == ("costs.csv line 2", "cost_gbp")
