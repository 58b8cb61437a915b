"""``render_map``, ``write_map`` and ``show_map``: the map's public functions."""

from __future__ import annotations

import html
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flowmap.errors import UsageError
from flowmap.inventory.textstorage import python_text
from flowmap.render import fmt
from flowmap.render.mapview.focus import asset_view, paths_view
from flowmap.render.mapview.frames import MapFrames, frames_of
from flowmap.render.mapview.limits import DEFAULT_DETAIL_LIMIT, DEFAULT_MAX_NODES
from flowmap.render.mapview.orgview import organisations_view
from flowmap.render.mapview.page import page_data, render_page
from flowmap.render.mapview.redact import Pseudonymiser, check_key, redact_frames
from flowmap.render.mapview.views import VIEWS, View, systems_view

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

EXAMPLES = 5  # valid ids listed in an error message


@dataclass
class MapDocument:
    """A rendered map.

    Attributes
    ----------
    html : str
        The whole page, one self-contained file.
    view : str
        The view actually drawn first (``organisations`` when ``systems`` was too big).
    nodes, edges : int
        Nodes and edges of that view.
    notes : list of str
        What the reader should know (an automatic switch of view, an ignored option,
        detail summarised above ``detail_limit``).
    """

    html: str
    view: str
    nodes: int
    edges: int
    notes: list[str] = field(default_factory=list)

    def _repr_html_(self) -> str:  # a notebook shows the map itself
        return _iframe(self.html, 650)


@python_text
def render_map(
    analysis: Analysis,
    *,
    view: str = "systems",
    asset_id: str | None = None,
    org_id: str | None = None,
    redact: bool = False,
    redact_key: str | bytes | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    detail_limit: int = DEFAULT_DETAIL_LIMIT,
    title: str | None = None,
) -> MapDocument:
    """Draw an analysis as one self-contained, offline HTML page.

    Parameters
    ----------
    analysis : Analysis
        From :func:`flowmap.analyse`.
    view : {"systems", "organisations", "asset", "paths"}
        What to draw. ``systems`` above ``max_nodes`` systems becomes ``organisations``.
    asset_id : str, optional
        The asset of the ``asset`` view (every copy of it and how it got there).
    org_id : str, optional
        One organisation and its direct partners (``systems``, ``organisations``,
        ``paths``).
    redact : bool
        Replace names and ids by keyed-hash pseudonyms and drop owners and free text.
    redact_key : str or bytes, optional
        Key of the pseudonyms: the same key gives the same pseudonyms (default random).
        At least 24 characters (or 16 bytes), not repetitive: a guessable key lets anyone
        recover short ids such as ODS codes (:func:`~.redact.check_key`).
    max_nodes : int
        Largest systems view drawn before switching to the organisations view.
    detail_limit : int
        Most links the organisations view draws with full detail (default
        :data:`~flowmap.render.mapview.limits.DEFAULT_DETAIL_LIMIT`). Above it every
        organisation and link is still drawn with its counts, but links count their
        assets instead of naming them and organisations count their problems by kind;
        the page's header and ``notes`` say so.
    title : str, optional
        Heading of the page (default "Data-flow map"), followed by the name of the view
        on screen.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> doc = render_map(a, view="organisations")
    >>> doc.view, doc.nodes == len(a.inventory.organisations), doc.html.count("<script src")
    ('organisations', True, 0)
    >>> try:
    ...     render_map(a, view="asset")
    ... except flowmap.UsageError as e:
    ...     print(str(e)[:37])
    The asset view needs an asset id, e.g
    """
    views, heading, subtitle, notes = _prepare(
        analysis, view, asset_id, org_id, redact, redact_key, max_nodes, detail_limit, title
    )
    page = render_page(views, title=heading, subtitle=subtitle)
    return MapDocument(
        html=page,
        view=views[0].name,
        nodes=views[0].node_count,
        edges=views[0].edge_count,
        notes=notes,
    )


