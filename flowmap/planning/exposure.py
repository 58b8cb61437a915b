"""The attacker's side of the counterfactual: distances on the movement graph, and each
asset's nearest copy and cyber risk, updated as edges change.

An :class:`Exposure` holds the movement graph as adjacency dicts on integer nodes, the
shortest-path distance from the attacker to every node with its path tree (both taken
from the analysis, so nothing is searched again), and for every asset the copy an
attacker reaches most cheaply. A change to some edges is measured without changing the
state (:meth:`Exposure.measure`) and kept with :meth:`Exposure.apply`, which says what
it wrote, in the keys :func:`flowmap.planning.repair.read_key` makes.

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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flowmap.engine.movement import MIN_PROBABILITY
from flowmap.engine.nodes import id_of, is_kind
from flowmap.engine.nodes import node as node_of
from flowmap.planning.repair import IN_EDGES, INF, OUT_EDGES, TREE, repair_distances

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis


def edge_cost(p: float) -> float:
    """Cost of entering a system with probability ``p``: ``-log(p)``."""
    return -math.log(max(p, MIN_PROBABILITY))


#: The shared inner objects, by table (see Exposure.copy).
SUCC, PRED, CHILDREN, ASSET_SYSTEMS, SYSTEM_ASSETS = range(5)


@dataclass
class Measured:
    """What an edge change would do to cyber risk (see :meth:`Exposure.measure`)."""

    delta: float  # change in the sum of the assets' cyber risk
    risks: dict[int, float]  # asset -> its new cyber risk, for every asset looked at
    best: dict[int, tuple[float, int]]  # asset -> (distance, system node) of its nearest copy
    distances: dict[int, float]  # node -> new distance, for every node reset or improved
    parents: dict[int, int]  # node -> new tree parent, likewise


class Exposure:
    """Distances from the attacker, the path tree, and each asset's nearest copy and risk.

    Nodes are integers (``names[i]`` is node ``i``'s name; :meth:`node` finds or adds
    one); assets are integers too (``asset_ids[i]``).
    """

    def __init__(self, analysis: Analysis) -> None:
        #: (table, index) of the inner objects that may be shared with a copy and that this
        #: state has copied for itself since (see copy); none are shared yet
        self._own: set[tuple[int, int]] = set()
        attack = analysis.attack_graph
        m = attack.movement
        self.names: list[str] = m.names.tolist()
        self.index = {n: i for i, n in enumerate(self.names)}
        n = len(self.names)
        self.succ: list[dict[int, float]] = [{} for _ in range(n)]
        self.pred: list[dict[int, float]] = [{} for _ in range(n)]
        for u, v, w in zip(m.src.tolist(), m.dst.tolist(), m.weight.tolist()):
            self.succ[u][v] = w
            self.pred[v][u] = w
        self.dist: list[float] = attack.dist.tolist()
        self.parent: list[int] = attack.parents.tolist()
        self.children: list[set[int]] = [set() for _ in range(n)]
        for child, p in enumerate(self.parent):
            if p >= 0:
                self.children[p].add(child)
        self.asset_ids: list[str] = analysis.assets["asset_id"].tolist()
        self.asset_index = {a: i for i, a in enumerate(self.asset_ids)}
        self.impact: list[float] = [float(x) for x in analysis.assets["impact"]]
        self.asset_systems: list[list[int]] = [[] for _ in self.asset_ids]
        self.system_assets: dict[int, list[int]] = defaultdict(list)
        for a, sid in zip(analysis.copies["asset_id"], analysis.copies["system_id"]):
            self._add_copy(a, sid)
        # each asset's nearest copy: (distance, system node); risk follows from distance
        self.best = [self._best_copy(a, self.dist) for a in range(len(self.asset_ids))]
        self.asset_risk = [self._risk_of(a, d) for a, (d, _) in enumerate(self.best)]
        self.cyber_sum = math.fsum(self.asset_risk)

    def copy(self) -> Exposure:
        """An independent copy of the state, copy-on-write.

        The outer lists are copied; the inner dicts, sets and lists (each node's edges
        and tree children, each asset's and system's copies) are shared, and whichever
        side changes one first copies it then (:meth:`_mine`). A copy costs a few list
        copies, not one object per node.
        """
        other = copy.copy(self)
        other.names, other.index = list(self.names), dict(self.index)
        other.succ, other.pred = list(self.succ), list(self.pred)
        other.dist, other.parent = list(self.dist), list(self.parent)
        other.children = list(self.children)
        other.asset_systems = list(self.asset_systems)
        other.system_assets = defaultdict(list, self.system_assets)
        other.best, other.asset_risk = list(self.best), list(self.asset_risk)
        self._own, other._own = set(), set()  # every inner object is shared now
        return other

    def _mine(self, table, tag: int, i: int):
        """``table[i]``, copied first if it may be shared with a copy (see :meth:`copy`)."""
        if (tag, i) not in self._own:
            self._own.add((tag, i))
            table[i] = table[i].copy()
        return table[i]

    def attack_path(self, asset_id: str) -> tuple[list[str], float]:
        """The most likely path to an asset's nearest copy now (see
        :meth:`flowmap.planning.Evaluator.attack_path`)."""
        a = self.asset_index.get(asset_id)
        copies = sorted((self.names[s] for s in self.asset_systems[a]) if a is not None else ())
        best, where = INF, -1
        for name in copies:
            d = self.dist[self.index[name]]
            if math.exp(-d) > math.exp(-best):
                best, where = d, self.index[name]
        if where < 0:
            return [], 0.0
        systems, n = [], where
        while n != 0:  # node 0 is the attacker
            name = self.names[n]
            if is_kind(name, "system"):
                systems.append(id_of(name))
            n = self.parent[n]
        return systems[::-1], round(math.exp(-best), 4)

    # ------------------------------------------------------------------ nodes

    def node(self, name: str) -> int:
        """The integer of a node name, added (unreached, without edges) if new."""
        i = self.index.get(name)
        if i is None:
            i = self.index[name] = len(self.names)
            self.names.append(name)
            self.succ.append({})
            self.pred.append({})
            self.dist.append(INF)
            self.parent.append(-1)
            self.children.append(set())
        return i

    def in_edges(self, name: str) -> dict[str, float]:
        """The edges into a node by the name of their source, with weights."""
        i = self.index.get(name)
        return {} if i is None else {self.names[u]: w for u, w in self.pred[i].items()}

    def has_edge(self, u: str, v: str) -> bool:
        i, j = self.index.get(u), self.index.get(v)
        return i is not None and j is not None and j in self.succ[i]

    def has_node(self, name: str) -> bool:
        """Whether the node has any edge (a node only named so far has none)."""
        i = self.index.get(name)
        return i is not None and bool(self.pred[i] or self.succ[i])

    def assets_on(self, sid: str) -> list[str]:
        """The assets with a copy on a system."""
        i = self.index.get(node_of("system", sid))
        return [self.asset_ids[a] for a in self.system_assets.get(i, ())]

    # ------------------------------------------------------------------ measuring

    def measure(
        self,
        edges: dict[tuple[str, str], float | None],
        copies: list[tuple[str, str]],
        reads: set[int] | None = None,
    ) -> Measured:
        """What changing ``edges`` (by node name; ``None`` removes) and adding ``copies``
        (asset, system) would do, without changing the state. ``reads`` is filled
        with what the answer depends on."""
        edits = {(self.node(u), self.node(v)): w for (u, v), w in edges.items()}
        distances, parents = repair_distances(
            self.succ, self.pred, self.dist, self.parent, self.children, edits, reads
        )
        moved: dict[int, list[int]] = defaultdict(list)
        dist = self.dist
        changed = {n: d for n, d in distances.items() if d != dist[n]}
        for n in changed:
            for a in self.system_assets.get(n, ()):
                moved[a].append(n)
        added: dict[int, list[int]] = defaultdict(list)
        for asset, sid in copies:
            a = self.asset_index.get(asset)
            if a is not None:
                s = self.node(node_of("system", sid))
                added[a].append(s)
                if reads is not None:
                    reads.add(s * 4)
        risks, best = {}, {}
        for a in {**moved, **added}:
            d, where = self.best[a]
            if where >= 0 and where in changed:  # the nearest copy moved: look at every copy
                d, where = INF, -1
                for s in (*self.asset_systems[a], *added.get(a, ())):
                    if reads is not None:
                        reads.add(s * 4)
                    nd = changed.get(s, dist[s])
                    if nd < d:
                        d, where = nd, s
            else:
                for s in (*moved.get(a, ()), *added.get(a, ())):
                    nd = changed.get(s, dist[s])
                    if nd < d:
                        d, where = nd, s
            best[a] = (d, where)
            risks[a] = self._risk_of(a, d)
        delta = math.fsum(r - self.asset_risk[a] for a, r in risks.items())
        return Measured(delta, risks, best, distances, parents)

    def apply(
        self, edges: dict[tuple[str, str], float | None], copies: list[tuple[str, str]]
    ) -> tuple[Measured, set[int], dict[int, float], set[int]]:
        """Keep an edge change and added copies. Returns what changed, the movement-graph
        keys written, the cyber risk before of every asset looked at, and the assets
        whose nearest copy (and so risk) or copies changed."""
        m = self.measure(edges, copies)
        writes: set[int] = set()
        for (un, vn), w in edges.items():
            u, v = self.index[un], self.index[vn]
            writes.update((u * 4 + OUT_EDGES, v * 4 + IN_EDGES))
            out, into = self._mine(self.succ, SUCC, u), self._mine(self.pred, PRED, v)
            if w is None:
                out.pop(v, None)
                into.pop(u, None)
            else:
                out[v], into[u] = w, w
        for n, d in m.distances.items():
            if d != self.dist[n]:
                writes.add(n * 4)
                self.dist[n] = d
            p, old = m.parents[n], self.parent[n]
            if p != old:
                writes.add(n * 4 + TREE)
                if old >= 0:
                    writes.add(old * 4 + TREE)
                    self._mine(self.children, CHILDREN, old).discard(n)
                if p >= 0:
                    writes.add(p * 4 + TREE)
                    self._mine(self.children, CHILDREN, p).add(n)
                self.parent[n] = p
        touched = {a for a in (self.asset_index.get(x) for x, _ in copies) if a is not None}
        for asset, sid in copies:
            self._add_copy(asset, sid)
            writes.add(self.node(node_of("system", sid)) * 4)  # what the node holds changed
        old = {a: self.asset_risk[a] for a in m.risks}
        for a, r in m.risks.items():
            if m.best[a] != self.best[a]:
                touched.add(a)
            self.asset_risk[a] = r
            self.best[a] = m.best[a]
        self.cyber_sum += m.delta
        return m, writes, old, touched

    # ------------------------------------------------------------------ assets

    def _add_copy(self, asset: str, sid: str) -> None:
        a = self.asset_index.get(asset)
        if a is None:
            return
        s = self.node(node_of("system", sid))
        if s not in self.asset_systems[a]:
            self._mine(self.asset_systems, ASSET_SYSTEMS, a).append(s)
            self._mine(self.system_assets, SYSTEM_ASSETS, s).append(a)

    def _best_copy(self, a: int, dist: list[float]) -> tuple[float, int]:
        """The distance to the asset's nearest copy and that copy's node (-1 when none)."""
        best, where = INF, -1
        for s in self.asset_systems[a]:
            if dist[s] < best:
                best, where = dist[s], s
        return best, where

    def _risk_of(self, a: int, distance: float) -> float:
        """Probability of the most likely path to the asset (exp(-distance)) x impact."""
        p = math.exp(-distance) if distance < INF else 0.0
        return asset_risk(round(p, 4), self.impact[a])


def asset_risk(probability: float, impact: float) -> float:
    """An asset's cyber risk, probability x impact to 2 places, rounded as the analysis
    rounds it (:func:`flowmap.engine.paths.asset_paths`, pandas' ``round``: numpy scales
    by 100 and rounds half to even), not as Python's ``round`` would, so that the
    evaluator's total is the analysis's to the penny.

    >>> asset_risk(0.7196, 87.5), round(0.7196 * 87.5, 2)
    (62.96, 62.97)
    """
    return round(probability * impact * 100) / 100
