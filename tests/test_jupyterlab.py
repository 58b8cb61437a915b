"""Smoke test: a real JupyterLab runs 02_data_flow_map.ipynb and the map renders."""

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

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")]


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


def test_map_renders_in_jupyterlab(tmp_path):
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
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/api/status?token={token}", 60)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
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
                    frame = page.wait_for_selector(
                        "iframe[srcdoc]", state="attached", timeout=180_000
                    )
                except Exception:
                    page.screenshot(path=str(tmp_path / "lab.png"))
                    raise
                content = frame.content_frame()
                content.wait_for_function(
                    "() => window.flowmapNetwork !== undefined", timeout=60_000
                )
            finally:
                browser.close()
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
