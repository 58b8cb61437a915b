"""Write an inventory diff: ``diff.json``, ``diff.csv`` (entity changes) and ``diff.xlsx``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flowmap.engine.diff import InventoryDiff
from flowmap.engine.rules.base import plain
from flowmap.inventory.textstorage import python_text
from flowmap.render.files import (
    dump_csv,
    dump_json,
    neutralise_frame,
    new_workbook,
    output_files,
    write_sheets,
)

#: The files :func:`write_diff` writes, in its folder.
DIFF_FILES = ("diff.json", "diff.csv", "diff.xlsx")


@python_text
def write_diff(d: InventoryDiff, out_dir: str | Path, *, force: bool = False) -> list[Path]:
    """Write ``diff.json``, ``diff.csv`` (entity changes) and ``diff.xlsx`` to ``out_dir``
    (all three or none; ``force`` replaces files of those names flowmap did not write)."""

    def records(frame: pd.DataFrame) -> list[dict]:
        return [{k: plain(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]

    finals = [Path(out_dir) / name for name in DIFF_FILES]
    with output_files(finals, force=force) as (json_tmp, csv_tmp, xlsx_tmp):
        dump_json(
            {
                "schema_version": 1,
                "summary": d.summary,
                "entities": records(d.entities),
                "problems": records(d.problems),
                "findings": records(d.findings),
                "contributions": records(d.contributions),
            },
            json_tmp,
        )
        dump_csv(d.entities, csv_tmp)
        wb = new_workbook(xlsx_tmp, "flowmap diff")
        bold = wb.add_format({"bold": True})
        for name, frame in (
            ("entities", d.entities),
            ("problems", d.problems),
            ("findings", d.findings),
            ("risk", d.contributions),
        ):
            write_sheets(wb, name, neutralise_frame(frame), bold)
        wb.close()
    return finals
