"""Actions that put paperwork in place between two organisations: one agreement, one transfer.

One data-sharing agreement (or processing contract) between two organisations covers
every flow between them, and one International Data Transfer Agreement between an
exporter and an importer covers every transfer from one to the other. So, like the
problems the findings group into (:mod:`flowmap.engine.problems`), these actions are
made per pair of organisations, not per flow, and their subject is the problem's:

- ``put_dsa`` on ``<org>+<org>`` (the two ids sorted) closes every ``FLOW_NO_DSA`` and
  ``FLOW_DSA_EXPIRED`` between them: each flow between them with no agreement, or an
  expired one, gets the reference ``PLANNED-DSA-<org>+<org>`` and a three-year expiry;
- ``put_transfer_mechanism`` on ``<sender>><receiver>`` closes every
  ``FLOW_RESTRICTED_TRANSFER`` from one to the other: each flow from the sender to the
  receiver outside the UK with no mechanism gets ``idta`` (the International Data
  Transfer Agreement, or the UK Addendum to the EU clauses, with a transfer risk
  assessment).

Examples
--------
>>> pair_of("put_dsa", "RVP+RXA", {"RXA", "RVP"})
('RVP', 'RXA')
>>> pair_of("put_transfer_mechanism", "M85003>CLD01", {"M85003", "CLD01"})
('M85003', 'CLD01')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.engine.sharing import UK
from flowmap.errors import UsageError

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: The kinds of action made per pair of organisations.
PAIR_ACTIONS = frozenset({"put_dsa", "put_transfer_mechanism"})
#: The separator in each kind's subject id (``+``: either way; ``>``: sender to receiver).
SEPARATOR = {"put_dsa": "+", "put_transfer_mechanism": ">"}
#: The finding rules each kind closes.
CLOSES = {
    "put_dsa": ("FLOW_NO_DSA", "FLOW_DSA_EXPIRED"),
    "put_transfer_mechanism": ("FLOW_RESTRICTED_TRANSFER",),
}
#: The subject type of each kind's actions (the kind of problem it closes).
SUBJECT_TYPE = {"put_dsa": "agreement", "put_transfer_mechanism": "transfer"}
TRANSFER_MECHANISM = "idta"
DSA_YEARS = 3


def pair_of(kind: str, subject_id: str, orgs: Collection[str]) -> tuple[str, str]:
    """The two organisations a pair action's subject names.

    An organisation id may itself hold the separator, so the subject is split where
    both sides are organisations of the inventory.
    """
    sep = SEPARATOR[kind]
    for i, ch in enumerate(subject_id):
        if ch == sep and subject_id[:i] in orgs and subject_id[i + 1 :] in orgs:
            return subject_id[:i], subject_id[i + 1 :]
    raise UsageError(
        f"action {kind}:{subject_id}: no two organisations of the inventory joined by "
        f"{sep!r}; generate actions from an analysis of this inventory."
    )


def pair_subjects(inventory, kind: str, as_of) -> pd.Series:
    """For each of the inventory's flows, the subject of the ``kind`` action that would
    change it ('' for none): see the module docstring.

    >>> import datetime, flowmap
    >>> inv = flowmap.load_inventory("inventories/sample")
    >>> s = pair_subjects(inv, "put_transfer_mechanism", datetime.date(2026, 11, 1))
    >>> sorted(set(s) - {""})
    ['M85003>CLD01']
    """
    flows, systems = inventory.flows, inventory.systems
    org = systems.set_index("system_id")["org_id"]
    sender = flows["source_system_id"].map(org).fillna("").astype(object)
    receiver = flows["target_system_id"].map(org).fillna("").astype(object)
    if kind == "put_dsa":
        expired = (flows["dsa_expires"] < pd.Timestamp(as_of)).fillna(False).astype(bool)
        chosen = (flows["dsa_ref"] == "") | expired
        first = sender.where(sender <= receiver, receiver)
        second = receiver.where(sender <= receiver, sender)
        subject = first + SEPARATOR[kind] + second
    else:
        country = flows["destination_country"].astype(object)
        uk = country.map(lambda c: isinstance(c, str) and c.upper() in UK).astype(bool)
        chosen = ~uk & (flows["transfer_mechanism"] == "")
        subject = sender + SEPARATOR[kind] + receiver
    return subject.where(chosen.fillna(False).astype(bool), "")


def pair_flows(inventory, kind: str, subjects: Collection[str]):
    """The inventory with only the flows between the organisations that the ``kind``
    actions' ``subjects`` name: the only flows :func:`pair_subjects` can give those
    subjects (it judges each flow on its own), found without judging every flow.

    Raises :class:`UsageError` when a subject names no two organisations of the inventory.

    >>> import datetime, flowmap
    >>> inv = flowmap.load_inventory("inventories/sample")
    >>> few = pair_flows(inv, "put_transfer_mechanism", ["M85003>CLD01"])
    >>> len(few.flows) < len(inv.flows)
    True
    >>> s = pair_subjects(few, "put_transfer_mechanism", datetime.date(2026, 11, 1))
    >>> sorted(set(s) - {""})
    ['M85003>CLD01']
    """
    orgs = set(inventory.organisations["org_id"])
    named = {o for subject in subjects for o in pair_of(kind, subject, orgs)}
    s, f = inventory.systems, inventory.flows
    ids = s.loc[s["org_id"].isin(named), "system_id"]
    return inventory.with_tables(
        flows=f[f["source_system_id"].isin(ids) & f["target_system_id"].isin(ids)]
    )


def apply_pairs(flows: pd.DataFrame, subjects: pd.Series, kind: str, today) -> None:
    """Put the agreement or transfer mechanism in place on the flows ``subjects`` indexes
    (each named by the subject of the action that covers it)."""
    at = subjects.index
    if kind == "put_dsa":
        flows.loc[at, "dsa_ref"] = "PLANNED-DSA-" + subjects.astype(object)
        flows.loc[at, "dsa_expires"] = pd.Timestamp(today) + pd.DateOffset(years=DSA_YEARS)
    else:
        flows.loc[at, "transfer_mechanism"] = TRANSFER_MECHANISM


def pair_candidates(analysis: Analysis) -> list[tuple[str, str, str, str, str]]:
    """``(kind, subject_type, subject_id, org_id, description)`` of every pair action the
    analysis's findings call for: one per agreement or transfer problem."""
    f = analysis.findings
    flows = analysis.flows.set_index("flow_id")
    names = analysis.inventory.organisations.set_index("org_id")["name"]
    orgs = set(names.index)
    out = []
    for kind, rules in CLOSES.items():
        hits = f[f["rule"].isin(rules)]
        by_problem: dict[str, set[str]] = defaultdict(set)
        for pid, flow in zip(hits["problem_id"], hits["subject_id"]):
            by_problem[pid.partition(":")[2]].add(flow)
        for subject in sorted(by_problem):
            ids = sorted(by_problem[subject])
            a, b = pair_of(kind, subject, orgs)
            listed = ", ".join(ids[:4]) + (", ..." if len(ids) > 4 else "")
            flows_text = f"flow{'' if len(ids) == 1 else 's'} {listed}"
            if kind == "put_dsa":
                text = (
                    f"Put one data-sharing agreement (or processing contract) in place "
                    f"between {names[a]} and {names[b]}, covering {flows_text}."
                )
                owner = str(flows.at[ids[0], "sender_org_id"])
            else:
                text = (
                    f"Put an International Data Transfer Agreement (or the UK Addendum) in "
                    f"place from {names[a]} to {names[b]}, with a transfer risk assessment, "
                    f"for {flows_text}."
                )
                owner = a
            out.append((kind, SUBJECT_TYPE[kind], subject, owner, text))
    return out
