"""Ctrl-C stops the single board report, the imports, the map and an alert cleanly, as in a
terminal: the whole job's process group gets SIGINT; the command exits 130 with the one line
``flowmap: interrupted`` (besides its progress bar), no traceback; no file is left half
written under a final name; and every process it started (the report's Jupyter kernel,
Chromium printing the PDF) is gone. (tests/test_interrupt.py: loading, analysis, the
planner and the per-org batch.)"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flowmap.synth.generate import synthesize, write_inventory_csv
from tests.conftest import SAMPLE, small_tables, write_csv_tables
from tests.test_interrupt import _alive, _children, _group
from tests.test_interrupt import _stderr_until as _read_until

AS_OF = ["--as-of", "2026-11-01"]
CHROMIUM = any(Path(p, "chromium").exists() for p in os.environ.get("PATH", "").split(os.pathsep))


def _descendants(pids: set[int]) -> set[int]:
    """The processes and all their children (a Jupyter kernel runs in a session of its
    own, so it is not in the job's process group)."""
    found, frontier = set(pids), set(pids)
    while frontier:
        frontier = _children(frontier) - found
        found |= frontier
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def ctrl_c(
    args: list[str], when: str, *, running_too: bytes = b"", timeout: float = 120
) -> tuple[int, str, dict[int, bytes]]:
    """Run ``flowmap ARGS`` as a terminal's foreground job (bars drawn, its own process
    group), press Ctrl-C once stderr matches ``when`` (and a process whose command line
    holds ``running_too`` has started) and wait for it to end.

    Returns the exit code, everything it wrote to stderr, and the processes it was
    running when interrupted (the command and its children, by id, with their command
    lines).
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "flowmap", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "FLOWMAP_PROGRESS": "always"},
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    pgid = os.getpgid(proc.pid)
    try:
        deadline = time.monotonic() + timeout
        early = _read_until(proc, when, timeout=timeout)
        assert re.search(when.encode(), early), (when, early.decode(errors="replace")[-2000:])
        running = {p: _cmdline(p) for p in _descendants(_group(pgid))}
        while running_too and not any(running_too in c for c in running.values()):
            assert proc.poll() is None and time.monotonic() < deadline, running
            time.sleep(0.05)
            running = {p: _cmdline(p) for p in _descendants(_group(pgid))}
        os.killpg(pgid, signal.SIGINT)
        _out, rest = proc.communicate(timeout=timeout)
        deadline = time.monotonic() + 30
        while (_alive(set(running)) or _group(pgid)) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    return proc.returncode, (early + rest).decode(errors="replace"), running


def assert_stopped_cleanly(code: int, err: str, running: dict[int, bytes]) -> None:
    """Exit 130, nothing on stderr but the bar and ``flowmap: interrupted``, and every
    process the command ran gone."""
    assert code == 130, (code, err[-2000:])
    shown = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", err)  # a nested bar's cursor moves
    said = [ln for ln in re.split(r"[\r\n]", shown) if ln.strip() and "%|" not in ln]
    assert said == ["flowmap: interrupted"], err[-2000:]
    left = _alive(set(running))
    assert not left, [running[p] for p in left]


def _finals(folder: Path) -> list[str]:
    """Every file under ``folder`` but flowmap's hidden temporaries' leftovers."""
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.notebook
def test_ctrl_c_while_the_report_notebook_runs(tmp_path: Path) -> None:
    """Stopped mid-notebook: the kernel (in a session of its own, which a terminal's
    Ctrl-C does not reach) is shut down, and no report, executed notebook or temporary
    is left. (Before the fix: a traceback and exit 1, from reading the empty executed
    notebook on the way out.)"""
    inv = write_csv_tables(tmp_path / "inv", small_tables())
    out = tmp_path / "out"
    code, err, running = ctrl_c(
        ["report", str(inv), "--out", str(out), *AS_OF],
        r"running the report: .* ([3-9]|[1-4]\d)/\d+ ",
    )
    assert any(b"ipykernel" in cmd for cmd in running.values()), running  # a kernel ran
    assert_stopped_cleanly(code, err, running)
    assert [f for f in _finals(out) if f != ".flowmap-outputs.json"] == []


@pytest.mark.notebook
@pytest.mark.skipif(not CHROMIUM, reason="needs chromium")
def test_ctrl_c_while_the_report_prints_its_pdf(tmp_path: Path) -> None:
    """Stopped while Chromium prints: Chromium (in the job's process group) is gone, the
    finished report.html and executed notebook stay, and no report.pdf exists."""
    inv = write_csv_tables(tmp_path / "inv", small_tables())
    out = tmp_path / "out"
    code, err, running = ctrl_c(
        ["report", str(inv), "--out", str(out), "--pdf", *AS_OF],
        "printing report.pdf",
        running_too=b"chromium",
    )
    assert any(b"chromium" in cmd for cmd in running.values()), running
    assert_stopped_cleanly(code, err, running)
    left = _finals(out)
    assert "report.pdf" not in left and not [f for f in left if f.startswith(".") and ".tmp" in f]
    assert set(left) <= {".flowmap-outputs.json", "board_report.executed.ipynb", "report.html"}
    if (out / "report.html").exists():
        assert (out / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def _big_nessus(path: Path, hosts: int) -> Path:
    """A .nessus file of ``hosts`` copies of a real scan's hosts, each its own address."""
    text = (SAMPLE / "scans" / "riverside-servers.nessus").read_text(encoding="utf-8")
    found = re.findall(r"<ReportHost .*?</ReportHost>", text, flags=re.S)
    head = text[: text.index("<ReportHost ")]
    tail = text[text.rindex("</ReportHost>") + len("</ReportHost>") :]
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        for i in range(hosts):
            ip = f"10.{200 + i // 65536}.{(i >> 8) & 255}.{i & 255}"
            host = re.sub(r'<ReportHost name="[^"]*"', f'<ReportHost name="{ip}"', found[i % 3])
            host = re.sub(r'(<tag name="host-ip">)[^<]*', rf"\g<1>{ip}", host)
            host = re.sub(r'(<tag name="host-fqdn">)[^<]*', rf"\g<1>h{i}.example", host)
            f.write(host)
        f.write(tail)
    return path


@pytest.mark.parametrize("when", ["reading scans", "writing"])
def test_ctrl_c_during_import_scan_leaves_no_output(tmp_path: Path, when: str) -> None:
    """Stopped while reading the scans (inside the XML parser) or while writing: no
    output folder, or one untouched; a rerun is not refused as a person's folder."""
    scan = _big_nessus(tmp_path / "big.nessus", 6000)
    out = tmp_path / "out"
    args = ["import", "scan", str(scan), "--inventory", str(SAMPLE), "--out", str(out)]
    args += ["--org", "RXA", "--add-unmatched", *AS_OF]
    code, err, running = ctrl_c(args, when)
    assert_stopped_cleanly(code, err, running)
    assert _finals(out) == [], _finals(out)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".flowmap-import-")]


