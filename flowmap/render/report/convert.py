"""Executed notebook -> one self-contained HTML board paper: no code, no CDN, charts embedded.

The paper is laid out by flowmap, not by a notebook template: each ``##`` heading of the
notebook's markdown starts a numbered section (cells tagged ``appendix`` start an
appendix on a new page), each cell's rich output (HTML, or a PNG chart) follows in
order, and nothing else is kept (no code, prompts, Python reprs or warnings; warnings
stay in the executed notebook). The page carries its own print stylesheet: A4, a
running title with the as-of date and the protective marking on every page, page
numbers, table headers repeated on each page, rows and figures never split, and
headings kept with what follows.

The page carries a Content-Security-Policy (:mod:`flowmap.render.pages`) that forbids
every request and runs only the map's own scripts (the map is an inline frame, which
inherits the policy) and the few lines that unpack it; the page is refused if it would
still load anything remote.

The map's page is packed (:func:`flowmap.render.pages.pack_frames`): compressed into its
frame's attribute and unpacked by the browser when the paper opens, so each paper stays one
file that opens by itself, offline, at about a third of the size (the map's scripts,
vis-network above all, are most of a paper and are in every one of a batch).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from flowmap.errors import ReportError
from flowmap.render.pages import (
    FRAME_LOADER,
    content_security_policy,
    csp_meta,
    pack_frames,
    remote_references,
)

__all__ = ["paper_document", "policy_meta", "remote_references", "to_html"]

#: The stylesheet each board block carries (kept once, in the document's head).
BLOCK_STYLE = re.compile(r'<style class="fm-style">.*?</style>', re.DOTALL)
#: The paper's details the cover records for the page headers.
META = re.compile(r'<div id="fm-paper-meta" hidden ([^>]*)></div>')
ATTRIBUTE = re.compile(r'data-([a-z-]+)="([^"]*)"')
#: The pilcrow links nbconvert's markdown adds to headings (a board paper has no use for them).
ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.DOTALL)

#: The document's own layout (the blocks' stylesheet comes from flowmap.render.board).
PAGE_CSS = """
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:#0b0c0c;font-family:Arial,Helvetica,sans-serif;font-size:16px}
.fm-paper{max-width:60rem;margin:0 auto;padding:1.2rem 1.2rem 3rem;counter-reset:section}
.fm-no-frames .fm-map-frame{display:none}.fm-no-frames .fm-map-picture{display:block}
.fm-section{margin-top:2rem}
.fm-section>.fm-head>h2{font-size:1.5rem;margin:0 0 .4rem;padding-bottom:.2rem;
  border-bottom:3px solid #005eb8}
.fm-numbered>.fm-head>h2::before{counter-increment:section;content:counter(section) ". "}
.fm-section h3{font-size:1.15rem;margin:1.2rem 0 .3rem}
.fm-section p{line-height:1.45}
.fm-intro{color:#383f43}
.fm-figure{margin:.6rem 0}
.fm-figure img{max-width:100%;height:auto}
.fm-output{white-space:pre-wrap;font-size:.9em}
@media (max-width:640px){body{font-size:15px}.fm-paper{padding:.8rem}}
@media print{
  body{font-size:9.5pt}
  .fm-paper{max-width:none;padding:0}
  .fm-section{margin-top:1.2em}
  .fm-section>.fm-head>h2{font-size:15pt}
  .fm-appendix{break-before:page}
  h2,h3{break-after:avoid}
  .fm-head{break-inside:avoid;break-after:avoid}
  p,li{orphans:3;widows:3}
  .fm-figure{break-inside:avoid}
  .fm-landscape{page:landscape}
}
"""


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that cannot end the string or the style element.

    >>> css_string('Q3 "board" </style>')
    '"Q3 \\\\22 board\\\\22  \\\\3c /style\\\\3e "'
    """
    out = []
    for ch in text:
        if ch.isalnum() or ch in " .,:;()-_/'&+!?%£\u2014\u00b7":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def page_css(running_title: str, marking: str) -> str:
    """The printed page: A4, running title, protective marking and page numbers."""
    title, mark = css_string(running_title), css_string(marking)
    box = "font-family:Arial,Helvetica,sans-serif;font-size:8pt;color:#505a5f"
    marking_boxes = (
        f"@top-right{{content:{mark};{box};font-weight:bold;color:#0b0c0c}}"
        f"@bottom-left{{content:{mark};{box};font-weight:bold;color:#0b0c0c}}"
        if marking
        else ""
    )
    return (
        f"@page{{size:A4 portrait;margin:17mm 15mm 16mm 15mm;"
        f"@top-left{{content:{title};{box}}}{marking_boxes}"
        f'@bottom-right{{content:"Page " counter(page) " of " counter(pages);{box}}}}}'
        f"@page :first{{@top-left{{content:none}}}}"
        f"@page landscape{{size:A4 landscape}}"
    )


def _markdown(source: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(source)


def _output(output) -> str:
    kind = output.get("output_type")
    if kind in ("display_data", "execute_result"):
        data = output.get("data", {})
        if "text/html" in data:
            markup = data["text/html"]
            return "".join(markup) if isinstance(markup, list) else str(markup)
        if "image/png" in data:
            png = str(data["image/png"]).replace("\n", "")
            return (
                f'<figure class="fm-figure"><img alt="Chart" '
                f'src="data:image/png;base64,{png}"></figure>'
            )
        return ""  # a Python repr is not for a board
    if kind == "stream" and output.get("name") == "stdout":
        return f'<pre class="fm-output">{html.escape(str(output.get("text", "")))}</pre>'
    return ""  # warnings (stderr) stay in the executed notebook


def paper_body(nb) -> str:
    """The sections of the paper from the executed notebook's cells."""
    parts: list[str] = []
    open_section = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            source = cell.source.strip()
            tags = set(cell.metadata.get("tags", []))
            if source.startswith("## "):
                if open_section:
                    parts.append("</section>")
                classes = ["fm-section"]
                classes.append("fm-appendix" if "appendix" in tags else "fm-numbered")
                if "landscape" in tags:
                    classes.append("fm-landscape")
                parts.append(f'<section class="{" ".join(classes)}">')
                open_section = True
            rendered = ANCHOR.sub("", _markdown(source))
            rendered = rendered.replace("<p>", '<p class="fm-intro">', 1)
            parts.append(f'<div class="fm-head">{rendered}</div>')
        elif cell.cell_type == "code":
            parts.extend(_output(o) for o in cell.get("outputs", []))
    if open_section:
        parts.append("</section>")
    return "".join(parts)


def paper_document(nb, *, title: str = "Board report") -> str:
    """The whole HTML document of the executed notebook ``nb``."""
    from flowmap.render.board._html import stylesheet

    body = paper_body(nb)
    body = BLOCK_STYLE.sub("", body)
    meta = META.search(body)
    details = {k: html.unescape(v) for k, v in ATTRIBUTE.findall(meta.group(1))} if meta else {}
    running = details.get("running-title") or title
    marking = details.get("marking", "")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en-GB"><head>{policy_meta()}<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{html.escape(running)}</title>"
        f"<style>{PAGE_CSS}{page_css(running, marking)}</style>"
        f"<style>{stylesheet()}</style></head>"
        f'<body><main class="fm-paper">{pack_frames(body)}</main>'
        f"<script>{FRAME_LOADER}</script></body></html>\n"
    )


def to_html(executed: str | Path, out: str | Path, *, title: str = "Board report") -> Path:
    """Convert an executed notebook to the paper ``out``: outputs and headings, nothing remote.

    Raises
    ------
    ReportError
        When the HTML would still load something from the network.
    """
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    body = paper_document(nb, title=title)
    remote = remote_references(body)
    if remote:
        raise ReportError(
            f"the report HTML would load {len(remote)} thing(s) from the network, "
            f"first: {remote[0]!r}; not writing {out}"
        )
    out = Path(out)
    out.write_text(body, encoding="utf-8", newline="\n")
    return out


def policy_meta() -> str:
    """The paper's Content-Security-Policy: no requests, no script but the embedded map's."""
    from flowmap.render.mapview.page import page_scripts

    return csp_meta(content_security_policy([*page_scripts(), FRAME_LOADER]))
