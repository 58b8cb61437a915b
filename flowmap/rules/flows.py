"""Flow rules: lawful basis, agreements, transport, confidentiality and transfers.

The rules read ``ctx.flows``: the inventory's flows with the sender's and receiver's
organisation, sector and DSPT status, the asset's data categories, and the flow's
effective identifiability (the flow's own, else the asset's).
"""

from __future__ import annotations

import pandas as pd

from flowmap.rules.base import Rule, RuleContext, date_text, hits, plain

PUBLIC_SECTORS = frozenset({"nhs_trust", "gp_practice", "icb", "nhs_other", "local_authority",
                            "police", "fire", "central_government"})
INSECURE_TRANSPORTS = frozenset({"email", "removable_media", "fax", "paper"})
NON_ELECTRONIC = frozenset({"paper", "fax", "removable_media"})
BELOW_STANDARD = frozenset({"approaching_standards", "not_met", "not_published"})
SECONDARY_PURPOSES = frozenset({"research", "commissioning"})
UK = frozenset({"GB", "UK", "GBR", "UNITED KINGDOM"})
FLOW_EVIDENCE = ["flow_id", "asset_id", "source_system_id", "target_system_id", "sender_org_id",
                 "receiver_org_id", "transport", "purpose"]


def _desc(r) -> str:
    return (f"Flow {r.flow_id} sends {r.asset_name} from {r.sender_name} to {r.receiver_name}")


def _personal(f: pd.DataFrame) -> pd.Series:
    """Flows carrying personal data (precomputed in :func:`flowmap.analysis.flow_context`)."""
    return f["personal"]


def _special(f: pd.DataFrame) -> pd.Series:
    return f["special_category"] & f["personal"]


def _between_orgs(f: pd.DataFrame) -> pd.Series:
    return f["sender_org_id"] != f["receiver_org_id"]


def _score(base: float):
    return lambda r: base + (10 if r.special_category and r.identifiability_effective
                             == "identifiable" else 0)


#: Every column a flow message or score reads (rows are iterated, so fewer is faster).
MESSAGE_COLUMNS = ["asset_name", "sender_name", "receiver_name", "data_categories",
                   "destination_country", "dsa_expires", "dsa_ref", "encrypted",
                   "identifiability_effective", "opt_out_applied", "receiver_dspt",
                   "special_category", "lawful_basis", "sender_sector"]


def _rule_hits(f: pd.DataFrame, message, extra: list[str], base: float) -> pd.DataFrame:
    columns = list(dict.fromkeys(FLOW_EVIDENCE + extra + MESSAGE_COLUMNS))
    return hits(f[columns], subject="flow_id", org="sender_org_id", message=message,
                evidence=FLOW_EVIDENCE + extra, score=_score(base))


