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
from flowmap.inventory.textstorage import python_text
from flowmap.synth.estate import synthesize_assets, synthesize_systems
from flowmap.synth.flows import synthesize_flows
from flowmap.synth.model import (
    GP_LETTERS,
    GUARANTEED_SECTORS,
    PLACE_ENDINGS,
    PLACE_STEMS,
    SECTOR_INDEX,
    SECTOR_PROFILES,
    Layout,
)
from flowmap.synth.sampling import choose
from flowmap.synth.security import (
    synthesize_backups,
    synthesize_vulnerabilities,
    synthesize_zone_links,
)

DEFAULT_AS_OF = dt.date(2026, 11, 1)
#: Share of organisations with an ODS code recorded, by sector (others: none).
ODS_CODE_SHARE = {
    "nhs_trust": 1.0,
    "gp_practice": 1.0,
    "icb": 1.0,
    "nhs_other": 1.0,
    "social_care_provider": 0.7,
    "voluntary": 0.3,
    "other": 0.8,
}
CE_PLUS_UNKNOWN = 0.07  # share of organisations whose Cyber Essentials Plus status is unknown


@python_text
def synthesize(
    orgs: int, *, seed: int = 0, as_of: dt.date = DEFAULT_AS_OF
) -> dict[str, pd.DataFrame]:
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
    systems = synthesize_systems(rng, layout, as_of)
    assets = synthesize_assets(rng, layout, as_of)
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
        "proposed_flows": {},  # optional: questions for check-flow (header only)
    }
    return {name: _frame(name, tables[name]) for name in TABLES}


@python_text
def write_inventory_csv(
    tables: dict[str, pd.DataFrame], out_dir: str | Path, *, force: bool = False
) -> list[Path]:
    """Write each table as ``<table>.csv`` (UTF-8, ``\\n`` line ends, no index).

    Parameters
    ----------
    tables : dict of str to DataFrame
        Tables named as in :data:`flowmap.inventory.schema.TABLES` (what :func:`synthesize`
        returns); written in schema order.
    out_dir : str or Path
        The folder; created if missing.
    force : bool
        Replace files of those names that flowmap did not write (a person's inventory).

    Returns
    -------
    list of Path
        The files written (all of them, or none when writing fails).
    """
    from flowmap.render.files import output_files

    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise UsageError(
            f"Not inventory tables: {', '.join(unknown)} (tables are: {', '.join(TABLES)})."
        )
    names = [name for name in TABLES if name in tables]
    paths = [Path(out_dir) / f"{name}.csv" for name in names]
    with output_files(paths, force=force) as temporaries:
        for name, tmp in zip(names, temporaries):
            tables[name].to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
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
        while 26**width < count:
            width += 1
        codes = rng.permutation(26**width)[:count]
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
        return [f"{GP_LETTERS[c % len(GP_LETTERS)]}{81001 + c // len(GP_LETTERS)}" for c in codes]
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
        ce_plus.append(
            np.where(
                cep < profile.ce_plus, "yes", np.where(cep < 1.0 - CE_PLUS_UNKNOWN, "no", "")
            ).astype(object)
        )
    sector_idx = np.concatenate(sectors)
    layout = Layout(
        org_id=np.array(ids, dtype=object),
        org_sector=sector_idx,
        org_region=np.concatenate(regions),
    )
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


# ---------------------------------------------------------------------- assets
