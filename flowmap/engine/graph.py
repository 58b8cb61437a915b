"""Build the inventory graph: organisations, systems, assets, zones and their links.

The graph is a :class:`networkx.MultiDiGraph` with namespaced node ids
(``org:RXA``, ``system:RXA-PAS-01``, ``asset:IA-0042``, ``zone:RXA:clinical``,
``vulnerability:RXA-PAS-01:CVE-2017-0144``). Every node and edge has a ``kind``
and carries every column of its inventory row (extra columns too), plus ``row``,
the row it came from. ``docs/graph.md`` lists the node and edge kinds.

A network zone is one hub node that each of its systems links to, never a clique:
a zone of 5,000 desktops is 5,000 edges.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.engine.nodes import node
from flowmap.inventory.model import Inventory
from flowmap.inventory.textstorage import python_text

if TYPE_CHECKING:
    import networkx as nx

NODE_KINDS = ("organisation", "system", "asset", "zone", "vulnerability")
EDGE_KINDS = (
    "operates",
    "supplies",
    "in_zone",
    "zone_link",
    "holds",
    "controls",
    "flow",
    "backup",
    "affects",
)


def node_id(kind: str, identifier: str) -> str:
    """The graph's node id for an inventory id.

    Examples
    --------
    >>> node_id("system", "RXA-PAS-01")
    'system:RXA-PAS-01'
    >>> node_id("organisation", "RXA")
    'org:RXA'
    """
    return node(kind, identifier)


@python_text
def build_graph(inventory: Inventory) -> nx.MultiDiGraph:
    """Build the graph of an inventory.

    Parameters
    ----------
    inventory : Inventory
        A loaded inventory (:func:`flowmap.load_inventory`).

    Returns
    -------
    G : networkx.MultiDiGraph
        Nodes for organisations, systems, assets, zones and vulnerabilities; edges
        for who operates and supplies each system, zone membership and zone links,
        where assets are held and who controls them, flows and backups (keyed by
        their ids) and which system a vulnerability affects.

    Examples
    --------
    >>> import flowmap
    >>> G = flowmap.build_graph(flowmap.load_inventory("inventories/sample"))
    >>> G.nodes["org:RXA"]["kind"]
    'organisation'
    >>> sorted({d["kind"] for _, _, d in G.edges(data=True)})[:3]
    ['affects', 'backup', 'controls']
    """
    import networkx as nx

    G = nx.MultiDiGraph(source=inventory.name)
    orgs, systems = inventory.organisations, inventory.systems
    assets, flows = inventory.assets, inventory.flows

    G.add_nodes_from(
        (node_id("organisation", r["org_id"]), {"kind": "organisation", **r})
        for r in _records(orgs)
    )
    system_rows = list(_records(systems))
    G.add_nodes_from((node_id("system", r["system_id"]), _system_attrs(r)) for r in system_rows)
    zones = systems.groupby("zone", sort=True)["org_id"].agg(lambda s: tuple(sorted(set(s))))
    counts = systems["zone"].value_counts()
    G.add_nodes_from(
        (node_id("zone", z), {"kind": "zone", "zone": z, "org_ids": o, "systems": int(counts[z])})
        for z, o in zones.items()
    )
    for r in system_rows:
        s = node_id("system", r["system_id"])
        G.add_edge(node_id("organisation", r["org_id"]), s, key="operates", kind="operates")
        if r.get("supplier_org_id"):
            G.add_edge(
                node_id("organisation", r["supplier_org_id"]), s, key="supplies", kind="supplies"
            )
        G.add_edge(s, node_id("zone", r["zone"]), key="in_zone", kind="in_zone")

    for r in _records(inventory.zone_links):
        u, v = node_id("zone", r["from_zone"]), node_id("zone", r["to_zone"])
        G.add_nodes_from([(u, _bare_zone(r["from_zone"])), (v, _bare_zone(r["to_zone"]))])
        G.add_edge(u, v, key=f"zone_link:{r['row']}", kind="zone_link", **r)
        for z in (u, v):  # a zone named only by a link still gets its attributes
            G.nodes[z].setdefault("kind", "zone")

    for r in _records(assets):
        a = node_id("asset", r["asset_id"])
        G.add_node(a, kind="asset", **r)
        G.add_edge(node_id("organisation", r["org_id"]), a, key="controls", kind="controls")
        for system_id in r["system_id"]:
            G.add_edge(node_id("system", system_id), a, key="holds", kind="holds")

    G.add_edges_from(
        (
            node_id("system", r["source_system_id"]),
            node_id("system", r["target_system_id"]),
            r["flow_id"],
            {"kind": "flow", **r},
        )
        for r in _records(flows)
    )
    G.add_edges_from(
        (
            node_id("system", r["source_system_id"]),
            node_id("system", r["target_system_id"]),
            r["backup_id"],
            {"kind": "backup", **r},
        )
        for r in _records(inventory.backups)
    )
    for r in _records(inventory.vulnerabilities):
        v = vulnerability_node(r["system_id"], r["cve_id"])
        G.add_node(v, kind="vulnerability", **r)
        G.add_edge(v, node_id("system", r["system_id"]), key="affects", kind="affects")
    return G


def vulnerability_node(system_id: str, cve_id: str) -> str:
    """Node id of one vulnerability on one system.

    >>> vulnerability_node("S1", "CVE-2017-0144")
    'vulnerability:S1:CVE-2017-0144'
    """
    return node("vulnerability", f"{system_id}:{cve_id}")


def _bare_zone(zone: str) -> dict[str, object]:
    return {"kind": "zone", "zone": zone}


def _system_attrs(record: dict[str, object]) -> dict[str, object]:
    attrs = dict(record)
    attrs["system_kind"] = attrs.pop("kind")
    attrs["kind"] = "system"
    return attrs


def _records(frame: pd.DataFrame) -> Iterator[dict[str, object]]:
    """Rows as dicts of plain Python values (None for unknown), with their ``row``."""
    if frame.empty:
        return iter(())
    columns = {"row": [int(i) for i in frame.index]}
    for name in frame.columns:
        columns[str(name)] = plain_values(frame[name])
    names = list(columns)
    return (dict(zip(names, values)) for values in zip(*columns.values()))


def plain_values(series: pd.Series) -> list[object]:
    """A column as plain Python values: dates as ``datetime.date``, unknown as None.

    Examples
    --------
    >>> plain_values(pd.Series([True, None], dtype="boolean"))
    [True, None]
    >>> plain_values(pd.Series(pd.to_datetime(["2026-01-02", None])))
    [datetime.date(2026, 1, 2), None]
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if pd.isna(v) else v.date() for v in series]
    if isinstance(series.dtype, pd.BooleanDtype):
        return [None if v is pd.NA else bool(v) for v in series.array]
    if isinstance(series.dtype, pd.Int64Dtype):
        return [None if v is pd.NA else int(v) for v in series.array]
    if pd.api.types.is_float_dtype(series):
        return [None if v != v else float(v) for v in series]
    return series.tolist()
