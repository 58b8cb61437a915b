"""The model behind ``flowmap synth``: the sectors of a partnership and where things sit.

A synthetic partnership is built from one :class:`~flowmap.synth.templates.SectorProfile`
per sector (catalogued in :mod:`flowmap.synth.care_sectors` and
:mod:`flowmap.synth.partner_sectors`). Each profile says how common the sector is, how
organisations in it are named and numbered, which *core* systems every organisation of
the sector runs (in a fixed order, so a system can be found by arithmetic: ``first
system of the org + position of the template``), which *endpoint* kinds
(workstations, medical devices, phones, extra servers) fill the rest of its estate,
and which information assets it holds and on which core system. This module lists the
sectors in order, flattens their templates into tables, and defines the
:class:`Layout` of a generated partnership; :mod:`flowmap.synth.generate` and
:mod:`flowmap.synth.flows` turn these into tables with vectorised numpy
(:mod:`flowmap.synth.sampling`), and :mod:`flowmap.synth.software` says what runs on
the systems.

The catalogues are illustrative, not a census: names, counts and shares are set to
look like a health-and-care partnership (integrated care system) and to exercise
every column of the inventory format, including the gaps (empty cells) that real
registers have. They are checked for consistency when this module is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from flowmap.synth.care_sectors import CARE, GP, ICB, NHS_OTHER, OTHER, TRUST
from flowmap.synth.partner_sectors import CENTRAL, FIRE, LA, POLICE, PRIVATE, RESEARCH, VOLUNTARY
from flowmap.synth.software import END_OF_LIFE_OS
from flowmap.synth.templates import SectorProfile

__all__ = [
    "ASSET_POSITION",
    "ASSET_TEMPLATES",
    "CORE_POSITION",
    "END_OF_LIFE_OS",
    "GP_LETTERS",
    "GUARANTEED_SECTORS",
    "PLACE_ENDINGS",
    "PLACE_STEMS",
    "PROFILE_BY_SECTOR",
    "SECTOR_INDEX",
    "SECTOR_PROFILES",
    "SYSTEM_TEMPLATES",
    "ZONE_LINK_RULES",
    "Layout",
]

# ------------------------------------------------------------------ sectors

#: Every sector's profile, in the order organisations are listed.
SECTOR_PROFILES: tuple[SectorProfile, ...] = (
    TRUST,
    ICB,
    PRIVATE,
    GP,
    LA,
    CARE,
    POLICE,
    FIRE,
    VOLUNTARY,
    RESEARCH,
    NHS_OTHER,
    CENTRAL,
    OTHER,
)
PROFILE_BY_SECTOR = {p.sector: p for p in SECTOR_PROFILES}
SECTOR_INDEX = {p.sector: i for i, p in enumerate(SECTOR_PROFILES)}
#: Per sector (by index): core system code -> position among the org's systems.
CORE_POSITION = tuple({t.code: i for i, t in enumerate(p.core)} for p in SECTOR_PROFILES)
#: Per sector (by index): asset code -> position among the org's assets.
ASSET_POSITION = tuple(
    {t.code: i for i, t in enumerate(p.asset_templates)} for p in SECTOR_PROFILES
)


def _system_template_table() -> pd.DataFrame:
    """Every sector's core and endpoint templates as one table (row = template id)."""
    rows = []
    for s, profile in enumerate(SECTOR_PROFILES):
        for t in profile.core:
            rows.append(
                (
                    s,
                    True,
                    t.code,
                    t.name,
                    t.kind,
                    t.hosting,
                    t.criticality,
                    t.zone,
                    t.os,
                    t.internet_facing,
                    t.supplied,
                    0.0,
                )
            )
        for e in profile.endpoints:
            hosting = "" if e.kind == "mobile" else "on_premises"
            rows.append(
                (
                    s,
                    False,
                    e.code,
                    e.name,
                    e.kind,
                    hosting,
                    e.criticality,
                    e.zone,
                    e.os,
                    "no",
                    False,
                    e.weight,
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            "sector",
            "core",
            "code",
            "name",
            "kind",
            "hosting",
            "criticality",
            "zone",
            "os",
            "internet_facing",
            "supplied",
            "weight",
        ],
    )


def _asset_template_table() -> pd.DataFrame:
    """Every sector's asset templates as one table, systems given by core position."""
    rows = []
    for s, profile in enumerate(SECTOR_PROFILES):
        pos = CORE_POSITION[s]
        for t in profile.asset_templates:
            rows.append(
                (
                    s,
                    t.code,
                    t.name,
                    pos[t.system],
                    pos.get(t.secondary, -1),
                    t.categories,
                    t.identifiability,
                    t.records,
                    t.essential,
                    t.retention,
                    t.owner,
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            "sector",
            "code",
            "name",
            "system",
            "secondary",
            "categories",
            "identifiability",
            "records",
            "essential",
            "retention",
            "owner",
        ],
    )


