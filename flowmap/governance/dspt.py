"""DSPT / CAF evidence from the inventory, by assessment year.

For each outcome of the toolkit an organisation completes (the CAF-aligned DSPT for NHS
trusts, ICBs and other NHS bodies; the standards-based DSPT for everyone else) this says
what the inventory **evidences**, what it **contradicts** (findings whose CAF outcome is
mapped to it, and facts against it) and what is **missing**, with the outcome's id and
title, the source they were checked against and how sure that is. Outcomes the inventory
cannot speak to (board direction, training, monitoring) are listed as such.

flowmap does not rate outcomes: the DSPT's own assessors do. This is the evidence an IG
lead takes into the assessment, not the assessment.

Examples
--------
>>> import datetime, flowmap
>>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
...                     as_of=datetime.date(2026, 11, 1))
>>> e = flowmap.dspt_evidence(a, year="2025-26", framework="caf_aligned")
>>> e.set_index("id").loc["B4.d", "inventory_says"]
'contradicted'
>>> e.set_index("id").loc["C1.b", "inventory_says"]
'not covered by the inventory'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowmap.errors import UsageError
from flowmap.governance.dspt_evidence import EVIDENCE, Scope
from flowmap.inventory.textstorage import python_text
from flowmap.reference.dspt import DsptMapping, load_dspt_mapping

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Sectors that complete the CAF-aligned DSPT (from September 2024: NHS trusts and
#: foundation trusts, CSUs, arm's-length bodies, ICBs); everyone else the standards-based.
CAF_SECTORS = frozenset({"nhs_trust", "icb", "nhs_other"})
EVIDENCE_COLUMNS = [
    "framework",
    "id",
    "title",
    "group",
    "id_confidence",
    "audit",
    "inventory_says",
    "evidence",
    "contradicted_by",
    "missing",
    "findings",
    "critical",
    "high",
    "source",
    "note",
]
SAYS = ("contradicted", "evidence, with gaps", "evidence", "not covered by the inventory")


def framework_for(org: pd.Series) -> str:
    """The toolkit an organisation completes: its ``dspt_framework``, else by sector.

    >>> framework_for(pd.Series({"sector": "gp_practice", "dspt_framework": ""}))
    'standards_based'
    >>> framework_for(pd.Series({"sector": "icb", "dspt_framework": ""}))
    'caf_aligned'
    """
    chosen = str(org.get("dspt_framework", "") or "")
    if chosen:
        return chosen
    return "caf_aligned" if org["sector"] in CAF_SECTORS else "standards_based"


@python_text
def dspt_evidence(
    analysis: Analysis,
    *,
    year: str | None = None,
    org: str | None = None,
    framework: str | None = None,
    mapping: DsptMapping | None = None,
) -> pd.DataFrame:
    """The DSPT evidence table: one row per outcome (or standard) of the chosen toolkit.

    Parameters
    ----------
    analysis : Analysis
        From :func:`flowmap.analyse`.
    year : str, optional
        The assessment year, e.g. ``"2025-26"`` (default: the latest flowmap ships).
    org : str, optional
        One organisation: its toolkit (``dspt_framework``, else by sector), its systems,
        assets, flows and findings. Default: the whole partnership.
    framework : {"caf_aligned", "standards_based"}, optional
        The toolkit to show (default: the organisation's; for the partnership, both).
    mapping : DsptMapping, optional
        A mapping read with :func:`flowmap.reference.dspt.load_dspt_mapping` (``year`` is
        then ignored).

    Returns
    -------
    DataFrame
        Columns :data:`EVIDENCE_COLUMNS`; ``inventory_says`` is one of :data:`SAYS`.
    """
    mapping = mapping or load_dspt_mapping(year)
    orgs = analysis.inventory.organisations.drop_duplicates("org_id").set_index("org_id")
    if org is not None and org not in orgs.index:
        raise UsageError(f"org {org!r} is not an organisation in the inventory.", param="org")
    if framework is None and org is not None:
        framework = framework_for(orgs.loc[org])
        if framework == "not_applicable":
            raise UsageError(
                f"org {org!r} does not complete a DSPT (its dspt_framework is "
                "not_applicable): choose a framework to see its evidence anyway.",
                param="org",
            )
    rows = mapping.frame
    if framework is not None:
        if framework not in ("caf_aligned", "standards_based"):
            raise UsageError(
                f"framework {framework!r}: use caf_aligned or standards_based.", param="framework"
            )
        rows = rows[rows["framework"] == framework]
    scope = Scope.of(analysis, org)
    cache: dict[str, object] = {}
    out = []
    for row in rows.itertuples(index=False):
        cafs = [c for c in row.caf.split(";") if c]
        hits = scope.findings[scope.findings["caf"].isin(cafs)]
        shows, against, missing = [], [], []
        for key in [k for k in row.evidence.split(";") if k]:
            if key not in cache:
                cache[key] = EVIDENCE[key](scope)
            ev = cache[key]
            shows.append(ev.shows)
            against.append(ev.against)
            missing.append(ev.missing)
        if len(hits):
            counts = (
                hits.groupby(["title", "rule"]).size().sort_values(ascending=False, kind="stable")
            )
            against.insert(
                0,
                f"{len(hits)} findings: "
                + "; ".join(f"{title} ({rule}): {n}" for (title, rule), n in counts.items()),
            )
        critical = int((hits["severity"] == "critical").sum())
        high = int((hits["severity"] == "high").sum())
        against = [a for a in against if a]
        missing = [m for m in missing if m]
        if not shows and not against:
            says = SAYS[3]
            missing = [
                "flowmap holds nothing for this outcome: assess it from your policies, "
                "procedures and records"
            ]
        elif critical or high or (against and not len(hits)):
            says = SAYS[0]
        elif against or missing:
            says = SAYS[1]
        else:
            says = SAYS[2]
        out.append(
            {
                "framework": row.framework,
                "id": row.id,
                "title": row.title,
                "group": row.group,
                "id_confidence": row.confidence,
                "audit": row.audit,
                "inventory_says": says,
                "evidence": " ".join(shows),
                "contradicted_by": "; ".join(against),
                "missing": "; ".join(missing),
                "findings": len(hits),
                "critical": critical,
                "high": high,
                "source": row.source,
                "note": row.note,
            }
        )
    return pd.DataFrame(out, columns=EVIDENCE_COLUMNS)
