"""The explorer without a browser: what a selection shows, the live what-if, the map data,
clicks, hostile names and empty inventories (the browser tests drive the same code)."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from functools import lru_cache
from pathlib import Path

import pytest

import flowmap
from flowmap.explorer.scope import Scope, Selection
from flowmap.explorer.whatif import WhatIf
from flowmap.planning import full_risk
from tests.conftest import ROOT, SAMPLE, XSS_IMG, XSS_SCRIPT, small_tables, write_csv_tables

AS_OF = dt.date(2026, 11, 1)


@lru_cache(maxsize=1)
def sample():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)


@lru_cache(maxsize=1)
def synth():
    import tempfile

    from flowmap.synth.generate import synthesize, write_inventory_csv

    folder = Path(tempfile.mkdtemp(prefix="flowmap-explorer-test-"))
    write_inventory_csv(synthesize(12, seed=7, as_of=AS_OF), folder)
    return flowmap.analyse(flowmap.load_inventory(folder), as_of=AS_OF)


# ------------------------------------------------------------------ what a selection shows


@pytest.mark.parametrize("which", ["sample", "synth"])
def test_blast_radius_breakdown_adds_up_to_each_systems_blast_radius(which) -> None:
    a = sample() if which == "sample" else synth()
    scope = Scope(a)
    for sid, radius in zip(a.systems["system_id"], a.systems["blast_radius"]):
        detail = scope.blast(sid)
        assert abs(detail["Impact reached"].sum() - radius) <= 0.01 * max(len(detail), 1), sid
        assert (detail["Chance"] <= 1).all() and detail["Asset"].is_unique


def test_findings_of_each_kind_of_selection_and_their_filters() -> None:
    a, scope = sample(), Scope(sample())
    org = scope.findings_for(Selection(org="RXA"))
    assert len(org) == (a.findings["org_id"] == "RXA").sum()
    assert list(org["Id"]) == [f for f in a.findings["finding_id"] if f in set(org["Id"])]
    system = scope.findings_for(Selection(org="RXA", system="RXA-CTX-01"))
    assert "KEV_OPEN:RXA-CTX-01" in set(system["Id"])
    asset = scope.findings_for(Selection(org="RXA", asset="IA-0001"))
    assert {"system RXA-MAT-01"} <= set(asset["Subject"])  # a system holding a copy
    assert not asset["Subject"].str.startswith("asset IA-0002").any()
    crit = scope.findings_for(Selection(org="RXA"), severities=("critical",))
    assert set(crit["Severity"]) == {"Critical"} and 0 < len(crit) < len(org)
    flows = scope.findings_for(Selection(org="RXA"), families=("flows",))
    assert len(flows) and flows["Subject"].str.startswith("flow ").all()
    other = scope.findings_for(Selection(org="RXA", asset="IA-0001"), org="RYV")
    assert set(other["Organisation"]) <= {scope.org_names["RYV"]}


def test_selection_summary_counts_problems_once_with_their_findings_beside() -> None:
    """One fix, one problem: the Citrix gateway's five patch findings count once."""
    from flowmap.engine.settings import SEVERITIES
    from flowmap.explorer.words import summary

    a, scope = sample(), Scope(sample())
    citrix = Selection(org="RXA", system="RXA-CTX-01")
    f = scope.findings_for(citrix)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    worst = f.groupby("Problem")["Severity"].agg(lambda s: min(s.str.lower(), key=order.get))
    counts, findings = scope.severity_counts(citrix)
    assert counts == {s: int((worst == s).sum()) for s in SEVERITIES if (worst == s).any()}
    assert findings == len(f) > sum(counts.values())
    assert set(f["Problem"]) <= set(a.findings["problem_id"])
    found = ", ".join(f"{n:,} {s}" for s, n in counts.items())
    assert f"problems {found} ({findings:,} findings)" in summary(scope, citrix)


def test_default_selection_is_the_organisation_with_the_most_risk() -> None:
    scope = Scope(sample())
    risk = sample().risk_by_asset().groupby("org_id")["total_risk"].sum()
    assert scope.default() == Selection(org=risk.idxmax())
    assert (
        scope.focus_asset(Selection(org="RXA"))
        == (sample().risk_by_asset().query("org_id == 'RXA'")["asset_id"].iloc[0])
    )


# ------------------------------------------------------------------ the live what-if


