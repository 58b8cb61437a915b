"""Write the inventory graph for other tools: GraphML, GEXF (Gephi) or node-link JSON.

Values are written as the formats allow: dates as ISO text, ``;`` lists joined with
``;``, unknown values left out. Characters XML cannot hold (NUL, form feed, escape and
the other control characters but tab and line breaks) become U+FFFD, so the file always
opens; a carriage return is kept (written ``&#13;``). Output is deterministic (nodes and
edges sorted) and written all at once or not at all.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from pathlib import Path

import networkx as nx

from flowmap.inventory.textstorage import python_text

FORMATS = ("graphml", "gexf", "json")


@python_text
def export_graph(
    G: nx.MultiDiGraph, path: str | Path, *, format: str = "graphml", force: bool = False
) -> Path:
    """Write ``G`` to ``path`` in ``format`` (one of :data:`FORMATS`).

    ``force`` replaces a file of that name that flowmap did not write.

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
    from flowmap.render.files import write_bytes

    H = portable_graph(G)
    if format == "json":
        data = nx.node_link_data(H, edges="edges")
        text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False)
        return write_bytes((text + "\n").encode("utf-8"), path, force=force)
    buffer = io.BytesIO()
    if format == "graphml":
        nx.write_graphml(H, buffer, infer_numeric_types=True)
    else:
        nx.write_gexf(H, buffer)
    # a carriage return in a value: written as a reference, or XML readers make it \n
    return write_bytes(buffer.getvalue().replace(b"\r", b"&#13;"), path, force=force)


def portable_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A sorted copy of ``G`` whose attribute values are text, numbers or booleans."""
    H = nx.MultiDiGraph()
    H.graph.update({k: _portable(v) for k, v in G.graph.items() if _portable(v) is not None})
    for n in sorted(G.nodes):
        H.add_node(_portable(n), **_attrs(G.nodes[n]))
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        H.add_edge(_portable(u), _portable(v), key=_portable(str(k)), **_attrs(d))
    return H


def _attrs(d: dict[str, object]) -> dict[str, object]:
    out = {}
    for k, v in d.items():
        p = _portable(v)
        if p is not None:
            out[k] = p
    return out


#: Characters XML 1.0 cannot hold at all, not even as a reference (NUL, form feed, ESC...).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _portable(value: object) -> object:
    r"""A value the formats can hold: text (characters XML cannot hold become U+FFFD),
    numbers (finite) and booleans.

    >>> _portable("a\x0cb\x00") == "a\ufffdb\ufffd", _portable(float("inf")), _portable(("x", "y"))
    (True, None, 'x;y')
    """
    if value is None:
        return None
    if isinstance(value, str):
        return NOT_XML.sub("\ufffd", value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return _portable(";".join(str(v) for v in value))
    return _portable(str(value))
