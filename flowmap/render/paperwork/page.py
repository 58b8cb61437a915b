"""What every IG paperwork file shares: a printable HTML page, workbook sheets that mark
gaps, text as strings, and safe file names.

Pages are self-contained (no scripts, no network) and print on A4 landscape. Every value
from the inventory is escaped; in CSV and Excel, formula-like text is neutralised
(:mod:`flowmap.render.files`).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd

from flowmap.governance.ropa_text import GAP_PREFIX
from flowmap.render.files import neutralise_frame, new_workbook, write_sheets
from flowmap.render.pages import content_security_policy, csp_meta

CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; margin: 0 auto;
  max-width: 1200px; padding: 16px; font-size: 13px; line-height: 1.4; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 24px 0 8px; border-bottom: 2px solid #0b0c0c; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.meta { color: #505a5f; margin: 0 0 12px; }
.notice { border-left: 8px solid #1d70b8; background: #f3f2f1; padding: 8px 12px;
  margin: 12px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #b1b4b6; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f3f2f1; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
h2, h3 { break-after: avoid; }
.tag, .gap, th, .notice { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.card { border: 1px solid #b1b4b6; padding: 4px 10px 8px; margin: 10px 0; }
table.kv th { width: 28%; }
.gap { background: #fff7bf; }
.nowrap { white-space: nowrap; }
table.fixed { table-layout: fixed; }
table.fixed td { overflow-wrap: anywhere; }
table.fixed td.nowrap { white-space: normal; }
.gap::before { content: "GAP "; font-weight: bold; color: #b58840; }
.tag { display: inline-block; padding: 1px 8px; font-weight: bold; color: #fff;
  border-radius: 2px; }
.tag.red { background: #d4351c; } .tag.amber { background: #b35a00; }
.tag.green { background: #00703c; } .tag.grey { background: #505a5f; }
.tag.blue { background: #1d70b8; }
.small { font-size: 11px; color: #505a5f; }
ul.sources { font-size: 11px; color: #505a5f; }
@media print { body { max-width: none; padding: 0; } a { color: inherit; } }
"""


def esc(value: object) -> str:
    """HTML-escape any value; ``None`` and NA become an empty string.

    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp | dt.date):
        return html.escape(pd.Timestamp(value).date().isoformat())
    return html.escape(str(value))


def cell(value: object, tag: str = "") -> str:
    """A table cell: a gap is marked, a short token (a date, an id) does not wrap, and
    ``tag`` (a colour class) shows the value as a coloured tag.

    >>> cell("GAP: not recorded (fill in assets.owner)")
    '<td class="gap">not recorded (fill in assets.owner)</td>'
    >>> cell("2026-03-31"), cell("expired", "red")
    ('<td class="nowrap">2026-03-31</td>', '<td><span class="tag red">expired</span></td>')
    """
    text = "" if value is None else str(value)
    if text.startswith(GAP_PREFIX):
        return f'<td class="gap">{esc(text[len(GAP_PREFIX) :])}</td>'
    if tag and text:
        return f'<td><span class="tag {tag}">{esc(value)}</span></td>'
    if text and " " not in text and len(text) <= 24:
        return f'<td class="nowrap">{esc(value)}</td>'
    return f"<td>{esc(value)}</td>"


def table(
    frame: pd.DataFrame,
    columns: dict[str, str] | None = None,
    *,
    widths: dict[str, int] | None = None,
    tags: dict[str, dict[str, str]] | None = None,
) -> str:
    """A frame as an HTML table headed by ``columns`` (key -> heading), gaps marked.

    ``widths`` gives columns a share of the width (per cent); ``tags`` maps a column's
    values to tag colours.
    """
    columns = columns or {c: c for c in frame.columns}
    tags = tags or {}
    cols = ""
    if widths:
        cols = (
            "<colgroup>"
            + "".join(
                f'<col style="width:{widths[k]}%">' if k in widths else "<col>" for k in columns
            )
            + "</colgroup>"
        )
    head = "".join(f"<th>{esc(h)}</th>" for h in columns.values())
    body = "".join(
        "<tr>"
        + "".join(cell(row[k], tags.get(k, {}).get(str(row[k]), "")) for k in columns)
        + "</tr>"
        for row in frame.to_dict("records")
    )
    fixed = ' class="fixed"' if widths else ""
    return f"<table{fixed}>{cols}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(title: str, subtitle: str, body: str) -> str:
    """A whole printable page: title, one line of where it came from, then ``body``."""
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head>'
        + csp_meta(content_security_policy())
        + '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f'<h1>{esc(title)}</h1><p class="meta">{esc(subtitle)}</p>{body}</body></html>\n'
    )


def sources_list(sources: list[tuple[str, str, str]]) -> str:
    """``(label, address, confidence)`` triples as a list of links (no scripts)."""
    items = []
    for label, url, confidence in sources:
        mark = " [UNVERIFIED]" if confidence == "unverified" else ""
        link = f' <span class="small">{esc(url)}</span>' if url else ""
        items.append(f"<li>{esc(label)}{esc(mark)}{link}</li>")
    return f'<ul class="sources">{"".join(items)}</ul>'


def dump_workbook(path: Path, title: str, sheets: dict[str, pd.DataFrame]) -> Path:
    """One workbook, a sheet per frame (text neutralised), cells beginning ``GAP:`` shaded.

    ``path`` is a temporary name from :func:`flowmap.render.files.output_files`."""
    wb = new_workbook(path, title)
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    shade = wb.add_format({"bg_color": "#FFF7BF"})
    for name, frame in sheets.items():
        frame = frame.copy()
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        text = neutralise_frame(frame.astype(object).where(frame.notna(), ""))
        for sheet in write_sheets(wb, name[:31], text, bold):
            ws = wb.get_worksheet_by_name(sheet)
            if len(frame.columns) and len(frame):
                ws.conditional_format(
                    1,
                    0,
                    len(frame),
                    len(frame.columns) - 1,
                    {
                        "type": "text",
                        "criteria": "begins with",
                        "value": GAP_PREFIX,
                        "format": shade,
                    },
                )
    wb.close()
    return path
