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
on the core system that holds it in real life. Flows (:mod:`flowmap.synth_flows`)
carry an asset from a system that holds it, inside an organisation or between
sectors that really share data. Backups cover most important on-premises
systems, vulnerabilities a share of systems, with the gaps real registers have:
empty cells, end-of-life and unpatched systems, untested backups, expired
agreements.

Everything is drawn from one ``numpy.random.default_rng(seed)`` with vectorised
operations, so the same seed gives the same inventory (byte-identical CSV files)
and the cost grows linearly with ``orgs``. The output is valid by construction:
:func:`flowmap.validate` reports no errors and no warnings for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from flowmap.errors import UsageError
from flowmap.schema import CRITICALITIES, DSPT_STATUSES, TABLES
from flowmap.synth_flows import synthesize_flows
from flowmap.synth_model import (
    CORE_POSITION, END_OF_LIFE_OS, ESU_ELIGIBLE_OS, GENERATED_CVES, CVE_NUMBER_RANGE,
    GP_LETTERS, GUARANTEED_SECTORS, KNOWN_CVES, LEGACY_WINDOWS, OS_CHOICES, PLACE_ENDINGS,
    PLACE_STEMS, SECTOR_INDEX, SECTOR_PROFILES, ZONE_LINK_RULES, Layout, blank_where, cat,
    choose, date_strings, int_strings, numbered, scaled_counts,
)

DEFAULT_AS_OF = dt.date(2026, 11, 1)
YES_NO = ("yes", "no", "")
#: Share of cells left empty (unknown) in columns that real registers often leave blank.
GAP = {"internet_facing": 0.02, "last_patched": 0.05, "owner": 0.08, "categories": 0.03,
       "identifiability": 0.05, "records": 0.04, "essential": 0.03, "retention": 0.06,
       "last_reviewed": 0.06, "recovery": 0.1}
UNPATCHED_SHARE = {"default": 0.12, "medical_device": 0.35}  # last patched > 60 days ago
OS_KINDS_PATCHED = frozenset({"server", "workstation", "database", "application", "storage",
                              "backup_target", "network_device", "medical_device", "mobile"})
BACKUP_SOURCE_KINDS = frozenset({"server", "database", "application", "storage"})
BACKUP_SHARE = {"critical": 0.8, "high": 0.75, "medium": 0.35}  # the rest have none: gaps
VULN_KINDS = frozenset({"server", "workstation", "database", "application", "medical_device",
                        "network_device", "storage"})
VULN_SHARE = {"default": 0.2, "medical_device": 0.35, "end_of_life": 0.6}
KNOWN_CVE_SHARE = 0.3  # share of vulnerability rows naming one of KNOWN_CVES
PLATFORMS = {  # system platform -> platforms of KNOWN_CVES that affect it
    "legacy_windows": ("legacy_windows", "windows"),
    "windows_server": ("windows_server", "windows", "server"),
    "windows": ("windows",),
    "network": ("network",),
    "server": ("server",),
}


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
        One frame per table of :data:`flowmap.schema.TABLES`, in schema order, with
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
        raise UsageError(f"--orgs must be a whole number of 1 or more (got {orgs!r}).")
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
        "backups": _backups(rng, layout, systems, as_of),
        "vulnerabilities": _vulnerabilities(rng, layout, systems, as_of),
        "zone_links": _zone_links(rng, layout, systems),
    }
    return {name: _frame(name, tables[name]) for name in TABLES}


