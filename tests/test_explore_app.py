"""``flowmap explore``: a local app on 127.0.0.1 with a random token, no code shown, a CSP,
nothing fetched from outside, and Ctrl-C stops it; a person explores it in Chromium."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, small_tables, write_csv_tables
from tests.explorer_flow import ARGS, CHROMIUM, Watched, drive, sample_analysis

pytestmark = pytest.mark.browser  # starts a real Voila server (and, below, a browser)


def _listening(port: int) -> set[str]:
    """The local addresses a TCP port is listening on (from /proc/net/tcp and tcp6)."""
    found = set()
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.rsplit(":", 1)
            if int(hexport, 16) == port and state == "0A":  # LISTEN
                found.add(address)
    return found


def _get(url: str) -> tuple[int, str, dict, str]:
    """Status, final address (after redirects), headers and body."""
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.status, r.url, dict(r.headers), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, url, dict(e.headers), ""


def test_the_command_serves_only_this_computer_with_a_token_and_stops_on_ctrl_c() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flowmap",
            "explore",
            str(SAMPLE),
            "--no-browser",
            "--as-of",
            "2026-11-01",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        url = ""
        deadline = time.monotonic() + 180
        while not url and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, proc.stderr.read()
            found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)", line)
            url = found.group(0) if found else ""
        assert url, "no address printed"
        port, token = int(found.group(1)), found.group(2)
        assert len(token) >= 32
        assert _listening(port) == {"0100007F"}  # 127.0.0.1 only, not 0.0.0.0 or ::
        for wrong in ("", "?token=wrong"):  # no token, no app: the login form instead
            _status, where, _h, page = _get(f"http://127.0.0.1:{port}/{wrong}")
            assert "/login" in where and "flowmap" not in page
        status, where, headers, page = _get(url)
        assert status == 200 and "/login" not in where
        csp = headers.get("Content-Security-Policy", "")
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "app.show(" not in page and "import flowmap" not in page  # no code shown
        assert "cdn.jsdelivr" not in page and "https://" not in page.split("<body")[0]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
        assert _listening(port) == set()  # the server stopped with it
        assert "interrupted" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_missing_inventory_is_one_line_and_no_server() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "flowmap", "explore", "no/such/inventory", "--no-browser"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "No inventory at no/such/inventory" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_explore_the_app_in_a_browser(tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    from flowmap.explorer.app import Options, start

    server = start(Options(inventory=str(SAMPLE), as_of="2026-11-01"))
    base = f"http://127.0.0.1:{server.port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                watched = Watched(
                    browser, (base, f"ws://127.0.0.1:{server.port}", "blob:", "data:")
                )
                watched.page.goto(server.url, timeout=180_000)
                shots = Path(os.environ.get("FLOWMAP_SHOTS", tmp_path))
                figures = drive(watched.page, sample_analysis(), shots=shots)
                assert figures["after"] < figures["before"]
                assert watched.page.locator(".jp-InputArea, .jp-CodeMirrorEditor").count() == 0
                assert watched.blocked == []
                assert watched.errors == []
            finally:
                browser.close()
    finally:
        server.stop()
    assert not server.folder.exists()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_an_invalid_inventory_shows_its_problems_in_the_app(tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    from flowmap.explorer.app import Options, start

    tables = small_tables()
    tables["systems"][0]["last_patched"] = "last Tuesday"
    server = start(Options(inventory=str(write_csv_tables(tmp_path / "inv", tables))))
    base = f"http://127.0.0.1:{server.port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                watched = Watched(
                    browser, (base, f"ws://127.0.0.1:{server.port}", "blob:", "data:")
                )
                watched.page.goto(server.url, timeout=180_000)
                watched.page.wait_for_selector("text=is not a valid inventory", timeout=180_000)
                watched.page.wait_for_selector("td:has-text('last Tuesday')", timeout=60_000)
                assert watched.page.locator("text=Traceback").count() == 0
                assert watched.blocked == [] and watched.errors == []
            finally:
                browser.close()
    finally:
        server.stop()


def test_loading_the_page_is_shown_step_by_step_in_the_terminal_and_on_the_page() -> None:
    """While a page loads (many seconds for a region), the terminal that started the app
    prints each step as it begins and when the explorer is ready, and the page's loading
    text names the step running (the steps are known before the first one runs)."""
    from flowmap.explorer.app import STEPS

    proc = subprocess.Popen(
        [sys.executable, "-m", "flowmap", "explore", str(SAMPLE), "--no-browser", "--as-of",
         "2026-11-01"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        url, lines, first = "", [], ""
        deadline = time.monotonic() + 180
        while not url and time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, proc.stderr.read()
            first = first or line
            found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", line)
            url = found.group(0) if found else ""
        assert first == "flowmap explore: starting the app for sample...\n", first
        _status, _where, _headers, page = _get(url)  # the whole page: every step has run
        while not any("ready" in ln for ln in lines) and time.monotonic() < deadline:
            lines.append(proc.stdout.readline())
        said = "".join(lines)
        for number, (name, _call) in enumerate(STEPS, start=1):
            assert f"step {number} of {len(STEPS)}" in said and name.lower() in said, said
        assert re.search(r"the explorer is ready \(\d+\.\d s\)", said), said
        body = page.split("<body", 1)[1]
        steps = body.index("const steps = ")
        assert steps < body.index("voila_process(1, 3)")  # named before the first runs
        for name, _call in STEPS:
            assert name in body[steps : body.index("\n", steps)]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_the_loading_page_names_each_step_in_a_browser(tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    from flowmap.explorer.app import STEPS, Options, start

    server = start(Options(inventory=str(SAMPLE), as_of="2026-11-01"))
    seen: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = browser.new_page()
                page.goto(server.url, wait_until="commit", timeout=180_000)
                deadline = time.monotonic() + 180
                while time.monotonic() < deadline:
                    text = page.evaluate(
                        "() => (document.getElementById('loading_text') || {}).innerText || ''"
                    )
                    if text and text not in seen:
                        seen.append(text)
                        page.screenshot(path=str(tmp_path / f"loading-{len(seen)}.png"))
                    if page.locator("#fm-x-total").count():
                        break
                    time.sleep(0.05)
                assert page.locator("#fm-x-total").count()
            finally:
                browser.close()
    finally:
        server.stop()
    named = [t for t in seen if re.search(r"step \d of \d", t)]
    assert named, seen
    assert all(any(t.startswith(name) for name, _ in STEPS) for t in named), seen
