"""The organisations view: one node per organisation, flows aggregated between them.

Each edge is every flow from one organisation to another, with the number of flows,
how many are weak, the worst finding severity and the assets and data categories that
travel; backups kept at another organisation are a dotted edge. Flows inside an
organisation are counted on its node.
"""

from __future__ import annotations

import pandas as pd

from flowmap.mapview import layout
from flowmap.mapview.frames import MapFrames
from flowmap.mapview.style import NO_FINDING, SEVERITY_RANK, backup_style, flow_style, label, \
    organisation_style
from flowmap.mapview.views import Findings, View, _categories, _findings_rows, org_name, \
    partners, short, text

TOP_ASSETS = 5  # asset names listed on an aggregated edge


def organisations_view(fr: MapFrames, org_id: str | None = None) -> View:
    """One node per organisation (or ``org_id`` and its direct partners).

    Examples
    --------
    >>> import datetime, flowmap
    >>> from flowmap.mapview.frames import frames_of
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> v = organisations_view(frames_of(a))
    >>> len(v.nodes) == len(a.inventory.organisations)
    True
    """
    fi = Findings(fr.findings)
    flows = fr.flows.copy()
    flows["rank"] = flows["flow_id"].map(fi.of("subject_id", "flow")[0]).fillna(
        NO_FINDING).map(SEVERITY_RANK)
    flows["weak"] = flows["flow_id"].isin(fi.weak_flows())
    orgs = fr.orgs
    title = "Organisations"
    if org_id is not None:
        keep = partners(fr, org_id)
        orgs = orgs[orgs["org_id"].isin(keep)]
        flows = flows[(flows["sender_org_id"] == org_id) | (flows["receiver_org_id"] == org_id)]
        title = f"{org_name(fr, org_id)} and its direct partners"
    cross = flows[flows["sender_org_id"] != flows["receiver_org_id"]]
    edges = _flow_edges(fr, cross) + _backup_edges(fr, org_id)
    links = pd.DataFrame({"a": [e["from"] for e in edges], "b": [e["to"] for e in edges],
                          "weight": [e.get("count", 1) for e in edges]})
    pos = layout.organisation_positions(list(orgs["org_id"]), links)
    view = View("organisations", title, _org_nodes(fr, orgs, flows, pos, fi), edges)
    return view


def _org_nodes(fr: MapFrames, orgs: pd.DataFrame, flows: pd.DataFrame, pos: dict,
               fi: Findings) -> list[dict]:
    worst, top, count = fi.of("org_id")
    systems = fr.systems["org_id"].value_counts()
    assets = fr.assets["org_id"].value_counts()
    inside = flows.loc[flows["sender_org_id"] == flows["receiver_org_id"], "sender_org_id"] \
        .value_counts()
    out = flows.loc[flows["sender_org_id"] != flows["receiver_org_id"], "sender_org_id"] \
        .value_counts()
    into = flows.loc[flows["sender_org_id"] != flows["receiver_org_id"], "receiver_org_id"] \
        .value_counts()
    by_sev = fi.frame.groupby(["org_id", "severity"]).size()
    cats = _categories(fr, "org_id")
    nodes = []
    for r in orgs.itertuples(index=False):
        sev = worst.get(r.org_id, NO_FINDING)
        n_sys = int(systems.get(r.org_id, 0))
        sev_text = ", ".join(f"{s} {int(by_sev[(r.org_id, s)]):,}" for s in SEVERITY_RANK
                             if (r.org_id, s) in by_sev.index) or "none"
        x, y = pos[r.org_id]
        tip = [["Organisation", r.name], ["Id", r.org_id], ["Sector", label(r.sector)],
               ["DSPT", label(text(r.dspt_status))], ["Cyber Essentials Plus", text(r.ce_plus)],
               ["Systems", f"{n_sys:,}"], ["Assets", f"{int(assets.get(r.org_id, 0)):,}"],
               ["Flows inside", f"{int(inside.get(r.org_id, 0)):,}"],
               ["Flows out to partners", f"{int(out.get(r.org_id, 0)):,}"],
               ["Flows in from partners", f"{int(into.get(r.org_id, 0)):,}"],
               ["Findings", sev_text]]
        nodes.append({"id": r.org_id, "label": short(r.name), "x": x, "y": y,
                      **organisation_style(r.sector, sev, n_sys), "org": r.org_id,
                      "sector": r.sector, "sev": sev, "cats": cats.get(r.org_id, []),
                      "tip": tip, "fx": _findings_rows(top.get(r.org_id, []),
                                                       count.get(r.org_id, 0))})
    return nodes


def _flow_edges(fr: MapFrames, cross: pd.DataFrame) -> list[dict]:
    names = fr.orgs.set_index("org_id")["name"]
    asset_names = fr.assets.set_index("asset_id")["name"]
    edges = []
    ranks = list(SEVERITY_RANK)
    for (a, b), g in cross.groupby(["sender_org_id", "receiver_org_id"], sort=True):
        sev = ranks[int(g["rank"].min())]
        weak = int(g["weak"].sum())
        assets = sorted(set(g["asset_id"]))
        shown = [f"{asset_names.get(x, x)} ({x})" for x in assets[:TOP_ASSETS]]
        if len(assets) > TOP_ASSETS:
            shown.append(f"and {len(assets) - TOP_ASSETS:,} more")
        cats = sorted({c for t in g["data_categories"] for c in (t or ())})
        sev_counts = g["rank"].value_counts()
        tip = [["Flows", f"{len(g):,} from {names.get(a, a)} to {names.get(b, b)}"],
               ["Weak flows", f"{weak:,}"],
               ["Worst finding", label(sev) if sev != NO_FINDING else "none"],
               ["Flows with findings", ", ".join(
                   f"{ranks[int(k)]} {int(v):,}" for k, v in sorted(sev_counts.items())
                   if ranks[int(k)] != NO_FINDING) or "none"],
               ["Data categories", "; ".join(cats) or "unknown"],
               ["Transports", "; ".join(sorted(set(g["transport"].fillna("").astype(str))
                                               - {""})) or "unknown"],
               ["Assets", "; ".join(shown)]]
        edges.append({"id": f"flows:{a}>{b}", "from": a, "to": b,
                      **flow_style(sev, weak > 0, len(g)), "smooth": {
                          "type": "curvedCW", "roundness": 0.15},
                      "sev": sev, "weak": weak > 0, "kind": "flow", "count": int(len(g)),
                      "cats": cats, "tip": tip, "fx": []})
    return edges


def _backup_edges(fr: MapFrames, org_id: str | None) -> list[dict]:
    org_of = fr.systems.set_index("system_id")["org_id"]
    b = fr.backups.assign(a=fr.backups["source_system_id"].map(org_of),
                          b=fr.backups["target_system_id"].map(org_of))
    b = b[b["a"] != b["b"]]
    if org_id is not None:
        b = b[(b["a"] == org_id) | (b["b"] == org_id)]
    names = fr.orgs.set_index("org_id")["name"]
    return [{"id": f"backups:{a}>{c}", "from": a, "to": c, **backup_style(len(g)),
             "smooth": {"type": "curvedCCW", "roundness": 0.25}, "sev": NO_FINDING,
             "weak": False, "kind": "backup", "count": int(len(g)), "cats": [], "fx": [],
             "tip": [["Backups", f"{len(g):,} of {names.get(a, a)} systems kept at "
                                 f"{names.get(c, c)}"],
                     ["Isolation", "; ".join(sorted(set(g["isolation"].astype(str)) - {""}))
                      or "unknown"]]}
            for (a, c), g in b.groupby(["a", "b"], sort=True)]
