"""What lawful sharing needs: one judgement for the flow rules and the "can we share this?" checker.

Which sharing needs a written agreement, which partners are assured by the Data Security
and Protection Toolkit (DSPT) and which need another route, and which common-law bases
can carry confidential patient information for which purposes. Every answer is a plain
function of a flow's purpose and parties, with the reason in words and its sources, so
the rules that flag a gap and any tool that answers a practitioner's question say the
same thing. ``docs/scoring.md`` ("Sharing: what the law asks") gives the sources.

Agreements (the ICO data sharing code, in force 5 October 2021):

- **required**: the recipient processes the data for the sender (it runs or hosts one of
  the sender's systems): UK GDPR Art 28(3) requires a written contract;
- **expected**: routine, systematic sharing with a partner outside individual care
  (police, a council for non-care purposes, research, commissioning, a company): the
  code expects an agreement, although it is not a legal requirement;
- **good practice**: safeguarding, and one-off disclosures: an agreement helps, but a
  recorded decision is what matters, and a safeguarding disclosure must never wait for one;
- **not needed**: individual care between health and care bodies (the duty to share,
  Health and Social Care Act 2012 s251B, with implied consent), and statutory returns
  (the statute is the gateway).

Examples
--------
>>> agreement_need("direct_care", "nhs_trust", "gp_practice").level
'not_needed'
>>> agreement_need("law_enforcement", "nhs_trust", "police").level
'expected'
>>> agreement_need("law_enforcement", "nhs_trust", "police", one_off=True).level
'good_practice'
>>> agreement_need("direct_care", "gp_practice", "private", processor=True).level
'required'
>>> assurance_route("police"), assurance_route("gp_practice")
('own', 'dspt')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

#: How much a flow needs a written agreement, strongest first.
AgreementLevel = Literal["required", "expected", "good_practice", "not_needed"]
AGREEMENT_LEVELS: tuple[AgreementLevel, ...] = get_args(AgreementLevel)

#: Bodies that provide or commission health or adult social care: between two of them,
#: sharing for individual care rests on the duty to share (HSCA 2012 s251B) and implied
#: consent. A voluntary body here is a care provider such as a hospice. Private companies
#: are not on the list: one may be a care provider, or a supplier processing for the sender.
CARE_SECTORS = frozenset(
    {
        "nhs_trust",
        "gp_practice",
        "icb",
        "nhs_other",
        "local_authority",
        "social_care_provider",
        "voluntary",
    }
)
#: Bodies expected to complete the DSPT: every organisation with access to NHS patient
#: data and systems (NHS bodies, GP practices, councils, care providers, charities and
#: suppliers that hold it). Police, fire, central government, universities and others
#: assure themselves another way (Cyber Essentials Plus, ISO/IEC 27001, PSN, police
#: assurance).
DSPT_SECTORS = frozenset(CARE_SECTORS | {"private"})
#: Country codes and names that mean the United Kingdom: a flow to anywhere else is a
#: restricted transfer (UK GDPR Chapter V) unless adequacy regulations cover it.
UK = frozenset({"GB", "UK", "GBR", "UNITED KINGDOM"})
#: DSPT statuses below Standards Met (``not_published``: no assessment published).
BELOW_STANDARD = frozenset({"approaching_standards", "not_met", "not_published"})
#: Purposes beyond individual care (research and planning) to which the national data
#: opt-out applies and for which Caldicott principle 3 asks for pseudonymised data.
SECONDARY_PURPOSES = frozenset({"research", "commissioning"})
#: Purposes beyond individual care for which identifiable confidential patient
#: information needs consent, section 251 support or another legal gateway.
BEYOND_CARE_PURPOSES = frozenset(SECONDARY_PURPOSES | {"public_health", "marketing"})
#: Common-law bases that can carry confidential patient information for a secondary
#: purpose (implied consent covers individual care only).
SECONDARY_CONFIDENTIALITY_BASES = frozenset(
    {"explicit_consent", "s251", "legal_requirement", "public_interest", "not_confidential"}
)
#: Bases under which the national data opt-out does not apply (the person consented,
#: the law requires the disclosure, or an overriding public interest justifies it).
OPT_OUT_EXEMPT_BASES = frozenset({"explicit_consent", "legal_requirement", "public_interest"})

#: Transports whose protocol always encrypts: SFTP runs over SSH.
ENCRYPTING_TRANSPORTS = frozenset({"sftp"})
#: Secure email services: NHSmail and services accredited to the secure email standard
#: (DCB1596). Mail between accredited services needs no further encryption; to anyone
#: else it is encrypted only when the sender asks for it (NHSmail's ``[secure]``).
SECURE_EMAIL = frozenset({"nhsmail", "secure_email"})
#: Receivers that mail through NHSmail, a DCB1596-accredited service or government secure
#: email (government organisations must encrypt email in transit).
SECURE_EMAIL_SECTORS = frozenset(
    {
        "nhs_trust",
        "gp_practice",
        "icb",
        "nhs_other",
        "local_authority",
        "social_care_provider",
        "police",
        "fire",
        "central_government",
    }
)

ICO_CODE = "ICO Data Sharing Code of Practice (2021)"
S251B = "Health and Social Care Act 2012 s251B (duty to share)"
ART_28 = "UK GDPR Art 28(3) (processor contract)"
WORKING_TOGETHER = "Working Together to Safeguard Children 2023"
CALDICOTT_7 = "Caldicott principle 7 (the duty to share)"


@dataclass(frozen=True)
class AgreementNeed:
    """Whether a flow needs a written agreement, why, and the sources."""

    level: AgreementLevel
    why: str
    references: tuple[str, ...]


def agreement_need(
    purpose: str,
    sender_sector: str,
    receiver_sector: str,
    *,
    processor: bool = False,
    one_off: bool = False,
) -> AgreementNeed:
    """How much sharing of personal data from one organisation to another needs an agreement.

    Parameters
    ----------
    purpose : str
        The flow's purpose (``direct_care``, ``safeguarding``, ...; ``""`` if unrecorded).
    sender_sector, receiver_sector : str
        The organisations' sectors.
    processor : bool
        The receiver runs or hosts a system for the sender, so it processes the data
        on the sender's behalf.
    one_off : bool
        The flow happens ad hoc rather than routinely (``frequency`` is ``adhoc``).

    Returns
    -------
    AgreementNeed

    Examples
    --------
    >>> agreement_need("safeguarding", "local_authority", "police").level
    'good_practice'
    >>> agreement_need("statutory_return", "nhs_trust", "nhs_other").level
    'not_needed'
    >>> need = agreement_need("direct_care", "nhs_trust", "police")
    >>> need.level, need.why.split(" (")[0]
    ('expected', 'Routine sharing with a partner outside health and care')
    """
    if processor:
        return AgreementNeed(
            "required",
            "The receiver processes the data for the sender (it runs or hosts one of the "
            "sender's systems): UK GDPR Art 28(3) requires a written contract",
            (ART_28, ICO_CODE),
        )
    if purpose == "statutory_return":
        return AgreementNeed(
            "not_needed", "A statutory return: the law that requires it is the gateway", (ICO_CODE,)
        )
    both_care = sender_sector in CARE_SECTORS and receiver_sector in CARE_SECTORS
    if purpose == "direct_care" and both_care:
        return AgreementNeed(
            "not_needed",
            "Individual care between health and care bodies rests on the duty to share "
            "(HSCA 2012 s251B) and implied consent; an agreement is good practice, not a "
            "legal requirement",
            (S251B, CALDICOTT_7, ICO_CODE),
        )
    if purpose == "safeguarding":
        return AgreementNeed(
            "good_practice",
            "Safeguarding: an information-sharing agreement helps routine multi-agency "
            "work, but a disclosure to protect someone must never wait for one",
            (WORKING_TOGETHER, ICO_CODE),
        )
    if one_off and purpose not in SECONDARY_PURPOSES:
        return AgreementNeed(
            "good_practice",
            "A one-off disclosure: record the decision and its reasons; the ICO code expects "
            "agreements for routine sharing",
            (ICO_CODE,),
        )
    if receiver_sector == "private" and purpose == "direct_care":
        why = (
            "The receiver is a company: if it provides care under contract the duty to share "
            "applies and an agreement is good practice; if it processes the data for the "
            "sender, UK GDPR Art 28(3) requires a written contract"
        )
        return AgreementNeed("expected", why, (ART_28, S251B, ICO_CODE))
    partner = "outside health and care" if not both_care else "for a purpose beyond care"
    what = {
        "direct_care": "individual care",
        "research": "research",
        "commissioning": "planning and commissioning",
        "administration": "administration",
        "law_enforcement": "law enforcement",
        "public_health": "public health",
        "marketing": "marketing",
    }.get(purpose, "a purpose not recorded" if purpose == "" else "another purpose")
    return AgreementNeed(
        "expected",
        f"Routine sharing with a partner {partner} ({what}): the ICO code expects an "
        "agreement setting out purpose, data, security and review",
        (ICO_CODE,),
    )


def agreement_needs(flows: pd.DataFrame) -> pd.DataFrame:
    """:func:`agreement_need` for every flow, worked out once per distinct case.

    Parameters
    ----------
    flows : DataFrame
        ``purpose``, ``sender_sector``, ``receiver_sector``, ``frequency`` and
        ``receiver_is_processor`` (bool) per flow (as
        :func:`flowmap.engine.flowcontext.flow_context` gives them).

    Returns
    -------
    DataFrame
        ``agreement_level`` and ``agreement_why``, indexed like ``flows``.

    Examples
    --------
    >>> f = pd.DataFrame({"purpose": ["direct_care", "research"],
    ...     "sender_sector": ["nhs_trust"] * 2, "receiver_sector": ["gp_practice", "research"],
    ...     "frequency": ["daily", "adhoc"], "receiver_is_processor": [False, False]})
    >>> agreement_needs(f)["agreement_level"].tolist()
    ['not_needed', 'expected']
    """
    columns = [
        flows["purpose"].astype(object).fillna("").to_numpy(),
        flows["sender_sector"].astype(object).fillna("").to_numpy(),
        flows["receiver_sector"].astype(object).fillna("").to_numpy(),
        flows["receiver_is_processor"].astype(bool).to_numpy(),
        (flows["frequency"].astype(object) == "adhoc").to_numpy(),
    ]
    codes, first = _distinct_rows(columns)
    needs = [
        agreement_need(p, s, r, processor=bool(proc), one_off=bool(once))
        for p, s, r, proc, once in zip(*(c[first].tolist() for c in columns))
    ]
    level = np.array([n.level for n in needs] + ["not_needed"], dtype=object)
    why = np.array([n.why for n in needs] + [""], dtype=object)
    return pd.DataFrame(
        {"agreement_level": level[codes], "agreement_why": why[codes]}, index=flows.index
    )


def _distinct_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's number among the distinct rows of ``columns`` (in the order first met)
    and the first row of each: one integer key per row, no tuples.

    >>> codes, first = _distinct_rows([np.array(["a", "b", "a"], dtype=object),
    ...                                np.array([True, False, True])])
    >>> codes.tolist(), first.tolist()
    ([0, 1, 0], [0, 1])
    """
    key = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    for column in columns:
        part, distinct = pd.factorize(column)
        key = key * max(len(distinct), 1) + part  # a few dozen values each: no overflow
    codes, _ = pd.factorize(key)
    first = np.unique(codes, return_index=True)[1]
    return codes, first


