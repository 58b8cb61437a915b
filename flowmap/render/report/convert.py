"""Executed notebook -> one self-contained HTML file: no code, no CDN, charts embedded.

The page carries a Content-Security-Policy (:mod:`flowmap.render.pages`) that forbids
every request and runs only the map's own two scripts (the map is an inline frame, which
inherits the policy); the page is refused if it would still load anything remote.
"""

from __future__ import annotations

import re
from pathlib import Path

from flowmap.errors import ReportError
from flowmap.render.pages import content_security_policy, csp_meta, remote_references

__all__ = ["remote_references", "to_html", "with_policy"]

#: nbconvert's lab template without the scripts it loads from a CDN (require.js, MathJax,
#: Mermaid); jupyter widgets are never used by the report.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
TEMPLATE_NAME = "flowmap_board.html.j2"
HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)


def to_html(executed: str | Path, out: str | Path, *, title: str = "Board report") -> Path:
    """Convert an executed notebook to ``out``: outputs and markdown only, nothing remote.

    Raises
    ------
    ReportError
        When the HTML would still load something from the network.
    """
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(executed), as_version=4)
    nb.metadata["title"] = title
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"  # papermill's injected cell has a random id: same run, same page
        if cell.cell_type == "code":  # warnings are for the analyst (in the executed notebook)
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.output_type == "stream" and o.get("name") == "stderr")
            ]
    exporter = HTMLExporter(
        template_name="lab",
        template_file=TEMPLATE_NAME,
        extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    body = with_policy(body)
    remote = remote_references(body)
    if remote:
        raise ReportError(
            f"the report HTML would load {len(remote)} thing(s) from the network, "
            f"first: {remote[0]!r}; not writing {out}"
        )
    out = Path(out)
    out.write_text(body, encoding="utf-8")
    return out


def with_policy(page: str) -> str:
    """``page`` with its Content-Security-Policy first in ``<head>``: no requests, and no
    script but the embedded map's.

    Examples
    --------
    >>> with_policy("<html><head><title>t</title>")[:58]
    '<html><head><meta http-equiv="Content-Security-Policy" con'
    """
    from flowmap.render.mapview.page import page_scripts

    meta = csp_meta(content_security_policy(page_scripts()))
    head = HEAD.search(page)
    if head is None:
        raise ReportError("the report HTML has no <head> to put its security policy in")
    return page[: head.end()] + meta + page[head.end() :]
