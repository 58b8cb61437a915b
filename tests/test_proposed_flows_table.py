"""The optional proposed_flows table: read, typed, checked, and ignored by the analysis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import flowmap
from tests.conftest import small_tables, write_csv_tables

AS_OF = dt.date(2026, 11, 1)


def _with_proposals(tmp_path: Path, *rows: dict[str, str]) -> Path:
    tables = small_tables()
    tables["proposed_flows"] = list(rows)
    return write_csv_tables(tmp_path / "inv", tables)


def _errors(path: Path) -> list[str]:
    return [p.describe() for p in flowmap.validate(path, as_of=AS_OF).errors]


def test_a_proposal_from_a_system_to_an_organisation_is_valid_and_typed(tmp_path: Path) -> None:
    path = _with_proposals(
        tmp_path,
        {
            "proposal_id": "P1",
            "asset_id": "A1",
            "source_system_id": "S1",
            "to_org_id": "00123",
            "purpose": "Direct_Care",
            "new_technology": "yes",
            "records_per_year": "1,200",
        },
    )
    assert _errors(path) == []
    p = flowmap.load_inventory(path).proposed_flows
    assert p.loc[2, "purpose"] == "direct_care"
    assert bool(p.loc[2, "new_technology"]) is True
    assert int(p.loc[2, "records_per_year"]) == 1200
    assert p.loc[2, "destination_country"] == "GB"  # the default, as for flows


def test_a_proposal_without_a_receiving_end_is_a_located_error(tmp_path: Path) -> None:
    path = _with_proposals(
        tmp_path,
        {"proposal_id": "P1", "asset_id": "A1", "source_system_id": "S1", "purpose": "research"},
    )
    (error,) = _errors(path)
    assert error.startswith("proposed_flows.csv line 2, column to_org_id")
    assert "target_system_id" in error and "no receiving end" in error


def test_a_system_of_another_organisation_than_the_one_named_is_an_error(tmp_path: Path) -> None:
    path = _with_proposals(
        tmp_path,
        {
            "proposal_id": "P1",
            "asset_id": "A1",
            "source_system_id": "S1",
            "from_org_id": "00123",  # S1 is RXA's
            "target_system_id": "S3",
            "purpose": "direct_care",
        },
    )
    (error,) = _errors(path)
    assert "column from_org_id, value '00123'" in error
    assert "system 'S1' belongs to 'RXA'" in error


def test_a_proposal_naming_an_unknown_asset_or_purpose_is_invalid(tmp_path: Path) -> None:
    path = _with_proposals(
        tmp_path,
        {"proposal_id": "P1", "asset_id": "A9", "from_org_id": "RXA", "to_org_id": "00123"},
    )
    errors = _errors(path)
    assert any("column asset_id, value 'A9'" in e for e in errors)
    assert any("column purpose" in e and "required" in e for e in errors)


def test_proposals_do_not_change_the_analysis(tmp_path: Path) -> None:
    plain = flowmap.analyse(
        flowmap.load_inventory(write_csv_tables(tmp_path / "a", small_tables())), as_of=AS_OF
    )
    tables = small_tables()
    tables["proposed_flows"] = [
        {
            "proposal_id": "P1",
            "asset_id": "A1",
            "source_system_id": "S1",
            "target_system_id": "S3",
            "purpose": "marketing",
            "transport": "email",
        }
    ]
    asked = flowmap.analyse(
        flowmap.load_inventory(write_csv_tables(tmp_path / "b", tables)), as_of=AS_OF
    )
    assert asked.total_risk == plain.total_risk
    assert asked.findings["finding_id"].tolist() == plain.findings["finding_id"].tolist()
