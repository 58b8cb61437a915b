"""Judgement in the planner (issues 12 and 13): actions a SIRO would fund, none that cannot be done.

Each test is a case where the planner proposed something impossible or wasteful, or
missed what mattered; each failed before the fix.
"""

from __future__ import annotations

import datetime as dt

from flowmap.planning.actions import candidate_actions
from tests.rulekit import analyse_tables, edit, tables

AS_OF = dt.date(2026, 11, 1)


def test_a_public_portal_is_never_taken_off_the_internet(tmp_path):
    """Issue 12: a citizen portal exists to be public; removing it is not a remedy."""
    t = tables()
    edit(t, "systems", "S1", internet_facing="yes", public_service="yes", mfa="no")
    ids = {c.action_id for c in candidate_actions(analyse_tables(tmp_path, t))}
    assert "remove_exposure:S1" not in ids
    assert "enforce_mfa:S1" in ids
    edit(t, "systems", "S1", public_service="")
    ids = {c.action_id for c in candidate_actions(analyse_tables(tmp_path, t))}
    assert "remove_exposure:S1" in ids
