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
from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from flowmap.engine.analysis import Analysis, analyse, finding_asset, finding_risk
from flowmap.engine.rules import flows as flow_rules
from flowmap.planning.actions import FLOW_ACTIONS, SYSTEM_ACTIONS, Action
from flowmap.planning.apply import apply_actions
from flowmap.planning.effects import (
    Effect,
    backup_effect,
    flow_effects,
    system_effects,
    zone_effect,
)
from flowmap.planning.exposure import Exposure
from flowmap.planning.rescore import OS_MATCH


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
        self.exposure = Exposure(analysis)
        risk = finding_risk(analysis.findings, analysis.flows, analysis.assets, self.settings)
        self.gov = {f: r for f, r in zip(analysis.findings["finding_id"], risk) if r != 0}
        self.gov_sum = math.fsum(self.gov.values())
        #: the asset each governance finding concerns (findings that actions add: _asset_of)
        self.finding_assets = dict(
            zip(analysis.findings["finding_id"], finding_asset(analysis.findings, analysis.flows))
        )
        self._cache: dict[str, Effect] = {}
        self._rows: _Rows | None = None  # where things are in self.inventory (see index)
        self._flow_asset: dict[str, str] | None = None  # flow_id -> asset_id

    # ------------------------------------------------------------------ totals

    @property
    def asset_risk(self) -> dict[str, float]:
        """Each asset's current cyber risk."""
        return self.exposure.asset_risk

    @property
    def total(self) -> float:
        """Current total risk, rounded as :attr:`Analysis.total_risk` rounds it."""
        return round(round(self.exposure.cyber_sum, 2) + round(self.gov_sum, 2), 2)

    def risk_after(self, action: Action) -> float:
        """Total risk if ``action`` were applied now (the state is not changed)."""
        effect = self.effect(action)
        dist = self.exposure.repair(effect.edges)
        cyber = self.exposure.cyber_sum + self.exposure.delta(dist, effect.copies)[0]
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
        other.exposure = self.exposure.copy()
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
        return self.exposure.attack_path(asset_id)

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
        self.exposure.apply(effect.edges, effect.copies)
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
            elif action.kind == "segment_zone":
                self._cache[action.action_id] = zone_effect(self, action)
            else:
                self._cache[action.action_id] = backup_effect(self, action)
        return self._cache[action.action_id]

    def prepare(self, actions: Iterable[Action]) -> None:
        """Work out the effects of many actions at once, ahead of :meth:`gain`.

        The systems that system actions change are re-scored in one batch
        (:func:`flowmap.planning.rescore.rescore`), and the flow rules run once over
        the flows that flow actions change: far faster than one by one, and the same
        figures, as every score and rule is worked out row by row.
        """
        todo = list({a.action_id: a for a in actions if a.action_id not in self._cache}.values())
        flows = [a for a in todo if a.kind in FLOW_ACTIONS]
        if flows:
            self._cache.update(flow_effects(self, flows))
        systems = [a for a in todo if a.kind in SYSTEM_ACTIONS]
        if systems:
            self._cache.update(system_effects(self, systems))

    # ------------------------------------------------------------------ the inventory

    def index(self) -> _Rows:
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

    def mini(self, sid: str):
        """The inventory cut down to one system and its vulnerabilities."""
        inv = self.inventory
        rows = self.index()
        return inv.with_tables(
            systems=inv.systems.iloc[[rows.systems.get_loc(sid)]],
            vulnerabilities=inv.vulnerabilities.iloc[rows.vulnerabilities.get(sid, [])],
        )


FLOW_RULE_IDS = frozenset(r.id for r in flow_rules.RULES)
