"""A table's cells as the workbook writer (:mod:`flowmap.render.xlsx`) writes them, made a
column at a time in pyarrow's compiled string functions, never a Python call per cell.

Each column becomes each cell's kind (:data:`EMPTY`, :data:`TEXT`, :data:`NUMBER`,
:data:`FLAG` or :data:`DATE`) and its value as the XML holds it, in a pyarrow array
(``null`` where the cell is empty): text neutralised (a leading quote before ``=``, ``+``,
``-``, ``@``, tab or carriage return, as :func:`flowmap.render.files.neutralise_formula`),
numbers as number text, yes/no as ``1``/``0``, dates as Excel's day numbers.

Text goes into the workbook's shared strings (:func:`shared_strings`): each distinct
text once, escaped once for XML: markup characters, Excel's own ``_xHHHH_`` escapes
(``_x005F_`` before one that was typed), the characters XML cannot hold written as
``_xHHHH_`` (Excel shows the character), half a character (a lone surrogate) as the
replacement character U+FFFD, and text longer than a cell holds cut at Excel's limit
with a note saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from flowmap.render.files import FORMULA_START, FORMULA_TRIGGERS

#: Excel's limit on the characters in a cell.
CELL_CHARACTERS = 32_767
#: What ends a text cut at that limit.
CUT_NOTE = " [cut here: an Excel cell holds 32,767 characters]"
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # day 0 of Excel's (1900) date system
EMPTY, TEXT, NUMBER, FLAG, DATE = 0, 1, 2, 3, 4
#: Every array here holds text as large strings (a region's XML passes 2 GB).
STR = pa.large_string()
_TRIGGERS = frozenset(FORMULA_TRIGGERS)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_CONTROL_RE2 = r"[\x00-\x08\x0b-\x1f\x{FFFE}\x{FFFF}]"
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # alone: no character at all
_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_SPACE = r"[\s\x0b\x0c\x1c-\x1f\x85\pZ]"  # as Python's str.isspace
_OPEN_KEEP = '<si><t xml:space="preserve">'
#: What makes a text need more than wrapping in ``<si><t>`` (for pyarrow's RE2).
_SPECIAL = f"[&<>]|_x[0-9a-fA-F]{{4}}_|{_CONTROL_RE2}|^{_SPACE}|{_SPACE}$"


def lit(text: str) -> pa.Scalar:
    """A text constant for pyarrow's string functions."""
    return pa.scalar(text, STR)


@dataclass
class Column:
    """A column's cells: ``kinds`` (one of the kinds above a cell) and ``values`` (the
    cell's value as the XML holds it; for text, the neutralised text; null when empty)."""

    kinds: np.ndarray
    values: pa.Array

    def only(self) -> int | None:
        """The one kind of every cell that is not empty, if there is one."""
        present = kinds_present(self.kinds)
        return int(present[0]) if len(present) == 1 else None


def kinds_present(kinds: np.ndarray) -> np.ndarray:
    """The kinds, other than empty, that some cell of ``kinds`` has, in order."""
    return np.flatnonzero(np.bincount(kinds, minlength=DATE + 1)[1:]) + 1


def cells(series: pd.Series) -> Column:
    """A column as cells.

    Examples
    --------
    >>> c = cells(pd.Series(["=1+1", None, "", ("a", "-b"), 2, 2.5, True]))
    >>> c.kinds.tolist()
    [1, 0, 0, 1, 2, 2, 3]
    >>> c.values.to_pylist()
    ["'=1+1", None, None, 'a;-b', '2', '2.5', '1']
    >>> cells(pd.Series([1.5, float("nan"), 3.0, 1e20])).values.to_pylist()
    ['1.5', None, '3.0', '1e+20']
    """
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        known = series.notna().to_numpy()
        days = (series.to_numpy().astype("datetime64[D]") - EXCEL_EPOCH).astype(np.int64)
        return _typed(DATE, known, pa.array(days, mask=~known).cast(STR))
    if pd.api.types.is_bool_dtype(dtype):
        known = series.notna().to_numpy()
        flags = series.fillna(False).astype(bool).to_numpy()
        return _typed(FLAG, known, pa.array(np.where(flags, "1", "0"), STR, mask=~known))
    if pd.api.types.is_integer_dtype(dtype):
        known = series.notna().to_numpy()
        return _typed(NUMBER, known, pa.Array.from_pandas(series).cast(pa.int64()).cast(STR))
    if pd.api.types.is_float_dtype(dtype):
        numbers = series.to_numpy(dtype=float, na_value=np.nan)
        known = np.isfinite(numbers)
        return _typed(NUMBER, known, _float_text(pa.array(numbers, mask=~known)))
    text = _arrow_text(series)
    if text is not None:  # text in pyarrow already (pandas 3's own text, or made so)
        return _text_column(text)
    objects = series.to_numpy(dtype=object, na_value=None)
    text = _as_text(objects)
    if text is not None:
        return _text_column(text)
    return _mixed(objects)


