"""Every long step shows progress where a person watches (issue 14 item 5): each command
that can take more than a few seconds on a region draws a bar naming its steps on a
terminal. (No bar is drawn into a pipe or a log: tests/test_interrupt.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE

AS_OF = ["--as-of", "2026-11-01"]


def _commands(out: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Command line -> the step names its bars must show."""
    inv = str(SAMPLE)
    loading = ["reading", "validating", "rules"]  # load, validate and analyse
    return {
        "validate": (["validate", inv, *AS_OF], ["reading", "validating"]),
        "map": (["map", inv, "--out", str(out / "m.html"), *AS_OF], [*loading, "drawing"]),
        "ropa": (["ropa", inv, "--out", str(out / "r"), *AS_OF], [*loading, "writing the records"]),
        "agreements": (
            ["agreements", inv, "--out", str(out / "a"), *AS_OF],
            [*loading, "writing the register"],
        ),
        "dspt": (
            ["dspt", inv, "--out", str(out / "d"), *AS_OF],
            [*loading, "writing the evidence"],
        ),
        "check-flow": (["check-flow", inv, "--quiet", *AS_OF], [*loading, "answering"]),
        "alert": (
            ["alert", inv, "--cve", "CVE-2017-0144", "--no-pdf", "--out", str(out / "al"), *AS_OF],
            ["reading", "working out the impact", "writing the alert"],
        ),
        "export": (["export", inv, "--out", str(out / "g.graphml")], ["reading", "building"]),
        "synth": (["synth", "--orgs", "3", "--out", str(out / "s")], ["generating", "writing"]),
        "plan": (
            ["plan", inv, "--budget", "100000", "--out", str(out / "p"), *AS_OF],
            [*loading, "measuring actions", "choosing", "writing the plan"],
        ),
        "diff": (
            ["diff", inv, inv, "--out", str(out / "df"), *AS_OF],
            [*loading, "comparing", "writing the changes"],
        ),
        "import scan": (
            [
                "import",
                "scan",
                str(SAMPLE / "scans" / "riverside-servers.nessus"),
                "--inventory",
                inv,
                "--org",
                "RXA",
                "--out",
                str(out / "is"),
                *AS_OF,
            ],
            ["reading inventory", "reading scans", "matching", "merging", "writing"],
        ),
        "import sheet": (
            [
                "import",
                "sheet",
                str(SAMPLE / "registers" / "ropa-dspt-1.1.2.csv"),
                "--mapping",
                "dspt-1.1.2",
                "--set",
                "org=RXA",
                "--inventory",
                inv,
                "--out",
                str(out / "ish"),
                *AS_OF,
            ],
            [
                "reading the spreadsheet",
                "reading the inventory",
                "mapping the rows",
                "checking the result",
                "writing",
            ],
        ),
    }


@pytest.mark.parametrize(
    "name",
    [
        "validate", "map", "ropa", "agreements", "dspt", "check-flow", "alert", "export",
        "synth", "plan", "diff", "import scan", "import sheet",
    ],
)  # fmt: skip
def test_a_long_command_shows_its_steps_on_a_terminal(name, tmp_path, monkeypatch) -> None:
    from flowmap.cli.group import cli

    monkeypatch.setenv("FLOWMAP_PROGRESS", "always")  # as on a terminal
    args, shown = _commands(tmp_path)[name]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr
    for step in shown:
        assert step in result.stderr, (step, result.stderr[-1500:])
    assert "%|" in result.stderr  # drawn as a bar


