"""Synthetic data flows: who sends what to whom, how, and on what basis.

Two kinds of flow are generated, both vectorised over all organisations at once:

* **Sharing between organisations**, one :class:`Family` per real-world pattern
  (discharge summaries from trusts to practices, referrals back, safeguarding to
  councils and police, commissioning extracts to the ICB, research extracts,
  statutory returns, outsourced transcription...). Each organisation of the
  *anchor* sector draws a few partners of the other sector, from its own
  partnership unless the family is national; each pair then sends some of the
  family's assets from the system that holds them to one of the partner's
  receiving systems, under one data-sharing agreement per pair.
* **Flows inside an organisation**: every system receives a Poisson number of
  assets from the systems that hold them (the EPR feeding ward workstations, the
  integration engine feeding the warehouse...).

Every flow's asset is held on its source system, so the register and the flow
map agree. Transports, lawful bases, Article 9 conditions, confidentiality
bases, agreements and encryption follow a :class:`FlowProfile`, with the gaps and
weak spots real flow maps have (email and fax, empty lawful bases, expired or
missing agreements, transfers abroad without a mechanism).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from flowmap.synth.flow_families import (
    FAMILIES,
    HEALTH_CONDITION,
    LAWFUL_NON_PUBLIC,
    LAWFUL_PUBLIC,
    PROFILES,
    Family,
)
from flowmap.synth.model import (
    ASSET_POSITION,
    CORE_POSITION,
    PROFILE_BY_SECTOR,
    SECTOR_INDEX,
    SECTOR_PROFILES,
    Layout,
)
from flowmap.synth.sampling import (
    blank_where,
    choose,
    choose_map,
    date_strings,
    int_strings,
    numbered,
    scaled_counts,
)

#: Mean number of flows each system receives from inside its organisation, by kind.
INTERNAL_FLOWS_PER_SYSTEM = {
    "workstation": 22.0,
    "mobile": 10.0,
    "medical_device": 6.0,
    "server": 18.0,
    "application": 18.0,
    "database": 18.0,
    "saas": 8.0,
    "storage": 3.0,
    "paper_store": 3.0,
    "backup_target": 0.0,
    "network_device": 0.0,
}
INTERNAL_LOCAL = {
    "internal": 0.8,
    "api": 0.1,
    "sftp": 0.03,
    "email": 0.03,
    "removable_media": 0.02,
    "other": 0.02,
}
INTERNAL_REMOTE = {
    "api": 0.45,
    "hscn": 0.25,
    "internal": 0.15,
    "web_upload": 0.1,
    "email": 0.03,
    "cloud_share": 0.02,
}
INTERNAL_RECORDS = 5000  # typical records per year of a flow inside an organisation
INTERNAL_FREQUENCY = {"realtime": 0.5, "daily": 0.35, "weekly": 0.1, "adhoc": 0.05}
#: Chance a flow is encrypted in transit, by transport (paper: not applicable).
ENCRYPTED_SHARE = {
    "hscn": 0.95,
    "api": 0.97,
    "sftp": 1.0,
    "nhsmail": 1.0,
    "secure_email": 1.0,
    "email": 0.15,
    "web_upload": 0.97,
    "cloud_share": 0.92,
    "removable_media": 0.6,
    "paper": -1.0,
    "fax": 0.0,
    "internal": 0.8,
    "other": 0.5,
}
ENCRYPTED_UNKNOWN = 0.04
SECONDARY_SOURCE = 0.25  # share of flows sent from an asset's second holding system
DSA = {"missing": 0.08, "expired": 0.12, "no_expiry": 0.05}
S251_REFS = (
    "CAG 7-07(a)(b)(c)/2013",
    "CAG 8-03(PR11)/2012",
    "20/CAG/0090",
    "21/CAG/0167",
    "ECC 5-05(a)/2012",
    "",
)
DESTINATIONS = {"": 0.8, "GB": 0.08, "US": 0.05, "IE": 0.04, "IN": 0.03}
MECHANISMS = {
    "US": {"adequacy": 0.5, "idta": 0.3, "": 0.2},
    "IE": {"adequacy": 0.9, "": 0.1},
    "IN": {"idta": 0.6, "scc_addendum": 0.2, "": 0.2},
}
RECORDS_GAP = 0.06


def synthesize_flows(
    rng: np.random.Generator, layout: Layout, as_of: dt.date
) -> dict[str, np.ndarray]:
    """All flows of the inventory, as columns of the flows table.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator the whole inventory is drawn from.
    layout : Layout
        Organisations, systems and assets already generated.
    as_of : date
        The inventory's "today" (agreements expire before or after it).
    """
    parts = []
    agreements = 0  # agreements are numbered across all families
    for family in FAMILIES:
        columns, pairs = _family_flows(rng, layout, family, as_of, agreements)
        parts.append(columns)
        agreements += pairs
    parts.append(_internal_flows(rng, layout))
    columns = {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}
    n = len(columns["asset_id"])
    columns["flow_id"] = numbered("F-", np.arange(1, n + 1), max(6, len(str(n))))
    return columns


def _pairs(
    rng: np.random.Generator, layout: Layout, family: Family
) -> tuple[np.ndarray, np.ndarray]:
    """(source org, target org) pairs for a family, one row per distinct pair."""
    anchor_sector = family.source if family.anchor == "source" else family.target
    other_sector = family.target if family.anchor == "source" else family.source
    anchors = np.flatnonzero(layout.org_sector == SECTOR_INDEX[anchor_sector])
    pool = np.flatnonzero(layout.org_sector == SECTOR_INDEX[other_sector])
    if not len(anchors) or not len(pool):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lo, hi = family.partners
    anchor = np.repeat(anchors, rng.integers(lo, hi + 1, len(anchors)))
    u = rng.random(len(anchor))
    pick = (u * len(pool)).astype(np.int64)  # national: anyone
    if not family.national:
        pool = pool[np.argsort(layout.org_region[pool], kind="stable")]
        region_of = layout.org_region[pool]
        regions = np.arange(layout.n_regions)
        first = np.searchsorted(region_of, regions, side="left")
        size = np.searchsorted(region_of, regions, side="right") - first
        r = layout.org_region[anchor]
        pick = np.where(size[r] > 0, first[r] + (u * size[r]).astype(np.int64), pick)
    partner = pool[pick]
    keep = anchor != partner
    n = len(layout.org_id)
    key = np.unique(anchor[keep] * n + partner[keep])
    anchor, partner = key // n, key % n
    return (anchor, partner) if family.anchor == "source" else (partner, anchor)


def _family_flows(
    rng: np.random.Generator, layout: Layout, family: Family, as_of: dt.date, agreements: int
) -> tuple[dict[str, np.ndarray], int]:
    """A family's flows, and how many pairs (agreements) it used."""
    src_org, tgt_org = _pairs(rng, layout, family)
    n_pairs = len(src_org)
    source_index = SECTOR_INDEX[family.source]
    target_index = SECTOR_INDEX[family.target]
    receivers = np.array(
        [CORE_POSITION[target_index][c] for c in PROFILE_BY_SECTOR[family.target].receivers]
    )
    dsa = _agreements(rng, np.arange(agreements + 1, agreements + n_pairs + 1), as_of)
    asset_parts, pair_parts = [], []
    for code in family.assets:
        position = ASSET_POSITION[source_index][code]
        sends = (position < layout.asset_count[src_org]) & (rng.random(n_pairs) < family.share)
        pair_parts.append(np.flatnonzero(sends))
        asset_parts.append(layout.asset_start[src_org[sends]] + position)
    pair = np.concatenate(pair_parts) if pair_parts else np.zeros(0, np.int64)
    asset = np.concatenate(asset_parts) if asset_parts else np.zeros(0, np.int64)
    n = len(asset)
    source = _source_system(rng, layout, asset)
    target = layout.sys_start[tgt_org[pair]] + receivers[rng.integers(0, len(receivers), n)]
    profile = PROFILES[family.profile]
    public = PROFILE_BY_SECTOR[family.source].public
    lawful = profile.lawful if public else LAWFUL_NON_PUBLIC
    columns = _columns(
        rng,
        layout,
        asset,
        source,
        target,
        choose_map(rng, profile.transports, n),
        choose_map(rng, lawful, n),
        choose_map(rng, profile.special, n),
        choose_map(rng, profile.frequency, n),
        profile.records,
    )
    confidentiality = choose_map(rng, profile.confidentiality, n)
    columns["purpose"] = np.full(n, profile.purpose, dtype=object)
    columns["confidentiality_basis"] = confidentiality
    columns["s251_ref"] = np.where(
        confidentiality == "s251", choose(rng, S251_REFS, (1, 1, 1, 1, 1, 0.8), n), ""
    )
    columns["s251_ref"] = columns["s251_ref"].astype(object)
    columns["dsa_ref"] = dsa["dsa_ref"][pair]
    columns["dsa_expires"] = dsa["dsa_expires"][pair]
    columns["identifiability"] = blank_where(
        choose(rng, *zip(*profile.identifiability), n), layout.asset_corporate[asset]
    )
    columns["opt_out_applied"] = choose(rng, *zip(*profile.opt_out), n)
    if profile.abroad:
        country = choose_map(rng, DESTINATIONS, n)
        mechanism = np.full(n, "", dtype=object)
        for place, weights in MECHANISMS.items():
            rows = np.flatnonzero(country == place)
            mechanism[rows] = choose_map(rng, weights, len(rows))
        columns["destination_country"], columns["transfer_mechanism"] = country, mechanism
    return columns, n_pairs


