"""Where copies of each information asset really live.

An asset is where the register says it is held. A flow of the asset from system S
to system T puts a copy on T, and a later flow of the same asset out of T carries it
on (multi-hop lineage). A backup of a system that holds a copy puts a copy on the
backup target. A flow that sends an asset from a system the register does not list
is evidence that the asset is there too (``how = "flow_source"``).

Each (asset, system) pair appears once, reached by its shortest lineage; the whole
computation is a few vectorised joins, one per hop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.inventory import Inventory

COLUMNS = ["asset_id", "system_id", "how", "via", "hops", "route"]


def data_copies(inventory: Inventory) -> pd.DataFrame:
    """Every place each asset is held, and how it got there.

    Returns
    -------
    DataFrame
        ``asset_id``, ``system_id``, ``how`` (``register``, ``flow_source``, ``flow``
        or ``backup``), ``via`` (the flow or backup id), ``hops`` (flows from the
        register) and ``route`` (the flow ids in order, ``" > "``-separated),
        sorted by asset and hops.

    Examples
    --------
    >>> import flowmap
    >>> copies = data_copies(flowmap.load_inventory("inventories/sample"))
    >>> sorted(copies["how"].unique())
    ['backup', 'flow', 'register']
    """
    assets, flows, backups = inventory.assets, inventory.flows, inventory.backups
    held = assets[["asset_id", "system_id"]].explode("system_id").dropna()
    held = held.assign(how="register", via="", hops=0, route="")
    flows = flows.sort_values("flow_id")[["flow_id", "asset_id", "source_system_id",
                                           "target_system_id"]]
    reached = set(zip(held["asset_id"], held["system_id"]))
    reached |= set(zip(flows["asset_id"], flows["target_system_id"]))
    sources = flows[_absent(flows["asset_id"], flows["source_system_id"], reached)]
    orphan = pd.DataFrame({"asset_id": sources["asset_id"],
                           "system_id": sources["source_system_id"], "how": "flow_source",
                           "via": sources["flow_id"], "hops": 0, "route": ""})
    located = pd.concat([held, orphan.drop_duplicates(["asset_id", "system_id"])],
                        ignore_index=True)[COLUMNS]
    frontier = located
    seen = set(zip(located["asset_id"], located["system_id"]))
    while len(frontier):
        step = frontier.merge(flows, left_on=["asset_id", "system_id"],
                              right_on=["asset_id", "source_system_id"])
        step = pd.DataFrame({
            "asset_id": step["asset_id"], "system_id": step["target_system_id"],
            "how": "flow", "via": step["flow_id"], "hops": step["hops"] + 1,
            "route": (step["route"] + " > ").where(step["route"] != "", "") + step["flow_id"]})
        step = step.sort_values(["asset_id", "system_id", "route"]).drop_duplicates(
            ["asset_id", "system_id"])
        frontier = step[_absent(step["asset_id"], step["system_id"], seen)]
        seen.update(zip(frontier["asset_id"], frontier["system_id"]))
        located = pd.concat([located, frontier], ignore_index=True)
    if len(backups):
        copied = located.merge(backups[["backup_id", "source_system_id", "target_system_id"]],
                               left_on="system_id", right_on="source_system_id")
        copied = pd.DataFrame({
            "asset_id": copied["asset_id"], "system_id": copied["target_system_id"],
            "how": "backup", "via": copied["backup_id"], "hops": copied["hops"],
            "route": copied["route"]}).sort_values(["asset_id", "system_id", "via"])
        copied = copied.drop_duplicates(["asset_id", "system_id"])
        copied = copied[_absent(copied["asset_id"], copied["system_id"], seen)]
        located = pd.concat([located, copied], ignore_index=True)
    order = {"register": 0, "flow_source": 1, "flow": 2, "backup": 3}
    located = located.assign(_o=located["how"].map(order)).sort_values(
        ["asset_id", "hops", "_o", "system_id"], kind="stable").drop(columns="_o")
    located["hops"] = located["hops"].astype(int)
    return located.reset_index(drop=True)


def _absent(assets: pd.Series, systems: pd.Series, pairs: set[tuple[str, str]]) -> np.ndarray:
    """Mask of the (asset, system) pairs not yet in ``pairs``."""
    return np.fromiter(((a, s) not in pairs for a, s in zip(assets, systems)), dtype=bool,
                       count=len(assets))
