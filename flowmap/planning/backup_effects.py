"""Effects of zone and backup actions, the backup rules run once for many actions.

Segmenting a zone changes movement-graph edges and the zones the backup rules compare;
adding an isolated backup adds a vault (a new system and zone) and a copy of data;
testing a restore changes one backup row. Each changes the backup findings of a few
assets only: those held on the systems concerned. For every action, its *world* is
those assets, the systems that hold them, the backups from those systems and where
the backups go, with the action applied. The worlds of many actions are labelled
apart (``<n>\\x1f<id>`` for every system, zone, backup and asset), put side by side, every
action applied in one call, the backup rules run once over them all, and each finding
goes back to its action: the same findings as running the rules on
the whole inventory for each action alone, as the rules judge each asset only by its
own systems and their backups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowmap.engine.nodes import node as node_of
from flowmap.engine.risk import GROUP_SEP, finding_risk_parts
from flowmap.engine.rules import backups as backup_rules
from flowmap.planning.actions import SEGMENT_SUFFIX, Action, isolated_zone
from flowmap.planning.apply import apply_actions, vault_id
from flowmap.planning.effects import Effect, rule_context, run_rules
from flowmap.planning.exposure import edge_cost
from flowmap.planning.rescore import rescore

if TYPE_CHECKING:
    from flowmap.planning.evaluate import Evaluator

SEP = "\x1f"  # between a world's number and an id: no inventory id holds it


@dataclass(frozen=True)
class BackupMaps:
    """What the backup and zone actions read of the whole inventory, worked out once per
    state of the backups and zones (:meth:`Evaluator.backup_maps`); never changed."""

    source_of: dict[str, str]  # backup -> its source system
    by_system: dict[str, list[str]]  # system -> sources of the backups from or to it
    members: dict[str, list[str]]  # zone -> its phishing-exposed systems
    backups_from: dict[str, list[int]]  # source system -> row positions of its backups
    target: list[str]  # each backup row's target system

    @classmethod
    def of(cls, ev: Evaluator) -> BackupMaps:
        """The evaluator's, worked out now."""
        inv = ev.inventory
        b = inv.backups
        by_system: dict[str, list[str]] = defaultdict(list)
        for src, dst in zip(b["source_system_id"], b["target_system_id"]):
            by_system[src].append(src)
            by_system[dst].append(src)
        phish = inv.systems[inv.systems["kind"].isin(tuple(ev.settings.phishing_kinds))]
        backups_from: dict[str, list[int]] = defaultdict(list)
        for i, src in enumerate(b["source_system_id"]):
            backups_from[src].append(i)
        return cls(
            source_of=dict(zip(b["backup_id"], b["source_system_id"])),
            by_system=dict(by_system),
            members=phish.groupby("zone", sort=False)["system_id"].agg(list).to_dict(),
            backups_from=dict(backups_from),
            target=b["target_system_id"].tolist(),
        )


def maps_of(ev: Evaluator) -> BackupMaps:
    """The evaluator's :class:`BackupMaps`, kept until a commit changes the backups or a
    zone (a copy shares them until then)."""
    if ev.backup_maps is None:
        ev.backup_maps = BackupMaps.of(ev)
    return ev.backup_maps


def asset_rows_of(ev: Evaluator) -> tuple[pd.DataFrame, dict[str, int], list]:
    """The assets by row position, each asset's position and each row's systems (actions
    never change the register: worked out once, shared by copies)."""
    if ev.asset_rows is None:
        held = ev.assets.reset_index(drop=True)
        ev.asset_rows = (
            held,
            {x: i for i, x in enumerate(held["asset_id"])},
            held["system_id"].tolist(),
        )
    return ev.asset_rows


