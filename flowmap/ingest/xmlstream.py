"""Read untrusted XML safely, one element at a time, knowing each element's line.

Scanner files are hostile input: they are parsed with :mod:`defusedxml` (entity
declarations and external references are refused, so a "billion laughs" file or one
that points at ``/etc/passwd`` stops with an error), and streamed: the caller names the
elements it wants, gets each one when its end tag has been read, and clears it, so a
2 GB ``.nessus`` file needs memory for one host, not for the file. A truncated or
malformed file stops with one line naming the file and the line where it broke.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from flowmap.errors import ImportFileError

CHUNK = 1 << 16


def open_bytes(path: Path) -> BinaryIO:
    """Open a file for reading bytes, through gzip when it is gzip-compressed."""
    handle = open(path, "rb")  # noqa: SIM115 - returned to the caller
    if handle.read(2) == b"\x1f\x8b":
        handle.close()
        return gzip.open(path, "rb")  # type: ignore[return-value]
    handle.seek(0)
    return handle


def elements(path: Path, wanted: set[str] | frozenset[str]) -> Iterator[tuple[ET.Element, int]]:
    """Yield ``(element, line)`` for each wanted element of ``path``, in document order.

    An element is yielded when its end tag has been read, complete with its children;
    the caller should ``clear()`` it when done. Nested wanted elements are yielded
    before the element that holds them.

    Raises
    ------
    ImportFileError
        For a malformed or truncated file, or one that declares entities.
    """
    wanted = frozenset(wanted)
    builder = ET.TreeBuilder()
    parser = DefusedXMLParser(target=builder)  # refuses entities and external references
    expat = parser.parser
    lines: list[int] = []
    done: list[tuple[ET.Element, int]] = []
    start_element, end_element = builder.start, builder.end

    # The tree is built by the C tree builder straight from expat's callbacks (the
    # pure-Python parser's own callbacks cost three times as much); only the wanted
    # elements' start lines are noted on the way.
    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag in wanted:
            lines.append(expat.CurrentLineNumber)
        start_element(tag, attrs)

    def end(tag: str) -> None:
        element = end_element(tag)
        if tag in wanted:
            done.append((element, lines.pop()))

    expat.ordered_attributes = False
    expat.buffer_text = True
    expat.StartElementHandler = start
    expat.EndElementHandler = end
    expat.CharacterDataHandler = builder.data
    name = path.name
    try:
        with open_bytes(path) as handle:
            while True:
                try:
                    chunk = handle.read(CHUNK)
                except (OSError, EOFError) as exc:
                    raise ImportFileError(f"{name}: cannot be read ({exc}).") from None
                if not chunk:
                    break
                parser.feed(chunk)
                if done:
                    yield from done
                    done.clear()
            parser.close()
            yield from done
            done.clear()
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":")[0]
        if reason.startswith("no element found") or reason.startswith("unclosed token"):
            raise ImportFileError(
                f"{name} line {line}: the XML ends before it is complete (the file is "
                "truncated: export or copy it again)."
            ) from None
        raise ImportFileError(
            f"{name} line {line}, column {column + 1}: not well-formed XML ({reason})."
        ) from None
    except DefusedXmlException as exc:
        raise ImportFileError(
            f"{name} line {parser.parser.CurrentLineNumber}: the file declares XML entities "
            f"or external references ({type(exc).__name__}), which flowmap refuses to read "
            "(they are how XML files attack the programs that read them)."
        ) from None


def text(element: ET.Element | None, path: str = "") -> str:
    """The stripped text of ``element`` (or of its child at ``path``), "" when absent."""
    if element is None:
        return ""
    if path:
        element = element.find(path)
        if element is None:
            return ""
    return (element.text or "").strip()
