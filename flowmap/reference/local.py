"""The local end-of-life table: endoflife.date data a person downloaded, kept beside the bundled.

``flowmap reference update --from DIR_OR_FILES`` turns endoflife.date release files
into one table in flowmap's CSV layout and saves it as the *local table*; every later
analysis reads it after the bundled table (its rows win for the same release), so
dates can be refreshed without a new flowmap. It lives in flowmap's data folder:
``$FLOWMAP_DATA_DIR`` when set, else ``%LOCALAPPDATA%\\flowmap`` on Windows, else
``$XDG_DATA_HOME/flowmap`` or ``~/.local/share/flowmap``.

This module builds the table (:func:`endoflife_table`) and finds and reads it
(:func:`local_table_path`, :func:`load_local_table`);
:func:`flowmap.render.reference_table.write_eol_table` writes it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flowmap.errors import ReferenceDataError
from flowmap.reference.endoflife import read_endoflife
from flowmap.reference.eol import EolTable
from flowmap.reference.release_names import SUPERSEDED

__all__ = [
    "LOCAL_SOURCE",
    "Update",
    "endoflife_files",
    "endoflife_table",
    "load_local_table",
    "local_table_path",
]

#: Name of the local table in outputs' sources.
LOCAL_SOURCE = "local"


def local_table_path() -> Path:
    """Where the local end-of-life table is kept (it may not exist).

    Examples
    --------
    >>> local_table_path().name
    'eol.csv'
    """
    folder = os.environ.get("FLOWMAP_DATA_DIR")
    if folder:
        return Path(folder) / "eol.csv"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "flowmap" / "eol.csv"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "flowmap" / "eol.csv"


def load_local_table(path: str | Path | None = None) -> EolTable | None:
    """The local end-of-life table, or None when there is none.

    Raises
    ------
    ReferenceDataError
        The file exists but is not a readable table (the message names it).
    """
    path = Path(path) if path is not None else local_table_path()
    if not path.is_file():
        return None
    return EolTable.from_csv(path, source=LOCAL_SOURCE)


def endoflife_files(sources: Sequence[str | Path]) -> list[Path]:
    """Every endoflife.date file named: files as given, folders' ``*.json`` in name order.

    Raises
    ------
    ReferenceDataError
        A path does not exist, or a folder holds no JSON file.
    """
    files: list[Path] = []
    for p in map(Path, sources):
        if p.is_dir():
            found = sorted(p.glob("*.json"))
            if not found:
                raise ReferenceDataError(
                    f"{p} holds no .json files; download endoflife.date's product files "
                    "(https://endoflife.date/api/v1/products/<product>/) into it."
                )
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise ReferenceDataError(f"{p}: no such file or folder; check the path.")
    return files


@dataclass(frozen=True)
class Update:
    """A table built from endoflife.date files, and what was left out.

    Attributes
    ----------
    table : EolTable
        One row per release of every product read.
    files : list of Path
        The files read.
    skipped : dict
        Files left out, with why (a product flowmap reads as another one).
    """

    table: EolTable
    files: list[Path]
    skipped: dict[str, str] = field(default_factory=dict)


def endoflife_table(sources: Sequence[str | Path], *, source: str = LOCAL_SOURCE) -> Update:
    """Build one end-of-life table from endoflife.date files and folders of them.

    Each file becomes its product's rows, with release names mapped onto flowmap's
    (:mod:`flowmap.reference.release_names`); a later file wins for the same release.
    The table is dated by its newest file (v1 files carry ``generated_at``).

    Parameters
    ----------
    sources : sequence of path
        Files as downloaded from endoflife.date (classic ``/api/<product>.json`` or v1
        ``/api/v1/products/<product>/``), or folders of them.
    source : str
        The table's name in outputs.

    Raises
    ------
    ReferenceDataError
        A path is missing, or a file is not endoflife.date data (the message names it).

    Examples
    --------
    >>> update = endoflife_table(["tests/data/eol/endoflife_api_v1/debian.json"])
    >>> m = update.table.match("Debian 12")
    >>> m.support_end.isoformat(), m.extended_end, update.table.dated.isoformat()
    ('2028-06-30', None, '2026-08-22')
    """
    files = endoflife_files(sources)
    frames, dates, skipped = [], [], {}
    for path in files:
        data = read_endoflife(path)
        if data.product in SUPERSEDED:
            skipped[path.name] = f"flowmap reads {data.product} as {SUPERSEDED[data.product]}"
            continue
        frames.append(data.frame)
        if data.dated is not None:
            dates.append(data.dated)
    if not frames:
        raise ReferenceDataError(
            "none of the files given holds endoflife.date data flowmap can use; "
            + "; ".join(f"{k}: {v}" for k, v in skipped.items())
        )
    frame = pd.concat(frames, ignore_index=True).drop_duplicates(["product", "cycle"], keep="last")
    table = EolTable(frame, source=source, dated=max(dates) if dates else None)
    return Update(table, files, skipped)
