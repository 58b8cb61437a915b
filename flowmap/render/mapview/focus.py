"""Focused views: every copy of one asset (``asset``) and the top attack paths (``paths``)."""

from __future__ import annotations

import pandas as pd

from flowmap.render import fmt
from flowmap.render.mapview.frames import MapFrames
from flowmap.render.mapview.problems import Findings
from flowmap.render.mapview.style import PATH_COLOUR
from flowmap.render.mapview.tips import text
from flowmap.render.mapview.views import (
    View,
    asset_names,
    backup_edges,
    flow_edges,
    path_edges,
    path_systems,
    place_systems,
    system_nodes,
)

ENTRY_WORDS = {"internet-facing": "from the internet", "phishing": "by a phishing email"}
HOW = {
    "register": "held here (asset register)",
    "flow_source": "sends it (not in the register)",
    "flow": "copied here by a flow",
    "backup": "copied here by a backup",
}


def asset_view(fr: MapFrames, asset_id: str) -> View:
    """Every system holding a copy of ``asset_id``, and the flows and backups that put it
    there (the caller checks the asset exists)."""
    copies = fr.copies[fr.copies["asset_id"] == asset_id]
    held = set(copies["system_id"])
    systems = fr.systems[fr.systems["system_id"].isin(held)]
    flows = fr.flows[
        (fr.flows["asset_id"] == asset_id)
        & fr.flows["source_system_id"].isin(held)
        & fr.flows["target_system_id"].isin(held)
    ]
    backups = fr.backups[
        fr.backups["source_system_id"].isin(held) & fr.backups["target_system_id"].isin(held)
    ]
    extra = {
        r.system_id: [
            ["Copy", HOW.get(r.how, r.how)],
            ["Via", text(r.via)],
            ["Flows from the register", text(r.hops)],
            ["Route (flow ids)", text(r.route)],
        ]
        for r in copies.itertuples(index=False)
    }
    fi = Findings(fr.findings)
    pos, halos = place_systems(fr, systems, flows)
    nodes = system_nodes(fr, systems, pos, fi, extra)
    how = dict(zip(copies["system_id"], copies["how"]))
    for n in nodes:
        if how.get(n["id"]) == "register":
            n["borderWidth"] = 6
        n["label"] = f"{n['label']}\n{HOW.get(how.get(n['id'], ''), '')}"
    name = fr.assets.set_index("asset_id")["name"].get(asset_id, asset_id)
    return View(
        "asset",
        f"Copies of {name} ({asset_id})",
        nodes,
        flow_edges(fr, flows, fi) + backup_edges(backups),
        halos,
    )


def paths_view(fr: MapFrames, org_id: str | None = None) -> View:
    """The top attack paths (riskiest first; of ``org_id``'s assets if given)."""
    paths = fr.paths if org_id is None else fr.paths[fr.paths["org_id"] == org_id]
    paths = paths.head(fr.top_paths)
    order = list(dict.fromkeys(s for ss in paths["systems"] for s in ss))
    systems = fr.systems.set_index("system_id").loc[order].reset_index()
    roles: dict[str, list] = {}
    names = asset_names(fr)
    for r in paths.itertuples(index=False):
        asset = f"{names.get(r.asset_id, r.asset_id)} ({r.asset_id})"
        roles.setdefault(r.entry_system_id, []).append(
            ["Way in", f"{ENTRY_WORDS.get(r.entry_kind, text(r.entry_kind))}, towards {asset}"]
        )
        roles.setdefault(r.target_system_id, []).append(
            [
                "Holds",
                f"{asset}: {fmt.pct(r.probability)} chance of being reached, impact "
                f"{r.impact:.0f} of 100, risk {fmt.risk(r.risk)}",
            ]
        )
    fi = Findings(fr.findings)
    links = pd.DataFrame({"sender_org_id": [], "receiver_org_id": []})
    pos, halos = place_systems(fr, systems, links)
    nodes = system_nodes(fr, systems, pos, fi, roles)
    entries = set(paths["entry_system_id"])
    for n in nodes:
        if n["id"] in entries:
            n["borderWidth"] = 6
            n["color"] = {**n["color"], "border": PATH_COLOUR}
    title = "Top attack paths" + (f" to data of {org_id}" if org_id else "")
    view = View("paths", title, nodes, path_edges(paths, set(order), names), halos)
    view.path_nodes = path_systems(paths, set(order))
    if not len(paths):
        view.banner = "No attack path" + (
            f" reaches data of {org_id}" if org_id else " reaches any data"
        )
    return view
