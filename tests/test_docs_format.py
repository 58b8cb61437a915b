"""The format document and the bundled sample stay in step with flowmap.inventory.schema.

``docs/inventory-format.md`` is what users fill their inventory in from, so every
table, column, type, allowed value, default and required marker declared in
:mod:`flowmap.inventory.schema` must appear in it, in the right table's section, and its
example rows must be real rows of the sample inventory. The sample inventory is the
demonstration data for every report, so it must stay valid, clean and varied.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

import flowmap
from flowmap.inventory.schema import TABLES, TRUE_WORDS, Column, default_zone
from tests.conftest import ROOT, SAMPLE

DOC = ROOT / "docs" / "inventory-format.md"
AS_OF = dt.date(2026, 11, 1)

#: How each column type is named in the document's "Type" column.
DOC_TYPES = {
    "id": "id (text)",
    "text": "text",
    "enum": "choice",
    "enum_list": "choice list (`;`)",
    "bool": "yes/no",
    "date": "date",
    "int": "whole number",
    "float": "number",
    "list": "id list (`;`)",
}
COLUMN_HEADER = ["Column", "Required", "Type", "Allowed values / range", "Default", "Meaning"]


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _section(table: str) -> list[str]:
    """The lines of the document's ``### <table>`` section, up to the next heading."""
    lines = _doc().splitlines()
    heading = f"### {table}"
    assert heading in lines, f"docs/inventory-format.md has no '{heading}' section"
    start = lines.index(heading) + 1
    end = next(
        (
            i
            for i in range(start, len(lines))
            if lines[i].startswith("## ") or lines[i].startswith("### ")
        ),
        len(lines),
    )
    return lines[start:end]


def _cells(line: str) -> list[str]:
    parts = re.split(r"(?<!\\)\|", line.strip())
    return [p.strip() for p in parts[1:-1]]


def _column_rows(table: str) -> dict[str, dict[str, str]]:
    """The documented columns of a table: column name -> {header: cell}."""
    section = _section(table)
    header_at = next(
        (
            i
            for i, line in enumerate(section)
            if line.startswith("|") and _cells(line) == COLUMN_HEADER
        ),
        None,
    )
    assert header_at is not None, f"the {table} section has no column table {COLUMN_HEADER}"
    rows: dict[str, dict[str, str]] = {}
    for line in section[header_at + 2 :]:
        if not line.startswith("|"):
            break
        cells = _cells(line)
        assert len(cells) == len(COLUMN_HEADER), f"malformed row in {table}: {line}"
        name = cells[0].strip("`")
        assert name not in rows, f"{table}.{name} is documented twice"
        rows[name] = dict(zip(COLUMN_HEADER, cells))
    return rows


