"""The map page as a notebook widget: the same offline vis-network map, clickable.

:class:`MapWidget` is an `anywidget <https://anywidget.dev>`_ whose front-end code is
the map page's own script (``templates/map.js``, glued by ``templates/widget.js``) and
vis-network's (the copy pyvis bundles), sent from the installed Python packages: nothing
is fetched from the network, and no iframe is used. Python sets ``data`` (what the page's JSON
block holds, see :func:`flowmap.render.mapview.page.page_data`) and ``highlight`` (an
attack path to draw and nodes to mark); a click on a node comes back as ``selected``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

import anywidget
import traitlets

from flowmap.render.mapview.page import page_markup, page_script, page_style, vis_script, vis_style


def _template(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


@cache
def widget_esm() -> str:
    """The widget's front-end module: vis-network, the map page's script and the glue."""
    vis = re.sub(r"//# sourceMappingURL=\S+\s*$", "", vis_script().rstrip())
    glue = _template("widget.js")
    return "\n".join(
        [
            "/* vis-network (pyvis's copy), loaded as a CommonJS module: no globals, no network */",
            "const module = { exports: {} };",
            "const exports = module.exports;",
            vis,
            "const vis = module.exports;",
            page_script(),
            f"const MARKUP = {json.dumps(page_markup())};",
            glue,
        ]
    )


@cache
def widget_css() -> str:
    """vis-network's style sheet, the map page's (without its document rules) and the
    widget's frame."""
    frame = _template("widget.css")
    return "\n".join([vis_style(), page_style(), frame])


class MapWidget(anywidget.AnyWidget):
    """The data-flow map in a notebook: ``data`` drawn, ``highlight`` overlaid, clicks
    reported in ``selected`` (``{"id", "kind", "org", "n"}``; ``n`` counts clicks).

    ``data`` travels as one JSON text (``data_json``): a map has tens of thousands of
    values, which ipywidgets would otherwise walk one by one looking for binary buffers.
    """

    _esm = widget_esm()
    _css = widget_css()
    data_json = traitlets.Unicode("{}").tag(sync=True)
    highlight = traitlets.Dict().tag(sync=True)
    selected = traitlets.Dict().tag(sync=True)
    height = traitlets.Int(600).tag(sync=True)

    def __init__(self, data: dict | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._data: dict = {}
        if data is not None:
            self.data = data

    @property
    def data(self) -> dict:
        """What the map page's script draws (see :func:`~.page.page_data`)."""
        return self._data

    @data.setter
    def data(self, value: dict) -> None:
        self._data = value
        self.data_json = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
