"""Benchmark: ``flowmap analyse`` as a whole process beside the pandas read, alternating.

Issue 14, item 3: whole-process ``flowmap analyse INV --out DIR`` (default formats) within
10 times the time pandas takes to read the same CSV files. ``benchmarks/run.py`` times the
whole process once per size among many stages; on a shared two-core machine one run can
be a second off either way, so this script runs the two side by side ``--repeat`` times,
alternating, and keeps the medians:

- the *floor*: a fresh Python that reads every CSV of the inventory with pandas, text as
  Python strings (flowmap's own storage, and what every floor here has always been), files
  already in the page cache, nothing else timed;
- ``flowmap analyse INV --out DIR --as-of 2026-11-01 --quiet``: start-up, reading,
  validation, analysis, the terminal summary and ``findings.xlsx`` and
  ``findings.parquet``, as a user runs it (wall and CPU time of the process).

The inventory is ``flowmap synth --orgs N --seed 1 --as-of 2026-11-01`` (made once per
size in a temporary folder). Prints a Markdown table with the load average before and
after. Run with ``.venv/bin/python benchmarks/analyse_process.py --orgs 1000 --repeat 5``
(``make bench`` does).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
READ = """
import glob, sys, time, pandas as pd
pd.set_option("mode.string_storage", "python")
files = sorted(glob.glob(sys.argv[1] + "/*.csv"))
for f in files:
    open(f, "rb").read()
t = time.perf_counter()
[pd.read_csv(f, low_memory=False) for f in files]
print(time.perf_counter() - t)
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(orgs: int, repeat: int) -> dict[str, float]:
    """The medians of ``repeat`` reads and ``repeat`` whole processes, alternating."""
    with tempfile.TemporaryDirectory() as tmp:
        inv = Path(tmp) / "inv"
        subprocess.run(
            [BIN / "flowmap", "synth", "--orgs", str(orgs), "--seed", "1", "--out", str(inv)]
            + ["--as-of", "2026-11-01"],
            check=True,
            capture_output=True,
        )
        reads, walls, cpus = [], [], []
        for i in range(repeat):
            done = subprocess.run(
                [sys.executable, "-c", READ, str(inv)], check=True, capture_output=True, text=True
            )
            reads.append(float(done.stdout))
            out = Path(tmp) / f"out{i}"
            cpu, start = _children_cpu(), time.perf_counter()
            subprocess.run(
                [BIN / "flowmap", "analyse", str(inv), "--out", str(out)]
                + ["--as-of", "2026-11-01", "--quiet"],
                check=True,
                capture_output=True,
            )
            walls.append(time.perf_counter() - start)
            cpus.append(_children_cpu() - cpu)
    read, wall = statistics.median(reads), statistics.median(walls)
    return {
        "read": read,
        "read_min": min(reads),
        "read_max": max(reads),
        "wall": wall,
        "wall_min": min(walls),
        "wall_max": max(walls),
        "cpu": statistics.median(cpus),
        "ratio": wall / read,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| orgs | pandas read (floor), median (range) | `flowmap analyse`, median wall "
          "(range) | CPU, median | ratio (target ≤ 10) |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|")
    for orgs in args.orgs:
        m = measure(orgs, args.repeat)
        print(
            f"| {orgs:,} | {m['read']:.2f} s ({m['read_min']:.2f}-{m['read_max']:.2f}) | "
            f"{m['wall']:.1f} s ({m['wall_min']:.1f}-{m['wall_max']:.1f}) | {m['cpu']:.1f} s | "
            f"{m['ratio']:.0f} |",
            flush=True,
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
