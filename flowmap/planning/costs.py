"""What each action costs: the bundled indicative table, overridden by the inventory's own.

The default table (``flowmap/data/costs.csv``: ``action, system_kind, cost_gbp, note,
source``) holds indicative figures per action and system kind; an inventory's optional
``costs`` table or a ``--costs`` file (``action, subject_id, cost_gbp, note``; a blank
``subject_id`` means every subject) overrides it. The most specific row wins: the
subject's own row, then the action's blank-subject override, then the default for the
subject system's kind, then the default for any kind.

Examples
--------
>>> t = bundled_costs()
>>> float(t[(t["action"] == "put_dsa")]["cost_gbp"].iloc[0])
1500.0
"""

from __future__ import annotations

import pandas as pd

from flowmap.errors import ReferenceDataError
from flowmap.planning.actions import Action
from flowmap.reference.costs import bundled_costs, check_costs


def action_costs(
    actions: list[Action], system_kinds: dict[str, str], overrides: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Cost of each action with where the figure came from.

    Returns one row per action: ``action_id``, ``cost_gbp``, ``cost_source``
    (``inventory`` or ``default (indicative)``) and ``cost_note``.
    """
    defaults = bundled_costs()
    by_kind = {
        (a, k): (c, n)
        for a, k, c, n in zip(
            defaults["action"], defaults["system_kind"], defaults["cost_gbp"], defaults["note"]
        )
    }
    over = overrides if overrides is not None else check_costs(None)
    own = {
        (a, s): (c, n)
        for a, s, c, n in zip(over["action"], over["subject_id"], over["cost_gbp"], over["note"])
    }
    rows = []
    for act in actions:
        kind = system_kinds.get(act.subject_id, "")
        for key, source in (  # noqa: B007 (source is read after the loop breaks)
            ((act.kind, act.subject_id), "inventory"),
            ((act.kind, ""), "inventory"),
        ):
            if key in own:
                cost, note = own[key]
                break
        else:
            source = "default (indicative)"
            found = by_kind.get((act.kind, kind)) or by_kind.get((act.kind, ""))
            if found is None:
                raise ReferenceDataError(
                    f"no cost for action {act.kind}: add a row for it to the costs table."
                )
            cost, note = found
        rows.append(
            {
                "action_id": act.action_id,
                "cost_gbp": float(cost),
                "cost_source": source,
                "cost_note": note,
            }
        )
    return pd.DataFrame(rows, columns=["action_id", "cost_gbp", "cost_source", "cost_note"])
