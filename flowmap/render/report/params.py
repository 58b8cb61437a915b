"""Check report parameters against the notebook's ``parameters`` cell before running.

papermill only warns about a parameter the notebook does not declare; flowmap refuses
it, listing the valid names, and refuses a value of the wrong type.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from flowmap.errors import UsageError

#: Words accepted for a boolean parameter given as text (``-p redact=yes``).
TRUE_TEXT = ("true", "yes", "1", "on")
FALSE_TEXT = ("false", "no", "0", "off")


def declared(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """The parameters the notebook's ``parameters`` cell declares: name -> papermill's info."""
    import papermill as pm

    return dict(pm.inspect_notebook(str(notebook)))


def _convert(name: str, value: Any, type_name: str) -> Any:
    """Convert ``value`` to the declared type (text from the command line is parsed).

    Examples
    --------
    >>> _convert("budget", "250000", "int"), _convert("redact", "yes", "bool")
    (250000, True)
    >>> _convert("budget", 1.5, "float"), _convert("org", "RXA", "str")
    (1.5, 'RXA')
    """
    if type_name in ("str", "None", ""):
        if not isinstance(value, str):
            raise UsageError(
                f"parameter {name!r} must be text, not {type(value).__name__} {value!r}"
            )
        return value
    if type_name == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if isinstance(value, str) and text in TRUE_TEXT + FALSE_TEXT:
            return text in TRUE_TEXT
        raise UsageError(f"parameter {name!r} must be true or false, not {value!r}")
    if type_name in ("int", "float"):
        cast = int if type_name == "int" else float
        if isinstance(value, bool):
            raise UsageError(f"parameter {name!r} must be a number, not {value!r}")
        if isinstance(value, (int, float)) and (type_name == "float" or float(value).is_integer()):
            return cast(value)
        if isinstance(value, str):
            try:
                return cast(value.strip())
            except ValueError:
                pass
        kind = "a whole number" if type_name == "int" else "a number"
        raise UsageError(f"parameter {name!r} must be {kind}, not {value!r}")
    return value


def check_parameters(notebook: str | Path, parameters: dict[str, Any] | None) -> dict[str, Any]:
    """Refuse unknown names and wrong types; return the parameters with converted values.

    Raises
    ------
    UsageError
        A name the notebook does not declare (the message lists the valid names), or a
        value that cannot be the declared type.
    """
    parameters = dict(parameters or {})
    spec = declared(notebook)
    unknown = sorted(set(parameters) - set(spec))
    if unknown:
        raise UsageError(
            f"{Path(notebook).name} has no parameter {', '.join(map(repr, unknown))}; "
            f"valid parameters are: {', '.join(sorted(spec))}"
        )
    return {
        name: _convert(name, value, declared_type(spec[name])) for name, value in parameters.items()
    }


def declared_type(info: dict[str, Any]) -> str:
    """The parameter's type: its annotation, else the type of its default value.

    Examples
    --------
    >>> declared_type({"inferred_type_name": "None", "default": "250000"})
    'int'
    >>> declared_type({"inferred_type_name": "None", "default": '"RXA"'})
    'str'
    """
    name = info.get("inferred_type_name") or "None"
    if name != "None":
        return name
    try:
        return type(ast.literal_eval(str(info.get("default")))).__name__
    except (ValueError, SyntaxError):
        return "str"


def parse_assignments(items: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``["NAME=VALUE", ...]`` from the command line into a dict (values stay text).

    Examples
    --------
    >>> parse_assignments(["budget=1000", "title=Q3 board"])
    {'budget': '1000', 'title': 'Q3 board'}
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"-p {item!r} is not NAME=VALUE, e.g. -p budget=250000")
        out[name.strip()] = value
    return out
