"""``flowmap report``: run the board-report notebook and publish it as HTML (and PDF).

- :mod:`flowmap.render.report.params` checks parameter names and types against the notebook;
- :mod:`flowmap.render.report.run` executes it with papermill (:func:`report`);
- :mod:`flowmap.render.report.convert` makes a code-free, CDN-free HTML file;
- :mod:`flowmap.render.report.pdf` prints it with headless Chromium;
- :mod:`flowmap.render.report.batch` runs one report per organisation (:func:`report_all`).
"""

from __future__ import annotations

from flowmap.render.report.batch import BatchResult, OrgOutcome, report_all
from flowmap.render.report.run import BOARD_NOTEBOOK, ReportResult, report

__all__ = ["BOARD_NOTEBOOK", "BatchResult", "OrgOutcome", "ReportResult", "report", "report_all"]
