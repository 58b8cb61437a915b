"""Machine-written forms that are not names: CPE identifiers and SSH banners.

* A CPE (``cpe:/o:microsoft:windows_server_2012:r2``, ``cpe:2.3:o:canonical:ubuntu_linux:
  22.04:*:*``) is rewritten as the words it holds (``microsoft windows server 2012 r2``)
  and read like any name; a hardware CPE (``cpe:/h:...``) names a device, not its
  software, and the Linux kernel CPE names no distribution.
* An SSH banner (``SSH-2.0-OpenSSH_7.9p1 Debian-10+deb10u2``) names the SSH server; the
  operating system only where its package revision says it: ``+deb10u2`` is Debian 10,
  ``9etch3`` is Debian 4 (etch). ``Ubuntu-3ubuntu0.5`` says Ubuntu but not which release.
"""

from __future__ import annotations

import re

from flowmap.reference.os_names.guess import Reading, Rows
from flowmap.reference.os_names.versions import version_reading

_CPE = re.compile(r"^cpe:(?:2\.3:|/)([aoh]):(.*)$")
_BANNER = re.compile(r"^ssh-\d\.\d+-|(?<![a-z])(?:openssh|dropbear)[\s_]?v?\d")
_DEB = re.compile(r"deb(\d{1,2})u\d")
_SERVER = re.compile(r"(openssh|dropbear)[\s_]*v?([\d.]+\w*)")


def cpe_words(s: str) -> str | None:
    """The words of a CPE in normalised text, or None when ``s`` is not a CPE.

    >>> cpe_words("cpe:/o:microsoft:windows server 2012:r2 auto")
    'microsoft windows server 2012 r2'
    >>> cpe_words("cpe:2.3:o:canonical:ubuntu linux:22.04:*:*:*:*:*:*:*")
    'canonical ubuntu linux 22.04'
    >>> cpe_words("windows 7") is None
    True
    """
    m = _CPE.match(s)
    if not m:
        return None
    fields = [f for f in re.sub(r"\s+auto$", "", m.group(2)).split(":")]
    words = [f for f in fields if f not in ("", "*", "-", "ga")]
    return " ".join(words) if m.group(1) != "h" else ""


def cpe_note(s: str) -> str:
    """Why a CPE names nothing flowmap can judge."""
    if s.startswith(("cpe:/h:", "cpe:2.3:h:")):
        return "a hardware CPE names a device, not the software it runs"
    if "linux kernel" in s:
        return "the CPE names the Linux kernel, not a distribution"
    return "the CPE names no product flowmap knows"


def is_banner(s: str) -> bool:
    """Whether the text is an SSH server banner (or names an SSH server and its version)."""
    return bool(_BANNER.search(s))


def banner(s: str, rows: Rows) -> Reading:
    """What an SSH banner says of the operating system, and no more.

    >>> [g.cycles for g in banner("ssh-2.0-openssh 7.9p1 debian-10+deb10u2", {}).guesses]
    [(('10', ''),)]
    >>> banner("openssh 4.3p2 debian 9etch2", {}).guesses[0].wanted
    'Debian 4'
    >>> banner("ssh-2.0-openssh 5.3", {}).note
    "an SSH banner names the SSH server ('openssh 5.3'), not the operating system"
    """
    from flowmap.reference.os_names.linux import DEBIAN_NAMES

    server = _SERVER.search(s)
    said = server.group(0) if server else s
    deb = _DEB.search(s)
    if deb:
        return version_reading(
            "debian", "Debian", deb.group(1), rows, said=f"{said} {deb.group(0)}"
        )
    if "debian" in s:
        for code, version in DEBIAN_NAMES.items():
            m = re.search(rf"\d{code}\d*|(?<![a-z]){code}(?![a-z])", s)
            if m:
                return version_reading(
                    "debian", "Debian", version, rows, said=f"{said} {m.group(0)}"
                )
        return Reading(note=f"an SSH banner ({said!r}) says Debian but not which release")
    if "ubuntu" in s:
        return Reading(note=f"an SSH banner ({said!r}) says Ubuntu but not which release")
    hint = re.search(r"(freebsd|netbsd|openbsd|raspbian)", s)
    if hint:
        return Reading(
            note=f"an SSH banner ({said!r}) hints at {hint.group(1)}, which flowmap holds no "
            "dates for"
        )
    return Reading(note=f"an SSH banner names the SSH server ({said!r}), not the operating system")
