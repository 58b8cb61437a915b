"""Writing an alert's outputs: the service-desk CSV, the tables, and a one-page brief per
alert (HTML and A4 PDF).

Everything goes through the one writing path (:func:`flowmap.render.files.output_files`):
all files or none, never over a person's file without ``force``, formula-like cells
neutralised. Redaction (:func:`~flowmap.render.alert.redact.redact_impact`) is applied
before anything is written.
"""

from __future__ import annotations

from flowmap.render.alert.write import AlertFiles, alert_paths, write_alert

__all__ = ["AlertFiles", "alert_paths", "write_alert"]