def assurance_route(sector: str, framework: str = "") -> Literal["dspt", "own"]:
    """How an organisation shows its data security is good enough.

    ``dspt``: it is expected to complete the Data Security and Protection Toolkit
    (it has access to NHS patient data and systems). ``own``: it sits outside the DSPT
    and needs its own route (Cyber Essentials Plus, ISO/IEC 27001, PSN or police
    assurance), recorded in ``ce_plus`` or ``assurance``. The organisation's
    ``dspt_framework`` says which when it is recorded (``not_applicable``: outside the
    DSPT); otherwise its sector does.

    >>> assurance_route("fire"), assurance_route("private")
    ('own', 'dspt')
    >>> assurance_route("private", "not_applicable"), assurance_route("police", "standards_based")
    ('own', 'dspt')
    """
    if framework:
        return "own" if framework == "not_applicable" else "dspt"
    return "dspt" if sector in DSPT_SECTORS else "own"


def assurance_routes(sectors: pd.Series, frameworks: pd.Series) -> np.ndarray:
    """:func:`assurance_route` of every organisation (or flow receiver) at once.

    >>> assurance_routes(pd.Series(["police", "gp_practice"]), pd.Series(["", ""])).tolist()
    ['own', 'dspt']
    """
    pairs = sectors.astype(object).fillna("") + "|" + frameworks.astype(object).fillna("")
    codes, uniques = pd.factorize(pairs)
    routes = np.array([assurance_route(*u.split("|", 1)) for u in uniques] + ["own"], dtype=object)
    return routes[codes]


