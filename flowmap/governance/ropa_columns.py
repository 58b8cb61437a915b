"""The columns of a record of processing activities, and the two layouts it is shown in.

flowmap builds one row per processing activity with the fields in :data:`FIELDS`. Two
views re-label them for the forms IG teams keep:

- :data:`ICO_COLUMNS`: the ICO's documentation template for controllers, in its order,
  with its column headings word for word (as transcribed in public sources; the ICO
  workbook itself could not be opened, so the wording is marked ``secondary``);
- :data:`DSPT_COLUMNS`: the minimum items of DSPT evidence item 1.1.2 ("Record of
  Processing activities and Information Asset registers"), word for word from the DSPT
  help page.

Examples
--------
>>> len(ICO_COLUMNS), len(DSPT_COLUMNS)
(30, 13)
>>> ICO_COLUMNS[1]
('Purpose of processing', ('purpose',))
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One field of an activity's record.

    ``needed`` fields are required by UK GDPR Article 30 or DSPT item 1.1.2: when flowmap
    cannot fill one, the cell is a gap and the gap summary says what to collect
    (``collect``: an inventory column, or who to ask).
    """

    key: str
    label: str
    needed: bool
    collect: str = ""
    basis: str = ""


FIELDS: tuple[Field, ...] = (
    Field("purpose", "Purpose of processing", True, "assets.purposes", "Art 30(1)(b)"),
    Field(
        "data_subjects", "Categories of individuals", True, "assets.data_subjects", "Art 30(1)(c)"
    ),
    Field(
        "data_categories",
        "Categories of personal data",
        True,
        "assets.data_categories",
        "Art 30(1)(c)",
    ),
    Field(
        "sensitive",
        "Sensitive information held and why",
        True,
        "assets.data_categories",
        "DSPT 1.1.2",
    ),
    Field("recipients", "Recipients (organisations and flows)", True, "flows", "Art 30(1)(d)"),
    Field("recipient_categories", "Categories of recipients", True, "flows", "Art 30(1)(d)"),
    Field("processors", "Processors and their contracts", True, "systems.contract_ref", "Art 28"),
    Field(
        "transfers", "Countries outside the UK", True, "flows.destination_country", "Art 30(1)(e)"
    ),
    Field(
        "transfer_safeguards",
        "Safeguards for transfers outside the UK",
        True,
        "flows.transfer_mechanism",
        "Art 30(1)(e)",
    ),
    Field("retention", "Retention schedule", True, "assets.retention_years", "Art 30(1)(f)"),
    Field(
        "retention_followed",
        "Retained and disposed of in line with the schedule",
        True,
        "assets.retention_followed",
        "DSPT 1.1.2",
    ),
    Field("retention_reasons", "Reasons for not following the schedule", False, "", "ICO template"),
    Field(
        "security",
        "General description of security measures",
        True,
        "systems and backups",
        "Art 30(1)(g)",
    ),
    Field(
        "lawful_basis",
        "Article 6 lawful basis",
        True,
        "assets.lawful_basis or flows.lawful_basis",
        "DSPT 1.1.2",
    ),
    Field(
        "special_condition",
        "Article 9 condition",
        True,
        "assets.special_condition or flows.special_condition",
        "DSPT 1.1.2",
    ),
    Field(
        "schedule1",
        "DPA 2018 Schedule 1 condition",
        True,
        "assets.special_condition",
        "DPA 2018 s10",
    ),
    Field("legitimate_interests", "Legitimate interests (if relied on)", False, "", "ICO template"),
    Field(
        "common_law",
        "Common-law confidentiality basis",
        True,
        "assets.confidentiality_basis or flows.confidentiality_basis",
        "common law duty of confidentiality",
    ),
    Field("rights", "Rights available to individuals", False, "", "ICO template"),
    Field("source", "Source of the personal data", False, "", "ICO template"),
    Field("location", "Where it is held", True, "assets.system_id", "DSPT 1.1.2"),
    Field(
        "systems", "Systems and software that process it", True, "assets.system_id", "DSPT 1.1.2"
    ),
    Field(
        "support",
        "Support and maintenance arrangements",
        True,
        "systems.supplier_org_id and systems.contract_ref",
        "DSPT 1.1.2",
    ),
    Field("owner", "Information asset owner", True, "assets.owner", "DSPT 1.1.2"),
    Field(
        "impact",
        "Impact of its loss, compromise or disclosure",
        True,
        "assets.records and assets.essential",
        "DSPT 1.1.2",
    ),
    Field(
        "agreements",
        "Data-sharing agreements and contracts, and when they end",
        True,
        "flows.dsa_ref and flows.dsa_expires",
        "DSPT 1.1.2",
    ),
    Field("dpia_required", "DPIA required?", True, "assets.dpia_status", "ICO template"),
    Field("dpia_progress", "DPIA progress", False, "assets.dpia_status", "ICO template"),
    Field("dpia_link", "Link to DPIA", False, "assets.dpia_ref", "ICO template"),
    Field("business_function", "Business function", False, "", "ICO template"),
    Field("joint_controller", "Joint controller", False, "", "ICO template"),
    Field("automated_decisions", "Automated decision-making", False, "", "ICO template"),
    Field("consent_record", "Link to record of consent", False, "", "ICO template"),
    Field("lia_record", "Link to legitimate interests assessment", False, "", "ICO template"),
    Field("breach", "Personal data breach", False, "", "ICO template"),
    Field("retention_policy", "Link to retention and erasure policy", False, "", "ICO template"),
)
FIELD = {f.key: f for f in FIELDS}