def _arrow_text(series: pd.Series) -> pa.Array | None:
    """The column's pyarrow text, without converting it, when it is kept in pyarrow."""
    dtype = series.dtype
    if isinstance(dtype, pd.ArrowDtype):
        kept = pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(
            dtype.pyarrow_dtype
        )
    else:
        kept = isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"
    if not kept:
        return None
    text = pa.array(series.array)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    return text.cast(STR)


def _float_text(numbers: pa.Array) -> pa.Array:
    """Numbers as the shortest text that reads back the same, whole ones with ``.0`` (as
    Python writes them: a reader keeps the column's numbers as numbers with a fraction)."""
    text = numbers.cast(STR)
    whole = pc.invert(pc.match_substring_regex(text, "[.eE]"))
    return pc.if_else(whole, pc.binary_join_element_wise(text, lit(".0"), lit("")), text)


def _typed(kind: int, known: np.ndarray, values: pa.Array) -> Column:
    return Column(np.where(known, kind, EMPTY).astype(np.int8), values)


def _as_text(objects: np.ndarray) -> pa.Array | None:
    """The values as a text array when every one is text or unknown, else None."""
    try:
        array = pa.array(objects, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None  # numbers, lists ... among the text: one by one
    except UnicodeEncodeError:  # half a character: the replacement character instead
        fixed = [_SURROGATE.sub("\ufffd", v) if type(v) is str else v for v in objects]
        return _as_text(np.array(fixed, dtype=object))
    if pa.types.is_null(array.type):
        return pa.nulls(len(objects), STR)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    return array.cast(STR)


def _text_column(text: pa.Array) -> Column:
    """Text cells, empty text as an empty cell, formula-like text neutralised."""
    if len(text):
        empty = pc.equal(text, lit(""))
        if pc.any(empty).as_py():  # a region's column is copied only when it must be
            text = pc.if_else(empty, lit(None), text)
        risky = pc.match_substring_regex(text, FORMULA_START)
        if pc.any(risky).as_py():
            text = pc.if_else(risky, pc.binary_join_element_wise(lit("'"), text, lit("")), text)
    known = text.is_valid().to_numpy(zero_copy_only=False)
    return _typed(TEXT, known, text)


def _mixed(objects: np.ndarray) -> Column:
    """A column of mixed values (text, numbers, lists ...), one by one."""
    n = len(objects)
    kinds = np.zeros(n, dtype=np.int8)
    values: list[str | None] = [None] * n
    for i, value in enumerate(objects.tolist()):
        kind, shown = _cell(value)
        if kind == TEXT:
            shown = _SURROGATE.sub("\ufffd", shown)
            if shown[:1] in _TRIGGERS:
                shown = "'" + shown  # neutralised, as flowmap.render.files.neutralise_formula
        if kind:
            kinds[i], values[i] = kind, shown
    return Column(kinds, pa.array(values, STR))


def _cell(value: object) -> tuple[int, str | None]:
    """One value's kind and shown value (for a column of mixed values)."""
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


def text_of(column: Column) -> pa.Array:
    """The column's text cells (null elsewhere): what goes into the shared strings."""
    return where_text(column, column.values, pa.nulls(len(column.kinds), STR))


def where_text(column: Column, text: pa.Array, other: pa.Array) -> pa.Array:
    """``text`` where the column's cell is text, ``other`` elsewhere (an empty cell is
    null in both)."""
    is_text = column.kinds == TEXT
    if not is_text.any():
        return other
    if column.only() == TEXT:  # its other cells are empty
        return text
    return pc.if_else(pa.array(is_text), text, other)


@dataclass
class SharedStrings:
    """The workbook's shared strings: ``codes`` (each text cell's number, as text, null
    elsewhere, one array per column given) and ``xml`` (the part, as consecutive pieces,
    made as they are read)."""

    codes: list[pa.Array]
    xml: Iterator[bytes | memoryview]


def shared_strings(texts: list[pa.Array], *, main: str) -> SharedStrings:
    """Number the texts of ``texts`` and make the shared strings part (``main``: the
    spreadsheet namespace).

    Columns whose texts repeat (severities, rules, organisations) are numbered together,
    each distinct text once, in the order met. A column whose texts are nearly all
    different (messages, evidence: most of a region's text) is numbered as it comes, a
    text a number, without looking for repeats: hashing every long text to find the few
    that repeat would cost more than storing them twice. A workbook may hold the same
    text twice in its shared strings: Excel's own files do (the string table is a list
    read by position; its readers, openpyxl and calamine among them, read such files).
    """
    distinct = [_mostly_distinct(t) for t in texts]
    repeating = [t for t, d in zip(texts, distinct) if not d]
    together = pa.concat_arrays(repeating) if repeating else pa.array([], STR)
    encoded = pc.dictionary_encode(together)
    numbers = encoded.indices.cast(STR)
    parts = [encoded.dictionary]
    next_number = len(encoded.dictionary)
    codes, start = [], 0
    for t, numbered_as_they_come in zip(texts, distinct):
        if numbered_as_they_come:
            valid = t.is_valid().to_numpy(zero_copy_only=False)
            numbered = next_number + np.cumsum(valid) - 1
            codes.append(pa.array(numbered, mask=~valid).cast(STR))
            kept = t.drop_null()
            parts.append(kept)
            next_number += len(kept)
        else:
            codes.append(numbers.slice(start, len(t)))
            start += len(t)
    count = sum(len(t) - t.null_count for t in texts)
    head = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{main}" '
        f'count="{count}" uniqueCount="{next_number}">'
    )
    return SharedStrings(codes, _sst_xml(head, parts))


