"""The model behind ``flowmap synth``: sectors, their systems and assets, and sampling helpers.

A synthetic partnership is built from one :class:`SectorProfile` per sector. Each
profile says how common the sector is, how organisations in it are named and
numbered, which *core* systems every organisation of the sector runs (in a fixed
order, so a system can be found by arithmetic: ``first system of the org +
position of the template``), which *endpoint* kinds (workstations, medical devices,
phones, extra servers) fill the rest of its estate, and which information assets
it holds and on which core system. :mod:`flowmap.synth` and
:mod:`flowmap.synth_flows` turn these catalogues into tables with vectorised numpy.

The catalogues are illustrative, not a census: names, counts and shares are set to
look like a health-and-care partnership (integrated care system) and to exercise
every column of the inventory format, including the gaps (empty cells) that real
registers have.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# ---------------------------------------------------------------- templates


@dataclass(frozen=True)
class SystemTemplate:
    """A core system every organisation of a sector runs (one row per organisation)."""

    code: str
    name: str
    kind: str
    hosting: str
    criticality: str
    zone: str  # zone role: servers, dmz, clinical, admin or default
    os: str  # key of OS_CHOICES
    internet_facing: str = "no"
    supplied: bool = False  # run by a supplier organisation (supplier_org_id)


@dataclass(frozen=True)
class EndpointTemplate:
    """A kind of device that fills an organisation's estate beyond its core systems."""

    code: str
    name: str
    kind: str
    zone: str
    os: str
    criticality: str
    weight: float


@dataclass(frozen=True)
class AssetTemplate:
    """An information asset and the core system (by code) it is held on."""

    code: str
    name: str
    system: str
    categories: str
    records: int
    essential: str
    retention: str
    owner: str
    identifiability: str = "identifiable"
    secondary: str = ""  # a second core system that also holds it


@dataclass(frozen=True)
class SectorProfile:
    """Everything the generator knows about one sector."""

    sector: str
    share: float
    id_style: str  # see flowmap.synth._org_ids
    names: tuple[str, ...]  # name patterns, "{p}" is a place name
    systems: tuple[int, int]  # inclusive range of systems per organisation
    core: tuple[SystemTemplate, ...]
    endpoints: tuple[EndpointTemplate, ...]
    assets: tuple[int, int]  # inclusive range of assets per organisation
    asset_templates: tuple[AssetTemplate, ...]
    receivers: tuple[str, ...]  # core systems that receive data from other organisations
    zoned: bool  # clinical/admin/servers/dmz zones rather than one default zone
    public: bool  # a public authority (Article 6(1)(e) is its usual lawful basis)
    dspt: tuple[float, ...]  # weights over schema.DSPT_STATUSES
    ce_plus: float  # share holding Cyber Essentials Plus


S = SystemTemplate
E = EndpointTemplate
A = AssetTemplate

HEALTH = "personal;special_health"
CHILD_HEALTH = "personal;special_health;children"
STAFF = "personal;staff;special_other"

# Shared building blocks (same code, same meaning, in every sector that has them).
M365 = S("M365", "Microsoft 365 and NHSmail", "saas", "cloud", "high", "default", "none", "yes",
         True)
FIN = S("FIN", "Finance and procurement system", "saas", "cloud", "medium", "default", "none",
        "yes", True)
WEB = S("WEB", "Public website", "server", "cloud", "low", "dmz", "linux", "yes")
VPN = S("VPN", "Remote access gateway", "network_device", "on_premises", "high", "dmz",
        "network", "yes")
FW = S("FW", "Perimeter firewall", "network_device", "on_premises", "critical", "dmz", "network",
       "yes")
AD = S("AD", "Active Directory domain controllers", "server", "on_premises", "critical",
       "servers", "winserver")
FILE = S("FILE", "File and print servers", "server", "on_premises", "medium", "servers",
         "winserver")
CORE = S("CORE", "Core network switches", "network_device", "on_premises", "critical", "servers",
         "network")
BKP = S("BKP", "Backup repository", "backup_target", "on_premises", "critical", "servers",
        "linux")
BKC = S("BKC", "Cloud backup vault", "backup_target", "cloud", "high", "default", "none")
DB = S("DB", "Corporate SQL database server", "database", "on_premises", "high", "servers",
       "winserver")

ADMIN_WS = E("AW", "Office workstation", "workstation", "admin", "desktop", "low", 0.0)
LAPTOP = E("LT", "Staff laptop", "mobile", "admin", "mobile", "low", 0.0)
SWITCH = E("SW", "Network switch", "network_device", "servers", "network", "medium", 0.0)
APP_SRV = E("APP", "Application server", "server", "servers", "anyserver", "medium", 0.0)
DEPT_DB = E("DDB", "Departmental database", "database", "servers", "winserver", "medium", 0.0)


def _w(template: EndpointTemplate, weight: float) -> EndpointTemplate:
    return EndpointTemplate(template.code, template.name, template.kind, template.zone,
                            template.os, template.criticality, weight)


STAFF_RECORDS = A("STAFF", "Staff records", "FILE", STAFF, 400, "no", "75",
                  "Head of Human Resources")
CORPORATE = A("CORR", "Corporate records and board papers", "FILE", "corporate", 20000, "no",
              "20", "Company Secretary", "aggregate")

