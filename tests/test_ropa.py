"""Records of processing activities (issue 17): one record per processing activity, no
personal data invented, gaps marked and summarised, Article 30(2) records for processors.

``small_tables()``: Riverside Hospitals (RXA, NHS trust) holds A1 (patient index, health
data) and A2 (staff list); F1 sends A1 to Hill Surgery (00123, GP practice) for direct
care, F2 sends it back. Nothing in it names a DPO, an address or the people an asset is
about, so those cells must be gaps, never made up.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

import flowmap
from flowmap.governance.ropa_columns import DSPT_COLUMNS, FIELD, FIELDS, ICO_COLUMNS
from flowmap.governance.ropa_text import GAP_PREFIX, is_gap
from flowmap.render.paperwork.ropa import dspt_view, ico_view
from tests.conftest import SAMPLE
from tests.rulekit import analyse_tables, edit, tables

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def sample_ropa():
    a = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)
    return a, flowmap.ropa(a)


def test_one_record_per_asset_and_purpose_of_each_controller(tmp_path) -> None:
    t = tables()
    edit(t, "assets", "A1", purposes="direct_care;research")
    a = analyse_tables(tmp_path, t)
    r = flowmap.ropa(a)
    # RXA: A1 for its two purposes, A2 with no purpose recorded anywhere (one record, a
    # gap); the surgery: its copy of A1, received by F1 for direct care
    assert sorted(r.activities["activity_id"]) == [
        "00123:A1:direct_care",
        "RXA:A1:direct_care",
        "RXA:A1:research",
        "RXA:A2:purpose_not_recorded",
    ]
    assert r.activities["activity_id"].is_unique
    surgery = r.activities.set_index("activity_id").loc["00123:A1:direct_care"]
    assert surgery["role"] == "controller of a copy received from Riverside Hospitals"
    assert surgery["source"] == "Received from Riverside Hospitals (F1)"


def test_the_sample_has_one_record_per_activity_and_no_blank_cell(sample_ropa) -> None:
    a, r = sample_ropa
    assert r.activities["activity_id"].is_unique
    own = {
        (x.org_id, x.asset_id, p)
        for x in a.assets.itertuples(index=False)
        for p in x.purposes
        if x.asset_id not in set(r.excluded["asset_id"])
    }
    keys = set(
        zip(
            r.activities["org_id"],
            r.activities["asset_id"],
            r.activities["activity_id"].str.split(":").str[2],
        )
    )
    assert own <= keys  # every purpose the register gives is an activity
    for f in a.flows.itertuples(index=False):  # and every purpose a flow is sent for
        if f.asset_id not in set(r.excluded["asset_id"]):
            assert (f.sender_org_id, f.asset_id, f.purpose) in keys, f.flow_id
    for column in [f.key for f in FIELDS]:
        assert (r.activities[column].astype(str).str.strip() != "").all(), column


def test_cells_flowmap_cannot_fill_are_gaps_naming_what_to_collect(tmp_path) -> None:
    a = analyse_tables(tmp_path, tables())
    r = flowmap.ropa(a, org="RXA")
    staff = r.activities.set_index("asset_id").loc["A2"]
    assert staff["purpose"] == GAP_PREFIX + "not recorded (fill in assets.purposes)"
    assert staff["data_subjects"] == GAP_PREFIX + "not recorded (fill in assets.data_subjects)"
    assert staff["owner"] == GAP_PREFIX + "not recorded (fill in assets.owner)"
    assert is_gap(staff["retention"]) and "assets.retention_years" in staff["retention"]
    gaps = r.gaps.set_index("field")
    assert gaps.loc["data_subjects", "missing"] == 2  # A1 and A2
    assert gaps.loc["data_subjects", "collect"] == "assets.data_subjects"
    assert gaps.loc["owner", "where"] == "A2"
    # only fields the record needs (Art 30, DSPT 1.1.2) count as gaps
    assert all(FIELD[f].needed for f in gaps.index if f in FIELD)


def test_filling_the_inventory_closes_the_gaps(tmp_path) -> None:
    t = tables()
    edit(
        t,
        "assets",
        "A2",
        purposes="administration",
        data_subjects="staff",
        owner="HR",
        retention_years="6",
        retention_followed="yes",
        lawful_basis="6(1)(b)",
        dpia_status="not_required",
    )
    r = flowmap.ropa(analyse_tables(tmp_path, t), org="RXA")
    staff = r.activities.set_index("asset_id").loc["A2"]
    for key in (
        "purpose",
        "data_subjects",
        "owner",
        "retention",
        "retention_followed",
        "lawful_basis",
        "dpia_required",
    ):
        assert not is_gap(staff[key]), key
    assert staff["lawful_basis"] == "6(1)(b) contract"
    assert staff["rights"].endswith("under 6(1)(b): erasure and portability; no right to object")


def test_no_personal_data_is_invented(tmp_path, sample_ropa) -> None:
    # the small inventory names nobody: the controller details are gaps, not made up
    r = flowmap.ropa(analyse_tables(tmp_path, tables()))
    rxa = r.controllers.set_index("org_id").loc["RXA"]
    for column in ("address", "ico_registration", "dpo_name", "dpo_email"):
        assert is_gap(rxa[column]), column
    assert rxa["siro_name"] == "Not recorded"
    # the sample: every email and every named contact in any output comes from the
    # inventory's own cells for that organisation
    a, r = sample_ropa
    orgs = a.inventory.organisations.set_index("org_id")
    text = (
        " ".join(r.activities.astype(str).to_numpy().ravel())
        + " "
        + " ".join(r.processors.astype(str).to_numpy().ravel())
        + " "
        + " ".join(r.controllers.astype(str).to_numpy().ravel())
    )
    emails = set(re.findall(r"[\w.+-]+@[\w.-]+\.\w+", text))
    known = {e for c in orgs.columns if c.endswith("_email") for e in orgs[c] if e}
    assert emails and emails <= known
    for c in r.controllers.itertuples(index=False):
        for column in ("dpo_name", "siro_name", "caldicott_guardian_name"):
            value = getattr(c, column)
            assert value == orgs.at[c.org_id, column] or not orgs.at[c.org_id, column]
    owners = set(a.assets["owner"])
    for value in r.activities["owner"]:
        assert is_gap(value) or value.split(" (from ")[0] in owners


def test_a_received_copy_takes_owner_and_retention_from_the_receivers_own_register(
    sample_ropa,
) -> None:
    _, r = sample_ropa
    got = r.activities.set_index("activity_id").loc["M85001:IA-0006:direct_care"]
    assert got["owner"].startswith("Practice Manager, Bridge Street (from GP patient record")
    assert got["retention"].startswith("10 years (from GP patient record (Bridge Street)")
    assert got["impact"].startswith("About 18,000 records a year received")


def test_processors_get_the_shorter_article_30_2_record(sample_ropa) -> None:
    _, r = sample_ropa
    kestrel = r.processors[r.processors["processor_id"] == "SUP01"].set_index("controller_id")
    assert sorted(kestrel.index) == [
        "M85001",
        "M85002",
        "M85003",
        "M85004",
        "NHX01",
        "RXA",
        "RYV",
        "VNX01",
    ]
    assert (
        "Runs or hosts Payroll service (RXA-PAY-01)"
        in kestrel.loc["RXA", "categories_of_processing"]
    )
    assert kestrel.loc["RXA", "contracts"] == "RXA-PAY-01: CON-KES-PAY-2022 (ends 2027-03-31)"
    assert is_gap(kestrel.loc["M85004", "contracts"])
    # Art 30(2) asks no purposes, data subjects or retention of a processor
    assert not {"purpose", "data_subjects", "retention"} & set(r.processors.columns)
    # asked for by organisation, the processor's own records come with it
    assert len(flowmap.ropa(sample_ropa[0], org="SUP01").processors) == 8


def test_security_description_comes_from_systems_and_backups(sample_ropa) -> None:
    _, r = sample_ropa
    maternity = r.activities.set_index("activity_id").loc["RXA:IA-0001:direct_care"]
    security = maternity["security"]
    assert "Maternity information system (RXA-MAT-01): operating system OUT OF SUPPORT" in (
        security
    )
    assert "no MFA" in security
    assert "isolated (offline or immutable)" in security
    assert "1 of 1 flow(s) encrypted in transit" in security


def test_transfers_outside_the_uk_and_their_safeguards(sample_ropa) -> None:
    _, r = sample_ropa
    acts = r.activities.set_index("activity_id")
    letters = acts.loc["RYV:IA-0017:direct_care"]
    assert letters["transfers"] == "US (F-0031 to Cirrus Insight Inc)"
    assert letters["transfer_safeguards"] == "F-0031: idta"
    recordings = acts.loc["M85003:IA-0015:direct_care"]
    assert is_gap(recordings["transfer_safeguards"])
    assert "flows.transfer_mechanism for F-0032" in recordings["transfer_safeguards"]


def test_assets_with_no_personal_data_are_left_out(sample_ropa) -> None:
    _, r = sample_ropa
    assert r.excluded["asset_id"].tolist() == ["IA-0022"]  # aggregate dashboard
    assert "IA-0022" not in set(r.activities["asset_id"])


def test_the_ico_and_dspt_views_use_their_own_headings() -> None:
    assert len(ICO_COLUMNS) == 30 and len(DSPT_COLUMNS) == 13
    assert ICO_COLUMNS[0][0] == "Business function"
    assert ICO_COLUMNS[-1][0] == "Reasons for not adhering to policy document (if applicable)"
    assert DSPT_COLUMNS[6][0] == (
        "Whether a written data-sharing agreement or contract is in place and when it ends"
    )
    activities = pd.DataFrame(
        [{f.key: f"value of {f.key}" for f in FIELDS} | {"activity_id": "X:A:direct_care"}]
    )
    activities.loc[0, "data_subjects"] = GAP_PREFIX + "not recorded"
    ico = ico_view(activities)
    assert list(ico.columns) == ["Activity", *[h for h, _ in ICO_COLUMNS]]
    dspt = dspt_view(activities)
    # a DSPT column built from two fields is a gap when either is
    assert dspt.loc[0, "Categories of data subject/personal data"].startswith(GAP_PREFIX)


def test_an_unknown_org_is_a_usage_error(sample_ropa) -> None:
    a, _ = sample_ropa
    with pytest.raises(flowmap.UsageError) as e:
        flowmap.ropa(a, org="NOPE")
    assert e.value.param == "org"
