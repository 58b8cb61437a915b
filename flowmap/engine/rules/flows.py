"""Flow rules, one module per concept, in catalogue order.

- :mod:`~flowmap.engine.rules.lawful`: UK GDPR Art 6 basis and Art 9 condition;
- :mod:`~flowmap.engine.rules.agreements`: agreements, the receiver's assurance,
  transfers outside the UK (judged with :mod:`flowmap.engine.sharing`);
- :mod:`~flowmap.engine.rules.transport`: encryption and insecure routes;
- :mod:`~flowmap.engine.rules.confidentiality`: the common law duty of confidentiality,
  the national data opt-out and data minimisation.

What they share is in :mod:`~flowmap.engine.rules.flowbase`.
"""

from __future__ import annotations

from flowmap.engine.rules import agreements, confidentiality, lawful, transport

RULES = (
    lawful.NO_LAWFUL_BASIS,
    lawful.NO_SPECIAL_CONDITION,
    agreements.NO_DSA,
    agreements.DSA_EXPIRED,
    transport.UNENCRYPTED,
    transport.INSECURE_TRANSPORT,
    confidentiality.IMPLIED_CONSENT_MISUSE,
    confidentiality.NO_CONFIDENTIALITY_BASIS,
    confidentiality.S251_NO_REF,
    confidentiality.OPT_OUT_NOT_APPLIED,
    confidentiality.IDENTIFIABLE_SECONDARY_USE,
    agreements.PARTNER_BELOW_STANDARD,
    agreements.PARTNER_ASSURANCE,
    agreements.RESTRICTED_TRANSFER,
    lawful.LEGIT_INTEREST_PUBLIC,
)
