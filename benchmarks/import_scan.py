"""Benchmark: import a 200 MB Nessus file (issue 11: under a minute, bounded memory).

Builds the file by repeating the real hosts of ``tests/data/scans/nessus`` (each copy
with its own address and names, so every host is a different system), then, in a fresh
process, imports it into the sample inventory with ``--add-unmatched`` (every host
matched or added, every row accounted for in the report) and writes the new inventory
and report. Reports the wall time, the CPU time (which other work on a shared machine
does not inflate) and the peak resident memory of that process, the median of
``--repeat`` runs. Writes ``benchmarks/results/import.md`` and ``import.json``.

Run with ``make bench`` or ``.venv/bin/python benchmarks/import_scan.py [--mb 200]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCES = ("defectdojo_7hosts_win2008r2.nessus", "rubynessus_metasploitable_unsupported_os.nessus")
TARGET_SECONDS = 60.0
TARGET_PEAK_MB = 1024.0  # bounded: well under the file's size times a few


def make_file(path: Path, megabytes: int) -> tuple[int, int]:
    """Write a ``.nessus`` file of about ``megabytes`` MB; return (hosts, bytes)."""
    hosts: list[str] = []
    head = tail = ""
    for name in SOURCES:
        text = (ROOT / "tests" / "data" / "scans" / "nessus" / name).read_text(encoding="utf-8")
        hosts += re.findall(r"<ReportHost .*?</ReportHost>", text, flags=re.S)
        if not head:
            head = text[: text.index("<ReportHost ")]
            tail = text[text.rindex("</ReportHost>") + len("</ReportHost>") :]
    target = megabytes * 1024 * 1024
    written, count = 0, 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        written += len(head)
        while written < target:
            ip = f"10.{100 + (count >> 16) % 100}.{(count >> 8) & 255}.{count & 255}"
            host = hosts[count % len(hosts)]
            host = re.sub(r'<ReportHost name="[^"]*"', f'<ReportHost name="{ip}"', host, count=1)
            host = re.sub(r'(<tag name="host-ip">)[^<]*', rf"\g<1>{ip}", host)
            host = re.sub(r'(<tag name="host-fqdn">)[^<]*', rf"\g<1>bench-{count}.example", host)
            host = re.sub(r'(<tag name="netbios-name">)[^<]*', rf"\g<1>BENCH{count}", host)
            out.write(host)
            written += len(host)
            count += 1
        out.write(tail)
    return count, path.stat().st_size


def one(scan: Path, out: Path) -> dict[str, float]:
    """Run one import in this process; return seconds and peak MB."""
    import flowmap

    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    result = flowmap.import_scans(
        ROOT / "inventories" / "sample", [scan], out=out, org="RXA", add_unmatched=True
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = result.report.summary()
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        "hosts": sum(summary["host"].get(a, 0) for a in ("matched", "added", "skipped")),
        "rows": sum(summary["row"].values()),
        "systems_added": summary["system"].get("added", 0),
        "vulnerabilities_new": summary["vulnerability"].get("new", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="file size in MB (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(Path(args.one[0]), Path(args.one[1]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        scan = Path(tmp) / "big.nessus"
        print(f"writing a {args.mb} MB .nessus file ...", file=sys.stderr, flush=True)
        hosts, size = make_file(scan, args.mb)
        runs = []
        for i in range(args.repeat):
            print(f"importing it (run {i + 1}) ...", file=sys.stderr, flush=True)
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(scan), str(Path(tmp) / f"out{i}")],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                sys.exit(f"import benchmark failed:\n{done.stderr[-2000:]}")
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    seconds = statistics.median(r["seconds"] for r in runs)
    cpu = statistics.median(r["cpu_seconds"] for r in runs)
    peak = max(r["peak_mb"] for r in runs)
    result = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "file_mb": round(size / 1024 / 1024, 1),
        "hosts_in_file": hosts,
        "runs": runs,
        "median_seconds": seconds,
        "median_cpu_seconds": cpu,
        "peak_mb": peak,
        "targets": {"seconds": TARGET_SECONDS, "peak_mb": TARGET_PEAK_MB},
    }
    ok = seconds < TARGET_SECONDS and peak < TARGET_PEAK_MB
    table = "\n".join(
        [
            f"Import of a {result['file_mb']} MB .nessus file ({hosts:,} hosts, "
            f"{runs[0]['rows']:,} rows) into the sample, --add-unmatched, median of "
            f"{len(runs)} run(s):",
            "",
            "| measure | value | target |",
            "|---|---:|---:|",
            f"| wall time (s) | {seconds:.1f} | < {TARGET_SECONDS:.0f} |",
            f"| CPU time (s) | {cpu:.1f} | |",
            f"| peak memory (MB) | {peak:,.0f} | < {TARGET_PEAK_MB:,.0f} |",
            f"| systems added | {runs[0]['systems_added']:,} | |",
            f"| vulnerabilities added | {runs[0]['vulnerabilities_new']:,} | |",
            "",
            "Within target." if ok else "OUTSIDE TARGET.",
        ]
    )
    print(table)
    target = HERE / "results"
    target.mkdir(exist_ok=True)
    (target / "import.md").write_text(table + "\n")
    (target / "import.json").write_text(json.dumps(result, indent=1) + "\n")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
