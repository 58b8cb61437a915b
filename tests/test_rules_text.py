"""The column-at-a-time helpers the rules build findings with.

Each helper must give exactly what the obvious row-by-row spelling gives (an f-string
per row, ``dict(zip(...))``, ``groupby(...).agg(list)``, pandas ``==``), including for
missing values, empty text and hostile text, which passes through unchanged: escaping
happens when findings are written out.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from flowmap.engine.rules.base import (
    date_text,
    evidence_values,
    findings_frame,
    hits,
    plain,
    row_dicts,
    severity_column,
)
from flowmap.engine.rules.columns import equals, grouped_lists, known, per_value
from flowmap.engine.rules.flows import RULES as FLOW_RULES
from flowmap.engine.rules.text import dates, each, fill, template_fields, text, when, words
from flowmap.engine.settings import severity_of

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    "{name}",
    "{{",
    "100%",
    "\u202e",
    "a\nb",
    '"quoted"',
    "@SUM(1+1)",
    "",
]


def rows() -> pd.DataFrame:
    """Every kind of value a message may read, including unknown ones."""
    n = len(HOSTILE)
    return pd.DataFrame(
        {
            "name": HOSTILE,
            "loose": pd.Series(
                ["x", None, float("nan"), pd.NA, 3, "", ("a",), "y", "z", "w"], dtype=object
            ),
            "count": pd.array([1, None, 2500, 0, -3, 7, 1, 2, 3, 4], dtype="Int64"),
            "share": [0.5, 0.125, float("nan"), 1.0, 0.0, 0.999, 2.5, -0.25, 1e-9, 3.0],
            "when": pd.to_datetime(
                [
                    "2026-03-01",
                    None,
                    "2017-12-31",
                    "2026-03-01",
                    None,
                    "2000-01-01",
                    "2026-11-01",
                    "2026-03-01",
                    "1999-02-28",
                    "2026-03-02",
                ]
            ),
            "flag": pd.array(
                [True, False, None, True, False, None, True, True, False, None], dtype="boolean"
            ),
            "code": [
                "direct_care",
                "removable_media",
                "research",
                "a_b_c",
                "_",
                "",
                "x",
                "y_",
                "direct_care",
                "z",
            ],
        },
        index=range(100, 100 + n),
    )


def test_fill_matches_an_f_string_per_row() -> None:
    r = rows()
    got = fill(r, "{name}|{loose}|{loose!r}|{count}|{share:.0%}|{share:g}|{when}|{flag}|{code}")
    expected = [
        f"{t.name}|{t.loose}|{t.loose!r}|{t.count}|{t.share:.0%}|{t.share:g}|{t.when}|"
        f"{t.flag}|{t.code}"
        for t in r.itertuples(index=False)
    ]
    assert got.tolist() == expected
    assert got.dtype == object and got.shape == (len(r),)


def test_hostile_text_passes_through_unchanged() -> None:
    r = rows()
    got = fill(r, "Asset {name} ({code}) has no owner.")
    assert got.tolist() == [f"Asset {n} ({c}) has no owner." for n, c in zip(r["name"], r["code"])]
    # a field's value is never parsed as a template
    assert fill(r, "{name}").tolist() == HOSTILE


def test_fill_with_keyword_values_constants_and_empty_frames() -> None:
    r = rows()
    plural = when(r["count"].fillna(0) == 1, "", "s")
    got = fill(
        r,
        "{count} item{s} from {{{who}}} at {pct}",
        s=plural,
        who="=HYPERLINK()",
        pct=text(r["share"], ".1f"),
    )
    assert got.tolist() == [
        f"{c} item{'' if c is not pd.NA and c == 1 else 's'} from {{=HYPERLINK()}} at {p:.1f}"
        for c, p in zip(r["count"], r["share"])
    ]
    assert fill(r, "constant").tolist() == ["constant"] * len(r)
    assert fill(r, "").tolist() == [""] * len(r)
    assert (
        fill(
            r.iloc[:0], "{name} {missing_is_fine_when_empty}", missing_is_fine_when_empty=""
        ).tolist()
        == []
    )
    assert fill(None, "{a}-{b}", a=["1", "2"], b="x").tolist() == ["1-x", "2-x"]
    with pytest.raises(ValueError):
        fill(r, "{name}{other}", other=["too short"])
    with pytest.raises(KeyError):
        fill(r, "{no_such_column}")
    assert template_fields("{a} {{b}} {c:,} {d!r}") == ["a", "c", "d"]


def test_fill_does_not_alias_the_frame() -> None:
    r = rows()
    got = fill(r, "{name}")
    got[0] = "changed"
    assert r["name"].iloc[0] == HOSTILE[0]


def test_when_each_words_dates() -> None:
    r = rows()
    assert when(r["flag"].fillna(False), r["name"], "-").tolist() == [
        n if f is not pd.NA and f else "-" for n, f in zip(r["name"], r["flag"])
    ]
    with pytest.raises((TypeError, ValueError)):
        when(r["flag"], "yes", "no")  # unknown must be decided by the rule, not guessed
    assert each(r["loose"], repr).tolist() == [repr(v) for v in r["loose"]]  # None, nan, NA apart
    assert words(r["code"]).tolist() == [c.replace("_", " ") for c in r["code"]]
    assert dates(r["when"]).tolist() == [date_text(v) for v in r["when"]]
    assert dates(r["when"].iloc[:0]).tolist() == []
    assert text(pd.Series([], dtype=object)).tolist() == []


def test_column_helpers_match_pandas() -> None:
    values = pd.Series(["a", "", None, float("nan"), pd.NA, "a ", "A"], dtype=object)
    for probe in ("a", "", "zzz"):
        assert equals(values, probe).tolist() == (values == probe).tolist()
        assert (~equals(values, probe)).tolist() == (values != probe).tolist()
    text_column = pd.Series(["a", None, "b"], dtype="str")
    assert (~equals(text_column, "a")).tolist() == (text_column != "a").tolist()
    assert equals(values, "a").index.equals(values.index)
    flags = pd.Series([True, False, None], dtype="boolean")
    assert known(flags, True).tolist() == [True, False, False]
    assert per_value(values, lambda v: isinstance(v, str) and v.strip() == "a", bool).tolist() == [
        isinstance(v, str) and v.strip() == "a" for v in values
    ]

    keys = pd.Series(["S2", None, "S1", "S2", "S10", "S1"], dtype=object)
    items = pd.Series(["c", "x", "b", "a", "d", "b"], dtype=object)
    expected = items.groupby(keys).agg(list)
    got = grouped_lists(keys, items)
    assert got.index.tolist() == expected.index.tolist()
    assert got.tolist() == expected.tolist()
    assert grouped_lists(keys.iloc[:0], items.iloc[:0]).empty


def test_hits_and_evidence() -> None:
    r = rows()
    found = hits(
        r,
        subject="name",
        org="code",
        message=fill(r, "{name}"),
        evidence=["name", "loose", "count", "share", "when", "flag"],
        score=r["share"],
    )
    assert found.index.tolist() == list(range(len(r)))  # scores are not aligned on r's index
    assert found["score"].tolist()[:2] == [0.5, 0.125]
    for i, (_, row) in enumerate(r.iterrows()):
        ev = found["evidence"].iloc[i]
        assert list(ev) == ["name", "loose", "count", "share", "when", "flag"]
        assert ev["loose"] == plain(row["loose"])
        assert ev["when"] == plain(row["when"])
    by_key = hits(
        r,
        subject="name",
        org="code",
        message=["m"] * len(r),
        evidence={"b": list(range(len(r))), "a": r["name"].tolist()},
    )
    assert by_key["evidence"].iloc[1] == {"b": 1, "a": HOSTILE[1]}
    assert list(by_key["evidence"].iloc[1]) == ["b", "a"]
    assert hits(r.iloc[:0], subject="name", org="code", message=[], evidence=["name"]).empty


def test_evidence_lists_are_not_shared_between_findings() -> None:
    categories = pd.Series(
        [
            ("health", "genetic"),
            ("health", "genetic"),
            ("a", ("b",)),
            ["c"],
            None,
            dt.date(2026, 1, 2),
        ],
        dtype=object,
    )
    got = evidence_values(categories)
    assert got == [plain(v) for v in categories]
    got[0].append("changed")
    assert got[1] == ["health", "genetic"]


def test_row_dicts_is_dict_zip() -> None:
    for keys in [("a",), ("a", "b", "a"), ("x'\"\\", "{}", "lambda: 1", "1 + 1")]:
        rows_ = [tuple(range(i, i + len(keys))) for i in range(3)]
        assert row_dicts(keys)(rows_) == [dict(zip(keys, row)) for row in rows_]
        assert [list(d) for d in row_dicts(keys)(rows_)] == [
            list(dict(zip(keys, row))) for row in rows_
        ]


def test_findings_frame_and_severity() -> None:
    scores = pd.Series([85.0, 80.0, 79.99, 60.0, 40.0, 20.0, 0.0, float("nan"), -5.0])
    assert severity_column(scores).tolist() == [severity_of(s) for s in scores]
    rule = FLOW_RULES[0]
    found = pd.DataFrame(
        {
            "subject_id": ["F1", "F2"],
            "org_id": ["O", "O"],
            "message": ["m1", "m2"],
            "evidence": [{}, {}],
            "score": [150, 64.44],
        }
    )
    f = findings_frame(rule, found)
    assert f["finding_id"].tolist() == [f"{rule.id}:F1", f"{rule.id}:F2"]
    assert f["score"].tolist() == [100.0, 64.4]
    assert f["severity"].tolist() == ["critical", "high"]
    assert f["references"].iloc[0] == list(rule.references)
    assert findings_frame(rule, found.iloc[:0]).columns.tolist() == f.columns.tolist()
