"""Re-score changed systems in one batch: the likelihood part of a counterfactual.

A system action (patch, upgrade the OS, enable MFA ...) changes one system's row and
its vulnerabilities. Scoring a one-row frame costs as much pandas overhead as scoring
a thousand, so the planner applies every candidate action of a kind to its own
system's rows at once and scores them in one
:func:`flowmap.engine.likelihood.system_likelihood` call. Every row is scored on its own
(no value depends on another row), so a batch gives each system exactly the score it
would get alone.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from flowmap.engine.likelihood import entry_likelihood, system_likelihood
from flowmap.engine.settings import AnalysisSettings
from flowmap.reference.eol import MATCH_COLUMNS, EolTable

OS_MATCH = MATCH_COLUMNS


def rescore(
    systems: pd.DataFrame,
    vulnerabilities: pd.DataFrame,
    *,
    os_match: pd.DataFrame,
    current_os: dict[str, str],
    as_of: dt.date,
    settings: AnalysisSettings,
    eol: EolTable,
) -> tuple[list[float], list[float]]:
    """Likelihood and entry likelihood of each changed system.

    Parameters
    ----------
    systems : DataFrame
        The changed systems' rows (each system once), as the actions leave them.
    vulnerabilities : DataFrame
        Their vulnerabilities, as the actions leave them.
    os_match : DataFrame
        The current end-of-life match per system (indexed by ``system_id``); kept
        where the OS text did not change, else the OS is matched against ``eol``.
    current_os : dict
        Each system's OS text before the change.
    eol : EolTable
        The analysis's end-of-life table.

    Returns
    -------
    (likelihoods, entry likelihoods), each a list in the order of ``systems``.
    """
    if not len(systems):
        return [], []
    systems = systems.reset_index(drop=True)
    sids = systems["system_id"].tolist()
    known = pd.Index(sids).isin(os_match.index)
    same = [k and os == current_os.get(sid) for k, sid, os in zip(known, sids, systems["os"])]
    kept = [i for i, s in enumerate(same) if s]
    fresh = [i for i, s in enumerate(same) if not s]
    parts = []
    if kept:
        parts.append(os_match.loc[[sids[i] for i in kept], list(OS_MATCH)].set_axis(kept))
    if fresh:
        parts.append(eol.match_many(systems["os"].iloc[fresh])[list(OS_MATCH)].set_axis(fresh))
    match = pd.concat(parts).sort_index() if len(parts) > 1 else parts[0]
    scored = system_likelihood(systems, vulnerabilities, match, as_of=as_of, settings=settings)
    entry = entry_likelihood(systems, scored["likelihood"], settings).round(4)
    return scored["likelihood"].astype(float).tolist(), entry.astype(float).tolist()
