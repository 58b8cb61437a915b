"""One processing activity's record: every field of the record of processing activities,
filled from the inventory and the analysis, or marked as a gap.

Works on plain dictionaries looked up once (:class:`Tables`), so a region's record
costs microseconds per activity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.governance.law import (
    ARTICLE6,
    ARTICLE9,
    NEEDS_SCHEDULE1,
    article6_codes,
    article9_codes,
    is_special,
    schedule1_paragraphs,
)
from flowmap.governance.ropa_text import (
    NOT_RECORDED,
    WORDS,
    backup_security,
    day,
    gap,
    not_applicable,
    rights,
    system_security,
    transit_security,
    words,
)
from flowmap.governance.screening import dpia_screening

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

UK = frozenset({"GB", "UK", "GBR", "UNITED KINGDOM", ""})
SPECIAL = ("special_health", "special_other", "criminal_offence")
HOSTING = {"on_premises": "on premises", "cloud": "cloud", "third_party": "third party"}


@dataclass
class Tables:
    """The analysis's tables as dictionaries, built once for every activity to read."""

    as_of: pd.Timestamp
    orgs: dict[str, dict]
    assets: dict[str, dict]
    systems: dict[str, dict]
    flows: list[dict]
    copies: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    backups: dict[str, list[dict]] = field(default_factory=dict)
    register: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, analysis: Analysis, flows: pd.DataFrame, *, org: str | None = None) -> Tables:
        """The tables an activity reads (``org``: only what that organisation's need)."""
        copies: dict = defaultdict(list)
        c = analysis.copies
        assets, systems = analysis.assets, analysis.systems
        backup_rows = analysis.inventory.backups
        if org is not None:
            # an organisation's activities read its own copies and register entries, the
            # systems those copies are on (and their backups), and the assets of its own
            # register and of its flows: the rest of a region is left out
            c = c[c["org_id"] == org]
            held = set(c["system_id"])
            systems = systems[systems["system_id"].isin(held)]
            backup_rows = backup_rows[backup_rows["source_system_id"].isin(held)]
            assets = assets[(assets["org_id"] == org) | assets["asset_id"].isin(flows["asset_id"])]
        for asset_id, org_id, system_id, how in zip(
            c["asset_id"], c["org_id"], c["system_id"], c["how"]
        ):
            copies[(asset_id, org_id)].append((system_id, how))
        backups: dict = defaultdict(list)
        for b in backup_rows.to_dict("records"):
            backups[b["source_system_id"]].append(b)
        register: dict = defaultdict(list)  # (org, system) -> the org's assets held there
        for a in assets.itertuples(index=False):
            for s in a.system_id:
                register[(a.org_id, s)].append(a.asset_id)
        return cls(
            as_of=pd.Timestamp(analysis.as_of),
            orgs={o["org_id"]: o for o in analysis.inventory.organisations.to_dict("records")},
            assets={a["asset_id"]: a for a in assets.to_dict("records")},
            systems={s["system_id"]: s for s in systems.to_dict("records")},
            flows=flows.to_dict("records"),
            copies=dict(copies),
            backups=dict(backups),
            register=dict(register),
        )


@dataclass
class Activity:
    """An asset held by one organisation for one purpose, with the flows that carry it."""

    org_id: str
    asset_id: str
    purpose: str
    outgoing: list[dict]
    incoming: list[dict]


def _distinct(values) -> list[str]:
    return list(dict.fromkeys(str(v) for v in values if isinstance(v, str) and v.strip()))


