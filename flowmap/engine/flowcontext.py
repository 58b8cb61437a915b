"""The flows as the flow rules read them: each flow with its parties and its data.

:func:`flow_context` adds the sender's and receiver's organisation, sector, DSPT status
and other assurance, whether the receiver processes data for the sender, the asset's
sensitivity and what agreement the sharing needs (:mod:`flowmap.engine.sharing`).
"""

from __future__ import annotations

import pandas as pd

from flowmap.engine.sharing import agreement_needs, assurance_routes
from flowmap.inventory.model import Inventory


def flow_context(inventory: Inventory, assets: pd.DataFrame) -> pd.DataFrame:
    """Flows with sender and receiver organisation details and the asset's sensitivity.

    ``personal`` marks flows carrying personal data: identifiable or pseudonymised, and
    not only corporate data. ``receiver_route`` says how the receiver assures its security
    (``dspt`` or ``own``: :func:`flowmap.engine.sharing.assurance_route`).
    ``receiver_is_processor`` marks flows to an organisation
    that runs or hosts a system for the sender; ``agreement_level`` and
    ``agreement_why`` say what agreement the sharing needs
    (:func:`flowmap.engine.sharing.agreement_need`).
    """
    systems = inventory.systems.set_index("system_id")
    orgs = inventory.organisations.set_index("org_id")
    a = assets.set_index("asset_id")
    f = inventory.flows.copy()
    # one hash lookup per key column, then every wanted column taken by position
    f["sender_org_id"] = systems["org_id"].reindex(f["source_system_id"]).to_numpy()
    f["receiver_org_id"] = systems["org_id"].reindex(f["target_system_id"]).to_numpy()
    sender = orgs[["name", "sector"]].reindex(f["sender_org_id"])
    receiver = orgs[
        ["name", "sector", "dspt_status", "dspt_framework", "ce_plus", "assurance"]
    ].reindex(f["receiver_org_id"])
    asset = a[["name", "data_categories", "special_category", "identifiability"]].reindex(
        f["asset_id"]
    )
    f["sender_name"] = sender["name"].to_numpy()
    f["receiver_name"] = receiver["name"].to_numpy()
    f["sender_sector"] = sender["sector"].to_numpy()
    f["receiver_sector"] = receiver["sector"].to_numpy()
    f["receiver_dspt"] = receiver["dspt_status"].to_numpy()
    f["receiver_ce_plus"] = receiver["ce_plus"].astype("boolean").to_numpy()
    f["receiver_assurance"] = receiver["assurance"].fillna("").to_numpy(dtype=object)
    f["receiver_route"] = assurance_routes(
        pd.Series(f["receiver_sector"].to_numpy(), index=f.index),
        pd.Series(receiver["dspt_framework"].to_numpy(), index=f.index),
    )
    # the receiver runs or hosts a system for the sender: it processes data on its behalf
    supplied = inventory.systems.loc[inventory.systems["supplier_org_id"] != ""]
    served = pd.MultiIndex.from_arrays([supplied["org_id"], supplied["supplier_org_id"]])
    f["receiver_is_processor"] = (
        pd.MultiIndex.from_arrays([f["sender_org_id"], f["receiver_org_id"]]).isin(served)
        & (f["sender_org_id"] != f["receiver_org_id"]).to_numpy()
    )
    f["asset_name"] = asset["name"].to_numpy()
    f["data_categories"] = asset["data_categories"].to_numpy()
    f["special_category"] = asset["special_category"].astype(bool).to_numpy()
    f["identifiability_effective"] = f["identifiability"].where(
        f["identifiability"] != "", pd.Series(asset["identifiability"].to_numpy(), index=f.index)
    )
    corporate_only = a["data_categories"].map(lambda c: bool(c) and set(c) <= {"corporate"})
    f["personal"] = f["identifiability_effective"].isin(["identifiable", "pseudonymised"]) & ~f[
        "asset_id"
    ].map(corporate_only).fillna(False).astype(bool)
    need = agreement_needs(f)
    f["agreement_level"] = need["agreement_level"].to_numpy(dtype=object)
    f["agreement_why"] = need["agreement_why"].to_numpy(dtype=object)
    return f
