"""Writing output files: the one writing path, reproducibly and safely.

Every file flowmap writes goes through :func:`output_files` (or a helper built on it:
:func:`output_file`, :func:`write_json`, :func:`write_csv`, :func:`write_text`,
:func:`write_bytes`):

- **Nothing half-written under a final name.** Each file is written under a hidden
  temporary name in its own folder, flushed to disk (``fsync``) and renamed over the
  final name only when every file of the set is complete. On any failure (a full disk,
  Ctrl-C, no permission) the temporary files are removed, the previous files stay as
  they were, and :class:`~flowmap.errors.OutputError` names the folder and the cause on
  one line (exit 2).
- **Never replace what a person made.** A folder flowmap writes to keeps a small record,
  ``.flowmap-outputs.json``, of each file it wrote there and its SHA-256. An existing
  file is replaced only when it is byte for byte what flowmap last wrote under that name;
  anything else (a person's file, or flowmap's output edited since) is refused unless
  ``force=True`` (``--force``). :func:`check_outputs` makes the same check before the
  work starts, so a long analysis is not run only to be refused.
- **Safe cells.** Everything from an inventory is untrusted text: in CSV and Excel a
  cell that begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
  neutralised so it cannot run as a formula.
- **Reproducible.** The same data gives byte-identical files (the record too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from flowmap.errors import OutputError
from flowmap.render.written import flush, note, sha256, temporary, written_by_flowmap

FIXED_CREATED = dt.datetime(2000, 1, 1)  # workbook metadata, so output is reproducible
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: The same characters as a pattern for pyarrow's string functions (one test keeps them
#: in step: tests/test_workbook.py).
FORMULA_START = "^[=+\\-@\t\r]"
#: What a failed write tells the user, by the operating system's error number.
CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EACCES: "permission denied (choose a folder you can write to)",
    errno.EPERM: "permission denied (choose a folder you can write to)",
    errno.EROFS: "it is on a read-only file system",
    errno.ENOTDIR: "part of that path is a file, not a folder",
    errno.EISDIR: "that name is a folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EEXIST: "part of that path is a file, not a folder",
    errno.EIO: "the disk reported an input/output error",
    **({errno.EDQUOT: "the disk quota is used up"} if hasattr(errno, "EDQUOT") else {}),
}


WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "in_memory": True,
    "nan_inf_to_errors": True,
}


@contextlib.contextmanager
def output_files(paths: Iterable[str | Path], *, force: bool = False) -> Iterator[list[Path]]:
    """Write a set of files all or nothing: yields a temporary path for each, in the same
    folder; when the block ends without an error each is flushed to disk and renamed over
    its final name, and recorded as flowmap's.

    Parameters
    ----------
    paths : iterable of str or Path
        The final names.
    force : bool
        Replace an existing file even if flowmap did not write it (or it changed since).

    Raises
    ------
    OutputError
        A final name is a folder or a person's file, a folder cannot be made, or writing
        failed (full disk, no permission): one line naming the folder and the cause.
        Nothing is then left under any final name that was not there before.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with output_files([folder / "a.txt", folder / "b.txt"]) as (a, b):
    ...     _ = a.write_text("one"), b.write_text("two")
    >>> sorted(p.name for p in folder.iterdir())
    ['.flowmap-outputs.json', 'a.txt', 'b.txt']
    >>> (folder / "mine.txt").write_text("a person's notes")
    16
    >>> try:
    ...     write_text("flowmap's", folder / "mine.txt")
    ... except OutputError as e:
    ...     print(str(e)[:55])
    mine.txt already exists and flowmap did not write it (o
    """
    finals = [Path(p) for p in paths]
    check_outputs(finals, force=force)
    temporaries: list[Path] = []
    try:
        for final in finals:
            _make_folder(final.parent)
            temporaries.append(temporary(final))
        yield list(temporaries)
        for tmp in temporaries:
            flush(tmp)
        digests = [sha256(tmp) for tmp in temporaries]
        for tmp, final in zip(temporaries, finals):
            os.replace(tmp, final)
        for folder in dict.fromkeys(f.parent for f in finals):
            _flush_folder(folder)
            note(folder, {f.name: d for f, d in zip(finals, digests) if f.parent == folder})
    except OSError as exc:
        raise _output_error(finals, exc) from None
    except Exception as exc:  # a library wrapping an OSError (xlsxwriter's FileCreateError)
        cause = next((a for a in exc.args if isinstance(a, OSError)), None)
        if cause is None:
            raise
        raise _output_error(finals, cause) from None
    finally:
        for tmp in temporaries:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def output_file(path: str | Path, *, force: bool = False) -> Iterator[Path]:
    """:func:`output_files` for one file: yields its temporary path."""
    with output_files([path], force=force) as (tmp,):
        yield tmp


def write_text(text: str, path: str | Path, *, force: bool = False) -> Path:
    """Write UTF-8 text with ``\\n`` line ends through the one writing path."""
    with output_file(path, force=force) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)


def write_bytes(data: bytes, path: str | Path, *, force: bool = False) -> Path:
    """Write bytes through the one writing path."""
    with output_file(path, force=force) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def check_outputs(paths: Iterable[str | Path], *, force: bool = False) -> None:
    """Check, before any work, that each path can be written and replaces nothing a person
    made: its folder is (or can be made) a folder, the path is not a folder, and any
    file there now is flowmap's own unchanged output (or ``force``).

    Raises
    ------
    OutputError
        On the first path that cannot be written, naming it and why.
    """
    for path in map(Path, paths):
        _check_folder(path.parent)
        if path.is_dir():
            raise OutputError(
                f"cannot write {path.name} in {_where(path.parent)}: {path} is a folder; "
                "give the name of a file to write (or another folder)"
            )
        if not force and (path.exists() or path.is_symlink()) and not written_by_flowmap(path):
            raise OutputError(
                f"{path.name} already exists and flowmap did not write it (or it was changed "
                f"since) in {_where(path.parent)}: flowmap never replaces such a file; move "
                "it, choose another output, or add --force to replace it"
            )


def remove_output(path: str | Path) -> bool:
    """Remove ``path`` if it is flowmap's own unchanged output (a stale report, say);
    a person's file is left alone. Returns whether it was removed."""
    path = Path(path)
    if not written_by_flowmap(path):
        return False
    try:
        path.unlink()
    except OSError as exc:
        raise _output_error([path], exc) from None
    note(path.parent, {path.name: None})
    return True


def _where(folder: Path) -> str:
    return str(folder) if str(folder) not in ("", ".") else "the current folder"


def _output_error(finals: list[Path], exc: OSError) -> OutputError:
    culprit = Path(exc.filename) if exc.filename else finals[0]
    final = next((f for f in finals if culprit.parent == f.parent), finals[0])
    cause = CAUSES.get(exc.errno or -1) or (exc.strerror or str(exc)).lower()
    return OutputError(
        f"cannot write {final.name} in {_where(final.parent)}: {cause}; nothing was "
        "written under its name"
    )


def _check_folder(folder: Path) -> None:
    """The folder exists as a folder, or its nearest existing parent is one, and it can be
    written to (as far as the system says before trying)."""
    for place in (folder, *folder.parents):
        if place.is_dir():
            break
        if place.exists() or place.is_symlink():
            raise OutputError(
                f"cannot write in {_where(folder)}: {place} is a file, not a folder; "
                "choose another output"
            )
    else:
        return
    if os.access(place, os.W_OK | os.X_OK):
        return
    read_only = hasattr(os, "statvfs") and os.statvfs(place).f_flag & os.ST_RDONLY
    cause = CAUSES[errno.EROFS if read_only else errno.EACCES]
    raise OutputError(f"cannot write in {_where(folder)}: {cause}")


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        cause = CAUSES.get(exc.errno or -1) or (exc.strerror or str(exc)).lower()
        raise OutputError(f"cannot make the folder {folder}: {cause}") from None


def _flush_folder(folder: Path) -> None:
    """Make the renames durable (not possible on every system: then skipped)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_json(document: object, path: str | Path, *, force: bool = False) -> Path:
    """Write a JSON document reproducibly (sorted keys, UTF-8, one trailing newline).

    Indented for reading, except that a top-level list of more than
    :data:`ONE_PER_LINE` items (the findings of a region) is written one compact item
    per line: Python's fast encoder cannot indent, and the indenting one takes seconds
    per 100,000 findings. Not a number (``NaN``, infinity) is refused: it is not JSON.
    """
    return write_text(json_text(document) + "\n", path, force=force)


ONE_PER_LINE = 1000


def json_text(document: object) -> str:
    """The text :func:`write_json` writes (without its trailing newline)."""

    def dumps(value: object, **options) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False, **options)

    if not isinstance(document, dict) or not any(
        isinstance(v, list) and len(v) > ONE_PER_LINE for v in document.values()
    ):
        return dumps(document, indent=1)
    parts = []
    encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, allow_nan=False).encode
    for key in sorted(document):
        value = document[key]
        if isinstance(value, list) and len(value) > ONE_PER_LINE:
            text = "[\n" + ",\n".join("  " + encode(v) for v in value) + "\n ]"
        else:
            text = dumps(value, indent=1).replace("\n", "\n ")
        parts.append(f" {dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}"


def write_csv(frame: pd.DataFrame, path: str | Path, *, force: bool = False) -> Path:
    """Write a table as CSV with formula-like text neutralised (``\\n`` line ends, no index)."""
    with output_file(path, force=force) as tmp:
        dump_csv(frame, tmp)
    return Path(path)


def dump_csv(frame: pd.DataFrame, path: Path) -> None:
    """:func:`write_csv` to a path given by :func:`output_files` (a temporary name)."""
    neutralise_frame(frame).to_csv(path, index=False, lineterminator="\n")


def dump_json(document: object, path: Path) -> None:
    """:func:`write_json` to a path given by :func:`output_files` (a temporary name)."""
    path.write_text(json_text(document) + "\n", encoding="utf-8", newline="\n")


def new_workbook(path: str | Path, title: str):
    """An XlsxWriter workbook that writes text as text and the same bytes every time.

    Give it a path from :func:`output_files` (a temporary name): the workbook writes its
    file when closed."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties({"title": title, "created": FIXED_CREATED})
    return wb


#: Rows an Excel sheet holds, the header row included.
EXCEL_ROWS = 1_048_576


def write_sheets(
    wb, name: str, frame: pd.DataFrame, bold, *, rows_per_sheet: int = EXCEL_ROWS - 1
) -> list[str]:
    """Write a table to the sheet ``name``, continued on ``name (2)``, ``name (3)`` ...
    when it has more rows than a sheet holds, so no row is lost. Returns the sheet names."""
    names = []
    for part, start in enumerate(range(0, max(len(frame), 1), rows_per_sheet), start=1):
        sheet = name if part == 1 else f"{name} ({part})"
        write_sheet(wb.add_worksheet(sheet), frame.iloc[start : start + rows_per_sheet], bold)
        names.append(sheet)
    return names


def write_sheet(ws, frame: pd.DataFrame, bold) -> None:
    """One sheet: bold frozen header, filters, fitted widths; unknown cells left empty."""
    for c, col in enumerate(frame.columns):
        ws.write_string(0, c, str(col), bold)
        width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
        ws.set_column(c, c, min(max(width + 2, 8), 60))
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        for c, value in enumerate(row):
            if (
                value is None
                or value is pd.NA
                or value == ""
                or (isinstance(value, float) and value != value)
            ):
                continue
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            else:
                ws.write_number(r, c, float(value))
    ws.freeze_panes(1, 0)
    if len(frame.columns):
        ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)


