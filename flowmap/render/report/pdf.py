"""Print the report HTML to PDF with headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from flowmap.errors import ReportError, UsageError

#: Executables tried, in order, when ``FLOWMAP_CHROMIUM`` is not set.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Flags for a quiet, offline, sandbox-free print.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=5000",
)
PRINT_TIMEOUT_SECONDS = 120


def find_chromium() -> str:
    """The path of a Chromium or Chrome executable.

    Raises
    ------
    UsageError
        When none is installed (the message says how to install one).
    """
    import os

    explicit = os.environ.get("FLOWMAP_CHROMIUM")
    if explicit:
        return explicit
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise UsageError(
        "pdf needs Chromium or Google Chrome, and none was found (looked for "
        f"{', '.join(CHROMIUM_NAMES)}): install one, e.g. apt-get install "
        "chromium, or set FLOWMAP_CHROMIUM to its path",
        param="pdf",
    )


def to_pdf(html: str | Path, out: str | Path) -> Path:
    """Print ``html`` to ``out`` (A4) and check the result is a PDF."""
    html, out = Path(html).resolve(), Path(out)
    browser = find_chromium()
    cmd = [browser, *CHROMIUM_FLAGS, f"--print-to-pdf={out.resolve()}", html.as_uri()]
    done = subprocess.run(
        cmd, capture_output=True, text=True, timeout=PRINT_TIMEOUT_SECONDS, check=False
    )
    if done.returncode != 0 or not out.exists() or out.read_bytes()[:4] != b"%PDF":
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ReportError(
            f"Chromium ({browser}) could not print {html.name} to PDF "
            f"(exit {done.returncode}): {last[0]}"
        )
    return out
