"""Sortable, searchable tables with itables, offline: its DataTables code comes from the
installed package (never a CDN), in a notebook, a Voila app and an nbconvert export.

Cell text is never read as HTML (itables escapes it: ``allow_html`` stays off), so names
from an inventory show as text.
"""

from __future__ import annotations

import pandas as pd

#: How every explorer and notebook table looks and behaves.
TABLE_OPTIONS: dict[str, object] = {
    "showIndex": False,
    "scrollX": True,  # wide tables scroll inside their box, never push the page sideways
    "pageLength": 10,
    "lengthMenu": [10, 25, 50, 100],
    "maxBytes": 2**21,  # bigger tables are cut, with a note (filter or export for the rest)
    "classes": "display compact",
    "style": "width:100%;margin:0",
    "column_filters": False,
    # the options above are checked once, by the tests; not on every update
    "warn_on_undocumented_option": False,
    "warn_on_unexpected_option_type": False,
}


def table_widget(frame: pd.DataFrame, **options):
    """An itables widget showing ``frame`` (update it with :func:`update_table`)."""
    from itables.widget import ITable

    return ITable(frame, **{**TABLE_OPTIONS, **options})


def update_table(widget, frame: pd.DataFrame) -> None:
    """Show another frame in a table widget."""
    widget.update(frame, **TABLE_OPTIONS)


def notebook_mode() -> None:
    """Show every DataFrame in the notebook as an interactive, offline itables table.

    Call it once, at the top of a notebook: the DataTables code is put into the
    notebook from the installed itables package (``connected=False``), so the tables
    work offline and in an nbconvert HTML export.
    """
    import itables
    import itables.options as opt
    from IPython.display import display
    from IPython.utils.capture import capture_output

    for key, value in TABLE_OPTIONS.items():
        setattr(opt, key, value)
    with capture_output(stdout=False, stderr=False, display=True) as shown:
        itables.init_notebook_mode(all_interactive=True, connected=False)
    # itables 2.9 shows a script awaiting its bundle before the bundle itself, which
    # fails ("Cannot destructure ... set_or_remove_dark_class") on a fresh page: show
    # the bundle first
    for output in reversed(shown.outputs):
        display(output)
