"""Asset register and backup rules: each fires on the right asset, a small change silences it.

In ``small_tables()`` A1 (patient index, essential) is held on S1 and S2, A2 (staff
list, no owner) on S1; backup B1 copies S1 to S4 in the same zone (RXA:servers),
online, restore tested on 5 Jan 2026. S2 has no backup.
"""

from __future__ import annotations

from tests.rulekit import analyse_tables, edit, finding, fired, fires, quiet, tables

# --- asset register


@fires("ASSET_NO_OWNER")
def test_asset_without_owner_is_flagged(tmp_path):
    a = analyse_tables(tmp_path, tables())
    f = finding(a, "ASSET_NO_OWNER", "A2")
    assert f["org_id"] == "RXA" and "Staff list" in f["message"]
    assert f["score"] == 30
    assert not fired(a, "ASSET_NO_OWNER", "A1")


def test_special_category_asset_without_owner_scores_higher(tmp_path):
    t = tables()
    edit(t, "assets", "A1", owner="")
    assert finding(analyse_tables(tmp_path, t), "ASSET_NO_OWNER", "A1")["score"] == 40


@quiet("ASSET_NO_OWNER")
def test_asset_with_owner_is_not_flagged(tmp_path):
    t = tables()
    edit(t, "assets", "A2", owner="Director of HR")
    assert not fired(analyse_tables(tmp_path, t), "ASSET_NO_OWNER", "A2")


@fires("ASSET_REVIEW_STALE")
def test_asset_reviewed_over_a_year_ago_is_stale(tmp_path):
    t = tables()
    edit(t, "assets", "A1", last_reviewed="2025-06-01")
    f = finding(analyse_tables(tmp_path, t), "ASSET_REVIEW_STALE", "A1")
    assert "1 Jun 2025" in f["message"] and "12 months" in f["message"]
    assert f["evidence"]["last_reviewed"] == "2025-06-01"


def test_asset_never_reviewed_is_stale(tmp_path):
    f = finding(analyse_tables(tmp_path, tables()), "ASSET_REVIEW_STALE", "A2")
    assert "no review date recorded" in f["message"]
    assert f["evidence"]["last_reviewed"] is None


@quiet("ASSET_REVIEW_STALE")
def test_asset_reviewed_this_year_is_not_stale(tmp_path):
    t = tables()
    edit(t, "assets", "A1", last_reviewed="2026-03-01")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "ASSET_REVIEW_STALE", "A1")
    assert fired(a, "ASSET_REVIEW_STALE", "A2")


@fires("ASSET_NO_RETENTION")
def test_asset_without_retention_period_is_flagged(tmp_path):
    f = finding(analyse_tables(tmp_path, tables()), "ASSET_NO_RETENTION", "A1")
    assert "Records Management Code" in f["message"]
    assert f["evidence"]["retention_years"] is None


@quiet("ASSET_NO_RETENTION")
def test_asset_with_retention_period_is_not_flagged(tmp_path):
    t = tables()
    edit(t, "assets", "A1", retention_years="8")
    assert not fired(analyse_tables(tmp_path, t), "ASSET_NO_RETENTION", "A1")


def test_unknown_essential_is_scored_between_yes_and_no(tmp_path):
    # Regression: an empty ``essential`` cell used to crash the impact score.
    t = tables()
    values = {}
    for cell in ("yes", "", "no"):
        edit(t, "assets", "A1", essential=cell)
        a = analyse_tables(tmp_path, t)
        values[cell] = a.assets.set_index("asset_id").loc["A1", "impact"]
    assert values["yes"] > values[""] > values["no"]


# --- backups


@fires("BACKUP_MISSING")
def test_essential_asset_on_system_without_backup_is_flagged(tmp_path):
    a = analyse_tables(tmp_path, tables())
    f = finding(a, "BACKUP_MISSING", "A1")
    assert "on S2" in f["message"]
    assert f["evidence"]["systems"] == ["S2"] and f["evidence"]["essential"] is True
    assert not fired(a, "BACKUP_MISSING", "A2")  # not essential, S1 is backed up anyway


@quiet("BACKUP_MISSING")
def test_backing_up_the_system_clears_backup_missing(tmp_path):
    t = tables()
    t["backups"].append(
        {
            "backup_id": "B2",
            "source_system_id": "S2",
            "target_system_id": "S4",
            "isolation": "immutable",
            "last_restore_test": "2026-09-01",
            "restore_result": "pass",
        }
    )
    assert not fired(analyse_tables(tmp_path, t), "BACKUP_MISSING", "A1")


