"""Tell a scanner file's format from its content, never from its name.

XML is known by its root element (and, for Greenbone, the report format it carries),
JSON by its records' field names, CSV by its header row (found past any preamble).
Gzip-compressed files are read through gzip first. A file of no known format stops
the import with a message listing what flowmap reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flowmap.errors import ImportFileError
from flowmap.ingest.csvstream import CsvHeader, find_header
from flowmap.ingest.formats import defender, greenbone, nessus, nmap, qualys, tenable_csv
from flowmap.ingest.records import HostRecord
from flowmap.ingest.xmlstream import open_bytes

#: Format key -> what people call it (the order is how the error message lists them).
FORMATS: dict[str, str] = {
    "nessus": "Nessus / Tenable .nessus (NessusClientData_v2)",
    "tenable_csv": "Tenable CSV (Nessus Professional, Tenable.io / Vulnerability Management, "
    "Tenable.sc, workbench)",
    "greenbone_xml": "Greenbone / OpenVAS XML report",
    "greenbone_csv": "Greenbone / OpenVAS CSV results",
    "qualys_scan": "Qualys WebGUI scan XML (SCAN)",
    "qualys_asset_report": "Qualys asset data report XML (ASSET_DATA_REPORT)",
    "qualys_csv": "Qualys VM / VMDR report CSV",
    "nmap": "nmap XML (-oX)",
    "defender": "Microsoft Defender for Endpoint vulnerability export (JSON or CSV)",
}

#: CSV formats in the order their headers are tried (the most specific first).
CSV_FORMATS: tuple[tuple[str, Callable[[list[str]], bool]], ...] = (
    ("greenbone_csv", greenbone.accepts_csv),
    ("qualys_csv", qualys.accepts_csv),
    ("defender", defender.accepts_csv),
    ("tenable_csv", tenable_csv.accepts),
)

HEAD = 1 << 16


@dataclass
class Detected:
    """A file's format and how to read it."""

    path: Path
    format: str
    header: CsvHeader | None = None

    @property
    def label(self) -> str:
        return FORMATS[self.format]

    def records(self) -> Iterator[HostRecord]:
        """The file's host records, in file order (streamed where the format allows)."""
        readers: dict[str, Callable[[], Iterator[HostRecord]]] = {
            "nessus": lambda: nessus.read(self.path),
            "greenbone_xml": lambda: greenbone.read(self.path),
            "qualys_scan": lambda: qualys.read_scan(self.path),
            "qualys_asset_report": lambda: qualys.read_asset_report(self.path),
            "nmap": lambda: nmap.read(self.path),
        }
        if self.header is not None:
            csv_readers = {
                "tenable_csv": tenable_csv.read,
                "greenbone_csv": greenbone.read_csv,
                "qualys_csv": qualys.read_csv,
                "defender": defender.read_csv,
            }
            return csv_readers[self.format](self.path, self.header)
        if self.format == "defender":
            return defender.read_json(self.path)
        return readers[self.format]()


def detect(path: str | Path) -> Detected:
    """Find the format of the scanner file at ``path``.

    Raises
    ------
    ImportFileError
        When the file cannot be read or is of no format flowmap knows.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file.")
    try:
        with open_bytes(path) as handle:
            head = handle.read(HEAD)
    except (OSError, EOFError) as exc:
        raise ImportFileError(f"{path.name}: cannot be read ({exc}).") from None
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text:
        raise ImportFileError(f"{path.name}: the file is empty.")
    if text.startswith("<"):
        return Detected(path, _xml_format(path, text))
    if text.startswith(("{", "[")):
        if _defender_json(text):
            return Detected(path, "defender")
        raise _unknown(path, "a JSON file that is not a Defender for Endpoint export")
    for key, accepts in CSV_FORMATS:
        header = find_header(path, accepts)
        if header is not None:
            return Detected(path, key, header)
    raise _unknown(path, "not a scanner export flowmap knows")


def _xml_format(path: Path, text: str) -> str:
    root = _root(text)
    if root == "NessusClientData_v2":
        return "nessus"
    if root == "NessusClientData":
        raise ImportFileError(
            f"{path.name}: a Nessus version 1 file (NessusClientData); export the scan again "
            "as .nessus (version 2)."
        )
    if root == "nmaprun":
        return "nmap"
    if root == "ASSET_DATA_REPORT":
        return "qualys_asset_report"
    if root == "SCAN":
        return "qualys_scan"
    if root == "report" and (
        "a994b278-1f62-11e1-96ac-406186ea4fc5" in text or re.search(r"<results[\s>]", text)
    ):
        return "greenbone_xml"
    raise _unknown(path, f"an XML file whose root element is <{root or '?'}>")


def _root(text: str) -> str:
    """The name of the first element, past the declaration, comments and DOCTYPE."""
    body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", "", text, flags=re.S)
    m = re.search(r"<([A-Za-z_][\w.\-:]*)", body)
    return m.group(1) if m else ""


def _defender_json(text: str) -> bool:
    if "windowsDefenderATP" in text:
        return True
    keys = {k.lower() for k in re.findall(r'"([A-Za-z@.]+)"\s*:', text[:HEAD])}
    return (
        bool(keys & {"deviceid", "machineid"} and "cveid" in keys)
        or {"computerdnsname", "osplatform"} <= keys
    )


def _unknown(path: Path, what: str) -> ImportFileError:
    return ImportFileError(
        f"{path.name}: {what}. flowmap imports: " + "; ".join(FORMATS.values()) + "."
    )