def test_choosing_and_unchoosing_actions_gives_the_full_reanalysis_total() -> None:
    a = sample()
    w = WhatIf(a)
    picks = list(w.ranked(w.for_subjects("RXA"), n=4)["action_id"])
    cands = w.candidates()
    for i, aid in enumerate(picks):
        totals = w.choose(aid)
        assert totals.after == full_risk(a, [cands[p] for p in picks[: i + 1]])
    totals = w.choose(picks[1], False)  # un-choose one in the middle
    rest = [cands[p] for p in picks if p != picks[1]]
    assert totals.after == full_risk(a, rest) and totals.chosen == 3
    assert totals.spent == sum(w.cost(p.action_id) for p in rest)
    assert w.reset().after == a.total_risk


@pytest.mark.parametrize("which", ["sample", "synth"])
def test_opening_builds_neither_the_what_if_evaluator_nor_the_networkx_graph(which) -> None:
    """Both take seconds at region scale and nothing on the opening page needs them: the
    total shown is the analysis's, the same figure the evaluator gives once built."""
    a = sample() if which == "sample" else synth()
    a.attack_graph.graph = None  # as analyse leaves it
    x = flowmap.explore(a)  # the riskiest organisation, on the findings tab
    assert x.whatif._base is None and a.attack_graph.graph is None
    shown = x.whatif.totals()
    assert shown.before == shown.after == a.total_risk
    assert x.whatif.base.total == shown.before == x.whatif.totals().before
    assert f"data-value='{a.total_risk:.2f}'" in x.what.totals.value


def test_top_risks_and_paths_follow_the_chosen_actions() -> None:
    a = sample()
    w = WhatIf(a)
    before = w.top_risks(org="RXA")
    assert (before["Risk now"] == before["With the chosen actions"]).all()
    w.choose("patch:RXA-CTX-01")
    w.choose("remove_exposure:RXA-CTX-01")
    after = w.top_risks(org="RXA").set_index("Asset")
    assert (after["With the chosen actions"] <= after["Risk now"]).all()
    assert (after["With the chosen actions"] < after["Risk now"]).any()
    path, _p = w.attack_path("IA-0001")
    assert path and path[0] != "RXA-CTX-01"  # the way in moved off the patched gateway


# ------------------------------------------------------------------ the widgets


def test_explorer_selects_by_dropdown_and_by_click_and_draws_the_path() -> None:
    x = flowmap.explore(sample(), org="RXA")
    drawn = {n["id"] for n in x.map.data["views"]["systems"]["nodes"]}
    assert set(x.map.highlight["path"]) <= drawn and x.map.highlight["path"]
    x.asset.value = "IA-0001"
    assert x.selection == Selection(org="RXA", asset="IA-0001")
    assert set(x.map.highlight["marks"]) == set(
        sample().copies.query("asset_id == 'IA-0001'")["system_id"]
    )
    x.map.selected = {"id": "M85001-CLIN", "kind": "node", "org": "M85001", "n": 1}
    assert x.selection == Selection(org="M85001", system="M85001-CLIN")
    assert x.org.value == "M85001" and x.system.value == "M85001-CLIN"
    assert "blast radius" in x.summary.value


def test_ticking_an_action_changes_the_figure_to_the_python_value() -> None:
    a = sample()
    x = flowmap.explore(a, org="RXA", system="RXA-CTX-01", tab="What if")
    box = x.what.boxes["patch:RXA-CTX-01"]
    box.value = True
    expected = full_risk(a, [x.whatif.candidates()["patch:RXA-CTX-01"]])
    assert f"data-value='{expected:.2f}'" in x.what.totals.value
    assert "(with the chosen actions)" in x.path_text.value
    box.value = False
    assert f"data-value='{a.total_risk:.2f}'" in x.what.totals.value.split("with 0")[1]


def test_the_plan_tab_plans_for_the_organisation_within_the_budget() -> None:
    x = flowmap.explore(sample(), org="M85001", tab="Plan")
    x.plan.budget.value = 20_000
    x.wait()
    assert "data-spent" in x.plan.status.value and "<svg" in x.plan.chart.value
    spent = float(x.plan.status.value.split("data-spent='")[1].split("'")[0])
    assert spent <= 20_000
    x.plan.use.click()  # try the plan live
    assert set(x.whatif.chosen) == set(x.plan.chosen)


def test_hostile_names_reach_the_page_only_escaped(tmp_path) -> None:
    tables = small_tables()
    tables["organisations"][0]["name"] = XSS_SCRIPT
    tables["systems"][0]["name"] = XSS_IMG
    a = flowmap.analyse(flowmap.load_inventory(write_csv_tables(tmp_path, tables)), as_of=AS_OF)
    x = flowmap.explore(a, org="RXA", system="S1")
    html = x.header.value + x.summary.value + x.path_text.value + x.what.note.value
    assert "<script" not in html and "<img" not in html
    assert XSS_IMG.replace("<", "&lt;").split(" ")[0] in x.summary.value


