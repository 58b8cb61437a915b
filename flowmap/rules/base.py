"""Typed rule objects and the findings they produce.

A :class:`Rule` has a stable id (``EOL_OS``), the kind of subject it judges, a base
score, a remediation and its standard references. Its ``evaluate`` function takes
the :class:`RuleContext` and returns the hits as a DataFrame with ``subject_id``,
``org_id``, ``message``, ``evidence`` (a dict of the values that triggered it) and
optionally ``score``; :func:`findings_frame` adds the rule's metadata and severity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from flowmap.inventory import Inventory
from flowmap.settings import SEVERITIES, SEVERITY_FLOOR, AnalysisSettings

FINDING_COLUMNS = ["finding_id", "rule", "title", "severity", "score", "subject_type",
                   "subject_id", "org_id", "message", "evidence", "remediation", "references",
                   "caf"]
CRITICALITY_ADJUST = {"critical": 10, "high": 5, "medium": 0, "low": -10}


@dataclass
class RuleContext:
    """Everything a rule may read: the inventory and the scores computed from it."""

    inventory: Inventory
    as_of: dt.date
    settings: AnalysisSettings
    systems: pd.DataFrame       # inventory systems + likelihood columns
    assets: pd.DataFrame        # inventory assets + impact columns
    copies: pd.DataFrame        # flowmap.copies.data_copies
    paths: pd.DataFrame         # flowmap.paths.asset_paths
    flows: pd.DataFrame         # inventory flows + sender/receiver org and asset columns
    cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)  # shared by rules

    @property
    def today(self) -> pd.Timestamp:
        return pd.Timestamp(self.as_of)


@dataclass(frozen=True)
class Rule:
    """One check, with a stable id and what to do when it fires."""

    id: str
    title: str
    subject_type: str  # system, asset, flow, backup or organisation
    score: float
    remediation: str
    references: tuple[str, ...]
    caf: str  # the NCSC CAF outcome it evidences (A3.a, B3.a, B4.d, B5.a, B5.c ...)
    evaluate: Callable[[RuleContext], pd.DataFrame]

    def run(self, ctx: RuleContext) -> pd.DataFrame:
        """Evaluate the rule and return its findings in the standard columns."""
        return findings_frame(self, self.evaluate(ctx))


def hits(frame: pd.DataFrame, *, subject: str, org: str,
         message: Callable[[Any], str], evidence: Iterable[str] | Callable[[Any], dict],
         score: Callable[[Any], float] | None = None) -> pd.DataFrame:
    """Turn the rows of ``frame`` that a rule matched into hits.

    ``message`` and ``score`` are applied to each row (a namedtuple from
    ``itertuples``); ``evidence`` is a list of column names (converted column by
    column, the fast way) or a function of the row.
    """
    columns = ["subject_id", "org_id", "message", "evidence"] + (["score"] if score else [])
    if frame.empty:
        return pd.DataFrame(columns=columns)
    rows = list(frame.itertuples(index=False))
    if callable(evidence):
        found = [evidence(r) for r in rows]
    else:
        fields = list(evidence)
        values = [evidence_values(frame[f]) for f in fields]
        found = [dict(zip(fields, v)) for v in zip(*values)]
    out = pd.DataFrame({"subject_id": frame[subject].to_numpy(dtype=object),
                        "org_id": frame[org].to_numpy(dtype=object),
                        "message": [message(r) for r in rows], "evidence": found})
    if score is not None:
        out["score"] = [score(r) for r in rows]
    return out


def evidence_values(series: pd.Series) -> list[object]:
    """A column as JSON-ready values: ISO dates, lists for tuples, None for unknown."""
    from flowmap.graph import plain_values

    values = plain_values(series)
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if v is None else v.isoformat() for v in values]
    if series.dtype == object:
        return [v if isinstance(v, str) else plain(v) for v in values]
    return values


def findings_frame(rule: Rule, found: pd.DataFrame) -> pd.DataFrame:
    """Add the rule's id, title, remediation, references and severity to its hits."""
    if found.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    out = found.copy()
    if "score" not in out:
        out["score"] = rule.score
    out["score"] = out["score"].astype("float64").clip(0, 100).round(1)
    out["severity"] = severity_column(out["score"])
    out["rule"] = rule.id
    out["title"] = rule.title
    out["subject_type"] = rule.subject_type
    out["remediation"] = rule.remediation
    out["references"] = [list(rule.references)] * len(out)
    out["caf"] = rule.caf
    out["finding_id"] = rule.id + ":" + out["subject_id"].astype(str)
    return out[FINDING_COLUMNS]


def severity_column(scores: pd.Series) -> pd.Series:
    """The severity band of every score at once (see :func:`flowmap.settings.severity_of`).

    >>> severity_column(pd.Series([85.0, 60.0, 5.0])).tolist()
    ['critical', 'high', 'info']
    """
    conditions = [scores >= SEVERITY_FLOOR[name] for name in SEVERITIES]
    return pd.Series(np.select(conditions, list(SEVERITIES), "info"), index=scores.index)


def plain(value: object) -> object:
    """A value as JSON can hold it: dates as ISO text, unknown as None.

    >>> plain(pd.Timestamp("2026-01-02")), plain(pd.NA), plain(("a", "b"))
    ('2026-01-02', None, ['a', 'b'])
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def criticality_score(base: float, criticality: str) -> float:
    """A system rule's base score moved by the system's criticality.

    >>> criticality_score(60, "critical"), criticality_score(60, "low")
    (70, 50)
    """
    return base + CRITICALITY_ADJUST.get(criticality, 0)


def date_text(value: object) -> str:
    """A date for a message, or 'never recorded'.

    >>> date_text(pd.Timestamp("2026-03-01")), date_text(pd.NaT)
    ('1 Mar 2026', 'never recorded')
    """
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return "never recorded"
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts.strftime('%b %Y')}"
