"""What each action costs: the bundled indicative table, overridden by the inventory's own.

The default table (``flowmap/data/costs.csv``: ``action, system_kind, cost_gbp, note,
source``) holds indicative figures per action and system kind; an inventory's optional
``costs`` table or a ``--costs`` file (``action, subject_id, cost_gbp, note``; a blank
``subject_id`` means every subject) overrides it. The most specific row wins: the
subject's own row, then the action's blank-subject override, then the default for the
subject system's kind, then the default for any kind.

Examples
--------
>>> t = default_costs()
>>> float(t[(t["action"] == "put_dsa")]["cost_gbp"].iloc[0])
1500.0
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from flowmap.errors import ReferenceDataError
from flowmap.planning.actions import ACTION_KINDS, Action

DEFAULT_COLUMNS = ("action", "system_kind", "cost_gbp", "note", "source")
OVERRIDE_COLUMNS = ("action", "subject_id", "cost_gbp", "note")


def default_costs() -> pd.DataFrame:
    """The bundled indicative cost table."""
    with resources.as_file(resources.files("flowmap") / "data" / "costs.csv") as path:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["cost_gbp"] = frame["cost_gbp"].astype(float)
    return frame


def read_costs(costs: str | Path | pd.DataFrame | None) -> pd.DataFrame:
    """An override table from a CSV path or a frame, checked (empty when ``None``).

    >>> read_costs(pd.DataFrame({"action": ["patch"], "cost_gbp": [900]}))["subject_id"].tolist()
    ['']
    """
    if costs is None:
        return pd.DataFrame(columns=list(OVERRIDE_COLUMNS))
    where = "the costs table" if isinstance(costs, pd.DataFrame) else str(costs)
    if isinstance(costs, pd.DataFrame):
        frame = costs.copy()
    else:
        try:
            frame = pd.read_csv(costs, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as exc:
            raise ReferenceDataError(f"cannot read costs file {costs}: {exc}. Give a CSV with "
                                     f"columns {', '.join(OVERRIDE_COLUMNS)}.") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("action", "cost_gbp") if c not in frame.columns]
    if missing:
        raise ReferenceDataError(f"{where} has no column {', '.join(missing)}: it needs "
                                 f"{', '.join(OVERRIDE_COLUMNS)} (subject_id and note optional).")
    for col in ("subject_id", "note"):
        if col not in frame.columns:
            frame[col] = ""
    frame["action"] = frame["action"].astype(str).str.strip().str.lower()
    frame["subject_id"] = frame["subject_id"].fillna("").astype(str).str.strip()
    bad = sorted(set(frame["action"]) - set(ACTION_KINDS))
    if bad:
        raise ReferenceDataError(f"{where}: unknown action {', '.join(bad)}; use one of "
                                 f"{', '.join(ACTION_KINDS)}.")
    cost = pd.to_numeric(frame["cost_gbp"], errors="coerce")
    if cost.isna().any() or (cost < 0).any():
        raise ReferenceDataError(f"{where}: every cost_gbp must be a number of pounds, 0 or "
                                 "more.")
    frame["cost_gbp"] = cost.astype(float)
    return frame[list(OVERRIDE_COLUMNS)].reset_index(drop=True)


def action_costs(actions: list[Action], system_kinds: dict[str, str],
                 overrides: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cost of each action with where the figure came from.

    Returns one row per action: ``action_id``, ``cost_gbp``, ``cost_source``
    (``inventory`` or ``default (indicative)``) and ``cost_note``.
    """
    defaults = default_costs()
    by_kind = {(a, k): (c, n) for a, k, c, n in zip(defaults["action"], defaults["system_kind"],
                                                   defaults["cost_gbp"], defaults["note"])}
    over = overrides if overrides is not None else read_costs(None)
    own = {(a, s): (c, n) for a, s, c, n in zip(over["action"], over["subject_id"],
                                               over["cost_gbp"], over["note"])}
    rows = []
    for act in actions:
        kind = system_kinds.get(act.subject_id, "")
        for key, source in (((act.kind, act.subject_id), "inventory"),
                            ((act.kind, ""), "inventory")):
            if key in own:
                cost, note = own[key]
                break
        else:
            source = "default (indicative)"
            found = by_kind.get((act.kind, kind)) or by_kind.get((act.kind, ""))
            if found is None:
                raise ReferenceDataError(f"no cost for action {act.kind}: add a row for it to "
                                         "the costs table.")
            cost, note = found
        rows.append({"action_id": act.action_id, "cost_gbp": float(cost),
                     "cost_source": source, "cost_note": note})
    return pd.DataFrame(rows, columns=["action_id", "cost_gbp", "cost_source", "cost_note"])
