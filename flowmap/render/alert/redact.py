"""Redaction of an alert's tables for sending to partners.

The map's keyed pseudonyms (:class:`flowmap.render.mapview.redact.Pseudonymiser`, an
HMAC-SHA256 of each id) replace organisation, system and asset ids, and names become
``<kind> <pseudonym>``; contacts' names and email addresses are dropped (their role is
kept); paths are written in pseudonyms. What a partner needs to act stays: the verdict,
the operating system and software, exposure, record counts and the first action. The
same key gives the same pseudonyms as the map, so a partner told the key can match them.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from flowmap.engine.alert import AlertImpact
from flowmap.render.mapview.redact import Pseudonymiser

__all__ = ["redact_impact"]


def redact_impact(impact: AlertImpact, key: str | bytes | None = None) -> AlertImpact:
    """A copy of ``impact`` with ids pseudonymised and names and contacts dropped.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> r = redact_impact(flowmap.alert_impact(a, cves=["CVE-2023-4966"]),
    ...                   "Jk3v-9QxZr2mLp0Wt7YbNa4sHc1e")
    >>> r.systems.loc[0, "system_id"].startswith("SYS-"), "Riverside" in r.systems.to_csv()
    (True, False)
    """
    p = Pseudonymiser(key)

    def ids(frame: pd.DataFrame, column: str, kind: str) -> None:
        if column in frame:
            frame[column] = p.ids(kind, frame[column])

    def named(frame: pd.DataFrame, column: str, id_column: str, word: str) -> None:
        if column in frame:
            frame[column] = word + " " + frame[id_column].astype(str)

    systems = impact.systems.copy()
    for col, kind in (("org_id", "org"), ("system_id", "system")):
        ids(systems, col, kind)
    named(systems, "org_name", "org_id", "organisation")
    named(systems, "system_name", "system_id", "system")

    assets = impact.assets.copy()
    for col, kind in (("system_id", "system"), ("system_org_id", "org"), ("asset_id", "asset"),
                      ("org_id", "org")):  # fmt: skip
        ids(assets, col, kind)
    named(assets, "asset_name", "asset_id", "asset")
    named(assets, "org_name", "org_id", "organisation")
    if "via" in assets:
        assets["via"] = ""

    paths = impact.paths.copy()
    for col, kind in (("asset_id", "asset"), ("org_id", "org"), ("entry_before", "system"),
                      ("entry_after", "system")):  # fmt: skip
        ids(paths, col, kind)
    named(paths, "asset_name", "asset_id", "asset")
    for col in ("path_before", "path_after"):
        if col in paths:  # from the ids each path carries, never by splitting its text
            paths[col + "_ids"] = [tuple(p.id("system", s) for s in v) for v in paths[col + "_ids"]]
            paths[col] = [" > ".join(v) for v in paths[col + "_ids"]]

    orgs = impact.organisations.copy()
    ids(orgs, "org_id", "org")
    named(orgs, "org_name", "org_id", "organisation")
    if len(orgs):
        orgs["contact_name"] = orgs["contact_role"].where(orgs["contact_role"] != "", "")
        orgs["contact_email"] = ""

    return replace(impact, systems=systems, assets=assets, paths=paths,
                   organisations=orgs)  # fmt: skip