def activity_record(t: Tables, act: Activity) -> dict[str, str]:
    """Every field of one activity (keys of :data:`~flowmap.governance.ropa_columns.FIELDS`)."""
    a = t.assets[act.asset_id]
    org = t.orgs[act.org_id]
    own = act.org_id == a["org_id"]
    flows = act.outgoing + act.incoming
    senders = _distinct(f["sender_name"] for f in act.incoming)
    purpose_words = WORDS.get(act.purpose, act.purpose)
    here = t.copies.get((act.asset_id, act.org_id), [])
    held = list(dict.fromkeys(s for s, _ in here if s in t.systems))
    # a copy received into a system holds it in the receiver's own register entry there
    host = (
        None
        if own
        else next((t.assets[h] for s in held for h in t.register.get((act.org_id, s), ())), None)
    )
    record_of = a if own else host
    r: dict[str, str] = {
        "org_id": act.org_id,
        "controller": org["name"],
        "role": "controller"
        if own
        else "controller of a copy received from "
        + (", ".join(senders) or t.orgs[a["org_id"]]["name"]),
        "activity_id": f"{act.org_id}:{act.asset_id}:{act.purpose or 'purpose_not_recorded'}",
        "asset_id": act.asset_id,
        "asset": a["name"],
    }
    r["purpose"] = (
        f"{purpose_words[0].upper()}{purpose_words[1:]}: {a['name']}"
        if act.purpose
        else gap("assets.purposes")
    )
    r["data_subjects"] = words(a["data_subjects"]) or gap("assets.data_subjects")
    r["data_categories"] = words(a["data_categories"]) or gap("assets.data_categories")
    special = [c for c in a["data_categories"] if c in SPECIAL]
    if special:
        r["sensitive"] = f"{words(special)}, held for {purpose_words or 'a purpose not recorded'}"
    elif a["data_categories"]:
        r["sensitive"] = "None: no special category or criminal offence data"
    else:
        r["sensitive"] = gap("assets.data_categories")
    r.update(_recipients(t, act, held))
    r.update(_transfers(act.outgoing))
    note = (
        ""
        if own or host is None
        else f" (from {host['name']}, {host['asset_id']}, the "
        "register entry of the system it is received into)"
    )
    register = "" if own else f"add the data {org['name']} receives to its asset register "
    r.update(_retention(record_of, register, note))
    r["security"] = _security(t, held, flows)
    r.update(_bases(a, own, act, flows))
    r["source"] = (
        f"Received from {', '.join(senders)} ({', '.join(f['flow_id'] for f in act.incoming)})"
        if act.incoming
        else NOT_RECORDED
    )
    r["location"] = "; ".join(
        f"{t.systems[s]['name']} ({s}, {how}, "
        f"{HOSTING.get(t.systems[s]['hosting'], 'hosting not recorded')})"
        for s, how in here
        if s in t.systems
    ) or gap("assets.system_id")
    r["systems"] = "; ".join(_system_words(t.systems[s]) for s in held) or gap("assets.system_id")
    r["support"] = _support(t, held, act.org_id)
    owner = (record_of or {}).get("owner", "")
    r["owner"] = (
        owner + note if owner else gap("assets.owner" if own else register + "(assets.owner)")
    )
    r["impact"] = _impact(a, own, act.incoming)
    r["agreements"] = _agreements(t, flows)
    r.update(_dpia(a, record_of, register, note))
    r["business_function"] = NOT_RECORDED
    r["joint_controller"] = NOT_RECORDED
    r["automated_decisions"] = NOT_RECORDED
    r["breach"] = "Not recorded in flowmap: see the incident log"
    r["retention_policy"] = NOT_RECORDED
    return r


def _system_words(s: dict) -> str:
    kind = WORDS.get(s["kind"], s["kind"].replace("_", " "))
    return f"{s['name']} ({kind}" + (f", {s['os']}" if s["os"] else "") + ")"


def _recipients(t: Tables, act: Activity, held: list[str]) -> dict[str, str]:
    by_receiver: dict[str, list[dict]] = defaultdict(list)
    for f in act.outgoing:
        by_receiver[f["receiver_name"]].append(f)
    parts, sectors = [], []
    for receiver in sorted(by_receiver):
        group = by_receiver[receiver]
        sector = WORDS.get(group[0]["receiver_sector"], group[0]["receiver_sector"])
        sectors.append(sector)
        parts.append(f"{receiver} ({sector}): {', '.join(f['flow_id'] for f in group)}")
    suppliers = sorted({t.systems[s]["supplier_org_id"] for s in held} - {"", act.org_id})
    for sup in suppliers:
        name = t.orgs.get(sup, {}).get("name", sup)
        parts.append(f"{name} (processor: runs or hosts its systems)")
    if suppliers:
        sectors.append("processors (IT suppliers)")
    none = "None recorded: the data-flow map shows no flow of it out of the organisation"
    contracts = []
    for s in held:
        sys = t.systems[s]
        sup = sys["supplier_org_id"]
        if sup in ("", act.org_id):
            continue
        name = t.orgs.get(sup, {}).get("name", sup)
        if sys.get("contract_ref"):
            end = day(sys.get("contract_expires"))
            contracts.append(
                f"{name}: {sys['contract_ref']}" + (f" (ends {end})" if end else "") + f" for {s}"
            )
        else:
            contracts.append(gap(f"systems.contract_ref for {s}, run by {name}"))
    return {
        "recipients": "; ".join(parts) or none,
        "recipient_categories": ", ".join(dict.fromkeys(sectors)) or none,
        "processors": "; ".join(contracts) or not_applicable("no processor runs its systems"),
    }


