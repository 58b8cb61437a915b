"""The agreements register (issue 17): one row per agreement with what it covers, the flows
that should be under an agreement but are not, and the expiry calendar of the next 90 days.
"""

from __future__ import annotations

import datetime as dt

import pytest

import flowmap
from tests.conftest import SAMPLE
from tests.rulekit import analyse_tables, edit, tables

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def sample():
    return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)


def test_one_row_per_agreement_with_its_parties_flows_and_assets(sample) -> None:
    reg = flowmap.agreements(sample)
    agreements = reg.register[reg.register["kind"] == "data-sharing agreement"]
    refs = sorted(set(sample.flows.loc[sample.flows["dsa_ref"] != "", "dsa_ref"]))
    assert sorted(agreements["ref"]) == refs
    mash = agreements.set_index("ref").loc["ISA-MASH-2025-01"]
    assert mash["party_ids"] == "RCC, RXA, RVP"
    assert mash["flows"] == "F-0011, F-0013, F-0014"
    assert mash["purposes"] == "safeguarding"
    assert mash["lawful_bases"] == "6(1)(e)"
    assert "IA-0023 Children's safeguarding case files" in mash["assets"]


def test_a_contract_covering_several_systems_is_one_row(sample) -> None:
    reg = flowmap.agreements(sample).register.set_index("ref")
    gp = reg.loc["GPIT-QRV-2024-01"]
    assert gp["kind"] == "processing contract"
    assert gp["systems"] == "M85001-CLIN, M85002-CLIN, M85003-CLIN"
    assert gp["party_ids"] == "M85001, M85002, M85003, SUP01"


def test_missing_agreements_follow_the_purpose_and_the_parties(tmp_path) -> None:
    t = tables()
    # F1 (trust to GP, direct care) needs none: the duty to share
    t["organisations"].append({"org_id": "P", "name": "Vale Police", "sector": "police"})
    t["systems"].append({"system_id": "P1", "name": "MASH", "org_id": "P", "kind": "application"})
    t["flows"].append(
        {
            "flow_id": "F3",
            "asset_id": "A1",
            "source_system_id": "S1",
            "target_system_id": "P1",
            "purpose": "law_enforcement",
            "frequency": "weekly",
            "transport": "sftp",
            "encrypted": "yes",
        }
    )
    reg = flowmap.agreements(analyse_tables(tmp_path, t))
    assert reg.missing["subject_id"].tolist() == ["F3"]
    row = reg.missing.iloc[0]
    assert row["level"] == "expected" and "ICO" in row["why"]
    # once under an agreement, it is no longer missing and it is in the register
    edit(t, "flows", "F3", dsa_ref="ISA-1", dsa_expires="2027-01-01")
    reg = flowmap.agreements(analyse_tables(tmp_path, t))
    assert reg.missing.empty
    assert "ISA-1" in set(reg.register["ref"])


def test_a_supplier_run_system_without_a_contract_is_missing(sample) -> None:
    missing = flowmap.agreements(sample).missing
    systems = missing[missing["kind"] == "system"]
    assert sorted(systems["subject_id"]) == ["M85004-CLIN", "VNX01-CARE-01"]
    assert (systems["level"] == "required").all()
    assert "Art 28(3)" in systems.iloc[0]["why"]


def test_the_calendar_holds_what_ends_within_the_window_and_what_has_ended(tmp_path) -> None:
    t = tables()
    base = {
        "source_system_id": "S1",
        "target_system_id": "S3",
        "asset_id": "A1",
        "purpose": "direct_care",
        "transport": "hscn",
        "encrypted": "yes",
    }
    ends = {
        "F10": "2026-10-31",
        "F11": "2026-11-01",
        "F12": "2027-01-30",
        "F13": "2027-01-31",
        "F14": "",
    }
    for flow_id, end in ends.items():
        t["flows"].append(
            {**base, "flow_id": flow_id, "dsa_ref": f"DSA-{flow_id}", "dsa_expires": end}
        )
    reg = flowmap.agreements(analyse_tables(tmp_path, t), days=90)
    cal = reg.calendar.set_index("ref")
    # 2026-11-01 + 90 days = 2027-01-30: in; the day after: out; no date: not in it
    assert list(cal.index) == ["DSA-F10", "DSA-F11", "DSA-F12"]
    assert cal.loc["DSA-F10", "status"] == "expired" and cal.loc["DSA-F10", "days_left"] == -1
    assert cal.loc["DSA-F11", "days_left"] == 0
    assert cal.loc["DSA-F12", "days_left"] == 90
    status = reg.register.set_index("ref")["status"]
    assert status["DSA-F13"] == "current"
    assert status["DSA-F14"] == "no end date recorded"


def test_the_sample_calendar_is_soonest_first(sample) -> None:
    cal = flowmap.agreement_calendar(sample)
    assert cal["ref"].tolist() == [
        "ISA-SAFE-2023-02",
        "CON-KES-RYV-2021",
        "DSA-RES-2024-11",
        "CON-KES-NHX-2025",
    ]
    assert cal["expires"].is_monotonic_increasing


def test_one_organisation_sees_only_its_agreements(sample) -> None:
    reg = flowmap.agreements(sample, org="UNI01")
    assert sorted(reg.register["ref"]) == ["DSA-RES-2024-11", "DSA-RES-2025-07"]
    assert reg.missing.empty
    with pytest.raises(flowmap.UsageError):
        flowmap.agreements(sample, org="NOPE")
