"""A proposed flow, resolved against an analysed inventory: who sends what to whom.

:func:`resolve` turns the cells of a ``proposed_flows`` row (or the options of
``flowmap check-flow``) into a :class:`Proposal`: the asset and its categories, each end's
organisation, sector and system, the effective identifiability and scale. A mistake the
user can fix (an unknown asset, a system of another organisation) raises
:class:`~flowmap.errors.UsageError` naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import pandas as pd

from flowmap.errors import UsageError
from flowmap.inventory.choices import PURPOSES, TRANSPORTS

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis


@dataclass(frozen=True)
class Proposal:
    """What a proposed flow would do, in the inventory's terms."""

    proposal_id: str
    asset_id: str
    asset_name: str
    controller_id: str
    categories: tuple[str, ...]
    data_subjects: tuple[str, ...]
    identifiability: str
    people: int | None
    purpose: str
    sender_id: str
    sender_name: str
    sender_sector: str
    receiver_id: str
    receiver_name: str
    receiver_sector: str
    source_system_id: str = ""
    target_system_id: str = ""
    transport: str = ""
    encrypted: bool | None = None
    frequency: str = ""
    destination_country: str = "GB"
    transfer_mechanism: str = ""
    lawful_basis: str = ""
    special_condition: str = ""
    confidentiality_basis: str = ""
    s251_ref: str = ""
    opt_out_applied: bool | None = None
    dsa_ref: str = ""
    new_technology: bool | None = None
    data_matching: bool | None = None
    records_per_year: int | None = None
    note: str = ""
    dpia_status: str = ""
    dpia_ref: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def personal(self) -> bool:
        """It carries personal data (identifiable or pseudonymised, not only corporate)."""
        return self.identifiability in ("identifiable", "pseudonymised") and not (
            self.categories and set(self.categories) <= {"corporate"}
        )

    @property
    def between_orgs(self) -> bool:
        return self.sender_id != self.receiver_id

    @property
    def one_off(self) -> bool:
        return self.frequency == "adhoc"


#: The cells of a proposal ``resolve`` reads, besides the ends and the asset.
FLOW_CELLS = (
    "transport",
    "encrypted",
    "frequency",
    "destination_country",
    "transfer_mechanism",
    "lawful_basis",
    "special_condition",
    "confidentiality_basis",
    "s251_ref",
    "opt_out_applied",
    "dsa_ref",
    "new_technology",
    "data_matching",
    "records_per_year",
    "note",
)


