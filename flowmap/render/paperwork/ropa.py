"""Write records of processing activities: per controller a workbook, a CSV and a
printable page, and one index page with the gaps of every controller.

Per controller (``<org>`` is its id made safe by :func:`flowmap.render.names.safe_name`):
``ropa_<org>.xlsx`` (sheets: Controller, ICO template,
DSPT 1.1.2, All fields, Gaps, and Processor (Art 30(2)) for a processor), ``ropa_<org>.csv``
(every field of every activity) and ``ropa_<org>.html``. Beside them ``index.html``,
``ropa_gaps.csv`` (what to collect, every controller) and ``ropa_processors.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flowmap.governance.ropa import CONTACT_COLUMNS, Ropa
from flowmap.governance.ropa_columns import DSPT_COLUMNS, FIELDS, ICO_COLUMNS, ID_COLUMNS
from flowmap.governance.ropa_text import GAP_PREFIX
from flowmap.governance.sources import SOURCES
from flowmap.inventory.textstorage import python_text
from flowmap.render.files import dump_csv, output_files
from flowmap.render.names import safe_names
from flowmap.render.paperwork.page import cell, dump_workbook, esc, page, sources_list, table

CONTACT_HEADINGS = {
    "name": "Controller",
    "address": "Address",
    "ico_registration": "ICO registration number",
    "dpo_name": "Data Protection Officer",
    "dpo_email": "DPO email",
    "siro_name": "Senior Information Risk Owner",
    "siro_email": "SIRO email",
    "caldicott_guardian_name": "Caldicott Guardian",
    "caldicott_guardian_email": "Caldicott Guardian email",
}
GAP_HEADINGS = {
    "label": "What is missing",
    "missing": "How many",
    "where": "Where (assets)",
    "collect": "What to collect (inventory column)",
}
PROCESSOR_HEADINGS = {
    "controller": "Controller acted for",
    "controller_contact": "Controller's contact details",
    "categories_of_processing": "Categories of processing",
    "transfers": "Transfers outside the UK",
    "security": "General description of security measures",
    "contracts": "Contract",
}
SOURCE_IDS = (
    "uk_gdpr_art30",
    "ico_documentation",
    "ico_controller_template",
    "ico_processor_template",
    "dspt_112",
)


def _combined(row: pd.Series, keys: tuple[str, ...]) -> str:
    """Fields joined for a template column; a gap in any of them makes the cell a gap."""
    values = [str(row[k]) for k in keys]
    gaps = [v for v in values if v.startswith(GAP_PREFIX)]
    if gaps:
        return GAP_PREFIX + " / ".join(v[len(GAP_PREFIX) :] for v in gaps)
    return " / ".join(dict.fromkeys(values))


def ico_view(activities: pd.DataFrame) -> pd.DataFrame:
    """The activities in the ICO controller template's columns, headed as the ICO heads them."""
    out = pd.DataFrame({"Activity": activities["activity_id"]})
    for heading, keys in ICO_COLUMNS:
        out[heading] = [_combined(r, keys) for _, r in activities.iterrows()]
    return out


def dspt_view(activities: pd.DataFrame) -> pd.DataFrame:
    """The activities in the minimum columns of DSPT evidence item 1.1.2."""
    out = pd.DataFrame({"Activity": activities["activity_id"]})
    for heading, keys in DSPT_COLUMNS:
        out[heading] = [_combined(r, keys) for _, r in activities.iterrows()]
    return out


def _about(r: Ropa, source: str) -> pd.DataFrame:
    rows = [
        ("Produced by", "flowmap ropa, from the inventory " + source),
        ("As of", r.as_of.isoformat()),
        ("One row is", "one processing activity: an information asset held for one purpose"),
        (
            "Gaps",
            "cells beginning 'GAP:' could not be filled from the inventory: the Gaps "
            "sheet says what to collect",
        ),
    ]
    rows += [
        (
            SOURCES[i].label,
            SOURCES[i].url + (" [UNVERIFIED]" if SOURCES[i].confidence == "unverified" else ""),
        )
        for i in SOURCE_IDS
    ]
    return pd.DataFrame(rows, columns=["", "About this record"])


def ropa_paths(r: Ropa, out_dir: str | Path) -> list[Path]:
    """Every file :func:`write_ropa` writes for ``r``, in the order it writes them."""
    out = Path(out_dir)
    finals = []
    for name in safe_names(list(r.controllers["org_id"]), fallback="org").values():
        finals += [out / f"ropa_{name}.xlsx", out / f"ropa_{name}.csv", out / f"ropa_{name}.html"]
    return finals + [out / name for name in FIXED_FILES]


#: The files written once, whatever the controllers.
FIXED_FILES = ("ropa_gaps.csv", "ropa_processors.csv", "index.html")


