"""flowmap: map health and care data flows, information assets and vulnerable systems.

The pipeline is plain functions, data in and data out::

    inventory = flowmap.load_inventory("inventories/sample")   # load + validate
    G = flowmap.build_graph(inventory)                        # networkx MultiDiGraph
    analysis = flowmap.analyse(inventory, as_of=date(2026, 11, 1))
"""

from flowmap.errors import (
    FlowmapError, InvalidInventoryError, InventoryReadError, ReferenceDataError, UsageError,
)
from flowmap.export import export_graph
from flowmap.graph import build_graph
from flowmap.inventory import Inventory
from flowmap.load import read_inventory
from flowmap.settings import AnalysisSettings
from flowmap.validate import ValidationReport, load_inventory, validate

__version__ = "0.1.0"

__all__ = [
    "Analysis", "AnalysisSettings", "FlowmapError", "InvalidInventoryError",
    "InventoryReadError", "Inventory", "ReferenceDataError", "UsageError", "ValidationReport",
    "analyse", "build_graph", "export_graph", "load_inventory", "read_inventory", "validate",
    "__version__",
]


def __getattr__(name: str):
    # The risk engine pulls in more modules; import it when first used.
    if name in ("analyse", "Analysis"):
        from flowmap import analysis
        return getattr(analysis, name)
    if name in ("report", "report_all", "ReportResult", "BatchResult"):
        from flowmap import reporting
        return getattr(reporting, name)
    if name in ("render_map", "show_map", "write_map", "MapDocument"):
        from flowmap import mapview
        return getattr(mapview, name)
    if name in ("plan", "Plan", "write_plan", "apply_actions"):
        from flowmap import planning
        return getattr(planning, name)
    if name in ("diff", "InventoryDiff", "write_diff"):
        from flowmap import inventory_diff  # not flowmap/diff.py: it would shadow diff()
        return getattr(inventory_diff, name)
    raise AttributeError(f"module 'flowmap' has no attribute {name!r}")
