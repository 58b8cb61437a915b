"""Checks of the ``proposed_flows`` table that span two columns: each proposal needs a
sender and a receiver (a system, or an organisation when the system is not yet known),
and a system and an organisation given together must agree.
"""

from __future__ import annotations

import pandas as pd

from flowmap.inventory.problems import Problem, capped
from flowmap.inventory.raw import RawInventory

#: (system column, organisation column, which end) of a proposed flow.
ENDS = (
    ("source_system_id", "from_org_id", "sending"),
    ("target_system_id", "to_org_id", "receiving"),
)


def proposal_checks(typed: dict[str, pd.DataFrame], raw: RawInventory) -> list[Problem]:
    """Errors for proposals with no sender or receiver, or a system of another organisation.

    Examples
    --------
    >>> import flowmap
    >>> inv = flowmap.load_inventory("inventories/sample")
    >>> len(inv.tables["proposed_flows"]) > 0
    True
    """
    rt = raw.tables.get("proposed_flows")
    proposals = typed["proposed_flows"]
    if rt is None or proposals.empty:
        return []
    operator = typed["systems"].set_index("system_id")["org_id"]
    operator = operator[~operator.index.duplicated()]
    problems: list[Problem] = []
    for system_col, org_col, end in ENDS:
        system, org = proposals[system_col], proposals[org_col]
        neither = proposals[(system == "") & (org == "")]
        problems.extend(
            capped(
                (
                    Problem(
                        "error",
                        "proposed_flows",
                        int(row),
                        org_col,
                        "",
                        f"no {end} end: give the {end} system ({system_col}) or, when it is "
                        f"not known yet, the {end} organisation ({org_col})",
                        rt.where(int(row)),
                    )
                    for row in neither.index
                ),
                len(neither),
                where=rt.where(None),
            )
        )
        runs = system.map(operator).fillna("")
        clash = proposals[(system != "") & (org != "") & (runs != "") & (runs != org)]
        problems.extend(
            capped(
                (
                    Problem(
                        "error",
                        "proposed_flows",
                        int(row),
                        org_col,
                        org_id,
                        f"system {sys_id!r} belongs to {runs[row]!r}, not {org_id!r}: "
                        f"leave {org_col} empty or make the two agree",
                        rt.where(int(row)),
                    )
                    for row, sys_id, org_id in zip(clash.index, clash[system_col], clash[org_col])
                ),
                len(clash),
                where=rt.where(None),
            )
        )
    return problems
