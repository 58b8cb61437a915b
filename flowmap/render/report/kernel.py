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

from jupyter_client import AsyncKernelManager
from traitlets import Unicode

LOG_NAME = "kernel.log"


class ReportKernelManager(AsyncKernelManager):
    """A kernel on IPC sockets in ``run_folder``, its own output captured in ``kernel.log``.

    ``run_folder`` (a traitlets option, set by :func:`private_run`) must be a private,
    short path: a Unix socket's path is limited to about 100 bytes.
    """

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
        return await super()._async_pre_start_kernel(**kw)

    async def _async_interrupt_kernel(self) -> None:
        """Interrupt the kernel, except as the first step of shutting it down."""
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._log_file is not None:
            self._log_file.close()
            self._log_file = None


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
