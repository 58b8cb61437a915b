"""Plain-text summaries for the terminal (and files written beside them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flowmap.inventory.problems import ValidationReport

if TYPE_CHECKING:
    import datetime as dt

    from flowmap.engine.analysis import Analysis
    from flowmap.reference.bundle import Reference
    from flowmap.reference.eol import EolTable, OsMatch

MAX_LISTED = 50  # problems listed in the terminal; the rest go to --problems FILE


def format_validation(report: ValidationReport, *, max_listed: int = MAX_LISTED) -> str:
    """The validation report as the terminal shows it.

    Examples
    --------
    >>> from flowmap.inventory.problems import ValidationReport
    >>> print(format_validation(ValidationReport("inv", row_counts={"organisations": 2})))
    Inventory: inv
    Rows read: organisations 2
    No problems found.
    Result: valid
    """
    lines = [
        f"Inventory: {report.source}",
        "Rows read: " + ", ".join(f"{t} {n:,}" for t, n in report.row_counts.items()),
    ]
    for label, problems in (("Errors", report.errors), ("Warnings", report.warnings)):
        if not problems:
            continue
        lines.append(f"{label} ({len(problems):,}):")
        lines.extend(f"  {p.describe()}" for p in problems[:max_listed])
        if len(problems) > max_listed:
            lines.append(
                f"  ... and {len(problems) - max_listed:,} more "
                "(write them all with --problems FILE)"
            )
    if not report.problems:
        lines.append("No problems found.")
    gaps = report.data_quality
    if len(gaps) and (gaps["unknown"] > 0).any():
        lines.append("Data quality: unknown (empty) cells in columns the risk rules use:")
        for r in gaps[gaps["unknown"] > 0].itertuples():
            lines.append(
                f"  {r.table}.{r.column}: {r.unknown:,} of {r.rows:,} ({r.share_unknown:.0%})"
            )
    result = "valid" if report.ok else f"INVALID ({len(report.errors):,} errors)"
    lines.append(f"Result: {result}")
    return "\n".join(safe_text(line) for line in lines)  # a value cannot forge a line


def write_problems(report: ValidationReport, path: str | Path, *, force: bool = False) -> Path:
    """Write every problem to a CSV file, with formula-like text neutralised."""
    from flowmap.render.files import write_csv

    return write_csv(report.to_frame(), path, force=force)


def format_analysis(analysis: Analysis, *, top: int = 10, summary: dict | None = None) -> str:
    """The short terminal summary of an analysis: counts by severity and the top problems.

    Problems, not findings, are counted and ranked (one fix closes all the findings of
    one problem: :mod:`flowmap.engine.problems`), so one weak box does not fill the list.
    ``summary`` is the analysis's summary, when the caller has it already.
    """
    from flowmap.engine.problems import top_problems

    s = analysis.summary if summary is None else summary
    p = top_problems(analysis.findings, top)
    lines = [
        f"Analysed {s['inventory']} as of {s['as_of']}: {s['problems']:,} problems "
        f"({s['findings']:,} findings; total risk {s['total_risk']:,.1f})",
        "By severity: " + ", ".join(f"{k} {v:,}" for k, v in s["problems_by_severity"].items()),
    ]
    for name, source in s["sources"].items():
        lines.append(f"Using {name}: {source}")
    for warning in s["warnings"]:
        lines.append(f"Warning: {warning}")
    if len(p):
        lines.append(f"Top {min(top, len(p))}:")
        for r in p.head(top).itertuples():
            also = f" (+{r.findings - 1} related)" if r.findings > 1 else ""
            lines.append(
                f"  [{r.severity.upper():8}] {r.score:5.1f} {r.problem_id}{also}: "
                f"{_one_line(r.message)}"
            )
    return "\n".join(safe_text(line) for line in lines)


def format_eol_summary(reference: Reference, as_of: dt.date) -> str:
    """What end-of-life data is in use: per product, how many releases, whence and how old.

    Examples
    --------
    >>> import datetime
    >>> from flowmap.reference.bundle import Reference
    >>> text = format_eol_summary(Reference.bundled(), datetime.date(2026, 11, 30))
    >>> print(text.splitlines()[0])
    End-of-life data in use (as of 2026-11-30):
    >>> "windows-server" in text
    True
    """
    lines = [f"End-of-life data in use (as of {as_of.isoformat()}):"]
    for name, source in reference.sources.items():
        if name.startswith("eol"):
            lines.append(f"  {name}: {source}")
    d = reference.eol.describe()
    lines.append("")
    lines.append(f"{'product':30} {'releases':>8}  {'from':24} {'data of':10}  unchecked")
    for r in d.itertuples(index=False):
        when = r.data_date.isoformat() if r.data_date else "unknown"
        unchecked = f"{r.unchecked}" if r.unchecked else ""
        lines.append(f"{r.product:30} {r.releases:>8}  {r.origin[:24]:24} {when:10}  {unchecked}")
    warnings = reference.warnings(as_of)
    lines.extend(f"Warning: {w}" for w in warnings)
    if not warnings:
        lines.append("No end-of-life data is more than six months old.")
    return "\n".join(lines)


def format_eol_product(table: EolTable, product: str) -> str:
    """Every release of one product, newest support first, with its dates and source."""
    f = table.frame[table.frame["product"] == product.strip().lower()]
    if f.empty:
        known = ", ".join(sorted(table.frame["product"].unique()))
        return f"No end-of-life data for {product!r}. Products known: {known}."
    f = f.assign(_end=f["support_end"].fillna(f["support_end"].max())).sort_values(
        ["_end", "cycle"], ascending=[False, False]
    )
    lines = [f"{'release':18} {'support ends':12} {'paid until':10}  {'checked':10}  label"]
    for r in f.itertuples(index=False):
        lines.append(
            f"{r.cycle:18} {_day(r.support_end):12} {_day(r.extended_end):10}  "
            f"{_day(r.checked):10}  {r.label}"
        )
    sources = sorted(set(f["source"]))
    lines.extend(f"Source: {s}" for s in sources[:5])
    return "\n".join(lines)


def format_eol_match(text: str, m: OsMatch) -> str:
    """How one software name is read."""
    if not m.recognised:
        return f"{text!r}: not judged ({m.reason})"
    return (
        f"{text!r}: {m.label} (product {m.product}, release {m.cycle}); support ends "
        f"{_day(m.support_end)}; paid extension until {_day(m.extended_end)}. {m.reason}"
    )


def _day(value: object) -> str:
    import pandas as pd

    if value is None or pd.isna(value):
        return "-"
    day = pd.Timestamp(value).date()
    return "ended" if day.year == 1970 else day.isoformat()


def _one_line(text: str, width: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


_CONTROL = {
    c: f"\\x{c:02x}" for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if c not in (0x09,)
}


def safe_text(text: str) -> str:
    """``text`` with control characters shown as ``\\xNN`` (never acted on by a terminal).

    File names and inventory values are untrusted: a name holding a newline or an
    escape sequence could otherwise forge lines such as "Result: valid".

    Examples
    --------
    >>> safe_text("x\\nResult: valid\\x1b[2J")
    'x\\\\x0aResult: valid\\\\x1b[2J'
    """
    return text.translate(_CONTROL)
