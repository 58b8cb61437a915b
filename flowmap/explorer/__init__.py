"""Exploring an analysis interactively: the JupyterLab explorer and the local app.

:func:`explore` builds the explorer (ipywidgets, the map as an anywidget, itables);
:mod:`~flowmap.explorer.scope` works out what a selection shows and
:mod:`~flowmap.explorer.whatif` the live what-if, both without widgets;
:mod:`~flowmap.explorer.notebook` holds the notebooks' one-call helpers and
:mod:`~flowmap.explorer.app` starts ``flowmap explore``'s local app (Voila).
"""

from __future__ import annotations

from flowmap.explorer.explorer import Explorer, explore

__all__ = ["Explorer", "explore"]