def _transfers(out: list[dict]) -> dict[str, str]:
    abroad = [f for f in out if str(f["destination_country"] or "").upper() not in UK]
    if not abroad:
        return {
            "transfers": "None: every recipient in the data-flow map is in the UK",
            "transfer_safeguards": not_applicable("no transfer outside the UK"),
        }
    places = [
        f"{f['destination_country'].upper()} ({f['flow_id']} to {f['receiver_name']})"
        for f in abroad
    ]
    safeguards = [
        f"{f['flow_id']}: {f['transfer_mechanism'].replace('_', ' ')}"
        if f["transfer_mechanism"]
        else gap(f"flows.transfer_mechanism for {f['flow_id']}")
        for f in abroad
    ]
    return {"transfers": "; ".join(places), "transfer_safeguards": "; ".join(safeguards)}


def _retention(a: dict | None, register: str, note: str) -> dict[str, str]:
    if a is None:
        missing = gap(register + "with its retention (assets.retention_years)")
        return {
            "retention": missing,
            "retention_followed": missing,
            "retention_reasons": NOT_RECORDED,
        }
    years, followed = a["retention_years"], a["retention_followed"]
    return {
        "retention": f"{years:g} years{note}" if pd.notna(years) else gap("assets.retention_years"),
        "retention_followed": "Yes"
        if followed is True
        else "No"
        if followed is False
        else gap("assets.retention_followed"),
        "retention_reasons": "Not recorded: say why it is kept longer"
        if followed is False
        else not_applicable("kept in line with the schedule")
        if followed is True
        else NOT_RECORDED,
    }


def _security(t: Tables, held: list[str], flows: list[dict]) -> str:
    if not held:
        return gap("assets.system_id")
    systems = "; ".join(system_security({**t.systems[s], "system_id": s}) for s in held)
    backups = [b for s in held for b in t.backups.get(s, ())]
    parts = [f"Systems: {systems}.", backup_security(backups), transit_security(flows)]
    return " ".join(p for p in parts if p)


def _support(t: Tables, held: list[str], org_id: str) -> str:
    parts = []
    for s in held:
        sys = t.systems[s]
        sup = sys["supplier_org_id"]
        if sup and sup != org_id:
            parts.append(f"{s}: supported by {t.orgs.get(sup, {}).get('name', sup)}")
        elif sys["hosting"] == "on_premises":
            parts.append(f"{s}: run in-house")
        else:
            parts.append(gap(f"systems.supplier_org_id for {s}"))
    return "; ".join(parts) or gap("assets.system_id")


def _impact(a: dict, own: bool, incoming: list[dict]) -> str:
    essential = {True: "yes", False: "no"}.get(a["essential"], "not recorded")
    whole = (
        f"impact {a['impact']:.0f} out of 100 (band {int(a['impact_band'])} of 5), "
        + (
            f"{int(a['records']):,} people or records"
            if pd.notna(a["records"])
            else "records not recorded"
        )
        + f", essential to care: {essential}"
    )
    if own:
        return whole[0].upper() + whole[1:]
    per_year = [f["records_per_year"] for f in incoming if pd.notna(f["records_per_year"])]
    received = (
        f"about {sum(per_year):,} records a year received"
        if per_year
        else "records received a year not recorded"
    )
    return f"{received[0].upper()}{received[1:]}; the whole source asset: {whole}"


