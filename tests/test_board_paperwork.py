"""The IG paperwork in the board paper: agreements and contracts ending soon, and the DSPT
evidence by outcome, each the same as the governance tables they show."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import flowmap
from flowmap.governance.dspt import SAYS
from flowmap.render import board
from flowmap.render.board.paperwork import DSPT_SHOWN, SAY_WORDS
from tests.conftest import SAMPLE

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def analysis():
    return flowmap.analyse(flowmap.load_inventory(SAMPLE, as_of=AS_OF), as_of=AS_OF)


def test_agreements_ending_are_the_calendars_rows_soonest_first(analysis):
    calendar = flowmap.agreement_calendar(analysis)
    table = board.Paper(analysis).agreements_ending()
    shown = table.frame
    assert len(shown) == len(calendar) > 0
    assert [r.split(" (")[0] for r in shown["Agreement or contract"]] == list(calendar["ref"])
    for status, left in zip(shown["Status"], calendar["days_left"]):
        assert status.status == ("red" if left < 0 else "amber")  # ended: red, ending: amber
    expired = shown[[left < 0 for left in calendar["days_left"]]]
    assert (expired["Status"].astype(str) == "Expired").all() and len(expired) > 0
    for covers, (flows, systems) in zip(
        shown["Covers"], zip(calendar["flows"], calendar["systems"])
    ):
        n_flows = len([f for f in flows.split(",") if f.strip()])
        what = "data flow" if n_flows else "system"
        assert what in covers, (covers, flows, systems)


def test_an_organisation_with_nothing_ending_is_told_so(analysis):
    org = "M85001"
    assert flowmap.agreement_calendar(analysis, org=org).empty
    table = board.Paper(analysis, org=org).agreements_ending()
    assert table.frame.empty and "No data-sharing agreement or contract ends" in table._repr_html_()


def test_dspt_outcomes_show_what_the_evidence_table_says_contradicted_first(analysis):
    evidence = flowmap.dspt_evidence(analysis, framework="caf_aligned").set_index("id")
    table = board.Paper(analysis).dspt_evidence()
    rows = table.frame
    touched = evidence[evidence["inventory_says"] != "not covered by the inventory"]
    assert len(rows) == min(len(touched), DSPT_SHOWN) > 0
    ids = [o.split(" ")[0] for o in rows["Outcome"]]
    assert set(ids) <= set(touched.index)
    says = [evidence.loc[i, "inventory_says"] for i in ids]
    rank = {said: n for n, said in enumerate(SAYS)}  # the worst first
    assert [rank[s] for s in says] == sorted(rank[s] for s in says)
    assert [str(c) for c in rows["The inventory"]] == [SAY_WORDS[s][1] for s in says]
    assert set(SAY_WORDS) == set(SAYS)
    text = " ".join(rows["What it shows"]) + " ".join(rows["Against it"])
    assert "(EOL_OS)" not in text and "(flowmap " not in text  # words, not codes
    assert "Unsupported operating system" in text
    for outcome, i in zip(rows["Outcome"], ids):
        marked = "(wording not verified)" in outcome
        assert marked == (evidence.loc[i, "id_confidence"] == "unverified")


def test_one_organisations_paper_uses_its_own_toolkit(analysis):
    standards = board.Paper(analysis, org="RCC").dspt_evidence()  # standards_based, recorded
    assert "standards-based DSPT" in standards._repr_html_()
    police = board.Paper(analysis, org="RVP").dspt_evidence()  # not_applicable, recorded
    assert police.frame.empty and "does not complete a DSPT" in police._repr_html_()


def test_the_report_notebook_shows_both(analysis):
    from importlib.resources import files

    nb = json.loads(files("flowmap.render.report").joinpath("board_report.ipynb").read_text())
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert "paper.agreements_ending()" in sources and "paper.dspt_evidence()" in sources
    ids = [c["id"] for c in nb["cells"]]
    assert len(set(ids)) == len(ids)
