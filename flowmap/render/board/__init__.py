"""Board-report building blocks: the figures, tables and charts a notebook cell shows.

The board report notebook builds one :class:`Paper` and asks it for each section in
turn (cover, headline figures, trend, top risks, ...). The same blocks are functions
that take an :class:`~flowmap.engine.analysis.Analysis` (and optionally an organisation)
and return a :class:`Table` (a DataFrame as ``.frame``), a matplotlib chart or a small
object that renders itself as HTML in Jupyter, so the notebooks in ``notebooks/`` stay
one call per cell. Every figure is computed from the analysis's own tables, so it
matches ``flowmap analyse`` on the same input. See docs/report.md.
"""

from __future__ import annotations

from flowmap.render.board.charts import attack_path_diagram, risk_by_organisation_chart, trend_chart
from flowmap.render.board.cover import CoverDetails
from flowmap.render.board.data import backup_resilience, sensitive_copies
from flowmap.render.board.explore import (
    asset_register,
    blast_radius,
    data_quality_report,
    likelihood_table,
    systems_by_kind,
    validation,
)
from flowmap.render.board.headlines import HEADLINES, Headline, Headlines, headlines
from flowmap.render.board.investment import investment_plan, plan_appendix, plan_for_report
from flowmap.render.board.load import load, load_for_report, load_previous, read_shared, save_shared
from flowmap.render.board.matrix import RiskMatrix, risk_matrix
from flowmap.render.board.paper import Paper
from flowmap.render.board.quality import changes, data_quality
from flowmap.render.board.risks import attack_paths, problems, top_risks
from flowmap.render.board.sharing import (
    CAF_OUTCOMES,
    caf_mapping,
    dspt_position,
    ig_coverage,
    unlawful_sensitive_flows,
)
from flowmap.render.board.table import Table
from flowmap.render.board.trend import Position, Trend, load_trend

__all__ = [
    "CAF_OUTCOMES",
    "HEADLINES",
    "CoverDetails",
    "Headline",
    "Headlines",
    "Paper",
    "Position",
    "RiskMatrix",
    "Table",
    "Trend",
    "asset_register",
    "attack_path_diagram",
    "attack_paths",
    "backup_resilience",
    "blast_radius",
    "caf_mapping",
    "changes",
    "data_quality",
    "data_quality_report",
    "dspt_position",
    "headlines",
    "ig_coverage",
    "investment_plan",
    "likelihood_table",
    "load",
    "load_for_report",
    "load_previous",
    "load_trend",
    "plan_appendix",
    "plan_for_report",
    "problems",
    "read_shared",
    "risk_by_organisation_chart",
    "risk_matrix",
    "save_shared",
    "sensitive_copies",
    "systems_by_kind",
    "title_block",
    "top_risks",
    "trend_chart",
    "unlawful_sensitive_flows",
    "validation",
]
