"""Helpers for the analyst notebooks (01 and 03): validation, likelihood and blast radius."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.pipeline import parse_day
from flowmap.render.board.load import scoped

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Columns of the likelihood table: the system, then each weakness's probability.
LIKELIHOOD_COLUMNS = [
    "system_id",
    "name",
    "org_id",
    "kind",
    "os",
    "eol_status",
    "open_vulnerabilities",
    "open_kev",
    "p_vulnerabilities",
    "p_end_of_life",
    "p_patch_age",
    "p_internet",
    "p_smb1",
    "p_no_mfa",
    "likelihood",
    "likelihood_band",
]


def validation(inventory: str | Path, *, as_of: str | dt.date | None = "", progress: bool = False):
    """:func:`flowmap.inventory.validate` with notebook-style parameters (``""`` = today)."""
    from flowmap.inventory.validate import validate

    return validate(inventory, as_of=parse_day(as_of), progress=progress)


def data_quality_report(report) -> pd.DataFrame:
    """A validation report's unknown cells per column, worst first."""
    dq = report.data_quality
    return (
        dq[dq["unknown"] > 0].sort_values("share_unknown", ascending=False).reset_index(drop=True)
    )


def likelihood_table(analysis: Analysis, org: str | None = None, n: int = 20) -> pd.DataFrame:
    """The ``n`` systems most likely to be compromised, with each weakness's probability."""
    s = scoped(analysis.systems, org)
    return (
        s.sort_values(["likelihood", "system_id"], ascending=[False, True])[LIKELIHOOD_COLUMNS]
        .head(n)
        .reset_index(drop=True)
    )


def blast_radius(analysis: Analysis, org: str | None = None, n: int = 15) -> pd.DataFrame:
    """The ``n`` systems from which an attacker could reach the most impact in one move."""
    s = scoped(analysis.systems, org)
    return (
        s.sort_values(["blast_radius", "system_id"], ascending=[False, True])[
            ["system_id", "name", "org_id", "kind", "zone", "likelihood", "blast_radius"]
        ]
        .head(n)
        .reset_index(drop=True)
    )


def systems_by_kind(analysis: Analysis) -> pd.DataFrame:
    """How many systems of each kind each organisation has."""
    s = analysis.systems
    if not len(s):
        return pd.DataFrame({"org_id": []})
    return s.groupby(["org_id", "kind"]).size().unstack(fill_value=0).reset_index()


#: The asset register's columns that notebook 01 lists.
ASSET_COLUMNS = [
    "asset_id",
    "name",
    "org_id",
    "owner",
    "data_categories",
    "identifiability",
    "records",
    "essential",
    "impact",
]


def asset_register(analysis: Analysis) -> pd.DataFrame:
    """The information assets with their impact (0-100)."""
    return analysis.assets[ASSET_COLUMNS].reset_index(drop=True)
