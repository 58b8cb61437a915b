"""The interactive data-flow map: one offline, self-contained HTML file (``flowmap map``).

Modules: :mod:`~flowmap.mapview.frames` (what a map may show), :mod:`~.redact`
(pseudonyms), :mod:`~.layout` (fixed-seed positions), :mod:`~.style` (colours, shapes,
legend), :mod:`~.views`, :mod:`~.orgview` and :mod:`~.focus` (each view's nodes and
edges), :mod:`~.page` (the HTML) and :mod:`~.api` (the public functions).
"""

from flowmap.mapview.api import MapDocument, render_map, show_map, write_map

__all__ = ["MapDocument", "render_map", "show_map", "write_map"]
