"""The Jupyter kernel that runs the board report: private, quiet, and its log kept.

jupyter_client's defaults suit a notebook server, not a one-shot report, and printed two
alarming lines on every run:

- "Kernel is running over TCP without encryption ... susceptible to eavesdropping":
  ipykernel warns whenever its sockets are TCP ports on localhost without CurveZMQ keys.
  The report kernel talks over **IPC** instead: Unix-domain sockets in a private folder
  (mode 0700) made for the run and removed after it, so nothing listens on a network
  port and no other local user can connect.
- "KeyboardInterrupt caught in kernel": before asking a kernel to shut down,
  jupyter_client interrupts it (SIGINT), in case a cell is still running. The report
  shuts its kernel down only once every cell has finished, so :class:`ReportKernelManager`
  asks it to shut down without the interrupt (a kernel that does not stop is still
  terminated after ``shutdown_wait_time``). Explicit interrupts (a cell timing out) are
  unchanged.

A batch of reports (``flowmap report --per-org``) keeps one kernel per worker for all its
reports (:class:`KernelSession`, run by papermill through :func:`session_engine`).

A report kernel keeps no history in the user's IPython profile (:data:`KERNEL_ARGUMENTS`).

Whatever the kernel process itself writes (its log, not the cells' output, which goes
into the notebook) is captured in a file instead of the user's terminal;
:func:`flowmap.render.report.executed.record` puts it into the executed notebook's
metadata (``metadata.flowmap.kernel_log``) so the analyst can still read it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jupyter_client import AsyncKernelManager, KernelManager
from traitlets import DottedObjectName, Unicode
from traitlets.config import LoggingConfigurable

LOG_NAME = "kernel.log"
#: Every report kernel keeps its input history in memory, not in the user's own IPython
#: history database (``~/.ipython/profile_default/history.sqlite``): a report's cells,
#: parameters and inventory paths are not the user's history, a region's batch would add
#: thirty thousand entries to it, and kernels running at once (a batch's workers, two
#: reports) contend for the one file, whose "database is locked" messages would land in
#: the papers' kernel logs and make reruns differ.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


class _Quiet(LoggingConfigurable):
    """IPC sockets in ``run_folder``, the kernel's own output in ``kernel.log``, and no
    interrupt as the first step of a shutdown."""

    run_folder = Unicode("", config=True, help="Private folder for the sockets and the log.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not self.run_folder:
            self.run_folder = tempfile.mkdtemp(prefix="flowmap-kernel-")
        self.transport = "ipc"
        self.ip = str(Path(self.run_folder) / "k")
        self._log_file = None

    async def _async_pre_start_kernel(self, **kw: Any):  # type: ignore[override]
        if self._log_file is None:
            self._log_file = open(Path(self.run_folder) / LOG_NAME, "ab")  # noqa: SIM115
        kw.setdefault("stdout", self._log_file)
        kw.setdefault("stderr", self._log_file)
        given = list(kw.get("extra_arguments") or [])
        kw["extra_arguments"] = given + [a for a in KERNEL_ARGUMENTS if a not in given]
        return await super()._async_pre_start_kernel(**kw)  # type: ignore[misc]

    async def _async_interrupt_kernel(self) -> None:
        """Interrupt the kernel, except as the first step of shutting it down."""
        if self.shutting_down:  # type: ignore[attr-defined]
            return
        await super()._async_interrupt_kernel()  # type: ignore[misc]

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)  # type: ignore[misc]
        if not restart and self._log_file is not None:
            self._log_file.close()
            self._log_file = None


class ReportKernelManager(_Quiet, AsyncKernelManager):
    """The kernel of one report: IPC sockets in ``run_folder``, its output in ``kernel.log``.

    ``run_folder`` (a traitlets option, set by :func:`private_run`) must be a private,
    short path: a Unix socket's path is limited to about 100 bytes.
    """


class SessionKernelManager(_Quiet, KernelManager):
    """The same kernel kept for many reports (:class:`KernelSession`): started and stopped
    from any thread, its clients asynchronous as nbclient needs."""

    client_class = DottedObjectName("jupyter_client.asynchronous.AsyncKernelClient")


#: IPython's output cache (``Out``, ``_12``) off in a kernel that runs report after report:
#: it would keep a thousand outputs alive (each paper's map is a megabyte), and when full
#: it writes a warning ("Output cache limit ... hit") into whichever paper is running.
NO_OUTPUT_CACHE = ["--InteractiveShell.cache_size=0"]


class KernelSession:
    """One report kernel that runs report after report (a batch worker keeps one).

    Starting a kernel and importing flowmap, pandas and matplotlib into it costs seconds;
    a batch of a thousand reports pays it once per worker. The kernel is restarted if it
    died; :meth:`new_log` gives what it wrote since the last call; :meth:`close` stops it
    and removes its private folder. It keeps no output cache (:data:`NO_OUTPUT_CACHE`).
    """

    def __init__(self, kernel_name: str) -> None:
        self.folder = tempfile.mkdtemp(prefix="flowmap-kernel-")
        self.km = SessionKernelManager(kernel_name=kernel_name, run_folder=self.folder)
        self._log_at = 0
        self.runs = 0

    def ready(self, cwd: str | Path | None = None) -> KernelManager:
        """The kernel manager, its kernel started (again, if it died)."""
        if self.km.has_kernel and not self.km.is_alive():
            self.km.shutdown_kernel(now=True)
        if not self.km.has_kernel:
            self.km.start_kernel(cwd=str(cwd) if cwd else None, extra_arguments=NO_OUTPUT_CACHE)
        self.runs += 1
        return self.km

    def new_log(self) -> str:
        """What the kernel wrote since the last call."""
        try:
            with open(Path(self.folder) / LOG_NAME, "rb") as f:
                f.seek(self._log_at)
                data = f.read()
        except FileNotFoundError:
            return ""
        self._log_at += len(data)
        return data.decode("utf-8", errors="replace")

    def close(self) -> None:
        """Stop the kernel and remove its folder."""
        try:
            if self.km.has_kernel:
                self.km.shutdown_kernel()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


#: The name papermill knows the session engine by (:func:`session_engine`).
SESSION_ENGINE = "flowmap-session"


def session_engine() -> str:
    """Register, once, papermill's nbclient engine for a kernel that outlives the run
    (``km=``): the run's client channels are closed at the end and the kernel is left
    running. Returns its name for ``papermill.execute_notebook(engine_name=...)``."""
    from papermill.engines import NBClientEngine, papermill_engines

    if SESSION_ENGINE in papermill_engines._engines:
        return SESSION_ENGINE

    class SessionEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(  # type: ignore[override]
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            from papermill.clientwrap import PapermillNotebookClient
            from papermill.log import logger
            from papermill.utils import merge_kwargs, remove_args

            kwargs = remove_args(["input_path"], **kwargs)
            final = merge_kwargs(
                remove_args(["timeout", "startup_timeout"], **kwargs),
                timeout=execution_timeout or kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, **final)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(SESSION_ENGINE, SessionEngine)
    return SESSION_ENGINE


@contextmanager
def private_run() -> Iterator[tuple[dict[str, Any], Callable[[], str]]]:
    """Keyword arguments for ``papermill.execute_notebook`` and a function reading the log.

    Makes a private folder (mode 0700) for the kernel's sockets and log, and removes it
    on the way out.
    """
    from traitlets.config import Config

    folder = tempfile.mkdtemp(prefix="flowmap-kernel-")
    config = Config({"ReportKernelManager": {"run_folder": folder}})

    def read_log() -> str:
        try:
            return (Path(folder) / LOG_NAME).read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    try:
        yield {"kernel_manager_class": ReportKernelManager, "config": config}, read_log
    finally:
        shutil.rmtree(folder, ignore_errors=True)