#: The ICO's documentation template for controllers: (heading, fields shown in it).
ICO_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Business function", ("business_function",)),
    ("Purpose of processing", ("purpose",)),
    ("Name and contact details of joint controller (if applicable)", ("joint_controller",)),
    ("Categories of individuals", ("data_subjects",)),
    ("Categories of personal data", ("data_categories",)),
    ("Categories of recipients", ("recipient_categories",)),
    ("Link to contract with processor", ("processors",)),
    (
        "Names of third countries or international organisations that personal data are "
        "transferred to (if applicable)",
        ("transfers",),
    ),
    (
        "Safeguards for exceptional transfers of personal data to third countries or "
        "international organisations (if applicable)",
        ("transfer_safeguards",),
    ),
    ("Retention schedule (if possible)", ("retention",)),
    (
        "General description of technical and organisational security measures (if possible)",
        ("security",),
    ),
    ("Article 6 lawful basis for processing personal data", ("lawful_basis",)),
    ("Article 9 condition for processing special category data", ("special_condition",)),
    ("Legitimate interests for the processing (if applicable)", ("legitimate_interests",)),
    ("Link to record of legitimate interests assessment (if applicable)", ("lia_record",)),
    ("Rights available to individuals", ("rights",)),
    (
        "Existence of automated decision-making, including profiling (if applicable)",
        ("automated_decisions",),
    ),
    ("The source of the personal data (if applicable)", ("source",)),
    ("Link to record of consent", ("consent_record",)),
    ("Location of personal data", ("location",)),
    ("Data Protection Impact Assessment required?", ("dpia_required",)),
    ("Data Protection Impact Assessment progress", ("dpia_progress",)),
    ("Link to Data Protection Impact Assessment", ("dpia_link",)),
    ("Has a personal data breach occurred?", ("breach",)),
    ("Link to record of personal data breach", ("breach",)),
    ("Data Protection Act 2018 Schedule 1 Condition for processing", ("schedule1",)),
    ("GDPR Article 6 lawful basis for processing", ("lawful_basis",)),
    ("Link to retention and erasure policy document", ("retention_policy",)),
    (
        "Is personal data retained and erased in accordance with the policy document?",
        ("retention_followed",),
    ),
    ("Reasons for not adhering to policy document (if applicable)", ("retention_reasons",)),
)

#: DSPT evidence item 1.1.2's minimum items: (item, fields shown in it).
DSPT_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Purpose of processing", ("purpose",)),
    (
        "Legal basis relied on from GDPR Article 6 and Article 9",
        ("lawful_basis", "special_condition"),
    ),
    ("Categories of data subject/personal data", ("data_subjects", "data_categories")),
    ("Categories of recipients", ("recipient_categories",)),
    ("Where it is held and whether information is transferred overseas", ("location", "transfers")),
    (
        "Whether data is retained and disposed of in line with policies, or if not, why not",
        ("retention_followed", "retention_reasons"),
    ),
    (
        "Whether a written data-sharing agreement or contract is in place and when it ends",
        ("agreements",),
    ),
    ("What sensitive information is held or processed and why", ("sensitive",)),
    ("Which systems or services process it", ("systems",)),
    ("The impact of its loss, compromise or disclosure", ("impact",)),
    ("Software used to manage the data (if applicable)", ("systems",)),
    ("Information asset owner or person with overall responsibility for the data", ("owner",)),
    ("Support and maintenance arrangements", ("support",)),
)

#: The columns that identify an activity, before its fields.
ID_COLUMNS = ("org_id", "controller", "role", "activity_id", "asset_id", "asset")
