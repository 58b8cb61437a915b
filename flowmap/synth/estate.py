"""The estate of a synthetic partnership: its systems and the information assets they hold.

Each organisation gets its sector's core systems and a share of endpoints (workstations,
servers, devices) with realistic operating systems, patching and exposure; then the
assets its sector holds, each on its core system and, often, a second one.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from flowmap.synth.model import (
    ASSET_TEMPLATES,
    SECTOR_INDEX,
    SECTOR_PROFILES,
    SYSTEM_TEMPLATES,
    Layout,
)
from flowmap.synth.sampling import (
    YES_NO,
    blank_where,
    cat,
    choose,
    date_strings,
    int_strings,
    numbered,
    scaled_counts,
)
from flowmap.synth.software import ESU_ELIGIBLE_OS, LEGACY_WINDOWS, OS_CHOICES

GAP = {
    "internet_facing": 0.02,
    "last_patched": 0.05,
    "owner": 0.08,
    "categories": 0.03,
    "identifiability": 0.05,
    "records": 0.04,
    "essential": 0.03,
    "retention": 0.06,
    "last_reviewed": 0.06,
    "recovery": 0.1,
}

UNPATCHED_SHARE = {"default": 0.12, "medical_device": 0.35}  # last patched > 60 days ago


LATE_PATCH_SHARE = 0.13  # last patched 31-60 days ago; the rest within 30 days


SECOND_HOME_SHARE = 0.6  # assets with a second holding system that list it


OS_KINDS_PATCHED = frozenset(
    {
        "server",
        "workstation",
        "database",
        "application",
        "storage",
        "backup_target",
        "network_device",
        "medical_device",
        "mobile",
    }
)


def synthesize_systems(
    rng: np.random.Generator, layout: Layout, as_of: dt.date
) -> dict[str, np.ndarray]:
    """The systems table's columns; records where each organisation's systems are."""
    n_orgs = len(layout.org_id)
    sector = layout.org_sector
    lo = np.array([p.systems[0] for p in SECTOR_PROFILES])[sector]
    hi = np.array([p.systems[1] for p in SECTOR_PROFILES])[sector]
    count = rng.integers(lo, hi + 1)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    total = int(count.sum())
    sys_org = np.repeat(np.arange(n_orgs), count)
    local = np.arange(total) - start[sys_org]
    sys_sector = sector[sys_org]
    n_core = np.array([len(p.core) for p in SECTOR_PROFILES])[sys_sector]
    templates = SYSTEM_TEMPLATES
    core_offset = np.array(
        [
            templates.index[(templates["sector"] == s) & templates["core"]][0]
            for s in range(len(SECTOR_PROFILES))
        ]
    )
    is_core = local < n_core
    tid = np.where(is_core, core_offset[sys_sector] + local, -1)
    for s in range(len(SECTOR_PROFILES)):  # endpoints: a weighted mix per sector
        rows = np.flatnonzero(~is_core & (sys_sector == s))
        if len(rows):
            ends = templates.index[(templates["sector"] == s) & ~templates["core"]].to_numpy()
            weights = templates.loc[ends, "weight"].to_numpy()
            tid[rows] = ends[rng.choice(len(ends), size=len(rows), p=weights / weights.sum())]
    t = {
        c: templates[c].to_numpy(dtype=object)[tid]
        for c in ("code", "name", "kind", "hosting", "criticality", "zone", "os", "internet_facing")
    }
    org = layout.org_id[sys_org]
    serial = local - n_core + 1
    width = max(4, len(str(int(hi.max()) if len(hi) else 0)))
    system_id = np.where(
        is_core, cat(org, "-", t["code"]), cat(org, "-", numbered(t["code"], serial, width))
    )
    name = np.where(is_core, t["name"], cat(t["name"], " ", numbered("", serial, width)))

    os_text = np.full(total, "", dtype=object)
    for group, (values, weights) in OS_CHOICES.items():
        rows = np.flatnonzero(t["os"] == group)
        os_text[rows] = choose(rng, values, weights, len(rows))

    zoned = np.array([p.zoned for p in SECTOR_PROFILES])[sys_sector]
    role = np.where(zoned, t["zone"], "default").astype(object)
    zone = cat(org, ":", role)

    kind = t["kind"]
    patchable = np.isin(kind, list(OS_KINDS_PATCHED)) & (t["os"] != "none")
    unpatched_share = np.where(
        kind == "medical_device", UNPATCHED_SHARE["medical_device"], UNPATCHED_SHARE["default"]
    )
    u = rng.random(total)
    days = np.where(
        u < unpatched_share,
        rng.integers(61, 900, total),
        np.where(
            u < unpatched_share + LATE_PATCH_SHARE,
            rng.integers(31, 61, total),
            rng.integers(0, 31, total),
        ),
    )
    last_patched = date_strings(as_of, days, ~patchable | (rng.random(total) < GAP["last_patched"]))

    eligible = np.isin(os_text, list(ESU_ELIGIBLE_OS))
    esu = np.where(
        eligible,
        choose(rng, YES_NO, (0.4, 0.55, 0.05), total),
        np.where(os_text == "", "", choose(rng, ("no", ""), (0.9, 0.1), total)),
    )

    supplier_pool = np.flatnonzero(layout.org_sector == SECTOR_INDEX["private"])
    supplier = np.full(total, "", dtype=object)
    supplied = templates["supplied"].to_numpy()[tid] & (len(supplier_pool) > 0)
    if supplied.any():
        share = 1.0 / (np.arange(len(supplier_pool)) + 1.0) ** 1.2  # a few suppliers dominate
        pick = rng.choice(len(supplier_pool), size=int(supplied.sum()), p=share / share.sum())
        supplier[supplied] = layout.org_id[supplier_pool[pick]]

    exposed = (t["internet_facing"] == "yes") | (kind == "saas")
    mfa = np.where(
        kind == "paper_store",
        "",
        np.where(
            exposed,
            choose(rng, YES_NO, (0.78, 0.14, 0.08), total),
            choose(rng, YES_NO, (0.45, 0.35, 0.2), total),
        ),
    )
    windows = np.char.startswith(os_text.astype(str), "Windows")
    legacy = np.isin(os_text, list(LEGACY_WINDOWS))
    smb1 = np.where(
        legacy,
        choose(rng, YES_NO, (0.45, 0.4, 0.15), total),
        np.where(
            windows,
            choose(rng, YES_NO, (0.04, 0.86, 0.1), total),
            np.where(os_text == "", "", "no"),
        ),
    )

    layout.sys_start, layout.sys_count, layout.sys_org = start, count, sys_org
    layout.sys_id, layout.sys_kind, layout.sys_hosting = system_id, kind, t["hosting"]
    return {
        "system_id": system_id,
        "name": name,
        "org_id": org,
        "kind": kind,
        "os": os_text,
        "zone": zone,
        "internet_facing": blank_where(
            t["internet_facing"], rng.random(total) < GAP["internet_facing"]
        ),
        "last_patched": last_patched,
        "esu": esu.astype(object),
        "hosting": t["hosting"],
        "supplier_org_id": supplier,
        "criticality": t["criticality"],
        "mfa": mfa.astype(object),
        "smb1": smb1.astype(object),
    }


def synthesize_assets(
    rng: np.random.Generator, layout: Layout, as_of: dt.date
) -> dict[str, np.ndarray]:
    """The assets table's columns; records where each organisation's assets are held."""
    sector = layout.org_sector
    lo = np.array([p.assets[0] for p in SECTOR_PROFILES])[sector]
    hi = np.array([p.assets[1] for p in SECTOR_PROFILES])[sector]
    count = rng.integers(lo, hi + 1)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    total = int(count.sum())
    asset_org = np.repeat(np.arange(len(sector)), count)
    local = np.arange(total) - start[asset_org]
    offset = np.array(
        [
            ASSET_TEMPLATES.index[ASSET_TEMPLATES["sector"] == s][0]
            for s in range(len(SECTOR_PROFILES))
        ]
    )
    tid = offset[sector[asset_org]] + local
    t = {c: ASSET_TEMPLATES[c].to_numpy()[tid] for c in ASSET_TEMPLATES.columns}
    org_start = layout.sys_start[asset_org]
    primary = org_start + t["system"].astype(np.int64)
    secondary = np.where(
        (t["secondary"] >= 0) & (rng.random(total) < SECOND_HOME_SHARE),
        org_start + t["secondary"].astype(np.int64),
        -1,
    )
    held = np.where(
        secondary >= 0,
        cat(layout.sys_id[primary], ";", layout.sys_id[np.maximum(secondary, 0)]),
        layout.sys_id[primary],
    )
    org = layout.org_id[asset_org]
    asset_id = cat("IA-", org, numbered("-", local + 1, 2))
    categories = t["categories"].astype(object)
    essential = t["essential"].astype(object)
    records = int_strings(scaled_counts(rng, t["records"].astype(float)))
    rto = np.where(
        essential == "yes",
        choose(rng, ("4", "8", "12", "24"), (1, 2, 1, 2), total),
        choose(rng, ("24", "72", "168"), (2, 2, 1), total),
    )
    rpo = np.where(
        essential == "yes",
        choose(rng, ("1", "4", "24"), (2, 2, 1), total),
        choose(rng, ("24", "72"), (3, 1), total),
    )

    def gap(name: str) -> np.ndarray:
        return rng.random(total) < GAP[name]

    layout.asset_start, layout.asset_count, layout.asset_org = start, count, asset_org
    layout.asset_id, layout.asset_system, layout.asset_secondary = asset_id, primary, secondary
    layout.asset_health = np.char.find(categories.astype(str), "special_health") >= 0
    layout.asset_corporate = t["identifiability"] == "aggregate"
    return {
        "asset_id": asset_id,
        "name": t["name"].astype(object),
        "org_id": org,
        "system_id": held,
        "owner": blank_where(t["owner"], gap("owner")),
        "data_categories": blank_where(categories, gap("categories")),
        "identifiability": blank_where(t["identifiability"], gap("identifiability")),
        "records": blank_where(records, gap("records")),
        "essential": blank_where(essential, gap("essential")),
        "retention_years": blank_where(t["retention"], gap("retention")),
        "last_reviewed": date_strings(as_of, rng.integers(0, 1000, total), gap("last_reviewed")),
        "rto_hours": blank_where(rto.astype(object), gap("recovery")),
        "rpo_hours": blank_where(rpo.astype(object), gap("recovery")),
    }


#: Share of cells left empty (unknown) in columns that real registers often leave blank.
