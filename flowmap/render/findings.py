"""Write an analysis to files: the findings in the formats chosen (``--formats``).

- ``findings.xlsx``, for a person: a summary, each organisation's counts, the findings,
  attack paths and the scored systems and assets, as filterable sheets (not a copy of the
  inventory, which its owners have already);
- ``findings.csv``, the findings as one table for any spreadsheet or script;
- ``findings.json``, the findings and the summary as one document following
  ``docs/findings.schema.json`` (a later board report reads its summary for a trend);
- ``findings.jsonl``, one finding a line, for log tools and streaming;
- ``findings.parquet``, the findings typed and compressed, for analysts at region scale
  (pandas, DuckDB, Power BI, Spark).

Everything from an inventory is untrusted: in CSV and Excel a cell that begins with
``=``, ``+``, ``-``, ``@``, tab or carriage return is neutralised so it cannot run as a
formula; JSON, JSON Lines and Parquet carry the text exactly, as data. The same analysis
gives byte-identical files, and every finding is in every format written.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from flowmap.engine.analysis import Analysis
from flowmap.engine.settings import SEVERITIES
from flowmap.errors import UsageError
from flowmap.inventory.textstorage import python_text
from flowmap.progress import stages
from flowmap.render.evidence import evidence_text
from flowmap.render.files import EXCEL_ROWS, output_file, output_files
from flowmap.render.findings_formats import (
    dump_findings_csv,
    dump_findings_json,
    dump_findings_jsonl,
    dump_findings_parquet,
    finding_lines,
    findings_columns,
    flat_findings,
)
from flowmap.render.xlsx import Table, write_workbook_tables

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


#: Every format ``write_findings`` can write, in the order it writes them, and its file.
FORMATS = {
    "xlsx": "findings.xlsx",
    "csv": "findings.csv",
    "json": "findings.json",
    "jsonl": "findings.jsonl",
    "parquet": "findings.parquet",
}
#: What ``flowmap analyse`` writes unless ``--formats`` says otherwise: the workbook a
#: person opens, and Parquet for analysts and scripts (compact at region scale, with the
#: summary a later board report's trend reads). CSV, JSON and JSON Lines on request.
DEFAULT_FORMATS = ("xlsx", "parquet")
#: The files written by default, in their folder.
FINDINGS_FILES = tuple(FORMATS[f] for f in DEFAULT_FORMATS)


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """The formats asked for, each once, in :data:`FORMATS` order.

    ``formats`` is a comma-separated text (``"xlsx,parquet"``) or a list of names;
    ``all`` means every format.

    Raises
    ------
    UsageError
        A name that is not a format (``param="formats"``: the CLI shows ``--formats``).

    Examples
    --------
    >>> parse_formats("parquet, xlsx,XLSX")
    ('xlsx', 'parquet')
    >>> parse_formats("all") == tuple(FORMATS)
    True
    >>> try:
    ...     parse_formats("xlxs")
    ... except UsageError as e:
    ...     print(e.for_command_line())
    --formats: 'xlxs' is not a format flowmap writes; choose one or more of xlsx, csv, json, \