#: Texts made into ``<si>`` items at once.
ITEMS_PER_BLOCK = 65_536


def _sst_xml(head: str, parts: list[pa.Array]) -> Iterator[bytes | memoryview]:
    """The shared strings part, a block of items at a time as the package takes them."""
    yield head.encode()
    for texts in parts:
        for start in range(0, len(texts), ITEMS_PER_BLOCK):
            yield _items(texts.slice(start, ITEMS_PER_BLOCK))
    yield b"</sst>"


#: A column is numbered as it comes when, of its first texts (this many), nearly all
#: (:data:`DISTINCT_SHARE`) differ.
DISTINCT_SAMPLE = 2_000
DISTINCT_SHARE = 0.9


def _mostly_distinct(texts: pa.Array) -> bool:
    if len(texts) - texts.null_count < 2 * DISTINCT_SAMPLE:
        return False  # short: numbered with the rest
    sample = texts.drop_null().slice(0, DISTINCT_SAMPLE)
    return pc.count_distinct(sample).as_py() >= DISTINCT_SHARE * len(sample)


def _items(texts: pa.Array) -> bytes | memoryview:
    """The ``<si>`` items of ``texts``, one after another. Most texts need no escaping and
    are wrapped as they are; the few with markup characters, a typed ``_xHHHH_``, control
    characters, white space at either end (kept: ``xml:space="preserve"``) or too long for
    a cell are made one by one (:func:`_si`) and put in their place between the others'
    bytes (rebuilding the whole array around them cost a region's workbook a quarter of a
    second). One pass of one pattern finds them."""
    wrapped = pc.binary_join_element_wise(lit("<si><t>"), texts, lit("</t></si>"), lit(""))
    special = pc.or_(
        pc.match_substring_regex(texts, _SPECIAL),
        pc.greater(pc.utf8_length(texts), CELL_CHARACTERS),
    )
    items = joined(wrapped)
    if not pc.any(special).as_py():
        return items
    rows = np.flatnonzero(special.to_numpy(zero_copy_only=False))
    fixed = [_si(t).encode("utf-8") for t in texts.filter(special).to_pylist()]
    # each item's place in ``items``: the wrapped array's own offsets
    offsets = np.frombuffer(wrapped.buffers()[1], dtype=np.int64)[wrapped.offset :]
    offsets = offsets - offsets[0]
    pieces: list[bytes | memoryview] = []
    done = 0
    for row, item in zip(rows.tolist(), fixed):
        pieces += [items[done : int(offsets[row])], item]
        done = int(offsets[row + 1])
    pieces.append(items[done:])
    return b"".join(pieces)


def _si(text: str) -> str:
    """One ``<si>`` item, in Python (text with control characters, or too long)."""
    if len(text) > CELL_CHARACTERS:
        text = text[: CELL_CHARACTERS - len(CUT_NOTE)] + CUT_NOTE
    keep = text[:1].isspace() or text[-1:].isspace()
    return (_OPEN_KEEP if keep else "<si><t>") + _escaped(text) + "</t></si>"


def _escaped(text: str) -> str:
    """Text as XML holds it in a cell: markup characters, Excel's own ``_xHHHH_``
    escapes, and characters XML cannot hold written as ``_xHHHH_``."""
    text = escape(text)
    if "_x" in text:
        text = _ESCAPED.sub(r"_x005F\1", text)
    return _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def joined(texts: pa.Array) -> memoryview:
    """Every text of ``texts`` one after another (nulls as nothing), without copying."""
    if texts.null_count:
        texts = pc.fill_null(texts, lit(""))
    texts = texts.cast(STR)
    if not len(texts):
        return memoryview(b"")
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)
    first, last = offsets[texts.offset], offsets[texts.offset + len(texts)]
    data = texts.buffers()[2]
    return memoryview(data)[first:last] if data is not None else memoryview(b"")
