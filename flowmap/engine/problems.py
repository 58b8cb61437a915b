"""Findings grouped by problem: the findings one fix would close share a ``problem_id``.

One open known-exploited vulnerability on an internet-facing gateway raises several
findings (``KEV_OPEN``, ``PATCH_OVERDUE``, ``PATCH_STALE``, ``INTERNET_EXPOSED_VULNERABLE``);
patching it closes them all, so they are one problem, ``unpatched:<system_id>``. A
missing agreement between two organisations is one problem however many flows it
covers (``agreement:<org>+<org>``): one agreement closes them all. Counting and ranking
problems, not findings, keeps a board's top ten from showing one box three times, and
the governance part of total risk counts each problem once per asset
(``docs/scoring.md``, section 6).

Every rule declares how its findings map to problems (``Rule.problem``), with one of the
functions below; :data:`PROBLEM_KINDS` names each kind of problem and its fix.

Examples
--------
>>> hits = pd.DataFrame({"subject_id": ["S1"], "evidence": [{}]})
>>> per_subject("unpatched")(hits).tolist()
['unpatched:S1']
>>> flows = pd.DataFrame({"subject_id": ["F1", "F2"], "evidence": [
...     {"sender_org_id": "RXA", "receiver_org_id": "RVP"},
...     {"sender_org_id": "RVP", "receiver_org_id": "RXA"}]})
>>> per_org_pair("agreement")(flows).tolist()
['agreement:RVP+RXA', 'agreement:RVP+RXA']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: A rule's problem function: its hits (``subject_id``, ``evidence``) to problem ids.
ProblemOf = Callable[[pd.DataFrame], np.ndarray]


@dataclass(frozen=True)
class ProblemKind:
    """A kind of problem: what is wrong, and the one fix that closes its findings."""

    title: str
    fix: str


#: Every kind of problem, by the prefix of its ``problem_id``.
PROBLEM_KINDS: dict[str, ProblemKind] = {
    "unpatched": ProblemKind(
        "Unpatched system",
        "patch the system (known-exploited vulnerabilities first), or verify the mitigation",
    ),
    "unsupported": ProblemKind(
        "Unsupported operating system", "upgrade or replace it (extended updates meanwhile)"
    ),
    "os-unknown": ProblemKind("Operating system not known", "record and check the OS"),
    "smb1": ProblemKind("SMBv1 enabled", "disable SMBv1"),
    "no-mfa": ProblemKind(
        "Internet-facing login without MFA", "enforce multi-factor authentication"
    ),
    "attack-path": ProblemKind(
        "Likely attack paths from one entry point",
        "break the paths at the entry point or the systems they cross",
    ),
    "exposed-copies": ProblemKind(
        "Sensitive data on weak systems",
        "fix the weak systems holding copies, or remove the copies",
    ),
    "register": ProblemKind(
        "Asset register entry incomplete", "the asset owner reviews and completes the entry"
    ),
    "backup": ProblemKind(
        "No resilient backup", "add an offline or immutable backup (or evidence of the supplier's)"
    ),
    "restore-test": ProblemKind("Restore not tested", "test a full restore and record it"),
    "backup-frequency": ProblemKind(
        "Backups less frequent than the recovery point objective",
        "back up more often, or agree a longer RPO",
    ),
    "legal-basis": ProblemKind(
        "Flow without a sound UK GDPR basis", "record the Article 6 basis and Article 9 condition"
    ),
    "confidentiality": ProblemKind(
        "Flow without a common-law basis",
        "put consent, section 251 support or another gateway in place, or anonymise",
    ),
    "agreement": ProblemKind(
        "Sharing without a needed agreement", "one agreement (or contract) between the two"
    ),
    "transport": ProblemKind(
        "Data sent unprotected", "encrypt the flow or move it to a secure route"
    ),
    "minimisation": ProblemKind(
        "More identifiable data than needed", "pseudonymise or anonymise before sending"
    ),
    "opt-out": ProblemKind("National data opt-out not applied", "apply the opt-out"),
    "partner-assurance": ProblemKind(
        "Partner's security not assured", "obtain and record the partner's assurance"
    ),
    "transfer": ProblemKind(
        "Transfer outside the UK without safeguards", "an IDTA or the UK Addendum with a TRA"
    ),
}


def _ids(kind: str, keys: list[str] | np.ndarray) -> np.ndarray:
    if kind not in PROBLEM_KINDS:
        raise ValueError(f"unknown problem kind {kind!r}")
    keys = np.asarray(keys, dtype=object)
    return np.add(kind + ":", keys.astype(str)).astype(object) if len(keys) else keys


def per_subject(kind: str) -> ProblemOf:
    """Each finding is its own subject's problem: ``<kind>:<subject_id>``."""
    return lambda hits: _ids(kind, hits["subject_id"].to_numpy(dtype=object))


def per_evidence(kind: str, field: str) -> ProblemOf:
    """The problem of the thing an evidence field names: ``<kind>:<evidence[field]>``."""
    return lambda hits: _ids(kind, [e.get(field, "") for e in hits["evidence"]])


def per_org_pair(kind: str) -> ProblemOf:
    """One problem per pair of organisations, whichever way the flow goes:
    ``<kind>:<org>+<org>`` (the two ids sorted)."""

    def problem(hits: pd.DataFrame) -> np.ndarray:
        pairs = [
            "+".join(sorted((e.get("sender_org_id", ""), e.get("receiver_org_id", ""))))
            for e in hits["evidence"]
        ]
        return _ids(kind, pairs)

    return problem


def per_sender_receiver(kind: str) -> ProblemOf:
    """One problem per sending and receiving organisation: ``<kind>:<sender>><receiver>``."""
    return lambda hits: _ids(
        kind,
        [f"{e.get('sender_org_id', '')}>{e.get('receiver_org_id', '')}" for e in hits["evidence"]],
    )


