"""A first mapping for a register: best guesses from headings and values, each marked.

Every heading is compared with words IG registers use ("Information asset owner",
"Article 6", "Retention") and, failing those, with the inventory's column names; every
value of a column with a fixed list of allowed values is compared with that list. Each
guess is written with ``guess: true`` and a comment saying why, and ``flowmap import
sheet`` refuses a mapping that still has one: a person confirms each (deleting the
line) or corrects it. Headings with no good guess are listed at the end, unmapped.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

from flowmap.errors import UsageError
from flowmap.ingest.sheets.mapping import norm
from flowmap.ingest.sheets.source import Sheet, read_sheet
from flowmap.inventory.schema import TABLES
from flowmap.render.files import write_text

#: Heading words -> (table, column), tried in order (the first that matches wins).
HEADER_HINTS: tuple[tuple[str, str, str], ...] = (
    (r"data subject|individuals", "assets", "data_subjects"),
    (r"recipient", "assets", "recipients"),
    (r"shared with|receiving system", "flows", "target_system_id"),
    (r"where (it is |is it )?held|location", "assets", "where_held"),
    (r"asset owner|\biao\b|responsib", "assets", "owner"),
    (r"article 9|art\.? ?9|special category condition|schedule 1", "flows", "special_condition"),
    (r"article 6|art\.? ?6|lawful basis|legal basis", "flows", "lawful_basis"),
    (r"categor\w* of (personal )?data|data categor|type of data|personal data", "assets",
     "data_categories"),
    (r"retention|retain for|kept for", "assets", "retention_years"),
    (r"\b(ref|reference|asset id|iar id|id)\b", "assets", "asset_id"),
    (r"information asset|asset name|^asset$|record name", "assets", "name"),
    (r"system|application|software|service", "assets", "system_id"),
    (r"purpose", "flows", "purpose"),
    (r"sharing agreement|\bdsa\b|contract", "flows", "dsa_ref"),
    (r"(agreement|contract|dsa).*(end|expir)|end date|expiry", "flows", "dsa_expires"),
    (r"how (is |it |is it |it is )*(shared|sent)|transport|method of (transfer|sharing)|"
     r"means of transfer", "flows", "transport"),
    (r"encrypt", "flows", "encrypted"),
    (r"country|overseas|transfer", "flows", "destination_country"),
    (r"last review|reviewed", "assets", "last_reviewed"),
    (r"number of records|volume|records held", "assets", "records"),
)  # fmt: skip

#: Value words -> allowed value, for the enumerations a register usually holds.
VALUE_HINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "data_subjects": (
        (r"patient", "patients"), (r"service user|client|resident", "service_users"),
        (r"carer|famil", "carers_and_families"), (r"staff|employee", "staff"),
        (r"volunteer|student", "volunteers_and_students"), (r"research", "research_participants"),
        (r"public|visitor|citizen", "members_of_public"),
        (r"supplier|contractor", "suppliers_and_contractors"),
        (r"suspect|offender", "suspects_and_offenders"),
        (r"victim|witness", "victims_and_witnesses"),
    ),
    "data_categories": (
        (r"health|medical|clinical", "special_health"), (r"criminal|offen", "criminal_offence"),
        (r"child|pupil|minor", "children"), (r"financ|bank|payment", "financial"),
        (r"staff|employee|hr\b|workforce", "staff"), (r"special", "special_other"),
        (r"corporate|business", "corporate"), (r"personal|identif", "personal"),
    ),
    "purpose": (
        (r"direct care|treatment|care", "direct_care"), (r"safeguard", "safeguarding"),
        (r"admin", "administration"), (r"commission|planning", "commissioning"),
        (r"research", "research"), (r"statutory|return", "statutory_return"),
        (r"law enforcement|police|crime", "law_enforcement"),
    ),
    "transport": (
        (r"hscn|n3", "hscn"), (r"nhs ?mail", "nhsmail"), (r"egress|secure e-?mail", "secure_email"),
        (r"e-?mail", "email"), (r"sftp|ftp", "sftp"), (r"\bapi\b|interface|hl7|fhir", "api"),
        (r"portal|upload|web", "web_upload"), (r"sharepoint|onedrive|cloud|teams", "cloud_share"),
        (r"usb|disc|removable", "removable_media"), (r"paper|post|letter", "paper"),
        (r"fax", "fax"), (r"internal", "internal"),
    ),
}  # fmt: skip
MAX_VALUES = 40
PREFIXES = {"assets": "IA", "flows": "F", "systems": "SYS", "backups": "BK"}


def _target(header: str) -> tuple[str, str, str] | None:
    """(table, column, why) for a heading, or None."""
    text = header.strip().lower()
    for pattern, table, column in HEADER_HINTS:
        found = re.search(pattern, text)
        if found:
            return table, column, f"the heading says {found.group(0)!r}"
    names = {f"{t}.{c}": (t, c) for t, spec in TABLES.items() for c in spec.columns}
    words = {key: key.split(".")[1].replace("_", " ") for key in names}
    best = max(words, key=lambda k: difflib.SequenceMatcher(None, text, words[k]).ratio())
    ratio = difflib.SequenceMatcher(None, text, words[best]).ratio()
    if ratio >= 0.75:
        table, column = names[best]
        return table, column, f"the heading is like {column!r} ({ratio:.0%} alike)"
    return None


def _value(column: str, value: str, allowed: tuple[str, ...]) -> str | None:
    text = value.lower()
    for pattern, target in VALUE_HINTS.get(column, ()):
        if re.search(pattern, text) and target in allowed:
            return target
    close = difflib.get_close_matches(text.replace(" ", "_"), allowed, n=1, cutoff=0.7)
    return close[0] if close else None


def _values(sheet: Sheet, index: int) -> list[str]:
    seen: dict[str, None] = {}
    for _, cells in sheet.rows:
        for part in re.split(r"[;,]", cells[index]):
            if part.strip():
                seen.setdefault(part.strip(), None)
    return list(seen)[:MAX_VALUES]


def suggest(path: Path, *, out: Path | None = None) -> str:
    """The suggested mapping's YAML text (written to ``out`` too, when given)."""
    if out is not None and out.exists():
        raise UsageError(f"out: {out} already exists: flowmap will not overwrite it.", param="out")
    sheet = read_sheet(path)
    chosen: dict[str, dict[str, tuple[str, str]]] = {}
    unmapped: list[str] = []
    for header in sheet.header:
        if not header.strip():
            continue
        found = _target(header)
        if found is None or found[1] in chosen.get(found[0], {}):
            unmapped.append(header)
            continue
        table, column, why = found
        chosen.setdefault(table, {})[column] = (header, why)
    lines = [
        "# flowmap import mapping suggested by `flowmap import sheet --suggest` for",
        f"# {sheet.name} (header on {sheet.where(sheet.header_row)}). Every entry marked",
        "# `guess: true` is a guess: check it, correct it if needed, then delete that line.",
        "# flowmap will not use this mapping while any guess is left. See docs/import.md.",
        "flowmap_mapping: 1",
        f"header_row: {sheet.header_row}",
        "variables:",
        "  org: CHANGE-ME   # the organisation whose register this is (or --set org=...)",
        "vocabularies: {}",
        "tables:",
    ]
    for table, columns in chosen.items():
        lines.append(f"  {table}:")
        lines.append("    columns:")
        for key in TABLES[table].key:
            if key not in columns:
                prefix = PREFIXES.get(table, table.upper())
                lines += [
                    f'      {key}: {{template: "{{org}}-{prefix}-{{row}}"}}'
                    "   # no column found for the key: made from the row number"
                ]
        if "org_id" in TABLES[table].columns and "org_id" not in columns:
            lines.append('      org_id: {template: "{org}"}')
        for column, (header, why) in columns.items():
            lines += _column_lines(sheet, table, column, header, why)
        missing = [
            c.name
            for c in TABLES[table].required_columns
            if c.name not in columns and c.name not in TABLES[table].key and c.name != "org_id"
        ]
        if missing:
            lines.append(f"      # required, and no column found: {', '.join(missing)}")
    if unmapped:
        lines.append("# Headings with no guess (add them above if they mean an inventory column):")
        lines += [f"#   {json.dumps(h)}" for h in unmapped]
    text = "\n".join(lines) + "\n"
    if out is not None:
        write_text(text, out)
    return text


def _column_lines(sheet: Sheet, table: str, column: str, header: str, why: str) -> list[str]:
    spec = TABLES[table].columns.get(column)
    lines = [
        f"      {column}:",
        f"        column: {json.dumps(header)}",
        f"        guess: true   # {why}",
    ]
    if spec is None:  # a column of your own, kept as text beside the inventory's
        return lines
    if spec.type in ("list", "enum_list"):
        lines.append('        split: [";", ","]')
    if spec.references == "systems.system_id":
        lines.append("        refer: systems   # names of systems: matched to the inventory's")
    if column == "retention_years":
        lines.append("        extract: '(\\d+(?:\\.\\d+)?)'   # the number of years")
    if spec.allowed:
        index = next(i for i, h in enumerate(sheet.header) if norm(h) == norm(header))
        lines.append("        values:")
        for value in _values(sheet, index):
            target = _value(column, value, spec.allowed)
            if target is None:
                lines.append(
                    f"          # {json.dumps(value)}: ?   # no guess: give one of "
                    f"{', '.join(spec.allowed)}"
                )
            else:
                lines.append(f"          {json.dumps(value)}: {target}")
    return lines
