"""Progress bars over the stages of a long computation (terminal and notebooks).

Uses :mod:`tqdm.auto`, which draws a text bar in a terminal and a widget in Jupyter.
A bar is drawn only where a person watches: a terminal (standard error is a TTY) or a
notebook kernel. In a log file, a pipe or CI it would only add noise, so none is drawn.
Set the environment variable ``FLOWMAP_PROGRESS`` to ``always`` or ``never`` to decide
yourself.

On a terminal a bar is redrawn every second (:func:`ticking`), so during a long step its
elapsed time keeps counting instead of standing still as if the command had hung.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Seconds between redraws of the bars on a terminal (:func:`ticking`).
TICK_SECONDS = 1.0
_ticker = {"users": 0, "stop": None}
_ticker_lock = threading.Lock()


def watched() -> bool:
    """Whether a person can see a progress bar: a terminal, or a Jupyter kernel."""
    choice = os.environ.get("FLOWMAP_PROGRESS", "").strip().lower()
    if choice in ("always", "never"):
        return choice == "always"
    if _in_kernel():
        return True
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


def _in_kernel() -> bool:
    """Whether this code runs in a Jupyter kernel (not merely in a process that imported
    ipykernel, as ``flowmap report`` does when it runs the paper's notebook)."""
    if "ipykernel" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


@contextmanager
def stages(names: list[str], *, enabled: bool = True) -> Iterator[Callable[[], None]]:
    """Yield a ``step()`` function that moves the bar on to the next stage.

    Examples
    --------
    >>> with stages(["load", "check"], enabled=False) as step:
    ...     step(); step()
    """
    if not (enabled and watched()):
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
        with ticking():
            yield step
        bar.update(bar.total - bar.n)
    finally:
        bar.close()


@contextmanager
def counter(
    total: int, *, unit: str, description: str = "", enabled: bool = True
) -> Iterator[Callable[[int], None]]:
    """Yield an ``advance(n=1)`` function that moves a bar counting ``total`` things.

    Examples
    --------
    >>> with counter(3, unit="report", enabled=False) as advance:
    ...     advance(); advance(2)
    """
    if not (enabled and watched()):
        yield lambda n=1: None
        return
    from tqdm.auto import tqdm

    bar = tqdm(total=total, unit=unit, desc=description, leave=False, dynamic_ncols=True)
    try:
        with ticking():
            yield lambda n=1: bar.update(n)
    finally:
        bar.close()


@contextmanager
def ticking() -> Iterator[None]:
    """While the block runs, redraw every open text bar each :data:`TICK_SECONDS` (its
    own and any a library made, such as papermill's count of a report's cells), so the
    elapsed time counts on through a long step. Only on a terminal (a notebook's widget
    bars are left alone); one background thread however many blocks are nested.

    Examples
    --------
    >>> with ticking():
    ...     pass
    """
    if _in_kernel() or not watched():
        yield
        return
    with _ticker_lock:
        _ticker["users"] += 1
        if _ticker["users"] == 1:
            stop = threading.Event()
            _ticker["stop"] = stop
            threading.Thread(
                target=_tick, args=(stop,), name="flowmap-progress", daemon=True
            ).start()
    try:
        yield
    finally:
        with _ticker_lock:
            _ticker["users"] -= 1
            if _ticker["users"] == 0:
                _ticker["stop"].set()


def _tick(stop: threading.Event) -> None:
    from tqdm.std import tqdm

    while not stop.wait(TICK_SECONDS):
        for bar in list(getattr(tqdm, "_instances", ())):
            if not getattr(bar, "disable", True):
                with contextlib.suppress(Exception):  # one closing meanwhile
                    bar.refresh()
