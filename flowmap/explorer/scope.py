"""What the explorer shows for a selection: data in, data out, no widgets.

A :class:`Selection` is an organisation, an asset or a system (the most specific one
chosen wins). :class:`Scope` indexes an analysis once, so that each selection's findings,
most likely attack path, copies and blast radius are table look-ups, fast at a thousand
organisations. Every figure comes from the analysis itself (``flowmap analyse`` gives
the same); the blast-radius breakdown adds up to the analysis's ``blast_radius``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowmap.engine.analysis import finding_asset
from flowmap.engine.nodes import ATTACKER, id_of, is_kind
from flowmap.engine.nodes import node as node_of
from flowmap.engine.rules import assets, backups, flows, paths, systems
from flowmap.engine.settings import SEVERITIES

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Rule families, as the rule catalogue is laid out (one module per family).
FAMILIES: dict[str, str] = {
    "systems": "Systems (support, patching, exposure)",
    "paths": "Attack paths and exposed copies",
    "flows": "Data flows (lawful basis, agreements, transport)",
    "assets": "Information assets (owner, retention, review)",
    "backups": "Backups",
}
FAMILY_OF_RULE = {
    r.id: family
    for family, module in (
        ("systems", systems),
        ("paths", paths),
        ("flows", flows),
        ("assets", assets),
        ("backups", backups),
    )
    for r in module.RULES
}
FINDING_TABLE = [
    "Severity",
    "Score",
    "Finding",
    "Subject",
    "Organisation",
    "What was found",
    "What to do",
    "Problem",
    "Id",
]


@dataclass(frozen=True)
class Selection:
    """What is selected: an organisation, and within it perhaps an asset or a system."""

    org: str = ""
    asset: str = ""
    system: str = ""

    @property
    def kind(self) -> str:
        """``asset``, ``system``, ``org`` or ``none``."""
        if self.asset:
            return "asset"
        if self.system:
            return "system"
        return "org" if self.org else "none"


def _positions(values: pd.Series) -> dict[str, np.ndarray]:
    if not len(values):
        return {}
    return {k: np.asarray(v) for k, v in values.groupby(values, sort=False).indices.items()}


def _take(frame: pd.DataFrame, index: dict[str, np.ndarray], keys) -> pd.DataFrame:
    parts = [index[k] for k in keys if k in index]
    rows = np.unique(np.concatenate(parts)) if parts else np.array([], dtype=np.int64)
    return frame.iloc[rows]


class Scope:
    """An analysis indexed for the explorer's look-ups."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = a = analysis
        inv = a.inventory
        self.orgs = inv.organisations.reset_index(drop=True)
        self.org_names = dict(zip(self.orgs["org_id"], self.orgs["name"]))
        self.systems = a.systems.reset_index(drop=True)
        self.assets = a.assets.reset_index(drop=True)
        self.system_org = dict(zip(self.systems["system_id"], self.systems["org_id"]))
        self.system_names = dict(zip(self.systems["system_id"], self.systems["name"]))
        self.asset_org = dict(zip(self.assets["asset_id"], self.assets["org_id"]))
        self.asset_names = dict(zip(self.assets["asset_id"], self.assets["name"]))
        f = a.findings.reset_index(drop=True)
        self.findings = f.assign(
            family=f["rule"].map(FAMILY_OF_RULE).fillna("other"),
            asset_id=finding_asset(f, a.flows).to_numpy(),
        )
        self.findings_of_org = _positions(self.findings["org_id"])
        self.findings_of_subject = _positions(self.findings["subject_id"])
        self.findings_of_asset = _positions(self.findings["asset_id"])
        fl = a.flows.reset_index(drop=True)
        self.flows = fl
        self._flow_src = _positions(fl["source_system_id"])
        self._flow_dst = _positions(fl["target_system_id"])
        self.copies = a.copies.reset_index(drop=True)
        self.copies_of_asset = _positions(self.copies["asset_id"])
        self.copies_on_system = _positions(self.copies["system_id"])
        self.paths = a.attack_paths.set_index("asset_id", drop=False)
        self.through: dict[str, list[str]] = defaultdict(list)  # system -> assets via it
        for asset, path in zip(a.attack_paths["asset_id"], a.attack_paths["path"]):
            for sid in str(path).split(" > ") if path else ():
                self.through[sid].append(asset)
        self.systems_of_org = _positions(self.systems["system_id"].map(self.system_org))
        self.assets_of_org = _positions(self.assets["org_id"])
        risk = a.risk_by_asset()
        self.asset_risk = risk.set_index("asset_id")
        self.org_risk = risk.groupby("org_id")["total_risk"].sum().round(2)
        self.likelihood = dict(zip(self.systems["system_id"], self.systems["likelihood"]))
        self.impact = dict(zip(self.assets["asset_id"], self.assets["impact"]))

    # ------------------------------------------------------------------ choices

    def org_options(self) -> list[tuple[str, str]]:
        """(label, org_id) of every organisation, by name."""
        rows = sorted(zip(self.orgs["name"], self.orgs["org_id"]), key=lambda r: (r[0], r[1]))
        return [(f"{name} ({org})", org) for name, org in rows]

    def asset_options(self, org: str) -> list[tuple[str, str]]:
        """(label, asset_id) of an organisation's assets, riskiest first."""
        a = self.assets.iloc[self.assets_of_org.get(org, [])]
        r = self.asset_risk["total_risk"].reindex(a["asset_id"]).fillna(0.0).to_numpy()
        rows = sorted(zip(-r, a["asset_id"], a["name"]))
        return [(f"{name} ({aid})", aid) for _, aid, name in rows]

    def system_options(self, org: str) -> list[tuple[str, str]]:
        """(label, system_id) of an organisation's systems, most likely compromised first."""
        s = self.systems.iloc[self.systems_of_org.get(org, [])]
        rows = sorted(zip(-s["likelihood"].to_numpy(), s["system_id"], s["name"]))
        return [(f"{name} ({sid})", sid) for _, sid, name in rows]

    def default(self) -> Selection:
        """The organisation with the most risk (ties: the first by id), or nothing."""
        if not len(self.org_risk):
            return (
                Selection(org=str(self.orgs["org_id"].iloc[0])) if len(self.orgs) else Selection()
            )
        top = self.org_risk.sort_values(ascending=False, kind="stable")
        best = top[top == top.iloc[0]].index.min()
        return Selection(org=str(best))

    def org_of(self, node_id: str) -> str:
        """The organisation of a system or an organisation id ('' when unknown)."""
        if node_id in self.system_org:
            return str(self.system_org[node_id])
        return node_id if node_id in self.org_names else ""

    # ------------------------------------------------------------------ findings

    def findings_for(
        self,
        selection: Selection,
        *,
        severities: tuple[str, ...] = (),
        families: tuple[str, ...] = (),
        org: str = "",
    ) -> pd.DataFrame:
        """The findings about a selection, most severe first, filtered by severity, rule
        family and organisation (an empty filter keeps everything).

        An organisation's findings are those about its systems, flows and assets; an
        asset's are about the asset, the flows that carry it and the systems holding a
        copy; a system's are about the system and the flows it sends or receives.
        """
        f = self.findings
        if selection.kind == "asset":
            holders = self.copies.iloc[self.copies_of_asset.get(selection.asset, [])]
            keys = [selection.asset, *holders["system_id"]]
            rows = [self.findings_of_asset.get(selection.asset, [])] + [
                self.findings_of_subject.get(k, []) for k in keys
            ]
            f = f.iloc[np.unique(np.concatenate([np.asarray(r, dtype=np.int64) for r in rows]))]
            f = f[(f["subject_type"] != "asset") | (f["subject_id"] == selection.asset)]
        elif selection.kind == "system":
            s = selection.system
            flow_rows = np.union1d(self._flow_src.get(s, []), self._flow_dst.get(s, []))
            keys = [s, *self.flows["flow_id"].to_numpy()[flow_rows.astype(np.int64)]]
            f = _take(f, self.findings_of_subject, keys)
        elif selection.kind == "org":
            f = f.iloc[self.findings_of_org.get(selection.org, [])]
        if severities:
            f = f[f["severity"].isin(severities)]
        if families:
            f = f[f["family"].isin(families)]
        if org:
            f = f[f["org_id"] == org]
        f = f.sort_index()  # the analysis's order: most severe first
        return pd.DataFrame(
            {
                "Severity": [str(v).capitalize() for v in f["severity"]],
                "Score": f["score"].astype("float64").round(0).astype(int).to_numpy(),
                "Finding": f["title"].to_numpy(),
                "Subject": [f"{t} {i}" for t, i in zip(f["subject_type"], f["subject_id"])],
                "Organisation": [self.org_names.get(o, o) for o in f["org_id"]],
                "What was found": f["message"].to_numpy(),
                "What to do": f["remediation"].to_numpy(),
                "Problem": f["problem_id"].to_numpy(),
                "Id": f["finding_id"].to_numpy(),
            },
            columns=FINDING_TABLE,
        )

    def severity_counts(self, selection: Selection) -> tuple[dict[str, int], int]:
        """How many problems of each severity the selection has (most severe first), each
        problem once at its most severe finding (the findings one fix closes share a
        problem: :mod:`flowmap.engine.problems`), and how many findings in all."""
        f = self.findings_for(selection)
        rank = f["Severity"].astype(str).str.lower().map({s: i for i, s in enumerate(SEVERITIES)})
        worst = rank.groupby(f["Problem"].to_numpy()).min().value_counts()
        counts = {s: int(worst.get(i, 0)) for i, s in enumerate(SEVERITIES)}
        return {s: n for s, n in counts.items() if n}, len(f)

    # ------------------------------------------------------------------ paths, copies

    def focus_asset(self, selection: Selection) -> str:
        """The asset whose attack path a selection shows: the asset itself, the riskiest
        asset an organisation holds, or the riskiest asset held on a system (on a system
        holding none, the riskiest asset whose path runs through it)."""
        if selection.kind == "asset":
            return selection.asset
        if selection.kind == "system":
            held = self.copies.iloc[self.copies_on_system.get(selection.system, [])]["asset_id"]
            candidates = list(dict.fromkeys(held)) or self.through.get(selection.system, [])
        elif selection.kind == "org":
            candidates = list(
                self.assets.iloc[self.assets_of_org.get(selection.org, [])]["asset_id"]
            )
        else:
            return ""
        if not candidates:
            return ""
        r = self.asset_risk["total_risk"].reindex(candidates).fillna(0.0)
        return str(sorted(zip(-r.to_numpy(), candidates))[0][1])

    def path_steps(self, asset_id: str, systems: list[str] | None = None) -> pd.DataFrame:
        """The most likely attack path to an asset, one row per system, entry point first.

        ``systems`` gives the path (from the what-if evaluator); by default it is the
        analysis's, with how each step was made.
        """
        how: list[str] = []
        if systems is None:
            if asset_id not in self.paths.index:
                return _steps([], [], self)
            row = self.paths.loc[asset_id]
            steps = row["steps"] if isinstance(row["steps"], list) else []
            systems = [s["system_id"] for s in steps]
            how = [s["how"] for s in steps]
        return _steps(systems, how, self)

    def copies_of(self, selection: Selection) -> pd.DataFrame:
        """Where copies live: of the asset, of the organisation's assets, or on the system."""
        if selection.kind == "asset":
            c = self.copies.iloc[self.copies_of_asset.get(selection.asset, [])]
        elif selection.kind == "system":
            c = self.copies.iloc[self.copies_on_system.get(selection.system, [])]
        elif selection.kind == "org":
            own = self.assets.iloc[self.assets_of_org.get(selection.org, [])]["asset_id"]
            c = _take(self.copies, self.copies_of_asset, own)
        else:
            c = self.copies.iloc[:0]
        return pd.DataFrame(
            {
                "Asset": _named(c["asset_id"], self.asset_names),
                "Held on": _named(c["system_id"], self.system_names),
                "Organisation": [self.org_names.get(o, o) for o in c["org_id"]],
                "How it got there": [HOW.get(h, h) for h in c["how"]],
                "Via": [str(v) for v in c["via"]],
                "Support": [str(v) for v in c["eol_status"]],
                "Likelihood of compromise": c["likelihood"].astype("float64").round(3).to_numpy(),
                "Attack path probability": c["reach"].astype("float64").round(3).to_numpy(),
            }
        )

    # ------------------------------------------------------------------ blast radius

    def blast(self, system_id: str) -> pd.DataFrame:
        """What an attacker holding ``system_id`` reaches in one move: each asset, the
        system its best copy is on, how, the chance and the impact it adds. The
        ``Impact reached`` column adds up to the system's ``blast_radius``."""
        # no system chosen: nothing reached, and the networkx graph not built for it
        G = self.analysis.movement if system_id else None
        start = node_of("system", system_id)
        reach: dict[str, tuple[float, str]] = {}
        if G is not None and start in G:
            stack, seen = [(start, 0, "")], {start}
            while stack:
                u, depth, how = stack.pop()
                for v, edge in G.succ[u].items():
                    if is_kind(v, "system"):
                        sid = id_of(v)
                        if sid != system_id:
                            step = how or _move(edge)
                            p = float(self.likelihood.get(sid, 0.0))
                            if p > reach.get(sid, (-1.0, ""))[0]:
                                reach[sid] = (p, step)
                    elif v not in seen and v != ATTACKER and depth < 2:
                        seen.add(v)
                        stack.append((v, depth + 1, _hub_move(u, v, edge, how)))
        best: dict[str, tuple[float, str, str]] = {}
        for sid, (p, how) in reach.items():
            for asset in self.copies.iloc[self.copies_on_system.get(sid, [])]["asset_id"]:
                if p > best.get(asset, (-1.0, "", ""))[0]:
                    best[asset] = (p, sid, how)
        for asset in self.copies.iloc[self.copies_on_system.get(system_id, [])]["asset_id"]:
            best[asset] = (1.0, system_id, "held on the system itself")
        rows = [
            (
                f"{self.asset_names.get(a, '')} ({a})",
                f"{self.system_names.get(s, '')} ({s})",
                how,
                round(p, 4),
                float(self.impact.get(a, 0.0)),
                round(p * float(self.impact.get(a, 0.0)), 2),
            )
            for a, (p, s, how) in best.items()
        ]
        out = pd.DataFrame(
            rows, columns=["Asset", "Reached on", "How", "Chance", "Impact", "Impact reached"]
        )
        return out.sort_values(
            ["Impact reached", "Asset"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)

    def blast_radius(self, system_id: str) -> float:
        s = self.systems.loc[self.systems["system_id"] == system_id, "blast_radius"]
        return float(s.iloc[0]) if len(s) else 0.0

    def riskiest_systems(self, org: str, n: int = 15) -> pd.DataFrame:
        """An organisation's systems by blast radius, with their likelihood."""
        s = self.systems.iloc[self.systems_of_org.get(org, [])]
        s = s.sort_values(["blast_radius", "system_id"], ascending=[False, True]).head(n)
        return pd.DataFrame(
            {
                "System": _named(s["system_id"], self.system_names),
                "Kind": [str(v) for v in s["kind"]],
                "Zone": [str(v) for v in s["zone"]],
                "Likelihood of compromise": s["likelihood"].astype("float64").round(3).to_numpy(),
                "Blast radius": s["blast_radius"].astype("float64").round(1).to_numpy(),
            }
        )


HOW = {
    "register": "held here (asset register)",
    "flow_source": "sends it (not in the register)",
    "flow": "copied here by a flow",
    "backup": "copied here by a backup",
}


def _named(ids: pd.Series, names: dict[str, str]) -> list[str]:
    """``name (id)`` for each id."""
    return [f"{names.get(i, '')} ({i})" for i in ids]


def _move(edge: dict) -> str:
    if edge.get("how") == "flow":
        return f"flow {edge.get('flow_id', '')}".strip()
    return str(edge.get("how", ""))


def _hub_move(u: str, v: str, edge: dict, how: str) -> str:
    if is_kind(v, "supplier"):
        return f"supplier platform of {id_of(v)}"
    if is_kind(u, "zone_exit") and is_kind(v, "zone") and id_of(u) != id_of(v):
        return f"zone link from {id_of(u)} to {id_of(v)}"
    return how or f"same zone ({id_of(v)})"


def _steps(systems: list[str], how: list[str], scope: Scope) -> pd.DataFrame:
    rows = defaultdict(list)
    for i, sid in enumerate(systems):
        rows["Step"].append(i + 1)
        rows["System"].append(f"{scope.system_names.get(sid, '')} ({sid})")
        rows["Organisation"].append(
            scope.org_names.get(scope.system_org.get(sid, ""), scope.system_org.get(sid, ""))
        )
        rows["How"].append(how[i] if i < len(how) else ("entry point" if i == 0 else ""))
        rows["Likelihood of compromise"].append(round(float(scope.likelihood.get(sid, 0.0)), 3))
    columns = ["Step", "System", "Organisation", "How", "Likelihood of compromise"]
    return pd.DataFrame({c: rows[c] for c in columns}, columns=columns)
