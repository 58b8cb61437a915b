"""The explorer's panels: findings with their filters, the live what-if and the budget plan.

Each panel is a small class holding its ipywidgets and a ``show(...)`` method the
explorer calls when the selection changes. Text from the inventory reaches the page
only as widget values or escaped HTML.
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from flowmap.engine.settings import SEVERITIES
from flowmap.explorer.chart import spend_curve
from flowmap.explorer.scope import FAMILIES, Scope, Selection
from flowmap.explorer.tables import table_widget, update_table
from flowmap.explorer.whatif import WhatIf, curve
from flowmap.explorer.words import esc
from flowmap.inventory.textstorage import python_text

ANY = ""


def money(value: float) -> str:
    return f"£{value:,.0f}"


class FindingsPanel:
    """The selection's findings, filtered by severity, rule family and organisation."""

    def __init__(self, scope: Scope, on_change) -> None:
        self.scope = scope
        self.severity = {
            s: w.Checkbox(
                value=True, description=s.capitalize(), indent=False, layout=w.Layout(width="auto")
            )
            for s in SEVERITIES
        }
        for s, box in self.severity.items():
            box.add_class(f"fm-x-sev-{s}")
        self.family = w.Dropdown(
            options=[("All rule families", ANY)] + [(v, k) for k, v in FAMILIES.items()],
            value=ANY,
            description="Rules",
            layout=w.Layout(width="26em"),
        )
        self.family.add_class("fm-x-family")
        self.org = w.Dropdown(
            options=[("All organisations", ANY)],
            value=ANY,
            description="Organisation",
            layout=w.Layout(width="26em"),
            style={"description_width": "initial"},
        )
        self.org.add_class("fm-x-finding-org")
        self.count = w.HTML()
        self.count.add_class("fm-x-finding-count")
        self.table = table_widget(scope.findings_for(Selection()).head(0))
        self.table.add_class("fm-x-findings")
        for control in [*self.severity.values(), self.family, self.org]:
            control.observe(python_text(lambda _change: on_change()), names="value")
        filters = w.HBox(
            [w.HTML("<b>Severity</b>&nbsp;"), *self.severity.values()],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )
        self.box = w.VBox([filters, w.HBox([self.family, self.org]), self.count, self.table])

    def show(self, selection: Selection) -> None:
        unfiltered = self.scope.findings_for(selection)
        orgs = sorted(set(unfiltered["Organisation"]))
        names = {v: k for k, v in self.scope.org_names.items()}
        options = [("All organisations", ANY)] + [(o, names.get(o, o)) for o in orgs]
        if self.org.options != tuple(options):
            keep = self.org.value if self.org.value in [v for _, v in options] else ANY
            self.org.options, self.org.value = options, keep
        chosen = tuple(s for s, box in self.severity.items() if box.value)
        frame = self.scope.findings_for(
            selection,
            severities=chosen if len(chosen) < len(SEVERITIES) else (),
            families=(self.family.value,) if self.family.value else (),
            org=self.org.value,
        )
        self.count.value = (
            f"<span data-count='{len(frame)}'>{len(frame):,} of {len(unfiltered):,} "
            "findings shown</span>"
        )
        update_table(self.table, frame)


