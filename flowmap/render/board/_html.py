"""A tiny HTML block that Jupyter (and so nbconvert) renders as rich output."""

from __future__ import annotations

import html

import pandas as pd

#: Red, amber, green and neutral colours used by every board block (GOV.UK palette).
RAG_COLOURS = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "grey": "#505a5f"}

STYLE = """<style>
.fm-block{font-family:Arial,Helvetica,sans-serif;margin:0.5em 0}
.fm-headlines{display:flex;flex-wrap:wrap;gap:10px}
.fm-headline{border-left:10px solid;padding:8px 12px;min-width:180px;max-width:230px;
  background:#f3f2f1}
.fm-headline .fm-value{font-size:2em;font-weight:bold}
.fm-headline .fm-label{font-size:0.9em}
.fm-headline .fm-rag{font-size:0.8em;text-transform:uppercase;font-weight:bold}
.fm-matrix td,.fm-matrix th{width:60px;height:40px;text-align:center;border:1px solid #fff}
.fm-matrix td{color:#fff;font-weight:bold;font-size:1.2em}
</style>"""


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