def _cell(value: object) -> object:
    """An inventory cell as a plain value: ``None`` for unknown."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return value.strip()
    if hasattr(value, "item"):
        return value.item()
    return value


def resolve(analysis: Analysis, cells: dict[str, object]) -> Proposal:
    """The :class:`Proposal` a row of ``proposed_flows`` (or ``check-flow``'s options) makes.

    ``cells`` holds ``asset_id`` and ``purpose`` and, for each end, a system
    (``source_system_id``, ``target_system_id``) or an organisation (``from_org_id``,
    ``to_org_id``); the other proposed_flows columns are optional.

    Examples
    --------
    >>> import datetime, flowmap
    >>> a = flowmap.analyse(flowmap.load_inventory("inventories/sample"),
    ...                     as_of=datetime.date(2026, 11, 1))
    >>> p = resolve(a, {"asset_id": "IA-0011", "purpose": "direct_care",
    ...                 "source_system_id": "M85001-CLIN", "to_org_id": "RXA"})
    >>> p.sender_sector, p.receiver_name
    ('gp_practice', 'Riverside Hospitals NHS Foundation Trust')
    """
    cells = {k: _cell(v) for k, v in cells.items()}
    inv = analysis.inventory
    assets = analysis.assets.set_index("asset_id")
    asset_id = str(cells.get("asset_id") or "")
    if asset_id not in assets.index:
        raise UsageError(
            f"asset_id {asset_id!r} is not in the inventory's assets: give an asset_id "
            "from the register (add a new dataset to the assets table first).",
            param="asset_id",
        )
    purpose = str(cells.get("purpose") or "")
    if purpose not in PURPOSES:
        raise UsageError(
            f"purpose {purpose!r} is not one flowmap knows: use one of {', '.join(PURPOSES)}.",
            param="purpose",
        )
    transport = str(cells.get("transport") or "")
    if transport and transport not in TRANSPORTS:
        raise UsageError(
            f"transport {transport!r} is not one flowmap knows: use one of "
            f"{', '.join(TRANSPORTS)}.",
            param="transport",
        )
    asset = assets.loc[asset_id]
    systems = inv.systems.drop_duplicates("system_id").set_index("system_id")
    orgs = inv.organisations.drop_duplicates("org_id").set_index("org_id")
    ends = {}
    for system_key, org_key, end in (
        ("source_system_id", "from_org_id", "sending"),
        ("target_system_id", "to_org_id", "receiving"),
    ):
        system_id = str(cells.get(system_key) or "")
        org_id = str(cells.get(org_key) or "")
        if system_id and system_id not in systems.index:
            raise UsageError(
                f"{system_key} {system_id!r} is not in the inventory's systems.", param=system_key
            )
        if org_id and org_id not in orgs.index:
            raise UsageError(
                f"{org_key} {org_id!r} is not in the inventory's organisations.", param=org_key
            )
        runs = str(systems.at[system_id, "org_id"]) if system_id else ""
        if system_id and org_id and runs != org_id:
            raise UsageError(
                f"{org_key} {org_id!r} does not run {system_key} {system_id!r} (it is "
                f"{runs!r}'s): give one or make them agree.",
                param=org_key,
            )
        org_id = org_id or runs
        if not org_id:
            raise UsageError(
                f"{org_key}: give the {end} system ({system_key}) or organisation ({org_key}).",
                param=org_key,
            )
        ends[end] = (system_id, org_id)
    source_system, sender = ends["sending"]
    if not source_system:  # a flow starts where the asset is held
        held = [s for s in asset["system_id"] if s in systems.index]
        mine = [s for s in held if systems.at[s, "org_id"] == sender]
        source_system = mine[0] if mine else ""
    target_system, receiver = ends["receiving"]
    identifiability = str(cells.get("identifiability") or asset["identifiability"] or "")
    # the scale of a flow is what it sends, not the size of the asset it comes from
    people = cells.get("records_per_year")
    flow = {k: cells.get(k) for k in FLOW_CELLS}
    for key in (
        "transport",
        "frequency",
        "transfer_mechanism",
        "lawful_basis",
        "special_condition",
        "confidentiality_basis",
        "dsa_ref",
        "note",
    ):
        flow[key] = str(flow[key] or "")
    flow["destination_country"] = str(flow["destination_country"] or "GB").upper()
    for key in ("encrypted", "opt_out_applied", "new_technology", "data_matching"):
        flow[key] = None if flow[key] is None else bool(flow[key])
    known = {f.name for f in fields(Proposal)}
    extra = {k: str(v) for k, v in cells.items() if k not in known and v not in (None, "")}
    return Proposal(
        proposal_id=str(cells.get("proposal_id") or ""),
        asset_id=asset_id,
        asset_name=str(asset["name"]),
        controller_id=str(asset["org_id"]),
        categories=tuple(asset["data_categories"]),
        data_subjects=tuple(asset.get("data_subjects", ()) or ()),
        identifiability=identifiability,
        people=None if people is None else int(people),
        purpose=purpose,
        sender_id=sender,
        sender_name=str(orgs.at[sender, "name"]),
        sender_sector=str(orgs.at[sender, "sector"]),
        receiver_id=receiver,
        receiver_name=str(orgs.at[receiver, "name"]),
        receiver_sector=str(orgs.at[receiver, "sector"]),
        source_system_id=source_system,
        target_system_id=target_system,
        dpia_status=str(asset.get("dpia_status", "") or ""),
        dpia_ref=str(asset.get("dpia_ref", "") or ""),
        extra=extra,
        **flow,
    )


def as_flow(proposal: Proposal, like: pd.DataFrame) -> pd.DataFrame | None:
    """The proposal as one row of the inventory's flows (typed like ``like``), or ``None``
    when it has no sending or receiving system and so cannot be analysed as a flow."""
    if not proposal.source_system_id or not proposal.target_system_id:
        return None
    row = {
        "flow_id": f"PROPOSED:{proposal.proposal_id or proposal.asset_id}",
        "asset_id": proposal.asset_id,
        "source_system_id": proposal.source_system_id,
        "target_system_id": proposal.target_system_id,
        "transport": proposal.transport,
        "encrypted": proposal.encrypted,
        "purpose": proposal.purpose,
        "lawful_basis": proposal.lawful_basis,
        "special_condition": proposal.special_condition,
        "confidentiality_basis": proposal.confidentiality_basis,
        "s251_ref": proposal.s251_ref,
        "dsa_ref": proposal.dsa_ref,
        "dsa_expires": pd.NaT,
        "opt_out_applied": proposal.opt_out_applied,
        "identifiability": proposal.identifiability,
        "records_per_year": proposal.records_per_year,
        "frequency": proposal.frequency,
        "destination_country": proposal.destination_country,
        "transfer_mechanism": proposal.transfer_mechanism,
    }
    nxt = int(like.index.max()) + 1 if len(like) else 2
    frame = pd.DataFrame([{c: row.get(c, "") for c in like.columns}], index=[nxt])
    frame.index.name = like.index.name
    return frame.astype(like.dtypes.to_dict())