def write_inventory_csv(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each table as ``<table>.csv`` (UTF-8, ``\\n`` line ends, no index).

    Parameters
    ----------
    tables : dict of str to DataFrame
        Tables named as in :data:`flowmap.schema.TABLES` (what :func:`synthesize`
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
    n = len(next(iter(columns.values())))
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
        has_ods = rng.random(count) < {"nhs_trust": 1.0, "gp_practice": 1.0, "icb": 1.0,
                                       "nhs_other": 1.0, "social_care_provider": 0.7,
                                       "voluntary": 0.3, "other": 0.8}.get(profile.sector, 0.0)
        ods += [i if has else "" for i, has in zip(these, has_ods)]
        sectors.append(np.full(count, s))
        regions.append(np.arange(count) % n_regions)
        dspt.append(choose(rng, DSPT_STATUSES, profile.dspt, count))
        cep = rng.random(count)
        ce_plus.append(np.where(cep < profile.ce_plus, "yes",
                                np.where(cep < 0.93, "no", "")).astype(object))
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

def _template_table() -> pd.DataFrame:
    """Every sector's core and endpoint templates as one table (row = template id)."""
    rows = []
    for s, profile in enumerate(SECTOR_PROFILES):
        for t in profile.core:
            rows.append((s, True, t.code, t.name, t.kind, t.hosting, t.criticality, t.zone, t.os,
                         t.internet_facing, t.supplied, 0.0))
        for e in profile.endpoints:
            hosting = "" if e.kind == "mobile" else "on_premises"
            rows.append((s, False, e.code, e.name, e.kind, hosting, e.criticality, e.zone, e.os,
                         "no", False, e.weight))
    return pd.DataFrame(rows, columns=["sector", "core", "code", "name", "kind", "hosting",
                                       "criticality", "zone", "os", "internet_facing",
                                       "supplied", "weight"])


TEMPLATES = _template_table()


def _systems(rng: np.random.Generator, layout: Layout,
             as_of: dt.date) -> dict[str, np.ndarray]:
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
    core_offset = np.array([TEMPLATES.index[(TEMPLATES["sector"] == s) & TEMPLATES["core"]][0]
                            for s in range(len(SECTOR_PROFILES))])
    is_core = local < n_core
    tid = np.where(is_core, core_offset[sys_sector] + local, -1)
    for s in range(len(SECTOR_PROFILES)):
        rows = np.flatnonzero(~is_core & (sys_sector == s))
        if len(rows):
            ends = TEMPLATES.index[(TEMPLATES["sector"] == s) & ~TEMPLATES["core"]].to_numpy()
            weights = TEMPLATES.loc[ends, "weight"].to_numpy()
            tid[rows] = ends[rng.choice(len(ends), size=len(rows), p=weights / weights.sum())]
    t = {c: TEMPLATES[c].to_numpy(dtype=object)[tid] for c in
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
                    np.where(u < unpatched_share + 0.13, rng.integers(31, 61, total),
                             rng.integers(0, 31, total)))
    last_patched = date_strings(as_of, days, ~patchable | (rng.random(total) < GAP["last_patched"]))

    eligible = np.isin(os_text, list(ESU_ELIGIBLE_OS))
    esu = np.where(eligible, choose(rng, YES_NO, (0.4, 0.55, 0.05), total),
                   np.where(os_text == "", "", choose(rng, ("no", ""), (0.9, 0.1), total)))

    supplier_pool = np.flatnonzero(layout.org_sector == SECTOR_INDEX["private"])
    supplier = np.full(total, "", dtype=object)
    supplied = TEMPLATES["supplied"].to_numpy()[tid] & (len(supplier_pool) > 0)
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

def _asset_table() -> pd.DataFrame:
    rows = []
    for s, profile in enumerate(SECTOR_PROFILES):
        pos = CORE_POSITION[s]
        for t in profile.asset_templates:
            rows.append((s, t.code, t.name, pos[t.system], pos.get(t.secondary, -1),
                         t.categories, t.identifiability, t.records, t.essential, t.retention,
                         t.owner))
    return pd.DataFrame(rows, columns=["sector", "code", "name", "system", "secondary",
                                       "categories", "identifiability", "records", "essential",
                                       "retention", "owner"])


ASSET_TEMPLATES = _asset_table()


def _assets(rng: np.random.Generator, layout: Layout, as_of: dt.date) -> dict[str, np.ndarray]:
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
    secondary = np.where((t["secondary"] >= 0) & (rng.random(total) < 0.6),
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


# ------------------------------------------------------------ backups and vulns

def _backups(rng: np.random.Generator, layout: Layout, systems: dict[str, np.ndarray],
             as_of: dt.date) -> dict[str, np.ndarray]:
    org = layout.sys_org
    sector = layout.org_sector[org]
    bkp = np.array([CORE_POSITION[s].get("BKP", -1) for s in range(len(SECTOR_PROFILES))])
    bkc = np.array([CORE_POSITION[s].get("BKC", -1) for s in range(len(SECTOR_PROFILES))])
    crit = systems["criticality"]
    share = np.select([crit == c for c in BACKUP_SHARE], list(BACKUP_SHARE.values()), 0.0)
    candidate = (np.isin(layout.sys_kind, list(BACKUP_SOURCE_KINDS))
                 & (layout.sys_hosting != "third_party")
                 & ((bkp[sector] >= 0) | (bkc[sector] >= 0)))
    source = np.flatnonzero(candidate & (rng.random(len(org)) < share))
    s_sector = sector[source]
    has_both = (bkp[s_sector] >= 0) & (bkc[s_sector] >= 0)
    to_cloud = (bkp[s_sector] < 0) | (has_both & (rng.random(len(source)) < 0.3))
    first = layout.sys_start[org[source]] + np.where(to_cloud, bkc[s_sector], bkp[s_sector])
    # a second, off-site copy for some systems that can have one (3-2-1)
    extra = has_both & (rng.random(len(source)) < 0.25)
    second = layout.sys_start[org[source[extra]]] + np.where(to_cloud[extra], bkp[s_sector[extra]],
                                                             bkc[s_sector[extra]])
    src = np.concatenate([source, source[extra]])
    dst = np.concatenate([first, second])
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    n = len(src)
    cloud = layout.sys_kind[dst] == "backup_target"
    cloud &= layout.sys_hosting[dst] == "cloud"
    tested = rng.random(n) < 0.75
    return {
        "backup_id": numbered("BK-", np.arange(1, n + 1), max(6, len(str(n)))),
        "source_system_id": layout.sys_id[src],
        "target_system_id": layout.sys_id[dst],
        "frequency_hours": choose(rng, ("24", "12", "4", "1", "168", ""),
                                  (0.6, 0.1, 0.08, 0.07, 0.1, 0.05), n),
        "isolation": np.where(cloud, choose(rng, ("immutable", "online"), (0.7, 0.3), n),
                              choose(rng, ("online", "immutable", "offline", ""),
                                     (0.6, 0.2, 0.15, 0.05), n)).astype(object),
        "offsite": np.where(cloud, "yes", choose(rng, YES_NO, (0.15, 0.8, 0.05), n)).astype(object),
        "encrypted": choose(rng, YES_NO, (0.8, 0.12, 0.08), n),
        "last_restore_test": date_strings(as_of, rng.integers(1, 720, n), ~tested),
        "restore_result": np.where(tested, choose(rng, ("pass", "partial", "fail"),
                                                  (0.8, 0.12, 0.08), n), "").astype(object),
    }


def _cve_pool(rng: np.random.Generator, as_of: dt.date) -> dict[str, np.ndarray]:
    """The known CVEs patched by ``as_of``, then generated ``CVE-yyyy-nnnnn`` ids."""
    known = [c for c in KNOWN_CVES if c[6] <= as_of.isoformat()]
    n = GENERATED_CVES
    first_year = max(2000, as_of.year - 8)
    years = rng.integers(first_year, as_of.year + 1, n)
    numbers = rng.choice(np.arange(*CVE_NUMBER_RANGE), size=n, replace=False)
    ids = cat(cat("CVE-", years.astype(str).astype(object)), "-",
              numbers.astype(str).astype(object))
    cvss = np.round(np.clip(rng.normal(7.0, 1.6, n), 2.0, 10.0), 1)
    epss = rng.beta(0.4, 6.0, n)
    kev = rng.random(n) < 0.07
    epss = np.where(kev, np.maximum(epss, rng.uniform(0.3, 0.97, n)), epss)
    year_start = np.array([(dt.date(int(y), 1, 1) - as_of).days for y in years])
    released = np.maximum(0, -year_start - rng.integers(0, 365, n))
    ransomware = np.where(kev, choose(rng, ("yes", "no"), (0.35, 0.65), n),
                          choose(rng, ("no", ""), (0.6, 0.4), n))
    return {
        "cve_id": np.concatenate([np.array([c[0] for c in known], dtype=object), ids]),
        "platform": np.array([c[1] for c in known] + [""] * n, dtype=object),
        "cvss": np.concatenate([[c[2] for c in known], [f"{v:.1f}" for v in cvss]]).astype(object),
        "epss": np.concatenate([[c[3] for c in known], [f"{v:.4f}" for v in epss]]).astype(object),
        "kev": np.concatenate([[c[4] for c in known], np.where(kev, "yes", "no")]).astype(object),
        "ransomware": np.concatenate([[c[5] for c in known], ransomware]).astype(object),
        "patch_released": np.concatenate([
            [c[6] for c in known],
            date_strings(as_of, released, rng.random(n) < 0.08)]).astype(object),
    }


def _vulnerabilities(rng: np.random.Generator, layout: Layout, systems: dict[str, np.ndarray],
                     as_of: dt.date) -> dict[str, np.ndarray]:
    pool = _cve_pool(rng, as_of)
    n_known = int((pool["platform"] != "").sum())
    kind, os_text = layout.sys_kind, systems["os"]
    eol = np.isin(os_text, list(END_OF_LIFE_OS))
    share = np.where(eol, VULN_SHARE["end_of_life"],
                     np.where(kind == "medical_device", VULN_SHARE["medical_device"],
                              VULN_SHARE["default"]))
    affected = np.flatnonzero(np.isin(kind, list(VULN_KINDS)) & (rng.random(len(kind)) < share))
    per = np.minimum(1 + rng.poisson(0.8, len(affected)), 6)
    system = np.repeat(affected, per)
    n = len(system)
    text = os_text[system].astype(str)
    platform = np.select(
        [np.isin(text, list(LEGACY_WINDOWS)), np.char.startswith(text, "Windows Server"),
         np.char.startswith(text, "Windows"), kind[system] == "network_device"],
        ["legacy_windows", "windows_server", "windows", "network"], "server").astype(object)
    cve = n_known + rng.integers(0, GENERATED_CVES, n)
    known_pick = rng.random(n) < KNOWN_CVE_SHARE
    draw = rng.random(n)
    for name, affects in PLATFORMS.items():
        options = np.flatnonzero(np.isin(pool["platform"], list(affects)))
        rows = np.flatnonzero(known_pick & (platform == name))
        if len(options) and len(rows):
            cve[rows] = options[(draw[rows] * len(options)).astype(np.int64)]
    key = np.unique(system.astype(np.int64) * len(pool["cve_id"]) + cve)  # one row per pair
    system, cve = key // len(pool["cve_id"]), key % len(pool["cve_id"])
    n = len(system)
    status = choose(rng, ("open", "mitigated", "risk_accepted", "fixed", ""),
                    (0.6, 0.12, 0.1, 0.15, 0.03), n)
    accepted = (status == "risk_accepted") & (rng.random(n) < 0.85)
    refs = numbered(f"RA-{as_of.year}-", rng.integers(1, 200, n), 3)
    return {
        "system_id": layout.sys_id[system],
        "cve_id": pool["cve_id"][cve],
        "cvss": pool["cvss"][cve],
        "epss": pool["epss"][cve],
        "kev": pool["kev"][cve],
        "ransomware": pool["ransomware"][cve],
        "patch_released": pool["patch_released"][cve],
        "status": status,
        "risk_acceptance_ref": np.where(accepted, refs, "").astype(object),
    }


def _zone_links(rng: np.random.Generator, layout: Layout,
                systems: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    zoned = np.flatnonzero(np.array([p.zoned for p in SECTOR_PROFILES])[layout.org_sector])
    present = np.unique(systems["zone"].astype(str))
    org = np.repeat(layout.org_id[zoned], len(ZONE_LINK_RULES))
    rule = np.tile(np.arange(len(ZONE_LINK_RULES)), len(zoned))
    rules = np.array(ZONE_LINK_RULES, dtype=object)
    source = cat(org, ":", rules[rule, 0])
    target = cat(org, ":", rules[rule, 1])
    keep = (np.isin(source.astype(str), present) & np.isin(target.astype(str), present)
            & ((rules[rule, 0] != "clinical") | (rules[rule, 1] != "admin")
               | (rng.random(len(rule)) < 0.5)))
    note = np.where(rng.random(len(rule)) < 0.8, rules[rule, 3], "").astype(object)
    return {
        "from_zone": source[keep],
        "to_zone": target[keep],
        "bidirectional": rules[rule, 2][keep],
        "note": note[keep],
    }


assert set(CRITICALITIES) >= set(BACKUP_SHARE)
