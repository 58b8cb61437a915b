"""The app's Voila server (``python -m flowmap.explorer.server PAGE PORT TOKEN CSP``).

Started by :func:`flowmap.explorer.app.start` in a process of its own: Voila bound to
127.0.0.1 on ``PORT`` only (no other port is tried), the token required, every cell's
source stripped, no tracebacks sent to the page, and every page served with the
Content-Security-Policy ``CSP``. SIGTERM stops it and its kernels.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: Where the app's Voila template lives (``voila/templates/flowmap``, a Jupyter data path).
SHARE = Path(__file__).resolve().parent / "share"


def main(argv: list[str]) -> None:
    page, port, token, csp = argv
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(SHARE), *filter(None, [os.environ.get("JUPYTER_PATH", "")])]
    )
    from voila.app import Voila

    app = Voila()
    app.initialize(
        [
            page,
            f"--port={port}",
            "--Voila.port_retries=0",
            "--Voila.ip=127.0.0.1",
            f"--token={token}",
            "--no-browser",
            "--strip_sources=True",
            "--show_tracebacks=False",
            "--theme=light",
            "--template=flowmap",
        ]
    )
    app.tornado_settings = {
        "headers": {
            "Content-Security-Policy": csp,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
    }
    app.start()


if __name__ == "__main__":
    main(sys.argv[1:])
