"""Board-report building blocks: the figures, tables and charts a notebook cell shows.

Every function takes an :class:`~flowmap.engine.analysis.Analysis` (and optionally an
organisation) and returns a DataFrame, a matplotlib figure or a small object that
renders itself as HTML in Jupyter, so that the notebooks in ``notebooks/`` stay one
call per cell. Every figure is computed from the analysis's own tables, so it matches
``flowmap analyse`` on the same input. See docs/report.md.
"""

from __future__ import annotations

from flowmap.render.board.charts import attack_path_diagram, risk_by_organisation_chart
from flowmap.render.board.explore import (
    asset_register,
    blast_radius,
    data_quality_report,
    likelihood_table,
    systems_by_kind,
    validation,
)
from flowmap.render.board.headlines import HEADLINES, Headline, Headlines, headlines
from flowmap.render.board.load import load, load_for_report, load_previous, title_block
from flowmap.render.board.matrix import RiskMatrix, risk_matrix
from flowmap.render.board.tables import (
    CAF_OUTCOMES,
    attack_paths,
    backup_resilience,
    caf_mapping,
    changes,
    data_quality,
    ig_coverage,
    investment_plan,
    sensitive_copies,
    top_risks,
)

__all__ = [
    "CAF_OUTCOMES",
    "HEADLINES",
    "Headline",
    "Headlines",
    "RiskMatrix",
    "asset_register",
    "attack_path_diagram",
    "attack_paths",
    "backup_resilience",
    "blast_radius",
    "caf_mapping",
    "changes",
    "data_quality",
    "data_quality_report",
    "headlines",
    "ig_coverage",
    "investment_plan",
    "likelihood_table",
    "load",
    "load_for_report",
    "load_previous",
    "risk_by_organisation_chart",
    "risk_matrix",
    "sensitive_copies",
    "systems_by_kind",
    "title_block",
    "top_risks",
    "validation",
]
