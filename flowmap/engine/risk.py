"""Total risk in impact points: what each finding adds, so nothing is counted twice.

``docs/scoring.md`` (section 6) explains the formula: cyber risk is the attack-path risk
of every asset; governance risk is what flow, asset and backup findings add on top.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.engine.settings import DEFAULT_SETTINGS, AnalysisSettings

#: Rules whose risk is already counted as cyber risk (through likelihood and paths).
CYBER_RULES = frozenset({"ATTACK_PATH", "SENSITIVE_COPY_EXPOSED"})
#: Joins a problem id and an asset id into the key of one weakness (a character that no
#: id holds).
GROUP_SEP = "\x1f"


def finding_asset(findings: pd.DataFrame, flows: pd.DataFrame) -> pd.Series:
    """The asset each finding concerns ('' for system findings)."""
    flow_asset = findings["subject_id"].map(flows.set_index("flow_id")["asset_id"])
    flow_asset = flow_asset.astype(object).where(flow_asset.notna(), "")
    return pd.Series(
        np.select(
            [findings["subject_type"] == "asset", findings["subject_type"] == "flow"],
            [findings["subject_id"].astype(object), flow_asset],
            "",
        ),
        index=findings.index,
        dtype=object,
    )


def finding_risk(
    findings: pd.DataFrame,
    flows: pd.DataFrame,
    assets: pd.DataFrame,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    *,
    asset: pd.Series | None = None,
) -> pd.Series:
    """Governance risk each finding adds to the total, counting each weakness once.

    A finding's own risk is weight x (score / 100) x the impact of its data
    (:func:`finding_risk_parts`). Findings of one problem about one asset are one
    weakness (an unencrypted email of patient data is both ``FLOW_UNENCRYPTED`` and
    ``FLOW_INSECURE_TRANSPORT``; three flows of one asset to a partner with no agreement
    are one missing agreement), so only the largest of them counts; the others add 0.
    Ties go to the finding whose id sorts first. System findings and the path and copy
    rules count 0: their risk is the cyber risk, through each system's likelihood.

    Examples
    --------
    >>> f = pd.DataFrame({"finding_id": ["FLOW_UNENCRYPTED:F1", "FLOW_INSECURE_TRANSPORT:F1"],
    ...     "problem_id": ["transport:F1"] * 2, "rule": ["FLOW_UNENCRYPTED",
    ...     "FLOW_INSECURE_TRANSPORT"], "subject_type": ["flow"] * 2,
    ...     "subject_id": ["F1"] * 2, "score": [65.0, 70.0]})
    >>> flows = pd.DataFrame({"flow_id": ["F1"], "asset_id": ["A1"]})
    >>> assets = pd.DataFrame({"asset_id": ["A1"], "impact": [90.0]})
    >>> finding_risk(f, flows, assets).tolist()
    [0.0, 6.3]
    """
    parts = finding_risk_parts(findings, flows, assets, settings, asset=asset)
    return counted_risk(parts["group"], parts["risk"], findings["finding_id"])


def finding_risk_parts(
    findings: pd.DataFrame,
    flows: pd.DataFrame,
    assets: pd.DataFrame,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    *,
    asset: pd.Series | None = None,
) -> pd.DataFrame:
    """Each finding's own governance risk and the weakness it belongs to.

    Returns ``group`` (the problem id and the asset id joined by :data:`GROUP_SEP`: the
    findings one fix would close, about one asset) and ``risk`` (weight x (score / 100)
    x the asset's impact; 0 for system, path and copy findings), indexed like
    ``findings``. ``asset`` is :func:`finding_asset` of the findings, when known.
    """
    impact = assets.set_index("asset_id")["impact"]
    asset = finding_asset(findings, flows) if asset is None else asset
    counted = findings["subject_type"].isin(["flow", "asset", "backup"]) & ~findings["rule"].isin(
        CYBER_RULES
    )
    risk = (
        settings.governance_weight
        * findings["score"].astype("float64")
        / 100.0
        * asset.map(impact).fillna(0.0)
    )
    group = findings["problem_id"].astype(object) + GROUP_SEP + asset.astype(object)
    return pd.DataFrame(
        {"group": group, "risk": risk.where(counted, 0.0).round(4)}, index=findings.index
    )


def counted_risk(group: pd.Series, risk: pd.Series, finding_id: pd.Series) -> pd.Series:
    """``risk`` where a finding is the largest of its ``group`` (ties: the id that sorts
    first), else 0.

    >>> counted_risk(pd.Series(["g", "g", "h"]), pd.Series([1.0, 2.0, 2.0]),
    ...              pd.Series(["a", "b", "c"])).tolist()
    [0.0, 2.0, 2.0]
    """
    if not len(risk):
        return risk.astype("float64")
    codes = pd.factorize(group.to_numpy(), use_na_sentinel=False)[0]
    values = risk.to_numpy(dtype="float64", na_value=np.nan)
    ranked = np.where(np.isnan(values), -np.inf, values)
    best = np.full(codes.max() + 1, -np.inf)
    np.maximum.at(best, codes, ranked)
    candidate = np.flatnonzero(ranked == best[codes])  # the largest of its group
    per_group = np.bincount(codes[candidate], minlength=len(best))
    keep = np.zeros(len(risk), dtype=bool)
    single = candidate[per_group[codes[candidate]] == 1]
    keep[single] = True
    tied = candidate[per_group[codes[candidate]] > 1]
    if len(tied):  # equal largest: the finding whose id sorts first
        ids = pd.DataFrame({"g": codes[tied], "f": finding_id.to_numpy()[tied]}, index=tied)
        keep[ids.sort_values(["g", "f"], kind="stable").drop_duplicates("g").index] = True
    return risk.where(keep, 0.0)


def best_per_group(items: dict[str, tuple[str, float]]) -> dict[str, tuple[float, str]]:
    """For findings given as ``{finding_id: (group, risk)}``, each group's counted risk and
    the finding that carries it (the largest; ties: the id that sorts first).

    >>> best_per_group({"b": ("g", 2.0), "a": ("g", 2.0), "c": ("h", 1.0)})
    {'g': (2.0, 'a'), 'h': (1.0, 'c')}
    """
    best: dict[str, tuple[float, str]] = {}
    for fid, (group, risk) in sorted(items.items()):
        if group not in best or risk > best[group][0]:
            best[group] = (risk, fid)
    return best
