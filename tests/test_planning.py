"""The investment planner: actions do what they claim, the incremental evaluator matches a
full re-analysis, and the portfolio respects the budget and is close to an exact search."""

from __future__ import annotations

import datetime as dt
import warnings
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flowmap
from flowmap.errors import ReferenceDataError, UsageError
from flowmap.planning import (
    ACTION_KINDS,
    Evaluator,
    apply_actions,
    candidate_actions,
    exact_plan,
    full_risk,
    plan,
)
from flowmap.reference.costs import bundled_costs, check_costs, load_costs
from flowmap.render.plan import write_plan
from tests.conftest import SAMPLE

AS_OF = dt.date(2026, 11, 1)
POOL = 12  # candidates in the small cases compared with an exact search


@lru_cache(maxsize=1)
def sample():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)


@lru_cache(maxsize=1)
def candidates():
    return tuple(candidate_actions(sample()))


def first(kind: str):
    return next(c for c in candidates() if c.kind == kind)


@lru_cache(maxsize=1)
def best_of_each_kind():
    """The best standalone action of each kind that removes risk, by action id."""
    ev = Evaluator(sample())
    best: dict[str, tuple[float, object]] = {}
    for c in candidates():
        g = ev.gain(c)
        if g > 0 and g > best.get(c.kind, (0.0, None))[0]:
            best[c.kind] = (g, c)
    return tuple(sorted((c for _, c in best.values()), key=lambda c: c.action_id))


def pool():
    """A small mixed pool: the first :data:`POOL` of :func:`best_of_each_kind`."""
    return best_of_each_kind()[:POOL]


def _row(inv, table: str, key: str, value: str) -> pd.Series:
    t = inv.tables[table]
    return t[t[key] == value].iloc[0]


# ------------------------------------------------------------------ actions


def test_every_action_kind_has_a_candidate_on_the_sample() -> None:
    assert {c.kind for c in candidates()} == set(ACTION_KINDS)


def test_action_ids_are_stable_and_unique() -> None:
    ids = [c.action_id for c in candidates()]
    assert len(ids) == len(set(ids))
    assert all(i == f"{c.kind}:{c.subject_id}" for i, c in zip(ids, candidates()))
    assert [c.action_id for c in candidate_actions(sample())] == ids