#: All system templates (core rows first within each sector), one row per template.
SYSTEM_TEMPLATES = _system_template_table()
#: All asset templates, in sector then catalogue order.
ASSET_TEMPLATES = _asset_template_table()

#: Sectors guaranteed at least one organisation (in this order) when there is room.
GUARANTEED_SECTORS = ("nhs_trust", "icb", "private")
#: Zone links inside a zoned organisation: (from role, to role, bidirectional, note).
ZONE_LINK_RULES = (
    ("dmz", "servers", "no", "Firewall rule: published services only"),
    ("clinical", "servers", "yes", "Clinical VLANs to data centre"),
    ("admin", "servers", "yes", "Corporate VLANs to data centre"),
    ("clinical", "admin", "yes", ""),
)

# --------------------------------------------------------------- place names

PLACE_STEMS = (
    "Ash",
    "Beck",
    "Bram",
    "Brook",
    "Bur",
    "Cal",
    "Chester",
    "Clay",
    "Dun",
    "East",
    "Elm",
    "Fair",
    "Fern",
    "Glen",
    "Hale",
    "Hart",
    "High",
    "Kings",
    "Lang",
    "Lin",
    "Long",
    "Mar",
    "Mill",
    "New",
    "North",
    "Oak",
    "Pen",
    "Red",
    "River",
    "Rose",
    "Sand",
    "South",
    "Stan",
    "Stone",
    "Thorn",
    "West",
    "Whit",
    "Wood",
)
PLACE_ENDINGS = (
    "bridge",
    "bury",
    "by",
    "caster",
    "cliffe",
    "combe",
    "dale",
    "field",
    "ford",
    "gate",
    "ham",
    "hampton",
    "holme",
    "hurst",
    "ley",
    "mere",
    "minster",
    "mouth",
    "port",
    "stead",
    "stow",
    "thorpe",
    "ton",
    "wick",
    "worth",
)
GP_LETTERS = "ABCDEFGHJKLMNPY"  # ODS-style practice codes: letter + five digits

# ------------------------------------------------------------------ layout


@dataclass
class Layout:
    """Where every organisation's systems and assets are, for the table builders.

    Organisations are listed by sector; each organisation's systems are contiguous
    (``sys_start[o]`` to ``sys_start[o] + sys_count[o]``) with its core systems first
    in catalogue order, and likewise its assets. So "the EPR of trust ``o``" is
    ``sys_start[o] + CORE_POSITION[sector]["EPR"]``: no lookups, no loops.
    """

    org_id: np.ndarray  # object: the organisation ids
    org_sector: np.ndarray  # int: index into SECTOR_PROFILES
    org_region: np.ndarray  # int: the partnership (ICB area) it belongs to
    sys_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    sys_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    sys_org: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    sys_id: np.ndarray = field(default_factory=lambda: np.zeros(0, object))
    sys_kind: np.ndarray = field(default_factory=lambda: np.zeros(0, object))
    sys_hosting: np.ndarray = field(default_factory=lambda: np.zeros(0, object))
    asset_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    asset_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    asset_org: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    asset_id: np.ndarray = field(default_factory=lambda: np.zeros(0, object))
    asset_system: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    asset_secondary: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # -1: none
    asset_health: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    asset_corporate: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    @property
    def n_regions(self) -> int:
        return int(self.org_region.max()) + 1 if len(self.org_region) else 1


def _check_catalogue() -> None:
    """Every asset's systems, receivers and zones exist in its sector (checked on import)."""
    for profile in SECTOR_PROFILES:
        codes = [t.code for t in profile.core]
        assert len(set(codes)) == len(codes), profile.sector
        endpoint_codes = {t.code for t in profile.endpoints}
        assert not endpoint_codes & set(codes), profile.sector
        assert profile.systems[0] >= len(codes), profile.sector
        assert profile.assets[1] <= len(profile.asset_templates), profile.sector
        for template in profile.asset_templates:
            assert template.system in codes, (profile.sector, template.code)
            assert not template.secondary or template.secondary in codes, template.code
        assert all(r in codes for r in profile.receivers), profile.sector
        assert abs(sum(t.weight for t in profile.endpoints) - 1.0) < 1e-9, profile.sector
    assert abs(sum(p.share for p in SECTOR_PROFILES) - 1.0) < 1e-9


_check_catalogue()
