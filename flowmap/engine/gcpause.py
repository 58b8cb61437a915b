"""Analysing without Python's cyclic garbage collector (a region makes millions of small,
acyclic objects)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration of the block.

    An analysis makes millions of small objects that hold no reference cycles
    (evidence dicts, tuples, strings); reference counting frees them all the same.
    Left on, the cyclic collector re-walks every live object at each full
    collection, which made analysing 5,000 organisations super-linear
    (``benchmarks/run.py``).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
