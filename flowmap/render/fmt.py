"""Numbers, money, dates and codes as people read them (the board paper and the map).

GBP with no decimals, percentages, dates as "1 Nov 2026", counts with thousands
separators, risk as whole impact points, and inventory codes (``nhs_trust``,
``standards_met``) as words.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Words kept in capitals when a code is turned into words.
ACRONYMS = {
    "nhs": "NHS",
    "gp": "GP",
    "icb": "ICB",
    "saas": "SaaS",
    "eol": "EOL",
    "dspt": "DSPT",
    "caf": "CAF",
    "mfa": "MFA",
    "smb1": "SMBv1",
    "esu": "ESU",
    "dsa": "DSA",
    "os": "OS",
    "rpo": "RPO",
    "rto": "RTO",
    "hscn": "HSCN",
    "api": "API",
    "sftp": "SFTP",
    "it": "IT",
}


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def gbp(value: float | None) -> str:
    """Pounds with no decimals.

    >>> gbp(3000.0), gbp(1234567.4), gbp(None)
    ('£3,000', '£1,234,567', '')
    """
    if _missing(value):
        return ""
    return f"£{float(value):,.0f}"


def count(value: float | None) -> str:
    """A whole number with thousands separators.

    >>> count(1234), count(0), count(None)
    ('1,234', '0', '')
    """
    if _missing(value):
        return ""
    return f"{round(float(value)):,}"


def pct(value: float | None) -> str:
    """A share (0-1) as a percentage; tiny shares are not rounded to nothing.

    >>> pct(0.216), pct(1.0), pct(0.003), pct(0), pct(None)
    ('22%', '100%', '<1%', '0%', '')
    """
    if _missing(value):
        return ""
    v = float(value) * 100
    if 0 < v < 0.5:
        return "<1%"
    if 99.5 <= v < 100:
        return ">99%"
    return f"{v:.0f}%"


def risk(value: float | None) -> str:
    """Risk in impact points: whole numbers, one decimal below 10.

    >>> risk(1234.48), risk(5.92), risk(0), risk(None)
    ('1,234', '5.9', '0', '')
    """
    if _missing(value):
        return ""
    v = float(value)
    if v == 0:
        return "0"
    return f"{v:,.1f}" if abs(v) < 10 else f"{v:,.0f}"


def day(value: dt.date | str | None, *, long: bool = False) -> str:
    """A date as "1 Nov 2026" (or "1 November 2026").

    >>> day(dt.date(2026, 11, 1)), day("2026-03-31", long=True), day(None), day("")
    ('1 Nov 2026', '31 March 2026', '', '')
    """
    if _missing(value) or value == "":
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    months = MONTHS_LONG if long else MONTHS
    return f"{value.day} {months[value.month - 1]} {value.year}"


def words(code: object) -> str:
    """An inventory code as words, first letter capital.

    >>> words("social_care_provider"), words("nhs_trust"), words("standards_met")
    ('Social care provider', 'NHS trust', 'Standards met')
    >>> words(""), words(None)
    ('', '')
    """
    if _missing(code) or code == "":
        return ""
    parts = str(code).replace("_", " ").split(" ")
    out = [ACRONYMS.get(p.lower(), p.lower()) for p in parts]
    if out and out[0] and out[0] not in ACRONYMS.values():
        out[0] = out[0][0].upper() + out[0][1:]
    return " ".join(out)


def yes_no(value: object, *, unknown: str = "unknown") -> str:
    """A flag as "yes", "no" or "unknown".

    >>> yes_no(True), yes_no(False), yes_no(None), yes_no(pd.NA)
    ('yes', 'no', 'unknown', 'unknown')
    """
    if _missing(value):
        return unknown
    return "yes" if bool(value) else "no"


def plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 system", "2 systems".

    >>> plural(1, "system"), plural(3, "system"), plural(2, "copy", "copies")
    ('1 system', '3 systems', '2 copies')
    """
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def change(before: float, after: float) -> str:
    """How a figure moved, in words: "up 12%", "down 3", "unchanged".

    >>> change(100, 112), change(10, 7), change(5, 5), change(0, 4)
    ('up 12%', 'down 30%', 'unchanged', 'up from 0')
    """
    if math.isclose(before, after, abs_tol=1e-9):
        return "unchanged"
    direction = "up" if after > before else "down"
    if before == 0:
        return f"{direction} from 0"
    return f"{direction} {pct(abs(after - before) / abs(before))}"


def shorten(text: object, limit: int) -> str:
    """Text cut at ``limit`` characters with an ellipsis.

    >>> shorten("Riverside Hospitals NHS Foundation Trust", 20)
    'Riverside Hospitals…'
    """
    text = "" if _missing(text) else str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
