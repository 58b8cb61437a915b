"""Where copies of each information asset really live.

An asset is where the register says it is held. A flow of the asset from system S
to system T puts a copy on T, and a later flow of the same asset out of T carries it
on (multi-hop lineage). A backup of a system that holds a copy puts a copy on the
backup target. A flow that sends an asset from a system the register does not list
is evidence that the asset is there too (``how = "flow_source"``).

Each (asset, system) pair appears once, reached by its shortest lineage (ties go to
the route whose text sorts first, then the backup id that sorts first). The whole
computation is a few sort-based joins on integer codes, one per hop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from flowmap.inventory.codes import expand, member, sorted_codes
from flowmap.inventory.model import Inventory

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
    flows = flows.sort_values("flow_id", kind="stable")
    (a_held, a_flow), asset_names = sorted_codes(held["asset_id"], flows["asset_id"])
    (s_held, s_src, s_dst, b_src, b_dst), system_names = sorted_codes(
        held["system_id"],
        flows["source_system_id"],
        flows["target_system_id"],
        backups["source_system_id"],
        backups["target_system_id"],
    )
    width = max(len(system_names), 1)
    flow_ids = flows["flow_id"].to_numpy(dtype=object)
    parts = [
        _Part(
            a_held,
            s_held,
            REGISTER,
            np.full(len(a_held), "", dtype=object),
            np.zeros(len(a_held), np.int64),
            np.full(len(a_held), "", dtype=object),
        )
    ]

    # A flow from a system the register does not list: the asset is there too.
    reached = np.concatenate([a_held * width + s_held, a_flow * width + s_dst])
    orphan = np.flatnonzero(~member(a_flow * width + s_src, reached))
    _, first = np.unique(a_flow[orphan] * width + s_src[orphan], return_index=True)
    orphan = orphan[np.sort(first)]
    parts.append(
        _Part(
            a_flow[orphan],
            s_src[orphan],
            FLOW_SOURCE,
            flow_ids[orphan],
            np.zeros(len(orphan), np.int64),
            np.full(len(orphan), "", dtype=object),
        )
    )

    # Each hop: every flow of the asset out of a system the frontier reached.
    out_key = a_flow * width + s_src
    by_source = np.argsort(out_key, kind="stable")
    sorted_out = out_key[by_source]
    frontier = _Part.concat(parts)
    seen = frontier.key(width)
    while len(frontier.asset):
        pair, row = expand(frontier.key(width), sorted_out)
        f = by_source[row]
        route = frontier.route[pair]
        if (route == "").all():
            rank = f  # flows are in flow_id order, so a one-flow route's rank is its flow's
            route = flow_ids[f]
        else:
            route = np.where(route == "", "", route + " > ") + flow_ids[f]
            rank = pd.factorize(route, sort=True)[0]
        step = _Part(a_flow[f], s_dst[f], FLOW, flow_ids[f], frontier.hops[pair] + 1, route)
        step = step.take(np.lexsort((rank, step.system, step.asset)))
        step = step.take(_first_of_each(step.key(width)))
        frontier = step.take(np.flatnonzero(~member(step.key(width), seen)))
        seen = np.concatenate([seen, frontier.key(width)])
        parts.append(frontier)

    # A backup of a system holding a copy puts a copy on the backup target.
    located = _Part.concat(parts)
    if len(backups):
        backup_ids = backups["backup_id"].to_numpy(dtype=object)
        b_order = np.argsort(b_src, kind="stable")
        pair, row = expand(located.system, b_src[b_order])
        b = b_order[row]
        copied = _Part(
            located.asset[pair],
            b_dst[b],
            BACKUP,
            backup_ids[b],
            located.hops[pair],
            located.route[pair],
        )
        via_rank = pd.factorize(copied.via, sort=True)[0]
        copied = copied.take(np.lexsort((via_rank, copied.system, copied.asset)))
        copied = copied.take(_first_of_each(copied.key(width)))
        copied = copied.take(np.flatnonzero(~member(copied.key(width), seen)))
        located = _Part.concat([located, copied])
    located = located.take(np.lexsort((located.system, located.how, located.hops, located.asset)))
    return pd.DataFrame(
        {
            "asset_id": asset_names[located.asset],
            "system_id": system_names[located.system],
            "how": np.asarray(HOW, dtype=object)[located.how],
            "via": located.via,
            "hops": located.hops.astype(int),
            "route": located.route,
        }
    )


REGISTER, FLOW_SOURCE, FLOW, BACKUP = range(4)
HOW = ("register", "flow_source", "flow", "backup")  # also the order copies are listed in


@dataclass
class _Part:
    """Copies as parallel arrays: asset and system codes, how, via, hops and route."""

    asset: np.ndarray
    system: np.ndarray
    how: np.ndarray | int
    via: np.ndarray
    hops: np.ndarray
    route: np.ndarray

    def __post_init__(self) -> None:
        if isinstance(self.how, int):
            self.how = np.full(len(self.asset), self.how, np.int64)

    def key(self, width: int) -> np.ndarray:
        return self.asset * width + self.system

    def take(self, rows: np.ndarray) -> _Part:
        return _Part(
            self.asset[rows],
            self.system[rows],
            self.how[rows],
            self.via[rows],
            self.hops[rows],
            self.route[rows],
        )

    @staticmethod
    def concat(parts: list[_Part]) -> _Part:
        return _Part(
            *(
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("asset", "system", "how", "via", "hops", "route")
            )
        )


def _first_of_each(sorted_key: np.ndarray) -> np.ndarray:
    """Positions of the first row of each run of equal keys."""
    return (
        np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
        if len(sorted_key)
        else np.empty(0, np.int64)
    )
