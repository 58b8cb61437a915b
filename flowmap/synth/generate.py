"""Synthetic inventories of any size: ``flowmap synth --orgs N --seed S --out DIR``.

The model
---------
A synthetic inventory is a health-and-care partnership of ``orgs`` organisations,
split between sectors in fixed shares (GP practices about 55%, social care
providers 20%, voluntary 6%, local authorities and suppliers 4% each, NHS trusts
3%, research 2%, ICBs, police and fire about 1% each; at least one trust, ICB and
supplier whenever there is room). Organisations are dealt round-robin into
partnerships, one per ICB, and most data sharing stays inside a partnership.

Each organisation runs its sector's *core* systems (a trust's EPR, PAS, LIMS,
PACS...; a practice's supplier-hosted clinical system...) followed by *endpoints*
(workstations, medical devices, phones, extra servers) up to a size drawn for the
sector: trusts 150-400 systems, practices 8-15, care providers 3-8, councils
60-150. Supplier-run systems name a supplier organisation (a few suppliers carry
most of the market). Larger organisations have ``clinical``, ``admin``,
``servers`` and ``dmz`` zones, linked inside the organisation only; small ones
have one default zone. Information assets come from a sector catalogue, each held
on the core system that holds it in real life. Flows (:mod:`flowmap.synth.flows`)
carry an asset from a system that holds it, inside an organisation or between
sectors that really share data. Backups cover most important on-premises
systems, vulnerabilities a share of systems, with the gaps real registers have:
empty cells, end-of-life and unpatched systems, untested backups, expired
agreements.

Everything is drawn from one ``numpy.random.default_rng(seed)`` with vectorised
operations, so the same seed gives the same inventory (byte-identical CSV files)
and the cost grows linearly with ``orgs``. The output is valid by construction:
:func:`flowmap.inventory.validate` reports no errors and no warnings for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from flowmap.errors import UsageError
from flowmap.inventory.schema import DSPT_STATUSES, TABLES
from flowmap.synth.flows import synthesize_flows
from flowmap.synth.model import (
    ASSET_TEMPLATES, GP_LETTERS, GUARANTEED_SECTORS, PLACE_ENDINGS, PLACE_STEMS, SECTOR_INDEX,
    SECTOR_PROFILES, SYSTEM_TEMPLATES, Layout,
)
from flowmap.synth.sampling import (
    YES_NO, blank_where, cat, choose, date_strings, int_strings, numbered, scaled_counts,
)
from flowmap.synth.security import (
    synthesize_backups, synthesize_vulnerabilities, synthesize_zone_links,
)
from flowmap.synth.software import ESU_ELIGIBLE_OS, LEGACY_WINDOWS, OS_CHOICES

DEFAULT_AS_OF = dt.date(2026, 11, 1)
#: Share of cells left empty (unknown) in columns that real registers often leave blank.
GAP = {"internet_facing": 0.02, "last_patched": 0.05, "owner": 0.08, "categories": 0.03,
       "identifiability": 0.05, "records": 0.04, "essential": 0.03, "retention": 0.06,
       "last_reviewed": 0.06, "recovery": 0.1}
#: Share of organisations with an ODS code recorded, by sector (others: none).
ODS_CODE_SHARE = {"nhs_trust": 1.0, "gp_practice": 1.0, "icb": 1.0, "nhs_other": 1.0,
                  "social_care_provider": 0.7, "voluntary": 0.3, "other": 0.8}
CE_PLUS_UNKNOWN = 0.07  # share of organisations whose Cyber Essentials Plus status is unknown
UNPATCHED_SHARE = {"default": 0.12, "medical_device": 0.35}  # last patched > 60 days ago
LATE_PATCH_SHARE = 0.13  # last patched 31-60 days ago; the rest within 30 days
SECOND_HOME_SHARE = 0.6  # assets with a second holding system that list it
OS_KINDS_PATCHED = frozenset({"server", "workstation", "database", "application", "storage",
                              "backup_target", "network_device", "medical_device", "mobile"})


def synthesize(orgs: int, *, seed: int = 0,
               as_of: dt.date = DEFAULT_AS_OF) -> dict[str, pd.DataFrame]:
    """Generate a synthetic inventory of ``orgs`` organisations.

    Parameters
    ----------
    orgs : int
        Number of organisations (1 or more).
    seed : int, default 0
        Random seed; the same seed, size and ``as_of`` give the same inventory.
    as_of : date, default 2026-11-01
        The inventory's "today": every past date (patching, reviews, restore
        tests, patch releases) is on or before it.

    Returns
    -------
    dict of str to DataFrame
        One frame per table of :data:`flowmap.inventory.schema.TABLES`, in schema order, with
        exactly the schema's columns; every cell is a ``str`` (``""`` for unknown).

    Raises
    ------
    UsageError
        When ``orgs`` is less than 1.

    Examples
    --------
    >>> tables = synthesize(3, seed=1)
    >>> tables["organisations"].shape[0]
    3
    >>> sorted(tables["organisations"]["sector"])
    ['icb', 'nhs_trust', 'private']
    """
    if isinstance(orgs, bool) or not isinstance(orgs, (int, np.integer)) or orgs < 1:
        raise UsageError(f"orgs must be a whole number of 1 or more (got {orgs!r}).", param="orgs")
    rng = np.random.default_rng(seed)
    layout, organisations = _organisations(rng, int(orgs))
    systems = _systems(rng, layout, as_of)
    assets = _assets(rng, layout, as_of)
    flows = synthesize_flows(rng, layout, as_of)
    tables = {
        "organisations": organisations,
        "systems": systems,
        "assets": assets,
        "flows": flows,
        "backups": synthesize_backups(rng, layout, systems, as_of),
        "vulnerabilities": synthesize_vulnerabilities(rng, layout, systems, as_of),
        "zone_links": synthesize_zone_links(rng, layout, systems),
        "costs": {},  # optional: the planner's indicative costs apply (header only)
    }
    return {name: _frame(name, tables[name]) for name in TABLES}


def write_inventory_csv(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each table as ``<table>.csv`` (UTF-8, ``\\n`` line ends, no index).

    Parameters
    ----------
    tables : dict of str to DataFrame
        Tables named as in :data:`flowmap.inventory.schema.TABLES` (what :func:`synthesize`
        returns); written in schema order.
    out_dir : str or Path
        The folder; created if missing.

    Returns
    -------
    list of Path
        The files written.
    """
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise UsageError(f"Not inventory tables: {', '.join(unknown)} "
                         f"(tables are: {', '.join(TABLES)}).")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in TABLES:
        if name not in tables:
            continue
        path = folder / f"{name}.csv"
        tables[name].to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths


