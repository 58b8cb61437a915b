"""The cover summary: page one of the paper, in the shape of an NHS board paper's cover sheet.

The fields a trust board's cover sheet carries (meeting, title, date, author, executive
lead, purpose, level of assurance, link to the board assurance framework), then the three
to five things the board must know, what it is asked to decide or note, and the
recommended investment with the risk it removes. Every sentence is built from the
analysis; the analyst sets the fields flowmap cannot know (meeting, author, lead, link to
the BAF) and may set the purpose and the assurance level, which flowmap otherwise proposes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flowmap.errors import UsageError
from flowmap.render import fmt
from flowmap.render.board._html import esc

#: The default assurance scale, strongest first (internal audit's usual four levels).
DEFAULT_ASSURANCE_SCALE = "Substantial, Reasonable, Limited, No"
#: Purposes a board paper states.
PURPOSE_DECISION = "For decision"
PURPOSE_ASSURANCE = "For assurance"


@dataclass(frozen=True)
class CoverDetails:
    """What the analyst states on the cover (empty text: not stated, or flowmap proposes)."""

    title: str = "Cyber and information governance risk"
    meeting: str = ""
    author: str = ""
    lead: str = ""
    purpose: str = ""
    assurance: str = ""
    assurance_scale: str = DEFAULT_ASSURANCE_SCALE
    baf: str = ""
    marking: str = "OFFICIAL-SENSITIVE"

    def scale(self) -> list[str]:
        """The assurance levels, strongest first.

        >>> CoverDetails(assurance_scale="Significant; Acceptable; Partial; No").scale()
        ['Significant', 'Acceptable', 'Partial', 'No']
        """
        levels = [p.strip() for p in self.assurance_scale.replace(";", ",").split(",")]
        levels = [p for p in levels if p]
        if len(levels) < 2:
            raise UsageError(
                f"assurance_scale {self.assurance_scale!r} needs two or more levels, "
                "strongest first, e.g. 'Substantial, Reasonable, Limited, No'",
                param="assurance_scale",
            )
        return levels

    def stated_assurance(self) -> str:
        """The assurance level the analyst set, spelled as in the scale ('' if none).

        >>> CoverDetails(assurance="limited").stated_assurance()
        'Limited'
        """
        if not self.assurance.strip():
            return ""
        levels = self.scale()
        for level in levels:
            if level.lower() == self.assurance.strip().lower():
                return level
        raise UsageError(
            f"assurance {self.assurance!r} is not on the assurance scale: choose one of "
            f"{', '.join(levels)} (or set assurance_scale)",
            param="assurance",
        )


def proposed_assurance(statuses: list[str], levels: list[str]) -> tuple[str, str]:
    """A level of assurance proposed from the headline statuses, and why.

    All green: the strongest level; no red: the second; one or two red: the third;
    more: the weakest. On a scale of other than four levels the same position is taken
    proportionally.

    >>> proposed_assurance(["green"] * 5, ["Substantial", "Reasonable", "Limited", "No"])[0]
    'Substantial'
    >>> proposed_assurance(["red", "red", "amber", "green", "green"],
    ...                    ["Substantial", "Reasonable", "Limited", "No"])[0]
    'Limited'
    """
    reds, ambers = statuses.count("red"), statuses.count("amber")
    step = 0 if not reds and not ambers else 1 if not reds else 2 if reds <= 2 else 3
    index = round(step * (len(levels) - 1) / 3)
    why = (
        f"proposed from the headline figures ({reds} of {len(statuses)} red, {ambers} amber); "
        "the SIRO confirms or sets the level"
    )
    return levels[index], why


def assurance_words(level: str) -> str:
    """A level as a phrase: "Limited" -> "limited assurance", "No" -> "no assurance".

    >>> assurance_words("Limited"), assurance_words("Partial assurance")
    ('limited assurance', 'partial assurance')
    """
    level = level.strip()
    return level.lower() if level.lower().endswith("assurance") else f"{level.lower()} assurance"


def _sheet_row(label: str, value: str, *, id: str = "") -> str:
    ident = f' id="{id}"' if id else ""
    return f'<tr><th scope="row">{esc(label)}</th><td{ident}>{value}</td></tr>'


def cover_html(
    *,
    details: CoverDetails,
    scope: str,
    as_of,
    inventory: str,
    purpose: str,
    assurance: str,
    assurance_why: str,
    points: list[str],
    asks: list[str],
    investment: str,
    running_title: str,
    cautions: Sequence[str] = (),
) -> str:
    """The cover page's HTML (the values are plain text; every one is escaped here)."""
    stated = details.stated_assurance()
    rows = [
        _sheet_row("Meeting", esc(details.meeting) or "Not stated"),
        _sheet_row("Report title", esc(details.title)),
        _sheet_row("Scope", esc(scope)),
        _sheet_row(
            "Position as of",
            f'<span id="fm-as-of" data-value="{esc(as_of.isoformat())}">'
            f"{esc(fmt.day(as_of, long=True))}</span>",
        ),
        _sheet_row("Source", f"Inventory {esc(inventory)}, analysed by flowmap"),
        _sheet_row("Prepared by", esc(details.author) or "Not stated"),
        _sheet_row("Executive lead", esc(details.lead) or "Not stated"),
        _sheet_row("Purpose", esc(purpose), id="fm-purpose"),
        _sheet_row(
            "Level of assurance",
            f"<b>{esc(assurance_words(assurance).capitalize())}</b>"
            + ("" if stated else f' <span class="fm-aside">({esc(assurance_why)})</span>'),
            id="fm-assurance",
        ),
        _sheet_row("Link to the board assurance framework", esc(details.baf) or "Not stated"),
    ]
    marking = f'<p class="fm-marking">{esc(details.marking)}</p>' if details.marking.strip() else ""
    meta = (
        f'<div id="fm-paper-meta" hidden data-running-title="{esc(running_title)}" '
        f'data-marking="{esc(details.marking.strip())}"></div>'
    )
    point_items = "".join(f"<li>{esc(p)}</li>" for p in points)
    ask_items = "".join(f"<li>{esc(a)}</li>" for a in asks)
    return (
        f'{meta}<div class="fm-block fm-cover" id="fm-cover">{marking}'
        f'<p class="fm-kicker">Board paper</p><h1>{esc(details.title)}</h1>'
        f'<p class="fm-scope">{esc(scope)} \u00b7 position as of '
        f"{esc(fmt.day(as_of, long=True))}</p>"
        f'<table class="fm-cover-sheet">{"".join(rows)}</table>'
        + "".join(f'<p class="fm-caution" role="note">{esc(c)}</p>' for c in cautions)
        + f'<h2 class="fm-cover-h">What the board needs to know</h2>'
        f'<ul class="fm-key-points" id="fm-key-points">{point_items}</ul>'
        f'<h2 class="fm-cover-h">Recommended investment</h2>'
        f'<p id="fm-cover-investment">{esc(investment)}</p>'
        f'<h2 class="fm-cover-h">Recommendation</h2>'
        f'<p>The board is asked to:</p><ol class="fm-asks" id="fm-asks">{ask_items}</ol>'
        f"</div>"
    )
