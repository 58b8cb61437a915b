"""The allowed values of the inventory's choice columns (:mod:`flowmap.inventory.schema`
declares which column takes which; ``docs/inventory-format.md`` explains each value).

Examples
--------
>>> from flowmap.inventory.choices import PURPOSES
>>> PURPOSES[:2]
('direct_care', 'safeguarding')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

SECTORS = (
    "nhs_trust", "gp_practice", "icb", "nhs_other", "local_authority", "social_care_provider",
    "police", "fire", "voluntary", "private", "research", "central_government", "other",
)
#: Public authorities (UK GDPR Art 6(1) last paragraph, DPA 2018 s7): they cannot rely on
#: legitimate interests for their tasks, and each must appoint a DPO (Art 37(1)(a)).
PUBLIC_SECTORS = frozenset(
    {
        "nhs_trust",
        "gp_practice",
        "icb",
        "nhs_other",
        "local_authority",
        "police",
        "fire",
        "central_government",
    }
)
DSPT_STATUSES = (
    "standards_exceeded", "standards_met", "approaching_standards", "not_met", "not_published",
)
SYSTEM_KINDS = (
    "server", "workstation", "database", "application", "saas", "storage", "backup_target",
    "network_device", "medical_device", "mobile", "paper_store",
)
HOSTINGS = ("on_premises", "cloud", "third_party")
CRITICALITIES = ("low", "medium", "high", "critical")
DATA_CATEGORIES = (
    "personal", "special_health", "special_other", "criminal_offence", "children", "financial",
    "staff", "corporate",
)
IDENTIFIABILITIES = ("identifiable", "pseudonymised", "anonymised", "aggregate")
TRANSPORTS = (
    "hscn", "api", "sftp", "nhsmail", "secure_email", "email", "web_upload", "cloud_share",
    "removable_media", "paper", "fax", "internal", "other",
)
PURPOSES = (
    "direct_care", "safeguarding", "administration", "commissioning", "research",
    "public_health", "statutory_return", "law_enforcement", "marketing", "other",
)
DATA_SUBJECTS = (
    "patients", "service_users", "carers_and_families", "staff", "volunteers_and_students",
    "research_participants", "members_of_public", "suppliers_and_contractors",
    "suspects_and_offenders", "victims_and_witnesses", "other",
)
DPIA_STATUSES = ("not_required", "required", "in_progress", "completed")
DSPT_FRAMEWORKS = ("caf_aligned", "standards_based", "not_applicable")
CONFIDENTIALITY_BASES = (
    "implied_consent", "explicit_consent", "s251", "legal_requirement", "public_interest",
    "not_confidential",
)
FREQUENCIES = ("realtime", "daily", "weekly", "monthly", "adhoc")
TRANSFER_MECHANISMS = ("adequacy", "idta", "scc_addendum", "bcr", "art49")
ISOLATIONS = ("offline", "immutable", "online")
RESTORE_RESULTS = ("pass", "partial", "fail")
VULN_STATUSES = ("open", "mitigated", "risk_accepted", "fixed")
#: The kinds of action the investment planner prices (``flowmap.planning`` imports this
#: tuple, in the order candidates are listed; the ``costs`` table's ``action`` values).
ACTION_KINDS = (
    "patch", "upgrade_os", "enrol_esu", "remove_exposure", "enforce_mfa", "add_waf",
    "disable_smb1", "isolate_system", "segment_zone", "encrypt_flow", "secure_transport",
    "put_dsa", "put_transfer_mechanism", "pseudonymise_flow", "apply_opt_out",
    "add_isolated_backup", "test_restore",
)

#: Electronic transports (everything but paper and removable media and fax).
ELECTRONIC_TRANSPORTS = frozenset(
    {"hscn", "api", "sftp", "nhsmail", "secure_email", "email", "web_upload", "cloud_share",
     "internal", "other"})


def electronic(transport: pd.Series) -> pd.Series:
    """Which flows move electronically (an unrecorded transport counts: it may).

    >>> import pandas as pd
    >>> electronic(pd.Series(["api", "paper", ""])).tolist()
    [True, False, True]
    """
    return transport.isin(ELECTRONIC_TRANSPORTS) | (transport == "")
