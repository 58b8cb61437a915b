"""Write large tables as an Excel workbook (``.xlsx``) quickly, reproducibly and safely.

XlsxWriter, which writes flowmap's small workbooks, spends about 7 µs on each cell: half
a minute for a region's findings. Here a table is written a column at a time: each
column's cells, and then each row's XML, are made for a block of rows at once by
pyarrow's compiled string functions (:mod:`flowmap.render.xlsx_cells`), and text goes
into the shared strings, escaped once (:func:`~flowmap.render.xlsx_cells.shared_strings`
says which texts are numbered once and which as they come). The workbook holds what a
person needs to read and filter the tables: a bold, frozen header row, filters, fitted
column widths, dates as Excel dates (shown ``yyyy-mm-dd``, so date filters work), whole
numbers as whole numbers, and a continuation sheet (``name (2)``, ``name (3)`` ...) when
a table is longer than a sheet holds (1,048,576 rows with the header), so no row is lost.

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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from flowmap.render.files import EXCEL_ROWS
from flowmap.render.xlsx_cells import (
    CELL_CHARACTERS,
    CUT_NOTE,
    DATE,
    FLAG,
    NUMBER,
    STR,
    TEXT,
    Column,
    cells,
    joined,
    kinds_present,
    lit,
    shared_strings,
    text_of,
    where_text,
)
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

__all__ = ["CELL_CHARACTERS", "CUT_NOTE", "Table", "write_workbook_tables"]

#: Values looked at to fit a column's width (as :func:`flowmap.render.files.write_sheet`).
WIDTH_SAMPLE = 200
#: Rows made at once: a block's XML is a few megabytes, whatever the sheet's length.
ROWS_PER_BLOCK = 65_536
#: Each kind of cell, as XML: between the cell reference and the value.
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
    made = []
    for t in tables:
        names = [str(c) for c in t.frame.columns]
        columns = _columns(t.frame)
        made.append((t, names, columns, _widths(names, columns, t)))
    texts = []
    for table, names, columns, _ in made:
        if table.header:
            texts.append(pa.array(names, STR))
        texts.extend(text_of(c) for c in columns)
    strings = shared_strings(texts, main=MAIN)
    del texts
    codes = iter(strings.codes)
    ready = []  # each cell's kind and value, text as its shared string's number
    for table, names, columns, widths in made:
        head = next(codes).to_pylist() if table.header else None
        numbered = [(c.kinds, where_text(c, next(codes), c.values)) for c in columns]
        ready.append((table, names, head, numbered, widths))
    del made, columns, codes  # the text itself is in the shared strings now
    sheets: list[tuple[str, str | None]] = []  # name, filter range
    blocks = []  # each sheet's table and the rows it holds
    for table, names, head, numbered, widths in ready:
        rows_per_sheet = EXCEL_ROWS - (1 if table.header else 0)
        for part, start in enumerate(range(0, max(len(table.frame), 1), rows_per_sheet), 1):
            stop = min(start + rows_per_sheet, len(table.frame))
            name = table.name if part == 1 else f"{table.name} ({part})"
            sheets.append((name, _filter_range(names, table, stop - start)))
            blocks.append((table, names, head, numbered, widths, start, stop))
    parts = {
        "[Content_Types].xml": content_types(len(sheets)),
        "_rels/.rels": ROOT_RELS,
        "docProps/app.xml": APP,
        "docProps/core.xml": core(title),
        "xl/workbook.xml": workbook(sheets),
        "xl/_rels/workbook.xml.rels": workbook_rels(len(sheets)),
        "xl/styles.xml": STYLES,
    }
    with Package(path) as package:  # each part is compressed while the next is made
        for name, data in parts.items():
            package.add(name, data)
        package.add("xl/sharedStrings.xml", strings.xml)
        del strings
        for number, (table, names, head, numbered, widths, start, stop) in enumerate(blocks, 1):
            chunk = [(k[start:stop], v.slice(start, stop - start)) for k, v in numbered]
            xml = _sheet(names, head, chunk, table, widths, first=number == 1)
            package.add(f"xl/worksheets/sheet{number}.xml", xml)
    return path


def _columns(frame: pd.DataFrame) -> list[Column]:
    return [cells(frame.iloc[:, c]) for c in range(frame.shape[1])]


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
    head: list[str] | None,
    columns: list[tuple[np.ndarray, pa.Array]],
    table: Table,
    widths: list[float],
    *,
    first: bool,
) -> Iterator[bytes | memoryview]:
    """A sheet's XML, as consecutive pieces: its header row (``head``: the names'
    shared-string numbers) and its rows, a block of rows at a time, each made as the
    package takes the one before."""
    letters = _column_letters(max(len(names), 1))
    offset = 1 if table.header else 0
    n = len(columns[0][0]) if columns else 0
    blocks = (
        _rows(letters, columns, table, offset, start, min(start + ROWS_PER_BLOCK, n))
        for start in range(0, n, ROWS_PER_BLOCK)
    )
    header = ""
    if head is not None:
        header = (
            '<row r="1">'
            + "".join(
                f'<c r="{letters[c]}1" s="1" t="s"><v>{code}</v></c>' for c, code in enumerate(head)
            )
            + "</row>"
        )
    span = _span(names, table, n)
    filtered = _filter_range(names, table, n)
    before = (
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
        + '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        + _cols(widths)
        + "<sheetData>"
        + header
    )
    after = (
        "</sheetData>"
        + (f'<autoFilter ref="{filtered}"/>' if filtered else "")
        + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></worksheet>'
    )
    yield before.encode("utf-8")
    yield from blocks
    yield after.encode("utf-8")


def _span(names: list[str], table: Table, rows: int) -> str:
    """The cells a sheet of ``rows`` rows (below its header, if any) covers."""
    last = rows + (1 if table.header else 0)
    return f"A1:{_column_letters(len(names))[-1]}{max(last, 1)}" if names else "A1"


def _filter_range(names: list[str], table: Table, rows: int) -> str | None:
    """The range a sheet's filter covers (None: a sheet without a header row)."""
    return _span(names, table, rows) if (table.header and names) else None


