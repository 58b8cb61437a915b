"""flowmap's benchmark suite: each stage's time and peak memory, against measured floors.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py --orgs 10 100 1000 5000``).
For each size it builds a synthetic inventory with ``flowmap synth`` and, in a fresh process
(so that peak memory is that size's alone), times every stage (the median of ``--repeat``
runs, default 3) and the floors it is compared with, side by side in the same process so
machine noise cancels:

- *I/O floor*: load + validate time / the time pandas alone takes to read the same CSVs;
- *analysis floor*: analyse time / the same pandas read time;
- *graph floor*: the attack-path stage (the search and the choice of each node's path,
  on the movement graph already built from the tables, which is its own stage) /
  rustworkx's Dijkstra with paths on the same graph;
- *growth*: the log-log slope of analyse time against the number of flows;
- *whole-process analyse floor*: ``flowmap analyse INV --out DIR`` run as a user runs it
  (start-up, load, validate, analyse, the terminal summary and the findings files in the
  default formats), wall time / the same pandas read time. The same command with
  ``--formats all``, and each findings file written alone in process, are timed beside it.
  Each whole process runs once; its CPU time and the load average are recorded beside the
  wall time (the machine may be shared).

Writes ``benchmarks/results/latest.md`` and ``latest.json``; ``docs/performance.md`` shows
the latest table. Speed is measured here, never in the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2026, 11, 1)
HERE = Path(__file__).resolve().parent
TARGETS = {
    "io_floor": 3.0,
    "analysis_floor": 10.0,
    "graph_floor": 3.0,
    "analyse_process_floor": 10.0,
    "growth_slope": 1.15,
    "peak_gb_1000": 2.0,
    "peak_gb_5000": 8.0,
    "plan_seconds_1000": 60.0,
    "map_mb_5000": 10.0,
}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(orgs: int, seed: int, repeat: int = 3) -> dict[str, object]:
    """Every stage on a synthetic inventory of ``orgs`` organisations: the median of
    ``repeat`` runs (the planner and map run once)."""
    import pandas as pd
    import pandera.pandas  # noqa: F401  (imports are not part of any stage)
    import rustworkx as rx

    import flowmap
    from flowmap.engine.movement import movement_edges, search
    from flowmap.inventory.read import read_inventory
    from flowmap.inventory.textstorage import python_text_storage
    from flowmap.inventory.validate import parse_inventory
    from flowmap.synth.generate import synthesize, write_inventory_csv

    stages: dict[str, dict[str, float]] = {}

    def stage(name: str, fn, runs: int = repeat):
        times = []
        for _ in range(runs):
            gc.collect()
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        stages[name] = {
            "seconds": round(statistics.median(times), 4),
            "peak_mb": round(peak_mb(), 1),
            "runs": runs,
            "spread": round(max(times) - min(times), 4),
        }
        return result

    # flowmap's own calls keep Python text (flowmap/inventory/textstorage.py); so do the
    # stages timed here that call its internals, and the floor: pandas' read with Python
    # text, as every floor here always was
    with python_text_storage(), tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inv"
        write_inventory_csv(synthesize(orgs, seed=seed, as_of=AS_OF), folder)
        files = sorted(folder.glob("*.csv"))
        for f in files:  # warm the file cache for both sides alike
            f.read_bytes()
        stage("pandas read (floor)", lambda: [pd.read_csv(f, low_memory=False) for f in files])

        def read_arrow_text() -> list:
            with pd.option_context("mode.string_storage", "pyarrow"):
                return [pd.read_csv(f, low_memory=False) for f in files]

        # for reference, not a floor: pandas' own default once pyarrow is installed keeps
        # text in pyarrow arrays (flowmap keeps Python text: inventory/textstorage.py)
        stage("pandas read, text in pyarrow (reference)", read_arrow_text)
        raw = stage("load", lambda: read_inventory(folder))
        inventory, report = stage("validate", lambda: parse_inventory(raw, as_of=AS_OF))
        assert report.ok, [p.describe() for p in report.errors[:3]]
        stage("build graph", lambda: flowmap.build_graph(inventory), runs=1)
        analysis = stage("analyse", lambda: flowmap.analyse(inventory, as_of=AS_OF))
        systems = analysis.systems.set_index("system_id")

        def movement():
            m = movement_edges(
                analysis.inventory, systems["likelihood"], systems["entry_likelihood"]
            )
            m.rustworkx()
            return m

        moves = stage("movement graph (tables to rustworkx)", movement)
        stage("attack paths", lambda: search(moves))
        R = moves.rustworkx()
        stage(
            "rustworkx dijkstra (floor)",
            lambda: rx.digraph_dijkstra_shortest_paths(R, 0, weight_fn=float),
        )
        extras: dict[str, float] = {"load_before": round(os.getloadavg()[0], 2)}
        _optional_stages(stage, analysis, extras)
        _findings_stages(stage, analysis, folder, Path(tmp), extras)
        extras["load_after"] = round(os.getloadavg()[0], 2)
    counts = inventory.row_counts()
    read = stages["pandas read (floor)"]["seconds"]
    ratios = {
        "io_floor": (stages["load"]["seconds"] + stages["validate"]["seconds"]) / read,
        "analysis_floor": stages["analyse"]["seconds"] / read,
        "graph_floor": stages["attack paths"]["seconds"]
        / stages["rustworkx dijkstra (floor)"]["seconds"],
        "analyse_process_floor": stages[WHOLE_DEFAULT]["seconds"] / read,
    }
    return {
        "orgs": orgs,
        "repeat": repeat,
        "systems": counts["systems"],
        "flows": counts["flows"],
        "findings": len(analysis.findings),
        "peak_mb": round(peak_mb(), 1),
        **extras,
        "stages": stages,
        "ratios": {k: round(v, 2) for k, v in ratios.items()},
    }


PLAN_SAMPLE = 1000  # candidate actions whose counterfactual benefit is evaluated


def _optional_stages(stage, analysis, extras: dict[str, float]) -> None:
    """The planner (1,000 candidate evaluations) and the organisations-view map."""
    import flowmap
    from flowmap.planning import Evaluator, candidate_actions

    candidates = candidate_actions(analysis)
    extras["plan_candidates"] = len(candidates)
    # Spread the sample over every kind of action, in a fixed order.
    step = max(1, len(candidates) // PLAN_SAMPLE)
    sample = candidates[::step][:PLAN_SAMPLE]

    def evaluate() -> int:  # as the planner does: one evaluator, then every gain
        evaluator = Evaluator(analysis)
        return len(evaluator.gains(sample))

    extras["plan_evaluated"] = stage("plan (evaluate candidates)", evaluate, runs=1)
    doc = stage(
        "map (organisations view)",
        lambda: flowmap.render_map(analysis, view="organisations"),
        runs=1,
    )
    extras["map_mb"] = round(len(doc.html.encode("utf-8")) / 1e6, 2)


WHOLE_DEFAULT = "flowmap analyse, whole process (default formats)"
WHOLE_ALL = "flowmap analyse --formats all, whole process"


def _findings_stages(stage, analysis, folder: Path, tmp: Path, extras: dict) -> None:
    """Each findings file written alone (in process), then ``flowmap analyse`` as whole
    processes: the default formats and all of them (wall time; CPU time in ``extras``)."""
    from flowmap.render.findings import FORMATS, write_findings

    summary = analysis.summary
    for fmt, name in FORMATS.items():
        out = tmp / f"write-{fmt}"
        stage(
            f"write {name} (in process)",
            lambda fmt=fmt, out=out: write_findings(analysis, out, formats=fmt, summary=summary),
            runs=1,
        )
        extras[f"{fmt}_mb"] = round((out / name).stat().st_size / 1e6, 1)
    for label, formats in ((WHOLE_DEFAULT, []), (WHOLE_ALL, ["--formats", "all"])):
        out = tmp / f"whole-{len(formats)}"
        command = [sys.executable, "-m", "flowmap", "analyse", str(folder), "--out", str(out)]
        command += ["--as-of", AS_OF.isoformat(), "--quiet", *formats]

        def whole(command=command) -> float:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

        extras[f"{label} cpu"] = round(stage(label, whole, runs=1), 2)


def growth_slope(results: list[dict[str, object]]) -> float | None:
    """Least-squares slope of log(analyse seconds) against log(flows)."""
    points = [
        (math.log(r["flows"]), math.log(r["stages"]["analyse"]["seconds"]))
        for r in results
        if r["flows"] and r["stages"]["analyse"]["seconds"] > 0
    ]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    num = sum((x - mx) * (y - my) for x, y in points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return round(num / den, 3) if den else None


def markdown(results: list[dict[str, object]], slope: float | None) -> str:
    stages = list(dict.fromkeys(s for r in results for s in r["stages"]))
    head = "| stage | " + " | ".join(f"{r['orgs']:,} orgs" for r in results) + " |"
    lines = [
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{_cores()} cores. Times in seconds, the median of "
        f"{results[0]['repeat'] if results else '-'} runs (peak RSS MB); the planner "
        "and map run once.",
        "",
        "| size | " + " | ".join(f"{r['orgs']:,} orgs" for r in results) + " |",
        "|---|" + "---:|" * len(results),
        "| systems | " + " | ".join(f"{r['systems']:,}" for r in results) + " |",
        "| flows | " + " | ".join(f"{r['flows']:,}" for r in results) + " |",
        "| findings | " + " | ".join(f"{r['findings']:,}" for r in results) + " |",
        "",
        head,
        "|---|" + "---:|" * len(results),
    ]
    for s in stages:
        cells = []
        for r in results:
            m = r["stages"].get(s)
            cells.append(f"{m['seconds']:.3f} ({m['peak_mb']:.0f})" if m else "-")
        lines.append(f"| {s} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| ratio (target) | " + " | ".join(f"{r['orgs']:,} orgs" for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for key in ("io_floor", "analysis_floor", "graph_floor", "analyse_process_floor"):
        lines.append(
            f"| {key} (≤ {TARGETS[key]:g}) | "
            + " | ".join(f"{r['ratios'][key]:.1f}" for r in results)
            + " |"
        )
    for key, label in (
        (f"{WHOLE_DEFAULT} cpu", "whole-process analyse, CPU s (default formats)"),
        (f"{WHOLE_ALL} cpu", "whole-process analyse, CPU s (--formats all)"),
        *((f"{f}_mb", f"findings.{f}, MB") for f in ("xlsx", "csv", "json", "jsonl", "parquet")),
        ("load_before", "load average before / after"),
        ("plan_candidates", "planner candidates generated"),
        ("plan_evaluated", "planner candidates evaluated (timed above)"),
        ("map_mb", "organisations-view map, MB"),
    ):
        if any(key in r for r in results):
            cells = [
                f"{r.get(key, '-')} / {r.get('load_after', '-')}"
                if key == "load_before"
                else str(r.get(key, "-"))
                for r in results
            ]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append(
        f"\nGrowth: log-log slope of analyse time against flows = {slope} "
        f"(target ≤ {TARGETS['growth_slope']})."
    )
    return "\n".join(lines) + "\n"


def _cores() -> int:
    return os.cpu_count() or 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[10, 100, 1000, 5000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per stage; the median is reported (default 3)"
    )
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.orgs[0], args.seed, args.repeat)))
        return
    results = []
    for n in args.orgs:
        print(f"measuring {n:,} organisations ...", file=sys.stderr, flush=True)
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                "--orgs",
                str(n),
                "--seed",
                str(args.seed),
                "--repeat",
                str(args.repeat),
            ],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            sys.exit(f"benchmark at {n} organisations failed:\n{out.stderr[-2000:]}")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    slope = growth_slope(results)
    table = markdown(results, slope)
    print(table)
    target = HERE / "results"
    target.mkdir(exist_ok=True)
    (target / "latest.md").write_text(table)
    (target / "latest.json").write_text(
        json.dumps(
            {
                "machine": platform.platform(),
                "python": platform.python_version(),
                "as_of": AS_OF.isoformat(),
                "targets": TARGETS,
                "growth_slope": slope,
                "results": results,
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
