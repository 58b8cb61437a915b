"""Load and analyse an inventory from notebook parameters, and scope it to one organisation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.errors import UsageError
from flowmap.render.board._html import STYLE, HtmlBlock, esc

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis


def load(
    inventory: str | Path,
    *,
    as_of: str | dt.date | None = "",
    kev: str | Path = "",
    epss: str | Path = "",
    eol: str | Path = "",
) -> Analysis:
    """Load, validate and analyse an inventory; empty strings mean "not given".

    Notebook parameters are plain strings (papermill cannot pass ``None`` from the
    command line), so ``as_of=""`` means today and ``kev=""`` means no catalogue.
    """
    from flowmap.pipeline import analyse_files

    return analyse_files(inventory, as_of=as_of, kev=kev, epss=epss, eol=eol)


def load_for_report(
    inventory: str | Path,
    *,
    org: str = "",
    as_of: str | dt.date | None = "",
    kev: str | Path = "",
    epss: str | Path = "",
    eol: str | Path = "",
) -> Analysis:
    """:func:`load`, then check that ``org`` (if given) is one of the inventory's organisations."""
    analysis = load(inventory, as_of=as_of, kev=kev, epss=epss, eol=eol)
    check_org(analysis, org)
    return analysis


def check_org(analysis, org: str | None) -> None:
    """Raise :class:`UsageError` when ``org`` is given but not in the inventory."""
    if not org:
        return
    known = analysis.inventory.organisations["org_id"].tolist()
    if org not in known:
        raise UsageError(
            f"organisation {org!r} is not in the inventory; "
            f"organisations are: {', '.join(sorted(known))}"
        )


def org_name(analysis, org: str | None) -> str:
    """The organisation's name ('' when not given)."""
    if not org:
        return ""
    names = analysis.inventory.organisations.set_index("org_id")["name"]
    return str(names.get(org, org))


def scoped(frame: pd.DataFrame, org: str | None, *columns: str) -> pd.DataFrame:
    """Rows of ``frame`` where any of ``columns`` (default ``org_id``) equals ``org``."""
    if not org:
        return frame
    columns = columns or ("org_id",)
    keep = pd.Series(False, index=frame.index)
    for c in columns:
        keep |= frame[c] == org
    return frame[keep]


def title_block(analysis, *, org: str = "", title: str = "") -> HtmlBlock:
    """The report's title: whose report, which inventory, judged as of which day."""
    who = org_name(analysis, org)
    heading = esc(title or "Cyber and information governance risk")
    scope = (
        f"{esc(who)} ({esc(org)})"
        if org
        else f"all {len(analysis.inventory.organisations)} organisations in the inventory"
    )
    s = analysis.summary
    rows = s["rows"]
    if org:
        r = scoped(analysis.risk_by_asset(), org)
        total, cyber, gov = (
            round(float(r[c].sum()), 2) for c in ("total_risk", "cyber_risk", "governance_risk")
        )
    else:
        total, cyber, gov = s["total_risk"], s["cyber_risk"], s["governance_risk"]
    return HtmlBlock(
        f'{STYLE}<div class="fm-block" id="fm-title"><h1>{heading}</h1>'
        f"<p><b>Scope:</b> {scope}<br><b>Position as of:</b> "
        f'<span id="fm-as-of">{esc(s["as_of"])}</span><br>'
        f"<b>Inventory:</b> {esc(Path(str(s['inventory'])).name)}: "
        f"{rows.get('systems', 0):,} systems, {rows.get('assets', 0):,} information assets, "
        f"{rows.get('flows', 0):,} data flows<br><b>Total risk:</b> "
        f'<span id="fm-total-risk">{total:,.1f}</span> (cyber {cyber:,.1f}, governance '
        f"{gov:,.1f}; see docs/scoring.md)"
        f"</p></div>"
    )


def load_previous(
    previous: str | Path,
    *,
    as_of: str | dt.date | None = "",
    kev: str | Path = "",
    epss: str | Path = "",
    eol: str | Path = "",
) -> Analysis | None:
    """The previous quarter's analysis, or ``None`` when ``previous`` is empty."""
    if previous in (None, ""):
        return None
    return load(previous, as_of=as_of, kev=kev, epss=epss, eol=eol)
