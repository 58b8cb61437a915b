"""Helpers of the adversarial suite (tests/test_adversarial_*.py): hostile inventories
generated from the small valid one, and a command-line runner that checks what a
hostile run may and may not do (no traceback, one line, nothing written outside --out).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, small_tables, write_csv_tables

#: Organisation ids that must never become paths or links.
HOSTILE_ORG_IDS = (
    "../../escaped",
    "javascript:alert(document.domain)//",
    ".",
    "/tmp/flowmap-absolute",
    "CON",
    "a\nResult: valid\x1b[2J",
)


def with_org_id(tables: dict, old: str, new: str) -> dict:
    """``tables`` with every cell equal to ``old`` (an id) replaced by ``new``."""
    return json.loads(json.dumps(tables).replace(json.dumps(old), json.dumps(new)))


def hostile_org_tables(org_id: str) -> dict:
    """The small inventory with its GP practice (``00123``) renamed ``org_id``."""
    return with_org_id(small_tables(), "00123", org_id)


def write_inventory(folder: Path, tables: dict | None = None) -> Path:
    return write_csv_tables(folder, tables if tables is not None else small_tables())


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return [ln for ln in self.err.splitlines() if ln.strip()]


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and modification time (ns)."""
    found = {}
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            try:
                st = p.lstat()
            except FileNotFoundError:
                continue
            found[str(p.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return found


def flowmap_cli(*args: object, cwd: Path | None = None, timeout: float = 600) -> Run:
    """Run ``python -m flowmap ARGS`` in a child process (as a user would) and check the
    promises every run keeps: no Python traceback, and an error is one line."""
    env = {**os.environ, "FLOWMAP_PROGRESS": "0", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "flowmap", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )
    run = Run(done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in run.err and "Traceback" not in run.out, run.err
    flowmap_errors = [ln for ln in run.error_lines if ln.startswith("flowmap: error:")]
    assert len(flowmap_errors) <= 1, run.err
    return run


def flowmap_main(capsys, *args: object) -> Run:
    """Run the command line in this process (faster than a child; used where a test
    injects a fault with monkeypatch). Any exception but SystemExit fails the test, as a
    traceback would."""
    from flowmap.cli import main

    code = 0
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    run = Run(code, captured.out, captured.err)
    flowmap_errors = [ln for ln in run.error_lines if ln.startswith("flowmap: error:")]
    assert len(flowmap_errors) <= 1, run.err
    return run


def leftovers(folder: Path) -> list[str]:
    """Temporary files of the writing path left in ``folder`` (there should be none)."""
    return sorted(p.name for p in Path(folder).rglob("*.partial*"))
