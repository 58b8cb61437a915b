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

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import networkx as nx
import pandas as pd

from flowmap.analysis import Analysis, analyse, finding_risk, flow_context
from flowmap.likelihood import entry_likelihood, system_likelihood
from flowmap.paths import ATTACKER
from flowmap.planning.actions import (
    FLOW_ACTIONS, SECURE_TRANSPORT, SEGMENT_SUFFIX, SYSTEM_ACTIONS, Action, apply_actions,
    segment_members, vault_id,
)
from flowmap.reference.eol import EolTable
from flowmap.rules import backups as backup_rules
from flowmap.rules import flows as flow_rules
from flowmap.rules.base import RuleContext
from flowmap.schema import ELECTRONIC_TRANSPORTS

OS_MATCH = ("os_product", "os_cycle", "os_label", "support_end", "extended_end", "eol_source",
            "os_recognised", "os_match_reason")
INF = math.inf
MIN_PROBABILITY = 1e-9  # as flowmap.movement: a probability of 0 costs -log(1e-9)


def _cost(p: float) -> float:
    """Cost of entering a system with probability ``p``: ``-log(p)``."""
    return -math.log(max(p, MIN_PROBABILITY))


@lru_cache(maxsize=1)
def _bundled() -> EolTable:
    return EolTable.bundled()


