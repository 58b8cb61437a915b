"""The patterns of sharing a synthetic partnership has: flow profiles and families.

A :class:`FlowProfile` says how flows of one kind travel and on what basis (weights
over transports, lawful bases, conditions...); a :class:`Family` is one real-world
pattern of sharing between two sectors (discharge summaries from trusts to practices,
referrals back, safeguarding to councils and police, research extracts...). A
catalogue, laid out one entry a line; :mod:`flowmap.synth.flows` draws flows from it.
Weights are illustrative, set to look like an integrated care system, not a census.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlowProfile:
    """How flows of one kind travel and on what basis (weights over cell values)."""

    purpose: str
    transports: dict[str, float]
    lawful: dict[str, float]
    special: dict[str, float]
    confidentiality: dict[str, float]
    frequency: dict[str, float]
    records: int  # typical records per year
    identifiability: tuple[tuple[str, float], ...] = (("", 1.0),)
    opt_out: tuple[tuple[str, float], ...] = (("", 1.0),)
    abroad: bool = False  # some recipients are outside the UK


@dataclass(frozen=True)
class Family:
    """A pattern of sharing between two sectors."""

    name: str
    source: str
    target: str
    anchor: str  # "source" or "target": the side whose organisations draw partners
    partners: tuple[int, int]  # inclusive range of partners per anchor organisation
    assets: tuple[str, ...]  # asset codes at the source organisation
    share: float  # chance that each listed asset flows for a given pair
    profile: str
    national: bool = False  # partners from anywhere, not just the same partnership


LAWFUL_PUBLIC = {"6(1)(e)": 0.9, "": 0.06, "6(1)(c)": 0.02, "6(1)(f)": 0.02}
LAWFUL_NON_PUBLIC = {"6(1)(f)": 0.45, "6(1)(e)": 0.3, "6(1)(b)": 0.1, "": 0.15}
HEALTH_CONDITION = {"9(2)(h)": 0.93, "": 0.07}

PROFILES: dict[str, FlowProfile] = {
    "direct_care": FlowProfile(
        "direct_care",
        {"hscn": 0.34, "api": 0.3, "nhsmail": 0.24, "secure_email": 0.04, "email": 0.04,
         "fax": 0.02, "paper": 0.02},
        {"6(1)(e)": 0.9, "": 0.07, "6(1)(f)": 0.03}, HEALTH_CONDITION,
        {"implied_consent": 0.94, "": 0.06},
        {"daily": 0.45, "realtime": 0.4, "weekly": 0.15}, 2000),
    "social_care": FlowProfile(
        "direct_care",
        {"nhsmail": 0.35, "secure_email": 0.2, "api": 0.2, "email": 0.12, "cloud_share": 0.05,
         "fax": 0.03, "paper": 0.05},
        {"6(1)(e)": 0.85, "": 0.1, "6(1)(f)": 0.05}, HEALTH_CONDITION,
        {"implied_consent": 0.92, "": 0.08},
        {"weekly": 0.4, "adhoc": 0.35, "daily": 0.25}, 200),
    "care_admin": FlowProfile(
        "administration",
        {"web_upload": 0.4, "secure_email": 0.25, "email": 0.2, "api": 0.15},
        {"6(1)(e)": 0.7, "6(1)(b)": 0.1, "": 0.2}, {"9(2)(h)": 0.6, "": 0.4},
        {"implied_consent": 0.5, "not_confidential": 0.3, "": 0.2},
        {"monthly": 0.8, "weekly": 0.2}, 300),
    "safeguarding": FlowProfile(
        "safeguarding",
        {"secure_email": 0.38, "nhsmail": 0.3, "api": 0.1, "email": 0.1, "fax": 0.06,
         "paper": 0.06},
        {"6(1)(e)": 0.72, "6(1)(c)": 0.18, "": 0.1},
        {"9(2)(g)": 0.55, "9(2)(h)": 0.3, "": 0.15},
        {"public_interest": 0.55, "legal_requirement": 0.3, "": 0.15},
        {"adhoc": 0.7, "daily": 0.2, "weekly": 0.1}, 300),
    "police_safeguarding": FlowProfile(
        "safeguarding",
        {"secure_email": 0.5, "api": 0.2, "cloud_share": 0.15, "email": 0.1, "paper": 0.05},
        {"6(1)(e)": 0.8, "6(1)(c)": 0.1, "": 0.1},
        {"Sch1 para 18": 0.5, "9(2)(g)": 0.3, "": 0.2},
        {"public_interest": 0.6, "legal_requirement": 0.3, "": 0.1},
        {"daily": 0.5, "adhoc": 0.4, "weekly": 0.1}, 2000),
    "law_enforcement": FlowProfile(
        "law_enforcement",
        {"secure_email": 0.5, "api": 0.2, "email": 0.15, "paper": 0.1, "fax": 0.05},
        {"6(1)(e)": 0.7, "6(1)(c)": 0.2, "": 0.1},
        {"Sch1 para 10": 0.4, "9(2)(g)": 0.3, "": 0.3},
        {"public_interest": 0.6, "legal_requirement": 0.3, "": 0.1},
        {"adhoc": 0.8, "daily": 0.2}, 100),
    "commissioning": FlowProfile(
        "commissioning",
        {"sftp": 0.45, "hscn": 0.4, "cloud_share": 0.06, "email": 0.05, "removable_media": 0.04},
        {"6(1)(e)": 0.88, "6(1)(c)": 0.05, "": 0.07}, {"9(2)(h)": 0.9, "": 0.1},
        {"s251": 0.55, "legal_requirement": 0.3, "": 0.15},
        {"monthly": 0.7, "weekly": 0.2, "daily": 0.1}, 200000,
        (("pseudonymised", 0.65), ("identifiable", 0.2), ("aggregate", 0.1), ("", 0.05)),
        (("yes", 0.75), ("no", 0.15), ("", 0.1))),
    "risk_stratification": FlowProfile(
        "direct_care", {"hscn": 0.6, "api": 0.3, "cloud_share": 0.1},
        {"6(1)(e)": 0.95, "": 0.05}, {"9(2)(h)": 0.95, "": 0.05},
        {"s251": 0.8, "implied_consent": 0.15, "": 0.05}, {"monthly": 1.0}, 10000),
    "research": FlowProfile(
        "research",
        {"sftp": 0.45, "cloud_share": 0.25, "api": 0.1, "removable_media": 0.1, "email": 0.05,
         "secure_email": 0.05},
        {"6(1)(e)": 0.8, "6(1)(f)": 0.1, "": 0.1}, {"9(2)(j)": 0.85, "": 0.15},
        {"s251": 0.45, "explicit_consent": 0.35, "not_confidential": 0.1, "": 0.1},
        {"monthly": 0.4, "adhoc": 0.5, "weekly": 0.1}, 50000,
        (("pseudonymised", 0.6), ("anonymised", 0.3), ("identifiable", 0.1)),
        (("yes", 0.7), ("no", 0.2), ("", 0.1))),
    "statutory": FlowProfile(
        "statutory_return",
        {"web_upload": 0.45, "sftp": 0.3, "hscn": 0.2, "email": 0.05},
        {"6(1)(c)": 0.6, "6(1)(e)": 0.35, "": 0.05}, {"9(2)(h)": 0.5, "9(2)(g)": 0.1, "": 0.4},
        {"legal_requirement": 0.8, "not_confidential": 0.1, "": 0.1},
        {"monthly": 0.6, "weekly": 0.1, "adhoc": 0.3}, 100000,
        (("aggregate", 0.4), ("identifiable", 0.35), ("pseudonymised", 0.25)),
        (("no", 0.5), ("yes", 0.2), ("", 0.3))),
    "processor": FlowProfile(
        "administration",
        {"api": 0.45, "web_upload": 0.2, "sftp": 0.2, "cloud_share": 0.1, "email": 0.05},
        {"6(1)(e)": 0.8, "6(1)(f)": 0.08, "": 0.12}, {"9(2)(h)": 0.9, "": 0.1},
        {"implied_consent": 0.85, "": 0.15}, {"daily": 0.6, "realtime": 0.3, "weekly": 0.1},
        20000, abroad=True),
}

FAMILIES: tuple[Family, ...] = (
    Family("discharge", "nhs_trust", "gp_practice", "target", (1, 4),
           ("DISCH", "OPL", "PATH", "RAD", "EDREC"), 0.85, "direct_care"),
    Family("referrals", "gp_practice", "nhs_trust", "source", (1, 3), ("REF",), 1.0,
           "direct_care"),
    Family("gp_record_access", "gp_practice", "nhs_trust", "source", (1, 3), ("PATREC",), 0.8,
           "direct_care"),
    Family("transfers", "nhs_trust", "nhs_trust", "source", (1, 2), ("TRANSFER",), 1.0,
           "direct_care"),
    Family("care_summaries", "gp_practice", "social_care_provider", "target", (1, 3),
           ("PATREC",), 1.0, "social_care"),
    Family("care_notes", "social_care_provider", "gp_practice", "source", (1, 3),
           ("RESREC", "MEDREC"), 0.6, "social_care"),
    Family("care_invoices", "social_care_provider", "local_authority", "source", (1, 1),
           ("INVOICE",), 1.0, "care_admin"),
    Family("care_plans", "local_authority", "social_care_provider", "target", (1, 1),
           ("ASCASS",), 1.0, "social_care"),
    Family("trust_safeguarding", "nhs_trust", "local_authority", "source", (1, 2), ("SAFE",),
           1.0, "safeguarding"),
    Family("gp_safeguarding", "gp_practice", "local_authority", "source", (1, 1), ("SAFE",),
           0.7, "safeguarding"),
    Family("care_safeguarding", "social_care_provider", "local_authority", "source", (1, 1),
           ("SAFE",), 0.6, "safeguarding"),
    Family("mash_to_police", "local_authority", "police", "source", (1, 1), ("MASHREC",), 1.0,
           "police_safeguarding"),
    Family("police_notices", "police", "local_authority", "source", (1, 3), ("PPN",), 1.0,
           "police_safeguarding"),
    Family("section_136", "police", "nhs_trust", "source", (1, 3), ("S136",), 1.0,
           "law_enforcement"),
    Family("trust_commissioning", "nhs_trust", "icb", "source", (1, 1), ("SUS",), 1.0,
           "commissioning"),
    Family("gp_commissioning", "gp_practice", "icb", "source", (1, 1), ("GPEXT",), 1.0,
           "commissioning"),
    Family("better_care_fund", "local_authority", "icb", "source", (1, 1), ("BCF",), 1.0,
           "statutory"),
    Family("risk_stratification", "icb", "gp_practice", "target", (1, 1), ("RSO",), 1.0,
           "risk_stratification"),
    Family("trust_research", "nhs_trust", "research", "source", (0, 2), ("RSX",), 1.0,
           "research", national=True),
    Family("gp_research", "gp_practice", "research", "source", (0, 1), ("GPEXT",), 0.5,
           "research", national=True),
    Family("transcription", "nhs_trust", "private", "source", (1, 3), ("DICTA",), 1.0,
           "processor", national=True),
    Family("hospice_referrals", "nhs_trust", "voluntary", "target", (1, 2), ("DISCH",), 1.0,
           "direct_care"),
    Family("hospice_updates", "voluntary", "gp_practice", "source", (1, 3), ("HOSP",), 1.0,
           "social_care"),
    Family("fire_safety", "local_authority", "fire", "target", (1, 2), ("VPL",), 1.0,
           "safeguarding"),
    Family("trust_returns", "nhs_trust", "nhs_other", "source", (1, 1), ("SUS",), 1.0,
           "statutory", national=True),
    Family("gp_returns", "gp_practice", "nhs_other", "source", (1, 1), ("GPEXT",), 1.0,
           "statutory", national=True),
    Family("social_care_returns", "local_authority", "central_government", "source", (1, 1),
           ("SALT",), 1.0, "statutory", national=True),
    Family("pharmacy_notes", "other", "gp_practice", "source", (1, 3), ("CONSULT",), 1.0,
           "direct_care"),
)
