"""Turn a register's rows into inventory rows by a mapping, and merge them in.

Each table of the mapping is made from every source row (or from every item of a
``for_each`` cell, e.g. one system per name in "Systems used"), in an order that puts
a table before the tables that ``refer`` to it, so that "EPR; PAS" in an asset's system
column becomes the ids of those systems. A produced row whose key (or ``match`` column)
is already in the inventory updates that row's mapped cells; any other is added. Values
a vocabulary does not know are left out and reported, never guessed.
"""

from __future__ import annotations

import re

import pandas as pd

from flowmap.ingest.report import ImportReport
from flowmap.ingest.sheets.mapping import ColumnSpec, Mapping, TableSpec, norm
from flowmap.ingest.sheets.source import Sheet
from flowmap.inventory.schema import LIST_SEPARATOR, TABLES

PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def slug(text: str) -> str:
    """An id made from a name.

    >>> slug("Lab  LIMS (pathology)"), slug("rxa-epr")
    ('LAB-LIMS-PATHOLOGY', 'RXA-EPR')
    """
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").upper()


def table_order(mapping: Mapping) -> list[TableSpec]:
    """Tables before the tables that refer to them (mapping order otherwise)."""
    specs = list(mapping.tables.values())
    done: list[TableSpec] = []
    names = {s.name for s in specs}
    while specs:
        for spec in specs:
            needs = {c.refer for c in spec.columns.values() if c.refer} & names
            if needs <= {d.name for d in done} | {spec.name}:
                break
        else:
            spec = specs[0]  # a cycle: keep the mapping's order
        specs.remove(spec)
        done.append(spec)
    return done


