"""Impact of each information asset if it were breached or lost (0-100).

    confidentiality = identifiability * (0.6 * category + 0.4 * volume)
    availability    = essential * (0.5 + 0.5 * volume)
    impact          = 100 * (0.7 * confidentiality + 0.3 * availability)

``category`` is the heaviest of the asset's data categories (special category
health data, children's and criminal offence data weigh most), ``volume`` grows
with the logarithm of the number of records, and unknown values are treated
pessimistically. ``docs/scoring.md`` gives the weights and reasons.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.engine.likelihood import band_of
from flowmap.engine.settings import AnalysisSettings

SPECIAL_CATEGORIES = frozenset({"special_health", "special_other", "children", "criminal_offence"})


def asset_impact(assets: pd.DataFrame, *, settings: AnalysisSettings) -> pd.DataFrame:
    """Score every asset; one row per asset, indexed like ``assets``.

    Examples
    --------
    >>> a = pd.DataFrame({"data_categories": [("special_health",), ("corporate",)],
    ...     "identifiability": ["identifiable", "aggregate"],
    ...     "records": pd.array([1_000_000, 10], dtype="Int64"),
    ...     "essential": pd.array([True, False], dtype="boolean")})
    >>> asset_impact(a, settings=AnalysisSettings())["impact"].tolist()
    [100.0, 5.9]
    """
    s = settings
    out = pd.DataFrame(index=assets.index)
    cats = assets["data_categories"]
    weight = cats.map(
        lambda c: max(
            (s.category_weights.get(x, 0.0) for x in c), default=s.unknown_category_weight
        )
    )
    out["category_weight"] = weight.astype("float64")
    out["special_category"] = cats.map(lambda c: bool(SPECIAL_CATEGORIES.intersection(c)))
    records = assets["records"].astype("float64")
    volume = np.minimum(1.0, np.log10(records + 1.0) / np.log10(s.records_full_scale + 1.0))
    out["volume"] = volume.fillna(s.unknown_records_volume).round(4)
    out["identifiability_weight"] = (
        assets["identifiability"].map(s.identifiability_weights).fillna(1.0)
    )
    yes, no, unknown = s.essential_weights
    essential = assets["essential"]
    out["essential_weight"] = np.select(
        [
            (essential == True).fillna(False),  # noqa: E712
            (essential == False).fillna(False),  # noqa: E712 (nullable: NA is neither)
        ],
        [yes, no],
        unknown,
    )
    confidentiality = out["identifiability_weight"] * (
        0.6 * out["category_weight"] + 0.4 * out["volume"]
    )
    availability = out["essential_weight"] * (0.5 + 0.5 * out["volume"])
    out["confidentiality"] = confidentiality.round(4)
    out["availability"] = availability.round(4)
    impact = 100.0 * (
        s.confidentiality_weight * confidentiality + s.availability_weight * availability
    )
    out["impact"] = impact.clip(0.0, 100.0).round(1)
    out["impact_band"] = band_of(out["impact"], (20.0, 40.0, 60.0, 80.0))
    return out
