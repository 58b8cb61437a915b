"""The node and edge data of each view, built from :class:`MapFrames` as plain dicts.

Views: ``systems`` (every system, around its organisation), ``organisations`` (one node
per organisation, flows aggregated with counts and worst severity), ``asset`` (every copy
of one asset and how it got there) and ``paths`` (the top attack paths). ``org_id``
narrows ``systems``, ``organisations`` and ``paths`` to one organisation and its direct
partners. Each node and edge carries its vis-network options, the fields the page's
filters read (``org``, ``sector``, ``sev``, ``cats``) and its tooltip as data (``tip``:
rows of [label, text]; ``fx``: problems as [severity, title, message, note]); the page turns
those into DOM text, never HTML. The organisations view, the one drawn at thousands of
organisations, is encoded compactly instead (:attr:`View.compact`, see :mod:`~.orgview`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from flowmap.render import fmt
from flowmap.render.mapview import layout
from flowmap.render.mapview.frames import MapFrames
from flowmap.render.mapview.problems import Findings, findings_rows
from flowmap.render.mapview.style import (
    KIND_ORDER,
    NO_FINDING,
    PATH_COLOUR,
    backup_style,
    flow_style,
    label,
    system_style,
)
from flowmap.render.mapview.tips import share, support, text, words

VIEWS = ("systems", "organisations", "asset", "paths")
LABEL_CHARS = 40


@dataclass
class View:
    """One view's drawing data."""

    name: str
    title: str
    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    halos: list[dict] = field(default_factory=list)  # organisation discs (systems views)
    overlay: list[dict] = field(default_factory=list)  # attack path edges, shown on demand
    path_nodes: list[str] = field(default_factory=list)  # systems on those paths
    notes: list[str] = field(default_factory=list)
    #: Columns instead of item dicts (the organisations view; see :mod:`~.orgview`).
    compact: dict | None = None
    #: What the reader must know about this view (trimmed detail), shown in the header.
    banner: str = ""

    @property
    def node_count(self) -> int:
        return len(self.compact["nodes"]["id"]) if self.compact else len(self.nodes)

    @property
    def edge_count(self) -> int:
        if self.compact:
            return len(self.compact["flows"]["from"]) + len(self.compact["backups"]["from"])
        return len(self.edges)


def short(name: str) -> str:
    """A node label: the name, cut at :data:`LABEL_CHARS`."""
    name = str(name)
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "\u2026"


def _categories(fr: MapFrames, by: str, ids: pd.Series | None = None) -> dict[str, list[str]]:
    """Data categories of the assets held on each system (``by="system_id"``) or org (of
    the systems ``ids`` only, when given)."""
    c = fr.copies[["asset_id", "system_id"]]
    if ids is not None:
        c = c[c["system_id"].isin(ids)]
    if by == "org_id":  # one row per (organisation, asset) before the categories multiply it
        c = c.assign(org_id=c["system_id"].map(fr.systems.set_index("system_id")["org_id"]))
        c = c[["asset_id", "org_id"]].drop_duplicates()
    c = c.merge(fr.assets[["asset_id", "data_categories"]], on="asset_id", how="left")
    c = c.explode("data_categories").dropna(subset=["data_categories"])
    return {k: sorted(set(v)) for k, v in c.groupby(by)["data_categories"]}


def system_nodes(
    fr: MapFrames,
    systems: pd.DataFrame,
    pos: dict,
    fi: Findings,
    extra: dict[str, list] | None = None,
) -> list[dict]:
    """Node dicts of systems (with their organisation's name and sector)."""
    orgs = fr.orgs.set_index("org_id")
    worst, top, problems, count = fi.of("subject_id", "system", ids=systems["system_id"])
    cats = _categories(fr, "system_id", systems["system_id"])
    nodes = []
    for r in systems.itertuples(index=False):
        sev = worst.get(r.system_id, NO_FINDING)
        sector = orgs.at[r.org_id, "sector"] if r.org_id in orgs.index else ""
        org_name = orgs.at[r.org_id, "name"] if r.org_id in orgs.index else r.org_id
        x, y = pos[r.system_id]
        tip = [
            ["System", r.name],
            ["Id", r.system_id],
            ["Organisation", org_name],
            ["Kind", label(r.kind)],
            ["Operating system", text(r.os)],
            ["Operating system support", support(r.eol_status, r.support_end)],
            ["Network zone", text(r.zone)],
            ["Reachable from the internet", text(r.internet_facing)],
            ["Criticality", words(r.criticality)],
            ["Open vulnerabilities", text(r.open_vulnerabilities)],
            ["Known to be exploited", text(r.open_kev)],
            ["Likelihood of compromise", share(r.likelihood)],
            ["Chance the most likely attack path reaches it", share(r.reach)],
            ["Worst finding", label(sev) if sev != NO_FINDING else "none"],
        ]
        tip += (extra or {}).get(r.system_id, [])
        nodes.append(
            {
                "id": r.system_id,
                "label": short(r.name),
                "x": x,
                "y": y,
                **system_style(r.kind, sev, sector),
                "org": r.org_id,
                "sector": sector,
                "sev": sev,
                "cats": cats.get(r.system_id, []),
                "tip": tip,
                "fx": findings_rows(
                    top.get(r.system_id, []),
                    problems.get(r.system_id, 0),
                    count.get(r.system_id, 0),
                ),
            }
        )
    return nodes


