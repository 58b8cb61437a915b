"""What changed between two analyses: entities, findings and total risk.

``flowmap diff OLD NEW`` (and the board report's ``--previous``) compares two
inventories analysed on the same terms: rows added, removed and changed field by
field (matched on each table's key), findings new, resolved, worsened and improved
(matched on ``finding_id``), and the change in total risk broken down by asset.

Examples
--------
>>> import datetime, flowmap
>>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
...                     as_of=datetime.date(2026, 11, 1))
>>> d = diff(a, a)
>>> len(d.entities), len(d.findings), d.risk_before == d.risk_after
(0, 0, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from flowmap.engine.rules.base import plain
from flowmap.inventory.schema import TABLES

ENTITY_COLUMNS = ["table", "id", "change", "column", "old", "new"]
FINDING_COLUMNS = [
    "finding_id",
    "rule",
    "subject_id",
    "change",
    "old_score",
    "new_score",
    "old_severity",
    "new_severity",
    "message",
]
CONTRIBUTION_COLUMNS = ["asset_id", "name", "risk_before", "risk_after", "change"]


@dataclass
class InventoryDiff:
    """The difference between two analyses (see :func:`diff`)."""

    entities: pd.DataFrame
    findings: pd.DataFrame
    risk_before: float
    risk_after: float
    contributions: pd.DataFrame
    summary: dict[str, object] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return (
            not len(self.entities)
            and not len(self.findings)
            and self.risk_before == self.risk_after
        )

    def __repr__(self) -> str:
        return (
            f"InventoryDiff({len(self.entities)} entity changes, {len(self.findings)} "
            f"finding changes, risk {self.risk_before:,.2f} -> {self.risk_after:,.2f})"
        )


def _text(value: object) -> str:
    v = plain(value)
    if v is None:
        return ""
    if isinstance(v, list):
        return ";".join(str(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v)) if abs(v) < 1e15 else str(v)
    return str(v)


def _key(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    return (
        frame[list(key)].astype(str).agg(" / ".join, axis=1)
        if len(frame)
        else pd.Series([], dtype=object)
    )


def entity_changes(
    old_tables: dict[str, pd.DataFrame], new_tables: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """Rows added, removed and changed (one row per changed column) in every table."""
    rows: list[dict] = []
    for name, table in TABLES.items():
        old, new = old_tables.get(name), new_tables.get(name)
        if old is None or new is None:
            continue
        columns = [c for c in table.columns if c in old.columns and c in new.columns]
        o = old.assign(_id=_key(old, table.key).to_numpy()).drop_duplicates("_id").set_index("_id")
        n = new.assign(_id=_key(new, table.key).to_numpy()).drop_duplicates("_id").set_index("_id")
        for i in sorted(set(n.index) - set(o.index)):
            rows.append(
                {"table": name, "id": i, "change": "added", "column": "", "old": "", "new": ""}
            )
        for i in sorted(set(o.index) - set(n.index)):
            rows.append(
                {"table": name, "id": i, "change": "removed", "column": "", "old": "", "new": ""}
            )
        both = sorted(set(o.index) & set(n.index))
        for col in columns:
            a = [_text(v) for v in o.loc[both, col]] if both else []
            b = [_text(v) for v in n.loc[both, col]] if both else []
            for i, x, y in zip(both, a, b):
                if x != y:
                    rows.append(
                        {
                            "table": name,
                            "id": i,
                            "change": "changed",
                            "column": col,
                            "old": x,
                            "new": y,
                        }
                    )
    out = pd.DataFrame(rows, columns=ENTITY_COLUMNS)
    order = {t: k for k, t in enumerate(TABLES)}
    return (
        out.assign(_t=out["table"].map(order))
        .sort_values(["_t", "id", "change", "column"], kind="stable")
        .drop(columns="_t")
        .reset_index(drop=True)
    )


def finding_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Findings new, resolved, worsened (higher score) and improved (lower score)."""
    o = old.drop_duplicates("finding_id").set_index("finding_id")
    n = new.drop_duplicates("finding_id").set_index("finding_id")
    rows = []
    for fid in sorted(set(o.index) | set(n.index)):
        a = o.loc[fid] if fid in o.index else None
        b = n.loc[fid] if fid in n.index else None
        if a is None:
            change = "new"
        elif b is None:
            change = "resolved"
        elif float(b["score"]) > float(a["score"]):
            change = "worsened"
        elif float(b["score"]) < float(a["score"]):
            change = "improved"
        else:
            continue
        r = b if b is not None else a
        rows.append(
            {
                "finding_id": fid,
                "rule": r["rule"],
                "subject_id": r["subject_id"],
                "change": change,
                "old_score": None if a is None else float(a["score"]),
                "new_score": None if b is None else float(b["score"]),
                "old_severity": "" if a is None else a["severity"],
                "new_severity": "" if b is None else b["severity"],
                "message": r["message"],
            }
        )
    order = {"new": 0, "worsened": 1, "resolved": 2, "improved": 3}
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    return (
        out.assign(_o=out["change"].map(order))
        .sort_values(["_o", "finding_id"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def diff(old, new) -> InventoryDiff:
    """Compare two analyses (the older first).

    Parameters
    ----------
    old, new : Analysis
        From :func:`flowmap.analyse`, ideally with the same settings and reference data
        (``as_of`` may differ: a quarter later, dates have moved on).
    """
    entities = entity_changes(old.inventory.tables, new.inventory.tables)
    findings = finding_changes(old.findings, new.findings)
    a, b = old.risk_by_asset(), new.risk_by_asset()
    c = a[["asset_id", "name", "total_risk"]].merge(
        b[["asset_id", "name", "total_risk"]],
        on="asset_id",
        how="outer",
        suffixes=("_before", "_after"),
    )
    c["name"] = c["name_after"].fillna(c["name_before"])
    c["risk_before"] = c["total_risk_before"].fillna(0.0)
    c["risk_after"] = c["total_risk_after"].fillna(0.0)
    c["change"] = (c["risk_after"] - c["risk_before"]).round(2)
    c = c[c["change"] != 0]
    c = c.assign(_abs=c["change"].abs()).sort_values(
        ["_abs", "asset_id"], ascending=[False, True], kind="stable"
    )
    contributions = c[CONTRIBUTION_COLUMNS].reset_index(drop=True)
    counts = entities.groupby(["table", "change"]).size()
    summary = {
        "old": {
            "inventory": old.inventory.name,
            "as_of": old.as_of.isoformat(),
            "sources": dict(old.sources),
        },
        "new": {
            "inventory": new.inventory.name,
            "as_of": new.as_of.isoformat(),
            "sources": dict(new.sources),
        },
        "entities": {f"{t} {ch}": int(v) for (t, ch), v in counts.items()},
        "findings": {
            k: int((findings["change"] == k).sum())
            for k in ("new", "resolved", "worsened", "improved")
        },
        "risk_before": old.total_risk,
        "risk_after": new.total_risk,
        "risk_change": round(new.total_risk - old.total_risk, 2),
        "cyber_change": round(new.cyber_risk - old.cyber_risk, 2),
        "governance_change": round(new.governance_risk - old.governance_risk, 2),
        "largest_contributions": [
            {"asset_id": r.asset_id, "name": r.name, "change": float(r.change)}
            for r in contributions.head(5).itertuples(index=False)
        ],
    }
    return InventoryDiff(
        entities=entities,
        findings=findings,
        risk_before=old.total_risk,
        risk_after=new.total_risk,
        contributions=contributions,
        summary=summary,
    )
