"""The questions ``check-flow`` answers about the law and the parties, one function each.

Each returns a :class:`~flowmap.governance.points.Point`: the question, a status, the
answer in plain English and its sources. The knowledge comes from
:mod:`flowmap.governance.law` (bases per purpose) and :mod:`flowmap.engine.sharing`
(agreements, shared with the flow rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowmap.engine.sharing import agreement_need, assurance_route
from flowmap.governance.law import (
    ARTICLE6,
    CARE_SECTORS,
    COMMON_LAW,
    PUBLIC_SECTORS,
    Route,
    article6_codes,
    article6_routes,
    article9_codes,
    article9_routes,
    common_law_routes,
    gateways,
    is_special,
    schedule1_paragraphs,
)
from flowmap.governance.points import Point
from flowmap.governance.proposal import Proposal

if TYPE_CHECKING:
    from flowmap.engine.analysis import Analysis

#: What would make sharing for marketing lawful.
CONSENT_ONLY = (
    "each person's explicit consent, asked for and recorded by {sender} before anything is "
    "shared, or sharing only anonymised data"
)
_NOT_PERSONAL = (
    "Not needed: the data is anonymised or aggregate, so it is not personal data (keep a "
    "record of how it was anonymised)."
)


def _listed(routes: list[Route]) -> str:
    return "; ".join(f"{r.words} ({r.when})" for r in routes)


def _sources(routes: list[Route], *extra: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys([s for r in routes for s in r.sources] + list(extra)))


def lawful_basis_point(p: Proposal) -> Point:
    """Which Article 6 bases could apply, and whether the one intended fits."""
    q = "Which UK GDPR Article 6 lawful bases could apply?"
    if not p.personal:
        return Point("lawful_basis", q, "ok", _NOT_PERSONAL, ("uk_gdpr_recital26",))
    routes = article6_routes(p.purpose, p.sender_sector)
    if not routes:
        return Point(
            "lawful_basis",
            q,
            "unknown",
            "flowmap cannot suggest a basis for an unnamed purpose.",
            ("uk_gdpr_art6",),
        )
    codes = [r.code for r in routes]
    intended = article6_codes(p.lawful_basis)
    options = f"For {p.sender_name} ({p.sender_sector.replace('_', ' ')}): {_listed(routes)}."
    src = _sources(routes)
    if p.purpose == "marketing" and "6(1)(a)" not in intended:
        public = (
            f"Marketing is not one of {p.sender_name}'s public tasks, and as a public "
            "authority it cannot rely on legitimate interests"
            if p.sender_sector in PUBLIC_SECTORS
            else "Handing records to another organisation for its marketing needs consent"
        )
        return Point(
            "lawful_basis",
            q,
            "blocker",
            f"{public}: the only Article 6 basis is each person's consent, given before "
            "anything is shared.",
            src,
            condition=CONSENT_ONLY.format(sender=p.sender_name),
        )
    if "6(1)(f)" in intended and p.sender_sector in PUBLIC_SECTORS:
        return Point(
            "lawful_basis",
            q,
            "condition",
            f"{p.sender_name} is a public authority: it cannot rely on legitimate interests "
            f"(6(1)(f)) for its tasks. {options}",
            src,
            condition=f"use {codes[0]} {ARTICLE6[codes[0]]}, not 6(1)(f)",
        )
    if intended and any(c in codes for c in intended):
        fit = [c for c in intended if c in codes]
        return Point(
            "lawful_basis",
            q,
            "ok",
            f"The intended basis, {fit[0]} {ARTICLE6[fit[0]]}, fits. {options}",
            src,
        )
    if intended:
        return Point(
            "lawful_basis",
            q,
            "condition",
            f"The intended basis ({', '.join(intended)}) is not the usual one for this purpose. "
            f"{options}",
            src,
            condition=f"check the Article 6 basis: usually {codes[0]} {ARTICLE6[codes[0]]}",
        )
    return Point(
        "lawful_basis",
        q,
        "condition",
        f"None is recorded yet. {options}",
        src,
        condition=f"record the Article 6 basis (usually {codes[0]} {ARTICLE6[codes[0]]})",
    )


def special_condition_point(p: Proposal) -> Point:
    """Whether an Article 9 (and Schedule 1) condition is needed, and which fit."""
    q = "Is an Article 9 condition needed, and which fits?"
    if not p.personal:
        return Point("special_condition", q, "ok", _NOT_PERSONAL, ("uk_gdpr_recital26",))
    if not is_special(p.categories):
        return Point(
            "special_condition",
            q,
            "ok",
            "Not needed: the data holds no special category or criminal offence data.",
            ("uk_gdpr_art9",),
        )
    routes = article9_routes(p.purpose)
    src = _sources(routes, "uk_gdpr_art9")
    criminal = (
        " Criminal offence data also needs a Schedule 1 condition (UK GDPR Article 10)."
        if "criminal_offence" in p.categories
        else ""
    )
    if not routes:
        return Point(
            "special_condition",
            q,
            "unknown",
            "Needed (the data is special "
            "category), but flowmap cannot suggest one for an unnamed purpose.",
            src,
        )
    options = f"Conditions that fit: {_listed(routes)}.{criminal}"
    intended = article9_codes(p.special_condition)
    fitting = [r.code[:7] for r in routes]
    if p.purpose == "marketing" and "9(2)(a)" not in intended:
        return Point(
            "special_condition",
            q,
            "blocker",
            "Health data may be used for "
            "marketing only with each person's explicit consent (Article 9(2)(a)); "
            "no other condition fits.",
            src,
            condition=CONSENT_ONLY.format(sender=p.sender_name),
        )
    if intended and any(c in fitting for c in intended):
        code = next(c for c in intended if c in fitting)
        needs = {"9(2)(b)", "9(2)(g)", "9(2)(h)", "9(2)(i)", "9(2)(j)"}
        if code in needs and not schedule1_paragraphs(p.special_condition):
            route = next(r for r in routes if r.code.startswith(code))
            return Point(
                "special_condition",
                q,
                "condition",
                f"{code} fits, but it needs a DPA 2018 Schedule 1 condition too "
                f"(section 10): {route.code}. {options}",
                src,
                condition=f"add the DPA 2018 Schedule 1 condition: {route.code}",
            )
        return Point(
            "special_condition",
            q,
            "ok",
            f"The intended condition ({p.special_condition}) fits. {options}",
            src,
        )
    return Point(
        "special_condition",
        q,
        "condition",
        (
            "The intended condition does not fit this purpose. "
            if intended
            else "Needed: the data is special category. "
        )
        + options,
        src,
        condition=f"record the Article 9 condition ({routes[0].code})",
    )


def _confidential(p: Proposal) -> bool:
    """Confidential patient or service-user information: about health or care, identifiable
    or likely identifiable (pseudonymised counts unless anonymised for the recipient)."""
    return p.personal and (
        "special_health" in p.categories
        or (
            p.sender_sector in CARE_SECTORS
            and bool({"patients", "service_users"} & set(p.data_subjects))
        )
    )


def common_law_point(p: Proposal) -> Point:
    """Whether the common law duty of confidentiality needs a basis, and which fit."""
    q = "Is a common-law basis needed (the duty of confidentiality), and which fits?"
    if not _confidential(p):
        return Point(
            "common_law",
            q,
            "ok",
            "Not needed: this is not confidential patient or service-user information.",
            ("nhse_consent",),
        )
    routes = common_law_routes(p.purpose)
    src = _sources(routes, "nhse_consent")
    pseudo = (
        " The data is pseudonymised: treat it as confidential unless the recipient cannot "
        "re-identify anyone."
        if p.identifiability == "pseudonymised"
        else ""
    )
    if not routes:
        return Point(
            "common_law",
            q,
            "unknown",
            f"Needed, but flowmap cannot suggest a basis for an unnamed purpose.{pseudo}",
            src,
        )
    codes = [r.code for r in routes]
    intended = p.confidentiality_basis
    options = f"Bases that can carry it: {_listed(routes)}.{pseudo}"
    if p.purpose == "marketing" and intended != "explicit_consent":
        return Point(
            "common_law",
            q,
            "blocker",
            "Confidential information may be disclosed "
            "for marketing only with each person's explicit consent: implied consent, "
            "section 251 support and the public interest do not cover it.",
            src,
            condition=CONSENT_ONLY.format(sender=p.sender_name),
        )
    if intended == "implied_consent" and p.purpose != "direct_care":
        return Point(
            "common_law",
            q,
            "condition",
            f"Implied consent covers individual care only, not "
            f"{p.purpose.replace('_', ' ')}. {options}",
            (*src, "caldicott"),
            condition=f"use {COMMON_LAW[codes[0]]} (or anonymise the data): implied consent "
            "does not cover this purpose",
        )
    if intended == "s251" and "s251" in codes and not p.s251_ref:
        return Point(
            "common_law",
            q,
            "condition",
            f"Section 251 support can carry it, but no approval reference is given. {options}",
            src,
            condition="record the Confidentiality Advisory Group approval reference "
            "(section 251 support must be in place before sending)",
        )
    if intended in codes or (p.purpose == "direct_care" and intended in ("", "explicit_consent")):
        which = COMMON_LAW.get(intended or "implied_consent")
        return Point(
            "common_law", q, "ok", f"{which[0].upper() + which[1:]} covers it. {options}", src
        )
    if intended == "not_confidential":
        return Point(
            "common_law",
            q,
            "check",
            "The proposal says the data is not "
            f"confidential, but it holds health or care information. {options}",
            src,
        )
    return Point(
        "common_law",
        q,
        "condition",
        f"None is recorded yet. {options}",
        src,
        condition=f"establish a common-law basis: {COMMON_LAW[codes[0]]}"
        + (f" or {COMMON_LAW[codes[1]]}" if len(codes) > 1 else ""),
    )


def gateway_points(p: Proposal) -> list[Point]:
    """The statutes that support or require the sharing, as background points."""
    q = "Which law supports or requires the sharing?"
    found = gateways(p.purpose, p.sender_sector, p.receiver_sector, p.categories)
    if not found:
        return []
    return [Point("gateway", q, "info", f"{g.name}: {g.says}.", g.sources) for g in found]


#: Levels of :func:`flowmap.engine.sharing.agreement_need` that need an agreement.
AGREEMENT_NEEDED = frozenset({"required", "expected"})


def agreement_point(analysis: Analysis, p: Proposal) -> Point:
    """Whether an agreement is expected, and which agreements the two parties already have."""
    q = "Is a data-sharing agreement or contract expected?"
    if not p.personal or not p.between_orgs:
        why = "no personal data" if not p.personal else "the data stays within one organisation"
        return Point("agreement", q, "ok", f"Not needed: {why}.", ("ico_sharing_code",))
    systems = analysis.inventory.systems
    processor = bool(
        ((systems["org_id"] == p.sender_id) & (systems["supplier_org_id"] == p.receiver_id)).any()
    )
    need = agreement_need(
        p.purpose, p.sender_sector, p.receiver_sector, processor=processor, one_off=p.one_off
    )
    f = analysis.flows
    between = f[
        ((f["sender_org_id"] == p.sender_id) & (f["receiver_org_id"] == p.receiver_id))
        | ((f["sender_org_id"] == p.receiver_id) & (f["receiver_org_id"] == p.sender_id))
    ]
    existing = sorted({r for r in between["dsa_ref"] if r})
    known = (
        f" {p.sender_name} and {p.receiver_name} already share under: {', '.join(existing)}; "
        "check whether one of these can be extended to cover this flow."
        if existing
        else ""
    )
    src = (
        ("uk_gdpr_art28", "ico_sharing_code")
        if need.level == "required"
        else ("hsca2012_s251b", "ico_sharing_code")
        if need.level == "not_needed"
        else ("ico_sharing_code",)
    )
    answer = f"{need.level.replace('_', ' ').capitalize()}: {need.why}.{known}"
    if need.level in AGREEMENT_NEEDED and not p.dsa_ref:
        return Point(
            "agreement",
            q,
            "condition",
            answer,
            src,
            condition="put a written contract in place (UK GDPR Article 28)"
            if need.level == "required"
            else "put a data-sharing agreement in place",
        )
    if need.level in AGREEMENT_NEEDED:
        answer += f" The proposal names {p.dsa_ref}."
    return Point("agreement", q, "ok" if need.level != "good_practice" else "info", answer, src)


def receiving_system_point(analysis: Analysis, p: Proposal) -> Point:
    """Whether the receiving system (and its organisation's assurance) is safe enough."""
    q = "Is the receiving system safe enough?"
    orgs = analysis.inventory.organisations.set_index("org_id")
    dspt = str(orgs.at[p.receiver_id, "dspt_status"]) if p.receiver_id in orgs.index else ""
    assurance = f"{p.receiver_name}'s DSPT status is {dspt.replace('_', ' ') or 'unknown'}."
    if not p.target_system_id:
        return Point(
            "receiving_system",
            q,
            "unknown",
            f"flowmap cannot tell: name the receiving system (target_system_id). {assurance}",
            ("uk_gdpr_art32",),
        )
    s = analysis.systems.set_index("system_id").loc[p.target_system_id]
    problems = []
    if s["eol_status"] == "eol":
        problems.append(f"its operating system ({s['os']}) is out of support")
    if int(s["open_kev"]) > 0:
        problems.append(f"it has {int(s['open_kev'])} known-exploited vulnerability(ies) open")
    if s["internet_facing"] is True and s["mfa"] is not True:
        problems.append("it faces the internet without multi-factor authentication")
    what = f"{s['name']} ({p.target_system_id}): likelihood of compromise {s['likelihood']:.0%}"
    if problems:
        return Point(
            "receiving_system",
            q,
            "condition",
            f"{what}; " + "; ".join(problems) + f". {assurance}",
            ("uk_gdpr_art32", "dspt_112"),
            condition=f"fix the receiving system first: {'; '.join(problems)}",
        )
    if assurance_route(p.receiver_sector) == "own":
        return Point(
            "receiving_system",
            q,
            "check",
            f"{what}. {p.receiver_name} is outside the DSPT: ask for its own "
            "assurance (Cyber Essentials Plus, ISO/IEC 27001, PSN or police "
            "assurance).",
            ("uk_gdpr_art32",),
        )
    if dspt in ("not_met", "approaching_standards"):
        return Point(
            "receiving_system",
            q,
            "check",
            f"{what}. {assurance} Ask for its DSPT improvement plan.",
            ("uk_gdpr_art32",),
        )
    return Point("receiving_system", q, "ok", f"{what}. {assurance}", ("uk_gdpr_art32",))


__all__ = [
    "agreement_point",
    "common_law_point",
    "gateway_points",
    "lawful_basis_point",
    "receiving_system_point",
    "special_condition_point",
]
