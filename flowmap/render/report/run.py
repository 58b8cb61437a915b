"""Run the board-report notebook with papermill and turn it into report.html (and .pdf).

A failing cell raises :class:`~flowmap.errors.ReportError` naming the notebook, the cell
and the exception; the executed notebook stays in the output folder for diagnosis and no
``report.html`` is left behind. Every file goes through the one writing path
(:mod:`flowmap.render.files`): written under a temporary name and renamed only once
complete, and never over a file a person made unless ``force``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowmap.errors import InventoryReadError, ReportError
from flowmap.inventory.textstorage import python_text
from flowmap.render.files import check_outputs, output_files, remove_output
from flowmap.render.report.params import check_parameters

if TYPE_CHECKING:
    from flowmap.render.report.kernel import KernelSession

#: The board report's papermill template, shipped as package data beside this module.
BOARD_NOTEBOOK = resources.files(__package__).joinpath("board_report.ipynb")
#: The Jupyter kernel: jupyter_client starts it with the running interpreter (sys.executable),
#: so a report run from the venv uses the venv's flowmap.
KERNEL_NAME = "python3"
EXECUTED_NAME = "board_report.executed.ipynb"
HTML_NAME = "report.html"
PDF_NAME = "report.pdf"


@dataclass
class ReportResult:
    """What :func:`report` wrote."""

    out_dir: Path
    html: Path
    executed: Path
    pdf: Path | None
    org_id: str | None
    seconds: float


def execute(
    notebook: str | Path | resources.abc.Traversable,
    output: str | Path,
    parameters: dict[str, Any],
    *,
    force: bool = False,
    session: KernelSession | None = None,
    progress: bool = False,
) -> Path:
    """Execute ``notebook`` with papermill into ``output`` (through the one writing path:
    under a temporary name, renamed when the run ends; kept when a cell fails, for
    diagnosis; removed on Ctrl-C or a failed write).

    A kernel of its own is started and stopped for the run, unless ``session`` (a
    batch worker's :class:`~flowmap.render.report.kernel.KernelSession`) lends one.
    ``progress`` shows a bar counting the notebook's cells where a person watches.

    Raises
    ------
    ReportError
        When a cell fails: names the notebook, the cell and the exception.
    """
    import papermill as pm

    from flowmap.progress import ticking, watched
    from flowmap.render.files import output_file
    from flowmap.render.report.executed import record
    from flowmap.render.report.kernel import private_run, session_engine

    output = Path(output)
    if isinstance(notebook, str):
        notebook = Path(notebook)
    common = {
        "parameters": parameters,
        "kernel_name": KERNEL_NAME,
        "progress_bar": (
            {"desc": "running the report", "unit": "cell", "leave": False, "dynamic_ncols": True}
            if progress and watched()
            else False
        ),
        "log_output": False,
        # papermill rewrites the whole notebook after every cell by default (two dozen
        # writes a report, seconds of a batch's paper); it is written once at the end,
        # and on a failing cell before the error is raised
        "request_save_on_cell_execute": False,
    }
    failure: pm.PapermillExecutionError | None = None
    with (
        output_file(output, force=force) as tmp,
        resources.as_file(notebook) as path,
        contextlib.ExitStack() as stack,
    ):
        if session is None:
            kernel, read_log = stack.enter_context(private_run())
            run = {**common, **kernel, "cwd": str(output.parent.resolve())}
        else:
            run = {**common, "km": session.ready(), "engine_name": session_engine()}
            read_log = session.new_log
        if progress:
            stack.enter_context(ticking())  # the cells' bar counts the seconds of a long cell
        stack.enter_context(_quiet_on_interrupt())
        try:
            pm.execute_notebook(str(path), str(tmp), **run)
        except pm.PapermillExecutionError as exc:
            failure = exc  # papermill wrote the notebook, the failing cell marked
        # only a finished or failed run is kept; on Ctrl-C or any other error the
        # temporary (perhaps still empty) is removed on the way out, nothing read from it
        record(tmp, log=read_log(), paths=[*parameters.values(), path])
        settle(tmp)
    if failure is not None:
        first_line = next((ln for ln in str(failure.source).splitlines() if ln.strip()), "")
        raise ReportError(
            f"{notebook.name} failed in cell {failure.cell_index} (execution count "
            f"{failure.exec_count}: {first_line.strip()!r}) with {failure.ename}: "
            f"{failure.evalue}. The executed notebook is kept at {output} for diagnosis; "
            "no report was written."
        ) from failure
    return output


@contextlib.contextmanager
def _quiet_on_interrupt() -> Iterator[None]:
    """Keep a Ctrl-C to the one line ``flowmap: interrupted``: stopping the kernel under a
    running cell makes nbclient log "Kernel died while waiting for execute reply" and
    leaves asyncio a task whose error it prints as the process exits ("Task exception was
    never retrieved"). Both loggers are silenced while the notebook runs (a failing cell
    or a dead kernel is raised, not logged), and asyncio's stays silent after a Ctrl-C."""
    import logging

    loggers = [logging.getLogger(name) for name in ("papermill", "asyncio")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    interrupted = False
    try:
        yield
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        for lg, level in zip(loggers, levels):
            if not (interrupted and lg.name == "asyncio"):
                lg.setLevel(level)


#: Metadata papermill and the kernel add that changes on every run (clock times, paths).
CLOCK_TIMES = ("start_time", "end_time", "duration")
VOLATILE_RUN_METADATA = (*CLOCK_TIMES, "input_path", "output_path")


def settle(executed: str | Path) -> Path:
    """Make an executed notebook the same bytes on every run of the same report.

    Drops clock times (papermill's and the kernel's, per cell and per run) and papermill's
    file paths, and numbers the cells (papermill gives the cell it injects a random id);
    outputs, parameters, each cell's status and any exception are kept for diagnosis.
    """
    import nbformat

    executed = Path(executed)
    nb = nbformat.read(str(executed), as_version=4)
    run = nb.metadata.get("papermill", {})
    for key in VOLATILE_RUN_METADATA:
        run.pop(key, None)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
        cell.metadata.pop("execution", None)  # the kernel's clock times
        for key in CLOCK_TIMES:
            cell.metadata.get("papermill", {}).pop(key, None)
    nbformat.write(nb, str(executed))
    return executed


def _absolute(value: str | Path | None) -> str:
    return "" if value in (None, "") else str(Path(value).resolve())


@python_text
def report(
    path: str | Path,
    *,
    out_dir: str | Path,
    pdf: bool = False,
    previous: str | Path | None = None,
    history: str | Path | None = None,
    org_id: str | None = None,
    as_of: dt.date | str | None = None,
    parameters: dict[str, Any] | None = None,
    force: bool = False,
    session: KernelSession | None = None,
    progress: bool = False,
) -> ReportResult:
    """Run the board report for an inventory and write ``out_dir/report.html``.

    Parameters
    ----------
    path : str or Path
        The inventory folder or workbook.
    out_dir : str or Path
        Where ``report.html``, ``report.pdf`` and the executed notebook go.
    pdf : bool
        Also print ``report.pdf`` with headless Chromium.
    previous : str or Path, optional
        Last quarter's inventory: the report shows what changed.
    history : str or Path, optional
        A folder of earlier inventories (each with its as-of date in its name) or
        findings outputs of ``flowmap analyse``: the report shows the trend of the
        headline figures and total risk (see :mod:`flowmap.render.board.trend`).
    org_id : str, optional
        Report on one organisation (the analysis still covers the whole inventory).
    as_of : date or str, optional
        Judge every date rule as of this day (default today).
    parameters : dict, optional
        More notebook parameters (``budget``, ``title``...); names and types are checked
        against the notebook's ``parameters`` cell before anything runs.
    force : bool
        Replace files of the report's names that flowmap did not write (checked before
        the notebook runs).
    session : KernelSession, optional
        Run in this kernel (a batch worker's) instead of starting one.
    progress : bool
        Show progress bars (the notebook's cells, then writing the HTML and PDF) in a
        terminal or a notebook.

    Raises
    ------
    UsageError
        An unknown parameter name or a value of the wrong type.
    ReportError
        A cell failed, or the HTML would load anything from the network.
    OutputError
        The folder cannot be written, or holds a person's file of a report's name.
    """
    start = time.perf_counter()
    out = Path(out_dir)
    values = check_parameters(BOARD_NOTEBOOK, parameters)
    if pdf:
        from flowmap.render.report.pdf import find_chromium

        find_chromium()
    if not Path(path).exists():
        raise InventoryReadError(f"{path} does not exist: give an inventory folder or workbook")
    if history is not None:
        from flowmap.render.board.trend import check_history

        check_history(history)
    values.update(
        inventory=_absolute(path),
        as_of=str(as_of or values.get("as_of", "")),
        org=org_id or values.get("org", ""),
        previous=_absolute(previous) or values.get("previous", ""),
        history=_absolute(history) or values.get("history", ""),
    )
    html, pdf_path, executed = out / HTML_NAME, out / PDF_NAME, out / EXECUTED_NAME
    check_outputs([executed, html, *([pdf_path] if pdf else [])], force=force)
    for stale in (html, pdf_path):  # a failed run leaves no report that looks complete
        if force and stale.is_file():
            stale.unlink()
        else:
            remove_output(stale)  # flowmap's own only: a person's file stays
    execute(BOARD_NOTEBOOK, executed, values, force=force, session=session, progress=progress)
    from flowmap.progress import stages
    from flowmap.render.report.convert import to_html

    title = str(values.get("title") or "Board report")
    with (
        output_files([html, *([pdf_path] if pdf else [])], force=force) as temporaries,
        stages(
            ["writing report.html", *(["printing report.pdf"] if pdf else [])], enabled=progress
        ) as step,
    ):
        step()
        to_html(executed, temporaries[0], title=title)
        if pdf:
            from flowmap.render.report.pdf import to_pdf

            step()
            to_pdf(temporaries[0], temporaries[1])
    return ReportResult(
        out_dir=out,
        html=html,
        executed=executed,
        pdf=pdf_path if pdf else None,
        org_id=values["org"] or None,
        seconds=round(time.perf_counter() - start, 2),
    )
