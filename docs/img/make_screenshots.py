"""Regenerate docs/img/map.png and docs/img/report.png with headless Chromium.

Run after ``make demo`` (which writes out/map.html and out/report/report.html)::

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
    shots = {"map.png": out / "map.html", "report.png": out / "report" / "report.html"}
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
