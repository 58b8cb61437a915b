"""The DSPT mapping: which flowmap evidence bears on which DSPT outcome, by assessment year.

The Data Security and Protection Toolkit changes every September, so the mapping is
versioned by assessment year: ``flowmap/data/dspt/<year>.csv`` (``2024-25``,
``2025-26``). Each row is one outcome of the CAF-aligned toolkit (trusts, ICBs, CSUs,
arm's-length bodies) or one standard or evidence item of the standards-based toolkit
(everyone else), with the source its id and title were checked against and how sure that
is (``confidence``: ``verified``, ``secondary`` or ``unverified``), whether it is a
mandatory audit outcome that year, the CAF outcomes whose findings count against it
(``caf``) and the evidence flowmap reads for it (``evidence``). A file of the same
columns can be given instead (``flowmap dspt --mapping FILE``).

Examples
--------
>>> m = load_dspt_mapping("2025-26")
>>> m.year, sorted(set(m.frame["framework"]))
('2025-26', ['caf_aligned', 'standards_based'])
>>> m.frame.set_index("id").loc["E3.b", "confidence"]
'unverified'
>>> available_years()
('2024-25', '2025-26')
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from flowmap.errors import ReferenceDataError, UsageError

COLUMNS = (
    "year",
    "framework",
    "id",
    "title",
    "group",
    "confidence",
    "source",
    "note",
    "audit",
    "caf",
    "evidence",
)
FRAMEWORKS = ("caf_aligned", "standards_based")
CONFIDENCES = ("verified", "secondary", "unverified")
YEAR = re.compile(r"^20\d\d-\d\d$")


@dataclass(frozen=True)
class DsptMapping:
    """One assessment year's mapping, and where it was read from."""

    year: str
    frame: pd.DataFrame
    source: str


def available_years() -> tuple[str, ...]:
    """The assessment years flowmap ships a mapping for, oldest first."""
    folder = resources.files("flowmap") / "data" / "dspt"
    return tuple(sorted(p.name[:-4] for p in folder.iterdir() if YEAR.match(p.name[:-4])))


def load_dspt_mapping(year: str | None = None, *, path: str | Path | None = None) -> DsptMapping:
    """The DSPT mapping for ``year`` (default: the latest shipped), or from ``path``.

    Raises
    ------
    UsageError
        ``year`` is not written ``YYYY-YY`` or flowmap has no mapping for it.
    ReferenceDataError
        The file is missing, lacks a column, or holds a value it should not.
    """
    if path is not None:
        text = _read(Path(path))
        source = Path(path).name
    else:
        years = available_years()
        year = year or years[-1]
        if not YEAR.match(year):
            raise UsageError(
                f"year {year!r} is not an assessment year: write it like 2025-26.", param="year"
            )
        if year not in years:
            raise UsageError(
                f"year: flowmap has no DSPT mapping for {year} (it has {', '.join(years)}). "
                "The toolkit changes each September: check the new year's outcomes and give "
                "a mapping file of the same columns with --mapping.",
                param="year",
            )
        resource = resources.files("flowmap") / "data" / "dspt" / f"{year}.csv"
        text = resource.read_text(encoding="utf-8")
        source = f"flowmap/data/dspt/{year}.csv"
    frame = _parse(text, source)
    years = sorted(set(frame["year"]))
    if year is None:
        year = years[-1] if years else ""
    elif years and years != [year]:
        raise ReferenceDataError(f"{source} is for {', '.join(years)}, not {year}.")
    return DsptMapping(year, frame, source)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ReferenceDataError(f"cannot read the DSPT mapping {path}: {exc.strerror}") from None


def _parse(text: str, source: str) -> pd.DataFrame:
    rows = list(csv.DictReader(text.splitlines()))
    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise ReferenceDataError(
            f"{source} is not a DSPT mapping: it needs the columns {', '.join(COLUMNS)}"
            + (f" (missing {', '.join(missing)})" if missing else "")
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).fillna("")
    for column, allowed in (("framework", FRAMEWORKS), ("confidence", CONFIDENCES)):
        bad = frame.loc[~frame[column].isin(allowed), column]
        if len(bad):
            line = int(bad.index[0]) + 2
            raise ReferenceDataError(
                f"{source} line {line}, column {column}, value {bad.iloc[0]!r}: use one of "
                f"{', '.join(allowed)}"
            )
    return frame
