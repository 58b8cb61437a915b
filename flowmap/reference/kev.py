"""The CISA Known Exploited Vulnerabilities (KEV) catalogue.

CISA publishes the catalogue at https://www.cisa.gov/known-exploited-vulnerabilities-catalog
as JSON (``known_exploited_vulnerabilities.json``) and as CSV
(``known_exploited_vulnerabilities.csv``) with the same field names. :func:`load_kev`
reads either and gives a :class:`KevCatalogue` whose frame has one row per CVE.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flowmap.errors import ReferenceDataError

#: CISA field -> column of :attr:`KevCatalogue.frame`, in frame order.
FIELDS: dict[str, str] = {
    "cveID": "cve_id",
    "vendorProject": "vendor_project",
    "product": "product",
    "vulnerabilityName": "vulnerability_name",
    "dateAdded": "date_added",
    "dueDate": "due_date",
    "knownRansomwareCampaignUse": "ransomware",
    "notes": "notes",
    "shortDescription": "short_description",
    "requiredAction": "required_action",
    "cwes": "cwes",
}
#: Fields every entry must have.
REQUIRED: tuple[str, ...] = (
    "cveID",
    "vendorProject",
    "product",
    "vulnerabilityName",
    "dateAdded",
    "dueDate",
)

CVE_PATTERN = re.compile(r"CVE-\d{4}-\d{4,19}")
_DOWNLOAD = "https://www.cisa.gov/known-exploited-vulnerabilities-catalog"


@dataclass(frozen=True)
class KevCatalogue:
    """The KEV catalogue as a table.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per CVE: ``cve_id`` (upper case), ``vendor_project``, ``product``,
        ``vulnerability_name``, ``date_added`` and ``due_date`` (``datetime64``),
        ``ransomware`` (bool: ``knownRansomwareCampaignUse`` is ``"Known"``), ``notes``,
        then ``short_description``, ``required_action`` and ``cwes`` (``;``-separated).
    version : str or None
        ``catalogVersion`` (JSON only), e.g. ``"2025.08.25"``.
    released : str or None
        ``dateReleased`` (JSON only).
    source : str
        The file read.
    """

    frame: pd.DataFrame
    version: str | None
    released: str | None
    source: str

    def __len__(self) -> int:
        return len(self.frame)


def load_kev(path: str | Path) -> KevCatalogue:
    """Read the CISA KEV catalogue from its JSON or CSV download.

    The format is told from the content (JSON starts with ``{``), not the file name.
    CVE ids are stripped and upper-cased; a CVE listed twice keeps its first entry.

    Parameters
    ----------
    path : str or Path
        ``known_exploited_vulnerabilities.json`` or ``.csv``.

    Returns
    -------
    KevCatalogue

    Raises
    ------
    ReferenceDataError
        The file is missing, is not JSON or CSV of the catalogue's shape, or has an
        entry without a CVE id or with a bad date. The message names the file and entry.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "kev.csv"
    >>> _ = path.write_text(
    ...     "cveID,vendorProject,product,vulnerabilityName,dateAdded,dueDate,"
    ...     "knownRansomwareCampaignUse\\n"
    ...     " cve-2017-0144 ,Microsoft,SMBv1,SMBv1 RCE,2022-02-10,2022-08-10,Known\\n")
    >>> kev = load_kev(path)
    >>> kev.frame.loc[0, "cve_id"], bool(kev.frame.loc[0, "ransomware"])
    ('CVE-2017-0144', True)
    >>> kev.version is None
    True
    """
    path = Path(path)
    if not path.is_file():
        raise ReferenceDataError(
            f"{path}: no such KEV file; download known_exploited_vulnerabilities.json from "
            f"{_DOWNLOAD} or correct the path."
        )
    data = path.read_bytes()
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"{", b"["):
        raw, version, released, where = _read_json(path, data)
    else:
        raw, version, released, where = _read_csv(path, data)
    return KevCatalogue(_tidy(path, raw, where), version, released, Path(path).name)


def _read_json(path: Path, data: bytes) -> tuple[pd.DataFrame, str | None, str | None, str]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(
            f"{path} is not valid JSON ({exc}); download the catalogue again from {_DOWNLOAD}."
        ) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("vulnerabilities"), list):
        raise ReferenceDataError(
            f"{path} is JSON but not the KEV catalogue (no 'vulnerabilities' list); "
            f"download known_exploited_vulnerabilities.json from {_DOWNLOAD}."
        )
    entries = doc["vulnerabilities"]
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ReferenceDataError(
                f"{path}: vulnerabilities entry {i + 1} is not an object; download the "
                f"catalogue again from {_DOWNLOAD}."
            )
    count = doc.get("count")
    if isinstance(count, int) and count != len(entries):
        raise ReferenceDataError(
            f"{path} says count {count} but lists {len(entries)} vulnerabilities, so it is "
            f"incomplete; download it again from {_DOWNLOAD}."
        )
    raw = pd.DataFrame.from_records(entries, columns=list(FIELDS))
    if "cwes" in raw:
        raw["cwes"] = raw["cwes"].map(lambda v: ";".join(v) if isinstance(v, list) else v)
    version = doc.get("catalogVersion")
    released = doc.get("dateReleased")
    return (
        raw,
        None if version is None else str(version),
        None if released is None else str(released),
        "vulnerabilities entry",
    )


def _read_csv(path: Path, data: bytes) -> tuple[pd.DataFrame, None, None, str]:
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReferenceDataError(
            f"{path} is neither KEV JSON nor a readable CSV ({reason}); download the "
            f"catalogue again from {_DOWNLOAD}."
        ) from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [f for f in REQUIRED if f not in raw.columns]
    if missing:
        raise ReferenceDataError(
            f"{path} lacks KEV column(s) {', '.join(missing)}; download "
            f"known_exploited_vulnerabilities.csv or .json from {_DOWNLOAD}."
        )
    return raw.reindex(columns=list(FIELDS)), None, None, "line"


def _tidy(path: Path, raw: pd.DataFrame, where: str) -> pd.DataFrame:
    """Check and convert the catalogue's columns; ``where`` names an entry in messages."""

    def place(i: int) -> str:
        return f"{where} {i + 2 if where == 'line' else i + 1}"

    if raw.empty:
        raise ReferenceDataError(
            f"{path} lists no vulnerabilities; download the catalogue again from {_DOWNLOAD}."
        )
    text = {
        f: raw[f].astype(object).where(raw[f].notna(), "").astype(str).str.strip()
        for f in raw.columns
    }
    for field in REQUIRED:
        blank = text[field] == ""
        if blank.any():
            i = int(blank.to_numpy().argmax())
            raise ReferenceDataError(
                f"{path}: {place(i)} has no {field}; download the catalogue again from {_DOWNLOAD}."
            )
    cve = text["cveID"].str.upper()
    bad = ~cve.str.fullmatch(CVE_PATTERN.pattern)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise ReferenceDataError(
            f"{path}: {place(i)} has cveID {text['cveID'].iloc[i]!r}, not a CVE id "
            f"(CVE-YYYY-NNNN); download the catalogue again from {_DOWNLOAD}."
        )
    frame = pd.DataFrame({"cve_id": cve})
    for field in ("vendorProject", "product", "vulnerabilityName"):
        frame[FIELDS[field]] = text[field]
    for field in ("dateAdded", "dueDate"):
        dates = pd.to_datetime(text[field], format="%Y-%m-%d", errors="coerce")
        bad = dates.isna()
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise ReferenceDataError(
                f"{path}: {place(i)} ({cve.iloc[i]}) has {field} {text[field].iloc[i]!r}, not a "
                f"date YYYY-MM-DD; download the catalogue again from {_DOWNLOAD}."
            )
        frame[FIELDS[field]] = dates.astype("datetime64[ns]")
    frame["ransomware"] = (text["knownRansomwareCampaignUse"].str.lower() == "known").astype(bool)
    for field in ("notes", "shortDescription", "requiredAction", "cwes"):
        frame[FIELDS[field]] = text[field]
    return frame.drop_duplicates("cve_id", keep="first").reset_index(drop=True)


def added_since(new: KevCatalogue, previous: KevCatalogue) -> pd.DataFrame:
    """The entries of ``new`` whose CVE ``previous`` does not list: what an update added.

    Rows keep ``new``'s order (CISA lists the newest first). A CVE that ``previous``
    listed and ``new`` dropped is not reported (CISA removes entries very rarely, and
    a removal is not an alert).

    Examples
    --------
    >>> import pandas as pd
    >>> old = KevCatalogue(pd.DataFrame({"cve_id": ["CVE-2017-0144"]}), None, None, "old")
    >>> new = KevCatalogue(pd.DataFrame({"cve_id": ["CVE-2024-3400", "CVE-2017-0144"]}),
    ...                    None, None, "new")
    >>> added_since(new, old)["cve_id"].tolist()
    ['CVE-2024-3400']
    """
    known = set(previous.frame["cve_id"])
    return new.frame[~new.frame["cve_id"].isin(known)].reset_index(drop=True)
