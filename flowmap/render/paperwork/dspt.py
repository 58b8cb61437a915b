"""Write DSPT evidence: ``dspt_<year>.xlsx`` (a sheet per toolkit and the mapping used),
``dspt_<year>.csv`` and a printable ``dspt_<year>.html``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from flowmap.inventory.textstorage import python_text
from flowmap.reference.dspt import DsptMapping
from flowmap.render.files import dump_csv, output_files
from flowmap.render.names import safe_name
from flowmap.render.paperwork.page import dump_workbook, esc, page, table

HEADINGS = {
    "id": "Outcome",
    "title": "Title",
    "audit": "Mandatory audit",
    "inventory_says": "The inventory",
    "evidence": "Evidence",
    "contradicted_by": "Against it",
    "missing": "Missing",
    "id_confidence": "Id and title",
}
FRAMEWORK_WORDS = {
    "caf_aligned": "CAF-aligned DSPT (NHS trusts, ICBs, CSUs, arm's-length bodies)",
    "standards_based": "Standards-based DSPT (GP practices, councils, care providers, "
    "charities, suppliers)",
}
WIDTHS = {
    "id": 5,
    "title": 10,
    "audit": 6,
    "inventory_says": 9,
    "evidence": 24,
    "contradicted_by": 22,
    "missing": 17,
    "id_confidence": 7,
}
SAYS_TAGS = {
    "contradicted": "red",
    "evidence, with gaps": "amber",
    "evidence": "green",
    "not covered by the inventory": "grey",
}


def dspt_stem(year: str, org: str | None = None) -> str:
    """The name the files of ``year`` (and ``org``) share, e.g. ``dspt_2025-26``.

    >>> dspt_stem("2025-26"), dspt_stem("../x")
    ('dspt_2025-26', 'dspt_x-d6b96a97')
    """
    year = year if re.fullmatch(r"20\d\d-\d\d", year) else safe_name(year, fallback="year")
    return f"dspt_{year}" + (f"_{safe_name(org, fallback='org')}" if org else "")


@python_text
def write_dspt(
    evidence: pd.DataFrame,
    mapping: DsptMapping,
    out_dir: str | Path,
    *,
    org: str | None = None,
    as_of: dt.date | None = None,
    source: str = "",
    force: bool = False,
) -> list[Path]:
    """Write the evidence table of ``mapping.year`` to ``out_dir`` (all three files or
    none); returns the paths."""
    stem = dspt_stem(mapping.year, org)
    finals = [Path(out_dir) / f"{stem}.{ext}" for ext in ("xlsx", "csv", "html")]
    sheets = {
        FRAMEWORK_WORDS[f].split(" (")[0]: g.rename(columns=HEADINGS)
        for f, g in evidence.groupby("framework", sort=True)
    }
    sheets["Mapping used"] = mapping.frame
    who = f" for {org}" if org else ""
    html = page(
        f"DSPT {mapping.year} evidence{who}",
        (f"As of {as_of.isoformat()}. " if as_of else "") + (f"From {source}." if source else ""),
        _body(evidence, mapping),
    )
    with output_files(finals, force=force) as (xlsx, csv, page_tmp):
        dump_workbook(xlsx, f"DSPT {mapping.year} evidence", sheets)
        dump_csv(evidence, csv)
        page_tmp.write_text(html, encoding="utf-8")
    return finals


def _body(evidence: pd.DataFrame, mapping: DsptMapping) -> str:
    body = [
        '<div class="notice">What the inventory evidences, contradicts and lacks for each '
        f"outcome of the {esc(mapping.year)} toolkit. flowmap does not rate outcomes: take "
        "this evidence into your own assessment. Outcome ids and titles marked "
        "<b>unverified</b> could not be confirmed in a source: check them in the toolkit "
        f"before relying on them. Mapping: {esc(mapping.source)}.</div>"
    ]
    for framework, g in evidence.groupby("framework", sort=True):
        counts = g["inventory_says"].value_counts()
        summary = ", ".join(
            f'<span class="tag {SAYS_TAGS[k]}">{esc(k)}: {n}</span>' for k, n in counts.items()
        )
        body.append(f"<h2>{esc(FRAMEWORK_WORDS[framework])}</h2><p>{summary}</p>")
        covered = g[g["inventory_says"] != "not covered by the inventory"]
        body.append(table(covered, HEADINGS, widths=WIDTHS, tags={"inventory_says": SAYS_TAGS}))
        rest = g[g["inventory_says"] == "not covered by the inventory"]
        if len(rest):
            body.append(
                "<h3>Not covered by the inventory</h3><p>"
                + "; ".join(
                    f"{esc(r.id)} {esc(r.title)}"
                    + (" (unverified)" if r.id_confidence == "unverified" else "")
                    for r in rest.itertuples(index=False)
                )
                + "</p>"
            )
    body.append("<h2>Where the ids and titles come from</h2>")
    body.append(
        table(
            evidence.drop_duplicates("id"),
            {
                "id": "Outcome",
                "title": "Title",
                "id_confidence": "Confidence",
                "source": "Source",
                "note": "Note",
            },
        )
    )
    return "".join(body)
