"""Plain-text summaries for the terminal (and files written beside them)."""

from __future__ import annotations

from pathlib import Path

from flowmap.validate import ValidationReport

MAX_LISTED = 50  # problems listed in the terminal; the rest go to --problems FILE


def format_validation(report: ValidationReport, *, max_listed: int = MAX_LISTED) -> str:
    """The validation report as the terminal shows it.

    Examples
    --------
    >>> from flowmap.validate import ValidationReport
    >>> print(format_validation(ValidationReport("inv", row_counts={"organisations": 2})))
    Inventory: inv
    Rows read: organisations 2
    No problems found.
    Result: valid
    """
    lines = [f"Inventory: {report.source}",
             "Rows read: " + ", ".join(f"{t} {n:,}" for t, n in report.row_counts.items())]
    for label, problems in (("Errors", report.errors), ("Warnings", report.warnings)):
        if not problems:
            continue
        lines.append(f"{label} ({len(problems):,}):")
        lines.extend(f"  {p.describe()}" for p in problems[:max_listed])
        if len(problems) > max_listed:
            lines.append(f"  ... and {len(problems) - max_listed:,} more "
                         "(write them all with --problems FILE)")
    if not report.problems:
        lines.append("No problems found.")
    gaps = report.data_quality
    if len(gaps) and (gaps["unknown"] > 0).any():
        lines.append("Data quality: unknown (empty) cells in columns the risk rules use:")
        for r in gaps[gaps["unknown"] > 0].itertuples():
            lines.append(f"  {r.table}.{r.column}: {r.unknown:,} of {r.rows:,} "
                         f"({r.share_unknown:.0%})")
    result = "valid" if report.ok else f"INVALID ({len(report.errors):,} errors)"
    lines.append(f"Result: {result}")
    return "\n".join(lines)


def write_problems(report: ValidationReport, path: str | Path) -> Path:
    """Write every problem to a CSV file, with formula-like text neutralised."""
    from flowmap.workbook import neutralise_frame

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise_frame(report.to_frame()).to_csv(path, index=False, lineterminator="\n")
    return path
