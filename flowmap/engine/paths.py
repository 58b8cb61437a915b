"""Attack paths: the most likely way in to every system and every asset, and blast radius.

An attacker starts on an entry point (an internet-facing system, or a workstation,
medical device or mobile reached by phishing) and moves on from a system to

- every system in the same network zone (through hub nodes, never a clique),
- every system in a zone that ``zone_links`` lets its zone reach (but no further: a
  zone is not a transit node, so going on from there needs a foothold there first),
- the target of every electronic flow the system sends,
- every system a supplier hosts, from any of that supplier's own systems.

Compromising system v costs ``-log(likelihood(v))``, so the shortest path from a
virtual attacker node is the most likely path, found for all systems at once by a
single Dijkstra search: cost grows near-linearly with the graph, and simple paths
are never enumerated.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowmap.engine.blast import blast_radius
from flowmap.engine.movement import ATTACKER, Movement, movement_edges, search
from flowmap.engine.nodes import id_of, is_kind, node, nodes
from flowmap.inventory.model import Inventory

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "ATTACKER",
    "AttackGraph",
    "asset_paths",
    "blast_radius",
    "describe_path",
    "most_likely_paths",
    "movement_graph",
]


@dataclass
class AttackGraph:
    """The movement graph and the most likely path from the attacker to every node.

    ``G`` (the graph as networkx, for people and notebooks) is built on first use.
    """

    movement: Movement
    dist: np.ndarray
    parents: np.ndarray
    graph: nx.DiGraph | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._nodes = pd.Index(self.movement.names)
        self._index = {n: i for i, n in enumerate(self.movement.names.tolist())}
        # math.exp, not numpy's: the two can differ in the last bit, and every
        # probability must be the same however it is asked for.
        self._p = np.array(
            [math.exp(-d) if d != math.inf else 0.0 for d in self.dist.tolist()], dtype=np.float64
        )

    @property
    def G(self) -> nx.DiGraph:  # noqa: N802 (networkx's name for a graph)
        """The movement graph as networkx (built once, on first use)."""
        if self.graph is None:
            self.graph = self.movement.to_networkx()
        return self.graph

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
        return 0.0 if i is None else float(self._p[i])

    def reach(self, system_id: str) -> float:
        """Probability of the most likely path to a system (0 when unreachable)."""
        return self.probability(node("system", system_id))

    def reach_many(self, system_ids: pd.Series | np.ndarray | list[str]) -> np.ndarray:
        """:meth:`reach` of many systems at once."""
        ids = pd.Series(system_ids, dtype=object)
        i = self._nodes.get_indexer(nodes("system", ids))
        return np.where(i >= 0, self._p[i], 0.0)

    def path(self, node: str) -> list[str]:
        """The most likely path from the attacker to ``node`` ([] when unreachable)."""
        i = self._index.get(node)
        if i is None or not np.isfinite(self.dist[i]):
            return []
        chain = [i]
        while chain[-1] != 0:
            chain.append(int(self.parents[chain[-1]]))
        return self.movement.names[chain[::-1]].tolist()

    def tree_edges(self, nodes: list[str]) -> dict[str, dict[str, object]]:
        """The attributes of the edge into each of ``nodes`` on its most likely path."""
        m = self.movement
        child = np.array([self._index[n] for n in nodes], np.int64)
        parent = self.parents[child]
        key = m.src * len(m.names) + m.dst
        order = np.argsort(key, kind="stable")
        at = order[np.searchsorted(key, parent * len(m.names) + child, sorter=order)]
        return {
            n: {"how": h, "flow_id": f, "weight": w}
            for n, h, f, w in zip(
                nodes, m.how[at].tolist(), m.flow_id[at].tolist(), m.weight[at].tolist()
            )
        }


def movement_graph(inventory: Inventory, likelihood: pd.Series, entry: pd.Series) -> nx.DiGraph:
    """The attacker's movement graph as networkx (see :mod:`flowmap.engine.movement`)."""
    return movement_edges(inventory, likelihood, entry).to_networkx()


def most_likely_paths(graph: nx.DiGraph | Movement, *, backend: str = "rustworkx") -> AttackGraph:
    """The most likely path from the attacker node to every node: one Dijkstra search.

    ``backend="rustworkx"`` runs the search in compiled code (``benchmarks/run.py``
    shows why); ``"networkx"`` is the plain reference. Both pick each node's path the
    same way from the distances, so they return identical paths even where paths tie.
    """
    m = graph if isinstance(graph, Movement) else Movement.from_networkx(graph)
    dist, parents = search(m, backend=backend)
    return AttackGraph(
        movement=m, dist=dist, parents=parents, graph=None if isinstance(graph, Movement) else graph
    )