def test_an_empty_inventory_explores_without_error() -> None:
    a = flowmap.analyse(flowmap.load_inventory(ROOT / "inventories" / "template.xlsx"), as_of=AS_OF)
    x = flowmap.explore(a, tab="Plan")
    assert x.selection.kind == "none" and "Choose an organisation" in x.map.data["title"]


def test_unknown_tab_is_a_usage_error() -> None:
    with pytest.raises(flowmap.UsageError, match="tab"):
        flowmap.explore(sample(), tab="Nope")


# ------------------------------------------------------------------ the notebooks' helpers


def test_notebook_defaults_come_from_the_data() -> None:
    import flowmap.explorer.notebook as nb

    a = synth()
    risk = a.risk_by_asset()
    org = nb.pick_org(a)
    assert org == risk.groupby("org_id")["total_risk"].sum().idxmax()
    assert nb.pick_asset(a, org=org) == risk[risk["org_id"] == org]["asset_id"].iloc[0]
    with pytest.raises(flowmap.UsageError, match="RXA"):
        nb.pick_org(a, "RXA")  # the sample's organisation is not in a synthetic inventory


def test_an_invalid_inventory_stops_a_notebook_in_one_sentence(tmp_path) -> None:
    import flowmap.explorer.notebook as nb

    tables = small_tables()
    tables["systems"][0]["last_patched"] = "last Tuesday"
    with pytest.raises(nb.NotebookStoppedError) as info:
        nb.analysis(write_csv_tables(tmp_path, tables), show_problems=False)
    assert info.value._render_traceback_() == [f"Stopped: {info.value}"]
    assert "1 error listed above" in str(info.value)


def test_validation_report_shows_a_summary_in_a_notebook() -> None:
    report = flowmap.validate(SAMPLE, as_of=AS_OF)
    html = report._repr_html_()
    assert "is a valid inventory" in html and "systems 63" in html
    from flowmap.explorer.notebook import problems

    assert "No problems" in problems(report)._repr_html_()


def test_the_alert_tab_shows_what_a_cve_or_product_touches_and_mistakes_in_one_line() -> None:
    x = flowmap.explore(sample(), org="RXA", tab="Alert")
    x.alert.cves.value = "CVE-2023-4966"
    x.alert.go.click()
    assert "CVE-2023-4966: 1 system affected" in x.alert.headline.value
    assert x.alert.impact.systems.iloc[0]["system_id"] == "RXA-CTX-01"
    x.alert.product.value = "Windows Server 2012 R2"
    x.alert.assess()
    assert "5 systems affected" in x.alert.headline.value
    x.alert.versions.value = "~>1"
    x.alert.assess()
    assert "is not a version range" in x.alert.headline.value


def test_the_apps_page_steps_note_their_progress_and_stop_at_a_bad_inventory(
    tmp_path, monkeypatch
) -> None:
    """The app's cells (flowmap explore): each step notes itself for the terminal; an
    inventory that cannot be shown stops the steps after the first, with one sentence."""
    from flowmap.explorer.app import Page, Progress

    log = tmp_path / "progress.log"
    page = Page({"inventory": str(SAMPLE), "as_of": "2026-11-01", "org": "RXA"}, str(log))
    page.load()
    page.analyse()
    page.show()
    said = Progress(log).news()
    assert len(said) == 4, said
    assert said[0].startswith("The page is loading (page 1), step 1 of 3: reading")
    assert re.match(r"  step 2 of 3 \(after \d+\.\d s\): analysing", said[1]), said
    assert re.match(r"  step 3 of 3 \(after \d+\.\d s\): drawing", said[2]), said
    assert re.match(r"  the explorer is ready \(\d+\.\d s\)\.", said[3]), said
    assert page.analysis.total_risk > 0
    import IPython.display

    shown: list = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    bad = Page({"inventory": str(tmp_path / "no-such")}, str(log))
    bad.load()
    bad.analyse()
    bad.show()
    assert bad.stopped and bad.analysis is None
    said = [str(getattr(o, "data", "")) for o in shown]
    assert sum("flowmap cannot show this inventory" in d for d in said) == 1, said
    assert Progress(log).news()[-1].startswith("  the inventory cannot be shown")