class WhatIfPanel:
    """Tick candidate actions and see the total risk, the top risks and the paths change."""

    def __init__(self, whatif: WhatIf, on_change) -> None:
        self.whatif = whatif
        self.on_change = on_change
        self.totals = w.HTML()
        self.totals.add_class("fm-x-totals")
        self.note = w.HTML("<i>Working out the candidate actions\u2026</i>")
        self.list = w.VBox()
        self.list.add_class("fm-x-actions")
        self.clear = w.Button(description="Clear all", icon="undo")
        self.clear.on_click(python_text(lambda _b: self.set_chosen([])))
        self.top = table_widget(pd.DataFrame())
        self.top.add_class("fm-x-top-risks")
        self.boxes: dict[str, w.Checkbox] = {}
        self._quiet = False
        self.box = w.VBox(
            [
                self.totals,
                w.HTML(
                    "<b>Candidate actions</b> for the selection, the most risk removed first "
                    "(tick to try one; the figures above, the top risks and the path on the "
                    "map follow):"
                ),
                self.note,
                self.list,
                self.clear,
                w.HTML("<b>Top risks</b> (assets) with the chosen actions:"),
                self.top,
            ]
        )
        self.render_totals()

    def render_totals(self) -> None:
        t = self.whatif.totals()
        self.totals.value = (
            "<div class='fm-x-figures'>Total risk now: "
            f"<b id='fm-x-before' data-value='{t.before:.2f}'>{t.before:,.2f}</b>"
            f" &middot; with {t.chosen} chosen action{'s' if t.chosen != 1 else ''}: "
            f"<b id='fm-x-after' data-value='{t.after:.2f}'>{t.after:,.2f}</b>"
            f" (risk removed {t.removed:,.2f}, cost {money(t.spent)})</div>"
        )

    def show_candidates(self, ranked: pd.DataFrame, what: str) -> None:
        """List candidates (from :meth:`WhatIf.ranked`) as tick boxes."""
        self._quiet = True
        rows, self.boxes = [], {}
        for r in ranked.itertuples(index=False):
            box = w.Checkbox(value=bool(r.chosen), indent=False, layout=w.Layout(width="2em"))
            box.add_class("fm-x-action")
            box.add_class("fm-x-action-" + _css_id(r.action_id))
            box.observe(
                python_text(lambda change, aid=r.action_id: self._toggled(aid, change)),
                names="value",
            )
            self.boxes[r.action_id] = box
            label = w.HTML(
                f"<span title='{esc(r.action_id)}'>{esc(r.action)} &mdash; removes "
                f"<b>{r.risk_removed:,.2f}</b> on its own, costs {money(r.cost_gbp)}</span>"
            )
            rows.append(w.HBox([box, label], layout=w.Layout(align_items="center")))
        self.list.children = rows
        self.note.value = (
            f"<i>No candidate actions for {esc(what)}.</i>"
            if not rows
            else f"<i>{len(rows)} candidate action{_s(len(rows))} for {esc(what)}.</i>"
        )
        self._quiet = False

    def working(self, what: str) -> None:
        self.list.children = []
        self.note.value = f"<i>Working out the candidate actions for {esc(what)}\u2026</i>"

    def _toggled(self, action_id: str, change) -> None:
        if self._quiet:
            return
        self.whatif.choose(action_id, bool(change["new"]))
        self.render_totals()
        self.on_change()

    def set_chosen(self, action_ids: list[str]) -> None:
        self.whatif.set_chosen(action_ids)
        self._quiet = True
        for aid, box in self.boxes.items():
            box.value = aid in self.whatif.chosen
        self._quiet = False
        self.render_totals()
        self.on_change()

    def show_top(self, org: str) -> None:
        update_table(self.top, self.whatif.top_risks(org=org))


class PlanPanel:
    """A budget slider: the planner's choice for the selection's organisation, and the
    curve of risk left against money spent."""

    def __init__(self, whatif: WhatIf, on_plan, on_use) -> None:
        self.whatif = whatif
        self.budget = w.IntSlider(
            value=50_000,
            min=0,
            max=500_000,
            step=5_000,
            description="Budget £",
            continuous_update=False,
            layout=w.Layout(width="40em"),
            style={"description_width": "5em"},
        )
        self.budget.add_class("fm-x-budget")
        self.budget.observe(python_text(lambda _c: on_plan()), names="value")
        self.use = w.Button(
            description="Try this plan in the what-if", icon="check", layout=w.Layout(width="auto")
        )
        self.use.on_click(python_text(lambda _b: on_use(self.chosen)))
        self.status = w.HTML()
        self.status.add_class("fm-x-plan-status")
        self.chart = w.HTML()
        self.chart.add_class("fm-x-curve")
        self.steps = table_widget(pd.DataFrame())
        self.steps.add_class("fm-x-plan")
        self.chosen: list[str] = []
        self.box = w.VBox([w.HBox([self.budget, self.use]), self.status, self.chart, self.steps])

    def working(self, what: str) -> None:
        self.status.value = f"<i>Planning for {esc(what)}\u2026</i>"

    def show(self, result, full, what: str) -> None:
        """Show a plan (``result``) and the curve of the largest budget's plan (``full``)."""
        self.chosen = [a.action_id for a in result.actions]
        self.status.value = (
            f"<div data-spent='{result.spent:.2f}' data-risk-after='{result.risk_after:.2f}'>"
            f"For {esc(what)}: {len(result.steps)} action{'s' if len(result.steps) != 1 else ''}"
            f" for {money(result.spent)} of {money(result.budget)} remove "
            f"<b>{result.risk_removed:,.2f}</b> of {result.risk_before:,.2f} risk.</div>"
        )
        self.chart.value = spend_curve(
            curve(full), budget=result.budget, marker=(result.spent, result.risk_after)
        )
        s = result.steps
        update_table(
            self.steps,
            pd.DataFrame(
                {
                    "Order": s["order"],
                    "Action": s["action"],
                    "Cost £": s["cost_gbp"].round(0),
                    "Risk removed": s["risk_removed"],
                    "Spent so far £": s["cumulative_cost_gbp"].round(0),
                    "Why": s["reason"],
                }
            ),
        )


def _css_id(action_id: str) -> str:
    """An action id as a CSS class name (letters, digits and dashes)."""
    return "".join(ch if ch.isalnum() else "-" for ch in action_id)


def _s(n: int) -> str:
    return "" if n == 1 else "s"
