"""``alert_impact``: which partners, systems and records a new vulnerability alert touches.

One call answers, for each CVE (given, or added to the KEV catalogue since a previous
copy) or for a product and version range: which systems are affected (recorded by a
scanner in the inventory's vulnerabilities, or running the product), which cannot be told
(what they run is not recorded: never counted as safe), grouped by organisation with its
contact; the information assets held on those systems or reaching them by flows and
backups, with their record counts; and how each asset's most likely attack path changes if
the vulnerability were exploitable everywhere it applies
(:mod:`flowmap.engine.alert.counterfactual`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from flowmap.engine.alert.counterfactual import if_exploited
from flowmap.engine.alert.products import (
    AFFECTED,
    CANNOT_TELL,
    NOT_AFFECTED,
    ProductQuery,
    match_systems,
)
from flowmap.engine.alert.tables import (
    asset_rows,
    every_asset_row,
    org_rows,
    path_rows,
    system_rows,
)
from flowmap.engine.alert.versions import VersionRange
from flowmap.engine.alert.words import headline
from flowmap.engine.analysis import Analysis
from flowmap.errors import UsageError
from flowmap.inventory.textstorage import python_text
from flowmap.progress import counter
from flowmap.reference.kev import CVE_PATTERN, KevCatalogue, added_since

__all__ = ["AlertImpact", "alert_impact"]

#: KEV ``product`` values that name no product (their entries cannot be matched by product).
UNNAMED_PRODUCTS = frozenset({"multiple products", "multiple", ""})
#: ``basis`` of a system matched by a KEV entry's product, which names no versions.
UNVERSIONED = "product, versions not checked"
#: Recorded vulnerability status -> verdict.
RECORDED = {
    "open": AFFECTED,
    "": AFFECTED,
    "risk_accepted": AFFECTED,
    "mitigated": "mitigated",
    "fixed": "fixed",
}


@dataclass
class AlertImpact:
    """What a set of alerts touches. Every table has an ``alert_id`` column.

    Attributes
    ----------
    alerts : DataFrame
        One row per alert: ``alert_id`` (the CVE id, or ``PRODUCT``), ``title``,
        ``vendor``, ``product``, ``versions``, ``date_added``, ``due_date``, ``ransomware``,
        ``required_action``, ``description``, the counts of the headline and ``headline``.
    systems : DataFrame
        One row per alert and system that is affected, mitigated, fixed or cannot be told,
        most urgent first (``rank``): ``verdict``, ``basis`` (``recorded`` by a scanner or
        ``product`` match), ``evidence``, exposure, likelihood and reach before and after,
        assets and records on it, and ``first_action``.
    assets : DataFrame
        The information assets on those systems: one row per alert, system and asset, with
        ``how`` it is there (held, received by a flow, sent from it, or a backup).
    paths : DataFrame
        Each asset whose most likely attack path changes if the vulnerability were
        exploitable everywhere it applies: probability, entry and path before and after.
    organisations : DataFrame
        One row per alert and organisation with affected or undecided systems, or whose
        data sits on them: counts, records and who to contact.
    as_of : str
        The analysis date.
    sources : dict
        The reference data used (the KEV catalogue and its version, ...).
    """

    alerts: pd.DataFrame
    systems: pd.DataFrame
    assets: pd.DataFrame
    paths: pd.DataFrame
    organisations: pd.DataFrame
    as_of: str
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def headline(self) -> str:
        """Each alert's headline, one per line."""
        if not len(self.alerts):
            return "No alerts: no CVEs were given or added."
        return "\n".join(self.alerts["headline"])

    def __repr__(self) -> str:
        return f"AlertImpact({len(self.alerts)} alert(s), {len(self.systems)} system rows)"


