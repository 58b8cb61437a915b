"""Recognisers for Linux distributions: Ubuntu, Red Hat Enterprise Linux, CentOS, Debian.

Read from normalised text (see :func:`flowmap.reference.os_names.guess.normalise`).
Ubuntu releases are ``YY.MM`` (``Ubuntu 18.04.6 LTS`` is 18.04) or code names
(``jammy``); RHEL, CentOS Linux, CentOS Stream and Debian are versioned by their major
number, the first number after the name (``CentOS Linux 7.9.2009`` is 7), or by code
name (``RHEL Maipo``, ``Debian bookworm``). CentOS Stream is told apart from CentOS
Linux, whose support ended earlier.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from flowmap.reference.os_names.guess import OsGuess, Rows


def _major_version(s: str, after: int) -> str | None:
    """The first number after position ``after`` (``7`` in ``centos linux 7.9.2009``)."""
    m = re.search(r"(?<![0-9.])(\d{1,2})(?:\.\d+)*(?![0-9])", s[after:])
    return str(int(m.group(1))) if m else None


_UBUNTU = re.compile(r"(?<![a-z])ubuntu(?![a-z])")
_UBUNTU_VERSION = re.compile(r"(?<![0-9.])(\d{1,2})\.(\d{2})(?:\.\d+)?(?![0-9])")
_UBUNTU_NAMES = {
    "precise": "12.04",
    "trusty": "14.04",
    "xenial": "16.04",
    "bionic": "18.04",
    "focal": "20.04",
    "jammy": "22.04",
    "noble": "24.04",
}


def _ubuntu(s: str, rows: Rows) -> OsGuess | None:
    """Ubuntu: ``Ubuntu 18.04.6 LTS``, ``Ubuntu 22.04``, ``Ubuntu Jammy``."""
    m = _UBUNTU.search(s)
    if not m:
        return None
    v = _UBUNTU_VERSION.search(s, m.end())
    if v:
        cycle = f"{int(v.group(1))}.{v.group(2)}"
    else:
        cycle = next((c for name, c in _UBUNTU_NAMES.items() if re.search(rf"\b{name}\b", s)), None)
    if cycle is None:
        return OsGuess("ubuntu", "Ubuntu")
    return OsGuess("ubuntu", f"Ubuntu {cycle}", ((cycle, ""),))


_RHEL = re.compile(r"(?<![a-z])(?:rhel|red\s*hat)(?![a-z])")
_RHEL_NAMES = {
    "tikanga": "5",
    "santiago": "6",
    "maipo": "7",
    "ootpa": "8",
    "plow": "9",
    "coughlan": "10",
}
_CENTOS = re.compile(r"(?<![a-z])centos(?![a-z])")
_CENTOS_STREAM = re.compile(r"(?<![a-z])centos\s*stream(?![a-z])")
_DEBIAN = re.compile(r"(?<![a-z])debian(?![a-z])")
_DEBIAN_NAMES = {
    "wheezy": "7",
    "jessie": "8",
    "stretch": "9",
    "buster": "10",
    "bullseye": "11",
    "bookworm": "12",
    "trixie": "13",
}


def _major_release(
    product: str, name: str, pattern: re.Pattern[str], codenames: Mapping[str, str]
) -> Callable[[str, Rows], OsGuess | None]:
    """A recogniser for a product versioned by a major number (RHEL 7, Debian 11)."""

    def recognise_major(s: str, rows: Rows) -> OsGuess | None:
        m = pattern.search(s)
        if not m:
            return None
        major = _major_version(s, m.end())
        if major is None:
            major = next((c for code, c in codenames.items() if re.search(rf"\b{code}\b", s)), None)
        if major is None:
            return OsGuess(product, name)
        return OsGuess(product, f"{name} {major}", ((major, ""),))

    recognise_major.__doc__ = f"{name}: the first number after the name is the release."
    return recognise_major


_CENTOS_LINUX = _major_release("centos", "CentOS", _CENTOS, {})


def _centos(s: str, rows: Rows) -> OsGuess | None:
    """CentOS Linux (``CentOS 7``, ``CentOS Linux 7.9.2009``) but not CentOS Stream."""
    if _CENTOS_STREAM.search(s):
        return None
    return _CENTOS_LINUX(s, rows)


#: Linux recognisers in the order they are tried.
LINUX_RECOGNISERS: tuple[tuple[str, Callable[[str, Rows], OsGuess | None]], ...] = (
    ("ubuntu", _ubuntu),
    ("rhel", _major_release("rhel", "RHEL", _RHEL, _RHEL_NAMES)),
    ("centos-stream", _major_release("centos-stream", "CentOS Stream", _CENTOS_STREAM, {})),
    ("centos", _centos),
    ("debian", _major_release("debian", "Debian", _DEBIAN, _DEBIAN_NAMES)),
)
