"""Large outputs written item by item through the one writing path (:mod:`.files`).

An import's report can hold hundreds of thousands of entries: these writers take them
one at a time, so the whole table or document is never held in memory a second time,
and give the same bytes as :func:`~flowmap.render.files.write_csv` and
:func:`~flowmap.render.files.write_json`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from flowmap.render.files import ONE_PER_LINE, neutralise_formula, output_file, write_json


def write_rows_csv(
    columns: Sequence[str], rows: Iterable[Sequence[object]], path: str | Path
) -> Path:
    """Write rows of text as CSV, one at a time (no table in memory), formula-like text
    neutralised; the same bytes :func:`write_csv` writes for the same table of text."""
    import csv

    path = Path(path)
    with output_file(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise_formula(str(c)) for c in row])
    return path


def write_json_items(
    document: dict[str, object],
    key: str,
    items: Iterable[dict[str, object]],
    count: int,
    path: str | Path,
) -> Path:
    """Write ``document`` with ``document[key]`` the ``count`` ``items``, encoding them one
    at a time into the file: the same bytes as :func:`write_json`, without the whole list
    or text in memory.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> rows = [{"n": i} for i in range(ONE_PER_LINE + 1)]
    >>> a = write_json_items({"title": "x"}, "rows", iter(rows), len(rows), folder / "a.json")
    >>> a.read_bytes() == write_json({"title": "x", "rows": rows}, folder / "b.json").read_bytes()
    True
    """
    path = Path(path)
    if count <= ONE_PER_LINE or key in document:
        return write_json({**document, key: list(items)}, path)
    encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, allow_nan=False).encode
    head = {k: document[k] for k in document}
    with output_file(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("{\n")
        keys = sorted([*head, key])
        for i, name in enumerate(keys):
            fh.write(f" {encode(name)}: ")
            if name == key:
                fh.write("[\n")
                for j, item in enumerate(items):
                    fh.write(("  " if j == 0 else ",\n  ") + encode(item))
                fh.write("\n ]")
            else:
                fh.write(
                    json.dumps(
                        head[name], sort_keys=True, ensure_ascii=False, allow_nan=False, indent=1
                    ).replace("\n", "\n ")
                )
            fh.write(",\n" if i < len(keys) - 1 else "\n")
        fh.write("}\n")
    return path
