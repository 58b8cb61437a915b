"""Apply combined scans to the inventory's text tables, explaining every change.

Works on the inventory as read (every cell the text a person typed), so a cell the
import does not change is written back exactly as it was. A matched system gets the
scan's operating system, its CPE and the scanner's unsupported verdicts, and empty
name and address cells filled in; its vulnerabilities are brought in line with the scan:

* a CVE the scan sees and the inventory lacks is added, ``open``;
* a CVE it sees again that was ``fixed`` is reopened; its CVSS (version 3 preferred)
  and patch date are updated where the scanner gives them;
* a CVE the newest full scan no longer sees (or that the scanner reports fixed) is
  marked ``fixed``, never deleted;
* ``risk_accepted`` (a person's decision) is kept whatever the scan says, and so is
  ``mitigated`` while the scan still sees the CVE.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from flowmap.ingest.combine import Combined, best_score, earliest_patch
from flowmap.ingest.records import HostRecord
from flowmap.ingest.report import ImportReport
from flowmap.inventory.schema import LIST_SEPARATOR, TABLES
from flowmap.render.files import neutralise_formula

VULN_COLUMNS = list(TABLES["vulnerabilities"].columns)


def safe(text: str) -> str:
    """Scanner text as a cell: one line, formula-like text neutralised."""
    return neutralise_formula(" ".join(str(text).split()))


class TextTables:
    """The systems and vulnerabilities tables as text, being changed."""

    def __init__(
        self,
        systems: pd.DataFrame,
        vulnerabilities: pd.DataFrame | None,
        typed_systems: pd.DataFrame,
        typed_vulns: pd.DataFrame,
    ) -> None:
        self.systems = systems.copy()
        self.vulns = (
            vulnerabilities.copy()
            if vulnerabilities is not None
            else pd.DataFrame(columns=VULN_COLUMNS, dtype=object)
        )
        self.system_row = dict(zip(typed_systems["system_id"], typed_systems.index))
        self.typed_systems = typed_systems
        self.vuln_rows: dict[str, dict[str, int]] = {}
        for row, sid, cve in zip(
            typed_vulns.index, typed_vulns["system_id"], typed_vulns["cve_id"]
        ):
            self.vuln_rows.setdefault(sid, {})[cve] = row
        self.typed_vulns = typed_vulns
        self.new_vulns: list[dict[str, str]] = []
        self.new_systems: list[dict[str, str]] = []
        self.changed = {"systems": False, "vulnerabilities": False}

    def set_system(self, row: int, column: str, value: str) -> None:
        if column not in self.systems.columns:
            self.systems[column] = ""
        self.systems.at[row, column] = value
        self.changed["systems"] = True

    def system_text(self, row: int, column: str) -> str:
        if column not in self.systems.columns:
            return ""
        value = self.systems.at[row, column]
        return "" if value is None else str(value)

    def set_vuln(self, row: int, column: str, value: str) -> None:
        if column not in self.vulns.columns:
            self.vulns[column] = ""
        self.vulns.at[row, column] = value
        self.changed["vulnerabilities"] = True

    def finished(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The tables with the added rows appended (sorted, so the output is stable)."""
        systems, vulns = self.systems, self.vulns
        if self.new_systems:
            added = pd.DataFrame(sorted(self.new_systems, key=lambda r: r["system_id"]))
            systems = _append(systems, added)
        if self.new_vulns:
            added = pd.DataFrame(
                sorted(self.new_vulns, key=lambda r: (r["system_id"], r["cve_id"]))
            )
            vulns = _append(vulns, added)
        return systems, vulns


