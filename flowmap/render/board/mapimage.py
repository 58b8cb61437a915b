"""The map in the paper: interactive on screen, a static picture when printed.

An interactive map cannot be printed (it would be cropped, with scroll bars and empty
legend swatches), so the report carries both: the offline organisations map in a
sandboxed frame for the screen, and a picture of the same view (same positions, same
colours) with a legend in words for paper and PDF. The stylesheet shows one or the other.
"""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch

from flowmap.render import fmt
from flowmap.render.board._html import block, esc
from flowmap.render.mapview.style import (
    FLOW_COLOUR,
    NO_FINDING,
    SECTOR_COLOURS,
    SEVERITY_COLOURS,
    SEVERITY_RANK,
    label,
)

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Organisations named on the picture (the most important first; the rest are unlabelled).
MAX_LABELS = 40
LABEL_CHARS = 28
DPI = 150
MAP_HEIGHT = 620


def org_view(analysis: Analysis, *, org: str | None = None, redact: bool = False, key: bytes = b""):
    """The organisations view (redacted with ``key`` when asked) and its frames."""
    from flowmap.render.board import cache
    from flowmap.render.mapview.api import _redacted
    from flowmap.render.mapview.orgview import organisations_view

    frames = cache.map_frames(analysis)
    if redact:
        frames, _, org = _redacted(frames, key or secrets.token_bytes(32), None, org)
    return organisations_view(frames, org), frames, org


def map_picture(view, *, org: str | None = None):
    """The organisations view as a matplotlib figure: discs by sector, rings by severity.

    Returns the figure, the number of organisations drawn and the number named.
    """
    c = view.compact
    nodes, flows, backups = c["nodes"], c["flows"], c["backups"]
    ranks = list(SEVERITY_RANK)
    strings = c["strings"]
    xs, ys = nodes["x"], [-y for y in nodes["y"]]
    sizes = [min(10 + 2.5 * n**0.5, 60) for n in nodes["systems"]]
    fig = Figure(figsize=(7.4, 6.4))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.2, 0.98, 0.79))
    ax.set_axis_off()
    ax.set_aspect("equal")
    segments = [[(xs[a], ys[a]), (xs[b], ys[b])] for a, b in zip(flows["from"], flows["to"])]
    colours = [
        FLOW_COLOUR if ranks[sev] == NO_FINDING else SEVERITY_COLOURS[ranks[sev]]
        for sev in flows["sev"]
    ]
    widths = [0.6 + min(n, 64).bit_length() * 0.3 for n in flows["count"]]
    ax.add_collection(
        LineCollection(segments, colors=colours, linewidths=widths, alpha=0.55, zorder=1)
    )
    ax.add_collection(
        LineCollection(
            [[(xs[a], ys[a]), (xs[b], ys[b])] for a, b in zip(backups["from"], backups["to"])],
            colors="#2a9d8f",
            linestyles=":",
            linewidths=1,
            zorder=1,
        )
    )
    severities = [ranks[s] for s in nodes["sev"]]
    ax.add_collection(
        PatchCollection(
            [Circle((x, y), r) for x, y, r in zip(xs, ys, sizes)],
            facecolors=[SECTOR_COLOURS.get(strings[s], "#a0a0a0") for s in nodes["sector"]],
            edgecolors=[SEVERITY_COLOURS[s] if s != NO_FINDING else "#555555" for s in severities],
            linewidths=[2.2 if s != NO_FINDING else 0.6 for s in severities],
            zorder=2,
        )
    )
    order = sorted(
        range(len(xs)), key=lambda i: (nodes["id"][i] != org, nodes["sev"][i], -nodes["systems"][i])
    )
    pad = max(sizes) * 1.5 if sizes else 10
    ax.set_xlim(min(xs, default=0) - pad, max(xs, default=0) + pad)
    ax.set_ylim(min(ys, default=0) - pad, max(ys, default=0) + pad)
    renderer = fig.canvas.get_renderer()
    placed: list = []
    for i in order[:MAX_LABELS]:
        text = ax.text(
            xs[i],
            ys[i] - sizes[i] - 4,
            fmt.shorten(nodes["name"][i], LABEL_CHARS),
            ha="center",
            va="top",
            fontsize=6.5,
            zorder=3,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
        box = text.get_window_extent(renderer).expanded(1.05, 1.1)
        if any(box.overlaps(other) for other in placed):
            text.remove()
            continue
        placed.append(box)
    sectors = sorted({strings[s] for s in nodes["sector"]}, key=list(SECTOR_COLOURS).index)
    sector_handles = [
        Patch(facecolor=SECTOR_COLOURS[s], edgecolor="#555555", label=label(s))
        for s in sectors
        if s in SECTOR_COLOURS
    ]
    present = {ranks[s] for s in nodes["sev"]}
    sev_handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor=SEVERITY_COLOURS[s],
            markeredgewidth=2.2,
            label=f"{label(s)} finding",
        )
        for s in SEVERITY_COLOURS
        if s in present and s != NO_FINDING
    ]
    link_handles = [
        Line2D([], [], color=FLOW_COLOUR, lw=1.5, label="Data flows (colour: worst finding)"),
        Line2D([], [], color="#2a9d8f", lw=1.2, linestyle=":", label="Backups kept elsewhere"),
    ]
    fig.legend(
        handles=sector_handles,
        title="Sector (fill)",
        loc="lower left",
        fontsize=6.5,
        title_fontsize=7,
        ncol=2,
        frameon=False,
        bbox_to_anchor=(0.0, 0.0),
    )
    fig.legend(
        handles=sev_handles + link_handles,
        title="Worst finding (ring) and links",
        loc="lower right",
        fontsize=6.5,
        title_fontsize=7,
        ncol=1,
        frameon=False,
        bbox_to_anchor=(1.0, 0.0),
    )
    named = len(placed)
    return fig, len(xs), named


def _png(fig) -> str:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def map_block(analysis: Analysis, *, org: str | None = None, redact: bool = False):
    """The interactive organisations map (screen) and its picture (print), one block.

    Both are drawn from one organisations view (one layout, one set of pseudonyms).
    """
    from flowmap.render.mapview.api import page_of

    view, frames, org = org_view(analysis, org=org, redact=redact)
    page = page_of(frames, [view], title="Data-flow map")
    fig, shown, named = map_picture(view, org=org)
    caption = (
        f"{fmt.plural(shown, 'organisation')}; "
        + (f"the {named} most important are named. " if named < shown else "")
        + "Disc colour: sector; ring: the worst finding at that organisation; lines: data "
        "flows between organisations. The interactive map in the HTML report has every "
        "name and figure."
    )
    return block(
        f'<div class="fm-screen-only">{_iframe(page)}</div>'
        f'<figure class="fm-print-only fm-map-picture"><img alt="Map of the organisations '
        f'and the data flows between them" src="data:image/png;base64,{_png(fig)}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>",
        id="fm-map",
    )


def _iframe(page: str) -> str:
    import html

    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
        f'class="fm-map-frame" style="height:{MAP_HEIGHT}px" '
        f'title="Interactive data-flow map"></iframe>'
    )