def backup_effects(ev: Evaluator, actions: list[Action]) -> dict[str, Effect]:
    """Effects of ``segment_zone``, ``isolate_system``, ``add_isolated_backup`` and
    ``test_restore`` actions."""
    inv = ev.inventory
    maps = maps_of(ev)
    source_of, by_system, members = maps.source_of, maps.by_system, maps.members
    holders = ev.holders()
    vault_like = _vault_likelihoods(ev, [a for a in actions if a.kind == "add_isolated_backup"])
    out: dict[str, Effect] = {}
    worlds: list[tuple[Action, list[str]]] = []
    for a in actions:
        e = Effect()
        if a.kind in ("segment_zone", "isolate_system"):
            # each zone is two hubs (flowmap.engine.movement): zone_exit, its systems' way
            # out and where its links start, and zone, the way into its systems; a moved
            # system leaves both of its old zone's and joins the new zone's
            if a.kind == "segment_zone":
                old, moved = a.subject_id, members.get(a.subject_id, [])
                segment = a.subject_id + SEGMENT_SUFFIX
            else:  # isolate_system: one system into a segment of its own
                at = ev.index().systems.get_loc(a.subject_id)
                old, moved = inv.systems["zone"].iloc[at], [a.subject_id]
                segment = isolated_zone(inv.systems["org_id"].iloc[at], a.subject_id)
            zone, exit_hub = node_of("zone", old), node_of("zone_exit", old)
            new, new_exit = node_of("zone", segment), node_of("zone_exit", segment)
            for sid in moved:
                node = node_of("system", sid)
                e.edges[(node, exit_hub)] = None
                e.edges[(zone, node)] = None
                e.edges[(node, new_exit)] = 0.0
                e.edges[(new, node)] = edge_cost(ev.like[sid])
            if moved and not ev.exposure.has_edge(new_exit, new):
                e.edges[(new_exit, new)] = 0.0
            e.touches = {node_of("system", s) for s in moved} | {zone, exit_hub}
            near = set(moved).union(*(by_system.get(s, ()) for s in moved))
        else:
            source = source_of[a.subject_id] if a.kind == "test_restore" else a.subject_id
            if a.kind == "add_isolated_backup":
                _vault_edges(ev, e, a, vault_like)
            near = {source}
            e.touches |= {f"backup-source:{source}"}
        assets = sorted(set().union(*(holders.get(s, ()) for s in near)))
        e.touches |= {node_of("asset", x) for x in assets}
        if assets:
            worlds.append((a, assets))
        out[a.action_id] = e
    _backup_governance(ev, out, worlds)
    return out


def _vault_likelihoods(ev: Evaluator, actions: list[Action]) -> dict[str, float]:
    """Likelihood of each organisation's planned vault, for the vaults not yet built."""
    s = ev.inventory.systems
    rows = ev.index().systems
    first: dict[str, Action] = {}
    for a in actions:
        org = s["org_id"].iloc[rows.get_loc(a.subject_id)]
        if org not in first and not ev.exposure.has_node(node_of("system", vault_id(org))):
            first[org] = a
    if not first:
        return {}
    at = rows.get_indexer([a.subject_id for a in first.values()])
    mini = ev.inventory.with_tables(systems=s.iloc[at], backups=ev.inventory.backups.iloc[:0])
    after = apply_actions(mini, list(first.values()), as_of=ev.as_of, eol=ev.eol)
    vaults = after.systems.set_index("system_id").loc[[vault_id(org) for org in first]]
    likes, _ = rescore(
        vaults.reset_index(),
        ev.inventory.vulnerabilities.iloc[:0],
        os_match=ev.os_match,
        current_os=ev.index().os,
        as_of=ev.as_of,
        settings=ev.settings,
        eol=ev.eol,
    )
    return dict(zip(first, likes))


def _vault_edges(ev: Evaluator, e: Effect, action: Action, vault_like: dict[str, float]) -> None:
    s = ev.inventory.systems
    org = s["org_id"].iloc[ev.index().systems.get_loc(action.subject_id)]
    vault = vault_id(org)
    if org in vault_like:
        like = vault_like[org]
        node, zone = node_of("system", vault), node_of("zone", f"{org}:vault")
        exit_hub = node_of("zone_exit", f"{org}:vault")
        e.edges[(node, exit_hub)] = 0.0
        e.edges[(exit_hub, zone)] = 0.0
        e.edges[(zone, node)] = edge_cost(like)
        e.likelihood[vault] = (like, 0.0)
        if ev.is_supplier(org):
            e.edges[(node, node_of("supplier", org))] = 0.0
    e.copies = [(a, vault) for a in sorted(ev.exposure.assets_on(action.subject_id))]
    e.touches |= {node_of("system", vault)}


