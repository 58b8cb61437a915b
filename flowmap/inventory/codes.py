"""Ids as integer codes, and the sort-based joins and reductions the fast stages use.

Joining and grouping hundreds of thousands of rows on text ids makes pandas hash
every string each time. The vectorised stages (:mod:`flowmap.engine.copies`,
:mod:`flowmap.engine.blast`) code ids once, with codes in the ids' sorted order so that
sorting codes sorts ids, then work on int64 keys such as ``asset * width + system``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

__all__ = ["expand", "max_by", "member", "sorted_codes"]


def sorted_codes(*columns: pd.Series | np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Code the values of several columns with one shared, sorted vocabulary.

    Returns one int64 code array per column and the vocabulary; code order is the
    values' sort order.

    Examples
    --------
    >>> (a, b), names = sorted_codes(["S2", "S1"], ["S3", "S1"])
    >>> a.tolist(), b.tolist(), names.tolist()
    ([1, 0], [2, 0], ['S1', 'S2', 'S3'])
    """
    arrays = [np.asarray(c, dtype=object) for c in columns]
    codes, names = pd.factorize(
        np.concatenate(arrays) if arrays else np.empty(0, object), sort=True
    )
    bounds = np.cumsum([0] + [len(a) for a in arrays])
    return (
        [codes[lo:hi].astype(np.int64) for lo, hi in itertools.pairwise(bounds)],
        np.asarray(names, dtype=object),
    )


def max_by(key: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys, in order, and the largest value of each.

    Examples
    --------
    >>> k, v = max_by(np.array([5, 2, 5]), np.array([0.1, 0.7, 0.4]))
    >>> k.tolist(), v.tolist()
    ([2, 5], [0.7, 0.4])
    """
    if not len(key):
        return np.empty(0, np.int64), np.empty(0, np.float64)
    order = np.argsort(key, kind="stable")
    key, value = key[order], value[order]
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return key[start], np.maximum.reduceat(value, start)


def expand(group_of_pair: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Join pairs to rows by group: every (pair, row) where the row's group is the pair's.

    ``group`` must be sorted. Returns the pair index and the row index of each joined
    (pair, row), pairs in order and, within a pair, rows in order.

    Examples
    --------
    >>> pair, row = expand(np.array([1, 0, 3]), np.array([0, 1, 1]))
    >>> pair.tolist(), row.tolist()
    ([0, 0, 1], [1, 2, 0])
    """
    g = np.asarray(group_of_pair, np.int64)
    lo = np.searchsorted(group, g, side="left")
    count = np.searchsorted(group, g, side="right") - lo
    total = int(count.sum())
    if not total:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pair = np.repeat(np.arange(len(g)), count)
    row = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(total)
    return pair, row


def member(keys: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Mask of the ``keys`` found in ``pool`` (pandas hashes; ``numpy.isin`` would sort).

    Examples
    --------
    >>> member(np.array([3, 9, 4]), np.array([4, 3, 3])).tolist()
    [True, False, True]
    """
    return pd.Series(keys, copy=False).isin(pool).to_numpy(dtype=bool)
