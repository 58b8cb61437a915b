"""What each purpose of sharing can rest on: Article 6 bases, Article 9 / Schedule 1
conditions, common-law bases and the statutes that support or require sharing.

The knowledge ``check-flow`` and the record of processing activities read, as data: each
:class:`Route` is one basis, when it fits, in plain words, with the ids of its sources
(:mod:`flowmap.governance.sources`). This is guidance for an IG lead, not legal advice.

Examples
--------
>>> [r.code for r in article6_routes("direct_care", "gp_practice")]
['6(1)(e)', '6(1)(d)']
>>> [r.code for r in article9_routes("research")]
['9(2)(j); DPA 2018 Sch 1 para 4', '9(2)(a)']
>>> [r.code for r in common_law_routes("direct_care")]
['implied_consent']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flowmap.inventory.choices import PUBLIC_SECTORS

#: Bodies that provide or commission health or adult social care (a ``voluntary`` body is
#: a care provider such as a hospice).
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

#: Article 6(1) bases in words (UK GDPR; (ea) inserted by the Data (Use and Access) Act 2025).
ARTICLE6 = {
    "6(1)(a)": "consent",
    "6(1)(b)": "contract",
    "6(1)(c)": "legal obligation",
    "6(1)(d)": "vital interests",
    "6(1)(e)": "public task",
    "6(1)(ea)": "recognised legitimate interest",
    "6(1)(f)": "legitimate interests",
}
#: Article 9(2) conditions in words.
ARTICLE9 = {
    "9(2)(a)": "explicit consent",
    "9(2)(b)": "employment, social security and social protection law",
    "9(2)(c)": "vital interests of someone unable to consent",
    "9(2)(f)": "legal claims and courts",
    "9(2)(g)": "substantial public interest",
    "9(2)(h)": "health or social care",
    "9(2)(i)": "public health",
    "9(2)(j)": "archiving, research and statistics",
}
#: Article 9(2) conditions that need a DPA 2018 Schedule 1 condition (DPA 2018 s10), and
#: the paragraph that usually goes with each in health and care.
NEEDS_SCHEDULE1 = {
    "9(2)(b)": "para 1 (employment, social security and social protection)",
    "9(2)(g)": "a Part 2 paragraph (para 10 preventing or detecting unlawful acts, para 18 "
    "safeguarding of children and individuals at risk, ...)",
    "9(2)(h)": "para 2 (health or social care purposes)",
    "9(2)(i)": "para 3 (public health)",
    "9(2)(j)": "para 4 (research etc)",
}
#: Common-law bases in words (the flows' ``confidentiality_basis`` values).
COMMON_LAW = {
    "implied_consent": "implied consent",
    "explicit_consent": "explicit consent",
    "s251": "section 251 support",
    "legal_requirement": "a legal requirement",
    "public_interest": "the public interest",
    "not_confidential": "not confidential",
}
#: Data categories that are special category (Article 9) or criminal offence (Article 10).
SPECIAL = frozenset({"special_health", "special_other", "criminal_offence"})


@dataclass(frozen=True)
class Route:
    """One basis a purpose can rest on: its code, when it fits, and its sources."""

    code: str
    when: str
    sources: tuple[str, ...]

    @property
    def words(self) -> str:
        """The code in words, e.g. ``'6(1)(e) public task'``."""
        name = ARTICLE6.get(self.code) or COMMON_LAW.get(self.code)
        if name is None and self.code[:7] in ARTICLE9:
            name = ARTICLE9[self.code[:7]]
        return f"{self.code} {name}" if name and self.code[0].isdigit() else (name or self.code)


_A6 = ("uk_gdpr_art6",)
_A9 = ("uk_gdpr_art9", "dpa2018_sch1", "dpa2018_s10")


def article6_routes(purpose: str, sender_sector: str) -> list[Route]:
    """The Article 6 bases the sender could rely on to share for ``purpose``.

    >>> [r.code for r in article6_routes("research", "research")]
    ['6(1)(e)', '6(1)(f)']
    >>> [r.code for r in article6_routes("marketing", "gp_practice")]
    ['6(1)(a)']
    """
    public = sender_sector in PUBLIC_SECTORS
    task = Route(
        "6(1)(e)",
        "for a public body or a provider commissioned to deliver NHS or "
        "council services, performing its functions",
        _A6,
    )
    li = Route(
        "6(1)(f)",
        "for a body that is not a public authority acting in its public "
        "tasks, after a legitimate interests assessment",
        _A6,
    )
    routes: dict[str, list[Route]] = {
        "direct_care": [
            task,
            Route("6(1)(d)", "only to protect someone's life in an emergency", _A6),
        ],
        "safeguarding": [
            task,
            Route("6(1)(c)", "where a statute requires the disclosure", _A6),
            Route(
                "6(1)(ea)",
                "safeguarding a vulnerable individual, for bodies that are not "
                "public authorities acting in their tasks (Data (Use and Access) Act 2025; "
                "check it is in force)",
                ("duaa2025_s70",),
            ),
        ],
        "administration": [
            task,
            Route("6(1)(b)", "for staff data, under the employment contract", _A6),
            Route("6(1)(c)", "where the law requires it (tax, pensions)", _A6),
        ],
        "commissioning": [task],
        "research": [task, li],
        "public_health": [
            task,
            Route("6(1)(c)", "where the law requires it (notifiable diseases)", _A6),
        ],
        "statutory_return": [Route("6(1)(c)", "the law that requires the return", _A6), task],
        "law_enforcement": [
            Route("6(1)(c)", "where a statute or a court order requires the disclosure", _A6),
            task,
            Route(
                "6(1)(ea)",
                "preventing or detecting crime, for bodies that are not public "
                "authorities acting in their tasks (Data (Use and Access) Act 2025; check it "
                "is in force)",
                ("duaa2025_s70",),
            ),
        ],
        "marketing": [
            Route(
                "6(1)(a)",
                "the consent of each person, freely given, specific and "
                "recorded before anything is shared",
                _A6,
            )
        ],
    }
    found = routes.get(purpose, [])
    if not public and purpose in ("direct_care", "administration", "commissioning"):
        found = [*found, li]
    if public:
        found = [r for r in found if r.code not in ("6(1)(f)", "6(1)(ea)")]
    return found


def article9_routes(purpose: str) -> list[Route]:
    """The Article 9 conditions (with their Schedule 1 paragraph) that fit ``purpose``.

    >>> [r.code for r in article9_routes("safeguarding")]
    ['9(2)(g); DPA 2018 Sch 1 para 18', '9(2)(h); DPA 2018 Sch 1 para 2']
    """
    care = Route(
        "9(2)(h); DPA 2018 Sch 1 para 2",
        "health or social care purposes, by or "
        "under the responsibility of a professional who owes a duty of "
        "confidentiality",
        _A9,
    )
    routes = {
        "direct_care": [care],
        "safeguarding": [
            Route(
                "9(2)(g); DPA 2018 Sch 1 para 18",
                "safeguarding of children and of individuals at risk",
                _A9,
            ),
            care,
        ],
        "administration": [
            Route(
                "9(2)(h); DPA 2018 Sch 1 para 2",
                "management of health or social care services",
                _A9,
            ),
            Route(
                "9(2)(b); DPA 2018 Sch 1 para 1",
                "staff data under employment law (needs an appropriate policy document)",
                _A9,
            ),
        ],
        "commissioning": [
            Route(
                "9(2)(h); DPA 2018 Sch 1 para 2",
                "management of health or social care systems and services",
                _A9,
            )
        ],
        "research": [
            Route(
                "9(2)(j); DPA 2018 Sch 1 para 4",
                "research in the public interest with Article 89 safeguards",
                _A9,
            ),
            Route("9(2)(a)", "explicit consent", _A9),
        ],
        "public_health": [
            Route(
                "9(2)(i); DPA 2018 Sch 1 para 3",
                "public health, by or under the responsibility of a health professional",
                _A9,
            )
        ],
        "statutory_return": [
            Route(
                "9(2)(h); DPA 2018 Sch 1 para 2",
                "returns for managing health and care services",
                _A9,
            ),
            Route("9(2)(g); DPA 2018 Sch 1 para 6", "statutory and government purposes", _A9),
        ],
        "law_enforcement": [
            Route("9(2)(g); DPA 2018 Sch 1 para 10", "preventing or detecting unlawful acts", _A9)
        ],
        "marketing": [Route("9(2)(a)", "the explicit consent of each person", _A9)],
    }
    return routes.get(purpose, [])


def common_law_routes(purpose: str) -> list[Route]:
    """The common-law bases that can carry confidential information for ``purpose``.

    >>> [r.code for r in common_law_routes("research")]
    ['s251', 'explicit_consent']
    """
    implied = Route(
        "implied_consent",
        "sharing within the care team for the person's "
        "individual care, as they would reasonably expect",
        ("nhse_consent", "caldicott"),
    )
    explicit = Route(
        "explicit_consent", "the person agreed to this use", ("nhse_consent", "gmc_confidentiality")
    )
    public = Route(
        "public_interest",
        "an overriding public interest, judged case by case "
        "(serious harm, serious crime), and recorded",
        ("gmc_confidentiality",),
    )
    legal = Route(
        "legal_requirement",
        "a statute or court order requires the disclosure",
        ("gmc_confidentiality",),
    )
    s251 = Route(
        "s251",
        "section 251 support: HRA approval for research, Secretary of State "
        "approval otherwise, on the advice of the Confidentiality Advisory Group",
        ("nhs_act2006_s251",),
    )
    routes = {
        "direct_care": [implied],
        "safeguarding": [public, legal, explicit],
        "administration": [s251, explicit],
        "commissioning": [s251, explicit],
        "research": [s251, explicit],
        "public_health": [
            Route(
                "s251",
                "COPI regulation 3 (communicable disease and other risks to public health)",
                ("copi2002",),
            ),
            legal,
        ],
        "statutory_return": [legal],
        "law_enforcement": [legal, public],
        "marketing": [explicit],
    }
    return routes.get(purpose, [])


@dataclass(frozen=True)
class Gateway:
    """A statute that supports or requires the sharing, in words, with its sources."""

    name: str
    says: str
    sources: tuple[str, ...]


def gateways(
    purpose: str, sender_sector: str, receiver_sector: str, categories: tuple[str, ...] = ()
) -> list[Gateway]:
    """Statutes that support (or require) sharing for ``purpose`` between these sectors.

    >>> [g.name for g in gateways("direct_care", "gp_practice", "nhs_trust")]
    ['Health and Social Care Act 2012 s251B']
    >>> [g.name for g in gateways("law_enforcement", "nhs_trust", "police")]
    ['Crime and Disorder Act 1998 s115']
    """
    found = []
    care = sender_sector in CARE_SECTORS and receiver_sector in CARE_SECTORS
    if purpose == "direct_care" and care:
        found.append(
            Gateway(
                "Health and Social Care Act 2012 s251B",
                "a duty to share information about a person with other health and adult social "
                "care bodies for their care, where it is likely to help and in their best "
                "interests, unless they object",
                ("hsca2012_s251b", "caldicott"),
            )
        )
    if purpose in ("safeguarding", "law_enforcement") and "police" in (
        sender_sector,
        receiver_sector,
    ):
        found.append(
            Gateway(
                "Crime and Disorder Act 1998 s115",
                "a power (not a duty) to disclose to the police, councils and other relevant "
                "authorities where necessary for the Act's purposes (crime and disorder "
                "reduction); it does not set aside confidentiality or data protection law",
                ("cda1998_s115",),
            )
        )
    if purpose == "safeguarding" and (
        "children" in categories or "local_authority" in (sender_sector, receiver_sector)
    ):
        found.append(
            Gateway(
                "Children Act 2004 ss10-11 and Working Together to Safeguard Children 2023",
                "councils, NHS bodies and the police must co-operate to safeguard and promote "
                "children's welfare; data protection law is not a barrier to sharing to protect "
                "a child",
                ("children_act2004", "working_together2023"),
            )
        )
    if purpose == "public_health":
        found.append(
            Gateway(
                "COPI Regulations 2002 regulation 3",
                "communicable disease and other risks to public health",
                ("copi2002",),
            )
        )
    return found


_ART6_CODE = re.compile(r"6\s*\(\s*1\s*\)\s*\(\s*(ea|[a-f])\s*\)", re.IGNORECASE)
_ART9_CODE = re.compile(r"9\s*\(\s*2\s*\)\s*\(\s*([a-j])\s*\)", re.IGNORECASE)
_SCH1_PARA = re.compile(r"sch(?:edule)?\.?\s*1\D{0,12}?para(?:graph)?\.?\s*(\d+)", re.IGNORECASE)


def article6_codes(text: str) -> list[str]:
    """The Article 6 bases written in a cell, normalised: ``'6 (1)(E)'`` -> ``['6(1)(e)']``.

    >>> article6_codes("6(1)(b); 6 (1)(C)")
    ['6(1)(b)', '6(1)(c)']
    """
    return list(dict.fromkeys(f"6(1)({m.lower()})" for m in _ART6_CODE.findall(text or "")))


def article9_codes(text: str) -> list[str]:
    """The Article 9 conditions written in a cell: ``'9(2)(h); ...'`` -> ``['9(2)(h)']``.

    >>> article9_codes("9(2)(g); DPA 2018 Sch 1 para 18")
    ['9(2)(g)']
    """
    return list(dict.fromkeys(f"9(2)({m.lower()})" for m in _ART9_CODE.findall(text or "")))


def schedule1_paragraphs(text: str) -> list[str]:
    """The DPA 2018 Schedule 1 paragraphs written in a cell.

    >>> schedule1_paragraphs("9(2)(g); DPA 2018 Sch 1 para 18")
    ['18']
    >>> schedule1_paragraphs("9(2)(h)")
    []
    """
    return list(dict.fromkeys(_SCH1_PARA.findall(text or "")))


def is_special(categories: tuple[str, ...]) -> bool:
    """Special category or criminal offence data.

    >>> is_special(("personal", "special_health")), is_special(("personal",))
    (True, False)
    """
    return bool(SPECIAL.intersection(categories))
