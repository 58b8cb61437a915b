"""Exceptions flowmap raises for a user's mistake.

Every message says what went wrong and what to do next; the CLI prints it on one
line and turns it into an exit code, never a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flowmap.inventory.problems import ValidationReport


class FlowmapError(Exception):
    """Base class: a problem the user can fix. ``exit_code`` is what the CLI returns.

    ``param`` names the function parameter at fault, when there is one. Library
    messages start with that name (``must: no candidate action ...``); the command line
    shows its flag instead (``--must: no candidate action ...``).
    """

    exit_code = 2

    def __init__(self, *args: object, param: str | None = None) -> None:
        super().__init__(*args)
        self.param = param

    def for_command_line(self) -> str:
        """The message with a leading parameter name written as its command-line flag.

        Examples
        --------
        >>> UsageError("max_nodes must be 1 or more, not 0.", param="max_nodes").for_command_line()
        '--max-nodes must be 1 or more, not 0.'
        >>> UsageError("no such file").for_command_line()
        'no such file'
        """
        text = str(self)
        if self.param and text.startswith(self.param):
            return "--" + self.param.replace("_", "-") + text[len(self.param) :]
        return text


class InventoryReadError(FlowmapError):
    """The inventory cannot be read at all (no such path, unreadable file)."""

    exit_code = 2


class InvalidInventoryError(FlowmapError):
    """The inventory was read but is not valid; ``report`` lists every problem."""

    exit_code = 1

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        errors = report.errors
        first = errors[0].describe() if errors else ""
        super().__init__(
            f"{report.source} is not a valid inventory: {len(errors)} error(s), first: {first}. "
            "Run `flowmap validate` on it for the full list."
        )


class ReferenceDataError(FlowmapError):
    """A reference file (KEV, EPSS, end-of-life, costs) is missing or malformed."""

    exit_code = 2


class UsageError(FlowmapError):
    """An option or parameter is not valid."""

    exit_code = 2


class ImportFileError(FlowmapError):
    """A file given to ``flowmap import`` cannot be read: truncated, malformed, hostile
    (XML entities) or of a format flowmap does not know. The message names the file and,
    where there is one, the line."""

    exit_code = 1


class OutputError(FlowmapError):
    """An output cannot be written: its folder cannot be made or written to (full disk, no
    permission, a file in the way), or the name holds a file flowmap did not write and
    ``--force`` was not given. Nothing is left half-written under a final name."""

    exit_code = 2


class ReportError(FlowmapError):
    """A report notebook failed: the message names the notebook, the cell and the exception.

    The executed notebook is kept for diagnosis (``executed``) and no report is left that
    looks complete.
    """

    exit_code = 4
