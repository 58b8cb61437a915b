"""The explorer's "Can we share this?" tab: the form gives the same answer as
flowmap.check_flow, lists the inventory's proposals with their verdicts, says what is
missing instead of failing, and shows inventory text only escaped."""

from __future__ import annotations

import datetime as dt
import json

import flowmap
from flowmap.explorer.sharing import proposal_cells
from tests.conftest import XSS_IMG, XSS_SCRIPT, small_tables, write_csv_tables
from tests.test_explorer import sample  # one cached analysis of the sample for both files

AS_OF = dt.date(2026, 11, 1)


def ask(x, *, asset, to_org, purpose, source="", target="", transport=""):
    panel = x.sharing
    x.show_tab("Can we share this?")
    panel.asset.value = asset
    panel.source.value = source
    panel.to_org.value = to_org
    panel.target.value = target
    panel.purpose.value = purpose
    panel.transport.value = transport
    panel.button.click()
    x.wait()
    return panel


def test_a_gp_referral_by_nhsmail_is_yes_with_conditions_as_the_api_says() -> None:
    a = sample()
    x = flowmap.explore(a, org="M85001")
    panel = ask(
        x,
        asset="IA-0011",
        source="M85001-CLIN",
        to_org="RXA",
        target="RXA-EPR-01",
        purpose="direct_care",
        transport="nhsmail",
    )
    expected = flowmap.check_flow(a, risk=False, **panel.cells())
    assert panel.last is not None and panel.last.verdict == expected.verdict
    assert expected.verdict == "yes_with_conditions"
    assert "Yes, with conditions" in panel.answer.value
    for point in expected.points:  # every question answered, in the order of the API
        assert point.question.replace("'", "&#x27;") in panel.answer.value


def test_the_patient_list_to_a_supplier_for_marketing_is_no() -> None:
    x = flowmap.explore(sample(), org="M85001")
    panel = ask(x, asset="IA-0011", to_org="SUP01", purpose="marketing", transport="email")
    assert panel.last is not None and panel.last.verdict == "no"
    assert '<span class="tag red">No</span>' in panel.answer.value


def test_the_form_stands_for_the_organisation_when_no_system_is_chosen() -> None:
    cells = proposal_cells(
        org="M85001",
        asset="IA-0011",
        source_system="",
        to_org="SUP01",
        target_system="",
        purpose="marketing",
        transport="",
    )
    assert cells["from_org_id"] == "M85001" and cells["to_org_id"] == "SUP01"
    assert "source_system_id" not in cells and "transport" not in cells


def test_the_inventory_proposals_are_listed_with_the_checkers_verdicts() -> None:
    a = sample()
    x = flowmap.explore(a, org="RXA", tab="Can we share this?")
    x.wait()
    expected = [ans.verdict for ans in flowmap.check_proposals(a, risk=False)]
    assert len(expected) == len(a.inventory.tables["proposed_flows"]) > 0
    assert "Proposals in the inventory" in x.sharing.proposals_text.value
    args = x.sharing.proposals._dt_args  # what the table widget sends to the page
    header = args["table_html"]
    assert "<th>verdict</th>" in header and "risk_added" not in header
    rows = json.loads(args["data_json"])
    column = [th.strip()[4:-5] for th in header.split("\n") if th.strip().startswith("<th>")]
    assert [r[column.index("verdict")] for r in rows] == expected


def test_missing_choices_are_said_not_raised() -> None:
    x = flowmap.explore(sample(), org="RXA", tab="Can we share this?")
    x.sharing.button.click()
    assert "Choose an organisation, one of its assets" in x.sharing.answer.value
    assert x.sharing.last is None


def test_hostile_names_reach_the_answer_only_escaped(tmp_path) -> None:
    tables = small_tables()
    tables["organisations"][0]["name"] = XSS_SCRIPT
    tables["assets"][0]["name"] = XSS_IMG
    a = flowmap.analyse(flowmap.load_inventory(write_csv_tables(tmp_path, tables)), as_of=AS_OF)
    org = tables["organisations"][0]["org_id"]
    other = tables["organisations"][-1]["org_id"]
    x = flowmap.explore(a, org=org)
    panel = ask(x, asset=tables["assets"][0]["asset_id"], to_org=other, purpose="direct_care")
    assert panel.last is not None
    assert "<script" not in panel.answer.value and "<img" not in panel.answer.value
    assert "&lt;img" in panel.answer.value