SPECIALTIES = ("Cardiology", "Oncology", "Paediatrics", "Renal", "Ophthalmology", "Dermatology",
               "Stroke", "Diabetes", "Respiratory", "Orthopaedics", "Neurology", "Haematology",
               "Urology", "Gastroenterology", "Sexual health", "Audiology")

TRUST = SectorProfile(
    "nhs_trust", 0.03, "letters:R",
    ("{p} Hospitals NHS Foundation Trust", "{p} Teaching Hospitals NHS Trust",
     "{p} Community Healthcare NHS Trust", "{p} Mental Health NHS Foundation Trust",
     "{p} and District NHS Foundation Trust"),
    (150, 400),
    (S("EPR", "Electronic patient record", "application", "on_premises", "critical", "servers",
       "winserver"),
     S("PAS", "Patient administration system", "application", "on_premises", "critical",
       "servers", "winserver"),
     S("ED", "Emergency department system", "application", "on_premises", "critical", "servers",
       "winserver"),
     S("LIMS", "Pathology laboratory information system", "application", "on_premises",
       "critical", "servers", "linux"),
     S("RIS", "Radiology information system", "application", "on_premises", "high", "servers",
       "winserver"),
     S("PACS", "Picture archiving and communication system", "application", "third_party",
       "critical", "servers", "linux", "no", True),
     S("MAT", "Maternity information system", "application", "on_premises", "high", "servers",
       "winserver"),
     S("EPMA", "Electronic prescribing and medicines administration", "application",
       "on_premises", "critical", "servers", "winserver"),
     S("THEA", "Theatres management system", "application", "on_premises", "high", "servers",
       "winserver"),
     S("TIE", "Trust integration engine", "server", "on_premises", "critical", "servers",
       "linux"),
     S("DW", "Clinical data warehouse", "database", "on_premises", "high", "servers",
       "winserver"),
     S("SQL", "Clinical SQL database cluster", "database", "on_premises", "critical", "servers",
       "winserver"),
     S("DOCS", "Electronic document management", "application", "on_premises", "high",
       "servers", "winserver"),
     S("DICT", "Digital dictation and transcription", "saas", "third_party", "medium", "default",
       "none", "yes", True),
     S("ESR", "Electronic staff record", "saas", "third_party", "medium", "default", "none",
       "yes", True),
     FIN, M365,
     S("PORTAL", "Patient portal", "application", "cloud", "medium", "dmz", "linux", "yes"),
     WEB, VPN, FW, AD, FILE, CORE,
     S("WIFI", "Wireless LAN controller", "network_device", "on_premises", "medium", "servers",
       "network"),
     S("SAN", "Storage area network", "storage", "on_premises", "critical", "servers",
       "storage"),
     BKP, BKC,
     S("REC", "Medical records library", "paper_store", "on_premises", "high", "default",
       "none")),
    (E("WS", "Clinical workstation", "workstation", "clinical", "desktop", "medium", 0.52),
     _w(ADMIN_WS, 0.18),
     E("PM", "Patient monitor", "medical_device", "clinical", "meddev", "high", 0.05),
     E("US", "Ultrasound scanner", "medical_device", "clinical", "meddev", "high", 0.025),
     E("CT", "CT scanner console", "medical_device", "clinical", "meddev", "critical", 0.01),
     E("LAB", "Laboratory analyser", "medical_device", "clinical", "meddev", "high", 0.025),
     E("ECG", "ECG cart", "medical_device", "clinical", "meddev", "medium", 0.02),
     E("MOB", "Clinical mobile device", "mobile", "clinical", "mobile", "low", 0.05),
     _w(SWITCH, 0.03), _w(APP_SRV, 0.06), _w(DEPT_DB, 0.03)),
    (20, 40),
    (A("EPRREC", "Electronic patient records", "EPR", HEALTH, 600000, "yes", "8",
       "Chief Clinical Information Officer", secondary="DW"),
     A("DISCH", "Discharge summaries", "EPR", HEALTH, 90000, "yes", "8", "Chief Nursing Officer",
       secondary="DOCS"),
     A("OPL", "Outpatient clinic letters", "DOCS", HEALTH, 250000, "yes", "8",
       "Divisional Director of Operations"),
     A("PATH", "Pathology results", "LIMS", HEALTH, 1500000, "yes", "8",
       "Clinical Director of Pathology"),
     A("RAD", "Radiology reports and images", "PACS", HEALTH, 300000, "yes", "8",
       "Clinical Director of Radiology", secondary="RIS"),
     A("SAFE", "Safeguarding referrals", "EPR", CHILD_HEALTH, 3000, "yes", "25",
       "Named Nurse for Safeguarding"),
     A("SUS", "Commissioning data set submissions", "DW", HEALTH, 800000, "no", "8",
       "Head of Information"),
     A("RSX", "Research data extract", "DW", HEALTH, 50000, "no", "20",
       "Research and Development Manager", "pseudonymised"),
     A("TRANSFER", "Inter-hospital transfer summaries", "EPR", HEALTH, 5000, "yes", "8",
       "Deputy Chief Nurse"),
     A("DICTA", "Dictation audio and transcripts", "DICT", HEALTH, 200000, "no", "8",
       "Head of Medical Secretaries"),
     A("PASREC", "Patient administration and waiting lists", "PAS", HEALTH, 600000, "yes", "8",
       "Chief Operating Officer", secondary="DW"),
     A("EDREC", "Emergency department attendances", "ED", HEALTH, 120000, "yes", "8",
       "Clinical Director of Emergency Medicine"),
     A("MATREC", "Maternity records", "MAT", CHILD_HEALTH, 6000, "yes", "25",
       "Head of Midwifery"),
     A("RX", "Prescribing and medicines administration records", "EPMA", HEALTH, 400000, "yes",
       "8", "Chief Pharmacist"),
     A("THEATRE", "Theatre and surgical records", "THEA", HEALTH, 30000, "yes", "8",
       "Clinical Director of Surgery"),
     A("PAPER", "Paper medical records", "REC", HEALTH, 900000, "yes", "8",
       "Health Records Manager"),
     A("COMPL", "Incidents and complaints", "DOCS", HEALTH, 5000, "no", "10",
       "Head of Patient Safety"),
     A("PORTALREC", "Patient portal accounts", "PORTAL", "personal", 150000, "no", "8",
       "Head of Digital"),
     A("STAFF", "Staff records", "ESR", STAFF, 8000, "no", "75", "Director of People"),
     A("PAY", "Payroll", "ESR", "personal;staff;financial", 8000, "no", "6",
       "Director of People"),
     A("FINREC", "Financial ledgers", "FIN", "financial;corporate", 200000, "no", "6",
       "Chief Finance Officer", "aggregate"),
     A("EMAILS", "Email and shared mailboxes", "M365", "personal;special_health;corporate",
       3000000, "no", "6", "Senior Information Risk Owner"),
     A("CORR", "Corporate records and board papers", "FILE", "corporate", 50000, "no", "20",
       "Trust Secretary", "aggregate"),
     A("PACSIMG", "Diagnostic image archive", "PACS", HEALTH, 2000000, "yes", "8",
       "PACS Manager", secondary="SAN"))
    + tuple(A(f"SPEC{i:02d}", f"{s} departmental database", "SQL", HEALTH, 20000, "no", "8",
              f"Clinical Director of {s}", secondary="DW") for i, s in enumerate(SPECIALTIES)),
    ("EPR", "PAS", "DOCS", "ED"), True, True,
    (0.15, 0.6, 0.15, 0.08, 0.02), 0.7,
)

