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
) -> pd.Series:
    """Governance risk of each finding: weight x (score / 100) x the impact of the data.

    System findings and the path and copy rules count 0 here: their risk is the cyber
    risk, through each system's likelihood.
    """
    impact = assets.set_index("asset_id")["impact"]
    asset = finding_asset(findings, flows)
    counted = findings["subject_type"].isin(["flow", "asset", "backup"]) & ~findings["rule"].isin(
        CYBER_RULES
    )
    risk = (
        settings.governance_weight
        * findings["score"].astype("float64")
        / 100.0
        * asset.map(impact).fillna(0.0)
    )
    return risk.where(counted, 0.0).round(4)
