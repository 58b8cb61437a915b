"""Linux distributions: Ubuntu, Debian, RHEL and its rebuilds, CentOS, SUSE.

Read from normalised text. Each distribution is versioned by the first version after
its name (``CentOS Linux release 7.9.2009`` is 7, ``Ubuntu 18.04.6 LTS`` is 18.04,
``SLES 15 SP5`` is 15.5) or by code name (``RHEL Maipo``, ``Debian bookworm``, ``Ubuntu
Jammy``). A version less precise than the table's releases (``Ubuntu 11``, ``SLES
15``) stands for each release it may be.

Names are read whole: ``Red Hat Linux 9`` (2003) is the old Red Hat Linux, not RHEL 9,
and ``Red Hat 8`` beside a 2.x kernel (``Linux 2.4.18-14 (Red Hat 8)``) is too;
``Red Hat Satellite`` and ``JBoss`` are other products (read before, see
:mod:`flowmap.reference.os_names`). CentOS Stream is told apart from CentOS Linux,
whose support ended earlier.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from flowmap.reference.os_names.guess import NOT_WORD_BEFORE, OsGuess, Reading, Rows
from flowmap.reference.os_names.versions import version_reading

_VERSION = re.compile(r"(?<![0-9.])(\d{1,2}(?:\.\d+)*)(?![0-9])")

_UBUNTU_NAMES = {
    "warty": "4.10", "hoary": "5.04", "breezy": "5.10", "dapper": "6.06", "edgy": "6.10",
    "feisty": "7.04", "gutsy": "7.10", "hardy": "8.04", "intrepid": "8.10", "jaunty": "9.04",
    "karmic": "9.10", "lucid": "10.04", "maverick": "10.10", "natty": "11.04",
    "oneiric": "11.10", "precise": "12.04", "quantal": "12.10", "raring": "13.04",
    "saucy": "13.10", "trusty": "14.04", "utopic": "14.10", "vivid": "15.04", "wily": "15.10",
    "xenial": "16.04", "yakkety": "16.10", "zesty": "17.04", "artful": "17.10",
    "bionic": "18.04", "cosmic": "18.10", "disco": "19.04", "eoan": "19.10", "focal": "20.04",
    "groovy": "20.10", "hirsute": "21.04", "impish": "21.10", "jammy": "22.04",
    "kinetic": "22.10", "lunar": "23.04", "mantic": "23.10", "noble": "24.04",
    "oracular": "24.10", "plucky": "25.04", "questing": "25.10", "resolute": "26.04",
}  # fmt: skip
DEBIAN_NAMES = {
    "potato": "2.2", "woody": "3.0", "sarge": "3.1", "etch": "4", "lenny": "5",
    "squeeze": "6", "wheezy": "7", "jessie": "8", "stretch": "9", "buster": "10",
    "bullseye": "11", "bookworm": "12", "trixie": "13", "forky": "14",
}  # fmt: skip
_RHEL_NAMES = {
    "tikanga": "5", "santiago": "6", "maipo": "7", "ootpa": "8", "plow": "9", "coughlan": "10",
}  # fmt: skip

_UBUNTU = re.compile(NOT_WORD_BEFORE + r"ubuntu(?![a-z])")
_DEBIAN = re.compile(NOT_WORD_BEFORE + r"debian(?![a-z])")
_RHEL = re.compile(
    NOT_WORD_BEFORE
    + r"(?:rhel|red\s*hat\s*enterprise(?:\s*linux)?|redhat\s*enterprise(?:\s*linux)?)"
    r"(?![a-z])"
)
_RED_HAT_LINUX = re.compile(NOT_WORD_BEFORE + r"red\s*hat\s*linux(?![a-z])")
_RED_HAT_BARE = re.compile(NOT_WORD_BEFORE + r"(?:red\s*hat|redhat)(?![a-z])")
_OLD_KERNEL = re.compile(r"\blinux(?:\s*kernel)?\s*2\.\d")
_CENTOS = re.compile(NOT_WORD_BEFORE + r"centos(?![a-z])")
_CENTOS_STREAM = re.compile(NOT_WORD_BEFORE + r"centos\s*stream(?![a-z])")
_ORACLE = re.compile(NOT_WORD_BEFORE + r"(?:oracle\s*(?:enterprise\s*)?linux|ol(?=\d))(?![a-z])")
_ROCKY = re.compile(NOT_WORD_BEFORE + r"rocky(?:\s*linux)?(?![a-z])")
_ALMA = re.compile(NOT_WORD_BEFORE + r"alma\s*linux(?:\s*os)?(?![a-z])")
_SLES = re.compile(
    NOT_WORD_BEFORE + r"(?:sles|suse\s*(?:linux\s*)?enterprise\s*server)(?![a-z])(?!\s*for\s*sap)"
)
_SP = re.compile(r"^[\s\-]*(?:sp|service\s*pack)\s*(\d+)")


def _version_after(s: str, at: int, window: int = 40) -> tuple[str, str] | None:
    """The first version within ``window`` characters after ``at``, and its text."""
    m = _VERSION.search(s[at : at + window])
    return (m.group(1), m.group(0)) if m else None


def _codename(s: str, names: Mapping[str, str]) -> tuple[str, str] | None:
    for code, version in names.items():
        if re.search(rf"(?<![a-z]){code}(?![a-z])", s):
            return version, code
    return None


def _family(
    product: str, name: str, pattern: re.Pattern[str], codenames: Mapping[str, str] | None = None
) -> Callable[[str, Rows], Reading | None]:
    """A recogniser for a distribution versioned by the number after its name."""

    def recognise(s: str, rows: Rows) -> Reading | None:
        m = pattern.search(s)
        if not m:
            return None
        found = _version_after(s, m.end()) or _codename(s, codenames or {})
        version, words = found if found else (None, "")
        said = f"{m.group(0)} {words}".strip()
        return version_reading(product, name, version, rows, said=said)

    recognise.__doc__ = f"{name}: the first version after the name, or a code name."
    return recognise


_ubuntu = _family("ubuntu", "Ubuntu", _UBUNTU, _UBUNTU_NAMES)
_debian_family = _family("debian", "Debian", _DEBIAN, DEBIAN_NAMES)
_rhel_family = _family("rhel", "RHEL", _RHEL, _RHEL_NAMES)
_red_hat_linux = _family("redhat-linux", "Red Hat Linux", _RED_HAT_LINUX)
_centos_linux = _family("centos", "CentOS", _CENTOS)


def _debian(s: str, rows: Rows) -> Reading | None:
    """Debian, also from an OpenSSH package revision (``Debian-10+deb10u2``, ``9etch3``)."""
    m = _DEBIAN.search(s)
    if not m:
        return None
    deb = re.search(r"\+deb(\d{1,2})u\d", s)
    if deb:
        said = f"{m.group(0)} {deb.group(0)}"
        return version_reading("debian", "Debian", deb.group(1), rows, said=said)
    return _debian_family(s, rows)


def _rhel(s: str, rows: Rows) -> Reading | None:
    """RHEL; ``Red Hat N`` without "Enterprise" is RHEL N, unless a 2.x kernel says 2003."""
    if _RED_HAT_LINUX.search(s) and not _RHEL.search(s):
        return _red_hat_linux(s, rows)
    if _RHEL.search(s):
        return _rhel_family(s, rows)
    m = _RED_HAT_BARE.search(s)
    if not m:
        return None
    after = _version_after(s, m.end(), window=12)
    if _OLD_KERNEL.search(s):
        if after is None:
            return None
        return version_reading(
            "redhat-linux", "Red Hat Linux", after[0], rows, said=f"{m.group(0)} {after[1]}"
        )
    if after is None:
        return None
    reading = version_reading("rhel", "RHEL", after[0], rows, said=f"{m.group(0)} {after[1]}")
    note = f"'{m.group(0)}' without 'Enterprise' read as RHEL (Red Hat Linux ended in 2004)"
    return Reading(
        tuple(
            OsGuess(g.product, g.wanted, tuple((c, note) for c, _ in g.cycles), g.said)
            for g in reading.guesses
        ),
        reading.note,
        reading.label,
    )


def _centos(s: str, rows: Rows) -> Reading | None:
    """CentOS Linux (``CentOS 7``, ``CentOS Linux 7.9.2009``) but not CentOS Stream."""
    if _CENTOS_STREAM.search(s):
        return None
    return _centos_linux(s, rows)


def _sles(s: str, rows: Rows) -> Reading | None:
    """SUSE Linux Enterprise Server: ``SLES 15 SP5``, ``SLES 15-SP5``, ``sles12sp4``."""
    m = _SLES.search(s)
    if not m:
        return None
    found = _version_after(s, m.end())
    if not found:
        return version_reading("sles", "SLES", None, rows, said=m.group(0))
    version, words = found
    end = m.end() + s[m.end() :].index(words) + len(words)
    sp = _SP.search(s[end:])
    if sp and "." not in version:
        version = f"{version}.{sp.group(1)}"
        words = f"{words} {sp.group(0).strip()}"
    return version_reading("sles", "SLES", version, rows, said=f"{m.group(0)} {words}")


#: Linux recognisers in the order they are tried.
LINUX_RECOGNISERS: tuple[tuple[str, Callable[[str, Rows], Reading | OsGuess | None]], ...] = (
    ("ubuntu", _ubuntu),
    ("rhel", _rhel),
    ("centos-stream", _family("centos-stream", "CentOS Stream", _CENTOS_STREAM)),
    ("centos", _centos),
    ("oracle-linux", _family("oracle-linux", "Oracle Linux", _ORACLE)),
    ("rocky-linux", _family("rocky-linux", "Rocky Linux", _ROCKY)),
    ("almalinux", _family("almalinux", "AlmaLinux", _ALMA)),
    ("sles", _sles),
    ("debian", _debian),
)