GP = SectorProfile(
    "gp_practice", 0.55, "gp",
    ("{p} Medical Centre", "{p} Surgery", "{p} Health Centre", "The {p} Practice",
     "{p} Family Practice"),
    (8, 15),
    (S("CLIN", "GP clinical system", "saas", "third_party", "critical", "default", "none", "yes",
       True),
     S("DOCS", "Document workflow", "saas", "third_party", "high", "default", "none", "yes",
       True),
     S("APPT", "Online consultation and booking", "saas", "cloud", "medium", "default", "none",
       "yes", True),
     S("TEL", "Cloud telephony", "saas", "cloud", "medium", "default", "none", "yes", True),
     S("SRV", "Practice server", "server", "on_premises", "medium", "default", "winserver"),
     BKC,
     S("LG", "Lloyd George paper records", "paper_store", "on_premises", "high", "default",
       "none")),
    (E("WS", "Practice workstation", "workstation", "default", "desktop", "medium", 0.75),
     E("LT", "Practice laptop", "mobile", "default", "mobile", "low", 0.1),
     E("RT", "HSCN router", "network_device", "default", "network", "medium", 0.1),
     E("MD", "Spirometer and ECG workstation", "medical_device", "default", "meddev", "medium",
       0.05)),
    (4, 6),
    (A("PATREC", "Patient records", "CLIN", HEALTH, 9000, "yes", "10", "Practice Manager"),
     A("REF", "Referral letters", "DOCS", HEALTH, 4000, "yes", "10", "Practice Manager",
       secondary="CLIN"),
     A("SAFE", "Safeguarding records", "CLIN", CHILD_HEALTH, 150, "yes", "25",
       "Safeguarding Lead GP"),
     A("GPEXT", "GP activity extract", "CLIN", HEALTH, 9000, "no", "10", "Practice Manager",
       "pseudonymised"),
     A("APPTREC", "Appointments and online consultations", "APPT", HEALTH, 30000, "no", "8",
       "Practice Manager"),
     A("LGREC", "Lloyd George records", "LG", HEALTH, 9000, "yes", "10", "Practice Manager")),
    ("CLIN", "DOCS"), False, True,
    (0.05, 0.7, 0.12, 0.08, 0.05), 0.25,
)

CARE = SectorProfile(
    "social_care_provider", 0.20, "prefix:VC",
    ("{p} Care Home", "{p} House Nursing Home", "{p} Home Care", "{p} Lodge Residential Care",
     "{p} Supported Living"),
    (3, 8),
    (S("CARE", "Digital social care record", "saas", "third_party", "critical", "default",
       "none", "yes", True),
     S("EMAR", "Electronic medication administration record", "saas", "third_party", "high",
       "default", "none", "yes", True),
     S("FILES", "Care files", "paper_store", "on_premises", "high", "default", "none")),
    (E("TAB", "Care tablet", "mobile", "default", "mobile", "low", 0.6),
     E("WS", "Office PC", "workstation", "default", "desktop", "low", 0.4)),
    (3, 4),
    (A("RESREC", "Resident care records", "CARE", HEALTH, 60, "yes", "8", "Registered Manager",
       secondary="FILES"),
     A("SAFE", "Safeguarding concerns", "CARE", HEALTH, 20, "yes", "8", "Registered Manager"),
     A("INVOICE", "Care package invoices", "CARE", "personal;financial", 60, "no", "6",
       "Business Manager"),
     A("MEDREC", "Medication administration records", "EMAR", HEALTH, 60, "yes", "8",
       "Registered Manager")),
    ("CARE", "EMAR"), False, False,
    (0.02, 0.45, 0.18, 0.1, 0.25), 0.1,
)