def secondary_use_needs_basis(purpose: str, confidentiality_basis: str) -> bool:
    """Whether identifiable confidential patient information sent for ``purpose`` lacks a
    common-law basis that can carry it (consent, s251 support, a legal requirement, an
    overriding public interest). Implied consent is judged by its own rule.

    >>> secondary_use_needs_basis("research", ""), secondary_use_needs_basis("research", "s251")
    (True, False)
    >>> secondary_use_needs_basis("direct_care", "")
    False
    """
    return (
        purpose in BEYOND_CARE_PURPOSES
        and confidentiality_basis not in SECONDARY_CONFIDENTIALITY_BASES
        and confidentiality_basis != "implied_consent"
    )


def encrypted_by_design(transport: str, receiver_sector: str) -> bool:
    """Whether the transport itself settles that a flow is encrypted in transit, so an
    empty ``encrypted`` cell need not be read as "no".

    SFTP always encrypts. NHSmail and secure email (DCB1596) protect mail between
    accredited services, so they settle it when the receiver is a health, care or
    public body; to anyone else a message is encrypted only when sent with ``[secure]``.
    HSCN does not: it is a private network, but NHS England says it "will not
    automatically encrypt any data".

    >>> encrypted_by_design("sftp", "research"), encrypted_by_design("hscn", "gp_practice")
    (True, False)
    >>> encrypted_by_design("nhsmail", "gp_practice"), encrypted_by_design("nhsmail", "private")
    (True, False)
    """
    return transport in ENCRYPTING_TRANSPORTS or (
        transport in SECURE_EMAIL and receiver_sector in SECURE_EMAIL_SECTORS
    )
