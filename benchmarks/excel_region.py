"""Benchmark: a region's inventory as one Excel workbook, loaded and validated (issue 14, item 4).

For each size it writes the inventory of ``flowmap synth`` as one ``.xlsx`` workbook (``flowmap
synth --out region.xlsx``: a sheet per table, the layout of ``flowmap template``, as IG teams
keep it) and, side by side in the same run, times as whole processes:

- the *floor*: a fresh Python that imports python-calamine (a compiled reader) and reads
  every cell of every sheet of the workbook into Python values, nothing else;
- ``flowmap validate region.xlsx``: start-up, load (every cell as text, the promises of the
  reader kept: row numbers, formulas without a saved value, error values, limits) and
  validation, as a user runs it;
- for reference, openpyxl reading every cell (read-only mode), the reader flowmap used
  before (sizes up to ``--openpyxl-max`` only: it takes minutes at 5,000 organisations).

Each is run ``--repeat`` times, alternating, and the median kept; wall and CPU time are both
recorded, with the load average, because the machine is shared. Target: ``flowmap
validate`` within 3 times the floor. Writes ``benchmarks/results/excel.md`` and
``excel.json``. Run with ``make bench`` or
``.venv/bin/python benchmarks/excel_region.py --orgs 100 1000 5000``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2026-11-01"
TARGET_RATIO = 3.0

FLOOR = """
import sys
import python_calamine
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
cells = 0
for name in book.sheet_names:
    rows = book.get_sheet_by_name(name).to_python()
    cells += sum(len(row) for row in rows)
print(cells)
"""

OPENPYXL = """
import sys
import openpyxl
book = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
cells = 0
for sheet in book.worksheets:
    for row in sheet.iter_rows(values_only=True):
        cells += len(row)
print(cells)
"""


def run_timed(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """Wall and CPU seconds of one child process, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, cpu, done.stdout


def measure(orgs: int, seed: int, work: Path, repeat: int, openpyxl_max: int) -> dict:
    book = work / f"region{orgs}.xlsx"
    flowmap = [sys.executable, "-m", "flowmap"]
    synth_wall, _, _ = run_timed(
        [*flowmap, "synth", "--orgs", str(orgs), "--seed", str(seed), "--out", str(book)]
    )
    runs: dict[str, list[tuple[float, float]]] = {"floor": [], "validate": [], "openpyxl": []}
    cells = 0
    for _ in range(repeat):
        wall, cpu, out = run_timed([sys.executable, "-c", FLOOR, str(book)])
        runs["floor"].append((wall, cpu))
        cells = int(out.strip().splitlines()[-1])
        # exit 0: the workbook read and validated with no error (synth is valid by design)
        runs["validate"].append(run_timed([*flowmap, "validate", str(book), "--as-of", AS_OF])[:2])
    if orgs <= openpyxl_max:
        runs["openpyxl"].append(run_timed([sys.executable, "-c", OPENPYXL, str(book)])[:2])

    def median(name: str, i: int) -> float | None:
        values = [r[i] for r in runs[name]]
        return round(statistics.median(values), 2) if values else None

    floor, validate = median("floor", 0), median("validate", 0)
    return {
        "orgs": orgs,
        "workbook_mb": round(book.stat().st_size / 1e6, 1),
        "cells": cells,
        "synth_seconds": round(synth_wall, 1),
        "floor_seconds": floor,
        "floor_cpu_seconds": median("floor", 1),
        "validate_seconds": validate,
        "validate_cpu_seconds": median("validate", 1),
        "ratio": round(validate / floor, 2),
        "cpu_ratio": round(median("validate", 1) / median("floor", 1), 2),
        "openpyxl_seconds": median("openpyxl", 0),
        "runs": {k: [[round(w, 2), round(c, 2)] for w, c in v] for k, v in runs.items()},
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| orgs | workbook | cells | calamine reads the cells (floor), wall (CPU) "
        "| `flowmap validate`, wall (CPU) | ratio, wall (CPU) (target <= 3) "
        "| openpyxl reads the cells (before) | load after |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        openpyxl = f"{r['openpyxl_seconds']:.1f} s" if r["openpyxl_seconds"] else "not run"
        lines.append(
            f"| {r['orgs']:,} | {r['workbook_mb']} MB | {r['cells']:,} "
            f"| {r['floor_seconds']:.2f} s ({r['floor_cpu_seconds']:.2f} s) "
            f"| {r['validate_seconds']:.2f} s ({r['validate_cpu_seconds']:.2f} s) "
            f"| {r['ratio']} ({r['cpu_ratio']}) | {openpyxl} "
            f"| {', '.join(map(str, r['load_after']))} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each, median kept.")
    parser.add_argument(
        "--openpyxl-max", type=int, default=1000, help="Largest size openpyxl is timed at."
    )
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for orgs in args.orgs:
            rows.append(measure(orgs, args.seed, Path(d), args.repeat, args.openpyxl_max))
            print(table(rows[-1:]), flush=True)
    load = os.getloadavg()
    text = (
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; load average at the end {load[0]:.2f}, {load[1]:.2f}, "
        f"{load[2]:.2f}; median of {args.repeat} runs of each, alternating.\n\n"
        + table(rows)
        + "\n"
    )
    print(text)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "excel.md").write_text(text, encoding="utf-8")
    (results / "excel.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    failed = [r for r in rows if r["orgs"] >= 1000 and r["ratio"] > TARGET_RATIO]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
