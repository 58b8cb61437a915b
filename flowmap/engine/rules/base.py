"""Typed rule objects and the findings they produce.

A :class:`Rule` has a stable id (``EOL_OS``), the kind of subject it judges, a base
score, a remediation and its standard references. Its ``evaluate`` function takes
the :class:`RuleContext` and returns the hits as a DataFrame with ``subject_id``,
``org_id``, ``message``, ``evidence`` (a dict of the values that triggered it) and
optionally ``score``; :func:`findings_frame` adds the rule's metadata and severity.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
import pandas as pd

from flowmap.engine.problems import ProblemOf
from flowmap.engine.rules.columns import per_value
from flowmap.engine.settings import AnalysisSettings, Severity, severity_of
from flowmap.inventory.model import Inventory

FINDING_COLUMNS = [
    "finding_id",
    "problem_id",
    "rule",
    "title",
    "severity",
    "score",
    "subject_type",
    "subject_id",
    "org_id",
    "message",
    "evidence",
    "remediation",
    "references",
    "caf",
]
CRITICALITY_ADJUST = {"critical": 10, "high": 5, "medium": 0, "low": -10}


@dataclass
class RuleContext:
    """Everything a rule may read: the inventory and the scores computed from it."""

    inventory: Inventory
    as_of: dt.date
    settings: AnalysisSettings
    systems: pd.DataFrame  # inventory systems + likelihood columns
    assets: pd.DataFrame  # inventory assets + impact columns
    copies: pd.DataFrame  # flowmap.engine.copies.data_copies
    paths: pd.DataFrame  # flowmap.engine.paths.asset_paths
    flows: pd.DataFrame  # inventory flows + sender/receiver org and asset columns
    cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)  # shared by rules

    @property
    def today(self) -> pd.Timestamp:
        return pd.Timestamp(self.as_of)


#: What a rule judges: one row of this inventory table per finding.
SubjectType = Literal["system", "asset", "flow", "backup", "organisation"]
SUBJECT_TYPES: tuple[SubjectType, ...] = get_args(SubjectType)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One check, with a stable id and what to do when it fires.

    Declared with keywords, like cartography's rules; the id never changes once
    published (findings, plans and diffs refer to it). ``problem`` says which problem
    each finding belongs to: the findings one fix would close share a ``problem_id``
    (:mod:`flowmap.engine.problems`).

    Examples
    --------
    >>> from flowmap.engine.problems import per_subject
    >>> Rule(id="X", title="t", subject_type="router", score=10, remediation="r",
    ...      references=(), caf="A1.a", problem=per_subject("smb1"), evaluate=lambda ctx: None)
    Traceback (most recent call last):
    ...
    ValueError: rule X: subject_type must be one of system, asset, ..., not 'router'
    """

    id: str
    title: str
    subject_type: SubjectType
    score: float  # base score 0-100; its severity is severity_of(score)
    remediation: str
    references: tuple[str, ...]
    caf: str  # the NCSC CAF outcome it evidences (A3.a, B3.a, B4.d, B5.a, B5.c ...)
    problem: ProblemOf  # hits -> problem ids (flowmap.engine.problems)
    evaluate: Callable[[RuleContext], pd.DataFrame]

    def __post_init__(self) -> None:
        if self.subject_type not in SUBJECT_TYPES:
            raise ValueError(
                f"rule {self.id}: subject_type must be one of "
                f"{', '.join(SUBJECT_TYPES)}, not {self.subject_type!r}"
            )
        if not 0 <= self.score <= 100:
            raise ValueError(f"rule {self.id}: score must be 0-100, not {self.score}")

    @property
    def severity(self) -> Severity:
        """The severity of the rule's base score (a finding may score higher or lower)."""
        return severity_of(self.score)

    def run(self, ctx: RuleContext) -> pd.DataFrame:
        """Evaluate the rule and return its findings in the standard columns."""
        return findings_frame(self, self.evaluate(ctx))


