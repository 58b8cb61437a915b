"""`flowmap report`: figures match `analyse`, no code, nothing remote, failures visible."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pandas as pd
import pytest

import flowmap
from flowmap.cli import main
from flowmap.engine.likelihood import band_of
from flowmap.render.board.matrix import PATH_BAND_EDGES
from flowmap.render.names import safe_name
from flowmap.render.report.convert import remote_references
from tests.conftest import SAMPLE, small_tables, write_csv_tables

pytestmark = pytest.mark.notebook

AS_OF = "2026-11-01"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    result = flowmap.report(
        SAMPLE,
        out_dir=out,
        as_of=AS_OF,
        previous=SAMPLE,
        pdf=CHROMIUM is not None,
        parameters={"previous_as_of": "2026-03-01", "budget": "150000"},
    )
    return result, result.html.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def analysis():
    day = dt.date.fromisoformat(AS_OF)
    return flowmap.analyse(flowmap.load_inventory(SAMPLE, as_of=day), as_of=day)


def _value(page: str, element_id: str) -> int:
    tag = re.search(rf'<[^>]*\bid="{re.escape(element_id)}"[^>]*>', page)
    assert tag, f"{element_id} not in the report"
    return int(re.search(r'data-value="(\d+)"', tag.group(0)).group(1))


def test_headlines_match_analyse(sample_report, analysis):
    _, page = sample_report
    f, s, fl = analysis.findings, analysis.systems, analysis.flows
    unlawful = set(
        f.loc[
            f["rule"].isin(
                [
                    "FLOW_NO_LAWFUL_BASIS",
                    "FLOW_NO_SPECIAL_CONDITION",
                    "FLOW_NO_DSA",
                    "FLOW_DSA_EXPIRED",
                ]
            ),
            "subject_id",
        ]
    )
    expected = {
        "unsupported_systems": int((s["eol_status"] == "eol").sum()),
        "kev_open": int(s["open_kev"].sum()),
        "overdue_critical_patches": int(s["overdue_patches"].sum()),
        "sensitive_flows_unlawful": int(
            fl.loc[fl["special_category"], "flow_id"].isin(unlawful).sum()
        ),
        "assets_without_resilient_backup": f.loc[
            f["rule"].isin(["BACKUP_MISSING", "BACKUP_NOT_ISOLATED", "BACKUP_RESTORE_UNTESTED"]),
            "subject_id",
        ].nunique(),
    }
    assert expected["unsupported_systems"] == int((f["rule"] == "EOL_OS").sum())
    for key, value in expected.items():
        assert _value(page, f"fm-headline-{key}") == value, key
    assert re.search(rf'id="fm-total-risk"[^>]*>{analysis.total_risk:,.1f}<', page)


def test_matrix_and_top_risks_match_analyse(sample_report, analysis):
    _, page = sample_report
    a = analysis.assets
    lik = band_of(a["reach"], PATH_BAND_EDGES)
    for (l_band, i_band), n in pd.crosstab(lik, a["impact_band"]).stack().items():
        assert _value(page, f"fm-matrix-L{l_band}-I{i_band}") == n
    total = sum(_value(page, f"fm-matrix-L{lb}-I{ib}") for lb in range(1, 6) for ib in range(1, 6))
    assert total == len(a)
    for finding_id in analysis.findings["finding_id"].head(10):
        assert finding_id in page
    assert analysis.attack_paths["path"].iloc[0].replace(">", "&gt;") in page


def test_report_is_code_free_and_self_contained(sample_report):
    result, page = sample_report
    assert remote_references(page) == []
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r'class="[^"]*(jp-CodeMirrorEditor|highlight)', page)
    assert "board.headlines(" not in page
    assert "import flowmap" not in page
    assert "data:image/png;base64," in page  # charts embedded
    assert result.executed.exists()
    for section in ("fm-headlines", "fm-matrix", "fm-changes", "fm-plan", "DSPT"):
        assert section in page


def test_previous_shows_changes(sample_report):
    _, page = sample_report
    assert 'id="fm-changes-new"' in page and 'id="fm-risk-direction"' in page


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
def test_pdf(sample_report):
    result, _ = sample_report
    assert result.pdf.read_bytes()[:4] == b"%PDF"


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
def test_report_loads_offline_without_errors_or_requests(sample_report):
    from playwright.sync_api import sync_playwright

    result, _ = sample_report
    requests, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            context = browser.new_context(offline=True)
            page = context.new_page()
            page.on(
                "request",
                lambda r: (
                    requests.append(r.url)
                    if not r.url.startswith(("file:", "data:", "about:"))
                    else None
                ),
            )
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(result.html.as_uri())
            page.wait_for_selector("iframe", state="attached", timeout=30_000)
            page.wait_for_timeout(1500)
            assert page.locator("#fm-headlines").count() == 1
        finally:
            browser.close()
    assert requests == [] and errors == []


def test_unknown_and_mistyped_parameters_are_refused_before_running(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", str(SAMPLE), "--out", str(tmp_path), "-p", "budgett=1"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "budgett" in err and "valid parameters are" in err and "budget" in err
    with pytest.raises(SystemExit) as exc:
        main(["report", str(SAMPLE), "--out", str(tmp_path), "-p", "budget=lots"])
    assert exc.value.code == 2 and "whole number" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_failing_cell_is_named_and_leaves_no_report(tmp_path, capsys):
    from flowmap.render.files import write_text

    write_text("stale", tmp_path / "report.html")  # flowmap's own, from an earlier run
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "report",
                str(SAMPLE),
                "--out",
                str(tmp_path),
                "--org",
                "NO-SUCH-ORG",
                "--as-of",
                AS_OF,
            ]
        )
    assert exc.value.code == 4
    err = capsys.readouterr().err
    assert "board_report.ipynb" in err and "cell" in err and "UsageError" in err
    assert "NO-SUCH-ORG" in err
    assert not (tmp_path / "report.html").exists()
    assert (tmp_path / "board_report.executed.ipynb").exists()
    assert not list(tmp_path.glob(".*partial*"))


def test_per_org_batch_reports_failures_and_carries_on(tmp_path, capsys):
    inv = write_csv_tables(tmp_path / "inv", small_tables())
    batch = flowmap.report_all(
        inv, out_dir=tmp_path / "out", workers=2, as_of=AS_OF, orgs=["RXA", "NOPE", "00123"]
    )
    assert [o.org_id for o in batch.failed] == ["NOPE"]
    assert "NOPE" in batch.failed[0].error and "board_report.ipynb" in batch.failed[0].error
    for org in ("RXA", "00123"):
        assert (tmp_path / "out" / safe_name(org) / "report.html").exists()
    index = batch.index.read_text()
    assert f'href="{safe_name("RXA")}/report.html"' in index and "FAILED" in index


def test_per_org_cli_writes_every_org_and_index(tmp_path, capsys):
    inv = write_csv_tables(tmp_path / "inv", small_tables())
    main(
        [
            "report",
            str(inv),
            "--per-org",
            "--out",
            str(tmp_path / "out"),
            "--workers",
            "2",
            "--as-of",
            AS_OF,
        ]
    )
    assert "Wrote 2 of 2 reports" in capsys.readouterr().out
    assert (tmp_path / "out" / "index.html").exists()
    assert (tmp_path / "out" / safe_name("00123") / "report.html").exists()


def test_per_org_on_dask(tmp_path):
    from dask.distributed import LocalCluster

    inv = write_csv_tables(tmp_path / "inv", small_tables())
    with LocalCluster(
        processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        batch = flowmap.report_all(
            inv,
            out_dir=tmp_path / "out",
            as_of=AS_OF,
            dask_scheduler=cluster.scheduler_address,
            orgs=["RXA"],
        )
    assert batch.ok and (tmp_path / "out" / safe_name("RXA") / "report.html").exists()
