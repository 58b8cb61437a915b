"""The words in a record of processing activities: how each cell is filled or marked.

A cell flowmap cannot fill from the inventory is never left blank: it is a **gap**
(``GAP: ...``, saying which column to fill in) when the record needs it (UK GDPR Article
30, DSPT evidence item 1.1.2), or ``Not recorded (optional)`` when the ICO template lists
it as optional. ``Not applicable: ...`` says why a cell does not apply.

Examples
--------
>>> gap("assets.data_subjects")
'GAP: not recorded (fill in assets.data_subjects)'
>>> is_gap(gap("assets.owner")), is_gap(NOT_RECORDED)
(True, False)
>>> words(("special_health", "children"))
'health data (special category), children'
"""

from __future__ import annotations

import pandas as pd

GAP_PREFIX = "GAP: "
NOT_RECORDED = "Not recorded (optional)"

#: Inventory codes in words, for the record's cells.
WORDS = {
    "personal": "personal details",
    "special_health": "health data (special category)",
    "special_other": "other special category data",
    "criminal_offence": "criminal offence data",
    "children": "children",
    "financial": "financial details",
    "staff": "staff records",
    "corporate": "corporate information",
    "patients": "patients",
    "service_users": "service users",
    "carers_and_families": "carers and families",
    "volunteers_and_students": "volunteers and students",
    "research_participants": "research participants",
    "members_of_public": "members of the public",
    "suppliers_and_contractors": "suppliers and contractors",
    "suspects_and_offenders": "suspects and offenders",
    "victims_and_witnesses": "victims and witnesses",
    "direct_care": "direct care",
    "safeguarding": "safeguarding",
    "administration": "administration",
    "commissioning": "planning and commissioning",
    "research": "research",
    "public_health": "public health",
    "statutory_return": "statutory returns",
    "law_enforcement": "law enforcement",
    "marketing": "marketing",
    "other": "other",
    "implied_consent": "implied consent",
    "explicit_consent": "explicit consent",
    "s251": "section 251 support",
    "legal_requirement": "legal requirement",
    "public_interest": "public interest",
    "not_confidential": "not confidential",
    "nhs_trust": "NHS trust",
    "gp_practice": "GP practice",
    "icb": "integrated care board",
    "nhs_other": "other NHS body",
    "local_authority": "council",
    "social_care_provider": "social care provider",
    "police": "police",
    "fire": "fire and rescue service",
    "voluntary": "voluntary organisation",
    "private": "company",
    "central_government": "central government",
    "not_required": "not required",
    "required": "required, not started",
    "in_progress": "in progress",
    "completed": "completed",
}


def gap(collect: str) -> str:
    """The text of a gap: what to fill in (an inventory column, or who to ask)."""
    where = f"fill in {collect}" if "." in collect and " " not in collect else collect
    return f"{GAP_PREFIX}not recorded ({where})"


def is_gap(value: object) -> bool:
    return isinstance(value, str) and value.startswith(GAP_PREFIX)


def not_applicable(why: str) -> str:
    return f"Not applicable: {why}"


def words(codes: tuple[str, ...] | list[str] | str) -> str:
    """Codes in words, comma separated (unknown codes are shown as they are)."""
    if isinstance(codes, str):
        codes = (codes,)
    return ", ".join(WORDS.get(c, c.replace("_", " ")) for c in codes if c)


def day(value: object) -> str:
    """A date as ``YYYY-MM-DD`` ('' when unknown)."""
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).date().isoformat()


#: What each Article 6 basis leaves people (UK GDPR Articles 17(3)(b), 20(1), 21(1)):
#: erasure, portability and objection depend on the basis; access, rectification,
#: restriction and the right to complain to the ICO always apply.
RIGHTS = {
    "6(1)(a)": "erasure and portability; withdraw consent at any time",
    "6(1)(b)": "erasure and portability; no right to object",
    "6(1)(c)": "no erasure, portability or objection while the law requires it",
    "6(1)(d)": "erasure; no portability or objection",
    "6(1)(e)": "objection; no erasure while needed for the public task; no portability",
    "6(1)(ea)": "erasure; no portability (check the Data (Use and Access) Act 2025 provisions)",
    "6(1)(f)": "erasure and objection; no portability",
}
ALWAYS = "Access, rectification, restriction and complaint to the ICO"


def rights(bases: list[str]) -> str:
    """The rights people have, from the Article 6 bases relied on.

    >>> rights(["6(1)(e)"]).split("; under ")  # doctest: +NORMALIZE_WHITESPACE
    ['Access, rectification, restriction and complaint to the ICO',
     '6(1)(e): objection; no erasure while needed for the public task; no portability']
    """
    known = [b for b in bases if b in RIGHTS]
    if not known:
        return ""
    return ALWAYS + "; " + "; ".join(f"under {b}: {RIGHTS[b]}" for b in known)


#: Operating-system support in words (``eol_status`` of the analysis's systems).
OS_WORDS = {
    "supported": "supported operating system",
    "eol_soon": "operating system support ends within the year",
    "eol_extended": "operating system on paid extended support",
    "eol": "operating system OUT OF SUPPORT",
    "unknown": "operating system not recognised",
}


def system_security(s: dict) -> str:
    """One system's security in a few words: OS support, MFA, internet exposure.

    >>> system_security({"name": "EPR", "system_id": "S1", "eol_status": "eol",
    ...     "os": "Windows Server 2008 R2", "mfa": False, "internet_facing": True,
    ...     "kind": "server"})
    'EPR (S1): operating system OUT OF SUPPORT (Windows Server 2008 R2), no MFA, faces the internet'
    """
    bits = []
    os_words = OS_WORDS.get(str(s.get("eol_status", "")))
    if os_words:
        bits.append(f"{os_words} ({s['os']})" if s.get("os") else os_words)
    mfa = s.get("mfa")
    if s.get("kind") != "paper_store":
        bits.append("MFA" if mfa is True else "no MFA" if mfa is False else "MFA not recorded")
    if s.get("internet_facing") is True:
        bits.append("faces the internet")
    return f"{s['name']} ({s['system_id']}): " + (", ".join(bits) or "no details recorded")


def backup_security(backups: list[dict]) -> str:
    """The backups of an activity's systems in one sentence."""
    if not backups:
        return "No backup recorded."
    isolated = [b for b in backups if b["isolation"] in ("offline", "immutable")]
    tested = [
        b["last_restore_test"]
        for b in backups
        if b["restore_result"] == "pass" and not pd.isna(b["last_restore_test"])
    ]
    last = day(max(tested)) if tested else ""
    return f"{len(backups)} backup(s), {len(isolated)} isolated (offline or immutable); " + (
        f"last successful restore test {last}." if last else "no successful restore test."
    )


#: Transports that encrypt in transit by design.
ENCRYPTED_BY_DESIGN = frozenset({"nhsmail", "secure_email", "sftp"})


def transit_security(flows: list[dict]) -> str:
    """How the activity's flows travel, in one sentence."""
    if not flows:
        return ""
    encrypted = sum(
        1 for f in flows if f["encrypted"] is True or f["transport"] in ENCRYPTED_BY_DESIGN
    )
    return f"{encrypted} of {len(flows)} flow(s) encrypted in transit."
