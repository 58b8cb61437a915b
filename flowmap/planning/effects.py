"""What each kind of action changes, worked out against an evaluator's current state.

An :class:`Effect` lists the movement-graph edges an action changes, the systems it
re-scores, the copies of data it adds and the governance findings it removes or adds.
The builders here make them: :func:`system_effects` and :func:`flow_effects` for many
actions at once (one likelihood call, one pass of the flow rules per kind), and
:func:`zone_effect` and :func:`backup_effect` one action at a time. Adding an action
kind means adding its builder here (and its change to the inventory in
:mod:`flowmap.planning.apply`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.engine.analysis import finding_risk, flow_context
from flowmap.engine.nodes import node as node_of
from flowmap.engine.paths import ATTACKER
from flowmap.engine.rules import backups as backup_rules
from flowmap.engine.rules import flows as flow_rules
from flowmap.engine.rules.base import RuleContext
from flowmap.inventory.schema import ELECTRONIC_TRANSPORTS
from flowmap.planning.actions import SECURE_TRANSPORT, SEGMENT_SUFFIX, Action, segment_members
from flowmap.planning.apply import apply_actions, vault_id
from flowmap.planning.exposure import edge_cost
from flowmap.planning.rescore import rescore

if TYPE_CHECKING:
    from flowmap.planning.evaluate import Evaluator


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


# ------------------------------------------------------------------ systems


def system_effects(ev: Evaluator, actions: list[Action]) -> dict[str, Effect]:
    """Effects of system actions, the changed systems re-scored in one batch."""
    changed = [
        (a.subject_id, apply_actions(ev.mini(a.subject_id), [a], as_of=ev.as_of, eol=ev.eol))
        for a in actions
    ]
    scores = rescore(
        changed,
        os_match=ev.os_match,
        current_os=ev.index().os,
        as_of=ev.as_of,
        settings=ev.settings,
        eol=ev.eol,
    )
    out = {}
    for a, (like, entry) in zip(actions, scores):
        e = Effect(touches={node_of("system", a.subject_id)})
        _likelihood_edges(ev, e, a.subject_id, like, entry)
        out[a.action_id] = e
    return out


def _likelihood_edges(ev: Evaluator, e: Effect, sid: str, like: float, entry: float) -> None:
    """The edges into a system whose likelihood becomes ``like`` (entry ``entry``)."""
    e.likelihood[sid] = (like, entry)
    node = node_of("system", sid)
    pred = ev.exposure.pred
    for u, w in pred.get(node, {}).items():
        new = (edge_cost(entry) if entry > 0 else None) if u == ATTACKER else edge_cost(like)
        if new != w:
            e.edges[(u, node)] = new
    if ATTACKER not in pred.get(node, {}) and entry > 0:
        e.edges[(ATTACKER, node)] = edge_cost(entry)


# ------------------------------------------------------------------ flows


def flow_effects(ev: Evaluator, actions: list[Action]) -> dict[str, Effect]:
    """Effects of flow actions: the flow rules run once over each kind's changed flows."""
    by_kind: dict[str, list[Action]] = defaultdict(list)
    for a in actions:  # one batch per kind, so each flow appears once in a batch
        by_kind[a.kind].append(a)
    inv = ev.inventory
    out = {}
    for kind, acts in by_kind.items():
        f = inv.flows.iloc[[ev.index().flows[a.subject_id] for a in acts]]
        after = apply_actions(inv.with_tables(flows=f), acts, as_of=ev.as_of, eol=ev.eol)
        flows = flow_context(after, ev.assets)
        found = run_rules(flow_rules.RULES, _context(ev, after, flows, ev.assets))
        risk = (
            finding_risk(found, flows, ev.assets, ev.settings)
            if len(found)
            else pd.Series(dtype="float64")
        )
        new_findings: dict[str, dict[str, float]] = defaultdict(dict)
        for fid, finding, r in zip(found["subject_id"], found["finding_id"], risk):
            if r != 0:
                new_findings[fid][finding] = r
        new_transport = dict(zip(after.flows["flow_id"], after.flows["transport"]))
        succ = ev.exposure.succ
        for a, old, u, v in zip(acts, f["transport"], f["source_system_id"], f["target_system_id"]):
            e = Effect(touches={f"flow:{a.subject_id}"})
            new = new_transport[a.subject_id]
            if (
                kind == "secure_transport"
                and old in SECURE_TRANSPORT
                and not _electronic(old)
                and _electronic(new)
                and u != v
                and node_of("system", v) not in succ.get(node_of("system", u), {})
            ):
                e.edges[(node_of("system", u), node_of("system", v))] = edge_cost(ev.like[v])
                e.touches |= {node_of("system", u), node_of("system", v)}
            ids = (f"{r.id}:{a.subject_id}" for r in flow_rules.RULES)
            e.removed_findings |= {i for i in ids if i in ev.gov}
            e.governance.update(new_findings.get(a.subject_id, {}))
            out[a.action_id] = e
    return out


