"""A small WebDriver BiDi client for Debian's firefox-esr (no geckodriver, no Playwright).

Firefox is started headless with a fresh profile whose prefs send every non-file request
to a dead proxy, then driven over ``ws://127.0.0.1:<port>/session``. Commands carry
increasing ids; events (e.g. ``log.entryAdded``) that arrive while waiting for a reply
are kept in ``self.events``.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import websocket  # websocket-client

FIREFOX = shutil.which("firefox-esr")

PREFS = {
    # Anything that is not file:// goes to a proxy nobody listens on, so it fails.
    "network.proxy.type": 1,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": 9,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": 9,
    "network.proxy.socks": "127.0.0.1",
    "network.proxy.socks_port": 9,
    "network.proxy.no_proxies_on": "",
    "network.proxy.allow_hijacking_localhost": True,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "app.update.enabled": False,
    "app.update.auto": False,
    "app.normandy.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "media.gmp-manager.updateEnabled": False,
    "browser.newtabpage.enabled": False,
    "remote.active-protocols": 1,  # BiDi only
}


class BiDiError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Firefox:
    """One headless firefox-esr process and one BiDi session on it."""

    def __init__(self, timeout: float = 30.0) -> None:
        if FIREFOX is None:
            raise RuntimeError("firefox-esr is not installed")
        self.timeout = timeout
        self.profile = Path(tempfile.mkdtemp(prefix="flowmap-ff-"))
        (self.profile / "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in PREFS.items())
        )
        self.port = _free_port()
        self.log = open(self.profile / "firefox.log", "wb")  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen(
            [
                FIREFOX,
                "--headless",
                "--no-remote",
                "--profile",
                str(self.profile),
                f"--remote-debugging-port={self.port}",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self._id = 0
        self.events: list[dict] = []
        self.ws = None
        try:
            self.ws = self._connect()
            self.send("session.new", {"capabilities": {}})
        except BaseException:
            self.close()
            raise

    def _connect(self):
        deadline = time.monotonic() + self.timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"firefox-esr exited with {self.proc.returncode}: " + self.log_text()[-2000:]
                )
            try:
                return websocket.create_connection(
                    f"ws://127.0.0.1:{self.port}/session",
                    timeout=self.timeout,
                    suppress_origin=True,
                )
            except (OSError, websocket.WebSocketException) as e:
                last = e
                time.sleep(0.2)
        raise TimeoutError(f"no BiDi endpoint on port {self.port} after {self.timeout}s: {last}")

    def log_text(self) -> str:
        self.log.flush()
        return (self.profile / "firefox.log").read_text(errors="replace")

    def send(self, method: str, params: dict | None = None, timeout: float | None = None) -> dict:
        """Send one command and return its result; raise BiDiError on an error reply."""
        self._id += 1
        cid = self._id
        self.ws.send(json.dumps({"id": cid, "method": method, "params": params or {}}))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{method}: no reply in {timeout or self.timeout}s")
            self.ws.settimeout(left)
            msg = json.loads(self.ws.recv())
            if msg.get("type") == "event":
                self.events.append(msg)
            elif msg.get("id") == cid:
                if msg.get("type") == "error":
                    raise BiDiError(f"{method}: {msg.get('error')}: {msg.get('message')}")
                return msg["result"]

    # Conveniences -----------------------------------------------------------------

    def new_tab(self) -> str:
        return self.send("browsingContext.create", {"type": "tab"})["context"]

    def close_tab(self, context: str) -> None:
        self.send("browsingContext.close", {"context": context})

    def navigate(self, context: str, url: str) -> None:
        self.send(
            "browsingContext.navigate",
            {"context": context, "url": url, "wait": "complete"},
            timeout=60,
        )

    def evaluate(self, context: str, expression: str):
        """Evaluate ``expression`` in the page; return its value (JSON-ish) or raise."""
        r = self.send(
            "script.evaluate",
            {"expression": expression, "target": {"context": context}, "awaitPromise": True},
        )
        if r["type"] == "exception":
            raise BiDiError(f"{expression!r} threw: {r['exceptionDetails'].get('text')}")
        return _value(r["result"])

    def wait_for(self, context: str, expression: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(context, f"({expression}) === true"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expression!r} not true after {timeout}s")
            time.sleep(0.1)

    def console_errors(self, context: str) -> list[str]:
        """Error-level log entries (console.error and uncaught exceptions) seen for a tab."""
        self.send(
            "script.evaluate",
            {"expression": "0", "target": {"context": context}, "awaitPromise": False},
        )  # drain pending events
        return [
            e["params"].get("text") or ""
            for e in self.events
            if e["method"] == "log.entryAdded"
            and e["params"].get("level") == "error"
            and e["params"].get("source", {}).get("context") == context
        ]

    def close(self) -> None:
        try:
            if self.ws is not None:
                with contextlib.suppress(Exception):
                    self.send("session.end", timeout=5)
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(10)
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)


def _value(remote: dict):
    """Turn a BiDi RemoteValue for a primitive into Python; anything else is returned raw."""
    t = remote["type"]
    if t in ("undefined", "null"):
        return None
    if t in ("string", "boolean"):
        return remote["value"]
    if t == "number":
        v = remote["value"]
        return v if not isinstance(v, str) else float(v.replace("Infinity", "inf"))
    return remote
