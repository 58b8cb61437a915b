"""Repairing shortest-path distances after a few edges of the movement graph change.

Nodes whose tree path used an edge that got dearer (or was removed) are reset and
re-reached from their unaffected in-neighbours; an edge that got cheaper (or was
added) propagates improvements; one Dijkstra runs over the affected region only.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict

INF = math.inf


def repair_distances(
    succ: dict[str, dict[str, float]],
    pred: dict[str, dict[str, float]],
    dist: dict[str, float],
    parent: dict[str, str],
    children: dict[str, set[str]],
    edits: dict[tuple[str, str], float | None],
    parents: dict[str, str] | None = None,
) -> dict[str, float]:
    """New distances of the nodes that ``edits`` move (the others are unchanged).

    Parameters
    ----------
    succ, pred : dict
        The graph: each node's out- and in-edges with their weights.
    dist, parent, children : dict
        The current shortest-path distances from the attacker and the path tree.
    edits : dict
        ``(u, v) -> weight``, or ``None`` to remove the edge. Nothing is changed in
        place.
    parents : dict, optional
        Filled with the new tree parent of every node whose distance is returned.

    Examples
    --------
    >>> succ = {"a": {"b": 1.0, "c": 5.0}, "b": {"c": 1.0}}
    >>> pred = {"b": {"a": 1.0}, "c": {"a": 5.0, "b": 1.0}}
    >>> dist, parent = {"a": 0.0, "b": 1.0, "c": 2.0}, {"b": "a", "c": "b"}
    >>> children = {"a": {"b"}, "b": {"c"}}
    >>> sorted(repair_distances(succ, pred, dist, parent, children, {("a", "b"): None}).items())
    [('b', inf), ('c', 5.0)]
    """
    if not edits:
        return {}
    parents = {} if parents is None else parents
    out_extra: dict[str, dict[str, float | None]] = defaultdict(dict)
    in_extra: dict[str, dict[str, float | None]] = defaultdict(dict)
    for (u, v), w in edits.items():
        out_extra[u][v] = w
        in_extra[v][u] = w

    def edges(table, extra, n):
        merged = dict(table.get(n, {}))
        merged.update(extra.get(n, {}))
        return [(m, w) for m, w in merged.items() if w is not None]

    affected: set[str] = set()
    for (u, v), w in edits.items():
        old = succ.get(u, {}).get(v)
        if old is not None and (w is None or w > old) and parent.get(v) == u:
            stack = [v]
            while stack:
                n = stack.pop()
                if n not in affected:
                    affected.add(n)
                    stack.extend(children.get(n, ()))
    new: dict[str, float] = {n: INF for n in affected}

    def current(n: str) -> float:
        return new[n] if n in new else dist.get(n, INF)

    heap: list[tuple[float, str]] = []
    for n in affected:
        for u, w in edges(pred, in_extra, n):
            d = current(u)
            if u not in affected and d + w < new[n]:
                new[n], parents[n] = d + w, u
        if new[n] < INF:
            heapq.heappush(heap, (new[n], n))
    for (u, v), w in edits.items():
        if w is not None and u not in affected and current(u) + w < current(v):
            new[v], parents[v] = current(u) + w, u
            heapq.heappush(heap, (new[v], v))
    while heap:
        d, n = heapq.heappop(heap)
        if d > current(n):
            continue
        for m, w in edges(succ, out_extra, n):
            if d + w < current(m):
                new[m], parents[m] = d + w, n
                heapq.heappush(heap, (d + w, m))
    return {n: d for n, d in new.items() if d != dist.get(n, INF)}
