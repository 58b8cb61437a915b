"""One-call helpers for the alert notebook (``notebooks/05_alert.ipynb``).

Each takes the notebook's parameters as text (empty means "not given") and shows one
thing: the impact of the alert, its headline, the organisations and whom to contact, the
systems to act on, the attack paths it opens, the assets at stake and the 48-hour
checklist. They run on any valid inventory, the blank template included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowmap.engine.alert import AlertImpact, alert_impact
from flowmap.engine.alert.words import CHECKLIST, CHECKLIST_SOURCE
from flowmap.errors import UsageError
from flowmap.render.board._html import HtmlBlock, esc

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

__all__ = ["assets", "checklist", "headline", "impact", "organisations", "paths", "systems"]


def impact(
    analysis: Analysis,
    *,
    cve: str = "",
    since: str = "",
    product: str = "",
    versions: str = "",
    progress: bool = False,
) -> AlertImpact:
    """The alert's impact from the notebook's parameters.

    ``cve``: CVE ids separated by commas or spaces; ``since``: a previous KEV catalogue
    (the alerts are what the analysis's catalogue, its ``kev`` parameter, adds to it);
    ``product`` and ``versions``: a product alert. Exactly one of the three kinds.
    ``progress``: a bar counting the alerts assessed (about a second each at 1,000
    organisations; ``since`` may bring tens).
    """
    from flowmap.reference.kev import load_kev

    if since:
        if analysis.reference.kev is None:
            raise UsageError("since needs kev: the newer catalogue to compare.", param="since")
        return alert_impact(
            analysis, kev=analysis.reference.kev, since=load_kev(since), progress=progress
        )
    if product:
        return alert_impact(analysis, product=product, versions=versions or None, progress=progress)
    return alert_impact(analysis, cves=[cve], progress=progress)


def headline(hit: AlertImpact) -> HtmlBlock:
    """Each alert's headline, as a block of text."""
    lines = hit.headline.splitlines()
    return HtmlBlock(
        '<div class="fm-block">'
        + "".join(f"<p><b>{esc(line)}</b></p>" for line in lines)
        + "</div>"
    )


def organisations(hit: AlertImpact) -> pd.DataFrame:
    """Each organisation with systems to act on: whom to contact and what they have."""
    return hit.organisations


def systems(hit: AlertImpact) -> pd.DataFrame:
    """The systems to act on, most urgent first, with the first action."""
    columns = ["alert_id", "rank", "org_name", "system_id", "system_name", "os", "verdict",
               "evidence", "internet_facing", "records", "likelihood", "likelihood_after",
               "first_action"]  # fmt: skip
    return hit.systems[columns]


def paths(hit: AlertImpact) -> pd.DataFrame:
    """The assets whose most likely attack path changes."""
    return hit.paths.drop(columns=["path_before_ids", "path_after_ids"], errors="ignore")


def assets(hit: AlertImpact) -> pd.DataFrame:
    """The information assets on affected or undecided systems."""
    return hit.assets


def checklist() -> HtmlBlock:
    """The 48-hour checklist and where it comes from."""
    items = "".join(f"<li><b>{esc(w)}</b>: {esc(t)}</li>" for w, t in CHECKLIST)
    return HtmlBlock(f'<div class="fm-block"><ol>{items}</ol><p>{esc(CHECKLIST_SOURCE)}</p></div>')