LA = SectorProfile(
    "local_authority", 0.04, "prefix:LA",
    ("{p} City Council", "{p} County Council", "{p} Metropolitan Borough Council",
     "{p} Borough Council"),
    (60, 150),
    (S("SCR", "Adult social care case management", "application", "on_premises", "critical",
       "servers", "winserver"),
     S("CSC", "Children's social care case management", "application", "on_premises",
       "critical", "servers", "winserver"),
     S("MASH", "Multi-agency safeguarding hub system", "saas", "cloud", "high", "default",
       "none", "yes", True),
     S("EDU", "Education management system", "application", "on_premises", "high", "servers",
       "winserver"),
     S("REV", "Revenues and benefits system", "application", "on_premises", "high", "servers",
       "linux"),
     S("HOUS", "Housing management system", "saas", "cloud", "medium", "default", "none", "yes",
       True),
     FIN,
     S("HR", "HR and payroll system", "saas", "cloud", "medium", "default", "none", "yes", True),
     M365, WEB,
     S("PORTAL", "Citizen portal", "application", "cloud", "medium", "dmz", "linux", "yes"),
     VPN, FW, AD, FILE, DB, BKP, CORE,
     S("ARCH", "Records archive", "paper_store", "on_premises", "medium", "default", "none")),
    (_w(ADMIN_WS, 0.7), _w(LAPTOP, 0.15), _w(SWITCH, 0.05), _w(APP_SRV, 0.07),
     _w(DEPT_DB, 0.03)),
    (6, 12),
    (A("ASCASS", "Adult social care assessments and care plans", "SCR", HEALTH, 12000, "yes",
       "8", "Director of Adult Social Services"),
     A("MASHREC", "Multi-agency safeguarding hub records", "MASH",
       "personal;special_health;children;criminal_offence", 4000, "yes", "25",
       "MASH Service Manager"),
     A("BCF", "Better Care Fund returns", "DB", "corporate", 40, "no", "6",
       "Head of Commissioning", "aggregate"),
     A("SALT", "Statutory social care returns", "DB", "corporate", 40, "no", "6",
       "Head of Performance", "aggregate"),
     A("VPL", "Vulnerable persons list", "SCR", HEALTH, 3000, "yes", "3",
       "Head of Emergency Planning"),
     A("ASCREC", "Adult social care records", "SCR", HEALTH, 25000, "yes", "8",
       "Director of Adult Social Services", secondary="DB"),
     A("CSCREC", "Children's social care records", "CSC",
       "personal;special_health;children;special_other", 9000, "yes", "75",
       "Director of Children's Services"),
     A("EDUREC", "Pupil records", "EDU", "personal;children", 60000, "no", "25",
       "Head of Education Services"),
     A("BEN", "Housing benefit and council tax claims", "REV", "personal;financial", 80000,
       "no", "6", "Head of Revenues and Benefits"),
     A("TEN", "Tenancy records", "HOUS", "personal", 20000, "no", "6", "Head of Housing"),
     A("STAFF", "Staff records", "HR", STAFF, 9000, "no", "75", "Director of HR"),
     A("CORR", "Committee papers and corporate records", "FILE", "corporate", 30000, "no", "20",
       "Monitoring Officer", "aggregate")),
    ("SCR", "CSC", "MASH"), True, True,
    (0.05, 0.6, 0.15, 0.1, 0.1), 0.5,
)

ICB = SectorProfile(
    "icb", 0.01, "letters:Q",
    ("NHS {p} Integrated Care Board",),
    (25, 60),
    (S("LAND", "Data landing server", "server", "on_premises", "high", "dmz", "linux"),
     S("DW", "Commissioning data warehouse", "database", "on_premises", "high", "servers",
       "winserver"),
     S("BI", "Business intelligence platform", "application", "cloud", "medium", "servers",
       "linux"),
     S("RS", "Population health and risk stratification tool", "saas", "third_party", "medium",
       "default", "none", "yes", True),
     FIN, M365, WEB, VPN, AD, FILE, BKP, CORE),
    (_w(ADMIN_WS, 0.85), _w(LAPTOP, 0.1), _w(SWITCH, 0.05)),
    (4, 8),
    (A("RSO", "Risk stratification outputs", "RS", HEALTH, 500000, "no", "2",
       "Director of Population Health"),
     A("COMM", "Commissioning data", "DW", HEALTH, 1500000, "no", "8",
       "Head of Business Intelligence", "pseudonymised", secondary="LAND"),
     A("CHC", "Continuing healthcare case records", "FILE", HEALTH, 4000, "yes", "8",
       "Head of Continuing Healthcare"),
     A("FINREC", "Financial ledgers", "FIN", "financial;corporate", 50000, "no", "6",
       "Chief Finance Officer", "aggregate"),
     STAFF_RECORDS,
     A("CORR", "Board papers and corporate records", "FILE", "corporate", 10000, "no", "20",
       "Board Secretary", "aggregate"),
     A("COMPL", "Complaints", "FILE", HEALTH, 2000, "no", "10", "Head of Patient Experience"),
     A("EMAILS", "Email and shared mailboxes", "M365", "personal;corporate", 500000, "no", "6",
       "Senior Information Risk Owner")),
    ("LAND", "DW"), True, True,
    (0.2, 0.7, 0.1, 0.0, 0.0), 0.8,
)

