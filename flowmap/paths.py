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

import heapq
import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from flowmap.inventory import Inventory
from flowmap.schema import ELECTRONIC_TRANSPORTS
from flowmap.settings import AnalysisSettings

ATTACKER = "attacker"


@dataclass
class AttackGraph:
    """The movement graph and the most likely path to every node."""

    G: nx.DiGraph
    distance: dict[str, float]
    paths: dict[str, list[str]]

    def reach(self, system_id: str) -> float:
        """Probability of the most likely path to a system (0 when unreachable)."""
        d = self.distance.get(f"system:{system_id}")
        return 0.0 if d is None else math.exp(-d)


def _cost(p: float) -> float:
    return -math.log(max(p, 1e-9))


def movement_graph(inventory: Inventory, likelihood: pd.Series,
                   entry: pd.Series) -> nx.DiGraph:
    """The directed graph an attacker moves on, with ``weight = -log(likelihood)``.

    Parameters
    ----------
    inventory : Inventory
    likelihood, entry : Series
        Per system (indexed by system_id): likelihood of compromise, and probability
        of a first foothold from outside.
    """
    systems = inventory.systems
    ids = systems["system_id"].tolist()
    cost = {s: _cost(p) for s, p in likelihood.items()}
    G = nx.DiGraph()
    G.add_node(ATTACKER, kind="attacker")
    G.add_nodes_from((f"system:{s}", {"kind": "system", "cost": cost[s]}) for s in ids)
    zone_of = dict(zip(ids, systems["zone"]))
    for s in ids:
        z = f"zone:{zone_of[s]}"
        G.add_edge(f"system:{s}", z, weight=0.0, how="zone")
        G.add_edge(z, f"system:{s}", weight=cost[s], how="zone")
    for r in inventory.zone_links.itertuples(index=False):
        a, b = f"zone:{r.from_zone}", f"zone:{r.to_zone}"
        G.add_edge(a, b, weight=0.0, how="zone_link")
        if r.bidirectional is not False:
            G.add_edge(b, a, weight=0.0, how="zone_link")
    flows = inventory.flows
    electronic = flows[flows["transport"].isin(ELECTRONIC_TRANSPORTS) | (flows["transport"] == "")]
    for u, v, f in zip(electronic["source_system_id"], electronic["target_system_id"],
                       electronic["flow_id"]):
        if u != v and not G.has_edge(f"system:{u}", f"system:{v}"):
            G.add_edge(f"system:{u}", f"system:{v}", weight=cost[v], how="flow", flow_id=f)
    hosted = systems[systems["supplier_org_id"] != ""]
    suppliers = set(hosted["supplier_org_id"])
    for s, org in zip(ids, systems["org_id"]):
        if org in suppliers:
            G.add_edge(f"system:{s}", f"supplier:{org}", weight=0.0, how="supplier")
    for s, org in zip(hosted["system_id"], hosted["supplier_org_id"]):
        G.add_edge(f"supplier:{org}", f"system:{s}", weight=cost[s], how="supplier")
    for s, p in entry.items():
        if p > 0:
            G.add_edge(ATTACKER, f"system:{s}", weight=_cost(p), how="entry")
    return G


def most_likely_paths(G: nx.DiGraph) -> AttackGraph:
    """One Dijkstra search from the attacker node to every node."""
    distance, paths = nx.single_source_dijkstra(G, ATTACKER, weight="weight")
    return AttackGraph(G=G, distance=distance, paths=paths)


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
    loc["probability"] = [math.exp(-attack.distance[f"system:{s}"])
                          if f"system:{s}" in attack.distance else 0.0 for s in loc["system_id"]]
    loc = loc.sort_values(["asset_id", "probability", "system_id"],
                          ascending=[True, False, True], kind="stable")
    best = loc.drop_duplicates("asset_id").set_index("asset_id")
    rows = []
    for asset_id, name, org_id in zip(assets["asset_id"], assets["name"], assets["org_id"]):
        target = best["system_id"].get(asset_id)
        p = float(best["probability"].get(asset_id, 0.0))
        path = attack.paths.get(f"system:{target}", []) if p > 0 else []
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


def blast_radius(G: nx.DiGraph, copies: pd.DataFrame, impact: pd.Series,
                 settings: AnalysisSettings) -> pd.Series:
    """The impact an attacker who holds each system could reach.

    For system S: the sum over assets of impact x the probability of the most
    likely path from S to any copy of the asset (1 for copies on S itself); paths
    less likely than ``blast_probability_floor`` are not followed. Systems whose
    onward moves are the same (the same zone, flows and supplier links) share one
    search.
    """
    cutoff = _cost(settings.blast_probability_floor)
    impact_of = copies["asset_id"].map(impact).fillna(0.0).to_numpy()
    assets_at: dict[str, list[int]] = {}
    for i, s in enumerate(copies["system_id"]):
        assets_at.setdefault(s, []).append(i)
    asset_codes, _ = pd.factorize(copies["asset_id"])
    n_assets = int(asset_codes.max()) + 1 if len(asset_codes) else 0
    impact_by_asset = np.zeros(n_assets)
    impact_by_asset[asset_codes] = impact_of
    result: dict[str, float] = {}
    by_signature: dict[frozenset[str], dict[str, float]] = {}
    for node in G.nodes:
        if not node.startswith("system:"):
            continue
        signature = frozenset(G.successors(node))
        reached = by_signature.get(signature)
        if reached is None:
            reached = _search(G, signature, cutoff)
            by_signature[signature] = reached
        best = np.zeros(n_assets)
        system = node[7:]
        for other, d in reached.items():
            idx = assets_at.get(other[7:]) if other.startswith("system:") else None
            if idx:
                codes = asset_codes[idx]
                np.maximum.at(best, codes, math.exp(-d))
        own = assets_at.get(system)
        if own:
            best[asset_codes[own]] = 1.0
        result[system] = float(round((best * impact_by_asset).sum(), 2))
    return pd.Series(result, name="blast_radius", dtype="float64")


def _search(G: nx.DiGraph, first_moves: frozenset[str], cutoff: float) -> dict[str, float]:
    """Distances (``-log`` probability) from a set of first moves, up to ``cutoff``.

    Entering a system costs its own ``cost``; zone and supplier hubs cost nothing.
    """
    dist: dict[str, float] = {}
    heap = [(float(G.nodes[n].get("cost", 0.0)), n) for n in first_moves]
    heap = [(d, n) for d, n in heap if d <= cutoff]
    heapq.heapify(heap)
    while heap:
        d, n = heapq.heappop(heap)
        if n in dist:
            continue
        dist[n] = d
        for _, m, w in G.out_edges(n, data="weight"):
            nd = d + w
            if nd <= cutoff and m not in dist:
                heapq.heappush(heap, (nd, m))
    return dist
