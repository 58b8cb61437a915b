"""Write an inventory diff: ``diff.json``, ``diff.csv`` (entity changes) and ``diff.xlsx``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flowmap.engine.diff import InventoryDiff
from flowmap.engine.rules.base import plain
from flowmap.render.files import neutralise_frame, new_workbook, write_csv, write_json, write_sheets


def write_diff(d: InventoryDiff, out_dir: str | Path) -> list[Path]:
    """Write ``diff.json``, ``diff.csv`` (entity changes) and ``diff.xlsx`` to ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    def records(frame: pd.DataFrame) -> list[dict]:
        return [{k: plain(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]

    json_path = write_json(
        {
            "schema_version": 1,
            "summary": d.summary,
            "entities": records(d.entities),
            "findings": records(d.findings),
            "contributions": records(d.contributions),
        },
        out / "diff.json",
    )
    csv_path = write_csv(d.entities, out / "diff.csv")
    xlsx_path = out / "diff.xlsx"
    wb = new_workbook(xlsx_path, "flowmap diff")
    bold = wb.add_format({"bold": True})
    for name, frame in (
        ("entities", d.entities),
        ("findings", d.findings),
        ("risk", d.contributions),
    ):
        write_sheets(wb, name, neutralise_frame(frame), bold)
    wb.close()
    return [json_path, csv_path, xlsx_path]