POLICE = SectorProfile(
    "police", 0.01, "prefix:POL",
    ("{p} Police", "{p} Constabulary"),
    (40, 120),
    (S("RMS", "Police records management system", "application", "on_premises", "critical",
       "servers", "winserver"),
     S("CAD", "Command and control system", "application", "on_premises", "critical", "servers",
       "winserver"),
     S("CUST", "Custody system", "application", "on_premises", "critical", "servers",
       "winserver"),
     S("INTEL", "Intelligence system", "application", "on_premises", "high", "servers", "linux"),
     M365, WEB, VPN, FW, AD, FILE, DB, BKP, CORE),
    (_w(ADMIN_WS, 0.6), E("MOB", "Officer mobile device", "mobile", "admin", "mobile", "low",
                          0.25), _w(SWITCH, 0.05), _w(APP_SRV, 0.1)),
    (3, 6),
    (A("PPN", "Public protection notices", "RMS",
       "personal;special_health;children;criminal_offence", 8000, "yes", "6",
       "Head of Public Protection"),
     A("S136", "Section 136 detention records", "CUST",
       "personal;special_health;criminal_offence", 900, "yes", "6", "Head of Custody"),
     A("CRIME", "Crime records", "RMS", "personal;criminal_offence", 90000, "yes", "6",
       "Head of Crime Recording"),
     A("INTREC", "Intelligence records", "INTEL", "personal;criminal_offence;special_other",
       200000, "yes", "6", "Head of Intelligence"),
     A("CUSTREC", "Custody records", "CUST", "personal;criminal_offence;special_health", 20000,
       "yes", "6", "Head of Custody"),
     A("STAFF", "Officer and staff records", "FILE", STAFF, 5000, "no", "75", "Head of HR")),
    ("RMS",), True, True,
    (0.0, 0.0, 0.0, 0.0, 1.0), 0.6,
)

FIRE = SectorProfile(
    "fire", 0.01, "prefix:FRS",
    ("{p} Fire and Rescue Service",),
    (20, 50),
    (S("CAD", "Mobilising system", "application", "on_premises", "critical", "servers",
       "winserver"),
     S("CRM", "Community safety system", "saas", "cloud", "medium", "default", "none", "yes",
       True),
     M365, FW, AD, FILE, BKP),
    (_w(ADMIN_WS, 0.7), _w(LAPTOP, 0.2), _w(SWITCH, 0.1)),
    (2, 3),
    (A("HFSV", "Home fire safety visit records", "CRM", HEALTH, 6000, "no", "6",
       "Head of Prevention"),
     A("INC", "Incident records", "CAD", "personal", 12000, "yes", "6",
       "Head of Operations"),
     A("STAFF", "Staff records", "FILE", STAFF, 900, "no", "75", "Head of HR")),
    ("CRM",), True, True,
    (0.0, 0.0, 0.0, 0.0, 1.0), 0.5,
)

VOLUNTARY = SectorProfile(
    "voluntary", 0.06, "prefix:VOL",
    ("{p} Hospice", "{p} Carers Centre", "{p} Age Concern", "{p} Mind",
     "{p} Citizens Advice"),
    (4, 15),
    (S("CASE", "Case management system", "saas", "third_party", "high", "default", "none",
       "yes", True),
     M365,
     S("SRV", "Office server", "server", "on_premises", "medium", "default", "winserver"),
     S("PAPER", "Paper client files", "paper_store", "on_premises", "medium", "default",
       "none")),
    (E("WS", "Office PC", "workstation", "default", "desktop", "low", 0.8),
     E("LT", "Staff laptop", "mobile", "default", "mobile", "low", 0.2)),
    (2, 4),
    (A("HOSP", "Patient and client records", "CASE", HEALTH, 3000, "yes", "8", "Director of Care",
       secondary="PAPER"),
     A("DONOR", "Donor and fundraising records", "CASE", "personal;financial", 20000, "no", "6",
       "Head of Fundraising"),
     A("VOLS", "Volunteer records", "SRV", "personal", 400, "no", "6",
       "Volunteer Coordinator"),
     A("STAFF", "Staff records", "SRV", STAFF, 150, "no", "6", "Chief Executive")),
    ("CASE",), False, False,
    (0.02, 0.5, 0.13, 0.05, 0.3), 0.15,
)