def flow_edges(fr: MapFrames, flows: pd.DataFrame, fi: Findings) -> list[dict]:
    """Edge dicts of flows, parallel flows bent apart so each stays visible."""
    names = fr.systems.set_index("system_id")["name"]
    assets = fr.assets.drop_duplicates("asset_id").set_index("asset_id")["name"]
    worst, top, problems, count = fi.of("subject_id", "flow", ids=flows["flow_id"])
    weak = fi.weak_flows()
    seen: dict[tuple[str, str], int] = {}
    edges = []
    for r in flows.itertuples(index=False):
        pair = (
            min(r.source_system_id, r.target_system_id),
            max(r.source_system_id, r.target_system_id),
        )
        k = seen[pair] = seen.get(pair, -1) + 1
        sev = worst.get(r.flow_id, NO_FINDING)
        tip = [
            ["Flow", r.flow_id],
            ["Data", f"{assets.get(r.asset_id, r.asset_id)} ({r.asset_id})"],
            ["From", text(names.get(r.source_system_id))],
            ["To", text(names.get(r.target_system_id))],
            ["How it travels", words(r.transport)],
            ["Encrypted in transit", text(r.encrypted)],
            ["Purpose", words(r.purpose)],
            ["Lawful basis", words(r.lawful_basis, "none recorded")],
            ["Data-sharing agreement", text(r.dsa_ref) if r.dsa_ref else "none recorded"],
            ["Agreement ends", text(r.dsa_expires) if r.dsa_ref else "no agreement"],
            [
                "Data categories",
                "; ".join(words(c) for c in (r.data_categories or ())) or "unknown",
            ],
            ["Records a year", fmt.count(r.records_per_year) or "unknown"],
            ["How often", words(r.frequency)],
            ["Weak flow", "yes" if r.flow_id in weak else "no"],
        ]
        edges.append(
            {
                "id": "flow:" + r.flow_id,
                "from": r.source_system_id,
                "to": r.target_system_id,
                **flow_style(sev, r.flow_id in weak),
                "smooth": {"type": "curvedCW", "roundness": round(0.12 + 0.15 * k, 2)},
                "sev": sev,
                "weak": r.flow_id in weak,
                "kind": "flow",
                "cats": sorted(r.data_categories or ()),
                "tip": tip,
                "fx": findings_rows(
                    top.get(r.flow_id, []), problems.get(r.flow_id, 0), count.get(r.flow_id, 0)
                ),
            }
        )
    return edges


def backup_edges(backups: pd.DataFrame) -> list[dict]:
    """Edge dicts of backups (dotted)."""
    return [
        {
            "id": "backup:" + r.backup_id,
            "from": r.source_system_id,
            "to": r.target_system_id,
            **backup_style(),
            "smooth": {"type": "curvedCCW", "roundness": 0.2},
            "sev": NO_FINDING,
            "weak": False,
            "kind": "backup",
            "cats": [],
            "tip": [
                ["Backup", r.backup_id],
                ["Kind of copy", words(r.isolation)],
                ["Kept off site", text(r.offsite)],
                ["Encrypted", text(r.encrypted)],
                [
                    "Last restore test",
                    text(r.last_restore_test) if r.last_restore_test else "never",
                ],
                ["Restore result", words(r.restore_result)],
            ],
            "fx": [],
        }
        for r in backups.itertuples(index=False)
    ]


def place_systems(
    fr: MapFrames, systems: pd.DataFrame, flows: pd.DataFrame
) -> tuple[dict, list[dict]]:
    """Positions of systems around their organisations, and the organisations' halos."""
    per_org = systems["org_id"].value_counts()
    radius = {o: layout.disc_radius(int(n), layout.SYSTEM_SPACING) for o, n in per_org.items()}
    links = flows.groupby(["sender_org_id", "receiver_org_id"]).size().reset_index()
    links.columns = ["a", "b", "weight"]
    org_pos = layout.organisation_positions(
        sorted(per_org.index), links, radius, spacing=layout.SYSTEM_SPACING * 3
    )
    s = systems[["system_id", "org_id"]].assign(order=systems["kind"].map(KIND_ORDER))
    pos = layout.system_positions(s, org_pos)
    orgs = fr.orgs.set_index("org_id")
    halos = [
        {
            "id": o,
            "label": short(orgs.at[o, "name"]) if o in orgs.index else o,
            "sector": orgs.at[o, "sector"] if o in orgs.index else "",
            "x": org_pos[o][0],
            "y": org_pos[o][1],
            "r": round(radius[o] + 14, 1),
        }
        for o in sorted(per_org.index)
    ]
    return pos, halos


