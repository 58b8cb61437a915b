"""The risk engine: pure functions from an :class:`~flowmap.inventory.model.Inventory`
(and reference data) to an :class:`~flowmap.engine.analysis.Analysis`.

- :mod:`~flowmap.engine.likelihood` and :mod:`~flowmap.engine.impact` score systems and assets;
- :mod:`~flowmap.engine.movement`, :mod:`~flowmap.engine.paths` and
  :mod:`~flowmap.engine.blast` model how an attacker moves and what it reaches;
- :mod:`~flowmap.engine.copies` finds where copies of each asset live;
- :mod:`~flowmap.engine.rules` holds the typed rule catalogue;
- :mod:`~flowmap.engine.analysis` runs them all (:func:`~flowmap.engine.analysis.analyse`);
- :mod:`~flowmap.engine.graph` builds the networkx model notebooks and exports use;
- :mod:`~flowmap.engine.diff` compares two analyses.

Nothing in the engine reads or writes files.
"""
