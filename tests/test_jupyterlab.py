"""A real JupyterLab runs notebook 02 and a person explores in it: select an organisation,
click a node on the map, tick an action and see the Python API's risk figure, with no
console error and no request beyond this computer (Debian's Chromium, Playwright).

Timing: JupyterLab takes ~10-30 s to start and the kernel a few seconds to connect
after the page loads, so the test waits for each on what the page shows, never on a
fixed delay alone.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT
from tests.explorer_flow import ARGS, CHROMIUM, WIDGET, Watched, drive, sample_analysis

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer at {url}")


def test_explore_in_jupyterlab(tmp_path):
    from playwright.sync_api import sync_playwright

    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copytree(ROOT / "inventories", tmp_path / "inventories")
    port, token = _free_port(), secrets.token_hex(16)
    lab = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            f"--ServerApp.token={token}",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.root_dir={tmp_path / 'notebooks'}",
            "--ServerApp.open_browser=False",
            "--allow-root",
            "--LabApp.news_url=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/api/status?token={token}", 90)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                watched = Watched(browser, (base, f"ws://127.0.0.1:{port}", "blob:", "data:"))
                page = watched.page
                page.goto(f"{base}/lab/tree/02_data_flow_map.ipynb?token={token}")
                page.wait_for_selector(".jp-Notebook", timeout=90_000)
                page.wait_for_selector(
                    ".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-Toolbar-kernelStatus",
                    timeout=90_000,
                )
                page.wait_for_timeout(3000)  # let the kernel connect
                page.click("text=Run", timeout=30_000)
                page.click("text=Run All Cells", timeout=30_000)
                try:
                    page.wait_for_selector(f"{WIDGET}[data-flowmap-drawn]", timeout=240_000)
                    figures = drive(page, sample_analysis())
                except Exception:
                    page.screenshot(path=str(tmp_path / "lab.png"))
                    raise
                assert figures["after"] < figures["before"]
                # the notebook's other maps are widgets too: no iframe, no warning
                assert page.locator("iframe[srcdoc]").count() == 0
                assert page.locator("text=Consider using IPython.display.IFrame").count() == 0
                assert watched.blocked == []
                assert watched.errors == []
            finally:
                browser.close()
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
