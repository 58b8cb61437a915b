"""Read a scanner's CSV export row by row, with the line each row starts on.

Scanner CSVs hold line breaks inside quoted cells, come as UTF-8 (with or without a
byte-order mark) or Windows-1252, may be separated by semicolons (Tenable's workbench
export) and may start with a preamble of report details before the real header
(Qualys). Rows are streamed: a large export is never held in memory whole.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flowmap.errors import ImportFileError
from flowmap.ingest.xmlstream import open_bytes

csv.field_size_limit(1 << 27)  # plugin output cells can be megabytes long


@dataclass
class CsvHeader:
    """Where a CSV's header is and how to read the rows after it."""

    columns: list[str]
    line: int  # the header's line (1-based)
    delimiter: str
    encoding: str

    def index(self, *names: str) -> int | None:
        """The position of the first of ``names`` present (compared without case or
        spaces), or None.

        >>> CsvHeader(["IP", "CVE ID", "Title"], 1, ",", "utf-8").index("cve id", "CVE")
        1
        """
        wanted = [_key(n) for n in names]
        keys = [_key(c) for c in self.columns]
        for name in wanted:
            if name in keys:
                return keys.index(name)
        return None


def _key(name: str) -> str:
    return "".join(name.lower().split())


def sniff_encoding(head: bytes) -> str:
    """UTF-8 (BOM or not) when the bytes decode as it, else Windows-1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1252"
    return "utf-8"


def find_header(
    path: Path, accept: Callable[[list[str]], bool], *, search_lines: int = 60
) -> CsvHeader | None:
    """The first row among the first ``search_lines`` rows that ``accept`` takes as a
    header, trying comma, semicolon and tab as separators; None when there is none."""
    with open_bytes(path) as handle:
        head = handle.read(1 << 20)
    encoding = sniff_encoding(head)
    text = head.decode(encoding, errors="replace")
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        line = 1
        try:
            for _ in range(search_lines):
                row = next(reader)
                if row and accept([c.strip() for c in row]):
                    return CsvHeader([c.strip() for c in row], line, delimiter, encoding)
                line = reader.line_num + 1
        except (StopIteration, csv.Error):
            continue
    return None


def rows(path: Path, header: CsvHeader) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` for every row after the header, cells stripped and padded
    to the header's width. Blank rows are skipped.

    Raises
    ------
    ImportFileError
        When the file is not text in its encoding or not well-formed CSV.
    """
    width = len(header.columns)
    name = path.name
    with open_bytes(path) as raw:
        handle = io.TextIOWrapper(raw, encoding=header.encoding, newline="")
        reader = csv.reader(handle, delimiter=header.delimiter)
        line = 1
        try:
            while line < header.line:
                next(reader)
                line = reader.line_num + 1
            next(reader)  # the header
            line = reader.line_num + 1
            for row in reader:
                start, line = line, reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                cells = [cell.strip() for cell in row[:width]]
                cells += [""] * (width - len(cells))
                yield start, cells
        except csv.Error as exc:
            raise ImportFileError(f"{name} line {line}: not well-formed CSV ({exc}).") from None
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"{name} line {line}: not {header.encoding} text (byte {exc.start} of a "
                "block): save the export again as UTF-8 CSV."
            ) from None
        except StopIteration:
            return
