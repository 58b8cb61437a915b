"""Vectorised sampling for the synthetic-inventory generator: random draws and text columns.

The generator builds every column as a numpy object array in one go, never row by row.
These functions draw weighted choices and log-normal counts from a
:class:`numpy.random.Generator`, and turn numbers and dates into the strings the CSV
files hold (ISO dates, zero-padded ids, concatenations), sharing one string object per
distinct value so that a million cells cost a million pointers, not a million strings.
Empty strings are unknown values (the gaps real registers have).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

#: Values of a yes/no column, ``""`` being unknown.
YES_NO = ("yes", "no", "")


def choose(
    rng: np.random.Generator,
    values: tuple[str, ...] | list[str],
    weights: tuple[float, ...] | list[float] | np.ndarray,
    size: int,
) -> np.ndarray:
    """Draw ``size`` strings from ``values`` with the given (unnormalised) weights.

    The result is an object array whose cells share the few string objects of
    ``values``, so a million cells cost a million pointers, not a million strings.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator's random source.
    values : tuple or list of str
        What to draw from.
    weights : sequence of float
        One weight per value, not necessarily adding up to 1.
    size : int
        How many to draw.

    Returns
    -------
    numpy.ndarray
        Object array of ``size`` strings.

    Examples
    --------
    >>> choose(np.random.default_rng(0), ("a", "b"), (0.0, 1.0), 3).tolist()
    ['b', 'b', 'b']
    """
    p = np.asarray(weights, dtype=float)
    pool = np.array(list(values), dtype=object)
    if size == 0:
        return pool[:0]
    return pool[rng.choice(len(pool), size=size, p=p / p.sum())]


def choose_map(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    """:func:`choose` with ``{value: weight}``.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator's random source.
    weights : dict of str to float
        Each value and its (unnormalised) weight.
    size : int
        How many to draw.

    Returns
    -------
    numpy.ndarray
        Object array of ``size`` strings.

    Examples
    --------
    >>> choose_map(np.random.default_rng(0), {"yes": 0.0, "no": 1.0}, 2).tolist()
    ['no', 'no']
    """
    return choose(rng, tuple(weights), tuple(weights.values()), size)


def blank_where(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Copy of ``values`` with ``""`` (unknown) where ``mask`` is true.

    Parameters
    ----------
    values : numpy.ndarray
        A column.
    mask : numpy.ndarray
        Booleans, one per cell: where to blank.

    Returns
    -------
    numpy.ndarray
        An object array; ``values`` is left as it was.

    Examples
    --------
    >>> blank_where(np.array(["a", "b"], dtype=object), np.array([True, False])).tolist()
    ['', 'b']
    """
    out = values.astype(object, copy=True)
    out[mask] = ""
    return out


def date_strings(
    as_of: dt.date, days_before: np.ndarray, empty: np.ndarray | None = None
) -> np.ndarray:
    """ISO dates ``days_before`` days before ``as_of`` (negative means after).

    Parameters
    ----------
    as_of : datetime.date
        The day counted from.
    days_before : numpy.ndarray
        Whole days before ``as_of``, one per cell.
    empty : numpy.ndarray, optional
        Booleans: cells left ``""`` (unknown).

    Returns
    -------
    numpy.ndarray
        Object array of ``YYYY-MM-DD`` strings, one string object per distinct date.

    Examples
    --------
    >>> date_strings(dt.date(2026, 11, 1), np.array([0, 1, 31]), np.array([False, False, True]))
    array(['2026-11-01', '2026-10-31', ''], dtype=object)
    """
    days = np.asarray(days_before, dtype=np.int64)
    unique, inverse = np.unique(days, return_inverse=True)
    text = (np.datetime64(as_of, "D") - unique.astype("timedelta64[D]")).astype(str)
    out = text.astype(object)[inverse.reshape(-1)]
    if empty is not None:
        out[empty] = ""
    return out


def int_strings(values: np.ndarray) -> np.ndarray:
    """Integers as decimal strings, sharing one string object per distinct value.

    Parameters
    ----------
    values : numpy.ndarray
        Whole numbers.

    Returns
    -------
    numpy.ndarray
        Object array of strings.

    Examples
    --------
    >>> int_strings(np.array([3, 10, 3])).tolist()
    ['3', '10', '3']
    """
    unique, inverse = np.unique(np.asarray(values, dtype=np.int64), return_inverse=True)
    return unique.astype(str).astype(object)[inverse.reshape(-1)]


def numbered(prefix: np.ndarray | str, numbers: np.ndarray, width: int) -> np.ndarray:
    """``prefix`` + zero-padded ``numbers`` as an object array.

    Parameters
    ----------
    prefix : str or numpy.ndarray
        One prefix for all, or one per number.
    numbers : numpy.ndarray
        Whole numbers.
    width : int
        Digits to pad the numbers to.

    Returns
    -------
    numpy.ndarray
        Object array of ids.

    Examples
    --------
    >>> numbered("F-", np.array([1, 42]), 4).tolist()
    ['F-0001', 'F-0042']
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    if numbers.size == 0:
        return np.zeros(0, dtype=object)
    digits = np.char.zfill(numbers.astype(str), width)
    return np.char.add(np.asarray(prefix, dtype=str), digits).astype(object)


def cat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise string concatenation of object arrays and constants.

    Parameters
    ----------
    *parts : numpy.ndarray or str
        Object arrays of one length, or strings repeated on every row.

    Returns
    -------
    numpy.ndarray
        Object array of the joined strings.

    Examples
    --------
    >>> cat(np.array(["RXA"], dtype=object), "-", np.array(["EPR"], dtype=object)).tolist()
    ['RXA-EPR']
    """
    out: np.ndarray | str = parts[0]
    for part in parts[1:]:
        out = np.asarray(out, dtype=object) + part
    return np.asarray(out, dtype=object)


def scaled_counts(rng: np.random.Generator, typical: np.ndarray, sigma: float = 0.6) -> np.ndarray:
    """Whole positive counts around ``typical``, log-normally spread, two significant figures.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator's random source.
    typical : numpy.ndarray
        The typical count of each cell.
    sigma : float, default 0.6
        Spread: the standard deviation of the log of the factor applied.

    Returns
    -------
    numpy.ndarray
        ``int64`` counts, at least 1.

    Examples
    --------
    >>> scaled_counts(np.random.default_rng(0), np.array([10.0, 400.0, 8000.0])).tolist()
    [11, 370, 12000]
    """
    raw = np.maximum(1.0, typical * rng.lognormal(0.0, sigma, len(typical)))
    magnitude = 10.0 ** np.maximum(0, np.floor(np.log10(raw)) - 1)
    return (np.round(raw / magnitude) * magnitude).astype(np.int64)
