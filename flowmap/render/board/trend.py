"""Trend across quarters: the headline figures and total risk at each earlier position.

``flowmap report --history DIR`` reads a folder of earlier positions, each one of:

- a findings output of ``flowmap analyse`` (a folder holding ``findings.json`` or
  ``findings.parquet``, or the file itself): its summary records the day it was judged
  on, total risk and the headline figures, for the whole inventory and per organisation
  (Parquet keeps the summary in the file's metadata, read without reading the findings);
- an earlier inventory (a CSV folder or an ``.xlsx`` workbook) with its as-of date in its
  name (``2026-08-01``, ``inventory-2026-08-01.xlsx``): it is analysed as of that day
  with the same reference data as this report.

``--previous`` (one earlier inventory) is one more position. The latest earlier inventory
is also what "changes since the last report" compares with.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flowmap.engine.figures import HEADLINE_KEYS
from flowmap.errors import UsageError

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
#: Read a findings file whole below this size; above it, only its summary at the end.
WHOLE_FILE_BYTES = 32 * 1024 * 1024
TAIL_BYTES = (4 * 1024 * 1024, 64 * 1024 * 1024)


@dataclass(frozen=True)
class Position:
    """The figures at one point in time (``None``: not recorded there)."""

    as_of: dt.date
    source: str
    total_risk: float | None
    headlines: dict[str, int | None]
    kind: str = "inventory"  # "inventory", "findings" or "current"


@dataclass
class Trend:
    """Earlier positions (oldest first), the current one, and what to compare with."""

    earlier: list[Position] = field(default_factory=list)
    current: Position | None = None
    #: The analysis of the latest earlier inventory (for "changes since the last report").
    comparison: object | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def last(self) -> Position | None:
        """The latest earlier position."""
        return self.earlier[-1] if self.earlier else None


def position_of(analysis: Analysis, org: str | None = None, *, kind: str = "inventory") -> Position:
    """The figures of an analysis (for one organisation when ``org`` is given)."""
    from flowmap.render.board import cache

    summary = cache.summary(analysis)
    if org:
        figures = summary["by_org"].get(org, {})
        total = figures.get("total_risk")
        heads = {k: figures.get(k) for k in HEADLINE_KEYS}
    else:
        total, heads = summary["total_risk"], dict(summary["headlines"])
    return Position(analysis.as_of, analysis.inventory.name, total, heads, kind)


def _summary_at_end(path: Path) -> dict:
    """The ``summary`` object of a large findings.json, read from the file's end."""
    size = path.stat().st_size
    decoder = json.JSONDecoder()
    for tail in TAIL_BYTES:
        with path.open("rb") as f:
            f.seek(max(0, size - tail))
            text = f.read().decode("utf-8", errors="replace")
        at = text.rfind('"summary"')
        if at < 0:
            continue
        start = text.index(":", at) + 1
        while start < len(text) and text[start].isspace():
            start += 1
        try:
            value, _ = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict) and "as_of" in value:
            return value
    return json.loads(path.read_text(encoding="utf-8"))["summary"]


