"""Findings grouped by problem (issue 13): one fix, one problem, counted and ranked once."""

from __future__ import annotations

import datetime as dt

import pytest

import flowmap
from flowmap.engine.problems import PROBLEM_KINDS, problem_kind
from flowmap.engine.rules import RULES
from tests.conftest import SAMPLE
from tests.rulekit import analyse_tables, edit, tables

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def sample():
    return flowmap.analyse(flowmap.load_inventory(SAMPLE), as_of=AS_OF)


def test_every_finding_belongs_to_a_problem_of_a_known_kind(sample):
    f = sample.findings
    assert f["problem_id"].map(problem_kind).isin(list(PROBLEM_KINDS)).all()
    assert all(r.problem is not None for r in RULES)


def test_one_known_exploited_cve_on_a_gateway_is_one_problem(sample):
    """Citrix Bleed raised four findings, all closed by patching the gateway."""
    f = sample.findings.set_index("finding_id")
    citrix = [f"{r}:RXA-CTX-01" for r in ("KEV_OPEN", "PATCH_OVERDUE", "PATCH_STALE")]
    citrix.append("INTERNET_EXPOSED_VULNERABLE:RXA-CTX-01")
    assert set(f.loc[citrix, "problem_id"]) == {"unpatched:RXA-CTX-01"}
    assert f.loc["NO_MFA_INTERNET:RXA-CTX-01", "problem_id"] == "no-mfa:RXA-CTX-01"  # own fix


def test_top_problems_name_each_problem_once(sample):
    p = sample.problems
    assert p["problem_id"].is_unique
    assert len(p) == sample.summary["problems"] < sample.summary["findings"]
    top = p.head(10)
    assert top["score"].is_monotonic_decreasing
    row = p.set_index("problem_id").loc["unpatched:RXA-CTX-01"]
    assert row["findings"] == 4 and row["severity"] == "critical"
    assert row["rules"][0] in ("KEV_OPEN", "INTERNET_EXPOSED_VULNERABLE")
    assert sum(sample.summary["problems_by_severity"].values()) == len(p)


def test_one_missing_agreement_between_two_bodies_is_one_problem(tmp_path):
    t = tables()
    for flow in ("F1", "F2"):
        edit(t, "flows", flow, purpose="law_enforcement", dsa_ref="")
    a = analyse_tables(tmp_path, t)
    f = a.findings[a.findings["rule"] == "FLOW_NO_DSA"]
    assert sorted(f["subject_id"]) == ["F1", "F2"]  # both ways between RXA and 00123
    assert set(f["problem_id"]) == {"agreement:00123+RXA"}


def test_unsupported_exposed_system_is_the_upgrade_problem(sample):
    f = sample.findings.set_index("finding_id")
    assert f.loc["INTERNET_EXPOSED_VULNERABLE:RXA-WEB-01", "problem_id"] == (
        "unsupported:RXA-WEB-01"
    )
    assert f.loc["EOL_OS:RXA-WEB-01", "problem_id"] == "unsupported:RXA-WEB-01"


def test_attack_paths_from_one_entry_point_are_one_problem(sample):
    f = sample.findings[sample.findings["rule"] == "ATTACK_PATH"]
    entry = [e["path"][0] for e in f["evidence"]]
    assert (f["problem_id"] == ["attack-path:" + e for e in entry]).all()


def test_partner_assurance_is_one_problem_per_partner(sample):
    f = sample.findings
    f = f[f["rule"].isin(["FLOW_PARTNER_BELOW_STANDARD", "FLOW_PARTNER_ASSURANCE"])]
    receivers = [e["receiver_org_id"] for e in f["evidence"]]
    assert (f["problem_id"] == ["partner-assurance:" + r for r in receivers]).all()
    assert f["problem_id"].nunique() < len(f)  # several flows to one partner


# --- total risk counts each weakness once (docs/scoring.md, section 6)


def _counted(a):
    from flowmap.engine.risk import finding_risk, finding_risk_parts

    parts = finding_risk_parts(a.findings, a.flows, a.assets, a.settings)
    return finding_risk(a.findings, a.flows, a.assets, a.settings), parts["risk"]


def test_one_missing_agreement_adds_to_total_risk_once(tmp_path):
    """Two flows of one asset between two bodies with no agreement are one weakness."""
    t = tables()
    for flow in ("F1", "F2"):
        edit(t, "flows", flow, purpose="law_enforcement", dsa_ref="")
    a = analyse_tables(tmp_path, t)
    counted, own = _counted(a)
    no_dsa = (a.findings["rule"] == "FLOW_NO_DSA").to_numpy()
    assert no_dsa.sum() == 2 and (own[no_dsa] > 0).all()
    assert (counted[no_dsa] > 0).sum() == 1
    assert counted[no_dsa].sum() == pytest.approx(own[no_dsa].max())
    assert a.governance_risk == pytest.approx(round(float(counted.sum()), 2))


