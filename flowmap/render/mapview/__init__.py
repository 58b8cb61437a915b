"""The interactive data-flow map: one offline, self-contained HTML file (``flowmap map``).

Modules: :mod:`~flowmap.render.mapview.frames` (what a map may show), :mod:`~.redact`
(pseudonyms), :mod:`~.layout` (fixed-seed positions), :mod:`~.style` (colours, shapes,
legend), :mod:`~.views`, :mod:`~.orgview` and :mod:`~.focus` (each view's nodes and
edges), :mod:`~.page` (the HTML) and :mod:`~.api` (the public functions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flowmap.render.mapview.limits import DEFAULT_DETAIL_LIMIT, DEFAULT_MAX_NODES

__all__ = [
    "DEFAULT_DETAIL_LIMIT",
    "DEFAULT_MAX_NODES",
    "MapDocument",
    "map_data",
    "map_widget",
    "render_map",
    "show_map",
    "write_map",
]


def __getattr__(name: str) -> Any:
    # The page builder imports pyvis and pandas; the CLI only needs the limits above.
    if name in ("MapDocument", "map_data", "map_widget", "render_map", "show_map", "write_map"):
        from flowmap.render.mapview import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    from flowmap.render.mapview.api import (
        MapDocument,
        map_data,
        map_widget,
        render_map,
        show_map,
        write_map,
    )
