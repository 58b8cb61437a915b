"""Flow rules on how data travels: encryption in transit (or on the medium) and insecure
routes for sensitive data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowmap.engine.problems import per_subject
from flowmap.engine.rules.base import Rule, RuleContext
from flowmap.engine.rules.columns import equals, known, per_value
from flowmap.engine.rules.flowbase import DESC, personal, rule_hits, special
from flowmap.engine.rules.text import Text, words
from flowmap.engine.sharing import SECURE_EMAIL, encrypted_by_design

#: Transports that cannot be encrypted (paper, fax): their risk is judged by
#: FLOW_INSECURE_TRANSPORT, not by encryption.
NOT_ENCRYPTABLE = frozenset({"paper", "fax"})
INSECURE_TRANSPORTS = frozenset({"email", "removable_media", "fax", "paper"})
REFS = ("UK GDPR Art 32", "DSPT Standard 9", "CAF B3.b")


def _settled(f: pd.DataFrame) -> np.ndarray:
    """Per flow: the transport itself settles that it is encrypted (see
    :func:`flowmap.engine.sharing.encrypted_by_design`)."""
    pairs = f["transport"].astype(object) + "|" + f["receiver_sector"].astype(object).fillna("")
    return per_value(pairs, lambda p: encrypted_by_design(*str(p).split("|", 1)), dtype=bool)


def _unencrypted(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    carried = ~f["transport"].isin(NOT_ENCRYPTABLE)
    unknown = f["encrypted"].isna().to_numpy()
    bad = personal(f) & carried & (known(f["encrypted"], False) | (unknown & ~_settled(f)))
    return rule_hits(f, bad, DESC + "{how}", ["encrypted", "receiver_sector"], 55, how=_how)


def _how(m: pd.DataFrame) -> Text:
    transport = m["transport"].to_numpy(dtype=object)
    said_no = known(m["encrypted"], False)
    media = transport == "removable_media"
    email = np.isin(transport, list(SECURE_EMAIL))
    hscn = transport == "hscn"
    named = words(m["transport"].where(m["transport"] != "", "an unrecorded transport"))
    plain = np.array([f" by {t}" for t in named], dtype=object)
    return np.select(
        [media & said_no, media, said_no, email, hscn],
        [
            " on removable media that is not encrypted: a lost or stolen stick or disc "
            "exposes everything on it.",
            " on removable media and nobody has recorded that the media is encrypted.",
            plain + " without encryption in transit.",
            plain + " to a recipient outside health, care and government: mail is "
            "encrypted only when both ends are accredited to the secure email standard "
            "(DCB1596) or it is sent with [secure], and nobody has recorded that it is.",
            plain + " and nobody has recorded that it is encrypted: HSCN is a private "
            "network but does not encrypt traffic itself.",
        ],
        plain + " and nobody has recorded that it is encrypted.",
    )


def _insecure_transport(ctx: RuleContext) -> pd.DataFrame:
    f = ctx.flows
    bad = (
        special(f)
        & equals(f["identifiability_effective"], "identifiable")
        & f["transport"].isin(INSECURE_TRANSPORTS)
    )
    return rule_hits(
        f,
        bad,
        DESC + " by {transport}: identifiable special category data should travel "
        "by a secure route (NHSmail or accredited secure email, SFTP, or an encrypted API).",
        ["data_categories", "encrypted"],
        60,
        transport=lambda m: words(m["transport"]),
    )


UNENCRYPTED = Rule(
    id="FLOW_UNENCRYPTED",
    title="Personal data sent without encryption",
    subject_type="flow",
    score=55,
    remediation=(
        "Encrypt it in transit (TLS 1.2 or later, SFTP, NHSmail between accredited services "
        "or with [secure]) or, for removable media, use encrypted media; then record it."
    ),
    references=REFS,
    caf="B3.b",
    problem=per_subject("transport"),
    evaluate=_unencrypted,
)
INSECURE_TRANSPORT = Rule(
    id="FLOW_INSECURE_TRANSPORT",
    title="Sensitive data by email, removable media, fax or paper",
    subject_type="flow",
    score=60,
    remediation="Move the flow to NHSmail or accredited secure email, SFTP or an encrypted API; "
    "retire fax.",
    references=REFS,
    caf="B3.b",
    problem=per_subject("transport"),
    evaluate=_insecure_transport,
)