def _no_lawful_basis(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    return _rule_hits(f[_personal(f) & (f["lawful_basis"] == "")],
                      lambda r: f"{_desc(r)} with no UK GDPR Article 6 lawful basis recorded.",
                      ["lawful_basis"], 60)


def _no_special_condition(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    return _rule_hits(f[_special(f) & (f["special_condition"] == "")],
                      lambda r: (f"{_desc(r)}: it holds special category data "
                                 f"({', '.join(r.data_categories)}) but no Article 9 / "
                                 "Schedule 1 condition is recorded."),
                      ["data_categories", "special_condition"], 60)


def _no_dsa(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    return _rule_hits(f[_personal(f) & _between_orgs(f) & (f["dsa_ref"] == "")],
                      lambda r: f"{_desc(r)} with no data-sharing agreement recorded.",
                      ["dsa_ref"], 50)


def _dsa_expired(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    expired = _personal(f) & (f["dsa_ref"] != "") & (f["dsa_expires"] < ctx.today)
    return _rule_hits(f[expired.fillna(False)],
                      lambda r: (f"{_desc(r)} under agreement {r.dsa_ref}, which expired on "
                                 f"{date_text(r.dsa_expires)}."),
                      ["dsa_ref", "dsa_expires"], 50)


def _unencrypted(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    electronic = ~f["transport"].isin(NON_ELECTRONIC)
    bad = _personal(f) & electronic & (f["encrypted"] != True)  # noqa: E712
    return _rule_hits(f[bad.fillna(True)],
                      lambda r: (f"{_desc(r)} by {r.transport or 'an unrecorded transport'} "
                                 + ("without encryption in transit." if plain(r.encrypted) is False
                                    else "and nobody has recorded that it is encrypted.")),
                      ["encrypted"], 55)


def _insecure_transport(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = _special(f) & (f["identifiability_effective"] == "identifiable") & f["transport"].isin(
        INSECURE_TRANSPORTS)
    return _rule_hits(f[bad],
                      lambda r: (f"{_desc(r)} by {r.transport.replace('_', ' ')}: identifiable "
                                 "special category data should travel by a secure route "
                                 "(NHSmail, HSCN, secure file transfer or API)."),
                      ["data_categories", "encrypted"], 60)


def _implied_consent_misuse(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = (f["confidentiality_basis"] == "implied_consent") & (f["purpose"] != "direct_care") \
        & (f["purpose"] != "")
    return _rule_hits(f[bad],
                      lambda r: (f"{_desc(r)} for {r.purpose.replace('_', ' ')}, relying on "
                                 "implied consent, which covers direct care only."),
                      ["confidentiality_basis"], 55)


def _s251_no_ref(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    return _rule_hits(f[(f["confidentiality_basis"] == "s251") & (f["s251_ref"] == "")],
                      lambda r: (f"{_desc(r)} relying on section 251 support with no approval "
                                 "reference recorded."),
                      ["confidentiality_basis", "s251_ref"], 50)


def _opt_out_not_applied(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    confidential = f["special_category"] & (f["identifiability_effective"] == "identifiable")
    exempt = f["confidentiality_basis"].isin(["explicit_consent", "legal_requirement"])
    bad = f["purpose"].isin(SECONDARY_PURPOSES) & confidential & ~exempt & (
        f["opt_out_applied"] != True)  # noqa: E712
    return _rule_hits(f[bad.fillna(True)],
                      lambda r: (f"{_desc(r)} for {r.purpose} without applying the national "
                                 "data opt-out" + (" (not recorded)" if r.opt_out_applied is pd.NA
                                                   else "") + "."),
                      ["opt_out_applied", "confidentiality_basis"], 50)


def _identifiable_secondary_use(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = f["purpose"].isin(SECONDARY_PURPOSES) & _personal(f) & (
        f["identifiability_effective"] == "identifiable") & (
        f["confidentiality_basis"] != "explicit_consent")
    return _rule_hits(f[bad],
                      lambda r: (f"{_desc(r)} in identifiable form for {r.purpose}: Caldicott "
                                 "principle 3 asks for the minimum necessary, usually "
                                 "pseudonymised data."),
                      ["identifiability_effective"], 45)


def _partner_below_standard(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = _personal(f) & _between_orgs(f) & f["receiver_dspt"].isin(BELOW_STANDARD)
    return _rule_hits(f[bad],
                      lambda r: (f"{_desc(r)}, whose Data Security and Protection Toolkit "
                                 f"status is {r.receiver_dspt.replace('_', ' ')}."),
                      ["receiver_dspt"], 45)


def _restricted_transfer(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    abroad = ~f["destination_country"].str.upper().isin(UK)
    bad = _personal(f) & abroad & (f["transfer_mechanism"] == "")
    return _rule_hits(f[bad],
                      lambda r: (f"{_desc(r)} in {r.destination_country.upper()} with no "
                                 "restricted-transfer mechanism (adequacy, IDTA, addendum, BCRs)."),
                      ["destination_country", "transfer_mechanism"], 60)


def _legit_interest_public(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    basis = f["lawful_basis"].str.replace(" ", "", regex=False).str.lower()
    bad = f["sender_sector"].isin(PUBLIC_SECTORS) & basis.str.contains("6(1)(f)", regex=False)
    return _rule_hits(f[bad],
                      lambda r: (f"{_desc(r)}; the sender, a public body, relies on legitimate "
                                 "interests (Art 6(1)(f)), which public authorities cannot use "
                                 "for their tasks."),
                      ["lawful_basis", "sender_sector"], 40)


IG = "B3.a"
RULES = (
    Rule("FLOW_NO_LAWFUL_BASIS", "Personal data flow without a lawful basis", "flow", 60,
         "Record the Article 6 basis (for NHS and care bodies usually 6(1)(e) public task) in "
         "the data-flow map and privacy notice.", ("UK GDPR Art 6", "DSPT Standard 1"), IG,
         _no_lawful_basis),
    Rule("FLOW_NO_SPECIAL_CONDITION", "Special category flow without an Article 9 condition",
         "flow", 60, "Record the Article 9 condition (e.g. 9(2)(h) health or social care) and "
         "any Schedule 1 condition.", ("UK GDPR Art 9", "DPA 2018 Sch 1"), IG,
         _no_special_condition),
    Rule("FLOW_NO_DSA", "Sharing between organisations without an agreement", "flow", 50,
         "Put a data-sharing (or processing) agreement in place and record its reference.",
         ("ICO Data Sharing Code", "UK GDPR Art 26/28", "DSPT Standard 1"), IG, _no_dsa),
    Rule("FLOW_DSA_EXPIRED", "Data-sharing agreement expired", "flow", 50,
         "Review and renew the agreement, or stop the flow.", ("ICO Data Sharing Code",),
         IG, _dsa_expired),
    Rule("FLOW_UNENCRYPTED", "Personal data sent without encryption", "flow", 55,
         "Encrypt in transit (TLS 1.2+, NHSmail, HSCN or SFTP) and record it.",
         ("UK GDPR Art 32", "DSPT Standard 9", "CAF B3.b"), "B3.b", _unencrypted),
    Rule("FLOW_INSECURE_TRANSPORT", "Sensitive data by email, removable media, fax or paper",
         "flow", 60, "Move the flow to NHSmail, secure email, SFTP, an API or HSCN; retire fax.",
         ("UK GDPR Art 32", "DSPT Standard 9", "CAF B3.b"), "B3.b", _insecure_transport),
    Rule("FLOW_IMPLIED_CONSENT_MISUSE", "Implied consent used beyond direct care", "flow", 55,
         "Use a confidentiality basis that fits the purpose (explicit consent, s251 support, "
         "or a legal requirement) or anonymise the data.",
         ("Common law duty of confidentiality", "Caldicott principle 7"), IG,
         _implied_consent_misuse),
    Rule("FLOW_S251_NO_REF", "Section 251 relied on without a reference", "flow", 50,
         "Record the Confidentiality Advisory Group approval reference, or stop relying on it.",
         ("NHS Act 2006 s251", "Health Service (Control of Patient Information) Regs 2002"), IG,
         _s251_no_ref),
    Rule("FLOW_OPT_OUT_NOT_APPLIED", "National data opt-out not applied", "flow", 50,
         "Apply the national data opt-out before disclosing confidential patient information "
         "for research or planning.", ("National data opt-out operational policy",), IG,
         _opt_out_not_applied),
    Rule("FLOW_IDENTIFIABLE_SECONDARY_USE", "Identifiable data for research or commissioning",
         "flow", 45, "Send pseudonymised or anonymised data unless identifiable data is truly "
         "needed, and record why.", ("Caldicott principle 3", "UK GDPR Art 5(1)(c)"), IG,
         _identifiable_secondary_use),
    Rule("FLOW_PARTNER_BELOW_STANDARD", "Receiving organisation below DSPT Standards Met",
         "flow", 45, "Ask the partner for its DSPT improvement plan and review the agreement's "
         "security terms.", ("DSPT Standard 10 (accountable suppliers)", "CAF A4.a"), "A4.a",
         _partner_below_standard),
    Rule("FLOW_RESTRICTED_TRANSFER", "Transfer outside the UK without a mechanism", "flow", 60,
         "Rely on UK adequacy regulations, or put an IDTA or the Addendum in place with a "
         "transfer risk assessment.", ("UK GDPR Art 44-49",), IG, _restricted_transfer),
    Rule("FLOW_LEGIT_INTEREST_PUBLIC", "Public body relying on legitimate interests", "flow", 40,
         "Use Art 6(1)(e) public task or another basis that fits the public body's role.",
         ("UK GDPR Art 6(1)(f)",), IG, _legit_interest_public),
)
