"""FIRST EPSS scores: the probability that a CVE is exploited in the next 30 days.

FIRST publishes the daily scores for every CVE as ``epss_scores-YYYY-MM-DD.csv.gz``
(see https://www.first.org/epss/data_stats). The file starts with a comment line such
as ``#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z``, then the header
``cve,epss,percentile``. :func:`load_epss` reads it, gzipped or not.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flowmap.errors import ReferenceDataError

COLUMNS: tuple[str, ...] = ("cve", "epss", "percentile")
_GZIP_MAGIC = b"\x1f\x8b"
_DOWNLOAD = "https://www.first.org/epss/data_stats"
_CVE = r"CVE-\d{4}-\d{4,19}"


@dataclass(frozen=True)
class EpssScores:
    """EPSS scores as a table.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per CVE: ``cve_id`` (upper case), ``epss`` and ``percentile`` (floats
        from 0 to 1).
    model_version : str or None
        From the comment line, e.g. ``"v2025.03.14"``; None when the file has none.
    score_date : str or None
        From the comment line, e.g. ``"2025-08-25T12:55:00Z"``.
    source : str
        The file read.
    """

    frame: pd.DataFrame
    model_version: str | None
    score_date: str | None
    source: str

    def __len__(self) -> int:
        return len(self.frame)


def load_epss(path: str | Path) -> EpssScores:
    """Read a FIRST EPSS scores CSV, gzipped or plain.

    Gzip is recognised by the file's first bytes, whatever its name. The leading
    ``#model_version:...,score_date:...`` line is optional.

    Parameters
    ----------
    path : str or Path
        e.g. ``epss_scores-2025-08-25.csv.gz``.

    Returns
    -------
    EpssScores

    Raises
    ------
    ReferenceDataError
        The file is missing, damaged, lacks a column, or has a line whose CVE id is not
        one or whose score is not a number from 0 to 1; the message names the line.

    Examples
    --------
    >>> import gzip, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "epss.csv.gz"
    >>> _ = path.write_bytes(gzip.compress(
    ...     b"#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z\\n"
    ...     b"cve,epss,percentile\\nCVE-2017-0144,0.94358,0.99950\\n"))
    >>> scores = load_epss(path)
    >>> scores.model_version, scores.frame.loc[0, "epss"]
    ('v2025.03.14', np.float64(0.94358))
    """
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(
            f"{path}: no such EPSS file; download epss_scores-current.csv.gz from {_DOWNLOAD} "
            "or correct the path."
        )
    data = path.read_bytes()
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise ReferenceDataError(
                f"{path} is a damaged gzip file ({exc or 'truncated'}); download it again "
                f"from {_DOWNLOAD}."
            ) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    model_version = score_date = None
    header_line = 1
    if data.startswith(b"#"):
        first, _, _ = data.partition(b"\n")
        meta = _comment_fields(first.decode("utf-8", errors="replace"))
        model_version, score_date = meta.get("model_version"), meta.get("score_date")
        header_line = 2
    try:
        # Scores parse straight to floats (fast); a column with a bad value stays text
        # and is reported below by line.
        raw = pd.read_csv(
            io.BytesIO(data), skiprows=header_line - 1, dtype={"cve": "str"}, skip_blank_lines=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReferenceDataError(
            f"{path} is not a readable EPSS CSV ({reason}); download it again from {_DOWNLOAD}."
        ) from exc
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ReferenceDataError(
            f"{path} lacks column(s) {', '.join(missing)} (line {header_line} should be "
            f"'cve,epss,percentile'); download the scores again from {_DOWNLOAD}."
        )
    raw = raw.loc[:, list(COLUMNS)]
    raw.index = raw.index + header_line + 1  # the file's line numbers
    raw = raw.loc[~raw.isna().all(axis=1)]  # blank lines
    if raw.empty:
        raise ReferenceDataError(
            f"{path} has no scores after its header; download it again from {_DOWNLOAD}."
        )
    cve = raw["cve"].astype("str").str.strip().str.upper()
    bad = ~cve.str.fullmatch(_CVE).fillna(False).astype(bool)
    if bad.any():
        line = bad.idxmax()
        raise ReferenceDataError(
            f"{path} line {line}: {_cell(raw, line, 'cve')} is not a CVE id; download the "
            f"scores again from {_DOWNLOAD}."
        )
    frame = pd.DataFrame({"cve_id": cve})
    for column in ("epss", "percentile"):
        values = raw[column]
        if not pd.api.types.is_float_dtype(values):
            values = pd.to_numeric(values.astype("str").str.strip(), errors="coerce")
        bad = values.isna() | (values < 0) | (values > 1)
        if bad.any():
            line = bad.idxmax()
            raise ReferenceDataError(
                f"{path} line {line}: {column} {_cell(raw, line, column)} is not a number from "
                f"0 to 1; download the scores again from {_DOWNLOAD}."
            )
        frame[column] = values.astype("float64")
    return EpssScores(frame.reset_index(drop=True), model_version, score_date, Path(path).name)


def _cell(raw: pd.DataFrame, line: int, column: str) -> str:
    """A cell as quoted text for a message; an empty cell is ``''``."""
    value = raw.at[line, column]
    return "''" if pd.isna(value) else repr(str(value))


def _comment_fields(line: str) -> dict[str, str]:
    """``#model_version:v1,score_date:2025-08-25T12:55:00Z`` -> {"model_version": "v1", ...}.

    Examples
    --------
    >>> _comment_fields("#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z")
    {'model_version': 'v2025.03.14', 'score_date': '2025-08-25T12:55:00Z'}
    """
    fields = {}
    for part in line.lstrip("#").strip().split(","):
        key, sep, value = part.partition(":")
        if sep and re.fullmatch(r"[a-z_]+", key.strip()):
            fields[key.strip()] = value.strip()
    return fields
