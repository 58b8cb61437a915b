"""Screening a flow: the national data opt-out, DPIA criteria, transport and transfers.

Each function answers one question ``check-flow`` asks, as an :class:`Assessment`: a level
from a fixed list, one plain-English reason and the ids of its sources
(:mod:`flowmap.governance.sources`). Pure functions of a flow's facts.

Examples
--------
>>> opt_out("research", identifiability="identifiable", categories=("special_health",),
...         sender_sector="nhs_trust", confidentiality_basis="s251").level
'applies'
>>> transport_assessment("nhsmail", None).level
'safe'
"""

from __future__ import annotations

from dataclasses import dataclass

from flowmap.governance.law import CARE_SECTORS, SPECIAL


@dataclass(frozen=True)
class Assessment:
    """An answer: a level from a fixed list, one plain-English reason, and its sources."""

    level: str
    reason: str
    sources: tuple[str, ...]


#: Purposes the national data opt-out is about: uses beyond individual care.
_OPT_OUT_EXEMPT_BASES = {
    "explicit_consent": "the person consented",
    "legal_requirement": "the law requires the disclosure",
    "public_interest": "an overriding public interest justifies it",
    "not_confidential": "the data is not confidential patient information",
}


def opt_out(
    purpose: str,
    *,
    identifiability: str,
    categories: tuple[str, ...],
    sender_sector: str,
    confidentiality_basis: str = "",
) -> Assessment:
    """Whether the national data opt-out applies: ``applies``, ``does_not_apply`` or
    ``depends``.

    It applies to confidential patient information from the health and adult social care
    system in England used for purposes beyond individual care (research and planning)
    under section 251 support, and not where the person consented, the law requires it,
    an overriding public interest justifies it, COPI regulation 3 (public health) is
    relied on, or the data is anonymised.

    Examples
    --------
    >>> opt_out("direct_care", identifiability="identifiable", categories=("special_health",),
    ...         sender_sector="gp_practice").level
    'does_not_apply'
    >>> opt_out("commissioning", identifiability="identifiable", categories=("special_health",),
    ...         sender_sector="gp_practice").level
    'depends'
    """
    src = ("ndoo_policy",)
    if identifiability in ("anonymised", "aggregate"):
        return Assessment(
            "does_not_apply",
            "The data is anonymised: the opt-out does not apply to anonymised data.",
            src,
        )
    if purpose in ("direct_care", "safeguarding", "law_enforcement", "statutory_return"):
        why = {
            "direct_care": "it is for individual care",
            "safeguarding": "safeguarding rests on an overriding public interest or a legal "
            "requirement, both exempt",
            "law_enforcement": "disclosures the law requires or an overriding public interest "
            "justifies are exempt",
            "statutory_return": "the law requires the return",
        }[purpose]
        return Assessment("does_not_apply", f"The opt-out does not apply: {why}.", src)
    if sender_sector not in CARE_SECTORS:
        return Assessment(
            "does_not_apply",
            "The opt-out covers data from the health and adult "
            "social care system; this sender is outside it.",
            src,
        )
    if "special_health" not in categories:
        return Assessment(
            "depends",
            "The opt-out covers confidential patient information "
            "(about a person's health or care): check whether this data is.",
            src,
        )
    if purpose == "public_health":
        return Assessment(
            "depends",
            "It does not apply under COPI regulation 3 (communicable "
            "disease and risks to public health); it does under other section "
            "251 support.",
            (*src, "copi2002"),
        )
    exempt = _OPT_OUT_EXEMPT_BASES.get(confidentiality_basis)
    if exempt:
        return Assessment("does_not_apply", f"The opt-out does not apply: {exempt}.", src)
    if confidentiality_basis == "s251":
        return Assessment(
            "applies",
            "Confidential patient information used beyond individual "
            "care under section 251 support: apply the national data opt-out "
            "before sending (unless the Confidentiality Advisory Group "
            "disapplied it).",
            (*src, "nhs_act2006_s251"),
        )
    return Assessment(
        "depends",
        "Confidential patient information used beyond individual "
        "care: the opt-out applies unless you rely on consent, a legal "
        "requirement or an overriding public interest, or anonymise the data.",
        src,
    )


#: Agencies for "sharing across agencies": sectors grouped by the services they run.
AGENCIES = {
    "nhs_trust": "health",
    "gp_practice": "health",
    "icb": "health",
    "nhs_other": "health",
    "local_authority": "council",
    "social_care_provider": "social care",
    "voluntary": "social care",
    "police": "police",
    "fire": "fire",
    "central_government": "government",
    "private": "company",
    "research": "research",
}


def agency(sector: str) -> str:
    """The agency a sector belongs to (health, council, police, ...).

    >>> agency("gp_practice") == agency("nhs_trust"), agency("police")
    (True, 'police')
    """
    return AGENCIES.get(sector, sector or "unknown")


#: People flowmap treats as "large scale" for DPIA screening: its own threshold, not an
#: ICO figure (the ICO and WP248 give factors, not a number).
LARGE_SCALE = 10_000
#: Data subjects WP248 names as vulnerable (patients, children, ...).
VULNERABLE_SUBJECTS = frozenset({"patients", "service_users", "research_participants"})


