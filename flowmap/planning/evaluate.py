"""Incremental counterfactual: the total risk left after applying actions, without re-analysing.

The truth is ``analyse(apply_actions(inventory, actions)).total_risk``
(:func:`full_risk`). :class:`Evaluator` reaches the same figure by recomputing only
what an action changes:

- a system action changes one system's likelihood, so only the weights of the edges
  into that system (and its entry edge) change in the movement graph;
- segmenting a zone and moving a flow onto an electronic transport change a few edges;
- the shortest-path distances are repaired, not recomputed: nodes whose tree path
  used an edge that got dearer (or was removed) are reset and re-reached from their
  unaffected in-neighbours, and an edge that got cheaper (or was added) propagates
  improvements, with one Dijkstra over the affected region only;
- only assets with a copy on a system whose distance changed are re-scored;
- flow and backup rules run on the changed flows and assets only, and their findings
  replace the old ones.

Examples
--------
>>> import datetime, flowmap
>>> from flowmap.planning.actions import candidate_actions
>>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
...                     as_of=datetime.date(2026, 11, 1))
>>> ev = Evaluator(a)
>>> ev.total == a.total_risk
True
>>> act = [c for c in candidate_actions(a) if c.action_id == "patch:RXA-CTX-01"][0]
>>> abs(ev.risk_after(act) - full_risk(a, [act])) < 1e-6
True
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import networkx as nx
import pandas as pd

from flowmap.engine.analysis import Analysis, analyse, finding_asset, finding_risk, flow_context
from flowmap.engine.movement import MIN_PROBABILITY
from flowmap.engine.nodes import id_of, is_kind
from flowmap.engine.nodes import node as node_of
from flowmap.engine.paths import ATTACKER
from flowmap.engine.rules import backups as backup_rules
from flowmap.engine.rules import flows as flow_rules
from flowmap.engine.rules.base import RuleContext
from flowmap.inventory.schema import ELECTRONIC_TRANSPORTS
from flowmap.planning.actions import (
    FLOW_ACTIONS,
    SECURE_TRANSPORT,
    SEGMENT_SUFFIX,
    SYSTEM_ACTIONS,
    Action,
    segment_members,
)
from flowmap.planning.apply import apply_actions, vault_id
from flowmap.planning.repair import INF, repair_distances
from flowmap.planning.rescore import OS_MATCH, rescore


def _cost(p: float) -> float:
    """Cost of entering a system with probability ``p``: ``-log(p)``."""
    return -math.log(max(p, MIN_PROBABILITY))


def full_risk(analysis: Analysis, actions: Iterable[Action]) -> float:
    """The slow, obviously correct counterfactual: re-analyse the changed inventory."""
    inv = apply_actions(
        analysis.inventory, list(actions), as_of=analysis.as_of, eol=analysis.reference.eol
    )
    return analyse(
        inv, as_of=analysis.as_of, reference=analysis.reference, settings=analysis.settings
    ).total_risk


class _Rows(NamedTuple):
    """Row positions in an inventory, for cutting out one system or flow quickly."""

    systems: pd.Index  # system_id, by row
    vulnerabilities: dict  # system_id -> row positions of its vulnerabilities
    os: dict[str, str]  # system_id -> OS text
    flows: dict[str, int]  # flow_id -> row position


@dataclass
class Effect:
    """What one action changes, relative to the evaluator's current state."""

    edges: dict[tuple[str, str], float | None] = field(default_factory=dict)
    likelihood: dict[str, tuple[float, float]] = field(default_factory=dict)
    copies: list[tuple[str, str]] = field(default_factory=list)
    governance: dict[str, float] = field(default_factory=dict)  # finding_id -> risk (new)
    removed_findings: set[str] = field(default_factory=set)
    touches: set[str] = field(default_factory=set)

    @property
    def governance_delta(self) -> float:
        return math.fsum(self.governance.values())


