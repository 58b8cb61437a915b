"""Synthetic inventories: deterministic, complete, realistic and valid by construction."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowmap import UsageError, validate
from flowmap.inventory.schema import TABLES
from flowmap.synth.generate import synthesize, write_inventory_csv
from flowmap.synth.model import END_OF_LIFE_OS

AS_OF = dt.date(2026, 11, 1)


def written(tables: dict[str, pd.DataFrame], folder: Path) -> dict[str, bytes]:
    """Write the tables and return each file's bytes by file name."""
    paths = write_inventory_csv(tables, folder)
    return {p.name: p.read_bytes() for p in paths}


def assert_valid_and_complete(
    tables: dict[str, pd.DataFrame], folder: Path, as_of: dt.date = AS_OF
) -> None:
    """No errors, no warnings, and every row survives writing and reading."""
    files = written(tables, folder)
    report = validate(folder, as_of=as_of)
    assert [p.describe() for p in report.errors] == []
    assert [p.describe() for p in report.warnings] == []
    lengths = {name: len(frame) for name, frame in tables.items()}
    assert report.row_counts == lengths
    data_lines = {name.removesuffix(".csv"): data.count(b"\n") - 1 for name, data in files.items()}
    assert data_lines == lengths


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = written(synthesize(25, seed=7), tmp_path / "a")
    second = written(synthesize(25, seed=7), tmp_path / "b")
    assert first == second


def test_different_seeds_give_different_inventories(tmp_path: Path) -> None:
    first = written(synthesize(25, seed=7), tmp_path / "a")
    second = written(synthesize(25, seed=8), tmp_path / "b")
    assert first["flows.csv"] != second["flows.csv"]
    assert first["systems.csv"] != second["systems.csv"]


def test_every_table_is_present_with_the_schema_columns_in_order() -> None:
    tables = synthesize(12, seed=3)
    assert list(tables) == list(TABLES)
    for name, frame in tables.items():
        assert list(frame.columns) == list(TABLES[name].columns), name
        # costs and proposed_flows are optional and left empty: plans use the bundled
        # indicative costs, and nobody has asked check-flow anything
        assert len(frame) > 0 or name in ("costs", "proposed_flows"), name


def test_every_cell_is_a_string() -> None:
    for name, frame in synthesize(12, seed=3).items():
        for column in frame.columns:
            assert all(type(v) is str for v in frame[column]), (name, column)


def test_files_are_utf8_with_unix_line_endings(tmp_path: Path) -> None:
    files = written(synthesize(8, seed=2), tmp_path)
    assert sorted(files) == sorted(f"{name}.csv" for name in TABLES)
    for data in files.values():
        assert b"\r" not in data
        data.decode("utf-8")


@pytest.mark.parametrize("orgs", [1, 10, 100])
def test_synthetic_inventories_validate_cleanly_and_keep_every_row(
    tmp_path: Path, orgs: int
) -> None:
    assert_valid_and_complete(synthesize(orgs, seed=orgs), tmp_path)


def test_an_earlier_as_of_date_keeps_every_past_date_before_it(tmp_path: Path) -> None:
    as_of = dt.date(2021, 3, 15)
    assert_valid_and_complete(synthesize(20, seed=5, as_of=as_of), tmp_path, as_of=as_of)


@pytest.mark.parametrize("orgs", [3, 40])
def test_sector_mix_includes_a_trust_an_icb_and_a_supplier(orgs: int) -> None:
    sectors = set(synthesize(orgs, seed=1)["organisations"]["sector"])
    assert {"nhs_trust", "icb", "private"} <= sectors


def test_sector_mix_at_scale_is_mostly_gp_practices_and_care_providers() -> None:
    share = synthesize(1000, seed=0)["organisations"]["sector"].value_counts(normalize=True)
    assert 0.5 <= share["gp_practice"] <= 0.6
    assert 0.15 <= share["social_care_provider"] <= 0.25
    assert 0.02 <= share["nhs_trust"] <= 0.04


def test_a_thousand_organisations_give_the_target_sizes() -> None:
    tables = synthesize(1000, seed=0)
    assert 20_000 <= len(tables["systems"]) <= 40_000
    assert 150_000 <= len(tables["flows"]) <= 300_000


def test_some_systems_are_end_of_life_and_some_unpatched() -> None:
    systems = synthesize(60, seed=4)["systems"]
    assert systems["os"].isin(END_OF_LIFE_OS).any()
    patched = pd.to_datetime(systems["last_patched"].where(systems["last_patched"] != ""))
    stale = (pd.Timestamp(AS_OF) - patched).dt.days > 60
    assert stale.any()
    assert (systems["last_patched"] == "").any()


def test_ids_and_table_keys_are_unique() -> None:
    tables = synthesize(60, seed=6)
    for name, table in TABLES.items():
        frame = tables[name]
        assert not frame.duplicated(list(table.key)).any(), name


def test_every_flow_sends_an_asset_its_source_system_holds() -> None:
    tables = synthesize(40, seed=9)
    held = tables["assets"].assign(system_id=tables["assets"]["system_id"].str.split(";"))
    pairs = set(held.explode("system_id")[["asset_id", "system_id"]].itertuples(index=False))
    flows = tables["flows"]
    sent = set(flows[["asset_id", "source_system_id"]].itertuples(index=False))
    assert sent <= pairs
    assert (flows["source_system_id"] != flows["target_system_id"]).all()


def test_sharing_between_organisations_follows_real_patterns() -> None:
    tables = synthesize(200, seed=2)
    sector = tables["organisations"].set_index("org_id")["sector"]
    org_of = tables["systems"].set_index("system_id")["org_id"]
    flows = tables["flows"]
    src = flows["source_system_id"].map(org_of).map(sector)
    dst = flows["target_system_id"].map(org_of).map(sector)
    pairs = set(zip(src, dst, flows["purpose"]))
    assert ("nhs_trust", "gp_practice", "direct_care") in pairs  # discharge summaries
    assert ("gp_practice", "nhs_trust", "direct_care") in pairs  # referrals
    assert ("nhs_trust", "local_authority", "safeguarding") in pairs
    assert ("local_authority", "police", "safeguarding") in pairs
    assert ("gp_practice", "icb", "commissioning") in pairs
    assert ("nhs_trust", "research", "research") in pairs
    between = flows[flows["source_system_id"].map(org_of) != flows["target_system_id"].map(org_of)]
    assert (between["dsa_ref"] != "").mean() > 0.8
    assert (between["dsa_ref"] == "").any()
    expires = pd.to_datetime(between["dsa_expires"].where(between["dsa_expires"] != ""))
    assert (expires < pd.Timestamp(AS_OF)).any()


def test_suppliers_host_systems_for_other_organisations() -> None:
    tables = synthesize(50, seed=3)
    systems = tables["systems"]
    suppliers = set(tables["organisations"].query("sector == 'private'")["org_id"])
    hosted = systems[systems["supplier_org_id"] != ""]
    assert len(hosted) > 0
    assert set(hosted["supplier_org_id"]) <= suppliers
    assert (hosted["org_id"] != hosted["supplier_org_id"]).all()


@pytest.mark.parametrize("orgs", [0, -3])
def test_fewer_than_one_organisation_is_a_usage_error(orgs: int) -> None:
    with pytest.raises(UsageError):
        synthesize(orgs)


@given(orgs=st.integers(1, 30), seed=st.integers(0, 10_000))
@settings(max_examples=15, deadline=None)
def test_any_synthetic_inventory_validates_without_errors_and_keeps_every_row(
    orgs: int, seed: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert_valid_and_complete(synthesize(orgs, seed=seed), Path(folder))
