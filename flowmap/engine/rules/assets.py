"""Asset register rules: ownership, review and retention."""

from __future__ import annotations

import pandas as pd

from flowmap.engine.problems import per_subject
from flowmap.engine.rules.base import Rule, RuleContext, hits
from flowmap.engine.rules.text import dates, fill, when

ASSET_EVIDENCE = ["asset_id", "name", "org_id"]


def _no_owner(ctx: RuleContext) -> pd.DataFrame:
    a = ctx.assets
    a = a[a["owner"] == ""]
    return hits(
        a,
        subject="asset_id",
        org="org_id",
        message=fill(a, "{name} ({asset_id}) has no information asset owner."),
        evidence=ASSET_EVIDENCE + ["owner"],
        score=30 + 10 * a["special_category"].to_numpy(dtype=bool),
    )


def _review_stale(ctx: RuleContext) -> pd.DataFrame:
    a = ctx.assets
    months = ctx.settings.review_months
    limit = ctx.today - pd.DateOffset(months=months)
    a = a[(a["last_reviewed"] < limit) | a["last_reviewed"].isna()]
    return hits(
        a,
        subject="asset_id",
        org="org_id",
        message=fill(
            a,
            "{name} ({asset_id}) {review}",
            review=when(
                a["last_reviewed"].notna(),
                fill(
                    a,
                    "was last reviewed on {date}, more than {months} months ago.",
                    date=dates(a["last_reviewed"]),
                    months=str(months),
                ),
                "has no review date recorded.",
            ),
        ),
        evidence=ASSET_EVIDENCE + ["last_reviewed"],
        score=25,
    )


def _no_retention(ctx: RuleContext) -> pd.DataFrame:
    a = ctx.assets
    a = a[a["retention_years"].isna()]
    return hits(
        a,
        subject="asset_id",
        org="org_id",
        message=fill(
            a,
            "{name} ({asset_id}) has no retention period: records may be "
            "kept longer than the Records Management Code allows.",
        ),
        evidence=ASSET_EVIDENCE + ["retention_years"],
        score=20,
    )


RULES = (
    Rule(
        id="ASSET_NO_OWNER",
        title="Information asset without an owner",
        subject_type="asset",
        score=30,
        remediation="Name an information asset owner (IAO) who answers to the SIRO for this asset.",
        references=("DSPT Standard 1 (IAR)", "CAF A3.a"),
        caf="A3.a",
        problem=per_subject("register"),
        evaluate=_no_owner,
    ),
    Rule(
        id="ASSET_REVIEW_STALE",
        title="Asset register entry not reviewed for 12 months",
        subject_type="asset",
        score=25,
        remediation="Have the asset owner review the entry and record the date.",
        references=("DSPT Standard 1 (IAR)", "CAF A3.a"),
        caf="A3.a",
        problem=per_subject("register"),
        evaluate=_review_stale,
    ),
    Rule(
        id="ASSET_NO_RETENTION",
        title="No retention period",
        subject_type="asset",
        score=20,
        remediation="Set the retention period from the Records Management Code of Practice.",
        references=("Records Management Code of Practice 2023", "UK GDPR Art 5(1)(e)"),
        caf="A3.a",
        problem=per_subject("register"),
        evaluate=_no_retention,
    ),
)
