"""flowmap: map health and care data flows, information assets and vulnerable systems."""

from flowmap.errors import (
    FlowmapError, InvalidInventoryError, InventoryReadError, ReferenceDataError, UsageError,
)
from flowmap.inventory import Inventory
from flowmap.load import read_inventory
from flowmap.validate import ValidationReport, load_inventory, validate

__version__ = "0.1.0"

__all__ = [
    "FlowmapError", "InvalidInventoryError", "InventoryReadError", "ReferenceDataError",
    "UsageError", "Inventory", "ValidationReport", "load_inventory", "read_inventory", "validate",
    "__version__",
]
