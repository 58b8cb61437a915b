"""Change tracking: a diff of an inventory with itself is empty, and every edit is reported."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import pytest

import flowmap
from flowmap.engine.diff import diff
from flowmap.render.diff import write_diff
from tests.rulekit import AS_OF, analyse_tables, edit, tables


def _analyse(tmp_path: Path, t):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return analyse_tables(tmp_path, t)


def test_diff_of_an_inventory_with_itself_is_empty(tmp_path: Path) -> None:
    a = _analyse(tmp_path, tables())
    d = diff(a, a)
    assert d.empty and len(d.entities) == 0 and len(d.findings) == 0
    assert len(d.contributions) == 0 and d.summary["risk_change"] == 0


def test_diff_reports_every_change_made_to_a_copy(tmp_path: Path) -> None:
    old_t, new_t = tables(), tables()
    edit(new_t, "systems", "S1", os="Windows Server 2008 R2", internet_facing="yes")
    edit(new_t, "flows", "F1", transport="sftp", encrypted="yes")
    edit(new_t, "assets", "A2", owner="Head of HR")
    new_t["systems"].append(
        {
            "system_id": "S5",
            "name": "New box",
            "org_id": "RXA",
            "kind": "server",
            "os": "Ubuntu 22.04",
            "zone": "RXA:servers",
            "internet_facing": "no",
            "last_patched": "2026-10-30",
        }
    )
    new_t["flows"] = [r for r in new_t["flows"] if r["flow_id"] != "F2"]
    old, new = _analyse(tmp_path, old_t), _analyse(tmp_path, new_t)
    d = diff(old, new)
    e = d.entities
    changed = set(zip(e["table"], e["id"], e["change"], e["column"]))
    assert {
        ("systems", "S1", "changed", "os"),
        ("systems", "S1", "changed", "internet_facing"),
        ("flows", "F1", "changed", "transport"),
        ("flows", "F1", "changed", "encrypted"),
        ("assets", "A2", "changed", "owner"),
        ("systems", "S5", "added", ""),
        ("flows", "F2", "removed", ""),
    } == changed
    row = e[(e["id"] == "S1") & (e["column"] == "os")].iloc[0]
    assert (row["old"], row["new"]) == ("Windows Server 2019", "Windows Server 2008 R2")
    f = d.findings.set_index("finding_id")
    assert f.at["EOL_OS:S1", "change"] == "new"
    assert f.at["FLOW_UNENCRYPTED:F1", "change"] == "resolved"
    assert f.at["ASSET_NO_OWNER:A2", "change"] == "resolved"
    assert d.risk_before == old.total_risk and d.risk_after == new.total_risk
    total = d.contributions["change"].sum()
    assert total == pytest.approx(new.total_risk - old.total_risk, abs=0.05)
    assert list(d.contributions["change"].abs()) == sorted(
        d.contributions["change"].abs(), reverse=True
    )


def test_worsened_and_improved_findings_follow_the_score(tmp_path: Path) -> None:
    old_t, new_t = tables(), tables()
    edit(new_t, "systems", "S2", criticality="critical")
    d = diff(_analyse(tmp_path, old_t), _analyse(tmp_path, new_t))
    assert set(d.findings["change"]) == {"worsened"}
    back = diff(_analyse(tmp_path, new_t), _analyse(tmp_path, old_t))
    assert set(back.findings["change"]) == {"improved"}


def test_diff_files_are_reproducible_and_neutralised(tmp_path: Path) -> None:
    old_t, new_t = tables(), tables()
    edit(new_t, "assets", "A2", owner="=cmd|' /C calc'!A0")
    d = diff(_analyse(tmp_path, old_t), _analyse(tmp_path, new_t))
    a, b = write_diff(d, tmp_path / "a"), write_diff(d, tmp_path / "b")
    assert [p.name for p in a] == ["diff.json", "diff.csv", "diff.xlsx"]
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes()
    assert "'=cmd" in (tmp_path / "a" / "diff.csv").read_text()
    doc = json.loads((tmp_path / "a" / "diff.json").read_text())
    assert doc["summary"]["risk_before"] == d.risk_before


def test_diff_across_quarters_and_public_api(tmp_path: Path) -> None:
    t = tables()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        old = analyse_tables(tmp_path, t, as_of=dt.date(2026, 8, 1))
        new = analyse_tables(tmp_path, t, as_of=AS_OF)
    d = flowmap.diff(old, new)
    assert isinstance(d, flowmap.InventoryDiff) and len(d.entities) == 0
    assert d.summary["old"]["as_of"] == "2026-08-01"
    assert flowmap.write_diff is write_diff


def test_cli_plan_and_diff(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from flowmap.cli.group import cli
    from tests.conftest import SAMPLE

    runner = CliRunner()
    r = runner.invoke(
        cli,
        ["diff", str(SAMPLE), str(SAMPLE), "--as-of", "2026-11-01", "--out", str(tmp_path / "d")],
    )
    assert r.exit_code == 0, r.output
    assert "0 entity changes" in r.output
    r = runner.invoke(
        cli,
        [
            "plan",
            str(SAMPLE),
            "--budget",
            "10000",
            "--as-of",
            "2026-11-01",
            "--out",
            str(tmp_path / "p"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "p" / "plan_curve.png").exists() and "Plan:" in r.output


def test_patching_one_system_is_one_problem_resolved_however_many_findings_it_had(
    tmp_path: Path,
) -> None:
    """Before: S1 runs an unsupported Windows on the internet (several findings of the
    problems its upgrade closes). After the upgrade those findings go; the diff counts
    each problem once, and write_diff carries the problems."""
    old_t, new_t = tables(), tables()
    edit(old_t, "systems", "S1", os="Windows Server 2008 R2", internet_facing="yes")
    old, new = _analyse(tmp_path, old_t), _analyse(tmp_path, new_t)
    d = diff(old, new)
    resolved = d.findings[d.findings["change"] == "resolved"]
    by_problem = old.findings.set_index("finding_id")["problem_id"]
    gone = resolved["finding_id"].map(by_problem)
    assert len(resolved) > gone.nunique()  # several findings, fewer problems
    p = d.problems.set_index("problem_id")
    held = old.findings["problem_id"].value_counts()
    closed = set(old.findings["problem_id"]) - set(new.findings["problem_id"])
    assert {"unsupported:S1", "no-mfa:S1"} <= closed
    assert closed == set(p.index[p["change"] == "resolved"])
    for pid in closed:
        assert p.at[pid, "findings_before"] == held[pid] and p.at[pid, "findings_after"] == 0
        assert p.at[pid, "title"]
    assert d.summary["problems"]["resolved"] == int((d.problems["change"] == "resolved").sum())
    assert d.summary["problems"]["resolved"] < d.summary["findings"]["resolved"]
    written = write_diff(d, tmp_path / "out")
    doc = json.loads(written[0].read_text())
    assert [r["problem_id"] for r in doc["problems"]] == list(d.problems["problem_id"])