def _append(frame: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    for column in added.columns:
        if column not in frame.columns:
            frame[column] = ""
    start = int(frame.index.max()) + 1 if len(frame) else 2
    added = added.reindex(columns=frame.columns, fill_value="").fillna("")
    added.index = pd.RangeIndex(start, start + len(added), name=frame.index.name)
    return pd.concat([frame, added.astype(object)])


def apply_system(
    tables: TextTables, sid: str, combined: Combined, report: ImportReport, *, added: bool
) -> None:
    """Bring one system's row and vulnerabilities in line with its combined scans."""
    if not added:
        _system_fields(tables, sid, combined, report)
    _vulnerabilities(tables, sid, combined, report)


def _system_fields(tables: TextTables, sid: str, c: Combined, report: ImportReport) -> None:
    row = tables.system_row[sid]

    def change(column: str, value: str, source: HostRecord | None, reason: str) -> None:
        old = tables.system_text(row, column)
        if old == value:
            return
        tables.set_system(row, column, value)
        report.add(
            "system",
            "changed",
            source=source.source if source else "",
            location=source.location if source else "",
            host=source.label if source else "",
            system_id=sid,
            field=column,
            old=old,
            new=value,
            reason=reason,
        )

    if c.os:
        change("os", safe(c.os), c.os_from, "the operating system the newest scan reports")
        if c.os_cpe:
            change("os_cpe", safe(c.os_cpe), c.os_from, "the scanner's CPE for that system")
    elif c.os_note:
        report.add("system", "kept", system_id=sid, field="os", reason=c.os_note)
    if c.verdicts is not None:
        text = "; ".join(safe(v) for v in c.verdicts)
        reason = (
            "the scanner's own verdict that something here is out of support"
            if text
            else "the newest scan gives no unsupported verdict any more"
        )
        change("unsupported_evidence", text, c.verdicts_from, reason)
    if c.fleet:
        return
    newest = (
        c.records[0]
        if len(c.records) == 1
        else max(c.records, key=lambda r: (r.scanned_at or dt.datetime.min, r.order))
    )
    fills = {
        "hostname": newest.hostnames[0] if newest.hostnames else "",
        "fqdn": newest.fqdns[0] if newest.fqdns else "",
        "ip_addresses": LIST_SEPARATOR.join(newest.ips),
    }
    for column, value in fills.items():
        if value and not tables.system_text(row, column).strip():
            change(column, safe(value), newest, "was empty; filled from the scan, to match later")


def _vulnerabilities(tables: TextTables, sid: str, c: Combined, report: ImportReport) -> None:
    existing = tables.vuln_rows.get(sid, {})
    typed = tables.typed_vulns
    for cve in sorted(set(existing) | set(c.open) | set(c.reported_fixed)):
        row = existing.get(cve)
        seen = c.open.get(cve)
        if row is None:
            if seen:
                _new_vuln(tables, sid, cve, seen, report)
            continue
        status = typed.at[row, "status"] or "open"
        if seen:
            _seen_again(tables, sid, cve, row, status, seen, report)
            continue
        if cve in c.reported_fixed:
            source, finding = c.reported_fixed[cve]
            why = f"the scanner reports it fixed ({finding.location})"
        elif c.assessed_by is not None:
            source = c.assessed_by
            when = f" of {source.scanned_at:%Y-%m-%d}" if source.scanned_at else ""
            why = f"the newest scan{when} no longer sees it"
        else:
            continue
        where = {"source": source.source, "location": source.location, "host": source.label}
        if status in ("open", "mitigated"):
            tables.set_vuln(row, "status", "fixed")
            report.add(
                "vulnerability",
                "fixed",
                **where,
                system_id=sid,
                field=cve,
                old=status,
                new="fixed",
                reason=why,
            )
        elif status == "risk_accepted":
            report.add(
                "vulnerability",
                "kept",
                **where,
                system_id=sid,
                field=cve,
                old=status,
                new=status,
                reason=f"risk accepted by a person: kept, although {why}",
            )


def _scan_values(seen) -> tuple[str, str, str]:
    cvss, version = best_score(seen)
    patch = earliest_patch(seen)
    return (f"{cvss:g}" if cvss is not None else "", version, patch.isoformat() if patch else "")


def _new_vuln(tables: TextTables, sid: str, cve: str, seen, report: ImportReport) -> None:
    cvss, version, patch = _scan_values(seen)
    record, finding = seen[0]
    tables.new_vulns.append(
        {"system_id": sid, "cve_id": cve, "cvss": cvss, "patch_released": patch, "status": "open"}
    )
    tables.changed["vulnerabilities"] = True
    detail = [f"CVSS {cvss} (version {version or 'not stated'})" if cvss else "no CVSS given"]
    if patch:
        detail.append(f"patch published {patch}")
    report.add(
        "vulnerability",
        "new",
        source=record.source,
        location=finding.location,
        host=record.label,
        system_id=sid,
        field=cve,
        new="open",
        reason="the scan sees it; " + ", ".join(detail),
    )


def _seen_again(tables, sid, cve, row, status, seen, report: ImportReport) -> None:
    cvss, version, patch = _scan_values(seen)
    record, finding = seen[0]
    where = {"source": record.source, "location": finding.location, "host": record.label}
    typed = tables.typed_vulns
    if status == "fixed":
        tables.set_vuln(row, "status", "open")
        report.add(
            "vulnerability",
            "reopened",
            **where,
            system_id=sid,
            field=cve,
            old="fixed",
            new="open",
            reason="recorded as fixed, but the scan sees it",
        )
    elif status == "risk_accepted":
        report.add(
            "vulnerability",
            "kept",
            **where,
            system_id=sid,
            field=cve,
            old=status,
            new=status,
            reason="risk accepted by a person: kept; the scan still sees it",
        )
    old_cvss = typed.at[row, "cvss"]
    if cvss and (pd.isna(old_cvss) or abs(float(old_cvss) - float(cvss)) > 1e-9):
        old_text = str(tables.vulns.at[row, "cvss"]) if "cvss" in tables.vulns.columns else ""
        tables.set_vuln(row, "cvss", cvss)
        report.add(
            "vulnerability",
            "changed",
            **where,
            system_id=sid,
            field=f"{cve} cvss",
            old=old_text,
            new=cvss,
            reason=f"the scanner's CVSS (version {version or 'not stated'})",
        )
    old_patch = typed.at[row, "patch_released"]
    if patch and (pd.isna(old_patch) or old_patch.date().isoformat() != patch):
        old_text = (
            str(tables.vulns.at[row, "patch_released"])
            if "patch_released" in tables.vulns.columns
            else ""
        )
        tables.set_vuln(row, "patch_released", patch)
        report.add(
            "vulnerability",
            "changed",
            **where,
            system_id=sid,
            field=f"{cve} patch_released",
            old=old_text,
            new=patch,
            reason="the patch publication date the scanner gives",
        )
