"""Benchmark: a region's register of thousands of rows through ``flowmap import sheet``.

Builds a DSPT 1.1.2 register (the layout of ``--mapping dspt-1.1.2``) of ``--rows`` rows
from the rows of the shipped example, ``inventories/sample/registers/ropa-dspt-1.1.2.csv``:
each copy has its own reference and asset name, every third row also names a system of its
own (one of ``rows / 10`` names, so systems are both added and found again), and the
example's row without a reference, its values no vocabulary knows and its systems named as
the inventory names them come round again and again (rows skipped, values reported,
systems matched). The register is written as an ``.xlsx`` workbook, as IG teams keep it.

Side by side in the same run, as whole processes:

- the *floor*: a fresh Python that imports python-calamine (a compiled reader) and reads
  every cell of the register's sheet into Python values, nothing else;
- ``flowmap import sheet REGISTER.xlsx --mapping dspt-1.1.2 --set org=RXA
  --inventory inventories/sample --out OUT``: start-up, reading, mapping every row into
  systems, assets and flows, merging them into the sample inventory, checking the result
  and writing it with its import report, as a user runs it.

Each is run ``--repeat`` times, alternating, and the median kept; wall and CPU time are both
recorded, with the load average, because the machine may be shared. Reported: the time per
register row (the whole process over the rows, start-up included), what each further row
costs (the difference from the size before over the rows added: start-up, about 0.7 s, left
out) and the ratio to the floor. Writes ``benchmarks/results/import_sheet.md`` and
``import_sheet.json``. Run with ``make bench`` or
``.venv/bin/python benchmarks/import_sheet.py --rows 500 5000``.
"""

from __future__ import annotations

import argparse
import csv
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
ROOT = HERE.parent
EXAMPLE = ROOT / "inventories" / "sample" / "registers" / "ropa-dspt-1.1.2.csv"
AS_OF = "2026-11-01"
#: Milliseconds each further register row costs, from 500 to 5,000 rows (whole processes):
#: a tenth of before (main at c7cc9ec: 2.21 s at 500 rows, 16.14 s at 5,000, 3.10 ms a row;
#: 2026-11-30, load 1.5-1.8).
TARGET_MS_PER_ROW = 0.31

FLOOR = """
import sys
import python_calamine
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
rows = book.get_sheet_by_index(0).to_python()
print(sum(len(row) for row in rows))
"""


def register_rows(n: int) -> tuple[list[str], list[list[str]]]:
    """The header and ``n`` rows of a register made from the shipped example's rows."""
    with EXAMPLE.open(newline="", encoding="utf-8") as f:
        header, *examples = list(csv.reader(f))
    ref, name, systems = (header.index(h) for h in (
        "Reference", "Information asset", "Systems or services that process it"
    ))  # fmt: skip
    rows = []
    for i in range(n):
        row = list(examples[i % len(examples)])
        if row[ref]:
            row[ref] = f"IA-{10000 + i}"
        row[name] = f"{row[name]} ({i + 1})"
        if i % 3 == 0:
            own = f"Local system {i % max(1, n // 10)}"
            row[systems] = f"{row[systems]}; {own}" if row[systems] else own
        rows.append(row)
    return header, rows


def write_register(path: Path, n: int) -> Path:
    """Write a register of ``n`` rows to ``path`` (``.xlsx`` or ``.csv``)."""
    header, rows = register_rows(n)
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *rows])
        return path
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Register"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run_timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one child process, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, cpu, done.stdout


def measure(n: int, work: Path, repeat: int) -> dict:
    register = write_register(work / f"register{n}.xlsx", n)
    runs: dict[str, list[tuple[float, float]]] = {"floor": [], "import": []}
    summary = ""
    for i in range(repeat):
        runs["floor"].append(run_timed([sys.executable, "-c", FLOOR, str(register)])[:2])
        out = work / f"out{n}-{i}"
        wall, cpu, summary = run_timed(
            [sys.executable, "-m", "flowmap", "import", "sheet", str(register),
             "--mapping", "dspt-1.1.2", "--set", "org=RXA", "--inventory",
             str(ROOT / "inventories" / "sample"), "--out", str(out), "--as-of", AS_OF]
        )  # fmt: skip
        runs["import"].append((wall, cpu))

    def median(name: str, i: int) -> float:
        return round(statistics.median(r[i] for r in runs[name]), 3)

    floor, seconds = median("floor", 0), median("import", 0)
    return {
        "rows": n,
        "summary": summary.strip().splitlines(),
        "floor_seconds": floor,
        "floor_cpu_seconds": median("floor", 1),
        "import_seconds": seconds,
        "import_cpu_seconds": median("import", 1),
        "ms_per_row": round(1000 * seconds / n, 3),
        "cpu_ms_per_row": round(1000 * median("import", 1) / n, 3),
        "ratio": round(seconds / floor, 1),
        "runs": {k: [[round(w, 3), round(c, 3)] for w, c in v] for k, v in runs.items()},
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| register rows | calamine reads the sheet (floor), wall (CPU) "
        "| `flowmap import sheet`, wall (CPU) | per row, wall (CPU) | each further row, wall "
        "| ratio to the floor | load after |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        further = f"{r['ms_per_further_row']:.2f} ms" if "ms_per_further_row" in r else ""
        lines.append(
            f"| {r['rows']:,} | {r['floor_seconds']:.2f} s ({r['floor_cpu_seconds']:.2f} s) "
            f"| {r['import_seconds']:.2f} s ({r['import_cpu_seconds']:.2f} s) "
            f"| {r['ms_per_row']:.2f} ms ({r['cpu_ms_per_row']:.2f} ms) "
            f"| {further} | {r['ratio']} "
            f"| {', '.join(map(str, r['load_after']))} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each, median kept.")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for n in sorted(args.rows):
            rows.append(measure(n, Path(d), args.repeat))
            if len(rows) > 1:
                before = rows[-2]
                rows[-1]["ms_per_further_row"] = round(
                    1000 * (rows[-1]["import_seconds"] - before["import_seconds"])
                    / (n - before["rows"]), 3
                )  # fmt: skip
            print(table(rows[-1:]), flush=True)
    load = os.getloadavg()
    text = (
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; load average at the end {load[0]:.2f}, {load[1]:.2f}, "
        f"{load[2]:.2f}; median of {args.repeat} runs of each, alternating. Target: at "
        f"5,000 rows, each further row at most {TARGET_MS_PER_ROW} ms (it was 3.10 ms).\n\n"
        + table(rows)
        + "\n\nThe largest import's summary:\n\n```text\n"
        + "\n".join(rows[-1]["summary"])
        + "\n```\n"
    )
    print(text)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "import_sheet.md").write_text(text, encoding="utf-8")
    (results / "import_sheet.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    failed = [r for r in rows if r.get("ms_per_further_row", 0) > TARGET_MS_PER_ROW]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