jsonl, parquet, separated by commas (or all)
    """
    names = formats.split(",") if isinstance(formats, str) else list(formats)
    wanted = {str(n).strip().lower() for n in names} - {""}
    if "all" in wanted:
        wanted = (wanted - {"all"}) | set(FORMATS)
    unknown = sorted(wanted - set(FORMATS))
    if unknown or not wanted:
        shown = repr(unknown[0]) if unknown else "nothing"
        raise UsageError(
            f"formats: {shown} is not a format flowmap writes; choose one or more of "
            f"{', '.join(FORMATS)}, separated by commas (or all)",
            param="formats",
        )
    return tuple(f for f in FORMATS if f in wanted)


def findings_files(formats: str | Iterable[str] = DEFAULT_FORMATS) -> list[str]:
    """The file names :func:`write_findings` writes for these formats.

    >>> findings_files("parquet,xlsx")
    ['findings.xlsx', 'findings.parquet']
    """
    return [FORMATS[f] for f in parse_formats(formats)]


def findings_document(analysis: Analysis, *, summary: dict | None = None) -> dict[str, object]:
    """The findings as the JSON document ``findings.json`` holds."""
    import json

    records = [json.loads(line) for line in finding_lines(analysis.findings)]
    summary = analysis.summary if summary is None else summary
    return {"schema_version": SCHEMA_VERSION, "summary": summary, "findings": records}


@python_text
def write_findings(
    analysis: Analysis,
    out_dir: str | Path,
    *,
    formats: str | Iterable[str] = DEFAULT_FORMATS,
    progress: bool = False,
    force: bool = False,
    summary: dict | None = None,
) -> list[Path]:
    """Write the findings to ``out_dir`` in each of ``formats`` (:data:`FORMATS`; default
    :data:`DEFAULT_FORMATS`: ``findings.xlsx`` and ``findings.parquet``).

    All or none: the files are written under temporary names and renamed when all are
    complete (:func:`flowmap.render.files.output_files`). ``force`` replaces files of
    those names that flowmap did not write. ``progress`` shows a bar over the files.
    ``summary`` is the analysis's summary, when the caller has it already. Returns the
    paths written, in :data:`FORMATS` order.

    Examples
    --------
    >>> import datetime, tempfile, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> paths = write_findings(a, tempfile.mkdtemp(), formats="jsonl,parquet")
    >>> [p.name for p in paths]
    ['findings.jsonl', 'findings.parquet']
    >>> len(paths[0].read_text().splitlines()) == len(a.findings)
    True
    """
    chosen = parse_formats(formats)
    finals = [Path(out_dir) / FORMATS[f] for f in chosen]
    findings = analysis.findings
    with (
        output_files(finals, force=force) as temporaries,
        stages([FORMATS[f] for f in chosen], enabled=progress) as step,
        ThreadPoolExecutor(max_workers=1) as beside,  # waited for before any file is kept
    ):
        summary = analysis.summary if summary is None else summary  # once, for every file
        evidence = evidence_text(findings)
        # the columns of Parquet, the workbook and CSV, converted to pyarrow once
        columns = (
            findings_columns(findings, evidence) if {"csv", "xlsx", "parquet"} & set(chosen) else {}
        )
        flat = flat_findings(findings, columns=columns) if {"csv", "xlsx"} & set(chosen) else None
        lines = (
            finding_lines(findings, evidence.to_pylist()) if {"json", "jsonl"} & set(chosen) else []
        )

        def dump(fmt: str, tmp: Path) -> None:
            if fmt == "csv":
                dump_findings_csv(flat, tmp)
            elif fmt == "json":
                dump_findings_json(summary, lines, tmp, version=SCHEMA_VERSION)
            elif fmt == "jsonl":
                dump_findings_jsonl(lines, tmp)
            else:
                dump_findings_parquet(columns, summary, tmp, version=SCHEMA_VERSION)

        # the machine formats are written on a second thread while the workbook is made
        # (much of each is compiled code that lets the other run)
        others = [
            beside.submit(dump, fmt, tmp) for fmt, tmp in zip(chosen, temporaries) if fmt != "xlsx"
        ]
        if "xlsx" in chosen:
            step()
            tmp = temporaries[chosen.index("xlsx")]
            write_workbook_tables(tmp, workbook_tables(analysis, summary, flat), title=TITLE)
        for done in others:
            step()
            done.result()
    return finals


TITLE = "flowmap findings"


def write_findings_workbook(
    analysis: Analysis, path: str | Path, *, flat: pd.DataFrame | None = None, force: bool = False
) -> Path:
    """The Excel workbook alone (what ``findings.xlsx`` holds: :func:`workbook_tables`).

    ``flat`` is :func:`flat_findings` of the analysis, when the caller has it already.
    """
    with output_file(path, force=force) as tmp:
        tables = workbook_tables(analysis, analysis.summary, flat)
        write_workbook_tables(tmp, tables, title=TITLE)
    return Path(path)


def workbook_tables(
    analysis: Analysis, summary: dict, flat: pd.DataFrame | None = None
) -> list[Table]:
    """The workbook's sheets: ``summary``; ``findings`` (every finding, the columns a
    person filters first; what each rule means and how to fix it once per rule on
    ``rules``); ``attack_paths``; ``organisations`` (each one's findings by severity and
    headline figures); and the scored ``systems`` and ``assets``. A table longer than a
    sheet continues on ``name (2)`` ..., and the summary says so."""
    flat = flat_findings(analysis.findings) if flat is None else flat
    tables = [
        Table("findings", flat[[c for c in WORKBOOK_FINDING_COLUMNS if c in flat.columns]]),
        Table("rules", rule_table(flat)),
        Table("attack_paths", _columns(analysis.attack_paths, PATH_COLUMNS)),
        Table("organisations", organisation_table(analysis, summary)),
        Table("systems", _columns(analysis.systems, SYSTEM_COLUMNS)),
        Table("assets", _columns(analysis.assets, ASSET_COLUMNS)),
    ]
    rows = summary_rows(summary)
    for t in tables:
        sheets = max(1, -(-len(t.frame) // (EXCEL_ROWS - 1)))
        if sheets > 1:
            rows.append(
                (
                    "Note",
                    f"{t.name} has {len(t.frame):,} rows, more than an Excel sheet holds "
                    f"({EXCEL_ROWS - 1:,} below its header): it continues on "
                    + ", ".join(f"{t.name} ({i})" for i in range(2, sheets + 1)),
                )
            )
    summary_frame = pd.DataFrame(rows, columns=["label", "value"], dtype=object)
    return [Table("summary", summary_frame, header=False, widths=[34, 60]), *tables]


#: The findings sheet's columns, in the order a person reads them (the rest of each
#: finding is its rule's, on the rules sheet).
WORKBOOK_FINDING_COLUMNS = [
    "severity",
    "score",
    "org_id",
    "subject_type",
    "subject_id",
    "rule",
    "title",
    "message",
    "problem_id",
    "finding_id",
    "evidence",
]
RULE_COLUMNS = ["rule", "title", "findings", "remediation", "references", "caf"]


def rule_table(flat: pd.DataFrame) -> pd.DataFrame:
    """One row per rule that found something: what it checks, how many findings, how to
    fix them and the references (from :func:`flat_findings`), most findings first."""
    if flat.empty:
        return pd.DataFrame(columns=RULE_COLUMNS)
    rules = flat.drop_duplicates("rule").reset_index(drop=True)
    counts = flat["rule"].value_counts()
    out = rules.assign(findings=rules["rule"].map(counts).to_numpy())[RULE_COLUMNS]
    out = out.sort_values(["findings", "rule"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def summary_rows(summary: dict) -> list[tuple[str, object]]:
    """The summary sheet: what was analysed, the counts and the reference data used."""
    rows: list[tuple[str, object]] = [
        ("Inventory", str(summary["inventory"])),
        ("As of", summary["as_of"]),
        ("Findings", summary["findings"]),
        ("Problems (findings one fix closes)", summary["problems"]),
        ("Total risk", summary["total_risk"]),
        ("Cyber risk", summary["cyber_risk"]),
        ("Governance risk", summary["governance_risk"]),
    ]
    rows += [(f"Problems: {k}", v) for k, v in summary["problems_by_severity"].items()]
    rows += [(f"Findings: {k}", v) for k, v in summary["by_severity"].items()]
    rows += [(f"Headline: {k}", v) for k, v in summary.get("headlines", {}).items()]
    rows += [(f"Rule: {k}", v) for k, v in summary["by_rule"].items()]
    rows += [(f"Source: {k}", v) for k, v in summary["sources"].items()]
    rows += [("Warning", w) for w in summary["warnings"]]
    return rows


def organisation_table(analysis: Analysis, summary: dict) -> pd.DataFrame:
    """One row per organisation: its name and sector, findings by severity, total risk
    and headline figures (the summary's ``by_org``), riskiest first."""
    orgs = analysis.inventory.organisations
    keep = [c for c in ("org_id", "name", "sector") if c in orgs.columns]
    out = orgs[keep].reset_index(drop=True).copy()
    counts = (
        analysis.findings.groupby(["org_id", "severity"]).size().unstack(fill_value=0)
        if len(analysis.findings)
        else pd.DataFrame()
    )
    out["findings"] = 0
    for severity in SEVERITIES:
        column = counts[severity] if severity in counts else pd.Series(dtype="int64")
        out[severity] = out["org_id"].map(column).fillna(0).astype("int64").to_numpy()
        out["findings"] += out[severity]
    by_org = summary.get("by_org", {})
    figures = pd.DataFrame.from_dict(by_org, orient="index") if by_org else pd.DataFrame()
    for column in figures.columns:
        out[column] = out["org_id"].map(figures[column]).to_numpy()
    if "total_risk" in out:
        out = out.sort_values(["total_risk", "org_id"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def _columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[[c for c in columns if c in frame.columns]]
