"""The explorer's "Can we share this?" tab: a proposed flow answered in plain English.

The same answer as ``flowmap check-flow`` (:func:`flowmap.check_flow`): pick the asset,
who sends it (the selected organisation, or one of its systems), who receives it, the
purpose and the transport, and the tab shows the verdict, the conditions and each
question with its answer and sources. Proposals already written in the inventory's
``proposed_flows`` table are listed with their verdicts. It is guidance for an IG lead,
not legal advice, and the tab says so once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w
import pandas as pd

from flowmap.errors import FlowmapError
from flowmap.explorer.scope import Scope, Selection
from flowmap.explorer.tables import table_widget, update_table
from flowmap.explorer.words import esc
from flowmap.governance.checkflow import (
    DISCLAIMER,
    PURPOSE_WORDS,
    SharingAnswer,
    check_flow,
    check_proposals,
    verdicts_frame,
)
from flowmap.inventory.choices import PURPOSES, TRANSPORTS
from flowmap.inventory.textstorage import python_text
from flowmap.render.paperwork.checkflow import answer_html

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

NONE = ""

#: The answer's styles, scoped to the tab so nothing leaks into JupyterLab's page.
CSS = """<style>
.fm-x-sharing .card { border: 1px solid #b1b4b6; padding: 4px 10px 8px; margin: 10px 0; }
.fm-x-sharing h2 { font-size: 17px; margin: 8px 0; }
.fm-x-sharing h3 { font-size: 15px; margin: 12px 0 4px; }
.fm-x-sharing table { border-collapse: collapse; width: 100%; table-layout: fixed; }
.fm-x-sharing th, .fm-x-sharing td { border: 1px solid #b1b4b6; padding: 4px 6px;
  text-align: left; vertical-align: top; overflow-wrap: anywhere; }
.fm-x-sharing th { background: #f3f2f1; }
.fm-x-sharing .tag { display: inline-block; padding: 1px 8px; font-weight: bold;
  color: #fff; border-radius: 2px; }
.fm-x-sharing .tag.red { background: #d4351c; } .fm-x-sharing .tag.amber { background: #b35a00; }
.fm-x-sharing .tag.green { background: #00703c; } .fm-x-sharing .tag.grey { background: #505a5f; }
.fm-x-sharing .tag.blue { background: #1d70b8; }
.fm-x-sharing .small { font-size: 11px; color: #505a5f; }
.fm-x-sharing .notice { border-left: 6px solid #1d70b8; background: #f3f2f1;
  padding: 6px 10px; margin: 6px 0; }
</style>"""

WIDE = {"style": {"description_width": "initial"}, "layout": w.Layout(width="30em")}


def proposal_cells(
    *,
    org: str,
    asset: str,
    source_system: str,
    to_org: str,
    target_system: str,
    purpose: str,
    transport: str,
) -> dict[str, str]:
    """The :func:`~flowmap.check_flow` cells the form's choices stand for (empty
    choices left out, so the checker says what it cannot tell)."""
    cells = {"asset_id": asset, "purpose": purpose, "proposal_id": "Proposal"}
    if source_system:
        cells["source_system_id"] = source_system
    else:
        cells["from_org_id"] = org
    if target_system:
        cells["target_system_id"] = target_system
    else:
        cells["to_org_id"] = to_org
    if transport:
        cells["transport"] = transport
    return cells


class SharingPanel:
    """The "Can we share this?" tab: a form, its answer, and the inventory's proposals."""

    def __init__(
        self,
        analysis: Analysis,
        scope: Scope,
        run: Callable[[Callable[[], object], Callable[[object], None]], None],
    ) -> None:
        self.analysis = analysis
        self.scope = scope
        self._run = run
        self.org = NONE
        self.asset = w.Dropdown(options=[("(choose an asset)", NONE)], description="Asset", **WIDE)
        self.source = w.Dropdown(
            options=[("(the organisation)", NONE)], description="Sent from", **WIDE
        )
        self.to_org = w.Dropdown(
            options=[("(choose who receives it)", NONE)] + scope.org_options(),
            description="Received by",
            **WIDE,
        )
        self.target = w.Dropdown(
            options=[("(the organisation)", NONE)], description="Into system", **WIDE
        )
        self.purpose = w.Dropdown(
            options=[(PURPOSE_WORDS.get(p, p).capitalize(), p) for p in PURPOSES],
            value="direct_care",
            description="Purpose",
            **WIDE,
        )
        self.transport = w.Dropdown(
            options=[("(not decided)", NONE)] + [(t.replace("_", " "), t) for t in TRANSPORTS],
            description="Transport",
            **WIDE,
        )
        self.risk = w.Checkbox(
            value=False,
            description="Work out the risk it adds (analyses the inventory again)",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.button = w.Button(description="Can we share this?", button_style="primary")
        self.answer = w.HTML()
        self.proposals_text = w.HTML()
        self.proposals = table_widget(verdicts_frame([]))
        self.last: SharingAnswer | None = None
        for name, control in (
            ("asset", self.asset),
            ("source", self.source),
            ("to-org", self.to_org),
            ("target", self.target),
            ("purpose", self.purpose),
            ("transport", self.transport),
            ("risk", self.risk),
            ("check", self.button),
            ("answer", self.answer),
            ("proposals", self.proposals),
        ):
            control.add_class(f"fm-x-share-{name}")
        self.to_org.observe(
            python_text(lambda change: self._receiver(change["new"])), names="value"
        )
        self.button.on_click(python_text(lambda _b: self.check()))
        self.box = w.VBox(
            [
                w.HTML(
                    f"{CSS}<div class='fm-x-sharing'><p class='notice'>{esc(DISCLAIMER)}</p></div>"
                ),
                w.HBox([self.asset, self.purpose], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.source, self.transport], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.to_org, self.target], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.button, self.risk]),
                self.answer,
                self.proposals_text,
                self.proposals,
            ]
        )
        self.box.add_class("fm-x-sharing")
        self._proposals_shown = False

    # ------------------------------------------------------------------ the form

    def show(self, selection: Selection) -> None:
        """Offer the selected organisation's assets and systems as the sending end."""
        if selection.org != self.org:
            self.org = selection.org
            self.asset.options = [("(choose an asset)", NONE)] + self.scope.asset_options(
                selection.org
            )
            self.source.options = [("(the organisation)", NONE)] + self.scope.system_options(
                selection.org
            )
            self.answer.value = ""
        if selection.asset:
            self.asset.value = selection.asset
        if selection.system:
            self.source.value = selection.system
        if not self._proposals_shown:
            self._proposals_shown = True
            self._show_proposals()

    def _receiver(self, org: str) -> None:
        self.target.options = [("(the organisation)", NONE)] + (
            self.scope.system_options(org) if org else []
        )

    def cells(self) -> dict[str, str]:
        """The proposal the form describes, as :func:`~flowmap.check_flow` cells."""
        return proposal_cells(
            org=self.org,
            asset=self.asset.value,
            source_system=self.source.value,
            to_org=self.to_org.value,
            target_system=self.target.value,
            purpose=self.purpose.value,
            transport=self.transport.value,
        )

    def check(self) -> None:
        """Answer the form's proposal (in the background for big inventories)."""
        if not self.org or not self.asset.value or not self.to_org.value:
            self.answer.value = (
                "<p class='fm-x-share-missing'>Choose an organisation, one of its assets and "
                "who would receive it.</p>"
            )
            return
        cells = self.cells()
        risk = self.risk.value and "source_system_id" in cells and "target_system_id" in cells
        self.answer.value = "<p>Working it out...</p>"

        def job() -> SharingAnswer | str:
            try:
                return check_flow(self.analysis, risk=risk, **cells)
            except FlowmapError as exc:  # a choice the checker cannot use: said, not raised
                return str(exc)

        self._run(job, self._answered)

    def _answered(self, result: object) -> None:
        if isinstance(result, SharingAnswer):
            self.last = result
            self.answer.value = f"<div class='fm-x-sharing'>{answer_html(result)}</div>"
        else:
            self.last = None
            self.answer.value = f"<p class='fm-x-share-error'>{esc(result)}</p>"

    # ------------------------------------------------------------------ proposals

    def _show_proposals(self) -> None:
        proposals = self.analysis.inventory.tables.get("proposed_flows")
        if proposals is None or not len(proposals):
            self.proposals_text.value = (
                "<p class='small'>The inventory has no proposed flows (the optional "
                "<code>proposed_flows</code> table); answer one with the form above.</p>"
            )
            update_table(self.proposals, verdicts_frame([]))
            return
        self.proposals_text.value = (
            f"<h3>Proposals in the inventory ({len(proposals):,})</h3>"
            "<p class='small'>Without the risk each adds (<code>flowmap check-flow</code> "
            "works that out).</p>"
        )

        def job() -> pd.DataFrame | str:
            try:
                return verdicts_frame(check_proposals(self.analysis, risk=False))
            except FlowmapError as exc:
                return str(exc)

        def done(result: object) -> None:
            if isinstance(result, pd.DataFrame):
                update_table(self.proposals, result.drop(columns=["risk_added"]))
            else:
                self.proposals_text.value += f"<p class='fm-x-share-error'>{esc(result)}</p>"

        self._run(job, done)


__all__ = ["SharingPanel", "proposal_cells"]
