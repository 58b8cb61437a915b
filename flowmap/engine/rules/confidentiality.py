"""Flow rules on the common law duty of confidentiality, the national data opt-out and
data minimisation (Caldicott principle 3): what lets confidential patient information
leave individual care."""

from __future__ import annotations

import pandas as pd

from flowmap.engine.problems import per_subject
from flowmap.engine.rules.base import Rule, RuleContext
from flowmap.engine.rules.columns import equals
from flowmap.engine.rules.flowbase import DESC, IG, confidential, personal, rule_hits
from flowmap.engine.rules.text import when, words
from flowmap.engine.sharing import (
    BEYOND_CARE_PURPOSES,
    OPT_OUT_EXEMPT_BASES,
    SECONDARY_CONFIDENTIALITY_BASES,
    SECONDARY_PURPOSES,
)


def _implied_consent_misuse(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = (
        equals(f["confidentiality_basis"], "implied_consent")
        & ~equals(f["purpose"], "direct_care")
        & ~equals(f["purpose"], "")
    )
    return rule_hits(
        f,
        bad,
        DESC + " for {purpose}, relying on implied consent, which covers direct care only.",
        ["confidentiality_basis"],
        55,
        purpose=lambda m: words(m["purpose"]),
    )


def _no_confidentiality_basis(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = (
        f["purpose"].isin(BEYOND_CARE_PURPOSES)
        & personal(f)
        & confidential(f)
        & ~f["confidentiality_basis"].isin(SECONDARY_CONFIDENTIALITY_BASES | {"implied_consent"})
    )
    return rule_hits(
        f,
        bad,
        DESC + " in identifiable form for {purpose} with no common-law basis recorded: "
        "confidential patient information may leave individual care only with the "
        "person's explicit consent, section 251 support or another legal gateway.",
        ["data_categories", "identifiability_effective", "confidentiality_basis", "s251_ref"],
        60,
        purpose=lambda m: words(m["purpose"]),
    )


def _s251_no_ref(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    return rule_hits(
        f,
        equals(f["confidentiality_basis"], "s251") & equals(f["s251_ref"], ""),
        DESC + " relying on section 251 support with no approval reference recorded.",
        ["confidentiality_basis", "s251_ref"],
        50,
    )


def _opt_out_not_applied(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = (
        f["purpose"].isin(SECONDARY_PURPOSES)
        & confidential(f)
        & ~f["confidentiality_basis"].isin(OPT_OUT_EXEMPT_BASES)
        & (f["opt_out_applied"] != True)  # noqa: E712 (nullable: unknown is not applied)
    )
    return rule_hits(
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
        & personal(f)
        & equals(f["identifiability_effective"], "identifiable")
        & ~equals(f["confidentiality_basis"], "explicit_consent")
    )
    return rule_hits(
        f,
        bad,
        DESC + " in identifiable form for {purpose}: Caldicott principle 3 asks "
        "for the minimum necessary, usually pseudonymised data.",
        ["identifiability_effective"],
        45,
    )


IMPLIED_CONSENT_MISUSE = Rule(
    id="FLOW_IMPLIED_CONSENT_MISUSE",
    title="Implied consent used beyond direct care",
    subject_type="flow",
    score=55,
    remediation=(
        "Use a confidentiality basis that fits the purpose (explicit consent, s251 support, "
        "or a legal requirement) or anonymise the data."
    ),
    references=("Common law duty of confidentiality", "Caldicott principle 7"),
    caf=IG,
    problem=per_subject("confidentiality"),
    evaluate=_implied_consent_misuse,
)
NO_CONFIDENTIALITY_BASIS = Rule(
    id="FLOW_NO_CONFIDENTIALITY_BASIS",
    title="Confidential patient data beyond care without consent or s251",
    subject_type="flow",
    score=60,
    remediation=(
        "Stop the identifiable disclosure until a basis is in place: the person's explicit "
        "consent, section 251 support (apply to the Confidentiality Advisory Group) or "
        "another legal gateway; or send anonymised data instead. Record the basis in "
        "confidentiality_basis (and s251_ref)."
    ),
    references=(
        "Common law duty of confidentiality",
        "NHS Act 2006 s251",
        "Caldicott principle 6 (comply with the law)",
    ),
    caf=IG,
    problem=per_subject("confidentiality"),
    evaluate=_no_confidentiality_basis,
)
S251_NO_REF = Rule(
    id="FLOW_S251_NO_REF",
    title="Section 251 relied on without a reference",
    subject_type="flow",
    score=50,
    remediation=(
        "Record the Confidentiality Advisory Group approval reference, or stop relying on it."
    ),
    references=("NHS Act 2006 s251", "Health Service (Control of Patient Information) Regs 2002"),
    caf=IG,
    problem=per_subject("confidentiality"),
    evaluate=_s251_no_ref,
)
OPT_OUT_NOT_APPLIED = Rule(
    id="FLOW_OPT_OUT_NOT_APPLIED",
    title="National data opt-out not applied",
    subject_type="flow",
    score=50,
    remediation=(
        "Apply the national data opt-out before disclosing confidential patient information "
        "for research or planning."
    ),
    references=("National data opt-out operational policy",),
    caf=IG,
    problem=per_subject("opt-out"),
    evaluate=_opt_out_not_applied,
)
IDENTIFIABLE_SECONDARY_USE = Rule(
    id="FLOW_IDENTIFIABLE_SECONDARY_USE",
    title="Identifiable data for research or commissioning",
    subject_type="flow",
    score=45,
    remediation="Send pseudonymised or anonymised data unless identifiable data is truly "
    "needed, and record why.",
    references=("Caldicott principle 3", "UK GDPR Art 5(1)(c)"),
    caf=IG,
    problem=per_subject("minimisation"),
    evaluate=_identifiable_secondary_use,
)