def _rows(
    letters: list[str],
    columns: list[tuple[np.ndarray, pa.Array]],
    table: Table,
    offset: int,
    start: int,
    stop: int,
) -> memoryview:
    """The XML of rows ``start`` to ``stop`` (below ``offset`` header rows), each row's
    XML made for all the block's rows at once."""
    numbers = pa.array(np.arange(offset + start + 1, offset + stop + 1)).cast(STR)
    row_parts: list[pa.Array | pa.Scalar] = [lit('<row r="'), numbers, lit('">')]
    for c, (all_kinds, all_values) in enumerate(columns):
        kinds, values = all_kinds[start:stop], all_values.slice(start, stop - start)
        opens = _OPEN_BOLD if (not table.header and c == 0) else _OPEN
        present = kinds_present(kinds)
        if not len(present):
            continue
        if len(present) == 1:
            kind = int(present[0])
            open_tag: pa.Array | pa.Scalar = lit(opens.get(kind, _OPEN[kind]))
        else:
            choices = pa.array(["", *(opens.get(k, _OPEN[k]) for k in (TEXT, NUMBER, FLAG, DATE))])
            open_tag = pc.take(choices, pa.array(kinds)).cast(STR)
        row_parts.append(
            pc.binary_join_element_wise(
                lit(f'<c r="{letters[c]}'), numbers, open_tag, values, lit("</v></c>"), lit("")
            )
        )
    row_parts += [lit("</row>"), lit("")]
    rows = pc.binary_join_element_wise(*row_parts, null_handling="replace", null_replacement="")
    return joined(rows)


def _widths(names: list[str], columns: list[Column], table: Table) -> list[float]:
    """Column widths: as given, else fitted to the header and the first rows (8 to 60)."""
    if table.widths is not None:
        return list(table.widths) + [8.0] * (len(names) - len(table.widths))
    widths = []
    for name, column in zip(names, columns):
        kinds = column.kinds[:WIDTH_SAMPLE].tolist()
        lengths = pc.utf8_length(column.values.slice(0, WIDTH_SAMPLE)).to_pylist()
        sample = [10 if k == DATE else n or 0 for k, n in zip(kinds, lengths)]
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
