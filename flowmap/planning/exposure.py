"""The attacker's side of the counterfactual: distances on the movement graph, and each
asset's nearest copy and cyber risk, updated as edges change.

An :class:`Exposure` holds the movement graph as adjacency dicts, the shortest-path
distance from the attacker to every node with its path tree, and for every asset the
copy an attacker reaches most cheaply. A change to some edges is measured without
changing the state (:meth:`Exposure.repair` then :meth:`Exposure.delta`) and kept with
:meth:`Exposure.apply`.

Examples
--------
>>> import datetime, flowmap
>>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
...                     as_of=datetime.date(2026, 11, 1))
>>> x = Exposure(a)
>>> round(x.cyber_sum, 2) == a.cyber_risk
True
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from flowmap.engine.movement import MIN_PROBABILITY
from flowmap.engine.nodes import id_of, is_kind
from flowmap.engine.nodes import node as node_of
from flowmap.engine.paths import ATTACKER
from flowmap.planning.repair import INF, repair_distances


def edge_cost(p: float) -> float:
    """Cost of entering a system with probability ``p``: ``-log(p)``."""
    return -math.log(max(p, MIN_PROBABILITY))


class Exposure:
    """Distances from the attacker, the path tree, and each asset's nearest copy and risk."""

    def __init__(self, analysis) -> None:
        G = analysis.movement
        self.succ: dict[str, dict[str, float]] = {
            n: {v: d["weight"] for v, d in G.succ[n].items()} for n in G
        }
        self.pred: dict[str, dict[str, float]] = {
            n: {u: d["weight"] for u, d in G.pred[n].items()} for n in G
        }
        self.dist, paths = nx.single_source_dijkstra(G, ATTACKER, weight="weight")
        self.parent = {n: p[-2] for n, p in paths.items() if len(p) > 1}
        self.children: dict[str, set[str]] = defaultdict(set)
        for n, p in self.parent.items():
            self.children[p].add(n)
        self.asset_systems: dict[str, set[str]] = defaultdict(set)
        self.system_assets: dict[str, set[str]] = defaultdict(set)
        for a, sid in zip(analysis.copies["asset_id"], analysis.copies["system_id"]):
            self.asset_systems[a].add(sid)
            self.system_assets[sid].add(a)
        self.impact = dict(zip(analysis.assets["asset_id"], analysis.assets["impact"]))
        # each asset's nearest copy: (distance, system); risk follows from the distance
        self.best = {a: self._best_copy(a, self.dist.get) for a in self.impact}
        self.asset_risk = {a: self._risk_of(a, self.best[a][0]) for a in self.impact}
        self.cyber_sum = math.fsum(self.asset_risk.values())

    def copy(self) -> Exposure:
        """An independent copy of the state."""
        other = copy.copy(self)
        other.succ = {n: dict(d) for n, d in self.succ.items()}
        other.pred = {n: dict(d) for n, d in self.pred.items()}
        other.dist, other.parent = dict(self.dist), dict(self.parent)
        other.children = defaultdict(set, {n: set(c) for n, c in self.children.items()})
        other.asset_systems = defaultdict(set, {a: set(s) for a, s in self.asset_systems.items()})
        other.system_assets = defaultdict(set, {s: set(a) for s, a in self.system_assets.items()})
        other.best, other.asset_risk = dict(self.best), dict(self.asset_risk)
        return other

    def attack_path(self, asset_id: str) -> tuple[list[str], float]:
        """The most likely path to an asset's nearest copy now (see
        :meth:`flowmap.planning.Evaluator.attack_path`)."""
        best, where = INF, None
        for sid in sorted(self.asset_systems.get(asset_id, ())):
            d = self.dist.get(node_of("system", sid), INF)
            if math.exp(-d) > math.exp(-best):
                best, where = d, sid
        if where is None:
            return [], 0.0
        systems, n = [], node_of("system", where)
        while n != ATTACKER:
            if is_kind(n, "system"):
                systems.append(id_of(n))
            n = self.parent[n]
        return systems[::-1], round(math.exp(-best), 4)

    def repair(
        self, edits: dict[tuple[str, str], float | None], parents: dict[str, str] | None = None
    ) -> dict[str, float]:
        """New distances of the nodes an edge change moves (others are unchanged)."""
        return repair_distances(
            self.succ, self.pred, self.dist, self.parent, self.children, edits, parents
        )

    def delta(
        self, dist: dict[str, float], copies: list[tuple[str, str]]
    ) -> tuple[float, dict[str, float], dict[str, tuple[float, str | None]]]:
        """Change in cyber risk when the distances in ``dist`` change and ``copies`` are
        added, with the new risk and nearest copy of every asset that moved.

        An asset is re-scanned in full only when its nearest copy is one that moved;
        otherwise its nearest copy is the better of the old one and the moved ones.
        """
        moved: dict[str, list[str]] = defaultdict(list)
        for n in dist:
            if is_kind(n, "system"):
                for a in self.system_assets.get(id_of(n), ()):
                    moved[a].append(id_of(n))
        added: dict[str, list[str]] = defaultdict(list)
        for a, sid in copies:
            added[a].append(sid)

        def lookup(n: str) -> float | None:
            return dist[n] if n in dist else self.dist.get(n)

        risks, best = {}, {}
        for a in {**moved, **added}:
            if a not in self.impact:
                continue
            d, where = self.best[a]
            if where is not None and node_of("system", where) in dist:
                d, where = self._best_copy(a, lookup, added.get(a, ()))
            else:
                for sid in (*moved.get(a, ()), *added.get(a, ())):
                    nd = lookup(node_of("system", sid))
                    if nd is not None and nd < d:
                        d, where = nd, sid
            best[a] = (d, where)
            risks[a] = self._risk_of(a, d)
        return math.fsum(r - self.asset_risk[a] for a, r in risks.items()), risks, best

    def apply(
        self, edges: dict[tuple[str, str], float | None], copies: list[tuple[str, str]]
    ) -> None:
        """Keep an edge change and added copies in the state."""
        dist = self.repair(edges, parents := {})
        delta, risks, best = self.delta(dist, copies)
        for (u, v), w in edges.items():
            if w is None:
                self.succ.get(u, {}).pop(v, None)
                self.pred.get(v, {}).pop(u, None)
            else:
                self.succ.setdefault(u, {})[v] = w
                self.pred.setdefault(v, {})[u] = w
        for n, d in dist.items():
            old = self.parent.pop(n, None)
            if old is not None:
                self.children[old].discard(n)
            if d == INF:
                self.dist.pop(n, None)
            else:
                self.dist[n] = d
                self.parent[n] = parents[n]
                self.children[parents[n]].add(n)
        for a, sid in copies:
            self.asset_systems[a].add(sid)
            self.system_assets[sid].add(a)
        self.asset_risk.update(risks)
        self.best.update(best)
        self.cyber_sum += delta

    def _best_copy(self, asset: str, dist, extra: Iterable[str] = ()) -> tuple[float, str | None]:
        """The distance to the asset's nearest copy, and that copy's system (None when no
        copy is reachable); ``dist`` gives a node's distance or None."""
        best, where = INF, None
        for sid in (*self.asset_systems.get(asset, ()), *extra):
            d = dist(node_of("system", sid))
            if d is not None and d < best:
                best, where = d, sid
        return best, where

    def _risk_of(self, asset: str, distance: float) -> float:
        """Probability of the most likely path to the asset (exp(-distance)) x impact."""
        p = math.exp(-distance) if distance < INF else 0.0
        return round(round(p, 4) * float(self.impact.get(asset, 0.0)), 2)
