"""The explorer at region scale: how long a selection and a what-if toggle take.

Targets (issue 16): on a 1,000-organisation inventory a selection updates in under a
second and ticking a what-if action in under two. Run with::

    .venv/bin/python benchmarks/explore.py --orgs 1000

It builds a synthetic inventory with ``flowmap synth``, analyses it and builds the
explorer (those are start-up, reported but not targets), then times, each the median of
``--repeat`` runs over different organisations:

- *selection*: choosing an organisation (the explorer's findings, summary, map data,
  attack path, copies, blast radius and top risks all updated), an asset and a system,
  and a click on a map node (which selects that system);
- *what-if toggle*: ticking a candidate action (the total, top risks, attack path and
  map highlight updated) and unticking it (back to an untouched copy of the starting
  state, the other chosen actions committed again).

The candidate actions are worked out once at start-up (in the background in the app);
the timings below wait for them first, so they measure the toggle alone. The Python side
is what is timed: the browser then draws the map data it is sent (a few hundred systems
for one organisation), which the browser tests exercise.

Writes ``benchmarks/results/explore.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2026, 11, 1)
HERE = Path(__file__).resolve().parent
TARGETS = {"selection": 1.0, "toggle": 2.0}


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--inventory", type=Path, help="use this inventory instead of synth")
    args = parser.parse_args(argv)

    import flowmap
    from flowmap.explorer import Explorer
    from flowmap.synth.generate import synthesize, write_inventory_csv

    report: dict[str, object] = {"orgs": args.orgs, "seed": args.seed, "repeat": args.repeat}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.inventory
        if folder is None:
            folder = Path(tmp) / "synth"
            write_inventory_csv(synthesize(args.orgs, seed=args.seed, as_of=AS_OF), folder)
        start = time.perf_counter()
        analysis = flowmap.analyse(flowmap.load_inventory(folder), as_of=AS_OF)
        report["analyse_s"] = round(time.perf_counter() - start, 2)
    rows = analysis.summary["rows"]
    report["systems"], report["flows"] = rows.get("systems"), rows.get("flows")

    start = time.perf_counter()
    x = Explorer(analysis, background=False)
    report["explorer_start_s"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    x.whatif.candidates()
    x.whatif.base  # noqa: B018 (the evaluator, built once)
    report["candidates_s"] = round(time.perf_counter() - start, 2)

    orgs = [o for _label, o in x.scope.org_options()][:: max(1, args.orgs // args.repeat)]
    orgs = orgs[: args.repeat]
    stages: dict[str, list[float]] = {"org": [], "asset": [], "system": [], "click": []}
    for org in orgs:
        stages["org"].append(timed(lambda org=org: x.select(org)))
        asset = x.scope.focus_asset(x.selection)
        if asset:
            stages["asset"].append(timed(lambda org=org, a=asset: x.select(org, asset=a)))
        systems = x.maps.org_systems(org)
        if systems:
            stages["system"].append(timed(lambda org=org, s=systems[0]: x.select(org, system=s)))
            click = {"id": systems[-1], "kind": "node", "org": org, "n": len(stages["click"])}
            stages["click"].append(timed(lambda c=click: setattr(x.map, "selected", c)))

    x.show_tab("What if")
    toggles: dict[str, list[float]] = {"tick": [], "untick": []}
    kept: list[str] = []
    for org in orgs:
        x.select(org)
        x.wait()
        boxes = list(x.what.boxes.items())
        if not boxes:
            continue
        action_id, box = boxes[0]
        toggles["tick"].append(timed(lambda b=box: setattr(b, "value", True)))
        if len(kept) < 2:
            kept.append(action_id)  # leave a couple chosen, so unticking replays them
            continue
        toggles["untick"].append(timed(lambda b=box: setattr(b, "value", False)))

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "median_s": round(statistics.median(values), 3) if values else float("nan"),
            "max_s": round(max(values), 3) if values else float("nan"),
            "runs": len(values),
        }

    report["selection"] = {k: summary(v) for k, v in stages.items()}
    report["toggle"] = {k: summary(v) for k, v in toggles.items()}
    worst_selection = max(s["median_s"] for s in report["selection"].values())
    worst_toggle = max(s["median_s"] for s in report["toggle"].values())
    report["met"] = {
        "selection < 1 s": worst_selection < TARGETS["selection"],
        "toggle < 2 s": worst_toggle < TARGETS["toggle"],
    }
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "explore.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0 if all(report["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
