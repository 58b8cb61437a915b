"""Write large tables as an Excel workbook (``.xlsx``) quickly, reproducibly and safely.

XlsxWriter, which writes flowmap's small workbooks, spends about 7 µs on each cell: half
a minute for a region's findings. Here a table is written a column at a time: each
column's cells are made for all rows at once with numpy, and every distinct text becomes
one shared string, escaped once. The workbook holds what a person needs to read and
filter the tables: a bold, frozen header row, filters, fitted column widths, dates as
Excel dates (shown ``yyyy-mm-dd``, so date filters work), whole numbers as whole numbers,
and a continuation sheet (``name (2)``, ``name (3)`` ...) when a table is longer than a
sheet holds (1,048,576 rows with the header), so no row is lost.

Safety and reproducibility follow :mod:`flowmap.render.files`: every cell is written as a
value, never as a formula, and text starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return gets a leading quote (also text made from a list, such as ``a;b``);
control characters, which XML cannot hold, are escaped the way Excel escapes them
(``_xHHHH_``, which Excel shows as the character), and half a character (a lone
surrogate) becomes the replacement character U+FFFD; text longer than a cell
holds is cut at Excel's limit of 32,767 characters with a note saying so; and every part
of the file carries fixed dates, so the same tables give the same bytes.

Examples
--------
>>> import tempfile, pathlib, openpyxl
>>> frame = pd.DataFrame({"id": ["A-1", "=2+2"], "score": [1.5, None], "ok": [True, False],
...                       "n": [3, 4], "due": pd.to_datetime(["2026-01-31", None])})
>>> with tempfile.TemporaryDirectory() as d:
...     path = write_workbook_tables(pathlib.Path(d) / "t.xlsx", [Table("t", frame)], title="x")
...     ws = openpyxl.load_workbook(path)["t"]
...     rows = [[c.value for c in row] for row in ws.iter_rows()]
>>> rows[:2]
[['id', 'score', 'ok', 'n', 'due'], ['A-1', 1.5, True, 3, datetime.datetime(2026, 1, 31, 0, 0)]]
>>> rows[2]
["'=2+2", None, False, 4, None]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from flowmap.render.files import EXCEL_ROWS, FORMULA_TRIGGERS
from flowmap.render.xlsx_package import (
    APP,
    MAIN,
    REL,
    ROOT_RELS,
    STYLES,
    Package,
    content_types,
    core,
    workbook,
    workbook_rels,
)

#: Excel's limit on the characters in a cell.
CELL_CHARACTERS = 32_767
#: What ends a text cut at that limit.
CUT_NOTE = " [cut here: an Excel cell holds 32,767 characters]"
#: Values looked at to fit a column's width (as :func:`flowmap.render.files.write_sheet`).
WIDTH_SAMPLE = 200
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # day 0 of Excel's (1900) date system
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # alone: no character at all
_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_TRIGGERS = frozenset(FORMULA_TRIGGERS)
EMPTY, TEXT, NUMBER, FLAG, DATE = 0, 1, 2, 3, 4
#: Each kind of cell, as XML: before the cell reference, and between it and the value.
_OPEN = {TEXT: '" t="s"><v>', NUMBER: '"><v>', FLAG: '" t="b"><v>', DATE: '" s="2"><v>'}
_OPEN_BOLD = {TEXT: '" s="1" t="s"><v>', NUMBER: '" s="1"><v>', FLAG: '" s="1" t="b"><v>'}


@dataclass
class Table:
    """One table to write: ``name`` is the sheet's name (31 characters at most).

    ``header`` False writes the rows only, with the first column bold (a summary of
    labels and values); ``widths`` sets column widths instead of fitting them.
    """

    name: str
    frame: pd.DataFrame
    header: bool = True
    widths: Sequence[float] | None = None


def write_workbook_tables(path: str | Path, tables: Sequence[Table], *, title: str) -> Path:
    """Write ``tables`` as one workbook, a sheet each (continued when longer than a sheet).

    Give it a path from :func:`flowmap.render.files.output_files` (a temporary name).
    Returns the path written.
    """
    path = Path(path)
    strings = _Strings()
    sheets: list[tuple[str, str | None]] = []  # name, filter range
    with Package() as package:  # each sheet is compressed while the next is made
        for table in tables:
            frame = table.frame
            names = [str(c) for c in frame.columns]
            columns = [cells(frame.iloc[:, c]) for c in range(frame.shape[1])]
            widths = _widths(names, columns, table)
            rows_per_sheet = EXCEL_ROWS - (1 if table.header else 0)
            for part, start in enumerate(range(0, max(len(frame), 1), rows_per_sheet), start=1):
                name = table.name if part == 1 else f"{table.name} ({part})"
                stop = min(start + rows_per_sheet, len(frame))
                chunk = [(kinds[start:stop], values[start:stop]) for kinds, values in columns]
                xml, filtered = _sheet(names, chunk, table, widths, strings, first=not sheets)
                sheets.append((name, filtered))
                package.add(f"xl/worksheets/sheet{len(sheets)}.xml", xml)
        parts = {
            "[Content_Types].xml": content_types(len(sheets)),
            "_rels/.rels": ROOT_RELS,
            "docProps/app.xml": APP,
            "docProps/core.xml": core(title),
            "xl/workbook.xml": workbook(sheets),
            "xl/_rels/workbook.xml.rels": workbook_rels(len(sheets)),
            "xl/styles.xml": STYLES,
            "xl/sharedStrings.xml": strings.xml(),
        }
        for name, data in parts.items():
            package.add(name, data)
        sheet_parts = [f"xl/worksheets/sheet{i}.xml" for i in range(1, len(sheets) + 1)]
        package.write(path, [*parts, *sheet_parts])
    return path


# ------------------------------------------------------------------ cells


def cells(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column as cells: each cell's kind (:data:`EMPTY`, :data:`TEXT`, :data:`NUMBER`,
    :data:`FLAG` or :data:`DATE`) and its value as the cell holds it (text neutralised;
    numbers, yes/no and dates as the XML writes them).

    Examples
    --------
    >>> kinds, values = cells(pd.Series(["=1+1", None, "", ("a", "-b"), 2, 2.5, True]))
    >>> kinds.tolist()
    [1, 0, 0, 1, 2, 2, 3]
    >>> values.tolist()
    ["'=1+1", None, None, 'a;-b', '2', '2.5', '1']
    """
    n = len(series)
    values = np.full(n, None, dtype=object)
    kinds = np.zeros(n, dtype=np.int8)
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        known = series.notna().to_numpy()
        days = series.to_numpy()[known].astype("datetime64[D]") - EXCEL_EPOCH
        kinds[known] = DATE
        values[known] = days.astype(np.int64).astype(str).astype(object)
    elif pd.api.types.is_bool_dtype(dtype):
        known = series.notna().to_numpy()
        kinds[known] = FLAG
        values[known] = np.where(series[known].astype(bool).to_numpy(), "1", "0").astype(object)
    elif pd.api.types.is_integer_dtype(dtype):
        known = series.notna().to_numpy()
        kinds[known] = NUMBER
        values[known] = [str(int(v)) for v in series[known].tolist()]
    elif pd.api.types.is_float_dtype(dtype):
        numbers = series.to_numpy(dtype=float, na_value=np.nan)
        known = np.isfinite(numbers)
        kinds[known] = NUMBER
        values[known] = [repr(v) for v in numbers[known].tolist()]
    elif isinstance(dtype, pd.StringDtype):  # text (pandas' "str"): no per-value checks
        text = series.fillna("").to_numpy(dtype=object)
        known = (text != "").astype(bool)
        kinds[known] = TEXT
        values[known] = text[known]
    else:
        for i, value in enumerate(series.tolist()):
            kind, shown = _cell(value)
            if kind:
                kinds[i], values[i] = kind, shown
    text = kinds == TEXT
    if text.any():
        values[text] = [
            "'" + t if t[:1] in _TRIGGERS else t for t in values[text].tolist()
        ]  # neutralised: see flowmap.render.files.neutralise_formula
    return kinds, values


