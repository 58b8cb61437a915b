"""The 5x5 likelihood-by-impact matrix of information assets.

A cell counts **information assets** by (likelihood band of the most likely attack path
to any copy of the asset, ``assets.reach``) and (impact band, ``assets.impact_band``).
The likelihood bands use the same edges as a system's ``likelihood_band`` (0.10, 0.25,
0.50, 0.75; docs/scoring.md section 1), the impact bands 20, 40, 60, 80. Cell colours
follow the NHS 5x5 risk matrix grading of likelihood x impact: 1-3 low, 4-6 moderate,
8-12 high, 15-25 extreme.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.engine.likelihood import band_of
from flowmap.render.board._html import esc, style_tag
from flowmap.render.board.load import scoped

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Band edges of path likelihood (same as systems' likelihood_band).
PATH_BAND_EDGES = (0.10, 0.25, 0.50, 0.75)
#: Band names, 1 to 5.
LIKELIHOOD_NAMES = ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")
IMPACT_NAMES = ("Negligible", "Minor", "Moderate", "Major", "Catastrophic")
#: (lowest likelihood x impact, grade, colour), highest first.
GRADES = (
    (15, "extreme", "#d4351c"),
    (8, "high", "#f47738"),
    (4, "moderate", "#b58a00"),
    (1, "low", "#00703c"),
)
#: The scores each grade covers (likelihood x impact takes only these values).
GRADE_RANGES = {"extreme": "15-25", "high": "8-12", "moderate": "4-6", "low": "1-3"}


def grade(score: int) -> tuple[str, str]:
    """The grade and colour of a likelihood x impact score.

    Examples
    --------
    >>> grade(25)[0], grade(9)[0], grade(4)[0], grade(2)[0]
    ('extreme', 'high', 'moderate', 'low')
    """
    for floor, name, colour in GRADES:
        if score >= floor:
            return name, colour
    return GRADES[-1][1], GRADES[-1][2]


@dataclass
class RiskMatrix:
    """Counts of assets by likelihood band (rows, 5 at the top) and impact band (columns).

    ``counts.loc[l, i]`` is the number of assets in likelihood band ``l`` and impact band
    ``i``; ``assets`` lists each asset's bands. Renders as a coloured table whose cells have
    ids ``fm-matrix-L<l>-I<i>``.
    """

    counts: pd.DataFrame
    assets: pd.DataFrame

    def html(self) -> str:
        head = "".join(
            f'<th scope="col">{i}<br><span class="fm-small">{IMPACT_NAMES[i - 1]}</span></th>'
            for i in range(1, 6)
        )
        rows = []
        for lik in range(5, 0, -1):
            cells = []
            for imp in range(1, 6):
                n = int(self.counts.loc[lik, imp])
                name, _ = grade(lik * imp)
                cells.append(
                    f'<td id="fm-matrix-L{lik}-I{imp}" data-value="{n}" '
                    f'class="fm-grade-{name}" title="{name.capitalize()}: {n} assets">'
                    f"{n or ''}</td>"
                )
            rows.append(
                f'<tr><th scope="row">{lik} {esc(LIKELIHOOD_NAMES[lik - 1])}</th>'
                f"{''.join(cells)}</tr>"
            )
        key = "".join(
            f'<li><span class="fm-key fm-grade-{name}" aria-hidden="true"></span>'
            f"{name.capitalize()} ({GRADE_RANGES[name]})</li>"
            for _, name, _ in GRADES
        )
        return (
            f'<div class="fm-block fm-matrix-block" id="fm-matrix"><table class="fm-matrix">'
            f"<caption>Information assets by likelihood (rows) and impact (columns)</caption>"
            f'<tr><th scope="col">Likelihood \u2193 Impact \u2192</th>{head}</tr>'
            f"{''.join(rows)}</table>"
            f'<ul class="fm-matrix-key" aria-label="Grades">{key}</ul>'
            f"<p>{int(self.counts.values.sum()):,} information assets. A cell counts the "
            f"assets whose most likely attack path and impact fall in that band; the grade is "
            f"likelihood \u00d7 impact.</p></div>"
        )

    def _repr_html_(self) -> str:
        return style_tag() + self.html()


def risk_matrix(analysis: Analysis, org: str | None = None) -> RiskMatrix:
    """The 5x5 matrix for the whole inventory or one organisation's assets."""
    a = scoped(analysis.assets, org)
    bands = pd.DataFrame(
        {
            "asset_id": a["asset_id"],
            "name": a["name"],
            "org_id": a["org_id"],
            "reach": a["reach"],
            "impact": a["impact"],
            "likelihood_band": band_of(a["reach"], PATH_BAND_EDGES).astype(int),
            "impact_band": a["impact_band"].astype(int),
        }
    ).reset_index(drop=True)
    counts = pd.crosstab(bands["likelihood_band"], bands["impact_band"]).reindex(
        index=range(1, 6), columns=range(1, 6), fill_value=0
    )
    counts.index.name, counts.columns.name = "likelihood_band", "impact_band"
    return RiskMatrix(counts=counts, assets=bands)