class Evaluator:
    """The total risk of an analysis, updated incrementally as actions are applied."""

    def __init__(self, analysis: Analysis) -> None:
        self.as_of, self.settings = analysis.as_of, analysis.settings
        self.eol = analysis.reference.eol
        self.inventory = analysis.inventory
        self.assets = analysis.assets
        self.os_match = analysis.systems.set_index("system_id")[list(OS_MATCH)]
        s = analysis.systems
        self.like = dict(zip(s["system_id"], s["likelihood"]))
        G = analysis.movement
        self.succ: dict[str, dict[str, float]] = {
            n: {v: d["weight"] for v, d in G.succ[n].items()} for n in G
        }
        self.pred: dict[str, dict[str, float]] = {
            n: {u: d["weight"] for u, d in G.pred[n].items()} for n in G
        }
        self.dist, paths = nx.single_source_dijkstra(G, ATTACKER, weight="weight")
        self.parent = {n: p[-2] for n, p in paths.items() if len(p) > 1}
        self.children: dict[str, set[str]] = defaultdict(set)
        for n, p in self.parent.items():
            self.children[p].add(n)
        self.asset_systems: dict[str, set[str]] = defaultdict(set)
        self.system_assets: dict[str, set[str]] = defaultdict(set)
        for a, sid in zip(analysis.copies["asset_id"], analysis.copies["system_id"]):
            self.asset_systems[a].add(sid)
            self.system_assets[sid].add(a)
        self.impact = dict(zip(analysis.assets["asset_id"], analysis.assets["impact"]))
        # each asset's nearest copy: (distance, system); risk follows from the distance
        self.best = {a: self._best_copy(a, self.dist.get) for a in self.impact}
        self.asset_risk = {a: self._risk_of(a, self.best[a][0]) for a in self.impact}
        risk = finding_risk(analysis.findings, analysis.flows, analysis.assets, self.settings)
        self.gov = {f: r for f, r in zip(analysis.findings["finding_id"], risk) if r != 0}
        self.cyber_sum = math.fsum(self.asset_risk.values())
        self.gov_sum = math.fsum(self.gov.values())
        #: the asset each governance finding concerns (findings that actions add: _asset_of)
        self.finding_assets = dict(
            zip(analysis.findings["finding_id"], finding_asset(analysis.findings, analysis.flows))
        )
        self._cache: dict[str, Effect] = {}
        self._rows: _Rows | None = None  # where things are in self.inventory (see _index)
        self._flow_asset: dict[str, str] | None = None  # flow_id -> asset_id

    # ------------------------------------------------------------------ totals

    @property
    def total(self) -> float:
        """Current total risk, rounded as :attr:`Analysis.total_risk` rounds it."""
        return round(round(self.cyber_sum, 2) + round(self.gov_sum, 2), 2)

    def risk_after(self, action: Action) -> float:
        """Total risk if ``action`` were applied now (the state is not changed)."""
        effect = self.effect(action)
        dist = self._repair(effect.edges)
        cyber = self.cyber_sum + self._cyber_delta(dist, effect.copies)[0]
        gov = (
            self.gov_sum
            + effect.governance_delta
            - math.fsum(self.gov.get(f, 0.0) for f in effect.removed_findings)
        )
        return round(round(cyber, 2) + round(gov, 2), 2)

    def gain(self, action: Action) -> float:
        """Risk removed by ``action`` now (negative when it adds risk)."""
        return round(self.total - self.risk_after(action), 2)

    def gains(self, actions: Iterable[Action]) -> dict[str, float]:
        """:meth:`gain` of each action, by ``action_id`` (see :meth:`prepare`)."""
        actions = list(actions)
        self.prepare(actions)
        return {a.action_id: self.gain(a) for a in actions}

    def copy(self) -> Evaluator:
        """An independent evaluator in the same state, much faster than a new one.

        What :meth:`commit` changes is copied; the analysis's tables, which nothing
        changes, are shared. Try actions on a copy and keep the original to go back to.
        """
        other = copy.copy(self)
        other.succ = {n: dict(d) for n, d in self.succ.items()}
        other.pred = {n: dict(d) for n, d in self.pred.items()}
        other.dist, other.parent = dict(self.dist), dict(self.parent)
        other.children = defaultdict(set, {n: set(c) for n, c in self.children.items()})
        other.asset_systems = defaultdict(set, {a: set(s) for a, s in self.asset_systems.items()})
        other.system_assets = defaultdict(set, {s: set(a) for s, a in self.system_assets.items()})
        other.best, other.asset_risk = dict(self.best), dict(self.asset_risk)
        other.gov, other.like = dict(self.gov), dict(self.like)
        other.finding_assets = dict(self.finding_assets)
        other.os_match = self.os_match.copy()
        other._cache = dict(self._cache)  # effects are never changed once made
        return other

    def risk_by_asset(self) -> pd.DataFrame:
        """Each asset's cyber, governance and total risk now, largest first.

        The table :meth:`flowmap.Analysis.risk_by_asset` gives for the inventory with the
        committed actions applied, without re-analysing it (a governance sum that lands on
        half a hundredth may round the other way, as the findings are added in another
        order).
        """
        governance = (
            pd.Series(list(self.gov.values()), dtype="float64")
            .groupby([self._asset_of(f) for f in self.gov], sort=False)
            .sum()
        )
        a = self.assets
        out = a[["asset_id", "name", "org_id", "impact"]].copy()
        out["cyber_risk"] = a["asset_id"].map(self.asset_risk).fillna(0.0).to_numpy()
        out["governance_risk"] = out["asset_id"].map(governance).fillna(0.0).round(2)
        out["total_risk"] = (out["cyber_risk"] + out["governance_risk"]).round(2)
        return out.sort_values(
            ["total_risk", "asset_id"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)

    def attack_path(self, asset_id: str) -> tuple[list[str], float]:
        """The most likely attack path to ``asset_id`` now and its probability.

        The systems on the path, entry point first and the copy's system last
        (``([], 0.0)`` when no copy can be reached). As in
        :attr:`flowmap.Analysis.attack_paths`, a tie between copies goes to the system
        whose id sorts first; where two routes to that copy are equally likely, either
        may be shown.
        """
        best, where = INF, None
        for sid in sorted(self.asset_systems.get(asset_id, ())):
            d = self.dist.get(node_of("system", sid), INF)
            if math.exp(-d) > math.exp(-best):
                best, where = d, sid
        if where is None:
            return [], 0.0
        systems, n = [], node_of("system", where)
        while n != ATTACKER:
            if is_kind(n, "system"):
                systems.append(id_of(n))
            n = self.parent[n]
        return systems[::-1], round(math.exp(-best), 4)

    def _asset_of(self, finding_id: str) -> str:
        """The asset a governance finding concerns ('' for none)."""
        asset = self.finding_assets.get(finding_id)
        if asset is None:  # a finding an action added: its subject is a flow or an asset
            rule, _, subject = finding_id.partition(":")
            flows = self._flow_assets()
            asset = flows.get(subject, "") if rule in FLOW_RULE_IDS else subject
            self.finding_assets[finding_id] = asset
        return asset

    def _flow_assets(self) -> dict[str, str]:
        if self._flow_asset is None:
            f = self.inventory.flows
            self._flow_asset = dict(zip(f["flow_id"], f["asset_id"]))
        return self._flow_asset

    def commit(self, action: Action) -> None:
        """Apply ``action`` to the state, so later gains are measured after it."""
        effect = self.effect(action)
        dist = self._repair(effect.edges, parents := {})
        delta, risks, best = self._cyber_delta(dist, effect.copies)
        for (u, v), w in effect.edges.items():
            if w is None:
                self.succ.get(u, {}).pop(v, None)
                self.pred.get(v, {}).pop(u, None)
            else:
                self.succ.setdefault(u, {})[v] = w
                self.pred.setdefault(v, {})[u] = w
        for n, d in dist.items():
            old = self.parent.pop(n, None)
            if old is not None:
                self.children[old].discard(n)
            if d == INF:
                self.dist.pop(n, None)
            else:
                self.dist[n] = d
                self.parent[n] = parents[n]
                self.children[parents[n]].add(n)
        for a, sid in effect.copies:
            self.asset_systems[a].add(sid)
            self.system_assets[sid].add(a)
        self.asset_risk.update(risks)
        self.best.update(best)
        self.cyber_sum += delta
        for f in effect.removed_findings:
            self.gov_sum -= self.gov.pop(f, 0.0)
        for f, r in effect.governance.items():
            self.gov[f] = r
            self.gov_sum += r
        self.like.update({s: lk for s, (lk, _) in effect.likelihood.items()})
        self.inventory = apply_actions(self.inventory, [action], as_of=self.as_of, eol=self.eol)
        self._rows = None
        if action.kind == "upgrade_os":
            rows = self.inventory.systems[self.inventory.systems["system_id"] == action.subject_id]
            match = self.eol.match_many(rows["os"]).set_axis(rows["system_id"])
            self.os_match.loc[action.subject_id, list(OS_MATCH)] = match.loc[
                action.subject_id, list(OS_MATCH)
            ].to_numpy()
        self._cache = {k: e for k, e in self._cache.items() if not (e.touches & effect.touches)}

    # ------------------------------------------------------------------ effects

    def effect(self, action: Action) -> Effect:
        """What ``action`` changes in the current state (cached until a commit touches it)."""
        if action.action_id not in self._cache:
            if action.kind in SYSTEM_ACTIONS or action.kind in FLOW_ACTIONS:
                self.prepare([action])
            else:
                self._cache[action.action_id] = self._effect(action)
        return self._cache[action.action_id]

    def prepare(self, actions: Iterable[Action]) -> None:
        """Work out the effects of many actions at once, ahead of :meth:`gain`.

        The systems that system actions change are re-scored in one batch
        (:func:`flowmap.planning.rescore.rescore`), and the flow rules run once over
        the flows that flow actions change: far faster than one by one, and the same
        figures, as every score and rule is worked out row by row.
        """
        todo = list({a.action_id: a for a in actions if a.action_id not in self._cache}.values())
        self._prepare_flows([a for a in todo if a.kind in FLOW_ACTIONS])
        todo = [a for a in todo if a.kind in SYSTEM_ACTIONS]
        if not todo:
            return
        changed = [
            (
                a.subject_id,
                apply_actions(self._mini(a.subject_id), [a], as_of=self.as_of, eol=self.eol),
            )
            for a in todo
        ]
        scores = rescore(
            changed,
            os_match=self.os_match,
            current_os=self._index().os,
            as_of=self.as_of,
            settings=self.settings,
            eol=self.eol,
        )
        for a, (like, entry) in zip(todo, scores):
            e = Effect(touches={node_of("system", a.subject_id)})
            self._system_effect(e, a.subject_id, like, entry)
            self._cache[a.action_id] = e

    def _effect(self, action: Action) -> Effect:
        e = Effect()
        inv = self.inventory
        if action.kind == "segment_zone":
            moved = inv.systems.loc[
                segment_members(inv.systems, action.subject_id, self.settings.phishing_kinds),
                "system_id",
            ]
            zone, new = (
                node_of("zone", action.subject_id),
                node_of("zone", action.subject_id + SEGMENT_SUFFIX),
            )
            for sid in moved:
                node = node_of("system", sid)
                e.edges[(node, zone)] = None
                e.edges[(zone, node)] = None
                e.edges[(node, new)] = 0.0
                e.edges[(new, node)] = _cost(self.like[sid])
            e.touches = {node_of("system", s) for s in moved} | {zone}
            after = apply_actions(inv, [action], as_of=self.as_of, eol=self.eol)
            self._backup_governance(e, after, self._assets_near(set(moved)))
        else:  # backups
            b = inv.backups
            if action.kind == "test_restore":
                source = b.loc[b["backup_id"] == action.subject_id, "source_system_id"].iloc[0]
            else:
                source = action.subject_id
                self._vault_effect(e, action)
            after = apply_actions(inv, [action], as_of=self.as_of, eol=self.eol)
            held = self._assets_held({source})
            e.touches |= {node_of("asset", a) for a in held} | {f"backup-source:{source}"}
            self._backup_governance(e, after, held)
        return e

    def _prepare_flows(self, todo: list[Action]) -> None:
        by_kind: dict[str, list[Action]] = defaultdict(list)
        for a in todo:  # one batch per kind, so each flow appears once in a batch
            by_kind[a.kind].append(a)
        inv = self.inventory
        for kind, acts in by_kind.items():
            f = inv.flows.iloc[[self._index().flows[a.subject_id] for a in acts]]
            after = apply_actions(inv.with_tables(flows=f), acts, as_of=self.as_of, eol=self.eol)
            flows = flow_context(after, self.assets)
            found = _run(flow_rules.RULES, self._context(after, flows, self.assets))
            risk = (
                finding_risk(found, flows, self.assets, self.settings)
                if len(found)
                else pd.Series(dtype="float64")
            )
            new_findings: dict[str, dict[str, float]] = defaultdict(dict)
            for fid, finding, r in zip(found["subject_id"], found["finding_id"], risk):
                if r != 0:
                    new_findings[fid][finding] = r
            new_transport = dict(zip(after.flows["flow_id"], after.flows["transport"]))
            for a, old, u, v in zip(
                acts, f["transport"], f["source_system_id"], f["target_system_id"]
            ):
                e = Effect(touches={f"flow:{a.subject_id}"})
                new = new_transport[a.subject_id]
                if (
                    kind == "secure_transport"
                    and old in SECURE_TRANSPORT
                    and not _electronic(old)
                    and _electronic(new)
                    and u != v
                    and node_of("system", v) not in self.succ.get(node_of("system", u), {})
                ):
                    e.edges[(node_of("system", u), node_of("system", v))] = _cost(self.like[v])
                    e.touches |= {node_of("system", u), node_of("system", v)}
                ids = (f"{r.id}:{a.subject_id}" for r in flow_rules.RULES)
                e.removed_findings |= {i for i in ids if i in self.gov}
                e.governance.update(new_findings.get(a.subject_id, {}))
                self._cache[a.action_id] = e

    def _index(self) -> _Rows:
        """Where things are in the current inventory (rebuilt after a commit)."""
        if self._rows is None:
            s, v = self.inventory.systems, self.inventory.vulnerabilities
            flows = self.inventory.flows["flow_id"]
            self._rows = _Rows(
                systems=pd.Index(s["system_id"]),
                vulnerabilities=(v.groupby("system_id", sort=False).indices if len(v) else {}),
                os=dict(zip(s["system_id"], s["os"])),
                flows=dict(zip(flows, range(len(flows)))),
            )
        return self._rows

    def _mini(self, sid: str):
        """The inventory cut down to one system and its vulnerabilities."""
        inv = self.inventory
        rows = self._index()
        return inv.with_tables(
            systems=inv.systems.iloc[[rows.systems.get_loc(sid)]],
            vulnerabilities=inv.vulnerabilities.iloc[rows.vulnerabilities.get(sid, [])],
        )

    def _system_effect(self, e: Effect, sid: str, like: float, entry: float) -> None:
        e.likelihood[sid] = (like, entry)
        node = node_of("system", sid)
        for u, w in self.pred.get(node, {}).items():
            new = (_cost(entry) if entry > 0 else None) if u == ATTACKER else _cost(like)
            if new != w:
                e.edges[(u, node)] = new
        if ATTACKER not in self.pred.get(node, {}) and entry > 0:
            e.edges[(ATTACKER, node)] = _cost(entry)

    def _vault_effect(self, e: Effect, action: Action) -> None:
        s = self.inventory.systems
        org = s.loc[s["system_id"] == action.subject_id, "org_id"].iloc[0]
        vault = vault_id(org)
        if node_of("system", vault) not in self.pred:
            after = apply_actions(
                self._mini(action.subject_id).with_tables(backups=self.inventory.backups.iloc[:0]),
                [action],
                as_of=self.as_of,
                eol=self.eol,
            )
            after = after.with_tables(
                systems=after.systems[after.systems["system_id"] == vault],
                vulnerabilities=after.vulnerabilities[after.vulnerabilities["system_id"] == vault],
            )
            [(like, _)] = rescore(
                [(vault, after)],
                os_match=self.os_match,
                current_os=self._index().os,
                as_of=self.as_of,
                settings=self.settings,
                eol=self.eol,
            )
            node, zone = node_of("system", vault), node_of("zone", f"{org}:vault")
            e.edges[(node, zone)] = 0.0
            e.edges[(zone, node)] = _cost(like)
            e.likelihood[vault] = (like, 0.0)
            if (s["supplier_org_id"] == org).any():
                e.edges[(node, node_of("supplier", org))] = 0.0
        e.copies = [(a, vault) for a in sorted(self.system_assets.get(action.subject_id, ()))]
        e.touches |= {node_of("system", vault)}

    def _assets_held(self, systems: set[str]) -> set[str]:
        a = self.inventory.assets
        return set(
            a.loc[a["system_id"].map(lambda ids: bool(systems.intersection(ids))), "asset_id"]
        )

    def _assets_near(self, moved: set[str]) -> set[str]:
        b = self.inventory.backups
        touched = b[b["source_system_id"].isin(moved) | b["target_system_id"].isin(moved)]
        return self._assets_held(moved | set(touched["source_system_id"]))

    # ------------------------------------------------------------------ governance

    def _replace(
        self, e: Effect, found: pd.DataFrame, flows: pd.DataFrame, ids: Iterable[str]
    ) -> None:
        e.removed_findings |= {f for f in ids if f in self.gov}
        if len(found):
            risk = finding_risk(found, flows, self.assets, self.settings)
            e.governance.update({f: r for f, r in zip(found["finding_id"], risk) if r != 0})

    def _context(self, inv, flows: pd.DataFrame, assets: pd.DataFrame) -> RuleContext:
        return RuleContext(
            inventory=inv,
            as_of=self.as_of,
            settings=self.settings,
            systems=inv.systems,
            assets=assets,
            copies=pd.DataFrame(),
            paths=pd.DataFrame(),
            flows=flows,
        )

    def _backup_governance(self, e: Effect, after, assets: set[str]) -> None:
        if not assets:
            return
        sub = self.assets[self.assets["asset_id"].isin(assets)]
        ctx = self._context(after, after.flows.iloc[:0], sub)
        found = _run(backup_rules.RULES, ctx)
        self._replace(
            e, found, after.flows, (f"{r.id}:{a}" for r in backup_rules.RULES for a in assets)
        )
        e.touches |= {node_of("asset", a) for a in assets}

    # ------------------------------------------------------------------ paths

    def _repair(
        self, edits: dict[tuple[str, str], float | None], parents: dict[str, str] | None = None
    ) -> dict[str, float]:
        """New distances of the nodes an edge change moves (others are unchanged)."""
        return repair_distances(
            self.succ, self.pred, self.dist, self.parent, self.children, edits, parents
        )

    def _best_copy(self, asset: str, dist, extra: Iterable[str] = ()) -> tuple[float, str | None]:
        """The distance to the asset's nearest copy, and that copy's system (None when no
        copy is reachable); ``dist`` gives a node's distance or None."""
        best, where = INF, None
        for sid in (*self.asset_systems.get(asset, ()), *extra):
            d = dist(node_of("system", sid))
            if d is not None and d < best:
                best, where = d, sid
        return best, where

    def _risk_of(self, asset: str, distance: float) -> float:
        """Probability of the most likely path to the asset (exp(-distance)) x impact."""
        p = math.exp(-distance) if distance < INF else 0.0
        return round(round(p, 4) * float(self.impact.get(asset, 0.0)), 2)

    def _cyber_delta(
        self, dist: dict[str, float], copies: list[tuple[str, str]]
    ) -> tuple[float, dict[str, float], dict[str, tuple[float, str | None]]]:
        """Change in cyber risk when the distances in ``dist`` change and ``copies`` are
        added, with the new risk and nearest copy of every asset that moved.

        An asset is re-scanned in full only when its nearest copy is one that moved;
        otherwise its nearest copy is the better of the old one and the moved ones.
        """
        moved: dict[str, list[str]] = defaultdict(list)
        for n in dist:
            if is_kind(n, "system"):
                for a in self.system_assets.get(id_of(n), ()):
                    moved[a].append(id_of(n))
        added: dict[str, list[str]] = defaultdict(list)
        for a, sid in copies:
            added[a].append(sid)

        def lookup(n: str) -> float | None:
            return dist[n] if n in dist else self.dist.get(n)

        risks, best = {}, {}
        for a in {**moved, **added}:
            if a not in self.impact:
                continue
            d, where = self.best[a]
            if where is not None and node_of("system", where) in dist:
                d, where = self._best_copy(a, lookup, added.get(a, ()))
            else:
                for sid in (*moved.get(a, ()), *added.get(a, ())):
                    nd = lookup(node_of("system", sid))
                    if nd is not None and nd < d:
                        d, where = nd, sid
            best[a] = (d, where)
            risks[a] = self._risk_of(a, d)
        return math.fsum(r - self.asset_risk[a] for a, r in risks.items()), risks, best


FLOW_RULE_IDS = frozenset(r.id for r in flow_rules.RULES)


def _electronic(transport: str) -> bool:
    return transport in ELECTRONIC_TRANSPORTS or transport == ""


def _run(rules, ctx: RuleContext) -> pd.DataFrame:
    parts = [r.run(ctx) for r in rules]
    parts = [p for p in parts if len(p)]
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["finding_id", "rule", "subject_type", "subject_id", "score"])
    )
