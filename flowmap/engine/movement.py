"""The graph an attacker moves on, as arrays, and the search for the most likely paths.

The movement graph is built straight from the inventory's tables with vectorised
pandas (no per-edge Python), searched with rustworkx's compiled Dijkstra, and turned
into a :class:`networkx.DiGraph` only for people to look at (``Analysis.movement``).
Nodes are ``attacker``, ``system:<id>``, two hubs per zone and ``supplier:<org_id>``;
entering a system costs ``-log(likelihood)``, hubs cost nothing, a first foothold
costs ``-log(entry likelihood)``.

Zones are hubs, never transit nodes. A system in zone A leaves through
``from-zone:A``, which leads to ``zone:A`` and to ``zone:B`` for every zone B that A
links to; ``zone:B`` leads only into B's systems. So an attacker holding a system in A
reaches the systems of A and of the zones A links to, and to go further must first
compromise a system there: a DMZ linked to the servers, and the servers to the clinical
zone, does not put the clinical zone one move from the DMZ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowmap.engine.nodes import ATTACKER, nodes
from flowmap.inventory.model import Inventory
from flowmap.inventory.schema import electronic

if TYPE_CHECKING:
    import networkx as nx

BACKENDS = ("rustworkx", "networkx")
TIGHT = 1e-9  # relative tolerance for "this edge lies on a shortest path"
MIN_PROBABILITY = 1e-9


@dataclass
class Movement:
    """Nodes and weighted directed edges (parallel edges already merged, first kept)."""

    names: np.ndarray  # node names, object array; index 0 is the attacker
    src: np.ndarray  # int64 node indices
    dst: np.ndarray
    weight: np.ndarray  # float64, -log(probability) of entering dst
    how: np.ndarray  # entry, zone, zone_link, flow, supplier
    flow_id: np.ndarray  # the flow for "flow" edges, else ""
    _compiled: object = field(default=None, repr=False, compare=False)

    def rustworkx(self):
        """The same graph as a ``rustworkx.PyDiGraph`` (node i is ``names[i]``, edge
        payloads are the weights), built once and kept."""
        if self._compiled is None:
            import rustworkx as rx

            R = rx.PyDiGraph()  # edges are already unique: no per-edge duplicate check
            R.add_nodes_from(range(len(self.names)))
            R.add_edges_from(list(zip(self.src.tolist(), self.dst.tolist(), self.weight.tolist())))
            self._compiled = R
        return self._compiled

    def to_networkx(self) -> nx.DiGraph:
        """The same graph as networkx, with ``weight``, ``how`` and ``flow_id`` on edges."""
        import networkx as nx

        G = nx.DiGraph()
        G.add_nodes_from(self.names.tolist())
        names = self.names
        G.add_edges_from(
            (u, v, {"weight": w, "how": h} if not f else {"weight": w, "how": h, "flow_id": f})
            for u, v, w, h, f in zip(
                names[self.src].tolist(),
                names[self.dst].tolist(),
                self.weight.tolist(),
                self.how.tolist(),
                self.flow_id.tolist(),
            )
        )
        return G

    @classmethod
    def from_networkx(cls, G: nx.DiGraph) -> Movement:
        """Arrays of a networkx movement graph (the attacker node first)."""
        names = [ATTACKER] + [n for n in G.nodes if n != ATTACKER]
        index = {n: i for i, n in enumerate(names)}
        edges = list(G.edges(data=True))
        return cls(
            names=np.array(names, dtype=object),
            src=np.fromiter((index[u] for u, _, _ in edges), np.int64, len(edges)),
            dst=np.fromiter((index[v] for _, v, _ in edges), np.int64, len(edges)),
            weight=np.fromiter((d.get("weight", 1.0) for *_, d in edges), np.float64, len(edges)),
            how=np.array([d.get("how", "") for *_, d in edges], dtype=object),
            flow_id=np.array([d.get("flow_id", "") for *_, d in edges], dtype=object),
        )


def _cost(p: pd.Series | np.ndarray) -> np.ndarray:
    return -np.log(np.maximum(np.asarray(p, dtype="float64"), MIN_PROBABILITY))


def movement_edges(inventory: Inventory, likelihood: pd.Series, entry: pd.Series) -> Movement:
    """Build the movement graph from the tables.

    Parameters
    ----------
    inventory : Inventory
    likelihood, entry : Series
        Per system (indexed by system_id): likelihood of compromise, and probability
        of a first foothold from outside.
    """
    systems = inventory.systems
    sid = nodes("system", systems["system_id"])
    zone = nodes("zone", systems["zone"])
    exit_hub = nodes("zone_exit", systems["zone"])
    cost = pd.Series(_cost(systems["system_id"].map(likelihood).fillna(0.0)), index=sid.values)
    parts: list[pd.DataFrame] = []

    def add(u, v, w, how: str, flow=None) -> None:
        parts.append(
            pd.DataFrame(
                {
                    "u": np.asarray(u, dtype=object),
                    "v": np.asarray(v, dtype=object),
                    "w": np.asarray(w, dtype="float64"),
                    "how": how,
                    "flow_id": "" if flow is None else np.asarray(flow, dtype=object),
                }
            )
        )

    p_entry = systems["system_id"].map(entry).fillna(0.0).to_numpy()
    has_entry = p_entry > 0
    add(
        np.full(has_entry.sum(), ATTACKER, dtype=object),
        sid[has_entry],
        _cost(p_entry[has_entry]),
        "entry",
    )
    add(sid, exit_hub, np.zeros(len(sid)), "zone")
    add(exit_hub, zone, np.zeros(len(sid)), "zone")
    add(zone, sid, cost.to_numpy(), "zone")
    links = inventory.zone_links
    if len(links):
        add(
            nodes("zone_exit", links["from_zone"]),
            nodes("zone", links["to_zone"]),
            np.zeros(len(links)),
            "zone_link",
        )
        back = links[links["bidirectional"] != False]  # noqa: E712 (unknown means both ways)
        add(
            nodes("zone_exit", back["to_zone"]),
            nodes("zone", back["from_zone"]),
            np.zeros(len(back)),
            "zone_link",
        )
    flows = inventory.flows
    by_wire = flows[
        electronic(flows["transport"]) & (flows["source_system_id"] != flows["target_system_id"])
    ]
    fv = nodes("system", by_wire["target_system_id"])
    add(
        nodes("system", by_wire["source_system_id"]),
        fv,
        cost.reindex(fv).to_numpy(),
        "flow",
        by_wire["flow_id"],
    )
    hosted = systems[systems["supplier_org_id"] != ""]
    suppliers = systems["org_id"].isin(set(hosted["supplier_org_id"]))
    add(
        sid[suppliers],
        nodes("supplier", systems.loc[suppliers, "org_id"]),
        np.zeros(int(suppliers.sum())),
        "supplier",
    )
    hv = nodes("system", hosted["system_id"])
    add(nodes("supplier", hosted["supplier_org_id"]), hv, cost.reindex(hv).to_numpy(), "supplier")
    edges = pd.concat(parts, ignore_index=True)
    # Code every endpoint with one hash pass; keep the first of parallel edges. Codes
    # follow first appearance, so node order is the same as dropping duplicates by name.
    code, uniques = pd.factorize(pd.concat([edges["u"], edges["v"]], ignore_index=True))
    n_edges, width = len(edges), max(len(uniques), 1)
    u, v = code[:n_edges].astype(np.int64), code[n_edges:].astype(np.int64)
    keep = np.sort(np.unique(u * width + v, return_index=True)[1])
    names = pd.Index([ATTACKER]).append(pd.Index(sid.values)).append(pd.Index(uniques)).unique()
    position = names.get_indexer(uniques)
    return Movement(
        names=np.asarray(names, dtype=object),
        src=position[u[keep]],
        dst=position[v[keep]],
        weight=edges["w"].to_numpy()[keep],
        how=edges["how"].to_numpy(dtype=object)[keep],
        flow_id=edges["flow_id"].to_numpy(dtype=object)[keep],
    )


def search(m: Movement, *, backend: str = "rustworkx") -> tuple[np.ndarray, np.ndarray]:
    """Distance from the attacker to every node (inf when unreachable) and each node's
    parent on its most likely path (-1 for the attacker and unreachable nodes).

    Both backends share :func:`shortest_path_tree`, so they return identical parents.
    """
    if backend == "rustworkx":
        distance = _rustworkx_distances(m)
    elif backend == "networkx":
        import networkx as nx

        G = nx.DiGraph()
        G.add_nodes_from(range(len(m.names)))
        G.add_weighted_edges_from(zip(m.src.tolist(), m.dst.tolist(), m.weight.tolist()))
        found = nx.single_source_dijkstra_path_length(G, 0, weight="weight")
        distance = np.full(len(m.names), np.inf)
        distance[list(found)] = list(found.values())
    else:
        from flowmap.errors import UsageError

        raise UsageError(f"No path backend named {backend!r}: use one of {', '.join(BACKENDS)}.")
    return distance, shortest_path_tree(m, distance)


def _rustworkx_distances(m: Movement) -> np.ndarray:
    import rustworkx as rx

    lengths = rx.digraph_dijkstra_shortest_path_lengths(m.rustworkx(), 0, edge_cost_fn=float)
    distance = np.full(len(m.names), np.inf)
    distance[0] = 0.0
    if len(lengths):
        distance[np.fromiter(lengths.keys(), np.int64)] = np.fromiter(lengths.values(), np.float64)
    return distance


def shortest_path_tree(m: Movement, distance: np.ndarray) -> np.ndarray:
    """Each node's parent on its most likely path, chosen the same way by every backend.

    Among edges that lie on some shortest path, a breadth-first walk from the
    attacker gives each node the path with the fewest steps, and among those the
    parent whose name sorts first. Vectorised: one pass over the edges per step.
    """
    du, dv = distance[m.src], distance[m.dst]
    reached = np.isfinite(du) & np.isfinite(dv)
    with np.errstate(invalid="ignore"):  # inf - inf where unreached; masked out below
        gap = np.abs(np.where(reached, du + m.weight - dv, np.inf))
    tight = reached & (gap <= TIGHT * np.maximum(1.0, np.where(reached, dv, 1.0)))
    src, dst = m.src[tight], m.dst[tight]
    rank = np.empty(len(m.names), np.int64)
    rank[np.argsort(m.names.astype(str), kind="stable")] = np.arange(len(m.names))
    parent = np.full(len(m.names), -1, np.int64)
    seen = np.zeros(len(m.names), bool)
    seen[0] = True
    frontier = np.zeros(len(m.names), bool)
    frontier[0] = True
    while frontier.any():
        step = frontier[src] & ~seen[dst]
        u, v = src[step], dst[step]
        if not len(v):
            break
        order = np.lexsort((rank[u], v))
        v_sorted, first = np.unique(v[order], return_index=True)
        parent[v_sorted] = u[order][first]
        seen[v_sorted] = True
        frontier = np.zeros(len(m.names), bool)
        frontier[v_sorted] = True
    return parent
