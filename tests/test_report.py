"""`flowmap report`: figures match `analyse`, a board paper, no code, nothing remote,
quiet runs, no local paths, failures visible, and a trend across quarters."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys

import nbformat
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
#: A folder name that stands for the analyst's machine: it must appear in no output.
LOCAL = "analyst-laptop-7f3c"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    """The sample's report with a PDF, a previous inventory and a history folder of two
    earlier positions: an inventory dated in its name and a findings output."""
    base = tmp_path_factory.mktemp(LOCAL)
    inventory = shutil.copytree(SAMPLE, base / "inventories" / "sample")
    history = base / "history"
    shutil.copytree(SAMPLE, history / "2026-05-01-sample")
    main(["analyse", str(inventory), "--as-of", "2026-08-01", "--out", str(history / "q2")])
    result = flowmap.report(
        inventory,
        out_dir=base / "out",
        as_of=AS_OF,
        previous=inventory,
        history=history,
        pdf=CHROMIUM is not None,
        parameters={"previous_as_of": "2026-03-01", "budget": "150000"},
    )
    return result, result.html.read_text(encoding="utf-8"), base


@pytest.fixture(scope="module")
def analysis():
    day = dt.date.fromisoformat(AS_OF)
    return flowmap.analyse(flowmap.load_inventory(SAMPLE, as_of=day), as_of=day)


def _value(page: str, element_id: str) -> int:
    tag = re.search(rf'<[^>]*\bid="{re.escape(element_id)}"[^>]*>', page)
    assert tag, f"{element_id} not in the report"
    return int(re.search(r'data-value="(\d+)"', tag.group(0)).group(1))


def test_headlines_match_analyse(sample_report, analysis):
    _, page, _ = sample_report
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
    total = re.search(r'id="fm-total-risk" data-value="([\d.]+)"', page)
    assert float(total.group(1)) == pytest.approx(analysis.total_risk)
    assert f"{analysis.total_risk:,.0f}" in page


def test_matrix_and_top_risks_match_analyse(sample_report, analysis):
    _, page, _ = sample_report
    a = analysis.assets
    lik = band_of(a["reach"], PATH_BAND_EDGES)
    for (l_band, i_band), n in pd.crosstab(lik, a["impact_band"]).stack().items():
        assert _value(page, f"fm-matrix-L{l_band}-I{i_band}") == n
    total = sum(_value(page, f"fm-matrix-L{lb}-I{ib}") for lb in range(1, 6) for ib in range(1, 6))
    assert total == len(a)
    key = "problem_id" if "problem_id" in analysis.findings.columns else "finding_id"
    first = analysis.findings.drop_duplicates(key)["finding_id"].head(10)
    for finding_id in first:
        assert f'id="fm-risk-{finding_id}"' in page
    entry = analysis.attack_paths["entry_system_id"].iloc[0]
    name = analysis.systems.set_index("system_id").at[entry, "name"]
    assert name in page


def test_report_is_code_free_and_self_contained(sample_report):
    result, page, _ = sample_report
    assert remote_references(page) == []
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r'class="[^"]*(jp-CodeMirrorEditor|highlight|jp-InputArea)', page)
    assert "board.Paper(" not in page and "paper.cover()" not in page
    assert "import flowmap" not in page
    assert "data:image/png;base64," in page  # charts embedded
    assert result.executed.exists()
    for section in ("fm-cover", "fm-headlines", "fm-matrix", "fm-changes", "fm-plan", "DSPT"):
        assert section in page
    assert page.count('<style class="fm-style">') == 0  # one stylesheet, in the head


def test_the_paper_reads_as_a_board_paper(sample_report, analysis):
    """Cover sheet first; names, not codes or repository files; money and dates for people."""
    _, page, _ = sample_report
    cover = page.index('id="fm-cover"')
    assert cover < page.index('id="fm-headlines"')
    for label in ("Purpose", "Level of assurance", "Link to the board assurance framework"):
        assert label in page[cover : page.index('id="fm-headlines"')]
    points = re.search(r'<ul class="fm-key-points" id="fm-key-points">(.*?)</ul>', page, re.S)
    assert 3 <= points.group(1).count("<li>") <= 5
    assert "1 November 2026" in page and "2026-11-01" not in re.sub(r'"[^"]*"', "", page)
    assert re.search(r"£\d{1,3}(,\d{3})* of the £150,000 budget", page)
    assert not re.search(r"£[\d,]+\.\d", page)  # pounds without pence
    for doc in ("docs/scoring.md", "docs/report.md", ".md)"):
        assert doc not in page
    # organisations by name: a code never stands alone in a table cell
    codes = set(analysis.inventory.organisations["org_id"])
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert not codes & {c.strip() for c in cells}
    assert "Riverside Hospitals NHS Foundation Trust" in page


def test_trend_from_history_and_previous(sample_report, analysis):
    _, page, _ = sample_report
    trend = page[page.index('id="fm-trend-table"') :]
    trend = trend[: trend.index("</table>")]
    for day in ("1 Mar 2026", "1 May 2026", "1 Aug 2026", "1 Nov 2026"):
        assert day in trend
    assert f"{analysis.total_risk:,.0f}" in trend
    # the headline tiles say how each figure moved since the latest earlier position
    assert "since 1 Aug 2026" in page
    assert 'id="fm-changes-new"' in page and 'id="fm-risk-direction"' in page


def test_no_local_paths_in_any_output(sample_report):
    result, page, base = sample_report
    executed = result.executed.read_text(encoding="utf-8")
    for text in (page, executed):
        assert LOCAL not in text and str(base) not in text
        assert sys.prefix not in text
    if result.pdf:
        done = subprocess.run(
            ["pdftotext", str(result.pdf), "-"], capture_output=True, text=True, check=False
        )
        if done.returncode == 0:
            assert LOCAL not in done.stdout
    nb = nbformat.read(result.executed, as_version=4)
    assert nb.metadata["flowmap"]["kernel_log"] == []  # a quiet kernel


def test_a_run_prints_no_kernel_warnings(tmp_path):
    """The whole process: no TCP-without-encryption warning, no KeyboardInterrupt."""
    inv = write_csv_tables(tmp_path / "inv", small_tables())
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "flowmap",
            "report",
            str(inv),
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            AS_OF,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("Wrote ") and done.stdout.count("\n") == 1
    for alarm in ("without encryption", "KeyboardInterrupt", "WARNING", "Traceback"):
        assert alarm not in done.stdout + done.stderr


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


def test_an_undated_inventory_in_history_is_refused_before_running(tmp_path, capsys):
    inv = write_csv_tables(tmp_path / "inv", small_tables())
    write_csv_tables(tmp_path / "history" / "last-quarter", small_tables())
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "report",
                str(inv),
                "--out",
                str(tmp_path / "out"),
                "--history",
                str(tmp_path / "history"),
                "--as-of",
                AS_OF,
            ]
        )
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "last-quarter has no as-of date in its name" in err
    assert not (tmp_path / "out").exists()


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
    page = (tmp_path / "out" / safe_name("00123") / "report.html").read_text()
    assert "Hill Surgery" in page


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


def _pdf_pages(pdf) -> list[tuple[float, float]]:
    done = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    )
    return [
        (float(w), float(h))
        for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", done.stdout)
    ]


@pytest.mark.browser
@pytest.mark.skipif(
    CHROMIUM is None or shutil.which("pdftoppm") is None, reason="needs chromium and pdftoppm"
)
def test_pdf_is_a4_numbered_and_has_no_blank_page(sample_report, tmp_path):
    from PIL import Image

    result, _, _ = sample_report
    pages = _pdf_pages(result.pdf)
    assert 8 <= len(pages) <= 30, len(pages)
    for w, h in pages:  # A4 (595 x 842 pt) portrait, or landscape for a wide table
        assert sorted((round(w), round(h))) == [595, 842]
    subprocess.run(
        ["pdftoppm", "-r", "30", "-gray", "-png", str(result.pdf), str(tmp_path / "p")], check=True
    )
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == len(pages)
    for image in images:
        page = Image.open(image).convert("L")
        w, h = page.size
        body = page.crop((0, int(h * 0.09), w, int(h * 0.91)))  # without header and footer
        dark = sum(body.histogram()[:200])
        assert dark > 50, f"{image.name} is blank"
    text = subprocess.run(
        ["pdftotext", "-layout", str(result.pdf), "-"], capture_output=True, text=True
    ).stdout
    for n in (1, len(pages)):
        assert f"Page {n} of {len(pages)}" in text
    assert "position as of 1 Nov 2026" in text and "OFFICIAL-SENSITIVE" in text


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
@pytest.mark.parametrize("width", [1366, 390])
def test_paper_structure_in_chromium(sample_report, width):
    """The cover first, no row numbers, no repository or local paths, text left-aligned,
    nothing wider than a phone; offline, with no request and no console error."""
    from playwright.sync_api import sync_playwright

    result, _, base = sample_report
    requests, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": width, "height": 900})
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
            page.wait_for_timeout(1000)
            facts = page.evaluate(STRUCTURE_JS)
        finally:
            browser.close()
    assert requests == [] and errors == []
    assert facts["firstBlock"] == "fm-cover" and facts["keyPoints"] >= 3
    assert facts["tables"] >= 8
    assert facts["rowNumberColumns"] == [] and facts["headerless"] == []
    assert facts["notLeft"] == [], facts["notLeft"][:5]
    text = facts["text"]
    for bad in ("docs/", "flowmap/", ".md", ".ipynb", LOCAL, str(base), "/tmp/", "/home/"):
        assert bad not in text, bad
    assert facts["scrollWidth"] <= width + 1


def test_the_papers_map_travels_packed_and_is_a_fraction_of_its_page(sample_report):
    """The map's page (vis-network's script above all, the same in every paper of a
    batch) is compressed into its frame's attribute, not written out escaped: the paper
    stays one file, and the map costs about a quarter of what it did."""
    from flowmap.render.pages import PACKED, unpack_page

    _, page, _ = sample_report
    assert "vis.Network" not in page  # no escaped copy of the scripts
    packed = re.findall(rf'<iframe srcdoc="[^"]*" {PACKED}="([^"]*)"', page)
    assert len(packed) == 1
    inner = unpack_page(packed[0])
    assert inner.startswith("<!DOCTYPE html>") and "vis.Network" in inner
    assert "div.vis-color-picker{" not in inner  # vis-network's unused rules left out
    assert len(packed[0]) < 0.4 * len(inner)  # and the page lost 190 KB of unused style


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
def test_the_papers_map_opens_by_itself_offline_or_shows_its_picture(sample_report):
    """Opened from disk with no network, the paper unpacks its map and the map draws
    itself (its heading, its organisations, a canvas); in a browser without
    DecompressionStream the paper shows the map's picture instead of an empty frame."""
    from playwright.sync_api import sync_playwright

    result, _, _ = sample_report
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            seen = {}
            for name, script in (("current", ""), ("old", "delete window.DecompressionStream;")):
                context = browser.new_context(offline=True, viewport={"width": 1366, "height": 900})
                context.add_init_script(script)
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.goto(result.html.as_uri())
                page.wait_for_timeout(1500)
                frames = [f for f in page.frames if f != page.main_frame]
                seen[name] = {
                    "errors": errors,
                    "frame": frames[0].evaluate(
                        """() => [document.getElementById('fm-heading')?.textContent || '',
                           document.getElementById('fm-org')?.options.length || 0,
                           document.querySelectorAll('canvas').length]"""
                    ),
                    "picture": page.locator(".fm-map-picture").is_visible(),
                    "frame_shown": page.locator("iframe.fm-map-frame").is_visible(),
                }
                context.close()
        finally:
            browser.close()
    heading, orgs, canvases = seen["current"]["frame"]
    assert heading.startswith("Data-flow map") and orgs > 2 and canvases == 1
    assert seen["current"]["frame_shown"] and not seen["current"]["picture"]
    assert seen["old"]["picture"] and not seen["old"]["frame_shown"]
    assert seen["current"]["errors"] == [] and seen["old"]["errors"] == []


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
STRUCTURE_JS = """() => {
  const tables = [...document.querySelectorAll('table.fm-table')];
  const rowNumberColumns = [], headerless = [], notLeft = [];
  tables.forEach((t, i) => {
    const first = t.querySelector('thead th');
    if (!first || !first.textContent.trim()) headerless.push(t.closest('[id]')?.id || i);
    if (t.querySelector('tbody th')) rowNumberColumns.push(t.closest('[id]')?.id || i);
    const firstCells = [...t.querySelectorAll('tbody tr > td:first-child')];
    const counted = (c, k) => [String(k), String(k + 1)].includes(c.textContent.trim());
    if (firstCells.length > 2 && firstCells.every(counted)) {
      rowNumberColumns.push(t.closest('[id]')?.id || i);
    }
    t.querySelectorAll('td:not(.fm-num)').forEach(td => {
      const a = getComputedStyle(td).textAlign;
      if (a !== 'left' && a !== 'start') notLeft.push(td.textContent.slice(0, 30) + ' ' + a);
    });
  });
  const blocks = [...document.querySelectorAll('main .fm-block[id]')];
  return {
    firstBlock: blocks.length ? blocks[0].id : '',
    keyPoints: document.querySelectorAll('#fm-key-points li').length,
    tables: tables.length, rowNumberColumns, headerless, notLeft,
    text: document.body.innerText,
    scrollWidth: document.scrollingElement.scrollWidth,
  };
}"""


