"""Positions computed in Python with a fixed seed, so the page is usable at once.

Organisations are laid out first: the organisation graph (weighted by flows) is split
into communities (Louvain, near-linear), each community gets a spring layout of its
own (so no layout is ever run over thousands of nodes at once) and the communities
are packed on a sunflower spiral, biggest first. Systems are then placed on a small
sunflower disc around their organisation. The same input always gives the same
coordinates, rounded to 0.1 so the file is byte-identical.
"""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd

SEED = 4  # fixed: the same inventory always draws the same map
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
SYSTEM_SPACING = 38.0  # distance between neighbouring systems on an organisation's disc
ORG_SPACING = 120.0  # distance between neighbouring organisations (organisations view)
WHOLE_GRAPH_LIMIT = 250  # up to this many organisations: one spring layout, no communities


def sunflower(n: int, spacing: float) -> list[tuple[float, float]]:
    """``n`` evenly spread points on a disc, the first at the centre.

    Examples
    --------
    >>> sunflower(3, 10.0)[0]
    (0.0, 0.0)
    >>> len(sunflower(50, 1.0))
    50
    """
    points = []
    for i in range(n):
        r = spacing * math.sqrt(i) * 0.8
        a = i * GOLDEN_ANGLE
        points.append((round(r * math.cos(a), 1), round(r * math.sin(a), 1)))
    return points


def disc_radius(n: int, spacing: float) -> float:
    """Radius of a sunflower of ``n`` points (see :func:`sunflower`)."""
    return spacing * math.sqrt(max(n - 1, 0)) * 0.8 + spacing * 0.5


def organisation_positions(
    org_ids: list[str],
    links: pd.DataFrame,
    radius: dict[str, float] | None = None,
    spacing: float = ORG_SPACING,
) -> dict[str, tuple[float, float]]:
    """Fixed-seed positions for organisations.

    Parameters
    ----------
    org_ids : list of str
        Every organisation to place (also those without links).
    links : DataFrame
        ``a``, ``b``, ``weight``: how strongly two organisations are linked (flows).
    radius : dict, optional
        Room each organisation needs around it (its systems' disc), default none.
    spacing : float
        Distance between neighbouring organisations before their radius is added.

    Examples
    --------
    >>> links = pd.DataFrame({"a": ["A"], "b": ["B"], "weight": [3]})
    >>> pos = organisation_positions(["A", "B", "C"], links)
    >>> sorted(pos) == ["A", "B", "C"], pos == organisation_positions(["A", "B", "C"], links)
    (True, True)
    """
    if not org_ids:
        return {}
    radius = radius or {}
    G = nx.Graph()
    G.add_nodes_from(sorted(org_ids))
    for a, b, w in links[["a", "b", "weight"]].itertuples(index=False):
        if a != b and a in G and b in G:
            old = G.get_edge_data(a, b, {"weight": 0})["weight"]
            G.add_edge(a, b, weight=old + float(w))
    if len(G) <= WHOLE_GRAPH_LIMIT:
        groups = [sorted(G)]
    else:
        found = nx.community.louvain_communities(G, weight="weight", seed=SEED)
        groups = sorted((sorted(c) for c in found if len(c) > 1), key=lambda c: (-len(c), c[0]))
        singles = sorted(n for c in found if len(c) == 1 for n in c)
        if singles:  # unlinked organisations share one group, on a sunflower of their own
            groups.append(singles)
    room = {o: spacing + 2 * radius.get(o, 0.0) for o in G}
    placed: list[tuple[list[str], dict[str, tuple[float, float]], float]] = []
    for members in groups:
        local, extent = _group_layout(G.subgraph(members), room)
        placed.append((members, local, extent))
    return _pack(placed)


def _group_layout(
    G: nx.Graph, room: dict[str, float]
) -> tuple[dict[str, tuple[float, float]], float]:
    """Spring layout of one community, scaled so neighbours do not overlap."""
    nodes = sorted(G)
    if not nodes:  # nothing to draw (an organisation no attack path reaches)
        return {}, 0.0
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}, room[nodes[0]] / 2
    step = max(room[n] for n in nodes)
    scale = step * math.sqrt(len(nodes)) * 0.9
    if G.number_of_edges() == 0:
        pts = sunflower(len(nodes), step * 1.7)
        local = dict(zip(nodes, pts))
    else:
        H = nx.Graph()
        H.add_nodes_from(nodes)
        H.add_edges_from(sorted((min(a, b), max(a, b), d) for a, b, d in G.edges(data=True)))
        raw = nx.spring_layout(H, seed=SEED, iterations=60, weight=None)
        local = {n: (float(raw[n][0]) * scale, float(raw[n][1]) * scale) for n in nodes}
    extent = max(math.hypot(x, y) + room[n] / 2 for n, (x, y) in local.items())
    return local, extent


def _pack(placed) -> dict[str, tuple[float, float]]:
    """Put each community's layout on a spiral, biggest first, without overlaps."""
    out: dict[str, tuple[float, float]] = {}
    centres: list[tuple[float, float, float]] = []
    for members, local, extent in placed:
        cx, cy = _free_spot(centres, extent)
        centres.append((cx, cy, extent))
        for n in members:
            x, y = local[n]
            out[n] = (round(cx + x, 1), round(cy + y, 1))
    return out


def _free_spot(centres: list[tuple[float, float, float]], extent: float) -> tuple[float, float]:
    if not centres:
        return 0.0, 0.0
    i, step = 0, max(extent, 1.0) * 0.5
    while True:  # walk out along a spiral until the disc fits (bounded: the spiral grows)
        r = step * math.sqrt(i)
        a = i * GOLDEN_ANGLE
        x, y = r * math.cos(a), r * math.sin(a)
        if all(math.hypot(x - cx, y - cy) >= extent + e for cx, cy, e in centres):
            return x, y
        i += 1


def system_positions(
    systems: pd.DataFrame, org_pos: dict[str, tuple[float, float]], spacing: float = SYSTEM_SPACING
) -> dict[str, tuple[float, float]]:
    """Each system on a sunflower disc around its organisation (``system_id``, ``org_id``,
    ``order`` columns; lower ``order`` sits nearer the centre)."""
    out: dict[str, tuple[float, float]] = {}
    ordered = systems.sort_values(["org_id", "order", "system_id"], kind="stable")
    for org, group in ordered.groupby("org_id", sort=True):
        ox, oy = org_pos[org]
        for sid, (dx, dy) in zip(group["system_id"], sunflower(len(group), spacing)):
            out[sid] = (round(ox + dx, 1), round(oy + dy, 1))
    return out