def test_an_unencrypted_email_adds_to_total_risk_once(tmp_path):
    """FLOW_UNENCRYPTED and FLOW_INSECURE_TRANSPORT on one email: one fix, counted once."""
    t = tables()
    edit(t, "flows", "F1", transport="email", encrypted="no")
    a = analyse_tables(tmp_path, t)
    counted, own = _counted(a)
    on_f1 = (a.findings["subject_id"] == "F1").to_numpy()
    rules = set(a.findings.loc[on_f1, "rule"])
    assert {"FLOW_UNENCRYPTED", "FLOW_INSECURE_TRANSPORT"} <= rules
    both = on_f1 & (a.findings["problem_id"] == "transport:F1").to_numpy()
    assert (counted[both] > 0).sum() == 1
    assert counted[both].sum() == pytest.approx(own[both].max())
    by_asset = a.risk_by_asset().set_index("asset_id")["governance_risk"]
    assert by_asset.sum() == pytest.approx(a.governance_risk, abs=0.02)


def test_terminal_summary_ranks_problems_not_findings(sample):
    """The Citrix gateway's four findings are one line of the top ten, not four."""
    from flowmap.console import format_analysis

    text = format_analysis(sample, top=10)
    assert f"{sample.summary['problems']:,} problems" in text.splitlines()[0]
    top = text.split("Top 10:")[1].splitlines()
    citrix = [line for line in top if "RXA-CTX-01" in line and "unpatched" in line]
    assert len(citrix) == 1 and "(+3 related)" in citrix[0]
    assert not any("PATCH_STALE" in line for line in top)


def test_each_weakness_counts_its_largest_finding_ties_to_the_first_id():
    """counted_risk, against the plain rule on random groups with ties and unknowns:
    the largest risk of each group counts (ties: the finding id that sorts first; an
    unknown risk only when the whole group is unknown), every other finding adds 0."""
    import numpy as np
    import pandas as pd

    from flowmap.engine.risk import counted_risk

    rng = np.random.default_rng(7)
    n = 2_000
    group = pd.Series([f"p{g}|a" for g in rng.integers(0, 300, n)])
    risk = pd.Series(rng.choice([0.0, 1.5, 2.0, 7.25, np.nan], n))
    ids = pd.Series([f"R:{i:05d}" for i in rng.permutation(n)])
    got = counted_risk(group, risk, ids)
    frame = pd.DataFrame({"g": group, "r": risk, "f": ids})
    for _, rows in frame.groupby("g"):
        known = rows.dropna(subset=["r"])
        pool = rows if known.empty else known[known["r"] == known["r"].max()]
        winner = pool.sort_values("f").index[0]
        for i in rows.index:
            expected = rows.at[i, "r"] if i == winner else 0.0
            assert (np.isnan(got[i]) and np.isnan(expected)) or got[i] == expected, i


def test_findings_come_most_severe_first_then_by_rule_then_subject_ties_as_found():
    """run_rules sorts on numbers; it must give what a stable sort of score (high
    first), the rule's place and the subject id gives, on random ties, ids shared across
    rules, a subject twice in one rule, and an unknown subject id."""
    import numpy as np
    import pandas as pd

    from flowmap.engine.analysis import run_rules
    from flowmap.engine.problems import per_subject
    from flowmap.engine.rules.base import Rule

    rng = np.random.default_rng(11)

    def rule(i: int) -> Rule:
        n = int(rng.integers(0, 60))
        subjects = [f"S{k}" for k in rng.integers(0, 40, n)] + ([None] if i == 2 else [])
        found = pd.DataFrame(
            {
                "subject_id": subjects,
                "org_id": "O",
                "message": [f"m{i}-{k}" for k in range(len(subjects))],  # says which row
                "evidence": [{} for _ in subjects],
                "score": rng.choice([10.0, 55.5, 90.0], len(subjects)),
            }
        )
        return Rule(
            id=f"R{i}", title="t", subject_type="system", score=50, remediation="r",
            references=(), caf="A1.a", problem=per_subject("unpatched"), evaluate=lambda ctx: found,
        )  # fmt: skip

    rules = tuple(rule(i) for i in range(6))
    got = run_rules(None, rules)  # the rules read no context
    parts = pd.concat([r.run(None) for r in rules], ignore_index=True)
    parts["place"] = parts["rule"].map({r.id: i for i, r in enumerate(rules)})
    expected = parts.sort_values(
        ["score", "place", "subject_id"], ascending=[False, True, True], kind="stable"
    ).drop(columns="place")
    assert got["message"].tolist() == expected["message"].tolist()
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))
