"""The problems a map tooltip lists: each once, under its most severe finding.

Findings that one fix would close share a ``problem_id`` (:mod:`flowmap.engine.problems`);
the map's tooltips and details panel list each problem once, with the other findings the
same fix closes and the fix, so one unpatched gateway reads as one problem, not five
findings. Rows are ``[severity, title, message, note]`` and the page shows them as text.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from flowmap.engine.problems import kind_of
from flowmap.render.mapview.style import NO_FINDING, SEVERITY_RANK, WEAK_FLOW_RULES

TOP_FINDINGS = 5  # problems listed in one tooltip


class Findings:
    """Worst severity and top problems per subject, most severe first.

    Findings that one fix would close share a ``problem_id``
    (:mod:`flowmap.engine.problems`); a tooltip lists each problem once, under its most
    severe finding, with the other findings it closes and the fix, so one unpatched
    gateway reads as one problem, not five findings.
    """

    def __init__(self, findings: pd.DataFrame) -> None:
        #: Every finding with ``rank`` (its severity's index in :data:`SEVERITY_RANK`).
        self.all = findings.assign(
            rank=findings["severity"]
            .map(SEVERITY_RANK)
            .fillna(SEVERITY_RANK[NO_FINDING])
            .astype(int)
        )
        self._frame: pd.DataFrame | None = None
        self._cache: dict[tuple, tuple[dict, dict, dict, dict]] = {}

    @property
    def frame(self) -> pd.DataFrame:
        """The findings most severe first (score, then rule and subject), sorted once."""
        if self._frame is None:
            self._frame = self.all.sort_values(
                ["score", "rule", "subject_id"], ascending=[False, True, True], kind="stable"
            )
        return self._frame

    def of(
        self, key: str, subject_type: str | None = None, ids: pd.Series | None = None
    ) -> tuple[dict, dict, dict, dict]:
        """(worst severity, top problems, problem count, finding count) per ``key`` value.

        Each top problem is ``[severity, title, message, note]``: its most severe
        finding's severity, title and message, and a note naming the other findings the
        same fix closes and the fix (:func:`problem_rows`). With ``ids``, only those
        ``key`` values are worked out (each exactly as without: every figure is per value),
        so a map of one organisation's neighbourhood does not work out the whole region's.
        """
        wanted = None if ids is None else frozenset(ids)
        cache_key = (key, subject_type or "", wanted)
        if cache_key not in self._cache:
            f = (
                self.frame
                if subject_type is None
                else self.frame[self.frame["subject_type"] == subject_type]
            )
            if wanted is not None:
                f = f[f[key].isin(wanted)]
            groups = f.groupby(key, sort=False)
            ranks = list(SEVERITY_RANK)
            worst = {k: ranks[int(r)] for k, r in groups["rank"].min().items()}
            top: dict[str, list] = {}
            for k, rank, title, msg, note in problem_rows(f, key, TOP_FINDINGS):
                top.setdefault(k, []).append([ranks[rank], title, msg, note])
            problems = f.groupby(key, sort=False)["problem_id"].nunique().to_dict()
            self._cache[cache_key] = (worst, top, problems, groups.size().to_dict())
        return self._cache[cache_key]

    def worst_rank(self, subject_type: str, ids: pd.Series | None = None) -> pd.Series:
        """Rank of the worst finding per subject id (of ``ids`` only, if given)."""
        f = self.all
        f = f.loc[f["subject_type"] == subject_type]
        if ids is not None:
            f = f.loc[f["subject_id"].isin(ids)]
        return f.groupby("subject_id")["rank"].min()

    def weak_flows(self) -> set[str]:
        f = self.all
        return set(
            f.loc[(f["subject_type"] == "flow") & f["rule"].isin(WEAK_FLOW_RULES), "subject_id"]
        )


def problem_rows(f: pd.DataFrame, key: str, n: int) -> list[tuple[str, int, str, str, str]]:
    """The ``n`` most severe problems per ``key`` value of findings ``f`` (sorted most
    severe first): ``(key value, rank, title, message, note)``, each problem once.

    The title, message and rank are the problem's most severe finding's; the note names
    the other findings of the same problem under that key (a repeated title once, with
    how many times) and the fix that closes them all.

    Examples
    --------
    >>> f = pd.DataFrame({"subject_id": ["S1", "S1", "S1"], "rank": [0, 1, 1],
    ...     "problem_id": ["unpatched:S1", "unpatched:S1", "no-mfa:S1"],
    ...     "title": ["Known-exploited vulnerability open", "Patch overdue", "No MFA"],
    ...     "message": ["CVE-1 open", "CVE-1 overdue", "VPN without MFA"]})
    >>> rows = problem_rows(f, "subject_id", 5)
    >>> [r[:4] for r in rows]
    [('S1', 0, 'Known-exploited vulnerability open', 'CVE-1 open'),
     ('S1', 1, 'No MFA', 'VPN without MFA')]
    >>> rows[0][4].split(". Fix:")[0]
    'The same fix also closes: Patch overdue'
    >>> rows[1][4]
    'Fix: enforce multi-factor authentication.'
    """
    if f.empty:
        return []
    groups = f.groupby([key, "problem_id"], sort=False)
    lead = groups.head(1)
    lead = lead[lead.groupby(key, sort=False).cumcount() < n]
    # each listed problem's titles (the problems not listed are never looked at)
    pair = [key, "problem_id"]
    listed = pd.MultiIndex.from_frame(f[pair]).isin(pd.MultiIndex.from_frame(lead[pair]))
    titles = f[listed].groupby(pair, sort=False)["title"].agg(list)
    rows = []
    for k, pid, rank, title, msg in zip(
        lead[key].tolist(),
        lead["problem_id"].tolist(),
        lead["rank"].tolist(),
        lead["title"].tolist(),
        lead["message"].tolist(),
    ):
        rows.append((k, int(rank), title, msg, _note(pid, titles[(k, pid)][1:])))
    return rows


def _note(problem_id: str, others: list[str]) -> str:
    kind = kind_of(problem_id)
    fix = f"Fix: {kind.fix}." if kind else ""
    if not others:
        return fix
    also = "; ".join(t if c == 1 else f"{t} \u00d7{c}" for t, c in Counter(others).items())
    return f"The same fix also closes: {also}. {fix}".strip()


def findings_rows(top: list, problems: int, findings: int) -> list:
    """A tooltip's problem rows, then how many more problems and findings there are."""
    rows = list(top)
    if problems > len(rows):
        rows.append(["", f"and {problems - len(rows):,} more problems", "", ""])
    if findings > problems:
        rows.append(["", f"{findings:,} findings in all, {problems:,} problems", "", ""])
    return rows
