"""``flowmap.explore(analysis)``: the interactive explorer for JupyterLab and the local app.

Pick an organisation, an asset or a system (or click a node on the map) and see its
findings, its most likely attack path drawn on the map, where its copies live and its
blast radius; tick candidate actions to see the risk they would leave; move the budget
slider to re-run the plan. Built on ipywidgets 8, anywidget (the map) and itables (the
tables); nothing is fetched from the network.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as w

from flowmap.errors import UsageError
from flowmap.explorer import words
from flowmap.explorer.alert_panel import AlertPanel
from flowmap.explorer.mapdata import MapMaker
from flowmap.explorer.panels import FindingsPanel, PlanPanel, WhatIfPanel
from flowmap.explorer.scope import Scope, Selection
from flowmap.explorer.sharing import SharingPanel
from flowmap.explorer.tables import table_widget, update_table
from flowmap.explorer.whatif import WhatIf
from flowmap.inventory.textstorage import python_text
from flowmap.progress import stages
from flowmap.render.mapview.widget import MapWidget

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

NONE = ""
#: Above this many systems, candidate actions and plans are worked out in the background
#: (the explorer answers at once and fills them in when ready).
BACKGROUND_ABOVE = 2_000
TABS = [
    "Findings",
    "Attack path",
    "Copies",
    "Blast radius",
    "What if",
    "Plan",
    "Can we share this?",
    "Alert",
]
MARKS = {"copy": "#005eb8", "selected": "#1d1d1d"}


class Explorer:
    """The explorer's widgets and state (show it by leaving it last in a cell)."""

    def __init__(
        self,
        analysis: Analysis,
        *,
        org: str = "",
        asset: str = "",
        system: str = "",
        height: int = 560,
        background: bool | None = None,
    ) -> None:
        self.analysis = analysis
        self.scope = Scope(analysis)
        self.maps = MapMaker(analysis)
        self.whatif = WhatIf(analysis)
        big = len(analysis.systems) > BACKGROUND_ABOVE
        self.background = big if background is None else background
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="flowmap-explorer")
        self._pending: list[Future] = []
        self._generation = 0
        self._lock = threading.Lock()
        self._quiet = False
        self.selection = Selection()

        self.header = w.HTML(self._header())
        self.org = w.Dropdown(
            options=[("(no organisation)", NONE)] + self.scope.org_options(),
            description="Organisation",
            layout=w.Layout(width="34em"),
            style={"description_width": "initial"},
        )
        self.asset = w.Dropdown(
            options=[("(all its assets)", NONE)],
            description="Asset",
            style={"description_width": "initial"},
            layout=w.Layout(width="30em"),
        )
        self.system = w.Dropdown(
            options=[("(all its systems)", NONE)],
            description="System",
            style={"description_width": "initial"},
            layout=w.Layout(width="30em"),
        )
        picked = python_text(self._picked)
        for name, control in (("org", self.org), ("asset", self.asset), ("system", self.system)):
            control.add_class(f"fm-x-{name}")
            control.observe(lambda change, n=name: picked(n, change), names="value")
        self.summary = w.HTML()
        self.summary.add_class("fm-x-summary")
        self.map = MapWidget(height=height)
        self.map.add_class("fm-x-map")
        self.map.observe(python_text(self._clicked), names="selected")

        self.findings = FindingsPanel(self.scope, self._refilter)
        self.path_text = w.HTML()
        self.path_text.add_class("fm-x-path-text")
        self.path = table_widget(self.scope.path_steps(""))
        self.copies = table_widget(self.scope.copies_of(Selection()))
        self.blast_text = w.HTML()
        self.blast = table_widget(self.scope.blast(""))
        self.what = WhatIfPanel(self.whatif, self._whatif_changed)
        self.plan = PlanPanel(self.whatif, self._replan, self.what.set_chosen)
        self.sharing = SharingPanel(analysis, self.scope, self._run)
        self.alert = AlertPanel(analysis)
        self.tabs = w.Tab(
            children=[
                self.findings.box,
                w.VBox([self.path_text, self.path]),
                self.copies,
                w.VBox([self.blast_text, self.blast]),
                self.what.box,
                self.plan.box,
                self.sharing.box,
                self.alert.box,
            ]
        )
        self.tabs.titles = tuple(TABS)
        self.tabs.add_class("fm-x-tabs")
        self.tabs.observe(python_text(lambda _c: self._tab_shown()), names="selected_index")
        self._stale = {"What if": True, "Plan": True}
        self._plans: dict[tuple[str, float], tuple] = {}
        self.widget = w.VBox(
            [
                self.header,
                w.HBox([self.org, self.asset, self.system], layout=w.Layout(flex_flow="row wrap")),
                self.summary,
                self.map,
                self.tabs,
            ],
            layout=w.Layout(width="100%"),
        )
        self.widget.add_class("fm-explorer")
        first = Selection(org=org, asset=asset, system=system) if org else self.scope.default()
        if not org and (asset or system):
            home = self.scope.asset_org.get(asset) or self.scope.system_org.get(system, "")
            first = Selection(org=home, asset=asset, system=system)
        self.select(first.org, asset=first.asset, system=first.system)

    # ------------------------------------------------------------------ display

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _header(self) -> str:
        a = self.analysis
        rows = a.summary["rows"]
        return (
            "<div class='fm-x-header'><h2 style='margin:4px 0'>flowmap explorer</h2>"
            f"<div>Inventory <b>{words.esc(Path(str(a.summary['inventory'])).name)}</b>, as of "
            f"<b>{words.esc(a.as_of.isoformat())}</b>: {rows.get('organisations', 0):,} "
            f"organisations, {rows.get('systems', 0):,} systems, "
            f"{rows.get('assets', 0):,} information assets, {rows.get('flows', 0):,} data "
            f"flows. Total risk <b id='fm-x-total' data-value='{a.total_risk:.2f}'>"
            f"{a.total_risk:,.2f}</b> (docs/scoring.md).</div></div>"
        )

    # ------------------------------------------------------------------ selecting

    def select(self, org: str = "", *, asset: str = "", system: str = "") -> None:
        """Select an organisation, and within it perhaps an asset or a system."""
        org = org or self.scope.asset_org.get(asset, "") or self.scope.system_org.get(system, "")
        self._quiet = True
        try:
            if self.org.value != org:
                self.org.value = org if org in self.scope.org_names else NONE
            self.asset.options = [("(all its assets)", NONE)] + self.scope.asset_options(org)
            self.system.options = [("(all its systems)", NONE)] + self.scope.system_options(org)
            self.asset.value = asset if asset and not system else NONE
            self.system.value = system if system and not asset else NONE
        finally:
            self._quiet = False
        self._show(Selection(org=self.org.value, asset=self.asset.value, system=self.system.value))

    def _picked(self, name: str, change) -> None:
        if self._quiet:
            return
        if name == "org":
            self.select(change["new"])
        elif name == "asset":
            self.select(self.org.value, asset=change["new"])
        else:
            self.select(self.org.value, system=change["new"])

    def _clicked(self, change) -> None:
        """A node clicked on the map: select that system (or organisation)."""
        node = (change["new"] or {}).get("id", "")
        if node in self.scope.system_org:
            self.select(self.scope.system_org[node], system=node)
        elif node in self.scope.org_names:
            self.select(node)

    def _show(self, selection: Selection) -> None:
        self.selection = selection
        self._generation += 1
        self.summary.value = words.summary(self.scope, selection)
        self._show_map()
        self._stale = dict.fromkeys(TABS, True)
        self._tab_shown()

    def _tab_shown(self) -> None:
        """Fill a tab when it is shown (and again only after the selection changes)."""
        index = self.tabs.selected_index
        tab = TABS[index] if index is not None else ""
        if self._stale.get(tab):
            self._stale[tab] = False
            {
                "Findings": self._refilter,
                "Attack path": self._show_path,
                "Copies": lambda: update_table(self.copies, self.scope.copies_of(self.selection)),
                "Blast radius": self._show_blast,
                "What if": self._show_whatif,
                "Plan": self._replan,
                "Can we share this?": lambda: self.sharing.show(self.selection),
                "Alert": lambda: None,  # filled when Assess is pressed
            }[tab]()

    def _show_whatif(self) -> None:
        self.what.show_top(self.selection.org)
        self._refresh_candidates()

    def show_tab(self, name: str) -> None:
        """Open a tab by its title (``"What if"``, ``"Plan"``...)."""
        self.tabs.selected_index = TABS.index(name)

    def _refilter(self) -> None:
        self.findings.show(self.selection)

    # ------------------------------------------------------------------ what is shown

    def _what(self, selection: Selection | None = None) -> str:
        return words.what(self.scope, selection or self.selection)

    def _path_now(self, asset: str) -> tuple[list[str], float, bool]:
        """The asset's most likely path: with the chosen actions when there are some."""
        if self.whatif.chosen:
            systems, p = self.whatif.attack_path(asset)
            return systems, p, True
        row = self.scope.paths.loc[asset] if asset in self.scope.paths.index else None
        if row is None or not row["path"]:
            return [], 0.0, False
        return row["path"].split(" > "), float(row["probability"]), False

    def _show_map(self) -> None:
        s = self.selection
        focus = self.scope.focus_asset(s)
        path, _p, _ = self._path_now(focus) if focus else ([], 0.0, False)
        title = f"Map of {self._what(s)}"
        subtitle = f"As of {self.analysis.as_of.isoformat()}"
        if s.kind == "org":
            data = self.maps.data(
                self.maps.org_systems(s.org), extra=path, title=title, subtitle=subtitle
            )
        elif s.kind == "asset":
            held = list(
                self.scope.copies.iloc[self.scope.copies_of_asset.get(s.asset, [])]["system_id"]
            )
            data = self.maps.data(
                held, extra=path, asset_id=s.asset, title=title, subtitle=subtitle
            )
        elif s.kind == "system":
            data = self.maps.data([s.system], extra=path, title=title, subtitle=subtitle)
        else:
            data = self.maps.empty("Choose an organisation to draw its map.")
        self.map.data = data
        self._highlight()

    def _highlight(self) -> None:
        s = self.selection
        focus = self.scope.focus_asset(s)
        path, p, what_if = self._path_now(focus) if focus else ([], 0.0, False)
        marks = {}
        if s.kind == "asset":
            held = self.scope.copies.iloc[self.scope.copies_of_asset.get(s.asset, [])]
            marks = {sid: MARKS["copy"] for sid in held["system_id"]}
        label = f"{self.scope.asset_names.get(focus, '')} ({focus})" if focus else ""
        if s.kind == "org":
            fit = [*self.maps.org_systems(s.org), *path]
        else:
            fit = [*([s.system] if s.system else []), *marks, *path]
        self.map.highlight = {
            "path": path,
            "marks": marks,
            "label": label,
            "focus": s.system or "",
            "serial": self.maps.serial * 1000 + len(self.whatif.chosen),
            "probability": p,
            "whatif": what_if,
            "fit": fit,
        }

    def _show_path(self) -> None:
        focus = self.scope.focus_asset(self.selection)
        systems, p, what_if = self._path_now(focus) if focus else ([], 0.0, False)
        self.path_text.value = words.path_sentence(
            self.scope, self.selection, focus, systems, p, what_if
        )
        update_table(self.path, self.scope.path_steps(focus, systems if what_if else None))

    def _show_blast(self) -> None:
        s = self.selection
        self.blast_text.value = words.blast_sentence(self.scope, s)
        if s.kind == "system":
            update_table(self.blast, self.scope.blast(s.system))
        else:
            update_table(self.blast, self.scope.riskiest_systems(s.org))

    # ------------------------------------------------------------------ what if and plan

    def _subjects(self) -> list[str] | None:
        """The subjects whose actions a selection lists (None: the whole organisation)."""
        s = self.selection
        if s.kind == "system":
            flows = self.scope.flows
            mine = flows[flows["source_system_id"] == s.system]["flow_id"]
            return [s.system, *mine]
        if s.kind == "asset":
            c = self.scope.copies.iloc[self.scope.copies_of_asset.get(s.asset, [])]
            path, *_ = self._path_now(s.asset)
            flows = self.scope.flows
            carried = flows[flows["asset_id"] == s.asset]["flow_id"]
            backups = self.analysis.inventory.backups
            held = set(c["system_id"])
            b = backups[backups["source_system_id"].isin(held)]["backup_id"]
            return [*path, *held, *carried, *b]
        return None

    def _run(self, job, apply, *, background: bool = False) -> None:
        """Run ``job`` (in the background for big inventories, or when asked) and
        ``apply`` its result unless the selection changed meanwhile."""
        generation = self._generation

        def done(result) -> None:
            if generation == self._generation:
                apply(result)

        if not (self.background or background):
            done(job())
            return

        def task():
            result = job()
            with self._lock:
                done(result)

        self._pending.append(self._pool.submit(python_text(task)))

    def _refresh_candidates(self) -> None:
        s = self.selection
        if s.kind == "none":
            self.what.show_candidates(self.whatif.ranked([]), "the whole inventory")
            return
        what, subjects = self._what(s), self._subjects()
        self.what.working(what)
        self._run(
            lambda: self.whatif.ranked(self.whatif.for_subjects(s.org, subjects)),
            lambda ranked: self.what.show_candidates(ranked, what),
        )

    def _whatif_changed(self) -> None:
        self.what.show_top(self.selection.org)
        self._show_path()
        self._highlight()

    def _replan(self) -> None:
        s = self.selection
        if s.kind == "none" or TABS[self.tabs.selected_index or 0] != "Plan":
            self._stale["Plan"] = True
            return
        org, what = s.org, self._what(Selection(org=s.org))
        budget = float(self.plan.budget.value)
        self.plan.working(what)

        def job():
            if (org, budget) not in self._plans:
                actions = self.whatif.for_subjects(org)
                if (org, -1.0) not in self._plans:  # the curve: every action affordable
                    top = sum(self.whatif.cost(a.action_id) for a in actions)
                    self._plans[(org, -1.0)] = self.whatif.plan(budget=top, actions=actions)
                self._plans[(org, budget)] = self.whatif.plan(budget=budget, actions=actions)
            return self._plans[(org, budget)], self._plans[(org, -1.0)]

        self._run(job, lambda r: self.plan.show(r[0], r[1], what), background=True)

    def wait(self) -> None:
        """Wait for the background work to finish (tests and benchmarks)."""
        while self._pending:
            self._pending.pop(0).result()


