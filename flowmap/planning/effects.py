"""What each kind of action changes, worked out against an evaluator's current state.

An :class:`Effect` lists the movement-graph edges an action changes, the systems it
re-scores, the copies of data it adds and the governance findings it removes or adds.
The builders work on many actions at once: :func:`system_effects` (one likelihood
call per kind) and :func:`flow_effects` (one pass of the flow rules per kind) here,
and zone and backup actions in :mod:`flowmap.planning.backup_effects` (one pass of the
backup rules over every action's world). Adding an action kind means adding its
builder (and its change to the inventory in :mod:`flowmap.planning.apply`).
:func:`pair_effects` works out the agreements and transfer agreements made per pair of
organisations. Governance findings carry the weakness they belong to (problem x asset),
as a weakness counts once in total risk.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowmap.engine.analysis import flow_context
from flowmap.engine.nodes import node as node_of
from flowmap.engine.paths import ATTACKER
from flowmap.engine.risk import finding_risk_parts
from flowmap.engine.rules import flows as flow_rules
from flowmap.engine.rules.base import RuleContext
from flowmap.inventory.schema import ELECTRONIC_TRANSPORTS
from flowmap.planning.actions import SECURE_TRANSPORT, Action
from flowmap.planning.agreements import apply_pairs, pair_flows, pair_subjects
from flowmap.planning.apply import apply_actions
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
    #: finding_id -> (weakness, risk) of the governance findings it adds or re-scores
    governance: dict[str, tuple[str, float]] = field(default_factory=dict)
    removed_findings: set[str] = field(default_factory=set)
    touches: set[str] = field(default_factory=set)


# ------------------------------------------------------------------ systems


def system_effects(ev: Evaluator, actions: list[Action]) -> dict[str, Effect]:
    """Effects of system actions: each kind applied to its systems' rows at once, and
    the changed systems re-scored in one batch per kind."""
    by_kind: dict[str, list[Action]] = defaultdict(list)
    for a in actions:  # one batch per kind, so each system appears once in a batch
        by_kind[a.kind].append(a)
    inv, rows = ev.inventory, ev.index()
    out = {}
    for acts in by_kind.values():
        at = rows.systems.get_indexer([a.subject_id for a in acts])
        vuln_rows = [rows.vulnerabilities.get(a.subject_id, ()) for a in acts]
        v_at = np.concatenate(vuln_rows).astype(np.int64) if any(map(len, vuln_rows)) else []
        sub = inv.with_tables(
            systems=inv.systems.iloc[at], vulnerabilities=inv.vulnerabilities.iloc[v_at]
        )
        after = apply_actions(sub, acts, as_of=ev.as_of, eol=ev.eol)
        likes, entries = rescore(
            after.systems,
            after.vulnerabilities,
            os_match=ev.os_match,
            current_os=rows.os,
            as_of=ev.as_of,
            settings=ev.settings,
            eol=ev.eol,
        )
        for a, like, entry in zip(acts, likes, entries):
            e = Effect(touches={node_of("system", a.subject_id)})
            _likelihood_edges(ev, e, a.subject_id, like, entry)
            out[a.action_id] = e
    return out


def _likelihood_edges(ev: Evaluator, e: Effect, sid: str, like: float, entry: float) -> None:
    """The edges into a system whose likelihood becomes ``like`` (entry ``entry``)."""
    e.likelihood[sid] = (like, entry)
    node = node_of("system", sid)
    into = ev.exposure.in_edges(node)
    for u, w in into.items():
        new = (edge_cost(entry) if entry > 0 else None) if u == ATTACKER else edge_cost(like)
        if new != w:
            e.edges[(u, node)] = new
    if ATTACKER not in into and entry > 0:
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
        found = run_rules(flow_rules.RULES, rule_context(ev, after, flows, ev.assets))
        new_findings = _by_flow(ev, found, flows)
        new_transport = dict(zip(after.flows["flow_id"], after.flows["transport"]))
        for a, old, u, v in zip(acts, f["transport"], f["source_system_id"], f["target_system_id"]):
            e = Effect(touches={f"flow:{a.subject_id}"})
            new = new_transport[a.subject_id]
            if (
                kind == "secure_transport"
                and old in SECURE_TRANSPORT
                and not _electronic(old)
                and _electronic(new)
                and u != v
                and not ev.exposure.has_edge(node_of("system", u), node_of("system", v))
            ):
                e.edges[(node_of("system", u), node_of("system", v))] = edge_cost(ev.like[v])
                e.touches |= {node_of("system", u), node_of("system", v)}
            ids = (f"{r.id}:{a.subject_id}" for r in flow_rules.RULES)
            e.removed_findings |= {i for i in ids if i in ev.gov}
            e.governance.update(new_findings.get(a.subject_id, {}))
            out[a.action_id] = e
    return out


def pair_effects(ev: Evaluator, actions: list[Action]) -> dict[str, Effect]:
    """Effects of agreement and transfer actions (:mod:`flowmap.planning.agreements`): each
    changes every flow of its pair of organisations, so the flow rules run once over the
    flows of all the pairs of a kind."""
    by_kind: dict[str, list[Action]] = defaultdict(list)
    for a in actions:
        by_kind[a.kind].append(a)
    inv = ev.inventory
    out = {}
    for kind, acts in by_kind.items():
        between = pair_flows(inv, kind, [a.subject_id for a in acts])
        subjects = pair_subjects(between, kind, ev.as_of)
        chosen = subjects[subjects.isin({a.subject_id for a in acts})]
        f = inv.flows.loc[chosen.index].copy()
        apply_pairs(f, chosen, kind, ev.as_of)
        after = inv.with_tables(flows=f)
        flows = flow_context(after, ev.assets)
        found = run_rules(flow_rules.RULES, rule_context(ev, after, flows, ev.assets))
        new_findings = _by_flow(ev, found, flows)
        members: dict[str, list[str]] = defaultdict(list)
        for flow_id, subject in zip(f["flow_id"], chosen):
            members[subject].append(flow_id)
        for a in acts:
            ids = members.get(a.subject_id, [])
            e = Effect(touches={f"flow:{i}" for i in ids} | {f"{kind}:{a.subject_id}"})
            for i in ids:
                e.removed_findings |= {
                    x for x in (f"{r.id}:{i}" for r in flow_rules.RULES) if x in ev.gov
                }
                e.governance.update(new_findings.get(i, {}))
            out[a.action_id] = e
    return out


def _by_flow(
    ev: Evaluator, found: pd.DataFrame, flows: pd.DataFrame
) -> dict[str, dict[str, tuple[str, float]]]:
    """The governance findings on each flow: finding_id -> (weakness, risk)."""
    out: dict[str, dict[str, tuple[str, float]]] = defaultdict(dict)
    if len(found):
        parts = finding_risk_parts(found, flows, ev.assets, ev.settings)
        for fid, finding, g, r in zip(
            found["subject_id"], found["finding_id"], parts["group"], parts["risk"]
        ):
            if r != 0:
                out[fid][finding] = (g, r)
    return out


def _electronic(transport: str) -> bool:
    return transport in ELECTRONIC_TRANSPORTS or transport == ""


# ------------------------------------------------------------------ governance


def rule_context(ev: Evaluator, inv, flows: pd.DataFrame, assets: pd.DataFrame) -> RuleContext:
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


def run_rules(rules, ctx: RuleContext) -> pd.DataFrame:
    """Findings of ``rules`` in ``ctx``, unsorted (the evaluator needs only ids and risk)."""
    parts = [r.run(ctx) for r in rules]
    parts = [p for p in parts if len(p)]
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["finding_id", "rule", "subject_type", "subject_id", "score"])
    )