def per_systems(kind: str) -> ProblemOf:
    """One problem per set of systems named by the evidence (``systems``), joined by ``+``."""
    return lambda hits: _ids(
        kind, ["+".join(sorted(e.get("systems", ()))) for e in hits["evidence"]]
    )


def per_path_entry(kind: str) -> ProblemOf:
    """One problem per entry point: the first system of the evidence's ``path``."""
    return lambda hits: _ids(kind, [(e.get("path") or [""])[0] for e in hits["evidence"]])


def problem_kind(problem_id: str) -> str:
    """The kind of a problem id.

    >>> problem_kind("agreement:RVP+RXA")
    'agreement'
    """
    return problem_id.partition(":")[0]


def kind_of(problem_id: object) -> ProblemKind | None:
    """The :class:`ProblemKind` a problem id names (None for an unknown kind).

    >>> kind_of("agreement:RVP+RXA").title, kind_of("nonsense:1")
    ('Sharing without a needed agreement', None)
    """
    return PROBLEM_KINDS.get(problem_kind(str(problem_id)))


PROBLEM_COLUMNS = [
    "problem_id",
    "kind",
    "title",
    "severity",
    "score",
    "org_id",
    "findings",
    "rules",
    "finding_ids",
    "message",
    "fix",
]


def problems(findings: pd.DataFrame) -> pd.DataFrame:
    """One row per problem, most severe first.

    Parameters
    ----------
    findings : DataFrame
        Findings with ``problem_id`` (:attr:`flowmap.Analysis.findings`), most severe first.

    Returns
    -------
    DataFrame
        ``problem_id``, ``kind``, ``title`` (what kind of problem), ``severity`` and
        ``score`` (its most severe finding's), ``org_id``, ``findings`` (how many),
        ``rules`` (each once) and ``finding_ids`` (its findings, most severe first),
        ``message`` (the most severe finding's) and ``fix`` (what closes it).

    Examples
    --------
    >>> f = pd.DataFrame({"problem_id": ["unpatched:S1", "no-mfa:S1", "unpatched:S1"],
    ...     "finding_id": ["KEV_OPEN:S1", "NO_MFA_INTERNET:S1", "PATCH_STALE:S1"],
    ...     "rule": ["KEV_OPEN", "NO_MFA_INTERNET", "PATCH_STALE"],
    ...     "severity": ["critical", "high", "medium"], "score": [95.0, 70.0, 45.0],
    ...     "org_id": ["RXA"] * 3, "message": ["m1", "m2", "m3"]})
    >>> p = problems(f)
    >>> p[["problem_id", "findings", "severity"]].values.tolist()
    [['unpatched:S1', 2, 'critical'], ['no-mfa:S1', 1, 'high']]
    >>> p.loc[0, "rules"]
    ['KEV_OPEN', 'PATCH_STALE']
    """
    if findings.empty:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    f = findings.sort_values(["score", "finding_id"], ascending=[False, True], kind="stable")
    f = f[f["problem_id"].notna()]
    # Grouped with numpy, not pandas' per-group Python aggregation (seconds at region
    # scale): groups in order of first appearance, each group's rows in f's order.
    codes, ids = pd.factorize(f["problem_id"].to_numpy(dtype=object))
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=len(ids))
    bounds = np.cumsum(sizes)[:-1]
    firsts = order[np.concatenate([[0], bounds])] if len(ids) else order
    first = f.iloc[firsts]
    finding_ids = np.split(f["finding_id"].to_numpy(dtype=object)[order], bounds)
    rules = np.split(f["rule"].to_numpy(dtype=object)[order], bounds)
    out = pd.DataFrame(
        {
            "problem_id": first["problem_id"].to_numpy(),
            "kind": [problem_kind(p) for p in ids],
            "severity": first["severity"].to_numpy(),
            "score": first["score"].to_numpy(),
            "org_id": first["org_id"].to_numpy(),
            "findings": sizes,
            "rules": [list(dict.fromkeys(r.tolist())) for r in rules],
            "finding_ids": [ids_.tolist() for ids_ in finding_ids],
            "message": first["message"].to_numpy(),
        }
    )
    out.insert(2, "title", [PROBLEM_KINDS[k].title for k in out["kind"]])
    out["fix"] = [PROBLEM_KINDS[k].fix for k in out["kind"]]
    return out.sort_values(
        ["score", "problem_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)[PROBLEM_COLUMNS]


def top_problems(findings: pd.DataFrame, n: int) -> pd.DataFrame:
    """The first ``n`` rows of :func:`problems`, grouping only the findings of those
    problems (a problem's row depends on its own findings alone).

    >>> f = pd.DataFrame({"problem_id": ["unpatched:S1", "no-mfa:S1", "unpatched:S1"],
    ...     "finding_id": ["X:1", "Y:1", "Z:1"], "rule": ["X", "Y", "Z"],
    ...     "severity": ["high", "critical", "low"], "score": [60.0, 90.0, 10.0],
    ...     "org_id": ["O"] * 3, "message": ["m1", "m2", "m3"]})
    >>> top_problems(f, 1)[["problem_id", "findings"]].values.tolist()
    [['no-mfa:S1', 1]]
    >>> top_problems(f, 5).equals(problems(f))
    True
    """
    if findings.empty:
        return problems(findings)
    best = (
        findings[["problem_id", "score"]]
        .sort_values(["score", "problem_id"], ascending=[False, True], kind="stable")
        .drop_duplicates("problem_id")
        .head(n)["problem_id"]
    )
    return problems(findings[findings["problem_id"].isin(best)]).head(n)
