"""Small helpers for the rule tests: edit a copy of ``small_tables()``, analyse it, ask what fired.

>>> t = tables()
>>> edit(t, "systems", "S2", esu="yes")["esu"]
'yes'
>>> row(t, "vulnerabilities", "CVE-2017-0144")["system_id"]
'S2'
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import flowmap
from flowmap.engine.analysis import Analysis
from flowmap.engine.rules import RULES_BY_ID
from tests.conftest import small_tables, write_csv_tables

AS_OF = dt.date(2026, 11, 1)
#: The column that names a row of each table in ``small_tables()``.
KEYS = {
    "organisations": "org_id",
    "systems": "system_id",
    "assets": "asset_id",
    "flows": "flow_id",
    "backups": "backup_id",
    "vulnerabilities": "cve_id",
    "zone_links": "from_zone",
}
_folders = itertools.count()


def tables() -> dict[str, list[dict[str, str]]]:
    """A fresh copy of the small valid inventory."""
    return small_tables()


def row(t: dict[str, list[dict[str, str]]], table: str, key: str) -> dict[str, str]:
    """The (mutable) row of ``table`` whose id is ``key``."""
    found = [r for r in t[table] if r[KEYS[table]] == key]
    assert len(found) == 1, f"{table} has {len(found)} rows with {KEYS[table]} {key!r}"
    return found[0]


def edit(t: dict[str, list[dict[str, str]]], table: str, key: str, **cells: str) -> dict:
    """Change some cells of one row in place; returns the row."""
    r = row(t, table, key)
    r.update(cells)
    return r


def analyse_tables(
    tmp_path: Path, t: dict[str, list[dict[str, str]]], as_of: dt.date = AS_OF, **kw
) -> Analysis:
    """Write ``t`` as CSV files, load them (validation must pass) and analyse."""
    folder = write_csv_tables(tmp_path / f"inv{next(_folders)}", t)
    return flowmap.analyse(flowmap.load_inventory(folder), as_of=as_of, **kw)


def hits_of(analysis: Analysis, rule: str, subject: str | None = None) -> pd.DataFrame:
    f = analysis.findings
    f = f[f["rule"] == rule]
    return f if subject is None else f[f["subject_id"] == subject]


def fired(analysis: Analysis, rule: str, subject: str) -> bool:
    """Whether ``rule`` raised a finding about ``subject``."""
    return bool(len(hits_of(analysis, rule, subject)))


def finding(analysis: Analysis, rule: str, subject: str, named: bool = True) -> pd.Series:
    """The one finding of ``rule`` about ``subject``, checked for the standard columns.

    ``named``: the message must quote the subject's id.
    """
    f = hits_of(analysis, rule, subject)
    assert len(f) == 1, (
        f"{rule} on {subject}: {len(f)} findings; all: "
        f"{sorted(zip(analysis.findings['rule'], analysis.findings['subject_id']))}"
    )
    r = f.iloc[0]
    spec = RULES_BY_ID[rule]
    assert r["finding_id"] == f"{rule}:{subject}"
    assert r["subject_type"] == spec.subject_type and r["title"] == spec.title
    assert 0 <= r["score"] <= 100
    assert r["org_id"] in set(analysis.inventory.organisations["org_id"])
    assert not named or subject in r["message"], r["message"]
    return r


def fires(*rule_ids: str) -> Callable:
    """Mark a test as showing that each rule in ``rule_ids`` fires (for the coverage test)."""
    return _mark("fires", rule_ids)


def quiet(*rule_ids: str) -> Callable:
    """Mark a test as showing that each rule in ``rule_ids`` does not fire after a small change."""
    return _mark("quiet", rule_ids)


def _mark(kind: str, rule_ids: tuple[str, ...]) -> Callable:
    unknown = set(rule_ids) - set(RULES_BY_ID)
    assert not unknown, f"no such rule: {sorted(unknown)}"

    def decorate(test: Callable) -> Callable:
        attr = f"rules_{kind}"
        setattr(test, attr, getattr(test, attr, ()) + rule_ids)
        return test

    return decorate


def covered(module, kind: str) -> set[str]:
    """The rule ids a test module's tests are marked as covering (``fires`` or ``quiet``)."""
    return {
        rule
        for name, obj in vars(module).items()
        if name.startswith("test_") and callable(obj)
        for rule in getattr(obj, f"rules_{kind}", ())
    }
