"""Where pandas keeps the text of flowmap's tables: Python strings, as the engine expects.

pandas 3 keeps new text columns in pyarrow arrays whenever pyarrow is installed (flowmap
needs it to write Parquet). flowmap's engine reads text a value at a time, which is about
1.5 times slower from pyarrow arrays (load + analyse at 300 organisations: 3.1 s against
2.0 s, identical findings). So flowmap's heavy entry points (reading and validating an
inventory, analysing, planning, comparing, importing ...) run under :func:`python_text`:
for the call's duration pandas keeps new text as Python strings, unless the user has
chosen a storage themselves (``pd.set_option("mode.string_storage", ...)``: then theirs is
used, with the same results). Importing flowmap changes no option, and the option is back
as it was when the call returns. With pandas 2 it changes nothing.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextlib.contextmanager
def python_text_storage() -> Iterator[None]:
    """Within the block, pandas keeps new text columns as Python strings, unless the
    user has chosen a storage.

    >>> import pandas as pd
    >>> with python_text_storage():
    ...     inside = pd.get_option("mode.string_storage")
    >>> inside, pd.get_option("mode.string_storage")
    ('python', 'auto')
    """
    import pandas as pd

    if pd.get_option("mode.string_storage") != "auto":  # the user's choice
        yield
        return
    with pd.option_context("mode.string_storage", "python"):
        yield


def python_text(func: Callable[P, R]) -> Callable[P, R]:
    """``func``, run under :func:`python_text_storage`."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with python_text_storage():
            return func(*args, **kwargs)

    return run
