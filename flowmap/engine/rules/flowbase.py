"""What every flow rule shares: the flows it reads, the message opening and the hit builder.

The rules read ``ctx.flows``: the inventory's flows with the sender's and receiver's
organisation, sector, DSPT status and other assurance, whether the receiver processes
data for the sender, the asset's data categories, the flow's effective identifiability
(the flow's own, else the asset's) and what agreement the sharing needs
(:mod:`flowmap.engine.sharing`), all added by :func:`flowmap.engine.flowcontext.flow_context`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from flowmap.engine.rules.base import hits
from flowmap.engine.rules.columns import equals
from flowmap.engine.rules.text import Text, fill, template_fields

FLOW_EVIDENCE = [
    "flow_id",
    "asset_id",
    "source_system_id",
    "target_system_id",
    "sender_org_id",
    "receiver_org_id",
    "transport",
    "purpose",
]
#: The CAF outcome the information-governance flow rules evidence.
IG = "B3.a"

#: The start of every flow message.
DESC = "Flow {flow_id} sends {asset_name} from {sender_name} to {receiver_name}"


def personal(f: pd.DataFrame) -> pd.Series:
    """Flows carrying personal data (precomputed in
    :func:`flowmap.engine.flowcontext.flow_context`)."""
    return f["personal"]


def special(f: pd.DataFrame) -> pd.Series:
    """Flows carrying special category (or children's or criminal offence) personal data."""
    return f["special_category"] & f["personal"]


def confidential(f: pd.DataFrame) -> pd.Series:
    """Flows of identifiable special category data: confidential patient information."""
    return f["special_category"] & equals(f["identifiability_effective"], "identifiable")


def between_orgs(f: pd.DataFrame) -> pd.Series:
    """Flows whose sender and receiver are different organisations."""
    # numpy compares the two text columns several times faster than pandas does
    return pd.Series(
        f["sender_org_id"].to_numpy(dtype=object) != f["receiver_org_id"].to_numpy(dtype=object),
        index=f.index,
    )


def rule_hits(
    flows: pd.DataFrame,
    matched: pd.Series | np.ndarray,
    message: str,
    extra: list[str],
    base: float | Callable[[pd.DataFrame], np.ndarray],
    **values: Callable[[pd.DataFrame], Text],
) -> pd.DataFrame:
    """Hits for the flows ``matched`` selects.

    ``message`` is a :func:`fill` template over the flow's columns and ``values``, each
    a function of the matched flows. Only the columns a hit reads are copied. ``base``
    is the score, or a function of the matched flows giving one per flow; flows
    carrying identifiable special category data score 10 more.
    """
    rows = np.flatnonzero(np.asarray(matched, dtype=bool))
    if not len(rows):
        return hits(flows.iloc[:0], subject="flow_id", org="sender_org_id", message=[], evidence=[])
    read = (
        FLOW_EVIDENCE
        + extra
        + ["special_category", "identifiability_effective"]
        + [name for name in template_fields(message) if name in flows.columns]
    )
    # column by column: pandas' .loc[rows, columns] copies the whole of each column first
    f = pd.DataFrame({column: flows[column].take(rows) for column in dict.fromkeys(read)})
    sensitive = confidential(f).to_numpy()
    score = base(f) if callable(base) else base
    return hits(
        f,
        subject="flow_id",
        org="sender_org_id",
        message=fill(f, message, **{name: v(f) for name, v in values.items()}),
        evidence=FLOW_EVIDENCE + extra,
        score=np.asarray(score, dtype="float64") + 10 * sensitive,
    )
