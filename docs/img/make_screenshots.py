"""Regenerate the screenshots in docs/img with headless Chromium and pdftoppm.

Run after ``make demo`` (which writes out/map.html, out/report/report.html, out/ropa/,
out/check-flow/, out/agreements/ and out/dspt/)::

    .venv/bin/python docs/img/make_screenshots.py [OUT_DIR]

Writes the map at 1366 px (systems view, attack paths highlighted, organisations view)
and at 390 px (a phone), the board paper at 1366 px (cover, headline figures, the map)
and at 390 px, the paper printed to PDF (its first pages and every page on one sheet),
and the IG paperwork (ropa.png, check-flow.png, agreements.png, dspt.png) at 1200 px.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
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
READY = "window.flowmapReady === true"


def _check(name: str) -> None:
    size = (HERE / name).stat().st_size
    if size > MAX_BYTES:
        raise SystemExit(f"{name} is {size:,} bytes; keep screenshots under {MAX_BYTES:,}")
    print(f"Wrote {HERE / name} ({size:,} bytes)")


def _shot(page, name: str) -> None:
    page.screenshot(path=str(HERE / name), type="png")
    _check(name)


def paperwork(out: Path) -> None:
    """The IG team's paperwork pages at 1200 x 800."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    shots = {
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
            _shot(page, name)
        browser.close()


def screens(map_html: Path, report_html: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        wide = browser.new_page(viewport={"width": 1366, "height": 900})
        wide.goto(map_html.resolve().as_uri())
        wide.wait_for_function(READY)
        wide.wait_for_timeout(800)
        _shot(wide, "map.png")
        wide.evaluate("window.flowmap.setPaths(true)")
        wide.wait_for_timeout(500)
        _shot(wide, "map-paths.png")
        wide.evaluate("window.flowmap.setPaths(false); window.flowmap.setView('organisations')")
        wide.wait_for_timeout(800)
        _shot(wide, "map-organisations.png")
        wide.goto(report_html.resolve().as_uri())
        wide.wait_for_timeout(2500)
        _shot(wide, "report.png")
        for element, name in (
            ("#fm-headlines", "report-headlines.png"),
            ("#fm-map", "report-map.png"),
        ):
            wide.locator(element).scroll_into_view_if_needed()
            wide.evaluate("window.scrollBy(0, -90)")
            wide.wait_for_timeout(2000)
            _shot(wide, name)
        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        phone.goto(map_html.resolve().as_uri())
        phone.wait_for_function(READY)
        phone.evaluate("window.scrollTo(0, 330)")
        phone.wait_for_timeout(800)
        _shot(phone, "map-phone.png")
        phone.goto(report_html.resolve().as_uri())
        phone.wait_for_timeout(2500)
        _shot(phone, "report-phone.png")
        phone.locator("#fm-top-risks").scroll_into_view_if_needed()
        phone.wait_for_timeout(500)
        _shot(phone, "report-phone-risks.png")
        browser.close()


def pdf_pages(report_html: Path) -> None:
    from flowmap.render.report.pdf import to_pdf

    with tempfile.TemporaryDirectory() as tmp:
        pdf = to_pdf(report_html, Path(tmp) / "report.pdf")
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), f"{tmp}/p"], check=True)
        pages = sorted(Path(tmp).glob("p-*.png"))
        for n in (1, 2, 3):
            name = f"report-pdf-{n}.png"
            Image.open(pages[n - 1]).convert("P", palette=Image.Palette.ADAPTIVE).save(
                HERE / name, optimize=True
            )
            _check(name)
        thumbs = [Image.open(p).convert("RGB") for p in pages]
        w, h = thumbs[0].size
        scale = 0.3
        tw, th = int(w * scale), int(h * scale)
        cols = 6
        rows = (len(thumbs) + cols - 1) // cols
        sheet = Image.new("RGB", (cols * (tw + 8) + 8, rows * (th + 8) + 8), "#b1b4b6")
        for i, im in enumerate(thumbs):
            page = im.resize((tw, th), Image.Resampling.LANCZOS)
            sheet.paste(page, (8 + (i % cols) * (tw + 8), 8 + (i // cols) * (th + 8)))
        sheet.convert("P", palette=Image.Palette.ADAPTIVE).save(
            HERE / "report-pdf-pages.png", optimize=True
        )
        _check("report-pdf-pages.png")


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
    screens(out / "map.html", out / "report" / "report.html")
    pdf_pages(out / "report" / "report.html")
    paperwork(out)
