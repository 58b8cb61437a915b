"""The graph: namespaced ids, kinds everywhere, every row kept, zones as hubs, exports."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

import flowmap
from flowmap.render.export import export_graph
from tests.conftest import SAMPLE, small_tables, write_csv_tables


@pytest.fixture(scope="module")
def sample_graph() -> tuple[flowmap.Inventory, nx.MultiDiGraph]:
    inv = flowmap.load_inventory(SAMPLE)
    return inv, flowmap.build_graph(inv)


def test_every_row_of_every_table_is_in_the_graph(sample_graph) -> None:
    inv, G = sample_graph
    nodes = Counter(d["kind"] for _, d in G.nodes(data=True))
    edges = Counter(d["kind"] for _, _, d in G.edges(data=True))
    assert nodes["organisation"] == len(inv.organisations)
    assert nodes["system"] == len(inv.systems)
    assert nodes["asset"] == len(inv.assets)
    assert nodes["vulnerability"] == len(inv.vulnerabilities)
    assert edges["flow"] == len(inv.flows)
    assert edges["backup"] == len(inv.backups)
    assert edges["zone_link"] == len(inv.zone_links)


def test_every_node_and_edge_has_a_kind(sample_graph) -> None:
    _, G = sample_graph
    assert all("kind" in d for _, d in G.nodes(data=True))
    assert all("kind" in d for _, _, d in G.edges(data=True))


def test_node_ids_are_namespaced(sample_graph) -> None:
    inv, G = sample_graph
    s = inv.systems.iloc[0]
    node = G.nodes[f"system:{s['system_id']}"]
    assert node["kind"] == "system" and node["system_kind"] == s["kind"]
    assert f"zone:{s['zone']}" in G
    assert G.has_edge(f"system:{s['system_id']}", f"zone:{s['zone']}")


def test_inventory_attributes_and_extra_columns_are_carried(tmp_path: Path) -> None:
    tables = small_tables()
    tables["flows"][0]["contract_manager"] = "J Bloggs"
    G = flowmap.build_graph(flowmap.load_inventory(write_csv_tables(tmp_path / "i", tables)))
    edge = G.edges["system:S1", "system:S3", "F1"]
    assert edge["transport"] == "email" and edge["encrypted"] is False
    assert edge["contract_manager"] == "J Bloggs" and edge["row"] == 2


def test_a_zone_is_one_hub_not_a_clique(tmp_path: Path) -> None:
    tables = small_tables()
    tables["systems"] += [
        {
            "system_id": f"PC{i}",
            "name": f"PC {i}",
            "org_id": "RXA",
            "kind": "workstation",
            "zone": "RXA:desktops",
        }
        for i in range(200)
    ]
    G = flowmap.build_graph(flowmap.load_inventory(write_csv_tables(tmp_path / "i", tables)))
    hub = "zone:RXA:desktops"
    assert G.in_degree(hub) == 200
    assert sum(1 for _, _, d in G.edges(data=True) if d["kind"] == "in_zone") == 204
    assert not G.has_edge("system:PC0", "system:PC1")


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_export_writes_a_graph_other_tools_can_read(sample_graph, tmp_path: Path, fmt) -> None:
    _, G = sample_graph
    path = export_graph(G, tmp_path / f"g.{fmt}", format=fmt)
    if fmt == "graphml":
        H = nx.read_graphml(path)
    elif fmt == "gexf":
        H = nx.read_gexf(path)
    else:
        H = nx.node_link_graph(json.loads(path.read_text()), edges="edges")
    assert H.number_of_nodes() == G.number_of_nodes()
    assert H.number_of_edges() == G.number_of_edges()


def test_export_is_deterministic(sample_graph, tmp_path: Path) -> None:
    _, G = sample_graph
    a = export_graph(G, tmp_path / "a.graphml").read_bytes()
    b = export_graph(
        flowmap.build_graph(flowmap.load_inventory(SAMPLE)), tmp_path / "b.graphml"
    ).read_bytes()
    assert a == b