def describe_path(G: nx.DiGraph, path: list[str]) -> list[dict[str, object]]:
    """The systems of a path, each with how the attacker got there."""
    return _describe(path, lambda u, v: G.edges[u, v])


def _describe(path: list[str], edge) -> list[dict[str, object]]:
    steps: list[dict[str, object]] = []
    via: list[str] = []
    for prev, step in itertools.pairwise(path):
        if not is_kind(step, "system"):
            if is_kind(step, "zone") and is_kind(prev, "zone_exit") and id_of(prev) != id_of(step):
                via.append(f"zone link from {id_of(prev)} to {id_of(step)}")
            elif is_kind(step, "supplier"):
                via.append(f"supplier platform of {id_of(step)}")
            continue
        e = edge(prev, step)
        if e["how"] == "entry":
            how = "entry point"
        elif e["how"] == "flow":
            how = f"flow {e['flow_id']}"
        elif e["how"] == "supplier":
            how = via[-1] if via else "supplier platform"
        else:
            how = "same zone" if not via else "; ".join(via)
            if is_kind(prev, "zone") and not via:
                how = f"same zone ({id_of(prev)})"
        steps.append({"system_id": id_of(step), "how": how, "cost": round(float(e["weight"]), 6)})
        via = []
    return steps


#: The columns of :func:`asset_paths` before ``risk`` (an empty inventory has them too).
PATH_COLUMNS = [
    "asset_id",
    "asset_name",
    "org_id",
    "target_system_id",
    "probability",
    "impact",
    "entry_system_id",
    "entry_kind",
    "hops",
    "path",
    "steps",
]


def asset_paths(
    attack: AttackGraph,
    copies: pd.DataFrame,
    assets: pd.DataFrame,
    impact: pd.Series,
    entry_kind: dict[str, str],
) -> pd.DataFrame:
    """The most likely path to each asset: to whichever of its copies is easiest to reach.

    Returns one row per asset (``asset_id``, ``target_system_id``, ``probability``,
    ``impact``, ``risk`` = probability x impact, ``entry_system_id``, ``entry_kind``,
    ``hops``, ``path`` and ``steps``), most risky first; assets no path reaches
    have probability 0. Ties between copies go to the system whose id sorts first.
    """
    asset, asset_names = pd.factorize(copies["asset_id"], sort=True)
    system, system_names = pd.factorize(copies["system_id"], sort=True)
    probability = attack.reach_many(copies["system_id"])
    order = np.lexsort((system, -probability, asset))
    first = order[np.r_[True, asset[order][1:] != asset[order][:-1]]] if len(order) else order
    best_system = dict(zip(asset_names[asset[first]], system_names[system[first]]))
    best_p = dict(zip(asset_names[asset[first]], probability[first].tolist()))
    paths = {a: attack.path(node("system", best_system[a])) for a, p in best_p.items() if p > 0}
    on_path = sorted({n for path in paths.values() for n in path[1:] if is_kind(n, "system")})
    tree = attack.tree_edges(on_path)
    rows = []
    for asset_id, name, org_id in zip(assets["asset_id"], assets["name"], assets["org_id"]):
        p = float(best_p.get(asset_id, 0.0))
        steps = _describe(paths.get(asset_id, []), lambda u, v: tree[v])
        systems = [s["system_id"] for s in steps]
        entry = systems[0] if systems else ""
        rows.append(
            {
                "asset_id": asset_id,
                "asset_name": name,
                "org_id": org_id,
                "target_system_id": best_system[asset_id] if p > 0 else "",
                "probability": round(p, 4),
                "impact": float(impact.get(asset_id, 0.0)),
                "entry_system_id": entry,
                "entry_kind": entry_kind.get(entry, ""),
                "hops": max(len(steps) - 1, 0),
                "path": " > ".join(systems),
                "steps": steps,
            }
        )
    out = pd.DataFrame(rows, columns=PATH_COLUMNS)
    out["risk"] = (out["probability"].astype("float64") * out["impact"].astype("float64")).round(2)
    return out.sort_values(
        ["risk", "asset_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
