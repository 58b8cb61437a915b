"""Synthetic inventories of any size, valid by construction and deterministic per seed.

>>> from flowmap.synth import synthesize
>>> tables = synthesize(3, seed=1)
>>> len(tables['organisations'])
3
"""

from flowmap.synth.generate import synthesize, write_inventory_csv

__all__ = ["synthesize", "write_inventory_csv"]
