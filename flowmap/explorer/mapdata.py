"""The explorer's map: the page's own systems view, drawn for one selection at region scale.

The map page builds its views from :class:`~flowmap.render.mapview.frames.MapFrames`. At
a thousand organisations building a view from the whole region's frames takes seconds,
so :class:`MapMaker` indexes the frames once and cuts them down to the selection's
neighbourhood (its systems, the flows and backups touching them, their findings and
copies) before the page's own view builder runs: the same nodes, edges and tooltips as
``flowmap map``, in a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flowmap.render.mapview.frames import MapFrames, frames_of
from flowmap.render.mapview.page import page_data
from flowmap.render.mapview.views import systems_view

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: Most flows drawn for one selection: above it the riskiest flows are drawn and the
#: map says how many were left out (a hospital can exchange thousands).
MAX_FLOWS = 1500


def _positions(values: pd.Series) -> dict[str, np.ndarray]:
    """Row positions of each value (one pass, for fast look-ups later)."""
    if not len(values):
        return {}
    return {k: np.asarray(v) for k, v in values.groupby(values, sort=False).indices.items()}


class MapMaker:
    """Map data (what the page's script draws) for an organisation, asset or system."""

    def __init__(self, analysis: Analysis) -> None:
        self.frames = fr = frames_of(analysis)
        self.systems_of_org = _positions(fr.systems["org_id"])
        self.system_row = {s: i for i, s in enumerate(fr.systems["system_id"])}
        self.flows_from = _positions(fr.flows["source_system_id"])
        self.flows_to = _positions(fr.flows["target_system_id"])
        self.flows_of_asset = _positions(fr.flows["asset_id"])
        self.backups_from = _positions(fr.backups["source_system_id"])
        self.backups_to = _positions(fr.backups["target_system_id"])
        self.findings_of = _positions(fr.findings["subject_id"])
        self.copies_on = _positions(fr.copies["system_id"])
        self.copies_of = _positions(fr.copies["asset_id"])
        self.asset_row = {a: i for i, a in enumerate(fr.assets["asset_id"])}
        self.paths_of_org = _positions(fr.paths["org_id"])
        self.serial = 0

    # ------------------------------------------------------------------ neighbourhoods

    def _rows(self, index: dict[str, np.ndarray], keys: Iterable[str]) -> np.ndarray:
        parts = [index[k] for k in keys if k in index]
        return np.unique(np.concatenate(parts)) if parts else np.array([], dtype=np.int64)

    def org_systems(self, org_id: str) -> list[str]:
        rows = self.systems_of_org.get(org_id, np.array([], dtype=np.int64))
        return self.frames.systems["system_id"].to_numpy()[rows].tolist()

    def neighbourhood(
        self, core: Iterable[str], *, extra: Iterable[str] = (), asset_id: str | None = None
    ) -> tuple[MapFrames, int]:
        """The frames cut down to ``core`` systems, every system a flow or backup links
        them to, and ``extra`` systems; ``asset_id`` keeps only that asset's flows.

        Returns the frames and how many flows were left out above :data:`MAX_FLOWS`.
        """
        fr = self.frames
        core = [s for s in dict.fromkeys(core) if s in self.system_row]
        if asset_id is not None:
            flows = fr.flows.iloc[self.flows_of_asset.get(asset_id, [])]
            keep = set(core) | set(extra)
            flows = flows[
                flows["source_system_id"].isin(keep) & flows["target_system_id"].isin(keep)
            ]
        else:
            rows = np.union1d(self._rows(self.flows_from, core), self._rows(self.flows_to, core))
            flows = fr.flows.iloc[rows]
        left_out = max(len(flows) - MAX_FLOWS, 0)
        if left_out:
            flows = self._riskiest(flows)
        brows = np.union1d(self._rows(self.backups_from, core), self._rows(self.backups_to, core))
        backups = fr.backups.iloc[brows]
        if asset_id is not None:
            keep = set(core) | set(extra)
            backups = backups[
                backups["source_system_id"].isin(keep) & backups["target_system_id"].isin(keep)
            ]
        shown = list(
            dict.fromkeys(
                [
                    *core,
                    *flows["source_system_id"],
                    *flows["target_system_id"],
                    *backups["source_system_id"],
                    *backups["target_system_id"],
                    *(s for s in extra if s in self.system_row),
                ]
            )
        )
        systems = fr.systems.iloc[sorted(self.system_row[s] for s in shown if s in self.system_row)]
        copies = fr.copies.iloc[self._rows(self.copies_on, systems["system_id"])]
        assets = set(copies["asset_id"]) | set(flows["asset_id"])
        subjects = [*systems["system_id"], *flows["flow_id"], *assets]
        findings = fr.findings.iloc[self._rows(self.findings_of, subjects)]
        asset_rows = sorted(self.asset_row[a] for a in assets if a in self.asset_row)
        cut = fr.with_tables(
            systems=systems.reset_index(drop=True),
            flows=flows.reset_index(drop=True),
            backups=backups.reset_index(drop=True),
            copies=copies.reset_index(drop=True),
            assets=fr.assets.iloc[asset_rows].reset_index(drop=True),
            findings=findings.reset_index(drop=True),
            paths=fr.paths.iloc[:0],
        )
        return cut, left_out

    def _riskiest(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The :data:`MAX_FLOWS` flows with the worst findings, then the most records."""
        f = self.frames.findings
        score = f[f["subject_type"] == "flow"].groupby("subject_id")["score"].max()
        order = flows.assign(
            _score=flows["flow_id"].map(score).fillna(0.0),
            _records=pd.to_numeric(flows["records_per_year"], errors="coerce").fillna(0),
        ).sort_values(["_score", "_records", "flow_id"], ascending=[False, False, True])
        return order.head(MAX_FLOWS).drop(columns=["_score", "_records"]).sort_index()

    # ------------------------------------------------------------------ page data

    def data(
        self,
        core: Iterable[str],
        *,
        title: str,
        subtitle: str,
        extra: Iterable[str] = (),
        asset_id: str | None = None,
    ) -> dict:
        """The page data of the systems view of a neighbourhood (see :meth:`neighbourhood`);
        ``serial`` grows with every map, so a browser can tell a new one has been drawn."""
        cut, left_out = self.neighbourhood(core, extra=extra, asset_id=asset_id)
        view = systems_view(cut)
        view.title = title
        if left_out:
            view.notes.append(
                f"{left_out:,} more flows are not drawn: the {len(cut.flows):,} with the worst "
                "findings are (see the findings table for every one)."
            )
        self.serial += 1
        data = page_data([view], title=title, subtitle=subtitle)
        data["serial"] = self.serial
        data["systems"] = len(cut.systems)
        return data

    def empty(self, message: str) -> dict:
        """Page data with nothing to draw and a note saying why."""
        self.serial += 1
        cut = self.frames.with_tables(
            systems=self.frames.systems.iloc[:0],
            flows=self.frames.flows.iloc[:0],
            backups=self.frames.backups.iloc[:0],
            copies=self.frames.copies.iloc[:0],
            findings=self.frames.findings.iloc[:0],
            paths=self.frames.paths.iloc[:0],
        )
        view = systems_view(cut)
        view.title = message
        view.notes.append(message)
        data = page_data([view], title=message, subtitle="")
        data["serial"] = self.serial
        data["systems"] = 0
        return data
