"""The explorer's Alert tab: type CVE ids (or a product and versions), see what they touch.

The same answer as ``flowmap alert`` (:func:`flowmap.alert_impact`): the headline, whom to
contact in each organisation, and the systems to act on, most urgent first. Choosing a
row's organisation in the explorer above shows its systems on the map. The KEV catalogue
the explorer was started with (``kev``) describes the CVEs and matches them by product.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w
import pandas as pd

from flowmap.engine.alert import alert_impact
from flowmap.errors import FlowmapError
from flowmap.explorer.tables import table_widget, update_table
from flowmap.inventory.textstorage import python_text
from flowmap.render.board._html import esc

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Columns of the tab's two tables.
ORG_COLUMNS = ["org_name", "contact_name", "contact_email", "affected", "internet_facing",
               "cannot_tell", "records"]  # fmt: skip
SYSTEM_COLUMNS = ["rank", "org_name", "system_name", "os", "verdict", "evidence",
                  "internet_facing", "records", "first_action"]  # fmt: skip


class AlertPanel:
    """CVE ids or a product in, the alert's headline, organisations and systems out."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.cves = w.Text(placeholder="CVE-2023-4966, CVE-2024-3400", description="CVE ids",
                           layout=w.Layout(width="30em"))  # fmt: skip
        self.product = w.Text(placeholder="or a product, e.g. MOVEit Transfer",
                              description="Product", layout=w.Layout(width="26em"))  # fmt: skip
        self.versions = w.Text(placeholder="e.g. <2023.0.2", description="Versions",
                               layout=w.Layout(width="18em"))  # fmt: skip
        self.cves.add_class("fm-x-alert-cves")
        self.go = w.Button(description="Assess", button_style="primary")
        self.go.add_class("fm-x-alert-go")
        self.go.on_click(python_text(lambda _b: self.assess()))
        self.headline = w.HTML("<i>Type CVE ids or a product and press Assess.</i>")
        self.headline.add_class("fm-x-alert-headline")
        self.orgs = table_widget(pd.DataFrame(columns=ORG_COLUMNS))
        self.systems = table_widget(pd.DataFrame(columns=SYSTEM_COLUMNS))
        self.impact = None
        self.box = w.VBox(
            [
                w.HBox(
                    [self.cves, self.product, self.versions, self.go],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                self.headline,
                w.HTML("<b>Who to contact</b>"),
                self.orgs,
                w.HTML("<b>Systems to act on, most urgent first</b>"),
                self.systems,
            ]
        )

    def assess(self) -> None:
        """Work out the alert from the boxes and show it (a mistake is said in one line)."""
        try:
            if self.product.value.strip():
                hit = alert_impact(
                    self.analysis,
                    product=self.product.value.strip(),
                    versions=self.versions.value.strip() or None,
                )
            else:
                hit = alert_impact(self.analysis, cves=[self.cves.value])
        except FlowmapError as exc:
            self.headline.value = f"<span style='color:#d4351c'>{esc(exc)}</span>"
            return
        self.impact = hit
        self.headline.value = "".join(
            f"<p><b>{esc(line)}</b></p>" for line in hit.headline.splitlines()
        )
        update_table(self.orgs, hit.organisations[ORG_COLUMNS])
        update_table(self.systems, hit.systems[SYSTEM_COLUMNS])