def full_risk(analysis: Analysis, actions: Iterable[Action]) -> float:
    """The slow, obviously correct counterfactual: re-analyse the changed inventory."""
    inv = apply_actions(analysis.inventory, list(actions), as_of=analysis.as_of)
    return analyse(inv, as_of=analysis.as_of, settings=analysis.settings).total_risk


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
        self.inventory = analysis.inventory
        self.assets = analysis.assets
        self.os_match = analysis.systems.set_index("system_id")[list(OS_MATCH)]
        s = analysis.systems
        self.like = dict(zip(s["system_id"], s["likelihood"]))
        G = analysis.movement
        self.succ: dict[str, dict[str, float]] = {n: {v: d["weight"] for v, d in G.succ[n].items()}
                                                 for n in G}
        self.pred: dict[str, dict[str, float]] = {n: {u: d["weight"] for u, d in G.pred[n].items()}
                                                 for n in G}
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
        self.asset_risk = {a: self._asset_risk(a, self.dist) for a in self.impact}
        risk = finding_risk(analysis.findings, analysis.flows, analysis.assets, self.settings)
        self.gov = {f: r for f, r in zip(analysis.findings["finding_id"], risk) if r != 0}
        self.cyber_sum = math.fsum(self.asset_risk.values())
        self.gov_sum = math.fsum(self.gov.values())
        self._cache: dict[str, Effect] = {}

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
        gov = self.gov_sum + effect.governance_delta - math.fsum(
            self.gov.get(f, 0.0) for f in effect.removed_findings)
        return round(round(cyber, 2) + round(gov, 2), 2)

    def gain(self, action: Action) -> float:
        """Risk removed by ``action`` now (negative when it adds risk)."""
        return round(self.total - self.risk_after(action), 2)

    def commit(self, action: Action) -> None:
        """Apply ``action`` to the state, so later gains are measured after it."""
        effect = self.effect(action)
        dist = self._repair(effect.edges, parents := {})
        delta, risks = self._cyber_delta(dist, effect.copies)
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
        self.cyber_sum += delta
        for f in effect.removed_findings:
            self.gov_sum -= self.gov.pop(f, 0.0)
        for f, r in effect.governance.items():
            self.gov[f] = r
            self.gov_sum += r
        self.like.update({s: lk for s, (lk, _) in effect.likelihood.items()})
        self.inventory = apply_actions(self.inventory, [action], as_of=self.as_of)
        if action.kind == "upgrade_os":
            rows = self.inventory.systems[self.inventory.systems["system_id"] == action.subject_id]
            match = _bundled().match_many(rows["os"]).set_axis(rows["system_id"])
            self.os_match.loc[action.subject_id, list(OS_MATCH)] = match.loc[
                action.subject_id, list(OS_MATCH)].to_numpy()
        self._cache = {k: e for k, e in self._cache.items() if not (e.touches & effect.touches)}

    # ------------------------------------------------------------------ effects

    def effect(self, action: Action) -> Effect:
        """What ``action`` changes in the current state (cached until a commit touches it)."""
        if action.action_id not in self._cache:
            self._cache[action.action_id] = self._effect(action)
        return self._cache[action.action_id]

    def _effect(self, action: Action) -> Effect:
        e = Effect()
        inv = self.inventory
        if action.kind in SYSTEM_ACTIONS:
            sid = action.subject_id
            e.touches = {f"system:{sid}"}
            self._system_effect(e, apply_actions(self._mini(sid), [action], as_of=self.as_of),
                                sid)
        elif action.kind == "segment_zone":
            moved = inv.systems.loc[segment_members(inv.systems, action.subject_id,
                                                    self.settings.phishing_kinds), "system_id"]
            zone, new = f"zone:{action.subject_id}", f"zone:{action.subject_id}{SEGMENT_SUFFIX}"
            for sid in moved:
                node = f"system:{sid}"
                e.edges[(node, zone)] = None
                e.edges[(zone, node)] = None
                e.edges[(node, new)] = 0.0
                e.edges[(new, node)] = _cost(self.like[sid])
            e.touches = {f"system:{s}" for s in moved} | {zone}
            after = apply_actions(inv, [action], as_of=self.as_of)
            self._backup_governance(e, after, self._assets_near(set(moved)))
        elif action.kind in FLOW_ACTIONS:
            f = inv.flows[inv.flows["flow_id"] == action.subject_id]
            after = apply_actions(inv.with_tables(flows=f), [action], as_of=self.as_of)
            e.touches = {f"flow:{action.subject_id}"}
            old, new = f["transport"].iloc[0], after.flows["transport"].iloc[0]
            u, v = f["source_system_id"].iloc[0], f["target_system_id"].iloc[0]
            if (action.kind == "secure_transport" and old in SECURE_TRANSPORT
                    and not _electronic(old) and _electronic(new) and u != v
                    and f"system:{v}" not in self.succ.get(f"system:{u}", {})):
                e.edges[(f"system:{u}", f"system:{v}")] = _cost(self.like[v])
                e.touches |= {f"system:{u}", f"system:{v}"}
            self._flow_governance(e, after)
        else:  # backups
            b = inv.backups
            if action.kind == "test_restore":
                source = b.loc[b["backup_id"] == action.subject_id, "source_system_id"].iloc[0]
            else:
                source = action.subject_id
                self._vault_effect(e, action)
            after = apply_actions(inv, [action], as_of=self.as_of)
            held = self._assets_held({source})
            e.touches |= {f"asset:{a}" for a in held} | {f"backup-source:{source}"}
            self._backup_governance(e, after, held)
        return e

    def _mini(self, sid: str):
        inv = self.inventory
        return inv.with_tables(systems=inv.systems[inv.systems["system_id"] == sid],
                               vulnerabilities=inv.vulnerabilities[
                                   inv.vulnerabilities["system_id"] == sid])

    def _likelihood(self, inv, sid: str) -> tuple[float, float]:
        systems = inv.systems[inv.systems["system_id"] == sid]
        if sid in self.os_match.index and systems["os"].iloc[0] == self._os(sid):
            match = self.os_match.loc[[sid]].set_axis(systems.index)
        else:
            match = _bundled().match_many(systems["os"]).set_axis(systems.index)
        vulns = inv.vulnerabilities[inv.vulnerabilities["system_id"] == sid]
        scored = system_likelihood(systems, vulns, match, as_of=self.as_of, settings=self.settings)
        entry = entry_likelihood(systems, scored["likelihood"], self.settings).round(4)
        return float(scored["likelihood"].iloc[0]), float(entry.iloc[0])

    def _os(self, sid: str) -> str:
        s = self.inventory.systems
        return s.loc[s["system_id"] == sid, "os"].iloc[0]

    def _system_effect(self, e: Effect, after, sid: str) -> None:
        like, entry = self._likelihood(after, sid)
        e.likelihood[sid] = (like, entry)
        node = f"system:{sid}"
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
        if f"system:{vault}" not in self.pred:
            after = apply_actions(self._mini(action.subject_id).with_tables(
                backups=self.inventory.backups.iloc[:0]), [action], as_of=self.as_of)
            like, _ = self._likelihood(after, vault)
            node, zone = f"system:{vault}", f"zone:{org}:vault"
            e.edges[(node, zone)] = 0.0
            e.edges[(zone, node)] = _cost(like)
            e.likelihood[vault] = (like, 0.0)
            if (s["supplier_org_id"] == org).any():
                e.edges[(node, f"supplier:{org}")] = 0.0
        e.copies = [(a, vault) for a in sorted(self.system_assets.get(action.subject_id, ()))]
        e.touches |= {f"system:{vault}"}

    def _assets_held(self, systems: set[str]) -> set[str]:
        a = self.inventory.assets
        return set(a.loc[a["system_id"].map(lambda ids: bool(systems.intersection(ids))),
                         "asset_id"])

    def _assets_near(self, moved: set[str]) -> set[str]:
        b = self.inventory.backups
        touched = b[b["source_system_id"].isin(moved) | b["target_system_id"].isin(moved)]
        return self._assets_held(moved | set(touched["source_system_id"]))

    # ------------------------------------------------------------------ governance

    def _replace(self, e: Effect, found: pd.DataFrame, flows: pd.DataFrame,
                 ids: Iterable[str]) -> None:
        e.removed_findings |= {f for f in ids if f in self.gov}
        if len(found):
            risk = finding_risk(found, flows, self.assets, self.settings)
            e.governance.update({f: r for f, r in zip(found["finding_id"], risk) if r != 0})

    def _context(self, inv, flows: pd.DataFrame, assets: pd.DataFrame) -> RuleContext:
        return RuleContext(inventory=inv, as_of=self.as_of, settings=self.settings,
                           systems=inv.systems, assets=assets, copies=pd.DataFrame(),
                           paths=pd.DataFrame(), flows=flows)

    def _flow_governance(self, e: Effect, after) -> None:
        flows = flow_context(after, self.assets)
        ctx = self._context(after, flows, self.assets)
        found = _run(flow_rules.RULES, ctx)
        fid = after.flows["flow_id"].iloc[0]
        self._replace(e, found, flows, (f"{r.id}:{fid}" for r in flow_rules.RULES))

    def _backup_governance(self, e: Effect, after, assets: set[str]) -> None:
        if not assets:
            return
        sub = self.assets[self.assets["asset_id"].isin(assets)]
        ctx = self._context(after, after.flows.iloc[:0], sub)
        found = _run(backup_rules.RULES, ctx)
        self._replace(e, found, after.flows, (f"{r.id}:{a}" for r in backup_rules.RULES
                                              for a in assets))
        e.touches |= {f"asset:{a}" for a in assets}

    # ------------------------------------------------------------------ paths

    def _repair(self, edits: dict[tuple[str, str], float | None],
                parents: dict[str, str] | None = None) -> dict[str, float]:
        """New distances of the nodes an edge change moves (others are unchanged)."""
        if not edits:
            return {}
        parents = {} if parents is None else parents
        out_extra: dict[str, dict[str, float | None]] = defaultdict(dict)
        in_extra: dict[str, dict[str, float | None]] = defaultdict(dict)
        for (u, v), w in edits.items():
            out_extra[u][v] = w
            in_extra[v][u] = w

        def edges(table, extra, n):
            merged = dict(table.get(n, {}))
            merged.update(extra.get(n, {}))
            return [(m, w) for m, w in merged.items() if w is not None]

        affected: set[str] = set()
        for (u, v), w in edits.items():
            old = self.succ.get(u, {}).get(v)
            if old is not None and (w is None or w > old) and self.parent.get(v) == u:
                stack = [v]
                while stack:
                    n = stack.pop()
                    if n not in affected:
                        affected.add(n)
                        stack.extend(self.children.get(n, ()))
        new: dict[str, float] = {n: INF for n in affected}

        def current(n: str) -> float:
            return new[n] if n in new else self.dist.get(n, INF)

        heap: list[tuple[float, str]] = []
        for n in affected:
            for u, w in edges(self.pred, in_extra, n):
                d = current(u)
                if u not in affected and d + w < new[n]:
                    new[n], parents[n] = d + w, u
            if new[n] < INF:
                heapq.heappush(heap, (new[n], n))
        for (u, v), w in edits.items():
            if w is not None and u not in affected and current(u) + w < current(v):
                new[v], parents[v] = current(u) + w, u
                heapq.heappush(heap, (new[v], v))
        while heap:
            d, n = heapq.heappop(heap)
            if d > current(n):
                continue
            for m, w in edges(self.succ, out_extra, n):
                if d + w < current(m):
                    new[m], parents[m] = d + w, n
                    heapq.heappush(heap, (d + w, m))
        return {n: d for n, d in new.items() if d != self.dist.get(n, INF)}

    def _asset_risk(self, asset: str, dist, extra: Iterable[str] = ()) -> float:
        best = 0.0
        for sid in (*self.asset_systems.get(asset, ()), *extra):
            d = dist(f"system:{sid}") if callable(dist) else dist.get(f"system:{sid}")
            if d is not None and d < INF:
                best = max(best, math.exp(-d))
        return round(round(best, 4) * float(self.impact.get(asset, 0.0)), 2)

    def _cyber_delta(self, dist: dict[str, float],
                     copies: list[tuple[str, str]]) -> tuple[float, dict[str, float]]:
        assets: dict[str, list[str]] = defaultdict(list)
        for n in dist:
            if n.startswith("system:"):
                for a in self.system_assets.get(n[7:], ()):
                    assets[a]
        for a, sid in copies:
            assets[a].append(sid)

        def lookup(n: str) -> float | None:
            return dist[n] if n in dist else self.dist.get(n)

        risks = {a: self._asset_risk(a, lookup, extra) for a, extra in assets.items()
                 if a in self.impact}
        return math.fsum(r - self.asset_risk[a] for a, r in risks.items()), risks


def _electronic(transport: str) -> bool:
    return transport in ELECTRONIC_TRANSPORTS or transport == ""


def _run(rules, ctx: RuleContext) -> pd.DataFrame:
    parts = [r.run(ctx) for r in rules]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["finding_id", "rule", "subject_type", "subject_id", "score"])
