"""System rules on exposure: reachable from the internet while unsupported or known to be
exploited, SMBv1, and internet logins without multi-factor authentication.

A system whose ``internet_facing`` cell is empty may be reachable (unknown is read as the
risky answer): the rules say so and score it a little lower than a known exposure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.engine.likelihood import ACTIVE_STATUSES
from flowmap.engine.problems import per_subject
from flowmap.engine.rules.base import Rule, RuleContext, criticality_scores, hits
from flowmap.engine.rules.columns import grouped_lists, known
from flowmap.engine.rules.sysbase import SYSTEM_EVIDENCE, systems
from flowmap.engine.rules.text import fill, text, when

REACH = {
    "yes": "can be reached from the internet",
    "unknown": "may be reachable from the internet (nobody has recorded whether it is)",
}


def _exposed_vulnerable(ctx: RuleContext) -> pd.DataFrame:
    s = systems(ctx)
    bad = s["internet_exposure"].isin(list(REACH)) & (
        (s["eol_status"] == "eol") | (s["open_kev"] > 0)
    )
    s = s[bad]
    v = ctx.inventory.vulnerabilities
    active = v[v["status"].isin(ACTIVE_STATUSES) & v["kev"].fillna(False).astype(bool)]
    cves = grouped_lists(active["system_id"], active["cve_id"]).map(sorted)
    s = s.assign(cves=s["system_id"].map(cves).map(lambda c: c if isinstance(c, list) else []))
    eol = (s["eol_status"] == "eol").to_numpy()
    kev = (s["open_kev"] != 0).to_numpy()
    known_facing = (s["internet_exposure"] == "yes").to_numpy()
    public = known(s["public_service"], True)
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) {reach} and {what}{public}",
            reach=text(s["internet_exposure"].map(REACH)),
            what=np.select(
                [kev & eol, kev],
                [
                    fill(
                        s,
                        "runs {os_label}, which is no longer supported, and has "
                        "known-exploited vulnerabilities open ({cves}): attackers scan the "
                        "internet for exactly these.",
                        cves=text([", ".join(c[:3]) for c in s["cves"]]),
                    ),
                    fill(
                        s,
                        "has known-exploited vulnerabilities open ({cves}): attackers scan "
                        "the internet for exactly these, so patch it now.",
                        cves=text([", ".join(c[:3]) for c in s["cves"]]),
                    ),
                ],
                fill(
                    s,
                    "runs {os_label}, which no longer gets security fixes: every new flaw "
                    "in it stays open to anyone on the internet.",
                ),
            ),
            public=when(
                public,
                " It is a public service by design: patch or upgrade it, shield it with a "
                "web application firewall and keep it in a network segment of its own.",
                "",
            ),
        ),
        evidence=SYSTEM_EVIDENCE
        + ["internet_exposure", "public_service", "eol_status", "open_kev", "cves", "likelihood"],
        score=criticality_scores(np.where(known_facing, 92, 80), s["criticality"]),
    )


def exposed_problem(hits: pd.DataFrame) -> np.ndarray:
    """An exposed system's problem is its open known-exploited vulnerability (patching
    closes the finding) or, failing that, its unsupported OS (upgrading does)."""
    return np.array(
        [
            f"{'unpatched' if (e.get('open_kev') or 0) > 0 else 'unsupported'}:{s}"
            for s, e in zip(hits["subject_id"], hits["evidence"])
        ],
        dtype=object,
    )


def _smb1(ctx: RuleContext) -> pd.DataFrame:
    s = systems(ctx)
    s = s[s["smb1"].fillna(False).astype(bool)]
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) has SMBv1 enabled, the protocol WannaCry "
            "spread through; disable it.",
        ),
        evidence=SYSTEM_EVIDENCE + ["smb1"],
        score=criticality_scores(65, s["criticality"]),
    )


def _no_mfa_internet(ctx: RuleContext) -> pd.DataFrame:
    s = systems(ctx)
    facing = (s["internet_exposure"] == "yes").to_numpy()
    maybe = (s["internet_exposure"] == "unknown").to_numpy()
    no_mfa = known(s["mfa"], False)
    s = s[(facing & ~known(s["mfa"], True)) | (maybe & no_mfa)]
    facing = (s["internet_exposure"] == "yes").to_numpy()
    no_mfa = known(s["mfa"], False)
    return hits(
        s,
        subject="system_id",
        org="org_id",
        message=fill(
            s,
            "{name} ({system_id}) {reach} {mfa}.",
            reach=text(s["internet_exposure"].map(REACH)),
            mfa=when(
                no_mfa,
                "without multi-factor authentication",
                "and nobody has recorded whether it enforces multi-factor authentication",
            ),
        ),
        evidence=SYSTEM_EVIDENCE + ["internet_facing", "internet_exposure", "mfa"],
        score=criticality_scores(np.where(facing, np.where(no_mfa, 70, 55), 45), s["criticality"]),
    )


INTERNET_EXPOSED_VULNERABLE = Rule(
    id="INTERNET_EXPOSED_VULNERABLE",
    title="Internet-facing and unsupported or known-exploited",
    subject_type="system",
    score=92,
    remediation=(
        "Patch or upgrade it now. Until then take it off the internet or put it behind a VPN "
        "with MFA; a service that must stay public goes behind a web application firewall "
        "in a segment of its own."
    ),
    references=("CAF B4.d", "CAF B2.c", "NCSC: vulnerability management"),
    caf="B4.d",
    problem=exposed_problem,
    evaluate=_exposed_vulnerable,
)
SMB1_ENABLED = Rule(
    id="SMB1_ENABLED",
    title="SMBv1 enabled",
    subject_type="system",
    score=65,
    remediation="Disable SMBv1 (Microsoft has deprecated it); use SMBv3.",
    references=("CAF B4.d", "NHS England cyber alert CC-1353 (WannaCry)"),
    caf="B4.d",
    problem=per_subject("smb1"),
    evaluate=_smb1,
)
NO_MFA_INTERNET = Rule(
    id="NO_MFA_INTERNET",
    title="Internet-facing without multi-factor authentication",
    subject_type="system",
    score=70,
    remediation="Enforce multi-factor authentication for every internet-facing login.",
    references=(
        "DSPT Standard 4 (managing access)",
        "CAF B2.a",
        "Cyber Essentials: user access control",
    ),
    caf="B2.a",
    problem=per_subject("no-mfa"),
    evaluate=_no_mfa_internet,
)