PRIVATE = SectorProfile(
    "private", 0.04, "prefix:SUP",
    ("{p} Health Systems Ltd", "{p} Digital Ltd", "{p} Clinical Software plc",
     "{p} Cloud Services Ltd", "{p} Transcription Services Ltd"),
    (20, 80),
    (S("PLAT", "Hosting platform", "server", "cloud", "critical", "servers", "linux"),
     S("HOSTDB", "Hosted customer databases", "database", "cloud", "critical", "servers",
       "linux"),
     S("SUPPORT", "Service desk", "saas", "cloud", "medium", "default", "none", "yes"),
     S("CICD", "Build and release pipeline", "application", "cloud", "medium", "servers",
       "linux"),
     WEB, VPN, FW, AD, BKP, BKC,
     S("M365", "Microsoft 365", "saas", "cloud", "high", "default", "none", "yes")),
    (E("AW", "Developer workstation", "workstation", "admin", "desktop", "low", 0.55),
     _w(APP_SRV, 0.3), _w(DEPT_DB, 0.1), _w(SWITCH, 0.05)),
    (2, 5),
    (A("HOSTED", "Hosted customer clinical data (as processor)", "HOSTDB", HEALTH, 2000000,
       "yes", "8", "Data Protection Officer", secondary="PLAT"),
     A("TRANS", "Transcribed clinical letters (as processor)", "PLAT", HEALTH, 300000, "no",
       "1", "Operations Director"),
     A("TICKETS", "Support tickets", "SUPPORT", "personal", 50000, "no", "3",
       "Service Desk Manager"),
     A("STAFF", "Staff records", "M365", STAFF, 300, "no", "6", "Head of People"),
     A("CORR", "Contracts and corporate records", "M365", "corporate", 5000, "no", "7",
       "Company Secretary", "aggregate")),
    ("PLAT", "HOSTDB"), True, False,
    (0.35, 0.5, 0.1, 0.05, 0.0), 0.8,
)

RESEARCH = SectorProfile(
    "research", 0.02, "prefix:RES",
    ("University of {p}", "{p} Clinical Research Facility", "{p} Health Data Research Hub"),
    (10, 30),
    (S("TRE", "Trusted research environment", "application", "cloud", "high", "servers",
       "linux"),
     S("DB", "Research database", "database", "on_premises", "high", "servers", "linux"),
     M365, FILE, BKP, WEB),
    (_w(ADMIN_WS, 0.8), _w(APP_SRV, 0.2)),
    (2, 4),
    (A("STUDY", "Study datasets", "TRE", HEALTH, 250000, "no", "20", "Principal Investigator",
       "pseudonymised", secondary="DB"),
     A("CONSENT", "Participant consent records", "DB", "personal", 8000, "no", "25",
       "Research Governance Manager"),
     A("PUB", "Published aggregate results", "FILE", "corporate", 200, "no", "10",
       "Principal Investigator", "aggregate"),
     A("STAFF", "Staff records", "FILE", STAFF, 900, "no", "6", "Head of HR")),
    ("TRE",), True, True,
    (0.2, 0.6, 0.1, 0.0, 0.1), 0.6,
)

NHS_OTHER = SectorProfile(
    "nhs_other", 0.01, "prefix:X",
    ("NHS England {p} Region", "{p} Commissioning Support Unit",
     "{p} Health Informatics Service"),
    (20, 60),
    (S("DCP", "Data collection platform", "application", "cloud", "critical", "dmz", "linux",
       "yes"),
     S("DW", "National data warehouse", "database", "cloud", "high", "servers", "linux"),
     M365, FW, VPN, AD, BKP, FILE, WEB),
    (_w(ADMIN_WS, 0.85), _w(LAPTOP, 0.1), _w(SWITCH, 0.05)),
    (2, 4),
    (A("NATCOL", "National data collections", "DW", HEALTH, 5000000, "no", "8",
       "Head of Data Services", secondary="DCP"),
     A("PERF", "Performance returns", "DCP", "corporate", 500, "no", "6",
       "Head of Performance", "aggregate"),
     STAFF_RECORDS, CORPORATE),
    ("DCP",), True, True,
    (0.3, 0.7, 0.0, 0.0, 0.0), 0.9,
)

CENTRAL = SectorProfile(
    "central_government", 0.005, "prefix:GOV",
    ("Department of Health and Social Care {p} Office", "Department for Education {p} Office",
     "Department for Work and Pensions {p} Office"),
    (20, 60),
    (S("DCP", "Statutory returns portal", "application", "cloud", "high", "dmz", "linux", "yes"),
     S("DW", "Analytical data store", "database", "cloud", "high", "servers", "linux"),
     M365, AD, FILE, BKP, FW),
    (_w(ADMIN_WS, 0.85), _w(LAPTOP, 0.15)),
    (2, 3),
    (A("RETURNS", "Statutory returns", "DW", "corporate", 20000, "no", "10",
       "Head of Statistics", "aggregate", secondary="DCP"),
     STAFF_RECORDS, CORPORATE),
    ("DCP",), True, True,
    (0.0, 0.0, 0.0, 0.0, 1.0), 0.9,
)

OTHER = SectorProfile(
    "other", 0.015, "prefix:OTH",
    ("{p} Community Pharmacy", "{p} Dental Practice", "{p} Opticians"),
    (3, 10),
    (S("PMR", "Practice management system", "saas", "third_party", "high", "default", "none",
       "yes", True),
     S("SRV", "Office PC server", "server", "on_premises", "low", "default", "winserver"),
     S("PAPER", "Paper records", "paper_store", "on_premises", "medium", "default", "none")),
    (E("WS", "Counter PC", "workstation", "default", "desktop", "low", 1.0),),
    (2, 3),
    (A("PATREC", "Patient records", "PMR", HEALTH, 5000, "yes", "10", "Superintendent",
       secondary="PAPER"),
     A("CONSULT", "Consultation notes", "PMR", HEALTH, 3000, "no", "10", "Superintendent"),
     A("STAFF", "Staff records", "SRV", STAFF, 20, "no", "6", "Owner")),
    ("PMR",), False, False,
    (0.0, 0.6, 0.1, 0.1, 0.2), 0.1,
)

