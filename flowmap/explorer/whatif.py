"""Live what-if: choose candidate actions and see the risk they leave, at once.

:class:`WhatIf` keeps the planner's incremental :class:`~flowmap.planning.Evaluator`
(exactly the total a full re-analysis of the changed inventory gives): choosing an
action commits it; un-choosing one goes back to an untouched copy of the starting
state and commits the others again, so the figure is always that of exactly the
chosen actions. Candidates, their costs and standalone gains come from the planning
API (:func:`~flowmap.planning.candidate_actions`, the same costs as ``flowmap plan``).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.planning import Action, Evaluator, candidate_actions, plan
from flowmap.planning.costs import action_costs
from flowmap.reference.costs import check_costs

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Candidates listed for one selection, the most risk removed first.
SHOWN = 25
#: Gains worked out in one go (the starting evaluator is held that long).
CHUNK = 40


@dataclass(frozen=True)
class Totals:
    """Where the chosen actions leave the total risk."""

    before: float
    after: float
    spent: float
    chosen: int

    @property
    def removed(self) -> float:
        return round(self.before - self.after, 2)


class WhatIf:
    """The chosen actions of an analysis and the risk they leave."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._base: Evaluator | None = None
        self._ev: Evaluator | None = None
        #: the starting evaluator is read by the explorer's background work (gains) and by
        #: choosing (copies of it): one at a time
        self._lock = threading.RLock()
        self.chosen: dict[str, Action] = {}
        self._candidates: dict[str, Action] | None = None
        self._by_org: dict[str, list[str]] = {}
        self._by_subject: dict[str, list[str]] = {}
        self._cost: dict[str, float] = {}
        self._gain: dict[str, float] = {}
        self._risk: pd.DataFrame | None = None

    # ------------------------------------------------------------------ evaluators

    @property
    def base(self) -> Evaluator:
        """The evaluator of the analysis as it is (never committed to; the effects it works
        out for gains are kept, and copies start with them)."""
        with self._lock:
            if self._base is None:
                self._base = Evaluator(self.analysis)
            return self._base

    @property
    def current(self) -> Evaluator:
        """The evaluator with the chosen actions committed."""
        if self._ev is None:
            with self._lock:
                self._ev = self.base.copy()
        return self._ev

    # ------------------------------------------------------------------ candidates

    def candidates(self) -> dict[str, Action]:
        """Every candidate action, by id (worked out once), with its cost."""
        if self._candidates is None:
            cands = candidate_actions(self.analysis)
            by_org: dict[str, list[str]] = defaultdict(list)
            by_subject: dict[str, list[str]] = defaultdict(list)
            for c in cands:
                by_org[c.org_id].append(c.action_id)
                by_subject[c.subject_id].append(c.action_id)
            self._cost = self._costs(cands)
            self._by_org, self._by_subject = dict(by_org), dict(by_subject)
            self._candidates = {c.action_id: c for c in cands}
        return self._candidates

    def _costs(self, cands: list[Action]) -> dict[str, float]:
        """Each action's cost, as ``flowmap plan`` prices it (the inventory's own costs
        table over the bundled indicative figures)."""
        tables = [check_costs(None)]
        own = self.analysis.inventory.tables.get("costs")
        if own is not None and len(own):
            tables.append(check_costs(own, where="the inventory's costs table"))
        overrides = pd.concat(tables, ignore_index=True).drop_duplicates(["action", "subject_id"])
        kinds = dict(zip(self.analysis.systems["system_id"], self.analysis.systems["kind"]))
        frame = action_costs(cands, kinds, overrides)
        return dict(zip(frame["action_id"], frame["cost_gbp"]))

    def cost(self, action_id: str) -> float:
        self.candidates()
        return float(self._cost.get(action_id, 0.0))

    def for_subjects(self, org: str, subjects: list[str] | None = None) -> list[Action]:
        """An organisation's candidates, or (``subjects`` given) those acting on these
        systems, flows, zones and backups."""
        cands = self.candidates()
        if subjects is None:
            ids = self._by_org.get(org, [])
        else:
            ids = [i for s in dict.fromkeys(subjects) for i in self._by_subject.get(s, [])]
        return [cands[i] for i in ids]

    def gains(self, actions: list[Action]) -> dict[str, float]:
        """Risk each action removes on its own, from the analysis as it is (cached)."""
        todo = [a for a in actions if a.action_id not in self._gain]
        for i in range(0, len(todo), CHUNK):  # a choice made meanwhile waits one chunk at most
            with self._lock:
                self._gain.update(self.base.gains(todo[i : i + CHUNK]))
        return {a.action_id: self._gain[a.action_id] for a in actions}

    def ranked(self, actions: list[Action], n: int = SHOWN) -> pd.DataFrame:
        """Actions by risk removed on their own (then by cost), the chosen ones first."""
        gains = self.gains(actions)
        rows = [
            (
                a.action_id in self.chosen,
                gains[a.action_id],
                self.cost(a.action_id),
                a.action_id,
                a.description,
                a.kind,
                a.org_id,
            )
            for a in actions
        ]
        rows.sort(key=lambda r: (not r[0], -r[1], r[2], r[3]))
        frame = pd.DataFrame(
            rows[: max(n, sum(r[0] for r in rows))],
            columns=["chosen", "risk_removed", "cost_gbp", "action_id", "action", "kind", "org_id"],
        )
        return frame

    # ------------------------------------------------------------------ choosing

    def choose(self, action_id: str, on: bool = True) -> Totals:
        """Choose (``on``) or un-choose an action; the totals after it."""
        action = self.candidates()[action_id]
        if on and action_id not in self.chosen:
            self.current.commit(action)
            self.chosen[action_id] = action
        elif not on and action_id in self.chosen:
            del self.chosen[action_id]
            self._replay()
        return self.totals()

    def reset(self) -> Totals:
        """Un-choose every action."""
        self.chosen.clear()
        self._ev = None
        return self.totals()

    def set_chosen(self, action_ids: list[str]) -> Totals:
        """Choose exactly these actions (in this order)."""
        cands = self.candidates()
        self.chosen = {i: cands[i] for i in action_ids}
        self._replay()
        return self.totals()

    def _replay(self) -> None:
        with self._lock:
            ev = self.base.copy()
        for a in self.chosen.values():
            ev.commit(a)
        self._ev = ev

    def totals(self) -> Totals:
        # the analysis's total risk: the starting evaluator's once it is built (the same
        # figure, tests/test_explorer.py), the analysis's own before (building it takes
        # seconds at region scale, and nothing chosen needs it)
        before = self._base.total if self._base is not None else self.analysis.total_risk
        after = self.current.total if self.chosen else before
        spent = sum(self.cost(i) for i in self.chosen) if self.chosen else 0.0
        return Totals(before=before, after=after, spent=round(spent, 2), chosen=len(self.chosen))

    # ------------------------------------------------------------------ what changes

    def risk_by_asset(self) -> pd.DataFrame:
        """:meth:`flowmap.Analysis.risk_by_asset` of the analysis as it is (worked out once)."""
        if self._risk is None:
            self._risk = self.analysis.risk_by_asset()
        return self._risk

    def top_risks(self, org: str = "", n: int = 10) -> pd.DataFrame:
        """The riskiest assets with the chosen actions applied, and their risk before."""
        base = self.risk_by_asset()
        before = base.set_index("asset_id")["total_risk"]
        now = self.current.risk_by_asset() if self.chosen else base
        if org:
            now = now[now["org_id"] == org]
        now = now.head(n)
        return pd.DataFrame(
            {
                "Asset": now["name"].astype(str) + " (" + now["asset_id"] + ")",
                "Organisation": now["org_id"],
                "Risk now": now["asset_id"].map(before).round(2).to_numpy(),
                "With the chosen actions": now["total_risk"].round(2).to_numpy(),
                "Cyber": now["cyber_risk"].round(2).to_numpy(),
                "Governance": now["governance_risk"].round(2).to_numpy(),
            }
        ).reset_index(drop=True)

    def attack_path(self, asset_id: str) -> tuple[list[str], float]:
        """The most likely attack path to an asset with the chosen actions applied."""
        return self.current.attack_path(asset_id)

    def plan(self, *, budget: float, actions: list[Action]):
        """The planner's choice among ``actions`` within ``budget`` (``flowmap plan``)."""
        return plan(self.analysis, budget=budget, candidates=actions)


def curve(plan_result) -> pd.DataFrame:
    """A plan's risk-versus-spend curve: after each step, pounds spent and risk left."""
    steps = plan_result.steps
    points = [(0.0, plan_result.risk_before)]
    for spent, removed in zip(steps["cumulative_cost_gbp"], steps["cumulative_risk_removed"]):
        points.append((float(spent), round(plan_result.risk_before - float(removed), 2)))
    return pd.DataFrame(points, columns=["spent_gbp", "risk_left"])
