"""Records of processing activities (UK GDPR Article 30) from an analysed inventory.

One **processing activity** is an asset and one purpose, for one controller: the asset's
own controller, for each purpose in its ``purposes`` and in the flows it sends; and every
organisation that receives a copy by a flow (as the controller of its copy), for the
purposes it received it for. Organisations that run systems for others
(``systems.supplier_org_id``) get the shorter Article 30(2) record
(:mod:`flowmap.governance.processors`).

Every cell comes from the inventory or the analysis; nothing is invented. A cell flowmap
cannot fill is a **gap** (see :mod:`flowmap.governance.ropa_text`), and :attr:`Ropa.gaps`
says, per controller, what to collect.

Examples
--------
>>> import datetime, flowmap
>>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
...                     as_of=datetime.date(2026, 11, 1))
>>> r = flowmap.ropa(a, org="RXA")
>>> r.activities["activity_id"].head(2).tolist()
['RXA:IA-0001:direct_care', 'RXA:IA-0002:administration']
>>> r.activities.loc[0, "purpose"]
'Direct care: Maternity record'

"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.errors import UsageError
from flowmap.governance.activity import Activity, Tables, activity_record
from flowmap.governance.agreements import flow_agreement_levels
from flowmap.governance.processors import processor_records
from flowmap.governance.ropa_columns import FIELD, FIELDS, ID_COLUMNS
from flowmap.governance.ropa_text import gap, is_gap, not_applicable
from flowmap.inventory.choices import PUBLIC_SECTORS
from flowmap.inventory.textstorage import python_text

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Organisation columns shown at the top of each controller's record.
CONTACT_COLUMNS = (
    "address",
    "ico_registration",
    "dpo_name",
    "dpo_email",
    "siro_name",
    "siro_email",
    "caldicott_guardian_name",
    "caldicott_guardian_email",
)
CONTACT_LABELS = {
    "address": "Controller's address",
    "ico_registration": "ICO registration number",
    "dpo_name": "Data Protection Officer",
    "dpo_email": "Data Protection Officer's email",
    "siro_name": "Senior Information Risk Owner",
    "siro_email": "SIRO's email",
    "caldicott_guardian_name": "Caldicott Guardian",
    "caldicott_guardian_email": "Caldicott Guardian's email",
}


@dataclass
class Ropa:
    """Records of processing activities for one or every controller.

    Attributes
    ----------
    controllers : DataFrame
        One row per controller: its details for the top of the record (gaps marked),
        the number of activities and of gaps.
    activities : DataFrame
        One row per processing activity: the ids of :data:`ID_COLUMNS`, then every
        field of :data:`flowmap.governance.ropa_columns.FIELDS`.
    processors : DataFrame
        Article 30(2) records: one row per processor and controller it acts for.
    gaps : DataFrame
        Per controller and field: how many activities lack it, which, and what to collect.
    excluded : DataFrame
        Assets left out because they hold no personal data (anonymised, aggregate or
        corporate only).
    """

    as_of: dt.date
    controllers: pd.DataFrame
    activities: pd.DataFrame
    processors: pd.DataFrame
    gaps: pd.DataFrame
    excluded: pd.DataFrame

    def for_org(self, org: str) -> Ropa:
        """The record of one controller (and its Article 30(2) record, if a processor)."""
        return Ropa(
            self.as_of,
            self.controllers[self.controllers["org_id"] == org].reset_index(drop=True),
            self.activities[self.activities["org_id"] == org].reset_index(drop=True),
            self.processors[self.processors["processor_id"] == org].reset_index(drop=True),
            self.gaps[self.gaps["org_id"] == org].reset_index(drop=True),
            self.excluded[self.excluded["org_id"] == org].reset_index(drop=True),
        )


@python_text
def ropa(analysis: Analysis, *, org: str | None = None) -> Ropa:
    """Build the records of processing activities of every controller (or of ``org``).

    Parameters
    ----------
    analysis : Analysis
        From :func:`flowmap.analyse` (security descriptions use its systems and copies).
    org : str, optional
        One organisation's ``org_id``: its record as a controller and, if it runs systems
        for others, as a processor.

    Returns
    -------
    Ropa
    """
    inv = analysis.inventory
    orgs = inv.organisations.drop_duplicates("org_id").set_index("org_id")
    if org is not None and org not in orgs.index:
        raise UsageError(f"org {org!r} is not an organisation in the inventory.", param="org")
    assets = analysis.assets.set_index("asset_id")
    personal = assets["identifiability"].isin(["identifiable", "pseudonymised"]) & ~assets[
        "data_categories"
    ].map(lambda c: bool(c) and set(c) <= {"corporate"})
    flows = analysis.flows
    held = assets[personal]
    if org is not None:  # one organisation's record reads only the flows it is party to
        flows = flows[(flows["sender_org_id"] == org) | (flows["receiver_org_id"] == org)]
        held = held[held["org_id"] == org]  # its activities: its assets and its flows
    flows = flows[flows["asset_id"].isin(assets.index[personal])]
    keys = _activity_keys(held, flows, analysis.inventory.systems)
    if org is not None:
        keys = [k for k in keys if k[0] == org]
    levels = flow_agreement_levels(analysis)
    flows = flows.assign(agreement_level=levels["agreement_level"].reindex(flows.index))
    tables = Tables.of(analysis, flows, org=org)
    out_by: dict = defaultdict(list)
    in_by: dict = defaultdict(list)
    for f in tables.flows:
        if f["sender_org_id"] != f["receiver_org_id"]:
            out_by[(f["sender_org_id"], f["asset_id"], f["purpose"])].append(f)
            in_by[(f["receiver_org_id"], f["asset_id"], f["purpose"])].append(f)
    rows = [
        activity_record(
            tables,
            Activity(
                org_id,
                asset_id,
                purpose,
                out_by.get((org_id, asset_id, purpose), []),
                in_by.get((org_id, asset_id, purpose), []),
            ),
        )
        for org_id, asset_id, purpose in keys
    ]
    columns = list(ID_COLUMNS) + [f.key for f in FIELDS]
    activities = pd.DataFrame(rows, columns=columns)
    excluded = analysis.assets.loc[~personal.to_numpy(), ["asset_id", "name", "org_id"]]
    controllers = _controllers(orgs, activities, org)
    gaps = _gaps(controllers, activities)
    controllers["gaps"] = controllers["org_id"].map(gaps.groupby("org_id")["missing"].sum())
    controllers["gaps"] = controllers["gaps"].fillna(0).astype(int)
    processors = processor_records(analysis, orgs, processor=org)
    return Ropa(
        analysis.as_of, controllers, activities, processors, gaps, excluded.reset_index(drop=True)
    )


def _activity_keys(assets: pd.DataFrame, flows: pd.DataFrame, systems: pd.DataFrame) -> list:
    """(org, asset, purpose) of every activity, in controller, asset, purpose order."""
    keys: set[tuple[str, str, str]] = set()
    for asset_id, a in assets.iterrows():
        for purpose in a["purposes"] or ():
            keys.add((a["org_id"], asset_id, purpose))
    # a processor receiving data for the organisation it works for is not a controller
    supplied = set(zip(systems["org_id"], systems["supplier_org_id"]))
    for f in flows.itertuples(index=False):
        keys.add((f.sender_org_id, f.asset_id, f.purpose))
        processor = (f.sender_org_id, f.receiver_org_id) in supplied
        if f.receiver_org_id != f.sender_org_id and not processor:
            keys.add((f.receiver_org_id, f.asset_id, f.purpose))
    held = {k[:2] for k in keys}
    for asset_id, a in assets.iterrows():
        if (a["org_id"], asset_id) not in held:
            keys.add((a["org_id"], asset_id, ""))  # no purpose recorded anywhere: a gap
    return sorted(keys)


def _controllers(orgs: pd.DataFrame, activities: pd.DataFrame, org: str | None) -> pd.DataFrame:
    ids = sorted(set(activities["org_id"])) if org is None else [org]
    rows = []
    for org_id in ids:
        o = orgs.loc[org_id]
        row = {"org_id": org_id, "name": o["name"], "sector": o["sector"]}
        for column in CONTACT_COLUMNS:
            value = str(o.get(column, "") or "")
            if value:
                row[column] = value
            elif column.startswith("dpo") and o["sector"] not in PUBLIC_SECTORS:
                row[column] = not_applicable(
                    "a DPO is required of public authorities; record one here if designated"
                )
            elif column in ("address", "ico_registration") or column.startswith("dpo"):
                row[column] = gap(f"organisations.{column}")
            else:
                row[column] = "Not recorded"
        row["activities"] = int((activities["org_id"] == org_id).sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=["org_id", "name", "sector", *CONTACT_COLUMNS, "activities"])


def _gaps(controllers: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Per controller and field: how many activities lack it and what to collect."""
    rows = []
    for c in controllers.itertuples(index=False):
        for column in CONTACT_COLUMNS:
            if is_gap(getattr(c, column)):
                rows.append(
                    {
                        "org_id": c.org_id,
                        "field": column,
                        "label": column.replace("_", " "),
                        "missing": 1,
                        "where": "controller details",
                        "collect": f"organisations.{column}",
                    }
                )
    needed = [f.key for f in FIELDS if f.needed]
    for org_id, group in activities.groupby("org_id", sort=True):
        for key in needed:
            missing = group[group[key].map(is_gap)]
            if missing.empty:
                continue
            rows.append(
                {
                    "org_id": org_id,
                    "field": key,
                    "label": FIELD[key].label,
                    "missing": len(missing),
                    "where": ", ".join(missing["asset_id"].drop_duplicates()),
                    "collect": FIELD[key].collect,
                }
            )
    return pd.DataFrame(rows, columns=["org_id", "field", "label", "missing", "where", "collect"])
