"""The one-page brief of an alert: HTML that prints on one A4 page.

What a partnership's cyber lead wants open on the morning an alert lands: the headline;
what the alert is (from the KEV catalogue where it lists it); who to contact in each
organisation and what they have affected; the systems to act on, most exposed and most
harmful first, each with its first action; the records at stake and the attack paths the
vulnerability opens; and the 48-hour checklist, with where it comes from. Every value is
escaped; the page runs no script and loads nothing (its Content-Security-Policy forbids
both), and prints with Chromium (:func:`flowmap.render.report.pdf.to_pdf`).
"""

from __future__ import annotations

import html as _html
from pathlib import Path

import pandas as pd

from flowmap.engine.alert import AlertImpact
from flowmap.engine.alert.words import CHECKLIST, CHECKLIST_SOURCE
from flowmap.render.pages import content_security_policy, csp_meta

__all__ = ["MAX_ORGS", "MAX_PATHS", "MAX_SYSTEMS", "brief_html", "print_pdf"]

#: Rows each table of the brief shows (the CSV holds every row; the brief says how many more).
MAX_SYSTEMS, MAX_ORGS, MAX_PATHS = 7, 5, 4

STYLE = """
@page { size: A4; margin: 11mm 12mm; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 8pt; color: #0b0c0c;
  margin: 0; line-height: 1.2; }
h1 { font-size: 13pt; margin: 0 0 2px; }
h2 { font-size: 9.4pt; margin: 7px 0 2px; border-bottom: 2px solid #1d70b8; }
.meta { color: #505a5f; font-size: 7.6pt; }
.headline { background: #f3f2f1; border-left: 6px solid #d4351c; padding: 4px 8px;
  margin: 4px 0; font-size: 8.6pt; font-weight: bold; }
.facts { display: flex; gap: 6px; margin: 4px 0; }
.fact { flex: 1; background: #f3f2f1; padding: 3px 6px; }
.fact b { display: block; font-size: 12pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 1.5px 3px; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f2f1; font-size: 7.2pt; }
td { font-size: 7.4pt; }
.checklist { columns: 2; column-gap: 14px; }
td.n, th.n { text-align: right; }
.tag { font-weight: bold; }
.affected { color: #d4351c; } .cannot { color: #f47738; } .done { color: #00703c; }
.more { color: #505a5f; font-style: italic; margin: 1px 0; }
.cols { display: flex; gap: 10px; } .cols > div { flex: 1; min-width: 0; }
ol { margin: 2px 0 2px 16px; padding: 0; } li { margin: 0 0 1px; }
.source { color: #505a5f; font-size: 7pt; }
"""


