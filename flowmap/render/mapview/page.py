"""The map's HTML page: flowmap's own template, vis-network inlined, data as escaped JSON.

The page is one file that needs nothing else: vis-network's script and style (the copy
pyvis bundles) are inlined, a Content-Security-Policy forbids every request and every
script but those two (named by their SHA-256, so a script that got into the page some
other way would not run), and every
name from the inventory travels as JSON inside ``<script type="application/json">`` with
``<``, ``>``, ``&`` and the line separators escaped, so no value can close the script.
The page script (``flowmap/render/mapview/templates/map.js``) builds every label, tooltip and list
with ``textContent`` and DOM nodes, never ``innerHTML``.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from pathlib import Path

import pyvis
from pyvis.network import Network

from flowmap.render.mapview.style import legend
from flowmap.render.mapview.views import View
from flowmap.render.pages import content_security_policy

VIS_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
#: More nodes and edges than this: straight edges, edges hidden while dragging.
LARGE = 4000
JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
#: The page draws itself from its JSON block (a notebook widget calls ``flowmapMap`` itself).
PAGE_START = (
    '\nflowmapMap(document, JSON.parse(document.getElementById("flowmap-data").textContent), '
    "null);\n"
)
TOKEN = re.compile(r"@@(TITLE|HEADING|SUBTITLE|CSP|VIS_CSS|PAGE_CSS|VIS_JS|DATA|PAGE_JS)@@")


class _Network(Network):
    """pyvis's Network with O(1) node look-up (its ``get_nodes`` is a list)."""

    def get_nodes(self):  # type: ignore[override]
        return self.node_map


