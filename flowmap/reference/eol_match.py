"""Matching a software name's reading to the end-of-life table's releases.

:func:`resolve` looks up every release a :class:`~flowmap.reference.os_names.Reading`
may mean and gives an :class:`OsMatch`: the dates of the release supported longest
(``support_end``) and of the one supported shortest (``support_end_earliest``), so that
the text counts as unsupported only when every release it may mean is, with a reason that
says what was read, assumed, or missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from flowmap.reference.eol_files import ENDED_DATE_UNKNOWN
from flowmap.reference.os_names import OsGuess, Reading, Rows
from flowmap.reference.os_names.versions import quoted

__all__ = ["MATCH_COLUMNS", "OsMatch", "resolve", "unrecognised"]

#: Columns :meth:`EolTable.match_many` returns, in order.
MATCH_COLUMNS: tuple[str, ...] = (
    "os_product",
    "os_cycle",
    "os_label",
    "support_end",
    "support_end_earliest",
    "extended_end",
    "extension",
    "eol_source",
    "eol_checked",
    "os_recognised",
    "os_match_reason",
)

_LATEST = dt.date.max
#: Why there are no dates for products flowmap recognises but holds no dates for.
_NO_DATES = {
    "openjdk": "OpenJDK builds come from many vendors with different support periods: "
    "record the vendor (e.g. Eclipse Temurin, Red Hat build of OpenJDK)",
    "openssh": "OpenSSH is updated with the operating system it ships with: record the OS",
    "microsoft-365": "a subscription service, supported while it is kept up to date",
}


@dataclass(frozen=True)
class OsMatch:
    """What a software name was matched to.

    Attributes
    ----------
    product : str or None
        Product key (``windows``, ``windows-server``, ``ubuntu``, ``msexchange``...). Set
        when the product was recognised even if its release was not.
    cycle : str or None
        Release key within the product (``2012-r2``, ``10-22h2``, ``18.04``); of the
        release supported longest when the text may mean several.
    label : str or None
        Human-readable name of the matched release (or releases).
    support_end : datetime.date or None
        End of support at no cost; of the release supported longest when the text may
        mean several. None when not recognised or not announced.
    extended_end : datetime.date or None
        End of paid extended security updates; None when there is no such offer.
    source : str or None
        Where the dates come from (vendor lifecycle pages).
    recognised : bool
        True when a release of the table was matched.
    reason : str
        What was read and assumed, or why nothing matched.
    support_end_earliest : datetime.date or None
        End of support of the release supported shortest, when the text may mean
        several; equal to ``support_end`` when it means one.
    extension : str or None
        Name of the paid extension programme (``Extended Security Updates (paid)``).
    checked : datetime.date or None
        When the dates were checked against their source; None when they were not.
    """

    product: str | None
    cycle: str | None
    label: str | None
    support_end: dt.date | None
    extended_end: dt.date | None
    source: str | None
    recognised: bool
    reason: str
    support_end_earliest: dt.date | None = None
    extension: str | None = None
    checked: dt.date | None = None


def resolve(reading: Reading, rows: Rows) -> OsMatch:
    if not reading.guesses:
        return unrecognised(None, None, reading.note)
    found = []
    for guess in reading.guesses:
        releases = rows.get(guess.product, {})
        hit = next(((c, n) for c, n in guess.cycles if c in releases), None)
        if hit is None:
            return _not_found(reading, guess, rows)
        found.append((guess, hit[0], hit[1], releases[hit[0]]))
    ends = [_end(row[3]) for _, _, _, row in found]
    best = max(range(len(found)), key=lambda i: (ends[i], _end(found[i][3][4], low=True)))
    guess, cycle, note, row = found[best]
    _, _, label, support_end, extended_end, extension, checked, source, notes, _ = row
    distinct = {(g.product, c) for g, c, _, _ in found}
    earliest = min(ends)
    if len(distinct) == 1:
        reason = f"read {quoted(guess.said)} as {label}" if guess.said else f"read as {label}"
        reason += f"; {note}" if note else ""
    else:
        labels = list(dict.fromkeys(r[2] for _, _, _, r in found))
        label = reading.label or " or ".join(labels[:3]) + (" ..." if len(labels) > 3 else "")
        latest = ends[best]
        span = (
            f"support of all of them ends on {_day(latest)}"
            if earliest == latest
            else f"support of its possible releases ends between {_day(earliest)} and "
            f"{_day(latest)}; record which it is"
        )
        reason = f"{reading.note}: {span}" if reading.note else span
    if notes and len(distinct) == 1:
        reason += f" ({notes})"
    if pd.isna(checked) and "not checked" not in reason:
        reason += "; dates not checked against the vendor (see the source)"
    return OsMatch(
        guess.product,
        cycle,
        label,
        _date(support_end),
        _date(extended_end),
        source or None,
        True,
        reason,
        support_end_earliest=None if earliest == _LATEST else earliest,
        extension=extension or None,
        checked=_date(checked),
    )


def _not_found(reading: Reading, guess: OsGuess, rows: Rows) -> OsMatch:
    cycle = guess.cycles[0][0] if guess.cycles else None
    if guess.product in _NO_DATES:
        reason = f"{guess.wanted}: {_NO_DATES[guess.product]}"
    elif guess.product not in rows:
        reason = (
            f"{guess.wanted}: flowmap has no end-of-life dates for this product; add "
            "them with --eol (endoflife.date) or your own table"
        )
    elif not guess.cycles:
        reason = f"{guess.wanted} without a version: cannot tell which release"
    else:
        reason = f"{guess.wanted} is not in the end-of-life table"
    if len(reading.guesses) > 1 and reading.note:
        reason = f"{reading.note}, and {reason[0].lower()}{reason[1:]}"
    return unrecognised(guess.product, cycle, reason)


def _date(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _end(value: object, *, low: bool = False) -> dt.date:
    """A date for comparing releases: not announced counts as latest (or earliest)."""
    date = _date(value)
    if date is None:
        return dt.date.min if low else _LATEST
    return date


def _day(value: dt.date) -> str:
    if value == _LATEST:
        return "a date not yet announced"
    if value == ENDED_DATE_UNKNOWN:
        return "an unpublished date"
    return value.isoformat()


def unrecognised(product: str | None, cycle: str | None, reason: str) -> OsMatch:
    return OsMatch(product, cycle, None, None, None, None, False, reason)
