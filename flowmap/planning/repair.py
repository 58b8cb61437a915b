"""Repairing shortest-path distances after a few edges of the movement graph change.

Nodes whose tree path used an edge that got dearer (or was removed) are reset and
re-reached from their unaffected in-neighbours; an edge that got cheaper (or was
added) propagates improvements; one Dijkstra runs over the affected region only.

Nodes are integers. The repair can also say what it read, as integer keys
(:func:`read_key`): a node's distance, its in-edges, its out-edges, or its place in the
path tree (parent and children). A repair whose reads a later change does not write
gives the same answer after that change, which is how the planner knows which
candidate actions to measure again.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict

INF = math.inf
#: What a read key says was read about its node.
DIST, IN_EDGES, OUT_EDGES, TREE = 0, 1, 2, 3


def read_key(node: int, what: int) -> int:
    """One integer for (node, what was read about it).

    >>> read_key(5, TREE)
    23
    """
    return node * 4 + what


def repair_distances(
    succ: list[dict[int, float]],
    pred: list[dict[int, float]],
    dist: list[float],
    parent: list[int],
    children: list[set[int]],
    edits: dict[tuple[int, int], float | None],
    reads: set[int] | None = None,
) -> tuple[dict[int, float], dict[int, int]]:
    """The distances and tree parents of the nodes that ``edits`` move.

    Parameters
    ----------
    succ, pred : list of dict
        The graph: each node's out- and in-edges with their weights.
    dist, parent, children : list
        The current shortest-path distances from the attacker (``inf`` when
        unreached) and the path tree (parent ``-1`` for none).
    edits : dict
        ``(u, v) -> weight``, or ``None`` to remove the edge. Nothing is changed in
        place.
    reads : set, optional
        Filled with the :func:`read_key` of everything the repair looked at.

    Returns
    -------
    (distances, parents)
        Every node reset or improved, with its new distance (``inf`` when no longer
        reached; possibly unchanged) and new parent (``-1`` when none).

    Examples
    --------
    >>> succ = [{1: 1.0, 2: 5.0}, {2: 1.0}, {}]
    >>> pred = [{}, {0: 1.0}, {0: 5.0, 1: 1.0}]
    >>> dist, parent, children = [0.0, 1.0, 2.0], [-1, 0, 1], [{1}, {2}, set()]
    >>> repair_distances(succ, pred, dist, parent, children, {(0, 1): None})
    ({1: inf, 2: 5.0}, {1: -1, 2: 0})
    """
    new: dict[int, float] = {}
    parents: dict[int, int] = {}
    if not edits:
        return new, parents
    track = reads is not None
    out_extra: dict[int, dict[int, float | None]] = defaultdict(dict)
    in_extra: dict[int, dict[int, float | None]] = defaultdict(dict)
    for (u, v), w in edits.items():
        out_extra[u][v] = w
        in_extra[v][u] = w
        if track:
            reads.update((u * 4, v * 4, v * 4 + IN_EDGES, v * 4 + TREE))

    affected: set[int] = set()
    for (u, v), w in edits.items():
        old = succ[u].get(v)
        if old is not None and (w is None or w > old) and parent[v] == u:
            stack = [v]
            while stack:
                n = stack.pop()
                if n not in affected:
                    affected.add(n)
                    stack.extend(children[n])
    heap: list[tuple[float, int]] = []
    for n in affected:
        new[n], parents[n] = INF, -1
    for n in affected:
        if track:
            reads.update((n * 4, n * 4 + IN_EDGES, n * 4 + TREE))
        ins = pred[n]
        extra = in_extra.get(n)
        if extra:
            ins = {**ins, **extra}
        best, via = INF, -1
        for u, w in ins.items():
            if w is None or u in affected:
                continue
            if track:
                reads.add(u * 4)
            d = dist[u] + w
            if d < best:
                best, via = d, u
        if best < INF:
            new[n], parents[n] = best, via
            heapq.heappush(heap, (best, n))
    for (u, v), w in edits.items():
        if w is None or u in affected:
            continue
        d = (new[u] if u in new else dist[u]) + w
        if d < (new[v] if v in new else dist[v]):
            new[v], parents[v] = d, u
            heapq.heappush(heap, (d, v))
    while heap:
        d, n = heapq.heappop(heap)
        if d > new[n]:
            continue
        if track:
            reads.add(n * 4 + OUT_EDGES)
        outs = succ[n]
        extra = out_extra.get(n)
        if extra:
            outs = {**outs, **extra}
        for m, w in outs.items():
            if w is None:
                continue
            if track:
                reads.add(m * 4)
            nd = d + w
            if nd < (new[m] if m in new else dist[m]):
                new[m], parents[m] = nd, n
                heapq.heappush(heap, (nd, m))
    return new, parents
