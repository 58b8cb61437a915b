"""The YAML mapping of ``flowmap import sheet``: which of a register's columns and values
mean which inventory column and value, and how one sheet becomes several tables.

A mapping is a small YAML file a person writes (or starts from ``--suggest``)::

    flowmap_mapping: 1
    sheet: Register            # optional: the workbook sheet (default the first)
    header_row: 3              # optional: default, the first row naming mapped columns
    variables: {org: RXA}      # {org} in templates; --set org=... overrides
    vocabularies:
      categories: {"Special category - health": special_health, "Personal": personal}
    tables:
      assets:
        columns:
          asset_id: {column: Reference}
          data_categories: {column: Categories of data, split: [";", ","],
                            vocabulary: categories}

It is checked whole before any row is read, and every mistake is named by where it
is in the file (``tables.assets.columns.owner: unknown key 'colum'``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from flowmap.errors import UsageError
from flowmap.inventory.schema import TABLES

COLUMN_KEYS = frozenset(
    {"column", "value", "template", "split", "vocabulary", "values", "extract", "slug",
     "refer", "first", "default", "guess", "note"}
)  # fmt: skip
TABLE_KEYS = frozenset({"for_each", "require", "match", "columns", "guess", "note"})
TOP_KEYS = frozenset(
    {"flowmap_mapping", "title", "sheet", "header_row", "variables", "vocabularies", "tables",
     "note"}
)  # fmt: skip
SHIPPED = Path(__file__).resolve().parents[2] / "data" / "mappings"


@dataclass
class ColumnSpec:
    """How one inventory column's cell is made from a source row."""

    target: str
    column: str = ""  # a source header
    value: str | None = None  # a constant
    template: str = ""  # text with {placeholders}
    split: tuple[str, ...] = ()
    vocabulary: dict[str, str] | None = None  # source value (lower case) -> inventory value
    vocabulary_name: str = ""
    extract: re.Pattern[str] | None = None
    slug: bool = False
    refer: str = ""  # a table whose key (or name) each item names
    first: bool = False  # keep only the first item
    default: str = ""
    guess: bool = False

    def from_register(self, variables: dict[str, str]) -> bool:
        """Whether the value comes from the register (it then updates the inventory);
        a constant or a variable only fills an empty cell or a new row."""
        if self.value is not None:
            return False
        named = {norm(v) for v in variables}
        return any(norm(s) not in named for s in self.sources())

    def sources(self) -> list[str]:
        """The source headers this column reads."""
        names = [self.column] if self.column else []
        return names + re.findall(r"\{([^{}]+)\}", self.template)


@dataclass
class TableSpec:
    name: str
    columns: dict[str, ColumnSpec]
    for_each: ColumnSpec | None = None
    require: list[str] = field(default_factory=list)
    match: str = ""  # also match existing rows on this column (case-insensitive)
    guess: bool = False


@dataclass
class Mapping:
    tables: dict[str, TableSpec]
    sheet: str | None = None
    header_row: int | None = None
    variables: dict[str, str] = field(default_factory=dict)
    title: str = ""
    source: str = ""

    def headers(self) -> set[str]:
        """Every source header the mapping reads (normalised)."""
        return set(self.header_names())

    def header_names(self) -> dict[str, str]:
        """Every source header the mapping reads: normalised -> as the mapping writes it."""
        found: dict[str, str] = {}
        for table in self.tables.values():
            specs = list(table.columns.values()) + ([table.for_each] if table.for_each else [])
            names = [s for spec in specs for s in spec.sources()] + list(table.require)
            for name in names:
                found.setdefault(norm(name), name)
        for skip in [*self.variables, "item", "row", "n"]:
            found.pop(norm(skip), None)
        return found

    def guesses(self) -> list[str]:
        """Where the mapping still holds an unconfirmed guess (``guess: true``)."""
        out = [f"tables.{t.name}" for t in self.tables.values() if t.guess]
        for t in self.tables.values():
            out += [f"tables.{t.name}.columns.{c.target}" for c in t.columns.values() if c.guess]
        return out


