"""Each finding's evidence as JSON text, made a key at a time (flowmap.render.evidence),
is exactly what the json module makes of each evidence dict, whatever the values."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from flowmap.engine.rules.base import plain
from flowmap.render.evidence import evidence_json, evidence_text


def one_dict_at_a_time(evidence: list[object]) -> list[str]:
    """What every findings file held before: each dict through the json module."""
    out = []
    for e in evidence:
        try:
            out.append(json.dumps(e, sort_keys=True, ensure_ascii=False, allow_nan=False,
                                  default=plain))  # fmt: skip
        except ValueError:
            out.append(json.dumps({k: plain(v) for k, v in e.items()}, sort_keys=True,
                                  ensure_ascii=False, allow_nan=False, default=plain))  # fmt: skip
    return out


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # no half characters
    max_size=12,
)
PRINTED = st.text(  # no control characters: the text pyarrow escapes
    alphabet=st.one_of(
        st.sampled_from('"\\/ab\u2028'), st.characters(blacklist_categories=("Cs", "Cc"))
    ),
    max_size=12,
)
VALUE = st.one_of(
    TEXT,
    PRINTED,
    PRINTED,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=False),
    st.lists(TEXT, max_size=3),
    st.tuples(TEXT, TEXT),
    st.dates(),
)
KEYS = st.sampled_from(["flow_id", "asset_id", "a", "Z", 'q"uote', "ünï", "", "path"])


@settings(max_examples=300, deadline=None)
@given(
    kinds=st.lists(st.lists(KEYS, max_size=5, unique=True), min_size=1, max_size=4),
    rows=st.lists(
        st.tuples(st.integers(0, 3), st.lists(VALUE, min_size=5, max_size=5)), max_size=25
    ),
)
def test_evidence_text_is_the_json_of_each_dict(kinds, rows) -> None:
    evidence = []
    for kind, values in rows:
        keys = kinds[kind % len(kinds)]
        evidence.append(dict(zip(keys, values)))
    findings = pd.DataFrame({"evidence": pd.Series(evidence, dtype=object)})
    assert evidence_json(findings) == one_dict_at_a_time(evidence)


def test_awkward_values_of_one_rule_keep_their_json() -> None:
    """Columns of one key that pyarrow would read as another type, or that JSON writes
    differently from pyarrow: each value as the json module writes it."""
    columns = {
        "yes_no_and_number": [True, 1, False, 0, None],
        "signed_zero_and_nan": [0.0, -0.0, float("nan"), 1e16, 2.5],
        "numpy": [np.int64(3), np.float64(0.1), np.bool_(True), None, np.int32(-4)],
        "control_text": ["a\nb", 'say "hi"', "back\\slash", "\x00\x1f", "tab\tend"],
        "quotes": ['say "hi"', "back\\slash", '\\"', "plain", ""],
        "quotes_and_none": ['"', None, "\\", "x", None],
        "line_breaks": ["a\u2028b", "\x85", "é", "中文", ""],
        "dates": [dt.date(2026, 11, 1), pd.Timestamp("2026-01-02"), None, "x", pd.NaT],
        "huge": [2**64, -(2**63), 2**63 - 1, None, 7],
        "na": [pd.NA, None, "x", pd.NA, math.nan],
    }
    evidence = [dict(zip(columns, row)) for row in zip(*columns.values())]
    findings = pd.DataFrame({"evidence": pd.Series(evidence, dtype=object)})
    assert evidence_json(findings) == one_dict_at_a_time(evidence)


def test_findings_of_different_keys_keep_their_order() -> None:
    evidence = [{"a": 1}, {}, {"a": 2}, {"b": None, "a": "x"}]
    findings = pd.DataFrame({"evidence": pd.Series(evidence, dtype=object)})
    text = evidence_text(findings)
    assert text.type == pa.string()
    assert text.to_pylist() == ['{"a": 1}', "{}", '{"a": 2}', '{"a": "x", "b": null}']


def test_no_findings_no_text() -> None:
    findings = pd.DataFrame({"evidence": pd.Series([], dtype=object)})
    assert evidence_json(findings) == []


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(KEYS, min_size=1, max_size=4, unique=True),
    rows=st.lists(st.lists(st.one_of(PRINTED, st.none()), min_size=4, max_size=4), max_size=25),
)
def test_text_columns_are_escaped_as_json_escapes_them(keys, rows) -> None:
    evidence = [dict(zip(keys, values)) for values in rows]
    findings = pd.DataFrame({"evidence": pd.Series(evidence, dtype=object)})
    assert evidence_json(findings) == one_dict_at_a_time(evidence)


def test_evidence_past_two_gigabytes_still_reaches_the_workbook_and_csv_as_text() -> None:
    """Past 2 GB of text the evidence stays in pyarrow's large text type; the table the
    workbook and CSV are made from must still hold it as JSON text, not the dicts."""
    from flowmap.render.findings_formats import findings_columns, flat_findings

    findings = pd.DataFrame({"rule": ["R"], "evidence": [{"a": 1}], "references": [["x"]]})
    columns = findings_columns(findings, evidence_text(findings).cast(pa.large_string()))
    assert flat_findings(findings, columns=columns)["evidence"].tolist() == ['{"a": 1}']