def _electronic(transport: str) -> bool:
    return transport in ELECTRONIC_TRANSPORTS or transport == ""


# ------------------------------------------------------------------ zones and backups


def zone_effect(ev: Evaluator, action: Action) -> Effect:
    """Segmenting a zone: its end-user devices move to a zone of their own."""
    e = Effect()
    inv = ev.inventory
    moved = inv.systems.loc[
        segment_members(inv.systems, action.subject_id, ev.settings.phishing_kinds), "system_id"
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
        e.edges[(new, node)] = edge_cost(ev.like[sid])
    e.touches = {node_of("system", s) for s in moved} | {zone}
    after = apply_actions(inv, [action], as_of=ev.as_of, eol=ev.eol)
    _backup_governance(ev, e, after, _assets_near(ev, set(moved)))
    return e


def backup_effect(ev: Evaluator, action: Action) -> Effect:
    """Adding an isolated backup (a vault and a copy) or testing a restore."""
    e = Effect()
    inv = ev.inventory
    b = inv.backups
    if action.kind == "test_restore":
        source = b.loc[b["backup_id"] == action.subject_id, "source_system_id"].iloc[0]
    else:
        source = action.subject_id
        _vault_effect(ev, e, action)
    after = apply_actions(inv, [action], as_of=ev.as_of, eol=ev.eol)
    held = _assets_held(ev, {source})
    e.touches |= {node_of("asset", a) for a in held} | {f"backup-source:{source}"}
    _backup_governance(ev, e, after, held)
    return e


def _vault_effect(ev: Evaluator, e: Effect, action: Action) -> None:
    s = ev.inventory.systems
    org = s.loc[s["system_id"] == action.subject_id, "org_id"].iloc[0]
    vault = vault_id(org)
    if node_of("system", vault) not in ev.exposure.pred:
        after = apply_actions(
            ev.mini(action.subject_id).with_tables(backups=ev.inventory.backups.iloc[:0]),
            [action],
            as_of=ev.as_of,
            eol=ev.eol,
        )
        after = after.with_tables(
            systems=after.systems[after.systems["system_id"] == vault],
            vulnerabilities=after.vulnerabilities[after.vulnerabilities["system_id"] == vault],
        )
        [(like, _)] = rescore(
            [(vault, after)],
            os_match=ev.os_match,
            current_os=ev.index().os,
            as_of=ev.as_of,
            settings=ev.settings,
            eol=ev.eol,
        )
        node, zone = node_of("system", vault), node_of("zone", f"{org}:vault")
        e.edges[(node, zone)] = 0.0
        e.edges[(zone, node)] = edge_cost(like)
        e.likelihood[vault] = (like, 0.0)
        if (s["supplier_org_id"] == org).any():
            e.edges[(node, node_of("supplier", org))] = 0.0
    e.copies = [(a, vault) for a in sorted(ev.exposure.system_assets.get(action.subject_id, ()))]
    e.touches |= {node_of("system", vault)}


def _assets_held(ev: Evaluator, systems: set[str]) -> set[str]:
    a = ev.inventory.assets
    return set(a.loc[a["system_id"].map(lambda ids: bool(systems.intersection(ids))), "asset_id"])


def _assets_near(ev: Evaluator, moved: set[str]) -> set[str]:
    b = ev.inventory.backups
    touched = b[b["source_system_id"].isin(moved) | b["target_system_id"].isin(moved)]
    return _assets_held(ev, moved | set(touched["source_system_id"]))


# ------------------------------------------------------------------ governance


def _context(ev: Evaluator, inv, flows: pd.DataFrame, assets: pd.DataFrame) -> RuleContext:
    return RuleContext(
        inventory=inv,
        as_of=ev.as_of,
        settings=ev.settings,
        systems=inv.systems,
        assets=assets,
        copies=pd.DataFrame(),
        paths=pd.DataFrame(),
        flows=flows,
    )


def _backup_governance(ev: Evaluator, e: Effect, after, assets: set[str]) -> None:
    """Re-run the backup rules on ``assets`` in ``after``; their findings replace the old."""
    if not assets:
        return
    sub = ev.assets[ev.assets["asset_id"].isin(assets)]
    found = run_rules(backup_rules.RULES, _context(ev, after, after.flows.iloc[:0], sub))
    ids: Iterable[str] = (f"{r.id}:{a}" for r in backup_rules.RULES for a in assets)
    e.removed_findings |= {f for f in ids if f in ev.gov}
    if len(found):
        risk = finding_risk(found, after.flows, ev.assets, ev.settings)
        e.governance.update({f: r for f, r in zip(found["finding_id"], risk) if r != 0})
    e.touches |= {node_of("asset", a) for a in assets}


def run_rules(rules, ctx: RuleContext) -> pd.DataFrame:
    """Findings of ``rules`` in ``ctx``, unsorted (the evaluator needs only ids and risk)."""
    parts = [r.run(ctx) for r in rules]
    parts = [p for p in parts if len(p)]
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["finding_id", "rule", "subject_type", "subject_id", "score"])
    )
