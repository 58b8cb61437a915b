"""What a synthetic sector is made of: template types and the building blocks sectors share.

A :class:`SectorProfile` lists the *core* systems every organisation of the sector runs
(:class:`SystemTemplate`), the *endpoint* kinds that fill the rest of its estate
(:class:`EndpointTemplate`) and the information assets it holds
(:class:`AssetTemplate`). The sector catalogues (:mod:`flowmap.synth.care_sectors`,
:mod:`flowmap.synth.partner_sectors`) are written with the short aliases ``S``, ``E``
and ``A`` and the shared blocks below (Microsoft 365, the perimeter firewall, Active
Directory, office workstations, staff records...), which mean the same thing in every
sector that has them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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

    def weighted(self, weight: float) -> EndpointTemplate:
        """The same endpoint with another share of the estate.

        Parameters
        ----------
        weight : float
            Share of the organisation's endpoints of this kind (a sector's weights add
            up to 1).

        Returns
        -------
        EndpointTemplate

        Examples
        --------
        >>> LAPTOP.weighted(0.2).weight
        0.2
        """
        return replace(self, weight=weight)


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
    id_style: str  # see flowmap.synth.generate._org_ids
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


# Short aliases the sector catalogues are written with.
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

STAFF_RECORDS = A("STAFF", "Staff records", "FILE", STAFF, 400, "no", "75",
                  "Head of Human Resources")
CORPORATE = A("CORR", "Corporate records and board papers", "FILE", "corporate", 20000, "no",
              "20", "Company Secretary", "aggregate")
