"""Writing an end-of-life table in flowmap's CSV layout (the local table, the bundled one).

The file is the layout :func:`flowmap.reference.eol_files.read_eol_csv` reads: columns
:data:`~flowmap.reference.eol_files.COLUMNS`, dates ``YYYY-MM-DD``, rows sorted by
product and then newest release first, so the same data gives the same bytes. Text is
written with formula-like cells neutralised (it comes from downloaded files); the
reader takes the neutralising apostrophe off again. A release that has ended on an
unpublished date is written ``ended``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flowmap.inventory.textstorage import python_text
from flowmap.reference.eol import EolTable
from flowmap.reference.eol_files import COLUMNS, DATE_COLUMNS, ENDED_DATE_UNKNOWN
from flowmap.render.files import write_csv


def eol_table_frame(table: EolTable) -> pd.DataFrame:
    """The table's rows as they are written: text dates, sorted.

    Examples
    --------
    >>> t = EolTable(pd.DataFrame({"product": ["x"], "cycle": ["1"], "label": ["X 1"],
    ...     "support_end": [pd.Timestamp("2024-01-31")], "extended_end": [pd.NaT],
    ...     "source": ["https://example.org"]}))
    >>> eol_table_frame(t).loc[0, ["support_end", "extended_end", "checked"]].tolist()
    ['2024-01-31', '', '']
    """
    frame = table.frame.loc[:, list(COLUMNS)].copy()
    order = frame.assign(_end=frame["support_end"].fillna(pd.Timestamp.max))
    order = order.sort_values(["product", "_end", "cycle"], ascending=[True, False, False])
    frame = frame.loc[order.index].reset_index(drop=True)
    ended = frame["support_end"] == pd.Timestamp(ENDED_DATE_UNKNOWN)
    for column in DATE_COLUMNS:
        frame[column] = frame[column].dt.strftime("%Y-%m-%d").fillna("")
    frame.loc[ended, "support_end"] = "ended"
    return frame


@python_text
def write_eol_table(table: EolTable, path: str | Path, *, force: bool = False) -> Path:
    """Write ``table`` to ``path`` (its folder is created); a file there that flowmap did
    not write is replaced only with ``force`` (see :mod:`flowmap.render.files`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_csv(eol_table_frame(table), path, force=force)