def partners(fr: MapFrames, org_id: str) -> set[str]:
    """``org_id`` and every organisation it exchanges flows or backups with."""
    f = fr.flows
    out = set(f.loc[f["sender_org_id"] == org_id, "receiver_org_id"])
    out |= set(f.loc[f["receiver_org_id"] == org_id, "sender_org_id"])
    org_of = fr.systems.set_index("system_id")["org_id"]
    a = fr.backups["source_system_id"].map(org_of)
    b = fr.backups["target_system_id"].map(org_of)
    out |= set(b[a == org_id]) | set(a[b == org_id])
    return out | {org_id}


def systems_view(fr: MapFrames, org_id: str | None = None) -> View:
    """Every system (or one organisation's and its partners' that it exchanges data
    with), flows as arrows and backups dotted, the top attack paths as an overlay."""
    flows, backups, systems = fr.flows, fr.backups, fr.systems
    title = "Systems"
    if org_id is not None:
        own = set(systems.loc[systems["org_id"] == org_id, "system_id"])
        flows = flows[flows["source_system_id"].isin(own) | flows["target_system_id"].isin(own)]
        backups = backups[
            backups["source_system_id"].isin(own) | backups["target_system_id"].isin(own)
        ]
        keep = (
            own
            | set(flows["source_system_id"])
            | set(flows["target_system_id"])
            | set(backups["source_system_id"])
            | set(backups["target_system_id"])
        )
        systems = systems[systems["system_id"].isin(keep)]
        title = f"Systems of {org_name(fr, org_id)} and its partners"
    fi = Findings(fr.findings)
    pos, halos = place_systems(fr, systems, flows)
    view = View(
        "systems",
        title,
        system_nodes(fr, systems, pos, fi),
        flow_edges(fr, flows, fi) + backup_edges(backups),
        halos,
    )
    top = fr.paths.head(fr.top_paths)
    shown = set(systems["system_id"])
    view.overlay = path_edges(top, shown, asset_names(fr))
    view.path_nodes = path_systems(top, shown)
    return view


def asset_names(fr: MapFrames) -> pd.Series:
    """Asset id -> name."""
    return fr.assets.drop_duplicates("asset_id").set_index("asset_id")["name"]


def path_systems(paths: pd.DataFrame, shown: set[str]) -> list[str]:
    """Every system on the given attack paths (within ``shown``), entry points included,
    so a path that never leaves its first system is still marked."""
    out = dict.fromkeys(s for systems in paths["systems"] if set(systems) <= shown for s in systems)
    return list(out)


def org_name(fr: MapFrames, org_id: str) -> str:
    names = fr.orgs.set_index("org_id")["name"]
    return str(names.get(org_id, org_id))


def path_edges(paths: pd.DataFrame, shown: set[str], assets: pd.Series | None = None) -> list[dict]:
    """One edge per distinct step of the given attack paths (within ``shown`` systems);
    ``assets`` names the assets (asset id -> name)."""
    assets = assets if assets is not None else pd.Series(dtype=object)
    steps: dict[tuple[str, str], dict] = {}
    for r in paths.itertuples(index=False):
        if not set(r.systems) <= shown:
            continue
        for i in range(1, len(r.systems)):
            a, b = r.systems[i - 1], r.systems[i]
            e = steps.setdefault(
                (a, b),
                {
                    "id": f"path:{a}>{b}",
                    "from": a,
                    "to": b,
                    "arrows": "to",
                    "width": 5,
                    "color": {"color": PATH_COLOUR},
                    "smooth": {"type": "curvedCW", "roundness": 0.35},
                    "sev": "critical",
                    "weak": False,
                    "kind": "path",
                    "cats": [],
                    "fx": [],
                    "tip": [["Attack path step", r.moves[i] if i < len(r.moves) else ""]],
                },
            )
            e["tip"].append(
                [
                    "Towards",
                    f"{assets.get(r.asset_id, r.asset_id)} ({r.asset_id}): "
                    f"{fmt.pct(r.probability)} chance, risk {fmt.risk(r.risk)}",
                ]
            )
    return list(steps.values())
