"""The planner at region scale: measured lazily, it makes the same plan as measuring every
candidate at every step; actions applied together equal actions applied one at a time."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

import pytest

import flowmap
from flowmap.planning import Evaluator, apply_actions, candidate_actions, plan
from flowmap.planning.greedy import MIN_GAIN, _neg
from flowmap.planning.portfolio import _costs
from flowmap.synth.generate import synthesize, write_inventory_csv
from tests.conftest import SAMPLE

AS_OF = dt.date(2026, 11, 1)


@lru_cache(maxsize=1)
def sample():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)


@lru_cache(maxsize=1)
def synthetic():
    """A small region: suppliers, partner flows, zones and backups across organisations."""
    with tempfile.TemporaryDirectory() as d:
        write_inventory_csv(synthesize(6, seed=5, as_of=AS_OF), Path(d))
        inventory = flowmap.load_inventory(d, as_of=AS_OF)
    return flowmap.analyse(inventory, as_of=AS_OF)


def measure_everything(analysis, budget: float, must=(), exclude=()) -> list[str]:
    """Greedy with re-evaluation as written down: every candidate measured at every step."""
    cands = candidate_actions(analysis)
    cost = _costs(analysis, cands, None)
    ev = Evaluator(analysis)
    chosen: list[str] = []
    spent = 0.0
    for aid in must:
        ev.commit(next(c for c in cands if c.action_id == aid))
        chosen.append(aid)
        spent += cost[aid]
    while True:
        best, best_key = None, None
        for c in cands:
            if c.action_id in chosen or c.action_id in exclude:
                continue
            if cost[c.action_id] > budget - spent + 1e-9:
                continue
            gain = ev.gain(c)
            if gain < MIN_GAIN:
                continue
            key = (
                gain / cost[c.action_id] if cost[c.action_id] > 0 else math.inf,
                gain,
                _neg(c.action_id),
            )
            if best_key is None or key > best_key:
                best, best_key = c, key
        if best is None:
            return chosen
        ev.commit(best)
        chosen.append(best.action_id)
        spent += cost[best.action_id]


@pytest.mark.parametrize("budget", [20_000, 250_000])
def test_the_lazy_plan_is_the_plan_of_measuring_everything_every_step(budget: float) -> None:
    p = plan(sample(), budget=budget)
    assert p.steps["action_id"].tolist() == measure_everything(sample(), budget)
    assert p.measured < len(p.candidates) * (len(p.steps) + 1)  # and it measured less


def test_the_lazy_plan_is_the_same_on_a_small_region_with_musts_and_exclusions() -> None:
    a = synthetic()
    cands = candidate_actions(a)
    assert len({c.org_id for c in cands}) > 3 and len({c.kind for c in cands}) > 8
    first = plan(a, budget=60_000).steps["action_id"].tolist()
    must, exclude = (first[3],), (first[0], first[1])
    p = plan(a, budget=1e9, must=must, exclude=exclude)
    assert len(p.steps) > 50  # far past the point where actions start to interact
    assert p.steps["action_id"].tolist() == measure_everything(a, 1e9, must, exclude)


def test_actions_applied_together_equal_actions_applied_one_at_a_time() -> None:
    a = synthetic()
    cands = candidate_actions(a)  # sorted by kind: long runs of one kind, many subjects
    together = apply_actions(a.inventory, cands, as_of=AS_OF)
    alone = a.inventory
    for c in cands:
        alone = apply_actions(alone, [c], as_of=AS_OF)
    for name in ("systems", "vulnerabilities", "flows", "backups"):
        assert together.tables[name].equals(alone.tables[name]), name
    assert a.inventory.systems.equals(synthetic().inventory.systems)  # the input is unchanged