def map_data(analysis: Analysis, **options) -> dict:
    """What the map page's script draws (its JSON block), for the same keywords as
    :func:`render_map`: the data of :class:`~flowmap.render.mapview.widget.MapWidget`."""
    o = {**_DEFAULTS, **options}
    views, heading, subtitle, _notes = _prepare(
        analysis,
        o["view"],
        o["asset_id"],
        o["org_id"],
        o["redact"],
        o["redact_key"],
        o["max_nodes"],
        o["detail_limit"],
        o["title"],
    )
    return page_data(views, title=heading, subtitle=subtitle)


@python_text
def map_widget(analysis: Analysis, *, height: int = 650, **options):
    """The map as a notebook widget (same keywords as :func:`render_map`): the offline
    vis-network page drawn in the notebook itself, no iframe.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> m = map_widget(a, view="asset", asset_id="IA-0001")
    >>> m.data["start"], len(m.data["views"]["asset"]["nodes"]) > 1
    ('asset', True)
    """
    from flowmap.render.mapview.widget import MapWidget

    return MapWidget(data=map_data(analysis, **options), height=height)


_DEFAULTS: dict[str, object] = {
    "view": "systems",
    "asset_id": None,
    "org_id": None,
    "redact": False,
    "redact_key": None,
    "max_nodes": DEFAULT_MAX_NODES,
    "detail_limit": DEFAULT_DETAIL_LIMIT,
    "title": None,
}


def _prepare(
    analysis: Analysis,
    view: str,
    asset_id: str | None,
    org_id: str | None,
    redact: bool,
    redact_key: str | bytes | None,
    max_nodes: int,
    detail_limit: int,
    title: str | None,
) -> tuple[list[View], str, str, list[str]]:
    """The views to draw, the heading, the subtitle and the notes."""
    if view not in VIEWS:
        raise UsageError(f"Unknown view {view!r}: choose one of {', '.join(VIEWS)}.")
    if max_nodes < 1:
        raise UsageError(f"max_nodes must be 1 or more, not {max_nodes}.", param="max_nodes")
    if detail_limit < 0:
        raise UsageError(
            f"detail_limit must be 0 or more, not {detail_limit}.", param="detail_limit"
        )
    if redact:
        check_key(redact_key)
    frames = frames_of(analysis)
    _check_ids(frames, view, asset_id, org_id)
    notes: list[str] = []
    if redact:
        frames, asset_id, org_id = _redacted(frames, redact_key, asset_id, org_id)
    views = _views(frames, view, asset_id, org_id, max_nodes, detail_limit, notes)
    views[0].notes = list(notes)  # the page lists these; the banner has its own place
    notes += [v.banner for v in views[:1] if v.banner]
    return views, title or "Data-flow map", subtitle_of(frames), notes


def subtitle_of(frames: MapFrames) -> str:
    """As of when, which inventory (its file name, never its path) and whether redacted."""
    subtitle = f"As of {fmt.day(frames.as_of)}"
    if frames.source:
        subtitle += f" \u00b7 inventory {frames.source}"
    if frames.redacted:
        subtitle += " \u00b7 redacted: names and ids are pseudonyms"
    return subtitle


def page_of(frames: MapFrames, views: list[View], *, title: str | None = None) -> str:
    """The page of ``views``: the heading (default "Data-flow map"), then as of when, which
    inventory (its file name) and whether it is redacted."""
    return render_page(views, title=title or "Data-flow map", subtitle=subtitle_of(frames))


@python_text
def write_map(
    analysis: Analysis, path: str | Path, *, force: bool = False, **options
) -> MapDocument:
    """Render a map (same keywords as :func:`render_map`) and write it as UTF-8.

    ``force`` replaces a file of that name that flowmap did not write.
    """
    from flowmap.render.files import check_outputs, write_text

    check_outputs([path], force=force)
    doc = render_map(analysis, **options)
    write_text(doc.html, path, force=force)
    return doc


