"""Small HTML pieces every board block uses: escaping, status labels and the stylesheet.

Status colours are always shown with their word ("Red", "Amber", "Green"), never alone,
so the paper reads the same printed in black and white or by a colour-blind reader.
"""

from __future__ import annotations

import html
from functools import cache
from importlib import resources

import pandas as pd

#: Red, amber, green and neutral colours used by every board block (GOV.UK palette).
RAG_COLOURS = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "grey": "#505a5f"}
#: The word printed with each status colour.
RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "grey": "Not rated"}
#: Finding severity -> status colour (critical and high red, medium amber, low and info green).
SEVERITY_RAG = {"critical": "red", "high": "red", "medium": "amber", "low": "green", "info": "grey"}
#: Marks the stylesheet a block carries, so a document holding many blocks keeps one copy.
STYLE_MARK = 'class="fm-style"'


@cache
def stylesheet() -> str:
    """The board blocks' CSS (screen and print), shipped as ``board.css``."""
    return resources.files(__package__).joinpath("board.css").read_text(encoding="utf-8")


def style_tag() -> str:
    """The stylesheet as a ``<style>`` element a block starts with (notebooks need it)."""
    return f"<style {STYLE_MARK}>{stylesheet()}</style>"


class HtmlBlock:
    """HTML shown as a cell's output; ``str()`` gives the same HTML.

    Examples
    --------
    >>> HtmlBlock("<p>hi</p>")._repr_html_()
    '<p>hi</p>'
    """

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return f"HtmlBlock({len(self.markup)} characters)"


def esc(value: object) -> str:
    """HTML-escape any value (``None`` and NA become an empty string).

    Examples
    --------
    >>> esc("<b>")
    '&lt;b&gt;'
    """
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    return html.escape(str(value))


class Chip:
    """A status shown as a coloured mark and a word: ``Chip("red", "Not resilient")``.

    ``str()`` is the word, so a table holding chips still reads as text.

    Examples
    --------
    >>> c = Chip("amber", "Some")
    >>> str(c), 'fm-chip-amber' in c.html()
    ('Some', True)
    """

    def __init__(self, status: str, text: str | None = None) -> None:
        self.status = status if status in RAG_COLOURS else "grey"
        self.text = RAG_WORDS[self.status] if text is None else text

    def html(self) -> str:
        return (
            f'<span class="fm-chip fm-chip-{self.status}" data-status="{self.status}">'
            f'<span class="fm-chip-mark" aria-hidden="true"></span>{esc(self.text)}</span>'
        )

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Chip({self.status!r}, {self.text!r})"


class Markup(str):
    """Text that is already HTML (built here, every inventory value escaped): a table
    cell shows it as it is. ``str`` of it is the markup; :meth:`text` the words alone."""

    def text(self) -> str:
        import re

        return html.unescape(re.sub(r"<[^>]+>", " ", self)).strip()


def block(markup: str, *, id: str = "", cls: str = "") -> HtmlBlock:
    """A ``<div class="fm-block">`` with the stylesheet, as a cell output."""
    ident = f' id="{esc(id)}"' if id else ""
    return HtmlBlock(f'{style_tag()}<div class="fm-block {cls}"{ident}>{markup}</div>')


def paragraph(text: str, *, cls: str = "") -> str:
    """An escaped paragraph."""
    return f'<p class="{cls}">{esc(text)}</p>' if cls else f"<p>{esc(text)}</p>"
