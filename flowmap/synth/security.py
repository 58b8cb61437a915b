"""Synthetic backups, vulnerabilities and zone links for :mod:`flowmap.synth.generate`.

* **Backups**: most critical and high-criticality systems an organisation runs
  itself (not supplier-run or SaaS) are backed up to its backup repository or
  cloud vault, some to both (a 3-2-1 off-site copy); the rest have none. A quarter
  have never had a restore tested, and a few tests failed.
* **Vulnerabilities**: a share of patchable systems (more for medical devices, most
  for end-of-life operating systems) carry one to six CVEs: real, known-exploited
  ones that fit the platform (EternalBlue on old Windows, Citrix Bleed on network
  devices, Log4Shell on servers...) or generated ``CVE-yyyy-nnnnn`` ids with
  plausible CVSS, EPSS, KEV and patch dates; one row per system and CVE.
* **Zone links**: inside each zoned organisation, DMZ to servers one way and
  user zones to servers both ways, only between zones that hold systems.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from flowmap.synth.model import CORE_POSITION, SECTOR_PROFILES, ZONE_LINK_RULES, Layout
from flowmap.synth.sampling import YES_NO, cat, choose, date_strings, numbered
from flowmap.synth.software import (
    CVE_NUMBER_RANGE,
    END_OF_LIFE_OS,
    GENERATED_CVES,
    KNOWN_CVES,
    LEGACY_WINDOWS,
)

BACKUP_SOURCE_KINDS = frozenset({"server", "database", "application", "storage"})
BACKUP_SHARE = {"critical": 0.8, "high": 0.75, "medium": 0.35}  # the rest have none: gaps
CLOUD_BACKUP_SHARE = 0.3  # of systems whose organisation has both targets
SECOND_COPY_SHARE = 0.25
RESTORE_TESTED_SHARE = 0.75
VULN_KINDS = frozenset(
    {
        "server",
        "workstation",
        "database",
        "application",
        "medical_device",
        "network_device",
        "storage",
    }
)
VULN_SHARE = {"default": 0.2, "medical_device": 0.35, "end_of_life": 0.6}
KNOWN_CVE_SHARE = 0.15  # share of vulnerability rows naming one of KNOWN_CVES
PLATFORMS = {  # system platform -> platforms of KNOWN_CVES that affect it
    "legacy_windows": ("legacy_windows", "windows"),
    "windows_server": ("windows_server", "windows", "server"),
    "windows": ("windows",),
    "citrix": ("citrix",),
    "panos": ("panos",),
    "network": (),
    "server": ("server",),
}


def synthesize_backups(
    rng: np.random.Generator, layout: Layout, systems: dict[str, np.ndarray], as_of: dt.date
) -> dict[str, np.ndarray]:
    """The backups table's columns: one row per copy of a system.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator the whole inventory is drawn from.
    layout : Layout
        Organisations and systems already generated.
    systems : dict of str to ndarray
        The systems table's columns (its ``criticality`` is read).
    as_of : date
        Restore tests happened before this date.
    """
    org = layout.sys_org
    sector = layout.org_sector[org]
    bkp = np.array([CORE_POSITION[s].get("BKP", -1) for s in range(len(SECTOR_PROFILES))])
    bkc = np.array([CORE_POSITION[s].get("BKC", -1) for s in range(len(SECTOR_PROFILES))])
    crit = systems["criticality"]
    share = np.select([crit == c for c in BACKUP_SHARE], list(BACKUP_SHARE.values()), 0.0)
    candidate = (
        np.isin(layout.sys_kind, list(BACKUP_SOURCE_KINDS))
        & (layout.sys_hosting != "third_party")
        & ((bkp[sector] >= 0) | (bkc[sector] >= 0))
    )
    source = np.flatnonzero(candidate & (rng.random(len(org)) < share))
    s_sector = sector[source]
    has_both = (bkp[s_sector] >= 0) & (bkc[s_sector] >= 0)
    to_cloud = (bkp[s_sector] < 0) | (has_both & (rng.random(len(source)) < CLOUD_BACKUP_SHARE))
    first = layout.sys_start[org[source]] + np.where(to_cloud, bkc[s_sector], bkp[s_sector])
    # a second, off-site copy for some systems that can have one (3-2-1)
    extra = has_both & (rng.random(len(source)) < SECOND_COPY_SHARE)
    second = layout.sys_start[org[source[extra]]] + np.where(
        to_cloud[extra], bkp[s_sector[extra]], bkc[s_sector[extra]]
    )
    src = np.concatenate([source, source[extra]])
    dst = np.concatenate([first, second])
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    n = len(src)
    cloud = layout.sys_kind[dst] == "backup_target"
    cloud &= layout.sys_hosting[dst] == "cloud"
    tested = rng.random(n) < RESTORE_TESTED_SHARE
    return {
        "backup_id": numbered("BK-", np.arange(1, n + 1), max(6, len(str(n)))),
        "source_system_id": layout.sys_id[src],
        "target_system_id": layout.sys_id[dst],
        "frequency_hours": choose(
            rng, ("24", "12", "4", "1", "168", ""), (0.6, 0.1, 0.08, 0.07, 0.1, 0.05), n
        ),
        "isolation": np.where(
            cloud,
            choose(rng, ("immutable", "online"), (0.7, 0.3), n),
            choose(rng, ("online", "immutable", "offline", ""), (0.6, 0.2, 0.15, 0.05), n),
        ).astype(object),
        "offsite": np.where(cloud, "yes", choose(rng, YES_NO, (0.15, 0.8, 0.05), n)).astype(object),
        "encrypted": choose(rng, YES_NO, (0.8, 0.12, 0.08), n),
        "last_restore_test": date_strings(as_of, rng.integers(1, 720, n), ~tested),
        "restore_result": np.where(
            tested, choose(rng, ("pass", "partial", "fail"), (0.8, 0.12, 0.08), n), ""
        ).astype(object),
    }


def _cve_pool(rng: np.random.Generator, as_of: dt.date) -> dict[str, np.ndarray]:
    """The known CVEs patched by ``as_of``, then generated ``CVE-yyyy-nnnnn`` ids."""
    known = [c for c in KNOWN_CVES if c[6] <= as_of.isoformat()]
    n = GENERATED_CVES
    first_year = max(2000, as_of.year - 8)
    years = rng.integers(first_year, as_of.year + 1, n)
    numbers = rng.choice(np.arange(*CVE_NUMBER_RANGE), size=n, replace=False)
    ids = cat(
        cat("CVE-", years.astype(str).astype(object)), "-", numbers.astype(str).astype(object)
    )
    cvss = np.round(np.clip(rng.normal(7.0, 1.6, n), 2.0, 10.0), 1)
    epss = rng.beta(0.4, 6.0, n)
    kev = rng.random(n) < 0.07
    epss = np.where(kev, np.maximum(epss, rng.uniform(0.3, 0.97, n)), epss)
    year_start = np.array([(dt.date(int(y), 1, 1) - as_of).days for y in years])
    released = np.maximum(0, -year_start - rng.integers(0, 365, n))
    ransomware = np.where(
        kev, choose(rng, ("yes", "no"), (0.35, 0.65), n), choose(rng, ("no", ""), (0.6, 0.4), n)
    )
    return {
        "cve_id": np.concatenate([np.array([c[0] for c in known], dtype=object), ids]),
        "platform": np.array([c[1] for c in known] + [""] * n, dtype=object),
        "cvss": np.concatenate([[c[2] for c in known], [f"{v:.1f}" for v in cvss]]).astype(object),
        "epss": np.concatenate([[c[3] for c in known], [f"{v:.4f}" for v in epss]]).astype(object),
        "kev": np.concatenate([[c[4] for c in known], np.where(kev, "yes", "no")]).astype(object),
        "ransomware": np.concatenate([[c[5] for c in known], ransomware]).astype(object),
        "patch_released": np.concatenate(
            [[c[6] for c in known], date_strings(as_of, released, rng.random(n) < 0.08)]
        ).astype(object),
    }


def synthesize_vulnerabilities(
    rng: np.random.Generator, layout: Layout, systems: dict[str, np.ndarray], as_of: dt.date
) -> dict[str, np.ndarray]:
    """The vulnerabilities table's columns: one row per system and CVE.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator the whole inventory is drawn from.
    layout : Layout
        Organisations and systems already generated.
    systems : dict of str to ndarray
        The systems table's columns (its ``os`` is read).
    as_of : date
        Only CVEs patched by this date are used; patch dates are on or before it.
    """
    pool = _cve_pool(rng, as_of)
    n_known = int((pool["platform"] != "").sum())
    kind, os_text = layout.sys_kind, systems["os"]
    eol = np.isin(os_text, list(END_OF_LIFE_OS))
    share = np.where(
        eol,
        VULN_SHARE["end_of_life"],
        np.where(kind == "medical_device", VULN_SHARE["medical_device"], VULN_SHARE["default"]),
    )
    affected = np.flatnonzero(np.isin(kind, list(VULN_KINDS)) & (rng.random(len(kind)) < share))
    per = np.minimum(1 + rng.poisson(0.8, len(affected)), 6)
    system = np.repeat(affected, per)
    n = len(system)
    text = os_text[system].astype(str)
    platform = np.select(
        [
            np.isin(text, list(LEGACY_WINDOWS)),
            np.char.startswith(text, "Windows Server"),
            np.char.startswith(text, "Windows"),
            np.char.startswith(text, "Citrix"),
            np.char.startswith(text, "PAN-OS"),
            kind[system] == "network_device",
        ],
        ["legacy_windows", "windows_server", "windows", "citrix", "panos", "network"],
        "server",
    ).astype(object)
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
    status = choose(
        rng, ("open", "mitigated", "risk_accepted", "fixed", ""), (0.6, 0.12, 0.1, 0.15, 0.03), n
    )
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


def synthesize_zone_links(
    rng: np.random.Generator, layout: Layout, systems: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The zone_links table's columns: links inside each zoned organisation.

    Only zones that hold at least one system are linked, so no link is idle.
    """
    zoned = np.flatnonzero(np.array([p.zoned for p in SECTOR_PROFILES])[layout.org_sector])
    present = np.unique(systems["zone"].astype(str))
    org = np.repeat(layout.org_id[zoned], len(ZONE_LINK_RULES))
    rule = np.tile(np.arange(len(ZONE_LINK_RULES)), len(zoned))
    rules = np.array(ZONE_LINK_RULES, dtype=object)
    source = cat(org, ":", rules[rule, 0])
    target = cat(org, ":", rules[rule, 1])
    keep = (
        np.isin(source.astype(str), present)
        & np.isin(target.astype(str), present)
        & (
            (rules[rule, 0] != "clinical")
            | (rules[rule, 1] != "admin")
            | (rng.random(len(rule)) < 0.5)
        )
    )
    note = np.where(rng.random(len(rule)) < 0.8, rules[rule, 3], "").astype(object)
    return {
        "from_zone": source[keep],
        "to_zone": target[keep],
        "bidirectional": rules[rule, 2][keep],
        "note": note[keep],
    }
