"""Write an import's result: the new inventory in the form of the input, and the report.

A folder inventory becomes a folder: tables the import did not change are copied byte
for byte, changed ones are written as UTF-8 CSV; ``import-report.csv`` and
``import-report.json`` go in the same folder. A workbook becomes a workbook in the
layout of flowmap's template (every cell the text that was read), with
``<name>.import-report.csv`` and ``.json`` beside it.

Nothing a person made is overwritten: the output may not be the input, and an existing
output is replaced only when it holds flowmap's own import report (a previous run).

All or nothing: every file is first written into a hidden folder beside the output and
moved into place only once all are complete (a Ctrl-C during the moves is held until
they are done). A stopped or failed import leaves the output as it was, never a folder
holding some new tables and some old, or one a rerun would refuse as a person's.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from flowmap.errors import UsageError
from flowmap.inventory.schema import TABLES
from flowmap.render.files import check_outputs, output_file, write_bytes
from flowmap.render.streamed import write_json_items, write_rows_csv
from flowmap.render.workbook import write_workbook
from flowmap.render.written import note, read_record

if TYPE_CHECKING:
    from flowmap.ingest.report import ImportReport
    from flowmap.ingest.scans import ImportResult

REPORT_NAME = "import-report"
MARK = "flowmap import"  # the "report" value of every import-report.json


def report_paths(out: Path, *, workbook: bool) -> tuple[Path, Path]:
    """Where the report files of an output go.

    >>> [p.name for p in report_paths(Path("q3.xlsx"), workbook=True)]
    ['q3.import-report.csv', 'q3.import-report.json']
    >>> [str(p) for p in report_paths(Path("out"), workbook=False)]
    ['out/import-report.csv', 'out/import-report.json']
    """
    if workbook:
        return (
            out.with_name(f"{out.stem}.{REPORT_NAME}.csv"),
            out.with_name(f"{out.stem}.{REPORT_NAME}.json"),
        )
    return out / f"{REPORT_NAME}.csv", out / f"{REPORT_NAME}.json"


def check_output(source: Path | None, out: Path, *, workbook: bool) -> None:
    """Refuse an output that is the input, or that a person made."""
    if (
        source is not None
        and out.exists()
        and source.exists()
        and out.resolve() == source.resolve()
    ):
        raise UsageError(
            f"out: {out} is the inventory being imported into; flowmap never changes its "
            "input: give another path.",
            param="out",
        )
    if workbook and out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(
            f"out: the inventory is a workbook, so the output is one too: give a path "
            f"ending .xlsx, not {out.name}.",
            param="out",
        )
    if not workbook and out.suffix.lower() in (".xlsx", ".xlsm", ".csv"):
        raise UsageError(
            f"out: the inventory is a folder of CSV files, so the output is a folder too: "
            f"give a folder, not {out.name}.",
            param="out",
        )
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        return
    if workbook and out.is_dir():
        raise UsageError(f"out: {out} is a folder; give a path ending .xlsx.", param="out")
    if not workbook and not out.is_dir():
        raise UsageError(f"out: {out} is a file; give a folder.", param="out")
    if not _made_by_import(report_paths(out, workbook=workbook)[1]):
        raise UsageError(
            f"out: {out} already exists and is not the output of a flowmap import, so "
            "flowmap will not overwrite it: give a new path.",
            param="out",
        )


def _made_by_import(path: Path) -> bool:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("report") == MARK
    except (OSError, ValueError, AttributeError):
        return False


def write_result(result: ImportResult, inventory: str | Path, out: str | Path) -> list[Path]:
    """Write the new inventory and its import report; return the paths written."""
    result.written = write_tables(
        result, Path(inventory), Path(out), workbook=result.raw.kind == "xlsx"
    )
    return result.written


def write_tables(result, source: Path | None, out: Path, *, workbook: bool) -> list[Path]:
    """Write ``result.tables`` (every cell text) and ``result.report`` to ``out``.

    With an input inventory (``result.raw``), its unchanged tables are copied as they
    were and only changed ones rewritten; without one, every table is written (a new
    inventory: required tables get at least their header row).
    """
    check_output(source, out, workbook=workbook)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".flowmap-import-", dir=out.parent))
    try:
        staged = _write_all(result, source, stage / out.name, workbook=workbook)
        return _move_in(staged, stage, out.parent)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _move_in(staged: list[Path], stage: Path, parent: Path) -> list[Path]:
    """Move the staged files (under ``stage``) to the same places under ``parent``,
    each noted as flowmap's; a Ctrl-C meanwhile takes effect once all are moved."""
    finals = [parent / p.relative_to(stage) for p in staged]
    check_outputs(finals)  # nothing a person made (or changed since) is replaced
    with _interrupt_held():
        for folder in dict.fromkeys(p.parent for p in staged):
            target = parent / folder.relative_to(stage)
            target.mkdir(parents=True, exist_ok=True)
            digests = read_record(folder)
            for path in staged:
                if path.parent == folder:
                    os.replace(path, target / path.name)
            note(target, {p.name: digests.get(p.name) for p in staged if p.parent == folder})
    return finals


@contextmanager
def _interrupt_held() -> Iterator[None]:
    """Hold a Ctrl-C until the block ends (then raise it), so a set of renames is never
    cut in half. Only where Python's own handler is in place, in the main thread."""
    previous = signal.getsignal(signal.SIGINT)
    if (
        previous is not signal.default_int_handler
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    held: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


def _write_all(result, source: Path | None, out: Path, *, workbook: bool) -> list[Path]:
    """Write the tables and the report at ``out`` (in the staging folder)."""
    raw = result.raw
    written: list[Path] = []
    if workbook:
        out.parent.mkdir(parents=True, exist_ok=True)
        tables = {name: frame for name, frame in result.tables.items() if name in TABLES}
        written.append(write_workbook(tables, out))
    else:
        out.mkdir(parents=True, exist_ok=True)
        present = raw.tables if raw is not None else {}
        for name in TABLES:
            target = out / f"{name}.csv"
            if name in present and name not in result.changed:
                assert source is not None
                write_bytes((source / present[name].file).read_bytes(), target)
            elif (
                name in present
                or name in result.changed
                or (raw is None and (TABLES[name].required or len(result.tables[name])))
            ):
                _write_table(result.tables[name], target)
            else:
                continue
            written.append(target)
    written.extend(write_report(result.report, out, workbook=workbook))
    return written


def _write_table(frame, path: Path) -> None:
    """A changed table as CSV: its cells as they are (a person's text is not altered;
    text from scanners was made safe when it was merged)."""
    with output_file(path) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")


def write_report(report: ImportReport, out: Path, *, workbook: bool) -> list[Path]:
    """The report as CSV and JSON, written entry by entry (a large import's report is
    never held in memory a second time)."""
    csv_path, json_path = report_paths(out, workbook=workbook)
    columns = report.columns
    head = report.document(entries=False)
    entries = (dict(zip(columns, e)) for e in report.entries)
    return [
        write_rows_csv(columns, report.entries, csv_path),
        write_json_items(head, "entries", entries, len(report.entries), json_path),
    ]
