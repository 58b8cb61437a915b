"""The inventory: its contract (:mod:`~flowmap.inventory.schema`), reading it from a CSV
folder or workbook (:mod:`~flowmap.inventory.read`), and validating and parsing it into a
typed :class:`~flowmap.inventory.model.Inventory` (:mod:`~flowmap.inventory.validate`),
with every problem in one :class:`~flowmap.inventory.problems.ValidationReport`.

The pipeline's first stage: ``read -> validate -> Inventory``. Nothing here analyses.
"""
