"""Greedy with re-evaluation, measured lazily: the same choices, at region scale.

Greedy with re-evaluation funds, at each step, the affordable candidate that removes
the most risk per pound given the actions already chosen (``docs/planning.md``).
Measuring every candidate again at every step made a region's plan take hours. Here
a candidate is measured again only when a chosen action wrote something its last
measure read:

- the distance, edges or place in the path tree of a movement-graph node its
  shortest-path repair looked at (:func:`flowmap.planning.repair.read_key`);
- the nearest copy (and so the cyber risk) or the copies of an asset it looked at;
- a governance finding it replaces or makes;
- its own effect (the chosen action touched the same system, flow, zone or asset).

Nothing else it read has changed, so its measure is exactly what measuring again would
give. Where the chosen action changed a candidate's own effect (the same system or
flow), working the effect out again costs a pass of the scoring or the rules, so the
candidate first gets a cheap upper bound (:meth:`Evaluator.bound`) and is measured
exactly only if that bound comes near the top. Candidates wait in a heap ordered by an
upper bound of their risk removed per pound: the measured change (or the bound) plus
the most that rounding the totals can add (:data:`MARGIN`). Each step works out the
exact gain, rounded as the full re-evaluation rounds it, only for the candidates whose
bound could still win, so the plan is the one re-measuring everything at every step
would make.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable

from flowmap.planning.actions import Action
from flowmap.planning.evaluate import Committed, Evaluator, Measure

#: Risk removed below half a hundredth of a point counts as nothing.
MIN_GAIN = 0.005
#: The most the rounding of the totals can move a gain from its measured change: three
#: roundings to 0.01 on each side (cyber, governance, their sum) and the gain's own.
MARGIN = 0.05
#: Candidates whose effects are worked out together (bounds memory; moves the bar).
CHUNK = 5000


class LazyGreedy:
    """Candidates, their last measures and what each read, and the heap of bounds."""

    def __init__(self, ev: Evaluator, candidates: list[Action], cost: dict[str, float]) -> None:
        self.ev = ev
        self.cands = candidates
        self.cost = [cost[c.action_id] for c in candidates]
        self.position = {c.action_id: i for i, c in enumerate(candidates)}
        n = len(candidates)
        self.measures: list[Measure | None] = [None] * n
        self.version = [0] * n
        self.closed = bytearray(n)  # chosen, excluded or unaffordable: never again
        self.exact = bytearray(n)  # the measure is exact (else a bound)
        self.by_key: dict[int, list[int]] = defaultdict(list)
        self.by_asset: dict[int, list[int]] = defaultdict(list)
        self.by_finding: dict[str, list[int]] = defaultdict(list)
        self.heap: list[tuple[float, int, int]] = []
        self.measured = 0  # measures made, for the record

    # ------------------------------------------------------------------ measuring

    def measure(
        self,
        which: Iterable[int],
        advance: Callable[[int], None] | None = None,
        *,
        exact: bool = False,
    ) -> None:
        """Measure candidates now, recording what each read, and queue their bounds.

        A candidate whose effect must be worked out again gets a cheap bound instead
        (:meth:`Evaluator.bound`), unless ``exact``: it is measured exactly only if the
        bound comes near the top (:meth:`best`).
        """
        ev, cands = self.ev, self.cands
        todo = []
        for i in which:
            if self.closed[i]:
                continue
            if not exact and not ev.has_effect(cands[i]):
                reads: set[int] = set()
                m = ev.bound(cands[i], reads)
                if m is not None:
                    self._record(i, m, reads, exact=False)
                    continue
            todo.append(i)
        for start in range(0, len(todo), CHUNK):
            part = todo[start : start + CHUNK]
            ev.prepare([cands[i] for i in part])
            for i in part:
                reads = set()
                self._record(i, ev.measure(cands[i], reads), reads, exact=True)
            self.measured += len(part)
            if advance is not None:
                advance(len(part))

    def _record(self, i: int, m: Measure, reads: set[int], *, exact: bool) -> None:
        self.measures[i] = m
        self.exact[i] = exact
        self.version[i] += 1
        for k in reads:
            self.by_key[k].append(i)
        for a in m.assets:
            self.by_asset[a].append(i)
        for f in m.findings:
            self.by_finding[f].append(i)
        bound = m.removed - m.cyber - m.governance + MARGIN
        if bound < MIN_GAIN:
            return  # cannot be chosen until something it read changes
        cost = self.cost[i]
        heapq.heappush(self.heap, (-(bound / cost) if cost > 0 else -math.inf, i, self.version[i]))

    def gain(self, i: int) -> float:
        """Candidate ``i``'s risk removed now, rounded as :meth:`Evaluator.gain` rounds it
        (its measure must be exact)."""
        ev = self.ev
        return round(ev.total - ev.risk_after_measure(self.measures[i]), 2)

    # ------------------------------------------------------------------ choosing

    def best(self, remaining: float) -> int | None:
        """The candidate to fund next within ``remaining`` pounds, or None."""
        while True:
            best, best_key = None, None
            popped, pending = [], []
            heap = self.heap
            while heap:
                neg_bound, i, version = heap[0]
                if best_key is not None and -neg_bound < best_key[0]:
                    break
                heapq.heappop(heap)
                if version != self.version[i] or self.closed[i]:
                    continue
                cost = self.cost[i]
                if cost > remaining + 1e-9:
                    self.closed[i] = 1  # the budget left only shrinks
                    continue
                if not self.exact[i]:
                    pending.append(i)  # its bound could win: measure it exactly
                    continue
                popped.append((neg_bound, i, version))
                gain = self.gain(i)
                if gain < MIN_GAIN:
                    continue
                key = (gain / cost if cost > 0 else math.inf, gain, _neg(self.cands[i].action_id))
                if best_key is None or key > best_key:
                    best, best_key = i, key
            for entry in popped:
                if entry[1] != best or pending:
                    heapq.heappush(heap, entry)
            if not pending:
                return best
            self.measure(pending, exact=True)  # then choose again, with them exact

    def close(self, i: int) -> None:
        """Never choose candidate ``i`` (chosen, or excluded)."""
        self.closed[i] = 1

    def stale(self, done: Committed) -> set[int]:
        """The candidates whose last measure read something ``done`` wrote."""
        out: set[int] = set()
        for k in done.writes:
            out.update(self.by_key.get(k, ()))
        for a in done.moved_assets:
            out.update(self.by_asset.get(a, ()))
        for f in done.findings:
            out.update(self.by_finding.get(f, ()))
        out.update(self.position[a] for a in done.dropped if a in self.position)
        return {i for i in out if not self.closed[i]}


def _neg(text: str) -> tuple[int, ...]:
    """Sort key that prefers the alphabetically first id among equals."""
    return tuple(-ord(ch) for ch in text)
