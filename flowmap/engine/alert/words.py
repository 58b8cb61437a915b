"""What the alert outputs say in words: each system's first action, the headline and the
48-hour checklist.

The checklist is flowmap's own, derived from NHS England's published guidance for the
"Respond to an NHS cyber alert" service (its stages: acknowledge, decide whether the alert
applies, record remediation with a first update due within 3 days, close) and from DSPT
evidence item 6.3.2 (respond to high-severity alerts within 48 hours). It is not an NHS
England document, and every output says so.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["CHECKLIST", "CHECKLIST_SOURCE", "first_action", "headline"]

#: Where the checklist comes from, printed under it.
CHECKLIST_SOURCE = (
    "flowmap's checklist, derived from NHS England's guidance for the 'Respond to an NHS "
    "cyber alert' service (acknowledge; decide applicability; record remediation, first "
    "update within 3 days; close) and DSPT evidence item 6.3.2 (respond to high-severity "
    "alerts within 48 hours). It is not an NHS England document: follow the alert's own "
    "instructions where they differ."
)
#: (by when, what) in order.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("Hour 0-4", "Acknowledge the alert (NHS organisations: in 'Respond to an NHS cyber "
     "alert'); name one owner per organisation below."),
    ("Hour 0-4", "Isolate or take off the internet every internet-facing affected system "
     "that cannot be patched at once."),
    ("Hour 4-24", "Check applicability: confirm each 'affected' system against the vendor's "
     "advisory, and settle every 'cannot tell' system (record its OS and software)."),
    ("Hour 4-24", "Patch, or apply the vendor's mitigation, starting from the top of the "
     "list (most exposed, most harm)."),
    ("Hour 24-48", "Record for each system what was done, by whom and when, and the "
     "planned date for any left unpatched (with a compensating control)."),
    ("Hour 24-48", "Look for signs of exploitation before patching (vendor indicators of "
     "compromise); report a suspected incident to your cyber incident route."),
    ("Hour 48", "Tell the SIRO of anything left unremediated and put it on the risk "
     "register; give the first update (NHS organisations: within 3 days) and close the "
     "response when remediation is complete."),
)  # fmt: skip


def first_action(row: pd.Series | dict) -> str:
    """What to do first about one system (``patch``, ``mitigate``, ``isolate`` or ``check``),
    with the reason.

    Examples
    --------
    >>> first_action({"verdict": "affected", "internet_facing": True,
    ...     "eol_status": "supported", "status": ""})
    'isolate: faces the internet; take it off (or allow known addresses) until patched'
    >>> first_action({"verdict": "cannot tell", "internet_facing": False,
    ...     "eol_status": "unknown", "status": ""})
    'check: record what it runs (OS and software)'
    """
    verdict = row.get("verdict", "")
    facing = bool(row.get("internet_facing", False) is True)
    if verdict == "cannot tell":
        return "check: record what it runs (OS and software)"
    if verdict == "fixed":
        return "confirm: recorded fixed; confirm with a scan"
    if str(row.get("basis", "")).startswith("product,"):
        lead = "isolate" if facing else "check"
        return f"{lead}: runs the product; check its version against the advisory, then patch"
    if verdict == "mitigated":
        return "mitigate: recorded mitigated; confirm it holds, then patch"
    if facing:
        return "isolate: faces the internet; take it off (or allow known addresses) until patched"
    if row.get("eol_status") in ("eol", "eol_extended"):
        return "isolate: OS out of vendor support; segment it and check a fix exists for it"
    if row.get("status") == "risk_accepted":
        return "patch: its risk acceptance predates active exploitation; review it, patch"
    return "patch: apply the vendor's update (or its mitigation where there is none yet)"


def headline(counts: dict[str, int], label: str) -> str:
    """One sentence: what is affected, what faces the internet, what cannot be told.

    Examples
    --------
    >>> headline({"affected": 3, "recorded": 1, "internet_facing": 2, "organisations": 2,
    ...           "cannot_tell": 7, "records": 120000, "paths_changed": 4, "systems": 60},
    ...          "CVE-2023-4966")
    ... # doctest: +NORMALIZE_WHITESPACE
    'CVE-2023-4966: 3 systems affected (1 recorded by a scanner, 2 running the product) in 2
    organisations, 2 facing the internet, holding or receiving 120,000 records; 4 assets get a
    more likely attack path; cannot tell for 7 of 60 systems (what they run is not recorded).'
    """
    n = counts
    affected, recorded = n["affected"], n.get("recorded", 0)
    return (
        f"{label}: {affected} system{_s(affected)} affected ({recorded} recorded by a "
        f"scanner, {affected - recorded} running the product) in {n['organisations']} "
        f"organisation{_s(n['organisations'])}, {n['internet_facing']} facing the internet, "
        f"holding or receiving {n['records']:,} records; {n['paths_changed']} asset"
        f"{'s get' if n['paths_changed'] != 1 else ' gets'} a more likely attack path; "
        f"cannot tell for {n['cannot_tell']} of {n['systems']} systems (what they run is "
        "not recorded)."
    )


def _s(n: int) -> str:
    return "" if n == 1 else "s"
