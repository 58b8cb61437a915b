"""``flowmap explore INV``: the explorer as a local app for people who do not write code.

The explorer runs as a one-page `Voila <https://voila.readthedocs.io>`_ app: a page of
widgets, with no code shown (Voila strips every cell's source), served by a Voila
server that this command starts on 127.0.0.1 only (nothing on the network can reach
it), with a random token in the address (other users of the same computer cannot
use it either) and a Content-Security-Policy that lets the page load nothing but
the server's own files. The command opens the browser at that address and runs
until Ctrl-C, which stops the server and its kernel and removes its temporary folder.

The app's notebook is written into that temporary folder for each run: a cell per step
of loading the page (:data:`STEPS`: read and check the inventory, analyse it, draw the
explorer), calling :class:`Page`. While a page loads, its loading text names the step
running (the app's Voila template) and the terminal prints each step as it begins and
when the explorer is ready, with the seconds taken (:func:`serve`).
"""

from __future__ import annotations

import html
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


#: The app's steps, one notebook cell each, so the page (Voila's loading text, between
#: cells) and the terminal that started the app say which one runs while a page loads.
STEPS = (
    ("Reading and checking the inventory", "page.load()"),
    (
        "Analysing it: likelihood, impact, copies, attack paths, blast radius and rules",
        "page.analyse()",
    ),
    ("Drawing the explorer", "page.show()"),
)
#: The file (in the app's temporary folder) each page load notes its steps in, for the
#: terminal (:func:`serve`): "<page> <step number or 'ready'> <seconds>" a line.
PROGRESS_NAME = "progress.log"


class Page:
    """One load of the app's page: its notebook's cells call :meth:`load`,
    :meth:`analyse` and :meth:`show` in turn.

    An invalid or unreadable inventory shows what is wrong (the problems as a table)
    instead of the explorer; nothing is raised, so the page never shows a traceback.
    """

    def __init__(self, options: dict, progress: str = "") -> None:
        self.options = Options(**options)
        self.progress = Path(progress) if progress else None
        self.start = time.monotonic()
        self.stopped = False
        self.inventory = self.reference = self.analysis = None

    def note(self, what: str) -> None:
        """Note a step begun (or ``ready``) for the terminal."""
        if self.progress is not None:
            with open(self.progress, "a", encoding="utf-8") as f:
                f.write(f"{id(self):x} {what} {time.monotonic() - self.start:.1f}\n")

    def load(self) -> None:
        from flowmap.explorer.notebook import setup, show_problems_of
        from flowmap.inventory.validate import load_inventory
        from flowmap.pipeline import eol_paths, parse_day
        from flowmap.reference.bundle import load_reference

        self.note("1")
        setup()
        o = self.options
        try:
            self.reference = load_reference(
                kev=o.kev or None, epss=o.epss or None, eol=eol_paths(o.eol)
            )
            self.inventory = load_inventory(o.inventory, as_of=parse_day(o.as_of))
        except InvalidInventoryError as exc:
            show_problems_of(exc.report)
            self._stop()
        except FlowmapError as exc:
            self._stop(f"<b>flowmap cannot show this inventory.</b> {html.escape(str(exc))}")
        else:
            if not len(self.inventory.organisations):
                self._stop(
                    "The inventory is empty: add organisations, systems and assets to it "
                    "(see docs/inventory-format.md) and start the app again."
                )

    def analyse(self) -> None:
        from flowmap.engine.analysis import analyse
        from flowmap.pipeline import parse_day

        if self.stopped:
            return
        self.note("2")
        day = parse_day(self.options.as_of)
        self.analysis = analyse(self.inventory, as_of=day, reference=self.reference)

    def show(self) -> None:
        from IPython.display import display

        from flowmap.explorer.explorer import explore

        if self.stopped:
            return
        self.note("3")
        display(explore(self.analysis, org=self.options.org).widget)
        self.note("ready")

    def _stop(self, message: str = "") -> None:
        from IPython.display import HTML, display

        if message:
            display(HTML(f"<p>{message}</p>"))
        self.stopped = True
        self.note("stopped")


def notebook(options: Options, progress: str | Path = "") -> dict:
    """The app's notebook (nbformat 4 JSON): a cell per step of :data:`STEPS`, each
    named in its metadata (``flowmap_step``) for the page's loading text."""
    first = (
        "import flowmap.explorer.app as app\n"
        f"page = app.Page({json.dumps(options.__dict__, ensure_ascii=True)}, "
        f"{json.dumps(str(progress), ensure_ascii=True)})\n"
    )
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": f"flowmap-step-{i}",
            "metadata": {"flowmap_step": name},
            "outputs": [],
            "source": (first if i == 1 else "") + call,
        }
        for i, (name, call) in enumerate(STEPS, start=1)
    ]
    return {
        "cells": cells,
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
    page.write_text(
        json.dumps(notebook(options, folder / PROGRESS_NAME), indent=1), encoding="utf-8"
    )
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
    if Path(options.inventory).exists():  # the server takes seconds to start
        say(f"flowmap explore: starting the app for {Path(options.inventory).name}...")
    server = start(options)
    try:
        say(
            f"flowmap explore: {Path(options.inventory).name} is open at\n  {server.url}\n"
            "Only this computer can reach it. Leave this window open while you use it; "
            "press Ctrl-C here to stop."
        )
        if open_browser:
            webbrowser.open(server.url)
        steps = Progress(server.folder / PROGRESS_NAME)
        while server.process.poll() is None:
            for line in steps.news():
                say(line)
            time.sleep(0.5)
        raise AppError("The app's server stopped unexpectedly: see the messages above.")
    finally:
        server.stop()


class Progress:
    r"""What the pages being loaded noted (:meth:`Page.note`), as lines for the terminal.

    Examples
    --------
    >>> import tempfile
    >>> log = Path(tempfile.mkdtemp()) / PROGRESS_NAME
    >>> _ = log.write_text("a1 1 0.0\na1 2 1.5\na1 3 6.2\na1 ready 7.0\n")
    >>> print("\n".join(Progress(log).news()))  # doctest: +ELLIPSIS
    The page is loading (page 1), step 1 of 3: reading and checking the inventory...
      step 2 of 3 (after 1.5 s): analysing it: likelihood, impact, copies, ...
      step 3 of 3 (after 6.2 s): drawing the explorer...
      the explorer is ready (7.0 s).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.read = 0
        self.pages: dict[str, int] = {}

    def news(self) -> list[str]:
        """Lines for what was noted since the last call."""
        try:
            with open(self.path, encoding="utf-8") as f:
                f.seek(self.read)
                text = f.read()
        except FileNotFoundError:
            return []
        text = text[: text.rfind("\n") + 1]  # whole lines only
        self.read += len(text.encode("utf-8"))
        return [self._line(*ln.split()) for ln in text.splitlines() if len(ln.split()) == 3]

    def _line(self, page: str, what: str, seconds: str) -> str:
        number = self.pages.setdefault(page, len(self.pages) + 1)
        if what == "ready":
            return f"  the explorer is ready ({seconds} s)."
        if what == "stopped":
            return f"  the inventory cannot be shown: the page says why ({seconds} s)."
        step, total = int(what), len(STEPS)
        name = STEPS[step - 1][0].lower()
        if step == 1:
            return f"The page is loading (page {number}), step 1 of {total}: {name}..."
        return f"  step {step} of {total} (after {seconds} s): {name}..."