def _bases(a: dict, own: bool, act: Activity, flows: list[dict]) -> dict:
    mine = own and (act.purpose in (a["purposes"] or ()) or not flows)
    take = [a] if mine else []
    art6 = _distinct(x["lawful_basis"] for x in take + flows)
    art9 = _distinct(x["special_condition"] for x in take + flows)
    cl = _distinct(x["confidentiality_basis"] for x in take + flows)
    codes = list(dict.fromkeys(c for text in art6 for c in article6_codes(text)))
    ids = ", ".join(f["flow_id"] for f in act.incoming)

    def collect(column: str) -> str:
        return f"assets.{column} or flows.{column}" if own else f"flows.{column} ({ids})"

    r = {
        "lawful_basis": "; ".join(f"{c} {ARTICLE6[c]}" for c in codes)
        or "; ".join(art6)
        or gap(collect("lawful_basis")),
        "rights": rights(codes) or NOT_RECORDED,
        "legitimate_interests": "Relied on (6(1)(f)): record the interests"
        if "6(1)(f)" in codes
        else not_applicable("legitimate interests are not relied on"),
        "lia_record": NOT_RECORDED
        if "6(1)(f)" in codes
        else not_applicable("legitimate interests are not relied on"),
        "consent_record": NOT_RECORDED
        if "6(1)(a)" in codes or "explicit_consent" in cl
        else not_applicable("consent is not the basis"),
    }
    condition = collect("special_condition")
    if not is_special(a["data_categories"]):
        none = not_applicable("no special category or criminal offence data")
        r.update(special_condition=none, schedule1=none)
    else:
        nine_words = [f"{c} {ARTICLE9[c]}" for text in art9 for c in article9_codes(text)]
        r["special_condition"] = (
            "; ".join(dict.fromkeys(nine_words)) or "; ".join(art9) or gap(condition)
        )
        paras = _distinct(p for text in art9 for p in schedule1_paragraphs(text))
        nine = list(dict.fromkeys(c for text in art9 for c in article9_codes(text)))
        needs = [c for c in nine if c in NEEDS_SCHEDULE1]
        if paras:
            r["schedule1"] = "; ".join(f"Sch 1 para {p}" for p in paras)
        elif needs:
            r["schedule1"] = gap(f"add {NEEDS_SCHEDULE1[needs[0]]} to {needs[0]} in {condition}")
        elif nine:
            r["schedule1"] = not_applicable(f"{', '.join(nine)} needs no Schedule 1 condition")
        else:
            r["schedule1"] = gap(condition)
    confidential = "special_health" in a["data_categories"] or bool(
        {"patients", "service_users"} & set(a["data_subjects"] or ())
    )
    if cl:
        r["common_law"] = words(cl)
    elif confidential:
        r["common_law"] = gap(collect("confidentiality_basis"))
    else:
        r["common_law"] = not_applicable("not confidential patient or service-user information")
    return r


def _agreements(t: Tables, flows: list[dict]) -> str:
    between = [f for f in flows if f["sender_org_id"] != f["receiver_org_id"]]
    if not between:
        return not_applicable("no sharing with other organisations recorded")
    by_ref: dict[str, list[dict]] = defaultdict(list)
    for f in between:
        if f["dsa_ref"]:
            by_ref[f["dsa_ref"]].append(f)
    parts = []
    for ref in sorted(by_ref):
        group = by_ref[ref]
        ends = [f["dsa_expires"] for f in group if not pd.isna(f["dsa_expires"])]
        end = min(ends) if ends else None
        when = (
            f"EXPIRED {day(end)}"
            if end is not None and end < t.as_of
            else f"ends {day(end)}"
            if end is not None
            else "end date not recorded"
        )
        parts.append(f"{ref} ({when}; {', '.join(f['flow_id'] for f in group)})")
    for f in between:
        if not f["dsa_ref"] and f.get("agreement_level") in ("required", "expected"):
            parts.append(
                gap(
                    f"flows.dsa_ref: {f['flow_id']} to {f['receiver_name']} should be "
                    "under an agreement"
                )
            )
    return "; ".join(parts) or (
        "None recorded; none expected (individual care between "
        "health and care bodies, or one-off sharing)"
    )


def _dpia(a: dict, record_of: dict | None, register: str, note: str) -> dict[str, str]:
    status = (record_of or {}).get("dpia_status", "")
    if status:
        ref = record_of.get("dpia_ref", "")
        return {
            "dpia_required": ("No" if status == "not_required" else "Yes") + note,
            "dpia_progress": words(status),
            "dpia_link": ref or NOT_RECORDED,
        }
    s = dpia_screening(
        categories=tuple(a["data_categories"]),
        data_subjects=tuple(a["data_subjects"] or ()),
        identifiability=a["identifiability"],
        people=None if pd.isna(a["records"]) else int(a["records"]),
    )
    screening = f" Screening: {s.level.replace('_', ' ')} ({s.reason.split(':')[0]})."
    where = "assets.dpia_status" if not register else register + "(assets.dpia_status)"
    return {
        "dpia_required": gap(where) + screening,
        "dpia_progress": NOT_RECORDED,
        "dpia_link": NOT_RECORDED,
    }
