"""Benchmark: the full investment plan of a region as a whole process (issue 14, item 1).

For each size it builds a synthetic inventory with ``flowmap synth`` and, side by side in
the same run, measures:

- the *floor*: ``flowmap.analyse`` of that inventory in a fresh process (the in-process
  analysis time, loading excluded);
- ``flowmap plan INV --budget B``: every candidate action considered, as a user runs it
  (start-up, load, analysis, the plan, and plan.json, plan.csv, plan.xlsx and the curve
  written), wall and CPU time. The budget grows with the region: £2,500 per organisation
  (``--per-org``), the £250,000 of a 100-organisation plan in docs/performance.md, so the
  number of actions funded grows in proportion too. ``--budget`` sets one figure for
  every size instead (``--budget 1e12`` funds everything that removes risk).

Targets: the plan within 30 times the in-process analysis, and within 2 minutes at 1,000
organisations; it completes at 5,000. Writes ``benchmarks/results/plan.md`` and
``plan.json``. Run with ``make bench`` or
``.venv/bin/python benchmarks/plan_region.py --orgs 100 1000 5000``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2026-11-01"
TARGET_RATIO = 30.0
TARGET_SECONDS_1000 = 120.0

FLOOR = """
import json, sys, time, datetime as dt, warnings
import flowmap
inv = flowmap.load_inventory(sys.argv[1], as_of=dt.date(2026, 11, 1))
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    a = flowmap.analyse(inv, as_of=dt.date(2026, 11, 1))
print(json.dumps({"seconds": time.perf_counter() - start, "systems": len(a.systems),
                  "flows": len(a.flows), "total_risk": a.total_risk}))
"""


def run_timed(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall and CPU seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, cpu, done


def measure(orgs: int, seed: int, work: Path, budget: float) -> dict[str, object]:
    from flowmap.synth.generate import synthesize, write_inventory_csv

    folder = work / f"inv{orgs}"
    write_inventory_csv(synthesize(orgs, seed=seed), folder)
    _wall, _cpu, done = run_timed([sys.executable, "-c", FLOOR, str(folder)])
    floor = json.loads(done.stdout.strip().splitlines()[-1])
    out = work / f"plan{orgs}"
    wall, cpu, _ = run_timed(
        [
            sys.executable,
            "-m",
            "flowmap",
            "plan",
            str(folder),
            "--budget",
            str(budget),
            "--out",
            str(out),
            "--as-of",
            AS_OF,
        ]
    )
    summary = json.loads((out / "plan.json").read_text(encoding="utf-8"))["summary"]
    return {
        "orgs": orgs,
        "budget": budget,
        "systems": floor["systems"],
        "flows": floor["flows"],
        "analyse_seconds": round(floor["seconds"], 3),
        "plan_seconds": round(wall, 2),
        "plan_cpu_seconds": round(cpu, 2),
        "ratio": round(wall / floor["seconds"], 1),
        "candidates": summary["candidates"],
        "actions": summary["actions"],
        "risk_before": summary["risk_before"],
        "risk_removed": summary["risk_removed"],
    }


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| orgs | systems | flows | analyse, in process (floor) | `flowmap plan`, whole process "
        "(CPU) | ratio (target <= 30) | budget | candidates | actions funded | risk removed |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['orgs']:,} | {r['systems']:,} | {r['flows']:,} | {r['analyse_seconds']:.2f} s "
            f"| {r['plan_seconds']:.1f} s ({r['plan_cpu_seconds']:.1f} s) | {r['ratio']} "
            f"| £{r['budget']:,.0f} | {r['candidates']:,} | {r['actions']:,} "
            f"| {r['risk_removed']:,.1f} of {r['risk_before']:,.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-org", type=float, default=2500.0, help="Pounds per organisation.")
    parser.add_argument("--budget", type=float, help="One budget for every size instead.")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for orgs in args.orgs:
            budget = args.budget if args.budget is not None else args.per_org * orgs
            rows.append(measure(orgs, args.seed, Path(d), budget))
            print(table(rows[-1:]), flush=True)
    load = os.getloadavg()
    text = (
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; load average at the end {load[0]:.2f}, {load[1]:.2f}, "
        f"{load[2]:.2f}.\n\n" + table(rows) + "\n"
    )
    print(text)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "plan.md").write_text(text, encoding="utf-8")
    (results / "plan.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    failed = [r for r in rows if r["ratio"] > TARGET_RATIO] + [
        r for r in rows if r["orgs"] == 1000 and r["plan_seconds"] > TARGET_SECONDS_1000
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
