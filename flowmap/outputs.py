"""Write an analysis to files: ``findings.json``, ``findings.csv`` and ``findings.xlsx``.

Everything from an inventory is untrusted text: in CSV and Excel a cell that begins
with ``=``, ``+``, ``-``, ``@``, tab or carriage return is neutralised so it cannot
run as a formula. The JSON follows ``docs/findings.schema.json``. The same analysis
gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from flowmap.analysis import Analysis
from flowmap.progress import stages
from flowmap.rules.base import evidence_values, plain, row_dicts
from flowmap.workbook import neutralise_frame

SCHEMA_VERSION = 1
FIXED_CREATED = dt.datetime(2000, 1, 1)  # workbook metadata, so output is reproducible
SYSTEM_COLUMNS = ["system_id", "name", "org_id", "kind", "os", "os_label", "eol_status",
                  "support_end", "zone", "internet_facing", "criticality", "open_vulnerabilities",
                  "open_kev", "overdue_patches", "days_since_patch", "likelihood",
                  "entry_likelihood", "reach", "blast_radius"]
ASSET_COLUMNS = ["asset_id", "name", "org_id", "owner", "data_categories", "identifiability",
                 "records", "essential", "impact", "copies", "copy_orgs", "exposure", "reach",
                 "risk"]
FLOW_COLUMNS = ["flow_id", "asset_id", "asset_name", "source_system_id", "target_system_id",
                "sender_org_id", "receiver_org_id", "transport", "encrypted", "purpose",
                "lawful_basis", "special_condition", "dsa_ref", "dsa_expires"]
PATH_COLUMNS = ["asset_id", "asset_name", "org_id", "impact", "probability", "risk",
                "entry_system_id", "entry_kind", "target_system_id", "hops", "path"]


def findings_document(analysis: Analysis) -> dict[str, object]:
    """The findings as the JSON document ``findings.json`` holds."""
    f = analysis.findings
    columns = tuple(str(c) for c in f.columns)
    values = [evidence_values(f[c]) for c in f.columns]  # JSON-ready, a column at a time
    records = row_dicts(columns)(zip(*values)) if len(f) else []
    return {"schema_version": SCHEMA_VERSION, "summary": analysis.summary, "findings": records}


WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False, "in_memory": True, "nan_inf_to_errors": True}


def write_json(document: object, path: str | Path) -> Path:
    """Write a JSON document reproducibly (sorted keys, UTF-8, one trailing newline).

    Indented for reading, except that a top-level list of more than
    :data:`ONE_PER_LINE` items (the findings of a region) is written one compact item
    per line: Python's fast encoder cannot indent, and the indenting one takes seconds
    per 100,000 findings.
    """
    path = Path(path)
    path.write_text(_json_text(document) + "\n", encoding="utf-8")
    return path


ONE_PER_LINE = 1000


def _json_text(document: object) -> str:
    def dumps(value: object, **options) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, **options)

    if not isinstance(document, dict) or not any(
            isinstance(v, list) and len(v) > ONE_PER_LINE for v in document.values()):
        return dumps(document, indent=1)
    parts = []
    for key in sorted(document):
        value = document[key]
        if isinstance(value, list) and len(value) > ONE_PER_LINE:
            text = "[\n" + ",\n".join("  " + dumps(v) for v in value) + "\n ]"
        else:
            text = dumps(value, indent=1).replace("\n", "\n ")
        parts.append(f" {dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}"


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as CSV with formula-like text neutralised (``\\n`` line ends, no index)."""
    path = Path(path)
    neutralise_frame(frame).to_csv(path, index=False, lineterminator="\n")
    return path


