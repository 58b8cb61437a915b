"""One answered question of ``check-flow``: a :class:`Point`."""

from __future__ import annotations

from dataclasses import dataclass

#: A point's status: ``ok`` (settled), ``condition`` (must be put in place first),
#: ``blocker`` (makes the sharing unlawful as proposed), ``check`` (the IG lead should
#: check something flowmap cannot see), ``info`` (background) or ``unknown``.
STATUSES = ("ok", "condition", "blocker", "check", "info", "unknown")


@dataclass(frozen=True)
class Point:
    """One question, its status, the answer in plain English and the ids of its sources.

    ``condition`` is the short instruction listed in the verdict when the status is
    ``condition`` (default: the answer itself).
    """

    topic: str
    question: str
    status: str
    answer: str
    sources: tuple[str, ...]
    condition: str = ""
