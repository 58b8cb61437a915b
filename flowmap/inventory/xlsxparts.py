"""A workbook's parts, unpacked once within the limits, and a light scan of its sheets' XML.

The fast cell reader (python-calamine) reads what Excel saved for each cell, but three
things it cannot be trusted with on its own:

- a formula Excel never calculated (no saved value) reads as an empty cell, and an error
  value (``#N/A``) reads as empty too: this module finds both by cell;
- it lays a sheet out as one dense grid from A1 to its furthest cell, so a small hostile
  file naming cell XFD1048576 would ask for billions of cells: this module measures how
  far each sheet's cells reach before the reader sees it;
- it unpacks parts without stopping at the size a part declares: here Python's zipfile
  unpacks each part (it stops at the declared size and checks the CRC), and the reader
  is given the parts it needs again, stored uncompressed, so nothing is unpacked twice.

The scan works on the XML bytes (``bytes.find`` and numpy); only when a sheet is laid
out in a way the quick scan does not expect (cells without references, a reference
spelt oddly) is it parsed in full, with defusedxml.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import unescape

import numpy as np

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
#: Parts the cell reader never needs: pictures, comments, drawings, printer settings.
UNNEEDED = ("xl/media/", "xl/drawings/", "xl/comments", "xl/printerSettings/", "docProps/")
#: Bytes that may follow an element's name in a tag.
DELIMITERS = (b" ", b">", b"/", b"\t", b"\n", b"\r")
SPACE = np.frombuffer(b" \t\n\r", np.uint8)
CHUNK = 1 << 21  # the numpy scan works on 2 MB at a time (small temporaries stay in cache)


class NotAWorkbookError(Exception):
    """The zip file is not an Excel workbook (no workbook part)."""


class DamagedPartError(Exception):
    """A part does not unpack: its compressed data is broken or fails its CRC."""

    def __init__(self, part: str, cause: BaseException) -> None:
        super().__init__(f"{part}: {cause}")
        self.part = part


@dataclass(frozen=True)
class Sheet:
    """One sheet as the workbook lists it."""

    name: str
    state: str  # "visible", "hidden" or "veryHidden"
    part: str | None  # where its XML is in the zip
    kind: str  # "worksheet", "chartsheet", ...


@dataclass
class Scan:
    """What the light scan of one sheet found."""

    rows: int = 0  # how many rows the sheet's grid holds from row 1, at most
    columns: int = 0  # how many columns from column A, at most
    #: whether rows and columns are exact (else bounds: no cell reaches further)
    exact: bool = True
    #: (row, column index, formula) of formulas with no saved value
    unsaved: list[tuple[int, int, str]] = field(default_factory=list)
    #: (row, column index, text) of error values such as #N/A
    errors: list[tuple[int, int, str]] = field(default_factory=list)


def workbook_sheets(archive: zipfile.ZipFile) -> list[Sheet]:
    """The sheets in workbook order, with their state and part.

    Raises
    ------
    NotAWorkbookError
        No workbook part: a zip file that is not an Excel workbook.
    """
    from defusedxml import ElementTree

    names = set(archive.namelist())
    if WORKBOOK not in names:
        raise NotAWorkbookError(f"there is no {WORKBOOK} in it")
    root = ElementTree.fromstring(archive.read(WORKBOOK))
    targets: dict[str, tuple[str, str]] = {}
    if WORKBOOK_RELS in names:
        for rel in ElementTree.fromstring(archive.read(WORKBOOK_RELS)):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else _join("xl/", target)
            targets[rel.get("Id", "")] = (part, rel.get("Type", "").rsplit("/", 1)[-1])
    sheets = []
    for element in root.iter():
        if element.tag not in (f"{{{MAIN}}}sheet", f"{{{STRICT}}}sheet"):
            continue
        rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
        part, kind = targets.get(rid, (None, "worksheet"))
        sheets.append(
            Sheet(element.get("name", ""), element.get("state", "visible"), part, kind or "")
        )
    return sheets


def _join(base: str, target: str) -> str:
    """A relationship's target resolved against its folder (``../`` allowed)."""
    parts = base.rstrip("/").split("/")
    for piece in target.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def repack(
    archive: zipfile.ZipFile, skip: set[str], on_sheet: Callable[[str, bytes], None]
) -> bytes:
    """The workbook again, every needed part stored uncompressed.

    Each part is unpacked by zipfile, which stops at the size the part declares and checks
    its CRC (a part that does not unpack raises :class:`DamagedPartError`). Parts in
    ``skip`` and those no reader needs are left out. Each worksheet's XML is handed to
    ``on_sheet(part, xml)`` as it is unpacked (for the scan), and not kept.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as stored:
        for info in archive.infolist():
            name = info.filename
            if name in skip or name.startswith(UNNEEDED) or name.endswith("/"):
                continue
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise DamagedPartError(name, exc) from None
            on_sheet(name, data)
            stored.writestr(name, data)
            del data
    return out.getvalue()


# ---------------------------------------------------------------- the scan


def scan_sheet(xml: bytes, *, exact: bool = False) -> Scan:
    """How far a sheet's cells reach, and its unsaved formulas and error values.

    With ``exact`` False, rows and columns may be bounds (``Scan.exact`` says): the sheet's
    own claim of its size (its ``dimension``, else its last row), checked against every
    reference and rounded up to whole digits and letters, which is cheaper than reading
    each number.

    >>> xml = (b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    ...        b'<row r="7"><c r="D7"><f>B7*2</f></c><c r="E7" t="e"><v>#N/A</v></c></row>'
    ...        b'</sheetData></worksheet>')
    >>> s = scan_sheet(xml, exact=True)
    >>> s.rows, s.columns, s.unsaved, s.errors
    (7, 5, [(7, 3, '=B7*2')], [(7, 4, '#N/A')])
    >>> s = scan_sheet(xml)  # the last row is 7: one digit, and at most two letters
    >>> s.rows, s.columns, s.exact
    (9, 702, False)
    """
    scan = _quick_scan(xml, exact)
    return scan if scan is not None else _full_scan(xml)


def _chunks(a: np.ndarray):
    """(segment, first, stop, offset) over ``a``: each segment starts one byte early and
    runs 32 bytes past its stop (zero-padded at the end), so a tag near an edge is seen
    whole; ``offset`` is where the segment starts in ``a``."""
    for start in range(0, len(a), CHUNK):
        lo = max(start - 1, 0)
        seg = a[lo : start + CHUNK + 32]
        if start + CHUNK + 32 > len(a):
            seg = np.concatenate([seg, np.zeros(32, np.uint8)])
        first = start - lo
        yield seg, first, first + min(CHUNK, len(a) - start), lo


def _prefix(xml: bytes) -> bytes:
    """The prefix the sheet's elements are written with: ``b""``, or e.g. ``b"x:"``."""
    found = re.search(rb"<([\w.-]+:)?worksheet[\s>]", xml[:8192])
    return (found.group(1) or b"") if found else b""


