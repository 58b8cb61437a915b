"""The parts of an Excel workbook package other than its cells, and the zip that holds
them (:mod:`flowmap.render.xlsx` makes the cells).

An ``.xlsx`` file is a zip of XML parts: ``[Content_Types].xml`` (each part's type), the
relationships between parts, document properties (``docProps``: title, creator, and
creation and modification dates, fixed so the same tables give the same bytes), the
workbook (its sheets, and each sheet's filter range as Excel records it), the styles
(plain, bold, and dates shown ``yyyy-mm-dd``), the shared strings and a part per sheet.

Compressing the parts is a third of the work for a region's findings, so
:class:`Package` compresses each part on worker threads (zlib releases Python's lock) as
soon as it is added, while the next sheet is made, in fixed pieces of
:data:`PIECE_BYTES` (each a complete deflate block sequence, as ``pigz`` makes them), so
the bytes never depend on the threads.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from xml.sax.saxutils import escape

FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # zip entry time: the earliest a zip file can say
CREATED = "2000-01-01T00:00:00Z"  # as flowmap.render.files.FIXED_CREATED
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
#: Compressed apart, so that pieces of one large part are compressed at the same time.
PIECE_BYTES = 4 << 20
LEVEL = 1  # zlib's fastest: XML compresses about tenfold even so
_DOS_DATE = ((FIXED_DATE[0] - 1980) << 9) | (FIXED_DATE[1] << 5) | FIXED_DATE[2]
_DOS_TIME = (FIXED_DATE[3] << 11) | (FIXED_DATE[4] << 5) | (FIXED_DATE[5] // 2)
_LIMIT = 0xFFFFFFFF  # past this a zip needs its 64-bit extension: then zipfile writes it


class Package:
    """A workbook package being made: :meth:`add` each part (compression starts at once),
    then :meth:`write` the file. Use it as a context manager (the threads stop at its
    end, also on an error or Ctrl-C)."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1))
        self.parts: dict[str, tuple[list[memoryview], Future, list[Future]]] = {}

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def add(self, name: str, data: str | bytes | Sequence[bytes | memoryview]) -> None:
        """A part: its name in the package and its content, whole or as a list of
        consecutive pieces (a large sheet, made a block of rows at a time, is never joined
        into one copy)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        chunks = [data] if isinstance(data, bytes | bytearray | memoryview) else list(data)
        views = [memoryview(c) for c in chunks if len(c)] or [memoryview(b"")]
        spans = [(v, s) for v in views for s in range(0, max(len(v), 1), PIECE_BYTES)]
        pieces = [
            self.pool.submit(_deflate, v[s : s + PIECE_BYTES], i == len(spans) - 1)
            for i, (v, s) in enumerate(spans)
        ]
        self.parts[name] = (views, self.pool.submit(_crc32, views), pieces)

    def write(self, path: Path, order: list[str]) -> None:
        """Write the parts named in ``order`` as a zip (fixed dates and permissions)."""
        sizes = sum(_length(self.parts[n][0]) for n in order)
        if sizes >= _LIMIT:  # rare: a workbook past 4 GB of XML
            return self._write_zip64(path, order)
        central = []
        with path.open("wb") as f:
            for name in order:
                data, crc, pieces = self.parts[name]
                body = b"".join(p.result() for p in pieces)
                raw = name.encode("ascii")
                offset = f.tell()
                head = (_DOS_TIME, _DOS_DATE, crc.result(), len(body), _length(data), len(raw))
                f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, *head, 0) + raw)
                f.write(body)
                central.append(
                    struct.pack(
                        "<IHHHHHHIIIHHHHHII",
                        0x02014B50,
                        (3 << 8) | 20,  # made on Unix (3), zip 2.0: the same on every system
                        20,
                        0,
                        8,
                        *head,
                        0,
                        0,
                        0,
                        0,
                        0o600 << 16,
                        offset,
                    )
                    + raw
                )
            start = f.tell()
            directory = b"".join(central)
            f.write(directory)
            n = len(central)
            f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(directory), start, 0))

    def _write_zip64(self, path: Path, order: list[str]) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as z:
            for name in order:
                info = zipfile.ZipInfo(name, FIXED_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o600 << 16
                with z.open(info, "w", force_zip64=True) as out:
                    for view in self.parts[name][0]:
                        out.write(view)


def _crc32(views: list[memoryview]) -> int:
    crc = 0
    for view in views:
        crc = zlib.crc32(view, crc)
    return crc


def _length(views: list[memoryview]) -> int:
    return sum(len(v) for v in views)


def _deflate(piece: memoryview, last: bool) -> bytes:
    """One piece of a part as raw deflate data; pieces joined in order are one stream."""
    c = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return c.compress(piece) + c.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def content_types(sheets: int) -> str:
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


ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/></Relationships>'
)
APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    'properties"><Application>flowmap</Application></Properties>'
)
#: Three cell formats: plain, bold (headers, labels) and a date shown yyyy-mm-dd.
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
    'formatCode="yyyy\\-mm\\-dd"/></numFmts><fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" '
    'applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
    'xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def core(title: str) -> str:
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


def workbook(sheets: list[tuple[str, str | None]]) -> str:
    """The workbook part: each sheet's name, and its filter range (or None)."""
    names = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, _f) in enumerate(sheets, start=1)
    )
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{escape(name.replace(chr(39), chr(39) * 2))}'!{_absolute(filtered)}</definedName>"
        for i, (name, filtered) in enumerate(sheets)
        if filtered
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/></bookViews>'
        f"<sheets>{names}</sheets>"
        + (f"<definedNames>{defined}</definedNames>" if defined else "")
        + "</workbook>"
    )


def _absolute(span: str) -> str:
    """``A1:C9`` as ``$A$1:$C$9``."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in span.split(":"))


def workbook_rels(sheets: int) -> str:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{base}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, sheets + 1)
        )
        + f'<Relationship Id="rId{sheets + 1}" Type="{base}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{sheets + 2}" Type="{base}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    )