def _frame(name: str, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A table's frame: the schema's columns in schema order, every cell a str."""
    names = list(TABLES[name].columns)
    n = len(next(iter(columns.values()))) if columns else 0
    data = {c: columns[c] if c in columns else np.full(n, "", dtype=object) for c in names}
    return pd.DataFrame(data, columns=names)


# ---------------------------------------------------------------- organisations

def _sector_counts(n: int) -> np.ndarray:
    """Organisations per sector: guaranteed sectors first, the rest by share."""
    shares = np.array([p.share for p in SECTOR_PROFILES])
    counts = np.zeros(len(shares), dtype=np.int64)
    for sector in GUARANTEED_SECTORS[:n]:
        counts[SECTOR_INDEX[sector]] = 1
    left = n - int(counts.sum())
    if left > 0:
        deficit = np.maximum(shares * n - counts, 0.0)
        quota = deficit / deficit.sum() * left
        counts += np.floor(quota).astype(np.int64)
        rest = n - int(counts.sum())
        order = np.argsort(-(quota - np.floor(quota)), kind="stable")
        counts[order[:rest]] += 1
    return counts


def _place_names(rng: np.random.Generator, count: int) -> list[str]:
    """Invented English place names ("Ashbury", "Stoneford"), distinct while they last."""
    combos = len(PLACE_STEMS) * len(PLACE_ENDINGS)
    picks = rng.permutation(combos)
    names = []
    for i in range(count):
        k = int(picks[i % combos])
        name = PLACE_STEMS[k // len(PLACE_ENDINGS)] + PLACE_ENDINGS[k % len(PLACE_ENDINGS)]
        names.append(name if i < combos else f"{name} {i // combos + 1}")
    return names


def _org_ids(rng: np.random.Generator, style: str, count: int) -> list[str]:
    """ODS-looking ids: ``R`` + letters for trusts, letter + five digits for practices."""
    if style.startswith("letters:"):
        width = 2
        while 26 ** width < count:
            width += 1
        codes = rng.permutation(26 ** width)[:count]
        letters = []
        for code in codes:
            text = ""
            for _ in range(width):
                code, r = divmod(int(code), 26)
                text = chr(65 + r) + text
            letters.append(style[-1] + text)
        return letters
    if style == "gp":
        pool = max(len(GP_LETTERS) * 1000, count)
        codes = np.sort(rng.choice(pool, size=count, replace=False))
        return [f"{GP_LETTERS[c % len(GP_LETTERS)]}{81001 + c // len(GP_LETTERS)}"
                for c in codes]
    prefix = style.split(":", 1)[1]
    width = max(2, len(str(count)))
    return [f"{prefix}{i + 1:0{width}d}" for i in range(count)]


def _organisations(rng: np.random.Generator, n: int) -> tuple[Layout, dict[str, np.ndarray]]:
    """The organisations table's columns and the layout that the other tables fill in."""
    counts = _sector_counts(n)
    n_regions = max(1, int(counts[SECTOR_INDEX["icb"]]))
    ids: list[str] = []
    names: list[str] = []
    ods: list[str] = []
    sectors, regions, dspt, ce_plus = [], [], [], []
    for s, (profile, count) in enumerate(zip(SECTOR_PROFILES, counts)):
        if count == 0:
            continue
        count = int(count)
        these = _org_ids(rng, profile.id_style, count)
        places = _place_names(rng, count)
        styles = rng.integers(0, len(profile.names), size=count)
        ids += these
        names += [profile.names[k].format(p=p) for k, p in zip(styles, places)]
        has_ods = rng.random(count) < ODS_CODE_SHARE.get(profile.sector, 0.0)
        ods += [i if has else "" for i, has in zip(these, has_ods)]
        sectors.append(np.full(count, s))
        regions.append(np.arange(count) % n_regions)
        dspt.append(choose(rng, DSPT_STATUSES, profile.dspt, count))
        cep = rng.random(count)
        ce_plus.append(np.where(cep < profile.ce_plus, "yes",
                                np.where(cep < 1.0 - CE_PLUS_UNKNOWN, "no", "")).astype(object))
    sector_idx = np.concatenate(sectors)
    layout = Layout(org_id=np.array(ids, dtype=object), org_sector=sector_idx,
                    org_region=np.concatenate(regions))
    table = {
        "org_id": layout.org_id,
        "name": np.array(names, dtype=object),
        "sector": np.array([p.sector for p in SECTOR_PROFILES], dtype=object)[sector_idx],
        "dspt_status": np.concatenate(dspt),
        "ods_code": np.array(ods, dtype=object),
        "ce_plus": np.concatenate(ce_plus),
    }
    return layout, table


# --------------------------------------------------------------------- systems

def _systems(rng: np.random.Generator, layout: Layout,
             as_of: dt.date) -> dict[str, np.ndarray]:
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
    core_offset = np.array([templates.index[(templates["sector"] == s) & templates["core"]][0]
                            for s in range(len(SECTOR_PROFILES))])
    is_core = local < n_core
    tid = np.where(is_core, core_offset[sys_sector] + local, -1)
    for s in range(len(SECTOR_PROFILES)):  # endpoints: a weighted mix per sector
        rows = np.flatnonzero(~is_core & (sys_sector == s))
        if len(rows):
            ends = templates.index[(templates["sector"] == s) & ~templates["core"]].to_numpy()
            weights = templates.loc[ends, "weight"].to_numpy()
            tid[rows] = ends[rng.choice(len(ends), size=len(rows), p=weights / weights.sum())]
    t = {c: templates[c].to_numpy(dtype=object)[tid] for c in
         ("code", "name", "kind", "hosting", "criticality", "zone", "os", "internet_facing")}
    org = layout.org_id[sys_org]
    serial = local - n_core + 1
    width = max(4, len(str(int(hi.max()) if len(hi) else 0)))
    system_id = np.where(is_core, cat(org, "-", t["code"]),
                         cat(org, "-", numbered(t["code"], serial, width)))
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
    unpatched_share = np.where(kind == "medical_device", UNPATCHED_SHARE["medical_device"],
                               UNPATCHED_SHARE["default"])
    u = rng.random(total)
    days = np.where(u < unpatched_share, rng.integers(61, 900, total),
                    np.where(u < unpatched_share + LATE_PATCH_SHARE, rng.integers(31, 61, total),
                             rng.integers(0, 31, total)))
    last_patched = date_strings(as_of, days, ~patchable | (rng.random(total) < GAP["last_patched"]))

    eligible = np.isin(os_text, list(ESU_ELIGIBLE_OS))
    esu = np.where(eligible, choose(rng, YES_NO, (0.4, 0.55, 0.05), total),
                   np.where(os_text == "", "", choose(rng, ("no", ""), (0.9, 0.1), total)))

    supplier_pool = np.flatnonzero(layout.org_sector == SECTOR_INDEX["private"])
    supplier = np.full(total, "", dtype=object)
    supplied = templates["supplied"].to_numpy()[tid] & (len(supplier_pool) > 0)
    if supplied.any():
        share = 1.0 / (np.arange(len(supplier_pool)) + 1.0) ** 1.2  # a few suppliers dominate
        pick = rng.choice(len(supplier_pool), size=int(supplied.sum()), p=share / share.sum())
        supplier[supplied] = layout.org_id[supplier_pool[pick]]

    exposed = (t["internet_facing"] == "yes") | (kind == "saas")
    mfa = np.where(kind == "paper_store", "",
                   np.where(exposed, choose(rng, YES_NO, (0.78, 0.14, 0.08), total),
                            choose(rng, YES_NO, (0.45, 0.35, 0.2), total)))
    windows = np.char.startswith(os_text.astype(str), "Windows")
    legacy = np.isin(os_text, list(LEGACY_WINDOWS))
    smb1 = np.where(legacy, choose(rng, YES_NO, (0.45, 0.4, 0.15), total),
                    np.where(windows, choose(rng, YES_NO, (0.04, 0.86, 0.1), total),
                             np.where(os_text == "", "", "no")))

    layout.sys_start, layout.sys_count, layout.sys_org = start, count, sys_org
    layout.sys_id, layout.sys_kind, layout.sys_hosting = system_id, kind, t["hosting"]
    return {
        "system_id": system_id,
        "name": name,
        "org_id": org,
        "kind": kind,
        "os": os_text,
        "zone": zone,
        "internet_facing": blank_where(t["internet_facing"], rng.random(total)
                                       < GAP["internet_facing"]),
        "last_patched": last_patched,
        "esu": esu.astype(object),
        "hosting": t["hosting"],
        "supplier_org_id": supplier,
        "criticality": t["criticality"],
        "mfa": mfa.astype(object),
        "smb1": smb1.astype(object),
    }


# ---------------------------------------------------------------------- assets

def _assets(rng: np.random.Generator, layout: Layout, as_of: dt.date) -> dict[str, np.ndarray]:
    """The assets table's columns; records where each organisation's assets are held."""
    sector = layout.org_sector
    lo = np.array([p.assets[0] for p in SECTOR_PROFILES])[sector]
    hi = np.array([p.assets[1] for p in SECTOR_PROFILES])[sector]
    count = rng.integers(lo, hi + 1)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    total = int(count.sum())
    asset_org = np.repeat(np.arange(len(sector)), count)
    local = np.arange(total) - start[asset_org]
    offset = np.array([ASSET_TEMPLATES.index[ASSET_TEMPLATES["sector"] == s][0]
                       for s in range(len(SECTOR_PROFILES))])
    tid = offset[sector[asset_org]] + local
    t = {c: ASSET_TEMPLATES[c].to_numpy()[tid] for c in ASSET_TEMPLATES.columns}
    org_start = layout.sys_start[asset_org]
    primary = org_start + t["system"].astype(np.int64)
    secondary = np.where((t["secondary"] >= 0) & (rng.random(total) < SECOND_HOME_SHARE),
                         org_start + t["secondary"].astype(np.int64), -1)
    held = np.where(secondary >= 0,
                    cat(layout.sys_id[primary], ";", layout.sys_id[np.maximum(secondary, 0)]),
                    layout.sys_id[primary])
    org = layout.org_id[asset_org]
    asset_id = cat("IA-", org, numbered("-", local + 1, 2))
    categories = t["categories"].astype(object)
    essential = t["essential"].astype(object)
    records = int_strings(scaled_counts(rng, t["records"].astype(float)))
    rto = np.where(essential == "yes", choose(rng, ("4", "8", "12", "24"), (1, 2, 1, 2), total),
                   choose(rng, ("24", "72", "168"), (2, 2, 1), total))
    rpo = np.where(essential == "yes", choose(rng, ("1", "4", "24"), (2, 2, 1), total),
                   choose(rng, ("24", "72"), (3, 1), total))

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