def script_json(data: object) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    Examples
    --------
    >>> script_json({"name": "</script><b>&"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: JSON_ESCAPES[m.group()], text)


def vis_options(large: bool) -> dict:
    """vis-network options: physics off (positions are precomputed), hover tooltips."""
    net = _Network(directed=True, cdn_resources="in_line")
    net.toggle_physics(False)
    net.toggle_hide_edges_on_drag(large)
    options = json.loads(net.options.to_json())
    options["physics"] = {"enabled": False}
    options["edges"] = {
        "color": {"inherit": False},
        "smooth": {"enabled": not large, "type": "curvedCW"},
        "arrows": {"to": {"scaleFactor": 0.6}},
        "selectionWidth": 2,
    }
    options["nodes"] = {
        "font": {
            "size": 13,
            "face": "system-ui, Arial, sans-serif",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
        "scaling": {"label": {"drawThreshold": 7}},
    }
    options["interaction"].update(
        {
            "hover": not large,
            "tooltipDelay": 150,
            "hideEdgesOnZoom": large,
            "keyboard": False,
            "navigationButtons": False,
            "zoomView": True,
        }
    )
    options["layout"] = {"improvedLayout": False, "randomSeed": 4}
    return options


def view_data(view: View) -> dict:
    """A view's nodes and edges as vis-network items, assembled with pyvis's Network.

    A compact view (:attr:`View.compact`, the organisations view) travels as its columns:
    the page's script makes the items (see :mod:`~flowmap.render.mapview.orgview`).
    """
    large = view.node_count + view.edge_count > LARGE
    common = {
        "name": view.name,
        "title": view.title,
        "halos": view.halos,
        "overlay": view.overlay,
        "pathNodes": view.path_nodes,
        "notes": view.notes,
        "banner": view.banner,
        "options": vis_options(large),
    }
    if view.compact is not None:
        compact = dict(view.compact)
        if large:
            compact["edgeStyles"] = [{**s, "smooth": False} for s in compact["edgeStyles"]]
        return {**common, "nodes": [], "edges": [], **compact}
    net = _Network(directed=True, cdn_resources="in_line")
    for node in view.nodes:
        options = {k: v for k, v in node.items() if k != "id"}
        net.add_node(node["id"], **options)
    for edge in view.edges:
        options = {k: v for k, v in edge.items() if k not in ("from", "to")}
        if large:
            options["smooth"] = False
        net.add_edge(edge["from"], edge["to"], **options)
    return {**common, "nodes": net.nodes, "edges": net.edges}


def page_data(views: list[View], *, title: str, subtitle: str) -> dict:
    """What the page's script draws (its JSON block): the first view is drawn first, the
    others are a click away. A notebook widget gives the same data to the same script."""
    return {
        "title": title,
        "subtitle": subtitle,
        "start": views[0].name,
        "order": [v.name for v in views],
        "views": {v.name: view_data(v) for v in views},
        "legend": legend(),
    }


def render_page(views: list[View], *, title: str, subtitle: str) -> str:
    """The whole page; the first view is drawn first, the others are a click away.

    The heading is ``title``, then the name of the view on screen (the page changes it
    when another view is chosen).
    """
    heading = title if title == views[0].title else f"{title}: {views[0].title}"
    data = page_data(views, title=title, subtitle=subtitle)
    vis_js, page_js = page_scripts()
    parts = {
        "TITLE": html.escape(heading),
        "HEADING": html.escape(heading),
        "SUBTITLE": html.escape(subtitle),
        "CSP": html.escape(content_security_policy([vis_js, page_js]), quote=False),
        "VIS_CSS": vis_style(),
        "PAGE_CSS": _asset("map.css"),
        "VIS_JS": vis_js,
        "DATA": script_json(data),
        "PAGE_JS": page_js,
    }
    return TOKEN.sub(lambda m: parts[m.group(1)], _asset("map.html"))


def page_scripts() -> tuple[str, str]:
    """The two scripts a map page runs, exactly as inlined: vis-network and the page's own
    (which draws the page from its JSON block).

    A page embedding a map (the board report) lets exactly these run in its policy.
    """
    return vis_script(), page_script() + PAGE_START


def vis_script() -> str:
    """vis-network's script (the copy pyvis bundles), checked safe to inline."""
    vis_js = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    if re.search(r"</script|<!--", vis_js, re.IGNORECASE):
        raise RuntimeError("the bundled vis-network script cannot be inlined safely")
    return vis_js


#: vis-network's parts a flowmap map never shows (the map sets no ``manipulation``, no
#: ``configure`` and ``navigationButtons: False``): their rules, mostly pictures of buttons
#: written into the style sheet, are three quarters of its 220 KB.
UNUSED_VIS_PARTS = re.compile(
    r"\.vis-(?:manipulation|navigation|configuration|config-|color-picker|close|edit-mode)"
)


def vis_style() -> str:
    """vis-network's style sheet, without the rules of parts the map never shows.

    A rule is left out only when every one of its selectors names such a part.

    Examples
    --------
    >>> css = vis_style()
    >>> ".vis-tooltip" in css, "vis-manipulation" in css, len(css) < 40_000
    (True, False, True)
    """
    css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    kept = []
    for rule in re.findall(r"[^{}]+\{[^{}]*\}", css):  # the file has no nested (@) rules
        selectors = rule[: rule.index("{")].split(",")
        if not all(UNUSED_VIS_PARTS.search(s) for s in selectors):
            kept.append(rule)
    return "".join(kept)


def page_script() -> str:
    """The page's script: defines ``flowmapMap(root, data, host)`` (see map.js)."""
    return _asset("map.js")


def page_markup() -> str:
    """The page's body (header, toolbar, canvas, side panel) without its title text, for a
    widget that draws the same map into an element of a larger page."""
    body = _asset("map.html").split("<body>", 1)[1].split("<noscript>", 1)[0]
    return body.replace("@@HEADING@@", "").replace("@@SUBTITLE@@", "").strip()


def page_style() -> str:
    """The page's style sheet without its rules for the whole document (``html``,
    ``body``), for a widget inside a larger page that owns those."""
    return re.sub(r"(?m)^\s*(html|body)\b[^{]*\{[^}]*\}\s*$\n?", "", _asset("map.css"))


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