def _cell(value: object) -> tuple[int, str | None]:
    """One value's kind and shown value (for a column of mixed or text values)."""
    if type(value) is str:
        return (TEXT, value) if value else (EMPTY, None)
    if value is None or value is pd.NA or value is pd.NaT:
        return EMPTY, None
    if isinstance(value, bool | np.bool_):
        return FLAG, "1" if value else "0"
    if isinstance(value, int | np.integer):
        return NUMBER, str(int(value))
    if isinstance(value, float | np.floating):
        return (NUMBER, repr(float(value))) if np.isfinite(value) else (EMPTY, None)
    if isinstance(value, pd.Timestamp):
        return TEXT, value.strftime("%Y-%m-%d")
    if isinstance(value, tuple | list):
        return _cell(";".join(str(v) for v in value))
    shown = str(value)
    return (TEXT, shown) if shown else (EMPTY, None)


class _Strings:
    """The workbook's shared strings: each distinct text once, escaped once."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0  # cells that refer to a shared string

    def codes(self, texts: np.ndarray) -> np.ndarray:
        """The shared-string number of each text (``texts`` holds str only)."""
        self.count += len(texts)
        codes, uniques = pd.factorize(texts)
        index = self.index
        numbers = np.empty(len(uniques), dtype=np.int64)
        for i, text in enumerate(uniques.tolist()):
            n = index.get(text)
            if n is None:
                n = index[text] = len(index)
            numbers[i] = n
        return numbers[codes]

    def xml(self) -> bytes:
        head = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" '
            f'count="{self.count}" uniqueCount="{len(self.index)}">'
        )
        return (head + _items(list(self.index)) + "</sst>").encode("utf-8")


def _items(texts: list[str]) -> str:
    """The ``<si>`` items of these texts, escaped all at once (white space at either end
    of a text kept: ``xml:space="preserve"``)."""
    if not texts:
        return ""
    joined = "\x00".join(texts)  # escaped as one text: no Python call per text
    if joined.count("\x00") != len(texts) - 1 or max(map(len, texts)) > CELL_CHARACTERS:
        return "".join(map(_si, texts))  # a NUL in a text, or a text to cut: one by one
    escaped = _escaped(joined, _CONTROL_NOT_NUL).split("\x00")
    return "".join(
        [
            (_OPEN_KEEP if t[:1].isspace() or t[-1:].isspace() else "<si><t>") + e + "</t></si>"
            for t, e in zip(texts, escaped)
        ]
    )


_OPEN_KEEP = '<si><t xml:space="preserve">'
_CONTROL_NOT_NUL = re.compile(r"[\x01-\x08\x0b-\x1f\ufffe\uffff]")


def _escaped(text: str, control: re.Pattern = _CONTROL) -> str:
    """Text as XML holds it in a cell: markup characters, Excel's own ``_xHHHH_``
    escapes, and characters XML cannot hold written as ``_xHHHH_``."""
    text = escape(text)
    if "_x" in text:
        text = _ESCAPED.sub(r"_x005F\1", text)
    text = _SURROGATE.sub("\ufffd", text)  # the replacement character, as any reader shows
    return control.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def _si(text: str) -> str:
    if len(text) > CELL_CHARACTERS:
        text = text[: CELL_CHARACTERS - len(CUT_NOTE)] + CUT_NOTE
    keep = text[:1].isspace() or text[-1:].isspace()
    return (_OPEN_KEEP if keep else "<si><t>") + _escaped(text) + "</t></si>"


def _column_letters(n: int) -> list[str]:
    """``A, B, ... Z, AA ...`` for the first ``n`` columns."""
    out = []
    for i in range(n):
        name, i = "", i + 1
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        out.append(name)
    return out


def _sheet(
    names: list[str],
    columns: list[tuple[np.ndarray, np.ndarray]],
    table: Table,
    widths: list[float],
    strings: _Strings,
    *,
    first: bool,
) -> tuple[bytes, str | None]:
    letters = _column_letters(max(len(names), 1))
    offset = 1 if table.header else 0
    n = len(columns[0][0]) if columns else 0
    numbers = np.arange(offset + 1, offset + n + 1).astype(str).astype(object)
    row_xml = np.full(n, "", dtype=object)
    for c, (kinds, values) in enumerate(columns):
        out = np.full(n, "", dtype=object)
        opens = _OPEN_BOLD if (not table.header and c == 0) else _OPEN
        for kind in (TEXT, NUMBER, FLAG, DATE):
            hit = kinds == kind
            if not hit.any():
                continue
            shown = values[hit]
            if kind == TEXT:
                shown = strings.codes(shown).astype(str).astype(object)
            ref = '<c r="' + letters[c] + numbers[hit]
            out[hit] = ref + opens.get(kind, _OPEN[kind]) + shown + "</v></c>"
        row_xml += out
    rows = []
    if table.header:
        head = strings.codes(np.array(names, dtype=object))
        rows.append(
            '<row r="1">'
            + "".join(
                f'<c r="{letters[c]}1" s="1" t="s"><v>{code}</v></c>'
                for c, code in enumerate(head.tolist())
            )
            + "</row>"
        )
    rows.extend(('<row r="' + numbers + '">' + row_xml + "</row>").tolist())
    last = offset + n
    span = f"A1:{letters[len(names) - 1]}{max(last, 1)}" if names else "A1"
    filtered = span if (table.header and names) else None
    parts = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
        f'xmlns:r="{REL}"><dimension ref="{span}"/><sheetViews><sheetView'
        + (' tabSelected="1"' if first else "")
        + ' workbookViewId="0">'
        + (
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
            if table.header
            else ""
        )
        + '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>',
        _cols(widths),
        "<sheetData>",
        "".join(rows),
        "</sheetData>",
        f'<autoFilter ref="{filtered}"/>' if filtered else "",
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></worksheet>',
    ]
    return "".join(parts).encode("utf-8"), filtered


def _widths(
    names: list[str], columns: list[tuple[np.ndarray, np.ndarray]], table: Table
) -> list[float]:
    """Column widths: as given, else fitted to the header and the first rows (8 to 60)."""
    if table.widths is not None:
        return list(table.widths) + [8.0] * (len(names) - len(table.widths))
    widths = []
    for name, (kinds, values) in zip(names, columns):
        sample = [
            10 if kind == DATE else len(v) if v is not None else 0
            for kind, v in zip(kinds[:WIDTH_SAMPLE].tolist(), values[:WIDTH_SAMPLE].tolist())
        ]
        widths.append(min(max(max([len(name), *sample]) + 2, 8), 60))
    return widths


def _cols(widths: list[float]) -> str:
    if not widths:
        return ""
    return (
        "<cols>"
        + "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        + "</cols>"
    )