def _is_end(byte: np.ndarray) -> np.ndarray:
    """Whether each byte may end an element's name in a tag."""
    return (byte == 32) | (byte == 62) | (byte == 47) | (byte == 9) | (byte == 10) | (byte == 13)


def _claim(xml: bytes) -> tuple[int, int]:
    """(letters, digits) of the furthest cell the sheet says it reaches: from its
    ``dimension`` (``A1:S59147``: 1 letter, 5 digits), else its last row's number."""
    found = re.search(rb'<(?:[\w.-]+:)?dimension ref="[A-Za-z]*\d*:?([A-Za-z]*)(\d*)"', xml[:8192])
    if found and found.group(1) and found.group(2):
        return len(found.group(1)), len(found.group(2))
    last = re.search(rb'r="(\d+)"', xml[max(xml.rfind(b"row r="), 0) :])
    return 2, len(last.group(1)) if last else 7


def _fits(seg: np.ndarray, starts: np.ndarray, letters: int, digits: int) -> bool:
    """Whether every reference starting at ``starts`` has at most ``letters`` letters,
    then at most ``digits`` more characters before its closing quote."""
    if not len(starts):
        return True
    window = seg[starts[:, None] + np.arange(letters + digits + 1)]
    if not (window == 34).any(axis=1).all():
        return False
    after = window[:, letters] & np.uint8(0xDF)  # a-z as A-Z
    return not ((after >= 65) & (after <= 90)).any()