@pytest.mark.parametrize("kind", ACTION_KINDS)
def test_each_action_changes_the_inventory_as_it_claims(kind: str) -> None:
    a = first(kind)
    before = sample().inventory
    after = apply_actions(before, [a], as_of=AS_OF)
    today = pd.Timestamp(AS_OF)
    sid = a.subject_id
    if kind == "patch":
        v = after.vulnerabilities[after.vulnerabilities["system_id"] == sid]
        assert (v["status"] == "fixed").all()
        assert _row(after, "systems", "system_id", sid)["last_patched"] == today
    elif kind == "upgrade_os":
        s = flowmap.analyse(after, as_of=AS_OF).systems.set_index("system_id").loc[sid]
        assert s["eol_status"] == "supported"
        assert (
            s["os_product"] == sample().systems.set_index("system_id").at[sid, "os_product"]
            or s["os_product"] == "rhel"
        )
    elif kind == "enrol_esu":
        assert _row(after, "systems", "system_id", sid)["esu"] is True or bool(
            _row(after, "systems", "system_id", sid)["esu"]
        )
        s = flowmap.analyse(after, as_of=AS_OF).systems.set_index("system_id").loc[sid]
        assert s["eol_status"] == "eol_extended"
    elif kind == "remove_exposure":
        assert not bool(_row(after, "systems", "system_id", sid)["internet_facing"])
    elif kind == "enforce_mfa":
        assert bool(_row(after, "systems", "system_id", sid)["mfa"])
    elif kind == "disable_smb1":
        assert not bool(_row(after, "systems", "system_id", sid)["smb1"])
    elif kind == "add_waf":
        v = after.vulnerabilities[after.vulnerabilities["system_id"] == sid]
        assert (v["status"].isin(["mitigated", "fixed"])).all()
        assert v["mitigation_ref"].str.startswith("PLANNED-WAF").any()
        assert bool(_row(after, "systems", "system_id", sid)["public_service"])
    elif kind == "isolate_system":
        zone = _row(after, "systems", "system_id", sid)["zone"]
        assert zone.endswith(f":isolated-{sid}")
        assert (after.systems["zone"] == zone).sum() == 1
    elif kind == "segment_zone":
        moved = after.systems[after.systems["zone"] == f"{sid}:workstations"]
        assert len(moved) and set(moved["kind"]) <= {"workstation", "medical_device", "mobile"}
        assert (after.systems["zone"] == sid).any()  # the servers stay
        links = after.zone_links
        assert not (
            (links["from_zone"] == f"{sid}:workstations")
            | (links["to_zone"] == f"{sid}:workstations")
        ).any()
    elif kind in ("put_dsa", "put_transfer_mechanism"):
        # one agreement (or IDTA) for the pair of organisations: every flow it covers
        rules = {"put_dsa": "agreement", "put_transfer_mechanism": "transfer"}[kind]
        covered = sample().findings[sample().findings["problem_id"] == f"{rules}:{sid}"]
        assert len(covered)
        f = after.flows.set_index("flow_id").loc[sorted(set(covered["subject_id"]))]
        if kind == "put_dsa":
            assert (f["dsa_ref"] == f"PLANNED-DSA-{sid}").all()
            assert (f["dsa_expires"] == today + pd.DateOffset(years=3)).all()
        else:
            assert (f["transfer_mechanism"] == "idta").all()
        left = flowmap.analyse(after, as_of=AS_OF).findings
        assert not (left["problem_id"] == f"{rules}:{sid}").any()
    elif kind in ("encrypt_flow", "secure_transport", "pseudonymise_flow", "apply_opt_out"):
        f = _row(after, "flows", "flow_id", sid)
        expect = {
            "encrypt_flow": lambda: bool(f["encrypted"]),
            "secure_transport": lambda: (
                f["transport"] in ("secure_email", "sftp") and bool(f["encrypted"])
            ),
            "pseudonymise_flow": lambda: f["identifiability"] == "pseudonymised",
            "apply_opt_out": lambda: bool(f["opt_out_applied"]),
        }[kind]
        assert expect()
    elif kind == "add_isolated_backup":
        b = after.backups[after.backups["source_system_id"] == sid]
        new = b[b["backup_id"].str.startswith("PLANNED-")].iloc[0]
        assert new["isolation"] == "immutable"
        assert (after.systems["system_id"] == new["target_system_id"]).any()
    elif kind == "test_restore":
        b = _row(after, "backups", "backup_id", sid)
        assert b["last_restore_test"] == today and b["restore_result"] == "pass"
    # the input is never changed, and the changed inventory is still valid
    assert before.tables["systems"].equals(sample().inventory.tables["systems"])
    rule_before = set(sample().findings["finding_id"])
    assert (
        flowmap.analyse(after, as_of=AS_OF).total_risk != sample().total_risk
        or rule_before is not None
    )


def test_applied_inventory_round_trips_through_validation(tmp_path: Path) -> None:
    from flowmap.render.workbook import write_workbook

    after = apply_actions(sample().inventory, list(candidates()), as_of=AS_OF)
    path = write_workbook(after.tables, tmp_path / "after.xlsx")
    report = flowmap.validate(path, as_of=AS_OF)
    assert report.ok, [p.describe() for p in report.errors][:5]


@settings(max_examples=500, deadline=None)
@given(
    probability=st.integers(0, 10_000).map(lambda n: round(n / 10_000, 4)),
    impact=st.one_of(st.integers(0, 40).map(lambda n: n * 2.5), st.floats(0, 100)),
)
def test_the_evaluator_rounds_each_assets_risk_as_the_analysis_does(probability, impact) -> None:
    """Products of a 4-place probability and an impact often end in a half penny
    (0.7196 x 87.5 = 62.965): the evaluator must round them as the analysis's table does,
    or its total drifts from the analysis's by pennies."""
    from flowmap.planning.exposure import asset_risk

    analysis = pd.Series([probability]).astype("float64") * pd.Series([impact]).astype("float64")
    assert asset_risk(probability, impact) == analysis.round(2).iloc[0]


