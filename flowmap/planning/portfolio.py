"""Choose what to fund: the actions that remove the most risk within a budget.

Greedy with re-evaluation: at each step every affordable candidate's risk removed is
measured *given the actions already chosen* (actions interact: patching the entry
point of a path makes segmenting behind it worth less), and the one removing the
most risk per pound is chosen (ties: more risk removed, then the action id). It stops
when nothing affordable removes risk. :func:`exact_plan` searches every subset, for
tests on small cases; ``docs/planning.md`` gives the measured gap.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.errors import UsageError
from flowmap.inventory.textstorage import python_text
from flowmap.planning.actions import Action, candidate_actions
from flowmap.planning.costs import action_costs
from flowmap.planning.evaluate import Committed, Evaluator
from flowmap.planning.greedy import MIN_GAIN, LazyGreedy
from flowmap.progress import counter
from flowmap.reference.costs import check_costs

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

STEP_COLUMNS = [
    "order",
    "action_id",
    "action",
    "kind",
    "subject_type",
    "subject_id",
    "org_id",
    "cost_gbp",
    "cumulative_cost_gbp",
    "risk_removed",
    "cumulative_risk_removed",
    "reason",
]
CANDIDATE_COLUMNS = [
    "action_id",
    "action",
    "kind",
    "subject_type",
    "subject_id",
    "org_id",
    "cost_gbp",
    "cost_source",
    "risk_removed",
    "risk_removed_per_10k_gbp",
    "chosen",
    "status",
]


@dataclass
class Plan:
    """An ordered investment plan (see :func:`plan`)."""

    steps: pd.DataFrame
    candidates: pd.DataFrame
    budget: float
    risk_before: float
    risk_after: float
    spent: float
    as_of: str = ""
    inventory: str = ""
    actions: list[Action] = field(default_factory=list, repr=False)
    sources: dict[str, str] = field(default_factory=dict, repr=False)
    measured: int = field(default=0, repr=False)  # candidate measures made (for benchmarks)

    @property
    def risk_removed(self) -> float:
        return round(self.risk_before - self.risk_after, 2)

    def __repr__(self) -> str:
        return (
            f"Plan({len(self.steps)} actions, £{self.spent:,.0f} of £{self.budget:,.0f}, "
            f"risk {self.risk_before:,.2f} -> {self.risk_after:,.2f})"
        )


@python_text
def plan(
    analysis: Analysis,
    *,
    budget: float,
    must: Sequence[str] = (),
    exclude: Sequence[str] = (),
    costs: pd.DataFrame | None = None,
    candidates: Iterable[Action] | None = None,
    progress: bool = False,
    evaluator: Evaluator | None = None,
) -> Plan:
    """The actions that remove the most risk within ``budget`` pounds, in order.

    Parameters
    ----------
    analysis : Analysis
        From :func:`flowmap.analyse`.
    budget : float
        Pounds available.
    must, exclude : sequence of str
        Action ids to fund first whatever they remove, or never to fund.
    costs : DataFrame, optional
        Cost overrides (``action, subject_id, cost_gbp, note``), on top of the
        inventory's own ``costs`` table and the bundled indicative costs; read a CSV
        of them with :func:`flowmap.reference.costs.load_costs`.
    candidates : iterable of Action, optional
        Restrict the choice to these (default: every candidate of the analysis).
    progress : bool
        Show progress bars (measuring the candidates, then choosing), in a terminal
        or a notebook.
    evaluator : Evaluator, optional
        An evaluator of ``analysis`` with no action committed, made once and kept for
        many plans (a region's per-organisation papers): the plan works on a copy of it
        (:meth:`Evaluator.copy`) instead of building its own, with the effects it has
        worked out of ``candidates`` (:meth:`Evaluator.prepare`). The plan is the same.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> p = plan(a, budget=20000)
    >>> p.spent <= 20000 and p.risk_after < p.risk_before
    True
    """
    if not (isinstance(budget, int | float) and math.isfinite(budget) and budget >= 0):
        raise UsageError(
            f"budget {budget!r} is not a number of pounds: give 0 or more, e.g. 250000.",
            param="budget",
        )
    cands = list(candidate_actions(analysis) if candidates is None else candidates)
    by_id = {c.action_id: c for c in cands}
    for label, ids in (("must", must), ("exclude", exclude)):
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise UsageError(
                f"{label}: no candidate action {', '.join(unknown)}; valid ids "
                f"include {', '.join(sorted(by_id)[:5])} (see candidates in "
                "plan.json or plan.xlsx).",
                param=label,
            )
    both = set(must) & set(exclude)
    if both:
        raise UsageError(
            f"must and exclude both name {', '.join(sorted(both))}: choose one.", param="must"
        )
    cost = _costs(analysis, cands, costs)
    must_cost = sum(cost[i] for i in dict.fromkeys(must))
    if must_cost > budget:
        raise UsageError(
            f"must: the actions cost £{must_cost:,.0f}, more than the budget "
            f"£{budget:,.0f}: raise the budget or drop some.",
            param="must",
        )
    ev = Evaluator(analysis) if evaluator is None else evaluator.copy(by_id)
    risk_before = ev.total
    greedy = LazyGreedy(ev, cands, cost)
    with counter(
        len(cands), description="measuring actions", unit="action", enabled=progress
    ) as advance:
        greedy.measure(range(len(cands)), advance, exact=True)
    standalone = {c.action_id: greedy.gain(i) for i, c in enumerate(cands)}
    chosen: list[Action] = []
    records: list[dict] = []
    spent = 0.0
    assets = analysis.assets.set_index("asset_id")
    for aid in exclude:
        greedy.close(greedy.position[aid])
    affordable = min(budget, math.fsum(cost[c.action_id] for c in cands))
    with counter(
        round(affordable), description="choosing actions", unit="£", enabled=progress
    ) as advance:
        for aid in dict.fromkeys(must):
            spent = _choose(greedy, greedy.position[aid], cost[aid], spent, chosen, records, assets)
        advance(round(spent))
        while (i := greedy.best(budget - spent)) is not None:
            before = spent
            spent = _choose(greedy, i, greedy.cost[i], spent, chosen, records, assets)
            advance(round(spent) - round(before))
    steps = pd.DataFrame(records, columns=STEP_COLUMNS)
    table = _candidates_frame(
        cands, cost, standalone, _costs_frame, chosen, set(exclude), analysis, costs
    )
    return Plan(
        steps=steps,
        candidates=table,
        budget=float(budget),
        risk_before=risk_before,
        risk_after=ev.total,
        spent=round(spent, 2),
        as_of=analysis.as_of.isoformat(),
        inventory=analysis.inventory.name,
        actions=list(chosen),
        sources=dict(analysis.sources),
        measured=greedy.measured,
    )


def _costs_frame(analysis: Analysis, cands: list[Action], costs) -> pd.DataFrame:
    tables = [check_costs(costs)]
    own = analysis.inventory.tables.get("costs")
    if own is not None and len(own):
        tables.append(check_costs(own, where="the inventory's costs table"))
    merged = pd.concat(tables, ignore_index=True).drop_duplicates(["action", "subject_id"])
    kinds = dict(zip(analysis.systems["system_id"], analysis.systems["kind"]))
    return action_costs(cands, kinds, merged)


def _costs(analysis: Analysis, cands: list[Action], costs) -> dict[str, float]:
    frame = _costs_frame(analysis, cands, costs)
    return dict(zip(frame["action_id"], frame["cost_gbp"]))


def _choose(
    greedy: LazyGreedy,
    i: int,
    cost: float,
    spent: float,
    chosen: list[Action],
    records: list[dict],
    assets: pd.DataFrame,
) -> float:
    """Fund candidate ``i``: commit it, record the step, and measure again what it changed."""
    ev, action = greedy.ev, greedy.cands[i]
    before = ev.total
    done = ev.commit(action)
    greedy.close(i)
    greedy.measure(greedy.stale(done))
    removed = round(before - ev.total, 2)
    spent += cost
    chosen.append(action)
    previous = records[-1]["cumulative_risk_removed"] if records else 0.0
    records.append(
        {
            "order": len(records) + 1,
            "action_id": action.action_id,
            "action": action.description,
            "kind": action.kind,
            "subject_type": action.subject_type,
            "subject_id": action.subject_id,
            "org_id": action.org_id,
            "cost_gbp": round(cost, 2),
            "cumulative_cost_gbp": round(spent, 2),
            "risk_removed": removed,
            "cumulative_risk_removed": round(previous + removed, 2),
            "reason": _reason(ev, done, assets),
        }
    )
    return spent


def _reason(ev: Evaluator, done: Committed, a: pd.DataFrame) -> str:
    """Plain English: the largest drop in an asset's path risk, or the findings resolved."""
    ids = ev.exposure.asset_ids
    drops = sorted(
        ((old - new, ids[k]) for k, (old, new) in done.assets.items() if old - new > 0),
        reverse=True,
    )
    resolved = sorted(
        f
        for f, old in done.findings.items()
        if old is not None and (f not in ev.gov or ev.gov[f] < old)
    )
    parts = []
    if drops:
        _drop, asset = drops[0]
        old, new = done.assets[ev.exposure.asset_index[asset]]
        records = a.at[asset, "records"]
        impact = float(a.at[asset, "impact"]) or 1.0
        parts.append(
            f"cuts the most likely attack path to {a.at[asset, 'name']} ({asset}"
            + (f", {int(records):,} records" if pd.notna(records) else "")
            + f") from {old / impact:.0%} to {new / impact:.0%}"
            + (
                f", and lowers the paths to {len(drops) - 1} other asset"
                f"{'' if len(drops) == 2 else 's'}"
                if len(drops) > 1
                else ""
            )
        )
    if resolved:
        rules = sorted({f.split(":", 1)[0] for f in resolved})
        parts.append(
            f"resolves {len(resolved)} governance finding"
            f"{'' if len(resolved) == 1 else 's'} ({', '.join(rules)})"
        )
    if not parts:
        return "removes no measurable risk now (funded as a must-do)"
    return "; ".join(parts) + "."


def _candidates_frame(
    cands, cost, standalone, costs_frame, chosen, banned, analysis: Analysis, costs
) -> pd.DataFrame:
    frame = costs_frame(analysis, cands, costs).set_index("action_id")
    picked = {c.action_id for c in chosen}
    rows = [
        {
            "action_id": c.action_id,
            "action": c.description,
            "kind": c.kind,
            "subject_type": c.subject_type,
            "subject_id": c.subject_id,
            "org_id": c.org_id,
            "cost_gbp": cost[c.action_id],
            "cost_source": frame.at[c.action_id, "cost_source"],
            "risk_removed": standalone[c.action_id],
            "risk_removed_per_10k_gbp": round(
                standalone[c.action_id] * 10000 / cost[c.action_id], 2
            )
            if cost[c.action_id] > 0
            else 0.0,
            "chosen": c.action_id in picked,
            "status": "chosen"
            if c.action_id in picked
            else "excluded"
            if c.action_id in banned
            else "no measurable risk removed"
            if standalone[c.action_id] < MIN_GAIN
            else "not funded",
        }
        for c in cands
    ]
    out = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
    return out.sort_values(
        ["risk_removed", "action_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def exact_plan(
    analysis: Analysis,
    *,
    budget: float,
    candidates: Sequence[Action],
    costs: pd.DataFrame | None = None,
) -> tuple[float, list[Action]]:
    """The best subset of ``candidates`` within ``budget`` by exhaustive search (small cases).

    Returns the risk left and the actions; each subset is evaluated incrementally from
    the analysis.
    """
    cands = list(candidates)
    if len(cands) > 16:
        raise UsageError("exact_plan searches every subset: give at most 16 candidates.")
    cost = _costs(analysis, cands, costs)
    best_risk, best_set = Evaluator(analysis).total, []
    for r in range(1, len(cands) + 1):
        for subset in itertools.combinations(cands, r):
            if sum(cost[c.action_id] for c in subset) > budget + 1e-9:
                continue
            ev = Evaluator(analysis)
            for c in subset:
                ev.commit(c)
            if ev.total < best_risk - 1e-9:
                best_risk, best_set = ev.total, list(subset)
    return best_risk, best_set
