"""Write the agreements register: ``agreements.xlsx``, three CSV files and a printable page
with the expiry calendar first."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flowmap.governance.agreements import AgreementRegister
from flowmap.governance.sources import SOURCES
from flowmap.inventory.textstorage import python_text
from flowmap.render.files import dump_csv, output_files
from flowmap.render.paperwork.page import dump_workbook, page, sources_list, table

CALENDAR_HEADINGS = {
    "expires": "Ends",
    "status": "Status",
    "ref": "Agreement or contract",
    "kind": "Kind",
    "parties": "Parties",
    "flows": "Flows",
    "systems": "Systems",
    "assets": "Assets",
}
MISSING_HEADINGS = {
    "subject_id": "Flow or system",
    "from": "From",
    "to": "To",
    "asset": "Asset",
    "purpose": "Purpose",
    "level": "Agreement",
    "why": "Why",
}
REGISTER_HEADINGS = {
    "ref": "Agreement or contract",
    "kind": "Kind",
    "parties": "Parties",
    "flows": "Flows",
    "systems": "Systems",
    "assets": "Assets",
    "purposes": "Purposes",
    "lawful_bases": "Article 6",
    "special_conditions": "Article 9 / Schedule 1",
    "confidentiality_bases": "Common law",
    "countries": "Countries",
    "expires": "Ends",
    "status": "Status",
}
SOURCE_IDS = ("ico_sharing_code", "hsca2012_s251b", "uk_gdpr_art28", "uk_gdpr_art26")


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "expires" in out:
        out["expires"] = out["expires"].map(
            lambda d: "" if pd.isna(d) else pd.Timestamp(d).date().isoformat()
        )
    return out


#: The files :func:`write_agreements` writes, in its folder.
AGREEMENT_FILES = (
    "agreements.xlsx",
    "agreements.csv",
    "agreements_missing.csv",
    "agreements_calendar.csv",
    "agreements.html",
)


@python_text
def write_agreements(
    reg: AgreementRegister, out_dir: str | Path, *, source: str = "", force: bool = False
) -> list[Path]:
    """Write the register to ``out_dir``: the workbook, the CSV files and the page (all or
    none; ``force`` replaces files of those names that flowmap did not write)."""
    finals = [Path(out_dir) / name for name in AGREEMENT_FILES]
    register, missing, calendar = _dated(reg.register), reg.missing, _dated(reg.calendar)
    status_tags = {"expired": "red", f"ends within {reg.days} days": "amber", "current": "green"}
    body = [
        '<div class="notice">Every data-sharing agreement (<code>flows.dsa_ref</code>) and '
        "processing contract (<code>systems.contract_ref</code>) in the inventory. An "
        "agreement is good practice for systematic sharing, not a legal requirement (ICO "
        "data sharing code); sharing for individual care between health and care bodies "
        "rests on the duty to share; a processor needs a written contract.</div>",
        f"<h2>Ending within {reg.days} days, or already ended ({len(calendar)})</h2>",
        table(calendar, CALENDAR_HEADINGS, tags={"status": status_tags})
        if len(calendar)
        else "<p>None.</p>",
        f"<h2>Should be under an agreement or contract, but are not ({len(missing)})</h2>",
        table(missing, MISSING_HEADINGS) if len(missing) else "<p>None.</p>",
        f"<h2>Register ({len(register)})</h2>",
        table(register, REGISTER_HEADINGS, tags={"status": status_tags}),
        "<h2>Sources</h2>",
        sources_list(
            [(SOURCES[i].label, SOURCES[i].url, SOURCES[i].confidence) for i in SOURCE_IDS]
        ),
    ]
    html = page(
        "Data-sharing agreements register",
        f"As of {reg.as_of.isoformat()}." + (f" From {source}." if source else ""),
        "".join(body),
    )
    with output_files(finals, force=force) as (xlsx, reg_csv, missing_csv, cal_csv, page_tmp):
        dump_workbook(
            xlsx,
            "Data-sharing agreements register",
            {
                f"Ending within {reg.days} days": calendar.rename(columns=CALENDAR_HEADINGS),
                "Missing": missing.rename(columns=MISSING_HEADINGS),
                "Register": register.rename(columns=REGISTER_HEADINGS),
            },
        )
        dump_csv(register, reg_csv)
        dump_csv(missing, missing_csv)
        dump_csv(calendar, cal_csv)
        page_tmp.write_text(html, encoding="utf-8")
    return finals