def test_no_bar_in_a_pipe_even_where_ipykernel_was_imported(monkeypatch) -> None:
    """flowmap report imports ipykernel to run the paper's notebook; that alone must not
    draw bars into a log or a pipe (only a real kernel or a terminal gets them)."""
    import io
    import sys

    import ipykernel  # noqa: F401  (imported, as the report command does)

    from flowmap.progress import stages, watched

    monkeypatch.delenv("FLOWMAP_PROGRESS", raising=False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert "ipykernel" in sys.modules and not watched()
    with stages(["one", "two"]) as step:
        step()
        step()
    assert sys.stderr.getvalue() == ""


@pytest.mark.notebook
def test_the_board_report_counts_its_cells_then_writes_and_prints(tmp_path) -> None:
    """flowmap report as on a terminal: a bar counting the notebook's cells (every cell,
    the injected parameters too), then writing report.html and printing report.pdf."""
    import os
    import re
    import shutil
    import subprocess
    import sys

    import nbformat

    from flowmap.render.report.run import BOARD_NOTEBOOK
    from tests.conftest import small_tables, write_csv_tables

    pdf = shutil.which("chromium") is not None
    inv = write_csv_tables(tmp_path / "inv", small_tables())
    done = subprocess.run(
        [sys.executable, "-m", "flowmap", "report", str(inv), "--out", str(tmp_path / "out"),
         *AS_OF, *(["--pdf"] if pdf else [])],
        capture_output=True, text=True, check=False, timeout=600,
        env={**os.environ, "FLOWMAP_PROGRESS": "always"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    cells = len(nbformat.read(str(BOARD_NOTEBOOK), as_version=4).cells) + 1
    counted = re.findall(r"running the report: +\d+%\|[^|]*\| (\d+)/(\d+) ", done.stderr)
    assert counted and {int(total) for _, total in counted} == {cells}, done.stderr[-1500:]
    assert max(int(n) for n, _ in counted) > 0  # it moved as the cells ran
    assert "writing report.html" in done.stderr
    assert ("printing report.pdf" in done.stderr) == pdf
    assert done.stdout.startswith("Wrote ") and "Traceback" not in done.stderr


@pytest.mark.notebook
def test_in_a_notebook_kernel_the_long_functions_draw_widget_bars() -> None:
    """In a Jupyter kernel (nbclient, as JupyterLab runs one) progress is an ipywidgets
    bar, never text on stderr: the shipped notebooks' analysis helper (load, validate,
    analyse), flowmap.plan(progress=True), 05_alert's alerts.impact(progress=True), the
    map cells' nb.map_of and flowmap.explore(progress=True) each draw one naming their
    steps."""
    import nbformat
    from nbclient import NotebookClient

    from flowmap.render.report.kernel import private_run

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import flowmap\nimport flowmap.explorer.notebook as nb"),
        nbformat.v4.new_code_cell(f"analysis = nb.analysis({str(SAMPLE)!r}, as_of='2026-11-01')"),
        nbformat.v4.new_code_cell("plan = flowmap.plan(analysis, budget=100000, progress=True)"),
        nbformat.v4.new_code_cell(
            "import flowmap.explorer.alerts as alerts\n"
            "hit = alerts.impact(analysis, cve='CVE-2017-0144, CVE-2023-4966', progress=True)"
        ),
        nbformat.v4.new_code_cell("nb.map_of(analysis, view='organisations')"),
        nbformat.v4.new_code_cell("flowmap.explore(analysis, org='RXA', progress=True)"),
    ]
    with private_run() as (kernel, _log):
        NotebookClient(
            nb, store_widget_state=True, timeout=600, kernel_name="python3", **kernel
        ).execute()
    for cell in nb.cells[1:]:
        kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
        assert ("stream", "stderr") not in kinds, cell.outputs
        assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                   for o in cell.outputs), cell.outputs  # fmt: skip
    models = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    bars = [m["state"] for m in models.values() if m["model_name"] == "FloatProgressModel"]
    texts = " ".join(
        str(m["state"].get("value", "")) for m in models.values() if m["model_name"] == "HTMLModel"
    ).replace("\u2007", " ")  # tqdm's widget spaces its text with figure spaces
    assert {2.0, 7.0} <= {b["max"] for b in bars}  # reading, validating; the analysis's 7
    assert all(b["value"] == b["max"] for b in bars if b["max"] in (2.0, 7.0))  # finished
    assert sum(b["max"] == 2.0 and b["value"] == 2.0 for b in bars) >= 2  # and the 2 alerts
    steps = ("validating", "rules", "choosing", "assessing", "drawing the organisations map",
             "opening Findings")  # each bar's last step  # fmt: skip
    for step in steps:
        assert step in texts, texts[:1500]


def test_a_long_step_keeps_counting_its_time_on_a_terminal(monkeypatch) -> None:
    """A step of many seconds redraws its bar every second, so the elapsed time moves on
    (a bar standing still for a minute looks like a hang), and the redrawing stops when
    the bar is done."""
    import io
    import sys
    import threading
    import time

    from flowmap import progress

    monkeypatch.setenv("FLOWMAP_PROGRESS", "always")
    monkeypatch.setattr(progress, "TICK_SECONDS", 0.2)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress.stages(["a long step", "after it"]) as step:
        step()
        drawn = sys.stderr.getvalue().count("a long step")
        time.sleep(1.2)  # no update from the step itself
        assert sys.stderr.getvalue().count("a long step") >= drawn + 3
        step()
    time.sleep(0.5)
    assert not [t for t in threading.enumerate() if t.name == "flowmap-progress"]


@pytest.mark.notebook
def test_ctrl_c_in_a_kernel_stops_the_alerts_assessment_and_closes_its_bar() -> None:
    """05_alert's alerts.impact(progress=True) in a real kernel: the bar counting the alerts
    is drawn, an interrupt (Ctrl-C, or JupyterLab's stop button) ends the cell at once with
    KeyboardInterrupt, the bar stops where it was, marked as stopped (tqdm turns it red),
    and the kernel carries on (the next cell runs)."""
    import tempfile
    import time

    from jupyter_client.manager import KernelManager

    many = " ".join(f"CVE-2099-{10000 + i}" for i in range(2000))  # minutes on the sample
    with tempfile.TemporaryDirectory() as folder:
        km = KernelManager(
            kernel_name="python3",
            connection_file=f"{folder}/kernel.json",
            transport="ipc",
            ip=f"{folder}/kernel-ipc",
        )
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)

            def run(code: str, *, interrupt_when_drawn: bool = False) -> tuple[dict, list]:
                msg_id = kc.execute(code)
                seen, drawn_at = [], None
                while True:
                    msg = kc.get_iopub_msg(timeout=120)
                    if msg["parent_header"].get("msg_id") != msg_id:
                        continue
                    seen.append(msg)
                    data = msg["content"].get("data", {})
                    if drawn_at is None and "application/vnd.jupyter.widget-view+json" in data:
                        drawn_at = time.monotonic()
                    if interrupt_when_drawn and drawn_at and time.monotonic() - drawn_at > 1:
                        km.interrupt_kernel()
                        interrupt_when_drawn, asked = False, time.monotonic()
                    if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                        break
                reply = kc.get_shell_msg(timeout=60)
                if drawn_at is not None and "asked" in locals():
                    seen.append({"msg_type": "stopped after", "seconds": time.monotonic() - asked})
                return reply["content"], seen

            ok, _ = run(
                "import datetime as dt, flowmap, flowmap.explorer.alerts as alerts\n"
                f"analysis = flowmap.analyse(flowmap.load_inventory({str(SAMPLE)!r}),"
                " as_of=dt.date(2026, 11, 1))"
            )
            assert ok["status"] == "ok", ok
            reply, seen = run(
                f"hit = alerts.impact(analysis, cve={many!r}, progress=True)",
                interrupt_when_drawn=True,
            )
            assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt", reply
            stopped = [m for m in seen if m["msg_type"] == "stopped after"]
            assert stopped and stopped[0]["seconds"] < 10  # at once, not after 2,000 alerts
            states = [
                m["content"]["data"].get("state", {}) for m in seen if m["msg_type"] == "comm_msg"
            ]
            assert {"bar_style": "danger"} in states  # the bar stops, marked as stopped (red)
            after, out = run("print(len(alerts.impact(analysis, cve='CVE-2023-4966').alerts))")
            assert after["status"] == "ok"
            assert [m["content"]["text"] for m in out if m["msg_type"] == "stream"] == ["1\n"]
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
