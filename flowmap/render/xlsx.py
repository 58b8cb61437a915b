"""Write large tables as an Excel workbook (``.xlsx``) quickly, reproducibly and safely.

XlsxWriter, which writes flowmap's small workbooks, spends about 7 µs on each cell: half
a minute for a region's findings. Here a table is written a column at a time: every
distinct text becomes one shared string (escaped once), and each column's cells are made
for all rows at once with numpy. The workbook holds what a person needs to read and
filter the tables: a bold, frozen header row, filters, fitted column widths, and a
continuation sheet (``name (2)``, ``name (3)`` ...) when a table is longer than a sheet.

Safety and reproducibility follow :mod:`flowmap.render.files`: text that would start a
formula is neutralised (every cell is written as a value, never as a formula, and text
starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading quote),
control characters are escaped the way Excel escapes them (``_xHHHH_``), text longer than
a cell holds is cut at Excel's limit of 32,767 characters, and every part of the file
carries fixed dates, so the same tables give the same bytes.

Examples
--------
>>> import tempfile, pathlib, openpyxl
>>> frame = pd.DataFrame({"id": ["A-1", "=2+2"], "score": [1.5, None], "ok": [True, False]})
>>> with tempfile.TemporaryDirectory() as d:
...     path = write_workbook_tables(pathlib.Path(d) / "t.xlsx", [Table("t", frame)], title="x")
...     ws = openpyxl.load_workbook(path)["t"]
...     [[c.value for c in row] for row in ws.iter_rows()]
[['id', 'score', 'ok'], ['A-1', 1.5, True], ["'=2+2", None, False]]
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from flowmap.render.files import EXCEL_ROWS, neutralise_frame

#: Excel's limit on the characters in a cell.
CELL_CHARACTERS = 32_767
#: Values looked at to fit a column's width (as :func:`flowmap.render.files.write_sheet`).
WIDTH_SAMPLE = 200
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # zip entry time: the earliest a zip file can say
CREATED = "2000-01-01T00:00:00Z"  # as flowmap.render.files.FIXED_CREATED
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


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

    Returns the path written.
    """
    path = Path(path)
    strings = _Strings()
    sheets: list[tuple[str, bytes, str | None]] = []  # name, XML, filter range
    for table in tables:
        frame = neutralise_frame(table.frame)
        rows_per_sheet = EXCEL_ROWS - (1 if table.header else 0)
        for part, start in enumerate(range(0, max(len(frame), 1), rows_per_sheet), start=1):
            name = table.name if part == 1 else f"{table.name} ({part})"
            chunk = frame.iloc[start : start + rows_per_sheet]
            xml, filtered = _sheet(chunk, table, strings, first=not sheets)
            sheets.append((name, xml, filtered))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:

        def put(name: str, data: str | bytes) -> None:
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, data if isinstance(data, bytes) else data.encode("utf-8"))

        put("[Content_Types].xml", _content_types(len(sheets)))
        put("_rels/.rels", _ROOT_RELS)
        put("docProps/app.xml", _APP)
        put("docProps/core.xml", _core(title))
        put("xl/workbook.xml", _workbook(sheets))
        put("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        put("xl/styles.xml", _STYLES)
        put("xl/sharedStrings.xml", strings.xml())
        for i, (_name, xml, _filtered) in enumerate(sheets, start=1):
            put(f"xl/worksheets/sheet{i}.xml", xml)
    return path


# ------------------------------------------------------------------ cells


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
        items = [_si(text) for text in self.index]
        head = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN}" '
            f'count="{self.count}" uniqueCount="{len(items)}">'
        )
        return (head + "".join(items) + "</sst>").encode("utf-8", "surrogatepass")


def _si(text: str) -> str:
    if len(text) > CELL_CHARACTERS:
        text = text[:CELL_CHARACTERS]
    text = escape(text)
    if "_x" in text:
        text = _ESCAPED.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    if text[:1].isspace() or text[-1:].isspace():
        return f'<si><t xml:space="preserve">{text}</t></si>'
    return f"<si><t>{text}</t></si>"


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


def _cells(values: np.ndarray, ref: np.ndarray, strings: _Strings) -> np.ndarray:
    """Each value's ``<c>`` element ("" for an empty cell), as an object array."""
    out = np.full(len(values), "", dtype=object)
    kinds = np.array([_kind(v) for v in values.tolist()], dtype=np.int8)
    text = kinds == 1
    if text.any():
        codes = strings.codes(values[text].astype(object))
        out[text] = '<c r="' + ref[text] + '" t="s"><v>' + codes.astype(str).astype(object)
        out[text] += "</v></c>"
    number = kinds == 2
    if number.any():
        shown = np.array([repr(float(v)) for v in values[number].tolist()], dtype=object)
        out[number] = '<c r="' + ref[number] + '"><v>' + shown + "</v></c>"
    flag = kinds == 3
    if flag.any():
        bits = np.where(values[flag].astype(bool), "1", "0").astype(object)
        out[flag] = '<c r="' + ref[flag] + '" t="b"><v>' + bits + "</v></c>"
    return out


