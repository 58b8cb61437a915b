"""End-of-life tables as files: flowmap's CSV layout and endoflife.date API files.

Both readers give the frame an :class:`flowmap.reference.eol.EolTable` wraps: one row
per product release (*cycle*), columns :data:`COLUMNS`, dates as ``datetime64`` (NaT
when absent). They check what they read and raise
:class:`flowmap.errors.ReferenceDataError` with a message that says how to fix the
file. Use them through :meth:`EolTable.from_csv <flowmap.reference.eol.EolTable.from_csv>`
and :func:`flowmap.reference.eol.load_endoflife`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from flowmap.errors import ReferenceDataError

#: Columns of an end-of-life table, in file order.
COLUMNS: tuple[str, ...] = ("product", "cycle", "label", "support_end", "extended_end", "source")

#: ``support_end`` of a release whose support has ended on a date nobody published
#: (endoflife.date says ``"eol": true``). Any comparison with today says "ended".
ENDED_DATE_UNKNOWN = dt.date(1970, 1, 1)


# ---------------------------------------------------------------------------------------
# flowmap's CSV layout.
# ---------------------------------------------------------------------------------------


def read_eol_csv(path: str | Path) -> pd.DataFrame:
    """Read an end-of-life table in flowmap's CSV layout into an end-of-life frame.

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV file with columns :data:`COLUMNS`; see
        :meth:`flowmap.reference.eol.EolTable.from_csv` for the layout.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; ``product`` and ``cycle`` in lower case.

    Raises
    ------
    ReferenceDataError
        The file is missing, lacks a column, or has a bad or out-of-order date.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mine.csv"
    >>> _ = path.write_text("product,cycle,label,support_end,extended_end,source\\n"
    ...                     "Fedora,38,Fedora 38,2024-05-21,,https://fedoraproject.org\\n")
    >>> read_eol_csv(path).loc[0, ["product", "support_end"]].tolist()
    ['fedora', Timestamp('2024-05-21 00:00:00')]
    """
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(
            f"{path}: no such end-of-life file; check the path or leave the option out "
            "to use the bundled table."
        )
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ReferenceDataError(
            f"{path} is not a readable CSV file ({str(exc).splitlines()[0]}); "
            f"save it as UTF-8 CSV with columns {','.join(COLUMNS)}."
        ) from exc
    raw.columns = [c.strip().lower() for c in raw.columns]
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ReferenceDataError(
            f"{path} lacks column(s) {', '.join(missing)}; an end-of-life table needs "
            f"{','.join(COLUMNS)}."
        )
    records = []
    for offset, row in enumerate(raw.to_dict("records")):
        line = offset + 2
        product = row["product"].strip().lower()
        cycle = row["cycle"].strip().lower()
        if not product or not cycle:
            raise ReferenceDataError(
                f"{path} line {line}: product and cycle must both be filled in; "
                "fill them in or delete the row."
            )
        support_end = _csv_date(path, line, "support_end", row["support_end"])
        extended_end = _csv_date(path, line, "extended_end", row["extended_end"])
        if support_end and extended_end and extended_end < support_end:
            raise ReferenceDataError(
                f"{path} line {line}: extended_end {extended_end} is before support_end "
                f"{support_end}; correct one of the dates."
            )
        records.append(
            {
                "product": product,
                "cycle": cycle,
                "label": row["label"].strip() or f"{product} {cycle}",
                "support_end": support_end,
                "extended_end": extended_end,
                "source": row["source"].strip(),
            }
        )
    return eol_frame(records)


# ---------------------------------------------------------------------------------------
# endoflife.date files.
# ---------------------------------------------------------------------------------------


def read_endoflife(path: str | Path) -> pd.DataFrame:
    """Read an endoflife.date API file (classic or v1) into an end-of-life frame.

    Parameters
    ----------
    path : str or pathlib.Path
        The file; :func:`flowmap.reference.eol.load_endoflife` describes the two
        shapes understood and how their fields become ``support_end`` and
        ``extended_end``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, one row per release cycle.

    Raises
    ------
    ReferenceDataError
        The file is missing, is not JSON, or is JSON of another shape.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "postgresql.json"
    >>> _ = path.write_text(json.dumps([{"cycle": "9", "eol": True}]))
    >>> read_endoflife(path).loc[0, ["product", "cycle", "support_end"]].tolist()
    ['postgresql', '9', Timestamp('1970-01-01 00:00:00')]
    """
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(
            f"{path}: no such endoflife.date file; download it from "
            "https://endoflife.date/api/<product>.json or correct the path."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            f"{path} is not valid JSON (line {exc.lineno}: {exc.msg}); download it again "
            "from https://endoflife.date/api/<product>.json."
        ) from exc
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(
            f"{path} is not UTF-8 text; download it again from "
            "https://endoflife.date/api/<product>.json."
        ) from exc
    if isinstance(data, list):
        records = _classic_records(path, data)
    elif (
        isinstance(data, dict)
        and isinstance(data.get("result"), dict)
        and isinstance(data["result"].get("releases"), list)
    ):
        records = _v1_records(path, data["result"])
    else:
        raise ReferenceDataError(
            f"{path} is not an endoflife.date product file (expected a list of cycles or "
            '{"result": {"releases": [...]}}); download /api/<product>.json or '
            "/api/v1/products/<product>/ from endoflife.date."
        )
    if not records:
        raise ReferenceDataError(
            f"{path} lists no release cycles; download the product's file again from "
            "endoflife.date."
        )
    return eol_frame(records)


def _classic_records(path: Path, data: list) -> list[dict]:
    product = path.name.split(".")[0].strip().lower()
    records = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "cycle" not in item:
            raise ReferenceDataError(
                f"{path}: entry {i + 1} has no 'cycle', so this is not an endoflife.date "
                "/api/<product>.json file; download it again."
            )
        cycle = str(item["cycle"]).strip().lower()
        where = f"{path}: cycle {cycle}"
        records.append(
            {
                "product": product,
                "cycle": cycle,
                "label": f"{product} {cycle}",
                "support_end": _json_date(where, "eol", item.get("eol"), ended=True),
                "extended_end": _json_date(
                    where, "extendedSupport", item.get("extendedSupport"), ended=False
                ),
                "source": f"https://endoflife.date/{product} (from {path.name})",
            }
        )
    return records


def _v1_records(path: Path, result: dict) -> list[dict]:
    product = str(result.get("name") or path.name.split(".")[0]).strip().lower()
    product_label = str(result.get("label") or product).strip()
    records = []
    for i, item in enumerate(result["releases"]):
        if not isinstance(item, dict) or "name" not in item:
            raise ReferenceDataError(
                f"{path}: release {i + 1} has no 'name', so this is not an endoflife.date "
                "v1 product file; download it again."
            )
        cycle = str(item["name"]).strip().lower()
        where = f"{path}: release {cycle}"
        eol = item.get("eolFrom")
        if eol is None:
            eol = bool(item.get("isEol", False))
        records.append(
            {
                "product": product,
                "cycle": cycle,
                "label": f"{product_label} {item.get('label') or item['name']}",
                "support_end": _json_date(where, "eolFrom", eol, ended=True),
                "extended_end": _json_date(where, "eoesFrom", item.get("eoesFrom"), ended=False),
                "source": f"https://endoflife.date/{product} (from {path.name})",
            }
        )
    return records


# ---------------------------------------------------------------------------------------
# Dates and frames.
# ---------------------------------------------------------------------------------------


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


def _csv_date(path: Path, line: int, column: str, value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ReferenceDataError(
            f"{path} line {line}: {column} {value!r} is not a date; write it as YYYY-MM-DD."
        ) from exc


def eol_frame(records: list[dict]) -> pd.DataFrame:
    """An end-of-life frame from row dicts, its dates (``datetime.date`` or None) as datetime64.

    Parameters
    ----------
    records : list of dict
        One dict per release, keyed by :data:`COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` in order.

    Examples
    --------
    >>> frame = eol_frame([{"product": "fedora", "cycle": "38", "label": "Fedora 38",
    ...                     "support_end": dt.date(2024, 5, 21), "extended_end": None,
    ...                     "source": ""}])
    >>> frame["extended_end"].tolist()
    [NaT]
    """
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    for column in ("support_end", "extended_end"):
        frame[column] = date_column(list(frame[column]))
    return frame


def date_column(values: list) -> pd.Series:
    """Dates (or None) as a ``datetime64[ns]`` Series.

    Parameters
    ----------
    values : list
        ``datetime.date`` values or None.

    Returns
    -------
    pandas.Series
        ``datetime64[ns]``, NaT for None.

    Examples
    --------
    >>> date_column([dt.date(2024, 5, 21), None]).tolist()
    [Timestamp('2024-05-21 00:00:00'), NaT]
    """
    return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[ns]")
