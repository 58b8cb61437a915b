"""Re-score changed systems in one batch: the likelihood part of a counterfactual.

A system action (patch, upgrade the OS, enable MFA ...) changes one system's row and
its vulnerabilities. Scoring a one-row frame costs as much pandas overhead as scoring
a thousand, so the planner gathers the changed systems of many candidate actions and
scores them in one :func:`flowmap.engine.likelihood.system_likelihood` call. Every row is
scored on its own (no value depends on another row), so a batch gives each system
exactly the score it would get alone.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from flowmap.engine.likelihood import entry_likelihood, system_likelihood
from flowmap.engine.settings import AnalysisSettings
from flowmap.inventory.model import Inventory
from flowmap.reference.eol import MATCH_COLUMNS, EolTable

OS_MATCH = MATCH_COLUMNS


def rescore(
    changed: list[tuple[str, Inventory]],
    *,
    os_match: pd.DataFrame,
    current_os: dict[str, str],
    as_of: dt.date,
    settings: AnalysisSettings,
    eol: EolTable,
) -> list[tuple[float, float]]:
    """Likelihood and entry likelihood of each changed system.

    Parameters
    ----------
    changed : list of (system_id, Inventory)
        Each an inventory holding just the changed system's row and its
        vulnerabilities (the same system may appear more than once).
    os_match : DataFrame
        The current end-of-life match per system (indexed by ``system_id``); kept
        where the OS text did not change, else the OS is matched against ``eol``.
    current_os : dict
        Each system's OS text before the change.
    eol : EolTable
        The analysis's end-of-life table.

    Returns
    -------
    list of (likelihood, entry likelihood), in the order of ``changed``.
    """
    if not changed:
        return []
    labels = [str(i) for i in range(len(changed))]
    systems = pd.concat(
        [inv.systems.assign(system_id=label) for label, (_, inv) in zip(labels, changed)],
        ignore_index=True,
    )
    vulns = [
        inv.vulnerabilities.assign(system_id=label)
        for label, (_, inv) in zip(labels, changed)
        if len(inv.vulnerabilities)
    ]
    vulns = pd.concat(vulns, ignore_index=True) if vulns else changed[0][1].vulnerabilities.iloc[:0]
    sids = [sid for sid, _ in changed]
    same = [
        sid in os_match.index and os == current_os.get(sid) for sid, os in zip(sids, systems["os"])
    ]
    kept = [i for i, s in enumerate(same) if s]
    fresh = [i for i, s in enumerate(same) if not s]
    parts = []
    if kept:
        parts.append(os_match.loc[[sids[i] for i in kept], list(OS_MATCH)].set_axis(kept))
    if fresh:
        parts.append(eol.match_many(systems["os"].iloc[fresh])[list(OS_MATCH)].set_axis(fresh))
    match = pd.concat(parts).sort_index() if len(parts) > 1 else parts[0]
    scored = system_likelihood(systems, vulns, match, as_of=as_of, settings=settings)
    entry = entry_likelihood(systems, scored["likelihood"], settings).round(4)
    return list(zip(scored["likelihood"].astype(float).tolist(), entry.astype(float).tolist()))