def _backup_governance(
    ev: Evaluator, effects: dict[str, Effect], worlds: list[tuple[Action, list[str]]]
) -> None:
    """Re-run the backup rules in every action's world; their findings replace the old."""
    if not worlds:
        return
    inv = ev.inventory
    rows = ev.index()
    s, b = inv.systems, inv.backups
    maps = maps_of(ev)
    backups_from, target = maps.backups_from, maps.target
    held, asset_at, systems_of = asset_rows_of(ev)
    at: dict[str, list[int]] = {"assets": [], "systems": [], "backups": []}
    world_of: dict[str, list[int]] = {"assets": [], "systems": [], "backups": []}
    labelled = []
    for n, (action, assets) in enumerate(worlds):
        a_at = [asset_at[x] for x in assets]
        on = sorted({sid for i in a_at for sid in systems_of[i]})
        b_at = sorted(i for sid in on for i in backups_from.get(sid, ()))
        s_at = rows.systems.get_indexer(list(dict.fromkeys([*on, *(target[i] for i in b_at)])))
        for name, positions in (("assets", a_at), ("systems", s_at[s_at >= 0]), ("backups", b_at)):
            at[name].extend(positions)
            world_of[name].extend([n] * len(positions))
        labelled.append(replace(action, subject_id=f"{n}{SEP}" + action.subject_id))
    labels = np.array([f"{n}{SEP}" for n in range(len(worlds))], dtype=object)

    def label(table: str, frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
        frame = frame.iloc[at[table]].reset_index(drop=True)
        prefix = labels[world_of[table]]
        return frame.assign(**{c: prefix + frame[c].to_numpy(dtype=object) for c in columns})

    assets = label("assets", held, "asset_id")
    assets["system_id"] = [
        tuple(p + sid for sid in ids)
        for p, ids in zip(labels[world_of["assets"]], assets["system_id"])
    ]
    world = inv.with_tables(
        assets=assets,
        systems=label("systems", s, "system_id", "zone"),
        backups=label("backups", b, "backup_id", "source_system_id", "target_system_id"),
    )
    order = sorted(range(len(labelled)), key=lambda i: labelled[i].kind)  # long runs of a kind
    world = apply_actions(world, [labelled[i] for i in order], as_of=ev.as_of, eol=ev.eol)
    flows = inv.flows.iloc[:0]
    found = run_rules(backup_rules.RULES, rule_context(ev, world, flows, assets))
    new: dict[int, dict[str, tuple[str, float]]] = defaultdict(dict)
    if len(found):
        risk = finding_risk_parts(found, flows, assets, ev.settings)["risk"]
        for rule, subject, problem, r in zip(
            found["rule"], found["subject_id"], found["problem_id"], risk
        ):
            n, _, asset = subject.partition(SEP)
            if r != 0:
                # the weakness as the real inventory names it: the world's labels dropped
                weakness = problem.replace(f"{n}{SEP}", "") + GROUP_SEP + asset
                new[int(n)][f"{rule}:{asset}"] = (weakness, r)
    for n, (action, assets) in enumerate(worlds):
        e = effects[action.action_id]
        ids = (f"{r.id}:{x}" for r in backup_rules.RULES for x in assets)
        e.removed_findings |= {f for f in ids if f in ev.gov}
        e.governance.update(new.get(n, {}))


def holders_of(assets: pd.DataFrame) -> dict[str, list[str]]:
    """Each system's assets, from the register's ``system_id`` lists."""
    out: dict[str, list[str]] = defaultdict(list)
    for asset, systems in zip(assets["asset_id"], assets["system_id"]):
        for sid in systems:
            out[sid].append(asset)
    return dict(out)
