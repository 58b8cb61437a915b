"""How the map draws things: colours, shapes and line styles, declared once.

The legend in the page is generated from these tables, so what is drawn and what the
legend says cannot drift apart.
"""

from __future__ import annotations

from flowmap.engine.settings import SEVERITIES
from flowmap.inventory.schema import SECTORS, SYSTEM_KINDS

NO_FINDING = "none"
ACRONYMS = {"nhs": "NHS", "gp": "GP", "icb": "ICB", "saas": "SaaS", "eol": "EOL"}
#: Worst finding severity -> fill colour (systems) or ring colour (organisations): warm
#: colours only (dark red, orange, amber, pale yellow), grey for information, white for
#: none, so that no severity shares a colour with a sector.
SEVERITY_COLOURS = {
    "critical": "#a50026",
    "high": "#e8590c",
    "medium": "#f2b705",
    "low": "#fbe58a",
    "info": "#9e9e9e",
    NO_FINDING: "#ffffff",
}
SEVERITY_RANK = {s: i for i, s in enumerate((*SEVERITIES, NO_FINDING))}

#: Sector -> colour of an organisation (fill in the organisations view, halo and border
#: of its systems in the systems view): blues for the NHS, greens for councils and care,
#: purples for the emergency services, then teal, brown and slate; never a warm colour
#: of the severity scale.
SECTOR_COLOURS = dict(
    zip(
        SECTORS,
        (
            "#005eb8",  # NHS trust: NHS blue
            "#41b6e6",  # GP practice: light blue
            "#003087",  # ICB: dark blue
            "#7c9ab8",  # NHS other: grey blue
            "#2e7d32",  # local authority: green
            "#7cc47f",  # social care provider: light green
            "#3f3d9e",  # police: indigo
            "#8e44ad",  # fire: purple
            "#c39bd3",  # voluntary: lilac
            "#8d6e63",  # private: brown
            "#00897b",  # research: teal
            "#37474f",  # central government: slate
            "#b0bec5",  # other: light slate
        ),
    )
)
assert not set(SECTOR_COLOURS.values()) & set(SEVERITY_COLOURS.values())

#: System kind -> (vis-network shape, dashed outline, legend symbol).
KIND_SHAPES = {
    "server": ("square", False, "\u25a0"),
    "workstation": ("dot", False, "\u25cf"),
    "database": ("hexagon", False, "\u2b22"),
    "application": ("diamond", False, "\u25c6"),
    "saas": ("triangle", False, "\u25b2"),
    "storage": ("triangleDown", False, "\u25bc"),
    "backup_target": ("triangleDown", True, "\u25bd"),
    "network_device": ("star", False, "\u2605"),
    "medical_device": ("star", True, "\u2606"),
    "mobile": ("dot", True, "\u25cb"),
    "paper_store": ("square", True, "\u25a1"),
}
assert set(KIND_SHAPES) == set(SYSTEM_KINDS)
KIND_ORDER = {k: i for i, k in enumerate(SYSTEM_KINDS)}

FLOW_COLOUR = "#6f7f8f"  # a flow with no finding
BACKUP_COLOUR = "#2a9d8f"
PATH_COLOUR = "#c2185b"  # attack path highlight
WEAK_DASHES = [10, 5]  # weak flows: dashed and thick
BACKUP_DASHES = [2, 4]  # backups: dotted
#: Flow rules that make a flow "weak" (drawn dashed and thick).
WEAK_FLOW_RULES = frozenset(
    {
        "FLOW_NO_LAWFUL_BASIS",
        "FLOW_NO_DSA",
        "FLOW_DSA_EXPIRED",
        "FLOW_UNENCRYPTED",
        "FLOW_INSECURE_TRANSPORT",
    }
)


def label(value: str) -> str:
    """A code as words for people.

    >>> label("social_care_provider"), label("nhs_trust")
    ('Social care provider', 'NHS trust')
    """
    words = str(value).replace("_", " ").capitalize().split(" ")
    return " ".join(ACRONYMS.get(w.lower(), w) for w in words)


def system_style(kind: str, severity: str, sector: str) -> dict[str, object]:
    """vis-network node options of a system: shape by kind, fill by worst severity.

    >>> system_style("server", "critical", "nhs_trust")["shape"]
    'square'
    """
    shape, dashed, _ = KIND_SHAPES.get(kind, ("dot", False, ""))
    style: dict[str, object] = {
        "shape": shape,
        "size": 12 if shape != "star" else 15,
        "borderWidth": 3,
        "color": {
            "background": SEVERITY_COLOURS[severity],
            "border": SECTOR_COLOURS.get(sector, "#a0a0a0"),
        },
    }
    if dashed:
        style["shapeProperties"] = {"borderDashes": [4, 3]}
    return style


def organisation_style(sector: str, severity: str, systems: int) -> dict[str, object]:
    """vis-network node options of an organisation: fill by sector, ring by severity."""
    return {
        "shape": "dot",
        "size": round(min(10 + 2.5 * systems**0.5, 60), 1),
        "borderWidth": 1 if severity == NO_FINDING else 5,
        "color": {
            "background": SECTOR_COLOURS.get(sector, "#a0a0a0"),
            "border": SEVERITY_COLOURS[severity] if severity != NO_FINDING else "#555555",
        },
    }


def flow_style(severity: str, weak: bool, count: int = 1) -> dict[str, object]:
    """vis-network edge options of a flow (or ``count`` flows between two organisations)."""
    colour = FLOW_COLOUR if severity == NO_FINDING else SEVERITY_COLOURS[severity]
    width = 1.5 + min(count, 64).bit_length() * 0.8 - 0.8
    style: dict[str, object] = {
        "arrows": "to",
        "color": {"color": colour, "opacity": 0.9},
        "width": round(width + (2 if weak else 0), 1),
    }
    if weak:
        style["dashes"] = WEAK_DASHES
    return style


def backup_style(count: int = 1) -> dict[str, object]:
    """vis-network edge options of a backup: dotted."""
    return {
        "arrows": "to",
        "dashes": BACKUP_DASHES,
        "width": 2,
        "color": {"color": BACKUP_COLOUR, "opacity": 0.9},
    }


def legend() -> dict[str, object]:
    """What the page's legend lists (plain data; the page draws it as text)."""
    return {
        "severities": [
            [s, label(s) if s != NO_FINDING else "No finding", c]
            for s, c in SEVERITY_COLOURS.items()
        ],
        "sectors": [[s, label(s), c] for s, c in SECTOR_COLOURS.items()],
        "kinds": [
            [k, label(k) + (" (dashed outline)" if d else ""), sym]
            for k, (_, d, sym) in KIND_SHAPES.items()
        ],
        "edges": [
            ["flow", "Flow (arrow); colour = worst finding", FLOW_COLOUR, "solid"],
            [
                "weak",
                "Weak flow: no lawful basis or agreement, unencrypted or insecure transport",
                SEVERITY_COLOURS["high"],
                "dashed",
            ],
            ["backup", "Backup (to where the copy lives)", BACKUP_COLOUR, "dotted"],
            ["path", "Attack path step", PATH_COLOUR, "solid"],
        ],
    }
