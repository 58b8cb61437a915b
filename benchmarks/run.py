"""Time and peak memory of each pipeline stage on synthetic inventories.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py --orgs 10 100 1000``).
Each size runs in its own process so that peak memory is that size's alone. Prints a
markdown table and writes ``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2026, 11, 1)
HERE = Path(__file__).resolve().parent


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(orgs: int, seed: int) -> dict[str, object]:
    """Run every stage once on a synthetic inventory of ``orgs`` organisations."""
    import flowmap
    from flowmap.load import read_inventory
    from flowmap.synth import synthesize, write_inventory_csv
    from flowmap.validate import parse_inventory

    stages: list[dict[str, object]] = []

    def stage(name: str, fn):
        start = time.perf_counter()
        result = fn()
        stages.append({"stage": name, "seconds": round(time.perf_counter() - start, 3),
                       "peak_mb": round(peak_mb(), 1)})
        return result

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inv"
        tables = stage("synth", lambda: synthesize(orgs, seed=seed, as_of=AS_OF))
        stage("write csv", lambda: write_inventory_csv(tables, folder))
        raw = stage("load", lambda: read_inventory(folder))
        inventory, report = stage("validate", lambda: parse_inventory(raw, as_of=AS_OF))
        assert report.ok, report.errors[:3]
        stage("build graph", lambda: flowmap.build_graph(inventory))
        analysis = stage("analyse", lambda: flowmap.analyse(inventory, as_of=AS_OF))
    counts = inventory.row_counts()
    return {"orgs": orgs, "systems": counts["systems"], "flows": counts["flows"],
            "findings": int(len(analysis.findings)), "stages": stages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.orgs[0], args.seed)))
        return
    results = []
    for n in args.orgs:
        out = subprocess.run([sys.executable, __file__, "--one", "--orgs", str(n), "--seed",
                              str(args.seed)], capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = results[-1]
        print(f"\n## {n} organisations: {r['systems']:,} systems, {r['flows']:,} flows, "
              f"{r['findings']:,} findings\n")
        print("| stage | seconds | peak MB |\n|---|---:|---:|")
        for s in r["stages"]:
            print(f"| {s['stage']} | {s['seconds']:.2f} | {s['peak_mb']:.0f} |")
    target = HERE / "results"
    target.mkdir(exist_ok=True)
    (target / "latest.json").write_text(json.dumps(
        {"machine": platform.platform(), "python": platform.python_version(),
         "results": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