def _agreements(
    rng: np.random.Generator, serial: np.ndarray, as_of: dt.date
) -> dict[str, np.ndarray]:
    """One data-sharing agreement per pair: some missing, some expired, some open-ended."""
    n = len(serial)
    u = rng.random(n)
    missing = u < DSA["missing"]
    expired = (u >= DSA["missing"]) & (u < DSA["missing"] + DSA["expired"])
    days_before = np.where(expired, rng.integers(1, 700, n), -rng.integers(1, 1100, n))
    no_expiry = missing | (rng.random(n) < DSA["no_expiry"])
    expiry = np.datetime64(as_of, "D") - days_before.astype("timedelta64[D]")
    expiry_year = expiry.astype("datetime64[Y]").astype(np.int64) + 1970
    signed = np.minimum(expiry_year - rng.integers(2, 4, n), as_of.year)  # 2-3 year terms
    prefix = np.char.add(np.char.add("DSA-", signed.astype(str)), "-")
    refs = numbered(prefix, serial, 4)
    return {
        "dsa_ref": blank_where(refs, missing),
        "dsa_expires": date_strings(as_of, days_before, no_expiry),
    }


def _source_system(rng: np.random.Generator, layout: Layout, asset: np.ndarray) -> np.ndarray:
    """The system an asset is sent from: where it is held (sometimes its second home)."""
    secondary = layout.asset_secondary[asset]
    use_second = (secondary >= 0) & (rng.random(len(asset)) < SECONDARY_SOURCE)
    return np.where(use_second, secondary, layout.asset_system[asset])