def norm(header: object) -> str:
    """A header as compared: case, spaces and punctuation ignored.

    >>> norm("  Legal basis (Article 6) "), norm("legal-basis article 6")
    ('legalbasisarticle6', 'legalbasisarticle6')
    """
    return _norm(str(header))


@functools.lru_cache(maxsize=4096)
def _norm(text: str) -> str:
    """:func:`norm` of text, remembered: a mapping compares the same few headings for
    every register row."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def load_mapping(path: str | Path, *, variables: dict[str, str] | None = None) -> Mapping:
    """Read and check a mapping file (or the name of a shipped one, e.g. ``dspt-1.1.2``).

    Raises
    ------
    UsageError
        For a file that is not YAML, or a mapping with any mistake; the message names
        the key at fault.
    """
    import yaml

    p = Path(path)
    if not p.exists() and (SHIPPED / f"{path}.yml").exists():
        p = SHIPPED / f"{path}.yml"
    if not p.is_file():
        shipped = ", ".join(sorted(f.stem for f in SHIPPED.glob("*.yml")))
        raise UsageError(
            f"mapping: no mapping file {path} (shipped mappings: {shipped}).", param="mapping"
        )
    try:
        document = yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UsageError(
            f"mapping: {p.name}{where}: not valid YAML ({problem}).", param="mapping"
        ) from None
    mapping = parse_mapping(document, source=p.name)
    mapping.variables.update(variables or {})
    return mapping


def _fail(source: str, where: str, message: str) -> UsageError:
    return UsageError(f"mapping: {source}: {where}: {message}", param="mapping")


def parse_mapping(document: object, *, source: str = "mapping") -> Mapping:
    """Check a mapping document (already parsed YAML) and build it.

    >>> m = parse_mapping({"flowmap_mapping": 1, "tables": {"assets": {"columns": {
    ...     "asset_id": {"column": "Ref"}, "name": {"column": "Asset"}}}}})
    >>> sorted(m.tables["assets"].columns), m.headers() == {"ref", "asset"}
    (['asset_id', 'name'], True)
    >>> parse_mapping({"flowmap_mapping": 1, "tables": {"assets": {"columns": {
    ...     "owner": {"colum": "Owner"}}}}})
    Traceback (most recent call last):
    flowmap.errors.UsageError: mapping: mapping: tables.assets.columns.owner: unknown key 'colum'...
    """
    if not isinstance(document, dict) or document.get("flowmap_mapping") != 1:
        raise _fail(source, "top", "not a flowmap mapping: it must start with 'flowmap_mapping: 1'")
    _keys(document, TOP_KEYS, source, "top")
    vocabularies = document.get("vocabularies") or {}
    if not isinstance(vocabularies, dict):
        raise _fail(source, "vocabularies", "must be a mapping of names to value tables")
    vocab = {str(k): _vocabulary(v, source, f"vocabularies.{k}") for k, v in vocabularies.items()}
    tables_doc = document.get("tables")
    if not isinstance(tables_doc, dict) or not tables_doc:
        raise _fail(source, "tables", "name at least one inventory table")
    tables: dict[str, TableSpec] = {}
    for name, spec in tables_doc.items():
        where = f"tables.{name}"
        if name not in TABLES:
            raise _fail(source, where, f"not an inventory table (tables are: {', '.join(TABLES)})")
        if not isinstance(spec, dict):
            raise _fail(source, where, "must be a mapping with 'columns'")
        _keys(spec, TABLE_KEYS, source, where)
        columns_doc = spec.get("columns")
        if not isinstance(columns_doc, dict) or not columns_doc:
            raise _fail(source, f"{where}.columns", "name at least one column")
        columns = {
            str(col): _column(str(col), c, vocab, tables_doc, source, f"{where}.columns.{col}")
            for col, c in columns_doc.items()
        }
        missing = [k for k in TABLES[name].key if k not in columns]
        if missing:
            raise _fail(source, f"{where}.columns", f"the key column {missing[0]!r} is not mapped")
        for_each = spec.get("for_each")
        match = str(spec.get("match") or "")
        if match and match not in TABLES[name].columns:
            raise _fail(source, f"{where}.match", f"{match!r} is not a column of {name}")
        tables[str(name)] = TableSpec(
            name=str(name),
            columns=columns,
            for_each=_column("item", for_each, vocab, tables_doc, source, f"{where}.for_each")
            if for_each is not None
            else None,
            require=[str(r) for r in _list(spec.get("require"), source, f"{where}.require")],
            match=match,
            guess=bool(spec.get("guess")),
        )
    header_row = document.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise _fail(source, "header_row", "must be a row number, 1 or more")
    variables = document.get("variables") or {}
    if not isinstance(variables, dict):
        raise _fail(source, "variables", "must be a mapping of names to values")
    return Mapping(
        tables=tables,
        sheet=str(document["sheet"]) if document.get("sheet") is not None else None,
        header_row=header_row,
        variables={str(k): "" if v is None else str(v) for k, v in variables.items()},
        title=str(document.get("title") or ""),
        source=source,
    )


def _keys(spec: dict, allowed: frozenset[str], source: str, where: str) -> None:
    for key in spec:
        if key not in allowed:
            raise _fail(
                source, where, f"unknown key {key!r} (keys are: {', '.join(sorted(allowed))})"
            )


def _list(value: object, source: str, where: str) -> list[object]:
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        return [value]
    if not isinstance(value, list):
        raise _fail(source, where, "must be a list")
    return value


def _vocabulary(value: object, source: str, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _fail(source, where, "must map source values to inventory values")
    return {str(k).strip().lower(): "" if v is None else str(v).strip() for k, v in value.items()}


def _column(target, spec, vocab, tables_doc, source: str, where: str) -> ColumnSpec:
    if isinstance(spec, str):  # shorthand: `owner: Information asset owner`
        spec = {"column": spec}
    if not isinstance(spec, dict):
        raise _fail(source, where, "must be a source column name or a mapping")
    _keys(spec, COLUMN_KEYS, source, where)
    given = [k for k in ("column", "value", "template") if spec.get(k) is not None]
    if len(given) != 1:
        raise _fail(source, where, "give exactly one of 'column', 'value' or 'template'")
    vocabulary = None
    name = ""
    if spec.get("vocabulary") is not None:
        name = str(spec["vocabulary"])
        if name not in vocab:
            raise _fail(source, where, f"no vocabulary named {name!r} under 'vocabularies'")
        vocabulary = vocab[name]
    if spec.get("values") is not None:
        vocabulary = {**(vocabulary or {}), **_vocabulary(spec["values"], source, where)}
    pattern = None
    if spec.get("extract") is not None:
        try:
            pattern = re.compile(str(spec["extract"]), re.IGNORECASE)
        except re.error as exc:
            raise _fail(source, f"{where}.extract", f"not a regular expression ({exc})") from None
    refer = str(spec.get("refer") or "")
    if refer and refer not in TABLES:
        raise _fail(source, f"{where}.refer", f"{refer!r} is not an inventory table")
    return ColumnSpec(
        target=target,
        column=str(spec.get("column") or ""),
        value=None if spec.get("value") is None else str(spec["value"]),
        template=str(spec.get("template") or ""),
        split=tuple(str(s) for s in _list(spec.get("split"), source, f"{where}.split")),
        vocabulary=vocabulary,
        vocabulary_name=name,
        extract=pattern,
        slug=bool(spec.get("slug")),
        refer=refer,
        first=bool(spec.get("first")),
        default="" if spec.get("default") is None else str(spec["default"]),
        guess=bool(spec.get("guess")),
    )
