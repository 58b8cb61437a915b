"""Candidate security and governance actions, and applying them to an inventory.

An :class:`Action` is data: what to do (``kind``) to which subject. The candidates
are generated from an :class:`~flowmap.engine.analysis.Analysis` (one per weakness the
analysis found that an action can remove), and :func:`apply_actions` is a pure
function that returns a changed copy of the inventory, so the risk an action
removes can be measured by analysing the changed copy (``docs/planning.md``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.engine.rules.backups import ISOLATED
from flowmap.engine.settings import DEFAULT_SETTINGS
from flowmap.errors import UsageError
from flowmap.inventory.schema import ACTION_KINDS  # every action kind, in candidate order
from flowmap.planning.agreements import PAIR_ACTIONS as PAIR_KINDS
from flowmap.planning.agreements import pair_candidates

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Actions that change one system's own likelihood (and so only the edges into it).
SYSTEM_ACTIONS = frozenset(
    {
        "patch",
        "upgrade_os",
        "enrol_esu",
        "remove_exposure",
        "enforce_mfa",
        "add_waf",
        "disable_smb1",
    }
)
#: Actions that move systems between network zones (and so change the movement graph).
ZONE_ACTIONS = frozenset({"segment_zone", "isolate_system"})
#: Actions that change one flow.
FLOW_ACTIONS = frozenset({"encrypt_flow", "secure_transport", "pseudonymise_flow", "apply_opt_out"})
#: Actions that put paperwork in place between two organisations, for all their flows
#: (:mod:`flowmap.planning.agreements`).
PAIR_ACTIONS = frozenset(PAIR_KINDS)
BACKUP_ACTIONS = frozenset({"add_isolated_backup", "test_restore"})
#: A supported release of the same family for each end-of-life table product.
UPGRADE_TARGETS = {
    "windows": "Windows 11 Enterprise LTSC 2024",
    "windows-server": "Windows Server 2022",
    "windows-embedded": "Windows 11 IoT Enterprise LTSC 2024",
    "mssqlserver": "SQL Server 2022",
    "ubuntu": "Ubuntu 24.04",
    "rhel": "RHEL 9",
    "centos": "RHEL 9",
    "centos-stream": "RHEL 9",
    "debian": "Debian 13",
}
#: Products whose support after the regular period is free (Debian LTS, community-run:
#: https://wiki.debian.org/LTS): there is nothing to buy, so ``enrol_esu`` is never offered
#: (the end-of-life table counts such support as support where it records it).
FREE_EXTENSIONS = frozenset({"debian"})
#: Where a flow goes when it moves off an insecure transport.
SECURE_TRANSPORT = {"email": "secure_email", "fax": "secure_email", "removable_media": "sftp"}
PLANNED = "PLANNED"
VAULT_SUFFIX = "-VAULT"
SEGMENT_SUFFIX = ":workstations"
ISOLATED_PREFIX = "isolated-"
WAF_REF = "PLANNED-WAF"
DEFAULT_BACKUP_HOURS = 24.0
PHISHING_KINDS = DEFAULT_SETTINGS.phishing_kinds  # the devices segment_zone moves


@dataclass(frozen=True)
class Action:
    """One thing a budget could pay for, tied to its subject.

    Examples
    --------
    >>> a = Action("patch:S1", "patch", "system", "S1", "RXA", "Patch S1")
    >>> a.action_id, a.kind
    ('patch:S1', 'patch')
    """

    action_id: str
    kind: str
    subject_type: str  # system, zone, flow or backup
    subject_id: str
    org_id: str
    description: str


def make_action(
    kind: str, subject_type: str, subject_id: str, org_id: str, description: str
) -> Action:
    """An action with the stable id ``<kind>:<subject_id>``.

    >>> make_action("put_dsa", "agreement", "RVP+RXA", "RXA", "").action_id
    'put_dsa:RVP+RXA'
    """
    if kind not in ACTION_KINDS:
        raise UsageError(f"unknown action kind {kind!r}: use one of {', '.join(ACTION_KINDS)}.")
    return Action(f"{kind}:{subject_id}", kind, subject_type, subject_id, org_id, description)


# ------------------------------------------------------------------ candidates


def candidate_actions(analysis: Analysis) -> list[Action]:
    """Every action that would remove a weakness the analysis found.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> kinds = {c.kind for c in candidate_actions(a)}
    >>> {"patch", "segment_zone", "put_dsa", "test_restore"} <= kinds
    True
    """
    out: list[Action] = []
    out += _system_candidates(analysis)
    out += _isolation_candidates(analysis)
    out += _zone_candidates(analysis)
    out += _flow_candidates(analysis)
    out += [make_action(*c) for c in pair_candidates(analysis)]
    out += _backup_candidates(analysis)
    order = {k: i for i, k in enumerate(ACTION_KINDS)}
    return sorted(out, key=lambda a: (order[a.kind], a.subject_id))


def _system_candidates(analysis: Analysis) -> list[Action]:
    s = analysis.systems
    as_of = pd.Timestamp(analysis.as_of)
    out = []
    for r in s.itertuples(index=False):
        name = f"{r.name} ({r.system_id})"
        facing = r.internet_exposure != "no"  # unknown is read as reachable
        if r.p_vulnerabilities > 0 or r.p_patch_age > 0:
            what = (
                f"close {r.open_vulnerabilities} open vulnerabilit"
                f"{'y' if r.open_vulnerabilities == 1 else 'ies'}"
                + (f" ({r.open_kev} known-exploited)" if r.open_kev else "")
                + " and "
                if r.open_vulnerabilities
                else ""
            )
            out.append(
                make_action(
                    "patch",
                    "system",
                    r.system_id,
                    r.org_id,
                    f"Patch {name}: {what}bring its patching up to date.",
                )
            )
        if r.eol_status in ("eol", "eol_extended") and r.os_product in UPGRADE_TARGETS:
            out.append(
                make_action(
                    "upgrade_os",
                    "system",
                    r.system_id,
                    r.org_id,
                    f"Upgrade {name} from {r.os_label} to {UPGRADE_TARGETS[r.os_product]}.",
                )
            )
        if (
            r.eol_status == "eol"
            and pd.notna(r.extended_end)
            and r.extended_end >= as_of
            and not _yes(r.esu)
            and r.os_product not in FREE_EXTENSIONS
            and "free" not in str(r.extension).lower()
        ):
            out.append(
                make_action(
                    "enrol_esu",
                    "system",
                    r.system_id,
                    r.org_id,
                    f"Enrol {name} in paid extended security updates for "
                    f"{r.os_label} (an interim step until the upgrade).",
                )
            )
        if facing and not _yes(r.public_service):  # a service public by design stays public
            out.append(
                make_action(
                    "remove_exposure",
                    "system",
                    r.system_id,
                    r.org_id,
                    f"Take {name} off the internet (or behind a VPN)."
                    if r.internet_exposure == "yes"
                    else f"Confirm {name} cannot be reached from the internet (record it), "
                    "or put it behind a VPN.",
                )
            )
        if facing and not _yes(r.mfa):
            out.append(
                make_action(
                    "enforce_mfa",
                    "system",
                    r.system_id,
                    r.org_id,
                    f"Enforce multi-factor authentication on {name}.",
                )
            )
        if facing and _yes(r.public_service) and r.open_vulnerabilities:
            out.append(
                make_action(
                    "add_waf",
                    "system",
                    r.system_id,
                    r.org_id,
                    f"Put {name} behind a web application firewall (it must stay public): it "
                    f"shields the {r.open_vulnerabilities} open vulnerabilit"
                    f"{'y' if r.open_vulnerabilities == 1 else 'ies'} until they are patched.",
                )
            )
        if r.p_smb1 > 0:
            out.append(
                make_action(
                    "disable_smb1", "system", r.system_id, r.org_id, f"Disable SMBv1 on {name}."
                )
            )
    return out


def isolated_zone(org_id: str, system_id: str) -> str:
    """The zone an ``isolate_system`` action moves a system into: a segment of its own.

    >>> isolated_zone("RXA", "RXA-WEB-01")
    'RXA:isolated-RXA-WEB-01'
    """
    return f"{org_id}:{ISOLATED_PREFIX}{system_id}"


def _isolation_candidates(analysis: Analysis) -> list[Action]:
    """Internet-facing systems that share a zone, or whose zone links on: give each a
    segment of its own, so holding it no longer opens the way to anything but the
    systems it sends flows to."""
    s = analysis.systems
    links = analysis.inventory.zone_links
    linked = set(links["from_zone"]) | set(
        links.loc[links["bidirectional"] != False, "to_zone"]  # noqa: E712
    )
    members = s["zone"].value_counts()
    out = []
    for r in s[s["internet_exposure"] != "no"].itertuples(index=False):
        if members.get(r.zone, 0) < 2 and r.zone not in linked:
            continue  # already alone in a zone that leads nowhere
        public = " (it must stay public)" if _yes(r.public_service) else ""
        out.append(
            make_action(
                "isolate_system",
                "system",
                r.system_id,
                r.org_id,
                f"Move {r.name} ({r.system_id}){public} into a network segment of its own, "
                f"out of {r.zone}: nothing else reachable from it but the systems it sends "
                "recorded flows to.",
            )
        )
    return out


def _yes(value: object) -> bool:
    """A yes/no cell that is known and yes (unknown is not yes).

    >>> _yes(pd.NA), _yes(True), _yes(False)
    (False, True, False)
    """
    return value is not pd.NA and value is not None and bool(value)


def segment_members(systems: pd.DataFrame, zone: str, phishing_kinds: Iterable[str]) -> pd.Series:
    """Mask of the systems a ``segment_zone`` action moves out of ``zone``."""
    return (systems["zone"] == zone) & systems["kind"].isin(tuple(phishing_kinds))


def _zone_candidates(analysis: Analysis) -> list[Action]:
    s = analysis.systems
    phish = s["kind"].isin(analysis.settings.phishing_kinds).tolist()
    zones: dict[str, list[tuple[str, str, bool]]] = {}
    for zone, sid, org, device in zip(s["zone"], s["system_id"], s["org_id"], phish):
        zones.setdefault(zone, []).append((sid, org, device))
    out = []
    for zone in sorted(zones):
        members = zones[zone]
        moved = [(sid, org) for sid, org, device in members if device]
        if not moved or len(moved) == len(members) or zone.endswith(SEGMENT_SUFFIX):
            continue
        per_org: dict[str, int] = {}
        for _sid, org in moved:
            per_org[org] = per_org.get(org, 0) + 1
        org = max(sorted(per_org), key=lambda o: per_org[o])  # most devices; ties: first id
        rest = len(members) - len(moved)
        out.append(
            make_action(
                "segment_zone",
                "zone",
                zone,
                org,
                f"Segment zone {zone}: move its {len(moved)} end-user device"
                f"{'' if len(moved) == 1 else 's'} ({', '.join(sid for sid, _ in moved[:3])}"
                f"{', ...' if len(moved) > 3 else ''}) to a separate zone that cannot reach its "
                f"{rest} other system{'' if rest == 1 else 's'}.",
            )
        )
    return out


def _flow_candidates(analysis: Analysis) -> list[Action]:
    f = analysis.findings
    rules = {
        "FLOW_UNENCRYPTED": "encrypt_flow",
        "FLOW_INSECURE_TRANSPORT": "secure_transport",
        "FLOW_IDENTIFIABLE_SECONDARY_USE": "pseudonymise_flow",
        "FLOW_OPT_OUT_NOT_APPLIED": "apply_opt_out",
    }
    wanted = f["rule"].isin(list(rules))
    pairs = pd.DataFrame(
        {"kind": f.loc[wanted, "rule"].map(rules), "flow_id": f.loc[wanted, "subject_id"]}
    ).drop_duplicates()
    columns = ["transport", "asset_name", "sender_name", "receiver_name", "purpose"]
    flows = analysis.flows.set_index("flow_id")[[*columns, "sender_org_id"]]
    r = flows.reindex(pairs["flow_id"])
    keep = (pairs["kind"] != "secure_transport").to_numpy() | r["transport"].isin(
        list(SECURE_TRANSPORT)
    ).to_numpy()
    out = []
    for kind, flow_id, transport, asset, sender, receiver, purpose, org in zip(
        pairs["kind"][keep],
        pairs["flow_id"][keep],
        *(r[c][keep] for c in columns),
        r["sender_org_id"][keep],
    ):
        what = f"flow {flow_id} ({asset}, {sender} to {receiver})"
        if kind == "encrypt_flow":
            text = f"Encrypt {what} in transit."
        elif kind == "secure_transport":
            text = (
                f"Move {what} off {transport.replace('_', ' ')} to "
                f"{SECURE_TRANSPORT.get(transport, '').replace('_', ' ')}."
            )
        elif kind == "pseudonymise_flow":
            text = f"Pseudonymise {what} for {purpose}."
        else:
            text = f"Apply the national data opt-out to {what}."
        out.append(make_action(kind, "flow", flow_id, org, text))
    return out


def _backup_candidates(analysis: Analysis) -> list[Action]:
    f = analysis.findings
    inv = analysis.inventory
    b = inv.backups
    systems = analysis.systems.set_index("system_id")
    isolated = set(b.loc[b["isolation"].isin(ISOLATED), "source_system_id"])
    out = []
    need = f[f["rule"].isin(["BACKUP_MISSING", "BACKUP_NOT_ISOLATED"])]
    wanted = sorted({s for ev in need["evidence"] for s in ev.get("systems", [])} - isolated)
    for sid in wanted:
        out.append(
            make_action(
                "add_isolated_backup",
                "system",
                sid,
                systems.at[sid, "org_id"],
                f"Add an immutable (object-locked) backup of {systems.at[sid, 'name']} ({sid}).",
            )
        )
    untested = f[f["rule"] == "BACKUP_RESTORE_UNTESTED"]
    sources = {s for ev in untested["evidence"] for s in ev.get("systems", [])}
    recent = pd.Timestamp(analysis.as_of) - pd.DateOffset(
        months=analysis.settings.restore_test_months
    )
    tested = (b["restore_result"] == "pass") & (b["last_restore_test"] >= recent)
    for r in (
        b[b["source_system_id"].isin(sources) & ~tested.fillna(False)]
        .sort_values("backup_id")
        .itertuples(index=False)
    ):
        out.append(
            make_action(
                "test_restore",
                "backup",
                r.backup_id,
                systems.at[r.source_system_id, "org_id"],
                f"Test a full restore from backup {r.backup_id} of "
                f"{systems.at[r.source_system_id, 'name']} "
                f"({r.source_system_id}) and record the result.",
            )
        )
    return out


# ------------------------------------------------------------------ applying
