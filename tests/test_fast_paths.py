"""The compiled path search (rustworkx) agrees with plain networkx on random inventories."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import flowmap
from flowmap.engine.paths import most_likely_paths
from flowmap.synth.generate import synthesize, write_inventory_csv

AS_OF = dt.date(2026, 11, 1)


def _inventory(orgs: int, seed: int) -> flowmap.Inventory:
    with tempfile.TemporaryDirectory() as d:
        write_inventory_csv(synthesize(orgs, seed=seed, as_of=AS_OF), Path(d))
        return flowmap.load_inventory(d, as_of=AS_OF)


def _both(inventory: flowmap.Inventory):
    fast = flowmap.analyse(inventory, as_of=AS_OF)
    slow = flowmap.analyse(
        inventory,
        as_of=AS_OF,
        settings=dataclasses.replace(flowmap.AnalysisSettings(), path_backend="networkx"),
    )
    return fast, slow


@settings(max_examples=8, deadline=None)
@given(orgs=st.integers(2, 12), seed=st.integers(0, 10_000))
def test_rustworkx_and_networkx_give_the_same_paths_likelihoods_and_findings(orgs, seed):
    fast, slow = _both(_inventory(orgs, seed))
    pd.testing.assert_frame_equal(fast.systems, slow.systems)
    pd.testing.assert_frame_equal(fast.assets, slow.assets)
    pd.testing.assert_frame_equal(fast.attack_paths, slow.attack_paths)
    pd.testing.assert_frame_equal(fast.findings, slow.findings)


def test_both_backends_build_the_same_shortest_path_tree_on_the_sample():
    a = flowmap.analyse(flowmap.load_inventory("inventories/sample"), as_of=AS_OF)
    fast = most_likely_paths(a.movement, backend="rustworkx")
    slow = most_likely_paths(a.movement, backend="networkx")
    assert fast.distance.keys() == slow.distance.keys()
    assert all(abs(fast.distance[n] - slow.distance[n]) < 1e-9 for n in slow.distance)
    assert fast.parent == slow.parent


def test_ties_are_broken_the_same_way_by_both_backends():
    import networkx as nx

    G = nx.DiGraph()
    G.add_edge("attacker", "system:B", weight=1.0)
    G.add_edge("attacker", "system:A", weight=1.0)
    G.add_edge("system:A", "system:C", weight=1.0)
    G.add_edge("system:B", "system:C", weight=1.0)
    for backend in ("rustworkx", "networkx"):
        assert most_likely_paths(G, backend=backend).path("system:C") == [
            "attacker",
            "system:A",
            "system:C",
        ]


def test_unknown_backend_is_a_usage_error():
    import networkx as nx
    import pytest

    with pytest.raises(flowmap.UsageError, match="No path backend named"):
        most_likely_paths(nx.DiGraph([("attacker", "x")]), backend="igraph")


def test_analyse_restores_the_garbage_collector_even_when_it_fails():
    import gc

    import pytest

    from flowmap.engine.analysis import cyclic_gc_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
    flowmap.analyse(flowmap.load_inventory("inventories/sample"), as_of=AS_OF)
    assert gc.isenabled()


def test_zone_hubs_are_never_transit_nodes_in_either_backend():
    """Into a zone hub only from a zone's exit hub; out of it only into systems (issue 13)."""
    a = flowmap.analyse(flowmap.load_inventory("inventories/sample"), as_of=AS_OF)
    m = a.attack_graph.movement
    src, dst = m.names[m.src], m.names[m.dst]
    into_zone = [u for u, v in zip(src, dst) if v.startswith("zone:")]
    out_of_zone = [v for u, v in zip(src, dst) if u.startswith("zone:")]
    assert into_zone and all(u.startswith("from-zone:") for u in into_zone)
    assert out_of_zone and all(v.startswith("system:") for v in out_of_zone)
    fast = most_likely_paths(a.movement, backend="rustworkx")
    slow = most_likely_paths(a.movement, backend="networkx")
    assert fast.parent == slow.parent
