"""Attack paths: the most likely way in to every system and every asset, and blast radius.

An attacker starts on an entry point (an internet-facing system, or a workstation,
medical device or mobile reached by phishing) and moves on from a system to

- every system in the same network zone (through one zone hub node, never a clique),
- every system in a zone that ``zone_links`` lets its zone reach,
- the target of every electronic flow the system sends,
- every system a supplier hosts, from any of that supplier's own systems.

Compromising system v costs ``-log(likelihood(v))``, so the shortest path from a
virtual attacker node is the most likely path, found for all systems at once by a
single Dijkstra search: cost grows near-linearly with the graph, and simple paths
are never enumerated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from flowmap.inventory import Inventory
from flowmap.movement import ATTACKER, Movement, movement_edges, search
from flowmap.schema import ELECTRONIC_TRANSPORTS

__all__ = ["ATTACKER", "AttackGraph", "asset_paths", "blast_radius", "describe_path",
           "most_likely_paths", "movement_graph"]


@dataclass
class AttackGraph:
    """The movement graph and the most likely path from the attacker to every node."""

    G: nx.DiGraph
    movement: Movement
    dist: np.ndarray
    parents: np.ndarray

    def __post_init__(self) -> None:
        self._index = {n: i for i, n in enumerate(self.movement.names.tolist())}

    @property
    def distance(self) -> dict[str, float]:
        """``-log`` probability of the most likely path to each reached node."""
        reached = np.flatnonzero(np.isfinite(self.dist))
        return dict(zip(self.movement.names[reached].tolist(), self.dist[reached].tolist()))

    @property
    def parent(self) -> dict[str, str]:
        """Each reached node's predecessor on its most likely path."""
        child = np.flatnonzero(self.parents >= 0)
        names = self.movement.names
        return dict(zip(names[child].tolist(), names[self.parents[child]].tolist()))

    def probability(self, node: str) -> float:
        """Probability of the most likely path to a node (0 when unreachable)."""
        i = self._index.get(node)
        return 0.0 if i is None or not np.isfinite(self.dist[i]) else math.exp(-self.dist[i])

    def reach(self, system_id: str) -> float:
        """Probability of the most likely path to a system (0 when unreachable)."""
        return self.probability(f"system:{system_id}")

    def path(self, node: str) -> list[str]:
        """The most likely path from the attacker to ``node`` ([] when unreachable)."""
        i = self._index.get(node)
        if i is None or not np.isfinite(self.dist[i]):
            return []
        chain = [i]
        while chain[-1] != 0:
            chain.append(int(self.parents[chain[-1]]))
        return self.movement.names[chain[::-1]].tolist()


def movement_graph(inventory: Inventory, likelihood: pd.Series, entry: pd.Series) -> nx.DiGraph:
    """The attacker's movement graph as networkx (see :mod:`flowmap.movement`)."""
    return movement_edges(inventory, likelihood, entry).to_networkx()


def most_likely_paths(graph: nx.DiGraph | Movement, *, backend: str = "rustworkx",
                      G: nx.DiGraph | None = None) -> AttackGraph:
    """The most likely path from the attacker node to every node: one Dijkstra search.

    ``backend="rustworkx"`` runs the search in compiled code (``benchmarks/run.py``
    shows why); ``"networkx"`` is the plain reference. Both pick each node's path the
    same way from the distances, so they return identical paths even where paths tie.
    """
    m = graph if isinstance(graph, Movement) else Movement.from_networkx(graph)
    dist, parents = search(m, backend=backend)
    if G is None:
        G = graph if isinstance(graph, nx.DiGraph) else m.to_networkx()
    return AttackGraph(G=G, movement=m, dist=dist, parents=parents)


def describe_path(G: nx.DiGraph, path: list[str]) -> list[dict[str, object]]:
    """The systems of a path, each with how the attacker got there."""
    steps: list[dict[str, object]] = []
    via: list[str] = []
    for prev, node in zip(path, path[1:]):
        edge = G.edges[prev, node]
        if not node.startswith("system:"):
            if node.startswith("zone:") and prev.startswith("zone:"):
                via.append(f"zone link to {node[5:]}")
            elif node.startswith("supplier:"):
                via.append(f"supplier platform of {node[9:]}")
            continue
        if edge["how"] == "entry":
            how = "entry point"
        elif edge["how"] == "flow":
            how = f"flow {edge['flow_id']}"
        elif edge["how"] == "supplier":
            how = via[-1] if via else "supplier platform"
        else:
            how = "same zone" if not via else "; ".join(via)
            if prev.startswith("zone:") and not via:
                how = f"same zone ({prev[5:]})"
        steps.append({"system_id": node[7:], "how": how,
                      "cost": round(float(edge["weight"]), 6)})
        via = []
    return steps