def _quick_scan(xml: bytes, exact: bool) -> Scan | None:
    """The scan from the positions of tags, for a sheet laid out as Excel and most tools
    write it (every row and cell tag starting with its reference, in double quotes);
    None for any other layout (the full scan then reads it)."""
    pfx = _prefix(xml)
    p = len(pfx)
    a = np.frombuffer(xml, np.uint8)
    scan = Scan()
    letters, digits = _claim(xml)
    if not exact:  # the claim, rounded up, is the bound; each reference is checked to fit
        scan = Scan(rows=10**digits - 1, columns=(26 ** (letters + 1) - 26) // 25, exact=False)
    formulas: list[int] = []
    for seg, first, stop, offset in _chunks(a):
        lt = np.flatnonzero(seg[first:stop] == ord("<")) + first
        for k, byte in enumerate(pfx):
            lt = lt[seg[lt + 1 + k] == byte]
        name, after = seg[lt + 1 + p], seg[lt + 2 + p]
        cells = lt[(name == ord("c")) & _is_end(after)]
        rows = lt[(name == ord("r")) & (after == ord("o")) & (seg[lt + 3 + p] == ord("w"))]
        rows = rows[_is_end(seg[rows + 4 + p])]
        formulas += (lt[(name == ord("f")) & _is_end(after)] + offset).tolist()
        found = []
        for tags, at in ((rows, 4 + p), (cells, 2 + p)):
            ref = tags + at
            if not (
                (seg[ref] == 32)
                & (seg[ref + 1] == ord("r"))
                & (seg[ref + 2] == ord("="))
                & (seg[ref + 3] == 34)
            ).all():
                return None
            found.append(ref + 4)
        if not exact:
            if _fits(seg, found[0], 0, digits) and _fits(seg, found[1], letters, digits):
                continue
            return _quick_scan(xml, exact=True)  # past its own claim: read each number
        by_row, by_cell = (_refs(seg, starts) for starts in found)
        # a row's reference is its number only; a cell's has its column's letters first
        if by_row is None or by_cell is None or by_row[2] or by_cell[2] != len(cells):
            return None
        scan.rows = max(scan.rows, by_row[0], by_cell[0])
        scan.columns = max(scan.columns, by_cell[1])
    hits = formulas
    i = xml.find(b't="e"')
    while i >= 0:
        hits.append(i)
        i = xml.find(b't="e"', i + 1)
    marks = _marks(xml, hits)
    if marks is None:
        return None
    scan.unsaved, scan.errors = marks
    return scan


def _refs(seg: np.ndarray, starts: np.ndarray) -> tuple[int, int, int] | None:
    """(furthest row, furthest column, how many have letters) of the references starting
    at ``starts``: each up to 3 letters, then 1 to 7 digits, then a double quote. None
    when any is written otherwise."""
    if not len(starts):
        return 0, 0, 0
    window = seg[starts[:, None] + np.arange(11)]
    k = np.arange(11)
    upper = window & np.uint8(0xDF)  # a-z as A-Z (digits become 16-25: not letters)
    n_letters = np.argmin((upper >= 65) & (upper <= 90), axis=1)
    quote = window == 34
    end = np.argmax(quote, axis=1)
    digits = (window >= 48) & (window <= 57)
    inside = (k >= n_letters[:, None]) & (k < end[:, None])
    n_digits = end - n_letters
    if not (
        quote.any(axis=1).all()
        and (digits | ~inside).all()
        and (n_letters <= 3).all()
        and ((n_digits >= 1) & (n_digits <= 7)).all()
    ):
        return None
    return (
        _largest(window, n_letters, n_digits, 10, 48),
        _largest(window, np.zeros_like(n_letters), n_letters, 26, 64, upper=True),
        int((n_letters > 0).sum()),
    )


def _largest(window, start, length, base, zero, upper=False) -> int:
    """The largest number written in ``window`` rows from ``start`` for ``length`` bytes
    (digits in base 10, or letters in base 26): the longest first, then the largest."""
    most = int(length.max())
    if most == 0:
        return 0
    pick = np.flatnonzero(length == most)
    sub, first = window[pick], start[pick]
    value = np.zeros(len(pick), np.int64)
    for k in range(most):
        byte = sub[np.arange(len(pick)), first + k].astype(np.int64)
        value = value * base + ((byte & 0xDF) if upper else byte) - zero
    return int(value.max())


_START = re.compile(rb"<(?:[\w.-]+:)?c(?=[\s>/])([^>]*?)(/?)>")
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3})(\d{1,7})["']""")
_TYPE = re.compile(rb"""\st\s*=\s*["'](\w+)["']""")
_F = re.compile(rb"<(?:[\w.-]+:)?f(?=[\s>/])[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?f>)", re.S)
_V = re.compile(rb"<(?:[\w.-]+:)?v(?=[\s>/])[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?v>)", re.S)
_IS = re.compile(rb"<(?:[\w.-]+:)?is(?=[\s>/])")
_END = re.compile(rb"</(?:[\w.-]+:)?c>")


