"""The words of an inventory workbook: its README sheet and the note on each header.

Written by :mod:`flowmap.render.workbook` into the template and every inventory workbook.
"""

from __future__ import annotations

from flowmap.inventory.schema import LIST_SEPARATOR, TABLES, TRUE_WORDS, Column

TYPE_WORDS = {
    "id": "id (text; leading zeros are kept)",
    "text": "text",
    "enum": "one value from the list",
    "bool": "yes or no",
    "date": "date, YYYY-MM-DD or DD/MM/YYYY",
    "int": "whole number",
    "float": "number",
    "list": f"list of values separated by {LIST_SEPARATOR}",
    "enum_list": f"list of allowed values separated by {LIST_SEPARATOR}",
}
README_LINES = (
    "flowmap maps health and care data flows, information assets and vulnerable systems,",
    "and finds the risks that matter. This workbook is its inventory: fill it in and give it "
    "to flowmap.",
    "",
    "How to fill it in",
    "- One sheet per table, named after the table. Keep the header row; add one row per record.",
    "- Headers in bold are required columns: every row needs a value there. Hover over a "
    "header for what it holds, its allowed values and its default.",
    "- Sheets marked required in the table below must be there; the others may stay empty.",
    "- Yes/no columns take yes or no.",
    "- An empty cell means unknown (in a yes/no column too: never no); flowmap counts unknowns "
    "as data-quality gaps.",
    "- Dates: YYYY-MM-DD or DD/MM/YYYY.",
    f"- Lists: separate values with a semicolon ({LIST_SEPARATOR}), for example "
    "personal;special_health.",
    "- Ids are text: 001 stays 001. Id and text columns are formatted as text.",
    "- Drop-downs offer the allowed values. Columns you add are kept.",
    "",
)
README_HEADINGS = frozenset({"How to fill it in"})
README_TABLE_HEADER = ("Sheet", "Needed", "Description", "Identified by")
README_WIDTHS = (18, 10, 45, 22)


def write_readme(ws, fmt: dict) -> None:
    ws.write_string(0, 0, "flowmap inventory", fmt["title"])
    for r, line in enumerate(README_LINES, start=1):
        if line:
            ws.write_string(r, 0, line, fmt["bold"] if line in README_HEADINGS else None)
    r = len(README_LINES) + 1
    for c, head in enumerate(README_TABLE_HEADER):
        ws.write_string(r, c, head, fmt["bold"])
    for row, table in enumerate(TABLES.values(), start=r + 1):
        ws.write_string(row, 0, table.name)
        ws.write_string(row, 1, "required" if table.required else "optional")
        ws.write_string(row, 2, table.description)
        ws.write_string(row, 3, " + ".join(table.key))
    for c, width in enumerate(README_WIDTHS):
        ws.set_column(c, c, width)


def header_note(column: Column) -> str:
    """The comment on a header cell: what the column holds and what it accepts.

    >>> print(header_note(TABLES["systems"].columns["criticality"]))
    Business criticality.
    Type: one value from the list
    Required: no (leave empty if unknown)
    Allowed: low, medium, high, critical
    Default when empty: medium
    Example: critical
    """
    lines = [
        column.description,
        f"Type: {TYPE_WORDS[column.type]}",
        "Required: yes (every row needs a value)"
        if column.required
        else "Required: no (leave empty if unknown)",
    ]
    if column.allowed:
        lines.append(f"Allowed: {', '.join(column.allowed)}")
    if column.minimum is not None or column.maximum is not None:
        lines.append(f"Range: {range_words(column)}")
    if column.default is not None:
        default = column.default
        if column.type == "bool":
            default = "yes" if default.lower() in TRUE_WORDS else "no"
        lines.append(f"Default when empty: {default}")
    if column.references:
        target_table, target_column = column.references.split(".")
        lines.append(f"Must be a {target_column} in the {target_table} sheet")
    if column.example:
        lines.append(f"Example: {column.example}")
    return "\n".join(lines)


def range_words(column: Column) -> str:
    if column.maximum is None:
        return f"{column.minimum:g} or more"
    if column.minimum is None:
        return f"{column.maximum:g} or less"
    return f"between {column.minimum:g} and {column.maximum:g}"
