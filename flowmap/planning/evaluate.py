"""Incremental counterfactual: the total risk left after applying actions, without re-analysing.

The truth is ``analyse(apply_actions(inventory, actions)).total_risk``
(:func:`full_risk`). :class:`Evaluator` reaches the same figure by recomputing only
what an action changes (:mod:`flowmap.planning.effects` says what each kind changes,
:mod:`flowmap.planning.exposure` keeps the attacker's distances and each asset's
nearest copy):

- a system action changes one system's likelihood, so only the weights of the edges
  into that system (and its entry edge) change in the movement graph;
- segmenting a zone and moving a flow onto an electronic transport change a few edges;
- the shortest-path distances are repaired, not recomputed
  (:mod:`flowmap.planning.repair`);
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
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from flowmap.engine.analysis import Analysis, analyse, finding_asset
from flowmap.engine.nodes import node as node_of
from flowmap.engine.risk import finding_risk_parts
from flowmap.engine.rules import flows as flow_rules
from flowmap.errors import UsageError
from flowmap.inventory.schema import ACTION_KINDS
from flowmap.planning.actions import (
    BACKUP_ACTIONS,
    FLOW_ACTIONS,
    PAIR_ACTIONS,
    SYSTEM_ACTIONS,
    ZONE_ACTIONS,
    Action,
)
from flowmap.planning.apply import apply_actions
from flowmap.planning.backup_effects import BackupMaps, backup_effects, holders_of
from flowmap.planning.effects import Effect, flow_effects, pair_effects, system_effects
from flowmap.planning.exposure import Exposure
from flowmap.planning.rescore import OS_MATCH

#: The tables actions change: an evaluator owns copies of them.
CHANGED_TABLES = ("systems", "vulnerabilities", "flows", "backups")
FLOW_RULE_IDS = frozenset(r.id for r in flow_rules.RULES)


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
class Measure:
    """What an action would change in total risk now, in the parts the total rounds.

    ``risk_after`` rounds as :attr:`Analysis.total_risk` does, from the evaluator's
    current sums, so a measure stays right while nothing it depends on changes.
    """

    cyber: float  # change in the sum of the assets' cyber risk
    governance: float  # governance risk of the findings the action leaves or makes
    removed: float  # governance risk of the findings it replaces or resolves
    assets: tuple[int, ...]  # the assets whose cyber risk it looked at
    findings: tuple[str, ...]  # the findings it replaces or makes


@dataclass
class Committed:
    """What committing an action changed (see :meth:`Evaluator.commit`)."""

    writes: set[int]  # movement-graph keys written (flowmap.planning.repair.read_key)
    assets: dict[int, tuple[float, float]]  # asset looked at -> (cyber risk before, after)
    moved_assets: set[int]  # assets whose nearest copy or copies changed
    findings: dict[str, float | None]  # finding changed -> its risk before (None if new)
    dropped: set[str]  # actions whose effect must be worked out again


class Evaluator:
    """The total risk of an analysis, updated incrementally as actions are applied."""

    def __init__(self, analysis: Analysis) -> None:
        self.as_of, self.settings = analysis.as_of, analysis.settings
        self.eol = analysis.reference.eol
        inv = analysis.inventory
        # tables the actions change, owned here and changed in place by commit
        self.inventory = inv.with_tables(**{n: inv.tables[n].copy() for n in CHANGED_TABLES})
        self.assets = analysis.assets
        self.os_match = analysis.systems.set_index("system_id")[list(OS_MATCH)]
        s = analysis.systems
        self.like = dict(zip(s["system_id"], s["likelihood"]))
        self.exposure = Exposure(analysis)
        # governance: each finding's own risk, and the weakness (problem x asset) it is
        # part of; a weakness counts once, by its largest finding (docs/scoring.md)
        parts = finding_risk_parts(
            analysis.findings, analysis.flows, analysis.assets, self.settings
        )
        self.gov: dict[str, float] = {}
        self.gov_group: dict[str, str] = {}
        self.weakness: dict[str, dict[str, float]] = defaultdict(dict)
        for f, g, r in zip(analysis.findings["finding_id"], parts["group"], parts["risk"]):
            if r != 0:
                self.gov[f], self.gov_group[f] = r, g
                self.weakness[g][f] = r
        self.gov_sum = math.fsum(max(m.values()) for m in self.weakness.values())
        #: the asset each governance finding concerns (findings that actions add: _asset_of)
        self.finding_assets = dict(
            zip(analysis.findings["finding_id"], finding_asset(analysis.findings, analysis.flows))
        )
        self._flow_asset: dict[str, str] | None = None  # flow_id -> asset_id
        self._start: dict = {}  # the starting governance by asset (shared by copies)
        self._cache: dict[str, Effect] = {}
        self._by_touch: dict[str, set[str]] = defaultdict(set)  # touch -> cached action ids
        self._rows: _Rows | None = None  # where things are in self.inventory (see index)
        self._holders: dict[str, list[str]] | None = None
        self._suppliers: set[str] | None = None
        self.backup_maps: BackupMaps | None = None  # backup_effects.maps_of, kept
        self.asset_rows: tuple | None = None  # backup_effects.asset_rows_of, kept

    # ------------------------------------------------------------------ totals

    @property
    def asset_risk(self) -> dict[str, float]:
        """Each asset's current cyber risk, by asset id."""
        return dict(zip(self.exposure.asset_ids, self.exposure.asset_risk))

    @property
    def total(self) -> float:
        """Current total risk, rounded as :attr:`Analysis.total_risk` rounds it."""
        return round(round(self.exposure.cyber_sum, 2) + round(self.gov_sum, 2), 2)

    def measure(self, action: Action, reads: set[int] | None = None) -> Measure:
        """What ``action`` would change now (the state is not changed); ``reads`` is
        filled with the movement-graph keys the answer depends on."""
        effect = self.effect(action)
        m = self.exposure.measure(effect.edges, effect.copies, reads)
        delta, after = self._governance_delta(effect)
        # the measure reads every finding of the weaknesses it changes, and the weaknesses
        # themselves (a finding another action adds to one changes its largest)
        read = {f for g in after for f in self.weakness.get(g, ())}
        return Measure(
            cyber=m.delta,
            governance=max(delta, 0.0),
            removed=max(-delta, 0.0),
            assets=tuple(m.risks),
            findings=(*effect.removed_findings, *effect.governance, *read, *after),
        )

    def _governance_delta(self, effect: Effect) -> tuple[float, dict[str, dict[str, float]]]:
        """The change in governance risk an effect makes, and the new findings of each
        weakness it changes (a weakness counts its largest finding only)."""
        changes: dict[str, dict[str, float | None]] = defaultdict(dict)
        for f in effect.removed_findings:
            if f in self.gov:
                changes[self.gov_group[f]][f] = None
        for f, (g, r) in effect.governance.items():
            changes[g][f] = r
        deltas, after = [], {}
        for g, change in changes.items():
            old = self.weakness.get(g, {})
            new = {f: r for f, r in {**old, **change}.items() if r is not None}
            deltas.append(max(new.values(), default=0.0) - max(old.values(), default=0.0))
            after[g] = new
        return math.fsum(deltas), after

    def risk_after_measure(self, m: Measure) -> float:
        """Total risk after an action with measure ``m``, from the current sums."""
        cyber = self.exposure.cyber_sum + m.cyber
        gov = self.gov_sum + m.governance - m.removed
        return round(round(cyber, 2) + round(gov, 2), 2)

    def risk_after(self, action: Action) -> float:
        """Total risk if ``action`` were applied now (the state is not changed)."""
        return self.risk_after_measure(self.measure(action))

    def gain(self, action: Action) -> float:
        """Risk removed by ``action`` now (negative when it adds risk)."""
        return round(self.total - self.risk_after(action), 2)

    def gains(self, actions: Iterable[Action]) -> dict[str, float]:
        """:meth:`gain` of each action, by ``action_id`` (see :meth:`prepare`)."""
        actions = list(actions)
        self.prepare(actions)
        return {a.action_id: self.gain(a) for a in actions}

    def copy(self, actions: Iterable[str] | None = None) -> Evaluator:
        """An independent evaluator in the same state, much faster than a new one.

        What :meth:`commit` changes is copied (the tables the actions change, and the
        effects worked out: of the ids ``actions`` only, when given); the analysis's
        tables, which nothing changes, are shared. Try actions on a copy, keep the original.
        """
        other = copy.copy(self)
        other.exposure = self.exposure.copy()
        other.gov, other.like = dict(self.gov), dict(self.like)
        other.gov_group = dict(self.gov_group)
        other.weakness = defaultdict(dict, self.weakness)  # commit replaces them, whole
        other.finding_assets = dict(self.finding_assets)
        other.os_match = self.os_match.copy()
        other.inventory = self.inventory.with_tables(
            **{n: self.inventory.tables[n].copy() for n in CHANGED_TABLES}
        )
        other._rows = None if self._rows is None else self._rows._replace(os=dict(self._rows.os))
        other._cache, other._by_touch = {}, defaultdict(set)  # effects never change once made
        for aid in self._cache if actions is None else [a for a in actions if a in self._cache]:
            other._keep(aid, self._cache[aid])
        return other

    def risk_by_asset(self) -> pd.DataFrame:
        """Each asset's cyber, governance and total risk now, largest first.

        The table :meth:`flowmap.Analysis.risk_by_asset` gives for the inventory with the
        committed actions applied, without re-analysing it (a governance sum that lands on
        half a hundredth may round the other way, as the findings are added in another
        order).
        """
        governance = self._governance_by_asset()
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
        return self.exposure.attack_path(asset_id)

    def _governance_by_asset(self) -> pd.Series:
        """Each asset's governance risk now: the largest finding of each of its weaknesses."""
        counted = [max(m.items(), key=lambda fr: fr[1]) for m in self.weakness.values() if m]
        return (
            pd.Series([r for _f, r in counted], dtype="float64")
            .groupby([self._asset_of(f) for f, _r in counted], sort=False)
            .sum()
        )

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

    def commit(self, action: Action) -> Committed:
        """Apply ``action`` to the state, so later gains are measured after it."""
        effect = self.effect(action)
        m, writes, old, touched = self.exposure.apply(effect.edges, effect.copies)
        findings = {f: self.gov.get(f) for f in (*effect.removed_findings, *effect.governance)}
        gov_delta, weaknesses = self._governance_delta(effect)
        findings.update({g: None for g in weaknesses})  # measures that read them are stale
        self.gov_sum += gov_delta
        for f in effect.removed_findings:
            if self.gov.pop(f, None) is not None:
                del self.gov_group[f]
        for g, members in weaknesses.items():
            if members:
                self.weakness[g] = members
            else:
                self.weakness.pop(g, None)
            for f, r in members.items():
                self.gov[f], self.gov_group[f] = r, g
        self.like.update({s: lk for s, (lk, _) in effect.likelihood.items()})
        self.inventory = apply_actions(
            self.inventory, [action], as_of=self.as_of, eol=self.eol, copy=False
        )
        self._update_rows(action)
        dropped: set[str] = set()
        for t in effect.touches:
            dropped |= self._by_touch.pop(t, set())
        for aid in dropped:
            self._cache.pop(aid, None)
        return Committed(
            writes=writes,
            assets={a: (r, m.risks[a]) for a, r in old.items()},
            moved_assets=touched,
            findings=findings,
            dropped=dropped,
        )

    # ------------------------------------------------------------------ effects

    def effect(self, action: Action) -> Effect:
        """What ``action`` changes in the current state (cached until a commit touches it)."""
        if action.action_id not in self._cache:
            self.prepare([action])
        return self._cache[action.action_id]

    def prepare(self, actions: Iterable[Action]) -> None:
        """Work out the effects of many actions at once, ahead of :meth:`gain`.

        The systems that system actions change are re-scored in one batch
        (:func:`flowmap.planning.rescore.rescore`), and the flow rules run once over
        the flows that flow actions change: far faster than one by one, and the same
        figures, as every score and rule is worked out row by row.
        """
        todo = list({a.action_id: a for a in actions if a.action_id not in self._cache}.values())
        for batch, kinds in (
            (flow_effects, FLOW_ACTIONS),
            (pair_effects, PAIR_ACTIONS),
            (system_effects, SYSTEM_ACTIONS),
            (backup_effects, BACKUP_ACTIONS | ZONE_ACTIONS),
        ):
            some = [a for a in todo if a.kind in kinds]
            if some:
                for aid, e in batch(self, some).items():
                    self._keep(aid, e)
        unknown = [a for a in todo if a.action_id not in self._cache]
        if unknown:
            raise UsageError(
                f"unknown action kind {unknown[0].kind!r} in {unknown[0].action_id}: use one "
                f"of {', '.join(ACTION_KINDS)}."
            )

    def has_effect(self, action: Action) -> bool:
        """Whether the action's effect in the current state is worked out already."""
        return action.action_id in self._cache

    def bound(self, action: Action, reads: set[int] | None = None) -> Measure | None:
        """A measure that removes at least as much as ``action`` would now, or None.

        Cheap where working out the effect is not: for a flow action, the risk of the
        flow's findings (it can remove no more, its new findings add risk, and a move
        onto an electronic transport can only add cyber risk); for a system action,
        cutting every edge into the system (a system action changes only those edges,
        so every path left after the cut is there after the action, at the same cost:
        no distance grows more). The planner measures exactly only the candidates whose
        bound could still win.
        """
        if action.kind in FLOW_ACTIONS:
            ids = tuple(f"{r.id}:{action.subject_id}" for r in flow_rules.RULES)
            removed = math.fsum(self.gov[f] for f in ids if f in self.gov)
            return Measure(0.0, 0.0, removed, (), ids)
        if action.kind in SYSTEM_ACTIONS:
            node = node_of("system", action.subject_id)
            cut = {(u, node): None for u in self.exposure.in_edges(node)}
            m = self.exposure.measure(cut, [], reads)
            return Measure(m.delta, 0.0, 0.0, tuple(m.risks), ())
        return None

    def _keep(self, action_id: str, effect: Effect) -> None:
        self._cache[action_id] = effect
        for t in effect.touches:
            self._by_touch[t].add(action_id)

    # ------------------------------------------------------------------ the inventory

    def index(self) -> _Rows:
        """Where things are in the current inventory (kept up to date by commit)."""
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

    def _update_rows(self, action: Action) -> None:
        """After a commit: rows keep their places (tables change in place) unless added."""
        if action.kind == "upgrade_os":
            s = self.inventory.systems
            at = self.index().systems.get_loc(action.subject_id)
            os_text = s["os"].iloc[at]
            self._rows.os[action.subject_id] = os_text
            match = self.eol.match_many(pd.Series([os_text])).iloc[0]
            self.os_match.loc[action.subject_id, list(OS_MATCH)] = match[list(OS_MATCH)].to_numpy()
        elif action.kind in BACKUP_ACTIONS and self._rows is not None:
            s = self.inventory.systems  # a vault may have been added: a row at the end
            if len(s) != len(self._rows.systems):
                new = s.iloc[len(self._rows.systems) :]
                self._rows.os.update(zip(new["system_id"], new["os"]))
                self._rows = self._rows._replace(systems=pd.Index(s["system_id"]))
        if action.kind in BACKUP_ACTIONS | ZONE_ACTIONS:
            self.backup_maps = None  # backups added, or systems moved to another zone

    def holders(self) -> dict[str, list[str]]:
        """Each system's assets, from the register (actions never change it)."""
        if self._holders is None:
            self._holders = holders_of(self.inventory.assets)
        return self._holders

    def is_supplier(self, org: str) -> bool:
        """Whether some system names ``org`` as its supplier."""
        if self._suppliers is None:
            self._suppliers = set(self.inventory.systems["supplier_org_id"])
        return org in self._suppliers

    def mini(self, sid: str):
        """The inventory cut down to one system and its vulnerabilities."""
        inv = self.inventory
        rows = self.index()
        return inv.with_tables(
            systems=inv.systems.iloc[[rows.systems.get_loc(sid)]],
            vulnerabilities=inv.vulnerabilities.iloc[rows.vulnerabilities.get(sid, [])],
        )