#: Every sector's profile, in the order organisations are listed.
SECTOR_PROFILES: tuple[SectorProfile, ...] = (
    TRUST, ICB, PRIVATE, GP, LA, CARE, POLICE, FIRE, VOLUNTARY, RESEARCH, NHS_OTHER, CENTRAL,
    OTHER)
PROFILE_BY_SECTOR = {p.sector: p for p in SECTOR_PROFILES}
SECTOR_INDEX = {p.sector: i for i, p in enumerate(SECTOR_PROFILES)}
#: Per sector (by index): core system code -> position among the org's systems.
CORE_POSITION = tuple({t.code: i for i, t in enumerate(p.core)} for p in SECTOR_PROFILES)
#: Per sector (by index): asset code -> position among the org's assets.
ASSET_POSITION = tuple({t.code: i for i, t in enumerate(p.asset_templates)}
                       for p in SECTOR_PROFILES)
def _system_template_table() -> pd.DataFrame:
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


def _asset_template_table() -> pd.DataFrame:
    """Every sector's asset templates as one table, systems given by core position."""
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

# ------------------------------------------------------- operating systems

#: OS group -> (OS strings, weights); "" is an unknown OS (a data-quality gap).
OS_CHOICES: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "winserver": (("Windows Server 2022", "Windows Server 2019", "Windows Server 2016",
                   "Windows Server 2012 R2", "Windows Server 2008 R2", ""),
                  (0.33, 0.3, 0.18, 0.11, 0.05, 0.03)),
    "linux": (("Red Hat Enterprise Linux 9", "Red Hat Enterprise Linux 8", "Ubuntu 22.04 LTS",
               "Ubuntu 24.04 LTS", "Ubuntu 20.04 LTS", "CentOS Linux 7", "Debian 12", ""),
              (0.22, 0.2, 0.18, 0.1, 0.08, 0.1, 0.08, 0.04)),
    "anyserver": (("Windows Server 2022", "Windows Server 2019", "Windows Server 2016",
                   "Windows Server 2012 R2", "Windows Server 2008 R2",
                   "Red Hat Enterprise Linux 8", "Ubuntu 22.04 LTS", "CentOS Linux 7", ""),
                  (0.22, 0.22, 0.14, 0.1, 0.05, 0.1, 0.08, 0.06, 0.03)),
    "desktop": (("Windows 11 Enterprise 24H2", "Windows 11 Enterprise 23H2",
                 "Windows 10 Enterprise 22H2", "Windows 10 Enterprise LTSC 2019",
                 "Windows 7 SP1", ""),
                (0.32, 0.2, 0.33, 0.04, 0.05, 0.06)),
    "meddev": (("Windows 10 IoT Enterprise LTSC 2021", "Windows Embedded Standard 7",
                "Windows XP Embedded SP3", "Windows 10 Enterprise LTSC 2019", "VxWorks 6.9",
                "Embedded Linux", ""),
               (0.25, 0.17, 0.05, 0.13, 0.12, 0.13, 0.15)),
    "network": (("Cisco IOS XE 17.9", "FortiOS 7.2", "PAN-OS 10.2", "Citrix ADC 13.1", ""),
                (0.4, 0.25, 0.12, 0.08, 0.15)),
    "mobile": (("iOS 18", "iOS 17", "Android 14", "Android 11", ""),
               (0.3, 0.25, 0.3, 0.1, 0.05)),
    "storage": (("NetApp ONTAP 9.12", "Synology DSM 7.2", ""), (0.55, 0.3, 0.15)),
    "none": (("",), (1.0,)),
}
#: Operating systems past end of support in 2026 (the generator's end-of-life share).
END_OF_LIFE_OS = frozenset({
    "Windows Server 2012 R2", "Windows Server 2008 R2", "CentOS Linux 7", "Windows 7 SP1",
    "Windows Embedded Standard 7", "Windows XP Embedded SP3", "Windows 10 Enterprise 22H2",
    "Ubuntu 20.04 LTS"})
#: Older Windows that still speaks SMBv1 more often and takes paid extended updates.
LEGACY_WINDOWS = frozenset({"Windows Server 2008 R2", "Windows 7 SP1",
                            "Windows Embedded Standard 7", "Windows XP Embedded SP3"})
ESU_ELIGIBLE_OS = frozenset({"Windows Server 2012 R2", "Windows Server 2008 R2", "Windows 7 SP1",
                             "Windows 10 Enterprise 22H2", "Windows Embedded Standard 7"})

# ------------------------------------------------------------ vulnerabilities

