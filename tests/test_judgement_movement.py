"""Attack paths that need real footholds (issue 13): a zone is never a transit node.

The case a new user met: zone links ``dmz -> servers`` (one way) and ``servers <->
clinical``; a log server in the DMZ was said to reach the PACS in the clinical zone "in 1
step with probability 97%", crossing two firewalls through zone hubs alone. A zone link
lets an attacker on a system in one zone reach the systems of the linked zone; to go
further, the attacker must first compromise a system there.
"""

from __future__ import annotations

import datetime as dt

import pytest

from flowmap.planning.actions import candidate_actions
from flowmap.planning.evaluate import Evaluator, full_risk
from tests.rulekit import analyse_tables

AS_OF = dt.date(2026, 11, 1)


def _system(sid, name, kind, os, zone, **cells):
    row = {
        "system_id": sid,
        "name": name,
        "org_id": "RNS",
        "kind": kind,
        "os": os,
        "zone": zone,
        "internet_facing": "no",
        "last_patched": "2026-10-20",
        "mfa": "yes",
        "smb1": "no",
        "esu": "no",
    }
    row.update(cells)
    return row


def trust(servers: bool = True) -> dict[str, list[dict[str, str]]]:
    """A DMZ log server on the internet, an application server, a PACS behind both."""
    systems = [
        _system(
            "LOG-01",
            "Log collector",
            "server",
            "Ubuntu 18.04",
            "RNS:dmz",
            internet_facing="yes",
            last_patched="2024-01-10",
            mfa="no",
        ),
        _system("PACS-01", "PACS archive", "storage", "Windows Server 2022", "RNS:clinical"),
    ]
    if servers:
        systems.append(
            _system("APP-01", "Integration engine", "server", "Windows Server 2022", "RNS:servers")
        )
    return {
        "organisations": [
            {
                "org_id": "RNS",
                "name": "Riverside North Trust",
                "sector": "nhs_trust",
                "dspt_status": "standards_met",
            }
        ],
        "systems": systems,
        "assets": [
            {
                "asset_id": "IMG",
                "name": "Radiology images",
                "org_id": "RNS",
                "system_id": "PACS-01",
                "owner": "Head of Radiology",
                "data_categories": "personal;special_health",
                "records": "900000",
                "essential": "yes",
            }
        ],
        "flows": [
            {
                "flow_id": "F1",
                "asset_id": "IMG",
                "source_system_id": "PACS-01",
                "target_system_id": "PACS-01",
                "transport": "internal",
                "encrypted": "yes",
                "purpose": "direct_care",
                "lawful_basis": "6(1)(e)",
                "special_condition": "9(2)(h)",
            }
        ],
        "zone_links": [
            {"from_zone": "RNS:dmz", "to_zone": "RNS:servers", "bidirectional": "no"},
            {"from_zone": "RNS:servers", "to_zone": "RNS:clinical", "bidirectional": "yes"},
        ],
    }


def test_crossing_two_zone_links_needs_a_foothold_in_the_middle(tmp_path):
    a = analyse_tables(tmp_path, trust())
    path = a.attack_paths.set_index("asset_id").loc["IMG"]
    assert path["path"] == "LOG-01 > APP-01 > PACS-01"
    assert path["hops"] == 2
    hows = [s["how"] for s in path["steps"]]
    assert hows == [
        "entry point",
        "zone link from RNS:dmz to RNS:servers",
        "zone link from RNS:servers to RNS:clinical",
    ]
    likelihood = a.systems.set_index("system_id")["likelihood"]
    entry = a.systems.set_index("system_id")["entry_likelihood"]
    expected = entry["LOG-01"] * likelihood["APP-01"] * likelihood["PACS-01"]
    assert path["probability"] == pytest.approx(expected, abs=1e-4)


def test_a_zone_with_no_system_to_hold_passes_no_attacker_through(tmp_path):
    a = analyse_tables(tmp_path, trust(servers=False))
    assert a.attack_paths.set_index("asset_id").at["IMG", "probability"] == 0
    assert a.systems.set_index("system_id").at["PACS-01", "reach"] == 0


def test_a_one_way_link_is_not_walked_backwards(tmp_path):
    t = trust()
    for s in t["systems"]:
        s["internet_facing"] = "no"
    t["systems"][2]["internet_facing"] = "yes"  # now the integration engine is the entry
    a = analyse_tables(tmp_path, t)
    reach = a.systems.set_index("system_id")["reach"]
    assert reach["LOG-01"] == 0  # servers cannot reach the DMZ
    assert reach["PACS-01"] > 0


def test_no_zone_hub_is_a_step_of_its_own(tmp_path):
    a = analyse_tables(tmp_path, trust())
    path = a.attack_graph.path("system:PACS-01")
    hubs = [n for n in path if not n.startswith(("system:", "attacker"))]
    assert hubs == [
        "from-zone:RNS:dmz",
        "zone:RNS:servers",
        "from-zone:RNS:servers",
        "zone:RNS:clinical",
    ]


def test_planner_sees_the_same_paths_as_a_full_reanalysis(tmp_path):
    a = analyse_tables(tmp_path, trust())
    ev = Evaluator(a)
    assert ev.total == a.total_risk
    for action in candidate_actions(a):
        assert ev.risk_after(action) == pytest.approx(full_risk(a, [action]), abs=1e-6), action


def test_the_explorer_says_which_zone_link_a_blast_crosses(tmp_path):
    """The explorer's blast view walks the same hubs: a linked zone is a zone link, and a
    zone two links away is out of one move's reach."""
    from flowmap.explorer.scope import Scope

    t = trust()
    t["assets"][0]["system_id"] = "APP-01;PACS-01"
    a = analyse_tables(tmp_path, t)
    blast = Scope(a).blast("LOG-01")
    assert list(blast["Reached on"].str.contains("APP-01")) == [True]
    assert blast["How"].tolist() == ["zone link from RNS:dmz to RNS:servers"]
