"""Flow rules: lawful basis, agreements, transport, confidentiality and transfers.

The rules read ``ctx.flows``: the inventory's flows with the sender's and receiver's
organisation, sector and DSPT status, the asset's data categories, and the flow's
effective identifiability (the flow's own, else the asset's).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from flowmap.engine.rules.base import Rule, RuleContext, hits
from flowmap.engine.rules.columns import equals, known, per_value
from flowmap.engine.rules.text import Text, dates, each, fill, template_fields, when, words

PUBLIC_SECTORS = frozenset(
    {
        "nhs_trust",
        "gp_practice",
        "icb",
        "nhs_other",
        "local_authority",
        "police",
        "fire",
        "central_government",
    }
)
INSECURE_TRANSPORTS = frozenset({"email", "removable_media", "fax", "paper"})
NON_ELECTRONIC = frozenset({"paper", "fax", "removable_media"})
BELOW_STANDARD = frozenset({"approaching_standards", "not_met", "not_published"})
SECONDARY_PURPOSES = frozenset({"research", "commissioning"})
UK = frozenset({"GB", "UK", "GBR", "UNITED KINGDOM"})
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


#: The start of every flow message.
DESC = "Flow {flow_id} sends {asset_name} from {sender_name} to {receiver_name}"


def _personal(f: pd.DataFrame) -> pd.Series:
    """Flows carrying personal data (precomputed in "
    ":func:`flowmap.engine.analysis.flow_context`)."""
    return f["personal"]


def _special(f: pd.DataFrame) -> pd.Series:
    return f["special_category"] & f["personal"]


def _between_orgs(f: pd.DataFrame) -> pd.Series:
    # numpy compares the two text columns several times faster than pandas does
    return pd.Series(
        f["sender_org_id"].to_numpy(dtype=object) != f["receiver_org_id"].to_numpy(dtype=object),
        index=f.index,
    )


def _rule_hits(
    flows: pd.DataFrame,
    matched: pd.Series,
    message: str,
    extra: list[str],
    base: float,
    **values: Callable[[pd.DataFrame], Text],
) -> pd.DataFrame:
    """Hits for the flows ``matched`` selects.

    ``message`` is a :func:`fill` template over the flow's columns and ``values``, each
    a function of the matched flows. Only the columns a hit reads are copied. Flows
    carrying identifiable special category data score 10 more than ``base``.
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
    sensitive = (
        f["special_category"].to_numpy(dtype=bool)
        & equals(f["identifiability_effective"], "identifiable").to_numpy()
    )
    return hits(
        f,
        subject="flow_id",
        org="sender_org_id",
        message=fill(f, message, **{name: v(f) for name, v in values.items()}),
        evidence=FLOW_EVIDENCE + extra,
        score=base + 10 * sensitive,
    )


def _no_lawful_basis(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    return _rule_hits(
        f,
        _personal(f) & equals(f["lawful_basis"], ""),
        DESC + " with no UK GDPR Article 6 lawful basis recorded.",
        ["lawful_basis"],
        60,
    )


def _no_special_condition(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    return _rule_hits(
        f,
        _special(f) & equals(f["special_condition"], ""),
        DESC + ": it holds special category data ({categories}) but no Article 9 "
        "/ Schedule 1 condition is recorded.",
        ["data_categories", "special_condition"],
        60,
        categories=lambda m: each(m["data_categories"], ", ".join),
    )


def _no_dsa(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    return _rule_hits(
        f,
        _personal(f) & _between_orgs(f) & equals(f["dsa_ref"], ""),
        DESC + " with no data-sharing agreement recorded.",
        ["dsa_ref"],
        50,
    )


def _dsa_expired(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    expired = _personal(f) & ~equals(f["dsa_ref"], "") & (f["dsa_expires"] < ctx.today)
    return _rule_hits(
        f,
        expired.fillna(False),
        DESC + " under agreement {dsa_ref}, which expired on {expires}.",
        ["dsa_ref", "dsa_expires"],
        50,
        expires=lambda m: dates(m["dsa_expires"]),
    )


def _unencrypted(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    electronic = ~f["transport"].isin(NON_ELECTRONIC)
    bad = _personal(f) & electronic & (f["encrypted"] != True)  # noqa: E712
    return _rule_hits(
        f,
        bad.fillna(True),
        DESC + " by {transport} {encryption}",
        ["encrypted"],
        55,
        transport=lambda m: each(m["transport"], lambda t: str(t or "an unrecorded transport")),
        encryption=lambda m: when(
            known(m["encrypted"], False),
            "without encryption in transit.",
            "and nobody has recorded that it is encrypted.",
        ),
    )


def _insecure_transport(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = (
        _special(f)
        & equals(f["identifiability_effective"], "identifiable")
        & f["transport"].isin(INSECURE_TRANSPORTS)
    )
    return _rule_hits(
        f,
        bad,
        DESC + " by {transport}: identifiable special category data should travel "
        "by a secure route (NHSmail, HSCN, secure file transfer or API).",
        ["data_categories", "encrypted"],
        60,
        transport=lambda m: words(m["transport"]),
    )


def _implied_consent_misuse(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = (
        equals(f["confidentiality_basis"], "implied_consent")
        & ~equals(f["purpose"], "direct_care")
        & ~equals(f["purpose"], "")
    )
    return _rule_hits(
        f,
        bad,
        DESC + " for {purpose}, relying on implied consent, which covers direct care only.",
        ["confidentiality_basis"],
        55,
        purpose=lambda m: words(m["purpose"]),
    )


def _s251_no_ref(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    return _rule_hits(
        f,
        equals(f["confidentiality_basis"], "s251") & equals(f["s251_ref"], ""),
        DESC + " relying on section 251 support with no approval reference recorded.",
        ["confidentiality_basis", "s251_ref"],
        50,
    )


def _opt_out_not_applied(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    confidential = f["special_category"] & equals(f["identifiability_effective"], "identifiable")
    exempt = f["confidentiality_basis"].isin(["explicit_consent", "legal_requirement"])
    bad = (
        f["purpose"].isin(SECONDARY_PURPOSES)
        & confidential
        & ~exempt
        & (f["opt_out_applied"] != True)  # noqa: E712 (nullable: unknown is not applied)
    )
    return _rule_hits(
        f,
        bad.fillna(True),
        DESC + " for {purpose} without applying the national data opt-out{unrecorded}.",
        ["opt_out_applied", "confidentiality_basis"],
        50,
        unrecorded=lambda m: when(m["opt_out_applied"].isna(), " (not recorded)", ""),
    )


def _identifiable_secondary_use(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = (
        f["purpose"].isin(SECONDARY_PURPOSES)
        & _personal(f)
        & equals(f["identifiability_effective"], "identifiable")
        & ~equals(f["confidentiality_basis"], "explicit_consent")
    )
    return _rule_hits(
        f,
        bad,
        DESC + " in identifiable form for {purpose}: Caldicott principle 3 asks "
        "for the minimum necessary, usually pseudonymised data.",
        ["identifiability_effective"],
        45,
    )


def _partner_below_standard(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = _personal(f) & _between_orgs(f) & f["receiver_dspt"].isin(BELOW_STANDARD)
    return _rule_hits(
        f,
        bad,
        DESC + ", whose Data Security and Protection Toolkit status is {dspt}.",
        ["receiver_dspt"],
        45,
        dspt=lambda m: words(m["receiver_dspt"]),
    )


def _restricted_transfer(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    abroad = per_value(
        f["destination_country"],
        lambda country: not (isinstance(country, str) and country.upper() in UK),
        dtype=bool,
    )
    bad = _personal(f) & abroad & equals(f["transfer_mechanism"], "")
    return _rule_hits(
        f,
        bad,
        DESC + " in {country} with no restricted-transfer mechanism (adequacy, "
        "IDTA, addendum, BCRs).",
        ["destination_country", "transfer_mechanism"],
        60,
        country=lambda m: each(m["destination_country"], str.upper),
    )


def _legit_interest_public(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    legitimate_interests = per_value(
        f["lawful_basis"],
        lambda basis: isinstance(basis, str) and "6(1)(f)" in basis.replace(" ", "").lower(),
        dtype=bool,
    )
    bad = f["sender_sector"].isin(PUBLIC_SECTORS) & legitimate_interests
    return _rule_hits(
        f,
        bad,
        DESC + "; the sender, a public body, relies on legitimate interests "
        "(Art 6(1)(f)), which public authorities cannot use for their tasks.",
        ["lawful_basis", "sender_sector"],
        40,
    )


IG = "B3.a"
RULES = (
    Rule(
        id="FLOW_NO_LAWFUL_BASIS",
        title="Personal data flow without a lawful basis",
        subject_type="flow",
        score=60,
        remediation=(
            "Record the Article 6 basis (for NHS and care bodies usually 6(1)(e) public "
            "task) in "
            "the data-flow map and privacy notice."
        ),
        references=("UK GDPR Art 6", "DSPT Standard 1"),
        caf=IG,
        evaluate=_no_lawful_basis,
    ),
    Rule(
        id="FLOW_NO_SPECIAL_CONDITION",
        title="Special category flow without an Article 9 condition",
        subject_type="flow",
        score=60,
        remediation="Record the Article 9 condition (e.g. 9(2)(h) health or social care) and "
        "any Schedule 1 condition.",
        references=("UK GDPR Art 9", "DPA 2018 Sch 1"),
        caf=IG,
        evaluate=_no_special_condition,
    ),
    Rule(
        id="FLOW_NO_DSA",
        title="Sharing between organisations without an agreement",
        subject_type="flow",
        score=50,
        remediation=(
            "Put a data-sharing (or processing) agreement in place and record its reference."
        ),
        references=("ICO Data Sharing Code", "UK GDPR Art 26/28", "DSPT Standard 1"),
        caf=IG,
        evaluate=_no_dsa,
    ),
    Rule(
        id="FLOW_DSA_EXPIRED",
        title="Data-sharing agreement expired",
        subject_type="flow",
        score=50,
        remediation="Review and renew the agreement, or stop the flow.",
        references=("ICO Data Sharing Code",),
        caf=IG,
        evaluate=_dsa_expired,
    ),
    Rule(
        id="FLOW_UNENCRYPTED",
        title="Personal data sent without encryption",
        subject_type="flow",
        score=55,
        remediation="Encrypt in transit (TLS 1.2+, NHSmail, HSCN or SFTP) and record it.",
        references=("UK GDPR Art 32", "DSPT Standard 9", "CAF B3.b"),
        caf="B3.b",
        evaluate=_unencrypted,
    ),
    Rule(
        id="FLOW_INSECURE_TRANSPORT",
        title="Sensitive data by email, removable media, fax or paper",
        subject_type="flow",
        score=60,
        remediation="Move the flow to NHSmail, secure email, SFTP, an API or HSCN; retire fax.",
        references=("UK GDPR Art 32", "DSPT Standard 9", "CAF B3.b"),
        caf="B3.b",
        evaluate=_insecure_transport,
    ),
    Rule(
        id="FLOW_IMPLIED_CONSENT_MISUSE",
        title="Implied consent used beyond direct care",
        subject_type="flow",
        score=55,
        remediation=(
            "Use a confidentiality basis that fits the purpose (explicit consent, s251 "
            "support, "
            "or a legal requirement) or anonymise the data."
        ),
        references=("Common law duty of confidentiality", "Caldicott principle 7"),
        caf=IG,
        evaluate=_implied_consent_misuse,
    ),
    Rule(
        id="FLOW_S251_NO_REF",
        title="Section 251 relied on without a reference",
        subject_type="flow",
        score=50,
        remediation=(
            "Record the Confidentiality Advisory Group approval reference, or stop relying on it."
        ),
        references=(
            "NHS Act 2006 s251",
            "Health Service (Control of Patient Information) Regs 2002",
        ),
        caf=IG,
        evaluate=_s251_no_ref,
    ),
    Rule(
        id="FLOW_OPT_OUT_NOT_APPLIED",
        title="National data opt-out not applied",
        subject_type="flow",
        score=50,
        remediation=(
            "Apply the national data opt-out before disclosing confidential patient "
            "information "
            "for research or planning."
        ),
        references=("National data opt-out operational policy",),
        caf=IG,
        evaluate=_opt_out_not_applied,
    ),
    Rule(
        id="FLOW_IDENTIFIABLE_SECONDARY_USE",
        title="Identifiable data for research or commissioning",
        subject_type="flow",
        score=45,
        remediation="Send pseudonymised or anonymised data unless identifiable data is truly "
        "needed, and record why.",
        references=("Caldicott principle 3", "UK GDPR Art 5(1)(c)"),
        caf=IG,
        evaluate=_identifiable_secondary_use,
    ),
    Rule(
        id="FLOW_PARTNER_BELOW_STANDARD",
        title="Receiving organisation below DSPT Standards Met",
        subject_type="flow",
        score=45,
        remediation="Ask the partner for its DSPT improvement plan and review the agreement's "
        "security terms.",
        references=("DSPT Standard 10 (accountable suppliers)", "CAF A4.a"),
        caf="A4.a",
        evaluate=_partner_below_standard,
    ),
    Rule(
        id="FLOW_RESTRICTED_TRANSFER",
        title="Transfer outside the UK without a mechanism",
        subject_type="flow",
        score=60,
        remediation=(
            "Rely on UK adequacy regulations, or put an IDTA or the Addendum in place "
            "with a "
            "transfer risk assessment."
        ),
        references=("UK GDPR Art 44-49",),
        caf=IG,
        evaluate=_restricted_transfer,
    ),
    Rule(
        id="FLOW_LEGIT_INTEREST_PUBLIC",
        title="Public body relying on legitimate interests",
        subject_type="flow",
        score=40,
        remediation=(
            "Use Art 6(1)(e) public task or another basis that fits the public body's role."
        ),
        references=("UK GDPR Art 6(1)(f)",),
        caf=IG,
        evaluate=_legit_interest_public,
    ),
)
