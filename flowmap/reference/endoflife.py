"""endoflife.date release data: its API files read into flowmap's end-of-life rows.

`endoflife.date <https://endoflife.date>`_ publishes, per product, when each release's
support phases end. Two file shapes are read:

* the classic API, ``https://endoflife.date/api/<product>.json``: a list of cycles with
  ``cycle``, ``eol`` and ``extendedSupport``; the product is the file name's stem
  (``postgresql.json`` -> ``postgresql``); the file carries no date;
* the v1 API, ``https://endoflife.date/api/v1/products/<product>/``: ``{"generated_at",
  "result": {"name", "label", "labels", "links", "releases": [{"name", "label",
  "eolFrom", "isEol", "eoesFrom", "isEoes"}]}}``; the data is as of ``generated_at``.

Fields become columns as follows: ``eol``/``eolFrom`` (end of security support) is
``support_end``; ``extendedSupport``/``eoesFrom`` (end of the extended phase: Microsoft
ESU, Red Hat ELS, Ubuntu ESM, SUSE LTSS...) is ``extended_end``, named in ``extension``
by the product's own column title. Release names are mapped onto flowmap's
(:mod:`flowmap.reference.release_names`), so a downloaded file replaces the bundled rows
of the same release. A free extended phase (Debian LTS) is support: it becomes
``support_end``, with the regular end kept in ``notes``.

Where a file gives a boolean instead of a date, ``true`` for end of life means "ended,
date unknown" (:data:`~flowmap.reference.eol_files.ENDED_DATE_UNKNOWN`) and ``false``
"not ended" (no date).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flowmap.errors import ReferenceDataError
from flowmap.reference.eol_files import ENDED_DATE_UNKNOWN, eol_frame
from flowmap.reference.release_names import (
    FREE_EXTENSIONS,
    PRODUCT_NAMES,
    flowmap_cycles,
    product_key,
    release_label,
)

__all__ = ["EndoflifeData", "read_endoflife"]

_DOWNLOAD = "https://endoflife.date/api/v1/products/<product>/"


@dataclass(frozen=True)
class EndoflifeData:
    """One endoflife.date file, read.

    Attributes
    ----------
    product : str
        flowmap's product key.
    frame : pandas.DataFrame
        End-of-life rows (:data:`flowmap.reference.eol_files.COLUMNS`).
    dated : datetime.date or None
        The day the data was current (``generated_at`` of a v1 file); None for a
        classic file, which carries no date.
    """

    product: str
    frame: pd.DataFrame
    dated: dt.date | None


def read_endoflife(path: str | Path) -> EndoflifeData:
    """Read an endoflife.date API file (classic or v1).

    Parameters
    ----------
    path : str or pathlib.Path
        The file, as downloaded.

    Returns
    -------
    EndoflifeData

    Raises
    ------
    ReferenceDataError
        The file is missing, is not JSON, or is JSON of another shape.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "postgresql.json"
    >>> _ = path.write_text(json.dumps([{"cycle": "9", "eol": True}]))
    >>> data = read_endoflife(path)
    >>> data.product, data.frame.loc[0, ["cycle", "support_end"]].tolist(), data.dated
    ('postgresql', ['9', Timestamp('1970-01-01 00:00:00')], None)
    """
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(
            f"{path}: no such endoflife.date file; download it from {_DOWNLOAD} "
            "or correct the path."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            f"{path} is not valid JSON (line {exc.lineno}: {exc.msg}); download it again "
            f"from {_DOWNLOAD}."
        ) from exc
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(
            f"{path} is not UTF-8 text; download it again from {_DOWNLOAD}."
        ) from exc
    if isinstance(data, list):
        product = product_key(path.name.split(".")[0])
        records, dated = _classic_records(path, product, data), None
    elif (
        isinstance(data, dict)
        and isinstance(data.get("result"), dict)
        and isinstance(data["result"].get("releases"), list)
    ):
        result = data["result"]
        product = product_key(str(result.get("name") or path.name.split(".")[0]))
        records = _v1_records(path, product, result)
        dated = _day(data.get("generated_at"))
    else:
        raise ReferenceDataError(
            f"{path} is not an endoflife.date product file (expected a list of cycles or "
            '{"result": {"releases": [...]}}); download /api/<product>.json or '
            f"{_DOWNLOAD} from endoflife.date."
        )
    if not records:
        raise ReferenceDataError(
            f"{path} lists no release cycles; download the product's file again from "
            "endoflife.date."
        )
    for record in records:
        record["checked"] = dated
    return EndoflifeData(product, eol_frame(records), dated)


def _classic_records(path: Path, product: str, data: list) -> list[dict]:
    items = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "cycle" not in item:
            raise ReferenceDataError(
                f"{path}: entry {i + 1} has no 'cycle', so this is not an endoflife.date "
                "/api/<product>.json file; download it again."
            )
        name = str(item["cycle"]).strip().lower()
        items.append(
            {
                "name": name,
                "label": str(item["cycle"]).strip(),
                "eol": item.get("eol"),
                "eoes": item.get("extendedSupport"),
                "where": f"{path}: cycle {name}",
                "fields": ("eol", "extendedSupport"),
            }
        )
    name = PRODUCT_NAMES.get(product, product)
    return _records(product, name, items, "extended support", f"https://endoflife.date/{product}")


def _v1_records(path: Path, product: str, result: dict) -> list[dict]:
    items = []
    for i, item in enumerate(result["releases"]):
        if not isinstance(item, dict) or "name" not in item:
            raise ReferenceDataError(
                f"{path}: release {i + 1} has no 'name', so this is not an endoflife.date "
                "v1 product file; download it again."
            )
        name = str(item["name"]).strip().lower()
        eol = item.get("eolFrom")
        eoes = item.get("eoesFrom")
        items.append(
            {
                "name": name,
                "label": str(item.get("label") or item["name"]),
                "eol": eol if eol is not None else bool(item.get("isEol", False)),
                "eoes": eoes if eoes is not None else item.get("isEoes"),
                "where": f"{path}: release {name}",
                "fields": ("eolFrom", "eoesFrom"),
            }
        )
    labels = result.get("labels") if isinstance(result.get("labels"), dict) else {}
    links = result.get("links") if isinstance(result.get("links"), dict) else {}
    pages = [str(links.get("releasePolicy") or ""), f"https://endoflife.date/{product}"]
    source = " ; ".join(p for p in pages if p)
    extension = str(labels.get("eoes") or "")
    return _records(product, str(result.get("label") or product), items, extension, source)


def _records(
    product: str, product_label: str, items: list[dict], extension: str, source: str
) -> list[dict]:
    """Rows of one product: dates read, release names and labels mapped onto flowmap's."""
    for item in items:
        eol_field, eoes_field = item["fields"]
        item["support_end"] = _json_date(item["where"], eol_field, item["eol"], ended=True)
        item["extended_end"] = _json_date(item["where"], eoes_field, item["eoes"], ended=False)
    cycles = flowmap_cycles(
        product, [(i["name"], (i["support_end"] or dt.date.min).isoformat()) for i in items]
    )
    free = FREE_EXTENSIONS.get(product)
    records = []
    for item in items:
        support_end, extended_end = item["support_end"], item["extended_end"]
        notes = []
        if support_end == ENDED_DATE_UNKNOWN:
            notes.append("endoflife.date says support has ended but gives no date")
        elif support_end is None:
            notes.append("end of support not announced")
        if free and extended_end is not None and extended_end > (support_end or extended_end):
            notes.append(
                f"regular security support to {support_end}, then {free} (free, "
                f"community-run; not every package or architecture) to {extended_end}"
            )
        if free and extended_end is not None:
            support_end, extended_end = max(support_end or extended_end, extended_end), None
        cycle = cycles[item["name"]]
        records.append(
            {
                "product": product,
                "cycle": cycle,
                "label": release_label(product, product_label, cycle, item["label"]),
                "support_end": support_end,
                "extended_end": extended_end,
                "extension": f"{extension} (paid)" if extended_end and extension else "",
                "source": source,
                "notes": "; ".join(notes),
            }
        )
    return records


def _json_date(where: str, field: str, value: object, ended: bool) -> dt.date | None:
    """A date from an endoflife.date field: ISO text, a boolean, or null."""
    if value is None or value is False or value == "":
        return None
    if value is True:
        return ENDED_DATE_UNKNOWN if ended else None
    problem = (
        f"{where}: {field} {value!r} is not a date (YYYY-MM-DD) or true/false; "
        "download the file again from endoflife.date."
    )
    if not isinstance(value, str):
        raise ReferenceDataError(problem)
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise ReferenceDataError(problem) from exc


def _day(value: object) -> dt.date | None:
    """The day of an ISO timestamp (``generated_at``), or None."""
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
