"""The investment plan as a board reads it: the top actions, one line of totals, and the
full list for the appendix."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowmap.render import fmt
from flowmap.render.board._html import block, esc
from flowmap.render.board.risks import org_names
from flowmap.render.board.table import Table

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis
    from flowmap.planning.portfolio import Plan

#: Actions listed in the body of the paper; the rest are in the appendix.
TOP_ACTIONS = 10


def plan_for_report(analysis: Analysis, *, budget: float, org: str | None = None) -> Plan:
    """The planner's actions within ``budget`` (``flowmap.plan``).

    For one organisation, the plan chooses among that organisation's own actions: the
    budget is theirs to spend.
    """
    from flowmap.planning.portfolio import plan
    from flowmap.render.board import cache

    if not org:
        return plan(analysis, budget=float(budget), candidates=cache.candidates(analysis))
    own = cache.candidates_of(analysis, org)
    return plan(analysis, budget=float(budget), candidates=own, evaluator=cache.evaluator(analysis))


def share_removed(plan: Plan) -> float | None:
    """The share of total risk the plan removes (``None`` when there is no risk)."""
    if plan.risk_before <= 0:
        return None
    return plan.risk_removed / plan.risk_before


def plan_sentence(plan: Plan, *, who: str = "", own: float | None = None) -> str:
    """One line of totals: what the budget buys and how much risk it removes.

    For one organisation's paper (``own``: the total risk of its own assets), the risk
    removed is set beside the organisation's own risk and the partnership's total, never
    given as a share of the partnership's total (which would make every organisation's
    plan look negligible).

    Examples
    --------
    >>> from types import SimpleNamespace as P
    >>> p = P(steps=[1, 2], budget=50000, spent=42000, risk_removed=91.0,
    ...       risk_before=714270.0, risk_after=714179.0)
    >>> print(plan_sentence(p, who=" at Oakhurst", own=244.0))
    £42,000 of the £50,000 budget funds 2 actions at Oakhurst that remove 91 risk points; \
the organisation's own assets carry 244 risk points, and the partnership's total goes from \
714,270 to 714,179.
    """
    n = len(plan.steps)
    if not n:
        return (
            f"No action within the budget of {fmt.gbp(plan.budget)} would remove "
            f"measured risk{who}."
        )
    funds = (
        f"{fmt.gbp(plan.spent)} of the {fmt.gbp(plan.budget)} budget funds "
        f"{fmt.plural(n, 'action')}{who} that remove {fmt.risk(plan.risk_removed)}"
    )
    if own is not None:
        return (
            f"{funds} risk points; the organisation's own assets carry {fmt.risk(own)} risk "
            f"points, and the partnership's total goes from {fmt.risk(plan.risk_before)} to "
            f"{fmt.risk(plan.risk_after)}."
        )
    removed = share_removed(plan)
    share = f" ({fmt.pct(removed)} of the total)" if removed is not None else ""
    return (
        f"{funds} of {fmt.risk(plan.risk_before)} risk points{share}, leaving "
        f"{fmt.risk(plan.risk_after)}."
    )


def own_risk(analysis: Analysis, org: str | None) -> float | None:
    """The total risk of an organisation's own assets (None for the whole partnership)."""
    if not org:
        return None
    from flowmap.render.board import cache

    return float(cache.summary(analysis)["by_org"].get(org, {}).get("total_risk", 0.0))


def _steps(analysis: Analysis, plan: Plan) -> pd.DataFrame:
    s = plan.steps
    names = org_names(analysis)
    return pd.DataFrame(
        {
            "Action": s["action"].to_list(),
            "Organisation": s["org_id"].map(names).fillna(s["org_id"]).to_list(),
            "Cost": [fmt.gbp(v) for v in s["cost_gbp"]],
            "Risk removed": [fmt.risk(v) for v in s["risk_removed"]],
            "Why": s["reason"].to_list() if "reason" in s.columns else [""] * len(s),
            "Spent so far": [fmt.gbp(v) for v in s["cumulative_cost_gbp"]],
        }
    )


def investment_plan(
    analysis: Analysis, plan: Plan, *, org: str | None = None, n: int = TOP_ACTIONS
):
    """The total in one line and the top ``n`` actions (the rest: :func:`plan_appendix`)."""
    who = f" at {org_names(analysis).get(org, org)}" if org else ""
    steps = _steps(analysis, plan)
    more = len(steps) - n
    table = Table(
        steps.head(n).drop(columns=["Spent so far"]),
        id="fm-plan-top",
        numeric=["Cost", "Risk removed"],
        note=(
            f"The other {fmt.plural(more, 'action')} are listed in the appendix."
            if more > 0
            else ""
        ),
        empty="No action is recommended.",
    )
    return block(
        f'<p class="fm-lead" id="fm-plan-total" data-spent="{plan.spent:.0f}" '
        f'data-budget="{plan.budget:.0f}" data-risk-after="{plan.risk_after:.2f}">'
        f"{esc(plan_sentence(plan, who=who, own=own_risk(analysis, org)))}</p>{table.html()}",
        id="fm-plan",
    )


def plan_appendix(analysis: Analysis, plan: Plan) -> Table:
    """Every action the plan funds, in order."""
    return Table(
        _steps(analysis, plan).drop(columns=["Why"]),
        id="fm-plan-all",
        numeric=["Cost", "Risk removed", "Spent so far"],
        caption=plan_sentence(plan),
        empty="No action is recommended.",
    )
