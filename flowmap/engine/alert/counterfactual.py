"""The attack paths if a vulnerability were exploitable everywhere it applies.

The counterfactual is exact: each affected system gets the vulnerability as an open,
known-exploited row (ransomware-linked when the catalogue says so), its likelihood is
scored again by :func:`flowmap.engine.likelihood.system_likelihood` (every system is scored
on its own, so scoring the affected ones alone gives each the score a full analysis would),
and the movement graph and every asset's most likely path are built again from the new
likelihoods with the analysis's own functions. Nothing else in the inventory changes, so
this equals re-analysing the changed inventory (``tests/test_alert.py`` checks that) at
the cost of the path stage alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flowmap.engine.analysis import Analysis
from flowmap.engine.likelihood import entry_likelihood, system_likelihood
from flowmap.engine.movement import movement_edges
from flowmap.engine.paths import asset_paths, most_likely_paths

__all__ = ["Counterfactual", "if_exploited"]


@dataclass(frozen=True)
class Counterfactual:
    """Likelihoods and paths after the change.

    Attributes
    ----------
    likelihood : Series
        Each system's likelihood after, by ``system_id``.
    reach : Series
        Probability of the most likely path to each system after, by ``system_id``.
    paths : DataFrame
        :func:`flowmap.engine.paths.asset_paths` after (one row per asset).
    """

    likelihood: pd.Series
    reach: pd.Series
    paths: pd.DataFrame


def exploited_rows(
    vulns: pd.DataFrame, system_ids: list[str], cve_id: str, *, ransomware: bool
) -> pd.DataFrame:
    """The vulnerabilities table with ``cve_id`` open and known-exploited on each system: a
    row of that CVE already there is re-opened and marked known-exploited (keeping its CVSS
    and EPSS), and a new row is added where there is none."""
    out = vulns.copy()
    same = out["system_id"].isin(system_ids) & (out["cve_id"].str.strip().str.upper() == cve_id)
    # a recorded row keeps its scores: it becomes open and known-exploited
    out.loc[same, "status"] = "open"
    out.loc[same, "kev"] = True
    if ransomware:
        out.loc[same, "ransomware"] = True
    recorded = set(out.loc[same, "system_id"])
    system_ids = [s for s in system_ids if s not in recorded]
    n = len(system_ids)
    added = {}
    for column, dtype in vulns.dtypes.items():
        added[column] = (
            [""] * n if dtype is np.dtype(object) else pd.Series([None] * n).astype(dtype)
        )
    added.update(
        system_id=list(system_ids),
        cve_id=[cve_id] * n,
        kev=pd.array([True] * n, dtype="boolean"),
        ransomware=pd.array([bool(ransomware)] * n, dtype="boolean"),
        status=["open"] * n,
    )
    extra = pd.DataFrame(added, columns=list(vulns.columns)).astype(vulns.dtypes.to_dict())
    return pd.concat([out, extra], ignore_index=True)


def if_exploited(
    analysis: Analysis, system_ids: Iterable[str], cve_id: str, *, ransomware: bool = False
) -> Counterfactual:
    """Likelihoods and every asset's most likely path if ``cve_id`` were open and
    known-exploited on ``system_ids``.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> same = if_exploited(a, [], "CVE-2099-0001")
    >>> same.paths["probability"].tolist() == a.attack_paths["probability"].tolist()
    True
    >>> after = if_exploited(a, ["RXA-EPR-01"], "CVE-2099-0001")
    >>> bool(after.likelihood["RXA-EPR-01"] > a.systems.set_index("system_id").at[
    ...     "RXA-EPR-01", "likelihood"])
    True
    """
    ids = list(dict.fromkeys(system_ids))
    systems = analysis.systems
    if not ids:  # nothing changes: the analysis's own figures
        by_id = systems.set_index("system_id")
        return Counterfactual(
            likelihood=by_id["likelihood"].astype("float64"),
            reach=by_id["reach"].astype("float64"),
            paths=analysis.attack_paths,
        )
    vulns = analysis.inventory.vulnerabilities
    by_id = systems.set_index("system_id")
    like = by_id["likelihood"].astype("float64").copy()
    if ids:
        rows = systems[systems["system_id"].isin(ids)]
        changed = exploited_rows(
            vulns[vulns["system_id"].isin(ids)], ids, cve_id, ransomware=ransomware
        )
        base = analysis.inventory.systems
        scored = system_likelihood(
            base.loc[rows.index], changed, rows, as_of=analysis.as_of, settings=analysis.settings
        )
        like.loc[rows["system_id"].to_numpy()] = scored["likelihood"].astype("float64").to_numpy()
    base = analysis.inventory.systems
    entry = pd.Series(
        entry_likelihood(base, pd.Series(like.to_numpy(), index=base.index), analysis.settings)
        .round(4)
        .to_numpy(),
        index=like.index,
    )
    moves = movement_edges(analysis.inventory, like, entry)
    attack = most_likely_paths(moves, backend=analysis.settings.path_backend)
    assets = analysis.assets.set_index("asset_id")
    kinds = _entry_kinds(systems, analysis)
    paths = asset_paths(attack, analysis.copies, analysis.inventory.assets, assets["impact"], kinds)
    reach = pd.Series(np.round(attack.reach_many(like.index.to_numpy()), 4), index=like.index)
    return Counterfactual(likelihood=like, reach=reach, paths=paths)


def _entry_kinds(systems: pd.DataFrame, analysis: Analysis) -> dict[str, str]:
    """Each system's kind of entry point, as the analysis named them (unchanged by a CVE)."""
    facing = systems["internet_facing"].fillna(False).astype(bool).to_numpy()
    phish = systems["kind"].isin(analysis.settings.phishing_kinds).to_numpy()
    kinds = np.where(facing, "internet-facing", np.where(phish, "phishing", ""))
    return dict(zip(systems["system_id"], kinds.tolist()))