@python_text
def alert_impact(
    analysis: Analysis,
    *,
    cves: Iterable[str] = (),
    kev: KevCatalogue | None = None,
    since: KevCatalogue | None = None,
    product: str | None = None,
    vendor: str = "",
    versions: str | VersionRange | None = None,
    progress: bool = False,
) -> AlertImpact:
    """What new vulnerabilities touch across the partnership: systems, records, contacts, paths.

    Give exactly one of ``cves``, ``since`` (with ``kev``: the CVEs ``kev`` adds to
    ``since``) or ``product``.

    Parameters
    ----------
    analysis : Analysis
        From :func:`flowmap.analyse`.
    cves : iterable of str
        CVE ids (``CVE-2023-4966``).
    kev : KevCatalogue, optional
        The KEV catalogue that describes the CVEs (vendor, product, dates, required
        action); default the analysis's own (``analysis.reference.kev``). A CVE it lists
        is matched by its product too.
    since : KevCatalogue, optional
        A previous copy of the catalogue: the alerts are the CVEs ``kev`` adds to it.
    product : str, optional
        A product as vendors write it (``Progress MOVEit Transfer``); matched against
        systems' ``os`` and ``software`` (:mod:`flowmap.engine.alert.products`).
    vendor : str
        The product's vendor, when not part of ``product``.
    versions : str or VersionRange, optional
        With ``product``: the affected versions (``<2023.0.2``, ``>=13.1,<13.1.49.15``).
    progress : bool
        Show a bar counting the alerts assessed (in a terminal or a notebook): each takes
        about a second at 1,000 organisations, and a month of the KEV catalogue is tens.

    Returns
    -------
    AlertImpact

    Raises
    ------
    UsageError
        Naming the parameter: none or more than one kind of alert, a malformed CVE id,
        ``since`` without ``kev``, a malformed version range.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> hit = flowmap.alert_impact(a, cves=["CVE-2023-4966"])
    >>> hit.systems.loc[hit.systems["verdict"] == "affected", "system_id"].tolist()
    ['RXA-CTX-01']
    >>> m = flowmap.alert_impact(a, product="MOVEit Transfer", versions="<2023.0.2")
    >>> m.alerts.loc[0, ["affected", "cannot_tell"]].tolist()
    [1, 53]
    """
    cves = list(cves)
    kinds = [bool(cves), since is not None, product is not None]
    if sum(kinds) != 1:
        raise UsageError(
            "give exactly one of cves, since (with kev: what the catalogue added) or product.",
            param="cves" if cves else "product",
        )
    if versions is not None and product is None:
        raise UsageError("versions goes with product: give the product too.", param="versions")
    if isinstance(versions, str):
        versions = VersionRange.parse(versions)
    catalogue = kev if kev is not None else analysis.reference.kev
    sources = dict(analysis.sources)
    if kev is not None:
        sources["kev"] = f"{kev.source} (catalogue {kev.version or 'unknown version'})"
    if since is not None:
        if kev is None:
            raise UsageError("since needs kev: the newer catalogue to compare.", param="since")
        sources["kev since"] = f"{since.source} (catalogue {since.version or 'unknown version'})"
        entries = added_since(kev, since)
        alerts = [_cve_alert(row.cve_id, row._asdict()) for row in entries.itertuples()]
    elif product is not None:
        if not str(product).strip():
            raise UsageError("product is empty; name the product.", param="product")
        query = ProductQuery(str(product).strip(), vendor=vendor, versions=versions)
        alerts = [_product_alert(query)]
    else:
        wanted = clean_cves(cves)
        described = _entries(catalogue, wanted)
        alerts = [_cve_alert(c, described.get(c)) for c in wanted]
    parts = []
    # many alerts: every system's asset rows made once, each alert's cut from them
    every = every_asset_row(analysis) if len(alerts) > 1 else None
    with counter(len(alerts), unit="alert", description="assessing", enabled=progress) as advance:
        for alert in alerts:
            parts.append(_one(analysis, alert, every))
            advance()
    return _combine(parts, alerts, analysis, sources)