def _marks(xml: bytes, hits: list[int]) -> tuple[list, list] | None:
    """Unsaved formulas and error values among the cells holding positions ``hits`` (a
    formula's tag, an error's type); None when such a cell has no reference."""
    unsaved: list[tuple[int, int, str]] = []
    errors: list[tuple[int, int, str]] = []
    done: set[int] = set()
    for at in sorted(hits):
        start = _cell_start(xml, at)
        if start < 0 or start in done:
            continue
        done.add(start)
        tag = _START.match(xml, start)
        if tag is None:
            return None
        if tag.group(2):  # <c .../>: nothing inside
            body = b""
        else:
            end = _END.search(xml, tag.end())
            if end is None:
                return None
            body = xml[tag.end() : end.start()]
        mark = _classify(tag.group(1), body)
        if mark is None:
            continue
        ref = _REF.search(tag.group(1))
        if ref is None:
            return None
        row, col = int(ref.group(2)), _column(ref.group(1))
        (errors if mark[0] == "error" else unsaved).append((row, col - 1, mark[1]))
    return unsaved, errors


def _cell_start(xml: bytes, at: int) -> int:
    """Where the cell element holding position ``at`` starts (its ``<``), or -1."""
    end = at + 1
    while True:
        i = max(xml.rfind(b"<c", 0, end), xml.rfind(b":c", 0, end))
        if i < 0:
            return -1
        if xml[i + 2 : i + 3] in DELIMITERS:
            return xml.rfind(b"<", 0, i + 1)
        end = i


def _classify(attributes: bytes, body: bytes) -> tuple[str, str] | None:
    """("error", text), ("unsaved", formula) or None for one cell's XML."""
    kind = _TYPE.search(attributes)
    t = kind.group(1) if kind else b"n"
    value = _V.search(body)
    if t == b"e":
        return "error", _text(value.group(1) if value else b"") or "#N/A"
    formula = _F.search(body)
    if formula is None:
        return None
    saved = _IS.search(body) is not None or (
        value is not None and (bool(value.group(1)) or t == b"str")
    )
    if saved:
        return None
    return "unsaved", "=" + _text(formula.group(1) or b"")


def _text(raw: bytes) -> str:
    return unescape(raw.decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})


def _column(letters: bytes) -> int:
    """>>> _column(b"A"), _column(b"z"), _column(b"AA"), _column(b"XFD")
    (1, 26, 27, 16384)
    """
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _full_scan(xml: bytes) -> Scan:
    """The scan by a full parse, placing cells as the reader does (for odd layouts)."""
    from defusedxml import ElementTree

    scan = Scan()
    row = col = 0
    cell: dict | None = None
    for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
        local = element.tag.rsplit("}", 1)[-1]
        if event == "start":
            if local == "row":
                r = element.get("r")
                row = int(r) if r and r.isdigit() else row + 1
                col = 0
            elif local == "c":
                ref = element.get("r")
                m = re.fullmatch(r"([A-Za-z]{1,3})(\d{1,7})", ref or "")
                if m:
                    row, col = int(m.group(2)), _column(m.group(1).encode())
                else:
                    col += 1
                scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, col)
                cell = {"t": element.get("t", "n"), "f": None, "v": None, "is": False}
            continue
        if cell is not None:
            if local == "f":
                cell["f"] = element.text or ""
            elif local == "v":
                cell["v"] = element.text or ""
            elif local == "is":
                cell["is"] = True
            elif local == "c":
                if cell["t"] == "e":
                    scan.errors.append((row, col - 1, cell["v"] or "#N/A"))
                elif cell["f"] is not None and not (
                    cell["is"] or (cell["v"] is not None and (cell["v"] or cell["t"] == "str"))
                ):
                    scan.unsaved.append((row, col - 1, "=" + cell["f"]))
                cell = None
        if local in ("c", "row"):
            element.clear()
    return scan