@python_text
def explore(
    analysis: Analysis,
    *,
    org: str = "",
    asset: str = "",
    system: str = "",
    tab: str = "Findings",
    height: int = 560,
    progress: bool = False,
) -> Explorer:
    """An interactive explorer of an analysis, for JupyterLab (leave it last in a cell).

    Parameters
    ----------
    analysis : Analysis
        From :func:`flowmap.analyse`.
    org, asset, system : str, optional
        What to select first (default: the organisation with the most risk).
    tab : str
        The tab open first: ``Findings``, ``Attack path``, ``Copies``, ``What if``... (TABS).
    height : int
        Height of the map in pixels.
    progress : bool
        A bar naming the steps (building the explorer, opening the tab): seconds a region.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> x = flowmap.explore(a, org="RXA")
    >>> x.selection.org, "RXA-EPR-01" in {n["id"] for n in x.map.data["views"]["systems"]["nodes"]}
    ('RXA', True)
    >>> x.select("RXA", system="RXA-CTX-01"); x.selection.kind
    'system'
    """
    if tab not in TABS:
        raise UsageError(f"tab {tab!r} is not one of {', '.join(TABS)}.", param="tab")
    with stages(["building the explorer", f"opening {tab}"], enabled=progress) as step:
        step()
        explorer = Explorer(analysis, org=org, asset=asset, system=system, height=height)
        step()
        explorer.show_tab(tab)
    return explorer


__all__ = ["Explorer", "explore"]
