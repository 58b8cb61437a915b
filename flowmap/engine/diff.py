"""What changed between two analyses: entities, problems, findings and total risk.

``flowmap diff OLD NEW`` (and the board report's ``--previous``) compares two
inventories analysed on the same terms: rows added, removed and changed field by
field (matched on each table's key), problems and findings new, resolved, worsened and
improved (matched on ``problem_id`` and ``finding_id``: a problem is the findings one
fix closes, so patching one gateway is one problem resolved, however many findings it
had), and the change in total risk broken down by asset.

Examples
--------
>>> import datetime, flowmap
>>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
...                     as_of=datetime.date(2026, 11, 1))
>>> d = diff(a, a)
>>> len(d.entities), len(d.problems), len(d.findings), d.risk_before == d.risk_after
(0, 0, 0, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from flowmap.engine.problems import kind_of
from flowmap.engine.rules.base import plain
from flowmap.inventory.schema import TABLES
from flowmap.inventory.textstorage import python_text

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
PROBLEM_COLUMNS = [
    "problem_id",
    "title",
    "change",
    "old_score",
    "new_score",
    "old_severity",
    "new_severity",
    "findings_before",
    "findings_after",
    "org_id",
    "message",
]
CONTRIBUTION_COLUMNS = ["asset_id", "name", "risk_before", "risk_after", "change"]
#: Order changes are listed in.
CHANGE_ORDER = {"new": 0, "worsened": 1, "resolved": 2, "improved": 3}


@dataclass
class InventoryDiff:
    """The difference between two analyses (see :func:`diff`)."""

    entities: pd.DataFrame
    findings: pd.DataFrame
    risk_before: float
    risk_after: float
    contributions: pd.DataFrame
    summary: dict[str, object] = field(default_factory=dict)
    #: Problems new, resolved, worsened and improved (:func:`problem_changes`).
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))

    @property
    def empty(self) -> bool:
        return (
            not len(self.entities)
            and not len(self.findings)
            and not len(self.problems)
            and self.risk_before == self.risk_after
        )

    def __repr__(self) -> str:
        return (
            f"InventoryDiff({len(self.entities)} entity changes, {len(self.problems)} "
            f"problem changes, {len(self.findings)} finding changes, "
            f"risk {self.risk_before:,.2f} -> {self.risk_after:,.2f})"
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


def _change(before: pd.Series | None, after: pd.Series | None) -> str | None:
    """``new``, ``resolved``, ``worsened`` or ``improved`` by score; None when unchanged."""
    if before is None:
        return "new"
    if after is None:
        return "resolved"
    if float(after["score"]) > float(before["score"]):
        return "worsened"
    if float(after["score"]) < float(before["score"]):
        return "improved"
    return None


def finding_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Findings new, resolved, worsened (higher score) and improved (lower score)."""
    o = old.drop_duplicates("finding_id").set_index("finding_id")
    n = new.drop_duplicates("finding_id").set_index("finding_id")
    rows = []
    for fid in sorted(set(o.index) | set(n.index)):
        a = o.loc[fid] if fid in o.index else None
        b = n.loc[fid] if fid in n.index else None
        change = _change(a, b)
        if change is None:
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
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    return (
        out.assign(_o=out["change"].map(CHANGE_ORDER))
        .sort_values(["_o", "finding_id"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def problem_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Problems (the findings one fix closes: :mod:`flowmap.engine.problems`) new,
    resolved, worsened and improved, judged by each problem's most severe finding.

    A problem is new when none of its findings was there before and resolved when none
    is left; otherwise its most severe finding's score says whether it got worse or
    better. The message and organisation are its most severe finding's (now, or before
    when resolved); ``findings_before`` and ``findings_after`` count its findings.

    Examples
    --------
    >>> old = pd.DataFrame({"problem_id": ["unpatched:S1", "unpatched:S1", "no-mfa:S2"],
    ...     "finding_id": ["KEV_OPEN:S1", "PATCH_STALE:S1", "NO_MFA_INTERNET:S2"],
    ...     "score": [95.0, 45.0, 70.0], "severity": ["critical", "medium", "high"],
    ...     "org_id": ["RXA"] * 3, "message": ["m1", "m2", "m3"]})
    >>> new = old.iloc[[1]]  # the KEV patched (the stale patch remains); MFA turned on
    >>> problem_changes(old, new)[["problem_id", "change", "findings_before",
    ...                            "findings_after"]].values.tolist()
    [['no-mfa:S2', 'resolved', 1, 0], ['unpatched:S1', 'improved', 2, 1]]
    """

    def worst(f: pd.DataFrame) -> pd.DataFrame:
        if f.empty:
            return pd.DataFrame(columns=["score", "severity", "org_id", "message", "n"])
        ranked = f.sort_values(["score", "finding_id"], ascending=[False, True], kind="stable")
        top = ranked.drop_duplicates("problem_id").set_index("problem_id")
        top = top[["score", "severity", "org_id", "message"]].copy()
        top["n"] = f.groupby("problem_id").size().reindex(top.index)
        return top

    o, n = worst(old), worst(new)
    rows = []
    for pid in sorted(set(o.index) | set(n.index)):
        a = o.loc[pid] if pid in o.index else None
        b = n.loc[pid] if pid in n.index else None
        change = _change(a, b)
        if change is None:
            continue
        r = b if b is not None else a
        kind = kind_of(pid)
        rows.append(
            {
                "problem_id": pid,
                "title": kind.title if kind else "",
                "change": change,
                "old_score": None if a is None else float(a["score"]),
                "new_score": None if b is None else float(b["score"]),
                "old_severity": "" if a is None else a["severity"],
                "new_severity": "" if b is None else b["severity"],
                "findings_before": 0 if a is None else int(a["n"]),
                "findings_after": 0 if b is None else int(b["n"]),
                "org_id": r["org_id"],
                "message": r["message"],
            }
        )
    out = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    score = out["new_score"].fillna(out["old_score"])
    return (
        out.assign(_o=out["change"].map(CHANGE_ORDER), _s=score)
        .sort_values(["_o", "_s", "problem_id"], ascending=[True, False, True], kind="stable")
        .drop(columns=["_o", "_s"])
        .reset_index(drop=True)
    )


@python_text
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
    problems = problem_changes(old.findings, new.findings)
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
        "problems": {k: int((problems["change"] == k).sum()) for k in CHANGE_ORDER},
        "findings": {k: int((findings["change"] == k).sum()) for k in CHANGE_ORDER},
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
        problems=problems,
    )
