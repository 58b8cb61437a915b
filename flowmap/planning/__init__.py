"""Security investment planning: candidate actions, costs, counterfactual benefit, portfolio.

>>> from flowmap.planning import ACTION_KINDS
>>> len(ACTION_KINDS)
17
"""

from __future__ import annotations

from flowmap.planning.actions import ACTION_KINDS, Action, candidate_actions
from flowmap.planning.apply import apply_actions
from flowmap.planning.evaluate import Evaluator, full_risk
from flowmap.planning.portfolio import Plan, exact_plan, plan

__all__ = [
    "ACTION_KINDS",
    "Action",
    "Evaluator",
    "Plan",
    "apply_actions",
    "candidate_actions",
    "exact_plan",
    "full_risk",
    "plan",
]