def esc(value: object) -> str:
    """HTML-escape any value (None and NA become ''); the board's helper without its
    plotting imports."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _html.escape(str(value))


def _tag(verdict: str) -> str:
    css = {"affected": "affected", "cannot tell": "cannot"}.get(verdict, "done")
    return f'<span class="tag {css}">{esc(verdict)}</span>'


def _more(total: int, shown: int, what: str) -> str:
    if total <= shown:
        return ""
    where = "alert-service-desk.csv" if what == "systems" else "the CSV files"
    return f'<p class="more">... and {total - shown:,} more {what} in {where}.</p>'


def brief_html(impact: AlertImpact, alert_id: str, *, redacted: bool = False) -> str:
    """The brief of one alert as a self-contained HTML page.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> page = brief_html(flowmap.alert_impact(a, cves=["CVE-2023-4966"]), "CVE-2023-4966")
    >>> "RXA-CTX-01" in page, "<script" in page
    (True, False)
    """
    alert = impact.alerts[impact.alerts["alert_id"] == alert_id].iloc[0]
    systems = impact.systems[impact.systems["alert_id"] == alert_id]
    orgs = impact.organisations[impact.organisations["alert_id"] == alert_id]
    paths = impact.paths[impact.paths["alert_id"] == alert_id]
    title = alert_id if alert_id != "PRODUCT" else f"Product alert: {alert['title']}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        csp_meta(content_security_policy()),
        f"<title>{esc(title)}: alert brief</title><style>{STYLE}</style></head><body>",
        f"<h1>{esc(title)}{': ' + esc(alert['title']) if alert_id != 'PRODUCT' else ''}</h1>",
        f'<div class="meta">Alert brief as of {esc(impact.as_of)}'
        + (" &middot; redacted for sharing: ids are pseudonyms" if redacted else "")
        + "".join(f" &middot; {esc(k)}: {esc(v)}" for k, v in impact.sources.items())
        + "</div>",
        f'<div class="headline">{esc(alert["headline"])}</div>',
        _facts(alert),
        _about(alert),
        '<div class="cols"><div>',
        "<h2>Who to contact</h2>",
        _org_table(orgs.head(MAX_ORGS)),
        _more(len(orgs), MAX_ORGS, "organisations"),
        "</div><div>",
        "<h2>Attack paths it opens (if exploitable everywhere it applies)</h2>",
        _path_table(paths.head(MAX_PATHS)),
        _more(len(paths), MAX_PATHS, "assets"),
        "</div></div>",
        "<h2>Systems to act on, most exposed and most harmful first</h2>",
        _system_table(systems.head(MAX_SYSTEMS)),
        _more(len(systems), MAX_SYSTEMS, "systems"),
        "<h2>The next 48 hours</h2>",
        '<ol class="checklist">'
        + "".join(f"<li><b>{esc(w)}</b>: {esc(t)}</li>" for w, t in CHECKLIST)
        + "</ol>",
        f'<p class="source">{esc(CHECKLIST_SOURCE)} "Cannot tell" means the inventory does '
        "not record what the system runs: it is not a sign that the system is safe.</p>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _facts(alert: pd.Series) -> str:
    cells = [
        ("affected", alert["affected"]),
        ("facing the internet", alert["internet_facing"]),
        ("organisations", alert["organisations"]),
        ("records on or reaching them", f"{int(alert['records']):,}"),
        ("cannot tell", alert["cannot_tell"]),
    ]
    return (
        '<div class="facts">'
        + "".join(f'<div class="fact"><b>{esc(v)}</b>{esc(k)}</div>' for k, v in cells)
        + "</div>"
    )


def _about(alert: pd.Series) -> str:
    bits = []
    if alert["product"]:
        product = " ".join(str(x) for x in (alert["vendor"], alert["product"]) if x)
        bits.append(
            f"<b>Product:</b> {esc(product)}"
            + (f" {esc(alert['versions'])}" if alert["versions"] else "")
        )
    if alert["date_added"]:
        bits.append(f"<b>Added to CISA KEV:</b> {esc(alert['date_added'])}")
    if alert["due_date"]:
        bits.append(f"<b>CISA due date (US federal):</b> {esc(alert['due_date'])}")
    if alert["ransomware"]:
        bits.append('<b class="affected">Known use in ransomware campaigns</b>')
    if alert["alert_id"] != "PRODUCT" and not alert["in_kev"]:
        bits.append("Not in the KEV catalogue given: matched on recorded vulnerabilities only")
    text = " &middot; ".join(bits)
    if alert["required_action"]:
        text += f"<br><b>Required action (CISA):</b> {esc(alert['required_action'])}"
    if alert["description"]:
        text += f"<br>{esc(alert['description'])}"
    return f"<p>{text}</p>" if text else ""


def _email(email: str) -> str:
    return f"<br><span class='meta'>{esc(email)}</span>" if email else ""


def _org_table(orgs: pd.DataFrame) -> str:
    if not len(orgs):
        return "<p>No organisation has a system to act on.</p>"
    rows = "".join(
        f"<tr><td>{esc(r.org_name)}</td><td>{esc(r.contact_name)}"
        f"{_email(r.contact_email)}</td>"
        f"<td class='n'>{r.affected}</td><td class='n'>{r.cannot_tell}</td>"
        f"<td class='n'>{int(r.records):,}</td></tr>"
        for r in orgs.itertuples()
    )
    return (
        "<table><colgroup><col style='width:32%'><col style='width:36%'><col style='width:7%'>"
        "<col style='width:6%'><col></colgroup><tr><th>Organisation</th><th>Contact</th>"
        "<th class='n' title='affected'>Aff.</th><th class='n' title='cannot tell'>?</th>"
        f"<th class='n'>Records</th></tr>{rows}</table>"
    )


def _path_table(paths: pd.DataFrame) -> str:
    if not len(paths):
        return "<p>No asset's most likely attack path changes.</p>"
    rows = "".join(
        f"<tr><td>{esc(r.asset_name)}<br><span class='meta'>{int(r.records):,} records</span>"
        f"</td><td class='n'>{r.probability_before:.0%} &rarr; {r.probability_after:.0%}</td>"
        f"<td>{esc(r.path_after)}</td></tr>"
        for r in paths.itertuples()
    )
    return (
        "<table><colgroup><col style='width:34%'><col style='width:18%'><col></colgroup>"
        "<tr><th>Asset</th><th class='n'>Path likelihood</th><th>Most likely path after</th>"
        f"</tr>{rows}</table>"
    )


def _why(row) -> str:
    """The evidence of a verdict, short."""
    if row.basis == "recorded":
        return f"recorded by a scanner ({row.status or 'open'})"
    if row.basis == "product":
        return f"runs it{(', version ' + row.version) if row.version else ''}"
    if row.basis:
        return "runs the product (version not checked)"
    return str(row.evidence)


def _system_table(systems: pd.DataFrame) -> str:
    if not len(systems):
        return "<p>No system is affected or undecided.</p>"
    rows = "".join(
        f"<tr><td class='n'>{r.rank}</td><td>{esc(r.org_name)}</td><td>{esc(r.system_name)}"
        f"<br><span class='meta'>{esc(r.system_id)} &middot; {esc(r.os)}</span></td>"
        f"<td>{_tag(r.verdict)}<br><span class='meta'>{esc(_why(r))}</span></td>"
        f"<td>{'yes' if r.internet_facing else 'no'}</td><td class='n'>{int(r.records):,}</td>"
        f"<td>{esc(r.first_action)}</td></tr>"
        for r in systems.itertuples()
    )
    return (
        "<table><colgroup><col style='width:3%'><col style='width:17%'><col style='width:22%'>"
        "<col style='width:17%'><col style='width:6%'><col style='width:8%'><col></colgroup>"
        "<tr><th class='n'>#</th><th>Organisation</th><th>System</th><th>Verdict</th>"
        "<th>Internet</th><th class='n'>Records</th><th>First action</th></tr>"
        f"{rows}</table>"
    )


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print a brief to A4 PDF with Chromium (the board report's printer)."""
    from flowmap.render.report.pdf import to_pdf

    return to_pdf(html, pdf)