def _columns(
    rng: np.random.Generator,
    layout: Layout,
    asset: np.ndarray,
    source: np.ndarray,
    target: np.ndarray,
    transport: np.ndarray,
    lawful: np.ndarray,
    special: np.ndarray,
    frequency: np.ndarray,
    records: int,
) -> dict[str, np.ndarray]:
    """The columns every flow has; encryption follows the transport."""
    n = len(asset)
    names = list(ENCRYPTED_SHARE)
    code = pd.Categorical(transport, categories=names).codes
    share = np.array(list(ENCRYPTED_SHARE.values()))[code]
    encrypted = np.where(rng.random(n) < share, "yes", "no").astype(object)
    encrypted[(share < 0) | (rng.random(n) < ENCRYPTED_UNKNOWN)] = ""
    volume = int_strings(scaled_counts(rng, np.full(n, float(records)), sigma=1.0))
    blank = np.full(n, "", dtype=object)
    return {
        "asset_id": layout.asset_id[asset],
        "source_system_id": layout.sys_id[source],
        "target_system_id": layout.sys_id[target],
        "transport": transport,
        "encrypted": encrypted,
        "purpose": blank,
        "lawful_basis": lawful,
        "special_condition": special,
        "confidentiality_basis": blank,
        "s251_ref": blank,
        "dsa_ref": blank,
        "dsa_expires": blank,
        "opt_out_applied": blank,
        "identifiability": blank,
        "records_per_year": blank_where(volume, rng.random(n) < RECORDS_GAP),
        "frequency": frequency,
        "destination_country": choose(rng, ("", "GB"), (0.9, 0.1), n),
        "transfer_mechanism": blank,
    }


