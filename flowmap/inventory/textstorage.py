"""Where pandas keeps the text of flowmap's tables: Python strings, as the engine expects.

pandas 3 keeps text columns in pyarrow arrays whenever pyarrow is installed (flowmap needs
it to write Parquet). flowmap's engine reads text a value at a time, which is about 1.5
times slower from pyarrow arrays (load + analyse at 300 organisations: 3.1 s against
2.0 s, identical findings), so importing this module (the inventory's reader and model
do, before any table is made) sets pandas' ``mode.string_storage`` to ``"python"``,
unless the user has chosen a storage themselves. With pandas 2 it changes nothing.
"""

from __future__ import annotations

import pandas as pd

if pd.get_option("mode.string_storage") == "auto":
    pd.set_option("mode.string_storage", "python")