def test_unknown_subject_is_a_usage_error() -> None:
    from flowmap.planning.actions import make_action

    with pytest.raises(UsageError, match="no system_id"):
        apply_actions(
            sample().inventory, [make_action("patch", "system", "NOPE", "X", "")], as_of=AS_OF
        )


# ------------------------------------------------------------------ evaluation


def test_incremental_risk_equals_full_reanalysis_for_every_sample_candidate() -> None:
    ev = Evaluator(sample())
    assert ev.total == sample().total_risk
    for c in candidates():
        fast = ev.risk_after(c)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            slow = full_risk(sample(), [c])
        assert fast == pytest.approx(slow, rel=1e-6), c.action_id


def test_gains_worked_out_in_one_batch_equal_gains_one_at_a_time() -> None:
    cands = list(candidates())
    alone = Evaluator(sample())
    one_by_one = {c.action_id: alone.gain(c) for c in cands}
    assert Evaluator(sample()).gains(cands) == one_by_one
    assert len({g for g in one_by_one.values()}) > 10  # the batch covers varied effects
    # after a commit, the invalidated effects are batched again and stay equal
    batch, single = Evaluator(sample()), Evaluator(sample())
    for ev in (batch, single):
        ev.commit(pool()[0])
    assert batch.gains(cands) == {c.action_id: single.gain(c) for c in cands}


def test_committed_actions_keep_the_evaluator_exact() -> None:
    ev = Evaluator(sample())
    done = []
    for c in pool():
        ev.commit(c)
        done.append(c)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert ev.total == pytest.approx(full_risk(sample(), done), rel=1e-6)


# ------------------------------------------------------------------ portfolio


def test_applying_the_plan_gives_the_risk_it_predicted() -> None:
    p = plan(sample(), budget=60000)
    assert p.spent <= 60000 and len(p.steps)
    after = flowmap.analyse(apply_actions(sample().inventory, p.actions, as_of=AS_OF), as_of=AS_OF)
    assert after.total_risk == pytest.approx(p.risk_after, rel=1e-6)
    assert p.steps["cumulative_risk_removed"].iloc[-1] == pytest.approx(
        p.risk_before - p.risk_after, abs=0.02
    )
    assert list(p.steps["order"]) == list(range(1, len(p.steps) + 1))
    assert (p.steps["reason"].str.len() > 10).all()


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budget=st.floats(min_value=0, max_value=60000))
def test_the_planner_never_exceeds_the_budget(budget: float) -> None:
    p = plan(sample(), budget=budget, candidates=pool())
    assert p.spent <= budget + 1e-6
    assert p.steps["cost_gbp"].sum() == pytest.approx(p.spent)
    assert (
        p.steps["cumulative_cost_gbp"].diff().fillna(p.steps["cost_gbp"]) == p.steps["cost_gbp"]
    ).all()


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budget=st.floats(min_value=0, max_value=50000), more=st.floats(min_value=0, max_value=30000))
def test_more_budget_never_removes_less_risk(budget: float, more: float) -> None:
    small = plan(sample(), budget=budget, candidates=pool())
    large = plan(sample(), budget=budget + more, candidates=pool())
    assert large.risk_removed >= small.risk_removed - 1e-6


@pytest.mark.parametrize("budget", [8000, 30000])
def test_greedy_is_close_to_an_exact_search_on_small_cases(budget: float) -> None:
    cands = pool()[:7]
    greedy = plan(sample(), budget=budget, candidates=cands)
    best_risk, _ = exact_plan(sample(), budget=budget, candidates=cands)
    exact_removed = greedy.risk_before - best_risk
    assert greedy.risk_removed <= exact_removed + 1e-6
    # the documented gap (docs/planning.md): greedy within 10 % of the optimum here
    assert greedy.risk_removed >= 0.9 * exact_removed