@dataclass(frozen=True)
class DpiaScreening:
    """DPIA screening: the criteria met, each with its source, and the outcome."""

    level: str  # "required", "likely", "recommended", "not_needed"
    criteria: tuple[tuple[str, tuple[str, ...]], ...]
    reason: str

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for _, ss in self.criteria for s in ss)) or (
            "ico_sharing_code",
        )


def dpia_screening(
    *,
    categories: tuple[str, ...],
    data_subjects: tuple[str, ...] = (),
    identifiability: str = "identifiable",
    people: int | None = None,
    new_technology: bool | None = None,
    data_matching: bool | None = None,
    cross_sector: bool = False,
    abroad: bool = False,
) -> DpiaScreening:
    """Screen a flow or activity against the ICO's and WP248's DPIA criteria.

    ``required``: large-scale special category data (UK GDPR Art 35(3)(b)), or an item of
    the ICO's Article 35(4) list (data matching; innovative technology with another
    criterion); ``likely``: two or more WP248 criteria; ``recommended``: personal data
    shared across organisations (the ICO data sharing code recommends a DPIA);
    ``not_needed``: no personal data.

    Examples
    --------
    >>> s = dpia_screening(categories=("personal", "special_health"), people=600)
    >>> s.level, [c for c, _ in s.criteria]
    ('likely', ['special category data', 'patients or other vulnerable people'])
    >>> dpia_screening(categories=("special_health",), people=120_000).level
    'required'
    """
    if (
        identifiability in ("anonymised", "aggregate")
        or not categories
        or set(categories) <= {"corporate"}
    ):
        return DpiaScreening("not_needed", (), "No personal data: no DPIA is needed.")
    special = bool(SPECIAL.intersection(categories))
    large = people is not None and people >= LARGE_SCALE
    vulnerable = (
        "children" in categories
        or bool(VULNERABLE_SUBJECTS.intersection(data_subjects))
        or ("special_health" in categories and not data_subjects)
    )
    met: list[tuple[str, tuple[str, ...]]] = []
    if special:
        met.append(("special category data", ("wp248",)))
    if large:
        met.append(
            (
                f"large scale ({people:,} people; flowmap's threshold is {LARGE_SCALE:,})",
                ("wp248", "flowmap"),
            )
        )
    if vulnerable:
        met.append(("patients or other vulnerable people", ("wp248",)))
    if data_matching:
        met.append(("matching or combining datasets", ("ico_dpia_list", "wp248")))
    if new_technology:
        met.append(("innovative technology", ("ico_dpia_list", "wp248")))
    if cross_sector:
        met.append(("sharing across agencies", ("ico_sharing_code",)))
    if abroad:
        met.append(("transfer outside the UK", ("flowmap",)))
    wp248 = sum(1 for _, s in met if "wp248" in s)
    if special and large:
        return DpiaScreening(
            "required",
            tuple(met),
            "Large-scale special category data: UK GDPR Article 35(3)(b) requires a DPIA.",
        )
    if data_matching or (new_technology and wp248 >= 2):
        return DpiaScreening(
            "required",
            tuple(met),
            "It is on the ICO's list of processing "
            "likely to result in high risk: a DPIA is required.",
        )
    if wp248 >= 2:
        return DpiaScreening(
            "likely",
            tuple(met),
            f"{wp248} of the WP248 criteria are met: in most cases that means a DPIA is required.",
        )
    return DpiaScreening(
        "recommended",
        tuple(met),
        "Few high-risk criteria are met; the ICO "
        "data sharing code still recommends a DPIA before sharing.",
    )


#: Transports that encrypt in transit by design (NHSmail and DCB1596-accredited secure
#: email between accredited organisations; SFTP is SSH). HSCN is a network, not
#: encryption: whether its traffic is encrypted by default could not be confirmed.
ENCRYPTED_BY_DESIGN = frozenset({"nhsmail", "secure_email", "sftp"})
#: Routes that are secure when the data is encrypted on them.
SECURE_WHEN_ENCRYPTED = frozenset({"api", "hscn", "web_upload", "cloud_share", "internal"})
#: Routes that should not carry identifiable special category data.
UNSAFE_FOR_SENSITIVE = frozenset({"email", "removable_media", "fax", "paper"})