#: Real, known-exploited CVEs and the platform they affect: (id, platform, cvss, epss,
#: kev, ransomware, patch released). Scores are indicative, not a live feed;
#: "" where ransomware use is not established.
KNOWN_CVES = (
    ("CVE-2017-0144", "legacy_windows", "8.1", "0.94", "yes", "yes", "2017-03-14"),
    ("CVE-2019-0708", "legacy_windows", "9.8", "0.94", "yes", "", "2019-05-14"),
    ("CVE-2020-1472", "windows_server", "10", "0.94", "yes", "yes", "2020-08-11"),
    ("CVE-2021-34527", "windows", "8.8", "0.94", "yes", "yes", "2021-07-06"),
    ("CVE-2021-44228", "server", "10", "0.94", "yes", "yes", "2021-12-10"),
    ("CVE-2023-34362", "windows_server", "9.8", "0.94", "yes", "yes", "2023-05-31"),
    ("CVE-2023-4966", "citrix", "9.4", "0.94", "yes", "yes", "2023-10-10"),
    ("CVE-2024-3400", "panos", "10", "0.94", "yes", "", "2024-04-14"),
)
GENERATED_CVES = 400  # size of the pool of generated CVE ids
CVE_NUMBER_RANGE = (10000, 34000)  # keeps generated ids clear of the real ones above

# --------------------------------------------------------------- place names

PLACE_STEMS = ("Ash", "Beck", "Bram", "Brook", "Bur", "Cal", "Chester", "Clay", "Dun", "East",
               "Elm", "Fair", "Fern", "Glen", "Hale", "Hart", "High", "Kings", "Lang", "Lin",
               "Long", "Mar", "Mill", "New", "North", "Oak", "Pen", "Red", "River", "Rose",
               "Sand", "South", "Stan", "Stone", "Thorn", "West", "Whit", "Wood")
PLACE_ENDINGS = ("bridge", "bury", "by", "caster", "cliffe", "combe", "dale", "field", "ford",
                 "gate", "ham", "hampton", "holme", "hurst", "ley", "mere", "minster", "mouth",
                 "port", "stead", "stow", "thorpe", "ton", "wick", "worth")
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


# ---------------------------------------------------------- sampling helpers

YES_NO = ("yes", "no", "")


def choose(rng: np.random.Generator, values: tuple[str, ...] | list[str],
           weights: tuple[float, ...] | list[float] | np.ndarray, size: int) -> np.ndarray:
    """Draw ``size`` strings from ``values`` with the given (unnormalised) weights.

    The result is an object array whose cells share the few string objects of
    ``values``, so a million cells cost a million pointers, not a million strings.

    >>> choose(np.random.default_rng(0), ("a", "b"), (0.0, 1.0), 3).tolist()
    ['b', 'b', 'b']
    """
    p = np.asarray(weights, dtype=float)
    pool = np.array(list(values), dtype=object)
    if size == 0:
        return pool[:0]
    return pool[rng.choice(len(pool), size=size, p=p / p.sum())]


def choose_map(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    """:func:`choose` with ``{value: weight}``."""
    return choose(rng, tuple(weights), tuple(weights.values()), size)


def blank_where(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Copy of ``values`` with ``""`` (unknown) where ``mask`` is true."""
    out = values.astype(object, copy=True)
    out[mask] = ""
    return out


def date_strings(as_of: dt.date, days_before: np.ndarray,
                 empty: np.ndarray | None = None) -> np.ndarray:
    """ISO dates ``days_before`` days before ``as_of`` (negative means after).

    >>> date_strings(dt.date(2026, 11, 1), np.array([0, 1, 31]), np.array([False, False, True]))
    array(['2026-11-01', '2026-10-31', ''], dtype=object)
    """
    days = np.asarray(days_before, dtype=np.int64)
    unique, inverse = np.unique(days, return_inverse=True)
    text = (np.datetime64(as_of, "D") - unique.astype("timedelta64[D]")).astype(str)
    out = text.astype(object)[inverse.reshape(-1)]
    if empty is not None:
        out[empty] = ""
    return out


def int_strings(values: np.ndarray) -> np.ndarray:
    """Integers as decimal strings, sharing one string object per distinct value.

    >>> int_strings(np.array([3, 10, 3])).tolist()
    ['3', '10', '3']
    """
    unique, inverse = np.unique(np.asarray(values, dtype=np.int64), return_inverse=True)
    return unique.astype(str).astype(object)[inverse.reshape(-1)]


def numbered(prefix: np.ndarray | str, numbers: np.ndarray, width: int) -> np.ndarray:
    """``prefix`` + zero-padded ``numbers`` as an object array.

    >>> numbered("F-", np.array([1, 42]), 4).tolist()
    ['F-0001', 'F-0042']
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    if numbers.size == 0:
        return np.zeros(0, dtype=object)
    digits = np.char.zfill(numbers.astype(str), width)
    return np.char.add(np.asarray(prefix, dtype=str), digits).astype(object)


def cat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise string concatenation of object arrays and constants.

    >>> cat(np.array(["RXA"], dtype=object), "-", np.array(["EPR"], dtype=object)).tolist()
    ['RXA-EPR']
    """
    out: np.ndarray | str = parts[0]
    for part in parts[1:]:
        out = np.asarray(out, dtype=object) + part
    return np.asarray(out, dtype=object)


def scaled_counts(rng: np.random.Generator, typical: np.ndarray, sigma: float = 0.6) -> np.ndarray:
    """Whole positive counts around ``typical``, log-normally spread, two significant figures."""
    raw = np.maximum(1.0, typical * rng.lognormal(0.0, sigma, len(typical)))
    magnitude = 10.0 ** np.maximum(0, np.floor(np.log10(raw)) - 1)
    return (np.round(raw / magnitude) * magnitude).astype(np.int64)


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
