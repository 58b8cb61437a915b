"""Safe file and folder names made from inventory text.

An organisation id comes from someone else's spreadsheet: ``../../x``, ``/etc``, ``.``,
``CON``, ``javascript:alert(1)//`` or a name with a line break are all possible. A name
made by :func:`safe_name` is a slug of the text (ASCII letters, digits, ``-`` and
``_``) plus a short hash of the whole text: never a path, never empty, never hidden,
the same text always gives the same name and two different texts give different names
(the hash tells ``a/b`` from ``a_b``, and ``RXA`` from ``rxa`` on a file system that
ignores case).
"""

from __future__ import annotations

import hashlib
import re

#: Characters of the readable part kept from the text.
SLUG_CHARS = 40
#: Hex digits of the hash (32 bits: two ids of one inventory share one with odds of about
#: one in a million at 100 organisations; :func:`safe_names` checks anyway).
HASH_DIGITS = 8
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_name(text: str, *, fallback: str = "item") -> str:
    """A file or folder name for ``text``: ``<slug>-<hash>``, safe on every file system.

    Parameters
    ----------
    text : str
        Untrusted text (an organisation id, say).
    fallback : str
        The readable part when nothing of ``text`` is left (``../..`` or ``***``).

    Examples
    --------
    >>> safe_name("RXA")
    'RXA-2ec29208'
    >>> safe_name("../../etc/passwd")
    'etc_passwd-3754d6cb'
    >>> safe_name(".."), safe_name("")
    ('item-5ec1f7e7', 'item-e3b0c442')
    >>> safe_name("javascript:alert(document.domain)//")
    'javascript_alert_document_domain-5016ed65'
    """
    slug = _UNSAFE.sub("_", text).strip("_-")[:SLUG_CHARS].strip("_-") or fallback
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{slug}-{digest[:HASH_DIGITS]}"


def safe_names(texts: list[str], *, fallback: str = "item") -> dict[str, str]:
    """:func:`safe_name` of each text, checked to be distinct (case ignored).

    Raises
    ------
    ValueError
        In the (one in billions) case that two texts get the same name.

    Examples
    --------
    >>> safe_names(["a/b", "a_b"])
    {'a/b': 'a_b-c14cddc0', 'a_b': 'a_b-648fa9b3'}
    """
    names = {t: safe_name(t, fallback=fallback) for t in dict.fromkeys(texts)}
    seen: dict[str, str] = {}
    for text, name in names.items():
        other = seen.setdefault(name.lower(), text)
        if other != text:
            raise ValueError(f"{other!r} and {text!r} would share the folder name {name!r}")
    return names
