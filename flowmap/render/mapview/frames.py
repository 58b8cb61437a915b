"""The tables a map is drawn from: the few columns of an Analysis that the map shows.

Every view is built from a :class:`MapFrames` and nothing else, so a redacted map
(:func:`flowmap.render.mapview.redact.redact_frames`) cannot show what redaction removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

ORG_COLUMNS = ["org_id", "name", "sector", "dspt_status", "ce_plus"]
SYSTEM_COLUMNS = [
    "system_id",
    "name",
    "org_id",
    "kind",
    "os",
    "zone",
    "hosting",
    "criticality",
    "internet_facing",
    "supplier_org_id",
    "eol_status",
    "support_end",
    "open_vulnerabilities",
    "open_kev",
    "likelihood",
    "reach",
    "blast_radius",
]
ASSET_COLUMNS = [
    "asset_id",
    "name",
    "org_id",
    "owner",
    "data_categories",
    "records",
    "impact",
    "risk",
]
FLOW_COLUMNS = [
    "flow_id",
    "asset_id",
    "source_system_id",
    "target_system_id",
    "sender_org_id",
    "receiver_org_id",
    "transport",
    "encrypted",
    "purpose",
    "lawful_basis",
    "special_condition",
    "dsa_ref",
    "dsa_expires",
    "records_per_year",
    "frequency",
    "destination_country",
    "data_categories",
]
BACKUP_COLUMNS = [
    "backup_id",
    "source_system_id",
    "target_system_id",
    "isolation",
    "offsite",
    "encrypted",
    "last_restore_test",
    "restore_result",
]
FINDING_COLUMNS = [
    "severity",
    "score",
    "rule",
    "title",
    "subject_type",
    "subject_id",
    "org_id",
    "message",
    "problem_id",
]
COPY_COLUMNS = ["asset_id", "system_id", "how", "via", "hops", "route"]
PATH_COLUMNS = [
    "asset_id",
    "org_id",
    "target_system_id",
    "probability",
    "impact",
    "risk",
    "entry_system_id",
    "entry_kind",
    "hops",
    "systems",
    "moves",
]


@dataclass(frozen=True)
class MapFrames:
    """What a map may show, one DataFrame per kind of thing (plain columns, no index).

    ``paths`` has ``systems`` (tuple of system ids, entry first) and ``moves`` (tuple of
    how each step was made) instead of the analysis's ``path`` and ``steps``.
    """

    orgs: pd.DataFrame
    systems: pd.DataFrame
    assets: pd.DataFrame
    flows: pd.DataFrame
    backups: pd.DataFrame
    findings: pd.DataFrame
    copies: pd.DataFrame
    paths: pd.DataFrame
    as_of: dt.date
    source: str
    top_paths: int
    redacted: bool = False

    def with_tables(self, **tables: object) -> MapFrames:
        """A copy with some tables (or fields) replaced."""
        return replace(self, **tables)


def frames_of(analysis: Analysis) -> MapFrames:
    """Take the columns the map shows from an :class:`flowmap.Analysis`.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> f = frames_of(a)
    >>> len(f.systems) == len(a.systems), list(f.paths.columns[-2:])
    (True, ['systems', 'moves'])
    """
    inv = analysis.inventory
    paths = analysis.attack_paths.copy()
    paths["systems"] = [tuple(s["system_id"] for s in steps) for steps in paths["steps"]]
    paths["moves"] = [tuple(s["how"] for s in steps) for steps in paths["steps"]]
    return MapFrames(
        orgs=_take(inv.organisations, ORG_COLUMNS),
        systems=_take(analysis.systems, SYSTEM_COLUMNS),
        assets=_take(analysis.assets, ASSET_COLUMNS),
        flows=_take(analysis.flows, FLOW_COLUMNS),
        backups=_take(inv.backups, BACKUP_COLUMNS),
        findings=_take(analysis.findings, FINDING_COLUMNS),
        copies=_take(analysis.copies, COPY_COLUMNS),
        paths=_take(paths, PATH_COLUMNS),
        as_of=analysis.as_of,
        source=inv.name,
        top_paths=analysis.settings.top_paths,
    )


def _take(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    present = [c for c in columns if c in frame.columns]
    out = frame[present].reset_index(drop=True).copy()
    for c in columns:
        if c not in out.columns:
            out[c] = ""
    return out[columns]