@python_text
def write_ropa(
    r: Ropa, out_dir: str | Path, *, source: str = "", force: bool = False
) -> list[Path]:
    """Write the records of ``r`` (every controller in it) to ``out_dir``, all files or
    none (``force`` replaces files of those names that flowmap did not write)."""
    names = safe_names(list(r.controllers["org_id"]), fallback="org")
    finals = ropa_paths(r, out_dir)
    groups = {
        key: dict(tuple(frame.groupby(column, sort=False)))
        for key, frame, column in (
            ("activities", r.activities, "org_id"),
            ("gaps", r.gaps, "org_id"),
            ("processors", r.processors, "processor_id"),
        )
    }
    with output_files(finals, force=force) as tmps:
        files = iter(tmps)
        for org_id in names:
            one = Ropa(
                r.as_of,
                r.controllers[r.controllers["org_id"] == org_id].reset_index(drop=True),
                _part(groups["activities"], org_id, r.activities),
                _part(groups["processors"], org_id, r.processors),
                _part(groups["gaps"], org_id, r.gaps),
                r.excluded.iloc[:0],
            )
            _dump_one(one, next(files), next(files), next(files), source)
        dump_csv(r.gaps, next(files))
        dump_csv(r.processors, next(files))
        next(files).write_text(_index(r, names, source), encoding="utf-8")
    return finals


def _part(groups: dict, key: str, empty: pd.DataFrame) -> pd.DataFrame:
    part = groups.get(key)
    return (empty.iloc[:0] if part is None else part).reset_index(drop=True)


def _dump_one(r: Ropa, xlsx: Path, csv: Path, html: Path, source: str) -> None:
    c = r.controllers.iloc[0]
    controller = pd.DataFrame(
        [(CONTACT_HEADINGS[k], c[k]) for k in ("name", *CONTACT_COLUMNS)],
        columns=["", "Controller details"],
    )
    sheets = {
        "Controller": controller,
        "ICO template": ico_view(r.activities),
        "DSPT 1.1.2": dspt_view(r.activities),
        "All fields": _all_fields(r.activities),
        "Gaps": r.gaps[list(GAP_HEADINGS)].rename(columns=GAP_HEADINGS),
    }
    if len(r.processors):
        sheets["Processor (Art 30(2))"] = r.processors.rename(columns=PROCESSOR_HEADINGS)
    sheets["About"] = _about(r, source)
    dump_workbook(xlsx, f"Record of processing: {c['name']}", sheets)
    dump_csv(r.activities, csv)
    html.write_text(_page(r, source), encoding="utf-8")


def _all_fields(activities: pd.DataFrame) -> pd.DataFrame:
    labels = {k: k.replace("_", " ") for k in ID_COLUMNS} | {f.key: f.label for f in FIELDS}
    return activities.rename(columns=labels)


def _page(r: Ropa, source: str) -> str:
    c = r.controllers.iloc[0]
    details = "".join(
        f"<tr><th>{esc(CONTACT_HEADINGS[k])}</th>{cell(c[k])}</tr>"
        for k in ("name", *CONTACT_COLUMNS)
    )
    body = [
        '<div class="notice">This record is produced from the information asset register '
        "and data-flow map. Cells marked <b>GAP</b> could not be filled from them: the table "
        "of gaps below says what to collect. The columns follow the ICO's documentation "
        "template for controllers and DSPT evidence item 1.1.2 (see the workbook).</div>",
        f"<h2>Controller</h2><table><tbody>{details}</tbody></table>",
        f"<h2>Gaps to fill ({int(r.gaps['missing'].sum()) if len(r.gaps) else 0})</h2>",
        table(r.gaps, GAP_HEADINGS) if len(r.gaps) else "<p>None.</p>",
        f"<h2>Processing activities ({len(r.activities)})</h2>",
    ]
    labels = [(f.key, f.label) for f in FIELDS]
    for a in r.activities.to_dict("records"):
        rows = "".join(f"<tr><th>{esc(label)}</th>{cell(a[key])}</tr>" for key, label in labels)
        heading = a["asset"] if str(a["purpose"]).startswith(GAP_PREFIX) else a["purpose"]
        body.append(
            f'<div class="card"><h3>{esc(heading)} <span class="small">'
            f"({esc(a['activity_id'])}; {esc(a['role'])})</span></h3>"
            f'<table class="kv"><tbody>{rows}</tbody></table></div>'
        )
    if len(r.processors):
        body.append("<h2>As a processor (UK GDPR Article 30(2))</h2>")
        body.append(table(r.processors, PROCESSOR_HEADINGS))
    body.append("<h2>Sources</h2>")
    body.append(
        sources_list(
            [(SOURCES[i].label, SOURCES[i].url, SOURCES[i].confidence) for i in SOURCE_IDS]
        )
    )
    title = f"Record of processing activities: {c['name']}"
    subtitle = (
        f"UK GDPR Article 30. As of {r.as_of.isoformat()}. Produced by flowmap"
        + (f" from {source}" if source else "")
        + "."
    )
    return page(title, subtitle, "".join(body))


def _index(r: Ropa, names: dict[str, str], source: str) -> str:
    rows = []
    for c in r.controllers.to_dict("records"):
        link = f"ropa_{names[c['org_id']]}.html"
        rows.append(
            f'<tr><td><a href="{esc(link)}">{esc(c["name"])}</a></td><td>{esc(c["org_id"])}'
            f"</td><td>{c['activities']}</td><td>{c['gaps']}</td></tr>"
        )
    body = (
        "<table><thead><tr><th>Controller</th><th>Id</th><th>Activities</th><th>Gaps</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    if len(r.excluded):
        body += "<h2>Left out: no personal data</h2>" + table(
            r.excluded, {"asset_id": "Asset", "name": "Name", "org_id": "Controller"}
        )
    return page(
        "Records of processing activities",
        f"As of {r.as_of.isoformat()}." + (f" From {source}." if source else ""),
        body,
    )
