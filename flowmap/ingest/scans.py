"""``import_scans``: bring scanner exports into an inventory (get, transform, load).

Get: each file's format is detected from its content and read into host records
(:mod:`flowmap.ingest.formats`). Transform: hosts are matched to systems
(:mod:`flowmap.ingest.match`), the scans of each system combined
(:mod:`flowmap.ingest.combine`) and applied to the inventory's text
(:mod:`flowmap.ingest.merge`). Load: the new inventory and the import report are
written in the form of the input (:mod:`flowmap.ingest.load`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flowmap.errors import ImportFileError, InvalidInventoryError, UsageError
from flowmap.ingest import added as new_hosts
from flowmap.ingest.combine import combine
from flowmap.ingest.detect import FORMATS, detect
from flowmap.ingest.match import Match, SystemIndex
from flowmap.ingest.merge import TextTables, apply_system
from flowmap.ingest.records import HostRecord
from flowmap.ingest.report import ImportReport
from flowmap.ingest.rows import account_host, account_rows
from flowmap.inventory.read import RawInventory, read_inventory
from flowmap.inventory.schema import SYSTEM_KINDS
from flowmap.inventory.textstorage import python_text
from flowmap.inventory.validate import parse_inventory
from flowmap.progress import stages

__all__ = ["FORMATS", "ImportResult", "import_scans"]


@dataclass
class ImportResult:
    """A whole inventory after an import, as text tables, with the import report.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Every table of the inventory, every cell text (as :func:`flowmap.read_inventory`
        gives it), with the import's changes.
    changed : set of str
        The tables the import changed (the others are written back as they were).
    report : ImportReport
        Every file, host, row and change, with where it came from and why.
    raw : RawInventory
        The inventory as it was read.
    """

    tables: dict[str, pd.DataFrame]
    changed: set[str]
    report: ImportReport
    raw: RawInventory
    written: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        """A few lines for the terminal: what was read and what changed."""
        counts = self.report.summary()

        def part(level: str, actions: tuple[str, ...]) -> str:
            found = counts.get(level, {})
            return ", ".join(f"{found.get(a, 0):,} {a}" for a in actions)

        files = counts.get("file", {})
        skipped = f" ({files['skipped']} skipped: not scanner files)" if "skipped" in files else ""
        lines = [
            f"Files read: {files.get('read', 0)}{skipped}",
            "Hosts: " + part("host", ("matched", "added", "unmatched", "ambiguous", "skipped")),
            "Rows: " + part("row", ("imported", "skipped", "superseded", "not imported")),
            "Systems: " + part("system", ("changed", "added")),
            "Vulnerabilities: "
            + part("vulnerability", ("new", "reopened", "fixed", "changed", "kept")),
        ]
        if not self.changed:
            lines.append("The inventory is unchanged.")
        return "\n".join(lines)


@python_text
def import_scans(
    inventory: str | Path,
    paths: Sequence[str | Path],
    *,
    out: str | Path | None = None,
    org: str | None = None,
    zone: str | None = None,
    add_unmatched: bool = False,
    kind: str = "server",
    as_of: dt.date | None = None,
    progress: bool = False,
) -> ImportResult:
    """Import vulnerability-scanner exports into an inventory.

    Parameters
    ----------
    inventory : str or Path
        The inventory folder or workbook; it must be valid. It is never changed.
    paths : sequence of str or Path
        Scanner files, in any supported format (told from their content) and any mix.
    out : str or Path, optional
        Where to write the new inventory, in the form of the input (a folder for a
        folder, an ``.xlsx`` file for a workbook), with ``import-report.csv`` and
        ``.json`` (inside the folder, or beside the workbook as
        ``<name>.import-report.csv``). Never the input, never a file flowmap did not make.
    org : str, optional
        The organisation the scans belong to: hosts are matched only to its systems,
        and new systems are made in it.
    zone : str, optional
        The network zone of new systems (default: the organisation's default zone).
    add_unmatched : bool
        Make a system of every host that matches none (needs ``org``).
    kind : str
        The ``kind`` of a new system whose scanner does not say what it is.
    as_of : date, optional
        The date the inventory is validated as of (default today).
    progress : bool
        Show a progress bar.

    Returns
    -------
    ImportResult

    Raises
    ------
    InvalidInventoryError
        When the inventory has errors (fix them first: ``flowmap validate``).
    ImportFileError
        When a scanner file is truncated, malformed, hostile or of an unknown format.
    UsageError
        For a bad option (an unknown ``org`` or ``kind``, ``add_unmatched`` without
        ``org``).

    Examples
    --------
    >>> import flowmap
    >>> result = flowmap.import_scans("inventories/sample",
    ...     ["inventories/sample/scans/riverside-servers.nessus"], org="RXA")
    >>> result.report.summary()["host"]["matched"]
    3
    """
    files = [Path(p) for p in paths]
    if not files:
        raise UsageError("paths: give at least one scanner file.", param="paths")
    names = ["reading inventory", "reading scans", "matching", "merging"]
    with stages([*names, *(["writing"] if out is not None else [])], enabled=progress) as step:
        step()
        raw = read_inventory(inventory)
        typed, validation = parse_inventory(raw, as_of=as_of)
        if not validation.ok:
            raise InvalidInventoryError(validation)
        _check_options(typed.systems, typed.organisations, org, kind, add_unmatched)
        if out is not None:
            from flowmap.ingest.load import check_output

            check_output(Path(inventory), Path(out), workbook=raw.kind == "xlsx")
        report = ImportReport(
            options={
                "inventory": Path(inventory).name,
                "org": org or "",
                "zone": zone or "",
                "add_unmatched": add_unmatched,
                "kind": kind,
                "as_of": (as_of or dt.date.today()).isoformat(),
            }
        )
        step()
        records = _read_all(files, report)
        step()
        index = SystemIndex(typed.systems)
        groups, unmatched = _match(records, index, org, report)
        step()
        tables = TextTables(
            raw.tables["systems"].frame,
            raw.tables["vulnerabilities"].frame if "vulnerabilities" in raw.tables else None,
            typed.systems,
            typed.vulnerabilities,
        )
        for sid in sorted(groups):
            pairs = groups[sid]
            combined = combine(pairs)
            apply_system(tables, sid, combined, report, added=False)
            account_rows(pairs, combined, sid, report)
        if add_unmatched:
            _add_systems(tables, unmatched, org or "", zone or "", kind, report)
        else:
            for record, match, reason in unmatched:
                account_host(record, match, "unmatched", reason, report)
                account_rows([(record, match)], None, "", report)
        result = _result(raw, tables, report)
        if out is not None:
            from flowmap.ingest.load import write_result

            step()
            write_result(result, inventory, out)
    return result


def _check_options(systems, organisations, org, kind, add_unmatched) -> None:
    if org is not None and org not in set(organisations["org_id"]):
        raise UsageError(
            f"org: {org!r} is not an org_id in the inventory's organisations.", param="org"
        )
    if kind not in SYSTEM_KINDS:
        raise UsageError(
            f"kind: {kind!r} is not a system kind (use one of {', '.join(SYSTEM_KINDS)}).",
            param="kind",
        )
    if add_unmatched and org is None:
        raise UsageError(
            "add_unmatched: new systems need an organisation: give org as well.",
            param="add_unmatched",
        )


def _read_all(files: list[Path], report: ImportReport) -> list[HostRecord]:
    detected = []
    for path, in_folder in _expand(files):  # every file's format first: fail before work
        try:
            detected.append(detect(path))
        except ImportFileError as exc:
            if not in_folder:
                raise
            report.add("file", "skipped", source=path.name, reason=str(exc))
    if not detected:
        raise UsageError("paths: no scanner file among them.", param="paths")
    records: list[HostRecord] = []
    for d in detected:
        hosts = rows = 0
        for record in d.records():
            record.order = len(records)
            records.append(record)
            hosts += 1
            rows += len(record.findings)
        report.files.append(
            {
                "source": d.path.name,
                "format": d.format,
                "label": d.label,
                "hosts": hosts,
                "rows": rows,
            }
        )
        report.add(
            "file", "read", source=d.path.name, reason=f"{d.label}: {hosts} host(s), {rows} row(s)"
        )
    _join_devices(records)
    return records


def _expand(paths: list[Path]) -> list[tuple[Path, bool]]:
    """Files as given, and the files of folders (in name order, hidden files left out)."""
    out: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                (f, True)
                for f in sorted(path.iterdir())
                if f.is_file() and not f.name.startswith(".")
            )
        else:
            out.append((path, False))
    return out


def _join_devices(records: list[HostRecord]) -> None:
    """A Defender device list names the devices of vulnerability records that carry only
    a device id: copy its names and OS to them, and say so."""
    lists = {
        r.device_ids[0]: r
        for r in records
        if r.format == "defender" and r.device_ids and not r.findings and not r.skipped
    }
    for record in records:
        if record.format != "defender" or not record.findings or not record.device_ids:
            continue
        source = lists.get(record.device_ids[0])
        if source is None or source is record:
            continue
        for ip in source.ips:
            record.add_ip(ip)
        for name in source.fqdns + source.hostnames:
            record.add_name(name)
        record.os = record.os or source.os
        record.notes.append(f"names and OS from the device list {source.source} {source.location}")
        source.skipped = (
            f"a device list entry: its names and OS were given to {record.source} {record.location}"
        )


def _match(
    records: Iterable[HostRecord], index: SystemIndex, org: str | None, report: ImportReport
) -> tuple[dict[str, list[tuple[HostRecord, Match]]], list[tuple[HostRecord, Match, str]]]:
    groups: dict[str, list[tuple[HostRecord, Match]]] = {}
    unmatched: list[tuple[HostRecord, Match, str]] = []
    for record in records:
        if record.skipped:
            account_host(record, Match(), "skipped", record.skipped, report)
            account_rows([(record, Match())], None, "", report)
            continue
        match = index.match(record, org=org)
        if match.system_id:
            account_host(record, match, "matched", f"by {match.how} {match.value}", report)
            groups.setdefault(match.system_id, []).append((record, match))
        elif match.ambiguous:
            account_host(
                record,
                match,
                "ambiguous",
                f"its {match.how} {match.value} names {len(match.candidates)} systems "
                f"({', '.join(match.candidates)}): give each a distinct {match.how}",
                report,
            )
            account_rows([(record, match)], None, "", report)
        else:
            elsewhere = f"; it matches {', '.join(match.elsewhere)}" if match.elsewhere else ""
            unmatched.append((record, match, "no system has its names or addresses" + elsewhere))
    return groups, unmatched


def _add_systems(tables, unmatched, org, zone, kind, report: ImportReport) -> None:
    taken = set(tables.system_row)
    why_unmatched = {id(r): (m, reason) for r, m, reason in unmatched}
    records = [r for r, _, _ in unmatched]
    for group in sorted(new_hosts.clusters(records), key=lambda g: g[0].order):
        first = group[0]
        sid = new_hosts.new_system_id(org, first, taken)
        for record in group:
            match, reason = why_unmatched[id(record)]
            account_host(record, match, "added", f"{reason}; added as {sid}", report, system_id=sid)
        chosen, why = new_hosts.kind_for(
            next((r for r in group if r.device_type or r.os), first), kind
        )
        row = new_hosts.system_row(sid, group, org, zone, chosen)
        tables.new_systems.append(row)
        tables.changed["systems"] = True
        report.add(
            "system",
            "added",
            source=first.source,
            location=first.location,
            host=first.label,
            system_id=sid,
            field="kind",
            new=chosen,
            reason=why,
        )
        pairs = [(r, Match(system_id=sid, how="added")) for r in group]
        combined = combine(pairs)
        apply_system(tables, sid, combined, report, added=True)
        account_rows(pairs, combined, sid, report)


def _result(raw: RawInventory, tables: TextTables, report: ImportReport) -> ImportResult:
    systems, vulns = tables.finished()
    out = {name: t.frame for name, t in raw.tables.items()}
    out["systems"] = systems
    out["vulnerabilities"] = vulns
    changed = {name for name, flag in tables.changed.items() if flag}
    return ImportResult(tables=out, changed=changed, report=report, raw=raw)