def new_workbook(path: str | Path, title: str):
    """An XlsxWriter workbook that writes text as text and the same bytes every time."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties({"title": title, "created": FIXED_CREATED})
    return wb


def write_findings(analysis: Analysis, out_dir: str | Path, *,
                   progress: bool = False) -> list[Path]:
    """Write ``findings.json``, ``findings.csv`` and ``findings.xlsx`` to ``out_dir``.

    ``progress`` shows a bar over the three files (the workbook is the slow one: about
    half a minute per 100,000 findings).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with stages(["findings.json", "findings.csv", "findings.xlsx"], enabled=progress) as step:
        step()
        json_path = write_json(findings_document(analysis), out / "findings.json")
        step()
        flat = flat_findings(analysis.findings)
        csv_path = write_csv(flat, out / "findings.csv")
        step()
        xlsx_path = write_findings_workbook(analysis, out / "findings.xlsx", flat=flat)
    return [json_path, csv_path, xlsx_path]


def flat_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings with evidence as JSON text and references joined (one cell each)."""
    flat = findings.copy()
    flat["evidence"] = [json.dumps(plain(e) if not isinstance(e, dict) else
                                   {k: plain(v) for k, v in e.items()},
                                   sort_keys=True, ensure_ascii=False) for e in flat["evidence"]]
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
            out[col] = [";".join(v) if isinstance(v, tuple | list) else ("" if v is None else v)
                        for v in s]
    return neutralise_frame(out)


def write_findings_workbook(analysis: Analysis, path: str | Path, *,
                            flat: pd.DataFrame | None = None) -> Path:
    """The Excel workbook: summary, findings, attack paths, systems, assets and flows.

    ``flat`` is :func:`flat_findings` of the analysis, when the caller has it already.
    A table longer than an Excel sheet continues on ``name (2)``, ``name (3)`` ...
    """
    path = Path(path)
    summary = analysis.summary
    sheets = {
        "findings": neutralise_frame(flat_findings(analysis.findings) if flat is None
                                     else flat),
        "attack_paths": _sheet_frame(analysis.attack_paths, PATH_COLUMNS),
        "systems": _sheet_frame(analysis.systems, SYSTEM_COLUMNS),
        "assets": _sheet_frame(analysis.assets, ASSET_COLUMNS),
        "flows": _sheet_frame(analysis.flows, FLOW_COLUMNS),
    }
    wb = new_workbook(path, "flowmap findings")
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("summary")
    rows = [("Inventory", str(summary["inventory"])), ("As of", summary["as_of"]),
            ("Findings", summary["findings"]), ("Total risk", summary["total_risk"])]
    rows += [(f"Severity: {k}", v) for k, v in summary["by_severity"].items()]
    rows += [(f"Rule: {k}", v) for k, v in summary["by_rule"].items()]
    rows += [(f"Source: {k}", v) for k, v in summary["sources"].items()]
    for i, (label, value) in enumerate(rows):
        ws.write_string(i, 0, label, bold)
        ws.write(i, 1, value)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 60)
    for name, frame in sheets.items():
        write_sheets(wb, name, frame, bold)
    wb.close()
    return path


#: Rows an Excel sheet holds, the header row included.
EXCEL_ROWS = 1_048_576


def write_sheets(wb, name: str, frame: pd.DataFrame, bold, *,
                 rows_per_sheet: int = EXCEL_ROWS - 1) -> list[str]:
    """Write a table to the sheet ``name``, continued on ``name (2)``, ``name (3)`` ...
    when it has more rows than a sheet holds, so no row is lost. Returns the sheet names."""
    names = []
    for part, start in enumerate(range(0, max(len(frame), 1), rows_per_sheet), start=1):
        sheet = name if part == 1 else f"{name} ({part})"
        write_sheet(wb.add_worksheet(sheet), frame.iloc[start:start + rows_per_sheet], bold)
        names.append(sheet)
    return names


def write_sheet(ws, frame: pd.DataFrame, bold) -> None:
    """One sheet: bold frozen header, filters, fitted widths; unknown cells left empty."""
    for c, col in enumerate(frame.columns):
        ws.write_string(0, c, str(col), bold)
        width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
        ws.set_column(c, c, min(max(width + 2, 8), 60))
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        for c, value in enumerate(row):
            if value is None or value is pd.NA or value == "" or (
                    isinstance(value, float) and value != value):
                continue
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            else:
                ws.write_number(r, c, float(value))
    ws.freeze_panes(1, 0)
    if len(frame.columns):
        ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
