"""What every HTML page flowmap writes promises: it loads nothing from the network and runs
only flowmap's own scripts.

Two guards. A Content-Security-Policy in each page (:func:`csp_meta`) tells the browser
to refuse every request and every script but flowmap's own, named by their SHA-256
(:func:`script_hash`). And :func:`remote_references` reads a page as a browser would
(real elements and attributes, frames written inline with ``srcdoc`` included, text left
alone) and lists every place it would load something from the network, so a writer can
refuse to publish such a page. Text from an inventory, such as a system called
``href=https://example.org``, is text: it neither trips the check nor runs.

A large inline frame (the map in a board paper) may be *packed* (:func:`pack_frames`): its
page travels compressed in the frame's ``data-fm-page`` attribute and a small script of the
paper's own (:data:`FRAME_LOADER`) unpacks it in the browser, with nothing fetched. The
page is still one file; both guards read packed pages as they read ``srcdoc``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
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
        inline = [values.get("srcdoc", ""), unpack_page(values[PACKED]) if PACKED in values else ""]
        for page in filter(None, inline):
            inner = _RemoteFinder()  # a page written inline: check it as a page
            inner.feed(page)
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


#: The attribute of an inline frame that carries its packed page (gzip, then base64).
PACKED = "data-fm-page"
#: What a packed frame shows until its page is unpacked (or where scripts do not run).
FRAME_NOTE = (
    '<p style="font:14px Arial,sans-serif;color:#505a5f;margin:1rem">The interactive map '
    "opens here when the file is opened in a current browser (Edge, Chrome, Firefox or "
    "Safari) with scripts allowed. The printed paper has a picture of it.</p>"
)
#: The paper's own script: each packed frame's page unpacked and shown, nothing fetched
#: (the browser's DecompressionStream). Where that is missing, the page's root gets the
#: class ``fm-no-frames`` and the paper's stylesheet shows the printed picture instead.
FRAME_LOADER = """(function () {
  var frames = document.querySelectorAll("iframe[data-fm-page]");
  var root = document.documentElement;
  if (!frames.length) { return; }
  if (typeof DecompressionStream === "undefined") { root.classList.add("fm-no-frames"); return; }
  frames.forEach(function (frame) {
    var text = atob(frame.getAttribute("data-fm-page"));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    new Response(stream).text().then(function (page) { frame.srcdoc = page; },
      function () { root.classList.add("fm-no-frames"); });
  });
})();"""
FRAME = re.compile(r'<iframe srcdoc="([^"]*)"')


def pack_page(page: str) -> str:
    """A page as the value of :data:`PACKED` (the same page, the same text).

    >>> unpack_page(pack_page("<p>map</p>"))
    '<p>map</p>'
    """
    packed = gzip.compress(page.encode("utf-8"), compresslevel=9, mtime=0)
    return base64.b64encode(packed).decode("ascii")


def unpack_page(text: str) -> str:
    """The page a :data:`PACKED` value carries."""
    return gzip.decompress(base64.b64decode(text)).decode("utf-8")


def pack_frames(markup: str) -> str:
    """``markup`` with each ``<iframe srcdoc=...>`` packed: its page in :data:`PACKED`,
    compressed (vis-network's script, the bulk of a map, shrinks about four times), a
    note in ``srcdoc`` until :data:`FRAME_LOADER` (which the page must run) unpacks it.

    >>> packed = pack_frames('<iframe srcdoc="&lt;p&gt;map&lt;/p&gt;" title="Map"></iframe>')
    >>> packed.startswith('<iframe srcdoc="&lt;p') and ' data-fm-page="' in packed
    True
    >>> remote_references(packed), unpack_page(re.search(r'data-fm-page="([^"]*)"', packed)[1])
    ([], '<p>map</p>')
    """

    def packed(m: re.Match) -> str:
        page = pack_page(html.unescape(m.group(1)))
        return f'<iframe srcdoc="{html.escape(FRAME_NOTE, quote=True)}" {PACKED}="{page}"'

    return FRAME.sub(packed, markup)
