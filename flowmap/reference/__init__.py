"""Reference data flowmap scores against: end-of-life dates, CISA KEV and FIRST EPSS.

* :mod:`flowmap.reference.eol` -- bundled end-of-life table, endoflife.date files, and
  matching free-text OS names to releases; it reads its files with
  :mod:`flowmap.reference.eol_files` and OS names with :mod:`flowmap.reference.os_names`;
* :mod:`flowmap.reference.kev` -- the CISA Known Exploited Vulnerabilities catalogue;
* :mod:`flowmap.reference.epss` -- FIRST EPSS exploit-prediction scores.

See ``docs/reference-data.md`` for what is bundled and how to add more.
"""

from flowmap.reference.bundle import Reference, load_reference
from flowmap.reference.eol import ENDED_DATE_UNKNOWN, EolTable, OsMatch, load_endoflife
from flowmap.reference.epss import EpssScores, load_epss
from flowmap.reference.kev import KevCatalogue, load_kev

__all__ = [
    "ENDED_DATE_UNKNOWN",
    "EolTable",
    "EpssScores",
    "KevCatalogue",
    "OsMatch",
    "Reference",
    "load_endoflife",
    "load_epss",
    "load_kev",
    "load_reference",
]
