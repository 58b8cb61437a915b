"""One board report per organisation, in parallel on local processes or a Dask cluster.

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
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flowmap.render.files import check_outputs, write_text
from flowmap.render.names import safe_names
from flowmap.render.report.run import HTML_NAME, report

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
    """Run one organisation's report in ``out_dir/folder``; a failure becomes the outcome's
    ``error``."""
    start = time.perf_counter()
    try:
        result = report(
            path,
            out_dir=Path(out_dir) / folder,
            org_id=org_id,
            as_of=as_of or None,
            parameters=parameters,
            force=force,
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
        Local processes running reports at once (ignored with ``dask_scheduler``).
    dask_scheduler : str, optional
        Address of a ``dask.distributed`` scheduler (``tcp://host:8786``) to run on
        instead of local processes.
    as_of, parameters
        As for :func:`flowmap.render.report.run.report`.
    orgs : list of str, optional
        Only these organisations (default: every organisation in the inventory).
    force : bool
        Replace files of the reports' names that flowmap did not write.
    """
    from flowmap.render.report.params import check_parameters
    from flowmap.render.report.run import BOARD_NOTEBOOK

    start = time.perf_counter()
    check_parameters(BOARD_NOTEBOOK, parameters)
    out = Path(out_dir)
    check_outputs([out / INDEX_NAME], force=force)
    known = dict(organisations(path))
    chosen = [(o, known.get(o, o)) for o in orgs] if orgs is not None else list(known.items())
    folders = safe_names([org for org, _ in chosen], fallback="org")
    args = [
        (
            str(Path(path).resolve()),
            str(out.resolve()),
            org,
            name,
            folders[org],
            str(as_of or ""),
            parameters,
            force,
        )
        for org, name in chosen
    ]
    if dask_scheduler:
        from dask.distributed import Client

        with Client(dask_scheduler) as client:
            futures = [client.submit(_one, *a, pure=False) for a in args]
            outcomes = client.gather(futures)
    else:
        with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
            outcomes = list(pool.map(_one, *zip(*args)))
    result = BatchResult(
        out_dir=out,
        index=out / INDEX_NAME,
        outcomes=list(outcomes),
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