def _long_register(path: Path, rows: int) -> Path:
    """The sample's DSPT register with ``rows`` rows (copies of its own, each a new asset)."""
    import csv

    source = SAMPLE / "registers" / "ropa-dspt-1.1.2.csv"
    with open(source, encoding="utf-8-sig", newline="") as f:
        head, *body = list(csv.reader(f))
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(head)
        for i in range(rows):
            row = list(body[i % len(body)])
            row[0], row[1] = f"IA-{100000 + i}", f"{row[1]} {i}"
            out.writerow(row)
    return path


def test_ctrl_c_during_import_sheet_leaves_no_output(tmp_path: Path) -> None:
    register = _long_register(tmp_path / "register.csv", 500)
    out = tmp_path / "out"
    args = ["import", "sheet", str(register), "--mapping", "dspt-1.1.2", "--inventory"]
    args += [str(SAMPLE), "--out", str(out), "--set", "org=RXA", *AS_OF]
    code, err, running = ctrl_c(args, "mapping the rows")
    assert_stopped_cleanly(code, err, running)
    assert _finals(out) == []


def test_ctrl_c_while_the_map_is_drawn_writes_no_map(tmp_path: Path) -> None:
    folder = write_inventory_csv(synthesize(30, seed=7), tmp_path / "inv")[0].parent
    out = tmp_path / "map.html"
    code, err, running = ctrl_c(["map", str(folder), "--out", str(out), *AS_OF], "drawing")
    assert_stopped_cleanly(code, err, running)
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.is_file()]


def test_ctrl_c_while_an_alert_assesses_new_kev_entries_writes_nothing(tmp_path: Path) -> None:
    from tests.test_alert import KEV_FILE

    if not KEV_FILE.exists():
        pytest.skip("shared KEV snapshot not present")
    doc = json.loads(KEV_FILE.read_text(encoding="utf-8"))
    doc["vulnerabilities"] = doc["vulnerabilities"][-1:]  # all but one entry are new
    doc["count"] = 1
    previous = tmp_path / "kev-previous.json"
    previous.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "out"
    args = ["alert", str(SAMPLE), "--kev", str(KEV_FILE), "--since", str(previous)]
    code, err, running = ctrl_c([*args, "--out", str(out), "--no-pdf", *AS_OF], "assessing")
    assert_stopped_cleanly(code, err, running)
    assert _finals(out) == []
