"""flowmap: map health and care data flows, information assets and vulnerable systems.

The pipeline is plain functions, data in and data out::

    inventory = flowmap.load_inventory("inventories/sample")   # read + validate
    G = flowmap.build_graph(inventory)                        # networkx MultiDiGraph
    analysis = flowmap.analyse(inventory, as_of=date(2026, 11, 1))
    plan = flowmap.plan(analysis, budget=250_000)
    flowmap.write_map(analysis, "map.html")

The package is laid out as that pipeline: :mod:`flowmap.inventory` (schema, read,
validate), :mod:`flowmap.engine` (scoring, paths, copies, rules, analysis),
:mod:`flowmap.planning` and :mod:`flowmap.governance` (the IG team's paperwork: records of
processing, agreements, "can we share this?", DSPT evidence), :mod:`flowmap.render`
(findings files, export, map, board report, paperwork), with :mod:`flowmap.reference`
and :mod:`flowmap.synth` beside it and the command line in :mod:`flowmap.cli`. Importing
``flowmap`` is cheap: each name below is imported from its module when first used, and
nothing changes global state.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from flowmap.errors import (
    FlowmapError,
    ImportFileError,
    InvalidInventoryError,
    InventoryReadError,
    OutputError,
    ReferenceDataError,
    ReportError,
    UsageError,
)

__version__ = "0.1.0"

#: Public name -> the module that defines it (imported on first use).
_LAZY: dict[str, str] = {
    "Inventory": "flowmap.inventory.model",
    "read_inventory": "flowmap.inventory.read",
    "ValidationReport": "flowmap.inventory.problems",
    "Problem": "flowmap.inventory.problems",
    "validate": "flowmap.inventory.validate",
    "load_inventory": "flowmap.inventory.validate",
    "AnalysisSettings": "flowmap.engine.settings",
    "Reference": "flowmap.reference.bundle",
    "load_reference": "flowmap.reference.bundle",
    "build_graph": "flowmap.engine.graph",
    "analyse": "flowmap.engine.analysis",
    "Analysis": "flowmap.engine.analysis",
    "diff": "flowmap.engine.diff",
    "InventoryDiff": "flowmap.engine.diff",
    "plan": "flowmap.planning",
    "Plan": "flowmap.planning",
    "apply_actions": "flowmap.planning",
    "export_graph": "flowmap.render.export",
    "write_findings": "flowmap.render.findings",
    "write_plan": "flowmap.render.plan",
    "write_diff": "flowmap.render.diff",
    "render_map": "flowmap.render.mapview",
    "show_map": "flowmap.render.mapview",
    "map_widget": "flowmap.render.mapview",
    "write_map": "flowmap.render.mapview",
    "MapDocument": "flowmap.render.mapview",
    "report": "flowmap.render.report",
    "report_all": "flowmap.render.report",
    "ReportResult": "flowmap.render.report",
    "BatchResult": "flowmap.render.report",
    "synthesize": "flowmap.synth",
    "analyse_files": "flowmap.pipeline",
    "import_scans": "flowmap.ingest.scans",
    "ImportResult": "flowmap.ingest.scans",
    "explore": "flowmap.explorer",
    "alert_impact": "flowmap.engine.alert",
    "AlertImpact": "flowmap.engine.alert",
    "Explorer": "flowmap.explorer",
    "ropa": "flowmap.governance.ropa",
    "Ropa": "flowmap.governance.ropa",
    "agreements": "flowmap.governance.agreements",
    "agreement_calendar": "flowmap.governance.agreements",
    "AgreementRegister": "flowmap.governance.agreements",
    "check_flow": "flowmap.governance.checkflow",
    "check_proposals": "flowmap.governance.checkflow",
    "SharingAnswer": "flowmap.governance.checkflow",
    "dspt_evidence": "flowmap.governance.dspt",
    "load_dspt_mapping": "flowmap.reference.dspt",
    "write_ropa": "flowmap.render.paperwork.ropa",
    "write_agreements": "flowmap.render.paperwork.agreements",
    "write_check_flow": "flowmap.render.paperwork.checkflow",
    "write_dspt": "flowmap.render.paperwork.dspt",
    "import_sheet": "flowmap.ingest.sheets",
    "suggest_mapping": "flowmap.ingest.sheets",
    "SheetResult": "flowmap.ingest.sheets",
}

__all__ = sorted(
    [
        *_LAZY,
        "FlowmapError",
        "ImportFileError",
        "InvalidInventoryError",
        "InventoryReadError",
        "OutputError",
        "ReferenceDataError",
        "ReportError",
        "UsageError",
        "__version__",
    ]
)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flowmap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:  # for type checkers and IDEs; at run time the names load lazily
    from flowmap.engine.alert import AlertImpact, alert_impact
    from flowmap.engine.analysis import Analysis, analyse
    from flowmap.engine.diff import InventoryDiff, diff
    from flowmap.engine.graph import build_graph
    from flowmap.engine.settings import AnalysisSettings
    from flowmap.explorer import Explorer, explore
    from flowmap.governance.agreements import AgreementRegister, agreement_calendar, agreements
    from flowmap.governance.checkflow import SharingAnswer, check_flow, check_proposals
    from flowmap.governance.dspt import dspt_evidence
    from flowmap.governance.ropa import Ropa, ropa
    from flowmap.ingest.scans import ImportResult, import_scans
    from flowmap.ingest.sheets import SheetResult, import_sheet, suggest_mapping
    from flowmap.inventory.model import Inventory
    from flowmap.inventory.problems import Problem, ValidationReport
    from flowmap.inventory.read import read_inventory
    from flowmap.inventory.validate import load_inventory, validate
    from flowmap.pipeline import analyse_files
    from flowmap.planning import Plan, apply_actions, plan
    from flowmap.reference.bundle import Reference, load_reference
    from flowmap.reference.dspt import load_dspt_mapping
    from flowmap.render.diff import write_diff
    from flowmap.render.export import export_graph
    from flowmap.render.findings import write_findings
    from flowmap.render.mapview import MapDocument, map_widget, render_map, show_map, write_map
    from flowmap.render.paperwork.agreements import write_agreements
    from flowmap.render.paperwork.checkflow import write_check_flow
    from flowmap.render.paperwork.dspt import write_dspt
    from flowmap.render.paperwork.ropa import write_ropa
    from flowmap.render.plan import write_plan
    from flowmap.render.report import BatchResult, ReportResult, report, report_all
    from flowmap.synth import synthesize