def clean_cves(cves: Iterable[str], *, param: str = "cves") -> list[str]:
    """CVE ids from text: upper case, split on commas and spaces, each checked, no repeats.

    >>> clean_cves([" cve-2023-4966, CVE-2017-0144"])
    ['CVE-2023-4966', 'CVE-2017-0144']
    """
    out = []
    for raw in cves:
        for part in re.split(r"[,\s]+", str(raw)):
            cve = part.strip().upper()
            if not cve:
                continue
            if not re.fullmatch(CVE_PATTERN.pattern, cve):
                raise UsageError(
                    f"{param}: {part!r} is not a CVE id; write CVE-YYYY-NNNN (e.g. CVE-2023-4966).",
                    param=param,
                )
            out.append(cve)
    return list(dict.fromkeys(out))


def _entries(catalogue: KevCatalogue | None, cves: list[str]) -> dict[str, dict]:
    if catalogue is None:
        return {}
    frame = catalogue.frame[catalogue.frame["cve_id"].isin(cves)]
    return {r["cve_id"]: r for r in frame.to_dict("records")}


def _cve_alert(cve: str, entry: dict | None) -> dict:
    entry = entry or {}
    product, vendor = str(entry.get("product", "") or ""), str(entry.get("vendor_project", ""))
    query = None
    if product.strip().lower() not in UNNAMED_PRODUCTS:
        query = ProductQuery(product.strip(), vendor=vendor.strip())
    return {
        "alert_id": cve,
        "title": str(entry.get("vulnerability_name", "") or cve),
        "vendor": vendor,
        "product": product,
        "versions": "",
        "date_added": _day(entry.get("date_added")),
        "due_date": _day(entry.get("due_date")),
        "ransomware": bool(entry.get("ransomware", False)),
        "required_action": str(entry.get("required_action", "") or ""),
        "description": str(entry.get("short_description", "") or ""),
        "in_kev": bool(entry),
        "query": query,
    }


def _product_alert(query: ProductQuery) -> dict:
    return {
        "alert_id": "PRODUCT",
        "title": query.label,
        "vendor": query.vendor,
        "product": query.product,
        "versions": str(query.versions or ""),
        "date_added": "",
        "due_date": "",
        "ransomware": False,
        "required_action": "",
        "description": "",
        "in_kev": False,
        "query": query,
    }


def _day(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).date().isoformat()


def _verdicts(analysis: Analysis, alert: dict) -> pd.DataFrame:
    """Each system's verdict for one alert: recorded rows first, then the product."""
    systems = analysis.inventory.systems
    query: ProductQuery | None = alert["query"]
    if query is not None:
        found = match_systems(systems, query, analysis.reference.eol).assign(basis="product")
        if alert["alert_id"] != "PRODUCT" and query.versions is None:
            found["basis"] = UNVERSIONED
            hit = found["verdict"] == AFFECTED
            found.loc[hit, "evidence"] += (
                "; the KEV entry gives no versions: check the vendor's advisory"
            )
        found.loc[found["verdict"] != AFFECTED, "basis"] = ""
    else:
        why = (
            "not recorded for this CVE, and the KEV entry names no single product"
            if alert["in_kev"]
            else "not recorded for this CVE, and its product is not known (give the KEV "
            "catalogue, or alert on the product)"
        )
        keep = ~systems["kind"].isin(["paper_store"])
        found = pd.DataFrame(
            {"system_id": systems.loc[keep, "system_id"], "verdict": CANNOT_TELL,
             "evidence": why, "version": "", "basis": ""}
        )  # fmt: skip
    found["status"] = ""
    if alert["alert_id"] != "PRODUCT":
        v = analysis.inventory.vulnerabilities
        rows = v[v["cve_id"].str.strip().str.upper() == alert["alert_id"]]
        status = rows.groupby("system_id")["status"].agg(_worst).astype(object)
        recorded = found["system_id"].map(status).astype(object)
        has = recorded.notna() & bool(len(rows))
        found.loc[has, "status"] = recorded[has]
        found.loc[has, "verdict"] = recorded[has].map(RECORDED).fillna(AFFECTED)
        found.loc[has, "basis"] = "recorded"
        found.loc[has, "evidence"] = (
            "vulnerabilities: "
            + alert["alert_id"]
            + " recorded "
            + recorded[has].replace("", "open")
        )
    return found.reset_index(drop=True)


