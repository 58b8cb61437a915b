"""A table as a board paper prints it.

No row numbers; text left-aligned and numbers right-aligned; a header that repeats on
every printed page and rows that never split across pages (the stylesheet does both);
on a phone each row becomes a card of "heading: value" lines (``data-label``). A cell
may hold a :class:`~flowmap.render.board._html.Chip` (a status colour with its word).
The DataFrame stays available as ``table.frame``, and as plain text as ``table.data``
(what an analyst's notebook shows as a sortable, searchable table).
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Sequence

import pandas as pd

from flowmap.render.board._html import Chip, Markup, esc, style_tag


class Table:
    """A DataFrame rendered for a board paper.

    Parameters
    ----------
    frame : DataFrame
        The rows to show, with people's column headings; its index is ignored. Cells
        may be :class:`Chip` and :class:`Markup` (HTML shown as it is); keep markup in
        an object column (``pd.Series(cells, dtype=object)``): a text column turns it
        into plain text, which is escaped.
    numeric : sequence of str
        Columns of figures (right-aligned).
    id : str
        The table's HTML id.
    caption : str
        A heading above the table.
    note : str
        A line under it (e.g. "and 12 more: see the appendix").
    empty : str
        What to say when there are no rows.
    row_ids : sequence of str, optional
        An HTML id for each row.
    wide : bool
        A table wider than portrait A4: printed on a landscape page.

    Examples
    --------
    >>> t = Table(pd.DataFrame({"Name": ["a<b"], "Cost": ["£3"]}), numeric=["Cost"])
    >>> "<th" in t._repr_html_() and "a&lt;b" in t._repr_html_()
    True
    >>> 'class="fm-num"' in t._repr_html_()
    True
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        numeric: Sequence[str] = (),
        id: str = "",
        caption: str = "",
        note: str = "",
        empty: str = "None.",
        row_ids: Sequence[str] | None = None,
        wide: bool = False,
    ) -> None:
        self.frame = frame.reset_index(drop=True)
        self.numeric = set(numeric)
        self.id = id
        self.caption = caption
        self.note = note
        self.empty = empty
        self.row_ids = list(row_ids) if row_ids is not None else None
        self.wide = wide

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return f"Table({self.id or 'table'}: {len(self.frame)} rows)"

    @property
    def data(self) -> pd.DataFrame:
        """The rows as plain values: a chip as its word, markup as its text.

        Examples
        --------
        >>> note = pd.Series([Markup("<b>a</b>")], dtype=object)  # markup: an object column
        >>> t = Table(pd.DataFrame({"Risk": [Chip("red", "High")], "Note": note}))
        >>> t.data.iloc[0].tolist()
        ['High', 'a']
        """
        return self.frame.map(_plain)

    def _cell(self, column: str, value: object) -> str:
        cls = ' class="fm-num"' if column in self.numeric else ""
        if isinstance(value, Chip):
            body = value.html()
        elif isinstance(value, Markup):
            body = str(value)
        else:
            body = esc(value)
        return f'<td{cls} data-label="{esc(column)}">{body}</td>'

    def html(self) -> str:
        """The table (and its caption and note) without the stylesheet."""
        ident = f' id="{esc(self.id)}"' if self.id else ""
        wide = " fm-wide" if self.wide else ""
        caption = f'<p class="fm-caption">{esc(self.caption)}</p>' if self.caption else ""
        note = f'<p class="fm-note">{esc(self.note)}</p>' if self.note else ""
        if not len(self.frame):
            return (
                f'<div class="fm-table-block{wide}"{ident}>{caption}'
                f'<p class="fm-empty">{esc(self.empty)}</p>{note}</div>'
            )
        columns = list(self.frame.columns)
        num = ' class="fm-num"'
        head = "".join(
            f'<th scope="col"{num if c in self.numeric else ""}>{esc(c)}</th>' for c in columns
        )
        rows = []
        for i, values in enumerate(self.frame.itertuples(index=False, name=None)):
            rid = f' id="{esc(self.row_ids[i])}"' if self.row_ids else ""
            cells = "".join(self._cell(c, v) for c, v in zip(columns, values))
            rows.append(f"<tr{rid}>{cells}</tr>")
        return (
            f'<div class="fm-table-block{wide}"{ident}>{caption}'
            f'<table class="fm-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{note}</div>"
        )

    def _repr_html_(self) -> str:
        return style_tag() + self.html()


_TAG = re.compile(r"<[^>]*>")


def _plain(value: object) -> object:
    if isinstance(value, Chip):
        return str(value)
    if isinstance(value, Markup):
        return _html.unescape(_TAG.sub("", str(value)))
    return value
