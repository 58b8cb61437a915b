"""Analysis settings: every threshold and weight the risk rules use, declared once.

``docs/scoring.md`` explains each value and where it comes from. Pass a changed
copy to :func:`flowmap.analyse` (``settings=AnalysisSettings(stale_patch_days=30)``)
to apply a local policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args


@dataclass(frozen=True)
class AnalysisSettings:
    """Thresholds and weights for scoring and rules (all documented in docs/scoring.md)."""

    # --- dates (DSPT / Cyber Essentials expectations)
    patch_expectation_days: int = 14  # critical and high patches applied within 14 days
    stale_patch_days: int = 60  # PATCH_STALE: not patched for longer than this
    eol_soon_months: int = 12  # EOL_SOON: support ends within this many months
    review_months: int = 12  # ASSET_REVIEW_STALE
    restore_test_months: int = 12  # BACKUP_RESTORE_UNTESTED

    # --- likelihood: probability each weakness alone lets an attacker in
    base_likelihood: float = 0.02  # any system, however well kept
    kev_likelihood: float = 0.6  # open vulnerability known to be exploited
    kev_ransomware_likelihood: float = 0.7  # ... and used by ransomware gangs
    cvss_band_likelihood: tuple[tuple[float, float], ...] = (
        (9.0, 0.30),
        (7.0, 0.15),
        (4.0, 0.05),
        (0.0, 0.01),
    )
    unknown_cvss_likelihood: float = 0.15  # unknown CVSS treated as high
    mitigated_factor: float = 0.5  # a mitigated vulnerability counts half
    eol_likelihood: float = 0.5  # unsupported OS, no extension in force
    eol_extended_likelihood: float = 0.1  # unsupported OS with paid extended updates
    os_unknown_likelihood: float = 0.2  # OS not recorded or not recognised
    patch_age_likelihood: tuple[tuple[int, float], ...] = (
        (180, 0.35),
        (60, 0.2),
        (14, 0.1),
    )  # (more than N days, probability)
    patch_unknown_likelihood: float = 0.3  # never recorded: assumed stale
    internet_likelihood: float = 0.15  # internet-facing
    internet_unknown_likelihood: float = 0.15  # not recorded: read as internet-facing
    smb1_likelihood: float = 0.3  # SMBv1 enabled (WannaCry's way in)
    smb1_unknown_likelihood: float = 0.05  # not recorded, on a Windows system
    no_mfa_internet_likelihood: float = 0.3
    mfa_unknown_internet_likelihood: float = 0.15
    max_likelihood: float = 0.99

    # --- entry points
    phishing_base: float = 0.2  # a workstation or device user is phished
    phishing_kinds: tuple[str, ...] = ("workstation", "medical_device", "mobile")

    # --- impact weights
    category_weights: dict[str, float] = field(
        default_factory=lambda: {
            "special_health": 1.0,
            "children": 1.0,
            "criminal_offence": 1.0,
            "special_other": 0.9,
            "financial": 0.6,
            "personal": 0.5,
            "staff": 0.4,
            "corporate": 0.2,
        }
    )
    unknown_category_weight: float = 0.7  # categories not recorded: assumed sensitive
    identifiability_weights: dict[str, float] = field(
        default_factory=lambda: {
            "identifiable": 1.0,
            "pseudonymised": 0.5,
            "anonymised": 0.15,
            "aggregate": 0.05,
        }
    )
    records_full_scale: float = 1_000_000  # this many records scores full volume
    unknown_records_volume: float = 0.75  # records not recorded: assumed ~30,000
    essential_weights: tuple[float, float, float] = (1.0, 0.3, 0.7)  # yes, no, unknown
    confidentiality_weight: float = 0.7
    availability_weight: float = 0.3

    # --- total risk: a governance gap is read as this chance of the harm its data's impact
    # measures, scaled by the finding's score (so a score-60 flow finding on impact-90 data
    # counts 0.1 x 0.6 x 90 = 5.4 impact points)
    governance_weight: float = 0.1

    # --- computation: "rustworkx" (compiled, the default) or "networkx" (the reference)
    path_backend: str = "rustworkx"

    # --- reporting
    path_risk_threshold: float = 10.0  # ATTACK_PATH raised when asset risk >= this (0-100)
    top_paths: int = 20


DEFAULT_SETTINGS = AnalysisSettings()

#: Finding severities, most severe first, and the score (0-100) each starts at.
#: A finding's severity band, most severe first.
Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
SEVERITY_FLOOR = {"critical": 80, "high": 60, "medium": 40, "low": 20, "info": 0}


def severity_of(score: float) -> Severity:
    """The severity band of a 0-100 score.

    >>> severity_of(85), severity_of(60), severity_of(5)
    ('critical', 'high', 'info')
    """
    for name in SEVERITIES:
        if score >= SEVERITY_FLOOR[name]:
            return name
    return "info"
