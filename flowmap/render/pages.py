"""What every HTML page flowmap writes promises: it loads nothing from the network and runs
only flowmap's own scripts.

Two guards. A Content-Security-Policy in each page (:func:`csp_meta`) tells the browser
to refuse every request and every script but flowmap's own, named by their SHA-256
(:func:`script_hash`). And :func:`remote_references` reads a page as a browser would
(real elements and attributes, frames written inline with ``srcdoc`` included, text left
alone) and lists every place it would load something from the network, so a writer can
refuse to publish such a page. Text from an inventory, such as a system called
``href=https://example.org``, is text: it neither trips the check nor runs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

#: Attributes whose value is a URL a browser may fetch (or navigate to).
URL_ATTRIBUTES = frozenset(
    {
        "src",
        "href",
        "action",
        "formaction",
        "poster",
        "data",
        "background",
        "manifest",
        "ping",
        "xlink:href",
        "longdesc",
        "cite",
        "codebase",
        "archive",
        "lowsrc",
        "dynsrc",
    }
)
#: A URL that leaves the file: any scheme but data:, blob: and about:, or ``//host``.
REMOTE_URL = re.compile(r"^\s*(?://|(?!(?:data|blob|about):)[a-z][a-z0-9+.\-]*:)", re.I)
#: ``url(...)`` or ``@import`` in CSS that points off the file.
REMOTE_CSS = re.compile(
    r"""(?:url\(\s*["']?\s*|@import\s+["']\s*)(?://|(?!(?:data|blob|about):)[a-z][a-z0-9+.\-]*:)""",
    re.I,
)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
#: Script types a browser runs (anything else, e.g. application/json, is data).
SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"})


def script_hash(text: str) -> str:
    """The CSP source that lets exactly this inline script run.

    Examples
    --------
    >>> script_hash("alert(1)")
    "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    """
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(scripts: list[str] | tuple[str, ...] = ()) -> str:
    """A policy that forbids every request and runs only ``scripts`` (their exact text).

    Styles may be inline (nbconvert's and the map's), images and fonts only ``data:``.

    Examples
    --------
    >>> content_security_policy()
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; \
font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    """
    sources = " ".join(dict.fromkeys(script_hash(s) for s in scripts)) or "'none'"
    return (
        f"default-src 'none'; script-src {sources}; style-src 'unsafe-inline'; "
        "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; "
        "form-action 'none'"
    )


def csp_meta(policy: str) -> str:
    """The ``<meta>`` element that applies ``policy`` to a page (put it first in ``<head>``)."""
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


def remote_references(markup: str) -> list[str]:
    """Every place ``markup`` would load something from the network (empty when none).

    Looks at real attributes (``src``, ``href``, ``action``, ``srcset``, ``style``...),
    ``<style>`` blocks, ``<meta http-equiv="refresh">`` and the pages of ``srcdoc``
    frames; never at text.

    Examples
    --------
    >>> remote_references('<script src="https://cdn.example/x.js"></script>')
    ['<script src="https://cdn.example/x.js">']
    >>> remote_references('<img src="data:image/png;base64,AAA"><a href="#top">top</a>')
    []
    >>> remote_references("<td>href=https://example.org &quot;src=//x&quot;</td>")
    []
    >>> remote_references('<iframe srcdoc="&lt;img src=&quot;http://x/y.png&quot;&gt;"></iframe>')
    ['<img src="http://x/y.png">']
    """
    finder = _RemoteFinder()
    finder.feed(markup)
    finder.close()
    return finder.found


def executable_scripts(markup: str) -> list[str]:
    """The text of every inline script a browser would run in ``markup`` (frames included).

    Examples
    --------
    >>> executable_scripts('<script>a()</script><script type="application/json">{}</script>')
    ['a()']
    """
    finder = _RemoteFinder()
    finder.feed(markup)
    finder.close()
    return finder.scripts


class _RemoteFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._in: str | None = None  # "style", "script" (runnable) or "data"
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}

        def note() -> None:
            shown = " ".join(f'{k}="{v}"' for k, v in attrs if v is not None)
            self.found.append(f"<{tag} {shown}>"[:120])

        for name, value in values.items():
            if name in URL_ATTRIBUTES and REMOTE_URL.match(value):
                note()
                return
            if name in ("srcset", "imagesrcset") and any(
                REMOTE_URL.match(part) for part in value.split(",")
            ):
                note()
                return
            if name == "style" and REMOTE_CSS.search(value):
                note()
                return
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = values.get("content", "").partition("url=")[2]
            if REMOTE_URL.match(target):
                note()
                return
        if "srcdoc" in values:  # a page written inline: check it as a page
            inner = _RemoteFinder()
            inner.feed(values["srcdoc"])
            inner.close()
            self.found.extend(inner.found)
            self.scripts.extend(inner.scripts)
        if tag == "style":
            self._in, self._text = "style", []
        elif tag == "script":
            kind = values.get("type", "").strip().lower()
            self._in, self._text = ("script" if kind in SCRIPT_TYPES else "data"), []

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._in and tag in ("style", "script"):
            text = "".join(self._text)
            if self._in == "style":
                text = CSS_COMMENT.sub("", text)  # nbconvert's CSS credits web pages
                self.found.extend(
                    text[m.start() : m.start() + 60] for m in REMOTE_CSS.finditer(text)
                )
            elif self._in == "script":
                self.scripts.append(text)
            self._in, self._text = None, []