def hits(
    frame: pd.DataFrame,
    *,
    subject: str,
    org: str,
    message: Sequence[str],
    evidence: Iterable[str] | Mapping[str, Sequence[object]],
    score: float | Sequence[float] | None = None,
) -> pd.DataFrame:
    """Turn the rows of ``frame`` that a rule matched into hits.

    Parameters
    ----------
    frame : DataFrame
        The matched rows, one hit each.
    subject, org : str
        The columns holding the subject's id and the organisation it belongs to.
    message : sequence of str
        One message per row, usually from :func:`flowmap.engine.rules.text.fill`.
    evidence : list of column names, or mapping of key to per-row values
        Column names are converted to JSON-ready values column by column (see
        :func:`evidence_values`); a mapping gives each key's values as they should be
        stored. Each hit's evidence is a dict in this key order.
    score : float, sequence of float or None
        Per-row scores (or one for all); None leaves the rule's base score.

    Returns
    -------
    DataFrame
        ``subject_id``, ``org_id``, ``message``, ``evidence`` and, if given, ``score``.
    """
    columns = ["subject_id", "org_id", "message", "evidence"] + (
        ["score"] if score is not None else []
    )
    if frame.empty:
        return empty_frame(columns)
    rows = len(frame)
    if isinstance(evidence, Mapping):
        fields = list(evidence)
        values: list[Sequence[object]] = [evidence[f] for f in fields]
    else:
        fields = list(evidence)
        values = [evidence_values(frame[f]) for f in fields]
    found = row_dicts(tuple(fields))(zip(*values)) if fields else [{} for _ in range(rows)]
    out = pd.DataFrame(
        {
            "subject_id": frame[subject].to_numpy(dtype=object),
            "org_id": frame[org].to_numpy(dtype=object),
            "message": np.asarray(message, dtype=object),
            "evidence": found,
        }
    )
    if score is not None:
        out["score"] = score if np.isscalar(score) else np.asarray(score)
    return out


@functools.cache
def row_dicts(keys: tuple[str, ...]) -> Callable[[Iterable[tuple]], list[dict[str, object]]]:
    """A function that turns rows of values into dicts with these ``keys``, in order.

    Equivalent to ``lambda rows: [dict(zip(keys, row)) for row in rows]``, but about twice
    as fast: like :func:`collections.namedtuple`, it compiles code for the keys, a dict
    display (``{'asset_id': v0, 'systems': v1}``) per row. The keys are written into the code
    with ``repr``, so any text is safe.

    >>> row_dicts(("id", "o'k"))([("A1", 1), ("A2", None)])
    [{'id': 'A1', "o'k": 1}, {'id': 'A2', "o'k": None}]
    """
    names = [f"v{i}" for i in range(len(keys))]
    display = ", ".join(f"{key!r}: {name}" for key, name in zip(keys, names))
    return eval(f"lambda rows: [{{{display}}} for ({', '.join(names)},) in rows]", {})


def evidence_values(series: pd.Series) -> list[object]:
    """A column as JSON-ready values: ISO dates, lists for tuples, None for unknown."""
    from flowmap.engine.graph import plain_values

    if pd.api.types.is_datetime64_any_dtype(series):  # ISO text once per distinct date
        codes, uniques = pd.factorize(series)
        iso = np.array([u.date().isoformat() for u in uniques] + [None], dtype=object)
        return iso[codes].tolist()
    if isinstance(series.dtype, pd.BooleanDtype | pd.Int64Dtype):  # Python bool / int, or None
        return series.to_numpy(dtype=object, na_value=None).tolist()
    values = plain_values(series)
    if series.dtype == object:
        if pd.api.types.infer_dtype(series, skipna=False) == "string":
            return values
        return _plain_objects(values)
    return values


def _plain_objects(values: list[object]) -> list[object]:
    """Each value as :func:`plain` gives it, text as it is.

    A tuple of text (data categories, say) is converted once per distinct tuple; each
    row gets its own copy of the list.

    >>> _plain_objects(["a", ("x", "y"), ("x", "y"), None, (1, ("z",))])
    ['a', ['x', 'y'], ['x', 'y'], None, [1, ['z']]]
    """
    lists: dict[tuple, list] = {}
    out: list[object] = []
    for v in values:
        if isinstance(v, str):
            out.append(v)
            continue
        try:
            seen = lists[v]  # type: ignore[index]
        except (KeyError, TypeError):  # not seen, or not hashable
            converted = plain(v)
            if type(v) is tuple and all(type(x) is str for x in v):
                lists[v] = seen = converted  # type: ignore[assignment]
            else:
                out.append(converted)
                continue
        out.append(seen.copy())
    return out


