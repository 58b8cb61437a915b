"""The vectorised copies and blast radius agree with plain Python on random inventories.

``data_copies`` and ``blast_radius`` run on integer codes with sort-based joins
(flowmap/inventory/codes.py) for speed; the references here follow their definitions
(docs/scoring.md) one row at a time.
"""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from flowmap.engine.blast import blast_radius
from flowmap.engine.copies import data_copies
from flowmap.inventory.model import Inventory
from flowmap.inventory.schema import ELECTRONIC_TRANSPORTS

SYSTEMS = [f"S{i}" for i in range(7)]
ASSETS = ["A1", "A2", "A3"]
ORGS = ["O1", "O2", "O3"]
ZONES = ["z1", "z2", "z3", ""]
TRANSPORTS = ["api", "email", "paper", "", "fax"]


@st.composite
def inventories(draw) -> Inventory:
    systems = pd.DataFrame(
        {
            "system_id": SYSTEMS,
            "org_id": [draw(st.sampled_from(ORGS)) for _ in SYSTEMS],
            "zone": [draw(st.sampled_from(ZONES)) for _ in SYSTEMS],
            "supplier_org_id": [draw(st.sampled_from(ORGS + ["", "", ""])) for _ in SYSTEMS],
        }
    )
    assets = pd.DataFrame(
        {
            "asset_id": ASSETS,
            "system_id": [
                tuple(draw(st.lists(st.sampled_from(SYSTEMS), max_size=2, unique=True)))
                for _ in ASSETS
            ],
        }
    )
    n_flows = draw(st.integers(0, 14))
    flows = pd.DataFrame(
        {
            # flow ids whose text order differs from their number order (F10 < F2)
            "flow_id": [f"F{i}" for i in draw(st.permutations(range(1, n_flows + 1)))],
            "asset_id": [draw(st.sampled_from(ASSETS)) for _ in range(n_flows)],
            "source_system_id": [draw(st.sampled_from(SYSTEMS)) for _ in range(n_flows)],
            "target_system_id": [draw(st.sampled_from(SYSTEMS)) for _ in range(n_flows)],
            "transport": [draw(st.sampled_from(TRANSPORTS)) for _ in range(n_flows)],
        },
        columns=["flow_id", "asset_id", "source_system_id", "target_system_id", "transport"],
    )
    n_backups = draw(st.integers(0, 4))
    backups = pd.DataFrame(
        {
            "backup_id": [f"B{i}" for i in draw(st.permutations(range(1, n_backups + 1)))],
            "source_system_id": [draw(st.sampled_from(SYSTEMS)) for _ in range(n_backups)],
            "target_system_id": [draw(st.sampled_from(SYSTEMS)) for _ in range(n_backups)],
        },
        columns=["backup_id", "source_system_id", "target_system_id"],
    )
    n_links = draw(st.integers(0, 3))
    links = pd.DataFrame(
        {
            "from_zone": [draw(st.sampled_from(ZONES[:3])) for _ in range(n_links)],
            "to_zone": [draw(st.sampled_from(ZONES[:3])) for _ in range(n_links)],
            "bidirectional": [draw(st.booleans()) for _ in range(n_links)],
        },
        columns=["from_zone", "to_zone", "bidirectional"],
    )
    return Inventory(
        {
            "systems": systems,
            "assets": assets,
            "flows": flows,
            "backups": backups,
            "zone_links": links,
        }
    )