class Producer:
    """Makes and merges the rows of every mapped table, reporting as it goes."""

    def __init__(
        self, sheet: Sheet, mapping: Mapping, base: dict[str, pd.DataFrame], report: ImportReport
    ) -> None:
        self.sheet, self.mapping, self.report = sheet, mapping, report
        self.tables = {name: frame.copy() for name, frame in base.items()}
        self.changed: set[str] = set()
        self.positions = {norm(h): i for i, h in enumerate(sheet.header)}

    # ------------------------------------------------------------------ cells

    def _context(self, cells: list[str], row: int) -> dict[str, str]:
        ctx = {k: cells[i] for k, i in self.positions.items() if i < len(cells)}
        ctx.update({norm(k): v for k, v in self.mapping.variables.items()})
        ctx["row"] = str(row)
        return ctx

    def _text(self, spec: ColumnSpec, ctx: dict[str, str]) -> str:
        if spec.value is not None:
            text = spec.value
        elif spec.column:
            text = ctx.get(norm(spec.column), "")
        else:
            text = PLACEHOLDER.sub(lambda m: ctx.get(norm(m.group(1)), ""), spec.template)
            if not any(ctx.get(norm(s), "") for s in spec.sources()):
                text = ""  # every placeholder empty: the cell is empty, not "-"
        return text.strip() or spec.default

    def items(self, spec: ColumnSpec, ctx: dict[str, str], where: dict[str, str]) -> list[str]:
        """The values of one cell: split, extracted, translated and made ids, in order."""
        text = self._text(spec, ctx)
        if not text:
            return []
        parts = [text]
        for separator in spec.split:
            parts = [p for part in parts for p in part.split(separator)]
        out: list[str] = []
        for part in (p.strip() for p in parts):
            if not part:
                continue
            if spec.extract is not None:
                found = spec.extract.search(part)
                if not found:
                    self.report.add(
                        "value",
                        "unmapped",
                        **where,
                        field=spec.target,
                        old=part,
                        reason=f"does not contain {spec.extract.pattern!r}",
                    )
                    continue
                part = found.group(1) if found.groups() else found.group(0)
            if spec.vocabulary is not None:
                mapped = spec.vocabulary.get(part.lower(), spec.vocabulary.get("*"))
                if mapped is None:
                    name = (
                        f"vocabulary {spec.vocabulary_name!r}"
                        if spec.vocabulary_name
                        else "the column's values"
                    )
                    self.report.add(
                        "value",
                        "unmapped",
                        **where,
                        field=spec.target,
                        old=part,
                        reason=f"not in {name}: left out (add it to the mapping)",
                    )
                    continue
                if mapped == "*":
                    mapped = part
                part = mapped
            if spec.slug:
                part = slug(part)
            if part and part not in out:
                out.append(part)
        return out[:1] if spec.first else out

    # ---------------------------------------------------------------- refer

    def _resolve(
        self, table: str, items: list[str], where: dict[str, str], target: str
    ) -> list[str]:
        frame = self.tables[table]
        key = TABLES[table].key[0]
        keys = set(frame[key]) if key in frame.columns else set()
        names: dict[str, str] = {}
        if "name" in frame.columns:
            for k, name in zip(frame[key], frame["name"]):
                names.setdefault(str(name).strip().lower(), k)
        out = []
        for item in items:
            found = (
                item
                if item in keys
                else names.get(item.lower()) or (slug(item) if slug(item) in keys else None)
            )
            if found is None:
                self.report.add(
                    "value",
                    "unresolved",
                    **where,
                    field=target,
                    old=item,
                    reason=f"no row of {table} has this id or name: left out",
                )
            elif found not in out:
                out.append(found)
        return out

    # ----------------------------------------------------------------- rows

    def run(self) -> None:
        for spec in table_order(self.mapping):
            produced: dict[tuple[str, ...], tuple[dict[str, str], str]] = {}
            for row, cells in self.sheet.rows:
                self._rows_of(spec, row, cells, produced)
            for values, where_text in produced.values():
                self._merge(spec, values, where_text)

    def _rows_of(self, spec: TableSpec, row: int, cells: list[str], produced) -> None:
        ctx = self._context(cells, row)
        base = {"source": self.sheet.name, "location": self.sheet.where(row)}
        missing = [r for r in spec.require if not ctx.get(norm(r), "").strip()]
        if missing:
            self.report.add(
                "row",
                "skipped",
                **base,
                field=spec.name,
                reason=f"no {spec.name} row: {missing[0]!r} is empty",
            )
            return
        loop = self.items(spec.for_each, ctx, base) if spec.for_each else [""]
        for n, item in enumerate(loop, start=1):
            ctx_item = {**ctx, "item": item, "n": str(n)}
            values: dict[str, str] = {}
            for target, col in spec.columns.items():
                parts = self.items(col, ctx_item, base)
                if col.refer:
                    parts = self._resolve(col.refer, parts, base, target)
                    parts = parts[:1] if col.first else parts
                values[target] = LIST_SEPARATOR.join(parts)
            key = tuple(values[k] for k in TABLES[spec.name].key)
            if not all(key):
                self.report.add(
                    "row",
                    "skipped",
                    **base,
                    field=spec.name,
                    reason=f"no {spec.name} row: its key "
                    f"{', '.join(TABLES[spec.name].key)} is empty",
                )
                continue
            where_text = self.sheet.where(row)
            if key not in produced:
                produced[key] = (values, where_text)
                self.report.add(
                    "row",
                    "imported",
                    **base,
                    field=spec.name,
                    new=" + ".join(key),
                    reason=f"makes {spec.name} {' + '.join(key)}",
                )
                continue
            first, first_where = produced[key]
            for target, value in values.items():
                if value and first.get(target) and first[target] != value:
                    self.report.add(
                        "row",
                        "conflict",
                        **base,
                        field=f"{spec.name}.{target}",
                        old=first[target],
                        new=value,
                        reason=f"{' + '.join(key)} already made from {first_where}: "
                        "the first value is kept",
                    )
                elif value and not first.get(target):
                    first[target] = value

    def _merge(self, spec: TableSpec, values: dict[str, str], where_text: str) -> None:
        frame = self.tables[spec.name]
        key_cols = list(TABLES[spec.name].key)
        for col in values:
            if col not in frame.columns:
                frame[col] = ""
        found = self._existing(frame, spec, values, key_cols)
        key_text = " + ".join(values[k] for k in key_cols)
        base = {"source": self.sheet.name, "location": where_text, "system_id": key_text}
        if found is None:
            row = {c: "" for c in frame.columns} | values
            start = int(frame.index.max()) + 1 if len(frame) else 2
            frame.loc[start] = [row.get(c, "") for c in frame.columns]
            self.changed.add(spec.name)
            self.report.add(spec.name, "added", **base, reason="a new row from the register")
        else:
            for col, value in values.items():
                if col in key_cols or not value:
                    continue
                old = "" if pd.isna(frame.at[found, col]) else str(frame.at[found, col])
                if old and not spec.columns[col].from_register(self.mapping.variables):
                    continue  # a constant never overwrites what a person recorded
                if old != value:
                    frame.at[found, col] = value
                    self.changed.add(spec.name)
                    self.report.add(
                        spec.name,
                        "changed",
                        **base,
                        field=col,
                        old=old,
                        new=value,
                        reason="the register says otherwise",
                    )
        self.tables[spec.name] = frame

    @staticmethod
    def _existing(frame, spec: TableSpec, values, key_cols) -> int | None:
        if not len(frame) or not all(k in frame.columns for k in key_cols):
            return None
        hit = pd.Series(True, index=frame.index)
        for k in key_cols:
            hit &= frame[k].astype(str) == values[k]
        if hit.any():
            return int(hit[hit].index[0])
        if spec.match and spec.match in frame.columns and values.get(spec.match):
            same = (
                frame[spec.match].astype(str).str.strip().str.lower() == values[spec.match].lower()
            )
            if same.any():
                index = int(same[same].index[0])
                for k in key_cols:
                    values[k] = str(frame.at[index, k])
                return index
        return None
