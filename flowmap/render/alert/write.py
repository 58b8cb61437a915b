"""``write_alert``: every output of an alert, written at once."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flowmap.engine.alert import AlertImpact
from flowmap.engine.alert.tables import asset_summary
from flowmap.engine.alert.words import CHECKLIST, CHECKLIST_SOURCE
from flowmap.inventory.textstorage import python_text
from flowmap.render.alert.redact import redact_impact
from flowmap.render.files import dump_csv, dump_json, output_files

__all__ = ["SERVICE_DESK_COLUMNS", "AlertFiles", "alert_paths", "write_alert"]

#: Columns of ``alert-service-desk.csv``: one ticket per row.
SERVICE_DESK_COLUMNS = [
    "alert_id", "rank", "org_id", "org_name", "contact_role", "contact_name", "contact_email",
    "system_id", "system_name", "kind", "os", "software", "verdict", "basis", "evidence",
    "internet_facing", "criticality", "eol_status", "assets", "records", "first_action",
    "kev_due_date", "kev_required_action",
]  # fmt: skip


@dataclass(frozen=True)
class AlertFiles:
    """What :func:`write_alert` wrote."""

    impact: AlertImpact
    files: list[Path]


def brief_name(alert_id: str) -> str:
    """The brief's file name (no extension) for an alert id: safe characters only.

    >>> brief_name("CVE-2023-4966"), brief_name("PRODUCT"), brief_name("../x")
    ('brief-CVE-2023-4966', 'brief-product', 'brief-x')
    """
    stem = "product" if alert_id == "PRODUCT" else re.sub(r"[^A-Za-z0-9-]+", "", alert_id)
    return f"brief-{stem or 'alert'}"


def alert_paths(impact: AlertImpact | None, out: str | Path, *, pdf: bool = True) -> list[Path]:
    """The files :func:`write_alert` writes into ``out`` (the briefs need the alerts)."""
    out = Path(out)
    names = ["alert-service-desk.csv", "alert-assets.csv", "alert-paths.csv",
             "alert-organisations.csv", "alert-summary.json"]  # fmt: skip
    if impact is not None:
        for alert_id in impact.alerts["alert_id"]:
            names.append(brief_name(alert_id) + ".html")
            if pdf:
                names.append(brief_name(alert_id) + ".pdf")
    return [out / n for n in names]


def service_desk(impact: AlertImpact) -> pd.DataFrame:
    """One row per system to act on, with whom to contact and what to do first."""
    s = impact.systems
    o = impact.organisations[
        ["alert_id", "org_id", "contact_role", "contact_name", "contact_email"]
    ]
    a = impact.alerts.set_index("alert_id")
    out = s.merge(o, on=["alert_id", "org_id"], how="left")
    out["kev_due_date"] = out["alert_id"].map(a["due_date"]).fillna("")
    out["kev_required_action"] = out["alert_id"].map(a["required_action"]).fillna("")
    return out.reindex(columns=SERVICE_DESK_COLUMNS).fillna("")


def summary(impact: AlertImpact, *, redacted: bool) -> dict:
    """The alerts, their headlines and counts, the checklist and where the data came from."""
    alerts = impact.alerts.drop(columns=[], errors="ignore")
    records = []
    for row in alerts.to_dict("records"):
        records.append({k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()})
    return {
        "as_of": impact.as_of,
        "redacted": redacted,
        "alerts": records,
        "checklist": [{"when": w, "what": t} for w, t in CHECKLIST],
        "checklist_source": CHECKLIST_SOURCE,
        "sources": dict(impact.sources),
    }


@python_text
def write_alert(
    impact: AlertImpact,
    out: str | Path,
    *,
    brief: bool = True,
    pdf: bool = True,
    redact: bool = False,
    redact_key: str | bytes | None = None,
    force: bool = False,
) -> AlertFiles:
    """Write an alert's outputs into the folder ``out``.

    Files: ``alert-service-desk.csv`` (one row per system to act on, most urgent first,
    with the organisation's contact and the first action), ``alert-assets.csv`` (one row
    per information asset with a copy on a listed system:
    :func:`~flowmap.engine.alert.tables.asset_summary`; the row per system and asset is
    ``AlertImpact.assets``), ``alert-paths.csv``, ``alert-organisations.csv``,
    ``alert-summary.json`` and, with ``brief``, ``brief-<CVE>.html`` (and ``.pdf`` with
    ``pdf``) per alert. Chromium prints the PDFs while the tables are written.

    Parameters
    ----------
    impact : AlertImpact
        From :func:`flowmap.alert_impact`.
    out : str or Path
        The folder (made if needed).
    brief, pdf : bool
        Write the one-page brief per alert as HTML, and print it to A4 PDF with Chromium.
    redact : bool
        Pseudonymise ids and names and drop contacts (for sending to partners);
        ``redact_key`` makes the pseudonyms repeatable (and implies ``redact``).
    force : bool
        Replace files flowmap did not write.

    Examples
    --------
    >>> import datetime, tempfile, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> done = write_alert(flowmap.alert_impact(a, cves=["CVE-2023-4966"]),
    ...                    tempfile.mkdtemp(), brief=False)
    >>> [p.name for p in done.files][:2]
    ['alert-service-desk.csv', 'alert-assets.csv']
    """
    redacted = redact or redact_key is not None
    if redacted:
        impact = redact_impact(impact, redact_key)
    paths = alert_paths(impact, out, pdf=pdf) if brief else alert_paths(None, out)
    htmls = {}
    if brief:
        from flowmap.render.alert.brief import brief_html

        for alert_id in impact.alerts["alert_id"]:
            htmls[brief_name(alert_id)] = brief_html(impact, alert_id, redacted=redacted)
    with output_files(paths, force=force) as tmp, ThreadPoolExecutor(max_workers=1) as pool:
        by_name = {final.name: t for final, t in zip(paths, tmp)}
        for stem, html in htmls.items():
            by_name[stem + ".html"].write_text(html, encoding="utf-8", newline="\n")
        printed = None
        if pdf and htmls:  # Chromium works on the other core while the tables are written
            from flowmap.render.alert.brief import print_pdf

            jobs = [(by_name[stem + ".html"], by_name[stem + ".pdf"]) for stem in htmls]
            printed = pool.submit(lambda: [print_pdf(h, p) for h, p in jobs])
        dump_csv(service_desk(impact), by_name["alert-service-desk.csv"])
        dump_csv(asset_summary(impact.assets), by_name["alert-assets.csv"])
        dump_csv(
            impact.paths.drop(columns=["path_before_ids", "path_after_ids"], errors="ignore"),
            by_name["alert-paths.csv"],
        )
        dump_csv(impact.organisations, by_name["alert-organisations.csv"])
        dump_json(summary(impact, redacted=redacted), by_name["alert-summary.json"])
        if printed is not None:
            printed.result()  # a printing error is raised here, and nothing is kept
    return AlertFiles(impact=impact, files=paths)
