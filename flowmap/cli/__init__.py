"""The ``flowmap`` command line: one command per verb, each a thin adapter over the API.

Each command parses its options, calls the public API once and prints a short summary.
Errors a user can fix are printed as one line and turned into exit codes
(:attr:`flowmap.errors.FlowmapError.exit_code`); Ctrl-C stops with exit 130 and no
traceback, from the first moment: this module imports nothing heavy, and each command's
module is imported only when that command runs (``flowmap --help`` imports no pandas).
"""

from __future__ import annotations

import os
import sys

#: Verb -> "module:function" of its click command, in the order ``--help`` lists them.
COMMANDS: dict[str, str] = {
    "validate": "flowmap.cli.inventory:validate",
    "analyse": "flowmap.cli.analyse:analyse",
    "map": "flowmap.cli.mapping:map_command",
    "report": "flowmap.cli.report:report",
    "explore": "flowmap.cli.explore:explore_command",
    "plan": "flowmap.cli.analyse:plan_command",
    "diff": "flowmap.cli.analyse:diff_command",
    "alert": "flowmap.cli.alert:alert",
    "import": "flowmap.cli.ingest:import_group",
    "ropa": "flowmap.cli.paperwork:ropa_command",
    "agreements": "flowmap.cli.paperwork:agreements_command",
    "check-flow": "flowmap.cli.paperwork:check_flow_command",
    "dspt": "flowmap.cli.paperwork:dspt_command",
    "export": "flowmap.cli.inventory:export",
    "template": "flowmap.cli.inventory:template",
    "synth": "flowmap.cli.inventory:synth",
    "reference": "flowmap.cli.reference:reference",
}


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning a user's mistake into a message and exit code."""
    system_allocator()
    try:
        import click

        from flowmap.cli.group import cli
        from flowmap.errors import FlowmapError

        try:
            cli.main(args=argv, prog_name="flowmap", standalone_mode=False)
        except click.exceptions.Abort:
            raise KeyboardInterrupt from None
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except FlowmapError as exc:
            from flowmap.console import safe_text

            click.echo(f"flowmap: error: {safe_text(exc.for_command_line())}", err=True)
            sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("flowmap: interrupted\n")
        sys.exit(130)


def system_allocator() -> None:
    """Let pyarrow allocate with the C library's ``malloc`` for this command (and the
    worker processes it starts), unless the user chose an allocator
    (``ARROW_DEFAULT_MEMORY_POOL``) or pyarrow is already loaded.

    On Linux, pyarrow's default (mimalloc) hands freed memory back to the system and
    takes it again page by page: ``flowmap analyse`` of a 1,000-organisation region spent
    about 1.4 s of system time with it, 0.9 s with glibc's allocator, and finished about
    a tenth sooner (docs/performance.md). A command is one process that exits when done,
    so the choice is made here, never on import: a notebook keeps pyarrow's default.
    """
    if sys.platform.startswith("linux") and "pyarrow" not in sys.modules:
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
