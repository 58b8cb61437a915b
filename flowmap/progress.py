"""Progress bars over the stages of a long computation (terminal and notebooks).

Uses :mod:`tqdm.auto`, which draws a text bar in a terminal and a widget in Jupyter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def stages(names: list[str], *, enabled: bool = True) -> Iterator[Callable[[], None]]:
    """Yield a ``step()`` function that moves the bar on to the next stage.

    Examples
    --------
    >>> with stages(["load", "check"], enabled=False) as step:
    ...     step(); step()
    """
    if not enabled:
        yield lambda: None
        return
    from tqdm.auto import tqdm

    bar = tqdm(total=len(names), unit="stage", leave=False, dynamic_ncols=True)
    position = {"i": 0}

    def step() -> None:
        if position["i"]:
            bar.update(1)
        if position["i"] < len(names):
            bar.set_description(names[position["i"]])
        position["i"] += 1

    try:
        yield step
        bar.update(bar.total - bar.n)
    finally:
        bar.close()
