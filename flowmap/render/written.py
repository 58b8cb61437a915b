"""The record of what flowmap wrote in a folder, so it can tell its own earlier outputs
(which it may replace) from files a person made or changed (which it never replaces
without ``--force``).

Each folder flowmap writes to holds ``.flowmap-outputs.json``: the name and SHA-256 of
every file flowmap wrote there. A file is flowmap's own only while its bytes still match.
Deleting the record is safe: flowmap then asks for ``--force`` before replacing anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from pathlib import Path

#: The record, in each folder flowmap writes to, of the files it wrote there.
RECORD_NAME = ".flowmap-outputs.json"


def written_by_flowmap(path: str | Path) -> bool:
    """Whether ``path`` is byte for byte the file flowmap last wrote under that name.

    Examples
    --------
    >>> import tempfile
    >>> from flowmap.render.files import write_text
    >>> p = write_text("x", Path(tempfile.mkdtemp()) / "x.txt")
    >>> written_by_flowmap(p), p.write_text("changed") and written_by_flowmap(p)
    (True, False)
    """
    path = Path(path)
    recorded = read_record(path.parent).get(path.name)
    if recorded is None or path.is_symlink() or not path.is_file():
        return False
    try:
        return sha256(path) == recorded
    except OSError:
        return False


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_record(folder: Path) -> dict[str, str]:
    try:
        files = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def note(folder: Path, changes: dict[str, str | None]) -> None:
    """Note files written (name -> SHA-256) or removed (name -> None) in the record."""
    files = read_record(folder)
    for name, digest in changes.items():
        if digest is None:
            files.pop(name, None)
        else:
            files[name] = digest
    text = json.dumps(
        {
            "about": "Files flowmap wrote in this folder, which it may replace; it never "
            "replaces another file without --force.",
            "files": dict(sorted(files.items())),
        },
        indent=1,
        sort_keys=True,
    )
    record = folder / RECORD_NAME
    tmp = temporary(record)
    try:
        tmp.write_text(text + "\n", encoding="utf-8")
        flush(tmp)
        os.replace(tmp, record)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def temporary(final: Path) -> Path:
    """A new, empty, hidden file beside ``final`` (created with the usual permissions)."""
    while True:
        tmp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.partial{final.suffix}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp


def flush(path: Path) -> None:
    """Make a file's bytes durable (``fsync``)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
