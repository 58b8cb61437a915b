"""Blast radius: the impact an attacker who holds a system could reach in one move.

For system S it is the sum over assets of the asset's impact times the best chance of
reaching a copy of it in one move from S:

- 1 for a copy on S itself;
- ``likelihood(v)`` for a copy on a system v in S's zone or in a zone S's zone links
  to (``zone_links``), on the target v of an electronic flow S sends, or on a system
  v hosted by S's organisation as a supplier.

Systems in the same zone and organisation ("class") share the zone and supplier
moves, so those are worked out once per class; only own copies and flows are per
system. Everything runs on integer codes with sort-based reductions, so the cost
grows with the inventory (copies, flows and zone links), not with systems x assets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.inventory.codes import expand, max_by
from flowmap.inventory.model import Inventory
from flowmap.inventory.schema import electronic

__all__ = ["blast_radius"]


def blast_radius(
    inventory: Inventory, copies: pd.DataFrame, likelihood: pd.Series, impact: pd.Series
) -> pd.Series:
    """The impact an attacker who holds each system could reach in one move.

    Parameters
    ----------
    inventory : Inventory
    copies : DataFrame
        Where each asset is held (:func:`flowmap.engine.copies.data_copies`): ``asset_id``
        and ``system_id``.
    likelihood : Series
        Each system's likelihood of compromise, indexed by ``system_id``.
    impact : Series
        Each asset's impact, indexed by ``asset_id``.

    Returns
    -------
    Series
        Blast radius per system (indexed by ``system_id``, in the inventory's order),
        rounded to 2 decimals.

    Examples
    --------
    Two systems in one zone; ``b`` holds an asset of impact 50 and has likelihood 0.4:

    >>> import pandas as pd
    >>> from flowmap.inventory.model import Inventory
    >>> inv = Inventory({
    ...     "systems": pd.DataFrame({"system_id": ["a", "b"], "org_id": ["o", "o"],
    ...                              "zone": ["z", "z"], "supplier_org_id": ["", ""]}),
    ...     "flows": pd.DataFrame(columns=["source_system_id", "target_system_id",
    ...                                    "transport"]),
    ...     "zone_links": pd.DataFrame(columns=["from_zone", "to_zone", "bidirectional"])})
    >>> copies = pd.DataFrame({"asset_id": ["x"], "system_id": ["b"]})
    >>> blast_radius(inv, copies, pd.Series({"a": 0.9, "b": 0.4}),
    ...              pd.Series({"x": 50.0})).to_dict()
    {'a': 20.0, 'b': 50.0}
    """
    systems = inventory.systems
    origin = pd.Index(systems["system_id"])
    n = len(origin)
    if n == 0:
        return pd.Series([], index=origin, name="blast_radius", dtype="float64")
    p_system = systems["system_id"].map(likelihood).fillna(0.0).to_numpy(dtype="float64")
    zone, zones = pd.factorize(systems["zone"])
    org, orgs = pd.factorize(systems["org_id"])

    # Copies as (system code, asset code); assets coded in sorted order.
    holder = origin.get_indexer(copies["system_id"])
    asset, names = pd.factorize(copies["asset_id"], sort=True)
    known = (holder >= 0) & (asset >= 0)
    holder, asset = holder[known], asset[known]
    width = max(len(names), 1)
    weight = pd.Series(names).map(impact).fillna(0.0).to_numpy(dtype="float64")
    p_holder = p_system[holder]

    # Per class (zone, organisation): the best chance of each asset through the zone
    # hubs and the organisation's supplier platform.
    klass, class_keys = pd.factorize(zone.astype(np.int64) * len(orgs) + org)
    class_zone, class_org = class_keys // len(orgs), class_keys % len(orgs)
    zone_key, zone_p = max_by(zone[holder].astype(np.int64) * width + asset, p_holder)
    links = _zone_pairs(zones, inventory.zone_links)
    via_zone = _join(links, zone_key // width, zone_key % width, zone_p)
    zone_key, zone_p = max_by(via_zone[0] * width + via_zone[1], via_zone[2])
    supplier = pd.Index(orgs).get_indexer(systems["supplier_org_id"])[holder]
    hosted = supplier >= 0
    host_key, host_p = max_by(
        supplier[hosted].astype(np.int64) * width + asset[hosted], p_holder[hosted]
    )
    parts = [
        _join(
            (class_zone, np.arange(len(class_keys))), zone_key // width, zone_key % width, zone_p
        ),
        _join((class_org, np.arange(len(class_keys))), host_key // width, host_key % width, host_p),
    ]
    base_key, base_p = max_by(
        np.concatenate([k * width + a for k, a, _ in parts]),
        np.concatenate([p for _, _, p in parts]),
    )
    base_sum = np.bincount(
        base_key // width, weights=base_p * weight[base_key % width], minlength=len(class_keys)
    )

    # Per system: its own copies (certain) and the targets of the flows it sends.
    flows = inventory.flows
    moves = electronic(flows["transport"])
    source = origin.get_indexer(flows.loc[moves, "source_system_id"]).astype(np.int64)
    target = origin.get_indexer(flows.loc[moves, "target_system_id"]).astype(np.int64)
    sent = np.unique((source * n + target)[(source >= 0) & (target >= 0)])
    order = np.argsort(holder, kind="stable")
    by_target = _join((sent % n, sent // n), holder[order], asset[order], p_holder[order])
    extra_key, extra_p = max_by(
        np.concatenate(
            [holder.astype(np.int64) * width + asset, by_target[0] * width + by_target[1]]
        ),
        np.concatenate([np.ones(len(holder)), by_target[2]]),
    )
    extra_system, extra_asset = extra_key // width, extra_key % width
    found = np.searchsorted(base_key, klass[extra_system].astype(np.int64) * width + extra_asset)
    found = np.minimum(found, max(len(base_key) - 1, 0))
    base = np.zeros(len(extra_key))
    if len(base_key):
        hit = base_key[found] == klass[extra_system] * width + extra_asset
        base[hit] = base_p[found[hit]]
    gain = np.maximum(extra_p - base, 0.0) * weight[extra_asset]
    total = base_sum[klass] + np.bincount(extra_system, weights=gain, minlength=n)
    return pd.Series(np.round(total, 2), index=origin, name="blast_radius")


def _zone_pairs(zones: pd.Index, zone_links: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(to zone, from zone) codes: every zone reaches itself and the zones it links to."""
    own = np.arange(len(zones))
    src = pd.Index(zones).get_indexer(zone_links["from_zone"])
    dst = pd.Index(zones).get_indexer(zone_links["to_zone"])
    both = (zone_links["bidirectional"] != False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    frm = np.concatenate([own, src, dst[both]])
    to = np.concatenate([own, dst, src[both]])
    keep = (frm >= 0) & (to >= 0)
    pairs = np.unique(to[keep].astype(np.int64) * len(zones) + frm[keep])
    return pairs // len(zones), pairs % len(zones)


def _join(
    pairs: tuple[np.ndarray, np.ndarray], group: np.ndarray, item: np.ndarray, value: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each ``(g, out)`` in ``pairs``, every ``(item, value)`` whose (sorted) group is g:
    ``(out, item, value)`` arrays of the joined rows."""
    pair, row = expand(pairs[0], group)
    return (np.asarray(pairs[1], np.int64)[pair], item[row].astype(np.int64), value[row])
