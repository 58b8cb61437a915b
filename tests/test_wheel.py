"""flowmap works installed from a wheel, not only from this checkout.

Builds the wheel, installs it into a fresh virtual environment and runs the commands
that read package data (the report notebook, the map's page templates, the bundled
reference tables) from a folder outside the repository.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE

pytestmark = pytest.mark.notebook


def _run(args: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-4000:])
    return done


def test_the_installed_wheel_runs_report_map_and_analyse_from_another_folder(tmp_path: Path):
    source = tmp_path / "source"  # build from a copy: a build leaves files behind
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "flowmap", source / "flowmap", ignore=shutil.ignore_patterns("__pycache__")
    )
    dist = tmp_path / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        cwd=tmp_path,
    )
    [wheel] = dist.glob("flowmap-*.whl")
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        cwd=tmp_path,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    flowmap = str(env_dir / "bin" / "flowmap")
    where = _run([str(python), "-c", "import flowmap; print(flowmap.__file__)"], cwd=elsewhere)
    assert str(env_dir) in where.stdout and str(ROOT) not in where.stdout
    _run(
        [flowmap, "analyse", str(SAMPLE), "--out", "findings", "--as-of", "2026-11-01"],
        cwd=elsewhere,
    )
    _run([flowmap, "map", str(SAMPLE), "--out", "map.html", "--as-of", "2026-11-01"], cwd=elsewhere)
    _run(
        [flowmap, "report", str(SAMPLE), "--out", "report", "--as-of", "2026-11-01"], cwd=elsewhere
    )
    assert (elsewhere / "findings" / "findings.xlsx").stat().st_size > 0
    assert (elsewhere / "findings" / "findings.parquet").stat().st_size > 0
    assert (
        "vis-network" in (elsewhere / "map.html").read_text(encoding="utf-8")
        or (elsewhere / "map.html").stat().st_size > 100_000
    )
    assert (elsewhere / "report" / "report.html").stat().st_size > 0