def neutralise_formula(value: str) -> str:
    """Make untrusted text safe for a spreadsheet cell (CSV/formula injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
    prefixed with a single quote, so Excel shows it instead of running it.

    Examples
    --------
    >>> neutralise_formula('=HYPERLINK("http://x","click")')
    '\\'=HYPERLINK("http://x","click")'
    >>> neutralise_formula("-5"), neutralise_formula("RXA-PAS-01"), neutralise_formula("")
    ("'-5", 'RXA-PAS-01', '')
    """
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`neutralise_formula` applied to every text cell.

    Object, string and categorical columns are touched, and in them only string
    values; numbers, tuples and missing values are left as they are.

    Examples
    --------
    >>> out = neutralise_frame(pd.DataFrame({"a": ["=1+1", "ok", "+44 1632"], "n": [-1, 2, 3]}))
    >>> out["a"].tolist(), out["n"].tolist()
    (["'=1+1", 'ok', "'+44 1632"], [-1, 2, 3])
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        series = out.iloc[:, i]
        if isinstance(series.dtype, pd.CategoricalDtype):
            categories = _neutralise_series(pd.Series(series.cat.categories))
            if categories is not None and categories.is_unique:
                out.isetitem(i, series.cat.rename_categories(categories.tolist()))
                continue
            if categories is not None:  # "=a" and "'=a" both present: give up the categories
                series = series.astype(object)
        elif not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        changed = _neutralise_series(series)
        if changed is not None:
            out.isetitem(i, changed)
    return out


def _neutralise_series(series: pd.Series) -> pd.Series | None:
    """The series with formula-like strings quoted, or None when none needed it."""
    try:
        hit = series.str.startswith(FORMULA_TRIGGERS, na=False).astype(bool)
    except (AttributeError, TypeError):  # no text in it (tuples, bytes): nothing to do
        return None
    if not hit.any():
        return None
    series = series.copy()
    series[hit] = "'" + series[hit]
    return series
