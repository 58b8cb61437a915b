"""The findings in each machine format: JSON text per finding, JSON Lines, CSV and Parquet.

Every format is made from the same findings, a column at a time (each distinct text is
encoded once), so a region's findings take seconds, not minutes:

- :func:`finding_lines`: each finding as one compact JSON object (sorted keys), the text
  ``findings.jsonl`` holds one a line and ``findings.json`` holds in its ``findings`` list;
- :func:`findings_columns`: each finding column as a typed pyarrow column, converted once
  for Parquet, the workbook and CSV;
- :func:`flat_findings`: the findings as a table of plain cells (evidence as JSON text,
  references joined with ``; ``), for CSV and the workbook;
- :func:`dump_findings_csv` and :func:`dump_findings_parquet` write those.

Inventory text is untrusted. In CSV (as in the workbook) text that a spreadsheet would
run as a formula is neutralised (:func:`flowmap.render.files.neutralise_frame`); JSON,
JSON Lines and Parquet carry the text exactly, as data, with the line and paragraph
separators (U+0085, U+2028, U+2029) written as escapes so no text can split a line.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from flowmap.engine.rules.base import plain
from flowmap.render.evidence import encode as _encode
from flowmap.render.evidence import evidence_json, evidence_text

#: Characters a reader splitting text into lines may split on, as JSON escapes.
LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def finding_lines(findings: pd.DataFrame, evidence: list[str] | None = None) -> list[str]:
    """Each finding as one compact JSON object with sorted keys.

    The same text as ``json.dumps(record, sort_keys=True, ensure_ascii=False)`` of each
    record of :func:`flowmap.render.findings.findings_document`, made a column at a time.

    >>> f = pd.DataFrame({"rule": ["R", "R"], "score": [9.5, None],
    ...                   "evidence": [{"n": 1}, {}], "references": [["a"], []]})
    >>> finding_lines(f)
    ['{"evidence": {"n": 1}, "references": ["a"], "rule": "R", "score": 9.5}', \
'{"evidence": {}, "references": [], "rule": "R", "score": null}']
    """
    if findings.empty:
        return []
    evidence = evidence_json(findings) if evidence is None else evidence
    parts = []
    for column in sorted(str(c) for c in findings.columns):
        key = _encode(column) + ": "
        if column == "evidence":
            parts.append([key + e for e in evidence])
        else:
            parts.append(_encoded_column(findings[column], key))
    return ["{" + ", ".join(row) + "}" for row in zip(*parts)]


def _encoded_column(series: pd.Series, key: str) -> list[str]:
    """``key`` followed by each value as JSON, each distinct value encoded once."""
    if isinstance(series.dtype, pd.StringDtype) or pd.api.types.is_float_dtype(series):
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        encoded = np.array([key + _encode(u) for u in uniques.tolist()] + [key + "null"])
        return encoded.astype(object)[codes].tolist()
    cache: dict[object, str] = {}
    out = []
    for value in series.tolist():  # lists (references) and text: each distinct one once
        if isinstance(value, list | tuple | dict):
            hashable: object = id(value)  # the same list object on many rows (a rule's)
        else:
            value = plain(value)
            hashable = (type(value), value)
        text = cache.get(hashable)
        if text is None:
            text = cache[hashable] = key + _encode(value)
        out.append(text)
    return out


def without_line_breaks(text: str) -> str:
    """``text`` (JSON) with U+0085, U+2028 and U+2029 written as escapes.

    >>> without_line_breaks('"a\\u2028b"') == '"a\\\\u2028b"'
    True
    """
    for char, escaped in LINE_BREAKS.items():
        if char in text:
            text = text.replace(char, escaped)
    return text


def flat_findings(
    findings: pd.DataFrame, *, columns: dict[str, pa.Array] | None = None
) -> pd.DataFrame:
    """Findings with evidence as JSON text and references joined (one cell each), the
    text columns kept in pyarrow (:func:`findings_columns`, or ``columns`` when made
    already), so the files made from this table do not convert them again."""
    if columns is None:
        columns = findings_columns(findings, evidence_text(findings))
    flat = findings.copy()
    for name, column in columns.items():
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            flat[name] = pd.arrays.ArrowExtensionArray(column)
    flat["references"] = ["; ".join(r) for r in findings["references"]]
    return flat


def dump_findings_jsonl(lines: list[str], path: Path) -> None:
    """One finding a line (UTF-8, ``\\n`` line ends, each line ended)."""
    text = "\n".join(lines) + "\n" if lines else ""
    path.write_text(without_line_breaks(text), encoding="utf-8", newline="\n")


def dump_findings_json(summary: dict, lines: list[str], path: Path, *, version: int) -> None:
    """``findings.json``: ``findings`` (one finding a line), ``schema_version`` and
    ``summary``, the layout :func:`flowmap.render.files.json_text` gives a long list."""
    from flowmap.render.files import ONE_PER_LINE, json_text

    if len(lines) <= ONE_PER_LINE:  # short: indented, as every small flowmap JSON file
        document = {
            "findings": [json.loads(line) for line in lines],
            "schema_version": version,
            "summary": summary,
        }
        text = json_text(document) + "\n"
    else:
        rest = json_text({"schema_version": version, "summary": summary})  # "{\n ...\n}"
        text = '{\n "findings": [\n  ' + ",\n  ".join(lines) + "\n ],\n" + rest[2:] + "\n"
    path.write_text(without_line_breaks(text), encoding="utf-8", newline="\n")


def dump_findings_csv(flat: pd.DataFrame, path: Path) -> None:
    """CSV of :func:`flat_findings` with formula-like text neutralised: a header row, text
    in double quotes, numbers as numbers, unknown as an empty cell, ``\\n`` line ends."""
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from flowmap.render.files import FORMULA_START

    table = pa.Table.from_pandas(flat, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            column = table.column(i)
            risky = pc.match_substring_regex(column, FORMULA_START)
            if pc.any(risky).as_py():  # neutralised as flowmap.render.files.neutralise_formula
                quoted = pc.binary_join_element_wise("'", column, "")
                table = table.set_column(i, field, pc.if_else(risky, quoted, column))
    pacsv.write_csv(table, str(path), pacsv.WriteOptions(quoting_style="needed"))


def _lists(lists: list) -> object:
    """Lists of text as a pyarrow list column, each distinct list object converted once
    (a rule's references are one list shared by all its findings).

    >>> r = ["a", "b"]
    >>> _lists([r, ("c",), r]).to_pylist()
    [['a', 'b'], ['c'], ['a', 'b']]
    """

    number: dict[int, int] = {}  # the objects are all alive here: their ids differ
    which = np.array([number.setdefault(id(v), len(number)) for v in lists], dtype=np.int64)
    first = np.unique(which, return_index=True)[1]
    distinct = pa.array([list(lists[i]) for i in first], type=pa.list_(pa.string()))
    return distinct.take(pa.array(which)) if len(lists) else distinct


#: Parquet writer settings, fixed so the same findings give the same bytes.
PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "row_group_size": 1 << 20,
}


def findings_columns(findings: pd.DataFrame, evidence: pa.Array | list[str]) -> dict[str, pa.Array]:
    """Each finding column as a typed pyarrow column, converted once for every file that
    is made from them (Parquet, the workbook, CSV): text as text, ``score`` a double (not
    a number: unknown, null), ``references`` a list of text, ``evidence`` JSON text
    (:func:`flowmap.render.evidence.evidence_text`).

    >>> f = pd.DataFrame({"rule": ["R"], "score": [None], "evidence": [{}],
    ...                   "references": [["a"]]})
    >>> {k: v.to_pylist() for k, v in findings_columns(f, ["{}"]).items()}
    {'rule': ['R'], 'score': [None], 'evidence': ['{}'], 'references': [['a']]}
    """

    columns = {}
    for name in findings.columns:
        series = findings[name]
        if name == "evidence":
            columns[name] = (
                evidence if isinstance(evidence, pa.Array) else pa.array(evidence, pa.string())
            )
        elif name == "references":
            columns[name] = _lists(series.tolist())
        elif pd.api.types.is_float_dtype(series):
            columns[name] = pa.Array.from_pandas(series, type=pa.float64())
        else:
            columns[name] = pa.Array.from_pandas(series, type=pa.string())
    return columns


def dump_findings_parquet(
    columns: dict[str, pa.Array], summary: dict, path: Path, *, version: int
) -> None:
    """Parquet: the findings' typed columns (:func:`findings_columns`), the summary in the
    file's metadata (``flowmap.summary``, JSON) beside ``flowmap.schema_version``; no
    timestamps."""
    import pyarrow.parquet as pq

    metadata = {
        "flowmap.schema_version": str(version),
        "flowmap.summary": json.dumps(summary, sort_keys=True, ensure_ascii=False),
    }
    table = pa.table(columns).replace_schema_metadata(metadata)
    pq.write_table(table, str(path), **PARQUET_OPTIONS)
