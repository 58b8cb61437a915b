"""Products without a recogniser of their own: found by name, then by version.

Any product of the end-of-life table that no family recogniser covers (typically one
added from an endoflife.date file, such as ``postgresql``) is known by its product key
and by the text before the cycle in its release labels. A text names it when that name
appears anywhere in it (spaces, hyphens and underscores optional); the first version
number after the name then picks the release whose cycle it starts with:
``PostgreSQL 12.4`` is cycle ``12``.
"""

from __future__ import annotations

import re
from collections.abc import Set

from flowmap.reference.os_names.guess import NOT_WORD_BEFORE, OsGuess, Rows


def _alias_pattern(alias: str) -> str:
    """A regex for a product name where spaces, hyphens and dots are optional separators."""
    parts = [re.escape(p) for p in re.split(r"[\s\-_]+", alias.strip()) if p]
    return r"[\s\-_]*".join(parts)


def generic_patterns(rows: Rows, skip: Set[str]) -> list[tuple[str, re.Pattern[str], int]]:
    """Name patterns for the products that have no recogniser of their own.

    A product is known by its key and by the text before the cycle in its release
    labels (``PostgreSQL`` in ``PostgreSQL 12``); spaces, hyphens and underscores in a
    name are optional.

    Parameters
    ----------
    rows : Rows
        The end-of-life table's rows.
    skip : set of str
        Products left out: those with a recogniser of their own
        (:data:`flowmap.reference.os_names.RECOGNISED_PRODUCTS`).

    Returns
    -------
    list of (str, re.Pattern, int)
        ``(product, name regex, name length)`` for each name of each product not in
        ``skip``.

    Examples
    --------
    >>> rows = {"postgresql": {"12": ("postgresql", "12", "PostgreSQL 12", None, None, "")}}
    >>> [(product, length) for product, _, length in generic_patterns(rows, {"ubuntu"})]
    [('postgresql', 10)]
    """
    patterns = []
    for product, releases in rows.items():
        if product in skip:
            continue
        aliases = {product.lower()}
        for cycle, row in releases.items():
            label = str(row[2]).lower()
            head = label.split(f" {cycle}")[0].strip() if f" {cycle}" in label else ""
            if head:
                aliases.add(head)
        for alias in aliases:
            regex = re.compile(
                NOT_WORD_BEFORE + "(?:" + _alias_pattern(alias) + ")"
                r"(?![a-z])"
            )
            patterns.append((product, regex, len(alias)))
    return patterns


def generic_guess(
    s: str, patterns: list[tuple[str, re.Pattern[str], int]], rows: Rows
) -> OsGuess | None:
    """Product name anywhere in the text, then a version whose prefix is a cycle.

    Parameters
    ----------
    s : str
        Text as returned by :func:`flowmap.reference.os_names.guess.normalise`.
    patterns : list of (str, re.Pattern, int)
        As returned by :func:`generic_patterns` for ``rows``; the longest name found wins.
    rows : Rows
        The end-of-life table's rows.

    Returns
    -------
    OsGuess or None
        None when no product's name is in the text.

    Examples
    --------
    >>> rows = {"postgresql": {"12": ("postgresql", "12", "postgresql 12", None, None, "")}}
    >>> generic_guess("postgresql 12.4", generic_patterns(rows, set()), rows)
    OsGuess(product='postgresql', wanted='postgresql 12.4', cycles=(('12', ''),), said='postgresql')
    """
    best: tuple[int, str, re.Match[str]] | None = None
    for product, regex, length in patterns:
        m = regex.search(s)
        if m and (best is None or length > best[0]):
            best = (length, product, m)
    if best is None:
        return None
    _, product, m = best
    v = re.search(r"(?<![0-9a-z])v?(\d+(?:\.\d+)*)", s[m.end() :])
    if not v:
        return OsGuess(product, product, (), m.group(0))
    version = v.group(1)
    cycles = sorted(rows[product], key=len, reverse=True)
    for cycle in cycles:
        if version == cycle or version.startswith(cycle + "."):
            return OsGuess(product, f"{product} {version}", ((cycle, ""),), m.group(0))
    return OsGuess(product, f"{product} {version}", ((version, ""),), m.group(0))
