"""``flowmap report``: run the board-report notebook and publish it as HTML (and PDF).

- :mod:`flowmap.reporting.params` checks parameter names and types against the notebook;
- :mod:`flowmap.reporting.run` executes it with papermill (:func:`report`);
- :mod:`flowmap.reporting.convert` makes a code-free, CDN-free HTML file;
- :mod:`flowmap.reporting.pdf` prints it with headless Chromium;
- :mod:`flowmap.reporting.batch` runs one report per organisation (:func:`report_all`).
"""

from __future__ import annotations

from flowmap.reporting.batch import BatchResult, OrgOutcome, report_all
from flowmap.reporting.run import BOARD_NOTEBOOK, NOTEBOOKS, ReportResult, report

__all__ = ["BOARD_NOTEBOOK", "NOTEBOOKS", "BatchResult", "OrgOutcome", "ReportResult",
           "report", "report_all"]