def _internal_flows(rng: np.random.Generator, layout: Layout) -> dict[str, np.ndarray]:
    """Flows between the systems of one organisation: each system receives a few assets."""
    rate = pd.Series(layout.sys_kind).map(INTERNAL_FLOWS_PER_SYSTEM).fillna(0.0).to_numpy(float)
    target = np.repeat(np.arange(len(layout.sys_id)), rng.poisson(rate))
    org = layout.sys_org[target]
    asset = layout.asset_start[org] + (rng.random(len(target)) * layout.asset_count[org]).astype(
        np.int64
    )
    source = _source_system(rng, layout, asset)
    keep = source != target
    asset, source, target = asset[keep], source[keep], target[keep]
    n_sys = len(layout.sys_id)
    second = source != layout.asset_system[asset]
    key = (asset * 2 + second) * n_sys + target
    _, first = np.unique(key, return_index=True)  # one flow per asset, source and target
    first.sort()
    asset, source, target = asset[first], source[first], target[first]
    n = len(asset)

    remote = layout.sys_hosting[source] != "on_premises"
    transport = np.where(
        remote, choose_map(rng, INTERNAL_REMOTE, n), choose_map(rng, INTERNAL_LOCAL, n)
    ).astype(object)
    transport[layout.sys_kind[target] == "paper_store"] = "paper"
    sector = layout.org_sector[layout.sys_org[source]]
    public = np.array([p.public for p in SECTOR_PROFILES])[sector]
    lawful = np.where(
        public, choose_map(rng, LAWFUL_PUBLIC, n), choose_map(rng, LAWFUL_NON_PUBLIC, n)
    ).astype(object)
    health = layout.asset_health[asset]
    corporate = layout.asset_corporate[asset]
    special = np.where(health, choose_map(rng, HEALTH_CONDITION, n), "").astype(object)
    columns = _columns(
        rng,
        layout,
        asset,
        source,
        target,
        transport,
        lawful,
        special,
        choose_map(rng, INTERNAL_FREQUENCY, n),
        INTERNAL_RECORDS,
    )
    columns["purpose"] = np.where(
        health,
        choose(rng, ("direct_care", "administration"), (0.85, 0.15), n),
        np.where(
            corporate,
            "administration",
            choose(rng, ("administration", "direct_care"), (0.6, 0.4), n),
        ),
    ).astype(object)
    columns["confidentiality_basis"] = np.where(
        corporate,
        "not_confidential",
        np.where(
            health,
            choose(rng, ("implied_consent", ""), (0.93, 0.07), n),
            choose(rng, ("implied_consent", "not_confidential", ""), (0.6, 0.3, 0.1), n),
        ),
    ).astype(object)
    columns["destination_country"] = np.full(n, "", dtype=object)
    return columns
