"""The reference data one analysis is judged against, loaded once into a value.

:class:`Reference` holds the end-of-life table (bundled, plus any endoflife.date files),
the CISA KEV catalogue and FIRST EPSS scores, and says where each came from.
:func:`~flowmap.engine.analysis.analyse` takes one and the
:class:`~flowmap.engine.analysis.Analysis` keeps it, so that everything computed later
from the analysis (the planner's counterfactuals, :func:`flowmap.planning.full_risk`,
a what-if) is judged against the same data. Only :func:`load_reference` reads files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flowmap.reference.eol import EolTable, load_endoflife
from flowmap.reference.epss import EpssScores, load_epss
from flowmap.reference.kev import KevCatalogue, load_kev

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
        What was used, by name (``kev``, ``epss``, ``eol``, ``eol 2`` ...), for outputs.

    Examples
    --------
    >>> ref = Reference.bundled()
    >>> ref.kev is None, ref.epss is None, ref.sources
    (True, True, {})
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
        return cls(eol=bundled_eol())

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
            key = (
                "eol"
                if "eol" not in sources
                else f"eol {sum(k.startswith('eol') for k in sources) + 1}"
            )
            sources[key] = getattr(extra, "source", "") or repr(extra)
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


def load_reference(
    *,
    kev: str | Path | None = None,
    epss: str | Path | None = None,
    eol: str | Path | Sequence[str | Path] = (),
) -> Reference:
    """Read reference files into a :class:`Reference` (the bundled table plus these).

    Parameters
    ----------
    kev : path, optional
        The CISA KEV catalogue (JSON or CSV download).
    epss : path, optional
        FIRST EPSS scores (CSV, gzipped or not).
    eol : path or sequence of paths, optional
        endoflife.date API files, or folders of them (every ``*.json`` inside, in name
        order); later files win for the same product release.

    Raises
    ------
    ReferenceDataError
        A file is missing or malformed (the message names it).

    Examples
    --------
    >>> load_reference().sources
    {}
    """
    paths = [eol] if isinstance(eol, str | Path) else list(eol)
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.json")) if p.is_dir() else [p])
    return Reference.bundled().with_data(
        kev=load_kev(kev) if kev is not None else None,
        epss=load_epss(epss) if epss is not None else None,
        eol=[load_endoflife(f) for f in files],
    )


@lru_cache(maxsize=1)
def bundled_eol() -> EolTable:
    """The bundled end-of-life table, read once per process (tables are not changed in place)."""
    return EolTable.bundled()
