"""The reference data one analysis is judged against, loaded once into a value.

:class:`Reference` holds the end-of-life table (bundled, then the local table made by
``flowmap reference update``, then any endoflife.date files given), the CISA KEV
catalogue and FIRST EPSS scores, and says where each came from.
:func:`~flowmap.engine.analysis.analyse` takes one and the
:class:`~flowmap.engine.analysis.Analysis` keeps it, so that everything computed later
from the analysis (the planner's counterfactuals, :func:`flowmap.planning.full_risk`,
a what-if) is judged against the same data. Only :func:`load_reference` reads files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flowmap.errors import ReferenceDataError
from flowmap.reference.eol import EolTable, load_endoflife
from flowmap.reference.epss import EpssScores, load_epss
from flowmap.reference.kev import KevCatalogue, load_kev
from flowmap.reference.local import endoflife_files, load_local_table, local_table_path

__all__ = ["Reference", "bundled_eol", "load_reference"]


@dataclass(frozen=True)
class Reference:
    """End-of-life table, KEV catalogue and EPSS scores, with their sources.

    Attributes
    ----------
    eol : EolTable
        The bundled end-of-life table, extended by any extra tables.
    kev : KevCatalogue or None
        Marks matching vulnerabilities known-exploited (and ransomware-linked).
    epss : EpssScores or None
        Replaces the inventory's ``epss`` where a score is listed.
    sources : dict
        What was used, by name (``eol bundled``, ``eol local``, ``eol``, ``eol 2``,
        ``kev``, ``epss``), for outputs.

    Examples
    --------
    >>> ref = Reference.bundled()
    >>> ref.kev is None, ref.epss is None, list(ref.sources)
    (True, True, ['eol bundled'])
    >>> ref.eol.match("Windows Server 2012 R2").label
    'Windows Server 2012 R2'
    """

    eol: EolTable
    kev: KevCatalogue | None = None
    epss: EpssScores | None = None
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def bundled(cls) -> Reference:
        """Only the data shipped with flowmap (the end-of-life table)."""
        table = bundled_eol()
        return cls(eol=table, sources={"eol bundled": _describe("flowmap's bundled table", table)})

    def with_data(
        self,
        *,
        kev: KevCatalogue | None = None,
        epss: EpssScores | None = None,
        eol: Iterable[EolTable] = (),
    ) -> Reference:
        """A copy with a KEV catalogue, EPSS scores or more end-of-life tables added.

        Later end-of-life tables win over earlier ones (and over the bundled table) for
        the same product release.
        """
        sources = dict(self.sources)
        table = self.eol
        for extra in eol:
            table = table.extend(extra)
            name = getattr(extra, "source", "") or repr(extra)
            count = sum(k == "eol" or (k.startswith("eol ") and k[4:].isdigit()) for k in sources)
            key = "eol" if count == 0 else f"eol {count + 1}"
            sources[key] = _describe(name, extra) if extra.dated else name
        if kev is not None:
            sources["kev"] = f"{kev.source} (catalogue {kev.version or 'unknown version'})"
        if epss is not None:
            sources["epss"] = f"{epss.source} (scores of {epss.score_date or 'unknown date'})"
        return Reference(
            eol=table,
            kev=kev if kev is not None else self.kev,
            epss=epss if epss is not None else self.epss,
            sources=sources,
        )

    def warnings(self, as_of: dt.date) -> list[str]:
        """What a reader of results judged on ``as_of`` must be told about this data.

        Today: end-of-life data more than six months old (see
        :meth:`flowmap.reference.eol.EolTable.stale`).

        Examples
        --------
        >>> Reference.bundled().warnings(dt.date(2026, 11, 30))
        []
        >>> len(Reference.bundled().warnings(dt.date(2027, 6, 1)))
        1
        """
        return self.eol.stale(as_of)


def _describe(name: str, table: EolTable) -> str:
    """A source's description: its name, size and the date of its data."""
    products = table.frame["product"].nunique()
    when = f", data of {table.dated.isoformat()}" if table.dated else ""
    plural = "product" if products == 1 else "products"
    return f"{name} ({len(table.frame)} releases of {products} {plural}{when})"


def load_reference(
    *,
    kev: str | Path | None = None,
    epss: str | Path | None = None,
    eol: str | Path | Sequence[str | Path] = (),
    local: bool = True,
) -> Reference:
    """Read reference data into a :class:`Reference`.

    The end-of-life table is the bundled endoflife.date data, then the local table made
    by ``flowmap reference update`` (when there is one and ``local`` is true), then
    flowmap's own bundled rows (facts endoflife.date lacks), then each ``eol`` file in
    order; a later table wins for the same product release. Every table used is named in
    :attr:`Reference.sources`.

    Parameters
    ----------
    kev : path, optional
        The CISA KEV catalogue (JSON or CSV download).
    epss : path, optional
        FIRST EPSS scores (CSV, gzipped or not).
    eol : path or sequence of paths, optional
        endoflife.date API files (JSON) or tables in flowmap's CSV layout, or folders of
        them (every ``*.json`` and ``*.csv`` inside, in name order).
    local : bool
        Use the local end-of-life table (default true).

    Raises
    ------
    ReferenceDataError
        A file is missing or malformed (the message names it).

    Examples
    --------
    >>> list(load_reference(local=False).sources)
    ['eol bundled']
    """
    paths = [eol] if isinstance(eol, str | Path) else list(eol)
    base = Reference.bundled()
    mine = load_local_table() if local else None
    if mine is not None:
        converted, own = EolTable.bundled_parts()
        table = converted.extend(mine).extend(own)
        base = Reference(
            eol=table,
            sources={**base.sources, "eol local": _describe(str(local_table_path()), mine)},
        )
    tables = [_eol_file(f) for f in eol_files(paths)]
    return base.with_data(
        kev=load_kev(kev) if kev is not None else None,
        epss=load_epss(epss) if epss is not None else None,
        eol=tables,
    )


def eol_files(paths: Sequence[str | Path]) -> list[Path]:
    """The end-of-life files named: files as given, folders' ``*.json`` and ``*.csv`` by name.

    Raises
    ------
    ReferenceDataError
        A path does not exist, or a folder holds no such file.
    """
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted([*p.glob("*.json"), *p.glob("*.csv")], key=lambda f: f.name)
            if not found:
                raise ReferenceDataError(
                    f"{p} holds no .json or .csv files; put endoflife.date product files "
                    "(or tables in flowmap's CSV layout) in it, or leave it out."
                )
            files.extend(found)
        else:
            files.extend(endoflife_files([p]))
    return files


def _eol_file(path: Path) -> EolTable:
    """One ``--eol`` file: a table in flowmap's CSV layout, or endoflife.date JSON."""
    return EolTable.from_csv(path) if path.suffix.lower() == ".csv" else load_endoflife(path)


@lru_cache(maxsize=1)
def bundled_eol() -> EolTable:
    """The bundled end-of-life table, read once per process (tables are not changed in place)."""
    return EolTable.bundled()
