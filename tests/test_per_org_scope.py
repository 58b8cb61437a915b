"""One organisation's paperwork is worked out for it alone (a region's per-organisation
papers each need one, issue 14 item 2), and it is the partnership's, cut to that
organisation: the same agreements, missing agreements, calendar, records of processing
and Article 30(2) records, row for row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import flowmap
from flowmap.synth.generate import synthesize, write_inventory_csv

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> flowmap.Analysis:
    folder = Path(tmp_path_factory.mktemp("region"))
    write_inventory_csv(synthesize(30, seed=3, as_of=AS_OF), folder)
    return flowmap.analyse(flowmap.load_inventory(folder), as_of=AS_OF)


def _same(one: pd.DataFrame, whole: pd.DataFrame) -> None:
    """The same rows, in the same order, with the same values (an empty table's column
    types, and a column whose type follows its values, may differ)."""
    pd.testing.assert_frame_equal(
        one.reset_index(drop=True).astype(object), whole.reset_index(drop=True).astype(object)
    )


def _orgs(analysis) -> list[str]:
    return analysis.inventory.organisations["org_id"].tolist()


def test_one_organisations_agreements_are_the_partnerships_it_is_party_to(region) -> None:
    whole = flowmap.agreements(region)
    seen = 0
    for org in _orgs(region):
        one = flowmap.agreements(region, org=org)
        party = whole.register["party_ids"].str.split(", ").map(lambda p, o=org: o in p)
        _same(one.register, whole.register[party.astype(bool)])
        m = whole.missing
        _same(one.missing, m[(m["from_org_id"] == org) | (m["to_org_id"] == org)])
        party = whole.calendar["party_ids"].str.split(", ").map(lambda p, o=org: o in p)
        _same(one.calendar, whole.calendar[party.astype(bool)])
        seen += len(one.register) + len(one.missing)
    assert seen > 100  # the inventory has agreements, contracts and gaps to compare


def test_one_organisations_record_of_processing_is_the_partnerships_cut_to_it(region) -> None:
    whole = flowmap.ropa(region)
    processors = 0
    for org in _orgs(region):
        one, cut = flowmap.ropa(region, org=org), whole.for_org(org)
        _same(one.activities, cut.activities)
        _same(one.gaps, cut.gaps)
        _same(one.processors, cut.processors)
        processors += len(one.processors)
    assert processors > 0  # suppliers' Article 30(2) records were compared too


def test_per_org_plans_from_one_shared_evaluator_are_the_plans_made_alone(region) -> None:
    """A batch builds the planner's evaluator once and each paper's plan works on a copy:
    every plan is the one a fresh evaluator makes, and the shared one is left as it was."""
    from flowmap.planning.actions import candidate_actions
    from flowmap.planning.evaluate import Evaluator

    every = list(candidate_actions(region))
    shared = Evaluator(region)
    before = shared.total
    funded = 0
    for org in _orgs(region)[:8]:
        own = [c for c in every if c.org_id == org]
        alone = flowmap.plan(region, budget=60000, candidates=own)
        batch = flowmap.plan(region, budget=60000, candidates=own, evaluator=shared)
        pd.testing.assert_frame_equal(batch.steps, alone.steps)
        pd.testing.assert_frame_equal(batch.candidates, alone.candidates)
        assert batch.risk_after == alone.risk_after
        funded += len(batch.steps)
    assert funded > 8  # the plans funded actions, so the copies were changed
    assert shared.total == before and shared.gain(every[0]) == Evaluator(region).gain(every[0])


def test_per_org_plans_of_a_batch_with_every_effect_prepared_are_the_plans_made_alone(
    region,
) -> None:
    """In a batch the shared evaluator works out every candidate's effect at once
    (``cache.mark_batch``) and each plan starts from its own candidates' effects: the
    same steps, candidates and totals as a fresh evaluator's plan, agreements included."""
    from flowmap.render.board import cache
    from flowmap.render.board.investment import plan_for_report

    batch_analysis = flowmap.analyse(region.inventory, as_of=AS_OF)
    cache.mark_batch(batch_analysis)
    kinds = set()
    for org in _orgs(region)[:10]:
        own = cache.candidates_of(batch_analysis, org)
        alone = flowmap.plan(region, budget=60000, candidates=own)
        batch = plan_for_report(batch_analysis, budget=60000, org=org)
        pd.testing.assert_frame_equal(batch.steps, alone.steps)
        pd.testing.assert_frame_equal(batch.candidates, alone.candidates)
        assert batch.risk_after == alone.risk_after
        kinds |= set(batch.steps["kind"])
    assert len(cache.evaluator(batch_analysis)._cache) == len(cache.candidates(batch_analysis))
    assert "put_dsa" in kinds  # an agreement was funded, so its flows were found by pair


def test_the_flows_between_a_pair_give_the_pair_the_flows_the_whole_inventory_gives(region) -> None:
    """``pair_flows`` cuts the flows to those between the pair's organisations before
    each flow is judged: every pair action's subject lands on the same flows."""
    from flowmap.planning.actions import candidate_actions
    from flowmap.planning.agreements import pair_flows, pair_subjects

    inv = region.inventory
    pairs = [
        c for c in candidate_actions(region) if c.kind in ("put_dsa", "put_transfer_mechanism")
    ]
    assert len(pairs) > 5
    for c in pairs:
        whole = pair_subjects(inv, c.kind, AS_OF)
        cut = pair_subjects(pair_flows(inv, c.kind, [c.subject_id]), c.kind, AS_OF)
        assert list(cut.index[cut == c.subject_id]) == list(whole.index[whole == c.subject_id])
        assert (whole == c.subject_id).any()


def test_one_organisations_map_drawn_from_its_neighbourhood_is_the_map_of_the_whole(
    region, monkeypatch
) -> None:
    """The organisations view of one organisation reads only its neighbourhood of the
    map's frames (``orgview.neighbourhood``): every node, link, count, problem and
    position is the one drawn from the whole frames."""
    from flowmap.render.mapview import orgview
    from flowmap.render.mapview.frames import frames_of

    frames = frames_of(region)
    cut = {o: orgview.organisations_view(frames, o) for o in _orgs(region)}
    monkeypatch.setattr(orgview, "neighbourhood", lambda fr, org_id: fr)
    links = 0
    for org, view in cut.items():
        whole = orgview.organisations_view(frames, org)
        assert view.compact == whole.compact
        assert (view.title, view.banner) == (whole.title, whole.banner)
        links += len(view.compact["flows"]["from"]) + len(view.compact["backups"]["from"])
    assert links > 30  # organisations with partners, flows and backups were compared
