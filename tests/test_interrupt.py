"""Ctrl-C stops a long command cleanly: exit 130, one line, no traceback."""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from flowmap.synth.generate import synthesize, write_inventory_csv


def _stderr_until(proc: subprocess.Popen, pattern: str | bytes, timeout: float = 120) -> bytes:
    """What the process wrote to stderr up to (and including) the first match of
    ``pattern`` (a regular expression; plain text matches itself)."""
    wanted = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
    seen, deadline = b"", time.monotonic() + timeout
    while not wanted.search(seen) and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.2)
        if ready:
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
    return seen


def test_ctrl_c_during_analyse_exits_130_without_a_traceback(tmp_path: Path) -> None:
    folder = write_inventory_csv(synthesize(300, seed=2), tmp_path / "inv")[0].parent
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flowmap",
            "analyse",
            str(folder),
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            "2026-11-01",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "FLOWMAP_PROGRESS": "always"},
        # a shell running the tests in the background ignores SIGINT,
        # and children inherit that: give the command the default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # interrupt once the progress bar shows loading has begun: analysis and writing the
    # findings are still to come, however fast the machine
    early = _stderr_until(proc, b"reading")
    assert b"reading" in early, early.decode(errors="replace")
    proc.send_signal(signal.SIGINT)
    _out, rest = proc.communicate(timeout=120)
    err = (early + rest).decode(errors="replace")
    assert proc.returncode == 130, (proc.returncode, err[-2000:])
    assert "Traceback" not in err and "interrupted" in err
    assert not list((tmp_path / "out").glob("findings.*"))


def test_ctrl_c_during_the_plan_exits_130_and_writes_no_plan(tmp_path: Path) -> None:
    folder = write_inventory_csv(synthesize(150, seed=3), tmp_path / "inv")[0].parent
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flowmap",
            "plan",
            str(folder),
            "--budget",
            "1e9",
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            "2026-11-01",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "FLOWMAP_PROGRESS": "always"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # the planner's own bar: the analysis is done, every candidate is being measured
    early = _stderr_until(proc, b"measuring actions")
    assert b"measuring actions" in early, early.decode(errors="replace")
    proc.send_signal(signal.SIGINT)
    _out, rest = proc.communicate(timeout=120)
    err = (early + rest).decode(errors="replace")
    assert proc.returncode == 130, (proc.returncode, err[-2000:])
    assert "Traceback" not in err and "interrupted" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_ctrl_c_inside_the_csv_parser_is_an_interrupt_not_a_malformed_file(
    tmp_path: Path, monkeypatch
) -> None:
    import pandas as pd
    import pytest

    import flowmap
    from tests.conftest import small_tables, write_csv_tables

    folder = write_csv_tables(tmp_path / "inv", small_tables())

    def read_csv_interrupted(*args, **kwargs):
        """What pandas' C parser does when Ctrl-C lands in its read callback (seen in a
        real run): the KeyboardInterrupt comes back as a ParserError."""
        with contextlib.suppress(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
        raise pd.errors.ParserError(
            "Error tokenizing data. C error: calling read(nbytes) "
            "on source failed. Try engine='python'."
        )

    monkeypatch.setattr(pd, "read_csv", read_csv_interrupted)
    # Python's own Ctrl-C handling, as in a terminal (a background test run ignores SIGINT)
    outer = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            flowmap.load_inventory(folder)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
    finally:
        signal.signal(signal.SIGINT, outer)


def test_no_progress_bar_when_nobody_watches(tmp_path: Path) -> None:
    """Output to a pipe or a log gets no bar (tqdm's carriage returns would flood it)."""
    from tests.conftest import SAMPLE

    env = {k: v for k, v in os.environ.items() if k != "FLOWMAP_PROGRESS"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "flowmap",
            "analyse",
            str(SAMPLE),
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            "2026-11-01",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr and "stage" not in done.stderr


def _group(pgid: int) -> set[int]:
    """The processes of a process group (a batch's command and its Dask workers)."""
    found = subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True)
    return {int(p) for p in found.stdout.split()}


def _children(pids: set[int]) -> set[int]:
    """Their child processes (a worker's Jupyter kernel runs in a session of its own)."""
    out: set[int] = set()
    for pid in pids:
        found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
        out |= {int(p) for p in found.stdout.split()}
    return out


def _is_kernel(pid: int) -> bool:
    try:
        return b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
        if state != "Z":  # a zombie has ended; its parent has not read its status yet
            alive.add(pid)
    return alive


def test_ctrl_c_during_a_per_org_batch_stops_every_worker_and_kernel(tmp_path: Path) -> None:
    """Ctrl-C in a terminal reaches the whole foreground process group: the command, the
    Dask cluster's nannies and workers, and each worker's Jupyter kernel. The batch stops
    with exit 130 and one line, every process of it is gone, no paper is left half
    written (each organisation's folder holds a whole report or no report) and the
    shared analysis is removed."""
    folder = write_inventory_csv(synthesize(12, seed=4), tmp_path / "inv")[0].parent
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "flowmap", "report", str(folder), "--per-org", "--out",
         str(out), "--as-of", "2026-11-01", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "FLOWMAP_PROGRESS": "always"},
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )  # fmt: skip
    pgid = os.getpgid(proc.pid)
    try:
        # the batch's bar counts reports: the cluster and its kernels are running
        early = _stderr_until(proc, b"report/s", timeout=300)
        assert b"report/s" in early, early.decode(errors="replace")
        # a paper into the batch, others being written: both workers run their kernel
        deadline, kernels = time.monotonic() + 300, set()
        while time.monotonic() < deadline:
            batch = _group(pgid)
            kernels = {p for p in _children(batch - {proc.pid}) if _is_kernel(p)}
            if len(kernels) >= 2 and any(out.glob("*/report.html")):
                break
            time.sleep(0.5)
        assert len(kernels) >= 2, (kernels, batch)
        batch |= kernels
        os.killpg(pgid, signal.SIGINT)
        _out, rest = proc.communicate(timeout=120)
        err = (early + rest).decode(errors="replace")
        assert proc.returncode == 130, (proc.returncode, err[-2000:])
        assert "Traceback" not in err and "interrupted" in err, err[-2000:]
        assert "Kernel died" not in err and "ERROR" not in err, err[-2000:]
        deadline = time.monotonic() + 30
        while _alive(batch) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not _alive(batch), [Path(f"/proc/{p}/cmdline").read_bytes() for p in _alive(batch)]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert not [p for p in left if ".flowmap-shared-" in p or ".partial" in p], left
    for paper in out.iterdir():
        if paper.is_dir():
            html = paper / "report.html"
            assert not html.exists() or html.read_text(encoding="utf-8").rstrip().endswith(
                "</html>"
            ), paper
