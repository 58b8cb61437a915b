"""The register of data-sharing agreements and processing contracts, from the inventory.

One row per agreement (each ``flows.dsa_ref``) and per processing contract (each
``systems.contract_ref``): its parties, the flows, systems and assets it covers, the
purposes and legal bases, and when it ends. Beside it: the flows that should be under an
agreement but are not (:func:`flowmap.engine.sharing.agreement_need` decides which:
the same judgement as the flow rules), the systems a supplier runs with no contract
recorded, and the **expiry calendar**: what ends in the next 90 days, and what has
already ended while still in use.

Examples
--------
>>> import datetime, flowmap
>>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
...                     as_of=datetime.date(2026, 11, 1))
>>> reg = flowmap.agreements(a)
>>> reg.register.loc[reg.register["ref"] == "ISA-MASH-2025-01", "flows"].item()
'F-0011, F-0013, F-0014'
>>> flowmap.agreement_calendar(a, days=90)["ref"].tolist()
['ISA-SAFE-2023-02', 'CON-KES-RYV-2021', 'DSA-RES-2024-11', 'CON-KES-NHX-2025']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.engine.sharing import agreement_needs
from flowmap.errors import UsageError
from flowmap.inventory.textstorage import python_text

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Days ahead the expiry calendar looks by default.
CALENDAR_DAYS = 90
REGISTER_COLUMNS = [
    "ref",
    "kind",
    "parties",
    "party_ids",
    "flows",
    "systems",
    "assets",
    "purposes",
    "lawful_bases",
    "special_conditions",
    "confidentiality_bases",
    "countries",
    "expires",
    "status",
    "days_left",
]
MISSING_COLUMNS = [
    "kind",
    "subject_id",
    "from_org_id",
    "from",
    "to_org_id",
    "to",
    "asset_id",
    "asset",
    "purpose",
    "level",
    "why",
]
CALENDAR_COLUMNS = [
    "expires",
    "days_left",
    "status",
    "ref",
    "kind",
    "parties",
    "party_ids",
    "flows",
    "systems",
    "assets",
]


@dataclass
class AgreementRegister:
    """The agreements register, the agreements missing, and the expiry calendar."""

    as_of: dt.date
    days: int
    register: pd.DataFrame
    missing: pd.DataFrame
    calendar: pd.DataFrame


def flow_agreement_levels(analysis: Analysis) -> pd.DataFrame:
    """Each flow's ``agreement_level`` and ``agreement_why`` (from the flow context when the
    analysis carries them, else judged here with :func:`agreement_needs`)."""
    f = analysis.flows
    if {"agreement_level", "agreement_why"} <= set(f.columns):
        return f[["agreement_level", "agreement_why"]]
    systems = analysis.inventory.systems
    served = set(zip(systems["org_id"], systems["supplier_org_id"]))
    processor = [
        (s, r) in served and s != r for s, r in zip(f["sender_org_id"], f["receiver_org_id"])
    ]
    return agreement_needs(f.assign(receiver_is_processor=processor))


def _join(values) -> str:
    return ", ".join(dict.fromkeys(str(v) for v in values if isinstance(v, str) and v))


def _status(expires, as_of: pd.Timestamp, days: int) -> tuple[str, object]:
    if pd.isna(expires):
        return "no end date recorded", pd.NA
    left = int((pd.Timestamp(expires) - as_of).days)
    if left < 0:
        return "expired", left
    if left <= days:
        return f"ends within {days} days", left
    return "current", left


@python_text
def agreements(
    analysis: Analysis, *, org: str | None = None, days: int = CALENDAR_DAYS
) -> AgreementRegister:
    """The agreements register of the partnership (or of the agreements ``org`` is party to).

    Parameters
    ----------
    analysis : Analysis
        From :func:`flowmap.analyse`; dates are judged as of its ``as_of``.
    org : str, optional
        Only agreements, contracts and missing agreements this organisation is party to.
    days : int
        How far ahead the expiry calendar looks (default 90).
    """
    if days < 0:
        raise UsageError(f"days must be 0 or more, not {days}.", param="days")
    inv = analysis.inventory
    names = inv.organisations.drop_duplicates("org_id").set_index("org_id")["name"]
    if org is not None and org not in names.index:
        raise UsageError(f"org {org!r} is not an organisation in the inventory.", param="org")
    as_of = pd.Timestamp(analysis.as_of)
    flows = analysis.flows
    flows = flows[flows["dsa_ref"] != ""]
    if org is not None:  # the agreements it is party to, each with all its flows
        party = (flows["sender_org_id"] == org) | (flows["receiver_org_id"] == org)
        flows = flows[flows["dsa_ref"].isin(set(flows.loc[party, "dsa_ref"]))]
    rows = []
    for ref, g in flows.groupby("dsa_ref", sort=True):
        ids = list(dict.fromkeys(list(g["sender_org_id"]) + list(g["receiver_org_id"])))
        expires = g["dsa_expires"].min()
        status, left = _status(expires, as_of, days)
        if g["dsa_expires"].nunique() > 1:
            status += " (the flows give different end dates: the earliest is shown)"
        rows.append(
            {
                "ref": ref,
                "kind": "data-sharing agreement",
                "parties": _join(names.get(i, i) for i in ids),
                "party_ids": ", ".join(ids),
                "flows": _join(g["flow_id"]),
                "systems": _join(list(g["source_system_id"]) + list(g["target_system_id"])),
                "assets": _join(f"{a} {n}" for a, n in zip(g["asset_id"], g["asset_name"])),
                "purposes": _join(p.replace("_", " ") for p in g["purpose"]),
                "lawful_bases": _join(g["lawful_basis"]),
                "special_conditions": _join(g["special_condition"]),
                "confidentiality_bases": _join(
                    c.replace("_", " ") for c in g["confidentiality_basis"]
                ),
                "countries": _join(c.upper() for c in g["destination_country"]),
                "expires": expires,
                "status": status,
                "days_left": left,
            }
        )
    rows.extend(_contracts(analysis, names, as_of, days, org))
    register = pd.DataFrame(rows, columns=REGISTER_COLUMNS)
    missing = _missing(analysis, names, org)
    if org is not None:
        parties = register["party_ids"].str.split(", ").map(lambda p: org in p)
        register = register[parties.astype(bool)]
        missing = missing[(missing["from_org_id"] == org) | (missing["to_org_id"] == org)]
    register = register.reset_index(drop=True)
    due = register[register["status"].str.startswith(("expired", "ends within"))]
    calendar = due.sort_values(["expires", "ref"], kind="stable")[CALENDAR_COLUMNS]
    return AgreementRegister(
        analysis.as_of,
        days,
        register,
        missing.reset_index(drop=True),
        calendar.reset_index(drop=True),
    )


@python_text
def agreement_calendar(
    analysis: Analysis, *, org: str | None = None, days: int = CALENDAR_DAYS
) -> pd.DataFrame:
    """Agreements and contracts that end within ``days`` of the analysis date, or have ended
    while flows still rely on them, soonest first (for the board report).

    Columns: ``expires``, ``days_left`` (negative once ended), ``status``, ``ref``,
    ``kind``, ``parties``, ``party_ids``, ``flows``, ``systems``, ``assets``.
    """
    return agreements(analysis, org=org, days=days).calendar


def _contracts(
    analysis: Analysis, names: pd.Series, as_of: pd.Timestamp, days: int, org: str | None
) -> list[dict]:
    """One row per contract reference in ``systems.contract_ref`` (a framework contract may
    cover several systems); with ``org``, the contracts it is party to only."""
    systems = analysis.inventory.systems
    run = systems[systems["contract_ref"] != ""]
    if org is not None:
        party = (run["org_id"] == org) | (run["supplier_org_id"] == org)
        run = run[run["contract_ref"].isin(set(run.loc[party, "contract_ref"]))]
    held = analysis.assets[["asset_id", "name", "system_id"]].explode("system_id")
    rows = []
    for ref, g in run.groupby("contract_ref", sort=True):
        expires = g["contract_expires"].min()
        status, left = _status(expires, as_of, days)
        if g["contract_expires"].nunique() > 1:
            status += " (the systems give different end dates: the earliest is shown)"
        ids = list(dict.fromkeys(i for i in list(g["org_id"]) + list(g["supplier_org_id"]) if i))
        on = held[held["system_id"].isin(g["system_id"])]
        rows.append(
            {
                "ref": ref,
                "kind": "processing contract"
                if (g["supplier_org_id"] != "").any()
                else "supplier contract",
                "parties": _join(names.get(i, i) for i in ids),
                "party_ids": ", ".join(ids),
                "flows": "",
                "systems": _join(g["system_id"]),
                "assets": _join(f"{a} {n}" for a, n in zip(on["asset_id"], on["name"])),
                "purposes": "",
                "lawful_bases": "",
                "special_conditions": "",
                "confidentiality_bases": "",
                "countries": "",
                "expires": expires,
                "status": status,
                "days_left": left,
            }
        )
    return rows


def _missing(analysis: Analysis, names: pd.Series, org: str | None) -> pd.DataFrame:
    flows = analysis.flows
    systems = analysis.inventory.systems
    if org is not None:  # what it is party to (the caller keeps only those rows too)
        flows = flows[(flows["sender_org_id"] == org) | (flows["receiver_org_id"] == org)]
        systems = systems[(systems["org_id"] == org) | (systems["supplier_org_id"] == org)]
    levels = flow_agreement_levels(analysis)
    need = flows[
        flows["personal"].astype(bool)
        & (flows["sender_org_id"] != flows["receiver_org_id"])
        & (flows["dsa_ref"] == "")
        & levels["agreement_level"].reindex(flows.index).isin(["required", "expected"])
    ]
    rows = [
        {
            "kind": "flow",
            "subject_id": f.flow_id,
            "from_org_id": f.sender_org_id,
            "from": f.sender_name,
            "to_org_id": f.receiver_org_id,
            "to": f.receiver_name,
            "asset_id": f.asset_id,
            "asset": f.asset_name,
            "purpose": f.purpose.replace("_", " "),
            "level": levels.at[i, "agreement_level"],
            "why": levels.at[i, "agreement_why"],
        }
        for i, f in zip(need.index, need.itertuples(index=False))
    ]
    uncontracted = systems[
        (systems["supplier_org_id"] != "")
        & (systems["supplier_org_id"] != systems["org_id"])
        & (systems["contract_ref"] == "")
    ]
    held = analysis.assets[["asset_id", "name", "system_id"]].explode("system_id")
    for s in uncontracted.itertuples(index=False):
        on = held[held["system_id"] == s.system_id]
        rows.append(
            {
                "kind": "system",
                "subject_id": s.system_id,
                "from_org_id": s.org_id,
                "from": names.get(s.org_id, s.org_id),
                "to_org_id": s.supplier_org_id,
                "to": names.get(s.supplier_org_id, s.supplier_org_id),
                "asset_id": ", ".join(on["asset_id"]),
                "asset": ", ".join(on["name"]),
                "purpose": "runs or hosts the system",
                "level": "required",
                "why": f"{names.get(s.supplier_org_id, s.supplier_org_id)} runs {s.name} for "
                f"{names.get(s.org_id, s.org_id)}: a processor acts under a written contract "
                "(UK GDPR Art 28(3)); record it in systems.contract_ref",
            }
        )
    return pd.DataFrame(rows, columns=MISSING_COLUMNS)
