"""An inventory whose assets and flows tables have a header but no rows (issue 12).

It passed ``validate`` and then stopped ``analyse`` with ``KeyError: 'probability'``; an
inventory of systems alone (a first scanner import, say) must analyse, plan and write.
"""

from __future__ import annotations

import datetime as dt
import json

import flowmap
from tests.conftest import small_tables, write_csv_tables

AS_OF = dt.date(2026, 11, 1)


def _systems_only(tmp_path):
    t = small_tables()
    folder = write_csv_tables(tmp_path / "inv", {k: t[k] for k in ("organisations", "systems")})
    for table, header in (
        ("assets", "asset_id,name,org_id,system_id"),
        ("flows", "flow_id,asset_id,source_system_id,target_system_id"),
    ):
        (folder / f"{table}.csv").write_text(header + "\n", encoding="utf-8")
    return folder


def test_header_only_assets_and_flows_analyse_plan_and_write(tmp_path):
    folder = _systems_only(tmp_path)
    assert flowmap.validate(folder, as_of=AS_OF).ok
    a = flowmap.analyse(flowmap.load_inventory(folder), as_of=AS_OF)
    assert len(a.attack_paths) == 0 and list(a.attack_paths.columns)[:2] == [
        "asset_id",
        "asset_name",
    ]
    assert "EOL_OS" in set(a.findings["rule"])  # the systems are still judged
    assert a.total_risk == 0 and len(a.problems) > 0
    flowmap.write_findings(a, tmp_path / "out", formats="json")
    assert json.loads((tmp_path / "out" / "findings.json").read_text())["findings"]
    p = flowmap.plan(a, budget=10_000)
    assert p.risk_before == p.risk_after == 0
