"""Benchmark: ``flowmap analyse`` as a whole process beside the pandas read, alternating.

Issue 14, item 3: whole-process ``flowmap analyse INV --out DIR`` (default formats) within
10 times the time pandas takes to read the same CSV files. ``benchmarks/run.py`` times the
whole process once per size among many stages; on a shared two-core machine one run can
be a second off either way, so this script runs them side by side ``--repeat`` times,
alternating, and keeps the medians:

- the *floor as the issue measured it*: the pandas read as a whole process, a fresh Python
  that imports pandas and reads every CSV of the inventory (text as Python strings, files
  already in the page cache), timed from outside like ``flowmap analyse``. The issue's
  figures are of this kind: "66 s, against 0.8 s for pandas to read the same CSVs" of a
  region of 29k systems, 64k flows and 20k assets, whose CSVs pandas reads in 0.17 s
  inside a Python already running and in 0.6 s as a whole process
  (``benchmarks/read_floor.py``);
- the *stricter floor* kept since session 5: the same read timed inside that Python,
  without start-up or importing pandas;
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
        reads, processes, walls, cpus = [], [], [], []
        for i in range(repeat):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", READ, str(inv)], check=True, capture_output=True, text=True
            )
            processes.append(time.perf_counter() - start)
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
    process = statistics.median(processes)
    return {
        "process": process,
        "process_min": min(processes),
        "process_max": max(processes),
        "read": read,
        "read_min": min(reads),
        "read_max": max(reads),
        "wall": wall,
        "wall_min": min(walls),
        "wall_max": max(walls),
        "cpu": statistics.median(cpus),
        "ratio": wall / process,
        "strict": wall / read,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[1000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("| orgs | pandas read, whole process (the issue's floor) | pandas read, inside "
          "Python (stricter) | `flowmap analyse`, wall | CPU | ratio to the issue's floor "
          "(target ≤ 10) | ratio to the stricter |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for orgs in args.orgs:
        m = measure(orgs, args.repeat)
        print(
            f"| {orgs:,} | {m['process']:.2f} s ({m['process_min']:.2f}-{m['process_max']:.2f})"
            f" | {m['read']:.2f} s ({m['read_min']:.2f}-{m['read_max']:.2f}) | "
            f"{m['wall']:.1f} s ({m['wall_min']:.1f}-{m['wall_max']:.1f}) | {m['cpu']:.1f} s | "
            f"{m['ratio']:.1f} | {m['strict']:.1f} |",
            flush=True,
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
