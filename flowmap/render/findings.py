"""Write an analysis to files: ``findings.json``, ``findings.csv`` and ``findings.xlsx``.

Everything from an inventory is untrusted text: in CSV and Excel a cell that begins
with ``=``, ``+``, ``-``, ``@``, tab or carriage return is neutralised so it cannot
run as a formula. The JSON follows ``docs/findings.schema.json``. The same analysis
gives byte-identical files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from flowmap.engine.analysis import Analysis
from flowmap.engine.rules.base import evidence_values, plain, row_dicts
from flowmap.progress import stages
from flowmap.render.files import (
    dump_csv,
    dump_json,
    neutralise_formula,
    neutralise_frame,
    new_workbook,
    output_file,
    output_files,
    write_sheets,
)

SCHEMA_VERSION = 1
SYSTEM_COLUMNS = [
    "system_id",
    "name",
    "org_id",
    "kind",
    "os",
    "os_label",
    "eol_status",
    "support_end",
    "zone",
    "internet_facing",
    "criticality",
    "open_vulnerabilities",
    "open_kev",
    "overdue_patches",
    "days_since_patch",
    "likelihood",
    "entry_likelihood",
    "reach",
    "blast_radius",
]
ASSET_COLUMNS = [
    "asset_id",
    "name",
    "org_id",
    "owner",
    "data_categories",
    "identifiability",
    "records",
    "essential",
    "impact",
    "copies",
    "copy_orgs",
    "exposure",
    "reach",
    "risk",
]
FLOW_COLUMNS = [
    "flow_id",
    "asset_id",
    "asset_name",
    "source_system_id",
    "target_system_id",
    "sender_org_id",
    "receiver_org_id",
    "transport",
    "encrypted",
    "purpose",
    "lawful_basis",
    "special_condition",
    "dsa_ref",
    "dsa_expires",
]
PATH_COLUMNS = [
    "asset_id",
    "asset_name",
    "org_id",
    "impact",
    "probability",
    "risk",
    "entry_system_id",
    "entry_kind",
    "target_system_id",
    "hops",
    "path",
]


def findings_document(analysis: Analysis) -> dict[str, object]:
    """The findings as the JSON document ``findings.json`` holds."""
    f = analysis.findings
    columns = tuple(str(c) for c in f.columns)
    values = [evidence_values(f[c]) for c in f.columns]  # JSON-ready, a column at a time
    records = row_dicts(columns)(zip(*values)) if len(f) else []
    return {"schema_version": SCHEMA_VERSION, "summary": analysis.summary, "findings": records}


#: The files :func:`write_findings` writes, in its folder.
FINDINGS_FILES = ("findings.json", "findings.csv", "findings.xlsx")


def write_findings(
    analysis: Analysis, out_dir: str | Path, *, progress: bool = False, force: bool = False
) -> list[Path]:
    """Write ``findings.json``, ``findings.csv`` and ``findings.xlsx`` to ``out_dir``.

    All three or none: they are written under temporary names and renamed when all are
    complete (:func:`flowmap.render.files.output_files`). ``force`` replaces files of
    those names that flowmap did not write. ``progress`` shows a bar over the three
    files (the workbook is the slow one: about half a minute per 100,000 findings).
    """
    finals = [Path(out_dir) / name for name in FINDINGS_FILES]
    with (
        output_files(finals, force=force) as (json_tmp, csv_tmp, xlsx_tmp),
        stages(list(FINDINGS_FILES), enabled=progress) as step,
    ):
        step()
        dump_json(findings_document(analysis), json_tmp)
        step()
        flat = flat_findings(analysis.findings)
        dump_csv(flat, csv_tmp)
        step()
        _findings_workbook(analysis, xlsx_tmp, flat=flat)
    return finals


def flat_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings with evidence as JSON text and references joined (one cell each)."""
    flat = findings.copy()
    flat["evidence"] = [
        json.dumps(
            plain(e) if not isinstance(e, dict) else {k: plain(v) for k, v in e.items()},
            sort_keys=True,
            ensure_ascii=False,
        )
        for e in flat["evidence"]
    ]
    flat["references"] = ["; ".join(r) for r in flat["references"]]
    return flat


def _sheet_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame[[c for c in columns if c in frame.columns]].copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d").fillna("")
        elif isinstance(s.dtype, pd.BooleanDtype):
            out[col] = s.map({True: "yes", False: "no"}).fillna("")
        elif s.dtype == object:
            out[col] = [
                ";".join(v) if isinstance(v, tuple | list) else ("" if v is None else v) for v in s
            ]
    return neutralise_frame(out)


def write_findings_workbook(
    analysis: Analysis, path: str | Path, *, flat: pd.DataFrame | None = None, force: bool = False
) -> Path:
    """The Excel workbook: summary, findings, attack paths, systems, assets and flows.

    ``flat`` is :func:`flat_findings` of the analysis, when the caller has it already.
    A table longer than an Excel sheet continues on ``name (2)``, ``name (3)`` ...
    """
    with output_file(path, force=force) as tmp:
        _findings_workbook(analysis, tmp, flat=flat)
    return Path(path)


def _findings_workbook(analysis: Analysis, path: Path, *, flat: pd.DataFrame | None) -> None:
    summary = analysis.summary
    sheets = {
        "findings": neutralise_frame(flat_findings(analysis.findings) if flat is None else flat),
        "attack_paths": _sheet_frame(analysis.attack_paths, PATH_COLUMNS),
        "systems": _sheet_frame(analysis.systems, SYSTEM_COLUMNS),
        "assets": _sheet_frame(analysis.assets, ASSET_COLUMNS),
        "flows": _sheet_frame(analysis.flows, FLOW_COLUMNS),
    }
    wb = new_workbook(path, "flowmap findings")
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("summary")
    rows = [
        ("Inventory", str(summary["inventory"])),
        ("As of", summary["as_of"]),
        ("Findings", summary["findings"]),
        ("Total risk", summary["total_risk"]),
    ]
    rows += [(f"Severity: {k}", v) for k, v in summary["by_severity"].items()]
    rows += [(f"Rule: {k}", v) for k, v in summary["by_rule"].items()]
    rows += [(f"Source: {k}", v) for k, v in summary["sources"].items()]
    rows += [("Warning", w) for w in summary["warnings"]]
    for i, (label, value) in enumerate(rows):
        ws.write_string(i, 0, neutralise_formula(label), bold)
        ws.write(i, 1, neutralise_formula(value) if isinstance(value, str) else value)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 60)
    for name, frame in sheets.items():
        write_sheets(wb, name, frame, bold)
    wb.close()
