"""Regenerate docs/img/map.png, report.png and the IG paperwork's ropa.png,
check-flow.png, agreements.png and dspt.png with headless Chromium.

Run after ``make demo`` (which writes out/map.html, out/report/report.html, out/ropa/,
out/check-flow/, out/agreements/ and out/dspt/)::

    .venv/bin/python docs/img/make_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MAX_BYTES = 400_000


def main(out: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    shots = {
        "map.png": out / "map.html",
        "report.png": out / "report" / "report.html",
        "ropa.png": next((out / "ropa").glob("ropa_RXA-*.html")),
        "check-flow.png": out / "check-flow" / "check_flow.html",
        "agreements.png": out / "agreements" / "agreements.html",
        "dspt.png": out / "dspt" / "dspt_2025-26.html",
    }
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        for name, source in shots.items():
            page.goto(source.resolve().as_uri())
            page.wait_for_timeout(3000)
            page.screenshot(path=str(HERE / name), type="png")
            size = (HERE / name).stat().st_size
            if size > MAX_BYTES:
                raise SystemExit(f"{name} is {size:,} bytes; keep screenshots under {MAX_BYTES:,}")
            print(f"Wrote {HERE / name} ({size:,} bytes)")
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "out"))
