"""Write the inventory graph for other tools: GraphML, GEXF (Gephi) or node-link JSON.

Values are written as the formats allow: dates as ISO text, ``;`` lists joined with
``;``, unknown values left out. Output is deterministic (nodes and edges sorted).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import networkx as nx

FORMATS = ("graphml", "gexf", "json")


def export_graph(G: nx.MultiDiGraph, path: str | Path, *, format: str = "graphml") -> Path:
    """Write ``G`` to ``path`` in ``format`` (one of :data:`FORMATS`).

    Examples
    --------
    >>> import tempfile, flowmap
    >>> G = flowmap.build_graph(flowmap.load_inventory("inventories/sample"))
    >>> out = export_graph(G, tempfile.mkdtemp() + "/g.json", format="json")
    >>> out.suffix
    '.json'
    """
    if format not in FORMATS:
        from flowmap.errors import UsageError

        raise UsageError(f"No export format named {format!r}: use one of {', '.join(FORMATS)}.")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    H = portable_graph(G)
    if format == "graphml":
        nx.write_graphml(H, path, infer_numeric_types=True)
    elif format == "gexf":
        nx.write_gexf(H, path)
    else:
        data = nx.node_link_data(H, edges="edges")
        path.write_text(
            json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return path


def portable_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A sorted copy of ``G`` whose attribute values are text, numbers or booleans."""
    H = nx.MultiDiGraph()
    H.graph.update({k: _portable(v) for k, v in G.graph.items() if _portable(v) is not None})
    for n in sorted(G.nodes):
        H.add_node(n, **_attrs(G.nodes[n]))
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        H.add_edge(u, v, key=str(k), **_attrs(d))
    return H


def _attrs(d: dict[str, object]) -> dict[str, object]:
    out = {}
    for k, v in d.items():
        p = _portable(v)
        if p is not None:
            out[k] = p
    return out


def _portable(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    return str(value)
