"""Article 30(2) records: what each processor does for each controller.

A processor here is an organisation named in ``systems.supplier_org_id``: it runs or
hosts a system for the organisation that operates it. UK GDPR Article 30(2) asks of it:
its name and contact details (and its DPO), each controller it acts for, the categories
of processing carried out for each, transfers outside the UK and a general description of
its security measures. No purposes, data subjects or retention are required of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowmap.governance.ropa_text import backup_security, day, gap, system_security

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

PROCESSOR_COLUMNS = [
    "processor_id",
    "processor",
    "processor_contact",
    "controller_id",
    "controller",
    "controller_contact",
    "categories_of_processing",
    "transfers",
    "security",
    "contracts",
]


def _contact(o: pd.Series) -> str:
    bits = [str(o.get(c, "") or "") for c in ("address", "dpo_name", "dpo_email")]
    bits = [b for b in bits if b]
    return "; ".join(bits) or gap(f"organisations.address and dpo_email of {o.name}")


def processor_records(
    analysis: Analysis, orgs: pd.DataFrame, *, processor: str | None = None
) -> pd.DataFrame:
    """One row per (processor, controller): the Article 30(2) record, gaps marked.

    ``orgs`` is the inventory's organisations indexed by ``org_id``; ``processor`` keeps
    one processor's records only (worked out for it alone: a region's per-organisation
    papers each need one).
    """
    systems = analysis.systems.drop_duplicates("system_id")
    run = systems[
        (systems["supplier_org_id"] != "") & (systems["supplier_org_id"] != systems["org_id"])
    ]
    if processor is not None:
        run = run[run["supplier_org_id"] == processor]
    assets = analysis.assets
    held = assets[["asset_id", "name", "system_id", "org_id"]].explode("system_id")
    held = held[held["system_id"].isin(set(run["system_id"]))]  # on systems processors run
    flows = analysis.flows
    if processor is not None:  # what the controllers send to this processor
        flows = flows[flows["receiver_org_id"] == processor]
    backups = analysis.inventory.backups
    rows = []
    for (processor, controller), group in run.groupby(["supplier_org_id", "org_id"], sort=True):
        ids = list(group["system_id"])
        data = held[held["system_id"].isin(ids)]
        what = []
        for s in group.itertuples(index=False):
            names = data.loc[data["system_id"] == s.system_id, "name"].tolist()
            holding = f", holding {', '.join(names)}" if names else ""
            what.append(f"Runs or hosts {s.name} ({s.system_id}){holding}")
        sent = flows[
            (flows["sender_org_id"] == controller) & (flows["receiver_org_id"] == processor)
        ]
        for f in sent.itertuples(index=False):
            what.append(
                f"Receives {f.asset_name} ({f.flow_id}, "
                f"{f.purpose.replace('_', ' ') or 'purpose not recorded'})"
            )
        contracts = []
        for s in group.itertuples(index=False):
            ref = getattr(s, "contract_ref", "")
            end = day(getattr(s, "contract_expires", None))
            contracts.append(
                f"{s.system_id}: {ref}" + (f" (ends {end})" if end else "")
                if ref
                else gap(f"systems.contract_ref for {s.system_id}")
            )
        security = "; ".join(system_security(s) for s in group.to_dict("records"))
        mine = backups[backups["source_system_id"].isin(ids)].to_dict("records")
        security += ". " + backup_security(mine)
        rows.append(
            {
                "processor_id": processor,
                "processor": orgs.at[processor, "name"],
                "processor_contact": _contact(orgs.loc[processor]),
                "controller_id": controller,
                "controller": orgs.at[controller, "name"],
                "controller_contact": _contact(orgs.loc[controller]),
                "categories_of_processing": "; ".join(what),
                "transfers": gap(
                    "where the processor stores and accesses the data: confirm it "
                    "with the processor and record it in the contract"
                ),
                "security": security,
                "contracts": "; ".join(contracts),
            }
        )
    return pd.DataFrame(rows, columns=PROCESSOR_COLUMNS)
