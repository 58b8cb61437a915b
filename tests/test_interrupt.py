"""Ctrl-C stops a long command cleanly: exit 130, one line, no traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from flowmap.synth import synthesize, write_inventory_csv


def test_ctrl_c_during_analyse_exits_130_without_a_traceback(tmp_path: Path) -> None:
    folder = write_inventory_csv(synthesize(300, seed=2), tmp_path / "inv")[0].parent
    proc = subprocess.Popen([sys.executable, "-m", "flowmap.cli", "analyse", str(folder),
                            "--out", str(tmp_path / "out"), "--as-of", "2026-11-01"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)  # past start-up, inside loading or analysis
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (proc.returncode, err[-2000:])
    assert "Traceback" not in err and "interrupted" in err
    assert not (tmp_path / "out" / "findings.json").exists()
