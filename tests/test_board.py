"""The board paper's blocks, without running a notebook: figures, grouping, cover, trend,
tables and the document around them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil

import nbformat
import pandas as pd
import pytest

import flowmap
from flowmap.cli import main
from flowmap.engine.figures import (
    BACKUP_GAP_RULES,
    HEADLINE_KEYS,
    UNLAWFUL_FLOW_RULES,
    figures_by_org,
    headline_counts,
)
from flowmap.errors import UsageError
from flowmap.render import board
from flowmap.render.board import trend as trend_module
from flowmap.render.board._html import Chip, Markup
from flowmap.render.board.cover import CoverDetails, proposed_assurance
from flowmap.render.report.convert import css_string, page_css, paper_document
from flowmap.render.report.executed import record
from tests.conftest import SAMPLE

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def analysis():
    return flowmap.analyse(flowmap.load_inventory(SAMPLE, as_of=AS_OF), as_of=AS_OF)


def test_figures_by_org_equal_the_figures_of_each_org(analysis):
    by_org = analysis.summary["by_org"]
    risk = analysis.risk_by_asset().groupby("org_id")["total_risk"].sum()
    for org in analysis.inventory.organisations["org_id"]:
        one = headline_counts(analysis.findings, analysis.systems, analysis.flows, org)
        assert {k: by_org[org][k] for k in HEADLINE_KEYS} == one, org
        assert by_org[org]["total_risk"] == pytest.approx(risk.get(org, 0.0), abs=0.01)
    assert sum(v["kev_open"] for v in by_org.values()) == analysis.summary["headlines"]["kev_open"]
    empty = figures_by_org(
        analysis.findings, analysis.systems, analysis.flows, analysis.risk_by_asset(), ["NONE"]
    )
    assert empty == {"NONE": {"total_risk": 0.0, **dict.fromkeys(HEADLINE_KEYS, 0)}}


def test_headline_figures_count_each_thing_once_however_many_findings_it_raises(analysis):
    """The Citrix gateway's open known-exploited CVE raises several findings of one
    problem; the headline figures count things (systems, vulnerabilities, flows, assets),
    so it adds one to open known-exploited vulnerabilities, not one per finding."""
    f, s = analysis.findings, analysis.systems.set_index("system_id")
    h = headline_counts(f, analysis.systems, analysis.flows)
    assert h["kev_open"] == s["open_kev"].sum()  # vulnerabilities, each once
    unpatched = f[f["problem_id"] == "unpatched:RXA-CTX-01"]
    assert len(unpatched) > 1 and s.at["RXA-CTX-01", "open_kev"] == 1
    assert h["unsupported_systems"] == f.loc[f["rule"] == "EOL_OS", "subject_id"].nunique()
    flows = f[(f["subject_type"] == "flow") & f["rule"].isin(UNLAWFUL_FLOW_RULES)]
    assert h["sensitive_flows_unlawful"] <= flows["subject_id"].nunique() < len(flows)
    backup = f[f["rule"].isin(BACKUP_GAP_RULES)]
    assert h["assets_without_resilient_backup"] == backup["subject_id"].nunique() < len(backup)


def test_findings_json_and_parquet_record_the_figures_a_trend_needs(tmp_path, analysis):
    main(["analyse", str(SAMPLE), "--as-of", "2026-11-01", "--out", str(tmp_path), "--quiet",
          "--formats", "json,parquet"])  # fmt: skip
    summary = json.loads((tmp_path / "findings.json").read_text())["summary"]
    assert summary["inventory"] == "sample"  # the name, never the path
    assert summary["headlines"] == analysis.summary["headlines"]
    assert set(summary["by_org"]) == set(analysis.inventory.organisations["org_id"])
    assert trend_module.read_findings_summary(tmp_path / "findings.parquet") == summary
    (tmp_path / "findings.json").unlink()  # a folder of the default outputs: the Parquet
    assert trend_module.read_findings_summary(tmp_path) == summary


def test_top_risks_group_the_findings_one_fix_closes(analysis):
    gateway = analysis.findings["subject_id"] == "RXA-CTX-01"
    assert gateway.sum() >= 3
    grouped = analysis.findings.assign(
        problem_id=analysis.findings["finding_id"].where(~gateway, "fix:RXA-CTX-01")
    )
    a = dataclasses.replace(analysis, findings=grouped)
    table = board.top_risks(a, n=10)
    risks = [m.text() for m in table.frame["Risk"]]
    assert sum("gateway (RXA-CTX-01)" in r for r in risks) == 1
    assert any("Also:" in r for r in risks)
    # with flowmap's own problem ids the gateway's unpatched flaw is one problem (its
    # missing MFA another, with its own fix), never one line per finding
    plain = board.top_risks(analysis, n=10)
    lines = sum("gateway (RXA-CTX-01)" in m.text() for m in plain.frame["Risk"])
    problems = analysis.findings.loc[gateway, "problem_id"].nunique()
    assert 1 <= lines <= problems < gateway.sum()


def test_top_risks_name_organisations_and_owners(analysis):
    t = board.top_risks(analysis, org="RXA", n=5)
    who = [m.text() for m in t.frame["Organisation and owner"]]
    assert all(w.startswith("Riverside Hospitals NHS Foundation Trust") for w in who)
    assert all("Owner:" in w for w in who)
    assert {str(c) for c in t.frame["Severity"]} <= {"Critical", "High", "Medium", "Low", "Info"}


def test_backups_do_not_pass_checks_of_a_backup_that_does_not_exist(analysis):
    t = board.backup_resilience(analysis, n=100).frame
    missing = t[t["Backed up"] == "no"]
    assert len(missing)
    assert set(missing["Offline or immutable copy"]) == {"no backup"}
    assert set(missing["Restore tested in 12 months"]) == {"no backup"}
    assert {str(c) for c in missing["Would survive ransomware"]} == {"no"}


def test_assurance_is_proposed_from_the_figures_or_set_on_a_configurable_scale(analysis):
    four = ["Substantial", "Reasonable", "Limited", "No"]
    assert proposed_assurance(["green"] * 5, four)[0] == "Substantial"
    assert proposed_assurance(["amber", "green"], four)[0] == "Reasonable"
    assert proposed_assurance(["red"] * 5, four)[0] == "No"
    assert proposed_assurance(["red"] * 5, ["Full", "Partial", "None"])[0] == "None"
    paper = board.Paper(analysis, assurance="partial", assurance_scale="Full, Partial, None")
    assert paper.assurance() == ("Partial", "set by the author")
    with pytest.raises(UsageError, match="not on the assurance scale"):
        board.Paper(analysis, assurance="Reasonable", assurance_scale="Full, Partial, None")
    with pytest.raises(UsageError, match="two or more levels"):
        CoverDetails(assurance_scale="Only").scale()


def test_cover_key_points_and_asks_are_sentences_about_this_analysis(analysis):
    plan = board.plan_for_report(analysis, budget=20000)
    paper = board.Paper(analysis, plan=plan, meeting="Trust board, 10 Dec 2026", baf="SR5")
    points = paper.key_points()
    assert 3 <= len(points) <= 5
    assert any("Citrix NetScaler remote access gateway" in p for p in points)
    assert all(p.endswith(".") for p in points)
    asks = paper.asks()
    assert asks[0].startswith("note the position") and asks[-1].endswith(".")
    assert any(a.startswith("approve £") for a in asks)
    html = paper.cover()._repr_html_()
    assert "Trust board, 10 Dec 2026" in html and "SR5" in html
    assert 'id="fm-paper-meta"' in html and "position as of 1 Nov 2026" in html
    assert paper.purpose() == "For decision"
    assert board.Paper(analysis).purpose() == "For assurance"


def test_one_organisations_plan_spends_on_its_own_actions(analysis):
    plan = board.plan_for_report(analysis, budget=20000, org="M85001")
    assert set(plan.steps["org_id"]) <= {"M85001"}
    assert plan.spent <= 20000


def _findings_output(tmp_path, day: str, formats: str = "json"):
    out = tmp_path / day
    main(
        ["analyse", str(SAMPLE), "--as-of", day, "--out", str(out), "--quiet", "--formats", formats]
    )
    return out


def test_trend_reads_findings_outputs_and_dated_inventories(tmp_path, analysis):
    history = tmp_path / "history"
    _findings_output(history, "2026-08-01", formats="xlsx,parquet")  # analyse's default
    shutil.copytree(SAMPLE, history / "inventory-2026-05-01")
    shutil.copytree(SAMPLE, history / "2026-12-01")  # later than the report: left out
    (history / "README.txt").write_text("not a position")
    t = board.load_trend(history, analysis)
    assert [p.as_of for p in t.earlier] == [dt.date(2026, 5, 1), dt.date(2026, 8, 1)]
    assert [p.kind for p in t.earlier] == ["inventory", "findings"]
    assert t.comparison is not None and t.comparison.as_of == dt.date(2026, 5, 1)
    assert any("2026-12-01" in n for n in t.notes)
    assert t.current.total_risk == analysis.total_risk
    one = board.load_trend(history, analysis, org="RXA")
    rxa = trend_module.read_findings_summary(history / "2026-08-01")["by_org"]
    assert one.earlier[-1].total_risk == rxa["RXA"]["total_risk"]
    assert one.earlier[-1].headlines == {k: rxa["RXA"][k] for k in HEADLINE_KEYS}
    assert one.current.total_risk == analysis.summary["by_org"]["RXA"]["total_risk"]
    table = board.Paper(analysis, trend=t).trend_table()
    assert list(table.frame.columns) == ["Figure", "1 May 2026", "1 Aug 2026", "1 Nov 2026 (now)"]


def test_a_large_findings_file_is_read_from_its_summary_at_the_end(tmp_path, monkeypatch):
    out = _findings_output(tmp_path, "2026-08-01")
    whole = trend_module.read_findings_summary(out)
    monkeypatch.setattr(trend_module, "WHOLE_FILE_BYTES", 0)
    monkeypatch.setattr(trend_module, "TAIL_BYTES", (2_000, 10_000_000))
    assert trend_module.read_findings_summary(out) == whole


def test_an_old_findings_output_without_figures_shows_them_as_not_recorded(tmp_path, analysis):
    out = _findings_output(tmp_path / "h", "2026-08-01")
    doc = json.loads((out / "findings.json").read_text())
    del doc["summary"]["headlines"], doc["summary"]["by_org"]
    (out / "findings.json").write_text(json.dumps(doc))
    t = board.load_trend(tmp_path / "h", analysis)
    assert t.earlier[0].total_risk == doc["summary"]["total_risk"]
    assert set(t.earlier[0].headlines.values()) == {None}
    frame = board.Paper(analysis, trend=t).trend_table().frame
    assert (frame["1 Aug 2026"] == "not recorded").sum() == len(HEADLINE_KEYS)


def test_history_entries_need_a_date(tmp_path):
    (tmp_path / "q3.xlsx").write_bytes(b"")
    with pytest.raises(UsageError, match=r"q3\.xlsx has no as-of date in its name"):
        trend_module.check_history(tmp_path)
    with pytest.raises(UsageError, match="is not a folder"):
        trend_module.check_history(tmp_path / "q3.xlsx")


def test_table_has_no_index_and_aligns_numbers_right():
    frame = pd.DataFrame(
        {"Name": ["<b>x</b>", "y"], "Cost": ["£1", "£2"], "Status": [Chip("red"), Chip("green")]},
        index=[5, 6],
    )
    html = board.Table(frame, numeric=["Cost"], id="t")._repr_html_()
    assert "<tbody><tr><td" in html and "<th" not in html.split("<tbody>")[1]
    assert "&lt;b&gt;x&lt;/b&gt;" in html and ">5<" not in html
    assert html.count('class="fm-num"') == 3  # the heading and two cells
    assert "fm-chip-red" in html and ">Red<" in html
    markup = pd.Series([Markup("<b>ok</b>")], dtype=object)  # a text column loses markup
    cell = board.Table(pd.DataFrame({"A": markup})).html()
    assert "<b>ok</b>" in cell


def test_paper_document_sections_and_print_css():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "x",
            outputs=[
                _html(
                    '<div id="fm-paper-meta" hidden '
                    'data-running-title="T &amp; Co" '
                    'data-marking="OFFICIAL"></div>'
                )
            ],
        ),
        nbformat.v4.new_markdown_cell("## Headline figures\n\nWhat they are."),
        nbformat.v4.new_code_cell("y", outputs=[_html('<style class="fm-style">p{}</style>ok')]),
        nbformat.v4.new_markdown_cell("## Appendix A: method", metadata={"tags": ["appendix"]}),
    ]
    doc = paper_document(nb)
    assert doc.count("<section") == 2 and "fm-appendix" in doc and "fm-numbered" in doc
    assert "anchor-link" not in doc and "\u00b6" not in doc
    assert 'class="fm-style"' not in doc
    assert "<title>T &amp; Co</title>" in doc
    assert "size:A4 portrait" in doc and 'counter(page) " of " counter(pages)' in doc
    assert css_string("a</style>") == '"a\\3c /style\\3e "'
    assert "OFFICIAL" in page_css("x", "OFFICIAL") and "@top-right" not in page_css("x", "")


def _html(markup: str):
    return nbformat.v4.new_output("display_data", data={"text/html": markup})


def test_executed_notebook_keeps_no_local_paths(tmp_path):
    nb = nbformat.v4.new_notebook()
    secret = "/srv/analyst-7f3c/q3/inventory.xlsx"
    nb.cells = [nbformat.v4.new_code_cell(f'inventory = "{secret}"')]
    nb.metadata["papermill"] = {"parameters": {"inventory": secret}, "output_path": str(tmp_path)}
    path = tmp_path / "run.ipynb"
    nbformat.write(nb, path)
    record(path, log="a line\n", paths=[secret])
    text = path.read_text()
    assert "analyst-7f3c" not in text and str(tmp_path) not in text
    assert "inventory.xlsx" in text
    assert nbformat.read(path, as_version=4).metadata["flowmap"]["kernel_log"] == ["a line"]


def test_stale_reference_data_is_a_caution_on_the_cover_in_plain_words():
    """End-of-life data taken more than six months before the position: the cover and the
    method say so in words a board reads (no command, no file), and a fresh one says
    nothing."""
    late = dt.date(2027, 6, 1)
    stale = flowmap.analyse(flowmap.load_inventory(SAMPLE, as_of=late), as_of=late)
    assert stale.warnings  # the analyst's warning, naming the command
    cover = board.Paper(stale).cover()._repr_html_()
    method = board.Paper(stale).method()._repr_html_()
    for html in (cover, method):
        assert 'class="fm-caution"' in html and "22 Aug 2026" in html
        assert "flowmap reference" not in html and "docs/" not in html
    fresh = flowmap.analyse(flowmap.load_inventory(SAMPLE, as_of=AS_OF), as_of=AS_OF)
    assert 'class="fm-caution"' not in board.Paper(fresh).cover()._repr_html_()


def test_one_organisations_risk_chart_lays_out_without_warnings(analysis):
    """A per-organisation paper's chart has one bar: its title, axis and legend still fit
    (matplotlib used to warn into the executed notebook that they could not)."""
    import warnings

    from flowmap.render.board.charts import risk_by_organisation_chart

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert risk_by_organisation_chart(analysis, "RXA").png().startswith(b"\x89PNG")


def test_an_organisations_plan_line_sets_its_risk_removed_beside_its_own_risk(analysis):
    """A per-organisation paper never calls its plan a sliver of the partnership's total:
    it names the organisation's own risk beside what the plan removes."""
    from flowmap.render.board.investment import investment_plan, plan_for_report

    plan = plan_for_report(analysis, budget=20000, org="RXA")
    assert len(plan.steps)
    page = str(investment_plan(analysis, plan, org="RXA"))
    own = analysis.summary["by_org"]["RXA"]["total_risk"]
    assert "of the total)" not in page
    assert f"the organisation&#x27;s own assets carry {own:,.0f} risk points" in page or (
        f"the organisation's own assets carry {own:,.0f} risk points" in page
    )
    whole = str(investment_plan(analysis, plan_for_report(analysis, budget=20000)))
    assert "of the total)" in whole and "own assets carry" not in whole
