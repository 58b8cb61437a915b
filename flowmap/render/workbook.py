"""Write the blank Excel template and whole inventories as Excel workbooks.

Both use one layout: a ``README`` sheet, then one sheet per table in the order of
:data:`flowmap.inventory.schema.TABLES` with every column, required headers in bold, a
comment on each header saying what it holds, drop-down lists for enumerations and
yes/no columns, id and text columns formatted as text so leading zeros survive, a
frozen header row and an autofilter. Output is byte-identical for the same input.

Strings are always written as strings, never as formulas, numbers or links, so an
inventory goes back to Excel exactly as it was. :func:`neutralise_formula` and
:func:`neutralise_frame` are for the other direction: report exports holding text
that someone else typed, where a leading ``=`` must not become a live formula.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from flowmap.inventory.read import cell_text
from flowmap.inventory.schema import LIST_SEPARATOR, TABLES, Column, Table, normalise_column_name
from flowmap.inventory.textstorage import python_text
from flowmap.render.workbook_text import header_note, range_words, write_readme

README_SHEET = "README"
LISTS_SHEET = "lists"  # the loader reads past a sheet with this name
VALIDATION_LAST_ROW = 5000  # drop-downs cover rows 2..5000 (or every written row)
INLINE_LIST_LIMIT = 255  # Excel's limit on an inline drop-down list, in characters
EXCEL_TEXT_LIMIT = 32767  # Excel's limit on the characters in one cell
EXACT_INTEGER_LIMIT = 2**53  # larger integers are written as text to stay exact
MIN_WIDTH, MAX_WIDTH = 10, 60
COMMENT_WIDTH, COMMENT_LINE_CHARS, COMMENT_LINE_PIXELS = 340, 48, 16
CREATED = dt.datetime(2026, 1, 1)  # fixed, so the same call gives the same bytes
AUTHOR = "flowmap"
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "in_memory": True,
}
TEXT_TYPES = frozenset({"id", "text", "enum", "bool", "list", "enum_list"})
Cell = str | int | float | None


@python_text
def write_template(path: str | Path, *, force: bool = False) -> Path:
    """Write a blank inventory workbook: README, then an empty sheet per table.

    Parameters
    ----------
    path : str or Path
        Where to write the ``.xlsx`` file. A file already there is replaced only if it is
        flowmap's own unchanged output (a filled-in inventory never is) or ``force``.
    force : bool
        Replace a file flowmap did not write (or that was changed since).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    UsageError
        When ``path`` does not end ``.xlsx`` (the template is a workbook).
    OutputError
        When the path holds a file flowmap must not replace, or cannot be written.

    Examples
    --------
    >>> import tempfile, flowmap
    >>> out = write_template(Path(tempfile.mkdtemp()) / "inventory.xlsx")
    >>> flowmap.validate(out).errors
    []
    """
    if Path(path).suffix.lower() != ".xlsx":
        from flowmap.errors import UsageError

        raise UsageError(
            f"the template is an Excel workbook: give a name ending .xlsx, not "
            f"{Path(path).name!r} (e.g. inventory.xlsx)"
        )
    return write_workbook({}, path, force=force)


@python_text
def write_workbook(
    tables: Mapping[str, pd.DataFrame], path: str | Path, *, force: bool = False
) -> Path:
    """Write an inventory to one workbook in the layout of the template.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Frames by table name: either text (every cell a string, as
        :func:`flowmap.read_inventory` gives) or typed (``flowmap.Inventory.tables``).
        Booleans become ``yes``/``no``, dates ISO ``YYYY-MM-DD`` text, numbers
        numbers, tuples ``;`` lists; missing values are left empty. Every schema
        column is written, then any extra columns; a table left out gets a header
        row only. The index is not written.
    path : str or Path
        Where to write the ``.xlsx`` file (a file there is replaced only if flowmap wrote
        it and it is unchanged, or with ``force``).
    force : bool
        Replace a file flowmap did not write.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ValueError
        For a table name that is not in the format, or a text longer than Excel
        holds in a cell.

    Examples
    --------
    >>> import tempfile, flowmap
    >>> inv = flowmap.load_inventory("inventories/sample")
    >>> out = write_workbook(inv.tables, Path(tempfile.mkdtemp()) / "inventory.xlsx")
    >>> flowmap.load_inventory(out).row_counts() == inv.row_counts()
    True
    """
    from flowmap.render.files import output_file

    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ValueError(
            f"not inventory tables: {', '.join(unknown)} (tables are: {', '.join(TABLES)})"
        )
    with output_file(path, force=force) as tmp:
        _workbook(tables, tmp)
    return Path(path)


def _workbook(tables: Mapping[str, pd.DataFrame], path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    wb.set_properties(
        {
            "title": "flowmap inventory",
            "author": AUTHOR,
            "created": CREATED,
            "comments": "Made by flowmap; see the README sheet.",
        }
    )
    fmt = {
        "required": wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "num_format": "@"}
        ),
        "optional": wb.add_format({"bg_color": "#F2F2F2", "bottom": 1, "num_format": "@"}),
        "text": wb.add_format({"num_format": "@"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "bold": wb.add_format({"bold": True}),
    }
    write_readme(wb.add_worksheet(README_SHEET), fmt)
    long_lists: list[tuple[str, tuple[str, ...]]] = []
    for name, table in TABLES.items():
        frame = tables.get(name)
        _write_table(wb.add_worksheet(name), table, frame, fmt, long_lists)
    if long_lists:
        ws = wb.add_worksheet(LISTS_SHEET)
        for c, (label, values) in enumerate(long_lists):
            ws.write_string(0, c, label, fmt["bold"])
            for r, value in enumerate(values, start=1):
                ws.write_string(r, c, value)
            ws.set_column(c, c, _width([label, *values]))
        ws.hide()
    wb.close()


def _write_table(
    ws,
    table: Table,
    frame: pd.DataFrame | None,
    fmt: dict,
    long_lists: list[tuple[str, tuple[str, ...]]],
) -> None:
    by_name: dict[str, object] = {}
    if frame is not None:
        for original in frame.columns:
            by_name.setdefault(normalise_column_name(original) or str(original), original)
    names = list(table.columns) + [n for n in by_name if n not in table.columns]
    n_rows = 0 if frame is None else len(frame)
    last_row = max(VALIDATION_LAST_ROW, n_rows + 1) - 1  # zero-based
    for c, name in enumerate(names):
        column = table.columns.get(name)
        col_type = column.type if column else None
        cells: list[Cell] = []
        if frame is not None and name in by_name:
            cells = [_cell(v, col_type) for v in frame[by_name[name]].tolist()]
        header_fmt = fmt["required"] if column and column.required else fmt["optional"]
        ws.write_string(0, c, name, header_fmt)
        note = (
            header_note(column)
            if column
            else ("An extra column, not part of the flowmap format: flowmap keeps it as text.")
        )
        ws.write_comment(
            0, c, note, {"author": AUTHOR, "width": COMMENT_WIDTH, "height": _comment_height(note)}
        )
        cell_fmt = (
            fmt["date"]
            if col_type == "date"
            else (fmt["text"] if col_type in TEXT_TYPES or column is None else None)
        )
        texts = [name, column.example if column else ""]
        texts += [str(v) for v in cells if v is not None]
        ws.set_column(c, c, _width(texts) + 2, cell_fmt)
        for r, value in enumerate(cells, start=1):
            if value is None:
                continue
            if isinstance(value, str):
                if len(value) > EXCEL_TEXT_LIMIT:
                    raise ValueError(
                        f"{table.name} row {r + 1} column {name}: the text is "
                        f"{len(value)} characters, more than Excel's "
                        f"{EXCEL_TEXT_LIMIT} per cell"
                    )
                ws.write_string(r, c, value)
            else:
                ws.write_number(r, c, value)
        if column is not None:
            _validate_column(ws, table, column, c, last_row, long_lists)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, n_rows, len(names) - 1)


def _validate_column(
    ws,
    table: Table,
    column: Column,
    c: int,
    last_row: int,
    long_lists: list[tuple[str, tuple[str, ...]]],
) -> None:
    """Add the drop-down, input message or range check for one column."""
    options: dict[str, object]
    if column.type == "enum":
        inline = ",".join(column.allowed)
        if len(inline) <= INLINE_LIST_LIMIT:
            source: object = list(column.allowed)
        else:
            long_lists.append((f"{table.name}.{column.name}", column.allowed))
            letter = _column_letter(len(long_lists) - 1)
            source = f"={LISTS_SHEET}!${letter}$2:${letter}${len(column.allowed) + 1}"
        options = {
            "validate": "list",
            "source": source,
            "error_title": "Not an allowed value",
            "error_message": _clip(f"Use one of: {', '.join(column.allowed)}"),
        }
    elif column.type == "bool":
        options = {
            "validate": "list",
            "source": ["yes", "no"],
            "error_type": "warning",
            "error_title": "Not yes or no",
            "error_message": "Use yes or no; leave the cell empty if unknown.",
        }
    elif column.type == "enum_list":
        options = {
            "validate": "any",
            "input_title": _clip(column.name, 32),
            "input_message": _clip(
                f"{LIST_SEPARATOR}-separated, from: {', '.join(column.allowed)}"
            ),
        }
    elif column.type in ("int", "float") and (column.minimum, column.maximum) != (None, None):
        kind = "integer" if column.type == "int" else "decimal"
        if column.maximum is None:
            options = {"validate": kind, "criteria": ">=", "value": column.minimum}
        elif column.minimum is None:
            options = {"validate": kind, "criteria": "<=", "value": column.maximum}
        else:
            options = {
                "validate": kind,
                "criteria": "between",
                "minimum": column.minimum,
                "maximum": column.maximum,
            }
        options.update(error_title="Out of range", error_message=range_words(column))
    else:
        return
    result = ws.data_validation(1, c, last_row, c, options)
    if result != 0:  # XlsxWriter warns and skips; the template must not silently lack it
        raise RuntimeError(f"Excel refused the validation for {table.name}.{column.name}")


def _cell(value: object, col_type: str | None) -> Cell:
    """One frame value as an Excel cell value: text, a number or nothing.

    >>> [_cell(v, "float") for v in (True, pd.NA, 25.0, 0.5, "0.97", "1,200", "007")]
    ['yes', None, 25, 0.5, 0.97, '1,200', '007']
    >>> _cell(pd.Timestamp("2026-03-01"), "date"), _cell(("a", "b"), "list")
    ('2026-03-01', 'a;b')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (dt.datetime, dt.date)):
        return cell_text(value)
    if isinstance(value, numbers.Integral):
        return _number(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return None if math.isnan(number) else _number(number)
    if isinstance(value, (tuple, list)):
        return LIST_SEPARATOR.join(str(v) for v in value) or None
    text = str(value)
    if text == "":
        return None
    if col_type in ("int", "float"):
        return _number_from_text(text)
    return text


def _number(number: int | float) -> Cell:
    """A number Excel stores exactly, or its text when Excel would round it."""
    if isinstance(number, float):
        if not math.isfinite(number):
            return repr(number)
        if number.is_integer() and abs(number) <= EXACT_INTEGER_LIMIT:
            return int(number)
        return number if float(f"{number:.16G}") == number else repr(number)
    return number if abs(number) <= EXACT_INTEGER_LIMIT else str(number)


def _number_from_text(text: str) -> Cell:
    """A number when reading it back from Excel gives exactly ``text``, else ``text``."""
    try:
        number: int | float = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return text
    value = _number(number)
    return value if not isinstance(value, str) and cell_text(value) == text else text


def _comment_height(note: str) -> int:
    lines = sum(max(1, math.ceil(len(line) / COMMENT_LINE_CHARS)) for line in note.splitlines())
    return lines * COMMENT_LINE_PIXELS + 12


def _width(texts: list[str]) -> int:
    longest = max((len(line) for t in texts for line in str(t).splitlines()), default=0)
    return min(max(longest, MIN_WIDTH), MAX_WIDTH)


def _clip(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _column_letter(index: int) -> str:
    """Excel's letters for a zero-based column index.

    >>> _column_letter(0), _column_letter(25), _column_letter(26)
    ('A', 'Z', 'AA')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
