"""Where pandas keeps the text of flowmap's tables: Python strings, as the engine expects.

pandas 3 keeps new text columns in pyarrow arrays whenever pyarrow is installed (flowmap
needs it to write Parquet). flowmap's engine reads text a value at a time, which is about
1.5 times slower from pyarrow arrays (load + analyse at 300 organisations: 3.1 s against
2.0 s, identical findings). So flowmap's public functions (reading and validating an
inventory, analysing, planning, comparing, importing, the paperwork, the files, maps and
reports written) and the explorer's handlers run under :func:`python_text`: for the
call's duration pandas keeps new text as Python strings, unless the user has
chosen a storage themselves (``pd.set_option("mode.string_storage", ...)``: then theirs is
used, with the same results). Importing flowmap changes no option, and the option is back
as it was when the call returns. With pandas 2 it changes nothing.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


_lock = threading.Lock()
_calls = 0  # flowmap calls under way, in every thread
_chosen = False  # whether they set the storage (the user had not chosen one)


@contextlib.contextmanager
def python_text_storage() -> Iterator[None]:
    """Within the block, pandas keeps new text columns as Python strings, unless the
    user has chosen a storage.

    The option is pandas' own, shared by every thread: it is set when the first of the
    blocks under way in any thread begins and put back when the last one ends (a
    background job of the explorer may run while the page handles a click).

    >>> import pandas as pd
    >>> with python_text_storage():
    ...     inside = pd.get_option("mode.string_storage")
    >>> inside, pd.get_option("mode.string_storage")
    ('python', 'auto')
    """
    global _calls, _chosen
    import pandas as pd

    with _lock:
        if _calls == 0:
            _chosen = pd.get_option("mode.string_storage") == "auto"  # not the user's choice
            if _chosen:
                pd.set_option("mode.string_storage", "python")
        _calls += 1
    try:
        yield
    finally:
        with _lock:
            _calls -= 1
            if _calls == 0 and _chosen:
                pd.set_option("mode.string_storage", "auto")


def python_text(func: Callable[P, R]) -> Callable[P, R]:
    """``func``, run under :func:`python_text_storage`."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with python_text_storage():
            return func(*args, **kwargs)

    return run
