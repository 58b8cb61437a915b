"""Benchmark: which pandas read issue 14's "0.8 s" floor was, at the issue's own sizes.

Issue 14 measured ``flowmap analyse`` on a 1,000-organisation region of about 29k
systems, 64k flows and 20k assets: "66 s, against 0.8 s for pandas to read the same
CSVs (about 80x)". That region is not in the repository, so this script makes one of
those sizes from ``flowmap synth --orgs 1000 --seed 1`` (its first 64,000 flows; its
systems and assets repeated under new ids to 29,000 and 20,000 rows) and times the same
read two ways, alternating, ``--repeat`` times:

- inside a running Python (pandas already imported), as ``benchmarks/run.py``'s floor;
- as a whole process: a fresh Python that imports pandas and reads the files, timed from
  outside, as ``flowmap analyse`` itself is timed.

Whichever is near 0.8 s is the floor the issue's ratio was taken against
(``benchmarks/analyse_process.py`` reports ``flowmap analyse`` against both). Run with
``.venv/bin/python benchmarks/read_floor.py --repeat 5``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analyse_process import BIN, READ

SIZES = {"systems.csv": ("system_id", 29_000), "assets.csv": ("asset_id", 20_000)}
FLOWS = 64_000


def issue_sized(inv: Path, out: Path) -> dict[str, int]:
    """The synthetic region cut or repeated to the issue's sizes; rows per file."""
    import pandas as pd

    out.mkdir()
    rows = {}
    for path in sorted(inv.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if path.name == "flows.csv":
            frame = frame.head(FLOWS)
        elif path.name in SIZES:
            key, size = SIZES[path.name]
            times = -(-size // len(frame))  # repeated this many times, then cut
            copies = [frame.assign(**{key: frame[key] + f"-{i}"}) for i in range(1, times)]
            copies.insert(0, frame)
            frame = pd.concat(copies).head(size)
        frame.to_csv(out / path.name, index=False)
        rows[path.name] = len(frame)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inv = Path(tmp) / "inv"
        subprocess.run(
            [BIN / "flowmap", "synth", "--orgs", "1000", "--seed", "1", "--out", str(inv)]
            + ["--as-of", "2026-11-01"],
            check=True,
            capture_output=True,
        )
        rows = issue_sized(inv, Path(tmp) / "issue")
        inside, whole = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", READ, str(Path(tmp) / "issue")],
                check=True,
                capture_output=True,
                text=True,
            )
            whole.append(time.perf_counter() - start)
            inside.append(float(done.stdout))
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items() if v))
    print("| pandas read of the issue-sized region | median (range) |")
    print("|---|---:|")
    for name, times in [("inside a running Python", inside), ("as a whole process", whole)]:
        print(f"| {name} | {statistics.median(times):.2f} s ({min(times):.2f}-{max(times):.2f}) |")


if __name__ == "__main__":
    main()
