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
the bytes never depend on the threads; each part is written to the file once compressed.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import Iterable
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
#: Pieces of one part compressing at once, at most (beyond them, making waits).
IN_FLIGHT = 8
LEVEL = 1  # zlib's fastest: XML compresses about tenfold even so
_DOS_DATE = ((FIXED_DATE[0] - 1980) << 9) | (FIXED_DATE[1] << 5) | FIXED_DATE[2]
_DOS_TIME = (FIXED_DATE[3] << 11) | (FIXED_DATE[4] << 5) | (FIXED_DATE[5] // 2)
_LIMIT = 0xFFFFFFFF  # from here a size or place needs zip's 64-bit records
_FULL = 0xFFFFFFFF  # what a 32-bit field holds when the 64-bit record has the value


class Package:
    """A workbook package being written to ``path``: :meth:`add` each part in the order
    the zip holds them (compression starts at once, on worker threads); each part is
    written as soon as it is compressed and its text let go, so a region's workbook never
    holds all its XML at once. Use it as a context manager: the zip's directory is
    written at a normal end; on an error or Ctrl-C the threads stop and the file is left
    for the caller (a temporary: :func:`flowmap.render.files.output_files`) to remove.

    A part or file past 4 GB gets zip's 64-bit records (the rest stay as zip 2.0 wrote
    them), which Excel, LibreOffice and Python's zipfile read.
    """

    def __init__(self, path: Path) -> None:
        self.pool = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1))
        self.file = Path(path).open("wb")  # noqa: SIM115 (closed by __exit__)
        self.waiting: list[tuple[bytes, int, int, list[Future]]] = []
        self.central: list[bytes] = []

    def __enter__(self) -> Package:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        try:
            if kind is None:
                self._write_ready(wait=True)
                self._write_directory()
        finally:
            self.waiting.clear()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.file.close()

    def add(self, name: str, data: str | bytes | Iterable[bytes | memoryview]) -> None:
        """A part: its name in the package and its content, whole or as consecutive pieces
        (a sheet made a block of rows at a time: each block is compressed, and let go,
        while the next is made, so a large part is never held whole)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        chunks = [data] if isinstance(data, bytes | bytearray | memoryview) else data
        crc, size, pieces = 0, 0, []
        held: memoryview | None = None  # the last piece waits to learn it is the last
        for chunk in chunks:
            view = memoryview(chunk)
            crc, size = zlib.crc32(view, crc), size + len(view)
            for start in range(0, len(view), PIECE_BYTES):
                if held is not None:
                    pieces.append(self.pool.submit(_deflate, held, False))
                    if len(pieces) > IN_FLIGHT:  # the text made ahead stays bounded
                        pieces[-IN_FLIGHT - 1].result()
                held = view[start : start + PIECE_BYTES]
        pieces.append(self.pool.submit(_deflate, memoryview(b"") if held is None else held, True))
        self.waiting.append((name.encode("ascii"), size, crc, pieces))
        self._write_ready(wait=False)

    def _write_ready(self, *, wait: bool) -> None:
        """Write the parts whose compression is done, in order (all of them: ``wait``)."""
        while self.waiting:
            raw, size, crc, pieces = self.waiting[0]
            if not wait and not all(p.done() for p in pieces):
                return
            body = [p.result() for p in pieces]
            self.waiting.pop(0)
            self._write_part(raw, size, crc, body)

    def _write_part(self, raw: bytes, size: int, crc: int, body: list[bytes]) -> None:
        f = self.file
        offset, compressed = f.tell(), sum(len(b) for b in body)
        big = size >= _LIMIT or compressed >= _LIMIT
        extra = struct.pack("<HHQQ", 1, 16, size, compressed) if big else b""
        sizes = (_FULL, _FULL) if big else (compressed, size)
        need = 45 if big else 20
        head = (_DOS_TIME, _DOS_DATE, crc, *sizes, len(raw))
        f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, need, 0, 8, *head, len(extra)) + raw)
        f.write(extra)
        for b in body:
            f.write(b)
        far = offset >= _LIMIT
        fields = ([size, compressed] if big else []) + ([offset] if far else [])
        extra = struct.pack(f"<HH{len(fields)}Q", 1, 8 * len(fields), *fields) if fields else b""
        need = 45 if fields else 20
        self.central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                (3 << 8) | need,  # made on Unix (3): the same on every system
                need,
                0,
                8,
                *head[:-1],
                len(raw),
                len(extra),
                0,
                0,
                0,
                0o600 << 16,
                _FULL if far else offset,
            )
            + raw
            + extra
        )

    def _write_directory(self) -> None:
        f = self.file
        start = f.tell()
        directory = b"".join(self.central)
        f.write(directory)
        n = len(self.central)
        if n >= 0xFFFF or start >= _LIMIT or len(directory) >= _LIMIT:
            end64 = f.tell()
            f.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, (3 << 8) | 45, 45, 0, 0,
                                n, n, len(directory), start))  # fmt: skip
            f.write(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
            counts, where = (min(n, 0xFFFF),) * 2, (_FULL, _FULL)
            f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, *counts, *where, 0))
            return
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(directory), start, 0))


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