def test_must_actions_come_first_and_excluded_never_appear() -> None:
    cands = pool()
    must, banned = cands[-1].action_id, cands[0].action_id
    p = plan(sample(), budget=40000, must=[must], exclude=[banned], candidates=cands)
    assert p.steps["action_id"].iloc[0] == must
    assert banned not in set(p.steps["action_id"])
    assert p.candidates.set_index("action_id").at[banned, "status"] == "excluded"


def test_unknown_ids_and_unaffordable_musts_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="valid ids include"):
        plan(sample(), budget=1000, must=["patch:NOPE"], candidates=pool())
    with pytest.raises(UsageError, match="valid ids include"):
        plan(sample(), budget=1000, exclude=["nope"], candidates=pool())
    with pytest.raises(UsageError, match="more than the budget"):
        plan(sample(), budget=1, must=[pool()[0].action_id], candidates=pool())
    with pytest.raises(UsageError, match="budget"):
        plan(sample(), budget=-5, candidates=pool())


def test_cost_overrides_beat_the_defaults() -> None:
    c = pool()[0]
    frame = pd.DataFrame({"action": [c.kind], "subject_id": [c.subject_id], "cost_gbp": [7]})
    p = plan(sample(), budget=0, costs=frame, candidates=pool())
    row = p.candidates.set_index("action_id").loc[c.action_id]
    assert row["cost_gbp"] == 7 and row["cost_source"] == "inventory"
    assert set(bundled_costs()["action"]) == set(ACTION_KINDS)


def test_bad_cost_tables_say_what_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="unknown action"):
        check_costs(pd.DataFrame({"action": ["bribe"], "cost_gbp": [1]}))
    with pytest.raises(ReferenceDataError, match="0 or"):
        check_costs(pd.DataFrame({"action": ["patch"], "cost_gbp": [-1]}))
    with pytest.raises(ReferenceDataError, match="cannot read"):
        load_costs(tmp_path / "missing.csv")


def test_plan_files_are_reproducible_and_neutralised(tmp_path: Path) -> None:
    p = plan(sample(), budget=20000, candidates=pool())
    p.steps.loc[0, "reason"] = '=HYPERLINK("http://x")'
    first_files = write_plan(p, tmp_path / "a")
    second = write_plan(p, tmp_path / "b")
    assert [f.name for f in first_files] == ["plan.json", "plan.csv", "plan.xlsx", "plan_curve.png"]
    for x, y in zip(first_files, second):
        assert x.read_bytes() == y.read_bytes(), x.name
    assert "'=HYPERLINK" in (tmp_path / "a" / "plan.csv").read_text()


def test_public_api_is_exported() -> None:
    assert flowmap.plan is plan and flowmap.write_plan is write_plan
    assert flowmap.apply_actions is apply_actions and flowmap.Plan.__name__ == "Plan"


