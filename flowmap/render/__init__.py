"""Everything flowmap writes for people and other tools.

- :mod:`~flowmap.render.files`: the one place output files are written (JSON, CSV,
  Excel), reproducibly, with spreadsheet formulas neutralised;
- :mod:`~flowmap.render.findings`, :mod:`~flowmap.render.plan`,
  :mod:`~flowmap.render.diff`: the findings, plan and diff files;
- :mod:`~flowmap.render.workbook`: inventory workbooks (the template, the sample);
- :mod:`~flowmap.render.export`: the graph as GraphML, GEXF or JSON;
- :mod:`~flowmap.render.mapview`: the offline interactive map;
- :mod:`~flowmap.render.board` and :mod:`~flowmap.render.report`: the board report's
  building blocks and the papermill run that publishes it.
"""
