"""A new KEV entry at region scale: the whole ``flowmap alert`` process, timed.

Target (issue 20): at 1,000 organisations the impact of one new CVE in under 10 seconds,
whole process: Python starting, the two KEV catalogues read, the inventory loaded,
validated and analysed, the impact worked out (verdicts, assets, contacts and the
attack paths if exploitable everywhere it applies) and every output written, the
one-page brief printed to PDF by Chromium included. Run with::

    .venv/bin/python benchmarks/alert.py --orgs 1000

It builds a synthetic inventory with ``flowmap synth`` and a "previous" KEV catalogue
from the snapshot in ``../shared/data/kev/`` (relative to the repository root) without
one CVE, then runs ``flowmap alert INV --kev SNAPSHOT --since PREVIOUS --out DIR`` as a
fresh process ``--repeat`` times (the median is reported), with and without the PDF. Two
CVEs by default (``--cve`` to choose): CVE-2024-3400 (PAN-OS, a typical appliance entry:
the firewalls of the synthetic estate run it) and CVE-2017-0144 (KEV product "SMBv1": every
Windows system matches, the heaviest case there is). In the same process it then times
the stages (load and analyse, the impact, writing without PDF) once, for where the time
goes.

Writes ``benchmarks/results/alert.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2026, 11, 1)
HERE = Path(__file__).resolve().parent
KEV = HERE.parent.parent / "shared" / "data" / "kev" / "known_exploited_vulnerabilities.json"
TARGET_S = 10.0


def _previous(kev: Path, cve: str, folder: Path) -> Path:
    doc = json.loads(kev.read_text(encoding="utf-8"))
    doc["vulnerabilities"] = [v for v in doc["vulnerabilities"] if v["cveID"] != cve]
    doc["count"] = len(doc["vulnerabilities"])
    path = folder / "kev-previous.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _whole(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flowmap", "alert", *args, "--force"],
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"flowmap alert failed: {done.stderr.strip()}")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cve", nargs="+", default=["CVE-2024-3400", "CVE-2017-0144"])
    parser.add_argument("--kev", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.kev is None:  # make bench: the shared snapshot, when this machine has it
        if not KEV.exists():
            print(f"skipped: no KEV snapshot at {KEV} (give --kev FILE)")
            return 0
        args.kev = KEV
    if not args.kev.exists():
        raise SystemExit(f"{args.kev}: no KEV snapshot; give --kev")

    import flowmap
    from flowmap.reference.kev import load_kev
    from flowmap.render.alert import write_alert
    from flowmap.synth.generate import synthesize, write_inventory_csv

    report: dict[str, object] = {
        "orgs": args.orgs,
        "seed": args.seed,
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg()[0],
        "cves": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "synth"
        write_inventory_csv(synthesize(args.orgs, seed=args.seed, as_of=AS_OF), folder)
        start = time.perf_counter()
        ref = flowmap.load_reference(kev=args.kev)
        analysis = flowmap.analyse(flowmap.load_inventory(folder), as_of=AS_OF, reference=ref)
        report["load_and_analyse_s"] = round(time.perf_counter() - start, 2)
        rows = analysis.summary["rows"]
        report["systems"], report["flows"] = rows.get("systems"), rows.get("flows")
        for cve in args.cve:
            one: dict[str, object] = {}
            previous = _previous(args.kev, cve, Path(tmp))
            common = [str(folder), "--kev", str(args.kev), "--since", str(previous),
                      "--as-of", AS_OF.isoformat()]  # fmt: skip
            out = Path(tmp) / cve
            with_pdf = [_whole([*common, "--out", str(out / "a")]) for _ in range(args.repeat)]
            no_pdf = [
                _whole([*common, "--out", str(out / "b"), "--no-pdf"]) for _ in range(args.repeat)
            ]
            one["whole_process_s"] = round(statistics.median(with_pdf), 2)
            one["whole_process_no_pdf_s"] = round(statistics.median(no_pdf), 2)
            start = time.perf_counter()
            hit = flowmap.alert_impact(analysis, kev=ref.kev, since=load_kev(previous))
            one["impact_s"] = round(time.perf_counter() - start, 2)
            start = time.perf_counter()
            write_alert(hit, out / "c", pdf=False)
            one["write_no_pdf_s"] = round(time.perf_counter() - start, 2)
            one["met"] = one["whole_process_s"] < TARGET_S
            one["headline"] = hit.headline
            report["cves"][cve] = one
    report["load_average_after"] = os.getloadavg()[0]
    report["target_s"] = TARGET_S
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "alert.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for key, value in report.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
