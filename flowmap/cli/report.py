"""``flowmap report``: the board report (one, or one per organisation)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from flowmap.cli.options import as_of_option, force_option, inventory_argument, parse_as_of
from flowmap.errors import UsageError


@click.command()
@inventory_argument
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for report.html (and report.pdf, the executed notebook).",
)
@click.option("--pdf", is_flag=True, help="Also print report.pdf with headless Chromium.")
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    help="Last report's inventory: show what changed since.",
)
@click.option(
    "--history",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Folder of earlier inventories (dated in their names) or findings outputs: "
    "show the trend.",
)
@click.option("--org", "org_id", metavar="ORG_ID", help="Report on one organisation.")
@as_of_option
@click.option(
    "-p",
    "--parameter",
    "parameters",
    multiple=True,
    metavar="NAME=VALUE",
    help="A notebook parameter (e.g. -p budget=250000); repeat for more.",
)
@click.option(
    "--per-org",
    is_flag=True,
    help="One report per organisation under OUT/<folder>/ (a safe name made from its "
    "id) plus OUT/index.html.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Reports run at once with --per-org (worker processes of a local Dask cluster).",
)
@click.option(
    "--dask-scheduler",
    metavar="ADDRESS",
    help="Run --per-org reports on this dask.distributed scheduler.",
)
@force_option
def report(
    path: Path,
    out: Path,
    pdf: bool,
    previous: Path | None,
    history: Path | None,
    org_id: str | None,
    as_of: str | None,
    parameters: tuple[str, ...],
    per_org: bool,
    workers: int,
    dask_scheduler: str | None,
    force: bool,
) -> None:
    """Run the board-report notebook and publish a code-free HTML (and PDF) board pack.

    Exit 0 when every report was written, 4 when any failed (each failure is listed).
    """
    from flowmap.console import safe_text
    from flowmap.render.report import report as run
    from flowmap.render.report import report_all
    from flowmap.render.report.params import parse_assignments

    day = parse_as_of(as_of)
    values = parse_assignments(parameters)
    if per_org:
        if pdf or previous or org_id:
            raise UsageError("--per-org cannot be combined with --pdf, --previous or --org")
        batch = report_all(
            path,
            out_dir=out,
            workers=workers,
            dask_scheduler=dask_scheduler,
            as_of=day,
            parameters=values,
            history=history,
            force=force,
        )
        click.echo(
            safe_text(
                f"Wrote {len(batch.outcomes) - len(batch.failed)} of {len(batch.outcomes)} "
                f"reports and {batch.index} in {batch.seconds:.0f} s"
            )
        )
        if batch.failed:
            click.echo(f"{len(batch.failed)} report(s) failed:", err=True)
            for o in batch.failed:
                click.echo(f"  {safe_text(o.org_id)}: {safe_text(o.error or '')}", err=True)
            sys.exit(4)
        return
    result = run(
        path,
        out_dir=out,
        pdf=pdf,
        previous=previous,
        history=history,
        org_id=org_id,
        as_of=day,
        parameters=values,
        force=force,
        progress=True,
    )
    written = [result.html] + ([result.pdf] if result.pdf else [])
    click.echo(
        safe_text(
            f"Wrote {', '.join(map(str, written))} in {result.seconds:.0f} s "
            f"(executed notebook: {result.executed})"
        )
    )