# ------------------------------------------------------------------ reference data
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_full_risk_equals_total_risk_with_any_reference_data(data) -> None:
    """The analysis keeps its reference data, so re-analysis is judged on the same terms.

    Extra end-of-life tables move systems in and out of support (dates before and after
    as_of, with and without a paid extension); the counterfactual truth must still agree
    with the analysis, with and without an upgrade action applied.
    """
    from flowmap.reference import EolTable, Reference

    inv = flowmap.load_inventory(SAMPLE)
    base = Reference.bundled()
    matched = base.eol.match_many(inv.systems["os"])
    releases = sorted(
        {
            (p, c)
            for p, c in zip(matched["os_product"], matched["os_cycle"])
            if isinstance(p, str) and isinstance(c, str)
        }
    )
    chosen = data.draw(st.lists(st.sampled_from(releases), min_size=1, max_size=4, unique=True))
    day = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2032, 1, 1))
    rows = []
    for product, cycle in chosen:
        end = data.draw(day)
        extended = data.draw(st.one_of(st.none(), day.filter(lambda d, e=end: d >= e)))
        rows.append(
            {
                "product": product,
                "cycle": cycle,
                "label": f"{product} {cycle}",
                "support_end": pd.Timestamp(end),
                "extended_end": pd.Timestamp(extended) if extended else pd.NaT,
                "source": "test",
            }
        )
    reference = base.with_data(eol=[EolTable(pd.DataFrame(rows), source="drawn.json")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        a = flowmap.analyse(inv, as_of=AS_OF, reference=reference)
    assert a.reference is reference and a.sources["eol"] == "drawn.json"
    assert full_risk(a, []) == pytest.approx(a.total_risk, abs=1e-6)
    upgrades = [c for c in candidate_actions(a) if c.kind in ("upgrade_os", "enrol_esu")]
    if upgrades:
        action = data.draw(st.sampled_from(upgrades))
        gain = Evaluator(a).gain(action)
        assert full_risk(a, [action]) == pytest.approx(a.total_risk - gain, abs=1e-4)


def test_library_errors_name_parameters_and_the_command_line_names_flags() -> None:
    with pytest.raises(UsageError) as caught:
        plan(sample(), budget=1000, must=["patch:NOPE"], candidates=pool())
    assert str(caught.value).startswith("must: no candidate action patch:NOPE")
    assert caught.value.for_command_line().startswith("--must: no candidate action")


# ------------------------------------------------------------------ reading the state


def _reanalysed(actions):
    a = sample()
    inv = apply_actions(a.inventory, list(actions), as_of=AS_OF, eol=a.reference.eol)
    return flowmap.analyse(inv, as_of=AS_OF, reference=a.reference, settings=a.settings)


def test_a_copied_evaluator_moves_on_alone() -> None:
    a, (x, y, *_) = sample(), pool()
    ev = Evaluator(a)
    before = ev.gain(y)
    other = ev.copy()
    other.commit(x)
    assert other.total == full_risk(a, [x]) != a.total_risk
    assert ev.total == a.total_risk and ev.gain(y) == before == Evaluator(a).gain(y)
    ev.commit(y)  # and the original moves on without touching the copy
    assert ev.total == full_risk(a, [y]) and other.total == full_risk(a, [x])
    assert other.copy().risk_after(y) == full_risk(a, [x, y])


def test_risk_by_asset_after_actions_equals_the_reanalysed_table() -> None:
    ev = Evaluator(sample())
    assert ev.risk_by_asset().equals(sample().risk_by_asset())
    chosen = list(pool())[:4]
    for act in chosen:
        ev.commit(act)
    mine = ev.risk_by_asset().set_index("asset_id")
    truth = _reanalysed(chosen).risk_by_asset().set_index("asset_id")
    assert not mine.equals(sample().risk_by_asset().set_index("asset_id"))
    mine, truth = mine.sort_index(), truth.sort_index()
    assert mine["cyber_risk"].equals(truth["cyber_risk"])
    # a sum landing on half a hundredth may round either way: the findings come in another order
    for column in ("governance_risk", "total_risk"):
        assert ((mine[column] - truth[column]).abs() <= 0.0100001).all()
    assert (mine["governance_risk"] != truth["governance_risk"]).sum() <= 2


def test_attack_path_after_actions_is_the_reanalysed_most_likely_path() -> None:
    ev = Evaluator(sample())
    kinds = ("patch", "upgrade_os", "segment_zone")
    chosen = [c for c in best_of_each_kind() if c.kind in kinds]
    assert {"patch", "upgrade_os"} <= {c.kind for c in chosen}
    for act in chosen:
        ev.commit(act)
    after = _reanalysed(chosen)
    truth, moves = after.attack_paths.set_index("asset_id"), after.attack_graph
    changed = 0
    for asset in sample().assets["asset_id"]:
        systems, probability = ev.attack_path(asset)
        if asset not in truth.index:
            assert systems == [] and probability == 0.0
            continue
        row = truth.loc[asset]
        assert probability == row["probability"]
        assert systems[-1] == row["target_system_id"]
        # a most likely route: every system on it is at least as likely to be reached
        reach = [moves.reach(s) for s in systems]
        assert round(reach[-1], 4) == probability and reach == sorted(reach, reverse=True)
        before = sample().attack_paths.set_index("asset_id").loc[asset, "path"]
        changed += before != " > ".join(systems)
    assert changed > 0  # the actions moved some paths
