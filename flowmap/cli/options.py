"""Options shared by several commands, and the load-then-analyse step they start with."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from flowmap.errors import UsageError

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

F = TypeVar("F", bound=Callable[..., object])


def parse_as_of(value: str | None) -> dt.date | None:
    """The ``--as-of`` text as a date (``None`` when not given: today)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--as-of {value!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-01."
        ) from None


as_of_option = click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Judge every date rule as of this day (default: today).",
)
inventory_argument = click.argument("path", type=click.Path(path_type=Path))
force_option = click.option(
    "--force",
    is_flag=True,
    help="Replace output files that flowmap did not write (or that were changed since). "
    "Without it flowmap refuses, and replaces only its own earlier outputs.",
)


def check_outputs(paths: list[Path], force: bool) -> None:
    """Before any work: every output can be written and replaces nothing a person made."""
    from flowmap.render.files import check_outputs as check

    check(paths, force=force)


def feed_options(f: F) -> F:
    """The --kev, --epss and --eol options of every command that analyses."""
    for opt in reversed(
        (
            click.option(
                "--kev",
                type=click.Path(path_type=Path),
                help="CISA Known Exploited Vulnerabilities catalogue (JSON or CSV).",
            ),
            click.option(
                "--epss",
                type=click.Path(path_type=Path),
                help="FIRST EPSS scores (CSV, gzipped or not).",
            ),
            click.option(
                "--eol",
                type=click.Path(path_type=Path),
                multiple=True,
                help="More end-of-life dates: an endoflife.date product file (JSON), a "
                "table in flowmap's CSV layout, or a folder of them; repeat for more "
                "(later ones win).",
            ),
        )
    ):
        f = opt(f)
    return f


def analysed(
    path: Path,
    day: dt.date | None,
    kev: Path | None,
    epss: Path | None,
    eol: tuple[Path, ...] = (),
    *,
    progress: bool = True,
    rules: tuple | None = None,
) -> Analysis:
    """Read the reference data, then load, validate and analyse an inventory (what every
    analysing command starts with; reference files are read first, so a bad one stops
    the command before the inventory is read). Progress bars over reading, validating and
    the analysis's stages are drawn where a person watches (:mod:`flowmap.progress`)."""
    from flowmap.pipeline import analyse_files

    return analyse_files(
        path, as_of=day, kev=kev, epss=epss, eol=eol, progress=progress, rules=rules
    )


def steps(*names: str, enabled: bool = True):
    """A progress bar over a command's own steps (after its analysis): ``with steps("a",
    "b") as step: step(); ...``. Drawn only where a person watches (:mod:`flowmap.progress`)."""
    from flowmap.progress import stages

    return stages(list(names), enabled=enabled)
