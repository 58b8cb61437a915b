"""``flowmap explore INV``: the explorer as a local app for people who do not write code.

The explorer runs as a one-page `Voila <https://voila.readthedocs.io>`_ app: a page of
widgets, with no code shown (Voila strips every cell's source), served by a Voila
server that this command starts on 127.0.0.1 only (nothing on the network can reach
it), with a random token in the address (other users of the same computer cannot
use it either) and a Content-Security-Policy that lets the page load nothing but
the server's own files. The command opens the browser at that address and runs
until Ctrl-C, which stops the server and its kernel and removes its temporary folder.

The app's notebook is written into that temporary folder for each run: one cell that
calls :func:`show` with the inventory's path and options.
"""

from __future__ import annotations

import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

from flowmap.errors import FlowmapError, InvalidInventoryError, UsageError

HOST = "127.0.0.1"
#: The app's pages may load nothing but the server's own files (scripts, styles, fonts,
#: widget code as blob: modules) and talk to nothing but its own kernel.
CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self' ws://{host}:{port}; manifest-src 'self'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; object-src 'none'; worker-src 'self' blob:"
)
STARTUP_SECONDS = 120


class AppError(FlowmapError):
    """The local app could not start (a message says why and what to do)."""

    exit_code = 2


@dataclass
class Options:
    """What the app's notebook analyses (strings, as a notebook parameter holds them)."""

    inventory: str
    as_of: str = ""
    kev: str = ""
    epss: str = ""
    eol: list[str] = field(default_factory=list)
    org: str = ""


def show(options: dict) -> None:
    """The app's one cell: analyse the inventory and show the explorer, or its problems.

    An invalid or unreadable inventory shows what is wrong (the problems as a table)
    instead of the explorer; nothing is raised, so the page never shows a traceback.
    """
    import html

    from IPython.display import HTML, display

    from flowmap.explorer.explorer import explore
    from flowmap.explorer.notebook import setup

    o = Options(**options)
    setup()
    try:
        a = _analysed(o)
    except FlowmapError as exc:
        if isinstance(exc, InvalidInventoryError):
            return  # its problems are on the page already
        display(HTML(f"<p><b>flowmap cannot show this inventory.</b> {html.escape(str(exc))}</p>"))
        return
    if not len(a.inventory.organisations):
        display(
            HTML(
                "<p>The inventory is empty: add organisations, systems and assets to it "
                "(see docs/inventory-format.md) and start the app again.</p>"
            )
        )
        return
    display(explore(a, org=o.org).widget)


def _analysed(o: Options):
    """Load and analyse (:func:`flowmap.analyse_files`); an invalid inventory shows its
    problems as a table and raises."""
    from flowmap.explorer.notebook import show_problems_of
    from flowmap.pipeline import analyse_files

    try:
        return analyse_files(o.inventory, as_of=o.as_of, kev=o.kev, epss=o.epss, eol=o.eol)
    except InvalidInventoryError as exc:
        show_problems_of(exc.report)
        raise


def notebook(options: Options) -> dict:
    """The app's notebook (nbformat 4 JSON): one cell calling :func:`show`."""
    source = (
        "import flowmap.explorer.app as app\n"
        f"app.show({json.dumps(options.__dict__, ensure_ascii=True)})"
    )
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "flowmap-explore",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running app: its address (with the token) and its process."""

    url: str
    port: int
    token: str
    process: subprocess.Popen
    folder: Path

    def stop(self) -> None:
        """Stop the server (and its kernels) and remove its temporary folder."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start(options: Options, *, port: int = 0) -> Server:
    """Start the app's server on 127.0.0.1 with a random token; return once it answers."""
    path = Path(options.inventory)
    if not path.exists():
        raise UsageError(f"No inventory at {path}: give a folder of CSV files or a workbook.")
    options.inventory = str(path.resolve())
    folder = Path(tempfile.mkdtemp(prefix="flowmap-explore-"))
    page = folder / "flowmap.ipynb"
    page.write_text(json.dumps(notebook(options), indent=1), encoding="utf-8")
    token = secrets.token_urlsafe(24)
    port = port or free_port()
    log = open(folder / "server.log", "wb")  # noqa: SIM115 (the server writes it while it runs)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flowmap.explorer.server",
            str(page),
            str(port),
            token,
            CSP.format(host=HOST, port=port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=folder,
        start_new_session=True,  # Ctrl-C reaches this command, which stops the server
    )
    server = Server(f"http://{HOST}:{port}/?token={token}", port, token, process, folder)
    try:
        _wait(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            text = (server.folder / "server.log").read_text(errors="replace")[-2000:]
            raise AppError(f"The app's server stopped as it started: {text.strip()}")
        try:
            with urllib.request.urlopen(
                f"http://{HOST}:{server.port}/voila/static/favicon.ico?token={server.token}",
                timeout=2,
            ):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise AppError(f"The app's server did not answer within {STARTUP_SECONDS} seconds.")


def serve(options: Options, *, open_browser: bool = True, say=print) -> None:
    """Start the app, open the browser and run until Ctrl-C (which stops everything)."""
    server = start(options)
    try:
        say(
            f"flowmap explore: {Path(options.inventory).name} is open at\n  {server.url}\n"
            "Only this computer can reach it. Leave this window open while you use it; "
            "press Ctrl-C here to stop."
        )
        if open_browser:
            webbrowser.open(server.url)
        while server.process.poll() is None:
            time.sleep(0.5)
        raise AppError("The app's server stopped unexpectedly: see the messages above.")
    finally:
        server.stop()