def _backticked(text: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", text))


def _expected_default(table: str, col: Column) -> str | None:
    if table == "systems" and col.name == "zone":
        return f"`{default_zone('<org_id>')}`"
    if col.default is None:
        return None
    if col.type == "bool":
        return "`yes`" if col.default.lower() in TRUE_WORDS else "`no`"
    return f"`{col.default}`"


# ------------------------------------------------------------------ the document


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_has_its_own_section_and_file_name(table: str) -> None:
    assert _section(table)
    assert f"`{table}`" in _doc()
    assert f"`{table}.csv`" in _doc()


@pytest.mark.parametrize("table", list(TABLES))
def test_every_schema_column_is_documented_in_its_table_section(table: str) -> None:
    documented = _column_rows(table)
    declared = list(TABLES[table].columns)
    assert list(documented) == declared, (
        f"{table}: the document lists {list(documented)}, the schema declares {declared}"
    )


@pytest.mark.parametrize("table", list(TABLES))
def test_every_allowed_value_is_documented_for_its_column(table: str) -> None:
    rows = _column_rows(table)
    text = _doc()
    for col in TABLES[table].columns.values():
        if not col.allowed:
            continue
        allowed_cell = rows[col.name]["Allowed values / range"]
        assert _backticked(allowed_cell) == set(col.allowed), (
            f"{table}.{col.name}: documented {sorted(_backticked(allowed_cell))}, "
            f"allowed {sorted(col.allowed)}"
        )
        for value in col.allowed:
            # each value is also explained in the section's "What the values mean" list
            gloss = next(
                (line for line in _section(table) if line.startswith(f"- `{col.name}`:")), ""
            )
            assert f"`{value}`" in gloss, f"{table}.{col.name} value {value!r} is not explained"
            assert f"`{value}`" in text


@pytest.mark.parametrize("table", list(TABLES))
def test_documented_type_required_default_and_range_match_the_schema(table: str) -> None:
    rows = _column_rows(table)
    for col in TABLES[table].columns.values():
        row = rows[col.name]
        where = f"{table}.{col.name}"
        assert row["Type"] == DOC_TYPES[col.type], where
        assert row["Required"].startswith("yes") == col.required, where
        assert ("gap if empty" in row["Required"]) == col.risk_relevant, where
        default = _expected_default(table, col)
        if default is None:
            assert row["Default"] == "", f"{where} documents a default it does not have"
        else:
            assert default in row["Default"], f"{where}: default {default} not documented"
        allowed = row["Allowed values / range"]
        if col.minimum is not None and col.maximum is not None:
            assert f"{col.minimum:g} to {col.maximum:g}" in allowed, where
        elif col.minimum is not None:
            assert f"{col.minimum:g} or more" in allowed, where
        if col.references:
            target_table, target_col = col.references.split(".")
            assert f"`{target_col}` in {target_table}" in allowed, where
        assert row["Meaning"], f"{where} has no meaning"


@pytest.mark.parametrize("table", list(TABLES))
def test_example_rows_in_the_document_are_real_sample_rows(table: str) -> None:
    section = "\n".join(_section(table))
    blocks = re.findall(r"```csv\n(.*?)\n```", section, flags=re.S)
    assert len(blocks) == 1, f"the {table} section needs exactly one example row"
    header, row = blocks[0].splitlines()
    sample_lines = (SAMPLE / f"{table}.csv").read_text(encoding="utf-8-sig").splitlines()
    assert header == sample_lines[0] == ",".join(TABLES[table].columns)
    assert row in sample_lines[1:], f"the {table} example row is not in the sample"


def test_the_document_states_the_reading_rules() -> None:
    text = _doc()
    for phrase in (
        "`<org_id>:default`",
        "YYYY-MM-DD",
        "DD/MM/YYYY",
        "Windows-1252",
        "UTF-8",
        "case-insensitively",
        "`NA`",
        "`None`",
        "line number",
        "sheet",
        "`system_id` + `cve_id`",
        "`from_zone` + `to_zone`",
        "`Int64`",
        "`boolean`",
        "`datetime64[ns]`",
        "`tuple`",
        "named `row`",
    ):
        assert phrase in text, phrase
    exit_codes = {m.group(1) for m in re.finditer(r"^\| `(\d)` \|", text, flags=re.M)}
    assert exit_codes == {"0", "1", "2"}


# -------------------------------------------------------------------- the sample


def _csv_data_rows(path: Path) -> int:
    """Count the data rows of a CSV file the way a person would: not the header,
    not rows whose cells are all blank."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    return sum(1 for r in rows[1:] if any(cell.strip() for cell in r))


def test_sample_inventory_validates_without_errors_or_warnings() -> None:
    report = flowmap.validate(SAMPLE, as_of=AS_OF)
    assert [p.describe() for p in report.errors] == []
    assert [p.describe() for p in report.warnings] == []


def test_sample_has_every_table_as_a_csv_file() -> None:
    assert sorted(p.name for p in SAMPLE.glob("*.csv")) == sorted(f"{t}.csv" for t in TABLES)


def test_sample_row_counts_equal_the_csv_data_lines() -> None:
    report = flowmap.validate(SAMPLE, as_of=AS_OF)
    expected = {t: _csv_data_rows(SAMPLE / f"{t}.csv") for t in TABLES}
    assert report.row_counts == expected


def test_sample_is_large_and_varied_enough_to_demonstrate_the_reports() -> None:
    inv = flowmap.load_inventory(SAMPLE, as_of=AS_OF)
    assert len(inv.organisations) >= 10
    assert inv.organisations["sector"].nunique() >= 6
    assert len(inv.systems) >= 30
    assert len(inv.assets) >= 20
    assert len(inv.flows) >= 25
    assert len(inv.backups) > 0
    assert len(inv.vulnerabilities) > 0
    assert len(inv.zone_links) > 0


def test_sample_uses_every_kind_of_system() -> None:
    inv = flowmap.load_inventory(SAMPLE, as_of=AS_OF)
    assert set(inv.systems["kind"]) == set(TABLES["systems"].columns["kind"].allowed)


def test_sample_dates_are_not_after_the_analysis_date() -> None:
    inv = flowmap.load_inventory(SAMPLE, as_of=AS_OF)
    limit = dt.datetime(2026, 11, 1)
    for table, column in (
        ("systems", "last_patched"),
        ("assets", "last_reviewed"),
        ("backups", "last_restore_test"),
        ("vulnerabilities", "patch_released"),
    ):
        dates = inv.tables[table][column].dropna()
        assert (dates <= limit).all(), f"{table}.{column} has dates after {limit:%Y-%m-%d}"


def test_sample_keeps_an_awkward_but_legal_name_intact() -> None:
    inv = flowmap.load_inventory(SAMPLE, as_of=AS_OF)
    names = set(inv.systems["name"])
    assert 'Lab "LIMS" & Pathology' in names