def reference_copies(inv: Inventory) -> pd.DataFrame:
    """Breadth-first, one copy at a time: the shortest lineage, ties to the route
    (then backup id) whose text sorts first."""
    flows = sorted(inv.flows.itertuples(index=False), key=lambda f: f.flow_id)
    held = [
        (a, s)
        for a, systems in zip(inv.assets["asset_id"], inv.assets["system_id"])
        for s in systems
    ]
    reached = set(held) | {(f.asset_id, f.target_system_id) for f in flows}
    rows = [
        dict(asset_id=a, system_id=s, how="register", via="", hops=0, route="") for a, s in held
    ]
    for f in flows:
        key = (f.asset_id, f.source_system_id)
        if key not in reached:
            reached.add(key)
            rows.append(
                dict(
                    asset_id=f.asset_id,
                    system_id=f.source_system_id,
                    how="flow_source",
                    via=f.flow_id,
                    hops=0,
                    route="",
                )
            )
    seen = {(r["asset_id"], r["system_id"]) for r in rows}
    frontier = list(rows)
    while frontier:
        best: dict[tuple[str, str], dict] = {}
        for c in frontier:
            for f in flows:
                if (f.asset_id, f.source_system_id) != (c["asset_id"], c["system_id"]):
                    continue
                key = (f.asset_id, f.target_system_id)
                route = (c["route"] + " > " if c["route"] else "") + f.flow_id
                if key not in seen and (key not in best or route < best[key]["route"]):
                    best[key] = dict(
                        asset_id=key[0],
                        system_id=key[1],
                        how="flow",
                        via=f.flow_id,
                        hops=c["hops"] + 1,
                        route=route,
                    )
        frontier = list(best.values())
        seen |= set(best)
        rows += frontier
    backed: dict[tuple[str, str], dict] = {}
    for r in rows:
        for b in inv.backups.itertuples(index=False):
            key = (r["asset_id"], b.target_system_id)
            if (
                b.source_system_id == r["system_id"]
                and key not in seen
                and (key not in backed or b.backup_id < backed[key]["via"])
            ):
                backed[key] = dict(r, system_id=b.target_system_id, how="backup", via=b.backup_id)
    rows += backed.values()
    order = {"register": 0, "flow_source": 1, "flow": 2, "backup": 3}
    rows.sort(key=lambda r: (r["asset_id"], r["hops"], order[r["how"]], r["system_id"]))
    return pd.DataFrame(rows, columns=["asset_id", "system_id", "how", "via", "hops", "route"])


def reference_blast(
    inv: Inventory, copies: pd.DataFrame, like: dict[str, float], impact: dict[str, float]
) -> dict[str, float]:
    """For each system, each asset's best one-move chance, times impact, summed."""
    s = inv.systems.set_index("system_id")
    links = inv.zone_links
    out = {}
    for sid in s.index:
        zones = {s.at[sid, "zone"]}
        zones |= set(links.loc[links["from_zone"] == s.at[sid, "zone"], "to_zone"])
        zones |= set(
            links.loc[(links["to_zone"] == s.at[sid, "zone"]) & links["bidirectional"], "from_zone"]
        )
        targets = {
            f.target_system_id
            for f in inv.flows.itertuples()
            if f.source_system_id == sid
            and (f.transport in ELECTRONIC_TRANSPORTS or f.transport == "")
        }
        total = 0.0
        for asset in impact:
            chances = [0.0]
            for holder in copies.loc[copies["asset_id"] == asset, "system_id"]:
                if holder == sid:
                    chances.append(1.0)
                elif (
                    s.at[holder, "zone"] in zones
                    or holder in targets
                    or s.at[holder, "supplier_org_id"] == s.at[sid, "org_id"]
                ):
                    chances.append(like[holder])
            total += impact[asset] * max(chances)
        out[sid] = total
    return out


@settings(max_examples=150, deadline=None)
@given(inv=inventories())
def test_copies_match_a_breadth_first_walk_one_copy_at_a_time(inv):
    pd.testing.assert_frame_equal(data_copies(inv), reference_copies(inv), check_dtype=False)


@settings(max_examples=150, deadline=None)
@given(inv=inventories(), seed=st.integers(0, 1000))
def test_blast_radius_matches_checking_every_asset_from_every_system(inv, seed):
    like = {sid: round((i * 37 + seed) % 100 / 100, 2) for i, sid in enumerate(SYSTEMS)}
    impact = {a: float(10 + (i * 13 + seed) % 90) for i, a in enumerate(ASSETS)}
    copies = data_copies(inv)
    fast = blast_radius(inv, copies, pd.Series(like), pd.Series(impact))
    slow = reference_blast(inv, copies, like, impact)
    assert list(fast.index) == SYSTEMS
    for sid in SYSTEMS:
        assert math.isclose(fast[sid], slow[sid], abs_tol=0.0051), (sid, fast[sid], slow[sid])


def test_a_two_hop_tie_goes_to_the_route_whose_text_sorts_first():
    inv = Inventory(
        {
            "assets": pd.DataFrame({"asset_id": ["A"], "system_id": [("S0",)]}),
            "flows": pd.DataFrame(
                {
                    "flow_id": ["F2", "F10", "F3", "F1"],
                    "asset_id": ["A"] * 4,
                    "source_system_id": ["S0", "S0", "S1", "S2"],
                    "target_system_id": ["S1", "S2", "S3", "S3"],
                }
            ),
            "backups": pd.DataFrame(columns=["backup_id", "source_system_id", "target_system_id"]),
        }
    )
    c = data_copies(inv).set_index("system_id")
    assert c.loc["S3", "route"] == "F10 > F1" and c.loc["S3", "hops"] == 2
    assert c.loc["S3", "via"] == "F1"
