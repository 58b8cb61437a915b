"""Node ids of flowmap's graphs: built and read here, and nowhere else.

Both the inventory graph (:mod:`flowmap.engine.graph`) and the attacker's movement
graph (:mod:`flowmap.engine.movement`) name nodes ``<kind>:<inventory id>``
(``system:RXA-PAS-01``, ``zone:RXA:clinical``); the id part may itself contain colons,
so a node is split at its first colon only. The movement graph's source is the single
node :data:`ATTACKER`; each zone has two hubs there, ``zone:<zone>`` (the way into its
systems) and ``from-zone:<zone>`` (the way out of them), so that a zone is never a place
an attacker passes through without holding one of its systems.

Examples
--------
>>> node("system", "RXA-PAS-01")
'system:RXA-PAS-01'
>>> node("organisation", "RXA")
'org:RXA'
>>> split("zone:RXA:clinical")
('zone', 'RXA:clinical')
>>> id_of("system:RXA-PAS-01"), is_kind("system:RXA-PAS-01", "zone")
('RXA-PAS-01', False)
>>> split(node("zone_exit", "RXA:dmz"))
('zone_exit', 'RXA:dmz')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The movement graph's source: the attacker outside every organisation.
ATTACKER = "attacker"
#: Node kinds and the prefix each is written with.
PREFIX = {
    "organisation": "org",
    "system": "system",
    "asset": "asset",
    "zone": "zone",
    "zone_exit": "from-zone",
    "vulnerability": "vulnerability",
    "supplier": "supplier",
}
_KIND = {prefix: kind for kind, prefix in PREFIX.items()}


def node(kind: str, identifier: str) -> str:
    """The node id of an inventory id of this kind."""
    return f"{PREFIX[kind]}:{identifier}"


def nodes(kind: str, identifiers: pd.Series | np.ndarray) -> pd.Series:
    """Node ids for a column of inventory ids (vectorised :func:`node`).

    >>> nodes("zone", pd.Series(["RXA:dmz", "RXA:servers"])).tolist()
    ['zone:RXA:dmz', 'zone:RXA:servers']
    """
    ids = identifiers if isinstance(identifiers, pd.Series) else pd.Series(identifiers)
    return PREFIX[kind] + ":" + ids.astype(object)


def split(node_id: str) -> tuple[str, str]:
    """``(kind, inventory id)`` of a node id; ``("attacker", "")`` for :data:`ATTACKER`."""
    if node_id == ATTACKER:
        return ATTACKER, ""
    prefix, _, identifier = node_id.partition(":")
    return _KIND.get(prefix, prefix), identifier


def id_of(node_id: str) -> str:
    """The inventory id a node id names."""
    return node_id.partition(":")[2]


def is_kind(node_id: str, kind: str) -> bool:
    """Whether the node id is of this kind."""
    return node_id.startswith(PREFIX[kind] + ":")
