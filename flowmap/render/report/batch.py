"""One board report per organisation, on Dask: a LocalCluster of worker processes, or a
cluster's scheduler.

The inventory is loaded and analysed **once**: the analysis (and the plan's candidate
actions and the summary every report reads) is saved in a private folder under the
batch's and each report reads it instead of analysing the inventory again. Each worker
keeps one Jupyter kernel for all the reports it runs (a
:class:`~flowmap.render.report.kernel.KernelSession`), so the kernel starts, imports
flowmap and reads the shared analysis once per worker, not once per organisation. A
progress bar counts the reports done; Ctrl-C cancels the rest and stops the cluster.

A failing report never stops the others: every organisation's outcome is collected, an
``index.html`` links the reports that were written and lists the ones that failed, and
:class:`BatchResult` says what failed and why.

Organisation ids are someone else's text: each report's folder is
:func:`~flowmap.render.names.safe_name` of the id (a slug and a short hash, never a
path), the index links only to those names, and it carries a Content-Security-Policy
that forbids every script and request.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowmap.inventory.textstorage import python_text
from flowmap.progress import counter, stages
from flowmap.render.files import check_outputs, write_text
from flowmap.render.names import safe_names
from flowmap.render.report.run import HTML_NAME, report

if TYPE_CHECKING:
    from flowmap.render.report.kernel import KernelSession

INDEX_NAME = "index.html"
#: The index runs nothing and loads nothing: links to the reports are all it does.
INDEX_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)


@dataclass
class OrgOutcome:
    """One organisation's report: where it is, or why it failed.

    ``folder`` is the report's folder under the batch's: a safe name made from the id.
    """

    org_id: str
    name: str
    html: str | None
    error: str | None
    seconds: float
    folder: str = ""


@dataclass
class BatchResult:
    """What :func:`report_all` did."""

    out_dir: Path
    index: Path
    outcomes: list[OrgOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[OrgOutcome]:
        return [o for o in self.outcomes if o.error]

    @property
    def ok(self) -> bool:
        return not self.failed


#: The kernel this worker process keeps for its reports (started on the first).
_SESSION: KernelSession | None = None


def _session() -> KernelSession:
    global _SESSION
    if _SESSION is None:
        from flowmap.render.report.kernel import KernelSession
        from flowmap.render.report.run import KERNEL_NAME

        # a paper that fails is reported in its outcome (listed, in the index, exit 4);
        # papermill's own log lines in a worker ("Kernel died while waiting for execute
        # reply" when Ctrl-C closes the cluster mid-paper) would only break into the bar
        logging.getLogger("papermill").setLevel(logging.CRITICAL)
        _SESSION = KernelSession(KERNEL_NAME)
    return _SESSION


def close_session() -> None:
    """Stop this process's report kernel (a worker's teardown)."""
    global _SESSION
    if _SESSION is not None:
        _SESSION.close()
        _SESSION = None


def _one(
    path: str,
    out_dir: str,
    org_id: str,
    name: str,
    folder: str,
    as_of: str,
    parameters: dict[str, Any] | None,
    force: bool = False,
) -> OrgOutcome:
    """Run one organisation's report in ``out_dir/folder`` in this worker's kernel; a
    failure becomes the outcome's ``error``."""
    start = time.perf_counter()
    try:
        result = report(
            path,
            out_dir=Path(out_dir) / folder,
            org_id=org_id,
            as_of=as_of or None,
            parameters=parameters,
            force=force,
            session=_session(),
        )
    except Exception as exc:
        return OrgOutcome(
            org_id,
            name,
            None,
            f"{type(exc).__name__}: {exc}",
            round(time.perf_counter() - start, 2),
            folder,
        )
    seconds = round(time.perf_counter() - start, 2)
    return OrgOutcome(org_id, name, str(result.html), None, seconds, folder)


def organisations(path: str | Path) -> list[tuple[str, str]]:
    """``(org_id, name)`` of every organisation in the inventory."""
    from flowmap.inventory.validate import load_inventory

    orgs = load_inventory(path).organisations
    return list(zip(orgs["org_id"], orgs["name"]))


def _kernel_sessions():
    """A Dask worker plugin: each worker stops its report kernel when it closes."""
    from dask.distributed import WorkerPlugin

    class KernelSessions(WorkerPlugin):
        name = "flowmap-kernel-sessions"

        def teardown(self, worker) -> None:
            close_session()

    return KernelSessions()


