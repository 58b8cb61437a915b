"""Load and analyse an inventory from notebook parameters, and scope it to one organisation."""

from __future__ import annotations

import datetime as dt
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.errors import UsageError

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis


def load(
    inventory: str | Path,
    *,
    as_of: str | dt.date | None = "",
    kev: str | Path = "",
    epss: str | Path = "",
    eol: str | Path = "",
) -> Analysis:
    """Load, validate and analyse an inventory; empty strings mean "not given".

    Notebook parameters are plain strings (papermill cannot pass ``None`` from the
    command line), so ``as_of=""`` means today and ``kev=""`` means no catalogue.
    """
    from flowmap.pipeline import analyse_files

    return analyse_files(inventory, as_of=as_of, kev=kev, epss=epss, eol=eol)


def load_for_report(
    inventory: str | Path,
    *,
    org: str = "",
    as_of: str | dt.date | None = "",
    kev: str | Path = "",
    epss: str | Path = "",
    eol: str | Path = "",
    shared: str | Path = "",
) -> Analysis:
    """:func:`load`, then check that ``org`` (if given) is one of the inventory's organisations.

    ``shared`` is the analysis a batch of reports shares (``flowmap report --per-org``
    analyses the inventory once and saves it with :func:`save_shared`): when given, it is
    read instead of analysing the inventory again.
    """
    if shared not in (None, ""):
        from flowmap.render.board import cache

        contents = read_shared(shared)
        analysis = contents["analysis"]
        for key in ("summary", "candidates"):
            if key in contents:
                cache.once(analysis, key, lambda key=key: contents[key])
        cache.mark_batch(analysis)
    else:
        analysis = load(inventory, as_of=as_of, kev=kev, epss=epss, eol=eol)
    check_org(analysis, org)
    return analysis


#: Shared analyses already read by this process: path -> (modified time, contents).
_SHARED: dict[str, tuple[float, dict]] = {}


def save_shared(path: str | Path, **contents: object) -> Path:
    """Save what a batch of reports shares (the analysis, the plan) for :func:`read_shared`.

    The file is a pickle: write it only into a folder no one else can write to (the batch
    uses a private temporary folder) and read only files written this way.
    """
    import pickle

    path = Path(path)
    with path.open("wb") as f:
        pickle.dump(contents, f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def read_shared(path: str | Path) -> dict:
    """What :func:`save_shared` wrote, read once per process (reports in one kernel share it)."""
    import pickle

    key = str(Path(path).resolve())
    mtime = Path(key).stat().st_mtime
    cached = _SHARED.get(key)
    if cached is None or cached[0] != mtime:
        with open(key, "rb") as f:
            cached = _SHARED[key] = (mtime, pickle.load(f))
    return cached[1]


def check_org(analysis: Analysis, org: str | None) -> None:
    """Raise :class:`UsageError` when ``org`` is given but not in the inventory."""
    if not org:
        return
    known = analysis.inventory.organisations["org_id"].tolist()
    if org not in known:
        raise UsageError(
            f"organisation {org!r} is not in the inventory; "
            f"organisations are: {', '.join(sorted(known))}"
        )


def org_name(analysis: Analysis, org: str | None) -> str:
    """The organisation's name ('' when not given)."""
    if not org:
        return ""
    names = analysis.inventory.organisations.set_index("org_id")["name"]
    return str(names.get(org, org))


#: Tables of at least this many rows are scoped through an index of their rows by
#: organisation, made once per table: a region's per-organisation papers each scope the
#: same few large tables (findings, flows) a dozen times.
INDEXED_ROWS = 5000
#: The indexes kept: (id of the table, columns) -> (a weak reference to it, the index).
_ROWS: dict[tuple[int, tuple[str, ...]], tuple[weakref.ref, dict]] = {}


def scoped(frame: pd.DataFrame, org: str | None, *columns: str) -> pd.DataFrame:
    """Rows of ``frame`` where any of ``columns`` (default ``org_id``) equals ``org``.

    >>> t = pd.DataFrame({"org_id": ["A", "B", "A"], "to": ["B", "C", "C"]})
    >>> scoped(t, "B", "org_id", "to").index.tolist()
    [0, 1]
    """
    if not org:
        return frame
    columns = columns or ("org_id",)
    if len(frame) >= INDEXED_ROWS:
        rows = _rows_by_org(frame, columns).get(org)
        return frame.iloc[rows if rows is not None else []]
    keep = pd.Series(False, index=frame.index)
    for c in columns:
        keep |= frame[c] == org
    return frame[keep]


def _rows_by_org(frame: pd.DataFrame, columns: tuple[str, ...]) -> dict:
    """Each value of ``columns`` -> the positions of the rows holding it in any of them,
    in row order (the rows :func:`scoped` keeps), made once per table."""
    key = (id(frame), columns)
    held = _ROWS.get(key)
    if held is None or held[0]() is not frame:
        at: dict = {}
        for c in columns:
            for i, value in enumerate(frame[c].tolist()):
                at.setdefault(value, []).append(i)
        index = {v: sorted(set(p)) if len(columns) > 1 else p for v, p in at.items()}
        if len(_ROWS) >= 16:
            _ROWS.pop(next(iter(_ROWS)))
        held = _ROWS[key] = (weakref.ref(frame), index)
    return held[1]


def load_previous(
    previous: str | Path,
    *,
    as_of: str | dt.date | None = "",
    kev: str | Path = "",
    epss: str | Path = "",
    eol: str | Path = "",
) -> Analysis | None:
    """The previous quarter's analysis, or ``None`` when ``previous`` is empty."""
    if previous in (None, ""):
        return None
    return load(previous, as_of=as_of, kev=kev, epss=epss, eol=eol)