def test_per_org_batch_analyses_once_and_reuses_each_workers_kernel(tmp_path, monkeypatch):
    """The inventory is analysed once (in the parent) and each worker's kernel runs
    report after report: the second report in a kernel continues its execution count."""
    import importlib

    board_load = importlib.import_module("flowmap.render.board.load")
    inv = write_csv_tables(tmp_path / "inv", small_tables())
    loads = []
    real = board_load.load
    monkeypatch.setattr(board_load, "load", lambda *a, **k: loads.append(a) or real(*a, **k))
    batch = flowmap.report_all(
        inv, out_dir=tmp_path / "out", workers=1, as_of=AS_OF, orgs=["RXA", "00123", "RXA"]
    )
    assert batch.ok and len(loads) == 1
    first_counts = []
    for o in batch.outcomes:
        nb = nbformat.read(tmp_path / "out" / o.folder / "board_report.executed.ipynb", 4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert nb.metadata.papermill.parameters["shared"].endswith("analysis.pkl")
        first_counts.append(code[0].execution_count)
    assert sorted(first_counts)[-1] > len(code)  # a later report ran in the same kernel
    assert not list((tmp_path / "out").glob(".flowmap-shared-*"))  # the shared file is gone


def test_per_org_batch_shows_progress(tmp_path):
    inv = write_csv_tables(tmp_path / "inv", small_tables())
    done = subprocess.run(
        [sys.executable, "-m", "flowmap", "report", str(inv), "--per-org", "--out",
         str(tmp_path / "out"), "--as-of", AS_OF, "--workers", "1"],
        capture_output=True, text=True, check=False, timeout=900,
        env={**__import__("os").environ, "FLOWMAP_PROGRESS": "always"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2/2" in done.stderr and "report" in done.stderr
    assert "Wrote 2 of 2 reports" in done.stdout
    for alarm in ("without encryption", "KeyboardInterrupt", "Traceback", "WARNING"):
        assert alarm not in done.stdout + done.stderr


def test_a_batch_workers_kernel_keeps_no_output_cache(tmp_path):
    """A worker's kernel runs report after report: IPython's output cache would keep a
    thousand outputs (every paper's map) alive and, once full, write a warning into the
    notebook of whichever paper was running. The batch kernel keeps none."""
    import papermill as pm

    from flowmap.render.report.kernel import KernelSession, session_engine

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("get_ipython().displayhook.cache_size"),
        *[nbformat.v4.new_code_cell(f"{i}") for i in range(5)],
        nbformat.v4.new_code_cell("len(Out)"),
    ]
    nbformat.write(nb, tmp_path / "in.ipynb")
    session = KernelSession("python3")
    try:
        pm.execute_notebook(
            str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"), parameters={"x": 2},
            km=session.ready(), engine_name=session_engine(), kernel_name="python3",
            language="python", progress_bar=False,
        )  # fmt: skip
    finally:
        session.close()
    cells = nbformat.read(tmp_path / "out.ipynb", 4).cells
    shown = [c.outputs[0]["data"]["text/plain"] for c in cells if c.get("outputs")]
    assert shown[0] == "0" and shown[-1] == "0"  # no cache size, nothing kept in Out


@pytest.mark.parametrize("kernel", ["one report", "a batch worker's"])
def test_a_report_kernel_keeps_nothing_in_the_users_ipython_history(tmp_path, kernel):
    """A report's cells (its parameters and inventory paths among them) are not the
    user's history; a region's batch would add thousands of entries, and kernels running at
    once would contend for the one database ("database is locked" in the papers' logs)."""
    import papermill as pm

    from flowmap.render.report.kernel import KernelSession, private_run, session_engine

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "h = get_ipython().history_manager; (h.enabled, type(h.db).__name__)"
        ),
    ]
    nbformat.write(nb, tmp_path / "in.ipynb")
    common = {"parameters": {"x": 2}, "kernel_name": "python3", "language": "python",
              "progress_bar": False}  # fmt: skip
    if kernel == "one report":
        with private_run() as (kwargs, read_log):
            pm.execute_notebook(str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"),
                                **kwargs, **common)  # fmt: skip
            log = read_log()
    else:
        session = KernelSession("python3")
        try:
            km = session.ready()
            pm.execute_notebook(str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"),
                                km=km, engine_name=session_engine(), **common)  # fmt: skip
            log = session.new_log()
        finally:
            session.close()
    cells = nbformat.read(tmp_path / "out.ipynb", 4).cells
    shown = [c.outputs[0]["data"]["text/plain"] for c in cells if c.get("outputs")]
    assert shown == ["(False, 'DummyDB')"] and log == ""  # no database opened
