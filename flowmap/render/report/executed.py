"""The executed notebook kept for audit: with the kernel's log, without local paths.

papermill records the parameters it injected (absolute paths of the inventory and of
the notebook inside the installed package) and the output path; a failing cell's
traceback names files in the Python installation. :func:`record` replaces each such
path by its file name (and the home folder by ``~``), so the notebook can be passed on
without revealing how the analyst's machine is laid out, and adds the kernel's own log
(``metadata.flowmap.kernel_log``; empty on a quiet run).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Key of the executed notebook's metadata that holds flowmap's run information.
METADATA_KEY = "flowmap"


def local_paths(values: Iterable[Any]) -> dict[str, str]:
    """Absolute paths among ``values`` -> what to show instead (the file name).

    Examples
    --------
    >>> local_paths(["/home/ann/q3/inventory.xlsx", "RXA", "", 250000])
    {'/home/ann/q3/inventory.xlsx': 'inventory.xlsx'}
    """
    out: dict[str, str] = {}
    for value in values:
        if isinstance(value, (str, Path)) and str(value) and os.path.isabs(str(value)):
            path = Path(value)
            out[str(path)] = path.name or str(path)
    return out


def scrub(value: Any, replacements: dict[str, str]) -> Any:
    """``value`` (a notebook node, list or text) with every replacement made, longest first.

    Examples
    --------
    >>> scrub({"a": ["x /srv/inv/a.xlsx y"]}, {"/srv/inv/a.xlsx": "a.xlsx"})
    {'a': ['x a.xlsx y']}
    """
    if isinstance(value, str):
        for old in sorted(replacements, key=len, reverse=True):
            if old in value:
                value = value.replace(old, replacements[old])
        return value
    if isinstance(value, dict):
        for key in list(value):
            value[key] = scrub(value[key], replacements)
        return value
    if isinstance(value, list):
        return [scrub(v, replacements) for v in value]
    return value


def record(notebook: str | Path, *, log: str, paths: Iterable[Any] = ()) -> None:
    """Rewrite the executed ``notebook``: the kernel's ``log`` added, local paths removed.

    ``paths`` are the values to hide (parameters, the notebook's own location); the
    folder the notebook is in becomes ``.``, the Python installation ``<python>`` and the
    home folder ``~``.
    """
    import nbformat

    notebook = Path(notebook)
    nb = nbformat.read(str(notebook), as_version=4)
    replacements = local_paths(paths)
    replacements[str(notebook.parent.resolve())] = "."
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        if len(prefix) > 1:
            replacements[prefix] = "<python>"
    home = str(Path.home())
    if len(home) > 1:
        replacements.setdefault(home, "~")
    nb.metadata.setdefault(METADATA_KEY, {})["kernel_log"] = log.splitlines()
    nb = scrub(nb, replacements)
    nbformat.write(nb, str(notebook))
