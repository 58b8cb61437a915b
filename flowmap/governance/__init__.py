"""The IG team's paperwork from the same inventory: pure functions from an analysis to
tables, beside :mod:`flowmap.planning` in the pipeline (files are written by
:mod:`flowmap.render.paperwork`).

- :mod:`~flowmap.governance.ropa`: records of processing activities (UK GDPR Article 30),
  per controller, with the Article 30(2) records of processors and a summary of gaps;
- :mod:`~flowmap.governance.agreements`: the register of data-sharing agreements and
  contracts, what is missing, and the expiry calendar;
- :mod:`~flowmap.governance.checkflow`: "can we share this?", a proposed flow answered in
  plain English with sources;
- :mod:`~flowmap.governance.dspt`: DSPT / CAF evidence by assessment year;
- :mod:`~flowmap.governance.law`, :mod:`~flowmap.governance.screening` and
  :mod:`~flowmap.governance.sources`: the knowledge they share, each item with its source.

Nothing here reads or writes files. It is guidance for IG leads, not legal advice.
"""
