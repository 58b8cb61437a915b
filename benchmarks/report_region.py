"""The board report for a region, measured as whole processes (issue 14, item 2).

For each size it builds a synthetic inventory with ``flowmap synth`` and times, as the
user runs them, each command from start to exit (wall clock, and the peak memory of the
largest process: the command, its kernel or a Dask worker; the CPU time of the command
and every process it started; the load average, one minute, before and after):

- ``flowmap analyse INV --out DIR`` (the reference: load, validate and analyse the same
  inventory and write its findings);
- ``flowmap report INV --out DIR`` (the whole board paper, investment plan included; the
  target at 1,000 organisations is 3 minutes);
- ``flowmap report INV --out DIR --pdf`` (the same, printed by Chromium);
- ``flowmap report INV --per-org --out DIR --workers 2`` (one paper per organisation on
  Dask's LocalCluster, one shared analysis), with the reports written per minute.

Writes ``benchmarks/results/report-latest.md`` and ``report-latest.json``. Run::

    .venv/bin/python benchmarks/report_region.py --orgs 100 1000
    .venv/bin/python benchmarks/report_region.py --orgs 1000 --skip per-org pdf --timeout 600
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLOWMAP = [sys.executable, "-m", "flowmap"]
AS_OF = "2026-11-01"
#: Whole-process targets in seconds (issue 14).
TARGETS = {"report_seconds_1000": 180.0}


#: Stop a command after this many seconds (``--timeout``); the table then says so.
TIMEOUT = [None]


def timed(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``cmd`` to completion: wall seconds, exit code, peak RSS (MB) of its largest
    process (GNU time reports the largest child), its last line of output. A command
    still running after ``--timeout`` seconds is stopped (Ctrl-C, as a person would) and
    recorded as not finished."""
    start, start_wall, load_before = time.perf_counter(), time.time(), os.getloadavg()[0]
    proc = subprocess.Popen(
        ["/usr/bin/time", "-f", "PEAK_KB=%M CPU_S=%U+%S", *cmd],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FLOWMAP_PROGRESS": "never", **(env or {})},
    )
    try:
        out, err = proc.communicate(timeout=TIMEOUT[0])
        finished = True
    except subprocess.TimeoutExpired:
        for child in _children(proc.pid):
            os.kill(child, signal.SIGINT)
        out, err = proc.communicate()
        finished = False
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    seconds = time.perf_counter() - start
    peak = re.search(r"PEAK_KB=(\d+)", done.stderr)
    cpu = re.search(r"CPU_S=([\d.]+)\+([\d.]+)", done.stderr)
    errors = [ln for ln in done.stderr.splitlines() if not ln.startswith("PEAK_KB=")]
    return {
        "seconds": round(seconds, 1),
        "started": start_wall,
        "cpu_seconds": round(float(cpu.group(1)) + float(cpu.group(2)), 1) if cpu else None,
        "code": done.returncode,
        "peak_mb": round(int(peak.group(1)) / 1024, 0) if peak else None,
        "said": (done.stdout.strip().splitlines() or [""])[-1][:200],
        "stderr": errors[-5:],
        "finished": finished,
        "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def _children(pid: int) -> list[int]:
    """The processes ``/usr/bin/time`` started (the flowmap command)."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def measure(orgs: int, seed: int, skip: set[str], work: Path) -> dict[str, object]:
    inv = work / f"synth-{orgs}"
    if not inv.exists():
        subprocess.run(
            [*FLOWMAP, "synth", "--orgs", str(orgs), "--seed", str(seed), "--out", str(inv)],
            check=True,
            capture_output=True,
        )
    counts = {
        name: (inv / f"{name}.csv").read_bytes().count(b"\n") - 1
        for name in ("organisations", "systems", "assets", "flows")
    }
    runs: dict[str, object] = {"orgs": orgs, "rows": counts}
    runs["analyse"] = timed(
        [*FLOWMAP, "analyse", str(inv), "--as-of", AS_OF, "--out", str(work / f"an-{orgs}"),
         "--quiet"]
    )  # fmt: skip
    if "report" not in skip:
        runs["report"] = timed(
            [*FLOWMAP, "report", str(inv), "--as-of", AS_OF, "--out", str(work / f"r-{orgs}")]
        )
        size = work / f"r-{orgs}" / "report.html"
        runs["report"]["html_mb"] = round(size.stat().st_size / 1e6, 1) if size.exists() else None
    if "pdf" not in skip:
        runs["report_pdf"] = timed(
            [*FLOWMAP, "report", str(inv), "--as-of", AS_OF, "--out", str(work / f"p-{orgs}"),
             "--pdf"]
        )  # fmt: skip
        pdf = work / f"p-{orgs}" / "report.pdf"
        if pdf.exists():
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
            pages = re.search(r"Pages:\s+(\d+)", info)
            runs["report_pdf"]["pages"] = int(pages.group(1)) if pages else None
    if "per-org" not in skip:
        out = work / f"b-{orgs}"
        runs["per_org"] = timed(
            [*FLOWMAP, "report", str(inv), "--as-of", AS_OF, "--per-org", "--out", str(out),
             "--workers", "2"]
        )  # fmt: skip
        runs["per_org"].update(paper_rate(out, runs["per_org"], orgs))
    return runs


def paper_rate(out: Path, run: dict[str, object], orgs: int) -> dict[str, object]:
    """How fast a batch wrote its papers: over the whole run, and once the first paper
    was written (the analysis, the cluster and each worker's kernel started), from the
    papers' own times; and the batch's whole time for all ``orgs`` at that pace."""
    times = sorted(p.stat().st_mtime for p in out.glob("*/report.html"))
    done = len(times)  # all of them, unless stopped
    seconds = float(run["seconds"])
    rate: dict[str, object] = {
        "reports": done,
        "reports_per_minute": round(60 * done / seconds, 1) if seconds else None,
    }
    if done >= 2:
        first = times[0] - float(run["started"])
        steady = 60 * (done - 1) / max(times[-1] - times[0], 1e-9)
        rate.update(
            first_report_seconds=round(first, 1),
            steady_reports_per_minute=round(steady, 1),
            projected_seconds=round(first + 60 * (orgs - 1) / steady, 0),
        )
    return rate


def markdown(results: list[dict[str, object]]) -> str:
    cores = os.cpu_count() or 0
    head = "| command | " + " | ".join(f"{r['orgs']:,} orgs" for r in results) + " |"
    lines = [
        f"Machine: {platform.machine()}, Python {platform.python_version()}, {cores} cores. "
        "Whole processes, wall clock in seconds (peak memory of the largest process, MB).",
        "",
        "| inventory | " + " | ".join(f"{r['orgs']:,} orgs" for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for key in ("systems", "assets", "flows"):
        lines.append(f"| {key} | " + " | ".join(f"{r['rows'][key]:,}" for r in results) + " |")
    lines += ["", head, "|---|" + "---:|" * len(results)]
    names = {
        "analyse": "`flowmap analyse` (reference)",
        "report": "`flowmap report` (HTML)",
        "report_pdf": "`flowmap report --pdf`",
        "per_org": "`flowmap report --per-org --workers 2`",
    }
    for key, label in names.items():
        cells = []
        for r in results:
            run = r.get(key)
            if not run:
                cells.append("not run")
                continue
            text = f"{run['seconds']:,.0f} ({run['peak_mb'] or 0:,.0f})"
            if run.get("cpu_seconds") is not None:
                text += f", CPU {run['cpu_seconds']:,.0f}"
            if not run.get("finished", True):
                text = f"not finished in {run['seconds']:,.0f}; stopped"
                if run.get("cpu_seconds") is not None:
                    text += f", CPU {run['cpu_seconds']:,.0f}"
            if run.get("load"):
                text += f"; load {run['load'][0]} to {run['load'][1]}"
            elif run["code"]:
                text += f" FAILED exit {run['code']}"
            cells.append(text)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    extra = []
    for r in results:
        b = r.get("per_org") or {}
        if b.get("reports_per_minute"):
            extra.append(
                f"- {r['orgs']:,} organisations, per-org batch: {b['reports']:,} reports "
                f"written, {b['reports_per_minute']} a minute over the whole run (analysis "
                "and cluster start included)."
            )
        if b.get("reports") and b.get("cpu_seconds"):
            extra.append(
                f"  CPU time of the batch (command, workers, kernels): {b['cpu_seconds']:,.0f} s, "
                f"{b['cpu_seconds'] / b['reports']:.1f} s a paper written (start-up included)."
            )
        if b.get("steady_reports_per_minute"):
            extra.append(
                f"  The first paper was written after {b['first_report_seconds']:,.0f} s "
                f"(analysis, shared file, cluster and kernels), then "
                f"{b['steady_reports_per_minute']} papers a minute: all {r['orgs']:,} in "
                f"about {b['projected_seconds'] / 60:,.1f} minutes at that pace."
            )
        p = r.get("report_pdf") or {}
        if p.get("pages"):
            extra.append(f"- {r['orgs']:,} organisations: the PDF has {p['pages']} pages.")
        h = r.get("report") or {}
        if h.get("html_mb"):
            extra.append(f"- {r['orgs']:,} organisations: report.html is {h['html_mb']} MB.")
    return "\n".join(lines + [""] + extra) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", nargs="*", default=[], choices=["report", "pdf", "per-org"])
    parser.add_argument("--work", type=Path, help="keep inventories and outputs here")
    parser.add_argument("--timeout", type=float, help="stop a command after this many seconds")
    args = parser.parse_args()
    TIMEOUT[0] = args.timeout
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = [measure(n, args.seed, set(args.skip), work) for n in args.orgs]
    text = markdown(results)
    print(text)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "report-latest.md").write_text(text, encoding="utf-8")
    (out / "report-latest.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