def _kind(value: object) -> int:
    """0 empty, 1 text, 2 number, 3 yes/no."""
    if value is None or value is pd.NA or value is pd.NaT:
        return 0
    if isinstance(value, str):
        return 1 if value else 0
    if isinstance(value, bool | np.bool_):
        return 3
    if isinstance(value, int | float | np.integer | np.floating):
        return 2 if math.isfinite(value) else 0
    return 1 if str(value) else 0


def _sheet(
    frame: pd.DataFrame, table: Table, strings: _Strings, *, first: bool
) -> tuple[bytes, str | None]:
    columns = [str(c) for c in frame.columns]
    letters = _column_letters(max(len(columns), 1))
    offset = 1 if table.header else 0
    n = len(frame)
    numbers = np.arange(offset + 1, offset + n + 1).astype(str).astype(object)
    row_xml = np.full(n, "", dtype=object)
    for c in range(len(columns)):
        values = frame.iloc[:, c].to_numpy(dtype=object)
        values = np.array([_plain(v) for v in values.tolist()], dtype=object) if n else values
        style = ' s="1"' if (not table.header and c == 0) else ""
        cells = _cells(values, letters[c] + numbers, strings)
        if style:
            cells = np.where(cells != "", [s.replace("<c ", f"<c{style} ", 1) for s in cells], "")
        row_xml += cells
    rows = []
    if table.header:
        head = strings.codes(np.array(columns, dtype=object))
        rows.append(
            '<row r="1">'
            + "".join(
                f'<c r="{letters[c]}1" s="1" t="s"><v>{code}</v></c>'
                for c, code in enumerate(head.tolist())
            )
            + "</row>"
        )
    body = '<row r="' + numbers + '">' + row_xml + "</row>"
    rows.extend(body.tolist())
    last = offset + n
    span = f"A1:{letters[len(columns) - 1]}{max(last, 1)}" if columns else "A1"
    filtered = span if (table.header and columns) else None
    parts = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" '
        f'xmlns:r="{_REL}"><dimension ref="{span}"/><sheetViews><sheetView'
        + (' tabSelected="1"' if first else "")
        + ' workbookViewId="0">'
        + (
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
            if table.header
            else ""
        )
        + '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>',
        _cols(frame, columns, table),
        "<sheetData>",
        "".join(rows),
        "</sheetData>",
        f'<autoFilter ref="{filtered}"/>' if filtered else "",
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></worksheet>',
    ]
    return "".join(parts).encode("utf-8", "surrogatepass"), filtered


def _plain(value: object) -> object:
    """A value as a cell shows it: dates as ISO text, lists joined with ``;``."""
    if isinstance(value, pd.Timestamp):
        return "" if value is pd.NaT else value.strftime("%Y-%m-%d")
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float) and value != value:
        return None
    return value


def _cols(frame: pd.DataFrame, columns: list[str], table: Table) -> str:
    if not columns:
        return ""
    if table.widths is not None:
        widths = list(table.widths) + [8.0] * (len(columns) - len(table.widths))
    else:
        widths = []
        for c, col in enumerate(columns):
            sample = frame.iloc[:WIDTH_SAMPLE, c].tolist()
            widest = max([len(col)] + [len(str(v)) for v in sample])
            widths.append(min(max(widest + 2, 8), 60))
    return (
        "<cols>"
        + "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        + "</cols>"
    )


# ------------------------------------------------------------------ the package parts


def _content_types(sheets: int) -> str:
    ws = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.extended-properties+xml"/><Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
        '+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ws}"/>'
            for i in range(1, sheets + 1)
        )
        + "</Types>"
    )


_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/></Relationships>'
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    'properties"><Application>flowmap</Application></Properties>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_MAIN}"><fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" '
    'applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
    'builtinId="0"/></cellStyles></styleSheet>'
)


def _core(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/'
        'dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>flowmap</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{CREATED}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{CREATED}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _workbook(sheets: list[tuple[str, bytes, str | None]]) -> str:
    names = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, _xml, _f) in enumerate(sheets, start=1)
    )
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{escape(name.replace(chr(39), chr(39) * 2))}'!{_absolute(filtered)}</definedName>"
        for i, (name, _xml, filtered) in enumerate(sheets)
        if filtered
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
        f"<sheets>{names}</sheets>"
        + (f"<definedNames>{defined}</definedNames>" if defined else "")
        + "</workbook>"
    )


def _absolute(span: str) -> str:
    """``A1:C9`` as ``$A$1:$C$9``."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in span.split(":"))


def _workbook_rels(sheets: int) -> str:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PKG}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{base}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, sheets + 1)
        )
        + f'<Relationship Id="rId{sheets + 1}" Type="{base}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{sheets + 2}" Type="{base}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    )
