"""Finding messages built a column at a time.

A rule's message is a template over the columns of the rows it matched, written like
an f-string::

    fill(rows, "{name} ({asset_id}) has no information asset owner.")

Each ``{field}`` is the column of that name (or a keyword value), formatted exactly as
``f"{value}"`` would format it, so ``{hops}``, ``{records:,}``, ``{probability:.0%}``
and ``{os!r}`` all work. The text is joined row by row in one pass, with no per-row
function calls, which is what makes 100,000 findings cheap. Parts that depend on the
row (a plural, a missing date) are :func:`when` choices or :func:`each` mappings
passed in as keyword values.

Text is passed through unchanged: escaping for HTML, CSV or spreadsheets happens when
findings are written out, not here.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from flowmap.engine.rules.base import date_text
from flowmap.engine.rules.columns import per_value

#: One message (or message part) per row: a 1-d numpy object array of ``str``.
Text: TypeAlias = npt.NDArray[np.object_]
#: What a template field or a :func:`when` branch may be: one text for every row, a
#: :data:`Text` array, or a column to format.
Part: TypeAlias = "str | Text | pd.Series | Sequence[str]"

_CONVERSIONS: dict[str | None, Callable[[Any], Any]] = {
    None: lambda v: v,
    "s": str,
    "r": repr,
    "a": ascii,
}


def fill(frame: pd.DataFrame | None, template: str, **values: Part) -> Text:
    """The ``template`` filled in for every row of ``frame``.

    Parameters
    ----------
    frame : DataFrame or None
        The rows; a ``{field}`` not given in ``values`` is ``frame[field]``. None when
        every field is a keyword value.
    template : str
        f-string-like text: ``{field}``, ``{field:spec}``, ``{field!r}``; ``{{`` and
        ``}}`` for literal braces.
    **values
        Fields that are not plain columns: one ``str`` for every row, or a sequence
        with one entry per row (e.g. from :func:`when`, :func:`each` or :func:`fill`).

    Returns
    -------
    Text
        One message per row; a field is formatted as ``format(value, spec)``, so a
        ``str`` value passes through unchanged.

    Examples
    --------
    >>> rows = pd.DataFrame({"name": ["Ward list", "=cmd|' /C calc'!A0"],
    ...                      "n": [1, 2500]})
    >>> fill(rows, "{name!r} holds {n:,} record{s}.", s=when(rows["n"] == 1, "", "s")).tolist()
    ["'Ward list' holds 1 record.", '"=cmd|\\' /C calc\\'!A0" holds 2,500 records.']
    >>> fill(rows.iloc[:0], "{name}").tolist()
    []
    """
    parts: list[str | Text] = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        if literal:
            parts.append(literal)
        if field is None:
            continue
        if field in values:
            part = values[field]
            if isinstance(part, str):
                parts.append(format(_CONVERSIONS[conversion](part), spec or ""))
                continue
            parts.append(text(part, spec or "", conversion))
        elif frame is None:
            raise KeyError(f"no value for template field {field!r}")
        else:
            parts.append(text(frame[field], spec or "", conversion))
    rows = (
        len(frame)
        if frame is not None
        else next((len(p) for p in parts if not isinstance(p, str)), None)
    )
    if rows is None:
        raise ValueError("fill needs a frame or at least one column value")
    columns = _merge_constants(parts)
    for c in columns:
        if not isinstance(c, str) and len(c) != rows:
            raise ValueError(f"a value has {len(c)} entries for {rows} rows")
    if all(isinstance(c, str) for c in columns):
        return _text_array([columns[0] if columns else ""] * rows)
    if len(columns) == 1:
        return columns[0].copy()  # type: ignore[union-attr]
    iterables = [itertools.repeat(c) if isinstance(c, str) else c for c in columns]
    return _text_array(["".join(p) for p in zip(*iterables)])


def template_fields(template: str) -> list[str]:
    """The field names a :func:`fill` template reads, in order.

    >>> template_fields("{name} ({asset_id}) costs {{0}} and {n:,}")
    ['name', 'asset_id', 'n']
    """
    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


def text(
    values: pd.Series | Sequence[Any] | np.ndarray, spec: str = "", conversion: str | None = None
) -> Text:
    """Every value formatted as the f-string ``{value!conversion:spec}`` would.

    Text columns pass through without a copy of each string; other columns are read
    the way ``DataFrame.itertuples`` reads them (so a ``datetime64`` value is a
    ``Timestamp`` and an unknown ``Int64`` is ``<NA>``).

    Examples
    --------
    >>> text(pd.Series([0.5, 0.125]), ".0%").tolist()
    ['50%', '12%']
    >>> text(pd.Series(["a", None, float("nan"), ""], dtype=object)).tolist()
    ['a', 'None', 'nan', '']
    """
    items: Sequence[Any]
    if isinstance(values, pd.Series):
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            items = values.to_numpy(dtype=object)
        elif isinstance(values.dtype, np.dtype) and values.dtype.kind in "biuf":
            items = values.to_numpy().tolist()  # Python scalars, as itertuples gives
        else:
            items = list(values)  # Timestamp, NaT, NA: what itertuples gives
    elif isinstance(values, np.ndarray):
        items = values if values.dtype == object else values.tolist()
    else:
        items = _text_array(values)
    if (
        not spec
        and conversion is None
        and isinstance(items, np.ndarray)
        and pd.api.types.infer_dtype(items, skipna=False) in ("string", "empty")
    ):
        return items  # type: ignore[return-value]
    convert = _CONVERSIONS[conversion]
    return _text_array([format(convert(v), spec) for v in items])


def each(values: pd.Series, function: Callable[[Any], str]) -> Text:
    """``function`` of every value, computed once per distinct value.

    For text that is slow to make but repeats a lot: dates, category names.

    Examples
    --------
    >>> each(pd.Series(["a_b", "a_b", None], dtype=object), lambda v: str(v).upper()).tolist()
    ['A_B', 'A_B', 'NONE']
    """
    return per_value(values, function)


def dates(values: pd.Series) -> Text:
    """Dates as message text (see :func:`flowmap.engine.rules.base.date_text`).

    >>> dates(pd.Series(pd.to_datetime(["2026-03-01", None, "2026-03-01"]))).tolist()
    ['1 Mar 2026', 'never recorded', '1 Mar 2026']
    """
    return each(values, date_text)


def words(values: pd.Series) -> Text:
    """Category codes as words: ``'removable_media'`` -> ``'removable media'``.

    >>> words(pd.Series(["direct_care", "research"])).tolist()
    ['direct care', 'research']
    """
    return each(values, lambda v: v.replace("_", " "))


def when(condition: pd.Series | Sequence[bool] | np.ndarray, yes: Part, no: Part) -> Text:
    """Per row, ``yes`` where ``condition`` holds, else ``no``.

    ``condition`` must be plain booleans: decide what an unknown value means (with
    ``fillna`` or ``eq``) before asking.

    >>> when(pd.Series([True, False]), "y", pd.Series(["n1", "n2"])).tolist()
    ['y', 'n2']
    """
    chosen = np.asarray(condition, dtype=bool)
    out = np.empty(len(chosen), dtype=object)
    for mask, part in ((chosen, yes), (~chosen, no)):
        out[mask] = part if isinstance(part, str) else text(part)[mask]
    return out


def _merge_constants(parts: list[str | Text]) -> list[str | Text]:
    merged: list[str | Text] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        elif not (isinstance(p, str) and not p):
            merged.append(p)
    return merged


def _text_array(items: Sequence[Any]) -> Text:
    """``items`` as a 1-d object array (never a 2-d one, whatever the items are)."""
    return np.fromiter(items, dtype=object, count=len(items))
