"""Version ranges for product alerts: parsed, then compared number by number.

An alert names the versions it affects as a range, the way vendors and CISA write them:
``<13.1.49.15``, ``>=2023.0.0,<2023.0.2``, ``9.0.0 - 9.0.80``, ``13.1`` (13.1 and every
13.1.x), ``13.1.x``. A version is compared as its numbers and words in order
(``10.2.9-h1`` reads as 10, 2, 9, h, 1), never as text: ``9.0.100`` is after ``9.0.80``,
and ``13.1`` never matches ``113.1``. A suffix after equal numbers counts as later
(``10.2.9-h1`` is after ``10.2.9``), as vendors' hotfix numbering reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flowmap.errors import UsageError

__all__ = ["VersionRange", "find_version", "version_key"]

#: A version as written: a number, then more numbers or words joined by . - _ or nothing.
_VERSION = re.compile(r"(?<![0-9a-z.])v?(\d+(?:[.\-_]?(?:\d+|[a-z]+\d*))*)", re.I)
#: File extensions written after a version in a file name (``log4j-core-2.14.1.jar``).
_FILE_TYPE = re.compile(r"\.(?:jar|war|ear|dll|exe|msi|zip|tar|gz|tgz|rpm|deb|whl)$", re.I)
_OPERATORS = ("<=", ">=", "==", "!=", "<", ">", "=")

Key = tuple[tuple[int, int | str], ...]


def version_key(text: str) -> Key:
    """The comparable form of a version: its numbers and words, in order.

    Examples
    --------
    >>> version_key("10.2.9-h1")
    ((0, 10), (0, 2), (0, 9), (1, 'h'), (0, 1))
    >>> version_key("9.0.100") > version_key("9.0.80")
    True
    """
    parts = re.findall(r"\d+|[a-z]+", text.lower())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def find_version(text: str) -> str | None:
    """The first version number in ``text`` (None when there is none).

    Examples
    --------
    >>> find_version("Progress MOVEit Transfer 2023.0.1")
    '2023.0.1'
    >>> find_version("OpenSSH 8.9p1"), find_version("NetScaler"), find_version("ESXi 7.0 U3")
    ('8.9p1', None, '7.0')
    >>> find_version("log4j-core-2.14.1.jar")  # a file's extension is not part of it
    '2.14.1'
    """
    m = _VERSION.search(text)
    return _FILE_TYPE.sub("", m.group(1)) if m else None


@dataclass(frozen=True)
class Clause:
    """One condition of a range: ``op`` is ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=`` or
    ``prefix`` (the version or any version under it)."""

    op: str
    version: str

    def holds(self, key: Key) -> bool:
        bound = version_key(self.version)
        if self.op == "prefix":
            return key[: len(bound)] == bound
        return {
            "<": key < bound,
            "<=": key <= bound,
            ">": key > bound,
            ">=": key >= bound,
            "==": key == bound,
            "!=": key != bound,
        }[self.op]


@dataclass(frozen=True)
class VersionRange:
    """Versions an alert affects: every clause must hold (``,`` between clauses means and).

    Examples
    --------
    >>> r = VersionRange.parse(">=2023.0.0, <2023.0.2")
    >>> r.contains("2023.0.1"), r.contains("2023.0.2"), r.contains("2022.1.9")
    (True, False, False)
    >>> release = VersionRange.parse("13.1")
    >>> release.contains("13.1.49.15"), release.contains("13.10")
    (True, False)
    >>> VersionRange.parse("9.0.0 - 9.0.80").contains("9.0.100")
    False
    >>> str(VersionRange.parse("<8.9p1"))
    '<8.9p1'
    """

    clauses: tuple[Clause, ...]
    text: str

    def __str__(self) -> str:
        return self.text

    def contains(self, version: str) -> bool:
        """Whether ``version`` is in the range."""
        key = version_key(version)
        return all(c.holds(key) for c in self.clauses)

    @classmethod
    def parse(cls, text: str, *, param: str = "versions") -> VersionRange:
        """Read a range; a clause that is not a version with an optional operator is an error.

        Raises
        ------
        UsageError
            Naming ``param``, the clause and what is allowed.
        """
        clauses: list[Clause] = []
        for raw in str(text).split(","):
            part = raw.strip()
            if not part:
                continue
            span = re.fullmatch(r"(\S+)\s+-\s+(\S+)", part)
            if span and all(_is_version(v) for v in span.groups()):
                clauses += [Clause(">=", span.group(1)), Clause("<=", span.group(2))]
                continue
            op = next((o for o in _OPERATORS if part.startswith(o)), "")
            version = part[len(op) :].strip()
            star = re.fullmatch(r"(.+?)[.](?:x|\*)", version, flags=re.I)
            if not op and star:
                version, op = star.group(1), "prefix"
            if not _is_version(version):
                raise UsageError(
                    f"{param}: {part!r} is not a version range; write versions with an "
                    "optional <, <=, >, >=, == or != before each, comma-separated "
                    "(e.g. '>=2023.0.0,<2023.0.2'), a span '9.0.0 - 9.0.80', or a release "
                    "such as '13.1' or '13.1.x' meaning it and every version under it.",
                    param=param,
                )
            op = {"": "prefix", "=": "=="}.get(op, op)
            clauses.append(Clause(op, version))
        if not clauses:
            raise UsageError(
                f"{param} is empty; give a version range such as '<2023.0.2'.", param=param
            )
        return cls(tuple(clauses), ",".join(str(text).split()))


def _is_version(text: str) -> bool:
    return bool(re.fullmatch(r"v?\d+(?:[.\-_]?(?:\d+|[a-z]+\d*))*", text, flags=re.I))
