"""What the sections of a paper, and the papers of a batch, share about one analysis.

Several sections need the same whole-inventory results (the summary with every
organisation's figures, each asset's risk, the map's frames, the candidate actions of
the investment plan). A batch of per-organisation reports runs in one kernel per worker
on one shared analysis (:func:`~flowmap.render.board.load.read_shared`), so what each
report would otherwise work out again from the whole analysis is worked out once per
analysis and kept here.

The cache holds the few analyses a report uses (this one, the previous, the history) and
forgets the oldest beyond :data:`MAX_ANALYSES`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

T = TypeVar("T")
#: Analyses kept at once (a report's own, its previous and a few earlier positions).
MAX_ANALYSES = 6
_CACHE: dict[int, tuple[object, dict[str, object]]] = {}


def once(analysis: Analysis, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` the first time ``key`` is asked of ``analysis``; the same value after.

    Examples
    --------
    >>> class A: pass
    >>> a, calls = A(), []
    >>> once(a, "x", lambda: calls.append(1) or len(calls)), once(a, "x", lambda: 99)
    (1, 1)
    """
    entry = _CACHE.get(id(analysis))
    if entry is None or entry[0] is not analysis:
        while len(_CACHE) >= MAX_ANALYSES:
            _CACHE.pop(next(iter(_CACHE)))
        entry = _CACHE[id(analysis)] = (analysis, {})
    values = entry[1]
    if key not in values:
        values[key] = compute()
    return values[key]  # type: ignore[return-value]


def summary(analysis: Analysis) -> dict:
    """``analysis.summary`` (with every organisation's figures), worked out once."""
    return once(analysis, "summary", lambda: analysis.summary)


def risk_by_asset(analysis: Analysis):
    """``analysis.risk_by_asset()``, worked out once."""
    return once(analysis, "risk_by_asset", analysis.risk_by_asset)


def map_frames(analysis: Analysis):
    """The map's frames of the analysis (:func:`~flowmap.render.mapview.frames.frames_of`)."""
    from flowmap.render.mapview.frames import frames_of

    return once(analysis, "map_frames", lambda: frames_of(analysis))


def mark_batch(analysis: Analysis) -> None:
    """Say that ``analysis`` is shared by a batch of per-organisation papers: its
    :func:`evaluator` then works out every candidate's effect at once."""
    once(analysis, "batch", lambda: True)


def evaluator(analysis: Analysis):
    """The planner's evaluator of the analysis with nothing committed, built once: each
    per-organisation plan of a batch works on a copy of it.

    In a batch (:func:`mark_batch`) it works out the effect of every candidate action
    with nothing committed, in a few large batches: each paper's plan then starts from
    its own candidates' effects instead of working them out again (each batch pays a
    pass over the whole inventory, about 0.4 s of a paper at 1,000 organisations; all
    78,000 candidates of that inventory take about 5 s, once per worker).
    """
    from flowmap.planning.evaluate import Evaluator
    from flowmap.planning.greedy import CHUNK

    def prepared() -> Evaluator:
        ev = Evaluator(analysis)
        ev.index()  # where things are in the tables: each copy starts with it
        if once(analysis, "batch", lambda: False):
            every = candidates(analysis)
            for start in range(0, len(every), CHUNK):
                ev.prepare(every[start : start + CHUNK])
            # the shared analysis and the effects live as long as the worker's kernel:
            # kept out of the garbage collector's passes (each paper's full pass over
            # them cost more than the paper's own garbage)
            gc.collect()
            gc.freeze()
        return ev

    return once(analysis, "evaluator", prepared)


def candidates_of(analysis: Analysis, org: str) -> list:
    """The candidate actions of one organisation (all of them grouped once)."""

    def grouped() -> dict[str, list]:
        by_org: dict[str, list] = {}
        for c in candidates(analysis):
            by_org.setdefault(c.org_id, []).append(c)
        return by_org

    return once(analysis, "candidates_by_org", grouped).get(org, [])


def candidates(analysis: Analysis) -> list:
    """Every candidate action of the investment plan, listed once."""
    from flowmap.planning.actions import candidate_actions

    return once(analysis, "candidates", lambda: list(candidate_actions(analysis)))
