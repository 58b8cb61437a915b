"""Print the report HTML to PDF with headless Chromium."""

from __future__ import annotations

import re
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
    out.write_bytes(fixed_dates(out.read_bytes()))
    return out


#: Chromium stamps the time of printing into the PDF; the report's PDF gets this instead.
PDF_DATE = b"D:20000101000000+00'00'"
_PDF_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9]{14}[+\-Z][0-9']*\)")


def fixed_dates(pdf: bytes) -> bytes:
    """``pdf`` with its creation and modification dates set to :data:`PDF_DATE` (same
    length, so the cross-reference offsets stay right), so a rerun gives the same bytes.

    Examples
    --------
    >>> fixed_dates(b"/CreationDate (D:20261130043300+00'00')")
    b"/CreationDate (D:20000101000000+00'00')"
    """

    def fix(m: re.Match[bytes]) -> bytes:
        stamp = m.group(0)[len(m.group(1)) + 3 : -1]
        return m.group(0) if len(stamp) != len(PDF_DATE) else m.group(0).replace(stamp, PDF_DATE)

    return _PDF_DATES.sub(fix, pdf)