def transport_assessment(
    transport: str, encrypted: bool | None, *, sensitive: bool = True
) -> Assessment:
    """Whether a transport protects the data in transit: ``safe``, ``unsafe`` or ``check``.

    ``sensitive`` means identifiable special category data (health, social care, criminal
    offence). ``encrypted`` is ``None`` when unknown.

    Examples
    --------
    >>> transport_assessment("nhsmail", None).level
    'safe'
    >>> transport_assessment("hscn", None).level
    'check'
    >>> transport_assessment("email", False).level
    'unsafe'
    """
    if transport in ENCRYPTED_BY_DESIGN:
        sources = ("dcb1596", "nhsmail_secure") if transport != "sftp" else ("uk_gdpr_art32",)
        what = {
            "nhsmail": "NHSmail meets the secure email standard (DCB1596): email between "
            "accredited organisations needs no further encryption; to anyone else, put "
            "[secure] in the subject.",
            "secure_email": "A secure email service accredited to DCB1596 is encrypted "
            "between accredited organisations; check the recipient's address is accredited.",
            "sftp": "SFTP encrypts in transit (it runs over SSH).",
        }[transport]
        return Assessment("safe", what, sources)
    if transport in SECURE_WHEN_ENCRYPTED:
        if transport == "hscn" and encrypted is not True:
            return Assessment(
                "check",
                "HSCN is a private network, but flowmap could not confirm that its traffic is "
                "encrypted by default: encrypt the data itself (TLS 1.2 or later, SFTP).",
                ("hscn_encryption", "uk_gdpr_art32"),
            )
        if encrypted is True:
            return Assessment(
                "safe", f"{_name(transport)}, encrypted in transit.", ("uk_gdpr_art32",)
            )
        if encrypted is False:
            return Assessment(
                "unsafe",
                f"{_name(transport)} without encryption: use TLS 1.2 or later.",
                ("uk_gdpr_art32",),
            )
        return Assessment(
            "check",
            f"{_name(transport)}: nobody has recorded whether it is encrypted; confirm TLS "
            "1.2 or later.",
            ("uk_gdpr_art32",),
        )
    if transport in UNSAFE_FOR_SENSITIVE:
        advice = {
            "email": "Ordinary email is not secure for this data: use NHSmail or another "
            "DCB1596-accredited service.",
            "removable_media": "Removable media is easily lost: use an electronic route, or "
            "only encrypted media when there is none.",
            "fax": "Fax goes to whoever is at the machine: use NHSmail or an API instead.",
            "paper": "Paper is lost or misdirected in the post: send it electronically, or "
            "tracked and sealed.",
        }[transport]
        level = "unsafe" if sensitive or encrypted is False else "check"
        return Assessment(level, advice, ("uk_gdpr_art32", "dcb1596"))
    return Assessment(
        "check",
        "The transport is not recorded or not one flowmap knows: say how the data travels.",
        ("uk_gdpr_art32",),
    )


def _name(transport: str) -> str:
    return {
        "api": "A system-to-system interface",
        "hscn": "HSCN",
        "web_upload": "A web upload",
        "cloud_share": "A shared cloud folder",
        "internal": "An internal transfer",
    }.get(transport, transport)


#: Two-letter codes flowmap reads as the United Kingdom.
UK = frozenset({"GB", "UK", "GBR", "UNITED KINGDOM"})
#: Countries with UK adequacy regulations (DPA 2018 Sch 21 para 5, as at exit: the EEA,
#: Gibraltar, Switzerland, Canada (PIPEDA), Argentina, Guernsey, Isle of Man, Jersey,
#: Andorra, Israel, Uruguay, New Zealand, Japan; then the Republic of Korea, 2022).
#: The United States only for organisations certified to the UK Extension of the EU-US
#: Data Privacy Framework (2023): see :func:`transfer_assessment`.
# fmt: off
ADEQUATE = frozenset((
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "EL", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI",
    "NO", "GI", "CH", "CA", "AR", "GG", "IM", "JE", "AD", "IL", "UY", "NZ", "JP", "KR",
))
# fmt: on


def transfer_assessment(country: str, mechanism: str = "") -> Assessment:
    """Whether sending to ``country`` is a restricted transfer and what it needs.

    Levels: ``domestic`` (UK), ``adequate`` (UK adequacy regulations cover it),
    ``covered`` (a mechanism is recorded), ``needs_mechanism``.

    Examples
    --------
    >>> transfer_assessment("").level, transfer_assessment("ie").level
    ('domestic', 'adequate')
    >>> transfer_assessment("US").level, transfer_assessment("US", "idta").level
    ('needs_mechanism', 'covered')
    """
    code = (country or "GB").strip().upper()
    if code in UK:
        return Assessment(
            "domestic", "The recipient is in the UK: not a restricted transfer.", ("uk_gdpr_ch5",)
        )
    if mechanism:
        return Assessment(
            "covered",
            f"A restricted transfer to {code}, relying on {mechanism.replace('_', ' ')}: keep "
            "the transfer risk assessment with it.",
            ("uk_gdpr_ch5", "ico_idta"),
        )
    if code in ADEQUATE:
        return Assessment(
            "adequate",
            f"{code} has UK adequacy regulations: the transfer needs no further mechanism.",
            ("uk_adequacy", "uk_gdpr_ch5"),
        )
    extra = (
        " The UK-US data bridge covers only US organisations certified to it: check the "
        "recipient's certification, or use the IDTA."
        if code == "US"
        else ""
    )
    return Assessment(
        "needs_mechanism",
        f"A restricted transfer to {code}: it needs UK adequacy regulations, an "
        "appropriate safeguard (the IDTA or the UK Addendum to the EU clauses, with a transfer "
        f"risk assessment) or an Article 49 exception.{extra}",
        ("uk_gdpr_ch5", "ico_idta", "uk_adequacy"),
    )