def read_findings_summary(path: str | Path) -> dict:
    """The summary of a ``findings.json`` or ``findings.parquet`` (or of the one in a
    findings folder, the JSON when it has both)."""
    path = Path(path)
    if path.is_dir():
        path = path / ("findings.json" if (path / "findings.json").is_file() else FINDINGS_PARQUET)
    try:
        if path.suffix.lower() == ".parquet":
            summary = _parquet_summary(path)
        elif path.stat().st_size <= WHOLE_FILE_BYTES:
            summary = json.loads(path.read_text(encoding="utf-8"))["summary"]
        else:
            summary = _summary_at_end(path)
        dt.date.fromisoformat(str(summary["as_of"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"history: {path.name} is not a findings.json or findings.parquet written by "
            "flowmap analyse "
            f"(a summary with its as_of date is needed): {exc}",
            param="history",
        ) from None
    return summary


FINDINGS_PARQUET = "findings.parquet"


def _parquet_summary(path: Path) -> dict:
    """The summary ``flowmap analyse`` keeps in a findings.parquet's metadata."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
    except Exception as exc:  # pyarrow's own errors: not a Parquet file
        raise ValueError(str(exc).splitlines()[0]) from None
    return json.loads(metadata[b"flowmap.summary"])


def position_from_findings(path: str | Path, org: str | None = None) -> Position:
    """The figures a findings output recorded (headline figures only when it has them)."""
    path = Path(path)
    s = read_findings_summary(path)
    if org:
        figures = (s.get("by_org") or {}).get(org, {})
        total = figures.get("total_risk")
        heads = {k: figures.get(k) for k in HEADLINE_KEYS}
    else:
        total = s.get("total_risk")
        recorded = s.get("headlines") or {}
        heads = {k: recorded.get(k) for k in HEADLINE_KEYS}
    return Position(
        dt.date.fromisoformat(str(s["as_of"])),
        path.name,
        None if total is None else float(total),
        heads,
        "findings",
    )


def entries(folder: str | Path) -> list[tuple[str, Path]]:
    """``(kind, path)`` of each earlier position in ``folder`` (kind: inventory or findings).

    Hidden files and files of other kinds are skipped.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(
            f"history: {folder.name or folder} is not a folder: give a folder of earlier "
            "inventories or findings outputs",
            param="history",
        )
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")):
            continue
        if path.is_dir():
            if (path / "findings.json").is_file() or (path / FINDINGS_PARQUET).is_file():
                found.append(("findings", path))
            elif any(path.glob("*.csv")):
                found.append(("inventory", path))
        elif path.suffix.lower() in (".json", ".parquet"):
            found.append(("findings", path))
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            found.append(("inventory", path))
    return found


def date_in_name(path: Path) -> dt.date:
    """The as-of date an earlier inventory carries in its name.

    >>> date_in_name(Path("inventory-2026-08-01.xlsx"))
    datetime.date(2026, 8, 1)
    """
    m = DATE_IN_NAME.search(path.name)
    try:
        if m:
            return dt.date.fromisoformat(m.group(1))
    except ValueError:
        pass
    raise UsageError(
        f"history: {path.name} has no as-of date in its name: name an earlier inventory "
        "by the day it was judged on, e.g. 2026-08-01.xlsx or inventory-2026-08-01/, or "
        "give the findings output of flowmap analyse (its findings.json or "
        "findings.parquet records the day)",
        param="history",
    )


#: Earlier inventories already analysed in this process (a batch worker's kernel runs many
#: reports with the same history): (path, modified time, day, reference files) -> analysis.
_EARLIER: dict[tuple, object] = {}
MAX_EARLIER = 8


def _earlier(path: Path, day: dt.date, kev, epss, eol):
    """An earlier inventory analysed as of ``day``, once per process."""
    from flowmap.render.board.load import load

    key = (str(path.resolve()), path.stat().st_mtime, day, str(kev), str(epss), str(eol))
    if key not in _EARLIER:
        while len(_EARLIER) >= MAX_EARLIER:
            _EARLIER.pop(next(iter(_EARLIER)))
        _EARLIER[key] = load(path, as_of=day, kev=kev, epss=epss, eol=eol)
    return _EARLIER[key]


def check_history(folder: str | Path) -> None:
    """Refuse a history folder flowmap cannot read, before a report runs.

    Raises
    ------
    UsageError
        Not a folder, an earlier inventory without a date in its name, or a findings
        file without its summary.
    """
    for kind, path in entries(folder):
        if kind == "inventory":
            date_in_name(path)
        else:
            read_findings_summary(path)


def load_trend(
    history: str | Path,
    analysis: Analysis,
    *,
    previous=None,
    org: str = "",
    kev: str | Path = "",
    epss: str | Path = "",
    eol: str | Path = "",
) -> Trend:
    """The earlier positions from a history folder (``""``: none) and ``previous``.

    Positions dated on or after the report's own day are left out (and listed in
    ``notes``); two positions on the same day are an error.
    """
    trend = Trend(current=position_of(analysis, org, kind="current"))
    dated: dict[dt.date, Position] = {}
    analyses: dict[dt.date, object] = {}
    if previous is not None:
        dated[previous.as_of] = position_of(previous, org)
        analyses[previous.as_of] = previous
    for kind, path in entries(history) if history not in (None, "") else []:
        if kind == "findings":
            pos = position_from_findings(path, org)
        else:
            day = date_in_name(path)
            if day >= analysis.as_of:
                trend.notes.append(f"{path.name} is not earlier than this report: left out.")
                continue
            earlier = _earlier(path, day, kev, epss, eol)
            pos = position_of(earlier, org)
            pos = Position(day, path.name, pos.total_risk, pos.headlines, "inventory")
            analyses[day] = earlier
        if pos.as_of >= analysis.as_of:
            trend.notes.append(f"{path.name} is not earlier than this report: left out.")
            continue
        other = dated.get(pos.as_of)
        if other is not None and other.source != pos.source and pos.as_of not in analyses:
            raise UsageError(
                f"history: {other.source} and {path.name} are both as of {pos.as_of}: keep one",
                param="history",
            )
        dated.setdefault(pos.as_of, pos)
    trend.earlier = [dated[d] for d in sorted(dated)]
    if analyses:
        trend.comparison = analyses[max(analyses)]
    return trend


#: Short column headings of the headline figures in the trend table.
SHORT_LABELS = {
    "unsupported_systems": "Unsupported systems",
    "kev_open": "Known-exploited vulnerabilities",
    "overdue_critical_patches": "Overdue critical patches",
    "sensitive_flows_unlawful": "Sensitive flows without basis or agreement",
    "assets_without_resilient_backup": "Assets without resilient backup",
}


def trend_table(trend: Trend):
    """Total risk and the headline figures (rows) at each position (columns, oldest first)."""
    import pandas as pd

    from flowmap.render import fmt
    from flowmap.render.board.table import Table

    points = [*trend.earlier, *([trend.current] if trend.current else [])]
    columns = {(fmt.day(p.as_of) + (" (now)" if p.kind == "current" else "")): p for p in points}
    rows = [
        {
            "Figure": "Total risk (risk points)",
            **{
                c: fmt.risk(p.total_risk) if p.total_risk is not None else "not recorded"
                for c, p in columns.items()
            },
        }
    ]
    for key, label in SHORT_LABELS.items():
        rows.append(
            {
                "Figure": label,
                **{
                    c: fmt.count(p.headlines[key])
                    if p.headlines.get(key) is not None
                    else "not recorded"
                    for c, p in columns.items()
                },
            }
        )
    sources = "; ".join(f"{fmt.day(p.as_of)}: {p.source}" for p in points)
    return Table(
        pd.DataFrame(rows),
        id="fm-trend-table",
        numeric=list(columns),
        note=" ".join([f"Sources: {sources}.", *trend.notes]),
    )