def findings_frame(rule: Rule, found: pd.DataFrame) -> pd.DataFrame:
    """Add the rule's id, title, remediation, references and severity to its hits."""
    if found.empty:
        return empty_frame(FINDING_COLUMNS)
    score = found["score"] if "score" in found else pd.Series(rule.score, index=found.index)
    score = score.astype("float64").clip(0, 100).round(1)
    return pd.DataFrame(
        {
            "finding_id": finding_ids(rule.id, found["subject_id"]),
            "problem_id": rule.problem(found),
            "rule": rule.id,
            "title": rule.title,
            "severity": severity_column(score),
            "score": score,
            "subject_type": rule.subject_type,
            "subject_id": found["subject_id"],
            "org_id": found["org_id"],
            "message": found["message"],
            "evidence": found["evidence"],
            "remediation": rule.remediation,
            "references": [list(rule.references)] * len(found),
            "caf": rule.caf,
        },
        index=found.index,
    )


def finding_ids(rule_id: str, subjects: pd.Series) -> pd.Series:
    """``RULE:subject`` for every subject.

    >>> finding_ids("EOL_OS", pd.Series(["S1", "S2"])).tolist()
    ['EOL_OS:S1', 'EOL_OS:S2']
    """
    ids = subjects.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(ids, skipna=False) == "string":  # numpy joins text faster
        return pd.Series(np.add(rule_id + ":", ids), index=subjects.index)
    return rule_id + ":" + subjects.astype(str)


def empty_frame(columns: Iterable[str]) -> pd.DataFrame:
    """``pd.DataFrame(columns=columns)``, copied from a cached one (20 times faster)."""
    return _empty_frame(tuple(columns)).copy()


@functools.cache
def _empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(columns=list(columns))


def severity_column(scores: pd.Series) -> pd.Series:
    """The severity band of every score at once (see :func:`flowmap.engine.settings.severity_of`).

    >>> severity_column(pd.Series([85.0, 60.0, 5.0])).tolist()
    ['critical', 'high', 'info']
    """
    return pd.Series(per_value(scores, severity_of), index=scores.index)  # few distinct scores


def plain(value: object) -> object:
    """A value as JSON can hold it: dates as ISO text, unknown as None.

    >>> plain(pd.Timestamp("2026-01-02")), plain(pd.NA), plain(("a", "b"))
    ('2026-01-02', None, ['a', 'b'])
    """
    if type(value) is str:  # the common case, first
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [v if type(v) is str else plain(v) for v in value]
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


def criticality_scores(base: float | np.ndarray, criticality: pd.Series) -> np.ndarray:
    """:func:`criticality_score` for a column of criticalities at once.

    >>> criticality_scores(60, pd.Series(["critical", "low", "unknown"])).tolist()
    [70.0, 50.0, 60.0]
    """
    adjust = criticality.map(CRITICALITY_ADJUST).fillna(0).to_numpy(dtype="float64")
    return np.asarray(base, dtype="float64") + adjust


def date_text(value: object) -> str:
    """A date for a message, or 'never recorded'.

    >>> date_text(pd.Timestamp("2026-03-01")), date_text(pd.NaT)
    ('1 Mar 2026', 'never recorded')
    >>> date_text(pd.Timestamp("1970-01-01"))  # flowmap.reference.ENDED_DATE_UNKNOWN
    'a date the vendor did not publish'
    """
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return "never recorded"
    ts = pd.Timestamp(value)
    if ts == pd.Timestamp(1970, 1, 1):  # ended on a date the vendor did not publish
        return "a date the vendor did not publish"
    return f"{ts.day} {ts.strftime('%b %Y')}"