def asset_paths(attack: AttackGraph, copies: pd.DataFrame, assets: pd.DataFrame,
                impact: pd.Series, entry_kind: dict[str, str]) -> pd.DataFrame:
    """The most likely path to each asset: to whichever of its copies is easiest to reach.

    Returns one row per asset (``asset_id``, ``target_system_id``, ``probability``,
    ``impact``, ``risk`` = probability x impact, ``entry_system_id``, ``entry_kind``,
    ``hops``, ``path`` and ``steps``), most risky first; assets no path reaches
    have probability 0.
    """
    loc = copies[["asset_id", "system_id"]].copy()
    loc["probability"] = [attack.reach(s) for s in loc["system_id"]]
    loc = loc.sort_values(["asset_id", "probability", "system_id"],
                          ascending=[True, False, True], kind="stable")
    best = loc.drop_duplicates("asset_id").set_index("asset_id")
    rows = []
    for asset_id, name, org_id in zip(assets["asset_id"], assets["name"], assets["org_id"]):
        target = best["system_id"].get(asset_id)
        p = float(best["probability"].get(asset_id, 0.0))
        path = attack.path(f"system:{target}") if p > 0 else []
        steps = describe_path(attack.G, path)
        systems = [s["system_id"] for s in steps]
        entry = systems[0] if systems else ""
        rows.append({"asset_id": asset_id, "asset_name": name, "org_id": org_id,
                     "target_system_id": target if p > 0 else "", "probability": round(p, 4),
                     "impact": float(impact.get(asset_id, 0.0)),
                     "entry_system_id": entry, "entry_kind": entry_kind.get(entry, ""),
                     "hops": max(len(steps) - 1, 0), "path": " > ".join(systems),
                     "steps": steps})
    out = pd.DataFrame(rows)
    out["risk"] = (out["probability"] * out["impact"]).round(2)
    return out.sort_values(["risk", "asset_id"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def blast_radius(inventory: Inventory, copies: pd.DataFrame, likelihood: pd.Series,
                 impact: pd.Series) -> pd.Series:
    """The impact an attacker who holds each system could reach in one move.

    For system S: the sum over assets of impact x the best chance of reaching a copy
    in one move from S (1 for copies on S itself; ``likelihood(v)`` for a copy on a
    system v in S's zone or a zone it links to, on the target of an electronic flow
    S sends, or hosted by S's organisation as a supplier). Computed with a few
    vectorised joins on integer codes, so it grows with the inventory, not its square.
    """
    systems = inventory.systems[["system_id", "org_id", "zone"]]
    at = copies[["asset_id", "system_id"]].drop_duplicates()
    assets, asset_code = np.unique(at["asset_id"].to_numpy(dtype=object).astype(str),
                                   return_inverse=True)
    at = pd.DataFrame({"asset": asset_code, "system_id": at["system_id"].to_numpy(),
                       "p": at["system_id"].map(likelihood).fillna(0.0).to_numpy(),
                       "zone": at["system_id"].map(systems.set_index("system_id")["zone"])
                       .to_numpy()})
    reachable_zones = _reachable_zones(systems, inventory.zone_links)
    zone_best = at.groupby(["zone", "asset"], as_index=False)["p"].max()
    by_zone = reachable_zones.merge(zone_best, left_on="to_zone", right_on="zone")
    flows = inventory.flows
    electronic = flows[flows["transport"].isin(ELECTRONIC_TRANSPORTS) | (flows["transport"] == "")]
    by_flow = electronic[["source_system_id", "target_system_id"]].drop_duplicates().merge(
        at, left_on="target_system_id", right_on="system_id")
    hosted = inventory.systems[inventory.systems["supplier_org_id"] != ""]
    hosted_best = at.merge(hosted[["system_id", "supplier_org_id"]], on="system_id").groupby(
        ["supplier_org_id", "asset"], as_index=False)["p"].max()
    by_supplier = systems.merge(hosted_best, left_on="org_id", right_on="supplier_org_id")
    origin = pd.Index(systems["system_id"])
    parts = [(by_zone["system_id"], by_zone["asset"], by_zone["p"]),
             (by_flow["source_system_id"], by_flow["asset"], by_flow["p"]),
             (by_supplier["system_id"], by_supplier["asset"], by_supplier["p"]),
             (at["system_id"], at["asset"], pd.Series(1.0, index=at.index))]
    key = np.concatenate([origin.get_indexer(o).astype(np.int64) * len(assets) + a.to_numpy()
                          for o, a, _ in parts])
    p = np.concatenate([pr.to_numpy(dtype="float64") for _, _, pr in parts])
    best = pd.Series(p).groupby(key).max()
    value = best.to_numpy() * pd.Series(assets).map(impact).fillna(0.0).to_numpy()[
        best.index.to_numpy() % len(assets)]
    total = np.bincount(best.index.to_numpy() // len(assets), weights=value,
                        minlength=len(origin))
    return pd.Series(np.round(total, 2), index=origin, name="blast_radius")


def _reachable_zones(systems: pd.DataFrame, zone_links: pd.DataFrame) -> pd.DataFrame:
    """(system_id, to_zone): the system's own zone and every zone its zone links to."""
    own = pd.DataFrame({"system_id": systems["system_id"], "to_zone": systems["zone"]})
    links = zone_links[["from_zone", "to_zone"]]
    back = zone_links[zone_links["bidirectional"] != False][["to_zone", "from_zone"]]  # noqa: E712
    back.columns = ["from_zone", "to_zone"]
    edges = pd.concat([links, back], ignore_index=True).drop_duplicates()
    linked = systems.merge(edges, left_on="zone", right_on="from_zone")[["system_id", "to_zone"]]
    return pd.concat([own, linked], ignore_index=True).drop_duplicates()


