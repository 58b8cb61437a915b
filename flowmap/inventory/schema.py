"""The inventory format: tables, columns, types, enumerations and defaults.

This module is the single declaration of the inventory contract documented in
``docs/inventory-format.md``. Loading, validation, the Excel template, the
synthetic generator and the documentation tests all read it; nothing else
declares a column or a default. The allowed values of its choice columns are listed
in :mod:`flowmap.inventory.choices`.

Examples
--------
>>> from flowmap.inventory.schema import TABLES
>>> TABLES["systems"].key
('system_id',)
>>> TABLES["systems"].columns["kind"].allowed[:3]
('server', 'workstation', 'database')
>>> [c.name for c in TABLES["zone_links"].required_columns]
['from_zone', 'to_zone']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from flowmap.inventory.choices import (
    ACTION_KINDS,
    CONFIDENTIALITY_BASES,
    CRITICALITIES,
    DATA_CATEGORIES,
    DATA_SUBJECTS,
    DPIA_STATUSES,
    DSPT_FRAMEWORKS,
    DSPT_STATUSES,
    FREQUENCIES,
    HOSTINGS,
    IDENTIFIABILITIES,
    ISOLATIONS,
    PURPOSES,
    RESTORE_RESULTS,
    SECTORS,
    SYSTEM_KINDS,
    TRANSFER_MECHANISMS,
    TRANSPORTS,
    VULN_STATUSES,
)

# re-exported: where every module has found them
from flowmap.inventory.choices import ELECTRONIC_TRANSPORTS as ELECTRONIC_TRANSPORTS
from flowmap.inventory.choices import electronic as electronic

ColumnType = Literal["id", "text", "enum", "bool", "date", "int", "float", "list", "enum_list"]


TRUE_WORDS = frozenset({"yes", "true", "y", "1"})
FALSE_WORDS = frozenset({"no", "false", "n", "0"})
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """One column of an inventory table.

    Parameters
    ----------
    name : str
        The snake_case column name.
    type : ColumnType
        How cells are parsed: ``id`` and ``text`` stay strings, ``enum`` must be one
        of ``allowed``, ``list``/``enum_list`` are ``;``-separated, ``bool``, ``date``,
        ``int`` and ``float`` are parsed, an empty cell meaning *unknown*.
    required : bool
        The column must be present (its cells must be filled for ids and names).
    allowed : tuple of str
        The enumeration for ``enum`` and ``enum_list`` columns.
    default : str or None
        The value an empty cell takes (after it is counted as a data-quality gap).
    minimum, maximum : float or None
        Inclusive range for numbers.
    references : str or None
        ``"table.column"`` that every value must exist in.
    description : str
        One line for the documentation and the template's header comments.
    example : str
        An example cell value for the documentation.
    risk_relevant : bool
        The risk rules read it, so an empty cell is a data-quality gap.
    """

    name: str
    type: ColumnType = "text"
    required: bool = False
    allowed: tuple[str, ...] = ()
    default: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    references: str | None = None
    description: str = ""
    example: str = ""
    risk_relevant: bool = False


@dataclass(frozen=True)
class Table:
    """One inventory table: its columns and the key that identifies a row."""

    name: str
    columns: dict[str, Column]
    key: tuple[str, ...]
    required: bool
    description: str = ""
    id_prefix: str = field(default="")

    @property
    def required_columns(self) -> list[Column]:
        return [c for c in self.columns.values() if c.required]


def _table(name: str, key: tuple[str, ...], required: bool, description: str,
           columns: list[Column]) -> Table:
    return Table(name=name, columns={c.name: c for c in columns}, key=key, required=required,
                 description=description)


ORGANISATIONS = _table("organisations", ("org_id",), True, "Organisations in the partnership.", [
    Column("org_id", "id", True, description="Unique organisation id (an ODS code works well).",
           example="RXA"),
    Column("name", "text", True, description="Organisation name.",
           example="Riverside Hospitals NHS Foundation Trust"),
    Column("sector", "enum", True, SECTORS, description="Sector.", example="nhs_trust"),
    Column("dspt_status", "enum", allowed=DSPT_STATUSES, default="not_published",
           description="Latest Data Security and Protection Toolkit status.",
           example="standards_met", risk_relevant=True),
    Column("ods_code", "text", description="NHS Organisation Data Service code.", example="RXA"),
    Column("ce_plus", "bool", description="Holds Cyber Essentials Plus.", example="yes",
           risk_relevant=True),
    Column("dspt_framework", "enum", allowed=DSPT_FRAMEWORKS,
           description="Which DSPT it takes; empty: chosen from its sector.",
           example="caf_aligned"),
    Column("address", "text", description="Postal address (the RoPA's controller details).",
           example="Riverside Road, Riverton RV1 2AB"),
    Column("ico_registration", "text",
           description="ICO data protection fee registration number.", example="Z1234567"),
    Column("dpo_name", "text", description="Data Protection Officer.", example="Jo Carter"),
    Column("dpo_email", "text", description="Data Protection Officer's email.",
           example="dpo@riverside.example"),
    Column("siro_name", "text", description="Senior Information Risk Owner.",
           example="Director of Finance"),
    Column("siro_email", "text", description="SIRO's email.", example="siro@riverside.example"),
    Column("caldicott_guardian_name", "text", description="Caldicott Guardian.",
           example="Medical Director"),
    Column("caldicott_guardian_email", "text", description="Caldicott Guardian's email.",
           example="caldicott@riverside.example"),
    Column("security_lead_name", "text", description="Cyber security lead.",
           example="Head of IT Security"),
    Column("security_lead_email", "text",
           description="Cyber security lead's email (cyber alerts go here).",
           example="cyber@riverside.example"),
    Column("assurance", "text", description="Other security assurance (ISO/IEC 27001, PSN, "
           "police assurance), with its reference.", example="ISO/IEC 27001 cert IS 712345"),
])

SYSTEMS = _table("systems", ("system_id",), True, "IT systems, devices and paper stores.", [
    Column("system_id", "id", True, description="Unique system id.", example="RXA-PAS-01"),
    Column("name", "text", True, description="System name.",
           example="Patient administration system"),
    Column("org_id", "id", True, references="organisations.org_id",
           description="Organisation that operates it.", example="RXA"),
    Column("kind", "enum", True, SYSTEM_KINDS, description="Kind of system.", example="server"),
    Column("os", "text", description="Operating system, free text.",
           example="Windows Server 2012 R2", risk_relevant=True),
    Column("software", "list", description="`;` list of the products it runs, each a name "
           "and version as the vendor writes them; empty: not recorded (alerts then say "
           "cannot tell).", example="Progress MOVEit Transfer 2023.0.1;Apache Tomcat 9.0.80"),
    Column("zone", "id", description="Network zone id; default `<org_id>:default`.",
           example="RXA:clinical", risk_relevant=True),
    Column("internet_facing", "bool", description="Reachable from the internet.", example="no",
           risk_relevant=True),
    Column("last_patched", "date", description="Date security patches were last applied.",
           example="2026-09-30", risk_relevant=True),
    Column("esu", "bool", description="Enrolled in paid extended security updates.", example="no",
           risk_relevant=True),
    Column("hosting", "enum", allowed=HOSTINGS, description="Where it runs.",
           example="on_premises"),
    Column("supplier_org_id", "id", references="organisations.org_id",
           description="Organisation that runs it as a processor.", example="SUP01"),
    Column("criticality", "enum", allowed=CRITICALITIES, default="medium",
           description="Business criticality.", example="critical"),
    Column("mfa", "bool", description="Multi-factor authentication enforced.", example="yes",
           risk_relevant=True),
    Column("smb1", "bool", description="SMBv1 enabled.", example="no", risk_relevant=True),
    Column("hostname", "text", example="rxa-pas-01",
           description="Host name (short or NetBIOS name); matches scan results."),
    Column("fqdn", "text", description="Fully qualified domain name; matches scan results.",
           example="rxa-pas-01.riverside.nhs.uk"),
    Column("ip_addresses", "list", description="`;` list of IP addresses or networks (CIDR); "
           "matches scan results.", example="10.20.1.15;10.20.9.15"),
    Column("os_cpe", "text", example="cpe:/o:microsoft:windows_server_2012:r2",
           description="The operating system's CPE name, as a scanner reported it."),
    Column("unsupported_evidence", "text",
           description="A scanner's own verdict that the OS or software is out of support.",
           example="Nessus plugin 33850 Unsupported Unix Operating System"),
    Column("contract_ref", "text",
           description="Contract with the supplier (processing, support and maintenance).",
           example="CON-KES-2024-01"),
    Column("contract_expires", "date", description="Date that contract ends.",
           example="2027-03-31"),
    Column("public_service", "bool", description="Public by design (a web portal).", example="no"),
])

ASSETS = _table("assets", ("asset_id",), True, "The information asset register.", [
    Column("asset_id", "id", True, description="Unique asset id.", example="IA-0042"),
    Column("name", "text", True, description="Asset name.", example="Maternity record"),
    Column("org_id", "id", True, references="organisations.org_id",
           description="The controller.", example="RXA"),
    Column("system_id", "list", True, references="systems.system_id",
           description="Where it is held; `;` list allowed.", example="RXA-EPR-01;RXA-DW-01"),
    Column("owner", "text", description="The information asset owner.",
           example="Head of Midwifery", risk_relevant=True),
    Column("data_categories", "enum_list", allowed=DATA_CATEGORIES,
           description="`;` list of data categories.", example="personal;special_health;children",
           risk_relevant=True),
    Column("identifiability", "enum", allowed=IDENTIFIABILITIES, default="identifiable",
           description="How identifiable the data is.", example="identifiable", risk_relevant=True),
    Column("records", "int", minimum=0, description="Number of people or records.",
           example="120000", risk_relevant=True),
    Column("essential", "bool", description="Supports an essential care function.", example="yes",
           risk_relevant=True),
    Column("retention_years", "float", minimum=0, description="Retention period in years.",
           example="25", risk_relevant=True),
    Column("last_reviewed", "date", description="Date the asset entry was last reviewed.",
           example="2026-03-31", risk_relevant=True),
    Column("rto_hours", "float", minimum=0, description="Recovery time objective, hours.",
           example="24"),
    Column("rpo_hours", "float", minimum=0, description="Recovery point objective, hours.",
           example="24", risk_relevant=True),
    Column("data_subjects", "enum_list", allowed=DATA_SUBJECTS,
           description="`;` list of the categories of people it is about.",
           example="patients;carers_and_families"),
    Column("purposes", "enum_list", allowed=PURPOSES,
           description="`;` list of why the controller holds it.", example="direct_care"),
    Column("lawful_basis", "text", description="UK GDPR Article 6 basis for holding it.",
           example="6(1)(e)"),
    Column("special_condition", "text",
           description="Article 9 / DPA 2018 Schedule 1 condition for holding it.",
           example="9(2)(h); DPA 2018 Sch 1 para 2"),
    Column("confidentiality_basis", "enum", allowed=CONFIDENTIALITY_BASES,
           description="Common law duty of confidentiality basis for its own use.",
           example="implied_consent"),
    Column("dpia_status", "enum", allowed=DPIA_STATUSES,
           description="Data protection impact assessment status.", example="completed"),
    Column("dpia_ref", "text", description="Reference or link of the DPIA.",
           example="DPIA-2024-011"),
    Column("retention_followed", "bool",
           description="Kept and destroyed in line with the retention schedule.",
           example="yes"),
])

FLOWS = _table("flows", ("flow_id",), True, "The data-flow map.", [
    Column("flow_id", "id", True, description="Unique flow id.", example="F-0001"),
    Column("asset_id", "id", True, references="assets.asset_id",
           description="The information asset that flows.", example="IA-0042"),
    Column("source_system_id", "id", True, references="systems.system_id",
           description="Sending system.", example="RXA-EPR-01"),
    Column("target_system_id", "id", True, references="systems.system_id",
           description="Receiving system.", example="GP1-CLIN-01"),
    Column("transport", "enum", allowed=TRANSPORTS, description="How the data travels.",
           example="hscn", risk_relevant=True),
    Column("encrypted", "bool", description="Encrypted in transit.", example="yes",
           risk_relevant=True),
    Column("purpose", "enum", allowed=PURPOSES, description="Purpose of the flow.",
           example="direct_care", risk_relevant=True),
    Column("lawful_basis", "text", description="UK GDPR Article 6 basis.", example="6(1)(e)",
           risk_relevant=True),
    Column("special_condition", "text", description="Article 9 / DPA 2018 Schedule 1 condition.",
           example="9(2)(h)", risk_relevant=True),
    Column("confidentiality_basis", "enum", allowed=CONFIDENTIALITY_BASES,
           description="Common law duty of confidentiality basis.", example="implied_consent",
           risk_relevant=True),
    Column("s251_ref", "text", description="Section 251 approval reference.",
           example="CAG 8-03(PR11)/2012"),
    Column("dsa_ref", "text", description="Data-sharing agreement reference.",
           example="DSA-2024-017", risk_relevant=True),
    Column("dsa_expires", "date", description="Date the agreement expires.", example="2027-03-31",
           risk_relevant=True),
    Column("opt_out_applied", "bool", description="National data opt-out applied.", example="no"),
    Column("identifiability", "enum", allowed=IDENTIFIABILITIES,
           description="Overrides the asset's identifiability for this flow.",
           example="pseudonymised"),
    Column("records_per_year", "int", minimum=0, description="Records sent per year.",
           example="5000"),
    Column("frequency", "enum", allowed=FREQUENCIES, description="How often it flows.",
           example="daily"),
    Column("destination_country", "text", default="GB",
           description="ISO 3166 alpha-2 country of the recipient; default GB.", example="GB"),
    Column("transfer_mechanism", "enum", allowed=TRANSFER_MECHANISMS,
           description="Restricted transfer mechanism.", example="idta"),
])

BACKUPS = _table("backups", ("backup_id",), False, "Backups of systems.", [
    Column("backup_id", "id", True, description="Unique backup id.", example="BK-001"),
    Column("source_system_id", "id", True, references="systems.system_id",
           description="What is backed up.", example="RXA-EPR-01"),
    Column("target_system_id", "id", True, references="systems.system_id",
           description="Where the copy lives.", example="RXA-BKP-01"),
    Column("frequency_hours", "float", minimum=0, description="Hours between backups.",
           example="24", risk_relevant=True),
    Column("isolation", "enum", allowed=ISOLATIONS, description="Isolation of the copy.",
           example="immutable", risk_relevant=True),
    Column("offsite", "bool", description="Copy kept off site.", example="yes"),
    Column("encrypted", "bool", description="Copy encrypted.", example="yes"),
    Column("last_restore_test", "date", description="Date a restore was last tested.",
           example="2026-06-12", risk_relevant=True),
    Column("restore_result", "enum", allowed=RESTORE_RESULTS,
           description="Result of that restore test.", example="pass", risk_relevant=True),
])

VULNERABILITIES = _table("vulnerabilities", ("system_id", "cve_id"), False,
                         "Known vulnerabilities on systems.", [
    Column("system_id", "id", True, references="systems.system_id",
           description="Affected system.", example="RXA-PAS-01"),
    Column("cve_id", "id", True, description="CVE id.", example="CVE-2017-0144"),
    Column("cvss", "float", minimum=0, maximum=10, description="CVSS base score, 0-10.",
           example="8.8", risk_relevant=True),
    Column("epss", "float", minimum=0, maximum=1, description="EPSS probability, 0-1.",
           example="0.97", risk_relevant=True),
    Column("kev", "bool", description="In the CISA Known Exploited Vulnerabilities catalogue.",
           example="yes", risk_relevant=True),
    Column("ransomware", "bool", description="Known use in ransomware campaigns.", example="yes"),
    Column("patch_released", "date", description="Date the vendor released a patch.",
           example="2017-03-14", risk_relevant=True),
    Column("status", "enum", allowed=VULN_STATUSES, default="open",
           description="Remediation status.", example="open"),
    Column("risk_acceptance_ref", "text", description="Reference of the risk acceptance.",
           example="RA-2026-004"),
    Column("mitigation_ref", "text", description="For `mitigated`: what was done and its "
           "reference.", example="CHG-2026-118: vendor workaround applied"),
    Column("mitigated_on", "date", description="Date of the mitigation.", example="2026-10-02"),
])

ZONE_LINKS = _table("zone_links", ("from_zone", "to_zone"), False,
                    "Network reachability between zones.", [
    Column("from_zone", "id", True, description="Zone id.", example="RXA:clinical"),
    Column("to_zone", "id", True, description="Zone id it can reach.", example="RXA:servers"),
    Column("bidirectional", "bool", default="true",
           description="Reachable both ways (default yes).", example="yes"),
    Column("note", "text", description="Free-text note.", example="Firewall rule FW-12"),
])

COSTS = _table("costs", ("action", "subject_id"), False,
               "What security actions cost here (overrides the planner's indicative costs).", [
    Column("action", "enum", True, ACTION_KINDS, description="The kind of action.",
           example="patch"),
    Column("subject_id", "id", description="The system, zone, flow or backup it applies to; "
           "empty means every subject of that action.", example="RXA-PAS-01"),
    Column("cost_gbp", "float", True, minimum=0, description="Cost in pounds.",
           example="2500"),
    Column("note", "text", description="Free-text note: what the figure covers.",
           example="Supplier quote, includes out-of-hours"),
])

PROPOSED_FLOWS = _table("proposed_flows", ("proposal_id",), False,
                        "Flows someone proposes, for `flowmap check-flow` (not analysed).", [
    Column("proposal_id", "id", True, description="Unique proposal id.", example="P-001"),
    Column("asset_id", "id", True, references="assets.asset_id",
           description="The information asset it would send.", example="IA-0011"),
    Column("source_system_id", "id", references="systems.system_id",
           description="Sending system, if known.", example="M85001-CLIN"),
    Column("target_system_id", "id", references="systems.system_id",
           description="Receiving system, if known.", example="RXA-EPR-01"),
    Column("from_org_id", "id", references="organisations.org_id",
           description="Sending organisation (when no sending system is given).",
           example="M85001"),
    Column("to_org_id", "id", references="organisations.org_id",
           description="Receiving organisation (when no receiving system is given).",
           example="RXA"),
    Column("purpose", "enum", True, PURPOSES, description="Purpose of the flow.",
           example="direct_care"),
    Column("transport", "enum", allowed=TRANSPORTS, description="How the data would travel.",
           example="nhsmail"),
    Column("encrypted", "bool", description="Encrypted in transit.", example="yes"),
    Column("identifiability", "enum", allowed=IDENTIFIABILITIES,
           description="Overrides the asset's identifiability.", example="identifiable"),
    Column("records_per_year", "int", minimum=0, description="Records sent per year.",
           example="4000"),
    Column("frequency", "enum", allowed=FREQUENCIES, description="How often it would flow.",
           example="daily"),
    Column("destination_country", "text", default="GB",
           description="ISO 3166 alpha-2 country of the recipient; default GB.", example="GB"),
    Column("transfer_mechanism", "enum", allowed=TRANSFER_MECHANISMS,
           description="Restricted transfer mechanism.", example="idta"),
    Column("lawful_basis", "text", description="UK GDPR Article 6 basis intended.",
           example="6(1)(e)"),
    Column("special_condition", "text", description="Article 9 / Schedule 1 condition intended.",
           example="9(2)(h)"),
    Column("confidentiality_basis", "enum", allowed=CONFIDENTIALITY_BASES,
           description="Common law basis intended.", example="implied_consent"),
    Column("s251_ref", "text", description="Section 251 approval reference, if any.",
           example="23/CAG/0142"),
    Column("opt_out_applied", "bool", description="National data opt-out would be applied.",
           example="no"),
    Column("dsa_ref", "text", description="Agreement it would be under.", example="DSA-2027-001"),
    Column("new_technology", "bool", description="Uses new technology (e.g. AI).",
           example="no"),
    Column("data_matching", "bool", description="Matches or combines it with other data.",
           example="no"),
    Column("note", "text", description="What is proposed, in words.",
           example="Referral letters by NHSmail instead of post"),
])

TABLES: dict[str, Table] = {t.name: t for t in (
    ORGANISATIONS, SYSTEMS, ASSETS, FLOWS, BACKUPS, VULNERABILITIES, ZONE_LINKS, COSTS,
    PROPOSED_FLOWS)}

#: Columns holding free text a person typed (dropped by redaction, escaped everywhere).
FREE_TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "systems": ("unsupported_evidence",),
    "organisations": (
        "address", "dpo_name", "dpo_email", "siro_name", "siro_email",
        "caldicott_guardian_name", "caldicott_guardian_email", "security_lead_name",
        "security_lead_email", "assurance",
    ),
    "assets": ("owner", "dpia_ref"),
    "proposed_flows": ("note",),
    "zone_links": ("note",),
    "vulnerabilities": ("risk_acceptance_ref", "mitigation_ref"),
    "costs": ("note",),
}

#: Columns whose ``;`` list items must be IP addresses or networks (``10.0.0.0/8``).
ADDRESS_LIST_COLUMNS: dict[str, tuple[str, ...]] = {"systems": ("ip_addresses",)}

def default_zone(org_id: str) -> str:
    """The zone a system is in when its ``zone`` cell is empty.

    >>> default_zone("RXA")
    'RXA:default'
    """
    return f"{org_id}:default"


def normalise_column_name(name: object) -> str:
    """Match column names case-insensitively after trimming spaces.

    >>> normalise_column_name("  System_ID ")
    'system_id'
    >>> normalise_column_name("Last Patched")
    'last_patched'
    """
    text = "" if name is None else str(name)
    return "_".join(text.strip().lower().split())
