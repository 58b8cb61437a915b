"""Everything flowmap writes for people and other tools.

- :mod:`~flowmap.render.files`: the one writing path for every output file (temporary
  name, fsync, rename; never over a file flowmap did not write without ``force``), JSON,
  CSV and Excel written reproducibly with spreadsheet formulas neutralised;
  :mod:`~flowmap.render.written` keeps the record of what flowmap wrote in a folder;
- :mod:`~flowmap.render.names`: safe file and folder names made from inventory text;
- :mod:`~flowmap.render.pages`: every page's Content-Security-Policy and network check;
- :mod:`~flowmap.render.findings`, :mod:`~flowmap.render.plan`,
  :mod:`~flowmap.render.diff`: the findings, plan and diff files;
- :mod:`~flowmap.render.workbook`: inventory workbooks (the template, the sample);
- :mod:`~flowmap.render.export`: the graph as GraphML, GEXF or JSON;
- :mod:`~flowmap.render.mapview`: the offline interactive map;
- :mod:`~flowmap.render.board` and :mod:`~flowmap.render.report`: the board report's
  building blocks and the papermill run that publishes it.
"""
