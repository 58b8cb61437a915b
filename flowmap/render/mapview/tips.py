"""Tooltip values in words: yes or no, percentages, dates as "1 Nov 2026", codes as words.

Every value the map shows in a tooltip or the details panel goes through these, so a
reader sees "Reachable from the internet: yes" and "Likelihood of compromise: 22%",
never "True" or "0.216".
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from flowmap.render import fmt


def text(value: object) -> str:
    """A cell as text for a tooltip: yes or no, dates as "1 Nov 2026", lists joined.

    >>> text(True), text(None), text(0.25), text(("a", "b")), text(float("nan"))
    ('yes', 'unknown', '0.25', 'a; b', 'unknown')
    >>> text(pd.Timestamp("2026-03-31")), text(np.bool_(False))
    ('31 Mar 2026', 'no')
    """
    if isinstance(value, (tuple, list)):
        return "; ".join(map(str, value))
    if value is None or value is pd.NA or value is pd.NaT:
        return "unknown"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)):
        return "unknown" if math.isnan(value) else f"{value:.4g}"
    if isinstance(value, (pd.Timestamp, dt.date)):
        return fmt.day(value)
    try:
        if pd.isna(value):
            return "unknown"
    except (TypeError, ValueError):
        pass
    return str(value) if str(value) != "" else "unknown"


def share(value: object) -> str:
    """A probability as a percentage, or "unknown".

    >>> share(0.216), share(None)
    ('22%', 'unknown')
    """
    return fmt.pct(value) or "unknown"


def words(value: object, empty: str = "unknown") -> str:
    """A code as words ("nhs_trust" -> "NHS trust"), or ``empty``.

    >>> words("direct_care"), words(""), words(None, "none recorded")
    ('Direct care', 'unknown', 'none recorded')
    """
    return fmt.words(value) or empty


#: Operating-system support status in words.
SUPPORT_WORDS = {
    "eol": "Unsupported",
    "eol_extended": "Past support, on paid extended updates",
    "eol_soon": "Supported, ending within a year",
    "supported": "Supported",
    "unknown": "Unknown",
    "not_applicable": "Not applicable",
}


def support(status: object, end: object) -> str:
    """A system's operating-system support in words, with the vendor's end date.

    >>> support("eol", "2023-05-31"), support("supported", None)
    ('Unsupported (vendor support ended 31 May 2023)', 'Supported')
    """
    out = SUPPORT_WORDS.get(str(status), words(status))
    day = fmt.day(end) if isinstance(end, (str, dt.date, pd.Timestamp)) and end else ""
    if day and status in ("eol", "eol_extended"):
        out += f" (vendor support ended {day})"
    elif day and status == "eol_soon":
        out += f" (ends {day})"
    return out
