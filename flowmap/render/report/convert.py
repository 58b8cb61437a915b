"""Executed notebook -> one self-contained HTML file: no code, no CDN, charts embedded."""

from __future__ import annotations

import re
from pathlib import Path

from flowmap.errors import ReportError

#: nbconvert's lab template without the scripts it loads from a CDN (require.js, MathJax,
#: Mermaid); jupyter widgets are never used by the report.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
TEMPLATE_NAME = "flowmap_board.html.j2"
#: A ``src`` or ``href`` attribute that loads something from the network.
REMOTE = re.compile(
    r"""\b(?:src|href)\s*=\s*(?:["']|&quot;|&#34;)?\s*(?:https?:)?//""", re.IGNORECASE
)
#: Inline style blocks and the comments inside them (nbconvert's CSS credits web pages).
STYLE_BLOCK = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
#: ``@import url(http...)`` in CSS.
REMOTE_CSS = re.compile(r"@import\s+(?:url\()?\s*[\"']?(?:https?:)?//", re.IGNORECASE)


def remote_references(markup: str) -> list[str]:
    """Every place ``markup`` would load something from the network (empty when none).

    Examples
    --------
    >>> remote_references('<script src="https://cdn.example/x.js"></script>')
    ['src="https://cdn.example/x.js"></script>']
    >>> remote_references('<img src="data:image/png;base64,AAA">')
    []
    """
    found = [m.group(0) + markup[m.end() : m.end() + 30] for m in REMOTE.finditer(markup)]
    found += [m.group(0) for m in REMOTE_CSS.finditer(markup)]
    return [f[:60] for f in found]


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
    for cell in nb.cells:  # warnings are for the analyst (kept in the executed notebook)
        if cell.cell_type == "code":
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
    body = STYLE_BLOCK.sub(lambda m: CSS_COMMENT.sub("", m.group(0)), body)
    remote = remote_references(body)
    if remote:
        raise ReportError(
            f"the report HTML would load {len(remote)} thing(s) from the network, "
            f"first: {remote[0]!r}; not writing {out}"
        )
    out = Path(out)
    out.write_text(body, encoding="utf-8")
    return out
