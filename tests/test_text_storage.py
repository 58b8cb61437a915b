"""flowmap keeps its tables' text as Python strings without changing pandas for anyone else.

pandas 3 keeps new text in pyarrow arrays unless told otherwise; flowmap's engine is
faster on Python strings, so its entry points choose them for the call's duration
(flowmap/inventory/textstorage.py), and a user's own choice is kept.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import flowmap

AS_OF = dt.date(2026, 11, 1)
SAMPLE = "inventories/sample"


def _storages(frame: pd.DataFrame) -> set[str]:
    return {d.storage for d in frame.dtypes if isinstance(d, pd.StringDtype)}


@pytest.mark.skipif(pd.get_option("mode.string_storage") != "auto", reason="needs pandas 3")
def test_flowmap_calls_use_python_text_and_leave_the_option_as_they_found_it() -> None:
    analysis = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)
    assert pd.get_option("mode.string_storage") == "auto"
    # text the engine made in the call (and the flows' context, made on first read)
    assert _storages(analysis.findings) <= {"python"}
    assert _storages(analysis.flows) <= {"python"}
    assert _storages(analysis.problems) <= {"python"}
    # outside flowmap's calls, pandas is as the user left it
    assert pd.Series(["a"]).array.dtype.storage == "pyarrow"


def test_a_user_who_chose_pyarrow_text_keeps_it_and_gets_the_same_findings() -> None:
    default = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)
    with pd.option_context("mode.string_storage", "pyarrow"):
        chosen = flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)
        assert pd.get_option("mode.string_storage") == "pyarrow"
        assert "pyarrow" in _storages(chosen.findings)
        summary = chosen.summary
    pd.testing.assert_frame_equal(
        chosen.findings.astype(object),
        default.findings.astype(object),
        check_dtype=False,
        check_column_type=False,
    )
    assert summary == default.summary


@pytest.mark.skipif(pd.get_option("mode.string_storage") != "auto", reason="needs pandas 3")
def test_calls_in_two_threads_put_the_option_back_when_the_last_one_ends() -> None:
    """The option is shared by every thread: one call ending must not undo it for a call
    still under way elsewhere (the explorer's background jobs), nor leave it changed."""
    import threading

    from flowmap.inventory.textstorage import python_text_storage

    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[str] = []

    def second() -> None:
        first_in.wait()
        with python_text_storage():
            second_in.set()
            first_out.wait()
            seen.append(pd.get_option("mode.string_storage"))

    worker = threading.Thread(target=second)
    worker.start()
    with python_text_storage():
        first_in.set()
        second_in.wait()
    first_out.set()  # the first call has ended; the second is still under way
    worker.join()
    assert seen == ["python"]
    assert pd.get_option("mode.string_storage") == "auto"
