"""Size of the organisations map of a synthetic partnership and its time to interactive.

``.venv/bin/python benchmarks/map_open.py --orgs 1000`` synthesises, analyses and writes
the map, then opens it from file:// in headless Debian Chromium (network blocked) and
prints the file size and the seconds until the page is drawn and interactive
(``window.flowmapReady``, set after vis-network's first draw).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    import flowmap
    from flowmap.synth.generate import synthesize, write_inventory_csv

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inv"
        write_inventory_csv(synthesize(args.orgs, seed=args.seed), folder)
        analysis = flowmap.analyse(flowmap.load_inventory(folder), as_of=dt.date(2026, 11, 1))
        path = Path(tmp) / "map.html"
        start = time.perf_counter()
        doc = flowmap.write_map(analysis, path)
        render = time.perf_counter() - start
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
            )
            start = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("window.flowmapReady === true", timeout=120_000)
            ready = time.perf_counter() - start
            counts = page.evaluate("window.flowmap.counts()")
            browser.close()
        size = path.stat().st_size / 1e6
    print(
        f"{args.orgs} organisations: {doc.view} view, {doc.nodes:,} nodes, {doc.edges:,} "
        f"edges, {size:.1f} MB "
        f"(render {render:.1f} s); interactive in Chromium after {ready:.1f} s; "
        f"drawn {counts['nodes']:,} nodes, {counts['edges']:,} edges"
    )


if __name__ == "__main__":
    main()