@python_text
def show_map(analysis: Analysis, *, height: int = 650, **options):
    """Show a map inline in a static page (an ``<iframe srcdoc>`` that survives nbconvert,
    as the board report needs; in JupyterLab :func:`map_widget` draws it without one).

    The iframe is sandboxed to run scripts only: no same-origin access, forms,
    pop-ups or navigation of the notebook.
    """
    from IPython.display import HTML

    # inside a <div>: IPython warns about HTML that starts with an iframe
    return HTML(f"<div>{_iframe(render_map(analysis, **options).html, height)}</div>")


def _iframe(page: str, height: int) -> str:
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
        f'style="width:100%;height:{int(height)}px;border:1px solid #d0d7de" '
        f'title="flowmap data-flow map"></iframe>'
    )


def _check_ids(frames: MapFrames, view: str, asset_id: str | None, org_id: str | None) -> None:
    if view == "asset":
        assets = list(frames.assets["asset_id"])
        if not asset_id:
            raise UsageError(
                f"The asset view needs an asset id, e.g. `flowmap map PATH "
                f"{(assets or ['IA-0001'])[0]} --view asset`; some ids: "
                f"{', '.join(assets[:EXAMPLES])}."
            )
        if asset_id not in set(assets):
            raise UsageError(
                f"No asset {asset_id!r} in the inventory; some ids: {', '.join(assets[:EXAMPLES])}."
            )
    if org_id is not None and org_id not in set(frames.orgs["org_id"]):
        raise UsageError(
            f"No organisation {org_id!r} in the inventory; some ids: "
            f"{', '.join(list(frames.orgs['org_id'])[:EXAMPLES])}."
        )


def _redacted(
    frames: MapFrames, key: str | bytes | None, asset_id: str | None, org_id: str | None
) -> tuple[MapFrames, str | None, str | None]:
    """Redacted frames and the pseudonyms of the ids asked for (one key for all)."""
    key = key if key is not None else secrets.token_bytes(32)
    p = Pseudonymiser(key)
    return (
        redact_frames(frames, key),
        p.id("asset", asset_id) if asset_id else None,
        p.id("org", org_id) if org_id else None,
    )


def _views(
    frames: MapFrames,
    view: str,
    asset_id,
    org_id,
    max_nodes: int,
    detail_limit: int,
    notes: list[str],
) -> list[View]:
    if view == "asset":
        if org_id:
            notes.append("--org is ignored in the asset view: it shows every copy.")
        return [asset_view(frames, asset_id)]
    if view == "paths":
        return [paths_view(frames, org_id)]
    orgs = organisations_view(frames, org_id, detail_limit)
    if view == "organisations":
        return [orgs]
    systems = _system_count(frames, org_id)
    if systems > max_nodes:
        notes.append(
            f"{orgs.node_count:,} organisations' {systems:,} systems are more than "
            f"{max_nodes:,} nodes: showing the organisations view "
            f"(use --org ORG_ID for one organisation's systems)."
        )
        return [orgs]
    return [systems_view(frames, org_id), orgs]


def _system_count(frames: MapFrames, org_id: str | None) -> int:
    if org_id is None:
        return len(frames.systems)
    own = set(frames.systems.loc[frames.systems["org_id"] == org_id, "system_id"])
    f, b = frames.flows, frames.backups
    touching = (
        set(f.loc[f["source_system_id"].isin(own), "target_system_id"])
        | set(f.loc[f["target_system_id"].isin(own), "source_system_id"])
        | set(b.loc[b["source_system_id"].isin(own), "target_system_id"])
        | set(b.loc[b["target_system_id"].isin(own), "source_system_id"])
    )
    return len(own | touching)


__all__ = [
    "MapDocument",
    "map_data",
    "map_widget",
    "page_of",
    "render_map",
    "show_map",
    "write_map",
]
