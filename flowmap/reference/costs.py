"""Indicative costs of security actions: the bundled table and a person's overrides.

The planner prices every candidate action from these: an override for the subject,
then an override for the kind of action, then the bundled indicative figure (with its
source, ``flowmap/data/costs.csv``). See ``docs/planning.md``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from flowmap.errors import ReferenceDataError
from flowmap.inventory.schema import ACTION_KINDS

DEFAULT_COLUMNS = ("action", "system_kind", "cost_gbp", "note", "source")
OVERRIDE_COLUMNS = ("action", "subject_id", "cost_gbp", "note")


@lru_cache(maxsize=1)
def _bundled() -> pd.DataFrame:
    with resources.as_file(resources.files("flowmap") / "data" / "costs.csv") as path:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["cost_gbp"] = frame["cost_gbp"].astype(float)
    return frame


def bundled_costs() -> pd.DataFrame:
    """The bundled indicative cost table (a copy: change it freely)."""
    return _bundled().copy()


def load_costs(path: str | Path) -> pd.DataFrame:
    """Read a cost-override CSV (``action, subject_id, cost_gbp, note``) and check it.

    Raises
    ------
    ReferenceDataError
        The file cannot be read, or a column, action or cost is wrong (the message
        names the file and what to fix).
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise ReferenceDataError(
            f"cannot read costs file {path}: {exc}. Give a CSV with "
            f"columns {', '.join(OVERRIDE_COLUMNS)}."
        ) from None
    return check_costs(frame, where=Path(path).name)


def check_costs(costs: pd.DataFrame | None, *, where: str = "the costs table") -> pd.DataFrame:
    """A cost-override table, checked and tidied (an empty one when ``None``).

    >>> check_costs(pd.DataFrame({"action": ["patch"], "cost_gbp": [900]}))["subject_id"].tolist()
    ['']
    """
    if costs is None:
        return pd.DataFrame(columns=list(OVERRIDE_COLUMNS))
    frame = costs.copy()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("action", "cost_gbp") if c not in frame.columns]
    if missing:
        raise ReferenceDataError(
            f"{where} has no column {', '.join(missing)}: it needs "
            f"{', '.join(OVERRIDE_COLUMNS)} (subject_id and note optional)."
        )
    for col in ("subject_id", "note"):
        if col not in frame.columns:
            frame[col] = ""
    frame["action"] = frame["action"].astype(str).str.strip().str.lower()
    frame["subject_id"] = frame["subject_id"].fillna("").astype(str).str.strip()
    bad = sorted(set(frame["action"]) - set(ACTION_KINDS))
    if bad:
        raise ReferenceDataError(
            f"{where}: unknown action {', '.join(bad)}; use one of {', '.join(ACTION_KINDS)}."
        )
    cost = pd.to_numeric(frame["cost_gbp"], errors="coerce").astype(float)
    if cost.isna().any() or (cost < 0).any() or not np.isfinite(cost).all():
        raise ReferenceDataError(
            f"{where}: every cost_gbp must be a finite number of pounds, 0 or more."
        )
    frame["cost_gbp"] = cost.astype(float)
    return frame[list(OVERRIDE_COLUMNS)].reset_index(drop=True)