def test_non_essential_asset_on_critical_system_needs_a_backup(tmp_path):
    t = tables()
    edit(t, "assets", "A2", system_id="S2")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "BACKUP_MISSING", "A2")
    edit(t, "systems", "S2", criticality="critical")
    assert fired(analyse_tables(tmp_path, t), "BACKUP_MISSING", "A2")


def test_paper_store_needs_no_backup(tmp_path):
    t = tables()
    edit(t, "systems", "S2", kind="paper_store", os="")
    assert not fired(analyse_tables(tmp_path, t), "BACKUP_MISSING", "A1")


@fires("BACKUP_NOT_ISOLATED")
def test_online_only_backup_is_not_isolated(tmp_path):
    a = analyse_tables(tmp_path, tables())
    for asset in ("A1", "A2"):
        f = finding(a, "BACKUP_NOT_ISOLATED", asset)
        assert f["evidence"]["systems"] == ["S1"] and f["evidence"]["backups"] == 1


@quiet("BACKUP_NOT_ISOLATED")
def test_immutable_backup_is_isolated(tmp_path):
    t = tables()
    edit(t, "backups", "B1", isolation="immutable")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "BACKUP_NOT_ISOLATED", "A1")
    assert not fired(a, "BACKUP_NOT_ISOLATED", "A2")


@fires("BACKUP_RESTORE_UNTESTED")
def test_restore_tested_over_a_year_ago_is_untested(tmp_path):
    t = tables()
    edit(t, "backups", "B1", last_restore_test="2025-09-01")
    f = finding(analyse_tables(tmp_path, t), "BACKUP_RESTORE_UNTESTED", "A1")
    assert "12 months" in f["message"] and f["evidence"]["systems"] == ["S1"]


def test_failed_restore_counts_as_untested(tmp_path):
    t = tables()
    edit(t, "backups", "B1", restore_result="fail")
    assert fired(analyse_tables(tmp_path, t), "BACKUP_RESTORE_UNTESTED", "A2")


@quiet("BACKUP_RESTORE_UNTESTED")
def test_restore_tested_this_year_is_fine(tmp_path):
    a = analyse_tables(tmp_path, tables())  # passed on 5 Jan 2026
    assert not fired(a, "BACKUP_RESTORE_UNTESTED", "A1")
    assert not fired(a, "BACKUP_RESTORE_UNTESTED", "A2")


@fires("BACKUP_SHARED_FATE")
def test_online_backup_in_the_same_zone_shares_fate(tmp_path):
    f = finding(analyse_tables(tmp_path, tables()), "BACKUP_SHARED_FATE", "A1")
    assert "backup B1" in f["message"] and f["evidence"]["shared"] == ["B1"]


@quiet("BACKUP_SHARED_FATE")
def test_backup_in_another_zone_does_not_share_fate(tmp_path):
    t = tables()
    edit(t, "systems", "S4", zone="RXA:backup")
    a = analyse_tables(tmp_path, t)
    assert not fired(a, "BACKUP_SHARED_FATE", "A1")
    assert fired(a, "BACKUP_NOT_ISOLATED", "A1")  # still online


def test_offline_backup_in_the_same_zone_does_not_share_fate(tmp_path):
    t = tables()
    edit(t, "backups", "B1", isolation="offline")
    assert not fired(analyse_tables(tmp_path, t), "BACKUP_SHARED_FATE", "A1")


@fires("BACKUP_RPO_GAP")
def test_backup_less_often_than_rpo_is_a_gap(tmp_path):
    t = tables()
    edit(t, "backups", "B1", frequency_hours="24")
    edit(t, "assets", "A1", rpo_hours="4")
    a = analyse_tables(tmp_path, t)
    f = finding(a, "BACKUP_RPO_GAP", "A1")
    assert "every 24 hours" in f["message"] and "at most 4 hours" in f["message"]
    assert f["evidence"]["frequency"] == 24 and f["evidence"]["rpo"] == 4
    assert not fired(a, "BACKUP_RPO_GAP", "A2")  # no RPO recorded


@quiet("BACKUP_RPO_GAP")
def test_backup_as_often_as_rpo_is_fine(tmp_path):
    t = tables()
    edit(t, "backups", "B1", frequency_hours="24")
    edit(t, "assets", "A1", rpo_hours="24")
    assert not fired(analyse_tables(tmp_path, t), "BACKUP_RPO_GAP", "A1")