@contextmanager
def _client(workers: int, dask_scheduler: str | None) -> Iterator[Any]:
    """A Dask client: on ``dask_scheduler``, or on a quiet LocalCluster of ``workers``
    single-threaded processes.

    Ctrl-C in a terminal reaches every process of the foreground job, the cluster's
    worker processes too, and each would die printing its own traceback. The workers are
    started ignoring SIGINT (an ignored signal stays ignored in a process that is
    started, and Python then leaves it so), and this process alone handles it: it
    cancels the reports left and closes the cluster, whose workers stop their kernels
    as they close (the kernels run in sessions of their own, out of the terminal's
    reach).
    """
    from dask.distributed import Client, LocalCluster

    if dask_scheduler:
        with Client(dask_scheduler) as client:
            yield client
        return
    with _workers_ignore_ctrl_c():
        cluster = LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # the batch reports each paper's failure itself; a worker's own log lines
            # (a heartbeat that finds the scheduler gone as a Ctrl-C closes the cluster,
            # with its traceback) would only reach the terminal as noise
            silence_logs=logging.CRITICAL,
        )
    with cluster, Client(cluster) as client:
        yield client


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """SIGINT ignored while worker processes are started (from the main thread only;
    a Ctrl-C in these seconds is lost, not half-handled)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _shared(path: str | Path, out: Path, as_of, values: dict[str, Any]) -> tuple[Path, list]:
    """Analyse the inventory once and save what every report shares in a private folder
    under ``out``; return the file and the organisations ``(id, name)``."""
    from flowmap.render.board import cache
    from flowmap.render.board.load import load, save_shared

    analysis = load(
        path,
        as_of=as_of or values.get("as_of", ""),
        kev=values.get("kev", ""),
        epss=values.get("epss", ""),
        eol=values.get("eol", ""),
    )
    folder = Path(tempfile.mkdtemp(prefix=".flowmap-shared-", dir=out))  # mode 0700
    shared = save_shared(
        folder / "analysis.pkl",
        analysis=analysis,
        summary=cache.summary(analysis),
        candidates=cache.candidates(analysis),
    )
    orgs = analysis.inventory.organisations
    return shared, list(zip(orgs["org_id"], orgs["name"]))


@python_text
def report_all(
    path: str | Path,
    *,
    out_dir: str | Path,
    workers: int = 2,
    dask_scheduler: str | None = None,
    as_of: dt.date | str | None = None,
    parameters: dict[str, Any] | None = None,
    orgs: list[str] | None = None,
    force: bool = False,
    history: str | Path | None = None,
    progress: bool = True,
) -> BatchResult:
    """One report per organisation under ``out_dir/<folder>/`` plus ``out_dir/index.html``.

    Each ``<folder>`` is :func:`~flowmap.render.names.safe_name` of the organisation's
    id (``RXA`` -> ``RXA-2ec29208``); :attr:`OrgOutcome.folder` and the index say which.

    Parameters
    ----------
    path : str or Path
        The partnership's inventory.
    out_dir : str or Path
        The batch's folder.
    workers : int
        Worker processes of the local Dask cluster (ignored with ``dask_scheduler``).
    dask_scheduler : str, optional
        Address of a ``dask.distributed`` scheduler (``tcp://host:8786``) to run on
        instead; its workers must see ``out_dir`` (the shared analysis is saved there).
    as_of, parameters
        As for :func:`flowmap.render.report.run.report`.
    orgs : list of str, optional
        Only these organisations (default: every organisation in the inventory).
    force : bool
        Replace files of the reports' names that flowmap did not write.
    history : str or Path, optional
        Earlier positions for each report's trend (as for ``report``; each worker reads
        an earlier inventory once for all its reports).
    progress : bool
        Show progress bars (in a terminal or a notebook).
    """
    from dask.distributed import as_completed

    from flowmap.render.report.params import check_parameters
    from flowmap.render.report.run import BOARD_NOTEBOOK

    start = time.perf_counter()
    values = check_parameters(BOARD_NOTEBOOK, parameters)
    if history is not None:
        from flowmap.render.board.trend import check_history

        check_history(history)
        values["history"] = str(Path(history).resolve())
    out = Path(out_dir)
    check_outputs([out / INDEX_NAME], force=force)
    out.mkdir(parents=True, exist_ok=True)
    with stages(["load and analyse the inventory once"], enabled=progress) as step:
        step()
        shared, known = _shared(path, out, as_of, values)
    try:
        names = dict(known)
        chosen = [(o, names.get(o, o)) for o in orgs] if orgs is not None else known
        folders = safe_names([org for org, _ in chosen], fallback="org")
        each = {**values, "shared": str(shared.resolve())}
        args = [
            (
                str(Path(path).resolve()),
                str(out.resolve()),
                org,
                name,
                folders[org],
                str(as_of or ""),
                each,
                force,
            )
            for org, name in chosen
        ]
        outcomes: dict[int, OrgOutcome] = {}
        with _client(workers, dask_scheduler) as client:
            client.register_plugin(_kernel_sessions())
            futures = {
                client.submit(_one, *a, key=f"flowmap-report-{a[4]}", pure=False): i
                for i, a in enumerate(args)
            }
            try:
                with counter(len(futures), unit="report", enabled=progress) as advance:
                    for future in as_completed(futures):
                        outcomes[futures[future]] = future.result()
                        advance()
            except BaseException:
                client.cancel(list(futures))
                raise
    finally:
        shutil.rmtree(shared.parent, ignore_errors=True)
    result = BatchResult(
        out_dir=out,
        index=out / INDEX_NAME,
        outcomes=[outcomes[i] for i in range(len(args))],
        seconds=round(time.perf_counter() - start, 2),
    )
    write_index(result, force=force)
    return result


def write_index(result: BatchResult, *, force: bool = False) -> Path:
    """``index.html``: a link to each organisation's report, and each failure with its reason."""
    rows = []
    for o in result.outcomes:
        name = f"{html.escape(o.name)} ({html.escape(o.org_id)})"
        folder = o.folder or safe_names([o.org_id], fallback="org")[o.org_id]
        if o.error:
            rows.append(
                f'<tr class="fm-failed" id="fm-org-{folder}"><td>{name}'
                f"</td><td>FAILED: {html.escape(o.error)}</td></tr>"
            )
        else:
            rows.append(
                f'<tr class="fm-ok" id="fm-org-{folder}"><td>'
                f'<a href="{folder}/{HTML_NAME}">{name}</a></td><td>report written</td></tr>'
            )
    body = (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f'<meta http-equiv="Content-Security-Policy" content="{INDEX_CSP}">'
        f"<title>Board reports</title></head><body style='font-family:Arial,sans-serif'>"
        f"<h1>Board reports</h1>"
        f"<p>{len(result.outcomes) - len(result.failed)} of {len(result.outcomes)} reports "
        f"written; {len(result.failed)} failed.</p><table>{''.join(rows)}</table></body></html>"
    )
    return write_text(body, result.index, force=force)