def _worst(statuses: pd.Series) -> str:
    order = ["open", "", "risk_accepted", "mitigated", "fixed"]
    present = set(statuses.fillna(""))
    return next((s for s in order if s in present), "open")


def _one(analysis: Analysis, alert: dict, every: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    verdicts = _verdicts(analysis, alert)
    hit = verdicts.loc[verdicts["verdict"] == AFFECTED, "system_id"].tolist()
    after = if_exploited(
        analysis, hit, alert["alert_id"] if alert["alert_id"] != "PRODUCT" else "ALERT",
        ransomware=alert["ransomware"],
    )  # fmt: skip
    listed = verdicts[verdicts["verdict"] != NOT_AFFECTED]
    systems = system_rows(analysis, listed, after)
    assets = asset_rows(analysis, listed, every=every)
    paths = path_rows(analysis, after)
    orgs = org_rows(analysis, systems, assets)
    counts = {
        "systems": len(verdicts),
        "affected": len(hit),
        "recorded": int(
            ((verdicts["verdict"] == AFFECTED) & (verdicts["basis"] == "recorded")).sum()
        ),
        "internet_facing": int(
            systems.loc[systems["verdict"] == AFFECTED, "internet_facing"].sum()
        ),
        "organisations": int(systems.loc[systems["verdict"] == AFFECTED, "org_id"].nunique()),
        "cannot_tell": int((verdicts["verdict"] == CANNOT_TELL).sum()),
        "mitigated": int((verdicts["verdict"] == "mitigated").sum()),
        "fixed": int((verdicts["verdict"] == "fixed").sum()),
        "records": _records(assets[assets["verdict"] == AFFECTED]),
        "assets": int(assets.loc[assets["verdict"] == AFFECTED, "asset_id"].nunique()),
        "paths_changed": len(paths),
    }
    return {
        "systems": systems,
        "assets": assets,
        "paths": paths,
        "organisations": orgs,
        "counts": counts,
    }


def _records(assets: pd.DataFrame) -> int:
    unique = assets.drop_duplicates("asset_id")
    return int(pd.to_numeric(unique["records"], errors="coerce").fillna(0).sum())


def _combine(
    parts: list[dict], alerts: list[dict], analysis: Analysis, sources: dict[str, str]
) -> AlertImpact:
    rows = []
    frames: dict[str, list[pd.DataFrame]] = {
        k: [] for k in ("systems", "assets", "paths", "organisations")
    }
    for alert, part in zip(alerts, parts):
        info = {k: v for k, v in alert.items() if k not in ("query",)}
        label = alert["alert_id"] if alert["alert_id"] != "PRODUCT" else alert["title"]
        rows.append({**info, **part["counts"], "headline": headline(part["counts"], label)})
        for key in frames:
            frames[key].append(part[key].assign(alert_id=alert["alert_id"]))
    tables = {}
    for key, items in frames.items():
        if items:
            frame = pd.concat(items, ignore_index=True)
            tables[key] = frame[["alert_id", *[c for c in frame.columns if c != "alert_id"]]]
        else:
            tables[key] = _empty(key, analysis)
    return AlertImpact(
        alerts=pd.DataFrame(rows, columns=ALERT_COLUMNS),
        as_of=analysis.as_of.isoformat(),
        sources=sources,
        **tables,
    )


#: Columns of :attr:`AlertImpact.alerts`, in order.
ALERT_COLUMNS = [
    "alert_id", "title", "vendor", "product", "versions", "date_added", "due_date",
    "ransomware", "required_action", "description", "in_kev", "systems", "affected", "recorded",
    "internet_facing", "organisations", "cannot_tell", "mitigated", "fixed", "records",
    "assets", "paths_changed", "headline",
]  # fmt: skip


def _empty(key: str, analysis: Analysis) -> pd.DataFrame:
    from flowmap.engine.alert.tables import COLUMNS

    return pd.DataFrame(columns=["alert_id", *COLUMNS[key]])
