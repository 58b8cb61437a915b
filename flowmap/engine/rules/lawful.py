"""Flow rules on the UK GDPR basis: an Article 6 lawful basis, an Article 9 condition,
and legitimate interests relied on by a public body."""

from __future__ import annotations

import pandas as pd

from flowmap.engine.problems import per_subject
from flowmap.engine.rules.base import Rule, RuleContext
from flowmap.engine.rules.columns import equals, per_value
from flowmap.engine.rules.flowbase import DESC, IG, personal, rule_hits, special
from flowmap.engine.rules.text import each
from flowmap.inventory.choices import PUBLIC_SECTORS


def _no_lawful_basis(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    return rule_hits(
        f,
        personal(f) & equals(f["lawful_basis"], ""),
        DESC + " with no UK GDPR Article 6 lawful basis recorded.",
        ["lawful_basis"],
        60,
    )


def _no_special_condition(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    return rule_hits(
        f,
        special(f) & equals(f["special_condition"], ""),
        DESC + ": it holds special category data ({categories}) but no Article 9 "
        "/ Schedule 1 condition is recorded.",
        ["data_categories", "special_condition"],
        60,
        categories=lambda m: each(m["data_categories"], ", ".join),
    )


def _legit_interest_public(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    legitimate_interests = per_value(
        f["lawful_basis"],
        lambda basis: isinstance(basis, str) and "6(1)(f)" in basis.replace(" ", "").lower(),
        dtype=bool,
    )
    bad = f["sender_sector"].isin(PUBLIC_SECTORS) & legitimate_interests
    return rule_hits(
        f,
        bad,
        DESC + "; the sender, a public body, relies on legitimate interests "
        "(Art 6(1)(f)), which public authorities cannot use for their tasks.",
        ["lawful_basis", "sender_sector"],
        40,
    )


NO_LAWFUL_BASIS = Rule(
    id="FLOW_NO_LAWFUL_BASIS",
    title="Personal data flow without a lawful basis",
    subject_type="flow",
    score=60,
    remediation=(
        "Record the Article 6 basis (for NHS and care bodies usually 6(1)(e) public task) in "
        "the data-flow map and privacy notice."
    ),
    references=("UK GDPR Art 6", "DSPT Standard 1"),
    caf=IG,
    problem=per_subject("legal-basis"),
    evaluate=_no_lawful_basis,
)
NO_SPECIAL_CONDITION = Rule(
    id="FLOW_NO_SPECIAL_CONDITION",
    title="Special category flow without an Article 9 condition",
    subject_type="flow",
    score=60,
    remediation="Record the Article 9 condition (e.g. 9(2)(h) health or social care) and "
    "any Schedule 1 condition.",
    references=("UK GDPR Art 9", "DPA 2018 Sch 1"),
    caf=IG,
    problem=per_subject("legal-basis"),
    evaluate=_no_special_condition,
)
LEGIT_INTEREST_PUBLIC = Rule(
    id="FLOW_LEGIT_INTEREST_PUBLIC",
    title="Public body relying on legitimate interests",
    subject_type="flow",
    score=40,
    remediation="Use Art 6(1)(e) public task or another basis that fits the public body's role.",
    references=("UK GDPR Art 6(1)(f)",),
    caf=IG,
    problem=per_subject("legal-basis"),
    evaluate=_legit_interest_public,
)
