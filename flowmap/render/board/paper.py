"""The board paper: one object that the report notebook asks for each section in turn.

:class:`Paper` holds the analysis, the organisation reported on, the investment plan,
the trend and what the analyst states on the cover, and computes what several sections
share (headline figures, names) once. Each method returns something a notebook cell
shows: the cover, tiles, tables, charts and the map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowmap.render import fmt
from flowmap.render.board import cache, charts, data, investment, paperwork, quality, risks, sharing
from flowmap.render.board._html import HtmlBlock, block, esc, style_tag
from flowmap.render.board.cover import (
    PURPOSE_ASSURANCE,
    PURPOSE_DECISION,
    CoverDetails,
    assurance_words,
    cover_html,
    proposed_assurance,
)
from flowmap.render.board.headlines import Headlines, headlines
from flowmap.render.board.load import check_org, org_name, scoped
from flowmap.render.board.matrix import risk_matrix
from flowmap.render.board.method import reference_cautions
from flowmap.render.board.trend import Trend, position_of, trend_table

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis


class Paper:
    """The board paper of one analysis (for one organisation when ``org`` is given).

    Parameters
    ----------
    analysis : Analysis
    org : str
        Report on this organisation ('' for the whole inventory).
    plan : Plan, optional
        The investment plan (:func:`~flowmap.render.board.investment.plan_for_report`).
    trend : Trend, optional
        Earlier positions (:func:`~flowmap.render.board.trend.load_trend`).
    top : int
        Risks listed in the top risks.
    redact : bool
        Pseudonymise names on the map.
    **details
        The cover's fields (:class:`~flowmap.render.board.cover.CoverDetails`).
    """

    def __init__(
        self,
        analysis: Analysis,
        *,
        org: str = "",
        plan=None,
        trend: Trend | None = None,
        top: int = 10,
        redact: bool = False,
        **details: str,
    ) -> None:
        check_org(analysis, org)
        self.analysis = analysis
        self.org = org or ""
        self.plan = plan
        self.trend = trend or Trend(current=position_of(analysis, org))
        self.top = top
        self.redact = redact
        self.details = CoverDetails(**{k: v for k, v in details.items() if v is not None})
        self.details.stated_assurance()  # refuse an assurance level not on the scale now
        last = self.trend.last
        self.headlines: Headlines = headlines(
            analysis,
            self.org or None,
            before=dict(last.headlines) if last else None,
            since=last.as_of if last else None,
        )

    # -- who and when ------------------------------------------------------------------
    @property
    def scope(self) -> str:
        if self.org:
            return org_name(self.analysis, self.org)
        n = len(self.analysis.inventory.organisations)
        return f"All {n:,} organisations in the partnership"

    @property
    def running_title(self) -> str:
        who = org_name(self.analysis, self.org) if self.org else ""
        parts = [self.details.title, who, f"position as of {fmt.day(self.analysis.as_of)}"]
        return " \u2014 ".join(p for p in parts if p)

    @property
    def total_risk(self) -> float:
        current = self.trend.current
        if current is not None and current.total_risk is not None:
            return float(current.total_risk)
        return float(self.analysis.total_risk)

    # -- the cover ---------------------------------------------------------------------
    def purpose(self) -> str:
        if self.details.purpose.strip():
            return self.details.purpose.strip()
        has_plan = self.plan is not None and len(self.plan.steps) > 0
        return PURPOSE_DECISION if has_plan else PURPOSE_ASSURANCE

    def assurance(self) -> tuple[str, str]:
        stated = self.details.stated_assurance()
        if stated:
            return stated, "set by the author"
        return proposed_assurance([h.status for h in self.headlines], self.details.scale())

    def key_points(self, limit: int = 5) -> list[str]:
        """The three to five things the board must know, most important first."""
        a, org = self.analysis, self.org or None
        h = {x.key: x for x in self.headlines}
        points: list[str] = []
        last = self.trend.last
        if last is not None and last.total_risk is not None:
            points.append(
                f"Total risk is {fmt.risk(self.total_risk)} risk points, "
                f"{fmt.change(last.total_risk, self.total_risk)} since {fmt.day(last.as_of)} "
                f"(from {fmt.risk(last.total_risk)})."
            )
        systems = scoped(a.systems, org)
        names = risks.org_names(a)
        if h["kev_open"].value:
            kev = systems[systems["open_kev"] > 0]
            exposed = kev[kev["internet_facing"].fillna(False).astype(bool)]
            example = (exposed if len(exposed) else kev).sort_values(
                ["open_kev", "system_id"], ascending=[False, True]
            )
            first = example.iloc[0] if len(example) else None
            points.append(
                f"{fmt.plural(h['kev_open'].value, 'vulnerability', 'vulnerabilities')} that "
                f"attackers are known to exploit {'is' if h['kev_open'].value == 1 else 'are'} "
                f"open on {fmt.plural(len(kev), 'system')}"
                + (
                    f", {len(exposed):,} of them reachable from the internet"
                    if len(exposed)
                    else ""
                )
                + (
                    f", including {first['name']} at {names.get(first['org_id'], first['org_id'])}."
                    if first is not None
                    else "."
                )
            )
        if h["unsupported_systems"].value:
            eol = systems[systems["eol_status"] == "eol"]
            exposed = int(eol["internet_facing"].fillna(False).astype(bool).sum())
            points.append(
                f"{fmt.plural(h['unsupported_systems'].value, 'system')} "
                f"run an operating system that no longer receives security fixes"
                + (f", {exposed:,} of them reachable from the internet." if exposed else ".")
            )
        paths = scoped(a.attack_paths, org)
        if len(paths):
            p = paths.iloc[0]
            entry = a.systems.set_index("system_id")["name"].get(p["entry_system_id"], "")
            how = risks.ENTRY_WORDS.get(p["entry_kind"], "")
            points.append(
                f"The most likely attack reaches {p['asset_name']} "
                f"({names.get(p['org_id'], p['org_id'])}) with a {fmt.pct(p['probability'])} "
                f"chance, starting at {entry}" + (f" {how}." if how else ".")
            )
        if h["assets_without_resilient_backup"].value:
            points.append(
                f"{fmt.plural(h['assets_without_resilient_backup'].value, 'information asset')} "
                "would not survive ransomware intact: no backup, no offline copy or no "
                "restore tested in the last year."
            )
        if h["sensitive_flows_unlawful"].value:
            points.append(
                f"{fmt.plural(h['sensitive_flows_unlawful'].value, 'flow')} of special "
                "category data (health, care or other sensitive data) "
                f"{'has' if h['sensitive_flows_unlawful'].value == 1 else 'have'} no "
                "recorded lawful basis or no data-sharing agreement in force."
            )
        if h["overdue_critical_patches"].value and len(points) < limit:
            n = h["overdue_critical_patches"].value
            points.append(
                f"{fmt.plural(n, 'serious vulnerability', 'serious vulnerabilities')} "
                f"{'remains' if n == 1 else 'remain'} unpatched more than 14 days after the fix "
                "was released."
            )
        if not points:
            points.append("No headline figure is above its tolerance.")
        return points[:limit]

    def asks(self) -> list[str]:
        """What the board is asked to decide or note."""
        h = {x.key: x.value for x in self.headlines}
        level, _ = self.assurance()
        out = [f"note the position and the level of assurance it gives: {assurance_words(level)};"]
        if self.plan is not None and len(self.plan.steps):
            removed = investment.share_removed(self.plan)
            share = f", removing {fmt.pct(removed)} of measured risk" if removed else ""
            out.append(
                f"approve {fmt.gbp(self.plan.spent)} for the "
                f"{fmt.plural(len(self.plan.steps), 'action')} of the investment plan{share};"
            )
        if h["kev_open"]:
            out.append(
                "ask system owners to fix or isolate the known-exploited vulnerabilities "
                "now and report progress to the next meeting;"
            )
        if h["sensitive_flows_unlawful"]:
            out.append(
                "ask the Caldicott Guardian and the Data Protection Officer to put a lawful "
                "basis and agreements in place for the sensitive flows without them."
            )
        out[-1] = out[-1].rstrip(";.") + "."
        return out

    def investment_line(self) -> str:
        if self.plan is None:
            return "No investment plan was prepared."
        who = f" at {org_name(self.analysis, self.org)}" if self.org else ""
        return investment.plan_sentence(
            self.plan, who=who, own=investment.own_risk(self.analysis, self.org)
        )

    def cover(self) -> HtmlBlock:
        """Page one: the cover sheet, the key points, the recommendation."""
        level, why = self.assurance()
        return HtmlBlock(
            style_tag()
            + cover_html(
                details=self.details,
                scope=self.scope,
                as_of=self.analysis.as_of,
                inventory=self.analysis.inventory.name,
                purpose=self.purpose(),
                assurance=level,
                assurance_why=why,
                points=self.key_points(),
                asks=self.asks(),
                investment=self.investment_line(),
                running_title=self.running_title,
                cautions=reference_cautions(self.analysis),
            )
        )

    # -- the sections --------------------------------------------------------------------
    def figures(self) -> Headlines:
        """The headline figures with their status and movement."""
        return self.headlines

    def total(self) -> HtmlBlock:
        """Total risk in one sentence, with what it means."""
        last = self.trend.last
        moved = (
            f", {fmt.change(last.total_risk, self.total_risk)} since {fmt.day(last.as_of)}"
            if last is not None and last.total_risk is not None
            else ""
        )
        return block(
            f'<p class="fm-lead">Total risk: <b><span id="fm-total-risk" '
            f'data-value="{self.total_risk:.2f}">{esc(fmt.risk(self.total_risk))}</span> '
            f"risk points</b>{esc(moved)}.</p><p>Risk points add up, for every information "
            "asset, the chance that an attacker reaches it times the harm its loss would "
            "cause (0 to 100), and a smaller share for each gap in how it is governed. They "
            "are for comparing quarters and organisations, not a sum of money; the appendix "
            "says how they are worked out.</p>",
            id="fm-total",
        )

    def trend_table(self):
        if not self.trend.earlier:
            return block(
                "<p>This is the first position on record: earlier inventories or findings "
                "outputs would show the trend here.</p>",
                id="fm-trend",
            )
        return trend_table(self.trend)

    def trend_chart(self):
        return charts.trend_chart(self.trend)

    def matrix(self):
        return risk_matrix(self.analysis, org=self.org or None)

    def risk_by_organisation(self):
        return charts.risk_by_organisation_chart(
            self.analysis, org=self.org or None, by_asset=self.by_asset
        )

    @property
    def by_asset(self):
        """Each asset's risk (``analysis.risk_by_asset()``), worked out once."""
        return cache.risk_by_asset(self.analysis)

    def top_risks(self):
        return risks.top_risks(self.analysis, org=self.org or None, n=self.top)

    def attack_path_diagram(self):
        return charts.attack_path_diagram(self.analysis, org=self.org or None)

    def attack_paths(self):
        return risks.attack_paths(self.analysis, org=self.org or None)

    def map(self) -> HtmlBlock:
        """The interactive map on screen, a static picture of it on paper."""
        from flowmap.render.board.mapimage import map_block

        return map_block(self.analysis, org=self.org or None, redact=self.redact)

    def sensitive_data(self):
        return data.sensitive_copies(self.analysis, org=self.org or None)

    def backups(self):
        return data.backup_resilience(self.analysis, org=self.org or None)

    def sharing(self):
        return sharing.ig_coverage(self.analysis, org=self.org or None)

    def unlawful_flows(self):
        return sharing.unlawful_sensitive_flows(self.analysis, org=self.org or None)

    def agreements_ending(self):
        return paperwork.agreements_ending(self.analysis, org=self.org or None)

    def dspt_evidence(self):
        return paperwork.dspt_outcomes(self.analysis, org=self.org or None)

    def dspt(self):
        return sharing.dspt_position(self.analysis, org=self.org or None)

    def caf(self):
        return sharing.caf_mapping(self.analysis, org=self.org or None)

    def investment(self):
        if self.plan is None:
            return block("<p>No investment plan was prepared.</p>", id="fm-plan")
        return investment.investment_plan(self.analysis, self.plan, org=self.org or None)

    def plan_appendix(self):
        if self.plan is None:
            return block("<p>No investment plan was prepared.</p>", id="fm-plan-all")
        return investment.plan_appendix(self.analysis, self.plan)

    def data_quality(self):
        return quality.data_quality(self.analysis)

    def changes(self):
        return quality.changes(self.trend.comparison, self.analysis, org=self.org or None)

    def method(self) -> HtmlBlock:
        from flowmap.render.board.method import method_block

        return method_block(self.analysis)

    def __repr__(self) -> str:
        return f"Paper({self.scope}, as of {self.analysis.as_of})"


__all__ = ["Paper"]
